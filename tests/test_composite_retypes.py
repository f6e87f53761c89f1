"""A composite type's attribute retyped while a column holds the type (of it, an array of it, a composite nesting it):
Postgres refuses ALTER ATTRIBUTE ... TYPE there, and the attribute was dropped and added again, every value of it lost
(NULL). Now the type is set aside and made again, its columns retyped through text (compare.range_holders). The
oracle: each attribute's value read back by the test's own SQL, the attributes' types in pg_attribute, no type left
aside, and refusals that name every column holding the type."""

from __future__ import annotations

import psycopg
import pytest

from test_type_moves import _made_with_rows

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.layout import Layout
from schemac.migrations.apply import apply_files

SCHEMA = """composite_types:
  cd:
    attributes: {{a: {a}, n: {n}}}
  wrap:
    attributes: {{c: cd, k: integer}}
tables:
  tcd:
    columns:
      id: {{type: integer, primary_key: true}}
      c: cd
      cs: "cd[]"
      w: wrap
    indexes:
      tcd_a: {{columns: [{{expression: "(c).a"}}]}}
  other:
    columns:
      id: {{type: integer, primary_key: true}}
      o: cd
views:
  vcd: {{query: "SELECT tcd.id, (tcd.c).n AS n FROM tcd"}}
"""

ROWS = ("INSERT INTO tcd VALUES (1, ROW(1, 'ab'), ARRAY[ROW(2, 'c\"d')::cd, NULL], ROW(ROW(3, 'e,f'), 4)), "
        "(2, NULL, '{}', ROW(NULL, 5)), (3, ROW(NULL, NULL), NULL, NULL); INSERT INTO other VALUES (1, ROW(7, 'g'))")
READ = ("SELECT id, (c).a, (c).n, (cs[1]).a, (cs[1]).n, cs[2] IS NULL, ((w).c).a, ((w).c).n, (w).k, "
        "(SELECT n FROM vcd WHERE vcd.id = tcd.id) FROM tcd ORDER BY id")
KEPT = [(1, 1, "ab", 2, 'c"d', True, 3, "e,f", 4, "ab"), (2, None, None, None, None, True, None, None, 5, None),
        (3, None, None, None, None, True, None, None, None, None)]
ATTRIBUTES = "SELECT array_agg(attname || ':' || format_type(atttypid, atttypmod) ORDER BY attnum) FROM pg_attribute " \
    "WHERE attrelid = 'cd'::regclass AND attnum > 0 AND NOT attisdropped"


def _retyped(db_url: str, tmp_path, was: tuple[str, str], now: tuple[str, str]):
    """(schema.yaml, out dir) of SCHEMA over `was` (a, n) applied with ROWS, schema.yaml then of `now`."""
    schema, out = _made_with_rows(db_url, tmp_path, SCHEMA.format(a=was[0], n=was[1]), ROWS)
    schema.write_text(SCHEMA.format(a=now[0], n=now[1]), encoding="utf-8")
    return schema, out


def test_an_attribute_widened_under_columns_keeps_every_value(tmp_path, db_url):
    """varchar(30) -> text and integer -> bigint under a column, an array, a composite nesting it, another table's
    column, an index on ((c).a) and a view reading (c).n: not destructive, every value kept."""
    schema, out = _retyped(db_url, tmp_path, ("integer", "varchar(30)"), ("bigint", "text"))
    written = generate(str(schema), out)
    assert written.status == "written", written.message
    assert "DROP ATTRIBUTE" not in written.sql and "ADD ATTRIBUTE" not in written.sql, written.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute(READ).fetchall() == KEPT
        assert conn.execute("SELECT id, (o).a, (o).n FROM other").fetchall() == [(1, 7, "g")]
        assert conn.execute(ATTRIBUTES).fetchone() == (["a:bigint", "n:text"],)
        assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old%'").fetchone() == (0,)
        assert conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'tcd_a'").fetchone() == (
            "CREATE INDEX tcd_a ON public.tcd USING btree (((c).a))",)
    assert check_drift(str(schema), db_url).differences == ()


def test_an_attribute_narrowed_under_columns_is_refused_naming_each_column_and_kept_where_it_fits(tmp_path, db_url):
    """text -> varchar(3) and bigint -> integer may not fit: refused without --allow-destructive, naming every column
    holding the type (each of tcd's and other's, not the first alone); with it, the values that fit are kept (they
    were emptied: NULL), and a value that does not fit fails the migration, naming it, nothing done."""
    schema, out = _retyped(db_url, tmp_path, ("bigint", "text"), ("integer", "varchar(3)"))
    refused = generate(str(schema), out)
    assert refused.status == "refused", refused.message
    assert "composite type public.cd: attribute a (bigint -> integer), n (text -> character varying(3)) retyped " \
        "through its text: its values in columns public.tcd.c, public.tcd.cs, public.tcd.w and public.other.o may be " \
        "truncated, rounded or rejected" in refused.message, refused.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO tcd VALUES (9, ROW(1, 'long'), NULL, NULL)")
    written = generate(str(schema), out, allow_destructive=True)
    assert written.status == "written", written.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.StringDataRightTruncation) as failed:
            apply_files(conn, Layout(out).migrations()[1:], record=False)
        assert "value too long for type character varying(3)" in str(failed.value), failed.value
        assert conn.execute(ATTRIBUTES).fetchone() == (["a:bigint", "n:text"],)  # (nothing done)
        conn.execute("DELETE FROM tcd WHERE id = 9")
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute(READ).fetchall() == KEPT
        assert conn.execute(ATTRIBUTES).fetchone() == (["a:integer", "n:character varying(3)"],)
        assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old%'").fetchone() == (0,)
    assert check_drift(str(schema), db_url).differences == ()
