"""The catalog queries whose rows grow with the tables stay dicts CPython keeps split (catalogrows.row_maker).

A row of 30 fields or more is a dict of its own, five times the size: the columns query reached 30 with NOT NULL
comments, and `inspect` / `diff` at 1,000 tables peaked 14 MiB higher (tracemalloc, 16 -> 30 MiB). The oracle is
CPython's own size of each row, beside a plain dict of the same keys.
"""

from __future__ import annotations

import sys

import psycopg

from schemac.catalog.fetch import fetch

GROWING = ("columns", "constraints", "indexes", "tables", "privileges", "triggers", "views")


def test_the_rows_of_the_queries_that_grow_with_the_tables_are_split_dicts(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL CHECK (a <> ''));"
                     "CREATE INDEX ON t (a); CREATE VIEW v AS SELECT id FROM t;"
                     "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';"
                     "CREATE TRIGGER g BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()")
        for name in GROWING:
            rows = fetch(conn, ("public",), name)
            assert rows, name
            row = rows[-1]
            assert len(row) < 30, f"{name}: {len(row)} fields"
            assert sys.getsizeof(row) < sys.getsizeof(dict(row)), (name, sys.getsizeof(row), sys.getsizeof(dict(row)))
