"""What reads a composite type's attribute renamed by `renamed_from:` (ALTER TYPE ... RENAME ATTRIBUTE), as Postgres
has it after the rename: views and materialized views, CHECKs, index expressions, columns' defaults and generated
expressions, policies, triggers' WHEN, statistics and domains' CHECKs store their expressions parsed, naming the attribute by number, and
print the new name (pg.field_renames). The current schema is given them so, for the comparisons: without it each was
replaced or made again for nothing (a materialized view's rows computed again, an index built again, a generated
column dropped and added before 17)."""

from __future__ import annotations

from typing import Callable, Optional

from schemac.compare.attribute_renames import attribute_moves
from schemac.model import Function, Schema, Table, View
from schemac.model.frozen import replace
from schemac.pg.lazy import lazy
from schemac.pg.names import format_type_ident
from schemac.pg.routines import result_types

Fields = lazy("schemac.pg.field_renames", "Fields")
fields_renamed = lazy("schemac.pg.field_renames", "fields_renamed")
body_renamed = lazy("schemac.pg.field_renames", "body_renamed")
type_of = lazy("schemac.pg.field_renames", "type_of")
enclosing_selects = lazy("schemac.pg.refnames", "enclosing_selects")
items = lazy("schemac.pg.refnames", "items")
ctes_in_scope = lazy("schemac.pg.refnames", "ctes_in_scope")
folded = lazy("schemac.pg.refnames", "folded")


def readers_follow_attributes(current: Schema, desired: Schema) -> Schema:
    """`current` with the readers of each attribute `desired` renames (`renamed_from:`) as they print after the
    RENAME ATTRIBUTE (a domain's CHECK too: `(VALUE).a`); one whose field selections are not all told apart (a
    function's result, a cast's) as it was."""
    if not current.composite_types or not any(a.renamed_from for c in desired.composite_types for a in c.attributes):
        return current  # (most diffs)
    cur = {(c.schema, c.name): c for c in current.composite_types}
    renames = {(c.schema, c.name): dict(moves) for c in desired.composite_types if (c.schema, c.name) in cur
               for moves in [attribute_moves(cur[(c.schema, c.name)], c)] if moves}
    if not renames:
        return current
    fields, relations = _fields(current, renames), _relations(current)
    return replace(_readers(current, fields, relations),
                   views=tuple(_view(v, _text(fields), fields, relations, renames) for v in current.views))


def fields_followed(current: Schema, renames: dict[tuple[str, str], dict[str, str]],
                    moved: Optional[dict] = None) -> Schema:
    """`current`'s tables (CHECKs, indexes, defaults, generated columns, policies, triggers' WHEN, statistics),
    SQL-standard bodies and domains' CHECKs as Postgres prints them after the RENAME COLUMNs `renames` (table key ->
    old name -> new) of the tables whose row type they select fields of: `(f(t.*)).old` prints `(f(t.*)).new`, and
    a body replaced, or a CHECK, index or generated column made again, for nothing (a RETURN body replaced before the
    rename named a field the table did not have yet). Views: row_fields_followed, as compare.views renames them.
    `moved`: the tables renamed or moved (old key -> new), which a text may name either way (_row_type)."""
    return _readers(current, _fields(current, renames, moved), _relations(current, moved), moved) if renames \
        else current


def _readers(current: Schema, fields, relations: dict, moved: Optional[dict] = None) -> Schema:
    """`current` with its tables', standard bodies' and domains' CHECKs' field selections renamed (`fields.renames`)."""
    text = _text(fields)
    tables = tuple(_table(t, text, _resolver(fields, relations, t.key, moved=moved),
                          _resolver(fields, relations, t.key, ("new", "old"), moved=moved)) for t in current.tables)
    functions = tuple(_function(f, fields, relations, moved) if f.standard_body else f for f in current.functions)
    domains = tuple(replace(d, checks=tuple(replace(c, expression=text(c.expression, _resolver(
        fields, {}, ("", ""), (), {"value": d.type}))) for c in d.checks)) if d.checks else d
        for d in current.domains)
    return replace(current, tables=tables, functions=functions, domains=domains)


def _text(fields) -> Callable[[Optional[str], Callable], Optional[str]]:
    """An expression's text with its field selections renamed; as it was where one is not told."""
    def text(value: Optional[str], resolve: Callable) -> Optional[str]:
        if value is None:
            return None
        after = fields_renamed(value, fields, resolve)
        return value if after is None else after
    return text


def row_fields_followed(current: Schema, renames: dict[tuple[str, str], dict[str, str]],
                        moved: Optional[dict] = None) -> Callable:
    """A view (or a SQL-standard body) as Postgres prints it after the RENAME COLUMNs `renames` (table or view key ->
    old name -> new) of the tables or views whose row type it selects fields of: `(f(t.*)).old`, f returning the row
    type, prints `(f(t.*)).new AS old` (a FieldSelect names the column by number; pg.query_renames.column_renamed
    renames column references only). Its deparse as it was where a selection of a field of a renamed column's name
    is over a value whose type the model does not tell (a function of no schema read), or sqlglot cannot read it.
    `moved`: as fields_followed's."""
    fields, relations = _fields(current, both_keys(renames, moved), moved), _relations(current, moved)
    return lambda o: _deparse_renamed(o, fields, relations, moved) if isinstance(o, View) else \
        _function(o, fields, relations, moved) if o.standard_body else o


def both_keys(renames: dict, moved: Optional[dict]) -> dict:
    """`renames` (relation key -> old name -> new) under the old key and the new one of each relation `moved`: a
    text, and a function's signature naming its row type, may name it either way (a view renamed by `renamed_from:`
    is read by its new name in its readers' deparse, its row type by its old one until compare.type_moves follows)."""
    out = dict(renames)
    for old, new in (moved or {}).items():
        if old in renames or new in renames:
            out[old] = out[new] = renames.get(new, renames.get(old))
    return out


def _fields(current: Schema, renames: dict, moved: Optional[dict] = None):
    """What field selections of `current` are resolved over (pg.field_renames.Fields): the attributes of its composite
    types and of its tables' and views' row types, its domains, its functions' overloads, and `renames`."""
    returns: dict[tuple[str, str], tuple] = {}
    for f in current.functions:
        ins = tuple(a.type for a in f.arguments if a.mode != "out")
        returns[(f.schema, f.name)] = returns.get((f.schema, f.name), ()) + ((
            ins, any(a.mode == "variadic" for a in f.arguments),
            None if not f.returns or f.returns.startswith("TABLE(") else result_types(f.returns)[0]),)
    attributes = _relations(current, moved)
    attributes.update({(c.schema, c.name): {a.name: a.type for a in c.attributes} for c in current.composite_types})
    return Fields(attributes, {(d.schema, d.name): d.type for d in current.domains}, renames, returns)


def _relations(current: Schema, moved: Optional[dict] = None) -> dict:
    """Each table's and view's columns (key -> name -> type), for _resolver; a table `moved` under its old key and
    its new one alike (the model may hold either, a text name either)."""
    relations = {t.key: {c.name: c.type for c in t.columns} for t in current.tables}
    relations.update({(v.schema, v.name): {c.name: c.type for c in v.output if c.type} for v in current.views})
    for old, new in (moved or {}).items():
        if old in relations or new in relations:
            relations[old] = relations[new] = relations.get(new, relations.get(old))  # type: ignore[assignment]
    return relations


def _deparse_renamed(v: View, fields, relations: dict, moved: Optional[dict] = None) -> View:
    """`v` with its deparse's field selections renamed (its output columns keep their names); as it was where one is
    not told, or where it is known by its query as written only (compared as written)."""
    if v.definition is None:
        return v
    after = fields_renamed(v.definition, fields, _resolver(fields, relations, (v.schema, v.name), moved=moved))
    if after is None or after == v.definition:
        return v
    return replace(v, definition=after, query=after if v.query == v.definition else v.query)


def _function(f: Function, fields, relations: dict, moved: Optional[dict] = None) -> Function:
    """`f` with its SQL-standard body renamed (its parameters' fields; what it reads of relations): Postgres stores it
    parsed, as a view's query."""
    params = {a.name: a.type for a in f.arguments if a.name and a.mode != "out"}
    after = body_renamed(f.body, fields, _resolver(fields, relations, ("", f.name), (), params, moved))
    return f if after is None else replace(f, body=after)


def _table(t: Table, text: Callable, resolve: Callable, when: Callable) -> Table:
    """`t` with its CHECKs, index and exclusion expressions, columns' defaults and generated expressions, policies,
    triggers' WHEN and statistics' expressions renamed."""
    return replace(
        t, checks=tuple(replace(c, expression=text(c.expression, resolve)) for c in t.checks),
        indexes=tuple(_index(i, text, resolve) for i in t.indexes),
        exclusions=tuple(_index(x, text, resolve) for x in t.exclusions),
        columns=tuple(replace(c, default=text(c.default, resolve), generated=text(c.generated, resolve))
                      if c.generated or c.default else c for c in t.columns),
        policies=tuple(replace(p, using=text(p.using, resolve), with_check=text(p.with_check, resolve))
                       for p in t.policies),
        triggers=tuple(replace(g, when=text(g.when, when)) if g.when else g for g in t.triggers),
        statistics=tuple(replace(x, elements=tuple(text(e, resolve) for e in x.elements)) for x in t.statistics))


def _index(i, text: Callable, resolve: Callable):
    """An index (or exclusion constraint) with its elements' expressions and its WHERE renamed."""
    return replace(i, elements=tuple(replace(e, expression=text(e.expression, resolve)) if e.expression else e
                                     for e in i.elements), where=text(i.where, resolve))


def _view(v: View, text: Callable, fields, relations: dict, renames: dict) -> View:
    """`v` with its deparse renamed (its output column keeps its name), what it reads named by the new names (pg_depend
    names the attribute it selects), a materialized view's indexes' expressions renamed."""
    if v.definition is None:  # (known by its query as written only: compared as written)
        return v
    depends = tuple(replace(d, column=renames[(d.schema, d.name)].get(d.column, d.column))
                    if d.kind == "column" and (d.schema, d.name) in renames else d for d in v.depends)
    return replace(_deparse_renamed(v, fields, relations), depends=depends,
                   indexes=tuple(_index(i, text, _resolver(fields, _own(v), (v.schema, v.name))) for i in v.indexes))


def _own(v: View) -> dict:
    return {(v.schema, v.name): {c.name: c.type for c in v.output if c.type}}


def _resolver(fields, relations: dict, owner: tuple[str, str], rows: tuple[str, ...] = (),
              own: Optional[dict] = None, moved: Optional[dict] = None) -> Callable:
    """A column's type, the column of a relation of the SELECT around it (innermost first: a table or view, a subquery,
    a CTE) or, outside any, bare or qualified by its name or one of `rows` (a trigger's NEW and OLD), of `owner`
    (`own`: its columns, a function's parameters); None where it is not told (a function's in FROM, a bare name two
    relations hold). A whole row `t.*`: its relation's row type, by its new name where it is `moved`."""
    mine = relations.get(owner, {}) if own is None else own

    def columns_of(source) -> Optional[dict]:
        return _columns_of(source, relations, ctes_in_scope(source), lambda e: type_of(e, fields, resolve))

    def resolve(col) -> Optional[str]:
        if col.is_star:  # (a whole row, `f(t.*)`, `f(s.t.*)`: its relation's row type, which picks f's overload)
            return _row_type(col, relations, owner if owner in relations else None, rows, moved or {})
        if col.args.get("db") is not None:
            return None
        name, qualifier = folded(col.this), col.table
        for select in enclosing_selects(col):
            sources = items(select)
            if qualifier:
                found = [s for s in sources if s.alias_or_name == qualifier]
            else:
                held = [columns_of(s) for s in sources]
                if any(h is None for h in held):
                    return None
                found = [s for s, h in zip(sources, held) if name in h]  # type: ignore[operator]
            if len(found) > 1:
                return None
            if found:
                return (columns_of(found[0]) or {}).get(name)
        return mine.get(name) if qualifier in ("", owner[1]) or qualifier.lower() in rows else None
    return resolve


def _row_type(star, relations: dict, owner: Optional[tuple[str, str]], rows: tuple[str, ...],
              moved: dict) -> Optional[str]:
    """The row type of the relation `star` (`t.*`, or `s.t.*` qualified by its schema) is of: the table or view of the
    schema its qualifier names in the SELECTs around it (innermost first; `s.t.*` the one FROM names `s.t` unaliased),
    else, outside any, `owner`'s (by its name, or one of `rows`; `s.t.*` by its schema and name, as schema.yaml may
    write a CHECK, an index, a policy, which state.json records so); None for another (a subquery's, a CTE's, a
    function's in FROM: a record). Named as the functions' signatures name it after
    compare.type_moves.row_types_moved: a table `moved` by its new name (a body still naming its old one)."""
    from sqlglot import exp
    if star.args.get("catalog") is not None:
        return None
    qualifier, schema = star.table, folded(star.args["db"]) if star.args.get("db") is not None else None
    for select in enclosing_selects(star):
        found = [s for s in items(select) if s.alias_or_name == qualifier]
        if schema is not None:  # (`s.t.*`: FROM's relation s.t itself; an alias hides it)
            found = [s for s in found if isinstance(s, exp.Table) and not s.alias and (s.db or "public") == schema]
        if len(found) > 1:
            return None
        if found:
            source = found[0]
            if not isinstance(source, exp.Table) or not isinstance(source.this, exp.Identifier) or \
                    not source.db and folded(source.this) in ctes_in_scope(source):
                return None
            key = (source.db or "public", folded(source.this))
            return _type_text(moved.get(key, key)) if key in relations else None
    if owner is None or not (qualifier == owner[1] and schema in (None, owner[0]) or
                             schema is None and qualifier.lower() in rows):
        return None
    return _type_text(moved.get(owner, owner))


def _type_text(key: tuple[str, str]) -> str:
    return f"{format_type_ident(key[0])}.{format_type_ident(key[1])}"


def _columns_of(source, relations: dict, ctes: set, typed: Callable) -> Optional[dict]:
    """The columns (name -> type, None where `typed` does not tell it) of a FROM item that is a table or view of the
    schema, a subquery or a CTE (its first SELECT's output, named by its alias's columns where it has them), else
    None."""
    from sqlglot import exp
    if isinstance(source, exp.Subquery) and isinstance(source.this, exp.Query):
        return _output(source.this, source.args.get("alias"), typed)
    if not isinstance(source, exp.Table) or not isinstance(source.this, exp.Identifier):
        return None
    if not source.db and folded(source.this) in ctes:
        cte = _cte(source, folded(source.this))
        return None if cte is None else _output(cte.this, cte.args.get("alias"), typed)
    return relations.get((source.db or "public", folded(source.this)))


def _cte(source, name: str):
    """The CTE `name` a FROM item reads (the innermost WITH around it holding one so named); None in a WITH RECURSIVE
    or from inside itself, whose output may be of itself."""
    for select in enclosing_selects(source):
        with_ = select.args.get("with_")
        for cte in (with_.expressions if with_ is not None else ()):
            if cte.args.get("alias") is not None and folded(cte.args["alias"].this) == name:
                inside = any(p is cte for p in _parents(source))
                return None if with_.args.get("recursive") or inside else cte
    return None


def _parents(node):
    while node.parent is not None:
        node = node.parent
        yield node


def _output(query, alias, typed: Callable) -> Optional[dict]:
    """A query's output columns (name -> type): its first SELECT's, as Postgres names a UNION's by its first."""
    from sqlglot import exp
    while isinstance(query, exp.SetOperation):
        query = query.this
    if not isinstance(query, exp.Select) or any(isinstance(e, exp.Star) for e in query.expressions):
        return None
    named = [folded(c) for c in alias.columns] if alias is not None and alias.columns else []
    out: dict = {}
    for i, e in enumerate(query.expressions):
        name = named[i] if i < len(named) else folded(e.args["alias"]) if isinstance(e, exp.Alias) else \
            folded(e.this) if isinstance(e, exp.Column) and isinstance(e.this, exp.Identifier) else \
            folded(e.expression) if isinstance(e, exp.Dot) and isinstance(e.expression, exp.Identifier) else None
        if name is not None:
            out.setdefault(name, typed(e.unalias()))
    return out
