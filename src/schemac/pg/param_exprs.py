"""An expression's parameters in the order ruleutils.c's get_rule_expr prints them (pg.param_order walks the
statements around): most nodes print their operands in the order outfuncs writes them; the ones that do not are
told here, each after the ruleutils function that prints it."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from schemac.pg.node_trees import Untold, has_parameter, nonjunk

# FuncExprs of SQL syntax (funcformat 3, COERCE_SQL_SYNTAX) that get_func_sql_syntax prints with their two arguments
# swapped: `x AT TIME ZONE zone` is timezone(zone, x) (1026, 1159, 2037, 2038, 2069, 2070), POSITION(sub IN s)
# position(s, sub) (849, 1698, 2014), TRIM(BOTH chars FROM s) btrim(s, chars) (884, 2015), LEADING ltrim (875, 6195),
# TRAILING rtrim (876, 6196). The others (OVERLAPS, SUBSTRING, OVERLAY, EXTRACT, NORMALIZE, XMLEXISTS) print theirs in
# order. (Built-in OIDs are fixed by pg_proc.dat: the same on 15, 16 and 18.)
_SWAPPED = frozenset({"849", "875", "876", "884", "1026", "1159", "1698", "2014", "2015", "2037", "2038", "2069",
                      "2070", "6195", "6196"})

# nodes printed with their operands in the order outfuncs writes them
_IN_ORDER = {"OPEXPR", "DISTINCTEXPR", "NULLIFEXPR", "SCALARARRAYOPEXPR", "BOOLEXPR", "RELABELTYPE", "COERCEVIAIO",
             "CONVERTROWTYPEEXPR", "COLLATEEXPR", "CASEEXPR", "CASEWHEN", "ARRAYEXPR", "ROWEXPR", "ROWCOMPAREEXPR",
             "COALESCEEXPR", "MINMAXEXPR", "NULLTEST", "BOOLEANTEST", "COERCETODOMAIN", "NAMEDARGEXPR", "FIELDSELECT",
             "TARGETENTRY", "GROUPINGFUNC", "XMLEXPR", "TABLESAMPLECLAUSE", "SORTGROUPCLAUSE", "INFERENCEELEM",
             # SQL/JSON (16+): IS JSON's operand; JSON_VALUE/QUERY/EXISTS's item, path, PASSING, ON EMPTY, ON ERROR
             "JSONISPREDICATE", "JSONEXPR", "JSONBEHAVIOR"}
# coercions ruleutils leaves out (strip_implicit_coercions), by the field holding their form (2: COERCE_IMPLICIT_CAST)
_IMPLICIT = {"FUNCEXPR": "funcformat", "RELABELTYPE": "relabelformat", "COERCEVIAIO": "coerceformat",
             "ARRAYCOERCEEXPR": "coerceformat", "CONVERTROWTYPEEXPR": "convertformat",
             "COERCETODOMAIN": "coercionformat"}


class ExprWalk:
    """One walk of a body's tree: the paramid of each parameter reference met, in print order (`out`). A
    sublink's query is walked by `query` (pg.param_order's statements)."""

    def __init__(self) -> None:
        self.out: list[int] = []

    def query(self, q: dict, stack: list[dict]) -> None:
        raise NotImplementedError

    def expr(self, x: Any, stack: list[dict]) -> None:
        if isinstance(x, list):
            for item in x:
                self.expr(item, stack)
            return
        if not isinstance(x, dict):
            return
        kind = x[""]
        if kind == "PARAM":
            if x.get("paramkind") == "0":
                self.out.append(int(x["paramid"]))
        elif kind == "VAR":  # (18: a grouped expression is a Var of the query's GROUP RTE, printed as the expression)
            level = len(stack) - int(x.get("varlevelsup") or 0)
            rtable, number = stack[level - 1].get("rtable") or [], int(x["varno"])
            if 0 < number <= len(rtable) and rtable[number - 1].get("groupexprs"):
                self.expr(rtable[number - 1]["groupexprs"][int(x["varattno"]) - 1], stack[:level])
        elif kind == "SUBLINK":
            self.expr(x.get("testexpr"), stack)
            self.query(x["subselect"], stack)
        elif kind == "FUNCEXPR":
            args = x.get("args") or []
            swapped = x.get("funcformat") == "3" and x.get("funcid") in _SWAPPED and len(args) == 2
            self.expr(args[::-1] if swapped else args, stack)
        elif kind == "ARRAYCOERCEEXPR":  # (its elemexpr reads a placeholder of each element)
            self.expr(x.get("arg"), stack)
        elif kind == "SUBSCRIPTINGREF":
            if x.get("refassgnexpr") is not None and has_parameter(x):  # (an assignment: printed by its statement)
                raise Untold
            self.expr(x.get("refexpr"), stack)
            self.subscripts(x, stack)
        elif kind == "AGGREF":
            self.expr(x.get("aggdirectargs"), stack)
            args = x.get("args") or []
            if x.get("aggkind") not in ("o", "h"):  # (else agg(direct) WITHIN GROUP (ORDER BY args))
                self.expr([t["expr"] for t in nonjunk(args)], stack)
            self.sortgroup(x.get("aggorder"), args, stack)
            self.expr(x.get("aggfilter"), stack)
        elif kind == "WINDOWFUNC":
            self.expr([x.get("args"), x.get("aggfilter")], stack)
            q = stack[-1]
            w = next(w for w in q.get("windowClause") or () if w["winref"] == x["winref"])
            if w.get("name") is None:
                self.window(w, q.get("targetList") or [], stack)
        elif kind == "JSONVALUEEXPR":  # (its formatted_expr is raw_expr again, coerced: not printed)
            self.expr(x.get("raw_expr"), stack)
        elif kind == "JSONCONSTRUCTOREXPR":  # JSON_OBJECTAGG/JSON_ARRAYAGG print their aggregate, the others args
            self.expr(x["func"] if x.get("func") is not None else x.get("args"), stack)
        elif kind in _IN_ORDER:
            for field, value in x.items():
                if field:
                    self.expr(value, stack)
        elif has_parameter(x):
            raise Untold

    def subscripts(self, ref: dict, stack: list[dict]) -> None:
        """printSubscripts: each [lower:upper] in turn."""
        upper, lower = ref.get("refupperindexpr") or [], ref.get("reflowerindexpr") or []
        for n, u in enumerate(upper):
            self.expr([lower[n] if n < len(lower) else None, u], stack)

    def sortgroup(self, clauses: Any, tlist: list[dict], stack: list[dict]) -> None:
        """An ORDER BY, GROUP BY, DISTINCT ON or PARTITION BY: each item its target entry's expression, printed
        again."""
        for c in clauses or ():
            self.expr(next(t["expr"] for t in tlist if t.get("ressortgroupref") == c["tleSortGroupRef"]), stack)

    def grouping_set(self, g: dict, tlist: list[dict], stack: list[dict]) -> None:
        """get_rule_groupingset: a simple set's items (kind 1) by their target entries, ROLLUP (2), CUBE (3) and
        GROUPING SETS (4) each of its sets in turn, () (0) nothing."""
        if g["kind"] == "1":
            self.sortgroup([{"tleSortGroupRef": ref} for ref in g.get("content") or () if ref != "i"], tlist, stack)
        else:
            for inner in g.get("content") or ():
                self.grouping_set(inner, tlist, stack)

    def window(self, w: dict, tlist: list[dict], stack: list[dict]) -> None:
        """get_rule_windowspec: PARTITION BY (unless inherited), ORDER BY (unless copied), the frame's offsets."""
        if w.get("refname") is None:
            self.sortgroup(w.get("partitionClause"), tlist, stack)
        if w.get("copiedOrder") != "true":
            self.sortgroup(w.get("orderClause"), tlist, stack)
        self.expr([w.get("startOffset"), w.get("endOffset")], stack)

    def table_function(self, tf: dict, stack: list[dict]) -> None:
        """get_xmltable: XMLNAMESPACES, the row expression, PASSING, then each column's DEFAULT before its PATH;
        get_json_table (17+, functype 1): the item and PASSING (each column's copy of PASSING is not printed), each
        column's ON EMPTY and ON ERROR."""
        if tf.get("functype") == "1":
            doc = tf["docexpr"]
            self.expr([doc.get("formatted_expr"), doc.get("passing_values")], stack)
            for c in tf.get("colvalexprs") or ():
                if isinstance(c, dict):
                    self.expr([c.get("on_empty"), c.get("on_error")], stack)
            return
        self.expr([tf.get("ns_uris"), tf.get("rowexpr"), tf.get("docexpr")], stack)
        for default, path in zip_longest(tf.get("coldefexprs") or (), tf.get("colexprs") or ()):
            self.expr([default, path], stack)

    def indirection(self, node: Any, stack: list[dict]) -> Any:
        """processIndirection: a target column's subfield (FieldStore) or subscripts (an assigning
        SubscriptingRef) printed after its name, down to the value assigned, which is returned (printed later)."""
        while isinstance(node, dict):
            if node[""] == "FIELDSTORE":
                node = node["newvals"][0]
            elif node[""] == "SUBSCRIPTINGREF" and node.get("refassgnexpr") is not None:
                self.subscripts(node, stack)
                node = node["refassgnexpr"]
            elif node[""] == "COERCETODOMAIN" and node.get("coercionformat") == "2":
                node = node["arg"]  # (ruleutils backs up to the domain where no assignment is under it: same print)
            else:
                break
        return node


def multiple_assignment(node: Any) -> bool:
    """Whether a SET target is a column of `(a, b) = (SELECT ...)` (a PARAM_MULTIEXPR under its indirection and
    implicit coercions), as get_update_query_targetlist_def digs for it."""
    while isinstance(node, dict):
        kind = node[""]
        if kind == "FIELDSTORE":
            node = node["newvals"][0]
        elif kind == "SUBSCRIPTINGREF" and node.get("refassgnexpr") is not None:
            node = node["refassgnexpr"]
        elif kind in _IMPLICIT and node.get(_IMPLICIT[kind]) == "2":
            node = (node.get("args") or [None])[0] if kind == "FUNCEXPR" else node.get("arg")
        else:
            break
    return isinstance(node, dict) and node[""] == "PARAM" and node.get("paramkind") == "3"
