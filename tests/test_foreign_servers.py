"""Foreign servers on a real server (postgres_fdw; no connection is made): read, written, created by a
migration on an empty database right after the wrapper's extension, and compared with the tests' own SQL over
pg_foreign_server (wrapper, type, version, options, comment); then changed over an existing database (an
option set, one added, one dropped, another version, a server dropped) and compared with what the edited
schema.yaml builds from scratch. User mappings stay not managed: listed by name, their passwords never read."""

from __future__ import annotations

import psycopg
import pytest

from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

SOURCE = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER remote_pg TYPE 'pg' VERSION '15' FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host 'db.example', dbname 'app', port '5432');
CREATE SERVER "Other Server" FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'it''s');
COMMENT ON SERVER remote_pg IS 'the app''s database';
CREATE USER MAPPING FOR PUBLIC SERVER remote_pg OPTIONS (user 'app', password 'hunter2');
GRANT USAGE ON FOREIGN SERVER "Other Server" TO PUBLIC;
"""
SERVERS = """SELECT s.srvname, w.fdwname, s.srvtype, s.srvversion, s.srvoptions, d.description
FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_description d ON d.objoid = s.oid AND d.classoid = 'pg_foreign_server'::regclass
ORDER BY 1"""
MAJORS = [pytest.param("pg15"), pytest.param("pg18")]


def servers(url):
    with psycopg.connect(url) as conn:
        return conn.execute(SERVERS).fetchall()


def need_postgres_fdw(url):
    with psycopg.connect(url) as conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgres_fdw'").fetchone():
            pytest.skip("this PostgreSQL build has no postgres_fdw")


def inspected(tmp_path, url: str, sql: str, schemac) -> str:
    """schema.yaml as inspect writes it from `url` once `sql` ran there, nothing listed as not managed (a server
    without postgres_fdw: skipped)."""
    need_postgres_fdw(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)
    r = schemac("inspect", "--database-url", url, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "# Not managed" not in text, r.stderr + text
    return text


def _migration(tmp_path, name):
    return "".join(p.read_text() for p in sorted((tmp_path / "generated" / "migrations").glob(f"*{name}*.sql")))


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_foreign_servers_round_trip_and_change(tmp_path, major_db, schemac):
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    need_postgres_fdw(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0, r.stderr
    assert "  remote_pg:\n    wrapper: postgres_fdw\n    type: pg\n    version: '15'\n" \
           "    options: {host: db.example, dbname: app, port: '5432'}\n" in text, text
    assert "  Other Server:\n    wrapper: postgres_fdw\n    options: {dbname: \"it's\"}\n    grants:\n      PUBLIC: [usage]\n" \
        in text and "foreign server privileges" not in text, text  # managed (test_foreign_server_grants)
    assert "#   user mapping (1): PUBLIC@remote_pg" in text and "hunter2" not in text + r.stderr, text
    assert schemac("generate", "--name", "base").returncode == 0
    sql = _migration(tmp_path, "base")
    assert sql.index("CREATE EXTENSION") < sql.index("CREATE SERVER remote_pg") and "hunter2" not in sql, sql
    with sibling_database(major_db) as b:
        apply_all(b, str(tmp_path / "generated"))
        assert servers(b) == servers(major_db)
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0, r.stdout + r.stderr
        edited = text.replace("version: '15'", "version: '16'").replace(
            "{host: db.example, dbname: app, port: '5432'}", "{host: db2.example, port: '5432', sslmode: require}")
        edited = edited.replace("  Other Server:\n", "  gone:\n").replace("  gone:\n    wrapper: postgres_fdw\n"
                                                                          "    options: {dbname: \"it's\"}\n"
                                                                          "    grants:\n      PUBLIC: [usage]\n", "")
        assert "  Other Server:" not in edited and "gone" not in edited, edited
        (tmp_path / "schema.yaml").write_text(edited)
        r = schemac("generate", "--name", "change", "--allow-destructive")
        assert r.returncode == 0, r.stdout + r.stderr
        sql = _migration(tmp_path, "change")
        assert "ALTER SERVER remote_pg VERSION '16' OPTIONS (DROP dbname, SET host 'db2.example', " \
               "ADD sslmode 'require');" in sql, sql
        apply_all(b, str(tmp_path / "generated"))
        with sibling_database(major_db) as c:
            with psycopg.connect(c, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION postgres_fdw; CREATE SERVER remote_pg TYPE 'pg' VERSION '16' "
                             "FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db2.example', port '5432', "
                             "sslmode 'require'); COMMENT ON SERVER remote_pg IS 'the app''s database';")
            assert servers(b) == servers(c)
        assert schemac("diff", "--database-url", b).returncode == 0


# The wrapper's extension lives in a schema the migration creates after the servers' place in the kinds' order
# (file_fdw in "zz"): the server still waits for it, and is dropped before it.
WRAPPER_LATE = """\
CREATE SCHEMA zz;
CREATE EXTENSION file_fdw WITH SCHEMA zz;
CREATE SERVER aa FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE public.csv (a int) SERVER aa OPTIONS (filename '/tmp/none.csv', format 'csv');
"""
EXTENSIONS = "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY 1"


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_server_waits_for_its_wrappers_extension(tmp_path, major_db, schemac):
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    with psycopg.connect(major_db, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'file_fdw'").fetchone():
            pytest.skip("this PostgreSQL build has no file_fdw")
        conn.execute(WRAPPER_LATE)
    assert schemac("inspect", "--database-url", major_db, "--output", "schema.yaml").returncode == 0
    assert schemac("generate", "--name", "base").returncode == 0
    with sibling_database(major_db) as b:
        apply_all(b, str(tmp_path / "generated"))
        assert servers(b) == servers(major_db)
        with psycopg.connect(b) as conn:
            assert ("file_fdw", "zz") in conn.execute(EXTENSIONS).fetchall()
            assert conn.execute("SELECT ftoptions FROM pg_foreign_table").fetchall() == \
                [(["filename=/tmp/none.csv", "format=csv"],)]
        (tmp_path / "schema.yaml").write_text("schemas: [zz]\n")
        r = schemac("generate", "--name", "gone", "--allow-destructive")
        assert r.returncode == 0, r.stdout + r.stderr
        apply_all(b, str(tmp_path / "generated"))
        assert servers(b) == []
        with psycopg.connect(b) as conn:
            assert "file_fdw" not in [x[0] for x in conn.execute(EXTENSIONS).fetchall()]


FOREIGN_TRIGGER = "foreign_servers:\n  s: {wrapper: w}\ntables:\n  ft:\n    foreign: {server: s}\n    columns: {a: int}\n" \
                  "    triggers:\n"


@pytest.mark.parametrize("text, message", [
    ("foreign_servers:\n  s:\n    type: pg\n", "3:5: foreign server 's' needs the key 'wrapper'"),
    ("foreign_servers:\n  s:\n    wrapper: postgres_fdw\n    options: [a]\n", "4:14: options of foreign server 's' must be a mapping"),
    ("foreign_servers:\n  s:\n    wrapper: postgres_fdw\n    host: x\n", "4:5:"),
    ("foreign_servers:\n  s:\n    wrapper: w\n    grants: {r: [select]}\n",
     "4:18: privilege of grants to r on foreign server 's' must be one of usage or all, not 'select'"),
    ("foreign_servers:\n  s:\n    wrapper: w\n    grants: {r: [\"usage (a)\"]}\n", "only a table's privileges name columns"),
    ("foreign_servers:\n  s:\n    wrapper: w\n    grants: [r]\n", "4:13: grants of foreign server 's' must be a mapping"),
    (FOREIGN_TRIGGER + "      g: {function: f, timing: instead_of, events: [insert], for_each: row}\n",
     "8:10: trigger 'g' of table 'ft': instead_of triggers are a view's, not a table's (Postgres refuses it)"),
    *[(FOREIGN_TRIGGER + trigger, f"8:7: trigger 'g' of table 'ft': a foreign table's trigger cannot {refused} "
                                  "(Postgres refuses it)") for trigger, refused in [
        ("      g: {function: f, events: [insert], for_each: row, constraint: true}\n", "be a constraint trigger"),
        ("      g: {function: f, events: [insert], new_table: n}\n", "have a transition table (old_table, new_table)")]],
])
def test_foreign_server_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert message in str(e.value), str(e.value)


# A server dropped for good while user mappings are on it (schemac manages none): Postgres refuses DROP SERVER while
# they are there, so the migration drops them first, by role name alone; another server's mapping is kept.
MAPPED = """\
DO $$ BEGIN CREATE ROLE "Seq-Owner"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE FOREIGN DATA WRAPPER own_fdw;
CREATE SERVER kept FOREIGN DATA WRAPPER own_fdw;
CREATE USER MAPPING FOR "Seq-Owner" SERVER kept OPTIONS (password 'kept-secret');
"""
MAPPINGS = "SELECT srvname, usename FROM pg_user_mappings ORDER BY 1, 2"


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_server_dropped_over_its_user_mappings(tmp_path, major_db, schemac):
    from catalog_oracle import sibling_database

    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(MAPPED + "CREATE SERVER far FOREIGN DATA WRAPPER own_fdw; CREATE USER MAPPING FOR CURRENT_USER "
                     "SERVER far OPTIONS (password 'far-secret'); CREATE USER MAPPING FOR PUBLIC SERVER far; "
                     'CREATE USER MAPPING FOR "Seq-Owner" SERVER far; CREATE FOREIGN TABLE far_t (id int) SERVER far;')
    assert schemac("inspect", "--database-url", major_db, "--output", "schema.yaml").returncode == 0
    assert schemac("generate", "--name", "base").returncode == 0  # the database is that schema already
    with sibling_database(major_db) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute(MAPPED)
        assert schemac("inspect", "--database-url", b, "--output", "schema.yaml", "--force").returncode == 0
    r = schemac("generate", "--name", "drop", "--allow-destructive")
    assert r.returncode == 0, r.stdout + r.stderr
    sql = _migration(tmp_path, "drop")
    assert "secret" not in sql + r.stdout + r.stderr, sql
    with psycopg.connect(major_db) as conn:  # one transaction, as sqlx applies a file
        conn.execute(sql)
    with psycopg.connect(major_db) as conn:
        assert conn.execute(MAPPINGS).fetchall() == [("kept", "Seq-Owner")]
        assert conn.execute("SELECT srvname FROM pg_foreign_server").fetchall() == [("kept",)]


# A server made again (another wrapper) carries its user mappings over, options and all, read where the migration runs
# as the role applying it sees them in pg_user_mappings. A non-superuser owner of the server reads PUBLIC's and its own,
# not another role's: then the migration stops before anything is dropped, naming that mapping, never a password.
REMADE = """\
DO $$ BEGIN CREATE ROLE "Seq-Owner"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE fdw_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE FOREIGN DATA WRAPPER own_fdw;
CREATE FOREIGN DATA WRAPPER other_fdw;
GRANT USAGE ON FOREIGN DATA WRAPPER own_fdw, other_fdw TO fdw_app;
CREATE SERVER far FOREIGN DATA WRAPPER {wrapper};
ALTER SERVER far OWNER TO fdw_app;
"""
MAPPED_OPTIONS = "SELECT srvname, usename, umoptions FROM pg_user_mappings ORDER BY 1, 2"


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_server_made_again_by_its_owner_keeps_or_stops_over_its_user_mappings(tmp_path, major_db, schemac):
    from catalog_oracle import sibling_database

    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(REMADE.format(wrapper="own_fdw") + "CREATE USER MAPPING FOR PUBLIC SERVER far OPTIONS "
                     "(password 'public-secret'); CREATE USER MAPPING FOR fdw_app SERVER far OPTIONS "
                     "(user 'app', password 'app-secret');")
    assert schemac("inspect", "--database-url", major_db, "--output", "schema.yaml").returncode == 0
    assert schemac("generate", "--name", "base").returncode == 0
    with sibling_database(major_db) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute(REMADE.format(wrapper="other_fdw"))
        assert schemac("inspect", "--database-url", b, "--output", "schema.yaml", "--force").returncode == 0
    r = schemac("generate", "--name", "remade")
    assert r.returncode == 0, r.stdout + r.stderr
    sql = _migration(tmp_path, "remade")
    assert "secret" not in sql + r.stdout + r.stderr, sql
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE USER MAPPING FOR \"Seq-Owner\" SERVER far OPTIONS (password 'seq-secret')")
        before = conn.execute(MAPPED_OPTIONS).fetchall()
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
        with psycopg.connect(major_db) as conn:  # one transaction, as sqlx applies a file
            conn.execute("SET ROLE fdw_app")
            conn.execute(sql)
    message = f"{e.value} {e.value.diag.message_hint}"
    assert 'user mapping for Seq-Owner are not readable by role fdw_app' in message and "secret" not in message, message
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert conn.execute(MAPPED_OPTIONS).fetchall() == before
        conn.execute('DROP USER MAPPING FOR "Seq-Owner" SERVER far')
        before = conn.execute(MAPPED_OPTIONS).fetchall()
    with psycopg.connect(major_db) as conn:
        conn.execute("SET ROLE fdw_app")
        conn.execute(sql)
    with psycopg.connect(major_db) as conn:
        assert conn.execute(MAPPED_OPTIONS).fetchall() == before == [
            ("far", "fdw_app", ["user=app", "password=app-secret"]), ("far", "public", ["password=public-secret"])]
        assert conn.execute("SELECT s.srvname, w.fdwname, s.srvowner::regrole::text FROM pg_foreign_server s "
                            "JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw").fetchall() == \
            [("far", "other_fdw", "fdw_app")]
