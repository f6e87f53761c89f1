"""A column of a composite type made again whose attribute is of a domain made again over another base type that
PostGIS or pgvector refuse every value of (an SRID, shape or dimensions changed: GeoNature's geom_local, probe51a).

The column is retyped to the new composite through text (ENUM_REBUILT), whose cast reads each attribute's value as
the domain's new base type: PostGIS refuses every non-NULL one ('Geometry SRID (2154) does not match column SRID
(3857)'), as it does a column of the domain (plan.held_values.refused_values), and takes NULLs. So the retype is
marked with those attributes (`Change.refused_attributes`: the path to each, through nested composites, its domain
and both base types), which plan.held_values guards like such a column: a look at the rows raising, naming the
column, the attribute and its domain, where one holds a value; and plan.hazards warns of it at generate.
"""

from __future__ import annotations

from schemac.compare.changes import ENUM_REBUILT, Change
from schemac.compare.types import base_type, keyed_domains
from schemac.model import Schema
from schemac.model.frozen import replace
from schemac.pg import pgvector
from schemac.pg.types import type_name


def rebased_attributes(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each composite column's retype through a composite made again marked with the attributes of
    such a domain (refused_attributes: (path, domain, old base, new base, the column's composite type)); the path
    goes through nested composites and arrays of them (name[]: each element), at any depth."""
    if not any(c.kind == "alter_column_type" and c.cause == ENUM_REBUILT for c in changes):
        return changes
    below, above = keyed_domains(current), keyed_domains(desired)
    rebased = {k: (base_type(below[k].type, below), base_type(d.type, above)) for k, d in above.items() if k in below}
    rebased = {k: v for k, v in rebased.items() if pgvector.values_refused("", *v)}
    if not rebased:
        return changes
    was = {(t.schema, t.name): t for t in current.composite_types}
    will = {(t.schema, t.name): t for t in desired.composite_types}

    def walk(old: str, new: str, path: tuple, seen: frozenset) -> list[tuple]:
        a, b = type_name(base_type(old, below)), type_name(base_type(new, above))
        if a != b or b not in was or b not in will or b in seen or base_type(new, above).endswith("]"):
            return []
        out = []
        olds = {x.name: x.type for x in was[b].attributes}
        for x in will[b].attributes:
            if x.name not in olds or type_name(olds[x.name]) != type_name(x.type):
                continue
            key, inner = type_name(x.type), base_type(x.type, above)
            if key in rebased:  # (an array of the domain: its path's last name marked name[], its elements looked at)
                out.append((path + (x.name + "[]" * x.type.endswith("]"),), ".".join(key), *rebased[key]))
            elif inner.endswith("]"):  # an array of composites (or a domain over one): name[], each element walked
                out += walk(base_type(olds[x.name], below).removesuffix("[]"), inner.removesuffix("[]"),
                            path + (x.name + "[]",), seen | {b})
            else:
                out += walk(olds[x.name], x.type, path + (x.name,), seen | {b})
        return out

    def marked(c: Change) -> Change:
        if c.kind != "alter_column_type" or c.cause != ENUM_REBUILT:
            return c
        old, new = c.old.type.removesuffix("[]"), c.new.type.removesuffix("[]")  # type: ignore[union-attr]
        found = walk(old, new, (), frozenset())
        top = ".".join(type_name(base_type(new, above)))  # (the column's type may be a domain over it)
        return replace(c, refused_attributes=tuple((*f, top) for f in found)) if found else c

    return [marked(c) for c in changes]
