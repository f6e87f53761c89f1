"""A column's NOT NULL as PostgreSQL 18 keeps it, a constraint (pg_constraint contype 'n'): its name, NOT VALID
and NO INHERIT beside the nullability compare.tables compares."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import INHERITED, NAMED_AS_DEFAULT, NAMED_BELOW, Change
from schemac.compare.inherited_checks import AFTER_NO_INHERIT, FOR_INHERIT
from schemac.compare.inherited_renames import parent_keys
from schemac.compare.partitioning import partition_of_key
from schemac.model import Column, NotNull, Schema, Table
from schemac.pg.names import default_not_null_name, postgres_named

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
    which Postgres refuses to rename). An alter_not_null's old column names its constraint as the database does (Postgres's default where
    the catalog said none), which the statements rename, validate or alter; its new column names the one schema.yaml
    leaves unnamed, where the database holds it under another name, by Postgres's default (NAMED_AS_DEFAULT)."""
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
    des_cols = {c.name: c for c in des.columns}
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


def named_where_claimed(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """A NOT NULL left unnamed gets Postgres's default name, <table>_<column>_not_null, unless a constraint of the
    same schema holds that name already: Postgres then numbers it (node_id_not_null1). On PostgreSQL 18 that is
    every table made by CREATE TABLE ... (LIKE node), which copies node's NOT NULLs with their names, and is
    created first when its name sorts first, and every INHERITS child made before its parent (column_order), which
    is made with its parent's names. The NOT NULLs that new tables, new columns and SET NOT NULL make are named
    explicitly where another table of either model, or one made, names one so (never on a schema without named
    NOT NULLs: nothing older than 18 has any); a SET NOT NULL on 18 too (named_on_18) where the migration renames
    another's so first (before_inherit: a partition's as its parent's, before the ATTACH the parent's SET waits for)."""
    if not any(ch.kind in ("add_table", "add_column", "set_not_null") for ch in changes):
        return changes  # (no walk of every column when nothing makes a NOT NULL: `diff` in sync)
    claimed: dict[tuple[str, str], set[str]] = {}
    made = [ch.new for ch in changes if ch.kind == "add_table" and isinstance(ch.new, Table)]
    for t in (*current.tables, *desired.tables, *made):  # made: a child made before its parent names its NOT NULL so
        for c in t.columns:
            if c.not_null is not None and c.not_null.name:
                claimed.setdefault((t.schema, c.not_null.name), set()).add(t.name)
    renamed = {(ch.schema, ch.new.not_null.name, ch.table) for ch in changes if ch.kind == "alter_not_null"  # (18)
               and isinstance(ch.new, Column) and ch.new.not_null is not None and ch.new.not_null.name}
    if not claimed and not renamed:
        return changes

    def named(t: Table, c: Column) -> Column:
        if c.nullable or (c.not_null is not None and c.not_null.name):
            return c
        name = default_not_null_name(t.name, c.name)
        if not claimed.get((t.schema, name), set()) - {t.name}:
            return c
        return replace(c, not_null=replace(c.not_null or NotNull(), name=name))

    out = []
    for ch in changes:
        t = ch.table_def
        if ch.kind == "add_table" and isinstance(ch.new, Table):
            made = replace(ch.new, columns=tuple(named(ch.new, c) for c in ch.new.columns))
            ch = replace(ch, new=made, table_def=made if t is ch.new else t)
        elif ch.kind in ("add_column", "set_not_null") and isinstance(ch.new, Column) and t is not None:
            col, name = named(t, ch.new), default_not_null_name(t.name, ch.new.name)
            if ch.kind == "set_not_null" and not (col.not_null and col.not_null.name) and \
                    any(r[:2] == (t.schema, name) and r[2] != t.name for r in renamed):
                ch = replace(ch, named_on_18=True, new=replace(col, not_null=replace(col.not_null or NotNull(),
                                                                                    name=name)))
            else:
                ch = replace(ch, new=col)
        out.append(ch)
    return out


def partition_names_it(c: Column) -> bool:
    """A partition's column with a NOT NULL of its own it names: CREATE TABLE ... PARTITION OF makes it
    (plan.not_null_ddl.partition_not_nulls)."""
    return not c.nullable and c.not_null is not None and bool(c.not_null.name) and not c.not_null.not_valid


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
    renames = [c for c in changes if c.kind == "alter_not_null" and c.cause is None and isinstance(c.old, Column)
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


def _parents(t: Table, tables: dict) -> list[Table]:
    return [tables[k] for k in parent_keys(t) if k in tables and k != t.key]


def _held_names(t: Table, column: str, tables: dict, depth: int = 0) -> list[str]:
    """The names `t`'s NOT NULL on `column` may have in a database: the one schema.yaml gives, else those its
    parents' give it (INHERITS / PARTITION OF copy the parent's name) and Postgres's default for `t`; [] where
    the column is nullable."""
    c = t.column(column)
    if c is None or c.nullable:
        return []
    if c.not_null is not None and c.not_null.name:
        return [c.not_null.name]
    return parents_not_null_names(t, column, tables, depth + 1) + [default_not_null_name(t.name, column)]


def parents_not_null_names(t: Table, column: str, tables: dict, depth: int = 0) -> list[str]:
    """The names a NOT NULL of `t` on `column` takes from its parents (`tables`: by key), the first parent's first
    (Postgres gives a child made INHERITS or PARTITION OF the first parent's); [] where no parent passes one down."""
    out: list[str] = []
    for p in _parents(t, tables) if depth < 32 else ():  # (a cycle is the loader's error)
        pc = p.column(column)
        if pc is not None and not pc.nullable and not (pc.not_null is not None and pc.not_null.no_inherit):
            out += _held_names(p, column, tables, depth)
    return out


def defaults_as_held(cur: Table, des: Table, cur_tables: dict, des_tables: dict) -> Table:
    """`des` with each NOT NULL it inherits under one of Postgres's two names for it, its parent's (PARTITION OF,
    INHERITS) or its own <table>_<column>_not_null (a table made first, then attached or INHERIT'ed, or declaring
    the column NOT NULL itself), named as `cur` has it where `cur` has either or none: the two are one, since Postgres
    cannot rename an inherited NOT NULL (the name is given where the table is made: compare.differ). So too where
    schema.yaml says Postgres's default and `cur` holds Postgres's name of an older table or column (a merged one kept
    through RENAME TABLE or COLUMN: compare.not_null_renames.inherited_left)."""
    if not (des.inherits or des.partition_of):
        return des
    columns = []
    for c in des.columns:
        old = cur.column(c.name)
        if c.nullable or c.not_null is None or not c.not_null.name or old is None or old.nullable:
            columns.append(c)
            continue
        given = parents_not_null_names(des, c.name, des_tables) + parents_not_null_names(cur, c.name, cur_tables)
        either = set(given) | {default_not_null_name(des.name, c.name), default_not_null_name(cur.name, c.name)}
        held = old.not_null.name if old.not_null is not None else None
        renamed = postgres_named(held or "") and c.not_null.name == default_not_null_name(des.name, c.name)  # (below)
        if given and c.not_null.name in either and (held is None or held in either or renamed):
            nn = replace(c.not_null, name=held)
            c = replace(c, not_null=None if nn == NotNull() else nn)
        columns.append(c)
    return replace(des, columns=tuple(columns))


def held_as_parents(cur: Table, des: Table, cur_tables: dict) -> Table:
    """`cur` with each NOT NULL an INHERITS child holds unnamed (the catalog leaves out the parent's name, which
    CREATE TABLE ... INHERITS gives it) named as that parent's, where either says something of its own of it (a
    comment): the COMMENT ON CONSTRAINT then names the constraint the child has, not <child>_<column>_not_null."""
    if not cur.inherits:
        return cur
    columns = []
    for c in cur.columns:
        want = des.column(c.name)
        if not c.nullable and (c.not_null is None or not c.not_null.name) and want is not None and \
                not (want.not_null is not None and want.not_null.name) and (want.not_null or c.not_null) is not None:
            given = parents_not_null_names(cur, c.name, cur_tables)
            if given:
                c = replace(c, not_null=replace(c.not_null or NotNull(), name=given[0]))
        columns.append(c)
    return replace(cur, columns=tuple(columns))


def named_as_attached(t: Table, tables: dict) -> bool:
    """A new partition with a NOT NULL under its own <table>_<column>_not_null, not its parent's (a table made on
    its own and then attached, as pg_dump makes them): PARTITION OF would name it after the parent, so it is made
    on its own and attached (compare.inherited_checks.attached_partition), which keeps the name. Not a foreign
    table: PARTITION OF names its own (plan.not_null_ddl.partition_not_nulls)."""
    if t.foreign is not None:
        return False
    for c in t.columns:
        if partition_names_it(c) and c.not_null.name == default_not_null_name(t.name, c.name):  # type: ignore[union-attr]
            given = parents_not_null_names(t, c.name, tables)
            if given and c.not_null.name not in given:  # type: ignore[union-attr]
                return True
    return False


def parents_names_given(t: Table, tables: dict, attached: bool = False) -> Table:
    """A new INHERITS child whose own column (one it declares again, with a default of its own) is NOT NULL,
    unnamed, where a parent passes its NOT NULL down: named as the parent's, which CREATE TABLE ... INHERITS
    gives it where the child does not say NOT NULL itself (saying it unnamed names it the child's own). With
    `attached`, the same for a new partition made on its own and then attached (compare.inherited_checks.
    attached_partition): unnamed, its NOT NULL is the parent's, as PARTITION OF names it, but CREATE TABLE alone
    would name it the partition's own, which ATTACH keeps (PostgreSQL 18)."""
    if not (t.inherits or (attached and t.partition_of is not None)):
        return t
    columns = []
    for c in t.columns:
        nn = c.not_null or NotNull()
        if not c.nullable and not nn.name and not nn.not_valid and not nn.no_inherit and c.identity is None:
            given = parents_not_null_names(t, c.name, tables)
            if given:
                # (CREATE TABLE ... INHERITS then leaves NOT NULL out; a partition made on its own must say it). Not
                # one that says something of its own (a comment): the catalog reads such only from the child's own
                # NOT NULL (conislocal, as a table made first and then INHERIT'ed has it under the parent's name);
                # left to the parent, its comment would be an inherited copy's (inherited_constraints:)
                c = replace(c, not_null=replace(nn, name=given[0], from_parent=not attached and c.not_null is None))
        columns.append(c)
    return replace(t, columns=tuple(columns))
