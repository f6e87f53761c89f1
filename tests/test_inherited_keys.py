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
from conftest import built_and_read, inspected_after, rows_of


SOURCE = """\
CREATE TABLE base (code integer NOT NULL, vsacode integer NOT NULL, value_en varchar(50), active boolean);
ALTER TABLE ONLY base ADD CONSTRAINT pkey_base_code PRIMARY KEY (code);
CREATE TABLE kid () INHERITS (base);
ALTER TABLE kid ADD CONSTRAINT pkey_kid_code PRIMARY KEY (code);
CREATE TABLE kid2 (note text) INHERITS (base);
ALTER TABLE kid2 ADD CONSTRAINT pkey_kid2 PRIMARY KEY (vsacode, code);
CREATE TABLE uses_kid (k integer REFERENCES kid (code));
"""

# PostgreSQL 18 keeps NOT NULL as contype 'n' rows; before 18 only the keys are there to compare.
CONSTRAINTS = """SELECT conrelid::regclass::text, conname, contype::text, conislocal, coninhcount, pg_get_constraintdef(oid)
                 FROM pg_constraint WHERE contype IN ('p', 'n') AND conrelid::regclass::text IN ('base', 'kid', 'kid2')
                 ORDER BY 1, 2"""


@pytest.mark.parametrize("major_db", [pytest.param("pg18"), pytest.param("pg16", marks=pytest.mark.slow),
                                      pytest.param("pg15", marks=pytest.mark.slow)], indirect=True)
def test_key_on_an_inherited_column_keeps_the_parents_not_null(major_db, tmp_path):
    text = inspected_after(major_db, SOURCE)
    with psycopg.connect(major_db) as conn:
        new = conn.info.server_version >= 180000
    rebuilt, rows = built_and_read(major_db, text, str(tmp_path / "b"), CONSTRAINTS)
    assert fingerprint_difference(rebuilt, fingerprint(major_db)) == ""
    assert rows == rows_of(major_db, CONSTRAINTS)
    assert not new or [r[1:5] for r in rows if r[0] == "kid" and r[2] == "n"] == [("base_code_not_null", "n", False, 1),
                                                                                  ("base_vsacode_not_null", "n", False, 1)]
