"""A column's default made nextval() of a sequence its old default did not call: a sequence the same migration
creates, owned by nothing (Hibernate 6's per-entity `author_seq` replacing the shared `hibernate_sequence`; a key
given a sequence of its own by CREATE SEQUENCE and DEFAULT nextval()), or another table's kept one (two tables'
sequences made one): the sequence stands at START, or where the other table's rows took it, while this table's
rows hold the values it would hand out, and the next INSERT fails on the key. Its SET DEFAULT moves the sequence past
the rows (plan.sequence_ddl.fed_past_the_rows, never backwards), as a new sequence OWNED BY such a column is
(compare.types, OWNS_VALUES)."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.model import Schema
from schemac.pg.names import qualified, regclass_literal

INTEGERS = ("smallint", "integer", "bigint")


def sequences_fed(changes: list[Change], desired: Schema) -> list[Change]:
    """`changes` with the SET DEFAULT of an existing table's integer column to nextval() of a sequence its old
    default did not call marked `feeds` (a new table's, cause NEW_TABLE, has no rows; one whose default is
    set again around a retype, cause "retype", calls what it called)."""
    sets = [c for c in changes if c.kind == "set_default" and c.cause is None and c.old is not None
            and c.new.type in INTEGERS and "nextval(" in (c.new.default or "")]  # type: ignore[union-attr]
    if not sets:
        return changes
    calls = [[f"nextval({lit})" for lit in (regclass_literal(q.schema, q.name),
                                            "'" + qualified(q.schema, q.name).replace("'", "''") + "'")]
             for q in desired.sequences]  # (as pg_get_expr prints the call, `nextval('s'::regclass)`, or as written)

    def feeds(c: Change) -> bool:
        new, old = c.new.default or "", c.old.default or ""  # type: ignore[union-attr]
        return any(any(f in new for f in forms) and not any(f in old for f in forms) for forms in calls)

    marked = {id(c) for c in sets if feeds(c)}
    return [replace(c, feeds=True) if id(c) in marked else c for c in changes]
