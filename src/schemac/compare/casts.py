"""Casts compared by (source type, target type). Postgres has no ALTER CAST: another function, method or
context is a DROP CAST and a CREATE CAST (reported as changed); a comment is COMMENT ON CAST. A cast whose
function this migration drops (for good, or to create it again: compare.routine_dependents) or whose
source or target is an enum (or a domain over one) created again is dropped before and made again after:
Postgres refuses DROP FUNCTION and DROP TYPE under a cast.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.aggregates import diff_overloads
from schemac.compare.around import sets_aside
from schemac.compare.changes import Change
from schemac.compare.routine_dependents import FUNCTION_REBUILT, dropped_functions
from schemac.model import Cast, Schema
from schemac.model.references import as_read
from schemac.pg.routines import cast_function_parts
from schemac.pg.types import TypeSyntaxError, type_name

# The cause of a cast dropped and created again because it differs (no ALTER CAST), and around a type that is.
CAST_REBUILT = "re-created: Postgres has no ALTER CAST"
TYPE_REBUILT = "re-created around its type created again"


def _type_key(text: str) -> Optional[tuple[str, str]]:
    try:
        return type_name(text)
    except TypeSyntaxError:
        return None


def diff_casts(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """add_cast, drop_cast and comments (set_type_comment) of the casts; those around the functions and enums
    `changes` drop or create again dropped before and made after."""
    gone = dropped_functions(changes)
    rebuilt = {(c.schema, c.name) for c in changes
               if sets_aside(c)}

    def rebuild(old: Cast, new: Cast) -> Optional[str]:
        parts = cast_function_parts(old)
        if parts is not None and parts[:2] in gone:
            return FUNCTION_REBUILT
        if any(_type_key(t) in rebuilt for t in old.identity):
            return TYPE_REBUILT
        return None if replace(old, comment=None) == replace(new, comment=None) else CAST_REBUILT
    cur = {c.identity: c for c in current.casts}  # a hand-written public.name(types) is the bare one read: as_read
    read = tuple(replace(c, function=as_read(c.function, cur[c.identity].function)) if c.identity in cur else c
                 for c in desired.casts)
    return diff_overloads("cast", current.casts, read, rebuild)


def cast_text(c: Cast) -> str:
    """One line for reports: CAST (source AS target) WITH FUNCTION f(t) | WITHOUT FUNCTION | WITH INOUT [AS ...]."""
    how = f"WITH FUNCTION {c.function}" if c.function else "WITH INOUT" if c.inout else "WITHOUT FUNCTION"
    context = f" AS {c.context.upper()}" if c.context != "explicit" else ""
    return f"CAST {c.signature} {how}{context}"
