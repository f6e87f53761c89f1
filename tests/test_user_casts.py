"""User-defined casts (CREATE CAST) on a real server: a hand-written schema.yaml spelling types loosely (int4,
varchar(10), public.pair, TEXT) generated and applied, each way of converting (a function, WITHOUT FUNCTION,
WITH INOUT) in each context; inspect's YAML; drift of each kind. The oracle is SQL over pg_cast joined with
pg_type and pg_proc, and what `SELECT value::source::target` returns. Changes over rows: tests/fixtures/kinds/casts.sql."""

from __future__ import annotations

import psycopg
import pytest

from conftest import MAJORS
from test_aggregates import _one, _step
from schemac.commands.diff import check_drift
from schemac.compare.casts import diff_casts
from schemac.model.frozen import replace
from schemac.model.references import as_read
from schemac.schemafile.load import load_text

SCHEMA = """\
composite_types:
  pair: {attributes: {a: int4, b: int4}}
enums:
  mood: {values: [sad, ok, happy]}
functions:
  pair_text: {arguments: "p pair", returns: text, volatility: immutable, body: "SELECT p.a || ':' || p.b"}
  text_pair:
    arguments: "s varchar(20)"
    returns: pair
    volatility: immutable
    body: "SELECT ROW(split_part(s, ':', 1)::int, split_part(s, ':', 2)::int)::pair"
casts:
  - {source: public.pair, target: TEXT, function: 'public.pair_text(public.pair)', context: implicit, comment: 'a:b'}
  - {source: varchar, target: pair, function: 'text_pair(varchar)', context: Assignment}
  - {source: date, target: int4, without_function: true}
  - {source: varchar(10), target: mood, inout: true, context: implicit}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      p: pair
      m: mood
"""

# pg_cast with its types and function, as Postgres names them (the tests' own reading, not schemac's)
CASTS = """
SELECT st.typname::text, tt.typname::text, coalesce(p.proname::text, '-'), c.castcontext::text, c.castmethod::text,
       obj_description(c.oid, 'pg_cast')
FROM pg_cast c JOIN pg_type st ON st.oid = c.castsource JOIN pg_type tt ON tt.oid = c.casttarget
LEFT JOIN pg_proc p ON p.oid = c.castfunc
WHERE c.oid >= 16384
"""


def _casts(url: str) -> set[tuple]:
    with psycopg.connect(url) as conn:
        return {tuple(r) for r in conn.execute(CASTS).fetchall()}


def _round_trip(url: str, tmp_path, schemac) -> None:
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, url, SCHEMA)
    assert _casts(url) == {("pair", "text", "pair_text", "i", "f", "a:b"), ("varchar", "pair", "text_pair", "a", "f", None),
                           ("date", "int4", "-", "e", "b", None), ("varchar", "mood", "-", "i", "i", None)}
    assert _one(url, "SELECT ROW(1, 2)::pair::text, ('3:4'::varchar::pair).b, '2000-01-02'::date::integer, "
                     "'ok'::varchar::mood::text") == ("1:2", 4, 1, "ok")
    with psycopg.connect(url, autocommit=True) as conn:  # assignment: an INSERT converts varchar to pair
        conn.execute("INSERT INTO t (id, p) VALUES (1, '5:6'::varchar)")
    assert _one(url, "SELECT (p).b FROM t") == (6,)
    r = schemac("inspect", "--database-url", url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    written = (tmp_path / "inspected.yaml").read_text()
    assert "\ncasts:\n" in written and "\n  - {source: date, target: integer, without_function: true}\n" in written
    assert "cast (" not in written  # none listed as not managed
    again = schemac("inspect", "--database-url", url, "--output", "again.yaml")
    assert again.returncode == 0 and (tmp_path / "again.yaml").read_text() == written
    d = schemac("diff", "--database-url", url, "--schema", "inspected.yaml", "--out", "nowhere")
    assert d.returncode == 0, d.stdout + d.stderr
    # inspect's casts are the written ones: the same as compare takes them (a hand-written public.pair_text(pair),
    # kept as written, is the bare pair_text(pair) read: no pg_catalog function hides it), and nothing to change
    inspected, hand = load_text(written), load_text(SCHEMA)
    assert ("pair", "text", "public.pair_text(pair)") in {(c.source_type, c.target_type, c.function) for c in hand.casts}
    assert "function: pair_text(pair)" in written, written
    read = {c.identity: c for c in inspected.casts}
    assert read == {c.identity: replace(c, function=as_read(c.function, read[c.identity].function)) for c in hand.casts}
    assert diff_casts(inspected, hand, []) == []


# 18 by default, every major under -m slow
@pytest.mark.parametrize("any_db_url", [pytest.param(m, marks=() if m == "pg18" else pytest.mark.slow) for m in MAJORS],
                         indirect=True)
def test_round_trip_with_rows_and_inspect(any_db_url, tmp_path, schemac):
    _round_trip(any_db_url, tmp_path, schemac)


def test_drift_of_each_kind(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, SCHEMA)
    drifted = SCHEMA.replace("context: Assignment", "context: implicit") \
        .replace("  - {source: date, target: int4, without_function: true}\n", "") \
        .replace("comment: 'a:b'", "comment: 'a-b'") \
        .replace("casts:\n", "casts:\n  - {source: text, target: mood, inout: true}\n")
    schema.write_text(drifted)
    found = {(d.kind, d.name, d.expected, d.actual) for d in check_drift(str(schema), db_url, out_dir=out).differences}
    assert found == {
        ("missing_cast", "(text AS mood)", "CAST (text AS mood) WITH INOUT", None),
        ("unexpected_cast", "(date AS integer)", None, "CAST (date AS integer) WITHOUT FUNCTION"),
        ("cast_changed", "(character varying AS pair)",
         "CAST (character varying AS pair) WITH FUNCTION text_pair(character varying) AS IMPLICIT",
         "CAST (character varying AS pair) WITH FUNCTION text_pair(character varying) AS ASSIGNMENT"),
        ("comment_changed", "(pair AS text)", "a-b", "a:b")}, found
