"""A constraint schema.yaml named (blocks_moderator_id_fkey: the migration created it so) and then leaves unnamed,
where Postgres's name for it differs (blocks_creator_id_fkey): generate said "No changes" and recorded it unnamed,
the database kept the old name, unlike a fresh build; the next migration dropping it wrote DROP CONSTRAINT IF EXISTS
blocks_creator_id_fkey, which found nothing: the key stayed (diff: unexpected_constraint). Now the migration renames
it to Postgres's name (a key's index along). The oracle: pg_constraint's names against the same schema.yaml created
from scratch in a sibling database, and after the drop, pg_constraint without them, over the rows."""

from __future__ import annotations

import os

import psycopg

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from test_renamed_defaults import FK_TREE, TREE_NAMES, _created

NAMED = ("tables:\n  users:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
         "  blocks:\n    columns:\n      id: {type: integer, nullable: false}\n      code: {type: integer}\n"
         "      during: {type: int4range}\n      creator_id: {type: bigint, nullable: false}\n"
         "    primary_key: {columns: [id], name: blocks_ident}\n"
         "    unique:\n      - {columns: [code], name: blocks_code_uq}\n"
         "    exclude:\n      - {elements: [{name: during, with: '&&'}], name: blocks_no_overlap}\n"
         "    foreign_keys:\n      - {columns: [creator_id], references: {table: users, columns: [id]}, "
         "name: blocks_moderator_id_fkey}\n")
UNNAMED = NAMED.replace(", name: blocks_ident}", "}").replace(", name: blocks_code_uq}", "}") \
    .replace(", name: blocks_no_overlap}", "}").replace(", name: blocks_moderator_id_fkey}", "}")
DROPPED = UNNAMED.split("    primary_key:")[0]
NAMES = ("SELECT conname, contype FROM pg_constraint WHERE conrelid = 'blocks'::regclass AND contype <> 'n' "
         "ORDER BY 1")


def _step(url: str, schema, out: str, text: str, **options) -> None:
    """`text` generated and what it wrote, if anything ("No changes" before the fix), applied: the catalog judges."""
    schema.write_text(text)
    before = len(Layout(out).migrations()) if os.path.isdir(out) else 0
    result = generate(str(schema), out, **options)
    assert result.status in ("written", "unchanged"), result.message
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[before:], record=False)
    assert check_drift(str(schema), url).differences == (), result.sql


INDEXES = "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'blocks'::regclass ORDER BY 1"


def test_named_keys_left_unnamed_take_postgres_names_and_are_dropped_later(any_db_url, tmp_path):
    assert not any(f"name: blocks_{n}" in UNNAMED for n in ("ident", "code_uq", "no_overlap", "moderator_id_fkey"))
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(any_db_url, schema, out, NAMED)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO users VALUES (1); INSERT INTO blocks VALUES (1, 10, '[1,5)', 1), (2, 20, '[5,9)', 1)")
        rows = conn.execute("SELECT * FROM blocks ORDER BY id").fetchall()
    _step(any_db_url, schema, out, UNNAMED)
    with psycopg.connect(any_db_url) as conn:
        names, indexes = conn.execute(NAMES).fetchall(), conn.execute(INDEXES).fetchall()
    assert names == _created(any_db_url, UNNAMED, tmp_path / "scratch", NAMES)
    assert ("blocks_creator_id_fkey", "f") in names and ("blocks_pkey", "p") in names
    assert indexes == [("blocks_code_key",), ("blocks_during_excl",), ("blocks_pkey",)]  # (renamed with their keys)
    _step(any_db_url, schema, out, DROPPED, allow_destructive=True)
    with psycopg.connect(any_db_url) as conn:
        assert conn.execute(NAMES).fetchall() == []
        assert conn.execute(INDEXES).fetchall() == []
        assert conn.execute("SELECT * FROM blocks ORDER BY id").fetchall() == rows


def test_a_partitioned_tables_foreign_key_left_unnamed_is_renamed_in_its_partitions(any_db_url, tmp_path):
    """Its clones in the partitions, at any depth, hold the parent's name: renamed along, as PARTITION OF names them."""
    named = FK_TREE.replace("      - {columns: [pid], references: {table: p, columns: [id]}}\n    partition_by",
                            "      - {columns: [pid], references: {table: p, columns: [id]}, name: orders_parent_fk}\n"
                            "    partition_by")
    assert named != FK_TREE
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(any_db_url, schema, out, named)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO p VALUES (1); INSERT INTO orders VALUES (1, '2024-05-01', 1), (2, '2025-05-01', NULL)")
    _step(any_db_url, schema, out, FK_TREE)
    with psycopg.connect(any_db_url) as conn:
        names = conn.execute(TREE_NAMES).fetchall()
    assert names == _created(any_db_url, FK_TREE, tmp_path / "scratch", TREE_NAMES)
    assert ("orders_2025_a", "orders_pid_fkey", "f") in names
    _step(any_db_url, schema, out, FK_TREE.replace("    foreign_keys:\n      - {columns: [pid], references: {table: p, "
                                                   "columns: [id]}}\n", ""), allow_destructive=True)
    with psycopg.connect(any_db_url) as conn:
        assert [n for n in conn.execute(TREE_NAMES).fetchall() if n[2] == "f"] == []
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (2,)
