"""A column's NOT NULL as PostgreSQL 18 keeps it, a constraint (pg_constraint contype 'n'): its name, NOT VALID
and NO INHERIT beside the nullability compare.tables compares."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import INHERITED, NAMED_AS_DEFAULT, NAMED_BELOW, Change
from schemac.compare.inherited_checks import AFTER_NO_INHERIT, FOR_INHERIT
from schemac.compare.inherited_renames import parent_keys
from schemac.compare.not_null_names import _held_names, parents_not_null_names
from schemac.compare.partitioning import partition_of_key
from schemac.model import Column, NotNull, Schema, Table
from schemac.pg.names import default_not_null_name

# The cause of a child's (or partition's) SET NOT NULL on a column whose parent drops its NOT NULL while the child keeps
# it: the parent's DROP NOT NULL takes the child's along (where the child has it from the parent only: every child
# before PostgreSQL 18, conislocal false on 18, which schema.yaml does not tell), so it is set again after.
KEEPS_NOT_NULL = "keeps the NOT NULL its parent drops"


def kept_below(old: Table, new: Table, parents: list[tuple[str, str]], per_table: dict,
               changes: list[Change]) -> list[Change]:
    """`changes` (`new`'s own) with, for each column `new` keeps NOT NULL whose NOT NULL a parent of `parents` drops
    (`per_table`: each table's changes), `changes` setting or dropping none on it, a SET NOT NULL (KEEPS_NOT_NULL),
    then where its NOT NULL is not yet schema.yaml's, an alter_not_null from what the parent's drop left (that
    alter_not_null replacing any of `changes`' on the column, written against the NOT NULL before the drop).
    The parent's drop takes along a NOT NULL the child has from it only (every child before PostgreSQL 18, conislocal
    false on 18: read unnamed and uncommented), which the SET NOT NULL makes again under the child's default name; an
    own one (read named, or commented) outlives it with its name, the parent's perhaps, and its comment."""
    dropped = {c.name for key in parents for c in per_table.get(key, ()) if c.kind == "drop_not_null"}
    if not dropped:
        return changes
    own = {c.name for c in changes if c.kind in ("set_not_null", "drop_not_null")}
    out, renamed = [], set()
    for name in sorted(dropped - own):  # type: ignore[type-var]
        col, was = new.column(name), old.column(name)  # type: ignore[arg-type]
        if col is None or was is None or col.nullable or was.nullable:
            continue
        out.append(Change("set_not_null", new.schema, new.name, name, replace(was, nullable=True),
                          replace(col, not_null=None), new, KEEPS_NOT_NULL))
        held = was.not_null or NotNull()
        left = replace(was, not_null=NotNull(held.name or default_not_null_name(new.name, name), comment=held.comment))
        will = col.not_null or NotNull()
        wanted = replace(col, not_null=replace(will, name=will.name or default_not_null_name(new.name, name)))
        if left.not_null != wanted.not_null:
            out.append(Change("alter_not_null", new.schema, new.name, name, left, wanted, new, KEEPS_NOT_NULL))
            renamed.add(name)
    return [c for c in changes if not (c.kind == "alter_not_null" and c.name in renamed)] + out


def not_null_changes(table: str, old: Column, new: Column,
                     own: bool = True) -> list[tuple[str, Column, Column, Optional[str]]]:
    """(kind, old column, new column, cause) of each change between two columns' NOT NULLs; `table` the current
    table's name, `own` whether it has no parent (a child's NOT NULL may be its parent's, under the parent's name,
    which Postgres refuses to rename). An alter_not_null's old column names its constraint as the database does
    (Postgres's default where the catalog said none), which the statements rename, validate or alter; its new column
    names the one schema.yaml leaves unnamed, where the database holds it under another name, by Postgres's default
    (NAMED_AS_DEFAULT)."""
    if old.nullable != new.nullable:
        commented = not new.nullable and new.not_null is not None and new.not_null.comment is not None
        # (SET NOT NULL makes it uncommented: COMMENT ON CONSTRAINT follows, as a change of the NOT NULL made)
        made = replace(new.not_null, comment=None, name=new.not_null.name or default_not_null_name(table, old.name)) \
            if commented else None  # type: ignore[union-attr]
        return [("drop_not_null" if new.nullable else "set_not_null", old, new, None)] + \
            ([("alter_not_null", replace(new, not_null=made), new, None)] if commented else [])
    if new.nullable or old.not_null == new.not_null:
        return []
    was, will = old.not_null or NotNull(), new.not_null or NotNull()
    default = default_not_null_name(table, old.name)
    if will.name is None:
        # unnamed in schema.yaml: the database meets it under any name (diff reports none, as for keys), and generate
        # renames one the database holds under another (an older table's or column's, `old_t_c_not_null`, left by a
        # RENAME TABLE or COLUMN of its history) to Postgres's, as a fresh build names it (keys: default_name_given)
        will = replace(will, name=default if was.name is not None and own else was.name)
    elif was.name is None and will.name == default:
        was = replace(was, name=will.name)  # (the catalog reads Postgres's own name as none: schema.yaml spells it)
    if was == will:
        return []
    renamed_only = new.not_null is None or new.not_null.name is None
    named = replace(new, not_null=will) if renamed_only else new
    cause = NAMED_AS_DEFAULT if renamed_only and replace(was, name=None) == replace(will, name=None) else None
    return [("alter_not_null", replace(old, not_null=replace(was, name=was.name or default)), named, cause)]


def across_no_inherit(cur: Table, des: Table, cur_tables: dict,
                      des_tables: Optional[dict] = None) -> tuple[Table, list[Change]]:
    """A NOT NULL a child (or partition) inherited from a parent it leaves (NO INHERIT, DETACH) stays on it as its
    own, under the parent's constraint's name: renamed after the NO INHERIT as schema.yaml names it, else as CREATE
    TABLE would name it: for a partition attached to another parent (`des_tables`), the new parent's name (what
    PARTITION OF makes: ATTACH keeps the one it has); for a child, after the first parent `des` inherits it from
    (INHERIT then keeps the child's name, where CREATE TABLE ... INHERITS takes the parent's); else as a table's own;
    when the child holds it under the parent's name, inherited or its own (not under a name of its own). The parent's
    name is the one it holds: a parent that is itself a child or partition holds its own parent's (18 copies the
    root's name down: t3a, left by t3, holds p_id_not_null). `cur` comes back with those columns named as `des`."""
    left = [cur_tables.get((q.schema, q.name)) for q in cur.inherits if q not in des.inherits]
    p, q = cur.partition_of, des.partition_of
    if p is not None and (q is None or (q.parent_schema, q.parent) != (p.parent_schema, p.parent)):  # detached
        left.append(cur_tables.get((p.parent_schema, p.parent)))
    if not left:
        return cur, []
    des_cols = {c.name: c for c in des.columns}  # (by its old name, one renamed after the DETACH: inherited_renames)
    des_cols.update({c.renamed_from: c for c in des.columns if c.renamed_from and cur.column(c.name) is None})
    named: dict[str, Column] = {}
    changes: list[Change] = []
    for parent in left:
        for pc in getattr(parent, "columns", ()):
            col, own = des_cols.get(pc.name), cur.column(pc.name)
            if pc.nullable or (pc.not_null is not None and pc.not_null.no_inherit) or col is None or col.nullable \
                    or own is None or own.nullable or pc.name in named:
                continue
            name = _held_names(parent, pc.name, cur_tables)[0]
            if own.not_null is not None and own.not_null.name and own.not_null.name != name:
                continue  # a name of its own (the catalog reads the parent's too where the child declared it itself)
            given = parents_not_null_names(des, col.name, des_tables) if q is not None and des_tables else []
            to = (col.not_null and col.not_null.name) or (given[0] if given else None) \
                or _parents_name(des, col.name, des_tables or {}) or default_not_null_name(des.name, col.name)
            # its comment, where it has one as its own under the parent's name: changed by the rename (which runs
            # after the NO INHERIT, the other changes before it), or where there is none as any other
            kept = own.not_null.comment if own.not_null is not None else None
            will = col.not_null.comment if col.not_null is not None else None
            if name != to:
                named[pc.name] = replace(own, not_null=col.not_null)
                changes.append(Change("alter_not_null", des.schema, des.name, col.name,
                                      replace(own, not_null=NotNull(name, comment=kept)),
                                      replace(col, not_null=NotNull(to, comment=will)), des, AFTER_NO_INHERIT))
            else:
                named[pc.name] = replace(own, not_null=replace(col.not_null, comment=kept)
                                         if col.not_null is not None else own.not_null)
    return replace(cur, columns=tuple(named.get(c.name, c) for c in cur.columns)), changes


def before_inherit(cur: Table, des: Table, des_tables: dict) -> list[Change]:
    """A table joining a parent (INHERIT, or ATTACH PARTITION of a table that was none of that parent's) keeps its
    own NOT NULL's name, where CREATE TABLE ... INHERITS / PARTITION OF names it after the parent's (which
    schema.yaml then means, and a COMMENT ON CONSTRAINT names): renamed so just before the INHERIT or ATTACH where
    schema.yaml names it not (cause FOR_INHERIT; a NOT NULL a kept parent gives it already is left as it is). The
    same for one the partition gets in this migration (SET NOT NULL, which ATTACH requires where the parent has it:
    its default name) where it is attached, or attached again with another bound (DETACH keeps the names it had)."""
    kept = [q for q in des.inherits if q in cur.inherits]
    p, q = cur.partition_of, des.partition_of
    attached = q is not None and (p is None or (p.parent_schema, p.parent) != (q.parent_schema, q.parent))
    again = q is not None and not attached and partition_of_key(cur) != partition_of_key(des)
    if len(kept) == len(des.inherits) and not attached and not again:
        return []
    out: list[Change] = []
    declared = des_tables.get((des.schema, des.name), des)  # as schema.yaml names them (not as defaults_as_held)
    for col in des.columns:
        own, said = cur.column(col.name), declared.column(col.name) or col
        made = own is not None and own.nullable and said.not_null is None and (attached or again)  # SET NOT NULL
        if col.nullable or (said.not_null is not None and said.not_null.name is not None) or own is None \
                or (own.nullable and not made) or (again and not made) or (not attached and not again and _parents_name(
                    replace(des, inherits=tuple(kept)), col.name, des_tables) is not None):
            continue
        given = parents_not_null_names(des, col.name, des_tables) if attached or again else []
        to = given[0] if given else _parents_name(des, col.name, des_tables)
        name = default_not_null_name(des.name, col.name) if made else \
            (own.not_null and own.not_null.name) or default_not_null_name(cur.name, col.name)  # type: ignore[union-attr]
        if to is not None and to != name:
            out.append(Change("alter_not_null", des.schema, des.name, col.name, replace(own, not_null=NotNull(name)),
                              replace(col, not_null=NotNull(to)), des, FOR_INHERIT))
    return out


def _parents_name(des: Table, column: str, des_tables: dict) -> Optional[str]:
    """The name of the NOT NULL `des` inherits on `column` from the first of its parents that holds one."""
    for q in des.inherits:
        parent = des_tables.get((q.schema, q.name))
        pc = parent.column(column) if parent is not None else None
        if pc is not None and not pc.nullable and not (pc.not_null is not None and pc.not_null.no_inherit):
            return (pc.not_null and pc.not_null.name) or default_not_null_name(parent.name, column)
    return None


def names_its_own(c: Change, t: Table) -> bool:
    """A child's SET NOT NULL or ADD COLUMN (not a partition's: Postgres adds its columns from the parent alone)
    its parent's ALTER TABLE would make, whose NOT NULL schema.yaml names: made on the child first (NAMED_BELOW)."""
    col = c.new
    return (c.kind == "set_not_null" or (c.kind == "add_column" and t.partition_of is None)) and \
        isinstance(col, Column) and not col.nullable and col.not_null is not None and bool(col.not_null.name) \
        and not col.not_null.not_valid and col.identity is None


def inherited_renames(changes: list[Change], current: Schema) -> list[tuple[Change, str]]:
    """Each change renaming a child's (or partition's) NOT NULL it inherits from a parent, with why `generate`
    cannot: Postgres refuses to rename an inherited constraint (the child's own merged into it too), and
    keeps one NOT NULL per column. Its name is given where the table is made, or its parent's NOT NULL set."""
    renames = [c for c in changes if c.kind == "alter_not_null" and c.cause is None and not c.under_parent
               and isinstance(c.old, Column)
               and isinstance(c.new, Column) and c.new.not_null is not None and c.new.not_null.name is not None
               and c.new.not_null.name != (c.old.not_null or NotNull()).name]
    if not renames:
        return []
    tables = {t.key: t for t in current.tables}
    moved = {(c.schema, c.table): c.old for c in changes if c.kind == "rename_table" and isinstance(c.old, Table)}
    was = {(c.schema, c.table, c.name): c.old.name for c in changes if c.kind == "rename_column"  # (a parent's column
           and isinstance(c.old, Column)}  # renamed: `current` holds it under its old name)
    out = []
    for c in renames:
        t = tables.get((c.schema, c.table)) or moved.get((c.schema, c.table))  # (renamed_from: old name in `current`)
        for key in [] if t is None else parent_keys(t):
            pc = tables[key].column(was.get((*key, c.name), c.name)) if key in tables else None
            if pc is not None and not pc.nullable and not (pc.not_null is not None and pc.not_null.no_inherit):
                out.append((c, f"table {c.schema}.{c.table}: the NOT NULL of column {c.name} is inherited from "
                               f"{key[0]}.{key[1]}, and Postgres cannot rename an inherited constraint; its name "
                               f"({c.new.not_null.name}) is given where the table is made (CREATE TABLE ... INHERITS "  # type: ignore
                               "/ PARTITION OF) or before its parent's NOT NULL: "
                               + (f"keep {c.old.not_null.name}, " if c.old.not_null and c.old.not_null.name else "")  # type: ignore[union-attr]
                               + "drop it from schema.yaml, or make the table again"))
                break
    return out


def named_in_partitions(changes: list[Change], des_tables: dict) -> list[Change]:
    """A partition's new column takes its NOT NULL from its parent's ADD COLUMN, under the parent's name, which it
    cannot rename: where schema.yaml names the partition's, the parent adds the column without it, the partition
    adds its own (NAMED_BELOW) and the parent's SET NOT NULL merges into it."""
    named = {}
    for c in changes:
        t = des_tables.get((c.schema, c.table))
        if c.kind == "add_column" and c.cause == INHERITED and t is not None and t.partition_of is not None \
                and isinstance(c.new, Column) and c.new.not_null is not None and c.new.not_null.name \
                and not c.new.not_null.not_valid:
            named.setdefault((t.partition_of.parent_schema, t.partition_of.parent, c.name), []).append(c)
    if not named:
        return changes
    out = []
    for c in changes:
        below = named.get((c.schema, c.table, c.name)) if c.kind == "add_column" and c.cause is None else None
        if below and isinstance(c.new, Column) and not c.new.nullable and c.new.identity is None:  # (NOT NULL itself)
            out += [replace(c, new=replace(c.new, nullable=True, not_null=None)),
                    Change("set_not_null", c.schema, c.table, c.name, replace(c.new, nullable=True, not_null=None),
                           c.new, c.table_def)]
            out += [Change("set_not_null", b.schema, b.table, b.name, replace(b.new, nullable=True, not_null=None),
                           b.new, b.table_def, NAMED_BELOW) for b in below]  # type: ignore[type-var]
        else:
            out.append(c)
    return out
