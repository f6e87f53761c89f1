"""A column of one of Postgres's range or multirange types (or an array of them) retyped to another over another
subtype, over rows: pg_cast has no cast between two range types ('cannot cast type tsrange to tstzrange').

Before, `generate` refused every such retype ('add `using:`'), even where each value's text reads as the new
type's (int4range -> int8range, tsrange -> tstzrange), and `diff --sql` wrote `USING CAST(r AS TSTZRANGE)`, a script
Postgres refused at its first statement. Now both write `c::text::new` where the subtypes' texts agree
(pg.range_casts), a range rebuilt from its bounds where they do not but the subtypes cast (numrange -> int4range
rounds, as numeric -> integer does; a multirange's ranges and an array's each so, by a function the migration makes in
pg_temp: fix48c), and both refuse, in one message naming `using:`, where neither can be written (int4range ->
daterange, datemultirange -> int4multirange: no cast from date to integer).

Oracle: each row's new value computed here, in Python, from the old one read before (the subtypes' own conversions:
a timestamp as UTC's instant, a date as midnight, a numeric rounded half away from zero, each integer and date range
made canonical as Postgres makes it, `[)`), compared with what the migration stored, read back; the migration
applied under another zone and DateStyle than the read's (the file pins them: plan.session_pin).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import psycopg
from psycopg.types.range import Range
from psycopg.types.multirange import Multirange

FROM = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      a: tsrange
      b: daterange
      c: int4range
      d: int4multirange
      e: "int4range[]"
      f: numrange
      g: tstzrange
      h: tsmultirange
      i: nummultirange
      j: "numrange[]"
"""
TO = FROM.replace("a: tsrange", "a: tstzrange").replace("b: daterange", "b: tsrange") \
    .replace("c: int4range", "c: int8range").replace("d: int4multirange", "d: int8multirange") \
    .replace('"int4range[]"', '"int8range[]"').replace("f: numrange", "f: int4range") \
    .replace("g: tstzrange", "g: daterange").replace("h: tsmultirange", "h: tstzmultirange") \
    .replace("i: nummultirange", "i: int4multirange").replace('"numrange[]"', '"int8range[]"')
ROWS = """INSERT INTO t VALUES
  (1, '[2024-03-01 10:00,2024-03-02 11:00)', '[2024-03-01,2024-03-05)', '[1,5)', '{[1,2),[4,5)}', '{"[1,2)","[3,7]"}',
      '[1.5,2.5)', '[2024-03-01 10:00+00,2024-03-05 23:00+00)', '{[2024-03-01 10:00,2024-03-01 11:00),[2024-03-02,)}',
      '{[1.5,2.5),[2.5,3.5),(5.2,7.7]}', '{"[1.5,2.5)",NULL,empty,"(-2.5,-0.4]"}'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 'empty', 'empty', 'empty', '{}', '{empty,NULL}', 'empty', 'empty', '{}', '{}', '{}'),
  (4, '(,2024-01-01 00:30]', '(2024-01-01,]', '(,3]', '{(,3],[10,)}', '{"(,)"}', '(-2.5,3.2]',
      '(2024-01-01 01:00+00,2024-01-01 02:00+00)', '{(,2024-01-01 00:30]}', '{(,3.2],[9.5,)}', '{{"(,)","[1,2]"}}'),
  (5, '[2024-06-30 23:59:59.5,2024-07-01 00:00]', '[2024-02-28,2024-02-28]', '(4,5]', '{[-3,-1]}', '{}',
      '(1.2,1.4)', '[2024-12-31 23:00+00,2025-01-01 00:00+00]', '{}', '{[1.2,1.4)}', '[0:1]={"(0.5,0.6]",NULL}')"""
# (a session the read's are not: the file's SET LOCALs must hold, or a timestamp becomes Tokyo's instant)
ELSEWHERE = {"PGTZ": "Asia/Tokyo", "PGDATESTYLE": "SQL, DMY"}


def _canonical(r: Range, step) -> Range:
    """`r` as Postgres stores a discrete range: `[)` bounds, empty where nothing is left."""
    if r.isempty:
        return r
    lower, upper = r.lower, r.upper
    if lower is not None and not r.lower_inc:
        lower += step
    if upper is not None and r.upper_inc:
        upper += step
    if lower is not None and upper is not None and lower >= upper:
        return Range(empty=True)
    return Range(lower, upper, ("[" if lower is not None else "(") + (")"))


def _mapped(r, each, step=None):
    """`r` (a Range, Multirange, list of them or None) with each bound converted by `each`, made canonical by `step`."""
    if r is None:
        return None
    if isinstance(r, list):
        return [_mapped(x, each, step) for x in r]
    if isinstance(r, Multirange):
        return Multirange(_merged([_mapped(x, each, step) for x in r]))
    if r.isempty:
        return r
    out = Range(None if r.lower is None else each(r.lower), None if r.upper is None else each(r.upper), r.bounds)
    return _canonical(out, step) if step is not None else out


def _merged(ranges: list) -> list:
    """`ranges` (canonical, `[)`, in order) as a multirange holds them: the empty ones left out, those that meet once
    rounded ([2,3) and [3,4): [2,4)) made one."""
    out: list = []
    for r in (x for x in ranges if not x.isempty):
        last = out[-1] if out else None
        if last is not None and (last.upper is None or r.lower is None or r.lower <= last.upper):
            upper = None if last.upper is None or r.upper is None else max(last.upper, r.upper)
            out[-1] = Range(last.lower, upper, last.bounds[0] + ")")
        else:
            out.append(r)
    return out


def _utc(ts: dt.datetime) -> dt.datetime:
    return ts.replace(tzinfo=dt.timezone.utc)


CONVERSIONS = {  # column: (each bound's conversion, the new type's step where it is discrete)
    "a": (_utc, None), "b": (lambda d: dt.datetime.combine(d, dt.time()), None), "c": (int, 1), "d": (int, 1),
    "e": (int, 1), "f": (lambda n: int(n.quantize(Decimal(1), ROUND_HALF_UP)), 1),
    "g": (lambda ts: ts.astimezone(dt.timezone.utc).date(), dt.timedelta(days=1)), "h": (_utc, None),
    "i": (lambda n: int(n.quantize(Decimal(1), ROUND_HALF_UP)), 1), "j": (lambda n: int(n.quantize(Decimal(1), ROUND_HALF_UP)), 1),
}


def _read(url: str) -> list[tuple]:
    """Each row's values, and the dimensions and bounds of its arrays (an array of ranges rebuilt keeps its shape)."""
    with psycopg.connect(url, options="-c TimeZone=UTC") as conn:
        return conn.execute(f"SELECT id, {', '.join(CONVERSIONS)}, array_dims(e), array_dims(j) FROM t ORDER BY id").fetchall()


def _expected(before: list[tuple]) -> list[tuple]:
    return [(row[0], *(_mapped(v, *CONVERSIONS[k]) for k, v in zip(CONVERSIONS, row[1:])), *row[-2:]) for row in before]


def _made(url: str, tmp_path, schemac) -> list[tuple]:
    (tmp_path / "schema.yaml").write_text(FROM, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", url).returncode == 0
    with psycopg.connect(url) as conn:
        conn.execute(ROWS)
    (tmp_path / "schema.yaml").write_text(TO, encoding="utf-8")
    return _read(url)


def test_ranges_retyped_over_rows_keep_each_value_as_its_bounds_convert(any_db_url, tmp_path, schemac):
    """`generate` refused every one of these ('PostgreSQL has no cast from tsrange to tstzrange; add `using:`'); the
    migration now applies, under Asia/Tokyo and SQL, DMY, and each row holds its bounds converted."""
    before = _made(any_db_url, tmp_path, schemac)
    made = schemac("generate", "--name", "ranges", "--no-verify", "--allow-destructive")
    assert made.returncode == 0, made.stdout + made.stderr
    applied = schemac("apply", "--database-url", any_db_url, env=ELSEWHERE)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert _read(any_db_url) == _expected(before)
    assert schemac("diff", "--database-url", any_db_url).returncode == 0


def test_diff_sql_writes_the_range_retypes_generate_writes(db_url, tmp_path, schemac):
    """`diff --sql` wrote `USING CAST(a AS TSTZRANGE)`, which Postgres refused ('cannot cast type tsrange to
    tstzrange'); its script now applies (as `psql -f` runs it, in another zone) and converts each row as `generate`'s
    migration does."""
    before = _made(db_url, tmp_path, schemac)
    fix = schemac("diff", "--database-url", db_url, "--sql")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    with psycopg.connect(db_url, options="-c TimeZone=Asia/Tokyo -c DateStyle=SQL,DMY", autocommit=True) as conn:
        conn.execute(fix.stdout)
    assert _read(db_url) == _expected(before)
    assert schemac("diff", "--database-url", db_url).returncode == 0


NO_WAY = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      r: int4range
      m: datemultirange
"""
NO_WAY_TO = NO_WAY.replace("r: int4range", "r: daterange").replace("m: datemultirange", "m: int4multirange")
GIVEN = NO_WAY_TO.replace("r: daterange", """r: {type: daterange, using: "daterange(DATE '2024-01-01' + lower(r), \
DATE '2024-01-01' + upper(r))"}""").replace("m: int4multirange", 'm: {type: int4multirange, using: "NULL"}')


def test_a_range_retype_no_cast_can_write_is_refused_by_generate_and_diff_sql_alike(db_url, tmp_path, schemac):
    """int4range -> daterange (no cast from integer to date) and datemultirange -> int4multirange (none from date to
    integer; a nummultirange is made an int4multirange from its bounds now): `generate` refuses, naming `using:`;
    `diff --sql` printed `USING CAST(r AS DATERANGE)` and now refuses alike (exit 2, no script). With `using:`
    given, both write it, and the rows hold what it computes."""
    (tmp_path / "schema.yaml").write_text(NO_WAY, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", db_url).returncode == 0
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO t VALUES (1, '[1,5)', '{[2024-01-01,2024-01-03)}')")
    (tmp_path / "schema.yaml").write_text(NO_WAY_TO, encoding="utf-8")
    made = schemac("generate", "--name", "no_way", "--no-verify", "--allow-destructive")
    fix = schemac("diff", "--database-url", db_url, "--sql")
    for r in (made, fix):
        assert r.returncode == 2 and r.stdout == "", r.stdout + r.stderr
        assert "no cast from int4range to daterange (ranges over integer and date: integer has no cast to date); add " \
               "`using:`" in r.stderr, r.stderr
        assert "also" in r.stderr and "(datemultirange -> int4multirange)" in r.stderr, r.stderr
    assert "Drift: 2 difference(s) in 1 table(s)" in fix.stderr, fix.stderr  # (the report, on stderr, first)
    (tmp_path / "schema.yaml").write_text(GIVEN, encoding="utf-8")
    fix = schemac("diff", "--database-url", db_url, "--sql")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(fix.stdout)
        assert conn.execute("SELECT r::text, m FROM t").fetchone() == ("[2024-01-02,2024-01-06)", None)
