"""SQL-standard function bodies (`RETURN expr`, `BEGIN ATOMIC ... END`, PostgreSQL 14+): what they read.

Postgres parses such a body when the function is created and records what it names (pg_depend), so the
tables, views and functions it reads must exist first: unlike a string body, which is only run later."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlglot import exp

from schemac.pg.expressions import ExpressionError, _sqlglot_parse

_ATOMIC = re.compile(r"^\s*BEGIN\s+ATOMIC\b(.*)\bEND\s*;?\s*$", re.I | re.S)
_RETURN = re.compile(r"^\s*RETURN\b(.*)$", re.I | re.S)


@lru_cache(maxsize=1024)
def sql_body_refs(body: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], frozenset[str]]:
    """(relations, functions, column names) a SQL-standard body names, relations and functions as (schema,
    name), `public` when unqualified
    (as Postgres deparses them: qualified unless the search_path finds them). Names of the body's own
    CTEs are left out. Empty when sqlglot cannot parse the body: the statement order then falls back to
    the kinds' order."""
    m = _RETURN.match(body)
    atomic = None if m else _ATOMIC.match(body)
    if m:
        text = "SELECT " + m.group(1)
    elif atomic:
        text = atomic.group(1)
    else:
        return frozenset(), frozenset(), frozenset()
    try:
        trees = _sqlglot_parse(text)
    except ExpressionError:
        return frozenset(), frozenset(), frozenset()
    return _named(trees)


# Operators sqlglot does not read (PostGIS's ~=, |>>, <#>, ...; OPERATOR(schema.op)): for what a query names,
# any comparison does as well.
_OPERATOR = re.compile(r"OPERATOR\s*\([^)]*\)|[<>=~!@#%^&|?]{1,4}", re.I)


@lru_cache(maxsize=4096)
def query_refs(query: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], frozenset[str]]:
    """What a view's query names, as `sql_body_refs` reads a body: for a view Postgres could not build
    (its forms unknown), the statement order's best guess. A query sqlglot cannot read even with its
    operators made plain names nothing."""
    plain = _OPERATOR.sub(" = ", query)
    for text in ((plain,) if "OPERATOR(" in query.upper() else (query, plain)):
        try:
            return _named(_sqlglot_parse(text))
        except ExpressionError:
            continue
    return frozenset(), frozenset(), frozenset()


def _named(trees: list) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], frozenset[str]]:
    relations: set[tuple[str, str]] = set()
    functions: set[tuple[str, str]] = set()
    columns: set[str] = set()
    for tree in trees:
        columns |= {c.name if c.this.quoted else c.name.lower() for c in tree.find_all(exp.Column)
                    if isinstance(c.this, exp.Identifier)}
        if any(True for _ in tree.find_all(exp.Star)):
            columns.add("*")  # every column of what it reads (compare.views: any of them retyped)
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        relations |= {(t.db or "public", t.name) for t in tree.find_all(exp.Table)
                      if t.name and not (not t.db and t.name in ctes)}
        for call in tree.find_all(exp.Anonymous):
            parent = call.parent
            schema = parent.this.name if isinstance(parent, exp.Dot) and parent.expression is call else "public"
            functions.add((schema, call.name if isinstance(call.this, exp.Identifier) and call.this.quoted
                           else call.name.lower()))
    return frozenset(relations), frozenset(functions), frozenset(columns)
