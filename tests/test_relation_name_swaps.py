"""Two relations of a schema swapping names in one migration (plan.name_swaps): an index of one table renamed
(`renamed_from:`) to the name an index of another table gives up, which takes the first one's; a key recorded under
a name of its own, left unnamed (renamed to Postgres's name for it, which another table's index gives up, taking the
key's). An index's and a key's index's name is a relation's of the schema: before, each rename ran while the other
still held its new name ("relation ... already exists", or the key's rename skipped, leaving drift). Over rows on 18,
16 and 15: the indexes keep their OIDs (renamed, not built again), the names are as a fresh build's (pg_class and
pg_constraint, the test's own SQL), `diff` is clean."""

from __future__ import annotations

import os

import psycopg
import pytest

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

TABLES = ("tables:\n  a:\n    columns:\n      id: {type: integer, primary_key: true}\n      x: integer\n@a"
          "  b:\n    columns:\n      id: {type: integer, primary_key: true}\n      y: integer\n@b")


def _tables(a: str, b: str) -> str:
    return TABLES.replace("@a", a).replace("@b", b)


CASES = {  # schema.yaml before and after: a's and b's indexes (and a's key); a chain of renames needs no scratch
    "indexes": (_tables(a="    indexes:\n      ia: {columns: [x]}\n",
                              b="    indexes:\n      ib: {columns: [y]}\n"),
                _tables(a="    indexes:\n      ib: {columns: [x], renamed_from: ia}\n",
                              b="    indexes:\n      ia: {columns: [y], renamed_from: ib}\n")),
    "chain": (_tables("    indexes:\n      ia: {columns: [x]}\n", "    indexes:\n      ib: {columns: [y]}\n"),
              _tables("    indexes:\n      ib: {columns: [x], renamed_from: ia}\n",
                      "    indexes:\n      ic: {columns: [y], renamed_from: ib}\n")),
    "key-and-index": (_tables(a="", b="    indexes:\n      a_pkey: {columns: [y]}\n").replace(
                          "      id: {type: integer, primary_key: true}\n      x: integer\n",
                          "      id: integer\n      x: integer\n    primary_key: {columns: [id], name: k}\n", 1),
                      _tables(a="", b="    indexes:\n      k: {columns: [y], renamed_from: a_pkey}\n")),
}
NOW = {"indexes": [("a_pkey", "a"), ("b_pkey", "b"), ("ia", "b"), ("ib", "a")],
       "chain": [("a_pkey", "a"), ("b_pkey", "b"), ("ib", "a"), ("ic", "b")],
       "key-and-index": [("a_pkey", "a"), ("b_pkey", "b"), ("k", "b")]}
NAMES = ("SELECT c.relname, i.indrelid::regclass::text, i.indexrelid::oid FROM pg_index i JOIN pg_class c ON c.oid = "
         "i.indexrelid WHERE i.indrelid IN ('a'::regclass, 'b'::regclass) ORDER BY 1")
KEYS = "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'p' AND conrelid IN ('a'::regclass, 'b'::regclass) ORDER BY 1"


def _generated(schemac, folder, text: str) -> list[str]:
    with open(os.path.join(folder, "schema.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    r = schemac("generate")
    assert r.returncode == 0, (r.stdout, r.stderr)
    return Layout(os.path.join(folder, "generated")).migrations()


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_relations_swapping_names_are_renamed_as_a_fresh_build_names_them(schemac, tmp_path, any_db_url, case):
    before, after = CASES[case]
    files = _generated(schemac, tmp_path, before)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files)
        conn.execute("INSERT INTO a VALUES (1, 10), (2, 20); INSERT INTO b VALUES (1, 30)")
    was = {oid: (name, table) for name, table, oid in _rows(any_db_url, NAMES)}
    files = _generated(schemac, tmp_path, after)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, files[-1:])  # (before: "relation ... already exists", rolled back)
    now = {oid: (name, table) for name, table, oid in _rows(any_db_url, NAMES)}
    assert set(now) == set(was), (was, now)  # every index kept: renamed, not built again
    assert sorted(now.values()) == NOW[case], now
    assert _rows(any_db_url, KEYS) == [("a", "a_pkey"), ("b", "b_pkey")]
    assert _rows(any_db_url, "SELECT * FROM a ORDER BY id") == [(1, 10), (2, 20)]
    r = schemac("diff", "--database-url", any_db_url)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert schemac("generate", "--check").returncode == 0
