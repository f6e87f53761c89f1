"""Which parameter each `""` of a SQL-standard body's deparse is. pg_get_function_sqlbody prints parameter n by
proargnames[n] of ALL the arguments, and a function naming some arguments but not others has '' there: printed as
a zero-length quoted name (`"" || sep || ""`) that no server parses, and which one is which the text cannot tell.
The body's parse tree (pg_proc.prosqlbody's text, `{PARAM :paramkind 0 :paramid 3 ...}`) can: its PARAM nodes
walked in the order ruleutils.c prints them give the `""`s in turn. The statements are walked here (a query's target
list before its FROM and WHERE, an ORDER BY or GROUP BY printing its target entry again, INSERT's column subscripts
before its values, UPDATE SET (a, b) = (SELECT ...) printing its sublink at its last column, MERGE's source, join
condition and actions), their expressions in pg.param_exprs. The locations the tree holds are of no use (PostgreSQL
17+ writes -1). Where a form's print order is not modelled the walk says it cannot tell (None): no guess that would
swap two arguments silently."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from schemac.pg.node_trees import Untold, has_parameter, nonjunk
from schemac.pg.param_exprs import ExprWalk, multiple_assignment

# CmdType: 1 SELECT, 2 UPDATE, 3 INSERT, 4 DELETE, 5 MERGE; a MERGE action's also 7 DO NOTHING
_STATEMENTS = ("1", "2", "3", "4", "5")


def printed_parameters(tree: Any) -> Optional[list[int]]:
    """The paramid of each parameter reference (PARAM_EXTERN) of a prosqlbody tree, in the order
    pg_get_function_sqlbody prints them (once per print: an ORDER BY over a select-list item prints it twice); None
    where that order cannot be told."""
    walk = _BodyWalk()
    try:
        for query in _queries(tree):
            walk.query(query, [])
    except (Untold, LookupError, StopIteration, ValueError, TypeError, AttributeError):
        return None
    return walk.out


def _queries(tree: Any) -> Iterator[dict]:
    """A RETURN body is one Query; BEGIN ATOMIC's a list (of one list) of them."""
    if isinstance(tree, dict):
        yield tree
    else:
        for t in tree or ():
            yield from _queries(t)


class _BodyWalk(ExprWalk):
    """get_query_def's statements, each clause in the order it prints them."""

    def query(self, q: dict, stack: list[dict]) -> None:
        stack = [*stack, q]
        command = q["commandType"]
        if command not in _STATEMENTS or q.get("utilityStmt") is not None:
            if has_parameter(q):
                raise Untold
            return
        for cte in q.get("cteList") or ():  # get_with_clause (a CYCLE's marks are constants)
            self.query(cte["ctequery"], stack)
        if command == "1":
            self._select(q, stack)
            return
        if command == "3":
            self._insert(q, stack)
        elif command == "2":
            self.update_set(q.get("targetList"), stack)
            self._from(q, stack)
            self.expr(q["jointree"].get("quals"), stack)
        elif command == "4":
            self._from(q, stack)
            self.expr(q["jointree"].get("quals"), stack)
        else:
            self._merge(q, stack)
        self.expr(q.get("returningList"), stack)

    def _select(self, q: dict, stack: list[dict]) -> None:
        tlist = q.get("targetList") or []
        if q.get("isReturn") == "true":
            self.expr(tlist[0]["expr"], stack)
            return
        if q.get("setOperations") is not None:
            self._setop(q["setOperations"], q, stack)
        else:  # get_basic_select_query
            if q.get("hasDistinctOn") == "true":
                self.sortgroup(q.get("distinctClause"), tlist, stack)
            self.expr([t["expr"] for t in nonjunk(tlist)], stack)
            self._from(q, stack)
            self.expr(q["jointree"].get("quals"), stack)
            if q.get("groupingSets"):
                for g in q["groupingSets"]:
                    self.grouping_set(g, tlist, stack)
            else:
                self.sortgroup(q.get("groupClause"), tlist, stack)
            self.expr(q.get("havingQual"), stack)
            for w in q.get("windowClause") or ():
                if w.get("name") is not None:
                    self.window(w, tlist, stack)
            self.sortgroup(q.get("sortClause"), tlist, stack)  # (a set operation's ORDER BY prints column numbers)
        self.expr([q.get("limitOffset"), q.get("limitCount")], stack)

    def _insert(self, q: dict, stack: list[dict]) -> None:
        """get_insert_query_def: the column list's subscripts, then its SELECT, its VALUES rows or its one row of
        values, ON CONFLICT's index keys and predicate, its DO UPDATE SET and WHERE."""
        values = [self.indirection(t["expr"], stack) for t in nonjunk(q.get("targetList"))]
        source = [rte for rte in q.get("rtable") or () if rte.get("rtekind") in ("1", "5")]  # (a SELECT, VALUES)
        if source:
            self._rte(source[0], stack)
        else:
            self.expr(values, stack)
        conflict = q.get("onConflict")
        if conflict is not None:
            self.expr([conflict.get("arbiterElems"), conflict.get("arbiterWhere")], stack)
            self.update_set(conflict.get("onConflictSet"), stack)
            self.expr(conflict.get("onConflictWhere"), stack)

    def _merge(self, q: dict, stack: list[dict]) -> None:
        """get_merge_query_def: USING its source, ON (17+ mergeJoinCondition; 15, 16 the jointree's quals), each
        WHEN's condition and action (INSERT's column subscripts then VALUES, UPDATE's SET)."""
        self._from(q, stack)
        self.expr(q["mergeJoinCondition"] if "mergeJoinCondition" in q else q["jointree"].get("quals"), stack)
        for action in q.get("mergeActionList") or ():
            self.expr(action.get("qual"), stack)
            if action["commandType"] == "3":
                self.expr([self.indirection(t["expr"], stack) for t in nonjunk(action.get("targetList"))], stack)
            elif action["commandType"] == "2":
                self.update_set(action.get("targetList"), stack)

    def update_set(self, tlist: Any, stack: list[dict]) -> None:
        """get_update_query_targetlist_def: each `column[subscripts] = value`; the columns of `(a, b) = (SELECT
        ...)` print their sublink (a resjunk entry, in turn) at the last of them."""
        sources = iter([t["expr"] for t in tlist or () if t.get("resjunk") == "true"
                        and t["expr"][""] == "SUBLINK" and t["expr"].get("subLinkType") == "5"])
        current, remaining = None, 0
        for t in nonjunk(tlist):
            if current is None and multiple_assignment(t["expr"]):
                current = next(sources)
                remaining = len(nonjunk(current["subselect"].get("targetList")))
            value = self.indirection(t["expr"], stack)
            if current is not None:
                remaining -= 1
                if remaining > 0:
                    continue
                value, current = current, None
            self.expr(value, stack)

    def _from(self, q: dict, stack: list[dict]) -> None:
        """get_from_clause: the jointree's items but the statement's own target."""
        result = q.get("resultRelation")
        for item in q["jointree"].get("fromlist") or ():
            if not (item[""] == "RANGETBLREF" and item["rtindex"] == result):
                self._from_item(item, q, stack)

    def _from_item(self, item: dict, q: dict, stack: list[dict]) -> None:
        if item[""] == "RANGETBLREF":
            self._rte(q["rtable"][int(item["rtindex"]) - 1], stack)
        elif item[""] == "JOINEXPR":
            self._from_item(item["larg"], q, stack)
            self._from_item(item["rarg"], q, stack)
            self.expr(item.get("quals"), stack)
        elif has_parameter(item):
            raise Untold

    def _rte(self, rte: dict, stack: list[dict]) -> None:
        kind = rte.get("rtekind")  # (RTEKind: 0 relation, 1 subquery, 3 function, 4 XMLTABLE/JSON_TABLE, 5 VALUES)
        if kind == "1":
            self.query(rte["subquery"], stack)
        elif kind == "0":
            self.expr(rte.get("tablesample"), stack)
        elif kind == "3":
            self.expr([f.get("funcexpr") for f in rte.get("functions") or ()], stack)
        elif kind == "4":
            self.table_function(rte["tablefunc"], stack)
        elif kind == "5":
            self.expr(rte.get("values_lists"), stack)
        elif rte.get("groupexprs") is None and has_parameter(rte):
            raise Untold

    def _setop(self, node: dict, q: dict, stack: list[dict]) -> None:
        if node[""] == "RANGETBLREF":
            self._rte(q["rtable"][int(node["rtindex"]) - 1], stack)
        else:
            self._setop(node["larg"], q, stack)
            self._setop(node["rarg"], q, stack)
