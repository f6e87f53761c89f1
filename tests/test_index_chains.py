"""Index names moved along a chain, not a loop (a(x), b(y) -> a(z), b(x)): the index on x keeps its OID under its new
name b (DROP INDEX b, ALTER INDEX a RENAME TO b, CREATE INDEX a), where before both were dropped and built again
(compare.index_swaps took only loops). The oracle: pg_class's OIDs and pg_index's definitions, the rows kept."""

from __future__ import annotations

import psycopg

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

OLD = """tables:
  t:
    columns: {id: integer, x: integer, y: integer, z: integer}
    indexes:
      a: {columns: [x]}
      b: {columns: [y]}
"""
INDEXES = ("SELECT c.relname, c.oid::int, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
           "WHERE i.indrelid = 't'::regclass ORDER BY 1")


def _old_applied(url: str, tmp_path) -> tuple:
    """OLD generated and applied to `url`, with rows: (schema.yaml, the output folder, the OIDs of indexes a and b)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(OLD, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO t VALUES (1, 1, 2, 3), (2, 4, 5, 6)")
        (_, on_x, _), (_, on_y, _) = conn.execute(INDEXES).fetchall()
    return schema, out, on_x, on_y


def test_an_index_name_chain_renames_the_index_it_moves(any_db_url, tmp_path):
    schema, out, on_x, _ = _old_applied(any_db_url, tmp_path)
    schema.write_text(OLD.replace("a: {columns: [x]}", "a: {columns: [z]}").replace("b: {columns: [y]}",
                                                                                   "b: {columns: [x]}"), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        (a, a_oid, a_def), (b, b_oid, b_def) = conn.execute(INDEXES).fetchall()
        assert (a, b) == ("a", "b") and a_def.endswith("(z)") and b_def.endswith("(x)"), (a_def, b_def)
        assert b_oid == on_x, result.sql  # renamed, not built again
        assert conn.execute("SELECT * FROM t ORDER BY id").fetchall() == [(1, 1, 2, 3), (2, 4, 5, 6)]
    assert check_drift(str(schema), any_db_url).differences == ()


def test_an_index_name_taken_from_a_name_gone_renames_its_index(any_db_url, tmp_path):
    """a(x), b(y) -> a(y), b gone: DROP INDEX a, ALTER INDEX b RENAME TO a (the index on y keeps its OID), where
    before the index of name a changing definition was dropped and built again beside b's drop."""
    schema, out, _, on_y = _old_applied(any_db_url, tmp_path)
    schema.write_text(OLD.replace("a: {columns: [x]}", "a: {columns: [y]}").replace("      b: {columns: [y]}\n", ""),
                      encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        [(a, a_oid, a_def)] = conn.execute(INDEXES).fetchall()
        assert a == "a" and a_def.endswith("(y)"), a_def
        assert a_oid == on_y, result.sql  # renamed, not built again
        assert conn.execute("SELECT * FROM t ORDER BY id").fetchall() == [(1, 1, 2, 3), (2, 4, 5, 6)]
    assert check_drift(str(schema), any_db_url).differences == ()
