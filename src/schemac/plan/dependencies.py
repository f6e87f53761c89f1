"""What each change makes, removes, needs and frees: the edges of the planner's dependency graph.

Objects are named by keys: ("schema", ns), ("extension", name), ("type", ns, name) for enums and
domains, ("sequence", ns, name), ("table", ns, name), ("column", ns, table, name), ("notnull", ns,
table, column), ("constraint", ns, table, name), ("index", ns, table, name), and ("key", ns, table,
columns) for what a foreign key can reference (a primary key, a UNIQUE, a plain unique index), and
("set aside", ns, name): an enum or domain re-created, its old self renamed aside until dropped.

An object refers to the keys it cannot exist without (a column to its table and its type, a default
to the sequences it calls, a foreign key to the referenced key). A change then declares four sets:

- `makes`: keys that exist (or take their new form) once it ran;
- `removes`: keys that are gone (or lose their old form) once it ran;
- `needs`: keys the new form of its object refers to: they must be made first;
- `frees`: keys the old form referred to and the new one does not: they can be removed only after.

A kind of object joins the graph by saying what its objects refer to (`refs_of`), which keys name
it (`own_keys`) and, in `deps`, which of those its changes make or remove: nothing else in the
planner changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from schemac.compare.changes import CARRIED_TO_PARTITIONS, ENUM_REBUILT, INHERITED, Change, set_aside_name, takes_using
from schemac.compare.views import view_keys, view_refs
from schemac.model import (Check, Column, Domain, Enum, Extension, ForeignKey, Function, Index, PrimaryKey, Sequence,
                           Table, Trigger, Unique, View)
from schemac.pg.expressions import called_functions, referenced_columns
from schemac.pg.names import make_object_name
from schemac.pg.types import name_parts, type_name

Key = tuple


@dataclass(frozen=True)
class Deps:
    makes: frozenset = frozenset()
    removes: frozenset = frozenset()
    needs: frozenset = frozenset()
    frees: frozenset = frozenset()


def type_key(type_text: str) -> Key:
    """The type a column (or a domain) is of."""
    return ("type", *type_name(type_text))


_SEQUENCE_CALL = re.compile(r"(?:nextval|currval|setval)\s*\(\s*'((?:[^']|'')+)'", re.I)


def expression_refs(text: Optional[str], schema: str, table: Optional[str]) -> set[Key]:
    """Sequences an expression calls, and the columns of `table` it reads."""
    if not text:
        return set()
    out: set[Key] = set()
    for name in _SEQUENCE_CALL.findall(text):
        parts = name_parts(name.replace("''", "'"))
        out.add(("sequence", parts[0], parts[1]) if len(parts) == 2 else ("sequence", schema, parts[-1]))
    if table is not None:
        try:
            out |= {("column", schema, table, c) for c in referenced_columns(text)}
        except ValueError:
            pass
    return out | function_refs(text)


def function_refs(text: str) -> set[Key]:
    """The functions an expression calls (pg.expressions.called_functions), as keys."""
    return {("function", schema, name) for schema, name in called_functions(text)}


def _identity_sequence(t: Table, column: str) -> Key:
    """The sequence of an identity column, under the name Postgres gives it (a standalone sequence may
    take that name once the identity is gone)."""
    return ("sequence", t.schema, make_object_name(t.name, column, "seq"))


def _col(t: Table, name: str) -> Key:
    return ("column", t.schema, t.name, name)


def _table(t: Table) -> Key:
    return ("table", t.schema, t.name)


def _key_of(schema: str, table: str, columns) -> Key:
    return ("key", schema, table, frozenset(columns))


def _constraint_key(t: Table, c) -> Key:
    return ("constraint", t.schema, t.name, c.name or ("unnamed",) + tuple(getattr(c, "columns", ())))


def column_refs(t: Table, c: Column) -> set[Key]:
    out = {_table(t), type_key(c.type)}
    out |= expression_refs(c.default, t.schema, None) | expression_refs(c.generated, t.schema, t.name)
    out.discard(_col(t, c.name))
    return out


def refs_of(t: Optional[Table], obj: object) -> set[Key]:
    """The keys `obj` (of table `t`, when it belongs to one) refers to."""
    if isinstance(obj, Column):
        return column_refs(t, obj)  # type: ignore[arg-type]
    if isinstance(obj, (PrimaryKey, Unique)):
        out = {_table(t)} | {_col(t, c) for c in obj.columns + obj.include}  # type: ignore[arg-type]
        if isinstance(obj, PrimaryKey):  # DROP NOT NULL is refused while the primary key stands
            out |= {("notnull", t.schema, t.name, c) for c in obj.columns}  # type: ignore[union-attr]
        return out
    if isinstance(obj, Check):
        return {_table(t)} | expression_refs(obj.expression, t.schema, t.name)  # type: ignore[union-attr]
    if isinstance(obj, ForeignKey):
        return ({_table(t), ("table", obj.ref_schema, obj.ref_table), _key_of(obj.ref_schema, obj.ref_table,
                                                                              obj.ref_columns)}
                | {_col(t, c) for c in obj.columns}  # type: ignore[arg-type]
                | {("column", obj.ref_schema, obj.ref_table, c) for c in obj.ref_columns})
    if isinstance(obj, Index):
        out = {_table(t)} | {_col(t, c) for c in obj.include}  # type: ignore[arg-type]
        for e in obj.elements:
            out |= {_col(t, e.column)} if e.column else expression_refs(e.expression, t.schema, t.name)  # type: ignore
        return out | expression_refs(obj.where, t.schema, t.name)  # type: ignore[union-attr]
    if isinstance(obj, Trigger):  # its table and columns, the function it executes
        fn_schema, _, fn_name = obj.function.rpartition(".")
        out = {_table(t), ("function", fn_schema or "public", fn_name)} | {_col(t, c) for c in obj.update_columns}  # type: ignore
        return out | (expression_refs(obj.when, t.schema, t.name) - {_col(t, "old"), _col(t, "new")})  # type: ignore
    if isinstance(obj, Domain):
        refs = {("schema", obj.schema), type_key(obj.type)} | expression_refs(obj.default, obj.schema, None)
        for check in obj.checks:  # a CHECK may call the user's functions (CHECK (is_valid_slug(VALUE)))
            refs |= function_refs(check.expression)
        return refs - {("type", obj.schema, obj.name)}
    if isinstance(obj, (Enum, Extension)):
        return {("schema", obj.schema)} if obj.schema else set()
    if isinstance(obj, Function):
        refs = {("schema", obj.schema)} | {type_key(a.type) for a in obj.arguments}
        refs |= {type_key(obj.returns[len("SETOF "):] if obj.returns.startswith("SETOF ") else obj.returns)} \
            if obj.returns and not obj.returns.startswith("TABLE(") else set()
        for a in obj.arguments:
            refs |= expression_refs(a.default, obj.schema, None)
        return refs
    if isinstance(obj, Sequence):  # OWNED BY is a change of its own (set_sequence_owner): see _owner
        return {("schema", obj.schema)}
    if isinstance(obj, Table):
        return table_refs(obj)
    if isinstance(obj, View):  # what Postgres recorded it reads (compare.views)
        return view_refs(obj)
    return set()


def table_refs(t: Table) -> set[Key]:
    """What CREATE TABLE needs: its schema, its columns' types and sequences, a partition's parent and
    the parent's columns."""
    out: set[Key] = {("schema", t.schema)}
    for c in t.columns:
        out |= column_refs(t, c)
    if t.partition_of is not None:  # created PARTITION OF its parent, with the parent's columns
        p = t.partition_of
        out |= {("table", p.parent_schema, p.parent)} | {("column", p.parent_schema, p.parent, c.name) for c in t.columns}
    return out - {_table(t)}


def table_members(t: Table) -> set[Key]:
    """The keys a table holds: dropping it removes them all, creating it makes those CREATE TABLE makes."""
    out = {_table(t), ("type", t.schema, t.name)} | {_col(t, c.name) for c in t.columns}  # and its row type
    out |= {_identity_sequence(t, c.name) for c in t.columns if c.identity is not None}
    out |= {("notnull", t.schema, t.name, c.name) for c in t.columns if not c.nullable}
    for member in (t.primary_key, *t.uniques, *t.checks, *t.foreign_keys, *t.indexes, *t.triggers):
        if member is not None:
            out |= own_keys(t, member)
    return out


def own_keys(t: Optional[Table], obj: object) -> set[Key]:
    """The keys naming `obj` itself (a unique key also names what foreign keys can reference)."""
    if isinstance(obj, (PrimaryKey, Unique)):
        return {_constraint_key(t, obj), _key_of(t.schema, t.name, obj.columns)}  # type: ignore[arg-type]
    if isinstance(obj, (Check, ForeignKey)):
        return {_constraint_key(t, obj)}  # type: ignore[arg-type]
    if isinstance(obj, Trigger):
        return {("trigger", t.schema, t.name, obj.name)}  # type: ignore[union-attr]
    if isinstance(obj, Index):
        keys = {("index", t.schema, t.name, obj.name)}  # type: ignore[union-attr]
        if obj.unique and obj.where is None and all(e.column for e in obj.elements):
            keys.add(_key_of(t.schema, t.name, [e.column for e in obj.elements]))  # type: ignore[union-attr]
        return keys
    if isinstance(obj, (Enum, Domain)):
        return {("type", obj.schema, obj.name)}
    if isinstance(obj, Sequence):
        return {("sequence", obj.schema, obj.name)}
    if isinstance(obj, Extension):
        return {("extension", obj.name)}
    if isinstance(obj, Function):
        return {("function", obj.schema, obj.name), ("function", obj.schema, obj.name, obj.identity)}
    if isinstance(obj, Table):
        return {_table(obj)}
    if isinstance(obj, View):  # a relation ("table" key), and its columns
        return view_keys(obj)
    return set()


def _attribute_refs(t: Table, name: str, col: Optional[Column], attribute: str) -> set[Key]:
    """Refs of one attribute of column `name` (its default, its identity): the column, the table, what
    the default calls, the NOT NULL an identity stands on."""
    if col is None:
        return set()
    out = {_col(t, name), _table(t)}
    if attribute == "default":
        out |= expression_refs(col.default, t.schema, None)
    elif col.identity is not None:
        out.add(("notnull", t.schema, t.name, name))
    return out


def _owner(seq: Optional[Sequence]) -> set[Key]:
    """The column a sequence is OWNED BY (in its own schema). A sequence goes with its owner (DROP
    COLUMN or DROP TABLE drops it), so only OWNED BY itself waits for the column, and OWNED BY NONE
    must run before the column goes."""
    if seq is None or not seq.owned_by:
        return set()
    table, column = seq.owned_by.rsplit(".", 1)
    return {("column", seq.schema, table, column)}


def plan_deps(changes: list[Change]) -> list[Deps]:
    """deps() of each change, and what one change implies for another: a dropped table or column takes
    along the sequences it owns (OWNED BY), so it removes them too (after whatever still uses them)."""
    out = [deps(c) for c in changes]
    owned: dict[tuple, set] = {}
    owned_by_column: dict[tuple, set] = {}
    for c in changes:
        seq = c.old
        if c.kind == "drop_sequence" and getattr(seq, "owned_by", None):
            table = seq.owned_by.rpartition(".")[0]  # type: ignore[union-attr]
            owned.setdefault((c.schema, table), set()).add(("sequence", c.schema, seq.name))  # type: ignore
            owned_by_column.setdefault((c.schema, seq.owned_by), set()).add(("sequence", c.schema, seq.name))  # type: ignore
    for i, c in enumerate(changes):
        if c.kind == "drop_table" and (c.schema, c.table) in owned:
            d = out[i]
            out[i] = Deps(d.makes, d.removes | owned[(c.schema, c.table)], d.needs, d.frees)
        elif c.kind == "drop_column" and (c.schema, f"{c.table}.{c.name}") in owned_by_column:
            d = out[i]
            out[i] = Deps(d.makes, d.removes | owned_by_column[(c.schema, f"{c.table}.{c.name}")], d.needs, d.frees)
    return out


def deps(c: Change) -> Deps:
    """The four sets of one change (see the module's docstring)."""
    k, t, old, new = c.kind, c.table_def, c.old, c.new
    col = lambda name: _col(t, name)  # noqa: E731
    makes: set[Key] = set()
    removes: set[Key] = set()
    old_refs: set[Key] = set()
    new_refs: set[Key] = set()
    if k == "add_schema":
        makes.add(("schema", c.schema))
    elif k == "drop_schema":
        removes.add(("schema", c.schema))
    elif k == "add_table":
        makes |= table_members(new)  # type: ignore[arg-type]
        new_refs |= table_refs(new)  # type: ignore[arg-type]
    elif k == "drop_table":  # its triggers go with it, before the functions they execute
        removes |= table_members(old)  # type: ignore[arg-type]
        old_refs |= table_refs(old)  # type: ignore[arg-type]
        for g in old.triggers:  # type: ignore[union-attr]
            old_refs |= refs_of(old, g)
    elif k == "rename_table":
        removes.add(_table(old))  # type: ignore[arg-type]
        makes |= {_table(new)} | {col(x.name) for x in new.columns}  # type: ignore[union-attr, arg-type]
    elif k in ("attach_partition", "detach_partition", "alter_partitioning", "set_logging",
               "set_table_comment"):
        new_refs.add(_table(t))  # type: ignore[arg-type]
        if k == "attach_partition":  # the parent must have the partition's columns, no more, no less
            p = new.partition_of  # type: ignore[union-attr]
            new_refs.add(("table", p.parent_schema, p.parent))
            new_refs |= {("column", p.parent_schema, p.parent, x.name) for x in new.columns}  # type: ignore
            # ... and the table its own columns as the partition has them (ADD/ALTER COLUMN first)
            new_refs |= {col(x.name) for x in new.columns}  # type: ignore[union-attr]
            new_refs |= {("notnull", t.schema, t.name, x.name) for x in new.columns if not x.nullable}  # type: ignore
        if k == "detach_partition":
            p = old.partition_of  # type: ignore[union-attr]
            old_refs.add(("table", p.parent_schema, p.parent))
            makes.add(("detached", t.schema, t.name))  # type: ignore[union-attr]
    elif k == "rename_column":
        removes.add(col(old.name))  # type: ignore[union-attr]
        makes.add(col(c.name))
        new_refs.add(_table(t))  # type: ignore[arg-type]
    elif k in ("add_column", "drop_column", "alter_column_type", "alter_generated"):
        if new is not None:
            makes.add(col(c.name))
            new_refs |= column_refs(t, new)  # type: ignore[arg-type]
            if takes_using(c):  # the USING expression reads other columns too
                new_refs |= expression_refs(new.using, t.schema, t.name)  # type: ignore[union-attr, arg-type]
            if not new.nullable and k == "add_column":  # type: ignore[union-attr]
                makes.add(("notnull", t.schema, t.name, c.name))  # type: ignore[union-attr]
        if old is not None:
            removes.add(col(c.name))
            old_refs |= column_refs(t, old)  # type: ignore[arg-type]
            # Of an enum re-created in this migration, the column holds the old type under its set-aside
            # name until it leaves it: before that type is dropped.
            schema, name = type_name(old.type)  # type: ignore[union-attr]
            old_refs.add(("type", schema, set_aside_name(name)))
            if k == "drop_column" and old.identity is not None:  # type: ignore[union-attr]
                removes.add(_identity_sequence(t, c.name))  # type: ignore[arg-type]
            if k == "drop_column":
                removes.add(("notnull", t.schema, t.name, c.name))  # type: ignore[union-attr]
    elif k in ("set_not_null", "drop_not_null"):
        (makes if k == "set_not_null" else removes).add(("notnull", t.schema, t.name, c.name))  # type: ignore
        new_refs.add(col(c.name))
    elif k in ("set_default", "drop_default"):
        if old is not None and old.default is not None:  # type: ignore[union-attr]
            old_refs |= _attribute_refs(t, c.name, old, "default")  # type: ignore[arg-type]
        if k == "set_default":
            new_refs |= _attribute_refs(t, c.name, new, "default")  # type: ignore[arg-type]
        new_refs.add(_table(t))  # type: ignore[arg-type]
    elif k in ("alter_identity", "drop_identity"):
        old_refs |= _attribute_refs(t, c.name, old, "identity")  # type: ignore[arg-type]
        new_refs |= _attribute_refs(t, c.name, new, "identity") if new is not None and new.identity is not None \
            else {_table(t)}  # type: ignore[union-attr, arg-type]
        # The identity's own sequence, under the name Postgres gives it (a standalone sequence may take it).
        own = _identity_sequence(t, c.name)  # type: ignore[arg-type]
        if old.identity is not None and (new is None or new.identity is None):  # type: ignore[union-attr]
            removes.add(own)
        if old.identity is None and new is not None and new.identity is not None:  # type: ignore[union-attr]
            makes.add(own)
    elif k in ("add_constraint", "add_foreign_key", "add_index", "drop_constraint", "drop_foreign_key",
               "drop_index", "rename_index", "add_trigger", "drop_trigger", "alter_trigger"):
        if k.startswith("add_") or k in ("rename_index", "alter_trigger"):
            makes |= own_keys(t, new)
            new_refs |= refs_of(t, new)
        if k.startswith("drop_") or k in ("rename_index", "alter_trigger"):
            removes |= own_keys(t, old)
            old_refs |= refs_of(t, old)
    elif k in ("add_view", "drop_view", "alter_view", "replace_view"):  # alter: in place (OR REPLACE)
        makes |= own_keys(None, new) if new is not None else set()
        new_refs |= refs_of(None, new) if new is not None else set()
        removes |= own_keys(None, old) if k == "drop_view" else set()
        old_refs |= refs_of(None, old) if old is not None else set()
    elif k in ("validate_constraint", "set_constraint_comment", "set_index_comment", "set_index_parameters",
               "set_column_comment", "set_trigger_enabled", "set_trigger_comment", "refresh_view", "set_view_comment"):
        target = new if new is not None else old
        new_refs |= {col(c.name)} if k == "set_column_comment" else own_keys(t, target)
    elif k == "set_sequence_owner":
        new_refs |= _owner(new) | own_keys(None, new)  # type: ignore[arg-type]
        old_refs |= _owner(old)  # type: ignore[arg-type]
    elif k.startswith("add_") or k.startswith("drop_") or k.startswith("alter_") or k == "set_type_comment":
        # Schema-level objects: extensions, enums, domains, sequences.
        if new is not None:
            makes |= own_keys(None, new) if k != "set_type_comment" else set()
            new_refs |= refs_of(None, new) | (own_keys(None, new) if not k.startswith("add_") else set())
        if old is not None and k != "set_type_comment":
            removes |= own_keys(None, old) if (new is None or k.startswith("alter_")) else set()
            old_refs |= refs_of(None, old)
    if t is not None and c.cause != INHERITED and k in CARRIED_TO_PARTITIONS:
        new_refs.add(("detached", t.schema, t.name))  # a partition changed while detached: after DETACH
    if k == "alter_enum" or (k == "alter_domain" and c.cause == ENUM_REBUILT):  # renames the old type aside
        makes.add(("set aside", c.schema, set_aside_name(c.name)))
    if c.cause == ENUM_REBUILT and k in ("drop_enum", "drop_domain"):  # the type set aside: after the rename
        new_refs.add(("set aside", c.schema, c.name))
    if c.cause == ENUM_REBUILT and k == "alter_column_type":  # off the old type, set aside under another name
        schema, name = type_name(old.type)  # type: ignore[union-attr]
        old_refs.add(("type", schema, set_aside_name(name)))
    if c.cause == INHERITED and t is not None and t.partition_of is not None:  # made by the parent's change
        p = t.partition_of
        new_refs.add(("column", p.parent_schema, p.parent, c.name))
    return Deps(frozenset(makes), frozenset(removes), frozenset(new_refs - makes),
                frozenset(old_refs - new_refs - removes))
