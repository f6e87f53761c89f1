"""A column's default made nextval() of a sequence the same migration creates, the sequence owned by nothing
(Hibernate 6's per-entity `author_seq` replacing the shared `hibernate_sequence`; a key given a sequence of its own
by CREATE SEQUENCE and DEFAULT nextval()): the sequence starts at START while the table's rows hold the values it
would hand out, and the next INSERT fails on the key. Its SET DEFAULT moves the sequence past the rows
(plan.sequence_ddl.fed_past_the_rows), as a new sequence OWNED BY such a column is (compare.types, OWNS_VALUES)."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import FEEDS_VALUES, Change
from schemac.pg.names import qualified, regclass_literal

INTEGERS = ("smallint", "integer", "bigint")


def fed_by_new_sequences(changes: list[Change]) -> list[Change]:
    """`changes` with the SET DEFAULT of an existing table's integer column to nextval() of a new unowned
    sequence marked FEEDS_VALUES (a new table's, cause NEW_TABLE, has no rows; one whose default is set again
    around a retype, cause "retype", drew from that sequence before)."""
    calls = {f"nextval({lit})" for c in changes if c.kind == "add_sequence" and not c.new.owned_by  # type: ignore
             for lit in (regclass_literal(c.schema, c.name), "'" + qualified(c.schema, c.name).replace("'", "''") + "'")}
    if not calls:  # (as pg_get_expr prints the call, `nextval('s'::regclass)`, or as written, `nextval('s')`)
        return changes

    def feeds(c: Change) -> bool:
        col = c.new
        if c.kind != "set_default" or c.cause is not None or col.type not in INTEGERS:  # type: ignore[union-attr]
            return False
        return any(call in (col.default or "") for call in calls)  # type: ignore[union-attr]

    return [replace(c, cause=FEEDS_VALUES) if feeds(c) else c for c in changes]
