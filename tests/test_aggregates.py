"""User-defined aggregates on a real server: a round trip with rows the aggregates run over (and a view
reading one, which now gets its deparse), each change applied over rows (added, changed in place,
changed with another result type under a view, its support function re-created, commented, dropped),
inspect's YAML, what stays unmanaged, and the loader's errors. The oracle is SQL over pg_aggregate."""

from __future__ import annotations

import re

import psycopg
import psycopg.conninfo
import pytest

from catalog_oracle import QUERIES, fingerprint
from conftest import MAJORS
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text

FUNCTIONS = """\
functions:
  _concat:
    arguments: "a text, b text"
    returns: text
    volatility: immutable
    body: SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE a || ', ' || b END
  _shout:
    arguments: "s text, unused text"
    returns: text
    volatility: immutable
    body: SELECT upper(s) || '!'
"""
AGGREGATES = """\
aggregates:
  group_concat: {arguments: text, sfunc: _concat, stype: text, comment: joined with commas}
  isum:
    arguments: integer
    sfunc: int4pl
    stype: integer
    initcond: '0'
    msfunc: int4pl
    minvfunc: int4mi
    mstype: integer
    minitcond: '0'
    parallel: safe
  greatest_of:
    schema: util
    arguments: integer
    sfunc: int4larger
    stype: integer
    combinefunc: int4larger
    sortop: '>'
  rows_seen: {arguments: '*', sfunc: int8inc, stype: bigint, initcond: '0'}
  shout:
    arguments: text
    sfunc: _concat
    stype: text
    finalfunc: _shout
    finalfunc_extra: true
    finalfunc_modify: read_write
    sspace: 64
"""
TABLES = """\
schemas: [util]
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      name: {type: text}
      n: {type: integer}
views:
  names:
    query: SELECT group_concat(name ORDER BY name) AS names, isum(n) AS total FROM t
"""
SCHEMA = FUNCTIONS + AGGREGATES + TABLES
ORACLE = QUERIES["aggregates"]


def _step(schema, out: str, url: str, text: str) -> str:
    """schema.yaml becomes `text`; the migration is generated and applied; drift is clean. Its SQL."""
    schema.write_text(text)
    # views are built in a scratch database of the same major (15 deparses `t.name` where 16+ write `name`)
    result = generate(str(schema), out, dev_url=psycopg.conninfo.make_conninfo(url, dbname="postgres"))
    assert result.status == "written", result.message
    # every view built from schema.yaml alone (the note of the rights the migration needs aside: plan.rights)
    assert not [n for n in result.notices if not n.startswith("note: ")], result.notices
    apply_all(url, out)
    drift = check_drift(str(schema), url, out_dir=out)
    assert drift.differences == (), drift.render("text")
    return re.sub(r"^-- note: .*\n", "", result.sql, flags=re.M)  # (the header's note names statements too)


def _one(url: str, sql: str):
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()


def _aggregates(url: str) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in fingerprint(url)["aggregates"]}


def _round_trip(url: str, tmp_path, schemac) -> None:
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, url, SCHEMA)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO t SELECT i, 'n' || i, i FROM generate_series(1, 4) i")
    found = _aggregates(url)
    assert set(found) == {"group_concat(text)", "isum(integer)", "util.greatest_of(integer)", "rows_seen()",
                          "shout(text)"}
    assert found["isum(integer)"][:15] == ("n", "int4pl(integer,integer)", "-", "-", "-", "-",
                                           "int4pl(integer,integer)", "int4mi(integer,integer)", "-", "0",
                                           "integer", "integer", "0", "0", "s")
    assert found["util.greatest_of(integer)"][9] == ">(integer,integer)"
    assert found["shout(text)"][2] == "_shout(text,text)" and _one(
        url, "SELECT aggfinalextra, aggfinalmodify::text, aggtransspace FROM pg_aggregate "
             "WHERE aggfnoid = 'shout(text)'::regprocedure") == (True, "w", 64)
    assert found["group_concat(text)"][-1] == "joined with commas"
    assert _one(url, "SELECT names, total FROM names") == ("n1, n2, n3, n4", 10)
    assert _one(url, "SELECT shout(name ORDER BY id) FROM t") == ("N1, N2, N3, N4!",)
    assert _one(url, "SELECT util.greatest_of(n), rows_seen(*), isum(n) OVER (ORDER BY id ROWS 1 PRECEDING) "
                     "FROM t GROUP BY n, id ORDER BY id DESC LIMIT 1") == (4, 1, 7)
    # The view was built with the aggregate in the throwaway database: its deparse is recorded.
    state = (tmp_path / "generated" / "state.json").read_text()
    assert "group_concat(t.name ORDER BY t.name)" in state or "group_concat(name ORDER BY name)" in state
    # inspect writes them back; that schema.yaml diffs clean and generates nothing more
    r = schemac("inspect", "--database-url", url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    written = (tmp_path / "inspected.yaml").read_text()
    assert "aggregates:\n" in written and "rows_seen: {arguments: '*', sfunc: int8inc" in written
    assert "aggregate (" not in written  # none listed as not managed
    d = schemac("diff", "--database-url", url, "--schema", "inspected.yaml", "--out", "nowhere")
    assert d.returncode == 0, d.stdout + d.stderr
    assert set(load_text(written).aggregates) == set(load_text(SCHEMA).aggregates)


def test_round_trip_with_rows_and_inspect(db_url, tmp_path, schemac):
    _round_trip(db_url, tmp_path, schemac)


@pytest.mark.slow
@pytest.mark.parametrize("any_db_url", MAJORS, indirect=True)
def test_round_trip_on_every_major(any_db_url, tmp_path, schemac):
    _round_trip(any_db_url, tmp_path, schemac)


def _changes(url: str, tmp_path) -> None:
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, url, SCHEMA)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO t SELECT i, 'n' || i, i FROM generate_series(1, 4) i")
    oid = _one(url, "SELECT 'isum(integer)'::regprocedure::oid")[0]

    # In place: another initial condition, a comment (CREATE OR REPLACE keeps the aggregate and the view).
    text = SCHEMA.replace("initcond: '0'\n    msfunc", "initcond: '100'\n    msfunc").replace(
        "parallel: safe", "parallel: safe\n    comment: a sum")
    sql = _step(schema, out, url, text)
    assert "CREATE OR REPLACE AGGREGATE isum(INT)" in sql and "DROP VIEW" not in sql, sql
    assert _one(url, "SELECT 'isum(integer)'::regprocedure::oid")[0] == oid
    assert _one(url, "SELECT total FROM names") == (110,)
    assert _aggregates(url)["isum(integer)"][-1] == "a sum"

    # Another result type (the state type): dropped and created again, the view around it, the comment back.
    text = text.replace("stype: integer\n    initcond: '100'", "stype: bigint\n    initcond: '100'").replace(
        "sfunc: int4pl", "sfunc: int84pl").replace("msfunc: int4pl", "msfunc: int84pl").replace(
        "minvfunc: int4mi", "minvfunc: int84mi").replace("mstype: integer", "mstype: bigint")
    sql = _step(schema, out, url, text)
    order = [sql.index(s) for s in ("DROP VIEW", "DROP AGGREGATE IF EXISTS isum(INT)", "CREATE AGGREGATE isum(INT)",
                                    "CREATE VIEW")]
    assert order == sorted(order), sql
    assert _one(url, "SELECT total, pg_typeof(total)::text FROM names") == (110, "bigint")
    assert _aggregates(url)["isum(integer)"][-1] == "a sum"

    # Its support function re-created (a parameter renamed): the aggregate and the view go around it.
    text = text.replace('"a text, b text"', '"x text, y text"').replace(
        "WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE a || ', ' || b", "WHEN x IS NULL THEN y WHEN y IS NULL "
        "THEN x ELSE x || ', ' || y")
    sql = _step(schema, out, url, text)
    order = [sql.index(s) for s in ("DROP VIEW", "DROP AGGREGATE IF EXISTS group_concat(TEXT)", "DROP FUNCTION",
                                    "CREATE FUNCTION", "CREATE AGGREGATE group_concat(TEXT)", "CREATE VIEW")]
    assert order == sorted(order), sql
    assert _one(url, "SELECT names FROM names") == ("n1, n2, n3, n4",)
    assert _aggregates(url)["group_concat(text)"][-1] == "joined with commas"

    # Added and dropped: the view stops reading isum first.
    text = text.replace(", isum(n) AS total", "").replace("  rows_seen:", "  rows_seen2:")
    sql = _step(schema, out, url, text)
    assert "CREATE AGGREGATE rows_seen2(*)" in sql and "DROP AGGREGATE IF EXISTS rows_seen(*)" in sql
    assert set(_aggregates(url)) == {"group_concat(text)", "isum(integer)", "util.greatest_of(integer)",
                                     "rows_seen2()", "shout(text)"}
    text = text.replace(text[text.index("  isum:"):text.index("  greatest_of:")], "")
    sql = _step(schema, out, url, text)
    assert "DROP AGGREGATE IF EXISTS isum(INT)" in sql and "isum" not in str(_aggregates(url))


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[1] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_changes_over_rows(major_db, tmp_path):
    _changes(major_db, tmp_path)


def test_drift_and_what_stays_unmanaged(db_url, tmp_path, schemac):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, SCHEMA)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE OR REPLACE AGGREGATE isum(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '5', "
                     "MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = integer, MINITCOND = '0', PARALLEL = SAFE)")
        conn.execute("CREATE AGGREGATE isum(bigint) (SFUNC = int8pl, STYPE = bigint)")
        conn.execute("COMMENT ON AGGREGATE group_concat(text) IS 'other'")
        # Ordered-set aggregates are managed too (they were listed as not managed).
        conn.execute("CREATE AGGREGATE my_pct(float8 ORDER BY float8) (SFUNC = ordered_set_transition, "
                     "STYPE = internal, FINALFUNC = percentile_cont_float8_final)")
    drift = check_drift(str(schema), db_url)
    found = {(d.kind, d.name) for d in drift.differences}
    assert found == {("aggregate_changed", "isum(integer)"), ("unexpected_aggregate", "isum(bigint)"),
                     ("comment_changed", "group_concat(text)"),
                     ("unexpected_aggregate", "my_pct(double precision, double precision)")}, drift.render("text")
    text = schemac("diff", "--database-url", db_url, "--schema", "schema.yaml").stdout
    assert "my_pct" in text and "INITCOND = '5'" in text


@pytest.mark.parametrize("text, message", [
    ("aggregates:\n  a: {arguments: text, stype: text}\n", "needs the key 'sfunc'"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text, sortop: 'drop table'}\n", "must be an operator name"),
    ("aggregates:\n  a: {arguments: 'text ORDER BY', sfunc: f, stype: text}\n", "ORDER BY needs the aggregated"),
    ("aggregates:\n  a: {arguments: 'int ORDER BY int ORDER BY int', sfunc: f, stype: text}\n", "ORDER BY only once"),
    ("aggregates:\n  a: {arguments: 'VARIADIC \"any\" ORDER BY int', sfunc: f, stype: text}\n",
     "a VARIADIC direct input goes with the same VARIADIC aggregated one alone"),
    ("aggregates:\n  a: {arguments: 'VARIADIC int[], int ORDER BY int', sfunc: f, stype: text}\n",
     "only the last one can be VARIADIC"),
    ("aggregates:\n  a: {arguments: int, sfunc: f, stype: text, hypothetical: true}\n", "hypothetical needs ORDER BY"),
    ("aggregates:\n  a: {arguments: 'VARIADIC text[], text', sfunc: f, stype: text}\n", "only the last one can be VARIADIC"),
    ("aggregates:\n  a: {arguments: 'OUT text', sfunc: f, stype: text}\n", "only input types"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text, msfunc: g}\n", "go together"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text, mfinalfunc: g}\n", "needs msfunc"),
    ("aggregates:\n  a: {arguments: text, sfunc: 'a.b.c', stype: text}\n", "must be a name or schema.name"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text, parallel: maybe}\n", "must be one of"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text, finalfunc_extra: true}\n", "needs finalfunc"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text, sspace: -1}\n", "must be a positive integer"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text, initial: x}\n", "initial"),
    ("aggregates:\n  a: {arguments: text, sfunc: f, stype: text}\n  b: {name: a, arguments: text, sfunc: f, "
     "stype: text}\n", "declared twice"),
])
def test_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert message in str(e.value) and str(e.value).startswith(("schema.yaml:2:", "schema.yaml:3:")), str(e.value)


@pytest.mark.parametrize("text, types, variadic, direct", [
    ("double precision ORDER BY double precision", ("double precision", "double precision"), False, 1),
    ('VARIADIC "any" ORDER BY VARIADIC "any"', ('"any"',), True, 1),
    ("ORDER BY anyelement", ("anyelement",), False, 0),
    ('double precision ORDER BY VARIADIC "any"', ("double precision", '"any"'), True, 1),
    ("text, VARIADIC integer[]", ("text", "integer[]"), True, None),
])
def test_ordered_set_arguments_read_and_written_back(text, types, variadic, direct):
    """`arguments` as pg_get_function_arguments writes them: the input types (proargtypes), VARIADIC, how many are
    direct (aggnumdirectargs: VARIADIC on both sides of ORDER BY is one input), and back to the same text."""
    a = load_text(f"aggregates:\n  a: {{arguments: '{text}', sfunc: f, stype: internal}}\n").aggregates[0]
    assert (a.arguments, a.variadic, a.direct) == (types, variadic, direct)
    assert a.declared_arguments() == text


def test_an_enum_created_again_under_an_aggregate_and_its_view(db_url, tmp_path):
    """An array_agg-like aggregate over an enum whose values are reordered (the enum is set aside and created
    again): the view and the aggregate are dropped before the old type goes and created over the new one."""
    text = """\
enums:
  mood: {values: [sad, ok, happy]}
aggregates:
  moods: {arguments: mood, sfunc: array_append, stype: 'mood[]', initcond: '{}', comment: every mood}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      m: {type: mood}
views:
  all_moods:
    query: SELECT moods(m ORDER BY m) AS moods FROM t
"""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, text)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 'happy'), (2, 'sad'), (3, 'ok')")
    assert _one(db_url, "SELECT moods::text FROM all_moods") == ("{sad,ok,happy}",)
    sql = _step(schema, out, db_url, text.replace("[sad, ok, happy]", "[happy, sad, ok]"))
    order = [sql.index(s) for s in ("DROP VIEW", "DROP AGGREGATE IF EXISTS moods(mood)", "ALTER TYPE mood RENAME",
                                    "CREATE AGGREGATE moods(mood)", "DROP TYPE IF EXISTS mood__schemac_old",
                                    "CREATE VIEW")]
    assert order == sorted(order), sql
    assert _one(db_url, "SELECT moods::text FROM all_moods") == ("{happy,sad,ok}",)
    assert _aggregates(db_url)["moods(mood)"][-1] == "every mood"


NAMED = """
CREATE FUNCTION least_accum(anyelement, VARIADIC anyarray) RETURNS anyelement LANGUAGE sql IMMUTABLE
  AS 'SELECT least($1, min($2[i])) FROM generate_subscripts($2, 1) g(i)';
CREATE AGGREGATE least_agg(VARIADIC items anyarray) (STYPE = anyelement, SFUNC = least_accum);
CREATE FUNCTION sum3(int, int, int) RETURNS int LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1 + $2 + $3';
CREATE AGGREGATE half_named(int, "Weird Name" int) (STYPE = int, SFUNC = sum3, INITCOND = '0');
CREATE AGGREGATE sum2(int, int) (STYPE = int, SFUNC = sum3, INITCOND = '0');
CREATE AGGREGATE pct(fraction float8 ORDER BY value anyelement) (STYPE = internal, SFUNC = ordered_set_transition,
  FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);
"""
ARGUMENTS = """SELECT p.oid::regprocedure::text, p.proargnames, pg_get_function_arguments(p.oid) FROM pg_proc p
               WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'a' ORDER BY 1"""


def test_named_inputs_of_aggregates_are_kept_and_renamed(db_url, tmp_path, schemac):
    """An aggregate's input names (proargnames; PostgreSQL's regression create_aggregate.sql, `least_agg(VARIADIC
    items anyarray)`) were left out: made again unnamed. Renaming one is refused by CREATE OR REPLACE: dropped and
    created again. The oracle is proargnames and pg_get_function_arguments."""
    from catalog_oracle import sibling_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(NAMED)
        expected = conn.execute(ARGUMENTS).fetchall()
    assert ("least_agg(anyarray)", ["items"], "VARIADIC items anyarray") in expected
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    assert "arguments: VARIADIC items anyarray" in text and "'integer, \"Weird Name\" integer'" in text, text
    assert schemac("generate", "--name", "named").returncode == 0
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(ARGUMENTS).fetchall() == expected
        (tmp_path / "schema.yaml").write_text(text.replace("VARIADIC items anyarray", "VARIADIC vals anyarray")
                                              .replace("arguments: 'integer, integer'", "arguments: 'a integer, b integer'"))
        r = schemac("generate", "--name", "renamed")
        assert r.returncode == 0, r.stdout + r.stderr
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            got = dict((r[0], r[2]) for r in conn.execute(ARGUMENTS).fetchall())
        assert got["least_agg(anyarray)"] == "VARIADIC vals anyarray" and got["sum2(integer,integer)"] == "a integer, b integer"
        assert schemac("diff", "--database-url", b).returncode == 0


def test_a_public_support_function_pg_catalog_hides(db_url, tmp_path, schemac):
    """A public int4larger(integer, integer) hides behind pg_catalog's: schema.yaml names it public.int4larger
    (inspect writes it so) and the aggregate is built over it, not pg_catalog's; a public function no other hides,
    written public._concat by hand, is the bare name inspect reads back (no change, no drift)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = FUNCTIONS + """\
  int4larger:
    arguments: "s integer, v integer"
    returns: integer
    volatility: immutable
    body: SELECT coalesce(s, 0) + v
aggregates:
  total: {arguments: integer, sfunc: public.int4larger, stype: integer}
  joined: {arguments: text, sfunc: public._concat, stype: text}
"""
    _step(schema, out, db_url, text)
    assert _one(db_url, "SELECT (SELECT aggtransfn::regproc::text FROM pg_aggregate WHERE aggfnoid = 'total'::regproc), "
                "total(x), joined(x::text) FROM generate_series(1, 3) x") == \
        ("public.int4larger", 6, "1, 2, 3")
    assert schemac("inspect", "--database-url", db_url, "--output", "inspected.yaml").returncode == 0
    read = {a.name: a.sfunc for a in load_text((tmp_path / "inspected.yaml").read_text(), "i.yaml").aggregates}
    assert read == {"total": "public.int4larger", "joined": "_concat"}, read
