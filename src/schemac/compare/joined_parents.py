"""What a migration cannot make of a table that joins a parent: its columns and CHECKs stay its own.

`ALTER TABLE child INHERIT parent` takes the child as it is: the columns it has of the parent's, and its copies
of the parent's CHECKs, stay local (attislocal, conislocal true), where a child made by CREATE TABLE ...
INHERITS has them from its parent only; no DDL turns them inherited-only (only making the table again would).
The difference shows when the parent later drops the column or CHECK: the joined child keeps its own. generate
says so where schema.yaml leaves those columns to the parent, rather than leave it silent.
"""

from __future__ import annotations

from schemac.model import Schema, Table, own_columns


def _left_to_parent(t: Table, parent: Table) -> list[str]:
    """The parent's columns `t` (as schema.yaml declares it) does not declare itself."""
    declared = {c.name for c in own_columns(t)}
    return [c.name for c in parent.columns if c.name not in declared]


def joined_parent_notices(current: Schema, desired: Schema) -> list[str]:
    children = [t for t in desired.tables if t.inherits]
    if not children:  # (every generate asks)
        return []
    cur = {t.key: t for t in current.tables}
    des = {t.key: t for t in desired.tables}
    out = []
    for t in children:
        old = cur.get(t.key)
        if old is None or old.partition_of is not None or t.partition_of is not None:
            continue
        own_checks = {k.name for k in t.checks}
        for p in t.inherits:
            parent = des.get((p.schema, p.name))
            if p in old.inherits or parent is None:
                continue
            columns = _left_to_parent(t, parent)
            checks = [c.name for c in parent.checks if not c.no_inherit and c.name not in own_checks]
            if not columns and not checks:
                continue
            what = " and ".join(x for x in (f"column(s) {', '.join(columns)}" if columns else "",
                                            f"CHECK(s) {', '.join(checks)}" if checks else "") if x)
            out.append(f"{t.source or t.qualified_name}: table {t.qualified_name} joins {parent.qualified_name} "
                       f"(ALTER TABLE ... INHERIT): its {what} stay its own, not {parent.qualified_name}'s only as a "
                       f"table made with INHERITS has them (no DDL changes that; a DROP on {parent.qualified_name} "
                       "leaves them on it): make the table again under another name to have them inherited only")
    return out
