"""An INHERITS child's or a partition's own NOT NULL merged with its parent's (PostgreSQL 18: conislocal, coninhcount 1) that
schema.yaml names otherwise (a fresh build's name over a column the parent renames: pt1_a_not_null -> pt1_aa_not_null).
Postgres refuses RENAME CONSTRAINT of an inherited constraint, and DROP NOT NULL of the child's while the parent's
holds; it is renamed while the parent holds none (plan.not_null_ddl.remade_under_parent): the child's made its own
(ALTER TABLE ONLY ... SET NOT NULL: a no-op, as it is local already), the parent's dropped (the children that only inherit it lose theirs),
the child's renamed, the parent's added again under its name (merged into the child's, coninhcount 1; given to the
others under the parent's name, as CREATE ... INHERITS names them), scanning the parent's own rows and those children's. Where the tree is deeper, the child has other parents, or a comment would be lost, the name is
kept with a warning (compare.not_null_renames.inherited_left). A partition's too (fix49b): it ends local and inherited
(conislocal true, coninhcount 1), as CREATE TABLE ... PARTITION OF p (a NOT NULL) and schemac's build of it (PARTITION
OF ... (a WITH OPTIONS CONSTRAINT name NOT NULL)) make it on 18 (one made first and ATTACHed is not local: the pair
oracle leaves an inherited one's name and conislocal out); before, the parent's kept its old name silently (its RENAME
CONSTRAINT recurses, and the partition holds another name). The parent's own NOT NULL alike, where it takes a fresh
build's name (a column or table renamed) while children keep theirs under names of their own (an ATTACHed partition's
`pt1_own`), which its recursing RENAME CONSTRAINT refuses (parent_remade): before, generate kept its old name with a
warning (compare.not_null_renames.left_names). Not where Postgres refuses the parent's DROP NOT NULL: a column of a
primary key, an identity, a replica identity index, in the parent or a child."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import NAMED_AS_DEFAULT, Change
from schemac.compare.inherited_renames import parent_keys
from schemac.compare.moves import _repointed
from schemac.compare.under_parent import UnderParent
from schemac.model import Column, NotNull, Schema, Table
from schemac.model.frozen import replace
from schemac.pg.names import default_not_null_name


def remade_under_parents(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each rename of a child's own merged NOT NULL that safe_parent allows given `under_parent`, and
    each parent's own rename to Postgres's default name that parent_remade allows."""
    if not any(c.kind in ("alter_not_null", "rename_column", "rename_table") for c in changes):
        return changes
    cur, des = {t.key: t for t in current.tables}, {t.key: t for t in desired.tables}
    cur = under_new_names(cur, {(c.old.schema, c.old.name): (c.schema, c.table) for c in changes
                                if c.kind == "rename_table" and isinstance(c.old, Table)})
    changes = [*changes, *_under_renamed_columns(changes, cur, des), *_under_renamed_tables(changes, cur, des)]
    was = {(c.schema, c.table, c.name): c.old.name for c in changes  # (a column renamed: `current` holds its old name)
           if c.kind == "rename_column" and isinstance(c.old, Column)}
    touched = {(c.schema, c.table, c.name) for c in changes if c.kind in ("set_not_null", "drop_not_null",
                                                                          "alter_not_null")}
    out, group = [], {}  # (group: (parent, column) -> the indexes in `out` of the renames under it)
    for c in changes:
        up = parent_remade(cur, des, (c.schema, c.table), c.name, was.get((c.schema, c.table, c.name), c.name)) \
            if c.kind == "alter_not_null" and (c.cause == NAMED_AS_DEFAULT or c.cause is None and _renamed_only(c)) \
            and c.under_parent is None and isinstance(c.old, Column) else None  # (a parent's own: Postgres's name over
        if up is not None:  # a table renamed in its history, or a name schema.yaml gives it)
            c = replace(c, under_parent=up)
        elif c.kind == "alter_not_null" and c.cause is None and isinstance(c.old, Column) and isinstance(c.new, Column):
            at = was.get((c.schema, c.table, c.name), c.name)
            parent = safe_parent(cur, des, (c.schema, c.table), c.name, at)
            if parent is not None and (parent.schema, parent.name, c.name) not in touched:  # (the parent's own changed)
                group.setdefault((parent.key, c.name, at), []).append(len(out))
                c = replace(c, under_parent=UnderParent(parent.schema, parent.name, _name(parent, c.name)))
        out.append(c)
    for (pk, column, at), idx in group.items():  # (the first rename under a parent does them all: one DROP, one ADD)
        renames = tuple((out[i].schema, out[i].table, out[i].old.not_null.name, out[i].new.not_null.name  # type: ignore
                         or default_not_null_name(out[i].table, column)) for i in idx)
        own = tuple(x.key for x in cur.values() if pk in parent_keys(x) and _own_name(x, at, cur[pk]))
        first = out[idx[0]]
        out[idx[0]] = replace(first, under_parent=replace(first.under_parent, made_own=own, renames=renames, lead=True))
    return out


def _under_renamed_columns(changes: list[Change], cur: dict, des: dict) -> list[Change]:
    """An alter_not_null (NAMED_AS_DEFAULT) given `under_parent` for each column a table renames whose NOT NULL,
    unnamed in schema.yaml, holds Postgres's name over the old column, where parent_remade allows: the guarded RENAME
    after the RENAME COLUMN (plan.table_renames.column_defaults_renamed) leaves it where a child holds its own under
    another name (an ATTACHed partition keeping `pt1_own`), as the comparison takes it for renamed; without this,
    compare.not_null_renames.left_names keeps the old name with a warning."""
    out = []
    for c in changes:
        t = des.get((c.schema, c.table)) if c.kind == "rename_column" and c.cause is None else None
        col = t.column(c.name) if t is not None and isinstance(c.old, Column) else None  # type: ignore[arg-type]
        if col is None or col.nullable or (col.not_null is not None and col.not_null.name):
            continue
        old: Column = c.old  # type: ignore[assignment]
        held = (old.not_null.name if old.not_null is not None else None) or default_not_null_name(c.table, old.name)
        if held != default_not_null_name(c.table, old.name) or held == default_not_null_name(c.table, c.name):  # type: ignore
            continue  # (a name of its own, kept by RENAME COLUMN; or the same over both)
        up = parent_remade(cur, des, (c.schema, c.table), c.name, old.name)  # type: ignore[arg-type]
        if up is not None:
            was = replace(col, not_null=replace(col.not_null or NotNull(), name=held))
            out.append(replace(Change("alter_not_null", c.schema, c.table, c.name, was, col, t, NAMED_AS_DEFAULT),
                               under_parent=up))
    return out


def under_new_names(cur: dict, moved: dict) -> dict:
    """`cur` (key -> current table) with the tables `moved` (old key -> new key) renames under their new names, and the
    tables naming them as parents naming them so: a parent renamed (`renamed_from:`) is remade as one kept."""
    return {moved.get(k, k): _repointed(replace(t, schema=moved[k][0], name=moved[k][1]) if k in moved else t, moved)
            for k, t in cur.items()} if moved else cur


def _under_renamed_tables(changes: list[Change], cur: dict, des: dict) -> list[Change]:
    """An alter_not_null (NAMED_AS_DEFAULT) given `under_parent` for each NOT NULL, unnamed in schema.yaml, of a table
    renamed whose name is Postgres's over the old table's name, where parent_remade allows: the guarded RENAME after
    the RENAME TABLE (plan.table_renames.defaults_renamed) leaves it where a child holds its own under another name."""
    out = []
    for c in changes:
        t, old = (des.get((c.schema, c.table)), c.old) if c.kind == "rename_table" else (None, None)
        for col in t.columns if isinstance(t, Table) and isinstance(old, Table) else ():
            was = old.column(col.name)
            if was is None or col.nullable or was.nullable or (col.not_null is not None and col.not_null.name):
                continue
            held = (was.not_null.name if was.not_null is not None else None) or default_not_null_name(old.name, col.name)
            if held != default_not_null_name(old.name, col.name) or held == default_not_null_name(t.name, col.name):
                continue
            up = parent_remade(cur, des, t.key, col.name, col.name)
            if up is not None:
                out.append(replace(Change("alter_not_null", t.schema, t.name, col.name, replace(
                    col, not_null=replace(col.not_null or NotNull(), name=held)), col, t, NAMED_AS_DEFAULT), under_parent=up))
    return out


def safe_parent(cur: dict, des: dict, key: tuple, column: str, was: str) -> Optional[Table]:
    """The desired parent of table `key`, whose own NOT NULL on `column` (`was` before a rename) is merged with that
    parent's and renamed, where renaming it through the parent's DROP and ADD (module docstring) gives a fresh build's
    catalog: an INHERITS child or a partition (which ends local, conislocal true, as PARTITION OF ... (a NOT NULL)
    makes it), of one parent, kept, the parent remade_safely, the child's NOT NULL named as recorded, no NOT VALID, NO
    INHERIT nor comment on it; else None."""
    t, old = des.get(key), cur.get(key)
    if t is None or old is None or len(parent_keys(t)) != 1 or parent_keys(old) != parent_keys(t):
        return None
    pk = parent_keys(t)[0]
    if not remade_safely(cur, des, pk, column, was, key) or not (_plain(t.column(column)) and _plain(old.column(was))):
        return None
    p, p_old = des[pk], cur[pk]
    held = old.column(was).not_null  # type: ignore[union-attr]
    if held is None or not held.name:  # (a child's unnamed one may hold its parent's name: RENAME would miss it)
        return None
    (pn, cn), (pn_old, cn_old) = [(_name(a, c), _name(b, c)) for a, b, c in ((p, t, column), (p_old, old, was))]
    return p if cn_old != pn_old and cn != pn and cn != cn_old else None


def remade_safely(cur: dict, des: dict, pk: tuple, column: str, was: str, besides: Optional[tuple] = None) -> bool:
    """Whether table `pk`'s NOT NULL on `column` (`was` before a rename) may be dropped and added again under another
    name (module docstring), its children's own names kept: a table kept, of no parent, none of its children with
    children, the children but `besides` naming their own are tables kept (made local first, as they stay), no NOT
    VALID, NO INHERIT nor comment on its NOT NULL, no comment on the children's (the DROP and ADD make the copies
    again), nor a key, identity or replica identity Postgres keeps the column NOT NULL for ('column is in a primary
    key')."""
    p, p_old = des.get(pk), cur.get(pk)
    if p is None or p_old is None or parent_keys(p) or parent_keys(p_old):
        return False
    for tables in (cur, des):
        children = [x for x in tables.values() if pk in parent_keys(x)]
        if any(set(parent_keys(x)) & {c.key for c in children} for x in tables.values()):
            return False  # (a grandchild: the DROP and ADD recurse through it)
        name = was if tables is cur else column
        if any(_commented(x.column(name)) or _own_name(x, name, tables[pk]) and (x.key not in des or x.key not in cur
                                                                                 or not _plain(x.column(name)))
               for x in children if x.key != besides) or any(_dropping_refused(x, name) for x in (tables[pk], *children)):
            return False  # (another child's own name is made local first, as it stays: where it is a table kept)
    return _plain(p.column(column)) and _plain(p_old.column(was))


def parent_remade(cur: dict, des: dict, pk: tuple, column: str, was: str) -> Optional[UnderParent]:
    """Where table `pk`'s NOT NULL on `column` (`was` before a rename) takes another name (a fresh build's, over a
    column or table renamed) while children hold theirs under names of their own, none renamed (an ATTACHed partition
    keeping `p1_own`): Postgres's RENAME CONSTRAINT recurses and refuses one holding another name ('constraint
    "pt_a_not_null" of relation "pt1" does not exist'), its ONLY an inherited constraint: the parent's dropped and added
    again under its new name, those children's made their own first (plan.not_null_ddl.remade_under_parent; they end
    local, conislocal true, as fix49f's attached sibling, where a fresh build's ATTACH leaves them inherited only: only
    a DETACH and ATTACH over the rows would); None where that is not safe (remade_safely) or no child holds its own."""
    if not remade_safely(cur, des, pk, column, was):
        return None
    p, below = des[pk], {x.key for x in cur.values() if pk in parent_keys(x)}
    own = [x for x in des.values() if pk in parent_keys(x) and _own_name(x, column, p)]  # (after ATTACH and DETACH)
    held = [cur[x.key].column(was if x.key in below else column) for x in own]  # (one attached: its column as it is)
    if not own or any(h is None or h.not_null is None or h.not_null.name != x.column(column).not_null.name  # type: ignore
                      for x, h in zip(own, held)):
        return None  # (a child's own renamed: safe_parent's, under that child's rename)
    return UnderParent(p.schema, p.name, _name(p, column), made_own=tuple(x.key for x in own), lead=True)


def _renamed_only(c: Change) -> bool:
    """An alter_not_null that renames the NOT NULL alone (to the name schema.yaml gives it)."""
    was, will = c.old.not_null, c.new.not_null  # type: ignore[union-attr]
    return was is not None and will is not None and bool(will.name) and will.name != was.name and \
        replace(was, name=None) == replace(will, name=None)


def _name(t: Table, column: str) -> str:
    """The name of the NOT NULL of `t`'s `column`: its own, else Postgres's default."""
    nn = t.column(column).not_null  # type: ignore[union-attr]
    return nn.name if nn is not None and nn.name else default_not_null_name(t.name, column)


def _plain(col: Optional[Column]) -> bool:
    """A NOT NULL column whose constraint is valid, inherited, uncommented (or a bare NOT NULL: no NotNull)."""
    nn = col.not_null if col is not None and not col.nullable else None
    return col is not None and not col.nullable and (
        nn is None or not nn.not_valid and not nn.no_inherit and nn.comment is None)


def _own_name(t: Table, column: str, parent: Table) -> bool:
    """`t`'s NOT NULL on `column` is named, not as its parent's: a partition ATTACHed holds its own, inherited only
    (conislocal false), which the parent's DROP NOT NULL drops and its ADD gives back under the parent's name."""
    nn = t.column(column).not_null if t.column(column) is not None else None  # type: ignore[union-attr]
    return nn is not None and bool(nn.name) and nn.name != _name(parent, column)


def _dropping_refused(t: Table, column: str) -> bool:
    """Postgres refuses DROP NOT NULL of `t`'s `column` (the parent's recursing to it): 'column is in a primary key',
    'column is an identity column', or in the index of its replica identity."""
    col = t.column(column)
    return (t.primary_key is not None and column in t.primary_key.columns) or (col is not None and col.identity is not None) \
        or t.replica_identity == "index"


def _commented(col: Optional[Column]) -> bool:
    return col is not None and col.not_null is not None and col.not_null.comment is not None
