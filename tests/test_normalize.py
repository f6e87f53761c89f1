"""normalize.normal_form: a schema.yaml spelling and Postgres's deparsed spelling of the same expression
have one normal form; different expressions keep different ones; a normal form is its own normal form.

The property test asks a real server (PostgreSQL 18, 16 and 15): random CHECK expressions over columns of several types are added
to a table, read back with pg_get_expr() (what `schemac diff` sees), and must normalize like the text
that was written. Default run: a few dozen examples; `pytest -m slow tests/test_normalize.py` runs 1,000.
"""

from __future__ import annotations

import datetime as dt
import os

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemac.compare.normalize import normal_form, recorded_forms, remember, same_expression

# (as written in schema.yaml, as PostgreSQL 15-18 deparse it)
SAME = [
    # a date beside a timestamptz: the cast Postgres adds to their common type (compare/implicit_casts.py)
    ("coalesce(d, ts)", "COALESCE((d)::timestamp with time zone, ts)"),
    ("greatest(d - 1, ts)", "GREATEST(((d - 1))::timestamp with time zone, ts)"),
    ("CASE WHEN c THEN d ELSE ts END", "CASE WHEN c THEN (d)::timestamp with time zone ELSE ts END"),
    ("d IN (now(), current_date)", "(d = ANY (ARRAY[now(), (CURRENT_DATE)::timestamp with time zone]))"),
    ("now() - d", "(now() - (d)::timestamp with time zone)"),
    ("tp - d::timestamp", "(tp - (d)::timestamp without time zone)"),  # (as loaded: pg.date_casts writes the cast)
    ("correlation_score BETWEEN 0 AND 1",
     "((correlation_score >= (0)::numeric) AND (correlation_score <= (1)::numeric))"),
    ("status IN ('pending', 'active')",
     "((status)::text = ANY ((ARRAY['pending'::character varying, 'active'::character varying])::text[]))"),
    ("kind NOT IN ('a', 'b')", "(kind <> ALL (ARRAY['a'::text, 'b'::text]))"),
    ("amount >= 0 AND amount <= 1000000", "((amount >= (0)::numeric) AND (amount <= (1000000)::numeric))"),
    ("position('@' in email) > 0", "(POSITION(('@'::text) IN (email)) > 0)"),
    ("created_at <= now()", "(created_at <= now())"),
    ("x > -1", "(x > '-1'::integer)"),
    ("price >= 0.10", "(price >= 0.1)"),
    ("lower(email) = email /* folded */", "(lower(email) = email)"),
    ("Qty > 0", "(qty > 0)"),
    ("n = 0.10", "((n)::numeric = 0.10)"),
    ("f(n) > 0", "(f((n)::bigint) > 0)"),  # an f(bigint) over an integer n
    ("n IN (0)", "(n = 0)"),
    ("'1' = ANY (ia)", "(1 = ANY (ia))"),  # (a string beside ANY of an integer[]: compare.numeric_literals)
    ("n = SOME (ia) AND n <> SOME (SELECT 1)", "((n = ANY (ia)) AND (n <> ANY (SELECT 1)))"),
    ("n NOT IN (7)", "(n <> 7)"),
    # an IN list naming a column: the items without one as one ANY first, then each with one, in order (in_lists)
    ("mid IN (small, big)", "((mid = small) OR (mid = big))"),
    ("mid IN (small, 1, 2)", "((mid = ANY (ARRAY[1, 2])) OR (mid = small))"),
    ("mid IN (1, small, abs(2), big)", "((((mid = ANY (ARRAY[1, abs(2)])) OR (mid = small)) OR (mid = big)))"),
    ("mid IN (small, 1)", "((mid = small) OR (mid = 1))"),
    ("v IN (t, 'a', 'b')", "((((v)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"
                           " OR ((v)::text = t)))"),
    ("mid NOT IN (small + 1, 1, 2)", "((mid <> ALL (ARRAY[1, 2])) AND (mid <> (small + 1)))"),
    ("NOT (mid IN (small, big))", "((mid <> small) AND (mid <> big))"),
    ("iv < '1 day'", "(iv < '1 day'::interval)"),
    ("created_at > '2020-01-01'", "(created_at > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
    ("created_at < '2030-06-01 12:00+02'", "(created_at < '2030-06-01 10:00:00+00'::timestamp with time zone)"),
    ("due_on >= '2020-01-01'", "(due_on >= '2020-01-01'::date)"),
    ("local_ts > '2020-01-01 08:30'", "(local_ts > '2020-01-01 08:30:00'::timestamp without time zone)"),
    # SQL/JSON and XML clauses Postgres stores as their default or as a synonym (pg.keywordcalls)
    ("""JSON_QUERY(j, '$."a"' WITH ARRAY WRAPPER NULL ON ERROR)""",
     """JSON_QUERY(j, '$."a"' RETURNING jsonb WITH UNCONDITIONAL WRAPPER KEEP QUOTES)"""),
    ("""JSON_QUERY(j, '$."a"' OMIT QUOTES ON SCALAR STRING EMPTY ON EMPTY)""",
     """JSON_QUERY(j, '$."a"' RETURNING jsonb WITHOUT WRAPPER OMIT QUOTES EMPTY ARRAY ON EMPTY)"""),
    ("""JSON_VALUE(j, '$."a"' PASSING n AS x NULL ON EMPTY)""",
     """JSON_VALUE(j, '$."a"' PASSING n AS x RETURNING text)"""),
    ("""JSON_EXISTS(j, '$."a"' FALSE ON ERROR)""", """JSON_EXISTS(j, '$."a"')"""),
    ("JSON(s WITH UNIQUE)", "JSON(s WITH UNIQUE KEYS)"),
    ("JSON_ARRAY(n, s ABSENT ON NULL RETURNING json)", "JSON_ARRAY(n, s RETURNING json)"),
    ("JSON_SERIALIZE(j)", "JSON_SERIALIZE(j RETURNING text)"),
    ("XMLEXISTS('//a' PASSING BY VALUE x BY REF)", "XMLEXISTS(('//a'::text) PASSING (x))"),
    ("JSON_OBJECT('a': n NULL ON NULL WITHOUT UNIQUE KEYS RETURNING json)", "JSON_OBJECT('a' : n RETURNING json)"),
    ("s IS NOT JSON VALUE WITHOUT UNIQUE KEYS", "(NOT (s IS JSON))"),
]
DIFFERENT = [
    ("a > 0", "a >= 0"),
    ("a > 0", "b > 0"),
    ('"A" > 0', "a > 0"),
    ("status IN ('a', 'b')", "status IN ('a', 'c')"),
    ("mid IN (small, big)", "mid IN (big, small)"),  # (Postgres keeps the order of the items naming a column)
    ("mid IN (small, 1, 2)", "mid IN (small, 1, 3)"),
    ("mid IN (small, 1, 2)", "mid NOT IN (small, 1, 2)"),
    ("mid IN (small, big)", "mid IN (small, big, 1)"),
    ("x BETWEEN 0 AND 1", "x BETWEEN 0 AND 2"),
    ("'1' = ANY (ia)", "'2' = ANY (ia)"),
    # an explicit cast of a timestamptz ts to timestamp is no cast Postgres adds (compare.implicit_casts)
    ("coalesce(ts::timestamp, tp)", "COALESCE(ts, (tp)::timestamp with time zone)"),
    ("n = SOME (ia)", "n = ALL (ia)"),
    ("kind = 'a'", "kind = 'A'"),
    ("NOT (a > 0 AND b > 0)", "NOT a > 0 AND b > 0"),  # once parentheses are gone, the text must not merge them
    ("(a + 1) * 2 > 0", "a + 1 * 2 > 0"),
    ("t > '2020-01-01'", "t > '2020-01-02'"),
    ("t > '2020-01-01 00:00:00+00'", "t > '2020-01-01 00:00:00+01'"),
    ("a > 0 OR b > 0 AND c > 0", "(a > 0 OR b > 0) AND c > 0"),
    ("JSON_QUERY(j, '$' WITH CONDITIONAL WRAPPER)", "JSON_QUERY(j, '$' WITH UNCONDITIONAL WRAPPER)"),
    ("JSON_EXISTS(j, '$' TRUE ON ERROR)", "JSON_EXISTS(j, '$')"),
    ("JSON_VALUE(j, '$' PASSING n AS x)", "JSON_VALUE(j, '$' PASSING n AS y)"),
    ("JSON_VALUE(j, '$' RETURNING int)", "JSON_VALUE(j, '$')"),
    ("JSON_ARRAY(n NULL ON NULL)", "JSON_ARRAY(n)"),
    ("XMLROOT(x, VERSION '1.0', STANDALONE NO VALUE)", "XMLROOT(x, VERSION '1.0')"),
    ("XMLPI(NAME a, s)", "XMLPI(NAME b, s)"),
    ("JSON_OBJECT('a': n RETURNING jsonb)", "JSON_OBJECT('a': n)"),
    # without RETURNING json, a jsonb argument makes the result jsonb
    ("JSON_OBJECT('a': j RETURNING json)", "JSON_OBJECT('a': j)"),
    ("JSON_ARRAY(j RETURNING json)", "JSON_ARRAY(j)"),
    ("s IS JSON SCALAR", "s IS JSON"),
    ("coalesce(d, ts) + 1", "COALESCE(d, ts) + 2"),
    ("now() - d", "now() - (d + 1)"),
    ("CASE WHEN c THEN d ELSE ts END", "CASE WHEN c THEN d + 1 ELSE ts END"),
    # a name compared is compared in "C" (stored `(CURRENT_USER < 'x'::name)`), its cast to text in the default
    # collation: the cast is dropped only in a concatenation (compare.implicit_casts)
    ("(CURRENT_USER < 'x'::name)", "((CURRENT_USER)::text < 'x'::text)"),
]


@pytest.mark.parametrize("written,deparsed", SAME)
def test_spellings_of_one_expression_have_one_normal_form(written, deparsed):
    assert normal_form(written) == normal_form(deparsed)
    assert normal_form(normal_form(written)) == normal_form(written)


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_expressions_stay_different(a, b):
    assert not same_expression(a, b)


def test_unparsable_text_compares_as_itself():
    assert normal_form("a >>>= (") == "a >>>= ("
    assert normal_form("  a  >>>=\n( ") == "a >>>= ("
    assert normal_form(None) is None


def test_recorded_forms_are_used_only_with_the_same_code():
    text = "zz_recorded_only BETWEEN 1 AND 2"
    record = recorded_forms({text})
    assert record["forms"] == {text: normal_form(text)}
    remember({"fingerprint": "made by other code", "forms": {"q > 0": "forged"}})
    assert normal_form("q > 0") != "forged"
    remember({"fingerprint": record["fingerprint"], "forms": {"q2 > 0": "as recorded"}})
    assert normal_form("q2 > 0") == "as recorded"  # trusted, like the rest of a matching state.json


def test_the_fingerprint_reads_every_module_of_pg_the_dialect_imports(monkeypatch):
    """A module the dialect reads SQL by (its tokenizer's pg.numerals, pg.operators, ...) changes normal forms: the
    fingerprint of the code that made state.json's forms must read it, or a changed one trusts stale forms."""
    import builtins
    import re

    import schemac.compare.normalize as normalize
    import schemac.pg.dialect as dialect

    read: list = []
    monkeypatch.setattr(normalize, "open", lambda path, *a, **k: (read.append(os.path.basename(path)),
                                                                  builtins.open(path, *a, **k))[1], raising=False)
    normalize.fingerprint.cache_clear()
    try:
        normalize.fingerprint()
    finally:
        normalize.fingerprint.cache_clear()
    with open(dialect.__file__, encoding="utf-8") as f:
        imported = set(re.findall(r"^from schemac\.pg\.(\w+) import", f.read(), re.M))
    in_sql = {"operators", "syntax", "keywordcalls", "numerals"}  # (the rest: names, foreign names, keywords)
    assert {m + ".py" for m in imported & in_sql} <= set(read)
    assert "numerals" in imported


# -- property, against a real server ---------------------------------------------------------------------

COLUMNS = {"n": "integer", "b": "bigint", "d": "numeric(10,2)", "f": "double precision", "s": "text",
           "v": "varchar(20)", "t": "timestamptz", "dt": "date", "ok": "boolean", "tags": "text[]",
           "j": "jsonb", "iv": "interval", "lt": "timestamp"}
NUMBERS = ["n", "b", "d", "f"]
TEXTS = ["s", "v"]


def _int_literal(draw) -> str:
    return str(draw(st.integers(-1000, 100000)))


def _number_literal(draw) -> str:
    return draw(st.sampled_from(["0", "1", "-1", "0.10", "2.5", "100.00", "-0.5", "1000000", "1e3"]))


@st.composite
def numeric_term(draw) -> str:
    col = draw(st.sampled_from(NUMBERS))
    kind = draw(st.sampled_from(["col", "neg", "arith", "abs", "coalesce"]))
    if kind == "col":
        return col
    if kind == "neg":
        return f"-{col}"
    if kind == "abs":
        return f"abs({col})"
    if kind == "coalesce":
        return f"coalesce({col}, {_int_literal(draw)})"
    return f"({col} {draw(st.sampled_from(['+', '-', '*']))} {_int_literal(draw)})"


@st.composite
def text_term(draw) -> str:
    col = draw(st.sampled_from(TEXTS))
    return draw(st.sampled_from([col, f"lower({col})", f"upper({col})", f"btrim({col})"]))


def _string(draw) -> str:
    return "'" + draw(st.sampled_from(["", "a", "pending", "it''s", "x y", "é"])) + "'"


# Kinds of predicate drawn whole from a list.
FIXED = {
    "array": ["array_length(tags, 1) <= 10", "cardinality(tags) > 0", "'x' = ANY (tags)", "tags <> '{}'"],
    "json": ["jsonb_typeof(j) = 'object'", "j ? 'id'", "j <> '{}'::jsonb", "(j ->> 'n')::int > 0"],
    "interval": ["iv >= interval '0 seconds'", "iv < '1 day'", "t > now() - interval '1 hour'",
                 "dt >= DATE '2020-01-01'"],
    "cast": ["s::varchar(5) <> ''", "CAST(d AS integer) > 0", "length(v::text) > 1", "n::bigint < b"],
    "bool": ["ok", "NOT ok", "ok = true", "ok IS TRUE"],
}


@st.composite
def predicate(draw) -> str:
    kind = draw(st.sampled_from(["cmp", "between", "in", "notin", "textcmp", "textin", "len", "null", "ts", "date",
                                 "like", "regex", "mod", "distinct", "case", "instant", *FIXED]))
    op = draw(st.sampled_from(["=", "<>", "<", "<=", ">", ">="]))
    if kind == "cmp":
        return f"{draw(numeric_term())} {op} {_number_literal(draw)}"
    if kind == "between":
        return f"{draw(numeric_term())} BETWEEN {_int_literal(draw)} AND {_number_literal(draw)}"
    if kind in ("in", "notin"):
        values = draw(st.lists(st.integers(-5, 50), min_size=1, max_size=4))
        neg = " NOT" if kind == "notin" else ""
        return f"{draw(st.sampled_from(NUMBERS[:2]))}{neg} IN ({', '.join(map(str, values))})"
    if kind == "textcmp":
        return f"{draw(text_term())} {op} {_string(draw)}"
    if kind == "textin":
        values = draw(st.lists(st.sampled_from(["'a'", "'b'", "'pending'", "'x y'"]), min_size=1, max_size=3))
        return f"{draw(st.sampled_from(TEXTS))} IN ({', '.join(values)})"
    if kind == "len":
        return f"length({draw(st.sampled_from(TEXTS))}) {op} {draw(st.integers(0, 99))}"
    if kind == "null":
        return f"{draw(st.sampled_from(list(COLUMNS)))} IS {draw(st.sampled_from(['', 'NOT ']))}NULL"
    if kind == "ts":
        return f"t {op} {draw(st.sampled_from(['now()', 'CURRENT_TIMESTAMP']))}"
    if kind == "date":
        return f"dt {op} {draw(st.sampled_from(['CURRENT_DATE', 'CURRENT_DATE - 1']))}"
    if kind == "like":
        return f"{draw(st.sampled_from(TEXTS))} LIKE {draw(st.sampled_from([repr('a%'), repr('%x_')]))}"
    if kind == "regex":
        return f"{draw(st.sampled_from(TEXTS))} {draw(st.sampled_from(['~', '~*', '!~']))} '^[a-z]+$'"
    if kind == "mod":
        return f"{draw(st.sampled_from(NUMBERS[:2]))} % {draw(st.integers(2, 9))} = 0"
    if kind == "distinct":
        return f"n IS {draw(st.sampled_from(['', 'NOT ']))}DISTINCT FROM b"
    if kind == "instant":
        column = draw(st.sampled_from(["t", "dt", "lt"]))
        day = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)))
        clocks = ["", " 08:30", " 23:59:59", " 12:00:00.25"]
        if column == "t":  # (a timestamp without time zone ignores an offset, a date its clock)
            clocks += [" 12:00+02", " 00:00:00-05:30", "T06:00:00Z"]
        clock = "" if column == "dt" else draw(st.sampled_from(clocks))
        return f"{column} {op} '{day.isoformat()}{clock}'"
    if kind == "case":
        return f"CASE WHEN ok THEN {draw(numeric_term())} > 0 ELSE {draw(text_term())} <> '' END"
    return draw(st.sampled_from(FIXED[kind]))


@st.composite
def check_expression(draw) -> str:
    parts = draw(st.lists(predicate(), min_size=1, max_size=3))
    joined = parts[0]
    for part in parts[1:]:
        joined = f"{joined} {draw(st.sampled_from(['AND', 'OR']))} {part}"
    return f"NOT ({joined})" if draw(st.booleans()) and len(parts) > 1 else joined


EXAMPLES = int(os.environ.get("SCHEMAC_NORMALIZE_EXAMPLES", "30"))


def _check_against_server(conn: psycopg.Connection, expression: str) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute("ALTER TABLE probe ADD CONSTRAINT probe_check CHECK (" + expression + ")")
        (deparsed,) = conn.execute("SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint "
                                   "WHERE conname = 'probe_check'").fetchone()
    assert normal_form(expression) == normal_form(deparsed), (expression, deparsed)
    assert normal_form(normal_form(deparsed)) == normal_form(deparsed), deparsed


def _probe(db_url: str) -> psycopg.Connection:
    conn = psycopg.connect(db_url, autocommit=True)
    # Literals without an offset are stored as the instant they name in the session's TimeZone; schemac
    # reads them as UTC (see normalize.timestamp_value), as migrations applied in UTC store them.
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("CREATE TABLE probe (" + ", ".join(f"{c} {t}" for c, t in COLUMNS.items()) + ")")
    return conn


def _property(db_url: str, examples: int, derandomize: bool) -> None:
    with _probe(db_url) as conn:
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), derandomize=derandomize)
        @given(check_expression())
        def prop(expression: str) -> None:
            _check_against_server(conn, expression)

        prop()


@pytest.mark.every_major
def test_written_and_deparsed_checks_normalize_alike(any_db_url):
    _property(any_db_url, EXAMPLES, "SCHEMAC_NORMALIZE_EXAMPLES" not in os.environ)  # the same 30 on every run


@pytest.mark.slow
def test_written_and_deparsed_checks_normalize_alike_many(any_db_url):
    _property(any_db_url, 1000, False)


# (column type, default as written in schema.yaml): Postgres stores each in its own spelling
# ('2020-01-01'::date, true, '{1,2}'::integer[]...), which must compare equal to what was written.
DEFAULTS = [("date", "'2020-1-1'"), ("date", "'2020-1-1'::date"), ("boolean", "'t'"), ("boolean", "'off'::boolean"),
            ("boolean", "'YES'"), ("integer[]", "'{1, 2}'"), ("text[]", "'{\"a b\", c, \"d\"}'"),
            ("integer[]", "'{{1, 2}, {3, 4}}'"), ("text[]", "'{\"\", NULL, \"NULL\"}'"),
            ("timestamp with time zone", "'2020-1-1 3:00:00+02'"), ("timestamp without time zone", "'2020-01-01 5:07'"),
            ("text", "'t'"), ("boolean", "true"), ("interval", "'1 day'"), ("text[]", "'{a b, \\\\x}'"),
            # SQL value functions and now(): Postgres keeps each one's own spelling, not its case or schema
            ("timestamp with time zone", "pg_catalog.NOW()"), ("timestamp with time zone", "current_timestamp"),
            ("timestamp without time zone", "localtimestamp(2)"), ("text", "current_user"), ("text", "session_user")]
DIFFERENT_DEFAULTS = [("boolean", "'t'", "false"), ("text", "'t'", "true"), ("integer[]", "'{1, 2}'", "'{2,1}'"),
                      ("date", "'2020-1-1'", "'2020-01-02'::date"), ("text[]", "'{a b}'", "'{a,b}'"),
                      ("timestamp with time zone", "now()", "CURRENT_TIMESTAMP"),
                      ("text", "CURRENT_USER", '"current_user"()'), ("text", "CURRENT_SCHEMA", '"current_schema"()')]


@pytest.mark.every_major
def test_defaults_read_back_as_written(any_db_url):
    from schemac.compare.normalize import same_default

    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        for n, (type_text, written) in enumerate(DEFAULTS):
            conn.execute(f"CREATE TABLE d{n} (c {type_text} DEFAULT {written})")
            (stored,) = conn.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = %s::regclass",
                                     (f"d{n}",)).fetchone()
            assert same_default(written, stored, type_text), (type_text, written, stored)
    for type_text, a, b in DIFFERENT_DEFAULTS:
        assert not same_default(a, b, type_text), (type_text, a, b)


# Generated columns' expressions as written in schema.yaml, each read back (pg_get_expr) the same values: the number
# literals' scales Postgres keeps (normalize.same_scales) compared where both sides state them, a string's not.
STORED_ALIKE = ["a * 1.0", "a * -1.50", "1.50e1 + a", "a + 1", "i * 1.00", "f * 2", "f * 1.00", "f * '1.50'::float8",
                "a * '1.50'", "a * 5::numeric", "a * 1.0::numeric(6,3)", "coalesce(a, 0.0)", "round(a * 1.0, 2)",
                "CASE WHEN a BETWEEN SYMMETRIC 1.0 AND 2.00 THEN 1.0 ELSE 0.00 END", "a * .5", "a * 1.0e-2"]
STORED_APART = [("a * 1.0", "a * 1.00"), ("a + 1", "a + 1.0"), ("f * 1.0", "f * 1.00"), ("a * -1.5", "a * -1.50"),
                ("CASE WHEN a > 0 THEN 1.0 ELSE 0.0 END", "CASE WHEN a > 0 THEN 1.0 ELSE 0.00 END"),
                ("1.5e1 + a", "15.0 + a")]


@pytest.mark.every_major
def test_literals_scales_compared_as_postgres_stores_them(any_db_url):
    from schemac.compare.normalize import same_values

    with psycopg.connect(any_db_url, autocommit=True) as conn:
        for n, written in enumerate(STORED_ALIKE):
            kind = "double precision" if written.startswith("f") else "numeric"
            conn.execute(f"CREATE TABLE g{n} (a numeric, f float8, i int, g {kind} GENERATED ALWAYS AS ({written}) STORED)")
            (stored,) = conn.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = %s::regclass",
                                     (f"g{n}",)).fetchone()
            assert same_values(written, stored), (written, stored)
        for n, (a, b) in enumerate(STORED_APART):
            stored = []
            for side, text in (("a", a), ("b", b)):
                conn.execute(f"CREATE TABLE d{n}{side} (a numeric, f float8, g numeric GENERATED ALWAYS AS ({text}) STORED)")
                stored += conn.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = %s::regclass",
                                       (f"d{n}{side}",)).fetchone()
            assert stored[0] != stored[1] and not same_values(a, b) and not same_values(stored[0], stored[1]), (a, b)
            assert same_values(a, stored[0]) and same_values(b, stored[1]), (a, b, stored)


def test_the_types_a_schema_declares_are_in_force_under_it_once_asked():
    """schema_searched puts in force what computes the types schema.yaml declares (compare.cast_types.declared_of),
    computed at the first ask: the same set as before, within its block only (an inner block's own, then its
    again), and casts_moved tells a type the migration drops by it."""
    from schemac.compare.cast_types import casts_moved, declared_of
    from schemac.compare.normalize import schema_searched, searched
    from schemac.compare.own_types import declared_in_force
    from schemac.schemafile.load import load_text

    schema = load_text("enums:\n  mood: [a, b]\ndomains:\n  short2: {type: text}\ntables:\n  t:\n    columns:\n"
                       "      a: integer\nexternal_types: [app.ext]\n")
    declared = declared_of(schema)
    assert {("public", "mood"), ("public", "short2"), ("public", "t"), ("app", "ext")} <= declared
    with schema_searched(schema):
        assert declared_in_force() == declared
        assert not casts_moved("('(1)'::t)::text", "'(1)'")  # a row type it declares: Postgres's own cast
        assert casts_moved("('x'::short)::text", "'x'")  # through a domain it does not declare (dropped)
        with searched((), declared=frozenset({("public", "short")})):
            assert declared_in_force() == {("public", "short")}
            assert not casts_moved("('x'::short)::text", "'x'")
        assert declared_in_force() == declared
    assert declared_in_force() == frozenset()
