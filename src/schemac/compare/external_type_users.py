"""What a migration makes of a type schema.yaml lists under external_types (a base type, whose I/O functions are C or
`LANGUAGE internal` and which schemac does not make; a type of a schema it does not cover): a domain over it, a
composite type's attribute, a table's column, a function's argument or result. The migration applies only to a database that has the type already:
on an empty one (generate --verify, diff without a database, a fresh environment) Postgres answers `type "b.int42"
does not exist` (probe29b's kinds fixture: base types under a domain, a composite type and a table). generate says so
once per object, as it does of a view over a relation it does not manage."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Schema
from schemac.pg.knowntypes import base_name, extension_of, external_types_of
from schemac.pg.types import type_name


def _types_of(c: Change) -> list[tuple[str, str]]:
    """(what, type) of what change `c` makes that names a type."""
    new = c.new
    if c.kind == "add_domain":
        return [(f"domain {new.schema}.{new.name}", new.type)]  # type: ignore[union-attr]
    if c.kind in ("add_composite_type", "alter_composite_type"):
        return [(f"composite type {new.schema}.{new.name}", a.type) for a in new.attributes]  # type: ignore[union-attr]
    if c.kind == "add_table":
        return [(f"table {new.schema}.{new.name}", col.type) for col in new.columns]  # type: ignore[union-attr]
    if c.kind in ("add_column", "alter_column_type"):
        return [(f"column {c.schema}.{c.table}.{c.name}", new.type)]  # type: ignore[union-attr]
    if c.kind == "add_function" and hasattr(new, "arguments"):  # (an argument of hstore: 'type hstore does not exist')
        what = f"function {new.schema}.{new.name}"  # type: ignore[union-attr]
        returns = (new.returns or "").removeprefix("SETOF ")  # type: ignore[union-attr]
        return [(what, a.type) for a in new.arguments] + \
            ([(what, returns)] if returns and not returns.startswith("TABLE(") else [])  # type: ignore[union-attr]
    return []


def external_type_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per object a change makes of a type `external_types` lists."""
    if not desired.external_types:
        return []
    listed = {type_name(t): t for t in desired.external_types}
    out: dict[str, str] = {}
    for c in changes:
        for what, spelled in _types_of(c):
            t = listed.get(type_name(spelled))
            if t is not None and what not in out:
                source = getattr(c.new, "source", None) or c.source
                out[what] = (f"{source or what}: {what} uses type {t}, which external_types: lists (schemac does not "
                             "make it: a base type, whose I/O functions are C or internal, or another schema's): the "
                             "migration applies only to a "
                             f"database that has {t} already, not to an empty one (generate --verify, diff without a "
                             "database)" + _way_out(t, desired))
    return list(out.values())


def _way_out(t: str, desired: Schema) -> str:
    """Where `t` is a type of an extension `desired` does not declare (inspect --exclude left it out): declare it."""
    ext = extension_of(base_name(t)[1])
    return f"; it is extension {ext}'s: declare extension {ext} under extensions:" if ext is not None and \
        ext not in {e.name for e in desired.extensions} else ""


def extension_type_warnings(schema: Schema) -> list[str]:
    """`inspect`'s: one per type it lists under external_types that is a type of an extension the file does not declare
    (`inspect --exclude extension:citext` over a citext column): the migration making what uses it applies only to a
    database that has the extension already."""
    declared = {e.name for e in schema.extensions}
    out = []
    for t in external_types_of(schema):
        ext = extension_of(base_name(t)[1])
        if ext is not None and ext not in declared:
            out.append(f"type {t} is extension {ext}'s, which the file does not declare: it is listed under "
                       "external_types:, and a migration making what uses it applies only to a database that has it "
                       f"already, not to an empty one (generate --verify, diff without a database); declare extension "
                       f"{ext} under extensions:")
    return out
