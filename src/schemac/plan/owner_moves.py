"""A sequence kept while the table (or the column) that owns it is dropped and another column takes it: DROP TABLE
drops the sequences the table's columns own, so the OWNED BY move (set_sequence_owner) must run first, and it needs
the new owner column made. Where the new owner's table is created under names the dropped one frees (a table renamed
with no renamed_from: hint, the old one's key name and serial sequence kept: Miniflux's sessions made user_sessions),
the drop runs before that creation and the graph had a cycle, broken at the drop: the sequence went with the table and
the new table's DEFAULT nextval() failed. The move is made of two steps instead: OWNED BY NONE before the drop (it
frees the old column only), OWNED BY the new column after the new column is made."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model.frozen import replace

__all__ = ["detached_first"]


def detached_first(changes: list[Change]) -> list[Change]:
    """`changes` with each set_sequence_owner moving a sequence off a column the same plan drops (its table or itself)
    to another column split into OWNED BY NONE and OWNED BY the new column."""
    dropped_tables = {(c.schema, c.table) for c in changes if c.kind == "drop_table"}
    dropped_columns = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_column"}

    def off_a_dropped_column(c: Change) -> bool:
        if c.kind != "set_sequence_owner" or not getattr(c.old, "owned_by", None) or not c.new.owned_by:  # type: ignore
            return False
        table, _, column = c.old.owned_by.rpartition(".")  # type: ignore[union-attr]
        return (c.schema, table) in dropped_tables or (c.schema, table, column) in dropped_columns

    if not any(off_a_dropped_column(c) for c in changes):
        return changes
    out: list[Change] = []
    for c in changes:
        if off_a_dropped_column(c):
            out.append(replace(c, new=replace(c.new, owned_by=None), cause=None))
            out.append(replace(c, old=replace(c.old, owned_by=None)))
        else:
            out.append(c)
    return out
