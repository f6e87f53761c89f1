"""The graph's keys of a trigger's ALTER TABLE ... ENABLE / DISABLE TRIGGER: of a clone on a partition, its order
after the trigger, the partition and its parent's clone (plan.dependencies.deps' trigger branch)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.plan.keys import Key, _table


def trigger_clone_keys(c: Change, needs: set[Key]) -> set[Key]:
    """What a trigger's ALTER TABLE ... ENABLE / DISABLE TRIGGER makes. Of a clone on a partition
    (compare/trigger_clones.py), it needs the trigger made (or its state set), the partition made and
    attached, and its parent's clone set first, and makes its own clone's state for its partitions'."""
    t = c.table_def
    if t is None or t.partition_of is None or any(g.name == c.name for g in t.triggers):
        return {("trigger named", c.name)}
    p = t.partition_of
    needs |= {_table(t), ("trigger named", c.name), ("trigger", p.parent_schema, p.parent, c.name),
              ("attached to", p.parent_schema, p.parent)}
    return {("trigger", t.schema, t.name, c.name)}
