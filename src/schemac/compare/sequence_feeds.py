"""A column's default made nextval() of a sequence its old default did not call: a sequence the same migration
creates, owned by nothing (Hibernate 6's per-entity `author_seq` replacing the shared `hibernate_sequence`; a key
given a sequence of its own by CREATE SEQUENCE and DEFAULT nextval()), or another table's kept one (two tables'
sequences made one): the sequence stands at START, or where the other table's rows took it, while this table's
rows hold the values it would hand out, and the next INSERT fails on the key. Its SET DEFAULT moves the sequence past
the rows (plan.sequence_ddl.fed_past_the_rows, never backwards), as a new sequence OWNED BY such a column is
(compare.types, OWNS_VALUES)."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.model import Schema
from schemac.pg.named_refs import named_refs

INTEGERS = ("smallint", "integer", "bigint")


def sequences_fed(changes: list[Change], desired: Schema) -> list[Change]:
    """`changes` with the SET DEFAULT of an existing table's integer column to nextval() of a sequence its old
    default did not call marked `feeds` (a new table's, cause NEW_TABLE, has no rows; one whose default is
    set again around a retype, cause "retype", calls what it called)."""
    sets = [c for c in changes if c.kind == "set_default" and c.cause is None and c.old is not None
            and c.new.type in INTEGERS and _sequences(c.new.default)]  # type: ignore[union-attr]
    if not sets:
        return changes
    declared = {("sequence", q.schema, q.name) for q in desired.sequences}

    def feeds(c: Change) -> bool:  # (a sequence of schema.yaml's its new default calls and its old did not)
        return bool(declared & (_sequences(c.new.default) - _sequences(c.old.default)))  # type: ignore[union-attr]

    marked = {id(c) for c in sets if feeds(c)}
    # (the sequences the old defaults drew from, dropped: their last values carried past by the move)
    carried = {k for c in sets if id(c) in marked for k in _sequences(c.old.default)}  # type: ignore[union-attr]
    return [replace(c, feeds=True) if id(c) in marked or c.kind == "drop_sequence" and
            ("sequence", c.schema, c.name) in carried else c for c in changes]


def _sequences(default: Optional[str]) -> set:
    """The keys of the sequences `default` calls (pg.named_refs: `nextval('s'::regclass)`, as pg_get_expr prints it,
    or as written, quoted, qualified, a bare one public's)."""
    return {k for k in named_refs(default) if k[0] == "sequence"} if default else set()
