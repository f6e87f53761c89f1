"""A partition's copies of its parent's indexes (catalog/partition_indexes.py): those Postgres names are its
own business and never drift; a name it numbers because the first is taken (two indexes of the parent on
the same columns: `p1_0_k_idx`, `p1_0_k_idx1`) is one of them too. The oracle is pg_indexes itself.
Its copies of the parent's PRIMARY KEY and UNIQUE the same: those named otherwise (the partition's own,
attached, or renamed since) come back under their names; the oracle is pg_constraint."""

from __future__ import annotations

import psycopg
import pytest

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


def _built_from_inspect(tmp_path, db_url: str, query: str) -> list:
    """`query`'s rows in an empty database built by the migration generated from inspect's schema.yaml of `db_url`,
    which then reads in sync with that schema.yaml."""
    (tmp_path / "schema.yaml").write_text(inspect_database(db_url).yaml, encoding="utf-8")
    out = str(tmp_path / "generated")
    assert generate(str(tmp_path / "schema.yaml"), out, name="init").status == "written"
    with sibling_database(db_url) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations())
            built = conn.execute(query).fetchall()
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
    return built


def test_partition_keys_named_of_their_own_come_back_and_drift(tmp_path, db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(KEYS)
        before = conn.execute(CONSTRAINTS).fetchall()
    assert ("ord_0", "ord_0_own_pk", "p", True) in before and ("ord_1", "ord_1_own_uq", "u", True) in before
    assert _built_from_inspect(tmp_path, db_url, CONSTRAINTS) == before
    # schema.yaml naming a partition's key otherwise is drift: the same definition under another name, a rename
    # (compare.definition_keys.renamed_key), not a key missing and another unexpected
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    (tmp_path / "schema.yaml").write_text(text.replace("ord_1_own_uq", "ord_1_other_uq"), encoding="utf-8")
    found = check_drift(str(tmp_path / "schema.yaml"), db_url).differences
    assert {(d.kind, d.table, d.expected, d.actual) for d in found} == {
        ("pending_rename", "ord_1", "ord_1_other_uq", "ord_1_own_uq")}


def test_which_key_names_are_postgres_s():
    assert is_child_key_name("p1_pkey", "p1", True, ["id"])
    assert is_child_key_name("p1_pkey1", "p1", True, ["id"])
    assert not is_child_key_name("old_p1_pkey", "p1", True, ["id"])
    assert is_child_key_name("p1_k_id_v_key", "p1", False, ["k", "id", "v"])
    assert is_child_key_name("p1_k_id_key2", "p1", False, ["k", "id"])
    assert not is_child_key_name("p1_k_key", "p1", False, ["k", "id"])


ADOPTED_OLD = """CREATE TABLE p (id int, k int, v text, PRIMARY KEY (id, k)) PARTITION BY LIST (k);
CREATE INDEX p_v_idx ON p (v);
CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
CREATE TABLE p2 (id int NOT NULL, k int NOT NULL, v text, CONSTRAINT p2_own_key PRIMARY KEY (id, k));
CREATE INDEX p2_by_v ON p2 (v);
CREATE INDEX p2_v_idx ON p2 (v) WHERE v <> '';
INSERT INTO p VALUES (1, 1, 'a'); INSERT INTO p2 VALUES (2, 2, 'b'), (3, 2, '');
"""
ADOPTED_NEW = """CREATE TABLE p (id int, k int, v text, PRIMARY KEY (id, k)) PARTITION BY LIST (k);
CREATE INDEX p_v_idx ON p (v);
CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
CREATE TABLE p2 PARTITION OF p FOR VALUES IN (2);
"""
P2_INDEXES = "SELECT c.relname, c.oid, c.relfilenode, i.inhparent::regclass::text FROM pg_index x JOIN pg_class c ON " \
             "c.oid = x.indexrelid LEFT JOIN pg_inherits i ON i.inhrelid = c.oid WHERE x.indrelid = 'p2'::regclass ORDER BY 1"


def test_a_table_attached_keeps_the_index_and_key_its_attach_adopts(db_url, tmp_path):
    """A standalone table made a partition (ATTACH PARTITION) whose own primary key and index are of the parent's
    definitions: ATTACH adopts them as the partition's copies, but the migration dropped both before it (a DO block that
    renames an attached one, else drops it), and the ATTACH built them again over the rows. Now those drops run after
    the ATTACH: the same index relations (pg_class oid and relfilenode: not built again), attached to the parent's
    (pg_inherits), renamed as Postgres names its copies (the name freed first: an index of another definition, a
    predicate, still dropped before the ATTACH), and diff is clean."""
    from conftest import migrated_then_described
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with migrated_then_described(db_url, schema, out, ADOPTED_OLD, ADOPTED_NEW) as (_, old_files):
        pass
    with psycopg.connect(db_url) as conn:
        before = {r[0]: r[1:3] for r in conn.execute(P2_INDEXES)}
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in old_files], record=False)
        after = conn.execute(P2_INDEXES).fetchall()
        assert conn.execute("SELECT id, v FROM p2 ORDER BY id").fetchall() == [(2, "b"), (3, "")]
    assert [(r[0], r[3]) for r in after] == [("p2_pkey", "p_pkey"), ("p2_v_idx", "p_v_idx")], after
    assert after[0][1:3] == before["p2_own_key"] and after[1][1:3] == before["p2_by_v"], (before, after)
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


TAKEN = """\
CREATE TABLE tote (a int NOT NULL, b int NOT NULL, c text) PARTITION BY LIST (a);
CREATE TABLE tote_1 PARTITION OF tote FOR VALUES IN (1);
CREATE TABLE tote_2 PARTITION OF tote FOR VALUES IN (2);
ALTER TABLE tote_1 ADD CONSTRAINT tote_1_mine UNIQUE (a, b);
ALTER TABLE tote ADD CONSTRAINT tote_pk PRIMARY KEY (a, b);
INSERT INTO tote VALUES (1, 5, 'x'), (2, 6, 'y');
"""
PARENTED = ("SELECT conrelid::regclass::text, conname, contype::text, (SELECT p.conname FROM pg_constraint p WHERE p.oid = "
            "k.conparentid) FROM pg_constraint k WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u') "
            "AND conrelid::regclass::text LIKE 'tote%' ORDER BY 1, 2")


@pytest.mark.parametrize("major_db", ["pg18", "pg16", "pg15"], indirect=True)
def test_a_partitions_unique_its_parents_primary_key_took_is_built_so(tmp_path, major_db):
    """A partition's UNIQUE made before its parent's PRIMARY KEY of its columns, whose ADD took it as its copy (fix44a's
    LEFT): a build from inspect's schema.yaml made the key in CREATE TABLE, so tote_1 got tote_1_pkey, and tote_1_mine
    beside it attached to nothing (one key more). Now the key is added after the UNIQUE, as the hand-made database
    holds them: the oracle is pg_constraint (name, kind, the parent's key each is attached to)."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(TAKEN)
        before = conn.execute(PARENTED).fetchall()
    assert before == [("tote", "tote_pk", "p", None), ("tote_1", "tote_1_mine", "u", "tote_pk"),
                      ("tote_2", "tote_2_pkey", "p", "tote_pk")], before
    assert _built_from_inspect(tmp_path, major_db, PARENTED) == before
