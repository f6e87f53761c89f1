"""A domain whose base type or collation changes: Postgres has no ALTER DOMAIN for them, so the domain is set
aside, created again and its columns retyped onto it (as an enum created again), where `generate` refused the
change. The oracle: pg_type's base type of the domain, the columns' types and values, and no type left aside."""

from __future__ import annotations

import psycopg
import pytest

from conftest import MAJORS
from test_type_moves import _made_with_rows

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

SCHEMA = """domains:
  code: {{type: "{base}", checks: {{code_upper: "VALUE ~ '^[A-Z]+$'"}}}}
  short_code: {{type: code, checks: {{short_code_len: "length(VALUE) < 5"}}}}
tables:
  k:
    columns:
      id: {{type: integer, primary_key: true}}
      c: code
      cs: "code[]"
      sc: short_code
"""


def _generate(tmp_path, base: str, **kw):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA.format(base=base), encoding="utf-8")
    return generate(str(schema), out, **kw), Layout(out)


def test_a_domain_over_a_wider_base_keeps_its_columns_values(tmp_path, db_url):
    first, layout = _generate(tmp_path, "varchar(10)")
    assert first.status == "written", first.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, layout.migrations())
        conn.execute("INSERT INTO k VALUES (1, 'AB', ARRAY['CD']::code[], 'EF')")
    second, layout = _generate(tmp_path, "varchar(20)")
    assert second.status == "written", second.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, layout.migrations())
        conn.execute("INSERT INTO k VALUES (2, 'ABCDEFGHIJKLMNOP', NULL, NULL)")  # longer than the old base allowed
        assert conn.execute("SELECT id, c, cs::text, sc FROM k ORDER BY id").fetchall() == [
            (1, "AB", "{CD}", "EF"), (2, "ABCDEFGHIJKLMNOP", None, None)]
        assert conn.execute("SELECT format_type(typbasetype, typtypmod) FROM pg_type WHERE typname = 'code'"
                            ).fetchone()[0] == "character varying(20)"
        assert conn.execute("SELECT array_agg(a.attname::text || ':' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) "
                            "FROM pg_attribute a WHERE a.attrelid = 'k'::regclass AND a.attnum > 0").fetchone()[0] == \
            ["id:integer", "c:code", "cs:code[]", "sc:short_code"]
        assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old%'").fetchone()[0] == 0


def test_a_narrower_base_needs_allow_destructive(tmp_path):
    first, _ = _generate(tmp_path, "varchar(20)")
    assert first.status == "written", first.message
    refused, _ = _generate(tmp_path, "varchar(10)")
    assert refused.status == "refused"
    assert "domain public.code: base type character varying(20) -> character varying(10)" in refused.message
    written, _ = _generate(tmp_path, "varchar(10)", allow_destructive=True)
    assert written.status == "written", written.message


NUMERIC_DOMAINS = """domains:
  amt: {{type: {base}, checks: {{amt_floor: "VALUE > -100"}}}}
  small_amt: {{type: amt, checks: {{small_amt_ceiling: "VALUE < 100"}}}}
tables:
  m:
    columns:
      id: {{type: integer, primary_key: true}}
      v: amt
      vs: "amt[]"
      s: small_amt
      w: {w_type}
      x: {x_type}
"""


def test_a_numeric_base_made_integer_casts_the_values_as_postgres_does(tmp_path, db_url):
    """numeric -> integer under rows holding fractions: the values are cast directly (CAST rounds half away from
    zero), not through text, where '2.5' is no integer and the migration failed; so are a numeric column retyped
    onto the domain (w) and one of the domain retyped to integer (x)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(NUMERIC_DOMAINS.format(base="numeric", w_type="numeric", x_type="amt"), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    rows = "SELECT id, v::integer, vs::integer[]::text, s::integer, w::integer, x::integer FROM m ORDER BY id"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO m VALUES (1, 2.5, '{2.5,-3.5}', 2.5, 0.5, 1.5), (2, -2.5, '{}', -0.5, -1.5, NULL),"
                     " (3, 1.4999, NULL, 99.4, 7, 2.49), (4, NULL, '{7}', NULL, NULL, -7.5)")
        expected = conn.execute(rows).fetchall()  # Postgres's own cast of each value, before the migration
    schema.write_text(NUMERIC_DOMAINS.format(base="integer", w_type="amt", x_type="integer"), encoding="utf-8")
    assert generate(str(schema), out).status == "refused"  # narrowing: destructive
    done = {m.path for m in Layout(out).migrations()}
    written = generate(str(schema), out, allow_destructive=True)
    assert written.status == "written", written.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in done])
        assert conn.execute(rows).fetchall() == expected == [
            (1, 3, "{3,-4}", 3, 1, 2), (2, -3, "{}", -1, -2, None), (3, 1, None, 99, 7, 2), (4, None, "{7}", None, None, -8)]
        assert conn.execute("SELECT array_agg(a.attname::text || ':' || format_type(a.atttypid, a.atttypmod) "
                            "ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = 'm'::regclass AND a.attnum > 0"
                            ).fetchone()[0] == ["id:integer", "v:amt", "vs:amt[]", "s:small_amt", "w:amt", "x:integer"]
        assert conn.execute("SELECT typname::text, format_type(typbasetype, NULL) FROM pg_type WHERE typtype = 'd' "
                            "AND typnamespace = 'public'::regnamespace ORDER BY 1").fetchall() == [
            ("amt", "integer"), ("small_amt", "amt")]


def _built_under(conn: psycopg.Connection, schema, out: str, text: str, row: str, column: str) -> None:
    """`text` (its domain qty without CHECK) generated into `out` and applied on `conn`, given `row`; Postgres's own
    refusal of ALTER DOMAIN qty ADD CONSTRAINT under `column` (which a migration would meet) checked."""
    schema.write_text(text.format(checks=""), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    apply_files(conn, Layout(out).migrations())
    conn.execute(row)
    with pytest.raises(psycopg.errors.FeatureNotSupported, match=f'because column "{column}" uses it'):
        with conn.transaction():
            conn.execute("ALTER DOMAIN qty ADD CONSTRAINT qty_positive CHECK (VALUE > 0)")


def _check_refused(tmp_path, db_url, text: str, row: str, column: str) -> tuple[str, str]:
    """`text` (its domain qty without CHECK) built and given `row`; Postgres's own refusal of ALTER DOMAIN qty ADD
    CONSTRAINT under `column` (which a migration would meet) checked; then qty given the CHECK: generate's refusal
    message, and no second migration written; the message and the out folder."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with psycopg.connect(db_url, autocommit=True) as conn:
        _built_under(conn, schema, out, text, row, column)
    schema.write_text(text.format(checks=", checks: {qty_positive: VALUE > 0}"), encoding="utf-8")
    with pytest.raises(SchemacError) as refused:
        generate(str(schema), out, allow_destructive=True)
    assert len(Layout(out).migrations()) == 1
    return str(refused.value), out


ROW_HELD = """domains:
  qty: {{type: integer{checks}}}
composite_types:
  orderline:
    attributes: {{sku: text, n: qty}}
tables:
  orders:
    columns:
      id: {{type: integer, primary_key: true}}
      l: orderline
"""


def test_a_check_given_to_a_domain_a_table_holds_in_a_row_makes_the_composite_again_keeping_its_values(tmp_path,
                                                                                                   db_url):
    """Postgres refuses ALTER DOMAIN ... ADD CONSTRAINT while a column holds the domain inside a composite value
    (it cannot check those), and the composite's attribute cannot be retyped onto the domain created again while a
    table has a column of the composite. The attribute was dropped and added again (its values lost, NULL: written
    only with --allow-destructive); the composite is set aside with the domain and made again over the new one, its
    column retyped through text (compare.range_holders, session 50): written without the flag and applied over the
    row, every value kept (a value the CHECK refuses fails the migration, not lost), the attribute of the new domain,
    which holds the CHECK."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with psycopg.connect(db_url, autocommit=True) as conn:
        _built_under(conn, schema, out, ROW_HELD, "INSERT INTO orders VALUES (1, ROW('a', 2)::orderline)", "orders.l")
    schema.write_text(ROW_HELD.format(checks=", checks: {qty_positive: VALUE > 0}"), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written" and "DROP ATTRIBUTE" not in result.sql, result.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT (l).sku, (l).n FROM orders").fetchall() == [("a", 2)]
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'orderline'::regclass AND attname = 'n'").fetchone() == ("qty",)
        assert conn.execute("SELECT conname FROM pg_constraint WHERE contypid = 'qty'::regtype").fetchall() == \
            [("qty_positive",)]
    assert check_drift(str(schema), db_url).differences == ()


RESHAPED = """domains:
  qty: {{type: integer{checks}}}
composite_types:
  orderline:
    attributes: {attributes}
  basket:
    attributes: {{l: orderline, k: integer}}
tables:
  orders:
    columns:
      id: {{type: integer, primary_key: true}}
      l: orderline
      ls: "orderline[]"
      b: basket
"""


def test_a_check_given_to_a_domain_under_a_composite_changing_shape_keeps_the_kept_attributes_values(tmp_path, db_url):
    """The composite set aside and made again with the domain (above) also loses an attribute, gains one and renames
    one: it was not set aside (its shape changed), its attribute of the domain dropped and added again, every value of
    it lost (NULL) in the column, the array and the composite nesting it, with --allow-destructive (without, refused
    naming that attribute). Now its attributes are renamed, dropped and added in place first (the rows' text then has
    the new fields), then it is set aside and made again, its columns retyped through text: each kept attribute's
    value kept; refused without the flag naming the dropped attribute alone (the pairs' row oracle reads the whole
    row's text, which the new field changes: `changed:` there)."""
    schema, out = _made_with_rows(
        db_url, tmp_path, RESHAPED.format(checks="", attributes="{sku: text, n: qty, gone: integer}"),
        "INSERT INTO orders VALUES (1, ROW('a', 2, 9), ARRAY[ROW('b', 3, 9)::orderline, NULL], ROW(ROW('c', 4, 9), 5)),"
        " (2, NULL, NULL, NULL)")
    schema.write_text(RESHAPED.format(checks=", checks: {qty_positive: VALUE > 0}", attributes="{code: {type: text, "
                                      "renamed_from: sku}, n: qty, note: text}"), encoding="utf-8")
    refused = generate(str(schema), out)
    assert refused.status == "refused" and "composite type public.orderline: attribute gone dropped: its values in " \
        "every column of the type are lost" in refused.message and "added again" not in refused.message, refused.message
    written = generate(str(schema), out, allow_destructive=True)
    assert written.status == "written" and "ALTER TYPE orderline RENAME ATTRIBUTE sku TO code" in written.sql, \
        written.sql
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT id, (l).code, (l).n, (l).note, (ls[1]).code, (ls[1]).n, ls[2] IS NULL, "
                            "((b).l).code, ((b).l).n, (b).k FROM orders ORDER BY id").fetchall() == [
            (1, "a", 2, None, "b", 3, True, "c", 4, 5), (2, None, None, None, None, None, True, None, None, None)]
        assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old'").fetchone() == (0,)
    assert check_drift(str(schema), db_url).differences == ()


def test_a_check_narrowed_under_a_composite_a_row_fails_names_the_column_and_the_value(tmp_path, db_url):
    """A domain's CHECK narrowed (VALUE > 0 to VALUE > 5) under a composite's attribute a column holds: the composite is
    made again and the column retyped through text, whose cast checks each value and failed at apply with Postgres's
    'value for domain qty violates check constraint "qty_positive"', naming no table, column nor row. Now the
    migration runs the cast over the rows first (plan.held_values.checked_values_guard) and raises naming the column,
    the domain and the value failing; nothing done. The row changed, it applies, every value kept."""
    schema, out = _made_with_rows(db_url, tmp_path, ROW_HELD.format(checks=", checks: {qty_positive: VALUE > 0}"),
                                  "INSERT INTO orders VALUES (1, ROW('a', 7)), (2, ROW('b', 2)), (3, NULL)")
    schema.write_text(ROW_HELD.format(checks=", checks: {qty_positive: VALUE > 5}"), encoding="utf-8")
    narrowed = generate(str(schema), out, name="narrowed")  # (said at generate, as the other guards are)
    assert narrowed.status == "written" and [n.split("schema.yaml:10:7: ")[1] for n in narrowed.notices
                                             if n.startswith("warning: ")] == [
        "column public.orders.l is retyped to orderline through text, which checks each value of domain public.qty "
        "held in it against its new CHECKs or NOT NULL: the migration fails where a row holds a value they refuse "
        "(it looks first, naming the row)"], narrowed.notices
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.CheckViolation) as failed:
            apply_files(conn, Layout(out).migrations()[1:], record=False)
        message = failed.value.diag.message_primary or ""
        assert message.startswith("column public.orders.l is retyped to orderline through text, which checks each value "
                                  "of domain public.qty ") and "the row of orders holding (b,2) fails: value for domain " \
            "qty violates check constraint \"qty_positive\"" in message, message
        assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old'").fetchone() == (0,)
        conn.execute("UPDATE orders SET l = ROW('b', 6) WHERE id = 2")
        apply_files(conn, Layout(out).migrations()[1:], record=False)
        assert conn.execute("SELECT id, (l).sku, (l).n FROM orders ORDER BY id").fetchall() == [
            (1, "a", 7), (2, "b", 6), (3, None, None)]
    assert check_drift(str(schema), db_url).differences == ()


RANGE_HELD = """domains:
  qty: {{type: integer{checks}}}
range_types:
  qrange: {{subtype: qty}}
tables:
  stock:
    columns:
      id: {{type: integer, primary_key: true}}
      r: qrange
"""


def test_a_check_given_to_a_domain_a_table_holds_in_a_range_moves_the_column_through_text(tmp_path, db_url):
    """Under a column of a range type over the domain Postgres refuses the validating ALTER DOMAIN too, and the range
    type cannot follow a domain created again: generate refused it. Now the column is moved to text, the ALTER DOMAIN
    runs in place and the column is moved back, range_in checking each bound against the new CHECK (compare.key_detours):
    a bound it refuses fails the migration naming the row; without it, written, applied, the range kept, no drift."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with psycopg.connect(db_url, autocommit=True) as conn:
        _built_under(conn, schema, out, RANGE_HELD, "INSERT INTO stock VALUES (1, '[1,5)'), (2, '[-1,3)'), (3, NULL)",
                     "stock.r")
        schema.write_text(RANGE_HELD.format(checks=", checks: {qty_positive: VALUE > 0}"), encoding="utf-8")
        assert generate(str(schema), out).status == "written"
        with pytest.raises(psycopg.errors.CheckViolation, match="column public.stock.r is retyped to qrange through "
                           "text, .* the row of stock holding \\[-1,3\\) fails"):
            apply_files(conn, Layout(out).migrations()[1:], record=False)
        conn.execute("DELETE FROM stock WHERE id = 2")
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT id, r::text FROM stock ORDER BY id").fetchall() == [(1, "[1,5)"), (3, None)]
    assert check_drift(str(schema), db_url).differences == ()


def test_a_check_given_to_a_domain_a_table_holds_in_a_range_a_generated_column_reads_is_refused(tmp_path, db_url):
    """The same, a generated column reading the range (which the column moved to text would leave without a type to
    read): refused, naming the domain, the range's column and the generated column; declared NOT VALID (which
    Postgres takes: no value is checked), it is written and applies."""
    text = RANGE_HELD + "      lo: {{type: integer, generated: lower(r)}}\n"
    message, out = _check_refused(tmp_path, db_url, text, "INSERT INTO stock VALUES (1, '[1,5)')", "stock.r")
    assert "domain public.qty: a CHECK or NOT NULL cannot be given to it while column public.stock.r is of a range " \
        "type over it" in message and "(generated column lo of its table reads column public.stock.r as of its type)" \
        in message, message
    _not_valid_applies(tmp_path, db_url, text, out).close()


def _not_valid_applies(tmp_path, db_url, text: str, out: str) -> psycopg.Connection:
    """`text`'s domain qty given its CHECK declared NOT VALID (which Postgres takes: no value is checked): written,
    applied, the CHECK not validated; an open connection to the database."""
    schema = tmp_path / "schema.yaml"
    schema.write_text(text.format(checks=", checks: {qty_positive: {expression: VALUE > 0, not_valid: true}}"),
                      encoding="utf-8")
    assert generate(str(schema), out, name="not_valid").status == "written"
    conn = psycopg.connect(db_url, autocommit=True)
    apply_files(conn, Layout(out).migrations())
    assert conn.execute("SELECT convalidated FROM pg_constraint WHERE conname = 'qty_positive'").fetchone() == (False,)
    return conn


KEY_HELD = ROW_HELD + """  stock:
    columns:
      id: integer
      n: qty
    partition_by: {{strategy: list, key: n}}
  stock_low:
    partition_of: {{parent: stock, bound: "FOR VALUES IN (1, 2, 3)"}}
"""


def test_a_check_given_to_a_domain_held_in_a_row_and_keying_a_partition_moves_its_holders_through_text(tmp_path,
                                                                                                   db_url):
    """Held in a composite value, the domain was created again under its columns, and a column of it in its table's
    partition key cannot follow (Postgres retypes no key column): generate refused it (probe53c, Promscale's
    hash-partitioned `_ps_trace.tag` on `tag_k`, which its `tag_pair` holds; NOT VALID then VALIDATE is refused alike).
    Now the holding column is moved to text, the ALTER DOMAIN runs in place (checking the key's column), and the column
    is moved back, its cast checking each value held inside (compare.key_detours): written, applied over the rows,
    every value kept, no drift; a row holding a value the CHECK refuses fails the migration naming it."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(KEY_HELD.format(checks=""), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    schema.write_text(KEY_HELD.format(checks=", checks: {qty_positive: VALUE > 0}"), encoding="utf-8")
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO orders VALUES (1, ROW('a', 2)::orderline), (2, ROW('b', -1)::orderline); "
                     "INSERT INTO stock VALUES (1, 2)")
        assert generate(str(schema), out).status == "written"
        with pytest.raises(psycopg.errors.CheckViolation, match="column public.orders.l is retyped to orderline "
                           "through text, .* the row of orders holding \\(b,-1\\) fails"):
            apply_files(conn, Layout(out).migrations()[1:], record=False)
        conn.execute("DELETE FROM orders WHERE id = 2")
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT (l).sku, (l).n FROM orders UNION ALL SELECT NULL, n FROM stock").fetchall() == [
            ("a", 2), (None, 2)]
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'orders'::regclass AND attname = 'l'").fetchone() == ("orderline",)
    assert check_drift(str(schema), db_url).differences == ()


def test_a_check_given_to_a_domain_keying_a_partition_held_in_a_row_a_policy_reads_is_refused(tmp_path, db_url):
    """The same, a policy reading the holding column's attribute (`(l).n`), under which Postgres refuses the column's
    retype to text (an index or a CHECK reading it is dropped and made again around it: the pair
    types-domain-check-given-under-a-composite-and-an-array-read-by-indexes-a-check-and-a-matview-while-a-column-of-it-keys-a-partition):
    still refused, naming the domain, the key's column, the policy and the column; declared NOT VALID (which Postgres
    takes: no value is checked), it is written and applies."""
    text = KEY_HELD.replace("      l: orderline\n", "      l: orderline\n    policies:\n      p: {{command: select, "
                            "using: (l).n > 0}}\n")
    message, out = _check_refused(tmp_path, db_url, text, "INSERT INTO orders VALUES (1, ROW('a', 2)::orderline); "
                                  "INSERT INTO stock VALUES (1, 2)", "orders.l")
    assert "domain public.qty: a CHECK or NOT NULL cannot be given to it while a column holds it in an array or a " \
        "composite value" in message and "column public.stock.n, in its table's partition key" in message and \
        "(policy p of its table reads column public.orders.l as of its type)" in message, message
    with _not_valid_applies(tmp_path, db_url, text, out) as conn:
        assert conn.execute("SELECT (l).n FROM orders UNION ALL SELECT n FROM stock").fetchall() == [(2,), (2,)]
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()


def test_a_column_made_a_domain_is_refused_only_over_a_narrower_type(tmp_path):
    """A column made a domain that checks nothing over a type as wide keeps every value (plan.hazards: to_base); one
    made a domain with a CHECK or NOT NULL over a type as wide keeps every value too, or the migration fails on a row
    (ALTER ... TYPE checks each value against them and refuses the whole statement): warned, not refused (it was); one
    over a narrower type may cut a value: refused."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    domains = """domains:
  plain: {type: text}
  over_plain: {type: plain}
  checked: {type: text, checks: {checked_len: "length(VALUE) < 5"}}
  required: {type: text, not_null: true}
  short: {type: "varchar(4)"}
"""
    table = "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    schema.write_text(domains + table + "".join(f"      {c}: text\n" for c in "abcde"), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    made = dict(zip("abcde", ["plain", "over_plain", "checked", "required", "short"]))
    schema.write_text(domains + table + "".join(f"      {c}: {d}\n" for c, d in made.items()), encoding="utf-8")
    refused = generate(str(schema), out)
    assert refused.status == "refused"
    assert [c for c in "abcde" if f"column {c} of public.t" in refused.message] == ["e"]
    written = generate(str(schema), out, allow_destructive=True)
    assert [n.split(": ")[2].split(",")[0] for n in written.notices if n.startswith("warning: ")] == [
        "column public.t.c is made checked", "column public.t.d is made required"], written.notices


REBASED = """extensions: [ltree]
domains:
  day: {{type: {day}}}
  tag: {{type: "{tag}"}}
  route: {{type: "{route}"}}
  stamp: {{type: {stamp}}}
tables:
  ev:
    columns:
      id: {{type: integer, primary_key: true}}
      d: {d}
      d2: {d2}
      t: {t}
      p: {p}
      s: stamp
"""


def test_a_domain_made_over_a_base_its_old_one_has_no_cast_to_asks_for_using(tmp_path, db_url):
    """date -> integer, text -> text[], ltree -> text[] under a domain's columns holding rows: the columns were
    retyped `USING CAST(CAST(d AS text) AS day)`, which fails on every row ('invalid input syntax for type integer:
    "2024-01-01"'); generate now refuses at the first column's line, naming the domains and every column of them, and
    writes nothing. With `using:` on each, the rows hold what the expressions compute (the oracle: those expressions
    over the old rows); date -> text (a text round trip reads every value) needs none."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = dict(day="date", tag="text", route="ltree", stamp="date", d="day", d2="day", t="tag", p="route")
    schema.write_text(REBASED.format(**old), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    usings = {"d": "(d - date '2024-01-01')", "d2": "extract(year from d2)::integer",
              "t": "string_to_array(t, ' ')", "p": "string_to_array(ltree2text(p), '.')"}
    rows = f"SELECT id, {', '.join(usings.values())}, s::text FROM ev ORDER BY id"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO ev VALUES (1, '2024-01-01', '2024-01-01', 'a b', 'x.y', '2024-02-03'), "
                     "(2, '2024-03-01', '1999-12-31', 'c', 'z', NULL), (3, NULL, NULL, NULL, NULL, NULL)")
        expected = conn.execute(rows).fetchall()
    new = dict(day="integer", tag="text[]", route="text[]", stamp="text")
    schema.write_text(REBASED.format(**new, d="day", d2="day", t="tag", p="route"), encoding="utf-8")
    with pytest.raises(SchemacError) as refused:
        generate(str(schema), out, allow_destructive=True)
    message = str(refused.value)
    assert "\n" not in message and len(Layout(out).migrations()) == 1, message
    for named in ("public.day", "public.tag", "public.route", "public.ev.d", "public.ev.d2", "public.ev.t", "public.ev.p",
                  "`using:`", "date -> integer", "text -> text[]", "ltree -> text[]"):
        assert named in message, (named, message)
    assert "stamp" not in message, message
    columns = {k: f'{{type: {v}, using: "{usings[k]}"}}' for k, v in (("d", "day"), ("d2", "day"), ("t", "tag"),
                                                                       ("p", "route"))}
    schema.write_text(REBASED.format(**new, **columns), encoding="utf-8")
    written = generate(str(schema), out, allow_destructive=True)
    assert written.status == "written", written.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT id, d, d2, t, p, s FROM ev ORDER BY id").fetchall() == expected == [
            (1, 0, 2024, ["a", "b"], ["x", "y"], "2024-02-03"), (2, 60, 1999, ["c"], ["z"], None),
            (3, None, None, None, None, None)]
        assert conn.execute("SELECT typname::text, format_type(typbasetype, NULL) FROM pg_type WHERE typtype = 'd' "
                            "AND typnamespace = 'public'::regnamespace ORDER BY 1").fetchall() == [
            ("day", "integer"), ("route", "text[]"), ("stamp", "text"), ("tag", "text[]")]


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_a_column_of_an_enum_made_again_moved_to_a_domain_over_it_with_using(major_db, tmp_path):
    """An enum made again (a value removed, the others reordered) whose column schema.yaml moves to a domain over the
    new enum with `using: e::dm`, beside a column of the enum it keeps and a column of a domain over the enum moved to
    text with `using:` naming the enum: the USING ran once the column held the enum set aside, 'cannot cast type
    mood__schemac_old to dm'. The user's expression reads the column as of the enum's new definition: it is retyped onto
    the new enum through text first. Judged on the rows' values (the USING's CASE applied), the columns' types
    (pg_attribute) and no type left aside."""
    schema, out = _made_with_rows(major_db, tmp_path, "enums: {mood: [d, \"it's\", ok]}\ndomains: {dold: {type: mood}}\n"
                                  "tables:\n  t: {columns: {id: {type: integer, primary_key: true}, e: mood, k: mood, "
                                  "w: dold}}\n", "INSERT INTO t VALUES (1, 'ok', 'ok', 'ok'), (2, 'it''s', 'it''s', "
                                  "'it''s'), (3, NULL, NULL, NULL)")
    schema.write_text("enums: {mood: [ok, \"it's\"]}\ndomains: {dm: {type: mood, checks: {dm_ck: \"VALUE <> 'ok'\"}}, "
                      "dold: {type: mood}}\ntables:\n  t: {columns: {id: {type: integer, primary_key: true}, "
                      "e: {type: dm, using: \"CASE WHEN e = 'ok'::mood THEN NULL ELSE e END::dm\"}, k: mood, "
                      "w: {type: text, using: \"CASE w::mood WHEN 'ok'::mood THEN 'fine' ELSE w::text END\"}}}\n", encoding="utf-8")
    result = generate(str(schema), out, allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT id, e::text, k::text, w FROM t ORDER BY id").fetchall() == [
            (1, None, "ok", "fine"), (2, "it's", "it's", "it's"), (3, None, None, None)], result.sql
        assert conn.execute("SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'t'::regclass AND attnum > 0 ORDER BY attnum").fetchall() == [
            ("id", "integer"), ("e", "dm"), ("k", "mood"), ("w", "text")]
        assert conn.execute("SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum").fetchone()[0] == \
            ["ok", "it's"]
        assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old%'").fetchone()[0] == 0


BARE_NULLS = """domains:
  a1: {{type: "varchar(10)", default: {a1}}}
  a2: {{type: "numeric(5,2)", default: "null"}}
  a5: {{type: text, default: "'x'::text"}}
  a4: {{type: a5, default: "NULL"}}
tables:
  t:
    columns:
      id: integer
      x: a1
"""


def test_a_bare_null_default_written_by_hand_on_a_domain_is_none_where_default_null_would_store_one(tmp_path, db_url):
    """schema.yaml's bare NULL as a domain's default is no default (compare.normalize.bare_null_stored), but CREATE
    DOMAIN ... DEFAULT NULL over varchar(10) or numeric(5,2) stores one (typdefault NULL::character varying), and over
    a domain left the base's copied: diff found drift right after the migration that made them. Now left out (and
    the copy dropped); a stored NULL cast given and taken back (DROP DEFAULT); no drift, no default but the one
    asked for."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    stored = "SELECT typname::text, typdefault FROM pg_type WHERE typname IN ('a1', 'a2', 'a4') ORDER BY 1"
    for a1, expected in (('"NULL"', None), ('"NULL::character varying"', "NULL::character varying"), ('"NULL"', None)):
        schema.write_text(BARE_NULLS.format(a1=a1), encoding="utf-8")
        assert generate(str(schema), out).status == "written"
        with psycopg.connect(db_url, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations()[-1:])
            assert conn.execute(stored).fetchall() == [("a1", expected), ("a2", None), ("a4", None)]
        assert check_drift(str(schema), db_url).differences == ()


RANGE_OVER_ROW = """domains:
  qty: {{type: integer{checks}}}
composite_types:
  pt:
    attributes: {{x: integer, n: qty}}
range_types:
  ptrange: {{subtype: pt}}
tables:
  spans:
    columns:
      id: {{type: integer, primary_key: true}}
      r: ptrange
    checks:
      r_bounded: NOT isempty(r)
"""


def test_a_check_given_to_a_domain_held_inside_a_range_read_by_a_check_makes_the_check_again(tmp_path, db_url):
    """The domain held only inside a range's bounds (a range over a composite holding it) is altered in place, which
    Postgres refuses; its column is moved to text and back around the ALTER (compare.key_detours: the pair
    types-domain-check-given-under-a-composite-under-a-range-under-a-domain-a-composite-holds), and a CHECK reading
    it as a range (`NOT isempty(r)`, which text cannot stand under) is dropped before and made again after
    (compare.detour_readers; generate refused it): written, applied, the CHECK there and validated, no drift."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(RANGE_OVER_ROW.format(checks=""), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO spans VALUES (1, ptrange(ROW(1, 2)::pt, ROW(3, 4)::pt))")
        schema.write_text(RANGE_OVER_ROW.format(checks=", checks: {qty_positive: VALUE > 0}"), encoding="utf-8")
        written = generate(str(schema), out)
        assert written.status == "written", written.message
        assert "DROP CONSTRAINT r_bounded" in written.sql and "ADD CONSTRAINT r_bounded" in written.sql, written.sql
        apply_files(conn, Layout(out).migrations()[1:])
        assert conn.execute("SELECT r::text FROM spans").fetchall() == [('["(1,2)","(3,4)")',)]
        assert conn.execute("SELECT convalidated FROM pg_constraint WHERE conname = 'r_bounded'").fetchone() == (True,)
    assert check_drift(str(schema), db_url).differences == ()
