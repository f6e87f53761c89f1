"""What CREATE EXTENSION may make that schema.yaml holds outside the extension: an object its script made and that was
detached from it since (ALTER EXTENSION citext DROP FUNCTION regexp_replace(citext, citext, text), often to change
it), which the database holds as any other and schema.yaml declares as one of its kinds. A database made from
schema.yaml would get it twice: from the script, then from the migration's CREATE (Postgres refuses: "function ...
already exists"). Postgres keeps no record of what was detached, and the script's contents are on the server only:
the migration that creates the extension lists every function, aggregate, operator, view, table, sequence and type it
makes in the extension's schema, and takes out of the extension and drops, right after CREATE EXTENSION, those the script made
(plan/detached_ddl.py), so that they are made as schema.yaml says."""

from __future__ import annotations

from schemac.model import Extension, Schema


def taken_objects(e: Extension, current: Schema, desired: Schema) -> tuple:
    """The functions (and procedures), aggregates, operators, views, tables, sequences and types (enums, domains,
    composite and range types) `desired` holds in the schema `e` is created in (public where schema.yaml does not
    say) and `current` lacks: the migration makes them after the extension."""
    schema = e.schema or "public"
    out: list = []
    for kind in ("functions", "aggregates", "operators"):
        have = {(o.schema, o.name, o.identity) for o in getattr(current, kind)}
        out += [o for o in getattr(desired, kind) if o.schema == schema and (o.schema, o.name, o.identity) not in have]
    for kind in ("views", "tables", "sequences", "enums", "domains", "composite_types", "range_types"):
        have_named = {(o.schema, o.name) for o in getattr(current, kind)}
        out += [o for o in getattr(desired, kind) if o.schema == schema and (o.schema, o.name) not in have_named]
    return tuple(out)
