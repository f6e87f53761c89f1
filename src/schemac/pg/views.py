"""A view's query as SQL text: one statement that reads (SELECT, VALUES, WITH, TABLE), told apart with
sqlglot's tokenizer only (strings, dollar quotes and comments skipped), never re-spelled: Postgres
parses it, and keeps its own deparse (pg_get_viewdef)."""

from __future__ import annotations

import re
from typing import Optional

from schemac.pg.indexdef import top_level_items

_QUERY_STARTS = {"SELECT", "VALUES", "WITH", "TABLE", "L_PAREN"}


class QueryError(ValueError):
    """Not one query."""


def view_query(text: str) -> str:
    """`text` without the blank space around it and a final `;`, once it is one query."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import TokenError

    try:
        tokens = Dialect.get_or_raise("postgres").tokenize(text)
    except TokenError as e:
        raise QueryError(f"cannot be read as SQL ({str(e).splitlines()[0]})") from None
    while tokens and tokens[-1].token_type.name == "SEMICOLON":
        tokens.pop()
    if not tokens:
        raise QueryError("is empty")
    if tokens[0].token_type.name not in _QUERY_STARTS:
        raise QueryError(f"must be a query (SELECT, VALUES, WITH or TABLE), not one starting with "
                         f"{tokens[0].text!r}")
    for t in tokens:
        if t.token_type.name == "SEMICOLON":
            raise QueryError(f"holds more than one statement (a ';' on line {t.line})")
    return text[: tokens[-1].end + 1].strip()


def same_text(a: Optional[str], b: Optional[str]) -> bool:
    """Two deparses (or two queries) equal but for blank space and a final `;`."""
    return comparable(a) == comparable(b)


def comparable(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    return " ".join(text.strip().rstrip(";").split())


_VALUES_VIEW = re.compile(r'^\s*SELECT\s+(.*?)\s+FROM\s+\(\s*(VALUES\s.*)\)\s+"\*VALUES\*"\s*;?\s*$', re.S | re.I)
_VALUES_COLUMN = re.compile(r'^(?:"\*VALUES\*"\.)?column(\d+)\s+AS\s+(.+)$', re.S | re.I)


def values_view(query: str) -> Optional[tuple[list[str], str]]:
    """(column names, VALUES list) of a view defined as `CREATE VIEW v (a, b) AS VALUES ...`, from the form
    Postgres deparses it to (`SELECT "*VALUES*".column1 AS a, ... FROM (VALUES ...) "*VALUES*"`); None for
    any other query. Created from that SELECT, the view would deparse otherwise (a subquery's VALUES)."""
    m = _VALUES_VIEW.match(query)
    if m is None:
        return None
    names = []
    for n, item in enumerate(top_level_items(m.group(1)), 1):
        c = _VALUES_COLUMN.match(item.strip())
        if c is None or int(c.group(1)) != n:
            return None
        names.append(c.group(2).strip())
    return names, m.group(2).rstrip()


# A CYCLE clause of a recursive query (PostgreSQL 14+): `CYCLE f, t SET is_cycle TO 'Y' DEFAULT 'N' USING path`.
_CYCLE = re.compile(r"\bCYCLE\s.*?\bUSING\s", re.S | re.I)
_CAST_MARK = re.compile(r"('(?:[^']|'')*')::(.+?)(?=\s+(?:DEFAULT|USING)\s)", re.S | re.I)


def cycle_marks_spelled(query: str) -> str:
    """`query` with the mark values of its CYCLE clauses written as typed literals (`TO text 'Y'`): pg_get_viewdef
    writes them as casts (`TO 'Y'::text DEFAULT 'N'::text`), which the grammar refuses there (a constant only), so
    the view Postgres deparsed could not be created again. The same constants: Postgres deparses them as before."""
    if "CYCLE" not in query.upper():
        return query
    return _CYCLE.sub(lambda m: _CAST_MARK.sub(lambda c: f"{c.group(2)} {c.group(1)}", m.group(0)), query)
