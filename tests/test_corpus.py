"""Round trips of real schemas nobody here wrote (../shared/corpus: chinook, pagila), on 18, 16, 15.

Load into database A; `schemac inspect` A; `schemac generate` into an empty directory; apply to an
empty database B; then `schemac diff` finds no drift against A or B, and an independent catalog
comparison (columns, constraint definitions, index definitions) shows A and B equal for every
managed object. Views, functions, triggers and the like are listed as not managed.
"""

from __future__ import annotations

import os

import psycopg
import pytest

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get("SCHEMAC_CORPUS", os.path.join(os.path.dirname(ROOT), "shared", "corpus"))
SAMPLES = ["chinook", "pagila"]

COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND c.relname <> '_sqlx_migrations'
ORDER BY 1, 2
"""
CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND k.contype <> 'n' AND c.relname <> '_sqlx_migrations'
ORDER BY 1, 2
"""
INDEXES = """
SELECT c.relname, i.relname, replace(pg_get_indexdef(x.indexrelid), i.relname, '<name>')
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'
ORDER BY 1, 2
"""
TYPES = """
SELECT t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
       ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.contypid = t.oid ORDER BY k.conname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
ORDER BY 1
"""
SEQUENCES = """
SELECT c.relname, s.seqtypid::regtype::text, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' ORDER BY 1
"""
PARTITIONS = """
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), pg_get_partkeydef(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations' ORDER BY 1
"""


def catalog(url: str) -> dict:
    with psycopg.connect(url) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        return {name: conn.execute(q).fetchall() for name, q in
                [("columns", COLUMNS), ("constraints", CONSTRAINTS), ("indexes", INDEXES), ("types", TYPES),
                 ("sequences", SEQUENCES), ("partitions", PARTITIONS)]}


@pytest.mark.parametrize("sample", SAMPLES)
def test_corpus_round_trip(sample, any_db_url, server, schemac, tmp_path, request):
    path = os.path.join(CORPUS, sample, "schema.sql")
    if not os.path.exists(path):
        pytest.skip(f"corpus not found at {path}")
    a = any_db_url
    with psycopg.connect(a, autocommit=True) as conn:
        conn.execute(open(path, encoding="utf-8").read())
    r = schemac("inspect", "--database-url", a, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    again = schemac("inspect", "--database-url", a)
    assert again.stdout == (tmp_path / "schema.yaml").read_text(), "inspect must be byte-stable"
    r = schemac("generate", "--name", f"create_{sample}")
    assert r.returncode == 0, r.stdout + r.stderr
    # B: a sibling database on the same server
    major = request.node.callspec.params["any_db_url"]
    from conftest import _server  # the same server the fixture used

    srv = _server(major)
    b = srv.create_database()
    try:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        for target in (a, b):
            d = schemac("diff", "--database-url", target, "--format", "json")
            assert d.returncode == 0, d.stdout + d.stderr
        assert catalog(a) == catalog(b)
        text = schemac("diff", "--database-url", a)
        assert text.returncode == 0
        if sample == "pagila":
            assert "not managed" in text.stdout.lower()
            for name in ("view", "materialized view", "function", "trigger", "aggregate"):
                assert name in (tmp_path / "schema.yaml").read_text()
    finally:
        srv.drop_database(b)
