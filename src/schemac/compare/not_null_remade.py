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
CONSTRAINT recurses, and the partition holds another name). Not where Postgres refuses the parent's DROP NOT NULL: a
column of a primary key, an identity, a replica identity index, in the parent or a child."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.inherited_renames import parent_keys
from schemac.compare.under_parent import UnderParent
from schemac.model import Column, Schema, Table
from schemac.model.frozen import replace
from schemac.pg.names import default_not_null_name


def remade_under_parents(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each rename of a child's own merged NOT NULL that safe_parent allows given `under_parent`."""
    if not any(c.kind == "alter_not_null" and c.cause is None for c in changes):
        return changes
    cur, des = {t.key: t for t in current.tables}, {t.key: t for t in desired.tables}
    was = {(c.schema, c.table, c.name): c.old.name for c in changes  # (a column renamed: `current` holds its old name)
           if c.kind == "rename_column" and isinstance(c.old, Column)}
    touched = {(c.schema, c.table, c.name) for c in changes if c.kind in ("set_not_null", "drop_not_null",
                                                                          "alter_not_null")}
    out, group = [], {}  # (group: (parent, column) -> the indexes in `out` of the renames under it)
    for c in changes:
        if c.kind == "alter_not_null" and c.cause is None and isinstance(c.old, Column) and isinstance(c.new, Column):
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


def safe_parent(cur: dict, des: dict, key: tuple, column: str, was: str) -> Optional[Table]:
    """The desired parent of table `key`, whose own NOT NULL on `column` (`was` before a rename) is merged with that
    parent's and renamed, where renaming it through the parent's DROP and ADD (module docstring) gives a fresh build's
    catalog: an INHERITS child or a partition (which ends local, conislocal true, as PARTITION OF ... (a NOT NULL)
    makes it), of one parent, kept, of no parent itself, none of its children with children nor another naming its own,
    the child's NOT NULL named as recorded, no NOT VALID, NO INHERIT nor comment on either NOT NULL nor on the copies of
    the other children (which the DROP and ADD make again), nor a key, identity or replica identity Postgres keeps the
    column NOT NULL for; else None."""
    t, old = des.get(key), cur.get(key)
    if t is None or old is None or len(parent_keys(t)) != 1 or parent_keys(old) != parent_keys(t):
        return None
    pk = parent_keys(t)[0]
    p, p_old = des.get(pk), cur.get(pk)
    if p is None or p_old is None or parent_keys(p) or parent_keys(p_old):
        return None
    for tables in (cur, des):
        children = [x for x in tables.values() if pk in parent_keys(x)]
        if any(set(parent_keys(x)) & {c.key for c in children} for x in tables.values()):
            return None  # (a grandchild: the DROP and ADD recurse through it)
        name = was if tables is cur else column
        if any(_commented(x.column(name)) or _own_name(x, name, tables[pk]) and (x.key not in des or x.key not in cur
                                                                                 or not _plain(x.column(name)))
               for x in children if x.key != key) or any(_dropping_refused(x, name) for x in (tables[pk], *children)):
            return None  # (another child's own name is made local first, as it stays: where it is a table kept)
    ends = [(p, t, column), (p_old, old, was)]
    if not all(_plain(x.column(c)) for a, b, c in ends for x in (a, b)):
        return None
    held = old.column(was).not_null  # type: ignore[union-attr]
    if held is None or not held.name:  # (a child's unnamed one may hold its parent's name: RENAME would miss it)
        return None
    (pn, cn), (pn_old, cn_old) = [(_name(a, c), _name(b, c)) for a, b, c in ends]
    return p if cn_old != pn_old and cn != pn and cn != cn_old else None


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
