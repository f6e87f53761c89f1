"""The relations of a view's query as Postgres stores them, read before compare.view_queries resolves its columns:
a function in FROM (`generate_series(1, 3) g`, `unnest(tags) AS tag`, `LATERAL jsonb_array_elements(d) e`) as
`LATERAL f(...) AS alias(columns)`, its columns named as Postgres names them and a bare name of its alias as its one
column; a JOIN ... USING column named bare as the relation's Postgres prints (a NATURAL JOIN as its USING); JSON_TABLE's columns
named and its paths in their one spelling; JSON_OBJECT and JSON_ARRAY given the RETURNING type Postgres stores; `d->'k'` as a call's argument, which
sqlglot reads as a lambda."""

from __future__ import annotations

import re
from typing import Callable, Optional

from sqlglot import exp

from schemac.compare.jsonpath import canonical_jsonpath
from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import parse_to_compare
from schemac.pg.syntax import SpelledCall

# (schema, relation) -> its column names in order, or None where unknown
ColumnsOf = Callable[[str, str], Optional[list[str]]]
_CALL = re.compile(r'^\s*(?:[A-Za-z_][\w$]*\s*\.\s*)*([A-Za-z_][\w$]*)\s*(?:\(|$)')


def call_name(node: exp.Expression) -> Optional[str]:
    """The name of the function a call node calls, in lower case, as printed (sqlglot's own node for `count`)."""
    m = _CALL.match(node.sql(dialect=DIALECT))
    return None if m is None else m.group(1).lower()


# Built-in set-returning functions whose column is named by an OUT parameter (the others people put in FROM return
# one unnamed column, named after the alias: generate_series, unnest, regexp_split_to_table, jsonb_object_keys, ...)
_OUT_COLUMNS = {"jsonb_array_elements": ["value"], "json_array_elements": ["value"],
                "jsonb_array_elements_text": ["value"], "json_array_elements_text": ["value"],
                "jsonb_each": ["key", "value"], "json_each": ["key", "value"], "jsonb_each_text": ["key", "value"],
                "json_each_text": ["key", "value"]}
# Functions of one unnamed column whatever their arguments' types (a user's function: by its declared result)
_SCALAR = {"generate_series", "generate_subscripts", "regexp_split_to_table", "string_to_table", "jsonb_object_keys",
           "json_object_keys", "regexp_matches", "jsonb_path_query"}
FunctionColumns = Callable[[Optional[str], str], Optional[list[str]]]


def function_sources(select: exp.Select, columns_of: ColumnsOf, function_columns: FunctionColumns) -> None:
    """A function in FROM as Postgres stores it: `LATERAL f(...) AS alias(columns)` whatever the spelling (`FROM
    f(...) x`, `unnest(a) AS x`; a function in FROM may always read what precedes it), its columns named (an OUT
    parameter's name, else the alias's, else the function's), and a bare name of the alias of a function of one
    column (`e->>'n'` over `jsonb_array_elements(d) e`, `tag` over `unnest(tags) tag`) that column."""
    parts = [p for p in [select.args.get("from_"), *(select.args.get("joins") or [])] if p is not None]
    for n, part in enumerate(parts):
        node = part.this
        call = node.this if isinstance(node, (exp.Lateral, exp.Table)) else node if isinstance(node, exp.Unnest) else None
        if not isinstance(call, exp.Func) or isinstance(call, exp.Subquery):
            continue
        if isinstance(call, exp.Dot):
            continue
        name = "unnest" if isinstance(call, exp.Unnest) else call_name(call)
        if name is None:
            continue
        schema = node.db or None if isinstance(node, exp.Table) else None
        alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(name))
        alias = alias.copy()
        call = call.copy()
        if isinstance(call, exp.Unnest):
            call.set("alias", None)
        if isinstance(call, exp.JSONTable) and not alias.columns:
            _json_table_paths(call)
            alias.set("columns", [d.this.copy() for d in call.find_all(exp.JSONColumnDef)
                                  if isinstance(d.this, exp.Identifier)])
        if not alias.columns:
            columns = _OUT_COLUMNS.get(name) if schema in (None, "pg_catalog") else None
            if columns is None:
                columns = function_columns(schema, name)
                columns = [alias.name] if columns == [] else columns
            if columns is None and (name in _SCALAR or (name == "unnest" and len(call.expressions) == 1)):
                columns = [alias.name]
            if columns is None:
                continue
            alias.set("columns", [exp.to_identifier(c) for c in columns])
        part.set("this", exp.Lateral(this=call, alias=alias))
        bare_of_tables(call, [p.this for p in parts[:n]], columns_of)  # (qualify leaves a function's arguments)
        if len(alias.columns) == 1:
            for column in list(select.find_all(exp.Column)):
                if not column.table and column.name == alias.name and column.name != alias.columns[0].name \
                        and _scope(column) is select:
                    column.replace(exp.column(alias.columns[0].copy(), table=alias.this.copy()))


def _json_table_paths(call: exp.JSONTable) -> None:
    """JSON_TABLE's row and column paths in their one spelling (compare.jsonpath: `'$.n'` is stored `'$."n"'`)."""
    for node in [call, *call.find_all(exp.JSONColumnDef)]:
        path = node.args.get("path")
        if isinstance(path, exp.Literal) and path.is_string:
            canonical = canonical_jsonpath(path.this)
            if canonical is not None:
                node.set("path", exp.Literal.string("jsonpath:" + canonical))


def bare_of_tables(node: exp.Expression, sources: list, columns_of: ColumnsOf) -> None:
    """The bare column names in `node` (not in its subqueries) qualified by the one table of `sources` that has such a
    column, where every table's columns are known."""
    tables = [(s.alias_or_name, columns_of(folded(s.args.get("db")) or "public", folded(s.this))) for s in sources
              if isinstance(s, exp.Table) and isinstance(s.this, exp.Identifier)]
    if any(columns is None for _, columns in tables):
        return
    scope = node if isinstance(node, exp.Select) else _scope(node)
    for column in list(node.find_all(exp.Column)):
        if column.table or not isinstance(column.this, exp.Identifier) or _scope(column) is not scope:
            continue
        holding = [alias for alias, columns in tables if folded(column.this) in columns]  # type: ignore[operator]
        if len(holding) == 1:
            column.set("table", exp.to_identifier(holding[0]))


def folded(ident: Optional[exp.Expression]) -> Optional[str]:
    """An identifier's name as Postgres reads it (unquoted: in lower case)."""
    if not isinstance(ident, exp.Identifier):
        return None
    return ident.name if ident.quoted else ident.name.lower()


def arrows_read(tree: exp.Expression) -> None:
    """`doc->'items'` as a function's argument: sqlglot reads a lambda there (`x -> body`), which Postgres has not;
    read again as the operator, as it reads outside a call."""
    for node in list(tree.find_all(exp.Lambda)):
        if len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Identifier):
            node.replace(parse_to_compare(f"{node.expressions[0].sql(dialect=DIALECT)} -> "
                                          f"{node.this.sql(dialect=DIALECT)}"))


def _scope(node: exp.Expression) -> Optional[exp.Select]:
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Select):
        parent = parent.parent
    return parent


def _natural_as_using(join: exp.Join, before: list, columns_of: ColumnsOf) -> None:
    """A NATURAL JOIN as Postgres prints it: `JOIN u USING (the columns both sides have, in the left side's order)`,
    where every relation's columns are known and there is one."""
    def known(source) -> Optional[list[str]]:
        if not isinstance(source, exp.Table) or not isinstance(source.this, exp.Identifier):
            return None
        return columns_of(source.db or "public", source.name)

    left = [known(s) for s in before]
    right = known(join.this)
    if right is None or any(c is None for c in left):
        return
    common = list(dict.fromkeys(c for columns in left for c in columns if c in right))  # type: ignore[union-attr]
    if common:
        join.set("method", None)
        join.set("using", [exp.to_identifier(c) for c in common])


def using_columns(select: exp.Select, columns_of: ColumnsOf) -> None:
    """A column of a JOIN ... USING named bare: the left relation's (an inner or left join: Postgres's merged
    column is that one, and it prints it so), the right one's in a right join; a full join's stays bare."""
    joins = select.args.get("joins") or []
    parts = [select.args.get("from_"), *joins]
    for n, join in enumerate(parts):
        if n and str(join.args.get("method") or "").upper() == "NATURAL":
            _natural_as_using(join, [p.this for p in parts[:n]], columns_of)
    if not any(j.args.get("using") for j in joins):
        return
    qualifier: dict[str, exp.Identifier] = {}
    for n, join in enumerate(parts):
        if n == 0 or not join.args.get("using"):
            continue
        side = (join.side or "").upper()
        if side == "FULL":
            continue
        for using in join.args["using"]:
            name = using.name
            if name in qualifier:
                continue
            candidates = [join.this] if side == "RIGHT" else [p.this for p in parts[:n]]
            for source in candidates:
                if isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier):
                    known = columns_of(source.db or "public", source.name)
                    if known is not None and name in known:
                        qualifier[name] = exp.to_identifier(source.alias_or_name)
                        break
    for column in list(select.find_all(exp.Column)):
        if not column.table and column.name in qualifier and _scope(column) is select:
            column.set("table", qualifier[column.name].copy())




TypesOf = Callable[[str, str], Optional[dict[str, str]]]


_JSON_CALLS = frozenset({"JSON_ARRAY", "JSON_ARRAYAGG", "JSON_OBJECTAGG"})  # (pg.keywordcalls's SpelledCall)


def json_returning(select: exp.Select, types_of: TypesOf) -> None:
    """JSON_OBJECT(...), JSON_ARRAY(...) and the aggregates JSON_ARRAYAGG and JSON_OBJECTAGG of this SELECT written
    without RETURNING given the type Postgres stores: jsonb where an argument is jsonb, else json (where every
    argument's type is known: a constant, a cast, a column of one of its tables)."""
    sources = {s.alias_or_name: types_of(folded(s.args.get("db")) or "public", folded(s.this))
               for s in (p.this for p in [select.args.get("from_"), *(select.args.get("joins") or [])] if p is not None)
               if isinstance(s, exp.Table) and isinstance(s.this, exp.Identifier)}
    for node in list(select.find_all(exp.JSONObject, SpelledCall)):
        if _scope(node) is not select:
            continue
        if isinstance(node, exp.JSONObject):
            if node.args.get("return_type"):
                continue
            args = [kv.expression for kv in node.expressions if isinstance(kv, exp.JSONKeyValue)]
        elif str(node.this).upper() in _JSON_CALLS and not any(
                isinstance(p, exp.Var) and p.this.upper() == "RETURNING" for p in node.expressions):
            parts = node.expressions  # (JSON_OBJECTAGG's values: after `:`; JSON_ARRAYAGG's ORDER BY: no value)
            args = [p for i, p in enumerate(parts) if not isinstance(p, (exp.Var, exp.Order)) and
                    (str(node.this).upper() != "JSON_OBJECTAGG" or (i and parts[i - 1] == exp.Var(this=":")))]
        else:
            continue
        kinds = [_type_of(a, sources) for a in args]
        if not args or None in kinds:
            continue
        returning = exp.DataType.build("jsonb" if "jsonb" in kinds else "json", dialect=DIALECT)
        if isinstance(node, exp.JSONObject):
            node.set("return_type", returning)
        else:
            node.set("expressions", [*node.expressions, exp.Var(this="RETURNING"), returning])


def _type_of(node: exp.Expression, sources: dict) -> Optional[str]:
    """`jsonb`, another type's name, or None where it is not known here."""
    if isinstance(node, (exp.Literal, exp.Null, exp.Boolean)):
        return "constant"
    if isinstance(node, exp.Cast):
        return node.to.sql(dialect=DIALECT).lower()
    if isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier):
        name = folded(node.this)
        if node.table:
            types = sources.get(node.table)
            return None if types is None else types.get(name)  # type: ignore[arg-type]
        found = [types[name] for types in sources.values() if types is not None and name in types]
        return found[0] if len(found) == 1 and all(t is not None for t in sources.values()) else None
    return None


_ROW = "*row*"  # the column name standing for a whole-row reference (`c` of `FROM customers c`) in a normal form


def whole_rows(tree: exp.Expression) -> None:
    """A relation's whole row in one spelling, once qualify read it (a bare name of a relation's alias that is no
    column, `f(c)`, `SELECT c`: sqlglot's TableColumn): `(c).id` is its field `c.id`; Postgres's `c.*` as an
    argument and `c.*::schema.table AS c` as an output column are the row."""
    for node in list(tree.find_all(exp.TableColumn)):
        field = node.parent.parent if isinstance(node.parent, exp.Paren) else None
        if isinstance(field, exp.Dot) and field.this is node.parent and isinstance(field.expression, exp.Identifier):
            field.replace(exp.column(field.expression.copy(), table=node.this.copy()))
        else:
            node.replace(exp.Column(this=exp.to_identifier(_ROW, quoted=True), table=node.this.copy()))
    for node in list(tree.find_all(exp.Column)):
        if not isinstance(node.this, exp.Star) or not node.table:
            continue
        cast = node.parent if isinstance(node.parent, exp.Cast) else None
        if cast is None and isinstance(node.parent, (exp.Select, exp.Alias)):
            continue  # (`SELECT c.*`: its columns)
        if cast is not None and not _row_type(cast, node):
            continue
        (cast or node).replace(exp.Column(this=exp.to_identifier(_ROW, quoted=True), table=node.args["table"].copy()))


def _row_type(cast: exp.Cast, star: exp.Column) -> bool:
    """Whether a cast of `t.*` is to its relation's own row type (how Postgres prints a whole row as an output)."""
    scope = _scope(star)
    while scope is not None:
        for s in (p.this for p in [scope.args.get("from_"), *(scope.args.get("joins") or [])] if p is not None):
            if isinstance(s, exp.Table) and s.alias_or_name == star.table:
                return cast.to.sql(dialect=DIALECT).split(".")[-1].strip('"') == s.name
        scope = _scope(scope)
    return False
