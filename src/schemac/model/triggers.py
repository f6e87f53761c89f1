"""A table's triggers and rewrite rules (CREATE TRIGGER, CREATE RULE): model/tables.py's Table holds them."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Literal, Optional

from .source import Source, _src

TRIGGER_EVENTS = ("insert", "update", "delete", "truncate")


@frozen
class Trigger:
    """CREATE [CONSTRAINT] TRIGGER on a table: when it fires, on what, and the function it executes."""

    name: str
    function: str  # the trigger function, "name" or "schema.name" outside public
    timing: Literal["before", "after", "instead of"] = "after"
    events: tuple[str, ...] = ("insert",)  # in TRIGGER_EVENTS order
    update_columns: tuple[str, ...] = ()  # UPDATE OF these columns
    for_each_row: bool = False  # FOR EACH ROW, else FOR EACH STATEMENT
    when: Optional[str] = None  # WHEN (condition) over OLD and NEW
    arguments: tuple[str, ...] = ()  # string arguments passed to the function
    old_table: Optional[str] = None  # REFERENCING OLD TABLE AS
    new_table: Optional[str] = None  # REFERENCING NEW TABLE AS
    constraint: bool = False  # CREATE CONSTRAINT TRIGGER
    deferrable: bool = False
    initially_deferred: bool = False
    enabled: Literal["origin", "disabled", "replica", "always"] = "origin"  # ALTER TABLE ... ENABLE/DISABLE TRIGGER
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    # FROM: the table a constraint trigger names as referenced (tgconstrrelid), "table" or "schema.table" outside public
    referenced_table: Optional[str] = None



def transitions(g: Trigger) -> bool:
    """Whether `g` has transition tables (REFERENCING OLD/NEW TABLE), which ATTACH PARTITION and INHERIT refuse."""
    return g.old_table is not None or g.new_table is not None


def replaced_in_place(old: Trigger, new: Trigger) -> bool:
    """Whether a changed trigger is CREATE OR REPLACEd, which keeps its comment; a constraint trigger has no OR
    REPLACE: dropped and created, it is commented again (plan.planner), its comment's change folded in."""
    return not old.constraint and not new.constraint

@frozen
class Rule:
    """CREATE RULE name AS ON event TO table [WHERE condition] DO [ALSO | INSTEAD] actions."""

    name: str
    event: Literal["select", "insert", "update", "delete"]
    instead: bool = False
    where: Optional[str] = None  # over OLD and NEW
    actions: tuple[str, ...] = ()  # statements, as pg_get_ruledef deparses them; () is NOTHING
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    enabled: Literal["origin", "disabled", "replica", "always"] = "origin"  # ALTER TABLE ... ENABLE/DISABLE RULE
