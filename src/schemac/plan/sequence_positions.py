"""A standalone sequence dropped loses its position: destructive, as a dropped table's rows are.

A sequence without OWNED BY (invoice numbers, one several tables share, one the application calls) is the only record
of how far it has counted: a sequence made again in its place (or under the name a rename meant it to take) starts
over and hands out values already handed out, which a key refuses or, worse, takes. One owned by a column is left out:
its column keeps every value it handed out (and its table's drop, or its column's, is refused on its own), and so is
one a column's old default called whose new one moves another sequence past its last value (compare.sequence_feeds).
Where a sequence of the same definition is made as one is dropped, generate's refusal names the `renamed_from:` that
keeps it (peer52: a sequence renamed or moved without the hint was dropped and made again, silently)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.pg.sequences import filled, nearer_end

__all__ = ["clamped_positions", "dropped_position", "renamed_from_hints"]


def dropped_position(change: Change) -> Optional[str]:
    """Why dropping this sequence destroys data (plan.hazards.destructive_reason), or None."""
    if change.kind != "drop_sequence" or change.cause is not None or change.feeds \
            or getattr(change.old, "owned_by", None):  # (feeds: its last value carried over, compare.sequence_feeds)
        return None
    return (f"drop sequence {change.schema}.{change.name}: its position (the next value it hands out) is lost; a "
            "sequence made in its place starts over and hands out values already handed out")


def renamed_from_hints(changes: list[Change]) -> list[str]:
    """generate's refusal's lines for each standalone sequence dropped (dropped_position) while one of the same
    definition (options, UNLOGGED), standalone too, is made: the `renamed_from:` that renames or moves it instead."""
    dropped = [c.old for c in changes if dropped_position(c)]
    made = [c.new for c in changes if c.kind == "add_sequence" and not getattr(c.new, "owned_by", None)]
    out = []
    for new in made:
        same = [o for o in dropped if (o.options, o.unlogged) == (new.options, new.unlogged)]  # type: ignore[union-attr]
        for old in same:
            was = old.name if old.schema == new.schema else f"{old.schema}.{old.name}"  # type: ignore[union-attr]
            out.append(f"  sequence {new.schema}.{new.name} is made as {old.schema}.{old.name} is dropped, of the same "  # type: ignore
                       f"definition: if it is that sequence renamed or moved, write `renamed_from: {was}` under it in "
                       "schema.yaml's sequences: (ALTER SEQUENCE keeps its position)")
    return out


def clamped_positions(changes: list[Change]) -> list[str]:
    """generate's warnings for each sequence (or identity) given a MAXVALUE below its old one (a MINVALUE above,
    descending): where it has handed out values past the new bound, the migration moves it back to the bound
    (plan.sequence_ddl.into_the_new_range: Postgres refuses the ALTER else), and its next nextval fails ('reached
    maximum value of sequence') or, with CYCLE, starts over and hands out values again, which a key refuses. generate
    never sees how far it went: the server WARNs at apply where it moves one, naming where it stood."""
    out = []
    for c in changes:
        if c.kind == "alter_sequence" and c.old is not None and c.new is not None:
            was, will = filled(c.old.options, "bigint"), filled(c.new.options, "bigint")  # type: ignore[union-attr]
            what = f"sequence {c.new.schema}.{c.new.name}"  # type: ignore[union-attr]
        elif c.kind == "alter_identity" and getattr(c.old, "identity", None) and getattr(c.new, "identity", None):
            was, will = (filled(x.identity.options, c.new.type) for x in (c.old, c.new))  # type: ignore[union-attr]
            what = f"the identity of {c.path}"
        else:
            continue
        said = nearer_end(was, will)
        if said:
            out.append(f"warning: {c.source or c.path}: {what} is given {said}: where it has handed out values past "
                       f"it, the migration moves it back to it, and its next nextval " + (
                           "starts over, handing out values again (a key refuses them)" if will.cycle else
                           "fails ('reached maximum value of sequence')") + " (the server warns as it applies, naming "
                       "where it stood; keep the bound past the values handed out)")
    return out

