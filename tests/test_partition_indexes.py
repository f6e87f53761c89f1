"""A partition's copies of its parent's indexes (catalog/partition_indexes.py): those Postgres names are its
own business and never drift; a name it numbers because the first is taken (two indexes of the parent on
the same columns: `p1_0_k_idx`, `p1_0_k_idx1`) is one of them too. The oracle is pg_indexes itself.
Its copies of the parent's PRIMARY KEY and UNIQUE the same: those named otherwise (the partition's own,
attached, or renamed since) come back under their names; the oracle is pg_constraint."""

from __future__ import annotations

import psycopg

from catalog_oracle import sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.pg.childindex import is_child_index_name, is_child_key_name

SCHEMA = """\
tables:
  p1:
    columns:
      k: integer
    partition_by: {strategy: range, key: k}
    indexes:
      p1_ix0: {columns: [k], unique: true, where: k IS NOT NULL}
      p1_ix1: {columns: [k], where: k IS NOT NULL}
      p1_ix2: {columns: [{expression: abs(k)}]}
  p1_0:
    partition_of: {parent: p1, bound: FOR VALUES FROM (MINVALUE) TO (0)}
"""


def test_numbered_copies_are_postgres_s_and_never_drift(tmp_path, db_url):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    out = str(tmp_path / "generated")
    assert generate(str(tmp_path / "schema.yaml"), out, name="init").status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        names = [r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'p1_0' ORDER BY 1")]
    assert names == ["p1_0_abs_idx", "p1_0_k_idx", "p1_0_k_idx1"]
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


def test_which_names_are_postgres_s():
    assert is_child_index_name("p1_0_k_idx1", "p1_0", ["k"], [None])
    assert is_child_index_name("p1_0_k_idx", "p1_0", ["k"], [None])
    assert not is_child_index_name("p1_0_k_index", "p1_0", ["k"], [None])
    assert not is_child_index_name("old_events_k_idx1", "p1_0", ["k"], [None])
    assert is_child_index_name("p1_0_lower_idx2", "p1_0", [None], ["lower(name)"])


KEYS = """\
CREATE TABLE ord (id int, k int, v text, PRIMARY KEY (id, k), UNIQUE (k, id) INCLUDE (v)) PARTITION BY RANGE (k);
CREATE TABLE ord_0 (id int NOT NULL, k int NOT NULL, v text, CONSTRAINT ord_0_own_pk PRIMARY KEY (id, k));
ALTER TABLE ord ATTACH PARTITION ord_0 FOR VALUES FROM (0) TO (100);
CREATE TABLE ord_1 PARTITION OF ord FOR VALUES FROM (100) TO (200);
ALTER TABLE ord_1 RENAME CONSTRAINT ord_1_k_id_v_key TO ord_1_own_uq;
CREATE TABLE ord_2 PARTITION OF ord FOR VALUES FROM (200) TO (300);
INSERT INTO ord SELECT g, g, 'v' FROM generate_series(0, 299) g;
"""
CONSTRAINTS = ("SELECT conrelid::regclass::text, conname, contype::text, conparentid <> 0 FROM pg_constraint "
               "WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u') AND conrelid::regclass::text LIKE 'ord%' ORDER BY 1, 2")


def test_partition_keys_named_of_their_own_come_back_and_drift(tmp_path, db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(KEYS)
        before = conn.execute(CONSTRAINTS).fetchall()
    assert ("ord_0", "ord_0_own_pk", "p", True) in before and ("ord_1", "ord_1_own_uq", "u", True) in before
    text = inspect_database(db_url).yaml
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    out = str(tmp_path / "generated")
    assert generate(str(tmp_path / "schema.yaml"), out, name="init").status == "written"
    with sibling_database(db_url) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations())
            assert conn.execute(CONSTRAINTS).fetchall() == before
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
    # schema.yaml naming a partition's key otherwise is drift
    (tmp_path / "schema.yaml").write_text(text.replace("ord_1_own_uq", "ord_1_other_uq"), encoding="utf-8")
    found = check_drift(str(tmp_path / "schema.yaml"), db_url).differences
    assert {(d.table, d.name) for d in found} == {("ord_1", "ord_1_other_uq"), ("ord_1", "ord_1_own_uq")}


def test_which_key_names_are_postgres_s():
    assert is_child_key_name("p1_pkey", "p1", True, ["id"])
    assert is_child_key_name("p1_pkey1", "p1", True, ["id"])
    assert not is_child_key_name("old_p1_pkey", "p1", True, ["id"])
    assert is_child_key_name("p1_k_id_v_key", "p1", False, ["k", "id", "v"])
    assert is_child_key_name("p1_k_id_key2", "p1", False, ["k", "id"])
    assert not is_child_key_name("p1_k_key", "p1", False, ["k", "id"])
