"""A dropped table's members that call a function the migration drops which takes the table's row type.

`booking_priority(b bookings)` under an index `(booking_priority(bookings))`, a CHECK, an EXCLUDE, a trigger's WHEN,
a policy or a rule of `bookings`, all dropped: Postgres refuses DROP TABLE while the function names the row type and
DROP FUNCTION while the member calls it, and DROP TABLE takes the member along, so neither could go first (the plan
broke the cycle at DROP TABLE, which Postgres refused). Such members are dropped on their own before the function,
and the table's DROP no longer waits on them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.routine_dependents import calls, reads_types
from schemac.model import Table
from schemac.pg.names import constraint_name

# The cause of a member dropped before the function of its table's row type it calls.
BEFORE_ROW_TYPE_FUNCTION = "dropped before the function of its table's row type it calls"


def members_dropped_first(changes: list[Change]) -> list[Change]:
    """`changes` with each dropped table's members that call a dropped function holding its row type dropped first
    (drop_index, drop_constraint, drop_trigger, drop_policy, drop_rule) and left out of the table's DROP."""
    dropped = [c.old for c in changes if c.kind == "drop_function"]
    if not dropped or not any(c.kind == "drop_table" for c in changes):
        return changes
    out: list[Change] = []
    for c in changes:
        t: Optional[Table] = c.old if c.kind == "drop_table" else None  # type: ignore[assignment]
        holders = {(f.schema, f.name) for f in dropped  # type: ignore[union-attr]
                   if t is not None and reads_types(f, frozenset({(t.schema, t.name)}))}  # type: ignore[arg-type]
        if not holders:
            out.append(c)
            continue
        first, rest = _split(t, lambda *texts: calls(holders, *texts))  # type: ignore[arg-type]
        out.append(replace(c, old=rest, table_def=rest) if first else c)
        out.extend(first)
    return out


def _split(t: Table, uses) -> tuple[list[Change], Table]:
    """The drops of `t`'s members that `uses` (their expressions call a holder), and `t` without them."""
    def drop(kind: str, name: Optional[str], member: object) -> Change:
        return Change(kind, t.schema, t.name, name, member, None, t, BEFORE_ROW_TYPE_FUNCTION)

    indexes = [i for i in t.indexes if uses(i.where, *(e.expression for e in i.elements))]
    checks = [k for k in t.checks if uses(k.expression)]
    exclusions = [x for x in t.exclusions if uses(x.where, *(e.expression for e in x.elements))]
    triggers = [g for g in t.triggers if uses(g.when)]
    policies = [p for p in t.policies if uses(p.using, p.with_check)]
    rules = [r for r in t.rules if uses(r.where, *r.actions)]
    first = [drop("drop_index", i.name, i) for i in indexes] + \
        [drop("drop_constraint", k.name, k) for k in checks] + \
        [drop("drop_constraint", constraint_name(t, x), x) for x in exclusions] + \
        [drop("drop_trigger", g.name, g) for g in triggers] + \
        [drop("drop_policy", p.name, p) for p in policies] + \
        [drop("drop_rule", r.name, r) for r in rules]
    if not first:
        return [], t
    rest = replace(t, indexes=tuple(i for i in t.indexes if i not in indexes),
                   checks=tuple(k for k in t.checks if k not in checks),
                   exclusions=tuple(x for x in t.exclusions if x not in exclusions),
                   triggers=tuple(g for g in t.triggers if g not in triggers),
                   policies=tuple(p for p in t.policies if p not in policies),
                   rules=tuple(r for r in t.rules if r not in rules))
    return first, rest
