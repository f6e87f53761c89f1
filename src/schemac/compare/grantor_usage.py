"""A grant made by a role other than the owner (it holds the grant option) is made again as that role (plan.grants:
SET SESSION AUTHORIZATION), and so is the revoke of one; the role names the object, which takes USAGE on the
object's schema. A grantor that schema.yaml gives no USAGE there (it lost it after granting: REVOKE USAGE ON SCHEMA
app FROM editor), or on the schema of a routine's argument type (`f(types.e)`), cannot, and Postgres refuses the statement ("permission denied for schema app"): such a grantor
is lent USAGE around its statements, where it lacks it when they run (`Holding.lent`, plan.grants.as_grantor).
Where schema.yaml gives it (or PUBLIC) USAGE there, its statements wait for that grant instead (the graph's
("usage", schema, role) key: Holding.grantor_keys)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.namespaces import namespace
from schemac.model import Namespace, Schema
from schemac.model.frozen import replace
from schemac.model.grants import PUBLIC


def lent_usage(changes: list[Change], desired: Schema) -> list[Change]:
    """`changes`, each grant or revoke made by a grantor that `desired` gives no USAGE on the object's schema
    marked so (`lent`)."""
    return [_marked(c, desired) if c.kind in ("grant", "revoke") else c for c in changes]


def _marked(c: Change, desired: Schema) -> Change:
    grantors = sorted({p.grantor for h in (c.old, c.new) for p in h.entries if p.grantor})  # type: ignore[union-attr]
    if not grantors:
        return c
    lent = tuple((r, schema) for schema in c.new.schemas_named() for r in _lacking(namespace(desired, schema), grantors))  # type: ignore[union-attr]
    return replace(c, new=replace(c.new, lent=lent)) if lent else c


def _lacking(ns: Namespace, roles: list[str]) -> list[str]:
    """`roles` that `ns`, as schema.yaml has it, gives no USAGE (nor PUBLIC) and that do not own it."""
    using = {p.grantee for p in ns.grants if p.privilege in ("USAGE", "ALL") and p.column is None} | {ns.owner}
    return [] if PUBLIC in using else [r for r in roles if r not in using]
