"""A table's triggers compared (compare.tables): renamed where a gone one's definition is a new one's, dropped and
made again around a retyped column they read or an ATTACH PARTITION or INHERIT (one with transition tables), altered,
enabled or commented in place."""

from __future__ import annotations

from typing import Any, Callable

from schemac.model.frozen import replace
from schemac.model.references import as_read
from schemac.model.triggers import replaced_in_place, transitions

from schemac.compare.changes import Change
from schemac.compare.equality import equal_except
from schemac.compare.cast_types import casts_moved
from schemac.compare.normalize import same_expression
from schemac.compare.partitioning import partition_of_key
from schemac.model import Table, Trigger

AROUND_JOINING = "a trigger with transition tables, around its table's ATTACH PARTITION or INHERIT"
_IN_PLACE = ("alter_trigger", "rename_trigger", "set_trigger_enabled", "set_trigger_comment")


def same_trigger(a: Trigger, b: Trigger) -> bool:
    """One definition (its WHEN compared as an expression, `b`'s public.name function as `a` reads: as_read)."""
    b = replace(b, function=as_read(b.function, a.function))
    return equal_except(a, b, "when", "enabled", "comment") and same_expression(a.when, b.when) and \
        not casts_moved(a.when, b.when)


def _renamed_alike(cur: dict, des: dict, kind: str, ch: Callable, same: Callable[[Any, Any], bool]) -> None:
    """One gone from `cur` whose definition a new one of `des` has under another name (`same`): ALTER INDEX /
    TRIGGER ... RENAME, not DROP and CREATE (its OID, comment, state kept); `cur` then holds it under the new name."""
    gone = [n for n in cur if n not in des]
    for name, new in des.items() if gone else ():
        old_name = next((n for n in gone if same(cur[n], new)), None) if name not in cur else None
        if old_name is not None:
            gone.remove(old_name)
            ch(f"rename_{kind}", name, cur[old_name], new)
            cur[name] = replace(cur.pop(old_name), name=name)


def trigger_changes(cur: Table, des: Table, ch: Callable, added: Callable, over_retyped: Callable[..., bool],
                    retyped: set) -> None:
    """The changes of `cur`'s triggers to `des`'s, told to `ch` (`added`: a new one with its comment; `over_retyped`,
    `retyped`: the columns compare.tables retypes or makes again)."""
    cur_tg = {g.name: g for g in cur.triggers}
    des_tg = {g.name: g for g in des.triggers}
    def trigger_over_retyped(g) -> bool:
        """Postgres refuses ALTER TYPE of a column a trigger's WHEN or UPDATE OF names (and DROP COLUMN)."""
        return over_retyped(g.when, columns=g.update_columns) or bool(set(g.update_columns) & retyped)
    # ATTACH PARTITION (of a table attached, or of a partition given another bound or parent: DETACH, ATTACH) and
    # INHERIT refuse a table holding a trigger with transition tables (a statement one too on a minor release without
    # postgres commit afdb4cde, as 16.2): dropped before it, made again after (plan.transition_triggers)
    joining = des.partition_of is not None and partition_of_key(cur) != partition_of_key(des) or \
        des.partition_of is None and any(p not in cur.inherits for p in des.inherits)

    # (a constraint trigger's constraint follows by RENAME CONSTRAINT, not reaching a partitioned tree's clones; one
    # over a column retyped is dropped under its old name before the ALTER TYPE, made under its new one after)
    moved: dict[str, Trigger] = {}  # (one with transition tables renamed around a join: dropped under its old name,
    # made under its new one, reported as a rename: trigger_made_again)
    _renamed_alike(cur_tg, des_tg, "trigger",
                   lambda kind, name, was, will: moved.update({name: was}) if joining and transitions(was) else
                   ch(kind, name, was, will),
                   lambda old, g: (not g.constraint or not (des.partition_by or des.partition_of))
                   and same_trigger(old, replace(g, name=old.name)) and not trigger_over_retyped(old))
    for name, g in des_tg.items():
        old_g = moved.get(name) or cur_tg.get(name)
        if old_g is None:
            added("add_trigger", name, g, "set_trigger_comment")
            if g.enabled != "origin":
                ch("set_trigger_enabled", name, None, g, "state of a new object")
            continue
        again = "retype" if trigger_over_retyped(old_g) else AROUND_JOINING if joining and transitions(old_g) else None
        if again:
            trigger_made_again(ch, old_g, g, again)
            continue
        altered = not same_trigger(old_g, g)
        if altered:
            ch("alter_trigger", name, old_g, g)
        # (A trigger created or replaced fires on origin: the planner sets its state again, and comments one created.)
        if old_g.enabled != g.enabled and not altered:
            ch("set_trigger_enabled", name, old_g, g)
        if (old_g.comment or None) != (g.comment or None) and (not altered or replaced_in_place(old_g, g)):
            ch("set_trigger_comment", name, old_g, g)
    for name, g in cur_tg.items():
        if name not in des_tg:
            ch("drop_trigger", name, g, None)


def trigger_made_again(ch: Callable, old_g: Trigger, g: Trigger, cause: str) -> None:
    """`old_g` dropped and `g` made (a trigger created fires on origin: its state set again; its comment), for `cause`.
    Around an ATTACH or INHERIT, what of `g` differs from `old_g` is a change the report tells (cause None: its name
    as a pending rename, its definition, state or comment as changed, against `old_g`; one renamed and redefined as a
    drop and an add); the rest is hidden."""
    told = cause == AROUND_JOINING
    changed = told and not same_trigger(replace(old_g, name=g.name), g)
    renamed = told and old_g.name != g.name and not changed  # (report.describe: an add_trigger of `old_g`'s other name)
    apart = told and old_g.name != g.name and changed
    shown = lambda differs: told and not apart and differs  # noqa: E731
    ch("drop_trigger", old_g.name, old_g, None, None if apart else cause)
    ch("add_trigger", g.name, old_g if renamed or shown(changed) else None, g, None if apart or renamed or changed else cause)
    for kind, differs, wanted in (("set_trigger_enabled", old_g.enabled != g.enabled, g.enabled != "origin"),
                                  ("set_trigger_comment", (old_g.comment or None) != (g.comment or None),
                                   bool(g.comment))):
        if shown(differs) or wanted:
            ch(kind, g.name, old_g if shown(differs) else None, g, None if shown(differs) else cause)


def rejoined(changes: list[Change], old: Table, new: Table) -> list[Change]:
    """`changes` of a table joining again a parent it has (NO INHERIT, INHERIT around its parents' retypes:
    compare.inherited_retypes; or differ's KEEPS_COLUMN), or a scratch parent its column is retyped through
    (compare.scratch_retypes): each of its triggers with transition tables kept (its changes in place, a rename's
    too, left out) dropped before and made again after, as trigger_changes does for a parent it gains."""
    if not any(c.kind == "add_inherit" and c.new in old.inherits or c.kind == "alter_column_type" and c.through
               for c in changes):
        return changes
    dropped = {c.old.name for c in changes if c.kind == "drop_trigger"}  # (around a retype: already)
    renamed = {c.old.name: c.name for c in changes if c.kind == "rename_trigger"}
    names = {g.name: renamed.get(g.name, g.name) for g in old.triggers if transitions(g) and g.name not in dropped}
    if not names:
        return changes
    out = [c for c in changes if c.kind not in _IN_PLACE or c.name not in names.values()]
    now = {g.name: g for g in new.triggers}
    ch = lambda kind, name, was, will, cause: out.append(  # noqa: E731
        Change(kind, new.schema, new.name, name, was, will, new, cause))
    for g in old.triggers:
        if g.name in names:
            trigger_made_again(ch, g, now[names[g.name]], AROUND_JOINING)
    return out
