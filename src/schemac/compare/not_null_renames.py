"""A NOT NULL renamed to Postgres's default name (compare.not_nulls.not_null_changes, cause NAMED_AS_DEFAULT) on a
table with partitions or INHERITS children: kept only where Postgres's recursing RENAME CONSTRAINT finds the same
name in each of them; where it does not, generate records and says the name left (left_names). The same for a
child's or partition's own NOT NULL merged with its parent's (PostgreSQL 18: conislocal, coninhcount 1), which
schema.yaml names by Postgres's default over a column or table renamed (a fresh build's name): Postgres refuses
to rename an inherited constraint (inherited_left)."""

from __future__ import annotations

from typing import Callable, Optional

from schemac.compare.changes import NAMED_AS_DEFAULT, Change
from schemac.compare.inherited_renames import children_follow_renames, parent_keys
from schemac.compare.moves import chained_renames
from schemac.compare.not_null_remade import parent_remade, safe_parent, under_new_names
from schemac.model import NotNull, Schema
from schemac.model.frozen import replace
from schemac.pg.names import default_not_null_name, postgres_named


def renamed_on_leaves(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` less the NAMED_AS_DEFAULT renames (not_null_changes) of a table whose partitions or INHERITS children
    hold that NOT NULL under a name of their own: Postgres's RENAME CONSTRAINT recurses into them and refuses one
    that holds another (a table attached as a partition keeps `ev_2025_id_not_null`), while ONLY is refused for an
    inherited constraint; the name is left as it is, as before, but where the parent's is dropped and added again
    (compare.not_null_remade.parent_remade). Children holding the parent's (read unnamed, or under it) are renamed
    along, as a fresh build names them."""
    if not any(c.kind == "alter_not_null" and c.cause == NAMED_AS_DEFAULT for c in changes):
        return changes
    holder = _holder(current)
    cur, des = {t.key: t for t in current.tables}, {t.key: t for t in desired.tables}
    return [c for c in changes if not (c.kind == "alter_not_null" and c.cause == NAMED_AS_DEFAULT
                                       and holder((c.schema, c.table), c.name, c.old.not_null.name) is not None
                                       and parent_remade(cur, des, (c.schema, c.table), c.name, c.name) is None)]


def left_names(current: Schema, desired: Schema) -> tuple[Schema, list[str]]:
    """`desired` with the NOT NULLs renamed_on_leaves leaves under their old name named so (a partitioned table renamed
    in its history, one of whose partitions was attached with a NOT NULL of its own), so that what generate records
    is the name the database keeps (a later COMMENT ON CONSTRAINT went to Postgres's default name: 'does not exist');
    and generate's warning for each: a fresh build names it otherwise, which only a DETACH of that partition, the
    RENAME and an ATTACH again would reach (a scan of its rows under an exclusive lock, refused where a row references
    it): not done for a name."""
    cur = {t.key: t for t in current.tables}
    was_named = dict(chained_renames(current, desired))  # (a table renamed: its NOT NULLs as its old self holds them)
    holder, tables, out = _holder(current), [], []
    des = {t.key: t for t in desired.tables}
    for t in desired.tables:
        old, columns = cur.get(was_named.get(t.key, t.key)), []
        for col in t.columns:
            was = old.column(col.renamed_from or col.name) if old is not None else None  # (a column renamed too)
            held = was.not_null.name if was is not None and was.not_null is not None else None
            if held is None and was is not None and not was.nullable and (old.name, was.name) != (t.name, col.name):  # type: ignore[union-attr]
                held = default_not_null_name(old.name, was.name)  # type: ignore[union-attr]  (renamed: the old name's)
            default = default_not_null_name(t.name, col.name)
            child = None if (col.nullable or (col.not_null is not None and col.not_null.name) or held in (None, default)
                             or _remade(cur, des, old.key, col.name, was.name)
                             or parent_remade(under_new_names(cur, {old.key: t.key}), des, t.key, col.name, was.name)) \
                else holder(old.key, was.name, held)  # type: ignore[arg-type, union-attr]
            if child is not None:
                col = replace(col, not_null=replace(col.not_null or NotNull(), name=held))
                out.append(f"warning: {col.source or t.source or t.qualified_name}: the NOT NULL of column {col.name} "
                           f"of {t.qualified_name} keeps its name {held} (a new build names it {default}): {child} "
                           "holds it under a name of its own, and Postgres renames it on every partition or child at "
                           "once (only a DETACH of that one, the RENAME and an ATTACH again would, over its rows); "
                           f"name it in schema.yaml (not_null: {{name: {held}}}) to keep it so")
            columns.append(col)
        tables.append(replace(t, columns=tuple(columns)) if columns != list(t.columns) else t)
    desired = replace(desired, tables=tuple(tables)) if out else desired
    desired, kept = inherited_left(current, desired, was_named)
    return desired, out + kept


def inherited_left(current: Schema, desired: Schema, was_named: dict) -> tuple[Schema, list[str]]:
    """`desired` with each NOT NULL a child or partition holds as its own, merged with the one a parent it keeps
    passes down, named as the database holds it where schema.yaml gives it Postgres's default name for the table
    and column it becomes (inspect of a fresh build: RENAME COLUMN on the parent, or RENAME TABLE, keeps the old
    one): RENAME CONSTRAINT refuses an inherited constraint ('cannot rename inherited constraint'), where generate
    refused the whole edit; and generate's warning for each. Not where compare.not_null_remade renames it through its
parent's DROP and ADD (safe_parent). A name of schema.yaml's own stays refused
    (compare.not_nulls.inherited_renames: nothing written would give it)."""
    if not any(t.inherits or t.partition_of for t in desired.tables):
        return desired, []
    cur, des = {t.key: t for t in current.tables}, {t.key: t for t in desired.tables}
    followed = children_follow_renames(cur, des)  # (a parent's column renamed: its children's follow, hinted)
    tables, out = [], []
    for t in desired.tables:
        old = cur.get(was_named.get(t.key, t.key))
        kept = set(parent_keys(t)) & set(parent_keys(old)) if old is not None else set()
        columns = []
        for col in t.columns:
            was = old.column(followed[t.key].column(col.name).renamed_from or col.name) if kept else None  # type: ignore
            held = was.not_null.name if was is not None and was.not_null is not None and not was.nullable else None
            want = col.not_null.name if col.not_null is not None and not col.nullable else None
            if held is not None and postgres_named(held) and want == default_not_null_name(t.name, col.name) != held \
                    and any(_passes(des.get(k), col.name) for k in kept) \
                    and (old.key != t.key or safe_parent(cur, des, t.key, col.name, was.name) is None):  # type: ignore
                col = replace(col, not_null=replace(col.not_null, name=held))  # type: ignore[arg-type]
                out.append(f"warning: {col.source or t.source or t.qualified_name}: the NOT NULL of column {col.name} "
                           f"of {t.qualified_name} keeps its name {held} (a new build names it {want}): it is merged "
                           "with the one its parent passes down, and Postgres cannot rename an inherited constraint; "
                           f"name it in schema.yaml (not_null: {{name: {held}}}) to keep it so")
            columns.append(col)
        tables.append(replace(t, columns=tuple(columns)) if columns != list(t.columns) else t)
    return (replace(desired, tables=tuple(tables)) if out else desired), out


def _remade(cur: dict, des: dict, key: tuple, column: str, was: str) -> bool:
    """Whether a child's own NOT NULL merged with table `key`'s on `column` is renamed through that table's DROP and
    ADD (compare.not_null_remade), which gives it its new name on every child at once."""
    return any(key in parent_keys(x) and x.key in des and safe_parent(cur, des, x.key, column, was) is not None
               for x in cur.values())


def _passes(parent, column: str) -> bool:
    """Whether `parent` (a Table, or None) passes a NOT NULL on `column` down to its children."""
    pc = parent.column(column) if parent is not None else None
    return pc is not None and not pc.nullable and not (pc.not_null is not None and pc.not_null.no_inherit)


def _holder(current: Schema) -> Callable[[tuple, str, str], Optional[str]]:
    """(table's key, column, its NOT NULL's name) -> a partition or child (any level below) holding that NOT NULL
    under another name (RENAME CONSTRAINT would refuse), or None."""
    below: dict = {}
    for t in current.tables:
        ups = [(p.schema, p.name) for p in t.inherits]
        if t.partition_of is not None:
            ups.append((t.partition_of.parent_schema, t.partition_of.parent))
        for up in ups:
            below.setdefault(up, []).append(t)

    def holder(key: tuple, column: str, name: str) -> Optional[str]:
        for child in below.get(key, ()):
            col = child.column(column)
            held = col.not_null.name if col is not None and col.not_null is not None else None
            if held not in (None, name):
                return child.qualified_name
            deeper = holder(child.key, column, name)
            if deeper is not None:
                return deeper
        return None

    return holder
