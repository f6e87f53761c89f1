"""Settings of the database itself (issue 13: nothing silently left out). Postgres's own settings given by `ALTER
DATABASE ... SET` are managed (`database: {settings: ...}`, made by a DO block on current_database(): a migration
cannot name its database); custom ones (a name with a dot: a value may be a secret) and `ALTER ROLE ... IN DATABASE
... SET` are listed as not managed, by the setting's name alone, and `--strict` counts them. PostGIS's topology and
tiger scripts set the database's search_path, which must change nothing else schemac reads (its reading transaction
pins its own). The oracle: pg_db_role_setting, read by the test's own SQL."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

from conftest import fresh_database


def _settings(url: str) -> dict[tuple[str, str], str]:
    """The oracle: (role or '', setting name) -> value of every pg_db_role_setting row of the database."""
    with psycopg.connect(url) as conn:
        return {(r, c.split("=", 1)[0]): c.split("=", 1)[1] for r, c in conn.execute(
            "SELECT CASE WHEN s.setrole = 0 THEN '' ELSE s.setrole::regrole::text END, cfg "
            "FROM pg_db_role_setting s, unnest(s.setconfig) cfg "
            "WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())")}


def _alter_database(url: str, clause: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        db = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(sql.SQL("ALTER DATABASE {} ").format(sql.Identifier(db)) + sql.SQL(clause))  # type: ignore


def test_database_settings_round_trip_and_the_rest_are_listed(db_url, tmp_path):
    role = f"open13a_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA topo; CREATE TABLE topo.t (id serial PRIMARY KEY, n int);"
                     "CREATE VIEW topo.v AS SELECT id, n FROM topo.t;"
                     "CREATE TABLE public.u (id int DEFAULT 1 CHECK (id > 0))")
    before = inspect_database(db_url).yaml
    assert "# Not managed by schemac" not in before and "database:" not in before, before
    _alter_database(db_url, "SET search_path = \"$user\", public, topo")
    _alter_database(db_url, "SET \"app.jwt_secret\" = 'not-to-be-printed'")
    with psycopg.connect(db_url, autocommit=True) as conn:
        db = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} SET work_mem = '8MB'").format(sql.Identifier(role),
                                                                                         sql.Identifier(db)))
    try:
        assert _settings(db_url) == {("", "search_path"): '"$user", public, topo',
                                     ("", "app.jwt_secret"): "not-to-be-printed", (role, "work_mem"): "8MB"}
        with psycopg.connect(db_url) as conn:  # a new session takes the database's search_path
            assert conn.execute("SHOW search_path").fetchone()[0] == '"$user", public, topo'
        after = inspect_database(db_url).yaml
        body, listed = after.split("# Not managed by schemac", 1)
        header, rest = before.split("\n", 2)[:2], before.split("\n", 2)[2]
        # the view's query and the defaults read as without the setting (names qualified by topo.)
        assert body == "\n".join(header) + "\ndatabase:\n  settings:\n    search_path: '\"$user\", public, topo'\n" \
            + rest, (before, after)
        assert listed == (" (2): listed for reference, never changed.\n"
                          "#   custom database setting (1): app.jwt_secret\n"
                          f"#   role setting in database (1): work_mem for {role}\n"), listed
        assert "not-to-be-printed" not in after and "8MB" not in after
        schema = tmp_path / "schema.yaml"
        schema.write_text(after, encoding="utf-8")
        assert check_drift(str(schema), db_url).differences == ()
        strict = check_drift(str(schema), db_url, strict=True).differences
        assert sorted((d.object_type, d.name) for d in strict) == [
            ("custom database setting", "app.jwt_secret"), ("role setting in database", f"work_mem for {role}")]
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


SETTINGS = """\
database:
  settings:
    search_path: '"$user", public,topo'
    timezone: Europe/Paris
    statement_timeout: 5min
    default_text_search_config: pg_catalog.simple
    application_name: 'a, b''s %s'
schemas: [topo]
tables:
  t: {columns: {id: integer}}
"""


def _step(schema, out: str, url: str, text: str) -> str:
    schema.write_text(text, encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    apply_all(url, out)
    drift = check_drift(str(schema), url, out_dir=out)
    assert drift.differences == (), drift.render("text")
    return result.sql


def test_database_settings_made_changed_and_reset_by_migrations(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    first = _step(schema, out, db_url, SETTINGS)
    assert "current_database()" in first and "ALTER DATABASE" in first, first
    assert _settings(db_url) == {("", "search_path"): '"$user", public, topo', ("", "TimeZone"): "Europe/Paris",
                                 ("", "statement_timeout"): "5min",
                                 ("", "default_text_search_config"): "pg_catalog.simple",
                                 ("", "application_name"): "a, b's %s"}
    text = inspect_database(db_url).yaml
    assert "\ndatabase:\n  settings:\n    TimeZone: Europe/Paris\n    application_name: \"a, b's %s\"\n" \
           "    default_text_search_config: pg_catalog.simple\n    search_path: '\"$user\", public, topo'\n" \
           "    statement_timeout: 5min\n" in text, text
    edited = SETTINGS.replace("'\"$user\", public,topo'", "topo, public").replace("    statement_timeout: 5min\n", "") \
        .replace("    timezone: Europe/Paris\n", "    timezone: UTC\n    work_mem: 64MB\n")
    second = _step(schema, out, db_url, edited)
    assert "RESET statement_timeout" in second, second
    assert _settings(db_url) == {("", "search_path"): "topo, public", ("", "TimeZone"): "UTC", ("", "work_mem"): "64MB",
                                 ("", "default_text_search_config"): "pg_catalog.simple",
                                 ("", "application_name"): "a, b's %s"}
    _alter_database(db_url, "SET lock_timeout = '1s'")
    _alter_database(db_url, "SET work_mem = '1MB'")
    _alter_database(db_url, "RESET application_name")
    found = {(d.kind, d.name, d.expected, d.actual) for d in check_drift(str(schema), db_url, out_dir=out).differences}
    assert found == {("unexpected_database_setting", "lock_timeout", None, "1s"),
                     ("database_setting_changed", "work_mem", "64MB", "1MB"),
                     ("missing_database_setting", "application_name", "a, b's %s", None)}, found
    schema.write_text("tables:\n  t: {columns: {id: integer}}\nschemas: [topo]\n", encoding="utf-8")
    result = generate(str(schema), out)
    apply_all(db_url, out)
    assert _settings(db_url) == {("", "lock_timeout"): "1s"}  # what the migrations made (work_mem too), reset
    assert "RESET search_path" in result.sql and "RESET \"TimeZone\"" in result.sql, result.sql


@pytest.mark.parametrize("text,message", [
    ("database:\n  settings:\n    app.jwt_secret: x\n", "schema.yaml:3:5: settings of database: 'app.jwt_secret' is a "
     "custom setting, which schemac does not manage"),
    ("database:\n  settings:\n    TimeZone: UTC\n    timezone: UTC\n", "schema.yaml:4:5: settings of database: timezone "
     "is given twice (as TimeZone)"),
    ("database:\n  settings:\n    'work mem': 1MB\n", "'work mem' is not a setting name"),
    ("database:\n  setting:\n    work_mem: 1MB\n", "schema.yaml:2:3:"),
    ("database:\n  grants:\n    app: [usage]\n", "schema.yaml:3:11: grants of database: 'usage' is no privilege on a "
     "database (connect, create, temporary, all)"),
    ("database:\n  grants:\n    PUBLIC: [connect]\n    public: []\n", "schema.yaml:4:5: grants of database: PUBLIC is "
     "given twice"),
])
def test_database_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert message in str(e.value), str(e.value)


def _database_acl(url: str) -> set[tuple[str, str, bool, bool]]:
    """The oracle: (grantee, privilege, grantable, granted by the owner) of every entry of the database's own access
    list but its owner's, a NULL datacl read as Postgres's default (acldefault)."""
    with psycopg.connect(url) as conn:
        return set(conn.execute(
            "SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END, x.privilege_type, "
            "x.is_grantable, x.grantor = d.datdba FROM pg_database d, "
            "aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) x "
            "WHERE d.datname = current_database() AND x.grantee <> d.datdba").fetchall())


def test_database_grants_round_trip_and_a_grant_option_is_listed(db_url, tmp_path):
    """QGEP's install runs GRANT CREATE ON DATABASE <its database> TO qgep_user (for ili2pg); apps REVOKE CONNECT
    or TEMPORARY from PUBLIC, and COMMENT ON DATABASE. inspect writes the database's access list, a migration makes it on an empty database
    (a DO block on current_database()), and a grantee dropped from schema.yaml loses what it held there."""
    r1, r2 = f"probe14a_{uuid.uuid4().hex[:8]}", f"probe14a_{uuid.uuid4().hex[:8]}"
    rebuilt = fresh_database("pg18")
    empty = next(rebuilt)
    try:
        with psycopg.connect(db_url, autocommit=True) as conn:
            db = conn.execute("SELECT current_database()").fetchone()[0]
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN; CREATE ROLE {} NOLOGIN").format(sql.Identifier(r1),
                                                                                          sql.Identifier(r2)))
            for statement in ("GRANT CREATE, TEMP ON DATABASE {} TO {r1}", "REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC",
                              "GRANT CONNECT ON DATABASE {} TO {r2} WITH GRANT OPTION"):
                conn.execute(sql.SQL(statement).format(sql.Identifier(db), r1=sql.Identifier(r1), r2=sql.Identifier(r2)))
            conn.execute("CREATE TABLE t (id int PRIMARY KEY)")
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS 'Wastewater network, 50% mapped'").format(sql.Identifier(db)))
        text = inspect_database(db_url).yaml
        assert f"\ndatabase:\n  comment: Wastewater network, 50% mapped\n  grants:\n    PUBLIC: [connect]\n" \
            f"    {r1}: [create, temporary]\n" in text, text
        body, listed = text.split("# Not managed by schemac", 1)
        assert f"database grant (1): CONNECT for {r2}" in listed, listed
        schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
        schema.write_text(body, encoding="utf-8")
        assert check_drift(str(schema), db_url).differences == ()
        assert _database_acl(empty) == {("PUBLIC", "CONNECT", False, True), ("PUBLIC", "TEMPORARY", False, True)}
        sql_text = _step(schema, out, empty, body)
        assert "GRANT %s ON DATABASE %I TO %s" in sql_text, sql_text
        want = {("PUBLIC", "CONNECT", False, True), (r1, "CREATE", False, True), (r1, "TEMPORARY", False, True)}
        assert _database_acl(empty) == want and _database_acl(db_url) == want | {(r2, "CONNECT", True, True)}
        with psycopg.connect(empty) as conn:  # the oracle of the comment: pg_shdescription
            assert conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                "WHERE datname = current_database()").fetchone()[0] == "Wastewater network, 50% mapped"
        again = inspect_database(empty).yaml
        assert again.split("\n", 1)[1] == body.split("\n", 1)[1], (body, again)  # the header names the database
        _step(schema, out, empty, body.replace(f"    {r1}: [create, temporary]\n", "").replace("PUBLIC: [connect]",
              "PUBLIC: [all]").replace("comment: Wastewater network, 50% mapped", "comment: ''"))
        assert _database_acl(empty) == {("PUBLIC", p, False, True) for p in ("CONNECT", "CREATE", "TEMPORARY")}
        with psycopg.connect(empty) as conn:  # '' is none: COMMENT ... IS NULL
            assert conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                "WHERE datname = current_database()").fetchone()[0] is None
        found = {(d.kind, d.name) for d in check_drift(str(schema), db_url, out_dir=out).differences}
        assert found == {("missing_privilege", "PUBLIC"), ("unexpected_privilege", r1), ("comment_changed", "")}, found
    finally:
        next(rebuilt, None)
        with psycopg.connect(db_url, autocommit=True) as conn:
            for statement in ("REVOKE ALL ON DATABASE {} FROM {r1}, {r2} CASCADE", "DROP ROLE {r1}", "DROP ROLE {r2}"):
                conn.execute(sql.SQL(statement).format(sql.Identifier(db), r1=sql.Identifier(r1), r2=sql.Identifier(r2)))
