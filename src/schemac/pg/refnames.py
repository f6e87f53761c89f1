"""The names Postgres's deparse (ruleutils.c's set_rtable_names) gives the relations of a printed query, level by
level: a relation's alias, else its own name (a CTE's, a table's current one), made unique against the names of
the levels around it and of those before it in its own level by `_1`, `_2`... A rename of a table changes them (the
table's `m3` becomes `m4`; a name made unique, `m3_1` beside an outer `m3`, becomes `m4_1` or the bare name), which
pg.query_renames.table_renamed carries into the printed text."""

from __future__ import annotations

import re
from typing import Callable, Optional

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError



def folded(i: exp.Identifier) -> str:
    return i.name if i.quoted else i.name.lower()


def enclosing_selects(node: exp.Expression, statements: bool = False) -> list[exp.Select]:
    """The SELECTs around `node`, innermost first (the scopes a column is resolved in: pg.policies' too); with
    `statements`, the UPDATE, DELETE or INSERT around them too (a standard body's statement: its target's, FROM's and
    USING's level)."""
    kinds = (exp.Select, exp.Update, exp.Delete, exp.Insert) if statements else exp.Select
    out = []
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            out.append(parent)
        parent = parent.parent
    return out


def parenthesised_join(node: Optional[exp.Expression]) -> bool:
    """Whether `node` is a join in parentheses, not a subquery: sqlglot reads `(a JOIN b ON ...)` as an unaliased
    Subquery of the table holding the join, and Postgres's deparse nests them, `((a JOIN b ...) JOIN c ...)`, an
    unaliased Subquery of one (itself a Query to sqlglot)."""
    return isinstance(node, exp.Subquery) and not node.alias \
        and (not isinstance(node.this, exp.Query) or parenthesised_join(node.this))


def items(select: exp.Select) -> list[exp.Expression]:
    """The relations of `select`'s own FROM and JOINs in the order Postgres's range table holds them (left to right;
    a parenthesised join's inside it; not its subqueries' own); an UPDATE's or DELETE's, its target, then its FROM's or
    USING's (transformUpdateStmt adds the target first)."""
    out: list[exp.Expression] = []

    def visit(node: Optional[exp.Expression]) -> None:
        if node is None:
            return
        if isinstance(node, (exp.From, exp.Join, exp.Paren)) or parenthesised_join(node):
            visit(node.this)
        else:
            out.append(node)
        if isinstance(node, (exp.Table, exp.Subquery)):
            for j in node.args.get("joins") or ():
                visit(j)

    if isinstance(select, (exp.Update, exp.Delete)):
        visit(select.this)
        for u in select.args.get("using") or ():
            visit(u)
    visit(select.args.get("from_"))
    for j in select.args.get("joins") or ():
        visit(j)
    return out


def ctes_in_scope(node: exp.Expression, statements: bool = False) -> set[str]:
    """The names of the CTEs of the levels around `node` (its own level's among them): a table of such a name is
    printed qualified by its schema, and a bare name of one is the CTE's (`statements`: enclosing_selects')."""
    out: set[str] = set()
    for select in ([node] if isinstance(node, exp.Select) else []) + enclosing_selects(node, statements):
        with_ = select.args.get("with_")
        for cte in (with_.expressions if with_ is not None else ()):
            if cte.args.get("alias") is not None:
                out.add(folded(cte.args["alias"].this))
    return out


def unique_names(levels: list[exp.Select], base: Callable[[exp.Expression], Optional[str]],
                 roots: tuple[str, ...] = ()) -> dict[int, str]:
    """id(node) -> the name set_rtable_names gives each relation of `levels` (every SELECT of the query, outer ones
    first), each starting from `base(node)` (None: no name); `roots`: the names around the whole query (a policy's
    table)."""
    names: dict[int, str] = {}
    taken_by: dict[int, set[str]] = {}
    for select in levels:
        around = enclosing_selects(select, True)
        used: dict[str, int] = {n: 0 for n in roots}
        for outer in around:
            for n in taken_by.get(id(outer), ()):
                used[n] = 0
        mine: set[str] = set()
        for node in items(select):
            name = base(node)
            if name is None:
                continue
            if name in used:
                while True:
                    used[name] += 1
                    candidate = f"{name}_{used[name]}"
                    if candidate not in used:
                        break
                used[candidate] = 0
                name = candidate
            else:
                used[name] = 0
            names[id(node)] = name
            mine.add(name)
        taken_by[id(select)] = mine
    return names


def aliases_written(query: Optional[str], definition: Optional[str]) -> Optional[tuple[str, ...]]:
    """The aliases ending in _<digits> a view's query as schema.yaml writes it holds (a state.json's view, whose
    catalog's are not known), which every database made from it holds as written; None where that query is its
    deparse itself (inspect's: the database it was read from may hold them as Postgres made them unique) or cannot be
    read."""
    if query is None or definition is None or " ".join(query.split()) == " ".join(definition.split()):
        return None
    try:
        tree = parse_one(query, read="postgres")
    except (SqlglotError, ValueError):
        return None
    return tuple(folded(a.this) for a in tree.find_all(exp.TableAlias)
                 if isinstance(a.this, exp.Identifier) and re.search(r"_\d+$", folded(a.this)))
