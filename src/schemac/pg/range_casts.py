"""How a column of one of Postgres's range (multirange) types moves to another over another subtype.

pg_cast has no row between two range types, nor two multirange types (`int4range` -> `int8range`: 'cannot cast type
int4range to int8range'), only a range's to its own multirange. A range's text form is its bounds' texts: where each
value of the old subtype prints a text the new subtype reads as the value the subtypes' own cast gives, the range's
text reads as the new range (`'[1,5)'`, `'["2024-03-01 10:00:00","2024-03-02 11:00:00")'` as a tstzrange in the zone
the migration pins: plan.session_pin), a multirange's and an array's too, element by element. A numeric's text is no
integer ('1.5'), where the cast rounds: a range is rebuilt from its bounds by the new type's constructor, a multirange
or an array of ranges each of its ranges so, in a function the migration makes for it (ALTER ... TYPE ... USING refuses
a subquery and an aggregate: plan.range_ddl), the schema's own range types alike (compare.retype_casts); between
subtypes with no cast (daterange -> int4range) it is refused, asking for `using:`.
"""

from __future__ import annotations

from typing import Optional

from schemac.pg.casts import base_and_dims, converts

# Postgres's range types by their subtype, and its multirange types
RANGES = {"int4range": "integer", "int8range": "bigint", "numrange": "numeric", "daterange": "date",
          "tsrange": "timestamp without time zone", "tstzrange": "timestamp with time zone"}
MULTIRANGES = {k.replace("range", "multirange"): v for k, v in RANGES.items()}

_NUMBERS = ("integer", "bigint")
_TIMES = ("date", "timestamp without time zone", "timestamp with time zone")
# (old subtype, new subtype): each old value's text reads as the new subtype's value the cast gives (an integer's
# digits as a bigint or numeric, a bigint's as an integer or out of range as the cast is; a date as midnight; a
# timestamp's text read as a date or a timestamptz as the casts do, in the pinned zone)
_TEXT_READS = frozenset({*((a, b) for a in _NUMBERS for b in (*_NUMBERS, "numeric")),
                         *((a, b) for a in _TIMES for b in _TIMES)})


def subtype_text_reads(old: str, new: str) -> bool:
    """Whether each value of subtype `old` prints a text that subtype `new` reads as the cast's value."""
    return old == new or (old, new) in _TEXT_READS


def range_route(old: str, new: str) -> Optional[str]:
    """How a column of Postgres's range (multirange) type `old` (or an array of one) moves to another one of the same
    kind and dimensions, `new`: "text" (`c::text::new`), "bounds" (a range rebuilt: plan.range_ddl), "" where
    neither can be written; None where they are not two such types (pg.casts.converts judges)."""
    (a, a_dims), (b, b_dims) = base_and_dims(old), base_and_dims(new)
    for table in (RANGES, MULTIRANGES):
        if a in table and b in table and a != b and a_dims == b_dims:
            return bounds_route(table[a], table[b])
    return None


def bounds_route(old: str, new: str) -> str:
    """range_route's between ranges over subtypes `old` and `new`: "text", "bounds" or ""."""
    return "text" if subtype_text_reads(old, new) else "bounds" if converts(old, new) else ""


def range_of(multirange: str) -> str:
    """The range type of one of Postgres's multirange types (int4multirange: int4range), whose constructor makes each."""
    return multirange.replace("multirange", "range", 1)


def range_refusal(old: str, new: str) -> str:
    """Why range_route found no way between `old` and `new`, for plan.hazards' message."""
    a, b = base_and_dims(old)[0], base_and_dims(new)[0]
    table, kind = (RANGES, "range") if a in RANGES else (MULTIRANGES, "multirange")
    return f"{kind}s over {table[a]} and {table[b]}: {table[a]} has no cast to {table[b]}"
