"""A partition's copies of its parent's indexes (catalog/partition_indexes.py): those Postgres names are its
own business and never drift; a name it numbers because the first is taken (two indexes of the parent on
the same columns: `p1_0_k_idx`, `p1_0_k_idx1`) is one of them too. The oracle is pg_indexes itself."""

from __future__ import annotations

import psycopg

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.pg.childindex import is_child_index_name

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
