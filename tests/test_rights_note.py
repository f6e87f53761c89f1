"""`generate` says, before anyone runs the migration, which of its statements need a superuser and which need
membership in another role (plan.rights): a `note:` line on stderr (exit status unchanged) and the same as the
new file's last header comment. The oracle is Postgres: each statement of the migration run alone by a
non-superuser owning the database; the statements it refuses for want of privilege (SQLSTATE 42501) are exactly
the ones the note names, and granting the role and the SET ON PARAMETER the note names leaves only the superuser's.
A plain table change prints no note and applies whole as that owner; an event trigger dropped and a wrapper commented
(a superuser's, whoever runs the migration) are named and refused."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.sqltext import split
from schemac.pg.names import quote_ident

RUNNER, OTHER = "schemac_rights_runner", "schemac_rights_other"
BASE = f"""\
tables:
  plain:
    columns: {{id: bigint}}
  given:
    columns: {{id: bigint}}
    owner: {OTHER}
functions:
  watch: {{returns: event_trigger, language: plpgsql, body: begin end}}
  series: {{arguments: "n integer", returns: setof integer, language: sql, volatility: immutable,
           support: generate_series_int4_support, body: "SELECT generate_series(1, n)"}}
  quiet: {{returns: integer, language: sql, body: SELECT 1,
          set: {{app.mode: quiet, session_replication_role: replica, plpgsql.extra_warnings: all}}}}
event_triggers:
  watch: {{event: ddl_command_end, function: watch}}
foreign_data_wrappers:
  mine: {{}}
publications:
  everything: {{all_tables: true}}
  by_schema: {{tables_in_schema: [public]}}
operator_classes:
  int_hash: {{method: hash, type: integer, operators: [{{strategy: 1, operator: '='}}],
             functions: [{{number: 1, function: 'pg_catalog.hashint4(integer)'}}]}}
default_privileges:
  - {{role: {OTHER}, objects: tables, grants: {{{RUNNER}: [select]}}}}
"""
NOTE = (f"note: applying this migration needs a superuser for CREATE FOREIGN DATA WRAPPER, CREATE FUNCTION SUPPORT, CREATE OPERATOR CLASS, CREATE PUBLICATION FOR ALL "
        f"TABLES, CREATE PUBLICATION FOR TABLES IN SCHEMA, CREATE EVENT TRIGGER; and a superuser or a role that can SET ROLE to {OTHER} (ALTER TABLE OWNER TO, "
        f"ALTER DEFAULT PRIVILEGES FOR ROLE); and a superuser or a role granted SET ON PARAMETER app.mode, "
        f"session_replication_role (a routine's SET)")
SUPERUSER = ["CREATE FOREIGN DATA WRAPPER mine;",
             "CREATE FUNCTION series(n INT) RETURNS SETOF INT LANGUAGE sql IMMUTABLE SUPPORT generate_series_int4_support "
             "AS $$SELECT generate_series(1, n)$$;",
             "CREATE OPERATOR CLASS int_hash FOR TYPE INT USING hash AS OPERATOR 1 =, FUNCTION 1 pg_catalog.hashint4(INT);", "CREATE PUBLICATION everything FOR ALL TABLES;",
             'DO: CREATE PUBLICATION by_schema FOR TABLES IN SCHEMA public;',
             "CREATE EVENT TRIGGER watch ON ddl_command_end EXECUTE FUNCTION watch();"]
# (a custom setting and a superuser's; PL/pgSQL's is a role's once the file's empty DO block has loaded it)
SETTING = ("CREATE FUNCTION quiet() RETURNS INT LANGUAGE sql SET app.mode = quiet SET session_replication_role = replica "
           "SET plpgsql.extra_warnings = 'all' AS $$SELECT 1$$;")


def _migration(tmp_path, name):
    (path,) = (tmp_path / "generated" / "migrations").glob(f"*_{name}.sql")
    return path.read_text()


def _refused(url, text):
    """The statements of `text` Postgres refuses RUNNER for want of privilege, each run alone (in a savepoint),
    all rolled back: each by its first line, a DO block by the first CREATE or ALTER in it."""
    refused = []
    with psycopg.connect(url) as conn:
        conn.execute(f"SET ROLE {RUNNER}")
        for s in split(text):
            try:
                with conn.transaction():
                    conn.execute(s.text)
            except psycopg.errors.InsufficientPrivilege:
                refused.append(s.first_line if not s.text.startswith("DO ") else "DO: " + next(
                    line.strip() for line in s.text.splitlines() if line.lstrip().startswith(("CREATE ", "ALTER "))))
            except psycopg.Error:
                pass  # (a statement on what a refused one would have made)
        conn.rollback()
    return refused


def test_the_note_names_what_postgres_refuses_the_owner(tmp_path, any_db_url, schemac):
    db_url = any_db_url  # (18 by default; 16 and 15 under -m slow)
    with psycopg.connect(db_url, autocommit=True) as conn:
        available = {n for n, in conn.execute("SELECT name FROM pg_available_extensions")}
        conn.execute(f"CREATE ROLE {RUNNER}; CREATE ROLE {OTHER}")
        conn.execute(f"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO {RUNNER}', current_database()); END $$")
        conn.execute(f"ALTER SCHEMA public OWNER TO {RUNNER}")
    # an extension PostgreSQL does not ship trusted (this build's: pgserver's 16 has vector alone), and a trusted one
    untrusted = "vector" if "vector" in available else "pg_stat_statements"
    extensions = [untrusted] + (["citext"] if "citext" in available else [])
    schema_text = BASE + "extensions: [" + ", ".join(f"{{name: {e}}}" for e in extensions) + "]\n"
    note = NOTE.replace("a superuser for ", f"a superuser for CREATE EXTENSION {untrusted}, ", 1)
    superuser = [f"CREATE EXTENSION IF NOT EXISTS {quote_ident(untrusted)};", *SUPERUSER]
    try:
        (tmp_path / "schema.yaml").write_text(schema_text)
        r = schemac("generate", "--name", "base")
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"schemac: {note}\n" in r.stderr, r.stderr
        base = _migration(tmp_path, "base")
        assert f"\n-- {note}\n" in base.split("\n\n", 1)[0] + "\n", base  # the header's last comment
        refused = _refused(db_url, base)
        assert sorted(refused) == sorted([*superuser, SETTING, f"ALTER TABLE given OWNER TO {OTHER};",
                                          f"ALTER DEFAULT PRIVILEGES FOR ROLE {OTHER} GRANT SELECT ON TABLES TO {RUNNER};"]), base
        with psycopg.connect(db_url, autocommit=True) as conn:  # the membership and SET the note names are what it lacked
            conn.execute(f"GRANT {OTHER} TO {RUNNER}")
            conn.execute(f"GRANT SET ON PARAMETER app.mode, session_replication_role TO {RUNNER}")
            conn.execute(f"GRANT CREATE ON SCHEMA public TO {OTHER}")  # (ALTER TABLE's other check: the new owner's)
        assert sorted(_refused(db_url, base)) == sorted(superuser), base
        with psycopg.connect(db_url, autocommit=True) as conn:  # as a superuser would, then the owner's change
            conn.execute(base)
            conn.execute(f"ALTER TABLE plain OWNER TO {RUNNER}; ALTER PUBLICATION by_schema OWNER TO {RUNNER}")
        (tmp_path / "schema.yaml").write_text(schema_text.replace("columns: {id: bigint}\n  given",
                                                           "columns: {id: bigint, label: text}\n  given")
                                              .replace("tables_in_schema: [public]", "tables: [plain]"))
        r = schemac("generate", "--name", "label")
        assert r.returncode == 0 and "note:" not in r.stderr, r.stdout + r.stderr
        label = _migration(tmp_path, "label")
        assert "-- note:" not in label, label
        with psycopg.connect(db_url) as conn:  # whole, as the owner, as sqlx would
            conn.execute(f"SET ROLE {RUNNER}")
            conn.execute(label)
            conn.execute("RESET ROLE")
            assert conn.execute("SELECT (SELECT count(*) FROM pg_publication_namespace), array_agg(prrelid::regclass::text) "
                                "FROM pg_publication_rel").fetchone() == (0, ["plain"])
            assert conn.execute("SELECT a.attname FROM pg_attribute a WHERE a.attrelid = 'public.plain'::regclass "
                                "AND a.attnum > 0 ORDER BY a.attnum").fetchall() == [("id",), ("label",)]
        # the event trigger dropped, the wrapper commented: their owner is a superuser, whom no other role can be
        (tmp_path / "schema.yaml").write_text(schema_text.replace("columns: {id: bigint}\n  given",
                                                           "columns: {id: bigint, label: text}\n  given")
                                              .replace("tables_in_schema: [public]", "tables: [plain]")
                                              .replace("event_triggers:\n  watch: {event: ddl_command_end, function: watch}\n", "")
                                              .replace("mine: {}", "mine: {comment: ours}"))
        r = schemac("generate", "--name", "dropped")
        note = "note: applying this migration needs a superuser for DROP EVENT TRIGGER, COMMENT ON FOREIGN DATA WRAPPER"
        assert r.returncode == 0 and f"schemac: {note}\n" in r.stderr, r.stdout + r.stderr
        dropped = _migration(tmp_path, "dropped")
        assert sorted(_refused(db_url, dropped)) == ["COMMENT ON FOREIGN DATA WRAPPER mine IS 'ours';",
                                                     "DROP EVENT TRIGGER IF EXISTS watch;"], dropped
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:  # (the database, its schema public: back to postgres)
            conn.execute(f"REASSIGN OWNED BY {RUNNER}, {OTHER} TO postgres; DROP OWNED BY {RUNNER}, {OTHER}")
            conn.execute(f"DROP ROLE {RUNNER}; DROP ROLE {OTHER}")


# A table inheriting, and one referencing, PostGIS's spatial_ref_sys (postgis is no trusted extension: its tables are
# the superuser's that made it); as the TIGER loader's tables inherit the geocoder's.
GIS_NEW = """CREATE EXTENSION postgis;
CREATE TABLE areas (id int PRIMARY KEY, srid int REFERENCES spatial_ref_sys (srid));
CREATE TABLE local_srs () INHERITS (spatial_ref_sys);"""


@pytest.mark.slow
@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)  # (Debian's 15: the build with PostGIS)
def test_the_note_names_an_untrusted_extensions_tables_inherited_or_referenced(major_db, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone() is None:
            pytest.fail("this server's build has no PostGIS")  # (pg15 is Debian's, which has it)
        conn.execute(f"CREATE ROLE {RUNNER}")
        conn.execute(f"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO {RUNNER}', current_database()); END $$")
        conn.execute(f"ALTER SCHEMA public OWNER TO {RUNNER}")
        conn.execute("CREATE EXTENSION postgis")  # (the superuser's, as only a superuser can make it)
    try:
        schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
        schema.write_text(inspect_database(major_db).yaml)
        assert generate(str(schema), out, name="old").status == "written"
        with sibling_database(major_db) as b:
            with psycopg.connect(b, autocommit=True) as conn:
                conn.execute(GIS_NEW)
            schema.write_text(inspect_database(b).yaml)
        r = generate(str(schema), out, name="new")
        assert r.status == "written", r.message
        assert ("note: applying this migration needs a superuser for INHERIT spatial_ref_sys (postgis's), "
                "REFERENCES spatial_ref_sys (postgis's)") in r.notices, r.notices
        refused = _refused(major_db, _migration(tmp_path, "new"))
        assert sorted(refused) == ["ALTER TABLE areas ADD FOREIGN KEY (srid) REFERENCES spatial_ref_sys (srid);",
                                   "CREATE TABLE IF NOT EXISTS local_srs () INHERITS (spatial_ref_sys);"], r.sql
    finally:
        with psycopg.connect(major_db, autocommit=True) as conn:
            conn.execute(f"REASSIGN OWNED BY {RUNNER} TO postgres; DROP OWNED BY {RUNNER}; DROP ROLE {RUNNER}")


def test_the_note_names_the_temporary_privilege_a_pg_temp_function_needs(tmp_path, any_db_url, schemac):
    """A multirange over numeric made an integer one is rebuilt by a function the migration makes in pg_temp
    (plan.range_ddl): the note names the database's TEMPORARY privilege, which the owner of the table lacks where
    PUBLIC's is revoked (Postgres refuses it "permission denied to create temporary tables"), and granted it applies."""
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {RUNNER}")
        conn.execute("DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$")
    try:
        (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns: {id: bigint, m: nummultirange}\n")
        r = schemac("generate", "--name", "base")
        assert r.returncode == 0 and "note:" not in r.stderr, r.stdout + r.stderr
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(_migration(tmp_path, "base"))
            conn.execute(f"ALTER TABLE t OWNER TO {RUNNER}; INSERT INTO t VALUES (1, '{{[1.5,2.5),(3.2,4.7]}}'), (2, NULL)")
        (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns: {id: bigint, m: int4multirange}\n")
        r = schemac("generate", "--name", "integers", "--allow-destructive")
        note = ("note: applying this migration needs the database's TEMPORARY privilege (PUBLIC's unless revoked, its "
                "owner's) for CREATE FUNCTION pg_temp")
        assert r.returncode == 0 and f"schemac: {note}\n" in r.stderr, r.stdout + r.stderr
        migration = _migration(tmp_path, "integers")
        assert f"\n-- {note}\n" in migration.split("\n\n", 1)[0] + "\n", migration
        with psycopg.connect(db_url) as conn:  # (a new session: no temporary schema made yet)
            conn.execute(f"SET ROLE {RUNNER}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="temporary tables"):
                conn.execute(migration)
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(f"DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO {RUNNER}', current_database()); END $$")
        with psycopg.connect(db_url) as conn:
            conn.execute(f"SET ROLE {RUNNER}")
            conn.execute(migration)
            assert conn.execute("SELECT m::text FROM t ORDER BY id").fetchall() == [("{[2,3),[4,6)}",), (None,)]
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(f"REASSIGN OWNED BY {RUNNER} TO postgres; DROP OWNED BY {RUNNER}; DROP ROLE {RUNNER}")
            conn.execute("DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database()); END $$")


def _filled(a: str, index: str = "") -> str:
    """schema.yaml of RUNNER's table q whose key another role's publication leaves out of its column list."""
    return (f"tables:\n  q:\n    columns:\n      id: {{type: bigint, nullable: false}}\n      a: {{type: integer{a}}}\n"
            f"      b: {{type: integer, nullable: false}}\n    primary_key: {{columns: [b]}}\n    owner: {RUNNER}\n{index}"
            f"publications:\n  theirs:\n    tables: [{{table: q, columns: [id, a]}}]\n    owner: {OTHER}\n")


@pytest.mark.parametrize("index, inherit", [("", "INHERIT"), ("", "NOINHERIT"),
                                            ("    indexes:\n      q_id: {columns: [id], unique: true}\n", "INHERIT")],
                         ids=["no-identity-it-covers", "no-identity-it-covers-member-without-inheriting",
                              "a-unique-index-it-covers"])
def test_the_note_names_another_roles_publication_no_identity_serves_a_backfill_under(tmp_path, any_db_url, schemac,
                                                                                      index, inherit):
    """A NOT NULL's backfill of RUNNER's table q, whose key OTHER's publication leaves out of its column list: with no
    unique index inside the list, no replica identity lets Postgres take the UPDATE (FULL is not covered by the list
    either) and RUNNER cannot alter the publication: the note names OTHER, the table and the publication, the
    migration applied as RUNNER stops at plan.published_fills' refusal naming them, and as a member of OTHER it
    applies: one that inherits OTHER's privileges, or one that does not (RUNNER NOINHERIT: on 16+ its grant is WITH
    INHERIT FALSE) but may SET ROLE to it, which the DO block does around the ALTER PUBLICATIONs, RUNNER again after.
    With a unique index on a listed column (USING INDEX serves): no note, and it applies as RUNNER."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {RUNNER}; CREATE ROLE {OTHER}")
    try:
        (tmp_path / "schema.yaml").write_text(_filled("", index))
        assert schemac("generate", "--name", "base").returncode == 0
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(_migration(tmp_path, "base"))
            conn.execute("INSERT INTO q VALUES (1, NULL, 2), (2, 3, 4)")
        (tmp_path / "schema.yaml").write_text(_filled(", nullable: false, default: '0'", index))
        r = schemac("generate", "--name", "filled")
        note = (f"note: applying this migration needs a superuser or a role that can SET ROLE to {OTHER} (UPDATE q "
                "under publication theirs)")
        migration = _migration(tmp_path, "filled")
        with psycopg.connect(any_db_url) as conn:
            conn.execute(f"SET ROLE {RUNNER}")
            if index:
                assert r.returncode == 0 and "note:" not in r.stderr, r.stdout + r.stderr
                conn.execute(migration)
            else:
                assert r.returncode == 0 and f"schemac: {note}\n" in r.stderr, r.stdout + r.stderr
                assert f"\n-- {note}\n" in migration.split("\n\n", 1)[0] + "\n", migration
                with pytest.raises(psycopg.errors.RaiseException, match=f"publication theirs \\(owner {OTHER}\\)"):
                    conn.execute(migration)
                conn.rollback()
                # (the member without inheriting logs in as RUNNER: no role set, which the DO block sets again after)
                conn.execute(f"RESET ROLE; ALTER ROLE {RUNNER} {inherit}; GRANT {OTHER} TO {RUNNER}; "
                             + (f"SET ROLE {RUNNER}" if inherit == "INHERIT" else f"SET SESSION AUTHORIZATION {RUNNER}"))
                conn.execute(migration)
                assert conn.execute("SELECT current_user, current_setting('role')").fetchone() == \
                    (RUNNER, RUNNER if inherit == "INHERIT" else "none")
                assert conn.execute("SELECT pubupdate FROM pg_publication WHERE pubname = 'theirs'").fetchone() == (True,)
            assert conn.execute("SELECT id, a FROM q ORDER BY id").fetchall() == [(1, 0), (2, 3)]
    finally:
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(f"DROP PUBLICATION IF EXISTS theirs; DROP TABLE IF EXISTS q; DROP ROLE {RUNNER}; DROP ROLE {OTHER}")


@pytest.mark.parametrize("after", ["    tables: [{table: p}]\n", "    tables: [{table: q, columns: [id, a, b]}]\n"],
                         ids=["table-left", "key-listed"])
def test_the_note_names_a_publication_the_migration_changes_after_the_backfill(tmp_path, any_db_url, schemac, after):
    """A NOT NULL's backfill of RUNNER's table q under OTHER's publication whose column list leaves out its key, which
    schema.yaml takes q out of (or lists the key in): the migration changes the publication after the backfill, which
    runs under it as it is (no identity covered): the note names it as it does where the publication stays, and the
    migration applied as RUNNER stops at the backfill's refusal naming it (failed before: no note)."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {RUNNER}; CREATE ROLE {OTHER}")
    try:
        other = f"  p:\n    columns:\n      id: {{type: bigint}}\n    owner: {RUNNER}\n"
        (tmp_path / "schema.yaml").write_text(_filled("").replace("publications:", other + "publications:"))
        assert schemac("generate", "--name", "base").returncode == 0
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(_migration(tmp_path, "base"))
            conn.execute("INSERT INTO q VALUES (1, NULL, 2), (2, 3, 4)")
        text = _filled(", nullable: false, default: '0'").replace("publications:", other + "publications:")
        (tmp_path / "schema.yaml").write_text(text.replace("    tables: [{table: q, columns: [id, a]}]\n", after))
        r = schemac("generate", "--name", "filled")
        migration = _migration(tmp_path, "filled")
        note = f"a superuser or a role that can SET ROLE to {OTHER} (UPDATE q under publication theirs"
        assert r.returncode == 0 and note in r.stderr, r.stdout + r.stderr
        with psycopg.connect(any_db_url) as conn:
            conn.execute(f"SET ROLE {RUNNER}")
            with pytest.raises(psycopg.errors.RaiseException, match=f"publication theirs \\(owner {OTHER}\\)"):
                conn.execute(migration)
    finally:
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(f"DROP PUBLICATION IF EXISTS theirs; DROP TABLE IF EXISTS q, p; DROP ROLE {RUNNER}; "
                         f"DROP ROLE {OTHER}")


@pytest.mark.parametrize("unowned, role", [(f"    owner: {RUNNER}\n", OTHER),
                                           (f"    owner: {OTHER}\n", "the owner of publication theirs")],
                         ids=["table", "publication"])
def test_the_note_names_a_publication_no_identity_serves_where_schema_yaml_gives_no_owner(tmp_path, any_db_url,
                                                                                          schemac, unowned, role):
    """The backfill under a publication no replica identity serves, where schema.yaml gives no owner to the table (the
    migration's role may own the publication, or not: the note says what applying needs) or to the publication (the
    note names its owner so): the note says it, and the migration applied by a role owning the table but not the
    publication stops at the backfill's refusal (failed before: no note, neither being judged)."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {RUNNER}; CREATE ROLE {OTHER}")
    try:
        (tmp_path / "schema.yaml").write_text(_filled("").replace(unowned, "", 1))
        assert schemac("generate", "--name", "base").returncode == 0
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(_migration(tmp_path, "base"))
            conn.execute(f"ALTER TABLE q OWNER TO {RUNNER}; INSERT INTO q VALUES (1, NULL, 2), (2, 3, 4)")
        (tmp_path / "schema.yaml").write_text(_filled(", nullable: false, default: '0'").replace(unowned, "", 1))
        r = schemac("generate", "--name", "filled")
        note = f"note: applying this migration needs a superuser or a role that can SET ROLE to {role} (UPDATE q under"
        assert r.returncode == 0 and f"schemac: {note} publication theirs)\n" in r.stderr, r.stdout + r.stderr
        with psycopg.connect(any_db_url) as conn:
            conn.execute(f"SET ROLE {RUNNER}")
            with pytest.raises(psycopg.errors.RaiseException, match="publication theirs \\(owner "):
                conn.execute(_migration(tmp_path, "filled"))
    finally:
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(f"DROP PUBLICATION IF EXISTS theirs; DROP TABLE IF EXISTS q; DROP ROLE {RUNNER}; DROP ROLE {OTHER}")


def test_the_note_names_the_owner_of_a_publication_the_migration_alters_that_is_not_its_tables_owner(tmp_path,
                                                                                                     any_db_url, schemac):
    """OTHER's publication listing RUNNER's table q, which schema.yaml moves to RUNNER's p, beside RUNNER's own
    publication moved alike: its ALTER PUBLICATIONs are OTHER's alone to run ('must be owner of publication theirs'):
    the note names OTHER for them (not for RUNNER's own), the migration applied as RUNNER is refused, and applies once
    RUNNER is a member of OTHER (failed before: no note)."""
    def schema(table: str) -> str:
        return (f"tables:\n  q:\n    columns:\n      id: {{type: bigint}}\n    owner: {RUNNER}\n"
                f"  p:\n    columns:\n      id: {{type: bigint}}\n    owner: {RUNNER}\n"
                f"publications:\n  theirs:\n    tables: [{{table: {table}}}]\n    owner: {OTHER}\n"
                f"  mine:\n    tables: [{{table: {table}}}]\n    owner: {RUNNER}\n")
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {RUNNER}; CREATE ROLE {OTHER}")
    try:
        (tmp_path / "schema.yaml").write_text(schema("q"))
        assert schemac("generate", "--name", "base").returncode == 0
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(_migration(tmp_path, "base"))
        (tmp_path / "schema.yaml").write_text(schema("p"))
        r = schemac("generate", "--name", "moved")
        note = f"note: applying this migration needs a superuser or a role that can SET ROLE to {OTHER} (ALTER PUBLICATION x2)"
        assert r.returncode == 0 and f"schemac: {note}\n" in r.stderr, r.stdout + r.stderr
        migration = _migration(tmp_path, "moved")
        assert "ALTER PUBLICATION mine" in migration, migration
        with psycopg.connect(any_db_url) as conn:
            conn.execute(f"SET ROLE {RUNNER}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner of publication theirs"):
                conn.execute(migration)
            conn.rollback()
            conn.execute(f"RESET ROLE; GRANT {OTHER} TO {RUNNER}; SET ROLE {RUNNER}")
            conn.execute(migration)
            assert conn.execute("SELECT pubname, prrelid::regclass::text FROM pg_publication_rel JOIN pg_publication p "
                                "ON p.oid = prpubid ORDER BY 1").fetchall() == [("mine", "p"), ("theirs", "p")]
    finally:
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(f"DROP PUBLICATION IF EXISTS theirs, mine; DROP TABLE IF EXISTS q, p; DROP ROLE {RUNNER}; "
                         f"DROP ROLE {OTHER}")
