"""What a migration's ALTER TABLE on a managed table does to its children of a schema schema.yaml does not cover.

A table of a schema not read that inherits a managed table, or a partition of it there (`child table auth.kid`,
`partition auth.pt1` in the table's `used_outside:`, which inspect -n writes), takes the parent's ALTER TABLE too:
Postgres recurses, unasked (a column renamed or added, a NOT NULL or CHECK added and checked over the child's rows,
a default set; on a partitioned table an index, a foreign key, a row trigger or an identity too), and an UPDATE of
the parent filling NULLs before a SET NOT NULL fills the child's rows. A column dropped or retyped there is refused
(compare.outside_users); these apply (or fail over the child's rows, which generate cannot see), so generate warns,
naming the child and what reaches it (an identity column added: their rows numbered through the parent, as
plan.partitioned_identity adds one over INHERITS children). The recorded table's entries count with schema.yaml's:
an entry taken out of schema.yaml in the same edit still names a child the database has."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.moves import chained_renames
from schemac.model import Check, Schema
from schemac.model.tables import expression_dropped

# What Postgres runs on every table inheriting the one altered (partitions and INHERITS children alike).
_TO_CHILDREN = {"rename_column": "RENAME COLUMN", "add_column": "ADD COLUMN", "set_not_null": "SET NOT NULL",
                "alter_not_null": "NOT NULL changed on", "drop_not_null": "DROP NOT NULL", "set_default": "SET DEFAULT",
                "drop_default": "DROP DEFAULT", "set_column_settings": "SET STATISTICS / STORAGE of",
                "alter_generated": "DROP EXPRESSION of", "add_constraint": "ADD CONSTRAINT",
                "drop_constraint": "DROP CONSTRAINT", "validate_constraint": "VALIDATE CONSTRAINT"}
# What it runs on the partitions of a partitioned table only (an INHERITS child takes no index, key or trigger).
_TO_PARTITIONS = {"add_index": "CREATE INDEX", "drop_index": "DROP INDEX", "add_foreign_key": "ADD FOREIGN KEY",
                  "drop_foreign_key": "DROP FOREIGN KEY", "add_trigger": "CREATE TRIGGER", "drop_trigger": "DROP TRIGGER",
                  "alter_trigger": "CREATE OR REPLACE TRIGGER", "set_trigger_enabled": "ENABLE / DISABLE TRIGGER",
                  "alter_identity": "identity changed on", "drop_identity": "DROP IDENTITY of"}


def outside_children(*tables_by_key: dict) -> dict[tuple[str, str], list[str]]:
    """Per table key, the children and partitions of a schema not read its `used_outside` lists (of every model given,
    each as key -> table: the recorded one's and schema.yaml's), sorted."""
    out: dict[tuple[str, str], set[str]] = {}
    for tables in tables_by_key:
        for key, t in tables.items():
            kids = [u for u in getattr(t, "used_outside", ()) if u.startswith(("child table ", "partition "))]
            if kids:
                out.setdefault(key, set()).update(kids)
    return {k: sorted(v) for k, v in out.items()}


def recorded_tables(current: Schema, desired: Schema) -> dict:
    """The recorded tables by key, each also under the key schema.yaml renames or moves it to (`renamed_from`): what
    its recorded used_outside lists stands under the new name too."""
    recorded = {t.key: t for t in current.tables}
    renamed = {key: recorded[was] for key, was in chained_renames(current, desired)} \
        if any(t.renamed_from for t in desired.tables) else {}  # (a chain's links both: b holds a's, c b's)
    return {**recorded, **renamed} if renamed else recorded


def _reaches(c: Change, kids: list[str]) -> list[str]:
    """The children of `kids` that `c` reaches (none: Postgres keeps it on the table altered)."""
    obj = c.new if c.new is not None else c.old
    if c.kind in _TO_PARTITIONS or (c.kind in ("add_constraint", "drop_constraint") and not isinstance(obj, Check)):
        if c.kind in ("add_trigger", "drop_trigger", "alter_trigger", "set_trigger_enabled") and \
                not getattr(obj, "for_each_row", False):
            return []  # (a statement trigger is not cloned)
        return [k for k in kids if k.startswith("partition ")]
    if c.kind not in _TO_CHILDREN or (isinstance(obj, Check) and obj.no_inherit):
        return []
    if c.kind == "alter_generated" and not expression_dropped(c.old, c.new):  # type: ignore[arg-type]
        return []  # (dropped and added again: refused, compare.outside_users)
    return kids


def outside_child_notices(changes: list[Change], current: Schema, desired: Schema) -> list[str]:
    """One warning per managed table whose ALTER TABLE reaches a child or partition of a schema not read."""
    if not changes:
        return []
    children = outside_children(recorded_tables(current, desired), {t.key: t for t in desired.tables})
    if not children:
        return []
    reached: dict[tuple[str, str], dict[str, list[str]]] = {}
    for c in changes:
        kids = children.get((c.schema, c.table))
        if not kids:  # (a change INHERITED from its parent's statement reaches its own partitions there too)
            continue
        for kid in _reaches(c, kids):
            what = (_TO_CHILDREN | _TO_PARTITIONS)[c.kind]
            name = f"{c.old.name} TO {c.name}" if c.kind == "rename_column" else c.name  # type: ignore[union-attr]
            name += " (an identity: their rows numbered by an UPDATE through it)" if c.over_children and c.kind == "add_column" else ""
            reached.setdefault((c.schema, c.table), {}).setdefault(kid, []).append(f"{what} {name}")
    declared = {t.key: t for t in desired.tables}
    out = []
    for (schema, table), kids in reached.items():
        t = declared.get((schema, table))
        where = f"{t.source}: " if t is not None and t.source else ""
        listed = "; ".join(f"{kid} ({', '.join(dict.fromkeys(whats))})" for kid, whats in kids.items())
        out.append(f"{where}table {schema}.{table}: Postgres runs the migration's ALTER TABLE on {listed} too, of a "
                   "schema schema.yaml does not cover (used_outside:): ALTER TABLE recurses to the tables inheriting it "
                   "(a NOT NULL or CHECK is checked over their rows, and an UPDATE filling NULLs fills theirs); detach "
                   "them first (ALTER TABLE ... NO INHERIT, DETACH PARTITION) if they must not change")
    return out

