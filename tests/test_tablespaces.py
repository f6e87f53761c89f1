"""A relation in a tablespace other than the database's default: schemac writes no TABLESPACE clause, so where it
lives is listed as not managed by inspect (and counted by `diff --strict`), never lost silently. The oracle:
pg_class.reltablespace of the relations SQL finds outside the default tablespace."""

from __future__ import annotations

import uuid

import psycopg

from schemac.commands.inspect import inspect_database

OUTSIDE = """SELECT c.relname::text || ' in ' || t.spcname::text FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace
             WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1"""


def test_relations_outside_the_default_tablespace_are_listed(any_db_url):
    ts = f"schemac_ts_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE home (id int PRIMARY KEY)")
        assert [u for u in inspect_database(any_db_url, ("public",)).schema.unmanaged if u.kind == "tablespace"] == []
        conn.execute("SET allow_in_place_tablespaces = on")  # a tablespace inside pg_tblspc: no directory to make
        conn.execute(f"CREATE TABLESPACE {ts} LOCATION ''")
        try:
            conn.execute(f"CREATE TABLE away (id int, v text) TABLESPACE {ts}; CREATE INDEX away_v ON away (v) TABLESPACE {ts}; "
                         f"CREATE INDEX home_id_away ON home (id) TABLESPACE {ts}; "
                         f"CREATE MATERIALIZED VIEW mv TABLESPACE {ts} AS SELECT id FROM home")
            expected = [r[0] for r in conn.execute(OUTSIDE)]
            assert expected == [f"away in {ts}", f"away_v in {ts}", f"home_id_away in {ts}", f"mv in {ts}"]
            listed = sorted(u.name for u in inspect_database(any_db_url, ("public",)).schema.unmanaged
                            if u.kind == "tablespace")
            assert listed == expected
        finally:
            conn.execute("DROP MATERIALIZED VIEW IF EXISTS mv; DROP TABLE IF EXISTS away; DROP INDEX IF EXISTS home_id_away")
            conn.execute(f"DROP TABLESPACE {ts}")
