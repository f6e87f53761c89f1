"""What a migration makes of an object made outside schemac, which it applies only to a database that has that object.

A base type (`CREATE TYPE b.int42 (INPUT = ..., OUTPUT = ...)` over `LANGUAGE internal` functions: inspect lists it
under external_types and as not managed) under a domain, a composite type and a table that schema.yaml manages
(probe29b's kinds fixture): generate wrote the migration without a word, and on an empty database Postgres answers
'type "b.int42" does not exist'. An index using an access method CREATE ACCESS METHOD made (PostgreSQL's create_am
regression test: `gist2` over `gisthandler`, with an operator class of its own; inspect lists the method and its
class as not managed and writes the index with `method: hash2`): likewise, 'access method "hash2" does not exist'.
generate now says so, once per object, as it does of a view over a relation it does not manage. The oracle: the
migration applied to an empty database (refused as the notice says) and to one where the outside object was made
first (clean)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database

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
METHOD = """
CREATE ACCESS METHOD hash2 TYPE INDEX HANDLER hashhandler;
CREATE OPERATOR CLASS int4_hash2_ops DEFAULT FOR TYPE int4 USING hash2 AS OPERATOR 1 =, FUNCTION 1 hashint4(int4);
"""
INDEXED = """
CREATE TABLE t (id int PRIMARY KEY, v int, w int[]);
CREATE INDEX t_v_hash2 ON t USING hash2 (v);
CREATE INDEX t_w_gin ON t USING gin (w);
INSERT INTO t VALUES (1, 10, '{1}');
"""


def _generated(db_url: str, tmp_path, outside: str, users: str, written: str):
    """(schema.yaml, migrations folder, generate's notices) of `outside` + `users` inspected (its schema.yaml holding
    `written`) and generated."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(outside + users)
    found = inspect_database(db_url)
    assert written in found.yaml
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    r = generate(str(schema), out)
    assert r.status == "written"
    return schema, out, r.notices


def _applies_only_over(db_url: str, schema, out: str, outside: str, refusal: str) -> None:
    """The migration refused on an empty database (`refusal`), applied where `outside` was made first: the catalog
    as the source's (the catalog oracle: indexes with their methods, types, ...) and diff clean."""
    with sibling_database(db_url) as empty:
        with psycopg.connect(empty, autocommit=True) as conn, pytest.raises(psycopg.errors.UndefinedObject) as e:
            apply_files(conn, Layout(out).migrations())
        assert refusal in str(e.value)
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(outside)
            apply_files(conn, Layout(out).migrations())
        assert fingerprint_difference(fingerprint(db_url), fingerprint(other)) == ""
        assert check_drift(str(schema), other).differences == ()


def test_what_a_migration_makes_of_an_external_base_type_is_said(db_url, tmp_path):
    schema, out, notices = _generated(db_url, tmp_path, BASE, USERS, "external_types: [b.int42]")
    said = sorted(n.split(": ", 1)[1].split(" uses type")[0] for n in notices if "external_types: lists" in n)
    assert said == ["composite type b.pair", "domain b.d42", "table b.t"], notices
    assert all("applies only to a database that has b.int42 already" in n for n in notices if "uses type" in n)
    _applies_only_over(db_url, schema, out, BASE, 'type "b.int42" does not exist')


def test_an_index_of_an_access_method_the_database_made_is_said(any_db_url, tmp_path):
    schema, out, notices = _generated(any_db_url, tmp_path, METHOD, INDEXED, "method: hash2")
    said = [n for n in notices if "access method" in n]
    assert len(said) == 1 and "index t_v_hash2 of public.t uses access method hash2" in said[0], notices
    assert "applies only to a database that has hash2 already" in said[0]
    _applies_only_over(any_db_url, schema, out, METHOD, 'access method "hash2" does not exist')
