"""The clones of row triggers on partitions, and the state each is in.

Postgres puts a clone of a partitioned table's row trigger on each of its partitions (and theirs), in the
state the trigger is in when the partition is made or attached; `ALTER TABLE partition DISABLE TRIGGER t`
(ENABLE REPLICA / ALWAYS) sets the clone's state alone, and its partitions' clones with it, as the same
statement on the parent sets every clone. A partition's `cloned_triggers` (Table.cloned_triggers) holds the
clones whose state is not their parent trigger's: every other clone follows its parent's.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Iterable, NamedTuple

from .tables import Table

Key = tuple[str, str]


class CloneState(NamedTuple):
    """The state of one clone: `enabled`, `explicit` when its partition names it (not its parent's state),
    `root` the table whose own trigger it clones."""

    enabled: str
    explicit: bool
    root: Key


def inherited_row_triggers(tables: Iterable[Table]) -> dict[Key, dict[str, CloneState]]:
    """Partition key -> trigger name -> the state of the clone it has of that row trigger of an ancestor."""
    by_key = {t.key: t for t in tables}
    out: dict[Key, dict[str, CloneState]] = {}

    def of(t: Table, seen: frozenset) -> dict[str, CloneState]:
        if t.key in out:
            return out[t.key]
        p = t.partition_of
        parent = by_key.get((p.parent_schema, p.parent)) if p is not None else None
        if parent is None or parent.key in seen:
            return {}
        above = {g.name: CloneState(g.enabled, False, parent.key) for g in parent.triggers if g.for_each_row}
        above.update(of(parent, seen | {t.key}) if parent.partition_of is not None else {})
        own = dict(t.cloned_triggers)
        out[t.key] = {name: CloneState(own.get(name, s.enabled), name in own, s.root) for name, s in above.items()}
        return out[t.key]

    for t in by_key.values():
        of(t, frozenset())
    return {k: v for k, v in out.items() if v}


def of_known_triggers(tables: tuple[Table, ...]) -> tuple[Table, ...]:
    """`tables` with no partition's cloned_triggers naming a trigger none of its parents has (any more: one
    left out of the model, its function not read)."""
    inherited = inherited_row_triggers(tables)
    return tuple(t if all(n in inherited.get(t.key, {}) for n, _ in t.cloned_triggers + t.cloned_trigger_comments) else
                 replace(t, cloned_triggers=tuple(c for c in t.cloned_triggers if c[0] in inherited.get(t.key, {})),
                         cloned_trigger_comments=tuple(c for c in t.cloned_trigger_comments
                                                       if c[0] in inherited.get(t.key, {})))
                 for t in tables)
