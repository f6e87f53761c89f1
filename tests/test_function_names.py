"""A call is printed as the call it is, whatever its name: every name sqlglot's Postgres parser builds by a builder or
grammar of its own (FUNCTIONS, FUNCTION_PARSERS) that Postgres prints unquoted, with 0-5 arguments of several shapes,
and every word sqlglot reads as a statement (lock, comment, show...) followed by '(', prints as a call of a name
sqlglot does not know prints (pg.foreign_names, pg.dialect). sqlglot re-spelled a user's initcap(s, t) as initcap(s),
string_agg(s) as string_agg(s, ','), variance(s) as var_samp(s), array_sort(a, b, c) as array_sort(a, b),
date_bin(a, b, 'x') as date_bin(a, b, X), refused lock(s) and read (comment(s)) as (comment AS (s)): the rebuilt
database called another function or the migration failed (pairs rw-user-functions-named-like-builtins-that-sqlglot-
re-spells, rw-user-functions-named-like-statements hold them on real servers). Default run: the names sqlglot
re-spelled and every statement word; `-m slow`: every name."""

from __future__ import annotations

from functools import lru_cache

import pytest
from sqlglot.dialects.postgres import Postgres

from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.foreign_names import _STATEMENT_WORDS
from schemac.pg.keywords import is_postgres_keyword
from schemac.pg.syntax import Verbatim

# Postgres quotes a keyword's function ("greatest"(a), "substring"(s, 1)): only the others are read by their name
_NAMES = sorted({k.lower() for k in [*Postgres.Parser.FUNCTIONS, *Postgres.Parser.FUNCTION_PARSERS]
                 if k.isidentifier() and not is_postgres_keyword(k.lower())} - {w for w in _STATEMENT_WORDS})
_SHAPES = ("'day'", "2")


def _argument_lists():
    for count in range(6):
        yield ["a"] * count
    for count in range(1, 4):
        for at in range(count):
            for shape in _SHAPES:
                yield ["a"] * at + [shape] + ["a"] * (count - at - 1)


def _printed(text: str) -> str:
    """The call as a migration prints it; a text sqlglot cannot read is kept as written (a Verbatim node): as is."""
    try:
        tree = parse_expression(text)
    except ValueError as e:
        return f"refused: {e}"
    return text if isinstance(tree, Verbatim) else tree.sql(dialect=RENDER)


def _as_unknown(name: str, text: str) -> str:
    return _printed_cached(text.replace(f"{name}(", "zz_unknown(")).replace("zz_unknown(", f"{name}(")


@lru_cache(maxsize=None)
def _printed_cached(text: str) -> str:
    return _printed(text)


# Found re-spelled before the fix; the default run takes these, `-m slow` every name
_FOUND = {"initcap", "string_agg", "variance", "array_sort", "ceil", "floor", "date_bin", "generate_series",
          "jsonb_exists"}


@pytest.mark.parametrize("name", [n if n in _FOUND else pytest.param(n, marks=pytest.mark.slow) for n in _NAMES])
def test_a_call_of_a_name_sqlglot_builds_prints_as_written(name):
    wrong = []
    for args in _argument_lists():
        text = f"{name}({', '.join(args)})"
        if _printed(text).lower() != _as_unknown(name, text).lower():
            wrong.append(f"{text} -> {_printed(text)}")
    assert wrong == []


@pytest.mark.parametrize("word", sorted(_STATEMENT_WORDS | {"operator"}))
def test_a_function_named_like_a_statement_is_a_call(word):
    for shape in ("W(s)", "(W(s))", "W(s) = 1", "W()", "W(s, 2)::text", "NOT W(s)", "x || W(s)", "W(s) IS NULL"):
        text = shape.replace("W", word)
        expected = _as_unknown(word, text)
        if word == "operator":  # printed quoted: OPERATOR(...) is an operator's name to Postgres
            expected = expected.replace("operator(", '"operator"(')
        assert _printed(text) == expected, text


def test_operator_syntax_stays_an_operator():
    assert _printed("a OPERATOR(public.===) b") == "a OPERATOR(public.===) b"
    assert _printed("a OPERATOR(pg_catalog.+) 1") == "a OPERATOR(pg_catalog.+) 1"


def test_statements_keep_their_syntax():
    from schemac.pg.sqlbody import statement_refs

    assert statement_refs("UPDATE t SET (a, b) = (1, lock(c)) WHERE d")[1] == {("public", "lock")}
    assert statement_refs("INSERT INTO t (a) VALUES (comment(1))")[1] == {("public", "comment")}


def test_a_function_in_from_keeps_its_schema():
    """`FROM app.ids() x`: sqlglot makes the call a table's name and the schema its db; a call read as
    `public.ids` let a policy (a view, a rule, a standard body) calling app.ids stay while app.ids was dropped
    and created again (pair rw-schema-qualified-function-in-a-policys-from-re-created)."""
    from schemac.pg.calls import called_functions
    from schemac.pg.policies import policy_refs
    from schemac.pg.sqlbody import query_refs, sql_body_refs

    assert called_functions("(id IN (SELECT x.x FROM app.ids() x))") == {("app", "ids")}
    assert policy_refs("(id IN (SELECT x.x FROM app.ids() x))")[2] == {("app", "ids")}
    assert query_refs("SELECT d.id FROM app.ids() d JOIN t ON true")[1] == {("app", "ids")}
    assert sql_body_refs('BEGIN ATOMIC SELECT x FROM "App"."Ids"() x; END')[1] == {("App", "Ids")}
    assert called_functions("(id IN (SELECT x FROM ids() x))") == {("public", "ids")}


def test_a_calls_schema_folds_as_its_name():
    """`App.F(x)` as a person may write a policy in schema.yaml is app.f to Postgres; `"App".f(x)` is App.f."""
    from schemac.pg.calls import called_functions

    assert called_functions('App.F(x) + "App".g(1) + "H"(2)') == {("app", "f"), ("App", "g"), ("public", "H")}
    assert called_functions("(EXISTS (SELECT 1 FROM App.Ids() x))") == {("app", "ids")}
