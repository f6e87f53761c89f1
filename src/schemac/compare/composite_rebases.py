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
from schemac.compare.retype_casts import made_of, type_parts
from schemac.compare.types import base_type, keyed_domains
from schemac.model import Schema
from schemac.model.frozen import replace
from schemac.pg import pgvector
from schemac.pg.types import type_name


BOUNDS = "lower/upper"  # (a path's step into a range's bounds; a multirange's ranges are a step "ranges[]" before it)


def said(path: tuple, kind: str) -> str:
    """The attribute at `path` of a value of `kind` (a composite, range or multirange type), for messages: "composite
    type's attribute hits[].e", "range type's bound", "multirange type's ranges[].lower/upper.e"."""
    shown = ".".join(path)
    return f"{kind}'s bound" if kind == "range type" and path == (BOUNDS,) else f"{kind}'s attribute {shown}" \
        if kind == "composite type" else f"{kind}'s {shown}"


def _ranges(schema: Schema) -> dict:
    """(schema, name) of each range type -> (its subtype, the steps to a range: () for it, ("ranges[]",) for its
    multirange, its subtype)."""
    out = {}
    for r in schema.range_types:
        out[(r.schema, r.name)] = (r.subtype, (), r.subtype)
        out[r.multirange_key] = (r.subtype, ("ranges[]",), r.subtype)
    return out


def rebased_attributes(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each composite column's retype through a composite made again marked with the attributes of
    such a domain (refused_attributes: (path, domain, old base, new base, (kind, name) of the column's composite,
    range or multirange type)); the path goes through nested composites, arrays of them (name[]: each element) and
    ranges (BOUNDS: each bound; a multirange's ranges[] first), at any depth."""
    if not any(c.kind == "alter_column_type" and c.cause == ENUM_REBUILT for c in changes):
        return changes
    changes = checked_domains(changes, current, desired)
    walk, spans = _walker(current, desired)
    if walk is None:
        return changes

    def marked(c: Change) -> Change:
        if c.kind != "alter_column_type" or c.cause != ENUM_REBUILT:
            return c
        old, new = c.old.type.removesuffix("[]"), c.new.type.removesuffix("[]")  # type: ignore[union-attr]
        found = walk(old, new, (), frozenset())
        key = type_name(base_type(new, keyed_domains(desired)))  # (the column's type may be a domain over it)
        top = ("range type" if key in spans and not spans[key][1] else "multirange type" if key in spans
               else "composite type", ".".join(key))
        return replace(c, refused_attributes=tuple((*f, top) for f in found)) if found else c

    return [marked(c) for c in changes]


def rebased_bounds(objects: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`objects` with each range type set aside over a composite type (an alter_range_type, cause ENUM_REBUILT, no
    domain's bases of its own) where no enum under it is made again (whose removed or reordered values its bounds may
    not survive) marked with what is made again under it, as its columns' retypes are (plan.range_hazards judges it
    by them, as it does a range over a domain): the bases of each domain made over another base type
    (`rebased_domains`, by name, those PostGIS or pgvector refuse every value of last, which plan.range_hazards judges;
    `from_base`, `rebased`: the first's), the attributes of its bounds of a domain PostGIS or pgvector refuse every value of
    (refused_attributes) and the domains whose CHECKs or NOT NULL change (checked_domains), both guarded at the
    columns' retypes (plan.held_values), and the composites' attributes retyped (retyped_attributes: their own hazard,
    plan.type_ddl.attributes_lost)."""
    if not any(c.kind == "alter_range_type" and c.cause == ENUM_REBUILT and not c.rebased for c in objects):
        return objects
    walk, _ = _walker(current, desired)
    enums = {(e.schema, e.name): e for e in desired.enums}
    remade = {(e.schema, e.name) for e in current.enums if enums.get((e.schema, e.name), e).values != e.values}
    below, above = keyed_domains(current), keyed_domains(desired)
    out = []
    for c in objects:
        if c.kind != "alter_range_type" or c.cause != ENUM_REBUILT or c.rebased or \
                (under := _under(current, c.old.subtype)) & remade:  # type: ignore[union-attr]
            out.append(c)
            continue
        found = walk(c.old.subtype, c.new.subtype, (BOUNDS,), frozenset()) if walk is not None else ()  # type: ignore
        bases = sorted(((k, base_type(below[k].type, below), base_type(above[k].type, above)) for k in under
                        if k in below and k in above and below[k].type != above[k].type),
                       key=lambda b: (bool(pgvector.values_refused("", b[1], b[2])), b[0]))  # (one guarded last)
        out.append(replace(c, refused_attributes=tuple((*f, ("range type", f"{c.schema}.{c.name}")) for f in found),
                           checked_domains=tuple(sorted(checked(current, desired) & under)),
                           retyped_attributes=_retyped(current, desired, under),
                           rebased_domains=tuple((".".join(k), was, will) for k, was, will in bases),
                           **(dict(from_base=bases[0][1], rebased=bases[0][2]) if bases else {})))
    return out


def _retyped(current: Schema, desired: Schema, under: set) -> tuple:
    """"schema.type.attribute" of each attribute of a composite type of `under` kept that `desired` retypes (the
    composite is set aside and made again: compare.range_holders; its own hazard judges the retype), sorted."""
    will = {(t.schema, t.name): {a.name: a.type for a in t.attributes} for t in desired.composite_types}
    return tuple(sorted(f"{t.schema}.{t.name}.{a.name}" for t in current.composite_types if (t.schema, t.name) in under
                        for a in t.attributes if will.get((t.schema, t.name), {}).get(a.name, a.type) != a.type))


def checked_domains(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each retype through text (cause ENUM_REBUILT) of a column whose new type holds, below it, a domain
    (or is one: one set aside, its column retyped too) whose CHECKs or NOT NULL change marked with those domains
    (Change.checked_domains): the cast checks each value held there ('value for domain pos violates check constraint
    "pos_check"', naming no column)."""
    changed = checked(current, desired)
    if not changed:
        return changes
    return [replace(c, checked_domains=tuple(sorted(held))) if c.kind == "alter_column_type" and c.cause == ENUM_REBUILT
            and (held := _under(desired, c.new.type) & changed)  # type: ignore[union-attr]
            else c for c in changes]


def checked(current: Schema, desired: Schema) -> set:
    """(schema, name) of the domains kept whose CHECKs or NOT NULL change."""
    was = {(d.schema, d.name): d for d in current.domains}
    return {(d.schema, d.name) for d in desired.domains if (d.schema, d.name) in was and
            ({c.expression for c in d.checks}, d.not_null) !=
            ({c.expression for c in was[(d.schema, d.name)].checks}, was[(d.schema, d.name)].not_null)}


def _under(schema: Schema, type_text: str) -> set:
    """The types type `type_text` stands on, at any depth, and its own (schema, name): a domain's base, a composite's
    attributes, a range's subtype (compare.retype_casts.made_of; not a multirange's range, as these walks were
    written)."""
    return {type_name(type_text)} | {type_name(t) for t in made_of(type_text, type_parts(schema, multiranges=False))}


def _walker(current: Schema, desired: Schema):
    """The walk of rebased_attributes over (old type, new type, path, seen) -> (path, domain, old base, new base) of
    each attribute of a domain made again over a base PostGIS or pgvector refuse every value of; and the range and
    multirange types of `desired` (_ranges). (None, {}) where no such domain is."""
    below, above = keyed_domains(current), keyed_domains(desired)
    rebased = {k: (base_type(below[k].type, below), base_type(d.type, above)) for k, d in above.items() if k in below}
    rebased = {k: v for k, v in rebased.items() if pgvector.values_refused("", *v)}
    if not rebased:
        return None, {}
    was = {(t.schema, t.name): t for t in current.composite_types}
    will = {(t.schema, t.name): t for t in desired.composite_types}
    spans = [_ranges(current), _ranges(desired)]  # (range and multirange types: their bounds hold the values)

    def walk(old: str, new: str, path: tuple, seen: frozenset) -> list[tuple]:
        a, b = type_name(base_type(old, below)), type_name(base_type(new, above))
        if a != b or b in seen or base_type(new, above).endswith("]"):
            return []
        if b in spans[0] and b in spans[1] and type_name(spans[0][b][0]) == type_name(spans[1][b][0]):  # (a range of the domain, or of a
            # composite holding it: its bounds, each range's of a multirange)
            sub, steps = spans[1][b][0], path + spans[1][b][1] + (BOUNDS,)
            key = type_name(sub)
            return [(steps, ".".join(key), *rebased[key])] if key in rebased else \
                walk(spans[0][b][2], sub, steps, seen | {b})
        if b not in was or b not in will:
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

    return walk, spans[1]
