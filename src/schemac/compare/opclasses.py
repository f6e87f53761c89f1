"""Operator classes compared by (schema, name, method). Postgres has no ALTER OPERATOR CLASS for its members:
another member, type, storage or DEFAULT is a DROP and a CREATE (reported as changed); the comment is COMMENT ON,
a pinned owner ALTER ... OWNER TO. A class whose operator or support function this migration drops (for good,
or to create it again), or whose type is an enum created again, is dropped before and made again after: Postgres
refuses those drops under it. A class in the family of a class dropped goes with it (the family is dropped).
Postgres refuses DROP OPERATOR CLASS under an index, EXCLUDE, PRIMARY KEY or UNIQUE constraint that uses it
(named, or its type's default): those are dropped before and made again after (`around_operator_classes`); a
partition key using it cannot be made again without the rows: the plan refuses it.
Operator families (CREATE OPERATOR FAMILY) compared by (schema, name, method) too: another loose member is a DROP
OPERATOR FAMILY, which takes the classes in it along, and a CREATE with ALTER OPERATOR FAMILY ... ADD, the classes
(and so what uses them) made again after; so around an operator or support function a member holds re-created.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.aggregates import diff_overloads
from schemac.compare.around import dropped_operators, sets_aside
from schemac.compare.changes import Change
from schemac.compare.given_back import given_back, owners_by_default
from schemac.compare.routine_dependents import FUNCTION_REBUILT, dropped_functions
from schemac.model.references import as_read
from schemac.model import IndexElement, OperatorClass, OperatorFamily, Schema, Table
from schemac.pg.indexdef import top_level_items
from schemac.pg.lazy import lazy
from schemac.pg.names import call_parts, split_operator, split_reference
from schemac.pg.types import type_name

partition_key_opclasses = lazy("schemac.pg.partition_texts", "partition_key_opclasses")

CLASS_REBUILT = "re-created: Postgres cannot change an operator class's members"
FAMILY_REBUILT = "re-created: Postgres binds a family's members by its own rules; a new family with the classes in it"
AROUND_CLASS = "re-created around an operator class dropped and created again"
_OPERATOR_REBUILT = "re-created around an operator or type created again"


def _operator_key(op: str) -> tuple[str, str]:
    return split_operator(op)


def _function_key(function: str) -> tuple[str, str]:
    return split_reference(call_parts(function)[0])


def _as_read(new, old):
    """`new` with each support function spelled as `old`'s of the same number and types where it is its
    `public.name(types)` (model.references.as_read: the reader qualifies only one pg_catalog's hides)."""
    cur = {(f.number, f.left, f.right): f.function for f in old.functions}
    return replace(new, functions=tuple(replace(f, function=as_read(f.function, cur.get((f.number, f.left, f.right))))
                                        for f in new.functions))


def _rebuilt(current: Schema, desired: Schema, changes: list[Change]) -> dict[tuple, str]:
    """identity -> why, of each current class or family dropped and created again (or dropped for good: no cause
    needed). A family's identity stands for the family's (and a class's own family is the class's identity)."""
    functions, operators = dropped_functions(changes), dropped_operators(changes)
    types = {(c.schema, c.name) for c in changes if sets_aside(c)}
    des = {c.identity: c for c in (*desired.operator_classes, *desired.operator_families)}
    out: dict[tuple, str] = {}
    for c in (*current.operator_families, *current.operator_classes):
        new = des.get(c.identity)
        if new is None or type(new) is not type(c):
            out[c.identity] = ""
        elif any(_function_key(f.function) in functions for f in c.functions):
            out[c.identity] = FUNCTION_REBUILT
        elif any(_operator_key(o.operator) in operators for o in c.operators) or \
                type_name(getattr(c, "type", "")) in types:
            out[c.identity] = _OPERATOR_REBUILT
        elif replace(c, comment=None) != replace(_as_read(new, c), comment=None):
            out[c.identity] = CLASS_REBUILT if isinstance(c, OperatorClass) else FAMILY_REBUILT
    families = True
    while families:  # a class of a family dropped goes with it
        families = False
        for c in current.operator_classes:
            if c.identity not in out and c.family is not None and c.family_key() in out:
                out[c.identity], families = AROUND_CLASS, True
    return out


def diff_operator_classes(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """add_, drop_operator_class and _family, comments (set_type_comment) and owners (set_object_owner): pinned, or given back."""
    rebuilt = _rebuilt(current, desired, changes)
    cur = {c.identity: c for c in (*current.operator_classes, *current.operator_families)}
    read = lambda cs: tuple(_as_read(c, cur[c.identity]) if type(cur.get(c.identity)) is type(c) else c for c in cs)  # noqa: E731
    out = diff_overloads("operator_family", current.operator_families, read(desired.operator_families),
                         lambda old, new: rebuilt.get(old.identity) or None)
    out += diff_overloads("operator_class", current.operator_classes, read(desired.operator_classes),
                          lambda old, new: rebuilt.get(old.identity) or None)
    made = {c.new.identity for c in out if c.kind in ("add_operator_class", "add_operator_family")}  # type: ignore
    back = owners_by_default(current)  # an owner pinned no more, given back (compare.given_back)
    for c in (*desired.operator_families, *desired.operator_classes):
        old = None if c.identity in made else cur.get(c.identity)
        if c.owner is not None and c.owner != (old.owner if old is not None else None) or given_back(old, c, back) \
                or _family_owner_moved(old, c):
            out.append(Change("set_object_owner", c.schema, "", c.signature, old, c))
    return out


def _family_owner_moved(old, new) -> bool:
    """Whether a class's own family changes owner apart from the class: schema.yaml pins `family_owner` (another
    role than the class's), or pinned it before, or the class's owner is pinned and the family's is another."""
    if not isinstance(new, OperatorClass) or new.family is not None:
        return False
    before = getattr(old, "family_owner", None)
    return new.family_owner != before and (new.family_owner is not None or new.owner is not None or old is None
                                           or before is not None)


def class_key(reference: Optional[str]) -> Optional[tuple[str, str]]:
    """(schema, name) of an index key's `opclass` (bare: public's; pg_catalog's are never made)."""
    if reference is None:
        return None
    return split_reference(reference)  # (ops-x."Abs.Ops": a dot in a quoted part)


def uses_class(t: Table, method: str, elements, classes: dict) -> bool:
    """Whether index (or EXCLUDE) keys `elements` of `t` under `method` use one of `classes` ((schema, name) ->
    the class): named, or their column type's default under the method."""
    for e in elements:
        key = class_key(e.opclass)
        if key is not None:
            if key in classes:
                return True
            continue
        col = t.column(e.column) if e.column else None
        if col is not None and any(c.default and c.method == method and type_name(c.type) == type_name(col.type)
                                   for c in classes.values()):
            return True
    return False


def around_operator_classes(changes: list[Change], cur_tables: dict, des_tables: dict) -> list[Change]:
    """The indexes, EXCLUDE, PRIMARY KEY and UNIQUE constraints of tables kept that use an operator class `changes`
    drop, dropped before and made again after (with their comments), unless `changes` already touch them; a
    partition key using one, as `alter_partitioning` (refused by the plan)."""
    classes = {(c.schema, c.old.name): c.old for c in changes if c.kind == "drop_operator_class"}  # type: ignore
    if not classes:
        return []
    touched = {(c.kind, c.schema, c.table, c.name) for c in changes}
    out: list[Change] = []
    for key, old_t in cur_tables.items():
        new_t = des_tables.get(key)
        if new_t is None:
            continue
        new_idx = {i.name: i for i in new_t.indexes}
        for i in old_t.indexes:
            n = new_idx.get(i.name)
            if n is not None and ("drop_index", new_t.schema, new_t.name, i.name) not in touched and \
                    uses_class(old_t, i.method, i.elements, classes):
                out += _again(new_t, "index", i.name, i, n)
        for k in old_t.unique_keys():  # keys under their columns' DEFAULT btree classes
            n = next((d for d in new_t.unique_keys() if type(d) is type(k) and
                      (d.name == k.name or (d.name is None and d.columns == k.columns))), None)
            if n is not None and ("drop_constraint", new_t.schema, new_t.name, k.name) not in touched and \
                    uses_class(old_t, "btree", [IndexElement(column=c) for c in k.columns], classes):  # type: ignore
                out += _again(new_t, "constraint", k.name, k, n)  # type: ignore[union-attr]
                if getattr(n, "index_comment", None):
                    out.append(Change("set_index_comment", new_t.schema, new_t.name, None, None, n, new_t, AROUND_CLASS))
        if old_t.partition_by is not None and new_t.partition_by is not None and \
                ("alter_partitioning", new_t.schema, new_t.name, None) not in touched and \
                _key_uses_class(old_t, old_t.partition_by, classes):
            out.append(Change("alter_partitioning", new_t.schema, new_t.name, None, old_t, new_t, new_t, AROUND_CLASS))
        for x in old_t.exclusions:  # (one schema.yaml leaves unnamed has Postgres's name: matched by definition)
            n = next((y for y in new_t.exclusions if y.name == x.name or
                      (y.name is None and _definition(y) == _definition(x))), None)
            if n is not None and ("drop_constraint", new_t.schema, new_t.name, x.name) not in touched and \
                    uses_class(old_t, x.method, x.elements, classes):
                out += _again(new_t, "constraint", x.name, x, n)  # type: ignore[arg-type]
    return out


def _key_uses_class(t: Table, partitioning, classes: dict) -> bool:
    """Whether a partition key names one of `classes`, or is on a column whose type's btree default one is: Postgres
    refuses the class's DROP under it, and the key cannot change without the rows (the plan refuses it)."""
    items = top_level_items(partitioning.key)
    named = partition_key_opclasses(partitioning.key)
    elements = [IndexElement(column=i.split()[0] if t.column(i.split()[0]) else None, opclass=c)
                for i, c in zip(items, named)]
    return uses_class(t, "hash" if partitioning.strategy == "hash" else "btree", elements, classes)


def _definition(x) -> tuple:
    return (x.elements, x.method, x.where, x.include, x.deferrable, x.initially_deferred)


def _again(t: Table, kind: str, name: str, old: object, new) -> list[Change]:
    out = [Change(f"drop_{kind}", t.schema, t.name, name, old, new, t, AROUND_CLASS),
           Change(f"add_{kind}", t.schema, t.name, name, old, new, t, AROUND_CLASS)]
    if new.comment:
        out.append(Change(f"set_{kind}_comment", t.schema, t.name, name, old, new, t, AROUND_CLASS))
    return out


def operator_class_text(c: OperatorClass) -> str:
    """One line for reports: OPERATOR CLASS name [DEFAULT] FOR TYPE t USING m (members)."""
    members = [f"OPERATOR {o.strategy} {o.operator}" + (f"({o.left or c.type}, {o.right or c.type})" if o.left or o.right
               else "") + (f" FOR ORDER BY {o.order_by}" if o.order_by else "") for o in c.operators]
    members += [f"FUNCTION {f.number} {f.function}" for f in c.functions]
    members += [f"STORAGE {c.storage}"] if c.storage else []
    family = f" FAMILY {c.family}" if c.family else ""
    return (f"OPERATOR CLASS {c.name}{' DEFAULT' if c.default else ''} FOR TYPE {c.type} USING {c.method}{family} "
            f"({', '.join(members)})")


def operator_family_text(f: OperatorFamily) -> str:
    """One line for reports: OPERATOR FAMILY name USING m (loose members)."""
    members = [f"OPERATOR {o.strategy} {o.operator}({o.left}, {o.right})" + (f" FOR ORDER BY {o.order_by}" if o.order_by
                                                                            else "") for o in f.operators]
    members += [f"FUNCTION {x.number} ({x.left}, {x.right}) {x.function}" for x in f.functions]
    return f"OPERATOR FAMILY {f.name} USING {f.method} ({', '.join(members)})"
