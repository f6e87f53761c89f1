"""The names a NOT NULL takes where schema.yaml leaves it unnamed or a parent passes its own down (INHERITS,
PARTITION OF): Postgres's default, numbered where claimed, or the parent's; the tables of both models named so
before they are compared (compare.not_nulls compares the constraints themselves)."""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.compare.changes import Change
from schemac.compare.inherited_renames import parent_keys
from schemac.model import Column, NotNull, Schema, Table
from schemac.pg.names import default_not_null_name, postgres_named


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
