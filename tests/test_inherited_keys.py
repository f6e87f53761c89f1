"""An INHERITS child's PRIMARY KEY on a column it only inherits (QGEP's value lists: `CREATE TABLE qgep_vl.x ()
INHERITS (qgep_sys.value_list_base)`, then `ADD CONSTRAINT ... PRIMARY KEY (code)`, as pg_dump writes it too) is
added after CREATE TABLE: declared in CREATE TABLE ... INHERITS, PostgreSQL 18 gave the child a NOT NULL of its own
(kid_code_not_null, conislocal) where the source keeps the parent's (base_code_not_null, inherited only). The oracle:
pg_constraint's NOT NULL rows of the children, and the tests' catalog fingerprint, of the source and of a database
built from the schema.yaml inspect wrote."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference
from conftest import built_from_scratch

from schemac.commands.inspect import inspect_database

SOURCE = """\
CREATE TABLE base (code integer NOT NULL, vsacode integer NOT NULL, value_en varchar(50), active boolean);
ALTER TABLE ONLY base ADD CONSTRAINT pkey_base_code PRIMARY KEY (code);
CREATE TABLE kid () INHERITS (base);
ALTER TABLE kid ADD CONSTRAINT pkey_kid_code PRIMARY KEY (code);
CREATE TABLE kid2 (note text) INHERITS (base);
ALTER TABLE kid2 ADD CONSTRAINT pkey_kid2 PRIMARY KEY (vsacode, code);
CREATE TABLE uses_kid (k integer REFERENCES kid (code));
"""

NOT_NULLS = """SELECT conrelid::regclass::text, conname, conislocal, coninhcount FROM pg_constraint
               WHERE contype = 'n' AND conrelid::regclass::text IN ('kid', 'kid2') ORDER BY 1, 2"""
KEYS = """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
          WHERE contype = 'p' AND conrelid::regclass::text IN ('base', 'kid', 'kid2') ORDER BY 1, 2"""


def _rows(url: str, query: str) -> list:
    with psycopg.connect(url) as conn:
        if query is NOT_NULLS and conn.info.server_version < 180000:
            return []
        return conn.execute(query).fetchall()


@pytest.mark.parametrize("major_db", [pytest.param("pg18"), pytest.param("pg16", marks=pytest.mark.slow),
                                      pytest.param("pg15", marks=pytest.mark.slow)], indirect=True)
def test_key_on_an_inherited_column_keeps_the_parents_not_null(major_db, tmp_path):
    from catalog_oracle import sibling_database

    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
    text = inspect_database(major_db).yaml
    rebuilt = built_from_scratch(major_db, text, str(tmp_path / "b"))
    assert fingerprint_difference(rebuilt, fingerprint(major_db)) == ""
    with sibling_database(major_db) as other:  # the same migration again, to read pg_constraint there
        from schemac.migrations.apply import apply_files
        from schemac.migrations.layout import Layout

        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "b" / "generated")).migrations())
        assert _rows(other, KEYS) == _rows(major_db, KEYS)
        assert _rows(other, NOT_NULLS) == _rows(major_db, NOT_NULLS)
        if psycopg.connect(other).info.server_version >= 180000:
            assert ("kid", "base_code_not_null", False, 1) in _rows(other, NOT_NULLS)
