"""An index using an access method CREATE ACCESS METHOD made (PostgreSQL's create_am regression test: `gist2` over
`gisthandler`, with an operator class of its own): inspect lists the method and its class as not managed and writes
the index with `method: hash2`; generate wrote the migration without a word, and it applies only to a database that
has the method (on an empty one Postgres answers 'access method "hash2" does not exist'). generate now says so, once
per index, as it does of a type external_types lists. The oracle: the migration applied to an empty database
(refused as the notice says) and to one where the method and its class were made first (clean)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

METHOD = """
CREATE ACCESS METHOD hash2 TYPE INDEX HANDLER hashhandler;
CREATE OPERATOR CLASS int4_hash2_ops DEFAULT FOR TYPE int4 USING hash2 AS OPERATOR 1 =, FUNCTION 1 hashint4(int4);
"""
USERS = """
CREATE TABLE t (id int PRIMARY KEY, v int, w int[]);
CREATE INDEX t_v_hash2 ON t USING hash2 (v);
CREATE INDEX t_w_gin ON t USING gin (w);
INSERT INTO t VALUES (1, 10, '{1}');
"""


def test_an_index_of_an_access_method_the_database_made_is_said(any_db_url, tmp_path):
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(METHOD + USERS)
    found = inspect_database(db_url)
    assert "method: hash2" in found.yaml
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(found.yaml, encoding="utf-8")
    r = generate(str(schema), out)
    assert r.status == "written"
    said = [n for n in r.notices if "access method" in n]
    assert len(said) == 1 and "index t_v_hash2 of public.t uses access method hash2" in said[0], r.notices
    assert "applies only to a database that has hash2 already" in said[0]
    with sibling_database(db_url) as empty:
        with psycopg.connect(empty, autocommit=True) as conn, pytest.raises(psycopg.errors.UndefinedObject) as e:
            apply_files(conn, Layout(out).migrations())
        assert 'access method "hash2" does not exist' in str(e.value)
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(METHOD)
            apply_files(conn, Layout(out).migrations())
            assert conn.execute("SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                "JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 't_v_hash2'").fetchone() == ("hash2",)
        assert check_drift(str(schema), other).differences == ()
