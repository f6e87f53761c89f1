"""`schemac apply` before a migration's DROP TABLE of a partitioned table: the partitions the database has that the file
neither drops nor detaches (made after `inspect`, in a schema not read or in one read) would go with it, rows and all,
where Postgres asks nothing. generate cannot see them (it reads no database), diff says so; apply, the one command
that runs the DROP, refuses the file before any of it runs (exit 2), naming them."""

from __future__ import annotations

import psycopg

from schemac.commands.generate import generate
from schemac.migrations.drops import partitions_lost
from sqlx_project import run_cli

SCHEMA = """tables:
  pt:
    columns:
      id: {type: integer}
      k: {type: integer}
    partition_by: {strategy: list, key: k}
  pt1:
    partition_of: {parent: pt, bound: "FOR VALUES IN (1)"}
  other:
    columns:
      id: {type: integer}
"""


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def test_a_partition_the_migration_does_not_drop_stops_its_drop_table(db_url, tmp_path, monkeypatch):
    """pt (with its partition pt1) managed; after the first migration, api.pt2 and public.pt3 are made PARTITION OF pt
    outside schemac, with rows. schema.yaml drops pt and pt1: the migration's DROP TABLEs took api.pt2 and public.pt3
    with their rows, silently. Now apply refuses the file (exit 2, one line naming both, nothing run: the rows and
    _sqlx_migrations as they were); with api.pt2 detached and pt3 dropped by hand, it applies (pt1, which it drops
    itself, stops nothing) and api.pt2 keeps its row."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    assert generate("schema.yaml", "generated").status == "written"
    first = run_cli("apply", "--database-url", db_url, "--out", "generated")
    assert first.exit_code == 0, first.output
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA api; CREATE TABLE api.pt2 PARTITION OF public.pt FOR VALUES IN (2); "
                      "CREATE TABLE pt3 PARTITION OF pt FOR VALUES IN (3); INSERT INTO pt VALUES (1, 1), (2, 2), (3, 3)")
    (tmp_path / "schema.yaml").write_text(SCHEMA.split("  pt:")[0] + "  other:" + SCHEMA.split("  other:")[1])
    assert generate("schema.yaml", "generated", allow_destructive=True).status == "written"
    refused = run_cli("apply", "--database-url", db_url, "--out", "generated")
    assert refused.exit_code == 2, refused.output
    line = refused.output.strip()
    assert "\n" not in line and "api.pt2" in line and "public.pt3" in line and "DROP TABLE" in line, line
    assert "public.pt1" not in line, line
    assert _rows(db_url, "SELECT k FROM pt ORDER BY k") == [(1,), (2,), (3,)]
    assert _rows(db_url, "SELECT count(*) FROM _sqlx_migrations") == [(1,)]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE pt DETACH PARTITION api.pt2; DROP TABLE pt3")
    applied = run_cli("apply", "--database-url", db_url, "--out", "generated")
    assert applied.exit_code == 0, applied.output
    assert _rows(db_url, "SELECT to_regclass('public.pt'), to_regclass('public.pt1')") == [(None, None)]
    assert _rows(db_url, "SELECT k, (SELECT relispartition FROM pg_class WHERE oid = 'api.pt2'::regclass) "
                         "FROM api.pt2") == [(2, False)]


def test_the_names_a_file_drops_and_detaches_are_read_as_postgres_resolves_them(db_url):
    """Qualified, quoted, several in one DROP, IF EXISTS, a detach (its subtree kept), the file's SET search_path for a
    bare name; a DROP TABLE in a string or a function's body is none."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute('CREATE SCHEMA s; CREATE TABLE s."P" (k int) PARTITION BY LIST (k); '
                     'CREATE TABLE s.a PARTITION OF s."P" FOR VALUES IN (1) PARTITION BY LIST (k); '
                     "CREATE TABLE s.a1 PARTITION OF s.a FOR VALUES IN (1); "
                     'CREATE TABLE s.b PARTITION OF s."P" FOR VALUES IN (2); '
                     "CREATE TABLE q (k int) PARTITION BY LIST (k); CREATE TABLE q1 PARTITION OF q FOR VALUES IN (1)")
        lost = lambda text: [p.name for p in partitions_lost(conn, text)]  # noqa: E731
        assert lost('DROP TABLE s."P";') == ["s.a", "s.a1", "s.b"]
        assert lost('DROP TABLE s.b; DROP TABLE IF EXISTS public.q, s."P" CASCADE;') == ["public.q1", "s.a", "s.a1"]
        assert lost('ALTER TABLE s."P" DETACH PARTITION s.a; DROP TABLE s."P";') == ["s.b"]
        assert lost('SET LOCAL search_path = s; DROP TABLE a;') == ["s.a1"]
        assert lost("SET LOCAL search_path = s, public; DROP TABLE q;") == ["public.q1"]
        assert lost("DROP TABLE p;") == []  # (no such table here: nothing to lose)
        assert lost("SELECT 'DROP TABLE q;'; CREATE FUNCTION f() RETURNS void LANGUAGE sql AS "
                    "$$ DROP TABLE q $$;") == []
