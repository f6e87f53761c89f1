"""Postgres's defaults for a sequence's options, so both faces of the model leave them out alike.

CREATE SEQUENCE (and an identity column) defaults, for the sequence's type and the sign of its
increment: increment 1; ascending: min 1, max the type's maximum, start = min; descending: min the
type's minimum, max -1, start = max; cache 1; no cycle. The type defaults to bigint for a standalone
sequence and to the column's type for an identity. schema.yaml may spell a default out (`min_value: 1`)
and the catalog always holds every value: :func:`without_defaults` makes both read the same.
"""

from __future__ import annotations

from typing import Optional

from schemac.model import SequenceOptions

# Value ranges of the types a sequence may have (format_type() spelling).
RANGES = {
    "smallint": (-(2 ** 15), 2 ** 15 - 1),
    "integer": (-(2 ** 31), 2 ** 31 - 1),
    "bigint": (-(2 ** 63), 2 ** 63 - 1),
}


def filled(o: SequenceOptions, default_type: str) -> SequenceOptions:
    """`o` with each unset option as the value Postgres gives it (the type's range for the bounds)."""
    type_ = o.type or default_type
    increment = o.increment if o.increment is not None else 1
    low, high = RANGES.get(type_, RANGES["bigint"])
    ascending = increment > 0
    min_value = o.min_value if o.min_value is not None else (1 if ascending else low)
    max_value = o.max_value if o.max_value is not None else (high if ascending else -1)
    start = o.start if o.start is not None else (min_value if ascending else max_value)
    return SequenceOptions(type_, start, increment, min_value, max_value, o.cache if o.cache is not None else 1,
                           o.cycle)


def without_defaults(o: SequenceOptions, default_type: str) -> SequenceOptions:
    """`o` with each option that equals Postgres's default (given the options it has) as None."""
    given = filled(o, default_type)
    defaults = filled(SequenceOptions(type=given.type, increment=given.increment, min_value=given.min_value,
                                      max_value=given.max_value), default_type)
    bounds = filled(SequenceOptions(type=given.type, increment=given.increment), default_type)
    return SequenceOptions(
        type=None if given.type == default_type else given.type,
        start=None if given.start == defaults.start else given.start,
        increment=None if given.increment == 1 else given.increment,
        min_value=None if given.min_value == bounds.min_value else given.min_value,
        max_value=None if given.max_value == bounds.max_value else given.max_value,
        cache=None if given.cache == 1 else given.cache,
        cycle=o.cycle,
    )


# serial, bigserial, smallserial (and serial4, serial8, serial2): not types but CREATE TABLE's shorthand for a column
# of the integer type, NOT NULL, DEFAULT nextval() of a sequence named <table>_<column>_seq that it owns.
SERIALS = {"serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint",
           "smallserial": "smallint", "serial2": "smallint"}


def serial_base(type_text: str) -> "str | None":
    """The integer type a serial type stands for, None for any other type."""
    return SERIALS.get(type_text.strip().lower())


def restarts(was: SequenceOptions, will: SequenceOptions) -> bool:
    """New bounds that share no value with the old ones: the ALTER says RESTART (at the new START), as Postgres
    rejects a position outside the bounds and setval cannot move it out of the old ones; no value the sequence
    handed out before can come again."""
    return will.min_value > was.max_value or will.max_value < was.min_value  # type: ignore[operator]


def nearer_end(was: SequenceOptions, will: SequenceOptions) -> Optional[str]:
    """`MAXVALUE n (was m)` where the new bound lies before the old one in the direction it counts (`was`, `will`
    filled in): a position past it is moved back to it (plan.sequence_ddl.into_the_new_range), its next nextval
    fails or, with CYCLE, starts over. None else (bounds that share no value RESTART it: `restarts`)."""
    if restarts(was, will):
        return None
    if (will.increment or 1) > 0 and will.max_value < was.max_value:  # type: ignore[operator]
        return f"MAXVALUE {will.max_value} (was {was.max_value})"
    if (will.increment or 1) < 0 and will.min_value > was.min_value:  # type: ignore[operator]
        return f"MINVALUE {will.min_value} (was {was.min_value})"
    return None
