"""Composite and range types, collations and text search configurations, compared: a composite's attributes
change in place (ALTER TYPE), a range type's or a collation's definition cannot (Postgres has no ALTER for
it), a text search configuration's mappings can (ALTER TEXT SEARCH CONFIGURATION), its parser cannot, a text
search dictionary's options can, its template cannot."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.attribute_renames import attribute_moves, in_place, renamed_attributes
from schemac.compare.changes import DEFINITION_REMADE, ENUM_REBUILT, Change, set_aside_name
from schemac.compare.definition_users import definition_users
from schemac.compare.collation_asides import aside_taken, held_by
from schemac.compare.around import readded, set_aside_types
from schemac.compare.range_holders import (composite_set_aside, composites_following, domains_over_set_aside, following,
                                           spans_following)
from schemac.compare.given_back import given_back, owners_by_default
from schemac.compare.opclasses import class_key
from schemac.compare.composite_holders import holders, keys_a_partition, remakeable, stored_user
from schemac.compare.row_types import holding_types
from schemac.compare.routine_dependents import FUNCTION_REBUILT, dropped_functions
from schemac.compare.types import base_type, keyed_domains
from schemac.model import Schema
from schemac.model.references import as_read
from schemac.pg.names import quote_ident
from schemac.pg.types import type_name


_OWNED_HERE = ("collation", "text_search_dictionary", "text_search_config")


def diff_user_types(current: Schema, desired: Schema, others: list[Change]) -> list[Change]:
    """`others` (the enums', domains' ... changes: compare.types) and the changes of composite and range types,
    collations and text search objects, with what holds a composite type made again made again around it."""
    out: list[Change] = []
    for kind, cur_objs, des_objs in (("composite_type", current.composite_types, desired.composite_types),
                                     ("range_type", current.range_types, desired.range_types),
                                     ("collation", current.collations, desired.collations),
                                     ("text_search_dictionary", current.text_search_dictionaries,
                                      desired.text_search_dictionaries),
                                     ("text_search_config", current.text_search_configs, desired.text_search_configs)):
        cur = {(o.schema, o.name): o for o in cur_objs}
        des = {(o.schema, o.name): o for o in des_objs}
        for key, obj in des.items():
            old = was = cur.get(key)
            moves = attribute_moves(old, obj) if kind == "composite_type" and old is not None else ()
            old = renamed_attributes(old, moves) if moves else old  # (RENAME ATTRIBUTE first: compare.attribute_renames)
            if old is None:
                out.append(Change(f"add_{kind}", obj.schema, "", obj.name, None, obj))
            elif kind == "composite_type" and old.attributes != obj.attributes and not in_place(old, obj) \
                    and remakeable(current, old):
                # no ALTER TYPE puts an attribute before another or reorders them: made again, what names it in
                # its signature around it (compare.routine_dependents.dropped_row_types), as pg_dump's reload would
                # (DEFINITION_REMADE: the report reads the pair as one change, a comment kept as none)
                out += [Change("drop_composite_type", obj.schema, "", obj.name, old, None, cause=DEFINITION_REMADE),
                        Change("add_composite_type", obj.schema, "", obj.name, None, obj)]
                out += _given_back_comments(kind, was, obj)
                continue
            elif kind == "composite_type" and (old.attributes != obj.attributes or moves):
                # table_def: a table using the type, where an attribute's type cannot change in place
                holding = holders(current, old)  # (the first: stored_user's)
                out.append(Change("alter_composite_type", obj.schema, "", obj.name, old, obj,
                                  holding[0][0] if holding else None, users=tuple(label for _, label in holding),
                                  column_renames=moves))
            elif kind == "range_type" and _definition(old) != _definition(replace(
                    obj, canonical=as_read(obj.canonical, old.canonical), subtype_diff=as_read(obj.subtype_diff, old.subtype_diff))):
                made, old = remade_definition(current, kind, old, obj)
                out += made
            elif kind == "collation" and replace(old, comment=None, owner=None) != replace(obj, comment=None, owner=None):
                made, old = remade_definition(current, kind, old, obj, desired)
                out += made
            elif kind in ("text_search_config", "text_search_dictionary") and replace(old, comment=None) != replace(obj, comment=None):
                out.append(Change(f"alter_{kind}", obj.schema, "", obj.name, old, obj))
            if was is not None and old is None:  # made again (remade_definition): its comment and owner given back
                out += _given_back_comments(kind, was, obj)
            elif (getattr(old, "comment", None) or None) != (obj.comment or None):
                out.append(Change("set_type_comment", obj.schema, "", obj.name, old, obj))
            if kind == "range_type" and (was is None or old is not None) and \
                    (getattr(old, "multirange_comment", None) or None) != (obj.multirange_comment or None):
                out.append(Change("set_type_comment", obj.multirange_in, "", obj.multirange_name, *map(_multirange, (old, obj))))
            if kind in _OWNED_HERE and (obj.owner is not None and obj.owner != getattr(old, "owner", None) or  # type: ignore
                                        given_back(old, obj, owners_by_default(current))):
                # pinned, and another role (or made here, by the migration's role): ALTER ... OWNER TO after it; or
                # pinned no more, given back (compare.given_back). The types' owners are compared with their grants.
                out.append(Change("set_object_owner", obj.schema, "", obj.name, was if old is None else old, obj,
                                  cause=DEFINITION_REMADE if was is not None and old is None and was.owner == obj.owner
                                  else None))
        for key, obj in cur.items():
            if key not in des:
                out.append(Change(f"drop_{kind}", obj.schema, "", obj.name, obj, None))
    return holders_remade(others + out, current, desired)


def _given_back_comments(kind: str, was, new) -> list[Change]:
    """The COMMENT ONs of a collation, range type (and its multirange), composite type or domain made again, as schema.yaml has them, against
    `was` (what the report reads): a comment kept is given back (DEFINITION_REMADE: no difference)."""
    sides = [(new.schema, new.name, was, new)]
    if kind == "range_type":
        sides.append((new.multirange_in, new.multirange_name, _multirange(was), _multirange(new)))
    return [Change("set_type_comment", schema, "", name, old, obj,
                   cause=DEFINITION_REMADE if (old.comment or None) == obj.comment else None)
            for schema, name, old, obj in sides if obj.comment]


def remade_definition(current: Schema, kind: str, old, new, desired: Optional[Schema] = None
                      ) -> tuple[list[Change], object]:
    """A collation's or range type's definition changed (Postgres has no ALTER for it): where nothing of `current` uses
    it (compare.definition_users), dropped and created again (no value is held; its comment, owner and grants given
    back as a new one's: the second item, `old` as the caller compares it then, is None), else an alter_ change naming
    its users, which the plan refuses (plan.type_ddl)."""
    users = definition_users(current, old)
    if users:
        refused = held_by(current, old) or aside_taken(desired, old) if kind == "collation" and desired is not None \
            else ""
        return [Change(f"alter_{kind}", new.schema, "", new.name, old, new, users=users, held_by=refused)], old
    return [Change(f"drop_{kind}", new.schema, "", new.name, old, None, cause=DEFINITION_REMADE),
            Change(f"add_{kind}", new.schema, "", new.name, None, new)], None


def holders_remade(objects: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`objects` with each domain and composite type over a composite type they drop and make again (remakeable)
    dropped before it and made again after it, as schema.yaml has it (a change of its own goes with that; its
    comment is given again): Postgres refuses DROP TYPE under them ('type d depends on type addr'), and no ALTER
    points them at the new type."""
    remade = remade_types(objects)
    held = set().union(*(holding_types(current, key) for key in remade)) - remade if remade else set()
    if not held:
        return objects
    out = [c for c in objects if not ((c.schema, c.name) in held and c.kind in (
        "alter_domain", "alter_composite_type", "set_type_comment"))]
    changed = {(c.kind[6:], c.schema, c.name) for c in objects if c.kind in ("alter_domain", "alter_composite_type")}
    for kind, cur_objs, des_objs in (("domain", current.domains, desired.domains),
                                     ("composite_type", current.composite_types, desired.composite_types)):
        des = {(o.schema, o.name): o for o in des_objs}
        for old in cur_objs:
            new = des.get(key := (old.schema, old.name))
            if key in held and new is not None:
                # (DEFINITION_REMADE: the report reads a change of its own as one, one unchanged as none)
                out += [Change(f"drop_{kind}", old.schema, "", old.name, old, None, cause=DEFINITION_REMADE),
                        Change(f"add_{kind}", new.schema, "", new.name, None, new,
                               cause=None if (kind, *key) in changed else DEFINITION_REMADE)]
                out += _given_back_comments(kind, old, new)
    return out


def remade_types(objects: list[Change]) -> frozenset:
    """(schema, name) of the composite and range types (and domains: holders_remade) `objects` drop and create again: made
    anew, they start with Postgres's default privileges (compare.grants gives schema.yaml's again)."""
    dropped = {(c.kind[5:], c.schema, c.name) for c in objects if c.kind in ("drop_composite_type", "drop_domain",
                                                                               "drop_range_type")}
    return frozenset((c.schema, c.name) for c in objects if c.kind in ("add_composite_type", "add_domain", "add_range_type")
                     and (c.kind[4:], c.schema, c.name) in dropped)


def _multirange(r):
    """A range type's multirange, as its set_type_comment's object: named so, with the multirange's comment."""
    return None if r is None else replace(r, schema=r.multirange_in, name=r.multirange_name, multirange=r.multirange_name,
                                          multirange_schema=None, comment=r.multirange_comment)


def _definition(r) -> tuple:
    return (r.subtype, r.subtype_opclass, r.collation, r.canonical, r.subtype_diff, r.multirange_name, r.multirange_in)


def composites_over_rebuilt(objects: list[Change], current: Schema, desired: Schema,
                            rebuilt: frozenset) -> list[Change]:
    """`objects` with each composite type kept whose attribute is of an enum (or a domain over one) set aside
    and created again (`rebuilt`) retyped to the new one: after the rename the attribute is of the old type,
    and Postgres refuses DROP TYPE under it. Planned as an attribute retype from the set-aside type
    (ALTER ATTRIBUTE ... TYPE; dropped and added again where a column holds the composite: plan.type_ddl)."""
    retyped = frozenset((c.schema, c.name) for c in objects if readded(c)  # (an attribute retyped under a column; not
                        and keys_a_partition(current, c.old) is None)  # under a partition key: dropped and added again)
    if not rebuilt and not retyped:
        return objects
    des = {(c.schema, c.name): c for c in desired.composite_types}
    changed = {(c.schema, c.name): c for c in objects if c.kind == "alter_composite_type"}
    out = [c for c in objects if c.kind != "alter_composite_type"]  # (its comment, grants, owner stay)
    follow = composites_following(current, desired, rebuilt, lambda c: holders(current, c), retyped)
    rebuilt = rebuilt | follow | spans_following(current, desired, follow)  # (a composite nested in one set aside,
    # or in a range over one: its attribute of it)
    for old in current.composite_types:
        key, new = (old.schema, old.name), des.get((old.schema, old.name))
        moves = changed[key].column_renames if key in changed else ()
        old = changed[key].old if moves else old  # (its attributes renamed first)
        aside = tuple(replace(a, type=_aside(a.type)) if type_name(a.type) in rebuilt and a.name in
                      {b.name for b in new.attributes} else a for a in old.attributes) if new is not None else ()
        if new is None or aside == old.attributes and key not in retyped & follow:  # (retyped: set aside where it follows)
            continue
        holding = holders(current, old)
        apart = composite_set_aside(old, new, holding, follow, moves)
        if apart is not None:  # (held by a column: set aside and made again, its values kept)
            changed[key], out = apart[0], out + apart[1:]
            continue
        changed[key] = Change("alter_composite_type", old.schema, "", old.name, replace(old, attributes=aside), new,
                              stored_user(current, old), ENUM_REBUILT,
                              users=tuple(label for _, label in holding), column_renames=moves)
    return out + list(changed.values())


def _aside(type_text: str) -> str:
    """The type of an attribute once its enum is set aside (its array alike)."""
    schema, name = type_name(type_text)
    return f"{quote_ident(schema)}.{quote_ident(set_aside_name(name))}" + ("[]" if type_text.endswith("[]") else "")


# What a range type set aside with its enum takes along (columns retyped through text; views and functions made again
# around it), by definition_users' labels; the cause of the alter_range_type refused under anything else.
_FOLLOWING = ("table ", "view ", "function ")
RANGE_HELD = "a range over an enum set aside, under what cannot follow it"
_TYPES = ("domain ", "composite type ")  # (those the migration may drop first: _kept)


def ranges_over_rebuilt(objects: list[Change], current: Schema, desired: Schema, rebuilt: frozenset) -> list[Change]:
    """`objects` with each range type kept whose subtype is an enum (or a domain) set aside and created again
    (`rebuilt`): the range stays over the one set aside, which the migration drops at its end ('cannot drop type
    e__schemac_old because other objects depend on it'), and Postgres has no ALTER for a range's subtype. Where
    nothing of `current` uses the range, it is dropped and created again over the new one (remade_definition); else it
    is set aside as the enum is (an alter_range_type, cause ENUM_REBUILT: renamed aside with its multirange, created
    again over the new enum), its columns retyped through text (a bound of a label removed fails there, as under the
    enum's own columns), what names it made again around it, and the one set aside dropped at the end (fix49b); under
    a domain, a composite type or another kind of user (not _FOLLOWING) that `desired` keeps, an alter_range_type
    (RANGE_HELD) the plan refuses, naming them."""
    if not rebuilt or not current.range_types:
        return objects
    des = {(r.schema, r.name): r for r in desired.range_types}
    had = {(c.schema, c.name) for c in objects if c.kind in ("alter_range_type", "drop_range_type")}
    out = list(objects)
    for r in current.range_types:
        new = des.get(key := (r.schema, r.name))
        if new is None or key in had or type_name(r.subtype) not in rebuilt:
            continue
        users = definition_users(current, r)
        kept = _kept(desired)
        follow = following(current, desired, key) | following(current, desired, r.multirange_key)  # (a domain over
        # its multirange follows too, as over the range)
        if any(not u.startswith(_FOLLOWING) and u not in follow and (not u.startswith(_TYPES) or u in kept)
               for u in users):  # (a domain whose CHECK alone names it: it would stay over the one set aside,
            # whose DROP fails; refused at the range's line, naming it; one dropped goes first, plan.dependencies; one
            # kept, renamed or not, follows it: compare.range_holders)
            out.append(Change("alter_range_type", r.schema, "", r.name, r, new, None, RANGE_HELD, users=users))
            continue
        if users:
            aside = replace(r, name=set_aside_name(r.name), subtype=_aside(r.subtype),
                            multirange=set_aside_name(r.multirange_name))
            below, above = keyed_domains(current), keyed_domains(desired)  # (over a domain: its base types, which
            # plan.hazards judges it by)
            bases = (base_type(r.subtype, below), base_type(new.subtype, above)) \
                if type_name(r.subtype) in below and type_name(new.subtype) in above else ("", "")
            out += [Change("alter_range_type", r.schema, "", r.name, r, new, None, ENUM_REBUILT, users=users,
                           from_base=bases[0], rebased=bases[1]),
                    Change("drop_range_type", r.schema, "", aside.name, aside, None, cause=ENUM_REBUILT)]
            continue
        out += [Change("drop_range_type", r.schema, "", r.name, r, None, cause=DEFINITION_REMADE),
                Change("add_range_type", new.schema, "", new.name, None, new)] + _given_back_comments("range_type", r, new)
    return out


def spans_over_set_aside(objects: list[Change], current: Schema, desired: Schema, fresh: frozenset) -> list[Change]:
    """`objects` with the range types over the types `fresh` (set aside and created again) set aside with them
    (ranges_over_rebuilt), the domains kept over those (range_holders.domains_over_set_aside), and so on over what each
    round sets aside: a range over such a range or its multirange, over a domain over one (else it stays over the one
    set aside, whose DROP fails at the end)."""
    while fresh:
        before = frozenset(set_aside_types(objects))
        objects = domains_over_set_aside(ranges_over_rebuilt(objects, current, desired, fresh), current, desired)
        fresh = frozenset(set_aside_types(objects)) - before
    return objects


def _kept(desired: Schema) -> frozenset:
    """definition_users' labels of the domains and composite types `desired` keeps: one the migration drops lets the
    range be set aside (it is dropped before the one set aside is, at the end: plan.dependencies) (fix49f)."""
    def labels(kind: str, x) -> list[str]:  # (under its old name too: renamed_from, a name or schema.name)
        was = x.renamed_from or x.name
        return [f"{kind} {x.schema}.{x.name}", f"{kind} {was if '.' in was else f'{x.schema}.{was}'}"]
    return frozenset([lb for d in desired.domains for lb in labels("domain", d)] +
                     [lb for c in desired.composite_types for lb in labels("composite type", c)])


def rebuilt_ranges_unrenamed(changes: list[Change], objects: list[Change],
                             rebuilt: frozenset) -> tuple[list[Change], list[Change]]:
    """`changes` and `objects` once a range type ranges_over_rebuilt drops and creates again (its subtype set aside)
    that `renamed_from` renames is dropped under its old name and not renamed: its rename ran after the subtype was set
    aside, naming its constructors by the new subtype's name ('function rm(mood, mood) does not exist', prop49)."""
    remade = {(c.schema, c.name) for c in objects if c.kind == "drop_range_type" and c.cause == DEFINITION_REMADE
              and type_name(c.old.subtype) in rebuilt}  # type: ignore[union-attr]
    renames = {(c.new.schema, c.new.name): c for c in changes if c.kind == "rename_type"  # type: ignore[union-attr]
               and (c.new.schema, c.new.name) in remade}  # type: ignore[union-attr]
    if not renames:
        return changes, objects
    spent = {id(c) for c in renames.values()}
    return [c for c in changes if id(c) not in spent], [
        replace(c, schema=was.old.schema, name=was.old.name, old=was.old)  # type: ignore[union-attr]
        if c.kind == "drop_range_type" and (was := renames.get((c.schema, c.name))) is not None else c for c in objects]


def ranges_over_recreated(objects: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`objects` with each range type kept whose canonical or subtype_diff function they drop and create again (its
    signature or result changed): Postgres refuses DROP FUNCTION under the type and has no ALTER for it, so it is an
    alter_range_type (cause FUNCTION_REBUILT), which the plan refuses, naming the function."""
    gone = dropped_functions(objects) if current.range_types else set()
    des = {(r.schema, r.name): r for r in desired.range_types} if gone else {}
    had = {(c.schema, c.name) for c in objects if c.kind in ("alter_range_type", "drop_range_type")}
    return objects + [Change("alter_range_type", r.schema, "", r.name, r, des[(r.schema, r.name)], None, FUNCTION_REBUILT)
                      for r in current.range_types if (r.schema, r.name) in des and (r.schema, r.name) not in had
                      and any(f and tuple(class_key(f)) in gone for f in (r.canonical, r.subtype_diff))]
