"""What a schema not read now holds on a managed object that schema.yaml's `used_outside:` does not list.

generate works from schema.yaml and its record alone: it refuses a change Postgres would refuse under what
`used_outside:` lists (compare.outside_users, outside_types) and says what reaches a child there
(compare.outside_children), but a view, trigger, policy, child table or partition made in another schema after
`inspect -n` is in neither, so generate writes the DROP Postgres refuses, or the DROP TABLE that takes a partition there
with its rows. `diff` reads the database: it says, per object, what the database has that the list lacks."""

from __future__ import annotations

from schemac.model import Schema

# The kinds that carry used_outside, with how a report names one.
_KINDS = (("tables", "table"), ("views", None), ("functions", "function"), ("sequences", "sequence"),
          ("enums", "enum"), ("domains", "domain"), ("composite_types", "composite type"),
          ("range_types", "range type"))


def _key(o) -> tuple:
    return (o.schema, o.name, getattr(o, "identity", ()))


def unrecorded_outside(actual: Schema, desired: Schema) -> list[str]:
    """One notice per object of `desired` (schema.yaml) whose used_outside lacks an entry the database's has."""
    out = []
    for field, label in _KINDS:
        held = {_key(o): o for o in getattr(actual, field) if o.used_outside}
        if not held:
            continue
        for o in getattr(desired, field):
            there = held.get(_key(o))
            missing = [u for u in there.used_outside if u not in o.used_outside] if there is not None else []
            if not missing:
                continue
            named = o.signature if field == "functions" else o.name
            where = f"{o.source}: " if getattr(o, "source", None) else ""
            out.append(f"{where}{label or o.what} {o.schema}.{named}: the database has {'; '.join(missing)} of a "
                       "schema schema.yaml does not cover depending on it, which its used_outside: lacks, so generate "
                       "cannot refuse a change Postgres refuses under them (or that drops a partition there with its "
                       "rows), nor say what reaches them: add them to used_outside: (inspect -n writes them)")
    return out
