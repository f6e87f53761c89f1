"""The order of a domain's ALTER in place between its holders' retypes to text and back (compare.key_detours):
Postgres refuses it while a column holds the domain in an array or a composite value, and the retype back checks
each value held there against its new CHECKs, so it runs after."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.key_detours import DETOUR_BACK, DETOUR_OUT, DETOURED
from schemac.plan.dependencies import Deps


def detoured_around(changes: list[Change], deps: list[Deps]) -> list[Deps]:
    """`deps` with each retype to text (DETOUR_OUT) before its domain's alter_domain, which runs before each retype
    back (DETOUR_BACK); the same where no change is such a retype."""
    if not any(c.cause in DETOURED for c in changes):
        return deps
    domains = {(c.schema, c.table, c.name): c.checked_domains for c in changes if c.cause == DETOUR_BACK}
    shaped = {("shaped", c.schema, c.name) for c in changes if _reshapes(c)}
    altered = set().union(*(d.makes for c, d in zip(changes, deps) if c.kind == "alter_domain" and c.cause is None))
    kept = set().union(*(d.removes for c, d in zip(changes, deps) if _reshapes(c)))  # (altered in place, not freed)
    out = []
    for c, d in zip(changes, deps):  # (the domain of a retype to text: its retype back's)
        held = {("held out", *k) for k in domains[(c.schema, c.table, c.name)]} if c.cause == DETOUR_OUT else set()
        if c.cause == DETOUR_OUT or _reshapes(c):  # (a composite given or losing attributes: before any move to text)
            d = Deps(d.makes | ({("shaped", c.schema, c.name)} if _reshapes(c) else set()), d.removes,
                     d.needs | shaped if c.cause == DETOUR_OUT else d.needs - altered,
                     d.frees - kept if c.cause == DETOUR_OUT else d.frees)  # (its attributes' domains altered in
            # place: they stand already, and those alters wait for the moves to text)
        checked = {("domain checked", *k) for k in c.checked_domains} if c.cause == DETOUR_BACK else set()
        if c.kind == "alter_domain" and c.cause is None:
            out.append(Deps(d.makes | {("domain checked", c.schema, c.name)}, d.removes,
                            d.needs | {("held out", c.schema, c.name)}, d.frees))
        else:
            out.append(Deps(d.makes | held, d.removes, d.needs | checked, d.frees))
    return out


def _reshapes(c: Change) -> bool:
    """An ALTER TYPE giving a composite type attributes or taking some (not their renames alone): a value's text has
    its new fields after it, so it runs while the columns holding the type hold it, before they are moved to text,
    whose text the move back reads as the new type (with fewer or more fields, 'malformed record literal')."""
    return c.kind == "alter_composite_type" and c.cause is None and \
        [a.name for a in c.old.attributes] != [a.name for a in c.new.attributes]  # type: ignore[union-attr]
