"""A view's query in one normal form, for comparing a query as a person wrote it in schema.yaml with Postgres's
deparse of it (pg_get_viewdef) where no recorded deparse of schema.yaml's query is at hand (`diff` without
state.json, a query edited since `generate`, a view the throwaway build could not make): no server is started.

Postgres stores a view's query resolved, and prints it back its own way: every column named by the relation it
resolves to where more than one could hold it (inside a CTE, a subquery, a join: `u.qty`), a table's alias as
it chose it (`r r_1` where a recursive CTE reads itself), `*` spelled out as the columns it stood for when the view
was made, every output column named (`count(*) AS count`, `1 AS "?column?"`, a UNION's later branches after the
first's), `FETCH FIRST n ROWS ONLY` as `LIMIT n`, an ORDER BY of an output column's name or a GROUP BY of its
position as its expression, and the expression rewrites the normal form of compare.normalize undoes (casts of
constants, parentheses, `NULLS LAST` of an ascending key). Both texts are read the same way here: every column
resolved (sqlglot's qualify, by the relations' columns `columns_of` gives: each side's own schema), each relation
named by its place (`_0`, `_1`, ... in the order they appear), `*` expanded, each output column named as
Postgres names it (FigureColname), a UNION's later branches unnamed; then compare.rewrite's normal form of the
whole tree. A text this cannot read has no form (None): it is then compared as written.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from sqlglot import exp
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from schemac.compare.normalize import search_path
from schemac.compare.rewrite import _parenthesize, _rewrite_tree
from schemac.compare.view_casts import output_types, own_type_casts_dropped
from schemac.pg.dialect import DIALECT
from schemac.pg.query_renames import set_leaves
from schemac.pg.expressions import parse_to_compare
from schemac.pg.indexdef import top_level_items
from schemac.compare.query_sources import (ColumnsOf, FunctionColumns, TypesOf, arrows_read, bare_of_tables, call_name,
                                           folded, function_sources, json_returning, using_columns,
                                           whole_rows)

_UNNAMED = "?column?"
# A type's last name as Postgres's grammar makes it (FigureColname names an unnamed cast after it)
_TYPE_NAMES = {"int": "int4", "integer": "int4", "bigint": "int8", "smallint": "int2", "real": "float4",
               "double precision": "float8", "float": "float8", "boolean": "bool", "decimal": "numeric",
               "character varying": "varchar", "char": "bpchar", "character": "bpchar",
               "timestamp with time zone": "timestamptz", "time with time zone": "timetz", "bit varying": "varbit",
               "timestamp without time zone": "timestamp", "time without time zone": "time"}
# The name Postgres gives a JSON_TABLE path given none (`'$.a[*]' AS json_table_path_0`), which sqlglot cannot read
_JSON_TABLE_PATH_NAME = re.compile(r"(?<=')\s+AS\s+json_table_path_\d+\b", re.I)
_SETOF = re.compile(r"^\s*SETOF\s+", re.I)


def output_name(node: exp.Expression) -> tuple[str, int]:
    """The name Postgres gives an output column of this expression without an alias, and how firmly (2 a name of
    its own, 1 a fallback such as `case` or a cast's type, 0 none: `?column?`): parser's FigureColnameInternal."""
    if isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier):
        return node.this.name, 2
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Identifier):
        return node.expression.name, 2
    if isinstance(node, (exp.Paren, exp.Bracket, exp.Collate, exp.Filter)):
        return output_name(node.this)
    if isinstance(node, exp.Window):
        return output_name(node.this)
    if isinstance(node, exp.Cast):
        name, strength = output_name(node.this)
        if strength > 1:
            return name, strength
        to = re.sub(r"\(.*\)|\[\]", "", node.to.sql(dialect=DIALECT)).strip().lower()
        return _TYPE_NAMES.get(to, to.split(".")[-1].strip('"')), 1
    if isinstance(node, exp.Case):
        name, strength = output_name(node.args["default"]) if node.args.get("default") else ("", 0)
        return (name, strength) if strength > 1 else ("case", 1)
    if isinstance(node, exp.Exists):
        return "exists", 2
    if isinstance(node, exp.Array):
        return "array", 2
    if isinstance(node, exp.Tuple):
        return "row", 2
    if isinstance(node, exp.Interval):
        return "interval", 1
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) and node.this.expressions:
        first = node.this.expressions[0]
        return (first.alias, 2) if isinstance(first, exp.Alias) else output_name(first)
    if isinstance(node, exp.Func) and not isinstance(node, (exp.Binary, exp.Predicate, exp.Unary)):
        name = call_name(node)
        if name is not None:
            return name, 2
    return _UNNAMED, 0


def _name_outputs(tree: exp.Expression) -> list[exp.Select]:
    """Every output column of every SELECT given the name Postgres gives it; the SELECTs whose names nothing
    reads (a set operation's branches after its first), which are unnamed after qualify names them."""
    later: list[exp.Select] = []
    for op in tree.find_all(exp.SetOperation):
        if not isinstance(op.parent, exp.SetOperation):
            later += [s for s in set_leaves(op)[1:] if isinstance(s, exp.Select)]
    for select in tree.find_all(exp.Select):
        for item in list(select.expressions):
            if not isinstance(item, (exp.Alias, exp.Column, exp.Star)):
                item.replace(exp.alias_(item.copy(), output_name(item)[0], quoted=True))
    return later


def _positions_and_names(select: exp.Select) -> None:
    """A GROUP BY, ORDER BY or DISTINCT ON key given by position, an ORDER BY or DISTINCT ON key by an output
    column's name: the
    output column's expression, as Postgres prints it (a constant's position stays a number)."""
    outputs = [e.this if isinstance(e, exp.Alias) else e for e in select.expressions]
    names = {e.alias: e.this for e in select.expressions if isinstance(e, exp.Alias)}
    keys: list[tuple[exp.Expression, bool]] = []
    if select.args.get("group"):
        keys += [(k, False) for k in select.args["group"].expressions]
    if select.args.get("order"):
        keys += [(k.this, True) for k in select.args["order"].expressions]
    if isinstance(select.args.get("distinct"), exp.Distinct) and select.args["distinct"].args.get("on"):
        keys += [(k, True) for k in select.args["distinct"].args["on"].expressions]
    for key, by_name in keys:
        if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.this) <= len(outputs):
            target = outputs[int(key.this) - 1]
            if not isinstance(target, (exp.Literal, exp.Null, exp.Boolean)):
                key.replace(target.copy())
        elif by_name and isinstance(key, exp.Column) and not key.table and key.name in names:
            key.replace(names[key.name].copy())


def _fetch_as_limit(select: exp.Select) -> None:
    fetch = select.args.get("limit")
    options = fetch.args.get("limit_options") if isinstance(fetch, exp.Fetch) else None
    if isinstance(fetch, exp.Fetch) and not (options and (options.args.get("with_ties") or options.args.get("percent"))):
        select.set("limit", exp.Limit(expression=fetch.args.get("count") or exp.Literal.number(1)))


def _sources(select: exp.Select) -> list[exp.Expression]:
    """The relations of a SELECT's FROM and JOINs that carry an alias (tables, subqueries, VALUES, functions)."""
    out = []
    for part in [select.args.get("from_") or select.args.get("from"), *(select.args.get("joins") or [])]:
        if part is None:
            continue
        out.append(part.this)
    return out


def _flattened(tree: exp.Expression) -> exp.Expression:
    """AND and OR chains read left to right, however written (Postgres keeps one list of a chain's operands and
    prints it without parentheses: `a AND (b AND c)`, BETWEEN's two comparisons, is `a AND b AND c`)."""
    for kind in (exp.And, exp.Or):
        for node in list(tree.find_all(kind)):
            if isinstance(node.parent, kind) or node.parent is None and node is not tree:
                continue
            operands = list(node.flatten())
            if len(operands) > 2:
                chain = operands[0]
                for operand in operands[1:]:
                    chain = kind(this=chain, expression=operand)
                if node is tree:
                    tree = chain
                else:
                    node.replace(chain)
    return tree


def _left_sets(tree: exp.Expression) -> None:
    """`(a UNION ALL b) UNION c` as `a UNION ALL b UNION c` (Postgres parenthesizes a set operation's left operand;
    UNION and EXCEPT read left to right: the same tree). INTERSECT, which binds tighter, keeps its parentheses."""
    for node in list(tree.find_all(exp.Union, exp.Except)):
        left = node.this
        if isinstance(left, exp.Subquery) and isinstance(left.this, (exp.Union, exp.Except)) and \
                not any(left.args.get(k) for k in ("alias", "order", "limit", "offset")) and \
                not any(left.this.args.get(k) for k in ("order", "limit", "offset", "with_")):
            node.set("this", left.this)


def _frames(tree: exp.Expression) -> None:
    """A window frame's words in capitals (`rows between 1 preceding`: sqlglot keeps them as written)."""
    for spec in tree.find_all(exp.WindowSpec):
        for key in ("kind", "start_side", "end_side", "start", "end"):
            if isinstance(spec.args.get(key), str):
                spec.set(key, spec.args[key].upper())


def _canonical_aliases(tree: exp.Expression, table_names: bool = True) -> None:
    """Every relation's alias replaced by its place (`_0`, `_1`, ...), and every column's qualifier with it: a
    qualifier is the alias of the nearest enclosing SELECT's relation so named (Postgres's scoping; a table's own
    name too with `table_names`, for qualify's aliases, though Postgres hides a table's name behind its alias)."""
    renames: dict[int, dict[str, str]] = {}  # id(select) -> alias -> its canonical name
    n = 0
    for select in tree.find_all(exp.Select, bfs=False):
        for source in _sources(select):
            alias = source.args.get("alias")
            if isinstance(alias, exp.TableAlias) and alias.name:
                canonical = f"_{n}"
                n += 1
                renames.setdefault(id(select), {})[alias.name] = canonical
                if table_names and isinstance(source, exp.Table) and source.name:  # (qualify's alias of `"Things"` is `things`)
                    renames[id(select)].setdefault(source.name, canonical)
                alias.set("this", exp.to_identifier(canonical, quoted=True))
    for column in list(tree.find_all(exp.Column)):
        if not column.table:
            continue
        scope = column.parent
        while scope is not None:
            if isinstance(scope, exp.Select) and column.table in renames.get(id(scope), {}):
                column.set("table", exp.to_identifier(renames[id(scope)][column.table], quoted=True))
                break
            scope = scope.parent


def _schema_mapping(tree: exp.Expression, columns_of: ColumnsOf) -> MappingSchema:
    """sqlglot's schema ({schema: {relation: {column: type}}}, names as they are) of the relations `tree` names and
    `columns_of` knows."""
    mapping: dict[str, dict[str, dict[str, str]]] = {}
    for table in tree.find_all(exp.Table):
        name = folded(table.this)
        if name is None:
            continue
        schema = folded(table.args.get("db")) or "public"
        columns = columns_of(schema, name)
        if columns is not None:
            mapping.setdefault(schema, {})[name] = {c: "unknown" for c in columns}
    return MappingSchema(mapping, dialect=DIALECT, normalize=False)


def _formed(text: str, columns_of: ColumnsOf, function_columns: FunctionColumns = lambda schema, name: None,
            types_of: TypesOf = lambda schema, name: None) -> Optional[exp.Expression]:
    """The tree of a view's query in normal form but for compare.rewrite's; None where it cannot be read so."""
    try:
        tree = parse_to_compare(_JSON_TABLE_PATH_NAME.sub("", text))
        if isinstance(tree, exp.Values):  # (`VALUES (1, 'a')`: nothing to resolve)
            return tree
        if not isinstance(tree, exp.Query):
            return None
        arrows_read(tree)
        own_type_casts_dropped(tree, types_of)
        for select in list(tree.find_all(exp.Select)):
            function_sources(select, columns_of, function_columns)
            using_columns(select, columns_of)
            json_returning(select, types_of)
        later = _name_outputs(tree)
        tree = qualify(tree, dialect=DIALECT, db="public", schema=_schema_mapping(tree, columns_of),
                       validate_qualify_columns=False, expand_alias_refs=False, identify=True)
        whole_rows(tree)
        for select in later:
            for item in list(select.expressions):
                if isinstance(item, exp.Alias):
                    item.replace(item.this)
        for select in list(tree.find_all(exp.Select)):
            _positions_and_names(select)
            _fetch_as_limit(select)
            for clause in ("group", "having"):  # (qualify leaves a name an output column has too: `GROUP BY a`)
                if select.args.get(clause) is not None:
                    bare_of_tables(select.args[clause], _sources(select), columns_of)
        _canonical_aliases(tree)
        for table in tree.find_all(exp.Table):
            if table.db == "public":
                table.set("db", None)
        _frames(tree)
        _left_sets(tree)
        return tree
    except Exception:  # (sqlglot's errors, and what its optimizer does not expect of a query it read)
        return None


def query_form(text: str, columns_of: ColumnsOf, function_columns: FunctionColumns = lambda schema, name: None,
               types_of: TypesOf = lambda schema, name: None) -> Optional[str]:
    """The normal form of a view's query (see the module's docstring); None where it cannot be read so."""
    tree = _formed(text, columns_of, function_columns, types_of)
    try:
        # (the declared extensions' schemas read bare, as compare.normalize reads them: `ext.similarity(...)`)
        return None if tree is None else \
            _parenthesize(_flattened(_rewrite_tree(tree, search_path()))).sql(dialect=DIALECT)
    except Exception:
        return None


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def _output_names(tree: exp.Query) -> Optional[list[str]]:
    """The names of a query's output columns (its first SELECT's), None where a `*` is left (columns unknown)."""
    first = set_leaves(tree)[0]
    if not isinstance(first, exp.Select):
        return None
    names = []
    for item in first.expressions:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            return None
        names.append(item.alias if isinstance(item, exp.Alias) else item.name)
    return names


class QueryForms:
    """The normal forms of queries over one schema (a model.Schema): its tables' columns, its views' (Postgres's
    answer where known, else their queries' output names, worked out the same way)."""

    def __init__(self, schema) -> None:
        self.schema = schema
        self.views = {v.key: v for v in schema.views}
        self.forms: dict[str, Optional[str]] = {}
        self.outputs: dict[tuple[str, str], Optional[list[str]]] = {}
        self.types: dict[tuple[str, str], Optional[dict[str, str]]] = {}

    def columns_of(self, schema: str, name: str) -> Optional[list[str]]:
        table = self.schema.table(schema, name)
        if table is not None:
            return [c.name for c in table.columns] or None
        view = self.views.get((schema, name))
        if view is None:
            return None
        if view.output:
            return [c.name for c in view.output]
        if (schema, name) not in self.outputs:
            self.outputs[schema, name] = None  # (a view reading itself: unknown while it is worked out)
            tree = _formed(view.query, self.columns_of, self.function_columns)
            self.outputs[schema, name] = None if tree is None else _output_names(tree)
        return self.outputs[schema, name]

    def types_of(self, schema: str, name: str) -> Optional[dict[str, str]]:
        """A table's or a view's columns' types (the view's where Postgres's answer is known)."""
        table = self.schema.table(schema, name)
        if table is not None:
            return {c.name: c.type for c in table.columns}
        view = self.views.get((schema, name))
        if view is None or view.output:
            return {c.name: c.type for c in view.output} if view is not None else None
        if (schema, name) not in self.types:  # (schema.yaml's view: what its query tells; None while worked out)
            self.types[schema, name] = None
            self.types[schema, name] = output_types(_formed(view.query, self.columns_of, self.function_columns,
                                                            self.types_of), self.types_of)
        return self.types[schema, name]

    def function_columns(self, schema: Optional[str], name: str) -> Optional[list[str]]:
        """The columns of a function of the schema called in FROM: its OUT parameters', its TABLE(...)'s, a
        table's it returns the rows of; [] for one column of another type (named after the alias); None: unknown."""
        results = {(f.returns or "", tuple(a.name for a in f.arguments if a.mode in ("out", "inout")))
                   for f in self.schema.functions if f.name == name and f.schema == (schema or "public")}
        if len(results) != 1:
            return None
        ((returns, outs),) = results
        if outs:
            return None if None in outs else list(outs)  # type: ignore[arg-type]
        of = _SETOF.sub("", returns).strip()
        if of.upper().startswith("TABLE(") and of.endswith(")"):
            return [_unquoted(item.split()[0]) for item in top_level_items(of[6:-1])]
        if of.lower() == "record":
            return None
        rel_schema, _, rel = of.rpartition(".")
        return self.columns_of(_unquoted(rel_schema or "public"), _unquoted(rel)) or []  # (a row type's columns)

    def form(self, text: str) -> Optional[str]:
        if text not in self.forms:
            self.forms[text] = query_form(text, self.columns_of, self.function_columns, self.types_of)
        return self.forms[text]


def query_forms(current, desired) -> Callable[[str, str], bool]:
    """Whether a query over `current` (a model.Schema: the database's) means what one over `desired` does, by
    their normal forms (each resolved against its own schema)."""
    old, new = QueryForms(current), QueryForms(desired)

    def same(old_text: str, new_text: str) -> bool:
        form = old.form(old_text)
        return form is not None and form == new.form(new_text)
    return same
