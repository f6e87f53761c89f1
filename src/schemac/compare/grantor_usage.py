"""A grant made by a role other than the owner (it holds the grant option) is made again as that role (plan.grants:
SET SESSION AUTHORIZATION), and so is the revoke of one; the role names the object, which takes USAGE on the
object's schema. A grantor that schema.yaml gives no USAGE there (it lost it after granting: REVOKE USAGE ON SCHEMA
app FROM editor) cannot, and Postgres refuses the statement ("permission denied for schema app"): such a grantor
is lent USAGE around its statements, where it lacks it when they run (`Holding.lent`, plan.grants.as_grantor).
Where schema.yaml gives it (or PUBLIC) USAGE there, its statements wait for that grant instead (the graph's
("usage", schema, role) key: Holding.grantor_keys)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.namespaces import namespace
from schemac.model import Schema
from schemac.model.frozen import replace
from schemac.model.grants import PUBLIC


def lent_usage(changes: list[Change], desired: Schema) -> list[Change]:
    """`changes`, each grant or revoke made by a grantor that `desired` gives no USAGE on the object's schema
    marked so (`lent`)."""
    return [_marked(c, desired) if c.kind in ("grant", "revoke") else c for c in changes]


def _marked(c: Change, desired: Schema) -> Change:
    schema = c.new.named_in  # type: ignore[union-attr]
    grantors = sorted({p.grantor for h in (c.old, c.new) for p in h.entries if p.grantor})  # type: ignore[union-attr]
    if schema is None or not grantors:
        return c
    ns = namespace(desired, schema)
    using = {p.grantee for p in ns.grants if p.privilege in ("USAGE", "ALL") and p.column is None} | {ns.owner}
    lent = tuple(r for r in grantors if r not in using) if PUBLIC not in using else ()
    return replace(c, new=replace(c.new, lent=lent)) if lent else c

