"""What objects refer to and the keys that name them: the vocabulary of the planner's dependency graph
(plan.dependencies says which keys each change makes, removes, needs and frees)."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from schemac.compare.changes import set_aside_name
from schemac.compare.identities import IdentitySequence
from schemac.compare.opclasses import class_key
from schemac.compare.sqlbodies import named_types_of
from schemac.compare.view_binds import bound, is_operator
from schemac.compare.view_reads import view_keys, view_refs
from schemac.model import (Aggregate, Cast, Operator, OperatorClass, OperatorFamily, EventTrigger, ForeignDataWrapper,
                           ForeignServer, Publication, Check, Collation, Column, CompositeType, Domain, Enum, Exclusion,
                           Extension, ForeignKey, Function, Index, Policy, PrimaryKey, RangeType, Rule, Sequence,
                           Statistics, Table, TextSearchConfig, TextSearchDictionary, Trigger, INDEXED_KEY_TYPES,
                           UNIQUE_KEY_TYPES, View)
from schemac.model.collnames import collation_ref
from schemac.pg.calls import called_functions
from schemac.pg.named_refs import named_refs
from schemac.pg.expressions import referenced_columns, used_operators
from schemac.pg.partition_texts import partition_key_opclasses
from schemac.pg.knowntypes import EXTENSION_REQUIRES
from schemac.pg.names import call_parts, default_constraint_name, make_object_name, split_reference
from schemac.pg.policies import policy_refs
from schemac.pg.routines import cast_function_parts, result_types
from schemac.pg.sqlbody import conflict_arbiters, sql_body_refs, statement_refs
from schemac.pg.sqllex import folded
from schemac.pg.types import name_parts, type_name
from schemac.pg.verbatim import named_types, selected_fields
Key = tuple


def type_key(type_text: str) -> Key:
    """The type a column (or a domain) is of."""
    return ("type", *type_name(type_text))


def expression_refs(text: Optional[str], schema: str, table: Optional[str]) -> frozenset[Key]:
    """Sequences, configurations and collations an expression names (pg.named_refs), the types it casts to
    (`('x'::short)::text`: Postgres records the type and refuses its DROP under it), the columns of `table` it reads."""
    return _expression_refs(text, schema, table) if text else frozenset()


@lru_cache(maxsize=16384)  # a schema repeats its defaults and checks from table to table
def _expression_refs(text: str, schema: str, table: Optional[str]) -> frozenset[Key]:
    out = named_refs(text) | cast_type_keys(text)
    if table is not None:
        try:
            out |= {("column", schema, table, c) for c in referenced_columns(text)}
        except ValueError:
            pass
    return frozenset(out | function_refs(text))


def cast_type_keys(text: str) -> set[Key]:
    """The types a text casts to (pg.verbatim.named_types: after '::' or AS, before a string), each under its set-aside
    name too: a type set aside (an enum or a domain created again) holds what casts to it until dropped, so its DROP
    runs after."""
    return type_keys(named_types(text))


def type_keys(types) -> set[Key]:
    """("type", schema, name) of each (schema, name) of `types`, and under its set-aside name (cast_type_keys)."""
    return {k for schema, name in types for k in (("type", schema, name), ("type", schema, set_aside_name(name)))}


_ASIDE = set_aside_name("")


def aside_twins(refs) -> set[Key]:
    """The set-aside names among the types `refs` name (type_keys): a change's new side holds none (its expression
    casts to the type created again), so they do not cancel its old side's hold, freed before that type's DROP."""
    return {k for k in refs if k[0] == "type" and k[-1].endswith(_ASIDE)}


@lru_cache(maxsize=8192)
def function_refs(text: str) -> frozenset[Key]:
    """The functions an expression calls (pg.calls.called_functions) and the operators it names (every
    symbol: Postgres's own are keys nothing makes), as keys."""
    return frozenset({("function", schema, name) for schema, name in called_functions(text)} |
                     {("operator", schema, op) for schema, op in used_operators(text)})


def _identity_sequence(t: Table, column: str) -> Key:
    """The sequence of an identity column, under the name Postgres gives it (a standalone sequence may
    take that name once the identity is gone)."""
    return ("sequence", t.schema, make_object_name(t.name, column, "seq"))


def _condition_refs(t: Table, text: str) -> set[Key]:
    """The columns, tables and functions a condition that may hold subqueries names (a policy's, a rule's
    WHERE); its columns as columns of each table it names too (compare.readers)."""
    columns, tables, functions = policy_refs(text)
    out: set[Key] = {_col(t, c) for c in columns} | {("table", *x) for x in tables} | named_refs(text)
    out |= cast_type_keys(text)  # (the types it casts to: compare.cast_types)
    out |= {("column", *x, c) for x in tables for c in columns}
    return out | {("function", *f) for f in functions} | {("operator", *o) for o in used_operators(text)}


def _col(t: Table, name: str) -> Key:
    return ("column", t.schema, t.name, name)


def _table(t: Table) -> Key:
    return ("table", t.schema, t.name)


def relation_key(schema: str, name: str) -> Key:
    """A name in its schema's one namespace of relations (tables, views, sequences, composite types, indexes, a key's
    index): what drops or renames a relation away runs before what takes its name (another table's key renamed so)."""
    return ("relation", schema, name)


def _key_of(schema: str, table: str, columns) -> Key:
    return ("key", schema, table, frozenset(columns))


def _constraint_key(t: Table, c) -> Key:
    return ("constraint", t.schema, t.name, c.name or ("unnamed",) + tuple(getattr(c, "columns", ())))


def collation_keys(*objects) -> set[Key]:
    """The collations columns, keys and attributes name (as model.collnames names them)."""
    return {("collation", o.collation) for o in objects if getattr(o, "collation", None)}


def column_refs(t: Table, c: Column) -> set[Key]:
    out = set(_column_refs(c.type, c.collation, c.default, c.generated, t.schema, t.name if c.generated else None))
    out.add(_table(t))
    out.discard(_col(t, c.name))
    return out


@lru_cache(maxsize=16384)  # a schema repeats its column definitions from table to table
def _column_refs(type_text: str, collation: Optional[str], default: Optional[str], generated: Optional[str],
                 schema: str, table: Optional[str]) -> frozenset[Key]:
    """column_refs but the table's own keys: the type, collation, and what the default and generated
    expression read (a generated column's reads are of its table: `table`)."""
    out = {type_key(type_text)} | ({("collation", collation)} if collation else set())
    return frozenset(out | expression_refs(default, schema, None) | expression_refs(generated, schema, table))


def refs_of(t: Optional[Table], obj: object) -> set[Key]:
    """The keys `obj` (of table `t`, when it belongs to one) refers to."""
    if isinstance(obj, Column):
        return column_refs(t, obj)  # type: ignore[arg-type]
    if isinstance(obj, UNIQUE_KEY_TYPES):
        out = {_table(t)} | {_col(t, c) for c in obj.columns + obj.include}  # type: ignore[arg-type]
        out |= _default_classes(t, "btree", obj.columns)  # type: ignore[arg-type]
        if isinstance(obj, PrimaryKey):  # DROP NOT NULL is refused while the primary key stands
            out |= {("notnull", t.schema, t.name, c) for c in obj.columns}  # type: ignore[union-attr]
        return out
    if isinstance(obj, Check):
        return {_table(t)} | expression_refs(obj.expression, t.schema, t.name) | aside_refs(obj)  # type: ignore
    if isinstance(obj, ForeignKey):
        return ({_table(t), ("table", obj.ref_schema, obj.ref_table), _key_of(obj.ref_schema, obj.ref_table,
                                                                              obj.ref_columns)}
                | {_col(t, c) for c in obj.columns}  # type: ignore[arg-type]
                | {("column", obj.ref_schema, obj.ref_table, c) for c in obj.ref_columns})
    if isinstance(obj, (Index, Exclusion)):
        out = {_table(t)} | {_col(t, c) for c in obj.include} | collation_keys(*obj.elements)  # type: ignore
        for e in obj.elements:
            out |= {_col(t, e.column)} if e.column else expression_refs(e.expression, t.schema, t.name)  # type: ignore
        out |= {("operator class", *class_key(e.opclass)) for e in obj.elements if e.opclass}  # type: ignore[misc]
        out |= _default_classes(t, obj.method, [e.column for e in obj.elements if e.column and not e.opclass])  # type: ignore
        return out | expression_refs(obj.where, t.schema, t.name)  # type: ignore[union-attr]
    if isinstance(obj, Statistics):  # its table, its schema, the columns and functions it is on
        out = {_table(t), ("schema", obj.schema or t.schema)}  # type: ignore[union-attr]
        for e in obj.elements:
            out |= {_col(t, e)} if t is not None and t.column(e) is not None else expression_refs(e, t.schema, t.name)  # type: ignore
        return out
    if isinstance(obj, Rule):  # its table, what its condition calls, what its actions name (resolved at CREATE)
        out = {_table(t)} | (expression_refs(obj.where, t.schema, None) | _condition_refs(t, obj.where) if obj.where else set())  # type: ignore
        for action in obj.actions:  # columns: of any relation it names (compare.readers)
            relations, functions, columns = statement_refs(action)
            out |= {("table", *r) for r in relations} | {("function", *f) for f in functions}
            out |= {("column", *r, c) for r in relations for c in columns} | cast_type_keys(action)
        return out
    if isinstance(obj, Policy):  # its table, the columns, tables and functions its conditions name
        out = {_table(t)}  # type: ignore[arg-type]
        for text in (obj.using, obj.with_check):
            if text is not None:
                out |= _condition_refs(t, text)  # type: ignore[arg-type]
        return out
    if isinstance(obj, Trigger):  # its table and columns, the function it executes
        out = {_table(t), ("function", *split_reference(obj.function))} | {_col(t, c) for c in obj.update_columns}  # type: ignore
        if obj.referenced_table:  # a constraint trigger's FROM table
            out.add(("table", *split_reference(obj.referenced_table)))
        return out | (expression_refs(obj.when, t.schema, t.name) - {_col(t, "old"), _col(t, "new")})  # type: ignore
    if isinstance(obj, Domain):
        refs = {("schema", obj.schema), type_key(obj.type)} | expression_refs(obj.default, obj.schema, None) | collation_keys(obj)
        for check in obj.checks:  # a CHECK may call the user's functions (CHECK (is_valid_slug(VALUE))), cast to types
            refs |= function_refs(check.expression) | cast_type_keys(check.expression)
        return refs - {("type", obj.schema, obj.name)}
    if isinstance(obj, CompositeType):  # its schema, its attributes' types
        refs = {("schema", obj.schema)} | {type_key(a.type) for a in obj.attributes} | collation_keys(*obj.attributes)
        return refs - {("type", obj.schema, obj.name)}
    if isinstance(obj, RangeType):  # its schema, subtype, and the functions and operator class it names
        fns = {("function", *class_key(f)) for f in (obj.canonical, obj.subtype_diff) if f}  # (schema.yaml's spelling)
        opclass = {("operator class", *class_key(obj.subtype_opclass))} if obj.subtype_opclass else set()
        return {("schema", obj.schema), type_key(obj.subtype)} | fns | opclass | collation_keys(obj)
    if isinstance(obj, (Collation, TextSearchDictionary)):
        return {("schema", obj.schema)}
    if isinstance(obj, TextSearchConfig):  # and the dictionaries of a schema it maps to
        names = {d for m in obj.mappings for d in m.dictionaries if "." in d}
        return {("schema", obj.schema)} | {("text search dictionary", *name_parts(d)) for d in names}
    if isinstance(obj, Extension):  # its schema and the extensions it requires (pgrouting: postgis)
        return ({("schema", obj.schema)} if obj.schema else set()) | \
            {("extension", r) for r in EXTENSION_REQUIRES.get(obj.name, ())}
    if isinstance(obj, Enum):
        return {("schema", obj.schema)} if obj.schema else set()
    if isinstance(obj, Function):  # its signature names its arguments' types (DROP FUNCTION f(t)): "signature type"
        refs = {("schema", obj.schema)} | {type_key(a.type) for a in obj.arguments}
        refs |= {("signature type", *type_name(a.type)) for a in obj.arguments}
        refs |= {type_key(t) for t in result_types(obj.returns)}  # (a TABLE(...)'s columns' too)
        for a in obj.arguments:
            refs |= expression_refs(a.default, obj.schema, None)
        # the types a DEFAULT or a standard body casts to: Postgres records them; one set aside (an enum created
        # again) holds it under its set-aside name until the function is dropped (plan.dependencies._held_aside)
        refs |= type_keys(named_types_of(obj))
        if obj.standard_body:  # Postgres resolves what it names at CREATE: those first
            relations, functions, columns = sql_body_refs(obj.body)  # columns: of any table it names
            refs |= {("operator", *o) for o in used_operators(obj.body)}
            refs |= {("table", *r) for r in relations} | {("function", *f) for f in functions}
            refs |= {("column", *r, c) for r in relations for c in columns}
            # (a table's row read through a function it calls, `FROM all_t() all_t(id, c)`, `(one_t(1)).c`: compare.sqlbodies)
            refs |= {("column", *r, c) for r in obj.rows_read for c in columns | selected_fields(obj.body)}
            refs |= {relation_key(r[0], folded(t)) for t in conflict_arbiters(obj.body) for r in relations}  # (its key)
            # `(r).n` of an argument of a table's row type (or a composite's): recorded on that column (attribute)
            refs |= {("column", *type_name(a.type), c) for a in obj.arguments for c in selected_fields(obj.body)}
            refs |= aside_refs(obj)  # (renamed aside around its CREATE: view_binds)
            refs -= own_keys(None, obj)
        return refs
    if isinstance(obj, Aggregate):  # its schema, input and state types, support functions, SORTOP
        refs = {("schema", obj.schema)} | {type_key(t) for t in (*obj.arguments, obj.stype, obj.mstype) if t}
        refs |= {("operator", *class_key(obj.sortop))} if obj.sortop else set()  # type: ignore[misc]
        refs |= {("signature type", *type_name(t)) for t in obj.arguments}
        return refs | {("function", *split_reference(f)) for f in obj.functions()}
    if isinstance(obj, IdentitySequence):  # its comment: after the CREATE TABLE or ADD COLUMN that makes it
        return {("column", obj.schema, obj.table, obj.column)}
    if isinstance(obj, Sequence):  # OWNED BY is a change of its own (set_sequence_owner): see _owner
        return {("schema", obj.schema)}
    if isinstance(obj, Operator):  # its schema, argument types, functions (not its commutator: a shell stands in,
        # in the commutator's schema)
        fns = {("function", *split_reference(f)) for f in (obj.restrict, obj.join) if f}
        others = {("schema", obj.operator_key(x)[0]) for x in (obj.commutator, obj.negator) if x}
        return {("schema", obj.schema), ("function", *obj.function_key())} | fns | others | \
            {type_key(t) for t in (obj.left, obj.right) if t}
    if isinstance(obj, (OperatorClass, OperatorFamily)):  # its schema, types, operators, functions, family
        types = (obj.type, obj.storage) if isinstance(obj, OperatorClass) else ()
        types += tuple(x for m in (*obj.operators, *obj.functions) for x in (m.left, m.right))
        out = {("schema", obj.schema)} | {type_key(x) for x in types if x}
        out |= {("operator", *class_key(o.operator)) for o in obj.operators}  # type: ignore[misc]
        out |= {("function", *class_key(call_parts(f.function)[0])) for f in obj.functions}  # type: ignore[misc]
        return out | ({("operator family", *obj.family_key())} if getattr(obj, "family", None) else set())  # type: ignore
    if isinstance(obj, Cast):  # its types (named by DROP CAST: before an enum is set aside) and its function
        fn = cast_function_parts(obj)
        return {type_key(t) for t in obj.identity} | {("signature type", *type_name(t)) for t in obj.identity} | \
            ({("function", *fn[:2])} if fn else set())
    if isinstance(obj, Publication):  # its tables, the columns its lists and row filters name, its schemas
        out = {("schema", s) for s in obj.schemas}
        for m in obj.tables:
            out |= {("table", m.schema, m.name)} | {("column", m.schema, m.name, c) for c in m.columns or ()}
            out |= expression_refs(m.where, m.schema, m.name) if m.where else set()
        return out
    if isinstance(obj, EventTrigger):
        return {("function", *split_reference(obj.function))}
    if isinstance(obj, Table):  # a foreign table's server too
        return table_refs(obj)
    if isinstance(obj, View):  # what Postgres recorded it reads (compare.views), what its column defaults call, and the
        # overloads renamed aside around its CREATE (compare.view_binds): made before it
        return view_refs(obj) | view_default_refs(obj) | aside_refs(obj)
    return set()


def aside_refs(obj) -> set[Key]:
    """The overloads set aside around the CREATE of `obj` (`aside`: a function's renamed, an operator's moved)."""
    return {("operator", *bound(a)) if is_operator(bound(a)[1]) else ("function", *bound(a)) for a in obj.aside}


def view_default_refs(v: View) -> set[Key]:
    """The sequences and functions a view's column defaults (ALTER VIEW ... SET DEFAULT) name or call."""
    return {key for c in v.columns for key in expression_refs(c.default, v.schema, None)}


def _default_classes(t: Table, method: str, columns) -> set[Key]:
    """The default operator classes of the types of `columns` of `t` under `method`: keys a user's DEFAULT class
    makes (Postgres's own are keys nothing makes)."""
    out = set()
    for name in columns:
        col = t.column(name)
        if col is not None:
            out.add(("default operator class", method, *type_name(col.type)))
    return out


def table_refs(t: Table) -> set[Key]:
    """What CREATE TABLE needs: its schema, its columns' types and sequences, a partition's parent and
    the parent's columns, a foreign table's server (made first, dropped after the table: DROP SERVER refuses)."""
    out: set[Key] = {("schema", t.schema)} | ({("ForeignServer", t.foreign.server)} if t.foreign is not None else set())
    for c in t.columns:
        out |= column_refs(t, c)
    p = t.partition_of
    if p is not None:  # created PARTITION OF its parent, with the parent's columns
        out |= {("table", p.parent_schema, p.parent)} | {("column", p.parent_schema, p.parent, c.name) for c in t.columns}
    if p is None and t.partition_by is not None:  # the operator classes its partition key names
        out |= {("operator class", *class_key(c)) for c in partition_key_opclasses(t.partition_by.key) if c}  # type: ignore
    if t.of is not None:  # its composite type (ALTER TABLE ... OF follows): dropped after it
        out.add(type_key(t.of))
    for q in t.inherits:  # created INHERITS its parents, with their columns
        out |= {("table", q.schema, q.name)} | {("column", q.schema, q.name, c.name) for c in t.columns}
    for q in t.joins:  # made on its own, then INHERIT: after its parents, so each NOT NULL of theirs that Postgres
        out.add(("table", q.schema, q.name))  # names takes its name before the child declares it (names are the schema's)
    for schema, name in [(q.schema, q.name) for q in (*t.inherits, *t.joins)] + ([(p.parent_schema, p.parent)] if p else []):
        # and after their NOT NULLs: one made after the child is NOT VALID on it too when it is on the parent
        out |= {("notnull", schema, name, c.name) for c in t.columns if not c.nullable}
    return out - {_table(t)}


def table_members(t: Table) -> set[Key]:
    """The keys a table holds: dropping it removes them all, creating it makes those CREATE TABLE makes."""
    out = {_table(t), ("type", t.schema, t.name), relation_key(t.schema, t.name)} | {_col(t, c.name) for c in t.columns}
    out |= {_identity_sequence(t, c.name) for c in t.columns if c.identity is not None}
    out |= {("notnull", t.schema, t.name, c.name) for c in t.columns if not c.nullable}
    for member in (*t.constraints(), *t.indexes, *t.triggers, *t.rules, *t.policies, *t.statistics):
        out |= own_keys(t, member)
    return out


def own_keys(t: Optional[Table], obj: object) -> set[Key]:
    """The keys naming `obj` itself (a unique key also names what foreign keys can reference)."""
    if isinstance(obj, INDEXED_KEY_TYPES):  # and its index's name
        own = {_constraint_key(t, obj), relation_key(t.schema, obj.name or default_constraint_name(t, obj))}  # type: ignore
        return own | ({_key_of(t.schema, t.name, obj.columns)} if isinstance(obj, UNIQUE_KEY_TYPES) else set())  # type: ignore
    if isinstance(obj, (Check, ForeignKey)):
        return {_constraint_key(t, obj)}  # type: ignore[arg-type]
    if isinstance(obj, Trigger):
        return {("trigger", t.schema, t.name, obj.name)}  # type: ignore[union-attr]
    if isinstance(obj, Rule):
        return {("rule", t.schema, t.name, obj.name)}  # type: ignore[union-attr]
    if isinstance(obj, Statistics):
        return {("statistics", obj.schema or t.schema, obj.name)}  # type: ignore[union-attr]
    if isinstance(obj, Policy):
        return {("policy", t.schema, t.name, obj.name)}  # type: ignore[union-attr]
    if isinstance(obj, Index):
        keys = {("index", t.schema, t.name, obj.name), relation_key(t.schema, obj.name)}  # type: ignore[union-attr]
        if obj.unique and obj.where is None and all(e.column for e in obj.elements):
            keys.add(_key_of(t.schema, t.name, [e.column for e in obj.elements]))  # type: ignore[union-attr]
        return keys
    if isinstance(obj, (Enum, Domain)):
        return {("type", obj.schema, obj.name)}
    if isinstance(obj, CompositeType):
        return {("type", obj.schema, obj.name), relation_key(obj.schema, obj.name)}
    if isinstance(obj, RangeType):  # and the multirange type Postgres makes beside it
        return {("type", obj.schema, obj.name), ("type", obj.multirange_in, obj.multirange_name)}
    if isinstance(obj, Sequence):
        return {("sequence", obj.schema, obj.name), relation_key(obj.schema, obj.name)}
    if isinstance(obj, Extension):
        return {("extension", obj.name)}
    if isinstance(obj, Collation):
        return {("collation", collation_ref(obj.schema, obj.name))}
    if isinstance(obj, TextSearchConfig):
        return {("text search config", obj.schema, obj.name)}
    if isinstance(obj, TextSearchDictionary):
        return {("text search dictionary", obj.schema, obj.name)}
    if isinstance(obj, Operator):
        return {("operator", obj.schema, obj.name), ("operator", obj.schema, obj.name, obj.identity)}
    if isinstance(obj, OperatorFamily):
        return {("operator family", *obj.identity)}
    if isinstance(obj, OperatorClass):  # and its own family, and what names it as its type's default
        out = {("operator class", obj.schema, obj.name)} | ({("operator family", *obj.identity)} if not obj.family else set())
        return out | ({("default operator class", obj.method, *type_name(obj.type))} if obj.default else set())
    if isinstance(obj, (Function, Aggregate)):  # an aggregate is a pg_proc row too (views name it so)
        return {("function", obj.schema, obj.name), ("function", obj.schema, obj.name, obj.identity)}
    if isinstance(obj, Table):
        return {_table(obj), relation_key(obj.schema, obj.name)}
    if isinstance(obj, (Publication, EventTrigger, Cast, ForeignServer, ForeignDataWrapper)):
        return {(type(obj).__name__, obj.name)}
    if isinstance(obj, View):  # a relation ("table" key), and its columns
        return view_keys(obj)
    return set()


def replica_identity_key(t: Table) -> set[Key]:
    """The ("key", ...) mark of the unique index or key a table's REPLICA IDENTITY USING INDEX names: an index of another
    name over the same columns is made only after the old one is dropped (plan.graph: what removes a key runs before
    what makes it again), so the identity moves after both
    (Postgres lets the index of a replica identity be dropped)."""
    on = t.replica_identity_index
    named = [*(i for i in t.indexes if i.name == on),
             *(u for u in t.unique_keys() if (u.name or default_constraint_name(t, u)) == on)] if on else []
    return {k for obj in named for k in own_keys(t, obj) if k[0] == "key"}
