"""What a migration cannot make of a table that joins a parent: its columns and CHECKs stay its own; nor of a child
that starts declaring a column it has from its parents only: the column stays theirs.

`ALTER TABLE child INHERIT parent` takes the child as it is: the columns it has of the parent's, and its copies
of the parent's CHECKs, stay local (attislocal, conislocal true), where a child made by CREATE TABLE ...
INHERITS has them from its parent only; no DDL turns them inherited-only (only making the table again would).
The difference shows when the parent later drops the column or CHECK: the joined child keeps its own. generate
says so where schema.yaml leaves those columns to the parent, rather than leave it silent. The other way round, no
DDL makes a column an existing child has from its parents only (attislocal false) its own, as CREATE TABLE ... INHERITS
makes a column the child lists: NO INHERIT and INHERIT again would make every column and CHECK of that parent its own
(and put the parent last), which is exact only where the child then lists every column of its one parent, and that
parent has no CHECK nor NOT NULL (their copies would become the child's own, conislocal; 18's NOT NULL too) nor
generated column: there the migration does so (`declared_rejoins`), else generate says so.
"""

from __future__ import annotations

from schemac.compare.changes import JOINS, Change
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


def declared_notices(current: Schema, desired: Schema, changes: list[Change]) -> list[str]:
    """One notice per child that schema.yaml now declares a column of, which it had (and keeps) from its parents
    only, every parent giving it kept: the migration leaves it theirs (inherited_only is recorded, not compared);
    not where it drops and adds the column on the child (a follower of its parent's, compare.own_expressions) or the
    child leaves a parent for a while (NO INHERIT: compare.inherited_retypes), which make it its own."""
    cur = {t.key: t for t in current.tables}
    des = {t.key: t for t in desired.tables}
    made = {(f[0].key, f[1].name) for c in changes for f in c.followers if len(f) > 1 and f[1] is not None} | \
        {((c.schema, c.table), None) for c in changes if c.kind == "drop_inherit"}
    out = []
    for t in desired.tables:
        old = cur.get(t.key)
        if not t.inherits or old is None or old.source is None or t.source is None or old.partition_of is not None \
                or (t.key, None) in made:
            continue
        had, own = {c.name for c in own_columns(old)}, {c.name for c in own_columns(t)}
        givers = [(p, cur.get((p.schema, p.name)), des.get((p.schema, p.name))) for p in old.inherits]
        named = [c.name for c in own_columns(t) if c.name not in had and old.column(c.name) is not None and
                 (t.key, c.name) not in made and all(
            p in t.inherits and now is not None and now.column(c.name) is not None
            for p, was, now in givers if was is not None and was.column(c.name) is not None)]
        left = [c.name for c in t.columns if c.name in had and c.name not in own and (t.key, c.name) not in made and
                all(p in old.inherits for p in t.inherits)]  # (a table joining a parent: joined_parent_notices)
        if left:
            out.append(f"{t.source}: table {t.qualified_name} now leaves column(s) {', '.join(left)} to its parents, "
                       "which it declares itself: no DDL makes an existing child's own column its parents' only "
                       "(pg_attribute.attislocal), so they stay its own (a DROP COLUMN on the parent leaves them on it, "
                       "where a table made from schema.yaml loses them): make the table again under another name to "
                       "have them its parents' only")
        if named:
            out.append(f"{t.source}: table {t.qualified_name} now declares column(s) {', '.join(named)}, which it has "
                       "from its parents only: no DDL makes an existing child's inherited column its own (NO INHERIT "
                       "and INHERIT again would make every column and CHECK of the parent its own), so they stay the "
                       "parents' (a DROP COLUMN on the parent takes them, where a table made from schema.yaml keeps "
                       "them): list every column of its one parent, where that parent has no CHECK, NOT NULL or "
                       "generated column, for the migration to make them all its own (NO INHERIT, INHERIT), or make the "
                       "table again under another name")
    return out


def declared_rejoins(old: Table, new: Table, per_table: dict, cur: dict, des: dict) -> list[Change]:
    """NO INHERIT and INHERIT again of the one parent of `new` (kept, unchanged by the migration) where schema.yaml now
    lists every column it gives, one of which `old` has from it only: the columns all become the child's own
    (attislocal, attinhcount 1), as CREATE TABLE ... INHERITS makes them; nothing else changes where the parent has no
    CHECK, NOT NULL or generated column to copy (cause JOINS; compare.table_triggers.rejoined drops and makes again a
    trigger with transition tables around them, which INHERIT refuses)."""
    if len(new.inherits) != 1 or old.inherits != new.inherits or new.partition_of is not None or new.foreign is not None \
            or old.source is None or new.source is None:
        return []
    q = new.inherits[0]
    was, parent = cur.get((q.schema, q.name)), des.get((q.schema, q.name))
    if was is None or parent is None or per_table.get((q.schema, q.name)) or any(
            not c.no_inherit for p in (was, parent) for c in p.checks) or any(
            not c.nullable or c.generated for p in (was, parent) for c in p.columns):
        return []
    names = {c.name for c in parent.columns}
    own, had = {c.name for c in own_columns(new)}, {c.name for c in own_columns(old)}
    if not names <= own or names <= had:
        return []
    name = f"{q.schema}.{q.name}"
    return [Change("drop_inherit", new.schema, new.name, name, q, None, new, JOINS),
            Change("add_inherit", new.schema, new.name, name, None, q, new, JOINS)]
