"""The output columns of a view's inner SELECTs that pg_get_viewdef prints without their name, named again."""

from __future__ import annotations

import re

from schemac.pg.views import token_levels

# What follows a cast's `::` when the cast ends the item: a type as format_type() spells it (`name`, `public.t`,
# `character varying(3)`, `timestamp(3) with time zone`, `interval day to second`, `text[]`).
_TYPE_TAIL = re.compile(
    r'\s*(?:"(?:[^"]|"")*"|\w+)(?:\.(?:"(?:[^"]|"")*"|\w+))*(?:\s*\([\d\s,]*\))?'
    r'(?:\s+(?:varying|precision|with|without|time|zone|year|month|day|hour|minute|second|to)\b(?:\s*\([\d\s,]*\))?)*'
    r'(?:\[\d*\])*\s*', re.I)
_SELECT = re.compile(r"\bSELECT\b", re.I)
_ENDS = {"FROM", "WHERE", "GROUP_BY", "HAVING", "WINDOW", "ORDER_BY", "LIMIT", "OFFSET", "FETCH", "FOR", "SEMICOLON",
         "UNION", "INTERSECT", "EXCEPT", "INTO"}


def unnamed_casts_named(query: str, selects: int = 2) -> str:
    """`query` with `AS "?column?"` after each output column of an inner SELECT (a set operation's later branch, a
    sublink: EXISTS, IN, a scalar subquery, ARRAY()) that pg_get_viewdef prints as a cast without a name. Postgres
    names such a column `?column?` (an unknown literal or NULL it coerced: `UNION ALL SELECT 0::oid, 'PUBLIC'`,
    `EXISTS (SELECT NULL FROM t)`) and prints no name for `?column?` there; the view made again from that text
    names the column after the cast's type (`'PUBLIC'::name AS name`, `NULL::text AS text`): another deparse, so
    inspect of a rebuilt database differed. Named `?column?` the column is the same, and is printed as before.
    `selects`: how many SELECTs the text needs to hold one that may print so (a view's outer one names its columns;
    an expression's, a rule's or a SQL-standard body's, 1)."""
    if "::" not in query or len(_SELECT.findall(query)) < selects:
        return query
    tokens, scopes = token_levels(query)
    edits = []
    for level in scopes.values():
        item: list[int] = []
        listing, brackets = False, 0
        for n, i in enumerate(level + [None]):  # type: ignore[operator]
            kind = tokens[i].token_type.name if i is not None else "END"
            brackets += (kind == "L_BRACKET") - (kind == "R_BRACKET")
            if brackets or kind == "R_BRACKET":  # an array's elements or subscript: one item
                if listing is True:
                    item.append(i)
            elif kind == "SELECT":
                listing, item = True, []
            elif not listing:
                continue
            elif kind == "DISTINCT" and not item:
                continue
            elif kind == "ON" and item == [] and n and tokens[level[n - 1]].token_type.name == "DISTINCT":
                listing = "on"  # type: ignore[assignment]
            elif listing == "on":  # DISTINCT ON's parenthesized keys: one token here, (, and its )
                listing = True if kind == "R_PAREN" else "on"  # type: ignore[assignment]
            elif kind == "COMMA" or kind in _ENDS or kind == "END":
                edits += _named(query, tokens, item)
                item = []
                listing = kind == "COMMA"
            else:
                item.append(i)
    for end in sorted(set(edits), reverse=True):
        query = query[:end] + ' AS "?column?"' + query[end:]
    return query


def _named(query: str, tokens: list, item: list[int]) -> list[int]:
    """[where the name goes] for an item of a SELECT list that ends with a cast and has no AS; [] otherwise."""
    kinds = [tokens[i].token_type.name for i in item]
    if not item or "ALIAS" in kinds or "DCOLON" not in kinds:
        return []
    last = len(kinds) - 1 - kinds[::-1].index("DCOLON")
    end = tokens[item[-1]].end + 1
    return [end] if _TYPE_TAIL.fullmatch(query[tokens[item[last]].end + 1:end]) else []
