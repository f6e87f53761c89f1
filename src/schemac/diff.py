"""diff(current, desired) -> ordered list of Changes: a pure function of two models.

The same list serves `generate` (it becomes DDL) and `diff` (it becomes a drift report): a change
that would *add* something is, seen from a live database, something *missing*.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional, Union

from .model import (Check, Domain, Enum, Extension, ForeignKey, Index, IndexElement, PrimaryKey, Schema,
                    Sequence, Source, Table, Unique)
from .expressions import parse_partition_bound, referenced_columns
from .normalize import normal_form, rename_column_in_expression, same_expression

Constraint = Union[PrimaryKey, Unique, Check, ForeignKey]

# Kinds, in the order their statements must run: namespaces and types before the tables that use
# them, drops (foreign keys first, then what depends on columns) before adds, foreign keys after
# every table exists, comments last.
KINDS = (
    "add_extension", "add_schema", "add_enum", "add_enum_value", "alter_enum", "add_domain", "alter_domain",
    "add_sequence", "alter_sequence",
    "rename_table", "rename_column", "rename_index",
    "drop_foreign_key", "drop_index", "drop_constraint", "detach_partition", "drop_column", "drop_table",
    "drop_sequence", "drop_domain", "drop_enum",
    "add_table", "alter_partitioning", "attach_partition", "set_logging", "add_column",
    "drop_default", "alter_column_type", "drop_not_null", "set_not_null", "set_default",
    "alter_identity", "alter_generated",
    "add_constraint", "validate_constraint", "add_index", "add_foreign_key", "set_sequence_owner",
    "set_table_comment", "set_column_comment", "set_index_comment", "set_constraint_comment",
    "set_type_comment", "drop_extension",
)


_OBJECT_KINDS = {Index: "index", PrimaryKey: "primary key", Unique: "unique constraint", Check: "check constraint",
                 ForeignKey: "foreign key", Enum: "enum", Domain: "domain", Sequence: "sequence",
                 Extension: "extension"}


@dataclass(frozen=True)
class Change:
    """One difference. `old` is the object in the current model, `new` the one in the desired model."""

    kind: str
    schema: str
    table: str
    name: Optional[str] = None  # column, constraint or index name
    old: object = None
    new: object = None
    table_def: Optional[Table] = None  # desired table (or current, for drops): what the DDL needs
    # Set on changes that only exist to make another change possible (e.g. a CHECK re-created around
    # a column type change): they are DDL, not differences, and reports leave them out.
    cause: Optional[str] = None

    @property
    def path(self) -> str:
        base = ".".join(p for p in (self.schema, self.table) if p)
        return f"{base}.{self.name}" if self.name and base else self.name or base

    @property
    def object_kind(self) -> str:
        obj = self.new if self.new is not None else self.old
        if isinstance(obj, Table) or self.kind in ("add_table", "drop_table", "set_table_comment", "rename_table"):
            return "table"
        kind = _OBJECT_KINDS.get(type(obj))
        if kind is not None:
            return kind
        if self.kind == "add_schema":
            return "schema"
        return "column"

    @property
    def source(self) -> Optional[Source]:
        for obj in (self.new, self.table_def):
            src = getattr(obj, "source", None)
            if src is not None:
                return src
        return None


def _constraint_key(c: Constraint) -> tuple:
    if isinstance(c, PrimaryKey):
        return ("p", c.columns, c.deferrable, c.initially_deferred)
    if isinstance(c, Unique):
        return ("u", c.columns, c.nulls_not_distinct, c.deferrable, c.initially_deferred)
    if isinstance(c, ForeignKey):
        return ("f", c.columns, c.ref_schema, c.ref_table, c.ref_columns, c.on_delete, c.on_update, c.match_full,
                c.deferrable, c.initially_deferred)
    return ("c", normal_form(c.expression))


def _same_constraint(a: Constraint, b: Constraint) -> bool:
    """Same definition; names only count when the desired side names the constraint."""
    return _constraint_key(a) == _constraint_key(b) and (b.name is None or a.name is None or a.name == b.name)


def _element_key(e: IndexElement) -> tuple:
    return (e.column, normal_form(e.expression), e.order, e.effective_nulls, e.opclass)


def index_signature(i: Index) -> tuple:
    return (tuple(_element_key(e) for e in i.elements), i.unique, i.method, normal_form(i.where), i.include,
            i.nulls_not_distinct)


def _constraints(t: Table) -> list[Constraint]:
    out: list[Constraint] = [t.primary_key] if t.primary_key else []
    return out + list(t.uniques) + list(t.checks) + list(t.foreign_keys)


def _partition_of_key(t: Table) -> Optional[tuple]:
    p = t.partition_of
    if p is None:
        return None
    try:
        bound = parse_partition_bound(p.bound)
    except ValueError:
        bound = p.bound
    return (p.parent_schema, p.parent, bound)


def created_by_create_table(t: Table) -> Table:
    """What CREATE TABLE alone makes of `t`: the rest (foreign keys, NOT VALID checks, indexes, comments,
    the partition attachment) follows as changes, computed by diffing this skeleton against `t`."""
    return replace(t, columns=tuple(replace(c, comment=None) for c in t.columns),
                   primary_key=replace(t.primary_key, comment=None) if t.primary_key else None,
                   uniques=tuple(replace(u, comment=None) for u in t.uniques),
                   checks=tuple(replace(c, comment=None) for c in t.checks if not c.not_valid),
                   foreign_keys=(), indexes=(), comment=None, partition_of=None)


def _match_constraints(current: list[Constraint], desired: list[Constraint]):
    """Pair constraints: named desired ones by name, unnamed ones by definition, and an unnamed one left
    over with a constraint of its kind on the same columns (then one "changed", not missing + unexpected)."""
    unmatched_current = list(current)
    found: dict[int, Optional[Constraint]] = {}
    for n, d in enumerate(desired):
        if d.name is not None:
            match = next((c for c in unmatched_current if c.name == d.name), None)
        else:
            match = next((c for c in unmatched_current if type(c) is type(d) and _constraint_key(c) == _constraint_key(d)), None)
        if match is not None:
            unmatched_current.remove(match)
        found[n] = match
    for n, d in enumerate(desired):
        if found[n] is None and d.name is None and not isinstance(d, Check):
            match = next((c for c in unmatched_current if type(c) is type(d) and c.columns == d.columns), None)  # type: ignore
            if match is not None:
                unmatched_current.remove(match)
                found[n] = match
    pairs: list[tuple[Optional[Constraint], Optional[Constraint]]] = [(found[n], d) for n, d in enumerate(desired)]
    pairs.extend((c, None) for c in unmatched_current)
    return pairs


def diff_table(cur: Table, des: Table) -> list[Change]:
    changes: list[Change] = []

    def ch(kind: str, name: Optional[str] = None, old: object = None, new: object = None,
           cause: Optional[str] = None) -> None:
        changes.append(Change(kind, des.schema, des.name, name, old, new, des, cause))

    cur = _apply_column_renames(cur, des, ch)
    cur_cols = {c.name: c for c in cur.columns}
    des_cols = {c.name: c for c in des.columns}
    for name, col in des_cols.items():
        old = cur_cols.get(name)
        if old is None:
            ch("add_column", name, None, col)
            continue
        retyped = old.type != col.type or old.collation != col.collation
        if retyped:
            ch("alter_column_type", name, old, col)
        if old.nullable != col.nullable:
            ch("drop_not_null" if col.nullable else "set_not_null", name, old, col)
        default_changed = not same_expression(old.default, col.default)
        if retyped and old.default is not None:
            # The old default would be cast to the new type during ALTER TYPE (and may not cast):
            # drop it first, set the desired one after.
            real_drop = default_changed and col.default is None
            ch("drop_default", name, old, replace(col, default=None), None if real_drop else "retype")
            if col.default is not None:
                ch("set_default", name, old, col, None if default_changed else "retype")
        elif default_changed:
            ch("drop_default" if col.default is None else "set_default", name, old, col)
        if (old.comment or None) != (col.comment or None):
            ch("set_column_comment", name, old, col)
        if old.identity != col.identity:
            ch("alter_identity", name, old, col)
        if not same_expression(old.generated, col.generated) or old.virtual != col.virtual:
            ch("alter_generated", name, old, col)
    for name, col in cur_cols.items():
        if name not in des_cols:
            ch("drop_column", name, col, None)

    # Checks and expression indexes over a retyped column may not make sense for the new type while
    # ALTER TYPE rebuilds them: replace them around the type change.
    retyped = {n for n, c in des_cols.items() if n in cur_cols and cur_cols[n].type != c.type}

    def over_retyped(*exprs: Optional[str]) -> bool:
        return bool(retyped) and any(e and referenced_columns(e) & retyped for e in exprs)

    for old_c, new_c in _match_constraints(_constraints(cur), _constraints(des)):
        fk = isinstance(new_c if new_c is not None else old_c, ForeignKey)
        add = "add_foreign_key" if fk else "add_constraint"
        if old_c is None:
            ch(add, new_c.name, None, new_c)  # type: ignore[union-attr]
            if new_c.comment:  # type: ignore[union-attr]
                ch("set_constraint_comment", new_c.name, None, new_c, "comment of a new constraint")  # type: ignore
        elif new_c is None:
            ch("drop_foreign_key" if isinstance(old_c, ForeignKey) else "drop_constraint", old_c.name, old_c, None)
        elif not _same_constraint(old_c, new_c) or type(old_c) is not type(new_c):
            ch("drop_foreign_key" if isinstance(old_c, ForeignKey) else "drop_constraint", old_c.name, old_c, new_c)
            ch(add, new_c.name, old_c, new_c)
        elif isinstance(old_c, Check) and over_retyped(old_c.expression):
            ch("drop_constraint", old_c.name, old_c, new_c, "retype")
            ch("add_constraint", new_c.name, old_c, new_c, "retype")
        else:
            if getattr(old_c, "not_valid", False) and not getattr(new_c, "not_valid", False):
                ch("validate_constraint", old_c.name, old_c, new_c)
            if (old_c.comment or None) != (new_c.comment or None):
                ch("set_constraint_comment", old_c.name, old_c, new_c)

    cur_idx = {i.name: i for i in cur.indexes}
    des_idx = {i.name: i for i in des.indexes}
    for name, idx in des_idx.items():
        old_name = idx.renamed_from
        if old_name and old_name in cur_idx and name not in cur_idx:
            ch("rename_index", name, cur_idx[old_name], idx)
            cur_idx[name] = replace(cur_idx.pop(old_name), name=name)
    for name, idx in des_idx.items():
        old_i = cur_idx.get(name)
        if old_i is None:
            ch("add_index", name, None, idx)
            if idx.comment:
                ch("set_index_comment", name, None, idx, "comment of a new index")
        elif index_signature(old_i) != index_signature(idx) or not old_i.valid:  # an invalid one is rebuilt
            ch("drop_index", name, old_i, idx)
            ch("add_index", name, old_i, idx)
        elif over_retyped(old_i.where, *(e.expression for e in old_i.elements)):
            ch("drop_index", name, old_i, idx, "retype")
            ch("add_index", name, old_i, idx, "retype")
        if old_i is not None and (old_i.comment or None) != (idx.comment or None):
            ch("set_index_comment", name, old_i, idx)
    for name, idx in cur_idx.items():
        if name not in des_idx:
            ch("drop_index", name, idx, None)

    if cur.partition_by != des.partition_by:
        ch("alter_partitioning", None, cur, des)
    if _partition_of_key(cur) != _partition_of_key(des):
        if cur.partition_of is not None:
            ch("detach_partition", None, cur, des)
        if des.partition_of is not None:
            ch("attach_partition", None, cur, des)

    if cur.unlogged != des.unlogged:
        ch("set_logging", None, cur, des)
    if (cur.comment or None) != (des.comment or None):
        ch("set_table_comment", None, cur, des)
    return changes


def _rename_in_table(t: Table, old: str, new: str) -> Table:
    """The table as Postgres sees it after RENAME COLUMN old TO new: every reference follows."""
    col = lambda c: new if c == old else c  # noqa: E731
    expr = lambda e: rename_column_in_expression(e, old, new) if e is not None else None  # noqa: E731
    return replace(
        t,
        columns=tuple(replace(c, name=new) if c.name == old else c for c in t.columns),
        primary_key=replace(t.primary_key, columns=tuple(map(col, t.primary_key.columns))) if t.primary_key else None,
        uniques=tuple(replace(u, columns=tuple(map(col, u.columns))) for u in t.uniques),
        checks=tuple(replace(c, expression=expr(c.expression)) for c in t.checks),
        indexes=tuple(replace(i, elements=tuple(replace(e, column=col(e.column) if e.column else None,
                                                        expression=expr(e.expression)) for e in i.elements),
                              where=expr(i.where), include=tuple(map(col, i.include))) for i in t.indexes),
    )


def _apply_column_renames(cur: Table, des: Table, ch) -> Table:
    names = {c.name for c in cur.columns}
    for col in des.columns:
        old = col.renamed_from
        if old and old in names and col.name not in names:
            ch("rename_column", col.name, cur.column(old), col)
            cur = _rename_in_table(cur, old, col.name)
            names = {c.name for c in cur.columns}
    return cur


def ignored_renames(current: Schema, desired: Schema) -> list[str]:
    """`renamed_from` hints that name nothing in the current schema: said, then ignored."""
    notes = []
    for t in desired.tables:
        old_t = current.table(t.schema, t.renamed_from) if t.renamed_from else None
        if t.renamed_from and old_t is None:
            notes.append(f"{t.source or t.qualified_name}: renamed_from '{t.renamed_from}' ignored: no such table "
                         f"in the recorded schema")
        cur = old_t or current.table(t.schema, t.name)
        for c in t.columns:
            if c.renamed_from and (cur is None or cur.column(c.renamed_from) is None):
                notes.append(f"{c.source or c.name}: renamed_from '{c.renamed_from}' ignored: no such column in the "
                             f"recorded table")
        for i in t.indexes:
            if i.renamed_from and (cur is None or all(x.name != i.renamed_from for x in cur.indexes)):
                notes.append(f"{i.source or i.name}: renamed_from '{i.renamed_from}' ignored: no such index in the "
                             f"recorded table")
    return notes


def diff(current: Schema, desired: Schema) -> list[Change]:
    """Changes that turn `current` into `desired`, in the order their DDL must run."""
    changes: list[Change] = []
    cur_tables = {t.key: t for t in current.tables}
    des_tables = {t.key: t for t in desired.tables}
    for key, t in des_tables.items():
        old_key = (t.schema, t.renamed_from)
        if t.renamed_from and old_key in cur_tables and key not in cur_tables and old_key not in des_tables:
            old = cur_tables.pop(old_key)
            changes.append(Change("rename_table", t.schema, t.name, None, old, t, t))
            cur_tables[key] = replace(old, name=t.name)
    cur_ns = set(current.namespaces) | {"public"}
    for ns in sorted(set(desired.namespaces) - cur_ns):
        changes.append(Change("add_schema", ns, "", None, None, ns))
    for key, t in des_tables.items():
        old = cur_tables.get(key)
        if old is None:
            changes.append(Change("add_table", t.schema, t.name, None, None, t, t))
            changes.extend(replace(c, cause="new table") for c in diff_table(created_by_create_table(t), t))
        else:
            changes.extend(diff_table(old, t))
    for key, t in cur_tables.items():
        if key not in des_tables:
            changes.append(Change("drop_table", t.schema, t.name, None, t, None, t))
            # Foreign keys from a dropped table go first, so drop order never matters.
            changes.extend(Change("drop_foreign_key", t.schema, t.name, fk.name, fk, None, t) for fk in t.foreign_keys)
    changes.extend(diff_objects(current, desired))
    order = {k: n for n, k in enumerate(KINDS)}
    # Stable sort by kind keeps the declaration order of schema.yaml inside each kind; drops of
    # tables run in reverse declaration order.
    drops = [c for c in changes if c.kind == "drop_table"][::-1]
    rest = [c for c in changes if c.kind != "drop_table"]
    return sorted(rest + drops, key=lambda c: order[c.kind])


def _keyed(objs) -> dict:
    return {(getattr(o, "schema", None), o.name): o for o in objs}


def _diff_types(ch, kind: str, current, desired, changes, on_add=lambda obj: []) -> None:
    """add_/drop_<kind>, what `changes(old, new)` finds, and comments, for enums, domains or sequences."""
    cur, des = _keyed(current), _keyed(desired)
    for key, obj in des.items():
        old = cur.get(key)
        found = [f"add_{kind}", *on_add(obj)] if old is None else changes(old, obj)
        for k in found:
            ch(k, obj, old, obj)
        if (getattr(old, "comment", None) or None) != (obj.comment or None):
            ch("set_type_comment", obj, old, obj)
    for key, obj in cur.items():
        if key not in des:
            ch(f"drop_{kind}", obj, obj, None)


def diff_objects(current: Schema, desired: Schema) -> list[Change]:
    """Extensions, enums, domains and sequences: the schema-level objects tables depend on."""
    out: list[Change] = []

    def ch(kind: str, obj, old=None, new=None) -> None:
        out.append(Change(kind, getattr(obj, "schema", None) or "", "", obj.name, old, new))

    cur_ext = {e.name: e for e in current.extensions}
    des_ext = {e.name: e for e in desired.extensions}
    for name, e in des_ext.items():
        if name not in cur_ext:
            ch("add_extension", e, None, e)
        elif e.schema is not None and cur_ext[name].schema != e.schema:
            ch("add_extension", e, cur_ext[name], e)  # reported as changed; CREATE IF NOT EXISTS cannot move it
    for name, e in cur_ext.items():
        if name not in des_ext:
            ch("drop_extension", e, e, None)

    def enum_changes(old: Enum, new: Enum) -> list[str]:
        if old.values == new.values:
            return []
        if list(old.values) == [v for v in new.values if v in old.values]:
            return ["add_enum_value"]  # only additions, each at its place
        return ["alter_enum"]  # a value removed or reordered: Postgres cannot do that in place

    def domain_changes(old: Domain, new: Domain) -> list[str]:
        same_checks = {c.name: normal_form(c.expression) for c in old.checks} == \
            {c.name: normal_form(c.expression) for c in new.checks}
        same = (old.type == new.type and same_expression(old.default, new.default) and old.not_null == new.not_null
                and same_checks)
        return [] if same else ["alter_domain"]

    def sequence_changes(old: Sequence, new: Sequence) -> list[str]:
        return (["alter_sequence"] if old.options != new.options else []) + \
            (["set_sequence_owner"] if old.owned_by != new.owned_by else [])

    _diff_types(ch, "enum", current.enums, desired.enums, enum_changes)
    _diff_types(ch, "domain", current.domains, desired.domains, domain_changes)
    _diff_types(ch, "sequence", current.sequences, desired.sequences, sequence_changes,
                on_add=lambda q: ["set_sequence_owner"] if q.owned_by else [])
    return out
