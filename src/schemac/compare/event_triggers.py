"""Event triggers compared by name. Postgres can change only an event trigger's enabled state, owner,
name and comment in place: another event, tags or function is a drop (before every other statement) and a create
(after them). One that fires (origin or always) and stays, whose function (or a function its body calls) the
migration replaces, is dropped first and created last as well: the new body may read what the migration creates
later, the old one what it drops first (CartoDB's link_ghost_tables over cdb_ddl_execution), and either would run
on the migration's own DDL in between, where a fresh build, which creates event triggers last, runs neither."""

from __future__ import annotations

import re

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.given_back import owners_by_default
from schemac.compare.publications import by_name
from schemac.model import EventTrigger, Schema
from schemac.pg.names import split_reference
from schemac.pg.sqllex import LexError
from schemac.pg.verbatim import without_comments

# The cause of a kept event trigger's drop and create around the replacement of its function.
FUNCTION_REPLACED = "its function replaced under it"
# The cause of a changed event trigger's drop before every other statement (its CREATE comes last).
REMADE = "event trigger made again"


def _definition(e: EventTrigger) -> EventTrigger:
    return replace(e, enabled="origin", comment=None)


def _enabled(old: Optional[EventTrigger], e: EventTrigger) -> list[Change]:
    return [Change("set_event_trigger_enabled", "", "", e.name, old, e)] \
        if e.enabled != (old.enabled if old is not None else "origin") else []


def _firing(e: EventTrigger) -> bool:
    return e.enabled in ("origin", "always") and e.event != "login"  # a login one never fires on DDL


def _function_key(e: EventTrigger) -> tuple[str, str]:
    schema, name = split_reference(e.function, "")
    return schema or "public", name


def _reached(start: tuple[str, str], current: Schema, desired: Schema) -> set[tuple[str, str]]:
    """`start` and the functions its body calls, in turn (either model's body; a name followed by its '(' in the text
    but its comments, as PL/pgSQL's PERFORM helper(...) calls it, or a string EXECUTE runs: a body is text Postgres
    records no dependency of). A name in a comment or a word of a string is no call: pgMemento's
    table_alter_post_trigger says "register renamed version" in a comment, and its event trigger was dropped and made
    again, which needs a superuser, around a change of pgmemento.version()."""
    bodies: dict[tuple[str, str], list[str]] = {}
    for f in (*current.functions, *desired.functions):
        bodies.setdefault((f.schema, f.name), []).append(_uncommented(f.body).lower())
    seen, todo = {start}, [start]
    while todo:
        text = " ".join(bodies.get(todo.pop(), ()))
        for key in bodies.keys() - seen:
            if re.search(rf'(?<![\w$]){re.escape(key[1].lower())}"?\s*\(', text):
                seen.add(key)
                todo.append(key)
    return seen


def _uncommented(body: str) -> str:
    """The body without its comments (as written where it does not lex)."""
    try:
        return without_comments(body)
    except LexError:
        return body


def _remade(current: Schema, desired: Schema, changes: list[Change]) -> set[str]:
    """The firing event triggers kept as they are whose function, or one it calls, `changes` create, replace or
    drop."""
    replaced = {(f.schema, f.name) for c in changes if c.kind in ("add_function", "alter_function", "drop_function")
                for f in (c.old, c.new) if f is not None}
    if not replaced:
        return set()
    was = {e.name: e for e in current.event_triggers if _firing(e)}
    return {e.name for e in desired.event_triggers if e.name in was and _definition(was[e.name]) == _definition(e)
            and _reached(_function_key(e), current, desired) & replaced}


def diff_event_triggers(current: Schema, desired: Schema, changes: Optional[list[Change]] = None) -> list[Change]:
    remade = _remade(current, desired, changes or [])
    kept = tuple(e for e in current.event_triggers if e.name not in remade)
    out = by_name("event_trigger", kept, desired.event_triggers, _definition, _enabled,  # type: ignore
                  owners_by_default(current))  # an owner pinned no more given back (compare.given_back)
    drops = [Change("drop_event_trigger", "", "", e.name, e, None, cause=FUNCTION_REPLACED)
             for e in current.event_triggers if e.name in remade]
    # One changed (alter_: DROP IF EXISTS and CREATE, last) goes first too: the old one must not fire in between.
    drops += [Change("drop_event_trigger", "", "", c.name, c.old, None, cause=REMADE)
              for c in out if c.kind == "alter_event_trigger"]
    return drops + [replace(c, cause=FUNCTION_REPLACED) if c.name in remade else c for c in out]


def made_under_kept(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with their new triggers made by CREATE OR REPLACE where the migration runs under an event trigger it
    keeps as it is and that fires (origin or always; a login one never fires on DDL): such a trigger may make one of
    them on the table's CREATE or ALTER (OMT-G's `_omtg_addClassConstraint` adds a statement trigger to every table
    with a column of its domains), and CREATE TRIGGER would then fail (already exists). A constraint trigger has no
    OR REPLACE."""
    kept = {e.name for e in current.event_triggers if e.enabled in ("origin", "always") and e.event != "login"}
    if not any(e.name in kept and _definition(e) == _definition(o) for e in desired.event_triggers
               for o in current.event_triggers if o.name == e.name):
        return changes
    return [replace(c, replacing=True) if c.kind == "add_trigger" and not c.new.constraint else c  # type: ignore
            for c in changes]


# A body refusing a query that holds a comment: it raises, and looks for '--' or '/*' in a string (pgMemento 0.3-0.6:
# IF ddl_text LIKE '%--%' OR ddl_text LIKE '%/*%' ... THEN RAISE EXCEPTION 'Query contains comments. ...')
_COMMENT_TEST = re.compile(r"(?:\b(?:i?like|similar\s+to)\b|~~?\*?)\s*\(?\s*e?'[^']*(?:--|/\*)", re.I)
_RAISES = re.compile(r"\braise\s+(?:exception\b|')", re.I)


def query_readers(current: Schema, desired: Schema,
                  changes: list[Change]) -> list[tuple[EventTrigger, list[str], bool]]:
    """The event triggers that fire on the migration's statements (firing in `current` and kept as they are: not
    dropped first, nor for good) whose function, or one its body calls, reads current_query(): each with the chain of
    functions from its own to that one ("schema.name"), and whether one of those it calls refuses a query holding a
    comment (pgMemento 0.6's 'Query contains comments'). pgMemento's table_alter_pre_trigger parses that query, which
    under sqlx and `schemac apply` is the whole file (plan.one_query), its header's comments too."""
    dropped = {c.name for c in changes if c.kind == "drop_event_trigger"}
    kept = {e.name for e in desired.event_triggers if _firing(e)}
    out = []
    firing = [e for e in current.event_triggers if _firing(e) and e.name not in dropped and e.name in kept]
    bodies = {(f.schema, f.name): _uncommented(f.body) for f in current.functions} if firing else {}
    for e in firing:
        own = _function_key(e)
        reader = next((k for k in sorted(_reached(own, current, current), key=lambda k: (k != own, k))
                       if re.search(r"(?<![\w$])current_query\s*\(", bodies.get(k, ""), re.I)), None)
        if reader is not None:
            refuses = any(_COMMENT_TEST.search(b) and _RAISES.search(b)
                          for b in (bodies.get(k, "") for k in _reached(own, current, current)))
            out.append((e, [f"{s}.{n}" for s, n in dict.fromkeys((own, reader))], refuses))
    return out
