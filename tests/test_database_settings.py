"""Settings of the database itself (issue 13: nothing silently left out). `ALTER DATABASE ... SET` and `ALTER ROLE ...
IN DATABASE ... SET` (pg_db_role_setting) are listed as not managed, by the setting's name alone (a value may be a
secret), and `--strict` counts them; PostGIS's topology and tiger scripts set the database's search_path, which
must change nothing schemac reads (its reading transaction pins its own)."""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql

from schemac.commands.diff import check_drift
from schemac.commands.inspect import inspect_database


def _settings(url: str) -> set[tuple[str, str]]:
    """The oracle: (role or '', setting name) of every pg_db_role_setting row of the database."""
    with psycopg.connect(url) as conn:
        return {(r, c.split("=", 1)[0]) for r, c in conn.execute(
            "SELECT CASE WHEN s.setrole = 0 THEN '' ELSE s.setrole::regrole::text END, cfg "
            "FROM pg_db_role_setting s, unnest(s.setconfig) cfg "
            "WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())")}


def test_database_settings_are_listed_and_change_no_deparse(db_url, tmp_path):
    role = f"open13a_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA topo; CREATE TABLE topo.t (id serial PRIMARY KEY, n int);"
                     "CREATE VIEW topo.v AS SELECT id, n FROM topo.t;"
                     "CREATE TABLE public.u (id int DEFAULT 1 CHECK (id > 0))")
    before = inspect_database(db_url).yaml
    assert "# Not managed by schemac" not in before, before
    with psycopg.connect(db_url, autocommit=True) as conn:
        db = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(sql.SQL("ALTER DATABASE {} SET search_path = \"$user\", public, topo").format(sql.Identifier(db)))
        conn.execute(sql.SQL("ALTER DATABASE {} SET \"app.jwt_secret\" = 'not-to-be-printed'").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} SET work_mem = '8MB'").format(sql.Identifier(role),
                                                                                         sql.Identifier(db)))
    try:
        assert _settings(db_url) == {("", "search_path"), ("", "app.jwt_secret"), (role, "work_mem")}
        with psycopg.connect(db_url) as conn:  # a new session takes the database's search_path
            assert conn.execute("SHOW search_path").fetchone()[0] == '"$user", public, topo'
        after = inspect_database(db_url).yaml
        body, listed = after.split("# Not managed by schemac", 1)
        assert body == before, (before, after)  # the view's query and the defaults read as without the setting
        assert listed == (" (3): listed for reference, never changed.\n"
                          "#   database setting (2): app.jwt_secret, search_path\n"
                          f"#   role setting in database (1): work_mem for {role}\n"), listed
        assert "not-to-be-printed" not in after and "8MB" not in after
        schema = tmp_path / "schema.yaml"
        schema.write_text(after, encoding="utf-8")
        assert check_drift(str(schema), db_url).differences == ()
        strict = check_drift(str(schema), db_url, strict=True).differences
        assert sorted((d.object_type, d.name) for d in strict) == [
            ("database setting", "app.jwt_secret"), ("database setting", "search_path"),
            ("role setting in database", f"work_mem for {role}")]
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
