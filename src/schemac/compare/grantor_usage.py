"""A grant made by a role other than the owner (it holds the grant option) is made again as that role (plan.grants:
SET SESSION AUTHORIZATION), and so is the revoke of one; the role names the object, which takes USAGE on the
object's schema. A grantor that schema.yaml gives no USAGE there (it lost it after granting: REVOKE USAGE ON SCHEMA
app FROM editor), or on the schema of a routine's argument type (`f(types.e)`), cannot, and Postgres refuses the statement ("permission denied for schema app"): such a grantor
is lent USAGE around its statements, where it lacks it when they run (`Holding.lent`, plan.grants.as_grantor).
Where schema.yaml gives it (or PUBLIC) USAGE there, its statements wait for that grant instead (the graph's
("usage", schema, role) key: Holding.grantor_keys). PUBLIC's USAGE on a `public` schema.yaml does not declare is
presumed, not held (a database may lack it): a grantor is lent USAGE there too."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.namespaces import namespace
from schemac.model import Namespace, Schema
from schemac.model.frozen import replace
from schemac.model.grants import PUBLIC


def lent_usage(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes`, each grant or revoke made by a grantor that may lack USAGE on a schema it names when it runs marked
    so (`lent`): where `desired` or `current` (a schema the database has) gives it none. The graph orders a grantor's
    statements after a USAGE the migration grants it and before one it takes away, but not around the other changes
    that may leave it without: a REVOKE of what it granted before it lost USAGE runs while it still lacks it, and a
    schema it owns given to another role (ALTER SCHEMA ... OWNER TO) takes its owner's USAGE with it."""
    return [_marked(c, current, desired) if c.kind in ("grant", "revoke") else c for c in changes]


def _marked(c: Change, current: Schema, desired: Schema) -> Change:
    grantors = sorted({p.grantor for h in (c.old, c.new) for p in h.entries if p.grantor} |  # type: ignore[union-attr]
                      _chain_grantors(c))
    if not grantors:
        return c
    existing = set(current.namespaces) | {"public"}
    lent = tuple((r, schema) for schema in c.new.schemas_named()  # type: ignore[union-attr]
                 for r in _lacking([_held(desired, schema)] + ([_held(current, schema)] if schema in existing else []),
                                   grantors))
    return replace(c, new=replace(c.new, lent=lent)) if lent else c


def _chain_grantors(c: Change) -> set[str]:
    """The grantors of column privileges on a revoke's object: a table-wide REVOKE that takes a column option they
    hold has them revoke and grant again what they gave on it (plan.grants._column_chain)."""
    if c.kind != "revoke":
        return set()
    return {p.grantor for p in getattr(c.new.obj, "grants", ()) if p.grantor and p.column}  # type: ignore[union-attr]


def _held(model: Schema, name: str) -> Namespace:
    """Namespace `name` as `model` holds it to: a `public` schema.yaml does not declare is not held to PUBLIC's USAGE
    (compare.grants: what such a schema lacks is no drift; REVOKE USAGE ON SCHEMA public FROM PUBLIC, or public dropped
    and created again, leave a database without it)."""
    ns = namespace(model, name)
    return ns if name != "public" or any(n.name == name for n in model.namespace_access) else replace(ns, grants=())


def _lacking(sides: list[Namespace], roles: list[str]) -> list[str]:
    """`roles` that one of `sides` (a schema as schema.yaml has it, as the database has it) gives no USAGE (nor
    PUBLIC). An owner holds it, by ownership or its own entries, only where it owns the schema on every side (ALTER
    SCHEMA ... OWNER TO hands the old owner's entries to the new one, and the grantor's statements may run after it)
    and has not revoked its own USAGE."""
    owners = {ns.owner for ns in sides}
    kept = owners.pop() if len(owners) == 1 else None

    def uses(ns: Namespace, r: str) -> bool:
        held = {p.grantee for p in ns.grants if p.privilege in ("USAGE", "ALL") and p.column is None}
        if r != ns.owner:
            return r in held or PUBLIC in held
        # an owner holds its defaults unless its own entries are listed (REVOKE USAGE ON SCHEMA s FROM its owner)
        return PUBLIC in held or r == kept and (r in held or not any(p.grantee == r for p in ns.grants))

    return [r for r in roles if not all(uses(ns, r) for ns in sides)]
