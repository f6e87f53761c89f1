"""The migrations Postgres would refuse, refused before they are written: `generate`'s file and `diff --sql`'s
script alike, from one list of checks.

`diff --sql` printed the plan without them: a tsrange column made a tstzrange was written `USING CAST(r AS
TSTZRANGE)` ('cannot cast type tsrange to tstzrange': a script that fails at its first row), where `generate`
asked for `using:`. A change Postgres cannot make as planned (no cast without `using:`, a column of a table's row
type retyped...) is now said in `generate`'s words by both. So is a drop of what a schema schema.yaml does not cover
uses (compare.outside_users: `used_outside:`, or what the catalog reads there): Postgres refuses it ('other objects
depend on it') whatever --allow-destructive says, so it is refused, not marked `-- DESTRUCTIVE:`.
"""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.composite_holders import key_held_composites
from schemac.compare.domain_arrays import key_held, range_held
from schemac.compare.inherited_renames import renames_refused
from schemac.compare.trigger_refusals import triggers_refused
from schemac.compare.not_nulls import inherited_renames
from schemac.compare.outside_users import outside_drops
from schemac.compare.row_types import row_type_additions, row_type_drops, row_type_retypes
from schemac.model import Schema
from schemac.plan.hazards import missing_cast, retype_said


def postgres_refusal(changes: list[Change], current: Schema, desired: Schema) -> Optional[str]:
    """Why Postgres would refuse the migration of `changes` (from `current` to `desired`): every column retype
    without a cast at once (missing_cast, the first said whole), else the first of the other refusals, else every
    drop of what is used outside schemac at once (outside_drops); None where it applies."""
    uncastable = [(c, r) for c in changes if (r := missing_cast(c))]
    if uncastable:
        (first, why), rest = uncastable[0], uncastable[1:]
        also = "; also " + ", ".join(f"{c.source or c.path} ({retype_said(c)})" for c, _ in rest) if rest else ""
        return f"{first.source or first.path}: {why}{also}"
    for c, why in (inherited_renames(changes, current) + renames_refused(changes, current, desired)
                   + row_type_retypes(changes, current) + row_type_drops(changes, current)
                   + row_type_additions(changes, current, desired) + range_held(changes, current)
                   + key_held(changes, current) + key_held_composites(changes, current)
                   + triggers_refused(changes, current, desired))[:1]:
        return f"{getattr(c.new, 'source', None) or c.path}: {why}"
    outside = outside_drops(changes, desired, current)  # every one at once: each is undone outside schemac
    return "\n".join(dict.fromkeys(why for _, why in outside)) or None
