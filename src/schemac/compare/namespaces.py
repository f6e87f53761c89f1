"""Postgres schemas (namespaces): the access list and owner schema.yaml gives one (or Postgres's defaults),
COMMENT ON SCHEMA, and whether `public` exists, compared."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Namespace, Schema
from schemac.model.frozen import replace
from schemac.model.grants import PUBLIC_SCHEMA_DEFAULT


def namespace(model: Schema, name: str) -> Namespace:
    """The access list and owner of namespace `name` in `model`: as declared (or read), else Postgres's
    defaults (nothing for other roles; USAGE for PUBLIC on `public`, as initdb leaves it)."""
    for n in model.namespace_access:
        if n.name == name:
            return n
    return Namespace(name, PUBLIC_SCHEMA_DEFAULT if name == "public" else ())


def extension_schemas(model: Schema) -> set[str]:
    """The schemas of `model` an extension's script makes (`schemas: [{name, extension}]`): CREATE EXTENSION makes
    them and DROP EXTENSION drops them; a migration neither creates one nor drops it (Postgres refuses DROP SCHEMA of
    an extension's member), whatever objects of the database's own it holds or no longer holds."""
    return {n.name for n in model.namespace_access if n.extension is not None}


# initdb's comment on `public`, which the catalog reads as None (catalog.rows.commented_namespaces: public without
# a comment reads '').
PUBLIC_COMMENT = "standard public schema"


def schema_comments(current: Schema, desired: Schema) -> list[Change]:
    """COMMENT ON SCHEMA for each schema schema.yaml holds whose comment differs: one it does not give is none,
    as for every other kind ('' is none too). On `public` alone an absent comment is initdb's, and not compared
    where the database holds none or initdb's (a public schema created again has none); any other comment there
    is set back to initdb's."""
    out: list[Change] = []
    for name in sorted(set(desired.namespaces) | {n.name for n in desired.namespace_access} | {"public"}):
        want, was = namespace(desired, name), namespace(current, name)
        if name == "public":
            if want.comment == was.comment or (want.comment is None and was.comment in (None, "")):
                continue
            want = replace(want, comment=PUBLIC_COMMENT) if want.comment is None else want
        elif (want.comment or None) == (was.comment or None):
            continue
        out.append(Change("set_type_comment", name, "", name, was, want))
    return out


def public_schema_changes(current: Schema, desired: Schema) -> list[Change]:
    """`public` dropped where schema.yaml says it is absent (`schemas: [{name: public, absent: true}]`: plan.planner
    drops it only while it holds nothing, as sqlx's table may be there), made where the database lacks it."""
    if desired.public_absent and not current.public_absent:
        return [Change("drop_schema", "public", "", None, "public", None)]
    if current.public_absent and not desired.public_absent:
        return [Change("add_schema", "public", "", None, None, "public")]
    return []
