"""A table's triggers with transition tables (REFERENCING OLD/NEW TABLE) around its ATTACH PARTITION or INHERIT.

Postgres refuses to attach a table holding a trigger with a transition table ('trigger "t_tt" prevents table "t" from
becoming a partition'), or to make it a child by ALTER TABLE ... INHERIT: a row-level one on every server, a
statement-level one too on servers without postgres/postgres@afdb4cde ("Fix oversight in
FindTriggerIncompatibleWithInheritance", back-patched through 13: 16.2 refuses, 15.18 and 18 take it). A statement one
is allowed on a partition or a child (CREATE TRIGGER takes it), so the compare (compare.table_triggers, cause
AROUND_JOINING) drops each the table holds before its ATTACH (a table attached, or a partition given another bound or
parent: DETACH, ATTACH) or INHERIT, and makes it again after, as `new` has it (renamed, changed, its state, its
comment): on every server alike, as `generate` knows no target's minor release. A row-level one cannot be on a
partition or a child at all: a new schema holding one fails to build (CREATE TRIGGER refuses it, the loader at its
line: schemafile.refused_shapes); one `old` holds and `new` drops is dropped before. The keys below order them: each
drop makes the table's "for inherit", which its ATTACH and INHERIT need (plan.dependencies); each creation needs its
"partition attached" or "inherits from", which they make."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.table_triggers import AROUND_JOINING
from schemac.model import Table, Trigger
from schemac.model.triggers import transitions
from schemac.plan.keys import Key


def dropped_for_joining(change: Change, drop: exp.Expression) -> exp.Expression:
    """The DROP TRIGGER of `change`, saying why where it is dropped for its table's ATTACH or INHERIT."""
    if change.cause == AROUND_JOINING:
        drop.add_comments([" a trigger with transition tables, which ATTACH PARTITION and INHERIT refuse (a statement "
                           "one too, on a minor release without postgres commit afdb4cde): dropped, created again after "
                           "it "])
    return drop


def trigger_keys(change: Change, t: Optional[Table]) -> tuple[set[Key], set[Key]]:
    """What a trigger's change makes and needs around its table's ATTACH or INHERIT: a drop of one with transition
    tables before it, a creation after it."""
    if t is None:
        return set(), set()
    was = isinstance(change.old, Trigger) and transitions(change.old)
    will = isinstance(change.new, Trigger) and transitions(change.new)
    if change.kind in ("drop_trigger", "alter_trigger") and was and not will:
        return {("for inherit", t.schema, t.name)}, set()
    if change.kind in ("add_trigger", "alter_trigger") and will:  # (a table of no parent: after a scratch parent's
        # INHERIT and NO INHERIT, which a retype through it makes: plan.member_dependencies)
        return set(), {("partition attached" if t.partition_of is not None else "inherits from", t.schema, t.name)}
    return set(), set()
