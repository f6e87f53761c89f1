"""Which cast a column retype takes where a type of the schema's own is on a side, or schema.yaml declares one.

Postgres has no pg_cast row for an enum, a composite, range or multirange type of a user's (but a range's to its
multirange, which CREATE TYPE ... AS RANGE makes): only the I/O conversion to and from the string types
(pg.casts.converts_own). A retype between one and another type takes a cast the schema declares (`casts:`, CREATE
CAST: found, as Postgres finds it, between the domains' base types), else it is marked with the kinds of its
sides, for plan.hazards to refuse it where no cast exists (rather than write a cast through text that fails on
the rows) and the planner to cast the rest through text.
"""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.compare.changes import ENUM_REBUILT, Change
from schemac.compare.types import base_type, keyed_domains
from schemac.model import Schema
from schemac.pg.casts import base_and_dims
from schemac.pg.names import qualified
from schemac.pg.range_casts import MULTIRANGES, RANGES, bounds_route, range_of, subtype_text_reads
from schemac.pg.types import type_name


def type_kinds(schema: Schema) -> dict[tuple[str, str], str]:
    """The types of `schema`'s own whose casts Postgres does not have, by (schema, name): their kind's name."""
    kinds = {(e.schema, e.name): "enum" for e in schema.enums}
    kinds.update({(c.schema, c.name): "composite type" for c in schema.composite_types})
    for r in schema.range_types:
        kinds[(r.schema, r.name)] = "range type"
        kinds[r.multirange_key] = "multirange type"
    return kinds


def _subtypes(schema: Schema) -> dict[tuple[str, str], str]:
    """The subtype of each range and multirange type of `schema`'s own, by (schema, name)."""
    out = {(r.schema, r.name): base_and_dims(r.subtype)[0] for r in schema.range_types}
    out.update({r.multirange_key: base_and_dims(r.subtype)[0] for r in schema.range_types})
    return out


def _as_builtin_range(kind: str, builtin: str, subtype: str, into_own: bool) -> str:
    """`kind` where `builtin` (a type of Postgres's own, array brackets taken off) is a range (multirange) type whose
    subtype's text reads as `subtype` (or, not `into_own`, `subtype`'s as its: pg.range_casts.subtype_text_reads) and
    `kind` that of a range (multirange) type: one of a user's reads the other's text ('[1,3)'), as one enum reads
    another's labels: the values go through text."""
    table = RANGES if kind == "range type" else MULTIRANGES if kind == "multirange type" else {}
    if not subtype or builtin not in table:
        return ""
    return kind if subtype_text_reads(*((table[builtin], subtype) if into_own else (subtype, table[builtin]))) else ""


def declared_casts(schema: Schema) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """(source, target) of every cast `schema` has: its `casts:`, and each range type's to its multirange."""
    return {(type_name(c.source_type), type_name(c.target_type)) for c in schema.casts} | \
        {((r.schema, r.name), r.multirange_key) for r in schema.range_types}


def own_type_sides(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each column retype marked with the kind of its old type where it is one of `current`'s own (or
    an array of one, or a domain over one; `from_kind`, and an enum's longest label: `longest_label`), of its new type
    where one of `desired`'s (`to_kind`), `direct_cast` where `desired` declares a cast between their base types
    (arrays of as many dimensions: element by element), and the types each side is made of (`made_of`). A domain
    created again on another base (ENUM_REBUILT) is marked by its bases alike: plan.hazards judges it as its columns."""
    if not any(_retyped(c) for c in changes):
        return changes
    was, will = type_kinds(current), type_kinds(desired)
    below, above = keyed_domains(current), keyed_domains(desired)
    declared = declared_casts(desired)

    subtypes = {**_subtypes(current), **_subtypes(desired)}
    sides = (_shapes(current), _shapes(desired))
    held = (type_parts(current), type_parts(desired))
    own = held[0].keys() | was.keys()
    ranges = {**_ranges(current), **_ranges(desired)}

    def marked(c: Change) -> Change:
        old, new = base_type(c.old.type, below), base_type(c.new.type, above)  # type: ignore[union-attr]
        a, b = type_name(old), type_name(new)
        direct = c.direct_cast or (c.cause is None and (a, b) in declared and a != b
                                   and base_and_dims(old)[1] == base_and_dims(new)[1])
        from_kind, to_kind = was.get(a, ""), will.get(b, "")
        if to_kind and not from_kind:
            from_kind = _as_builtin_range(to_kind, base_and_dims(old)[0], subtypes.get(b, ""), True)
        elif from_kind and not to_kind:
            to_kind = _as_builtin_range(from_kind, base_and_dims(new)[0], subtypes.get(a, ""), False)
        apart = ""
        if from_kind and from_kind == to_kind and base_and_dims(old)[1] != base_and_dims(new)[1]:
            apart = (f"{'an' if from_kind[0] in 'aeiou' else 'a'} {from_kind} casts only to and from the string types, "
                     "an array of one only to an array of as many dimensions")  # e1[] -> e2: no text form reads back
        elif from_kind == to_kind and a != b:
            apart = apart_why(from_kind, a, b, *sides, subtypes)
        labels = sides[0].get(a) if from_kind == "enum" else None
        longest = max(map(len, labels), default=0) if labels is not None else None
        bounds = from_bounds(old, new, ranges)
        if bounds:
            apart = ""
        parts = made_of(c.old.type, held[0])  # type: ignore[union-attr]
        leaves = tuple(t for t in parts if type_name(base_and_dims(t)[0]) not in own) \
            if from_kind == "composite type" else ()
        return replace(c, from_kind=from_kind, to_kind=to_kind, direct_cast=direct, apart=apart, longest_label=longest,
                       made_of=(*parts, *made_of(c.new.type, held[1])), leaves=leaves,  # type: ignore[union-attr]
                       from_bounds=bounds)

    return [marked(c) if _retyped(c) else c for c in changes]


def _ranges(schema: Schema) -> dict[tuple[str, str], tuple[str, str, str]]:
    """("range" or "multirange", its range type, the subtype) of each range and multirange type of `schema`'s own."""
    out = {}
    for r in schema.range_types:
        made = (qualified(r.schema, r.name), base_and_dims(r.subtype)[0])
        out[(r.schema, r.name)], out[r.multirange_key] = ("range", *made), ("multirange", *made)
    return out


def _range_side(type_text: str, ranges: dict) -> tuple[str, ...]:
    """("range" or "multirange", its range type, the subtype) of a range or multirange type, Postgres's or one of
    `ranges` (_ranges); () for any other type."""
    if type_text in RANGES:
        return ("range", type_text, RANGES[type_text])
    if type_text in MULTIRANGES:
        return ("multirange", range_of(type_text), MULTIRANGES[type_text])
    return ranges.get(type_name(type_text), ())


def from_bounds(old: str, new: str, ranges: dict) -> tuple[str, str, str]:
    """The Change's `from_bounds` of a retype from `old` to `new` (domains followed down): both range types (multirange
    types, arrays of either of as many dimensions) over subtypes whose cast Postgres has but whose text the new one does
    not read (pg.range_casts.bounds_route); () else. Its kind is "range[]" or "multirange[]" for arrays."""
    (a, a_dims), (b, b_dims) = base_and_dims(old), base_and_dims(new)
    was, will = _range_side(a, ranges), _range_side(b, ranges)
    if not was or not will or was[0] != will[0] or a_dims != b_dims or bounds_route(was[2], will[2]) != "bounds":
        return ()
    return (will[0] + "[]" * bool(b_dims), will[1], will[2])


def _retyped(c: Change) -> bool:
    """A column retyped, or a domain created again whose values its columns' retypes carry to a new base type."""
    return c.kind == "alter_column_type" or (c.kind == "alter_domain" and c.cause == ENUM_REBUILT
                                             and c.old.type != c.new.type)  # type: ignore[union-attr]


def type_parts(schema: Schema, multiranges: bool = True) -> dict[tuple[str, str], tuple[str, ...]]:
    """The types each domain, composite, range and (`multiranges`) multirange type of `schema`'s own holds its values
    in, by (schema, name): a domain's base, a composite's attributes' types, a range's subtype (a multirange's: its
    range's)."""
    out = {(d.schema, d.name): (d.type,) for d in schema.domains}
    out.update({(c.schema, c.name): tuple(a.type for a in c.attributes) for c in schema.composite_types})
    for r in schema.range_types:
        out[(r.schema, r.name)] = (r.subtype,)
        if multiranges:
            out[r.multirange_key] = (r.subtype,)
    return out


def made_of(type_text: str, parts: dict[tuple[str, str], tuple[str, ...]]) -> tuple[str, ...]:
    """The types a value of `type_text` is made of, at any depth, through `parts` (type_parts); () for a type of
    Postgres's own."""
    out: list[str] = []
    todo, seen = [type_text], set()
    while todo:
        key = type_name(todo.pop())  # (array brackets and modifiers off; a quoted name's spaces kept)
        if key in parts and key not in seen:
            seen.add(key)
            out.extend(parts[key])
            todo.extend(parts[key])
    return tuple(out)


def _shapes(schema: Schema) -> dict[tuple[str, str], tuple]:
    """What the text form of each enum and composite type of `schema` depends on: its labels, its attribute count."""
    out: dict[tuple[str, str], tuple] = {(e.schema, e.name): tuple(e.values) for e in schema.enums}
    out.update({(t.schema, t.name): (len(t.attributes),) for t in schema.composite_types})
    return out


def apart_why(kind: str, a: tuple[str, str], b: tuple[str, str], was: dict, will: dict, subtypes: dict) -> str:
    """Why a value of `a` (current) may spell no value of `b` (desired), two types of one `kind`, through text: a
    composite of another attribute count, an enum label the other lacks (ALTER COLUMN TYPE ... USING c::text::b
    fails on the first row holding it), a range (multirange) over a subtype whose text the other's does not read
    ('[1,3)' is no date range, '[1.5,2)' no integer range);
    "" where every value reads back."""
    if kind == "composite type" and was.get(a) != will.get(b):
        return "composite types of different attribute counts: no text form of one reads as the other"
    if kind == "enum":
        missing = [v for v in was.get(a, ()) if v not in will.get(b, ())]
        if missing:
            return (f"{'labels' if len(missing) > 1 else 'label'} {', '.join(repr(v) for v in missing[:5])} of "
                    f"{a[1]} {'are' if len(missing) > 1 else 'is'} no label of {b[1]}: a row holding "
                    f"{'one' if len(missing) > 1 else 'it'} has no value there")
    if kind in ("range type", "multirange type") and a in subtypes and b in subtypes \
            and not subtype_text_reads(subtypes[a], subtypes[b]):  # (integer's '[1,3)' reads as bigint's)
        return f"{kind}s over {subtypes[a]} and {subtypes[b]}: no text form of one reads as the other"
    return ""
