"""A table's triggers with transition tables (REFERENCING OLD/NEW TABLE) around its ATTACH PARTITION.

Postgres refuses to attach a table holding a trigger with a transition table ('trigger "t_tt" prevents table "t" from
becoming a partition'): a row-level one on every server, a statement-level one too on servers without
postgres/postgres@afdb4cde ("Fix oversight in FindTriggerIncompatibleWithInheritance", back-patched through 13: 16.2
refuses, 15.18 and 18 take it). A statement one is allowed on a partition (CREATE TRIGGER takes it), so the ATTACH
drops it before and creates it again after, in its new state (enabled, comment): on every server alike, as
`generate` knows no target's minor release. A row-level one cannot be on a partition at all: a new schema holding one
fails to build (CREATE TRIGGER refuses it, the loader at its line: schemafile.refused_shapes); one `old` holds and `new` drops is dropped before the ATTACH (the graph's
keys below), and one the table gains is created after it. ALTER TABLE ... INHERIT makes the same check: there the table's triggers with transition tables are
dropped and made again by the compare (compare.table_triggers), and the keys below put the drops before the INHERIT
(its "for inherit") and the creations after it ("inherits from")."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import Table, Trigger
from schemac.model.triggers import transitions
from schemac.pg.names import qualified, quote_ident
from schemac.plan import ddl, routine_ddl
from schemac.plan.keys import Key


def _kept(old: Table, new: Table) -> list[tuple[Trigger, Trigger]]:
    """The triggers with transition tables `old` holds that `new` holds with transition tables too, each as
    (its old form, its new form): dropped before the ATTACH, created after it as `new` has them (a change of its own
    to one, ordered after the ATTACH, then replaces it with itself: CREATE OR REPLACE, or DROP and CREATE)."""
    now = {g.name: g for g in new.triggers if transitions(g)}
    return [(g, now[g.name]) for g in old.triggers if transitions(g) and g.name in now]


def around_attach(change: Change, attach: exp.Expression) -> list[exp.Expression]:
    """The ATTACH of `change`'s table, between DROP TRIGGER and CREATE TRIGGER of its transition triggers."""
    old, new = change.old, change.new
    if not isinstance(old, Table) or not isinstance(new, Table):
        return [attach]
    kept = _kept(old, new)
    drops = [ddl.command("DROP", "TRIGGER", quote_ident(g.name), "ON", qualified(old.schema, old.name)) for g, _ in kept]
    if drops:
        drops[0].add_comments([" a trigger with transition tables, which ATTACH PARTITION refuses (a statement one too, "
                               "on a minor release without postgres commit afdb4cde): dropped, created again after it "])
    return [*drops, attach, *(s for _, g in kept for s in routine_ddl.remade_trigger(new, g))]


def attach_keys(change: Change) -> tuple[set[Key], set[Key]]:
    """What the ATTACH of `change`'s table makes and needs of its triggers' changes: the drops of its transition
    triggers before it, and their creation after it (plan.dependencies)."""
    old, new = change.old, change.new
    if not isinstance(new, Table):
        return set(), set()
    gone = {g.name for g in old.triggers if transitions(g)} - {g.name for g, _ in _kept(old, new)} \
        if isinstance(old, Table) else set()
    return {("partition attached", new.schema, new.name)}, \
        {("transition trigger dropped", new.schema, new.name, x) for x in gone}


def trigger_keys(change: Change, t: Optional[Table]) -> tuple[set[Key], set[Key]]:
    """What a trigger's change makes and needs around its table's ATTACH or INHERIT: a drop of one with transition
    tables before it, a creation after it."""
    if t is None:
        return set(), set()
    was = isinstance(change.old, Trigger) and transitions(change.old)
    will = isinstance(change.new, Trigger) and transitions(change.new)
    if change.kind in ("drop_trigger", "alter_trigger") and was and not will:
        return {("transition trigger dropped", t.schema, t.name, change.old.name),  # type: ignore[union-attr]
                ("for inherit", t.schema, t.name)}, set()
    if change.kind in ("add_trigger", "alter_trigger") and will and t.partition_of is not None:
        return set(), {("partition attached", t.schema, t.name)}
    if change.kind in ("add_trigger", "alter_trigger") and will and t.inherits:
        return set(), {("inherits from", t.schema, t.name)}
    return set(), set()
