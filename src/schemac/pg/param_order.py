"""Which parameter each `""` of a SQL-standard body's deparse is. pg_get_function_sqlbody prints parameter n by
proargnames[n] of ALL the arguments, and a function naming some arguments but not others has '' there: printed as
a zero-length quoted name (`"" || sep || ""`) that no server parses, and which one is which the text cannot tell.
The body's parse tree (pg_proc.prosqlbody's text, `{PARAM :paramkind 0 :paramid 3 ...}`) can: its PARAM nodes
walked in the order ruleutils prints them (a query's target list before its FROM and WHERE, an ORDER BY printing
its target entry again, a window's PARTITION BY where the window function is, a subscript after its array) give
the `""`s in turn. The locations the tree holds are of no use (PostgreSQL 17+ writes -1). Where the print order is
not modelled here (a MERGE, XMLTABLE, POSITION(a IN b), grouping sets, a multi-column UPDATE SET ...) the walk
says it cannot tell (None): no guess that would swap two arguments silently."""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional

# outfuncs.c's tokens (readfuncs.c pg_strtok): a bracket or brace alone, else a run up to blank or bracket, a
# backslash escaping the character after it
_TOKEN = re.compile(r"[(){}]|(?:\\.|[^\s(){}\\])+")


def node_tree(text: str) -> Any:
    """A pg_node_tree's text as Python: a node a dict (its type under "", each :field by name), a list a list, any
    other value its token (a Const's bytes and such are not kept whole: nothing here reads them)."""
    toks = _TOKEN.findall(text)
    value, _ = _parsed(toks, 0)
    return value


def _parsed(toks: list[str], i: int) -> tuple[Any, int]:
    t = toks[i]
    if t == "(":
        items, i = [], i + 1
        while toks[i] != ")":
            item, i = _parsed(toks, i)
            items.append(item)
        return items, i + 1
    if t != "{":
        return (None if t == "<>" else t), i + 1
    node: dict[str, Any] = {"": toks[i + 1]}
    i += 2
    while toks[i] != "}":
        field, i = toks[i][1:], i + 1
        value = None
        if toks[i] != "}" and not toks[i].startswith(":"):
            value, i = _parsed(toks, i)
            while toks[i] != "}" and not toks[i].startswith(":"):  # (a Const's `4 [ 1 0 0 0 ]`)
                _, i = _parsed(toks, i)
        node[field] = value
    return node, i + 1


class _Untold(Exception):
    """The walk met a form whose print order it does not model, around a parameter."""


def printed_parameters(tree: Any) -> Optional[list[int]]:
    """The paramid of each parameter reference (PARAM_EXTERN) of a prosqlbody tree, in the order
    pg_get_function_sqlbody prints them (once per print: an ORDER BY over a select-list item prints it twice); None
    where that order cannot be told."""
    out: list[int] = []
    try:
        for query in _queries(tree):
            _query(query, [], out)
    except (_Untold, LookupError, StopIteration, ValueError, TypeError, AttributeError):
        return None
    return out


def _queries(tree: Any) -> Iterator[dict]:
    """A RETURN body is one Query; BEGIN ATOMIC's a list (of one list) of them."""
    if isinstance(tree, dict):
        yield tree
    else:
        for t in tree or ():
            yield from _queries(t)


def _has_parameter(x: Any) -> bool:
    if isinstance(x, dict):
        return (x[""] == "PARAM" and x.get("paramkind") == "0") or any(_has_parameter(v) for v in x.values())
    return isinstance(x, list) and any(_has_parameter(v) for v in x)


def _query(q: dict, stack: list[dict], out: list[int]) -> None:
    stack = [*stack, q]
    command = q["commandType"]  # (CmdType: 1 SELECT, 2 UPDATE, 3 INSERT, 4 DELETE)
    if command not in ("1", "2", "3", "4") or q.get("utilityStmt") is not None:
        if _has_parameter(q):
            raise _Untold
        return
    walk = lambda x: _expr(x, stack, out)  # noqa: E731
    for cte in q.get("cteList") or ():
        _query(cte["ctequery"], stack, out)
    tlist = q.get("targetList") or []
    printed = [t["expr"] for t in tlist if t.get("resjunk") != "true"]
    if command == "1":
        if q.get("isReturn") == "true":
            walk(tlist[0]["expr"])
            return
        if q.get("setOperations") is not None:
            _setop(q["setOperations"], q, stack, out)
        else:
            if q.get("hasDistinctOn") == "true":
                _sortgroup(q.get("distinctClause"), tlist, walk)
            walk(printed)
            _from(q, stack, out)
            walk(q["jointree"].get("quals"))
            if q.get("groupingSets") and _has_parameter(tlist):
                raise _Untold
            _sortgroup(q.get("groupClause"), tlist, walk)
            walk(q.get("havingQual"))
            for w in q.get("windowClause") or ():
                if w.get("name") is not None:
                    _window(w, tlist, walk)
        if q.get("setOperations") is None:  # (a set operation's ORDER BY prints column numbers)
            _sortgroup(q.get("sortClause"), tlist, walk)
        walk(q.get("limitOffset"))
        walk(q.get("limitCount"))
        return
    if any(t["expr"][""] in ("SUBSCRIPTINGREF", "FIELDSTORE") and _has_parameter(t) for t in tlist) or \
            any(t.get("resjunk") == "true" and _has_parameter(t) for t in tlist):  # (SET (a, b) = (SELECT ...))
        raise _Untold
    if command == "3":  # INSERT: its SELECT or VALUES (an RTE), else its one row of values, ON CONFLICT, RETURNING
        for rte in q.get("rtable") or ():
            if rte.get("rtekind") in ("1", "5"):
                _rte(rte, stack, out)
        walk(printed)
        conflict = q.get("onConflict")
        if conflict is not None:
            walk([conflict.get("arbiterElems"), conflict.get("arbiterWhere"), conflict.get("onConflictSet"),
                  conflict.get("onConflictWhere")])
    else:  # UPDATE's SET, then FROM and WHERE; DELETE's USING and WHERE
        walk(printed)
        _from(q, stack, out)
        walk(q["jointree"].get("quals"))
    walk(q.get("returningList"))


def _from(q: dict, stack: list[dict], out: list[int]) -> None:
    result = q.get("resultRelation")
    for item in q["jointree"].get("fromlist") or ():
        if not (item[""] == "RANGETBLREF" and item["rtindex"] == result):
            _from_item(item, q, stack, out)


def _from_item(item: dict, q: dict, stack: list[dict], out: list[int]) -> None:
    if item[""] == "RANGETBLREF":
        _rte(q["rtable"][int(item["rtindex"]) - 1], stack, out)
    elif item[""] == "JOINEXPR":
        _from_item(item["larg"], q, stack, out)
        _from_item(item["rarg"], q, stack, out)
        _expr(item.get("quals"), stack, out)
    elif _has_parameter(item):
        raise _Untold


def _rte(rte: dict, stack: list[dict], out: list[int]) -> None:
    kind = rte.get("rtekind")  # (RTEKind: 0 relation, 1 subquery, 3 function, 5 VALUES; others print no expression)
    if kind == "1":
        _query(rte["subquery"], stack, out)
    elif kind == "0":
        _expr(rte.get("tablesample"), stack, out)
    elif kind == "3":
        _expr([f.get("funcexpr") for f in rte.get("functions") or ()], stack, out)
    elif kind == "5":
        _expr(rte.get("values_lists"), stack, out)
    elif rte.get("groupexprs") is None and _has_parameter(rte):
        raise _Untold


def _setop(node: dict, q: dict, stack: list[dict], out: list[int]) -> None:
    if node[""] == "RANGETBLREF":
        _rte(q["rtable"][int(node["rtindex"]) - 1], stack, out)
    else:
        _setop(node["larg"], q, stack, out)
        _setop(node["rarg"], q, stack, out)


def _sortgroup(clauses: Any, tlist: list[dict], walk: Any) -> None:
    """An ORDER BY, GROUP BY, DISTINCT ON or PARTITION BY: each item its target entry's expression, printed again."""
    for c in clauses or ():
        walk(next(t["expr"] for t in tlist if t.get("ressortgroupref") == c["tleSortGroupRef"]))


def _window(w: dict, tlist: list[dict], walk: Any) -> None:
    if w.get("refname") is None:
        _sortgroup(w.get("partitionClause"), tlist, walk)
    if w.get("copiedOrder") != "true":
        _sortgroup(w.get("orderClause"), tlist, walk)
    walk([w.get("startOffset"), w.get("endOffset")])


# nodes printed with their operands in the order outfuncs writes them
_IN_ORDER = {"OPEXPR", "DISTINCTEXPR", "NULLIFEXPR", "SCALARARRAYOPEXPR", "BOOLEXPR", "RELABELTYPE", "COERCEVIAIO",
             "CONVERTROWTYPEEXPR", "COLLATEEXPR", "CASEEXPR", "CASEWHEN", "ARRAYEXPR", "ROWEXPR", "ROWCOMPAREEXPR",
             "COALESCEEXPR", "MINMAXEXPR", "NULLTEST", "BOOLEANTEST", "COERCETODOMAIN", "NAMEDARGEXPR", "FIELDSELECT",
             "TARGETENTRY", "GROUPINGFUNC", "XMLEXPR", "TABLESAMPLECLAUSE", "SORTGROUPCLAUSE"}


def _expr(x: Any, stack: list[dict], out: list[int]) -> None:
    if isinstance(x, list):
        for item in x:
            _expr(item, stack, out)
        return
    if not isinstance(x, dict):
        return
    kind = x[""]
    q = stack[-1]
    if kind == "PARAM":
        if x.get("paramkind") == "0":
            out.append(int(x["paramid"]))
    elif kind == "VAR":  # (18: a grouped expression is a Var of the query's GROUP RTE, printed as the expression)
        level = len(stack) - int(x.get("varlevelsup") or 0)
        rtable, number = stack[level - 1].get("rtable") or [], int(x["varno"])
        if 0 < number <= len(rtable) and rtable[number - 1].get("groupexprs"):
            _expr(rtable[number - 1]["groupexprs"][int(x["varattno"]) - 1], stack[:level], out)
    elif kind == "SUBLINK":
        _expr(x.get("testexpr"), stack, out)
        _query(x["subselect"], stack, out)
    elif kind == "FUNCEXPR":
        # COERCE_SQL_SYNTAX (3): POSITION(b IN a), TRIM(b FROM a), a AT TIME ZONE b print arguments out of order
        if x.get("funcformat") == "3" and sum(_has_parameter(a) for a in x.get("args") or ()) > 1:
            raise _Untold
        _expr(x.get("args"), stack, out)
    elif kind == "ARRAYCOERCEEXPR":
        _expr(x.get("arg"), stack, out)
    elif kind == "SUBSCRIPTINGREF":  # a[lower:upper]: the array first, then each subscript's bounds
        if x.get("refassgnexpr") is not None and _has_parameter(x):
            raise _Untold
        _expr(x.get("refexpr"), stack, out)
        upper, lower = x.get("refupperindexpr") or [], x.get("reflowerindexpr") or []
        for n, u in enumerate(upper):
            _expr([lower[n] if n < len(lower) else None, u], stack, out)
    elif kind == "AGGREF":
        _expr(x.get("aggdirectargs"), stack, out)
        args = x.get("args") or []
        if x.get("aggkind") in ("o", "h"):  # agg(direct) WITHIN GROUP (ORDER BY args)
            _sortgroup(x.get("aggorder"), args, lambda e: _expr(e, stack, out))
        else:
            _expr([t["expr"] for t in args if t.get("resjunk") != "true"], stack, out)
            _sortgroup(x.get("aggorder"), args, lambda e: _expr(e, stack, out))
        _expr(x.get("aggfilter"), stack, out)
    elif kind == "WINDOWFUNC":
        _expr([x.get("args"), x.get("aggfilter")], stack, out)
        w = next(w for w in q.get("windowClause") or () if w["winref"] == x["winref"])
        if w.get("name") is None:
            _window(w, q.get("targetList") or [], lambda e: _expr(e, stack, out))
    elif kind in _IN_ORDER:
        for field, value in x.items():
            if field:
                _expr(value, stack, out)
    elif _has_parameter(x):
        raise _Untold
