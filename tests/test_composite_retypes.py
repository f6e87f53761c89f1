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
from schemac.errors import SchemacError
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


KEYED = """composite_types:
  cd:
    attributes: {{a: {a}, n: {n}}}
tables:
  tp:
    partition_by: {{strategy: range, key: c}}
    columns:
      id: integer
      c: cd
  tp1:
    partition_of: {{parent: tp, bound: "FOR VALUES FROM (MINVALUE) TO (MAXVALUE)"}}
"""


@pytest.mark.parametrize("flag", [False, True])
def test_an_attribute_retyped_under_a_partition_key_column_is_refused_even_with_the_flag(tmp_path, db_url, flag):
    """A column of the type in its table's partition key: Postgres retypes no partition key's column, so the type
    cannot be set aside; the attributes were dropped and added again (refused as destructive; with
    --allow-destructive every value, the partition's bounds too, read (,)). Now refused with or without the flag,
    naming the column and the way out, nothing written, every value kept."""
    schema, out = _made_with_rows(db_url, tmp_path, KEYED.format(a="integer", n="varchar(30)"),
                                  "INSERT INTO tp VALUES (1, ROW(1, 'a')), (2, ROW(NULL, 'b'))")
    schema.write_text(KEYED.format(a="bigint", n="text"), encoding="utf-8")
    with pytest.raises(SchemacError) as refused:
        generate(str(schema), out, allow_destructive=flag)
    assert "composite type public.cd: attribute a, n cannot be retyped while column public.tp.c, in its table's " \
        "partition key, holds the type" in str(refused.value), refused.value
    assert "create a new composite type with the new attributes and a new table partitioned on a column of it" \
        in str(refused.value), refused.value
    assert len(Layout(out).migrations()) == 1
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT id, (c).a, (c).n FROM tp ORDER BY id").fetchall() == [
            (1, 1, "a"), (2, None, "b")]


MATVIEWS = """composite_types:
  cd:
    attributes: {{a: {a}, n: {n}}}
tables:
  tcd:
    columns:
      id: {{type: integer, primary_key: true}}
      c: cd
  src:
    columns:
      id: {{type: integer, primary_key: true}}
      a: integer
materialized_views:
  mcd: {{query: "SELECT tcd.id, tcd.c, (tcd.c).n AS n FROM tcd"}}
  made: {{query: "SELECT src.id, ROW(src.a, 'made')::cd AS c FROM src"}}
"""


def test_an_attribute_widened_under_materialized_views_keeps_their_rows(tmp_path, db_url):
    """A materialized view holding the type, over a column of it (mcd) or alone (made: its rows made by its query):
    the type was not set aside (its rows hold values of it): the attributes were dropped and added again, tcd.c's
    values lost with --allow-destructive (made's alone: generate failed, 'View' object has no attribute
    'partition_by'). Now set aside with each view made again around it: its rows, read again, hold every value."""
    schema, out = _made_with_rows(db_url, tmp_path, MATVIEWS.format(a="integer", n="varchar(30)"),
                                  "INSERT INTO tcd VALUES (1, ROW(1, 'a b')), (2, NULL), (3, ROW(NULL, NULL)); "
                                  "INSERT INTO src VALUES (1, 5), (2, NULL); REFRESH MATERIALIZED VIEW mcd; "
                                  "REFRESH MATERIALIZED VIEW made")
    schema.write_text(MATVIEWS.format(a="bigint", n="text"), encoding="utf-8")
    written = generate(str(schema), out)
    assert written.status == "written", written.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT id, (c).a, (c).n, n FROM mcd ORDER BY id").fetchall() == [
            (1, 1, "a b", "a b"), (2, None, None, None), (3, None, None, None)]
        assert conn.execute("SELECT id, (c).a, (c).n FROM made ORDER BY id").fetchall() == [
            (1, 5, "made"), (2, None, "made")]
        assert conn.execute("SELECT id, (c).a, (c).n FROM tcd ORDER BY id").fetchall() == [
            (1, 1, "a b"), (2, None, None), (3, None, None)]
        assert conn.execute(ATTRIBUTES).fetchone() == (["a:bigint", "n:text"],)
        assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old%'").fetchone() == (0,)
    assert check_drift(str(schema), db_url).differences == ()
