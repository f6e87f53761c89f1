"""`generate --concurrently` and a partitioned table's new index (plan.online_only): Postgres cannot build it
CONCURRENTLY, and its CREATE INDEX built a copy on every partition holding none inside the migration's transaction,
a SHARE lock on each for the whole build. Now it is made ON ONLY, each leaf's copy built CONCURRENTLY under the name a
plain build gives it and attached by name, a sub-partitioned partition's copy ON ONLY too. The oracle: no
transactional file makes an index on a leaf; after the files applied over rows, each index valid and the indexes,
their names and what each is attached to as the same change applied without --concurrently makes them; `diff`
clean."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database
from pairs import load_pairs
from test_concurrently_replaced import _edited
from test_pairs import _inspected, _load

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

TREE = ("tables:\n  o:\n    columns:\n      a: {type: integer, nullable: false}\n      b: integer\n      c: text\n"
        "    partition_by: {strategy: list, key: a}\n    indexes:\n      o_bh: {columns: [b], method: hash}\n"
        "  o_1:\n    partition_of: {parent: o, bound: FOR VALUES IN (1)}\n    partition_by: {strategy: list, key: b}\n"
        "  o_1a:\n    partition_of: {parent: o_1, bound: FOR VALUES IN (5)}\n"
        "  o_2:\n    partition_of: {parent: o, bound: FOR VALUES IN (2)}\n"
        "  o_3:\n    partition_of: {parent: o, bound: FOR VALUES IN (3)}\n")
# The root given two indexes: o_2 holds its own of one (attached by its name), o_3 one of its own beside the copy of
# the other (made after the parent's: not attached), o_1 (sub-partitioned) none; o_bw's copies take the names of
# o_bh's (hash) numbered, o_1a_b_idx1.
NEW = TREE.replace("    indexes:\n", "    indexes:\n      o_lower: {columns: [{expression: lower(c)}]}\n"
                   "      o_b: {columns: [b, a]}\n      o_bw: {columns: [b], where: b > 0}\n", 1).replace(
    "  o_3:\n", "  o_3:\n    indexes:\n      o_3_mine: {columns: [b, a], beside_copy: true}\n").replace(
    "(2)}\n", "(2)}\n    indexes:\n      o_2_low: {columns: [{expression: lower(c)}]}\n")
ROWS = "INSERT INTO o SELECT 1 + g % 3, CASE WHEN g % 3 = 0 THEN 5 END, 'x' || g FROM generate_series(1, 300) g"
INDEXES = ("SELECT c.relname, t.relname, p.inhparent::regclass::text, i.indisvalid, pg_get_indexdef(i.indexrelid) "
           "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
           "LEFT JOIN pg_inherits p ON p.inhrelid = i.indexrelid WHERE t.relname LIKE 'o%' ORDER BY 1")
# The indexes of the leaves (partitions not partitioned themselves)
LEAF_INDEXES = ("SELECT pg_catalog.array_agg(i.indexrelid ORDER BY i.indexrelid) FROM pg_index i JOIN pg_class t ON "
                "t.oid = i.indrelid WHERE t.relkind = 'r' AND t.relispartition AND t.relname <> ALL (%s)")


def _applied(conn: psycopg.Connection, files, unlisted: tuple[str, ...] = ()) -> None:
    """`files` applied in turn, each transactional one checked to have made no index on a leaf (but those `unlisted`):
    those come of the `-- no-transaction` files' CREATE INDEX CONCURRENTLY alone (ATTACH PARTITION makes none)."""
    for m in files:
        before = conn.execute(LEAF_INDEXES, [list(unlisted)]).fetchone()
        apply_files(conn, [m], record=False)
        if not open(m.path).read().startswith("-- no-transaction"):
            after = conn.execute(LEAF_INDEXES, [list(unlisted)]).fetchone()
            assert after == before, f"{m.filename} built an index on a leaf"


@pytest.mark.parametrize("case", ["part-subpartition-own-index-beside-its-copy-made-with-the-parents",
                                  "part-own-index-beside-its-copy-under-a-name-of-its-own-made-with-the-parents"])
def test_the_pairs_partitions_own_indexes_beside_copies_are_built_concurrently(db_url, tmp_path, case):
    """The pairs whose partitions' own indexes stand beside their copies of a new parent index (pg.beside_copies):
    --concurrently built the parent's index, and so every copy, in the main file, with a notice (each pair's
    converging, --concurrently too, is test_pairs_concurrently's)."""
    (pair,) = [p for p in load_pairs() if p.id == case]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _load(db_url, pair.old)
    _inspected(db_url, schema)
    assert generate(str(schema), out, name="old").status == "written"
    first = len(Layout(out).migrations())
    with sibling_database(db_url) as b:
        _load(b, pair.new)
        _inspected(b, schema)
    result = generate(str(schema), out, name="new", concurrently=True)
    assert not [n for n in result.notices if "CONCURRENTLY" in n], result.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        _applied(conn, Layout(out).migrations()[first:])
    assert check_drift(str(schema), db_url).differences == (), result.sql


def test_a_partitioned_tables_new_index_builds_each_partitions_copy_concurrently(any_db_url, tmp_path):
    schema, result, files = _edited(any_db_url, tmp_path, TREE, NEW, ROWS)
    assert not [n for n in result.notices if "CONCURRENTLY" in n], result.notices
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        _applied(conn, files)
        made = conn.execute(INDEXES).fetchall()
        assert conn.execute("SELECT count(*), count(DISTINCT c) FROM o").fetchone() == (300, 300)
    assert all(valid for _, _, _, valid, _ in made), made
    with sibling_database(any_db_url) as fresh:  # (the same change, without --concurrently)
        out = str(tmp_path / "plain")
        schema.write_text(TREE)
        assert generate(str(schema), out).status == "written"
        schema.write_text(NEW)
        assert generate(str(schema), out).status == "written"
        with psycopg.connect(fresh, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations(), record=False)
            assert made == conn.execute(INDEXES).fetchall(), result.sql
    assert check_drift(str(schema), any_db_url).differences == (), result.sql


def test_a_partition_schema_yaml_does_not_list_gets_the_plain_build(db_url, tmp_path):
    """A partition made by hand after schema.yaml (pg_partman's premake), which no copy is built for: the ON ONLY index
    would stay INVALID. The validating file finds it in the tree and builds the index as without --concurrently (it
    attaches the copies built, makes the hand-made partition's)."""
    new = TREE.replace("    indexes:\n", "    indexes:\n      o_b: {columns: [b, a]}\n", 1)
    hand_made = "; CREATE TABLE o_4 PARTITION OF o FOR VALUES IN (4)"
    _, result, files = _edited(db_url, tmp_path, TREE, new, ROWS + hand_made)
    with psycopg.connect(db_url, autocommit=True) as conn:
        _applied(conn, files, unlisted=("o_4",))
        assert [r[:4] for r in conn.execute(INDEXES).fetchall() if "(b, a)" in r[4]] == [
            ("o_1_b_a_idx", "o_1", "o_b", True), ("o_1a_b_a_idx", "o_1a", "o_1_b_a_idx", True),
            ("o_2_b_a_idx", "o_2", "o_b", True), ("o_3_b_a_idx", "o_3", "o_b", True),
            ("o_4_b_a_idx", "o_4", "o_b", True), ("o_b", "o", None, True)], result.sql



def test_a_relation_made_since_holding_a_copys_name_gets_the_plain_build(db_url, tmp_path):
    """A relation schema.yaml does not list, made after inspect (by hand, by another tool), holding the name the plan
    gives a copy: its CREATE INDEX CONCURRENTLY IF NOT EXISTS skipped, and the validating file's ALTER INDEX ... ATTACH
    PARTITION failed ('"o_2_b_a_idx" is not an index'). The DO block finds the name not an index of its partition and
    builds the index as without --concurrently (Postgres names the copy past the table)."""
    new = TREE.replace("    indexes:\n", "    indexes:\n      o_b: {columns: [b, a]}\n", 1)
    _, result, files = _edited(db_url, tmp_path, TREE, new, ROWS + "; CREATE TABLE o_2_b_a_idx (x integer)")
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS o_2_b_a_idx ON public.o_2(b, a)" in result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, files, record=False)
        assert [r[:4] for r in conn.execute(INDEXES).fetchall() if "(b, a)" in r[4]] == [
            ("o_1_b_a_idx", "o_1", "o_b", True), ("o_1a_b_a_idx", "o_1a", "o_1_b_a_idx", True),
            ("o_2_b_a_idx1", "o_2", "o_b", True), ("o_3_b_a_idx", "o_3", "o_b", True), ("o_b", "o", None, True)]

PARTS = ("CREATE TABLE o (a int NOT NULL, b int, c text) PARTITION BY LIST (a); "
         "CREATE TABLE o_1 PARTITION OF o FOR VALUES IN (1); CREATE TABLE o_2 PARTITION OF o FOR VALUES IN (2); "
         "INSERT INTO o SELECT 1 + g % 2, g, 'x' || g FROM generate_series(1, 100) g; ")
# o_bh's copy on o_1 numbered by its history: o_1_b_idx was another index when it was made (inspect lists the copy,
# attached_to o_bh, the name below it free); o_2's is o_2_b_idx (left out, as Postgres named it)
NUMBERED = PARTS + ("CREATE INDEX o_1_b_idx ON o_1 (b, c); CREATE INDEX o_bh ON o USING hash (b); "
                    "DROP INDEX o_1_b_idx;")
# o_bd is built in the main file (IS DISTINCT FROM: the path it needs), making its copies before o_bw's
ADDED = "CREATE INDEX o_bd ON o (b) WHERE b IS DISTINCT FROM 0; CREATE INDEX o_bw ON o (b) WHERE b > 0;"


def test_copies_are_named_past_those_standing_and_those_the_main_file_makes(db_url, tmp_path):
    """The copies' names were estimated from schema.yaml, inspected after the build: it lists no copy named as
    Postgres names it, so o_bh's copy on o_1, numbered o_1_b_idx1 by its history, was counted as o_1_b_idx and o_bw's
    named o_1_b_idx2 (a copy inspect lists then, beside schema.yaml's); the copies of o_bd, made in the main file, were
    not counted at all: o_bw's CREATE INDEX CONCURRENTLY IF NOT EXISTS o_2_b_idx1 skipped o_bd's copy, and the
    validating file's ALTER INDEX o_bw ATTACH PARTITION o_2_b_idx1 failed ('Index "o_2_b_idx1" is already attached to
    another index'). Now the standing copies are read off state.json's tables and the main file's counted first: each
    index as the same SQL makes it."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _load(db_url, NUMBERED)
    _inspected(db_url, schema)
    assert generate(str(schema), out, name="old").status == "written"
    first = len(Layout(out).migrations())
    with sibling_database(db_url) as b:
        _load(b, NUMBERED + ADDED)
        _inspected(b, schema)
        with psycopg.connect(b) as conn:
            made = conn.execute(INDEXES).fetchall()
    result = generate(str(schema), out, name="new", concurrently=True)
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS o_1_b_idx2 ON public.o_1(b) WHERE (b > 0)" in result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[first:], record=False)
        assert conn.execute(INDEXES).fetchall() == made, result.sql
    assert check_drift(str(schema), db_url).differences == (), result.sql
