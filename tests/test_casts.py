"""The shipped cast table (schemac.pg.casts) is what each server's pg_cast says, and `converts` agrees
with what ALTER COLUMN ... TYPE does on a real server."""

from __future__ import annotations

import psycopg
import pytest
from pgharness import takes

from schemac.pg.casts import _CASTS, ADDED_IN_18, BUILTIN_TYPES, CAST_TABLE_QUERIES, converts


@pytest.mark.every_major
def test_the_table_is_this_servers_pg_cast(any_db_url):
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        major = conn.info.server_version // 10000
        types = {r[0] for r in conn.execute(CAST_TABLE_QUERIES[0])}
        casts = {(a, b) for a, b in conn.execute(CAST_TABLE_QUERIES[1]) if a in types and b in types}
    shared = types & BUILTIN_TYPES
    assert shared >= BUILTIN_TYPES - {"xid8"}  # every type the table knows, on every major it checks
    shipped = {(a, b) for a, targets in _CASTS.items() for b in targets if a in shared and b in shared}
    assert shipped - (ADDED_IN_18 if major < 18 else set()) == {(a, b) for a, b in casts if a in shared and b in shared}


# (old type, new type, a value of the old type): a sample across categories, each way.
SAMPLES = [("bigint", "timestamp with time zone", "86400"), ("date", "integer", "'2024-01-02'"),
           ("uuid", "bigint", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"), ("boolean", "integer", "true"),
           ("integer", "boolean", "1"), ("json", "jsonb", "'{}'"), ("numeric(6,2)", "integer", "1.5"),
           ("timestamp(3) with time zone", "date", "now()"), ("inet", "cidr", "'10.0.0.0/8'"),
           ("integer[]", "bigint[]", "'{1,2}'"), ("integer", "integer[]", "1"), ("text", "integer[]", "'{1}'"),
           ("money", "numeric", "1"), ("point", "box", "'(1,1)'"), ("interval", "time without time zone", "'1 hour'"),
           ("bytea", "uuid", "'\\x00'"), ("character varying(5)", "xml", "'<a/>'"), ("real", "money", "1")]


@pytest.mark.parametrize("old,new,value", SAMPLES, ids=[f"{a}->{b}" for a, b, _ in SAMPLES])
def test_converts_is_what_alter_column_type_does(db_url, old, new, value):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE t (c {old})")
        works = takes(conn, f"ALTER TABLE t ALTER COLUMN c TYPE {new} USING CAST(c AS {new})", psycopg.errors.CannotCoerce)
    assert converts(old, new) is works


def test_types_it_does_not_know_are_not_judged():
    assert converts("mood", "text") is None and converts("public.vector(3)", "real[]") is None
