"""Partitions made as pg_dump and hand-written schemas make them: CREATE TABLE p (LIKE parent INCLUDING ALL), a
CHECK of their own, then ATTACH PARTITION (a sub-partitioned one, a default one, one with a NOT VALID check and a
commented one). schemac rebuilds them PARTITION OF the parent with their own CHECKs added after: the oracle is
pg_constraint's rows of source and rebuilt database, names, conislocal, coninhcount, validity, definition and
comment (a NOT NULL's name only where it is the table's own: an inherited one is named after the parent when the
partition is made PARTITION OF it, and the table's own when it was attached, as tests/catalog_oracle.py says)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import MAJORS

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

SCHEMA = """
CREATE TABLE parent (id int NOT NULL, region text NOT NULL, amount numeric CHECK (amount >= 0),
  CONSTRAINT region_ok CHECK (region <> '')) PARTITION BY LIST (region);
CREATE TABLE p_eu (LIKE parent INCLUDING ALL);
ALTER TABLE p_eu ADD CONSTRAINT eu_small CHECK (amount < 1000);
ALTER TABLE parent ATTACH PARTITION p_eu FOR VALUES IN ('eu');
COMMENT ON CONSTRAINT eu_small ON p_eu IS 'local to eu';
CREATE TABLE p_x (LIKE parent INCLUDING ALL);
ALTER TABLE p_x ADD CONSTRAINT px_local CHECK (id > 0) NOT VALID;
ALTER TABLE parent ATTACH PARTITION p_x FOR VALUES IN ('x');
CREATE TABLE p_sub (LIKE parent INCLUDING ALL, CONSTRAINT sub_id CHECK (id < 100)) PARTITION BY RANGE (id);
CREATE TABLE p_sub_1 (LIKE p_sub INCLUDING ALL, CONSTRAINT sub1_own CHECK (amount IS NOT NULL));
ALTER TABLE p_sub ATTACH PARTITION p_sub_1 FOR VALUES FROM (0) TO (50);
ALTER TABLE parent ATTACH PARTITION p_sub FOR VALUES IN ('sub');
CREATE TABLE p_def (LIKE parent INCLUDING ALL, CONSTRAINT def_own CHECK (region <> 'eu'));
ALTER TABLE parent ATTACH PARTITION p_def DEFAULT;
INSERT INTO parent VALUES (1, 'eu', 5), (2, 'x', 6), (3, 'sub', 7), (4, 'us', 8);
"""
CONSTRAINTS = """
SELECT k.conrelid::regclass::text, CASE WHEN k.contype = 'n' AND k.coninhcount > 0 THEN '<inherited>' ELSE k.conname END,
       k.contype::text, k.conislocal, k.coninhcount, k.convalidated, pg_get_constraintdef(k.oid),
       obj_description(k.oid, 'pg_constraint')
FROM pg_constraint k WHERE k.connamespace = 'public'::regnamespace AND k.conrelid <> 0
  AND k.conrelid::regclass::text <> '_sqlx_migrations' ORDER BY 1, 2, 3, 7
"""


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_partitions_attached_with_checks_of_their_own_round_trip(major_db, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SCHEMA)
        expected = conn.execute(CONSTRAINTS).fetchall()
    assert ("p_eu", "eu_small", "c", True, 0, True, "CHECK ((amount < (1000)::numeric))", "local to eu") in expected
    assert ("p_eu", "region_ok", "c", False, 1, True, "CHECK ((region <> ''::text))", None) in expected
    schema = tmp_path / "schema.yaml"
    schema.write_text(inspect_database(major_db).yaml, encoding="utf-8")
    result = generate(str(schema), str(tmp_path / "generated"))
    assert result.status == "written", result.message
    with sibling_database(major_db) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(CONSTRAINTS).fetchall() == expected, result.sql
            with pytest.raises(psycopg.errors.CheckViolation):  # the local check holds on the rebuilt partition
                conn.execute("INSERT INTO parent VALUES (9, 'eu', 5000)")
        assert check_drift(str(schema), b).differences == ()
