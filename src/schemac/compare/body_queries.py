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
change). An INSERT of a query or VALUES is its target and columns (the table's all where none is written, as
Postgres prints them), and its query; an UPDATE or a DELETE its target (and the columns it sets), and the SELECT
of its values over its relations (`_as_select`); a MERGE (15+) its target and WHEN clauses' skeleton, and the
SELECT of its conditions and values over target and source (`_merged`). A RETURNING list (printed `RETURNING
tm.c`, `*` spelled out) is read as a select list over the statement's relations (the target alone for an
INSERT), a WITH's CTEs as a query's, on each of those SELECTs; an INSERT's ON CONFLICT as its arbiter and
action, and the SELECTs of its index predicate and of DO UPDATE's values and WHERE over the target and `excluded`
(`_conflict`). Another statement (a CTE modifying data), or one these cannot read, has no form."""

from __future__ import annotations

from typing import AbstractSet, Optional

from sqlglot import exp

from schemac.compare.query_sources import folded
from schemac.compare.view_queries import QueryForms, _sources
from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import parse_to_compare
from schemac.pg.refnames import parenthesised_join


def same_query(s: str, t: str, parameters: AbstractSet[str], function: str, schema) -> bool:
    """Whether statements `s` and `t` of one function's bodies are the same query (or INSERT, UPDATE, DELETE or MERGE
    of the same target and columns, its queries and RETURNING list the same) in the normal form of
    compare.view_queries over `schema` (schema.yaml's model.Schema), read as the module's docstring says."""
    forms = QueryForms(schema)
    a, b = (_parts(u, forms) for u in (s, t))
    if a is None or b is None or a[0] != b[0] or len(a[1]) != len(b[1]):
        return False
    for x, y in zip(a[1], b[1]):
        form = forms.form(_prepared(x, parameters, function, forms) or "")
        if form is None or form != forms.form(_prepared(y, parameters, function, forms) or ""):
            return False
    return True


def _parts(statement: str, forms: QueryForms) -> Optional[tuple[str, list[exp.Query]]]:
    """A query (`""`, [it]); a data-modifying statement as its head (what it changes, as sqlglot prints it) and the
    queries whose columns resolve as its expressions do (`_inserted`, `_as_select`, `_merged`), its WITH's CTEs on
    each; None for any other statement (a CTE modifying data) or one that cannot be read."""
    try:
        tree = parse_to_compare(statement)
    except Exception:  # (sqlglot's errors)
        return None
    if isinstance(tree, exp.Query):
        return "", [tree]
    if not all(isinstance(c.this, exp.Query) for c in tree.find_all(exp.CTE)):
        return None
    if isinstance(tree, exp.Insert):
        return _inserted(tree, forms)
    if isinstance(tree, (exp.Update, exp.Delete)):
        return _as_select(tree)
    if isinstance(tree, exp.Merge):
        return _merged(tree, forms)
    return None


def _with(query: exp.Query, ctes: Optional[exp.With]) -> exp.Query:
    """`query` under the statement's WITH (its CTEs read as the statement's expressions read them)."""
    if ctes is not None:
        query.set("with_", ctes.copy())
    return query


def _returned(tree: exp.Expression) -> list[exp.Expression]:
    returning = tree.args.get("returning")
    return [] if returning is None else [e.copy() for e in returning.expressions]


def _inserted(tree: exp.Insert, forms: QueryForms) -> Optional[tuple[str, list[exp.Query]]]:
    """An INSERT of a query or VALUES: its target and columns (every column of the table where none is written, as
    Postgres prints it), its query, its ON CONFLICT's (`_conflict`), and `SELECT <its RETURNING list> FROM <target>`."""
    if any(tree.args.get(k) for k in ("where", "overwrite", "alternative")):
        return None
    query, target, ctes = tree.expression, tree.this, tree.args.get("with_")
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(query, (exp.Query, exp.Values)) or not isinstance(table, exp.Table) or \
            ctes is not None and not isinstance(query, exp.Query):
        return None
    if isinstance(target, exp.Schema):
        columns = [c.name for c in target.expressions]
    else:
        columns = forms.columns_of(folded(table.args.get("db")) or "public", folded(table.this) or "") or []
        if not columns:
            return None
    head = f"INSERT {table.sql(dialect=DIALECT)} ({', '.join(columns)})"
    queries = [_with(query.copy(), ctes) if isinstance(query, exp.Query) else query.copy()]
    conflict = tree.args.get("conflict")
    if conflict is not None:
        arbiter = _conflict(conflict, table)
        if arbiter is None:
            return None
        head += arbiter[0]
        queries += arbiter[1]
    returned = _returned(tree)
    if returned:
        queries.append(_with(exp.Select(expressions=returned).from_(table.copy(), copy=False), ctes))
        head += " RETURNING"
    return head, queries


def _conflict(conflict: exp.OnConflict, table: exp.Table) -> Optional[tuple[str, list[exp.Query]]]:
    """An INSERT's ON CONFLICT: its arbiter (the key columns or the constraint) and action with the columns DO UPDATE
    sets, and the SELECTs of the arbiter's index predicate over the target and of the SET values and WHERE over the
    target and `excluded` (Postgres prints `ON CONFLICT(id) WHERE (c > 0) DO UPDATE SET c = (excluded.c + t.c)`)."""
    action = conflict.args.get("action")
    keys, constraint = conflict.args.get("conflict_keys") or [], conflict.args.get("constraint")
    if conflict.args.get("duplicate") or not isinstance(action, exp.Var) or \
            not all(isinstance(k, exp.Ordered) and isinstance(k.this, exp.Column) and not k.this.table for k in keys):
        return None
    head = " ON CONFLICT" + (f" ({', '.join(k.this.name for k in keys)})" if keys else "") + \
        (f" ON CONSTRAINT {folded(constraint)}" if constraint is not None else "") + f" {action.name.upper()}"
    queries: list[exp.Query] = []
    predicate = conflict.args.get("index_predicate")
    if predicate is not None:
        head += " WHERE"
        queries.append(exp.Select(expressions=[exp.Literal.number(1)], where=predicate.copy()).from_(
            _bare(table), copy=False))
    if action.name.upper() == "DO UPDATE":
        sets = _sets(conflict.expressions)
        if sets is None:
            return None
        select = exp.Select(expressions=sets[1]).from_(table.copy(), copy=False)
        excluded = _bare(table)
        excluded.set("alias", exp.TableAlias(this=exp.to_identifier("excluded")))
        select.set("joins", [exp.Join(this=excluded)])
        if conflict.args.get("where") is not None:
            select.set("where", conflict.args["where"].copy())
        head += f" SET {sets[0]}"
        queries.append(select)
    elif action.name.upper() != "DO NOTHING" or conflict.expressions:
        return None
    return head, queries


def _bare(table: exp.Table) -> exp.Table:
    """`table` without its alias (an index predicate's columns, `excluded`, read the table by its own name)."""
    out = table.copy()
    out.set("alias", None)
    return out


def _as_select(tree: exp.Update | exp.Delete) -> Optional[tuple[str, list[exp.Query]]]:
    """An UPDATE (`UPDATE t SET a = e, ... FROM f WHERE w RETURNING r, ...`: its target and the columns it sets, and
    `SELECT e, ..., r, ... FROM t, f WHERE w`) or a DELETE likewise (`DELETE FROM t USING u WHERE w`: `SELECT 1 FROM
    t, u WHERE w`): the query whose columns resolve as the statement's do, so that the normal form reads them."""
    target = tree.this
    if not isinstance(target, exp.Table) or any(tree.args.get(k) for k in ("order", "limit")):
        return None
    if isinstance(tree, exp.Update):
        sets = _sets(tree.expressions)
        if not sets:
            return None
        head, values = f"UPDATE {target.sql(dialect=DIALECT)} SET {sets[0]}", sets[1]
        source = tree.args.get("from_") or tree.args.get("from")
        extra = [] if source is None else [source.this, *(j.this for j in source.args.get("joins") or ())]
    else:
        head, values = f"DELETE {target.sql(dialect=DIALECT)}", [exp.Literal.number(1)]
        extra = tree.args.get("using") or []
    returned = _returned(tree)
    select = exp.Select(expressions=values + returned).from_(target.copy(), copy=False)
    select.set("joins", [exp.Join(this=x.copy()) for x in extra] or None)
    if tree.args.get("where") is not None:
        select.set("where", tree.args["where"].copy())
    return head + (" RETURNING" if returned else ""), [_with(select, tree.args.get("with_"))]


def _sets(assignments: list[exp.Expression]) -> Optional[tuple[str, list[exp.Expression]]]:
    """An UPDATE's `SET a = e, ...` (a MERGE's too): the columns set, and copies of their values; None for another
    form (`SET (a, b) = ...`, a field or subscript set) or none."""
    if not assignments or not all(isinstance(e, exp.EQ) and isinstance(e.this, exp.Column) and not e.this.table
                                  for e in assignments):
        return None
    return ", ".join(e.this.name for e in assignments), [e.expression.copy() for e in assignments]


def _merged(tree: exp.Merge, forms: QueryForms) -> Optional[tuple[str, list[exp.Query]]]:
    """A MERGE (15+; RETURNING 17+): its target and the skeleton of its WHEN clauses (each INSERT's columns, every
    column of the table where none is written, as Postgres prints it), and `SELECT <ON>, <each WHEN's condition,
    SET and VALUES expressions>, <RETURNING list> FROM <target>, <source>`."""
    target, source, whens = tree.this, tree.args.get("using"), tree.args.get("whens")
    if not isinstance(target, exp.Table) or not isinstance(source, (exp.Table, exp.Subquery)) or whens is None or \
            tree.args.get("using_cond") or tree.args.get("on") is None:
        return None
    values, heads = [tree.args["on"].copy()], []
    for when in whens.expressions:
        then, condition = when.args.get("then"), when.args.get("condition")
        head = ("WHEN MATCHED" if when.args.get("matched") else "WHEN NOT MATCHED") + \
            (" BY SOURCE" if when.args.get("source") else "") + (" AND" if condition is not None else "") + " THEN "
        values += [condition.copy()] if condition is not None else []
        if isinstance(then, exp.Update):
            sets = _sets(then.expressions)
            if not sets:
                return None
            head, values = head + "UPDATE SET " + sets[0], values + sets[1]
        elif isinstance(then, exp.Insert):
            listed = [c.name for c in then.this.expressions] if isinstance(then.this, exp.Tuple) else None
            if then.args.get("expression") is None and listed == ["DEFAULT"]:
                head += "INSERT DEFAULT VALUES"
                heads.append(head)
                continue
            row = then.args.get("expression")
            columns = listed or forms.columns_of(folded(target.args.get("db")) or "public", folded(target.this) or "")
            if not isinstance(row, exp.Tuple) or not columns:
                return None
            head += f"INSERT ({', '.join(columns[:len(row.expressions)])})"
            values += [e.copy() for e in row.expressions]
        elif isinstance(then, exp.Var) and then.name.upper() in ("DELETE", "DO NOTHING"):
            head += then.name.upper()
        else:
            return None
        heads.append(head)
    returned = _returned(tree)
    select = exp.Select(expressions=values + returned).from_(target.copy(), copy=False)
    select.set("joins", [exp.Join(this=source.copy())])
    name = target.copy()
    name.set("alias", None)
    return f"MERGE {name.sql(dialect=DIALECT)} " + " ".join(heads) + (" RETURNING" if returned else ""), \
        [_with(select, tree.args.get("with_"))]


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
    while parenthesised_join(node):
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
