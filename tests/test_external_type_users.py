"""A base type made outside schemac (`CREATE TYPE b.int42 (INPUT = ..., OUTPUT = ...)` over `LANGUAGE internal`
functions: inspect lists it under external_types and as not managed) under a domain, a composite type and a table that
schema.yaml manages (probe29b's kinds fixture): generate wrote the migration without a word, and it applies only to a
database that has the type (on an empty one Postgres answers 'type "b.int42" does not exist'). generate now says so,
once per object, as it does of a view over a relation it does not manage. The oracle: the migration applied to an
empty database (refused as the notice says) and to one where the type was made first (clean)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

BASE = """
CREATE SCHEMA b;
CREATE TYPE b.int42;
CREATE FUNCTION b.int42_in(cstring) RETURNS b.int42 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION b.int42_out(b.int42) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE b.int42 (INTERNALLENGTH = 4, INPUT = b.int42_in, OUTPUT = b.int42_out, ALIGNMENT = int4, PASSEDBYVALUE);
"""
USERS = """
CREATE DOMAIN b.d42 AS b.int42;
CREATE TYPE b.pair AS (x b.int42, y int);
CREATE TABLE b.t (id int PRIMARY KEY, v b.int42, w b.d42);
"""


def test_what_a_migration_makes_of_an_external_base_type_is_said(db_url, tmp_path):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(BASE + USERS)
    found = inspect_database(db_url)
    assert "external_types: [b.int42]" in found.yaml
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    r = generate(str(schema), out)
    assert r.status == "written"
    said = sorted(n.split(": ", 1)[1].split(" uses type")[0] for n in r.notices if "external_types: lists" in n)
    assert said == ["composite type b.pair", "domain b.d42", "table b.t"], r.notices
    assert all("applies only to a database that has b.int42 already" in n for n in r.notices if "uses type" in n)
    with sibling_database(db_url) as empty:
        with psycopg.connect(empty, autocommit=True) as conn, pytest.raises(psycopg.errors.UndefinedObject) as e:
            apply_files(conn, Layout(out).migrations())
        assert 'type "b.int42" does not exist' in str(e.value)
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(BASE)
            apply_files(conn, Layout(out).migrations())
        assert check_drift(str(schema), other).differences == ()
