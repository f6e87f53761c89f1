"""The warning that a range type's constructors' access list is the bootstrap superuser's to change.

CREATE TYPE ... AS RANGE makes its constructor functions (`r(lower, upper)`, `r(lower, upper, bounds)` and its
multirange's three) owned by the bootstrap superuser, whoever creates the type (makeRangeConstructors). A GRANT or
REVOKE on them by any other role, the type's owner too, is no error: Postgres only warns ('no privileges could be
revoked') and changes nothing, so a migration run by a database's non-superuser owner applies and leaves the access
list schema.yaml no longer has, drift that `diff` reports. Their ALTER FUNCTION ... RENAME TO / SET SCHEMA, which a
range renamed or moved (or its multirange renamed) needs, is refused outright to any other role ('must be owner of
function'). `generate` cannot know which role will run the migration: it says so at the range's line, once per range.
"""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model.types import Constructor, RangeType
from schemac.plan.type_ddl import move_type


def constructor_grant_notices(changes: list[Change]) -> list[str]:
    """One warning per range type whose constructors the migration grants or revokes on (see the module's
    docstring), naming them."""
    named: dict[tuple[str, str], list[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for c in changes:
        obj = getattr(c.new, "obj", None)
        if c.kind not in ("grant", "revoke") or not isinstance(obj, Constructor):
            continue
        key = (obj.schema, obj.range)
        if obj.signature not in named.setdefault(key, []):
            named[key].append(obj.signature)
        where.setdefault(key, str(c.source or c.path))
    return [f"warning: {where[k]}: range type {k[0]}.{k[1]}'s constructors {', '.join(v)} are given a new access list: "
            "Postgres makes them the bootstrap superuser's whoever creates the type, so only a superuser's GRANT or "
            "REVOKE changes it (any other role's, the type's owner's too, is a warning of Postgres and changes "
            "nothing: run this migration as a superuser)" for k, v in named.items()]


def constructor_move_notices(changes: list[Change]) -> list[str]:
    """A warning for each range type whose move or rename (its multirange's too) renames or moves its constructors
    (plan.type_ddl.move_type's ALTER FUNCTION): only a superuser may (see the module's docstring)."""
    return [f"warning: {c.source or c.path}: range type {c.new.schema}.{c.new.name}'s constructors are renamed or "
            "moved with it (ALTER FUNCTION): Postgres makes them the bootstrap superuser's whoever creates the type, "
            "so only a superuser may (any other role's migration, the type's owner's too, fails 'must be owner of "
            "function': run this migration as a superuser)"
            for c in changes if c.kind == "rename_type" and isinstance(c.new, RangeType)
            and any(s.sql().startswith("ALTER FUNCTION") for s in move_type(c.old, c.new))]  # type: ignore[arg-type]
