"""The state of the clones of row triggers on partitions (model/clones.py): ALTER TABLE partition DISABLE
TRIGGER name (ENABLE, ENABLE REPLICA, ENABLE ALWAYS), as `set_trigger_enabled` of the partition.

Postgres sets a clone's state on its partitions' clones too, and every clone's by the same statement on
the trigger's own table; a clone made (the trigger created again, a partition new or attached again) takes
its parent's state. So where a tree of clones of one trigger changes at all, the statements run top-down
for each partition whose clone is not in its parent's state or is not in the state it must be in; those
whose state is right already (set again after their parent's statement) carry a cause, and reports leave
them out.
"""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.compare.changes import Change
from schemac.model import Table
from schemac.model.clones import Key, inherited_row_triggers

# The causes of a clone's state set where it is right already (after a statement over its parent's clones, or
# their re-creation) or where the clone is made with the plan (a new partition or trigger).
CLONES_RESET = "its parent trigger's state reaches it"
CLONE_MADE = "made with its parent trigger"
_REMADE = ("add_trigger", "alter_trigger", "set_trigger_enabled")


def diff_cloned_triggers(cur_tables: dict[Key, Table], des_tables: dict[Key, Table],
                         changes: list[Change]) -> list[Change]:
    """The statements that put every clone of `des_tables` in its state, after `changes`."""
    wanted = inherited_row_triggers(des_tables.values())
    if not wanted:
        return []
    now = inherited_row_triggers(cur_tables.values())
    made = {(c.schema, c.table) for c in changes if c.kind in ("add_table", "attach_partition")}
    # (root, name) whose clones the plan sets all at once (or makes again)
    reset = {((c.schema, c.table), c.name) for c in changes if c.kind in _REMADE and c.table_def is not None
             and any(g.name == c.name for g in c.table_def.triggers)}

    def current(key: Key, name: str):  # None: a partition made (or under one made), its clones new
        if key in made or any(a in made for a in _ancestors(des_tables[key], des_tables)):
            return None
        s = now.get(key, {}).get(name)
        return s.enabled if s is not None else None

    out: list[Change] = []
    emitted: set[tuple[Key, str]] = set()
    for key in sorted(wanted, key=lambda k: (len(_ancestors(des_tables[k], des_tables)), k)):  # top-down
        t = des_tables[key]
        above = _ancestors(t, des_tables)
        for name, s in sorted(wanted[key].items()):
            was = current(key, name)
            # an ancestor's statement (or the trigger made again) sets this clone too, after which it is
            # set again where it is not its parent's state; a clone in its parent's state follows it
            reached = (s.root, name) in reset or any((a, name) in emitted for a in above)
            if not (s.explicit and (reached or was != s.enabled)) and \
                    (s.explicit or reached or was is None or was == s.enabled):
                continue
            emitted.add((key, name))
            root_trigger = next(g for g in des_tables[s.root].triggers if g.name == name)
            cause = CLONE_MADE if was is None else CLONES_RESET if was == s.enabled else None
            out.append(Change("set_trigger_enabled", t.schema, t.name, name, replace(root_trigger, enabled=was or s.enabled),
                              replace(root_trigger, enabled=s.enabled), t, cause))
    return out


def diff_clone_comments(cur_tables: dict[Key, Table], des_tables: dict[Key, Table],
                        changes: list[Change]) -> list[Change]:
    """COMMENT ON TRIGGER name ON partition of each clone whose comment is not schema.yaml's (cloned_triggers:
    {name: {comment}}): a clone made with the plan (its partition or trigger new, or the trigger made again) has
    none."""
    if not any(t.cloned_trigger_comments for t in (*cur_tables.values(), *des_tables.values())):
        return []
    wanted = inherited_row_triggers(des_tables.values())
    made = {(c.schema, c.table) for c in changes if c.kind in ("add_table", "attach_partition")}
    remade = {((c.schema, c.table), c.name) for c in changes if c.kind in ("add_trigger", "drop_trigger")}
    out: list[Change] = []
    for key, clones in wanted.items():
        t = des_tables[key]
        cur = cur_tables.get(key)
        new_clone = key in made or any(a in made for a in _ancestors(t, des_tables))
        was = dict(cur.cloned_trigger_comments) if cur is not None and not new_clone else {}
        will = dict(t.cloned_trigger_comments)
        for name, s in sorted(clones.items()):
            before = None if (s.root, name) in remade else was.get(name)
            if before != will.get(name):
                root_trigger = next(g for g in des_tables[s.root].triggers if g.name == name)
                out.append(Change("set_trigger_comment", t.schema, t.name, name, replace(root_trigger, comment=before),
                                  replace(root_trigger, comment=will.get(name)), t))
    return out


def _ancestors(t: Table, tables: dict[Key, Table]) -> list[Key]:
    out = []
    while t is not None and t.partition_of is not None:
        key = (t.partition_of.parent_schema, t.partition_of.parent)
        if key in out:
            break
        out.append(key)
        t = tables.get(key)  # type: ignore[assignment]
    return out
