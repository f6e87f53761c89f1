"""Postgres's defaults for a sequence's options, so both faces of the model leave them out alike.

CREATE SEQUENCE (and an identity column) defaults, for the sequence's type and the sign of its
increment: increment 1; ascending: min 1, max the type's maximum, start = min; descending: min the
type's minimum, max -1, start = max; cache 1; no cycle. The type defaults to bigint for a standalone
sequence and to the column's type for an identity. schema.yaml may spell a default out (`min_value: 1`)
and the catalog always holds every value: :func:`without_defaults` makes both read the same.
"""

from __future__ import annotations

from schemac.model import SequenceOptions

# Value ranges of the types a sequence may have (format_type() spelling).
RANGES = {
    "smallint": (-(2 ** 15), 2 ** 15 - 1),
    "integer": (-(2 ** 31), 2 ** 31 - 1),
    "bigint": (-(2 ** 63), 2 ** 63 - 1),
}


def without_defaults(o: SequenceOptions, default_type: str) -> SequenceOptions:
    """`o` with each option that equals Postgres's default (given the options it has) as None."""
    type_ = o.type or default_type
    increment = o.increment if o.increment is not None else 1
    low, high = RANGES.get(type_, RANGES["bigint"])
    ascending = increment > 0
    default_min, default_max = (1, high) if ascending else (low, -1)
    min_value = o.min_value if o.min_value is not None else default_min
    max_value = o.max_value if o.max_value is not None else default_max
    return SequenceOptions(
        type=None if type_ == default_type else type_,
        start=None if o.start is None or o.start == (min_value if ascending else max_value) else o.start,
        increment=None if increment == 1 else increment,
        min_value=None if min_value == default_min else min_value,
        max_value=None if max_value == default_max else max_value,
        cache=None if o.cache is None or o.cache == 1 else o.cache,
        cycle=o.cycle,
    )
