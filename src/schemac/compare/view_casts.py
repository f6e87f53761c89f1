"""Casts of a column to its own type in a view's query, dropped before the query is compared as written.

`n.geometry::geometry(PointZ,21781)` of a geometry(PointZ,21781) column, `p.id::integer` of an integer one,
`v::varchar(20)` of a varchar(20): Postgres's parser has nothing to do (coerce_type returns the column as it is), so
pg_get_viewdef prints the column bare. A view whose deparse is unknown (one reading PostGIS, which the throwaway
server does not have) is compared by compare.view_queries' normal form, which without this kept the cast and saw
drift that never goes away. A cast is dropped where its operand is a column of a relation the same SELECT reads (by
its alias or name; an unqualified one where that SELECT reads one relation only) whose type, as `types_of` tells
(the tables' columns, a view's where known), has the cast's key (pg.cast_targets: aliases folded, typmod and all);
a cast to another modifier or type, or of a column resolved nowhere, is kept. pg.noop_casts does the same for a
table's own expressions, where the column is named alone.
"""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.query_sources import TypesOf, folded
from schemac.pg.cast_targets import target_key, type_key
from schemac.pg.dialect import DIALECT


def _word(ident: Optional[exp.Expression]) -> str:
    """An identifier as Postgres reads it (query_sources.folded), "" where there is none."""
    return folded(ident) or ""


def _relations(select: exp.Select) -> dict[str, Optional[tuple[str, str]]]:
    """Each table a SELECT's FROM and JOINs read, by its alias or name: (schema, name); None for a CTE's name."""
    ctes = {_word(c.args["alias"].this) for c in select.root().find_all(exp.CTE) if c.args.get("alias") is not None}
    out: dict[str, Optional[tuple[str, str]]] = {}
    for part in [select.args.get("from_") or select.args.get("from"), *(select.args.get("joins") or [])]:
        table = part.this if part is not None else None
        if isinstance(table, exp.Table) and isinstance(table.this, exp.Identifier):
            alias = table.args.get("alias")
            key = _word(alias.this) if isinstance(alias, exp.TableAlias) and alias.this is not None else _word(table.this)
            schema = _word(table.args.get("db"))
            out[key] = None if not schema and _word(table.this) in ctes else (schema or "public", _word(table.this))
    return out


def _own_type(cast: exp.Cast, types_of: TypesOf) -> bool:
    column = cast.this
    while isinstance(column, exp.Paren):
        column = column.this
    select = cast.find_ancestor(exp.Select)
    if not isinstance(column, exp.Column) or not isinstance(column.this, exp.Identifier) or select is None \
            or column.args.get("db") is not None:
        return False
    relations = _relations(select)
    qualifier = _word(column.args.get("table"))
    if qualifier:
        relation = relations.get(qualifier)
    else:
        relation = next(iter(relations.values())) if len(relations) == 1 and not select.args.get("joins") else None
    types = types_of(*relation) if relation is not None else None
    own = types.get(_word(column.this)) if types else None
    return own is not None and type_key(own) is not None and type_key(own) == target_key(cast.to)


def own_type_casts_dropped(tree: exp.Expression, types_of: TypesOf) -> None:
    """`tree` (a parsed query, changed in place) without its casts of a column to its own type (above)."""
    casts = [c for c in tree.find_all(exp.Cast) if not isinstance(c, exp.TryCast)]
    for cast in sorted(casts, key=lambda c: -c.depth):  # the innermost first: `(c)::integer::integer`
        if cast.parent is not None and _own_type(cast, types_of):
            cast.replace(cast.this.copy())


def output_types(tree: Optional[exp.Expression], types_of: TypesOf) -> Optional[dict[str, str]]:
    """The types of a view's output columns its query tells without a server (a view schema.yaml declares, whose
    Postgres answer is unknown): a column of a relation read (`types_of`'s type) or a cast (its type); the other
    columns left out; None where the query is no plain SELECT."""
    if not isinstance(tree, exp.Select):
        return None
    relations = _relations(tree)
    out = {}
    for item in tree.expressions:
        node = item.this if isinstance(item, exp.Alias) else item
        name = item.alias if isinstance(item, exp.Alias) else item.name
        if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
            out[name] = node.to.sql(dialect=DIALECT)
        elif isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier):
            relation = relations.get(_word(node.args.get("table")))
            types = types_of(*relation) if relation is not None else None
            if types and _word(node.this) in types:
                out[name] = types[_word(node.this)]
    return out
