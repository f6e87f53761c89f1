"""diff(current, desired) -> ordered list of Changes: a pure function of two models.

The same list serves `generate` (it becomes DDL) and `diff` (it becomes a drift report): a change
that would *add* something is, seen from a live database, something *missing*.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.aggregates import diff_aggregates
from schemac.compare.regenerated_keys import retypes_left_out
from schemac.compare.around import (around_functions_moved, around_recreated, domains_around_recreated, set_aside_types,
                                    gained_overloads, split_around_recreated)
from schemac.compare.casts import diff_casts
from schemac.compare.collation_asides import planned_aside
from schemac.compare.opclasses import around_operator_classes, diff_operator_classes
from schemac.compare.operators import diff_operators
from schemac.compare.parents_columns_later import columns_after_children, joined_before, joined_first, made_without, ordered_by_later, \
    received_later
from schemac.compare.new_row_triggers import apart_for_triggers, columns_after_triggers, made_apart, parents_after_triggers
from schemac.compare.tails_for_triggers import again_for_triggers, joined_later, made_between, made_under, own_generation_again, \
    read_above, reached_below, tails_for_triggers
from schemac.compare.changes import (CARRIED_TO_PARTITIONS, INHERITED, NAMED_BELOW, NEW_TABLE, KEEPS_COLUMN, KEPT_BELOW, AFTER_ONLY, BEFORE_PARENTS_COLUMNS, KINDS, TYPED_REBUILT, GENERATED_REBUILT, Change)
from schemac.compare.grants import diff_grants
from schemac.compare.grantor_usage import lent_usage
from schemac.compare.namespaces import extension_schemas, public_schema_changes, schema_comments
from schemac.compare.normalize import on_desired_path
from schemac.compare.restricted_path import lent_paths
from schemac.compare.own_expressions import held_for_children, kept_for_children, marked_for_children, own_expressions_again
from schemac.compare.shared_generation import held_for_givers, shared_generation
from schemac.compare.identities import identities_over_children, identity_comment_changes, identity_differences, identity_sequences_aside, identity_sequences_named
from schemac.compare.policies import diff_policies
from schemac.compare.sequences import defaults_follow_sequences
from schemac.compare.publications import diff_publications
from schemac.compare.published_backfills import published_fills
from schemac.compare.database_settings import diff_database_comment, diff_database_grants, diff_database_settings
from schemac.compare.event_triggers import diff_event_triggers, made_under_kept
from schemac.compare.check_validity import diff_validated_checks
from schemac.compare.trigger_clones import diff_clone_comments, diff_cloned_triggers
from schemac.compare.copies import diff_copy_comments
from schemac.compare.replanned import with_neighbours
from schemac.compare.foreign_servers import FOREIGN_REMADE, diff_foreign_servers, foreign_drift, remade_foreign_tables
from schemac.compare.beside_remade import beside_remade
from schemac.compare.declared_copies import without_declared_copies
from schemac.compare.renumbered_copies import renumbered_below
from schemac.compare.partition_copies import (adopted_by_attach, copies_renamed, named_adopted_copies,
                                             under_grandparents, with_detached_copies, without_implied_twin_copies)
from schemac.compare.inherited_drops import held_elsewhere, kept_below as kept_below_parents, stable_parents
from schemac.compare.inherited_retypes import around_retypes
from schemac.compare.scratch_retypes import through_scratch
from schemac.compare.sequence_feeds import sequences_fed
from schemac.compare.created_tables import created_by_create_table, parents_generation_given
from schemac.compare.unique_pk_copies import key_after_partitions, keys_remade_for_copies
from schemac.compare.shortcut import unchanged
from schemac.compare.statistics import statistics_given_back
from schemac.compare.tables import diff_table
from schemac.compare.table_triggers import rejoined
from schemac.compare.composite_rebases import rebased_attributes, rebased_bounds
from schemac.compare.inherited_checks import across_parents, after_no_inherit, attached_partition, checks_for_attach, \
    identities_given_by_attach, inherited_child, numbered_by_parents_identity, past_the_old_parent, reordered_child
from schemac.compare.domain_casts import domains_as_written, table_as_written
from schemac.compare.domain_overloads import lazy_overloads
from schemac.compare.moves import policies_over_renamed_views, renamed_tables, tables_renamed
from schemac.compare.view_renames import members_after_view_renames, readers_after_column_renames
from schemac.compare.view_row_readers import readers_after_view_renames
from schemac.compare.inherited_renames import children_follow_renames, left_before_renames
from schemac.compare.column_renames import references_follow_renames
from schemac.compare.type_moves import moved_types, row_types_moved, view_row_types_moved
from schemac.compare.not_nulls import across_no_inherit, before_inherit, kept_below, named_in_partitions, names_its_own
from schemac.compare.not_null_names import defaults_as_held, held_as_parents, named_where_claimed, parents_names_given
from schemac.compare.not_null_remade import remade_under_parents
from schemac.compare.not_null_renames import renamed_on_leaves
from schemac.compare.defaults_below import defaults_kept_below, given_but_default
from schemac.compare.default_rows import leaving_rows, over_defaults, rebound, referenced_partition
from schemac.compare.attribute_renames import typed_tables_follow
from schemac.compare.attribute_readers import readers_follow_attributes
from schemac.compare.body_renames import bodies_after_key_renames, bodies_after_renames, bodies_after_view_renames
from schemac.compare.rebuilt_keys import foreign_keys_around_rebuilt_keys
from schemac.compare.taken_sequences import defaults_around_taken_sequences
from schemac.compare.loose_collations import nondeterministic
from schemac.compare.held_relations import held_in_schema
from schemac.compare.extension_moves import with_moved_extension_types
from schemac.compare.recreated import privileges_of_recreated
from schemac.compare.routine_dependents import dropped_functions, dropped_row_types, functions_around_types
from schemac.compare.row_type_callers import members_dropped_first
from schemac.compare.retype_casts import own_type_sides
from schemac.compare.joined_parents import declared_rejoins
from schemac.compare.typmod_checks import checked_fits
from schemac.compare.types import cast_directly, diff_objects, keyed_domains
from schemac.compare.views import diff_views, stand_in_readers
from schemac.compare.readers import readers_around
from schemac.compare.sqlbodies import domains_after_readers, functions_around_columns, function_rows, readers_when_asked, without_calls_to
from schemac.compare.null_attributes import null_refusing_attributes
from schemac.compare.key_detours import detours
from schemac.compare.usertypes import (composites_over_rebuilt, diff_user_types, ranges_over_recreated, spans_over_set_aside,
                                      rebuilt_ranges_unrenamed, remade_types)
from schemac.model import Schema, Table
from schemac.model.tables import own_columns
from schemac.pg.types import type_name

__all__ = ["Change", "diff"]


def _not_inherited(changes: list[Change], old: Table, new: Table, per_table: dict[tuple[str, str], list[Change]],
                   only: frozenset = frozenset(), held: frozenset = frozenset(), tails: Optional[dict] = None) -> list[Change]:
    """A partition's (or INHERITS child's) changes, those its parent's ALTER TABLE carries down to it
    marked INHERITED: they run no statement of their own (but a DROP NOT NULL, after the parent's: plan.planner), but
    order what depends on them (a partition attached below it). A partition detached to be attached again takes its own changes. `only`: the parents'
    DROP COLUMNs a child keeps (inherited_drops.kept_below): the parent's made ONLY, a child's own that drops it too
    after; `held`: a child's columns another parent gives too (inherited_drops.held_elsewhere), left to the parent's.; `tails`:
    the parents' generated columns dropped and added again around a trigger (compare.tails_for_triggers), which the
    DROP takes from a child or leaves it, as a fresh build has it: no NO INHERIT around them."""
    if not changes and not new.inherits and new.partition_of is None:  # (most tables: nothing to mark, no INHERIT)
        return []
    parents = stable_parents(old, new)
    changes = kept_below(old, new, parents, per_table, changes)
    parent = {(c.kind, c.name) for key in parents for c in per_table.get(key, ())}
    out = [c if c.kind not in CARRIED_TO_PARTITIONS or (c.kind, c.name) not in parent else
           replace(c, cause=NAMED_BELOW if names_its_own(c, new) else INHERITED) for c in changes]
    below = {c.name for c in changes if c.kind == "drop_column" for p in parents if (*p, c.name) in only}
    # (a column it declares itself, attislocal, outlives its parent's DROP COLUMN: its own DROP after it)
    declared = {x.name for x in own_columns(old)} - set(old.inherited_only) if old.inherits and \
        old.partition_of is None else set()  # (a partition's columns are never its own)
    below |= {c.name for c in out if c.kind == "drop_column" and c.cause == INHERITED and c.name in declared
              and (new.schema, new.name, c.name) not in held}
    out = [replace(c, cause=KEPT_BELOW) if c.kind == "drop_column" and (c.schema, c.table, c.name) in only else
           replace(c, cause=AFTER_ONLY) if c.kind == "drop_column" and c.name in below else c for c in out]
    if new.partition_of is None:  # a column the child keeps while its parent drops it: NO INHERIT, INHERIT
        names = {c.name for c in new.columns}
        for q in new.inherits:  # (not one the parent adds again, GENERATED_REBUILT: its DROP and ADD reach the child)
            again = {c.name for c in per_table.get((q.schema, q.name), ()) if c.kind == "add_column"}
            kept = tuple(c.name for c in per_table.get((q.schema, q.name), ())
                         if c.kind == "drop_column" and c.name in names and (q.schema, q.name) in parents
                         and (q.schema, q.name, c.name) not in only and (new.schema, new.name, c.name) not in held
                         and c.name not in (tails or {}).get((q.schema, q.name), ()) and c.name not in again)
            if kept:  # (the INHERIT carries the columns kept, for its place in the plan: plan.dependencies)
                name = f"{q.schema}.{q.name}"
                out += [Change("drop_inherit", new.schema, new.name, name, q, None, new, KEEPS_COLUMN),
                        Change("add_inherit", new.schema, new.name, name, kept, q, new, KEEPS_COLUMN)]
    return _joined_before_parents_columns(out, old, new, per_table)


def _joined_before_parents_columns(changes: list[Change], old: Table, new: Table,
                                   per_table: dict[tuple[str, str], list[Change]]) -> list[Change]:
    """A table joining a parent (INHERIT) that gains in the same migration columns the table has from it only
    (inherited_only, as the parent gives them): the INHERIT first, then the parent's ADD COLUMN carries them down
    (attislocal false, as in a database where the parent gained them after the INHERIT), the table's own ADD COLUMN
    INHERITED; added by the table before its INHERIT, they would be its own."""
    if not new.inherited_only or new.partition_of is not None:
        return changes
    given: dict[tuple, tuple[str, ...]] = {}
    for q in new.inherits:
        if q not in old.inherits:
            added = {c.name: c.new for c in per_table.get((q.schema, q.name), ()) if c.kind == "add_column" and c.cause is None}
            given[(q.schema, q.name)] = tuple(c.name for c in new.columns if c.name in added and c.name in new.inherited_only
                                              and (c.source == new.source or given_but_default(c, added[c.name]))
                                              and old.column(c.name) is None)  # (a default of its own: set after)
    later = {n for names in given.values() for n in names}
    if not later:
        return changes
    return [replace(c, cause=INHERITED) if c.kind == "add_column" and c.name in later and c.cause is None else
            replace(c, old=given[(c.new.schema, c.new.name)], cause=BEFORE_PARENTS_COLUMNS)  # type: ignore[union-attr]
            if c.kind == "add_inherit" and c.cause is None and given.get((c.new.schema, c.new.name)) else c  # type: ignore
            for c in changes]


def _typed_tables(cur_tables: dict, des_tables: dict, objects: list[Change]) -> list[Change]:
    """ALTER TABLE ... NOT OF and OF: where the table's type changes, and around a change of its composite type,
    the table turned plain meanwhile (its column changes between them, as any table's)."""
    changed = {(c.schema, c.name) for c in objects if c.kind.endswith("_composite_type")}
    out = []
    for key, t in des_tables.items():
        old = cur_tables.get(key)
        was = old.of if old is not None else None
        if was is not None and (was != t.of or type_name(was) in changed):
            cause = TYPED_REBUILT if t.of is not None else None
            out.append(Change("drop_of", t.schema, t.name, was, old, t, t, cause))
        if t.of is not None and (was != t.of or type_name(t.of) in changed):
            cause = TYPED_REBUILT if was == t.of else NEW_TABLE if old is None else None
            out.append(Change("set_of", t.schema, t.name, t.of, old, t, t, cause))
    return out


def _dropped(t: Table, cause: Optional[str] = None) -> list[Change]:
    """DROP TABLE, and its foreign keys before it (so drop order never matters)."""
    return [Change("drop_table", t.schema, t.name, None, t, None, t, cause)] + \
        [Change("drop_foreign_key", t.schema, t.name, fk.name, fk, None, t, cause) for fk in t.foreign_keys]


@on_desired_path  # (expressions read on the search path of `desired`'s migration: normalize.searched)
def diff(current: Schema, desired: Schema) -> list[Change]:
    """Changes that turn `current` into `desired`, in the order their DDL must run."""
    if (planned := planned_aside(current, desired, diff)) is not None:  # (a used collation changed: compare.collation_asides)
        return planned
    current, desired = without_declared_copies(current), without_declared_copies(desired)  # (a partition's key copies)
    before = given = current  # (its namespaces: a sequence or type moved names the schema it moves to)
    changes, current = moved_types(current, desired)  # ALTER TYPE ... SET SCHEMA: what names them follows
    desired = typed_tables_follow(current, desired)  # (a typed table's column renamed with its type's attribute)
    current = readers_follow_attributes(current, desired)  # (what reads the attribute prints its new name)
    current = domains_as_written(current, desired)  # (`(VALUE)::integer` in a CHECK of a domain over a domain)
    current = with_moved_extension_types(current, desired)  # (its columns follow an extension moved)
    cur_tables = {t.key: t for t in current.tables}
    des_tables = {t.key: t for t in desired.tables}
    stand_ins = stand_in_readers(current, desired)  # (a view a renamed table takes the name of: what reads it)
    renames, current = renamed_tables(current, cur_tables, des_tables)  # (cur_tables renamed, moved)
    policies_over_renamed_views(current, desired, cur_tables)  # (a policy reading a view renamed: kept)
    current = row_types_moved(current, cur_tables, renames)  # (functions of their row types follow them)
    changes += renames
    des_tables = children_follow_renames(cur_tables, des_tables)  # (a parent's RENAME COLUMN recurses)
    references_follow_renames(cur_tables, des_tables)  # (foreign keys at the columns renamed, a child's too)
    current = readers_after_view_renames(readers_after_column_renames(current, cur_tables, des_tables, renames), desired,
                                         cur_tables, changes, stand_ins)  # (rules, `(f(t.*)).old`, `(f()).old` of a view)
    current = bodies_after_renames(current, desired, renames, cur_tables, des_tables)  # (a standard body follows them)
    defaults_follow_sequences(current, desired, cur_tables)  # (a serial's nextval() of its sequence renamed)
    remade = remade_foreign_tables(cur_tables, des_tables, current, desired)
    for key in remade:  # dropped, then created as a new table (with its grants, owner, comment, triggers)
        old = cur_tables.pop(key)
        changes += _dropped(old, FOREIGN_REMADE) + ([Change("remake_foreign_table", old.schema, old.name, None, old,
                                                           des_tables[key], des_tables[key])]
                                                    if foreign_drift(old, des_tables[key]) else [])
    cur_ns = set(before.namespaces) | {"public"} | extension_schemas(desired)  # (made by CREATE EXTENSION)
    for ns in sorted(set(desired.namespaces) - cur_ns):
        changes.append(Change("add_schema", ns, "", None, None, ns))
    for ns in sorted(set(before.namespaces) - set(desired.namespaces) - {"public"} - extension_schemas(before)):
        changes.append(Change("drop_schema", ns, "", None, ns, None))
    changes += public_schema_changes(before, desired)
    changes += schema_comments(before, desired)
    objects = own_type_sides(diff_objects(current, desired), current, desired)  # (a domain moved onto another enum)
    objects = ranges_over_recreated(diff_user_types(current, desired, objects), current, desired)
    rebuilt = frozenset(set_aside_types(objects))
    objects = spans_over_set_aside(objects, current, desired, rebuilt)  # (a range over an enum set aside: set aside too, and the domains kept over it, ranges over those)
    rebuilt = frozenset(set_aside_types(objects))
    changes, objects = rebuilt_ranges_unrenamed(changes, objects, rebuilt)  # (dropped under its old name)
    objects = null_refusing_attributes(composites_over_rebuilt(objects, current, desired, rebuilt), desired)
    objects = rebased_bounds(spans_over_set_aside(objects, current, desired, frozenset(set_aside_types(objects)) -
                                                  rebuilt), current, desired)  # (a range over a composite type set
    # aside: set aside with it, compare.range_holders._range_follows; its bounds guarded, composite_rebases)
    rebuilt = frozenset(set_aside_types(objects))  # (a composite type a column holds, set aside with them)
    objects = functions_around_types(objects, current, desired, rebuilt)
    domains = (keyed_domains(current), keyed_domains(desired))
    composites = {(c.schema, c.name): c for c in current.composite_types} if current.domains else {}
    overloads = lazy_overloads((current, desired), domains)  # (f(d1) beside f(integer): `(dc)::integer` chooses one)
    per_table: dict[tuple[str, str], list[Change]] = {}
    readers = readers_when_asked(desired)  # (bodies read where a new table or domain asks: not on an in-sync diff)
    objects = domains_after_readers(objects, readers)
    later = columns_after_children(des_tables, cur_tables, parents_after_triggers(des_tables, cur_tables))
    after_triggers = columns_after_triggers(des_tables, cur_tables)  # (a BEFORE trigger reading NEW's whole row: first)
    apart = apart_for_triggers(des_tables, cur_tables)  # (a new partition of such a trigger under a standing parent)
    tails = tails_for_triggers(cur_tables, des_tables)  # (a partitioned table's last generated columns, for such a one)
    kept = kept_for_children(cur_tables, des_tables)  # (a child's own expression changed: its parent's, before 17)
    cur_tables = held_for_children(cur_tables, des_tables, kept)
    cur_tables, givers = held_for_givers(cur_tables, des_tables)  # (a child's column two parents give: all dropped, added)
    between = made_between(tails, des_tables)  # (an INHERITS parent's: its new children made between DROP and ADD)
    below = received_later(later, des_tables, cur_tables)
    gains = joined_later(below, received_later(between, des_tables, cur_tables))  # (and those made between)
    first = joined_before(later, des_tables, cur_tables)  # (INHERIT before the parents' later columns)
    for key, t in des_tables.items():
        old = cur_tables.get(key)
        if old is None:
            made = without_calls_to(t, readers.get(key, frozenset()))  # SET DEFAULT, ADD CONSTRAINT: after them
            parent = des_tables.get((t.partition_of.parent_schema, t.partition_of.parent)) if t.partition_of else None
            own_order = made_apart(t, des_tables, apart)
            withheld = after_triggers.get(key, ())  # (after its triggers Postgres refuses beside them; one made on its own
            # and attached: its own, from its own first generated one on, added before its ATTACH)
            under = made_under(t, between, gains, des_tables, cur_tables)  # (before or after a standing one's ADD)
            window = gains.get(key, ()) if under[0] else ()  # (made before that ADD: the columns it gives it later)
            made = made_without(made, (later.get(key, ()) or first.get(key, ()) or window + under[2]) + withheld)  # (added after
            # its children, or its parents' ADDs give them)
            made = key_after_partitions(parents_names_given(made, des_tables), des_tables)  # (a child's NOT NULL it declares again: the parent's name; a key a partition's UNIQUE copies, after it)
            copies: list[Change] = []
            created = made
            if own_order:
                # made on its own, then attached (ATTACH is among diff_table's)
                made, copies, created = attached_partition(parents_names_given(made, des_tables, attached=True),
                                                           parent)  # type: ignore[arg-type]
                parent = None
            elif reordered_child(t, des_tables) and not ordered_by_later(made_without(t, under[2]), des_tables, gains):  # the same for an INHERITS child: CREATE TABLE, then INHERIT
                made, copies = inherited_child(made, des_tables, cur_tables)
                created, t = made, replace(t, checks_inherited=made.checks_inherited,  # (its INHERITs leave the scratch;
                                           inherited_only=made.inherited_only)  # none for the columns it gains later)
            created = parents_generation_given(created, des_tables) if created is made else created  # (declared bare)
            changes.append(Change("add_table", t.schema, t.name, None, None, created, created,
                                  FOREIGN_REMADE if key in remade else None,
                                  before_parents=tuple(dict.fromkeys(tuple((q.schema, q.name, n) for q in t.inherits
                                                       for n in below.get((q.schema, q.name), ())) + under[0])) +
                                  tuple((parent.schema, parent.name, n) for n in withheld if parent is not None),
                                  above=under[1]))
            changes.extend(copies)
            changes.extend(joined_first([replace(c, cause=INHERITED if parent is not None and c.name in withheld else NEW_TABLE)
                                         for c in diff_table(created_by_create_table(made, parent, des_tables), t)],
                                        first.get(key) or window or None, later, under[2]))
        elif not (old.partition_of or t.partition_of or old.inherits or t.inherits) and key not in tails and \
                unchanged(old, t, rebuilt):
            # (a table of no parent, either side, in sync: what every step below gives it back as it is, and diff_table
            # none; most of a schema's tables, each otherwise through ~14 calls that find nothing to do)
            per_table[key] = []
        else:
            old = cur_tables[key] = table_as_written(old, t, domains, composites, overloads, cur_tables)  # (`(dc)::integer`)
            old, t = identities_given_by_attach(old, defaults_as_held(old, t, cur_tables, des_tables), cur_tables, des_tables)
            old = without_implied_twin_copies(old, t)
            old, t, before, left = across_parents(with_detached_copies(old, t, cur_tables, des_tables), t, cur_tables, des_tables)
            before += checks_for_attach(old, t, cur_tables, des_tables)
            old, renamed = across_no_inherit(old, t, cur_tables, des_tables)
            renamed += [c for c in before_inherit(old, t, des_tables) if c.name not in {r.name for r in renamed}]
            retypes = rebased_attributes(own_type_sides(cast_directly(diff_table(held_as_parents(old, t, cur_tables), t, rebuilt, tails.get(key, frozenset())),
                                                   *domains, rebuilt),
                                     current, desired), current, desired)
            retypes = checked_fits(retypes, old, *domains) if old.checks or current.domains or desired.domains else retypes
            retypes = past_the_old_parent(numbered_by_parents_identity(retypes, old, t, des_tables), old, t)
            per_table[key] = before + after_no_inherit(retypes, left) + renamed
    per_table.update(detours(objects, current, des_tables, per_table))  # (key_detours: each table's changes whole)
    held = frozenset(held_elsewhere(per_table, cur_tables, des_tables))
    only = frozenset(kept_below_parents(per_table, cur_tables, des_tables, held))
    exact = frozenset(through_scratch(per_table, cur_tables, des_tables))
    for key, table_changes in per_table.items():  # (a table joining a parent again: its triggers with transition
        # tables dropped and made again around it, compare.table_triggers)
        changes.extend(rejoined(_not_inherited(table_changes, cur_tables[key], des_tables[key], per_table, only, held,
                                               tails) +
                                around_retypes(cur_tables[key], des_tables[key], per_table, des_tables, exact) +
                                declared_rejoins(cur_tables[key], des_tables[key], per_table, cur_tables, des_tables),
                                cur_tables[key], des_tables[key]))
    changes = own_expressions_again(marked_for_children(changes, kept, des_tables), des_tables, cur_tables)  # (a partition's own, after its parent's new expression)
    changes = reached_below(read_above(own_generation_again(changes, tails, des_tables), tails, des_tables), tails,
                            des_tables)  # (a partition's own expression after its parent's ADD again; a grandchild's
    # trigger before the root's ADD; what stands on the columns its DROP takes below, before it)
    changes = shared_generation(changes, des_tables, cur_tables, givers)  # (a child's column two parents give: all dropped, added)
    changes = identities_over_children(named_in_partitions(changes, des_tables), cur_tables, des_tables)
    changes = beside_remade(changes, cur_tables, des_tables)  # (its own beside a new copy: dropped, made after it)
    changes = keys_remade_for_copies(changes, cur_tables, des_tables)  # (a key to take partitions' UNIQUEs: made again)
    changes = adopted_by_attach(changes, cur_tables, des_tables)  # (an index or key ATTACH adopts: dropped after it)
    changes = named_adopted_copies(changes, cur_tables, des_tables)  # (as a new build names them: before the DETACH)
    changes = under_grandparents(changes, cur_tables, des_tables)  # (a leaf's index: before the root's CREATE INDEX)
    changes = copies_renamed(changes, des_tables)  # (a copy renamed by hand: ALTER INDEX of the copy, not a second)
    changes = renumbered_below(changes, cur_tables, des_tables)  # (copies numbered past a dropped one's: renamed)
    changes = held_in_schema(changes, current)  # (a recorded unnamed key Postgres numbered: found by what it is)
    for key, t in cur_tables.items():
        if key not in des_tables:
            changes += _dropped(t, referenced_partition(t, cur_tables))  # (DETACHed first where a key references it)
    changes = over_defaults(changes, cur_tables, des_tables)  # (rows of a new partition in a kept default: moved)
    changes = leaving_rows(changes, cur_tables, des_tables)  # (a rebound partition's rows outside its new bound: moved)
    changes = rebound(changes, cur_tables, des_tables)  # (a partition detached and attached again under foreign keys)
    changes = left_before_renames(changes, cur_tables)  # (a partition DETACHed before its parent's RENAME COLUMN)
    loose = nondeterministic(current), nondeterministic(desired)  # (a key over a column leaving one: checked again)
    changes.extend(foreign_keys_around_rebuilt_keys(changes, cur_tables, des_tables, loose))
    changes.extend(_typed_tables(cur_tables, des_tables, objects))
    changes.extend(objects + diff_aggregates(current, desired, objects) + diff_operators(current, desired, objects))
    changes.extend(diff_operator_classes(current, desired, changes) + statistics_given_back(current, cur_tables, desired, changes))
    changes.extend(diff_policies(cur_tables, des_tables, rebuilt, again_for_triggers(changes, tails))
                   + diff_grants(cur_tables, des_tables, current, desired, rebuilt | remade_types(objects),
                                 identities := identity_differences(cur_tables, des_tables)))
    changes = split_around_recreated(changes)
    made = around_recreated(changes, cur_tables, des_tables, gained_overloads(current, desired), function_rows(current))
    changes = retypes_left_out(changes, made) + made
    changes.extend(defaults_around_taken_sequences(changes, cur_tables, des_tables))  # (a serial made an identity)
    classes = around_operator_classes(changes, cur_tables, des_tables)  # and the foreign keys on their keys
    keyed = classes or any(c.kind == "drop_constraint" and c.cause == GENERATED_REBUILT for c in made)  # (a key dropped
    changes.extend(classes + foreign_keys_around_rebuilt_keys(changes + classes, cur_tables, des_tables, loose) if keyed
                   else [])  # with a generated column made again around a function: what references it goes too)
    changes = domains_around_recreated(changes, current, desired)
    before = dropped_functions(changes)  # functions moved around those: what calls them is moved in turn
    changes = around_functions_moved(functions_around_columns(changes, current, desired), before, current, desired,
                                     cur_tables, des_tables)
    views = diff_views(current, desired, changes, stand_ins)
    # A function returning or taking a view's row type holds the view: around a view dropped (or re-created) it is dropped before and created after,
    # and the views reading it are planned again around that (and around a table or composite type dropped whose name schema.yaml gives to another).
    rowtypes = dropped_row_types(changes, views)
    around = functions_around_types(changes, current, desired, rowtypes) if rowtypes else changes
    # So is a function whose SQL-standard body reads such a view (Postgres recorded it).
    around = functions_around_columns(around, current, desired, rowtypes) if rowtypes else around
    if around != changes:  # (and what calls those functions, in turn)
        around = around_functions_moved(around, dropped_functions(changes), current, desired, cur_tables, des_tables)
        changes, views = around, diff_views(current, desired, around, stand_ins)
    changes = members_after_view_renames(bodies_after_view_renames(bodies_after_key_renames(changes), views, current, desired), views, cur_tables, des_tables, desired)  # (v.b AS a)
    changes = defaults_kept_below(privileges_of_recreated(changes, current, desired, cur_tables), cur_tables, des_tables)
    changes = readers_around(changes + views, tables_renamed(current, renames, cur_tables), desired,
                             {(c.old.schema, c.old.name): (c.schema, c.table) for c in renames})
    changes.extend(diff_publications(current, desired, changes) + diff_event_triggers(current, desired, changes)
                   + diff_casts(current, desired, changes) + diff_foreign_servers(current, desired)
                   + diff_database_settings(current, desired) + diff_database_grants(current, desired)
                   + diff_database_comment(current, desired))
    changes = with_neighbours(named_where_claimed(changes, current, desired), des_tables)
    changes.extend(diff_cloned_triggers(cur_tables, des_tables, changes))
    changes.extend(diff_clone_comments(cur_tables, des_tables, changes))
    changes.extend(identity_comment_changes(cur_tables, des_tables, changes, identities))
    changes.extend(identity_sequences_aside(current, desired, changes))
    changes.extend(identity_sequences_named(current, desired, changes, cur_tables))
    changes = remade_under_parents(renamed_on_leaves(changes, current, desired), current, desired)
    changes.extend(diff_validated_checks(cur_tables, des_tables, changes))
    changes.extend(diff_copy_comments(cur_tables, des_tables, changes))
    changes = sequences_fed(made_under_kept(lent_usage(changes, current, desired), current, desired), desired)
    changes = members_dropped_first(changes)  # (a dropped table's index calling a dropped function of its row type)
    changes = lent_paths(changes, desired)  # (17+'s path for index builds: a function without one lent one)
    changes = published_fills(changes, current, desired)  # (a backfill of a published table: not published)
    order = {k: n for n, k in enumerate(KINDS)}  # (a stable sort: schema.yaml's order inside each kind)
    drops = [c for c in changes if c.kind == "drop_table"][::-1]  # (drops of tables in reverse)
    out = sorted([c for c in changes if c.kind != "drop_table"] + drops, key=lambda c: order[c.kind])
    again = view_row_types_moved(given, out)  # (functions of a renamed view's row type follow it: compared again)
    return out if again is None else diff(again, desired)
