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
    out = []
    for c, d in zip(changes, deps):  # (the domain of a retype to text: its retype back's)
        held = {("held out", *k) for k in domains[(c.schema, c.table, c.name)]} if c.cause == DETOUR_OUT else set()
        checked = {("domain checked", *k) for k in c.checked_domains} if c.cause == DETOUR_BACK else set()
        if c.kind == "alter_domain" and c.cause is None:
            out.append(Deps(d.makes | {("domain checked", c.schema, c.name)}, d.removes,
                            d.needs | {("held out", c.schema, c.name)}, d.frees))
        else:
            out.append(Deps(d.makes | held, d.removes, d.needs | checked, d.frees))
    return out
