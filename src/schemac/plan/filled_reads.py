"""A view or table the plan gives its owner (a new one, one whose owner schema.yaml pins now, or one another role owns
already), read by a materialized view the plan populates (CREATE ... WITH DATA, or the REFRESH after one made WITH
NO DATA): its ALTER ... OWNER TO after that. The query reads a view with the view's owner's rights, and
schema.yaml's owner need not read what the view reads: Postgres accepts the state once the materialized view is made
(its next REFRESH fails, as pg_dump's restore does), while the owner set first failed the CREATE ('permission denied
for table t'); the owner it has as the migration starts (the migration's role, or the role owning it in a database
where it could be read) reads it. Not where another role owns it and the plan grants a privilege on what the query
reads to any role but that one: schema.yaml's owner may be the only one of the two who can (granted it, or a member
of the grantee: a membership granted outside the migration, which generate never sees). So is a SECURITY DEFINER
function it calls (directly, or through those views and functions), which runs as its owner; and a privilege the
plan revokes on what the query reads (the rights the query may be read with until it is filled)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.given_back import MIGRATION_ROLE
from schemac.model import Function, View
from schemac.plan.dependencies import Deps
from schemac.plan.keys import refs_of
from schemac.plan.populate import DEFERRED, fills_late, reached_by, view_created, views_functions_made

__all__ = ["owners_after_fills"]


def owners_after_fills(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` with each such set_owner and revoke needing the ("filled", schema, name) key of the materialized views
    that read its object, directly or through views the plan creates or changes the owner or privileges of."""
    owners = [i for i, c in enumerate(changes) if c.kind in ("set_owner", "revoke")]
    deferred = {(c.schema, c.name) for c in changes if c.kind == "refresh_view" and c.cause == DEFERRED}
    fills = [i for i, c in enumerate(changes if owners else ()) if isinstance(c.new, View) and c.new.materialized and
             c.new.with_data and (fills_late(c) or (view_created(c) and (c.schema, c.name) not in deferred))]
    if not fills:
        return out
    views, functions = views_functions_made(changes)
    # and the views kept whose owner or privileges the plan changes: what they read is read through them
    views = {**{(o.schema, o.name): o for j in owners if isinstance(o := changes[j].new.obj, View)}, **views}  # type: ignore
    granted: dict[tuple, set[str]] = {}  # what the plan grants, by relation or function: to whom
    for c in changes:
        for k in c.new.keys() if c.kind == "grant" else ():  # type: ignore[union-attr]
            granted.setdefault(k[1:3], set()).add(c.new.grantee)  # type: ignore[union-attr]
    out = list(out)
    for i in fills:
        v = changes[i].new
        refs = [k for x in [v, *(y for y in reached_by(v, views, functions) if isinstance(y, (View, Function)))]
                for k in refs_of(None, x)]  # type: ignore[arg-type]
        read = {k[1:3] for k in refs if k[0] in ("table", "function")} - {(v.schema, v.name)}  # type: ignore[union-attr]
        runs_as = _opaque_definers(changes, owners, {k[1:3] for k in refs if k[0] == "function"})
        key = ("filled", v.schema, v.name)  # type: ignore[union-attr]
        d = out[i]
        out[i] = Deps(d.makes | {key}, d.removes, d.needs, d.frees)
        for j in owners:
            was = getattr(changes[j].old, "grantee", None)
            if changes[j].kind == "set_owner" and was not in ("", MIGRATION_ROLE) \
                    and any(granted.get(r, set()) - {was} for r in read):
                continue  # another role's, the plan granting what the query reads to another: the new one reads it
            if any(k[0] in ("table", "function") and k[1:3] in read and _runs_as_owner(changes[j], k[0])
                   for k in changes[j].new.keys()) or \
                    getattr(changes[j].old if changes[j].kind == "set_owner" else changes[j].new, "grantee", None) \
                    in runs_as and any(k[0] == "table" for k in changes[j].new.keys()):  # type: ignore[union-attr]
                for g in [j, *(_grants_after(changes, j) if changes[j].kind == "revoke" else ())]:
                    d = out[g]
                    out[g] = Deps(d.makes, d.removes, d.needs | {key}, d.frees)
    return out


def _grants_after(changes: list[Change], j: int) -> list[int]:
    """The grants of revoke `j`'s grantee on its object of a privilege it takes, which follow it there: a REVOKE ALL taking the list an owner
    change handed on, then the GRANT of what schema.yaml keeps of it; moved after the fill alone, the revoke took
    the grant's privileges too (prop57: 'role schemac_prop_r1 lacks SELECT, UPDATE on table public.t2')."""
    r = changes[j].new
    return [g for g, c in enumerate(changes) if c.kind == "grant" and c.new.grantee == r.grantee  # type: ignore
            and c.new.on == r.on and _object_keys(c.new) == _object_keys(r) and any(  # type: ignore[union-attr]
                x.privilege == y.privilege and x.column in (None, y.column)  # (a table's REVOKE takes its columns')
                for x in r.entries for y in c.new.entries)]  # type: ignore[union-attr]


def _object_keys(h: object) -> set:
    return {k for k in h.keys() if k[0] != "column"}  # type: ignore[attr-defined]


def _opaque_definers(changes: list[Change], owners: list[int], called: set) -> set:
    """The old owners of the SECURITY DEFINER functions among `called` whose owner the plan changes and whose body is
    no SQL-standard one (what it reads is not known): the fill runs each as that owner, who must own still the tables
    it owned and hold what it held on tables (their owner changes, and those privileges' revokes, after the fill too;
    prop56: 'permission denied for table td')."""
    return {changes[j].old.grantee for j in owners if changes[j].kind == "set_owner" and  # type: ignore[union-attr]
            isinstance(o := changes[j].new.obj, Function) and o.security_definer and  # type: ignore[union-attr]
            not o.standard_body and (o.schema, o.name) in called and changes[j].old is not None}


def _runs_as_owner(c: Change, kind: str) -> bool:
    """Whether the object of set_owner `c` (a relation, or a function: `kind`) is read with its owner's rights: a
    view or table, or a SECURITY DEFINER function; any a revoke `c` takes a privilege on."""
    return c.kind == "revoke" or kind == "table" or getattr(c.new.obj, "security_definer", False)  # type: ignore
