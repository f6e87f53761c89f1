"""Triggers as Postgres states them: pg_trigger.tgtype bits, and the WHEN clause, which only
pg_get_triggerdef prints (pg_get_expr cannot deparse OLD and NEW outside the trigger)."""

from __future__ import annotations

from typing import Optional

from schemac.pg.indexdef import _unquoted

ROW, BEFORE, INSERT, DELETE, UPDATE, TRUNCATE, INSTEAD = 1, 2, 4, 8, 16, 32, 64


def timing(tgtype: int) -> str:
    return "before" if tgtype & BEFORE else "instead of" if tgtype & INSTEAD else "after"


def events(tgtype: int) -> tuple[str, ...]:
    return tuple(e for e, bit in (("insert", INSERT), ("update", UPDATE), ("delete", DELETE),
                                  ("truncate", TRUNCATE)) if tgtype & bit)


def when_clause(definition: str) -> Optional[str]:
    """The condition of `... WHEN (cond) EXECUTE ...` in pg_get_triggerdef's text, without its parentheses."""
    marker = definition.find(" WHEN (")
    if marker < 0:
        return None
    start = marker + len(" WHEN ")
    for i, ch, depth in _unquoted(definition, start):
        if ch == ")" and depth == 1:
            return definition[start + 1:i]
    return None


def arguments(tgargs: bytes, count: int) -> tuple[str, ...]:
    """pg_trigger.tgargs: `count` strings, each ended by a NUL byte."""
    return tuple(a.decode("utf-8") for a in tgargs.split(b"\x00")[:count])
