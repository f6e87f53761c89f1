"""Extended statistics of a table compared, by name (`schema.name` outside the table's schema): what they are on (the columns as a set, since Postgres
keeps them in the table's order; expressions by meaning), their kinds (none written is every kind), their
schema, target and comment. Postgres cannot change what a statistics object is on: it is dropped and
created again; the target changes in place (ALTER STATISTICS ... SET STATISTICS). ALTER COLUMN ... TYPE makes
again one on the column from its definition, which leaves out its target (and makes it the migration role's):
one with a target or an owner is made again around the retype instead."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.given_back import given_back, owners_by_default
from schemac.compare.normalize import normal_form
from schemac.model import STATISTICS_KINDS, Schema, Statistics, Table, names_a_column
from schemac.pg.lazy import lazy

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")


def _shape(s: Statistics, table: Table) -> tuple:
    elements = frozenset(e if names_a_column(e) else normal_form(e) for e in s.elements)
    return elements, s.kinds or STATISTICS_KINDS, s.schema or table.schema


def _over(s: Statistics, columns: frozenset) -> bool:
    """Whether the statistics object is on one of `columns`, by name or in an expression."""
    return bool(columns) and any((e in columns) if names_a_column(e) else bool(referenced_columns(e) & columns)
                                 for e in s.elements)


def diff_statistics(cur: Table, des: Table, ch, regenerated: frozenset = frozenset(),
                    retyped: frozenset = frozenset()) -> None:
    """add_statistics, drop_statistics (a changed one: both), alter_statistics (its target) and
    set_statistics_comment, through `ch` (diff_table's). One on a column of `regenerated` (dropped and added
    again: DROP COLUMN takes it along) is made again after it; so too one with a target on a column of `retyped`
    (a type or collation changed), or a pinned owner: ALTER COLUMN ... TYPE makes it again from its definition,
    without its target (on 18, 16 and 15), and on 16 and 15 owned by the migration's role."""
    old_by_name = {s.label(cur.schema): s for s in cur.statistics}
    for s in des.statistics:
        name = s.label(des.schema)
        old = old_by_name.get(name)
        changed = old is not None and _shape(old, cur) != _shape(s, des)
        again = old is not None and not changed and (_over(old, regenerated) or (
            (s.target not in (None, -1) or s.owner is not None) and _over(old, retyped)))
        made = old is None or changed or again
        if s.owner is not None and s.owner != (None if made else old.owner):  # type: ignore[union-attr]
            ch("set_statistics_owner", name, None if made else old, s)  # ALTER ... OWNER TO after it (made)
        if changed or again:  # reported once, as changed (by the add)
            ch("drop_statistics", name, old, s, "retype" if again else None)
            ch("add_statistics", name, old, s, "retype" if again else None)
            if s.comment:
                ch("set_statistics_comment", name, None, s, "comment of a new object")
            continue
        if old is None:
            ch("add_statistics", name, None, s)
            if s.comment:
                ch("set_statistics_comment", name, None, s, "comment of a new object")
            continue
        if old.target != s.target:
            ch("alter_statistics", name, old, s)
        if (old.comment or None) != (s.comment or None):
            ch("set_statistics_comment", name, old, s)
    names = {s.label(des.schema) for s in des.statistics}
    for name, s in old_by_name.items():
        if name not in names:
            ch("drop_statistics", name, s, None)



def statistics_given_back(current: Schema, cur: dict, desired: Schema, changes: list[Change]) -> list[Change]:
    """set_statistics_owner for a kept statistics object schema.yaml pins no owner on and another role owns
    (compare.given_back: ALTER STATISTICS ... OWNER TO CURRENT_USER); diff_statistics compares pinned owners, and
    one `changes` make (again) is the migration's role's already. `cur`: the current tables by key as they are after
    the migration's renames (a table renamed or moved keeps its statistics objects and their owners)."""
    back = owners_by_default(current)
    made = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_statistics"}
    out: list[Change] = []
    for des in desired.tables:
        old_table = cur.get((des.schema, des.name))
        olds = {s.label(des.schema): s for s in old_table.statistics} if old_table is not None else {}
        for s in des.statistics:
            name = s.label(des.schema)
            if (des.schema, des.name, name) not in made and given_back(olds.get(name), s, back):
                out.append(Change("set_statistics_owner", des.schema, des.name, name, olds[name], s, des))
    return out
