"""Event triggers: functions Postgres runs on DDL (and, from 17, logins). They belong to the database,
not to a schema, and fire during schemac's own migrations too."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Literal, Optional

from .source import Source, _security, _src

EVENT_TRIGGER_EVENTS = ("ddl_command_start", "ddl_command_end", "sql_drop", "table_rewrite", "login")
# pg_event_trigger.evtenabled -> schema.yaml's word (a table trigger's words: ENABLE, DISABLE, REPLICA, ALWAYS)
EVENT_TRIGGER_STATES = {"O": "origin", "D": "disabled", "R": "replica", "A": "always"}


class InNoSchema:
    """A database's object (event trigger, foreign server): no namespace."""

    @property
    def schema(self) -> str:
        return ""


@frozen
class EventTrigger(InNoSchema):
    """CREATE EVENT TRIGGER name ON event [WHEN TAG IN (tags)] EXECUTE FUNCTION function()."""

    name: str
    event: str  # one of EVENT_TRIGGER_EVENTS
    function: str  # "name" in public, else "schema.name": a function RETURNS event_trigger
    tags: tuple[str, ...] = ()  # WHEN TAG IN (...), upper case, sorted; () fires on every command
    enabled: Literal["origin", "disabled", "replica", "always"] = "origin"
    comment: Optional[str] = None
    owner: Optional[str] = _security(None)  # None: not compared
    source: Optional[Source] = _src()

