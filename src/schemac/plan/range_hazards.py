"""Why a range type set aside and created again (compare.usertypes.ranges_over_rebuilt: an alter_range_type, cause
ENUM_REBUILT) can destroy data: its columns are retyped through text, each bound read back as one of the new subtype.
Over an enum re-created, a bound of a removed label fails, or bounds the new order reverses; over a domain made again
over another base type, a bound the new one cannot hold fails or is rounded; where that base widens the old (int ->
bigint), every bound is kept: nothing to refuse (fix52e)."""

from __future__ import annotations

from typing import AbstractSet, Optional

from schemac.compare.changes import ENUM_REBUILT, Change
from schemac.pg import pgvector
from schemac.pg.types import type_name
from schemac.plan.widenings import is_widening


def range_remade_reason(change: Change, held: Optional[AbstractSet[tuple[str, str]]]) -> Optional[str]:
    """plan.hazards.destructive_reason's for an alter_range_type set aside (None for any other change): `held` its
    enums_holding_values (None: every type may hold rows); none where no column of the range or its multirange is
    retyped, nor over a domain whose new base PostGIS or pgvector refuse every value of, nor over a composite type
    holding one and no enum made again (plan.held_values guards its columns' retypes instead)."""
    if change.kind != "alter_range_type" or change.cause != ENUM_REBUILT or held is not None and not held & {
            (change.schema, change.name), change.old.multirange_key}:  # type: ignore
        return None
    r, old, new = f"range type {change.schema}.{change.name}", change.from_base, change.rebased
    if narrowed := [f"{d} ({was} -> {will})" for d, was, will in change.rebased_domains if _narrowed(was, will)]:
        return (f"{r}: created again over {change.old.subtype}, whose {'domain' if len(narrowed) == 1 else 'domains'} "  # type: ignore
                f"{', '.join(narrowed)} {'is' if len(narrowed) == 1 else 'are'} made again over another base type: the "
                "migration fails if a row holds a bound a new base type rejects, and may round or truncate one")
    if new and pgvector.values_refused("", old, new):
        return None
    if new and (type_name(old), old.partition("(")[2]) != (type_name(new), new.partition("(")[2]):  # (a domain made
        # again over another base type or modifiers; over the same, an enum re-created under it)
        if is_widening(old, new):
            return None
        return (f"{r}: created again over {change.old.subtype}, a domain made again over {new} (was {old}): "  # type: ignore
                "the migration fails if a row holds a bound the new base type rejects, and may round or truncate one")
    if change.refused_attributes or change.checked_domains or change.retyped_attributes:  # (over a composite type
        # holding such domains and no enum made again: guarded at its columns' retypes,
        # compare.composite_rebases.rebased_bounds; or whose attributes are retyped: the composite's own hazard)
        return None
    return (f"{r}: created again over {change.old.subtype}, made again (values removed or reordered): the migration "  # type: ignore
            "fails if a row holds a bound of a removed value, or bounds the new order reverses")


def _narrowed(old: str, new: str) -> bool:
    """Whether a domain made again from base type `old` over `new` may refuse, round or truncate a value: another type
    or modifiers, no widening, and not one PostGIS or pgvector refuse every value of (guarded at the retypes)."""
    return not pgvector.values_refused("", old, new) and (type_name(old), old.partition("(")[2]) != (
        type_name(new), new.partition("(")[2]) and not is_widening(old, new)
