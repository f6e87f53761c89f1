"""Domains and composite types kept over a range type set aside with its enum (compare.usertypes.ranges_over_rebuilt):
Postgres has no ALTER for a domain's base type, and refuses a composite's ALTER ATTRIBUTE ... TYPE while a column holds
the type, so each is set aside with the range and made again over the new one, their columns retyped through text
(compare.tables), the ones set aside dropped at the end, before the range set aside (fix50d)."""

from __future__ import annotations

from typing import AbstractSet, Optional

from schemac.model.frozen import replace

from schemac.compare.around import COMPOSITE_ASIDE, set_aside_types
from schemac.compare.attribute_renames import reshaped, reshaped_in_place
from schemac.compare.changes import ENUM_REBUILT, Change, set_aside_name
from schemac.compare.definition_users import definition_users
from schemac.compare.row_types import holding_types
from schemac.compare.types import domain_set_aside, rebuilt_domains_over
from schemac.model import CompositeType, RangeType, Schema
from schemac.pg.types import type_name


def ranges_set_aside(objects: list[Change]) -> frozenset:
    """(schema, name) of the range types `objects` set aside (alter_range_type, cause ENUM_REBUILT), multiranges too."""
    return frozenset(key for c in objects if c.kind == "alter_range_type" and c.cause == ENUM_REBUILT for key in
                     ((c.schema, c.name), c.old.multirange_key))  # type: ignore[union-attr]


def following(current: Schema, desired: Schema, key: tuple[str, str]) -> frozenset:
    """definition_users' labels of the domains and composite types that follow range type `key` when it is set aside:
    kept (one renamed or moved, `renamed_from:`, too: compare.type_moves renames it first, `current` holds it under
    its new name, and it is set aside under that), a domain of the range itself
    (or its multirange; one whose CHECK alone names it stands on another type), a composite type whatever its
    attributes (compare.usertypes.composites_over_rebuilt retypes or sets it aside), a range type kept over the same
    subtype (the range itself or its multirange: compare.usertypes.spans_over_set_aside sets it aside in turn)."""
    des_d = {(d.schema, d.name): d for d in desired.domains}
    des_c = {(c.schema, c.name) for c in desired.composite_types}
    return frozenset([f"domain {d.schema}.{d.name}" for d in current.domains if (d.schema, d.name) in des_d
                      and type_name(d.type) == key == type_name(des_d[(d.schema, d.name)].type)] +
                     [f"composite type {c.schema}.{c.name}" for c in current.composite_types
                      if (c.schema, c.name) in des_c] +
                     [f"range type {r.schema}.{r.name}" for r in current.range_types if _kept_over(r, desired)])


def _kept_over(r: RangeType, desired: Schema) -> Optional[RangeType]:
    """`desired`'s range type of `r`'s name where it stands on the same subtype, else None."""
    new = desired.by_key("range_types").get((r.schema, r.name))
    return new if new is not None and type_name(new.subtype) == type_name(r.subtype) else None


def domains_over_set_aside(objects: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`objects` with each domain kept over a range type or composite type set aside (or over such a domain, to a fixed
    point) set aside and made again as one over a re-created enum is (compare.types.domain_set_aside), its in-place alter_domain (a
    CHECK changed) replaced: the new one is created as schema.yaml has it."""
    aside = frozenset(set_aside_types(objects))
    if not ranges_set_aside(objects) and not any(c.cause == COMPOSITE_ASIDE for c in objects) or not current.domains:
        return objects
    cur = {(d.schema, d.name): d for d in current.domains}
    done = {(c.schema, c.name) for c in objects if c.kind in ("alter_domain", "drop_domain") and c.cause == ENUM_REBUILT}
    follow = rebuilt_domains_over(cur, desired.domains, aside, set()) - done
    if not follow:
        return objects
    out = [c for c in objects if not (c.kind == "alter_domain" and (c.schema, c.name) in follow)]
    for d in desired.domains:
        if (d.schema, d.name) in follow:
            out += domain_set_aside(cur[(d.schema, d.name)], d, aside | follow)
    return out


def composite_set_aside(old: CompositeType, new: CompositeType, holders: list[tuple[object, str]],
                        follow: frozenset, moves: tuple = ()) -> Optional[list[Change]]:
    """A composite type of composites_following (`follow`): set aside and made again as schema.yaml has it (an
    alter_composite_type, cause COMPOSITE_ASIDE; `old`: after `moves`, its RENAME ATTRIBUTEs, made first with the DROP
    and ADD ATTRIBUTEs that give it the new one's fields, plan.type_ddl), its columns retyped through text (a row's text
    reads back as the same row of the new type: every value of a kept attribute kept, a retyped one's read by its new
    type; a label removed fails there, as under the enum's own columns), the one set aside dropped at the end; Postgres
    refuses ALTER ATTRIBUTE ... TYPE under a column, where the attribute dropped and added again lost every value
    (NULL). None for any other."""
    if (old.schema, old.name) not in follow:
        return None
    aside = replace(reshaped(old, new), name=set_aside_name(old.name))  # (its attributes of the types' names:
    # plan.dependencies' _held_aside drops it before them)
    return [Change("alter_composite_type", old.schema, "", old.name, old, new, None, COMPOSITE_ASIDE,
                   users=tuple(label for _, label in holders), column_renames=moves),
            Change("drop_composite_type", old.schema, "", aside.name, aside, None, cause=ENUM_REBUILT)]


def composites_following(current: Schema, desired: Schema, rebuilt: frozenset, holders,
                         retyped: frozenset = frozenset()) -> frozenset:
    """(schema, name) of the composite types kept (renamed or moved too, as in following) whose attributes (their
    shape changed in place, reshaped_in_place: composite_set_aside) some are of a type set aside and made again
    (`rebuilt`: an enum, a domain or range type over one, or
    another of these composites: a composite nested in one), where a column holds it (`holders(c)`: a table's, or a
    materialized view's, made again around it by compare.views, its rows read again), and no range type (but one
    _range_follows), composite type not of these (nor holding no value: retyped in place), nor domain not following it
    (domains_over_set_aside: kept under its name over the same type) stands on it: they would stay over the one set
    aside, whose DROP fails (those keep their attributes dropped and added again, destructive). A typed table of it
    is made plain around it (compare.differ._typed_tables: NOT OF, its columns retyped, OF the new type) (fix57i)."""
    des = {(c.schema, c.name): c for c in desired.composite_types}
    ds = {(d.schema, d.name): d for d in desired.domains}
    kept = {(d.schema, d.name) for d in current.domains
            if (d.schema, d.name) in ds and type_name(d.type) == type_name(ds[(d.schema, d.name)].type)}
    cur = {(c.schema, c.name): c for c in current.composite_types
           if (c.schema, c.name) in des and reshaped_in_place(c, des[(c.schema, c.name)])
           and all(_range_follows(r, desired, current) for r in current.range_types
                   if type_name(r.subtype) == (c.schema, c.name))
           and holders(c)}
    above = {k: holding_types(current, k) - {k} for k in cur}
    free = {(c.schema, c.name) for c in current.composite_types if not holders(c)}  # (retyped in place: no value)
    follow = set(cur)
    while True:  # (those over the types set aside, through each other; each kept where all above it follow)
        grown: set = set()
        while True:  # (a composite over a range over one of them too: wrap (r ptrange) over pt)
            spans = _spans(current, grown, kept)
            more = {k for k in follow if k in retyped or
                    any(type_name(a.type) in rebuilt | grown | spans for a in cur[k].attributes)}
            if more == grown:
                break
            grown = more
        kept_up = {k for k in grown if above[k] <= kept | free | grown | spans}
        if kept_up == follow:
            return frozenset(follow)
        follow = kept_up


def _spans(current: Schema, grown: AbstractSet, kept: AbstractSet) -> set:
    """The range types (multiranges too) over the composite types `grown`, over such a range or a domain `kept` over
    one, and those domains, to a fixed point: they follow them (_range_follows)."""
    held = set(grown)
    while True:
        more = {x for r in current.range_types if type_name(r.subtype) in held
                for x in ((r.schema, r.name), r.multirange_key)}
        more |= {(d.schema, d.name) for d in current.domains if (d.schema, d.name) in kept and type_name(d.type) in held}
        if more <= held:
            return held - set(grown)
        held |= more


def spans_following(current: Schema, desired: Schema, follow: frozenset) -> set:
    """_spans of the composite types composites_following gave: a composite over one (wrap (r ptrange)) is of a type
    set aside too."""
    ds = {(d.schema, d.name): d for d in desired.domains}
    return _spans(current, follow, {(d.schema, d.name) for d in current.domains if (d.schema, d.name) in ds
                                    and type_name(d.type) == type_name(ds[(d.schema, d.name)].type)})


def _range_follows(r: RangeType, desired: Schema, current: Schema, seen: frozenset = frozenset()) -> bool:
    """Whether range type `r` over a composite type set aside follows it (compare.usertypes.spans_over_set_aside, over
    the composites set aside: renamed aside with its multirange, created again over the new composite, its columns
    retyped through text, every bound kept): `desired` keeps it over the same subtype, and only tables, views,
    functions, domains kept over it (set aside in turn: domains_over_set_aside), composite types kept (set aside in
    turn where composites_following takes them, else the composite under `r` is not) and range types over it that
    follow in turn use it (what ranges_over_rebuilt takes along); else the composite's attributes are dropped and added again
    (their values lost: destructive)."""
    if _kept_over(r, desired) is None or (r.schema, r.name) in seen:
        return False
    kept = following(current, desired, (r.schema, r.name)) | following(current, desired, r.multirange_key)
    ranges = {f"range type {x.schema}.{x.name}": x for x in current.range_types}
    seen = seen | {(r.schema, r.name)}
    return all(u.startswith(("table ", "view ", "function ")) or u in ranges and
               _range_follows(ranges[u], desired, current, seen) or u in kept and u.startswith("domain ") and
               _over_domain_follows(tuple(u[len("domain "):].split(".", 1)), desired, current, seen)
               or u in kept and u.startswith("composite type ")  # (composites_following: one of them, or `r` not)
               for u in definition_users(current, r))


def _over_domain_follows(key: tuple, desired: Schema, current: Schema, seen: frozenset) -> bool:
    """Whether what stands on domain `key`, set aside with a range under it, follows it: no composite type's attribute
    but one of a composite `desired` keeps (it would stay over the one set aside: composites_following sets it aside
    too, or the composite under the range is not), ranges over it that _range_follows, domains over it that follow in
    turn."""
    kept = {(c.schema, c.name) for c in desired.composite_types}
    if any(type_name(a.type) == key and (c.schema, c.name) not in kept for c in current.composite_types
           for a in c.attributes):
        return False
    return all(_range_follows(r, desired, current, seen) for r in current.range_types if type_name(r.subtype) == key) \
        and all(_over_domain_follows((d.schema, d.name), desired, current, seen) for d in current.domains
                if type_name(d.type) == key and (d.schema, d.name) != key)
