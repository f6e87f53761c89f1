"""A plain table made a partition of a parent that types one of its columns otherwise, where no cast leads from the
table's type to the parent's (text -> text[], integer -> an enum): generate refuses until schema.yaml gives a `using:`,
which goes on the table's own column, not on the parent's (whose type does not change). A partition entry that lists
no columns has its parent's, so the refusal says to list them under the partition's own `columns:`; followed, the
migration converts the table's rows before ATTACH. The oracle: pg_catalog (the table a partition of the parent with
its bound, its columns' types) and the rows' values, and the catalog of the new schema.yaml built from scratch."""

from __future__ import annotations

import os

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference
from conftest import built_from_scratch

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

PARENT = """enums:
  mood: [sad, ok, happy]
tables:
  p:
    columns:
      k: integer
      v: {type: "text[]", default: "'{}'"}
      m: {type: mood}
    primary_key: {columns: [k]}
    partition_by: {strategy: range, key: k}
"""
OLD = PARENT + """  t:
    columns:
      k: integer
      v: {type: text}
      m: {type: integer}
"""
ATTACHED = PARENT + """  t:
    partition_of: {parent: p, bound: "FOR VALUES FROM (0) TO (10)"}
"""
# The hint followed: p's columns, as p declares them, under t's own columns:, with using: where t's values convert
# (k NOT NULL as its parent's key makes it there: a partition's column cannot be otherwise).
WITH_USING = ATTACHED + """    columns:
      k: integer
      v: {type: "text[]", default: "'{}'", using: "string_to_array(v, ',')"}
      m: {type: mood, using: "(enum_range(NULL::mood))[m + 1]"}
"""
ROWS = "INSERT INTO t VALUES (1, 'a,b', 0), (2, NULL, 2), (3, 'x', NULL)"
PARTITION = """
SELECT c.relispartition, i.inhparent::regclass::text, pg_get_expr(c.relpartbound, c.oid),
       array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull ORDER BY a.attnum)
FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.oid = 'public.t'::regclass GROUP BY 1, 2, 3
"""


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


@pytest.mark.default_on("pg15")  # (no branch of its code path is a major's: spread over the majors, every major under -m slow)
def test_table_attached_where_its_columns_need_using(any_db_url, tmp_path):
    path, out = str(tmp_path / "schema.yaml"), str(tmp_path / "generated")
    _write(path, OLD)
    generate(path, out)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute(ROWS)
    _write(path, ATTACHED)
    with pytest.raises(SchemacError) as refused:  # the hint says where a using: of t's own goes
        generate(path, out)
    assert "table public.t lists no columns of its own, so it has those of its parent p" in str(refused.value)
    assert "list p's columns (k, v, m, as p declares them) under t's own `columns:` and write `using:` on v there" \
        in str(refused.value)
    _write(path, WITH_USING)
    result = generate(path, out, allow_destructive=True)  # (a retype through using: may reject values)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute(PARTITION).fetchone() == (
            True, "p", "FOR VALUES FROM (0) TO (10)", ["k integer true", "v text[] false", "m mood false"])
        assert conn.execute("SELECT k, v, m::text FROM p ORDER BY k").fetchall() == [
            (1, ["a", "b"], "sad"), (2, None, "happy"), (3, ["x"], None)]
        assert conn.execute("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
                            "WHERE d.adrelid = 't'::regclass").fetchall() == [("'{}'::text[]",)]
    assert check_drift(path, any_db_url).differences == ()
    expected = built_from_scratch(any_db_url, WITH_USING, os.path.join(tmp_path, "scratch"))
    actual = fingerprint(any_db_url)
    assert actual == expected, fingerprint_difference(actual, expected)
