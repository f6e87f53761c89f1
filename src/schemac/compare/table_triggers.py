"""A table's triggers compared (compare.tables): renamed where a gone one's definition is a new one's, dropped and
made again around a retyped column they read or an INHERIT (one with transition tables), altered, enabled or
commented in place."""

from __future__ import annotations

from typing import Any, Callable

from schemac.model.frozen import replace
from schemac.model.references import as_read
from schemac.model.triggers import replaced_in_place, transitions

from schemac.compare.equality import equal_except
from schemac.compare.cast_types import casts_moved
from schemac.compare.normalize import same_expression
from schemac.model import Table, Trigger

AROUND_INHERIT = "a trigger with transition tables, around its table's INHERIT"


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
    # ALTER TABLE ... INHERIT refuses a table holding a trigger with transition tables (a statement one too on a minor
    # release without postgres commit afdb4cde, as 16.2): dropped before it, made again after (plan.transition_triggers)
    inherit = des.partition_of is None and any(p not in cur.inherits for p in des.inherits)

    # (a constraint trigger's constraint follows by RENAME CONSTRAINT, not reaching a partitioned tree's clones; one
    # over a column retyped is dropped under its old name before the ALTER TYPE, made under its new one after)
    _renamed_alike(cur_tg, des_tg, "trigger", ch,
                   lambda old, g: (not g.constraint or not (des.partition_by or des.partition_of))
                   and same_trigger(old, replace(g, name=old.name)) and not trigger_over_retyped(old)
                   and not (inherit and transitions(old)))
    for name, g in des_tg.items():
        old_g = cur_tg.get(name)
        if old_g is None:
            added("add_trigger", name, g, "set_trigger_comment")
            if g.enabled != "origin":
                ch("set_trigger_enabled", name, None, g, "state of a new object")
            continue
        again = "retype" if trigger_over_retyped(old_g) else AROUND_INHERIT if inherit and transitions(old_g) else None
        if again:
            ch("drop_trigger", name, old_g, None, again)
            ch("add_trigger", name, None, g, again)
            if g.enabled != "origin":
                ch("set_trigger_enabled", name, None, g, again)
            if g.comment:
                ch("set_trigger_comment", name, None, g, again)
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
