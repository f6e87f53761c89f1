"""A SQL-standard body's query (a SELECT, with its subqueries, CTEs and joins) in compare.view_queries' normal form,
for comparing schema.yaml's text with Postgres's print of it where no print of it is recorded (`diff` without
state.json, a body edited since `generate`): no server is started.

Postgres stores a body's query resolved, as a view's, and prints it so: every column named by its relation
(`count(tm.c)`, `tm.c IN ( SELECT other.id FROM other)`, `(tm.c * 2) AS d` in a CTE), the casts it adds
(`(( SELECT max(tm.c) ...))::numeric`), output names, a join's FROM in parentheses (`FROM (tm JOIN other o ON
...)`) and a parameter by the function's name beside a table (`twice.x`). A view's query compared without its
recorded deparse is read the same way (`QueryForms`: the columns resolved by schema.yaml's tables, casts and
names undone), so a body's query is read by it too, after two steps of its own: the parentheses around a FROM's
joins dropped, and a parameter printed by the function's name written bare where no relation the statement reads
has a column of its name (Postgres reads a column first: a body switched from the column to the parameter stays a
change). An INSERT of a query is its target and columns, and its query; an UPDATE or a DELETE its target (and the
columns it sets), and the SELECT of its values over its relations (`_as_select`). Another statement, one with a
RETURNING list, or one these cannot read has no form."""

from __future__ import annotations

from typing import AbstractSet, Optional

from sqlglot import exp

from schemac.compare.query_sources import folded
from schemac.compare.view_queries import QueryForms, _sources
from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import parse_to_compare


def same_query(s: str, t: str, parameters: AbstractSet[str], function: str, schema) -> bool:
    """Whether statements `s` and `t` of one function's bodies are the same query (or INSERT of a query into the same
    columns) in the normal form of compare.view_queries over `schema` (schema.yaml's model.Schema), read as the
    module's docstring says."""
    forms = QueryForms(schema)
    a, b = (_parts(u) for u in (s, t))
    if a is None or b is None or a[0] != b[0]:
        return False
    form = forms.form(_prepared(a[1], parameters, function, forms) or "")
    return form is not None and form == forms.form(_prepared(b[1], parameters, function, forms) or "")


def _parts(statement: str) -> Optional[tuple[str, exp.Query]]:
    """A query (`""`, it), or an INSERT of one without RETURNING nor ON CONFLICT (its target and columns as sqlglot
    prints them, its query); None for any other statement or one that cannot be read."""
    try:
        tree = parse_to_compare(statement)
    except Exception:  # (sqlglot's errors)
        return None
    if isinstance(tree, exp.Query):
        return "", tree
    if isinstance(tree, exp.Insert) and isinstance(tree.expression, exp.Query) and \
            not any(tree.args.get(k) for k in ("returning", "conflict", "where", "overwrite", "alternative")):
        return tree.this.sql(dialect=DIALECT), tree.expression
    if isinstance(tree, (exp.Update, exp.Delete)):
        return _as_select(tree)
    return None


def _as_select(tree: exp.Update | exp.Delete) -> Optional[tuple[str, exp.Query]]:
    """An UPDATE without RETURNING (`UPDATE t SET a = e, ... FROM f WHERE w`: its target and the columns it sets,
    and `SELECT e, ... FROM t, f WHERE w`) or a DELETE likewise (`DELETE FROM t USING u WHERE w`: `SELECT 1 FROM t, u
    WHERE w`): the query whose columns resolve as the statement's do, so that the normal form reads them."""
    target = tree.this
    if not isinstance(target, exp.Table) or any(tree.args.get(k) for k in ("returning", "with", "order", "limit")):
        return None
    if isinstance(tree, exp.Update):
        sets = tree.expressions
        if not sets or not all(isinstance(e, exp.EQ) and isinstance(e.this, exp.Column) and not e.this.table
                               for e in sets):
            return None
        head = f"UPDATE {target.sql(dialect=DIALECT)} SET {', '.join(e.this.name for e in sets)}"
        values = [e.expression.copy() for e in sets]
        source = tree.args.get("from_") or tree.args.get("from")
        extra = [] if source is None else [source.this, *(j.this for j in source.args.get("joins") or ())]
    else:
        head, values = f"DELETE {target.sql(dialect=DIALECT)}", [exp.Literal.number(1)]
        extra = tree.args.get("using") or []
    select = exp.Select(expressions=values).from_(target.copy(), copy=False)
    select.set("joins", [exp.Join(this=x.copy()) for x in extra] or None)
    if tree.args.get("where") is not None:
        select.set("where", tree.args["where"].copy())
    return head, select


def _prepared(tree: exp.Query, parameters: AbstractSet[str], function: str, forms: QueryForms) -> Optional[str]:
    try:
        for select in list(tree.find_all(exp.Select)):
            _joins_unwrapped(select)
        read = _columns_read(tree, forms)
        if read is None or any(_hidden(column) for column in tree.find_all(exp.Column)):
            return None
        aliases = {a.name for a in tree.find_all(exp.TableAlias)} | {t.name for t in tree.find_all(exp.Table)}
        for column in list(tree.find_all(exp.Column)):
            if folded(column.args.get("table")) == function and function not in aliases and \
                    column.name in parameters and column.name not in read and not column.args.get("db"):
                column.set("table", None)
        return tree.sql(dialect=DIALECT)
    except Exception:  # (sqlglot's errors)
        return None


def _hidden(column: exp.Column) -> bool:
    """Whether `column` is qualified by a table's name that a SELECT it is in reads under another alias before one
    reading it by that name: Postgres hides the name behind the alias, so the column is an outer query's
    (`(SELECT max(tm.c) FROM tm tm_1)` is correlated), which the normal form's qualify would take for the inner one."""
    qualifier = folded(column.args.get("table"))
    if qualifier is None:
        return False
    scope = column.parent
    while scope is not None:
        if isinstance(scope, exp.Select):
            sources = [s for s in _sources(scope) if isinstance(s, (exp.Table, exp.Subquery))]
            if any(s.alias_or_name == qualifier for s in sources):
                return False
            if any(isinstance(s, exp.Table) and folded(s.this) == qualifier for s in sources):
                return True
        scope = scope.parent
    return False


def _joins_unwrapped(select: exp.Select) -> None:
    """A FROM of joins in parentheses (`FROM ((a JOIN b ON ...) JOIN c ON ...)`, as Postgres prints it) as the joins
    written without them: left-deep, the same joins in the same order."""
    source = select.args.get("from_") or select.args.get("from")
    if source is None:
        return
    node, joins = source.this, []
    while isinstance(node, exp.Subquery) and node.args.get("alias") is None and \
            isinstance(node.this, (exp.Subquery, exp.Table)):
        joins = list(node.args.get("joins") or []) + joins
        node = node.this
    if node is source.this or not isinstance(node, exp.Table):
        return
    joins = list(node.args.get("joins") or []) + joins
    node.set("joins", None)
    source.set("this", node)
    select.set("joins", joins + list(select.args.get("joins") or []))


def _columns_read(tree: exp.Expression, forms: QueryForms) -> Optional[set[str]]:
    """The names of the columns of every relation `tree` reads, and of every output it names (a CTE's, a
    subquery's); None where a relation's columns are unknown (then a parameter's name may be a column's)."""
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    names = {a.alias for a in tree.find_all(exp.Alias)} | {c.name for c in tree.find_all(exp.TableAlias)} | \
        {i.name for a in tree.find_all(exp.TableAlias) for i in a.columns}
    for table in tree.find_all(exp.Table):
        name = folded(table.this)
        if name in ctes and not table.args.get("db") or isinstance(table.this, exp.Func):
            continue  # (a CTE's, a function's in FROM: named by its alias, `g(g)`, or its outputs)
        columns = None if name is None else forms.columns_of(folded(table.args.get("db")) or "public", name)
        if columns is None:
            return None
        names.update(columns)
    return names
