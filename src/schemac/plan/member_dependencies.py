"""What a change to a table's column (its NOT NULL, default, identity) or to one of its constraints, indexes,
triggers, rules, policies or statistics makes, removes, needs and frees: plan.dependencies' `deps` for these kinds."""

from __future__ import annotations

from schemac.compare.changes import (AFTER_ONLY, GENERATED_REBUILT, INHERITED, KEPT_BELOW, MERGED_COPY, NEW_TABLE, NUMBERED_BY_PARENT, Change, set_aside_name,
                                     takes_using)
from schemac.compare.column_renames import default_names_followed, swapped_names
from schemac.compare.new_row_triggers import reads_new_row
from schemac.compare.defaults_below import DEFAULT_KEPT, parents_of
from schemac.compare.definition_keys import attach_key, index_signature
from schemac.model import Check, PrimaryKey, Table, Unique, UNIQUE_KEY_TYPES
from schemac.pg.types import type_name
from schemac.plan.keys import (Key, _col, _identity_sequence, _table, aside_refs, column_refs, expression_refs, own_keys,
                               refs_of, relation_key, type_key)
from schemac.plan.member_refs import _attribute_refs, twins_before
from schemac.pg.beside_copies import beside_copy
from schemac.plan.name_swaps import not_null_name
from schemac.plan.transition_triggers import trigger_keys
from schemac.plan.not_null_order import not_null_keys

MEMBER_KINDS = frozenset(("rename_column", "add_column", "drop_column", "alter_column_type", "alter_generated",
                          "set_not_null", "drop_not_null", "alter_not_null", "set_default", "drop_default",
                          "alter_identity", "drop_identity", "add_constraint", "add_foreign_key", "add_index",
                          "drop_constraint", "drop_foreign_key", "drop_index", "rename_index", "add_trigger",
                          "rename_trigger", "drop_trigger", "alter_trigger", "add_rule", "drop_rule", "alter_rule",
                          "add_policy", "drop_policy", "alter_policy", "add_statistics", "drop_statistics"))


def _held_aside(type_text: str) -> Key:
    """Of an enum (or a domain over one) re-created in this migration, a column holds the old type under its
    set-aside name until it leaves it (retyped, dropped, or its table dropped): before that type is dropped."""
    schema, name = type_name(type_text)
    return ("type", schema, set_aside_name(name))


def member_deps(c: Change, makes: set[Key], removes: set[Key], old_refs: set[Key], new_refs: set[Key]) -> None:
    """Adds to deps' four sets what a change of MEMBER_KINDS makes, removes and refers to (see plan.dependencies)."""
    k, t, old, new = c.kind, c.table_def, c.old, c.new
    col = lambda name: _col(t, name)  # noqa: E731
    if k == "rename_column":  # (a child's swap or rotation its parent's RENAMEs make, INHERITED: each of its names
        # made again by another of its renames, which would wait for it; it removes none, the parent's order it)
        removes.add(("column name", t.schema, t.name, old.name))  # type: ignore[union-attr]
        if c.cause != INHERITED or old.name not in swapped_names(c.column_renames):  # type: ignore[union-attr]
            removes.add(col(old.name))  # type: ignore[union-attr]
        makes |= {col(c.name), ("column named", t.schema, t.name, c.name)}  # (a column REVOKE names it so: after)
        if c.column_renames and c.name == c.column_renames[-1][1]:  # (the table's last: its keys left unnamed over
            # the columns renamed after it, plan.table_renames; a standard body's ON CONFLICT ON CONSTRAINT reads them)
            makes |= {relation_key(t.schema, now) for _, now in default_names_followed(t, c.column_renames)[0]}  # type: ignore
        new_refs.add(_table(t))  # type: ignore[arg-type]
        if c.cause is None:  # (a child's own, of a column it had from a parent it leaves: after its NO INHERIT)
            new_refs.add(("no inherit", t.schema, t.name))  # type: ignore[union-attr]
    elif k in ("add_column", "drop_column", "alter_column_type", "alter_generated"):
        if new is not None:
            makes.add(col(c.name))
            new_refs |= column_refs(t, new) | {("joined", t.schema, t.name, c.name)} | aside_refs(new)  # type: ignore  (after an INHERIT
            if takes_using(c):  # that takes the column from it: BEFORE_PARENTS_COLUMNS)  # the USING expression reads other columns too
                reads = expression_refs(new.using, t.schema, t.name)  # type: ignore[union-attr, arg-type]
                gone = {r for r in reads if r[0] == "column" and t.column(r[3]) is None}  # type: ignore[union-attr]
                new_refs |= reads - gone  # columns this edit drops or renames: read before their DROP COLUMN, or RENAME
                old_refs |= gone | {("column name", *r[1:]) for r in gone}  # (USING is parsed as it runs: plan.implied)
                new_refs |= {type_key(c.via)} if c.via else set()  # retyped onto the type made again first
            if not new.nullable and k == "add_column":  # type: ignore[union-attr]
                makes.add(("notnull", t.schema, t.name, c.name))  # type: ignore[union-attr]
                new_refs.add(("named below", t.schema, t.name, c.name))  # type: ignore[union-attr]
            if k == "add_column" and c.cause == NUMBERED_BY_PARENT:  # after the parent's identity, which numbers it
                p = t.partition_of  # type: ignore[union-attr]
                new_refs.add(("column", p.parent_schema, p.parent, c.name))  # type: ignore[union-attr]
            if k == "add_column" and (c.cause == NEW_TABLE or c.cause in (GENERATED_REBUILT, None) and  # type: ignore
                                      any(reads_new_row(g) for g in t.triggers)) or \
                    k == "alter_generated" and c.cause == GENERATED_REBUILT:  # type: ignore[union-attr]  (and a
                # partition's own expressions set again in order: compare.tails_for_triggers.own_generation_again)
                # a new table's columns its CREATE left out, or those of a table with a BEFORE trigger reading NEW's
                # whole row, beside the ones dropped for it (compare.new_row_triggers.dropped_for_triggers): in order
                names = [x.name for x in t.columns]  # type: ignore[union-attr]
                at = names.index(c.name)
                new_refs |= {col(names[at - 1])} if at else set()
            if k == "add_column":  # after its new children, where compare.parents_columns_later adds it after them
                new_refs.add(("gives later", t.schema, t.name, c.name))  # type: ignore[union-attr]
                makes |= {("gives later", *x) for x in c.before_parents}  # (before its parents': declared_below)
            if k == "add_column" and new.generated is not None:  # type: ignore[union-attr]  after a BEFORE trigger
                new_refs.add(("new row read", t.schema, t.name))  # type: ignore[union-attr]  reading NEW's whole row
            if k == "alter_generated" and new.generated and t.partition_of is not None:  # type: ignore[union-attr]
                p = t.partition_of  # type: ignore[union-attr]  a partition's own expression after its parent's change,
                new_refs.add(("column", p.parent_schema, p.parent, c.name))  # which reaches it (compare.own_expressions)
        if k == "drop_column" and old.generated is not None:  # type: ignore[union-attr]  (such a trigger after it)
            makes.add(("generated gone", t.schema, t.name))  # type: ignore[union-attr]
        if k == "drop_column":  # (a partition's, which its parent's carries down: after it, plan.dependencies)
            makes.add(("column dropped", t.schema, t.name, c.name))  # type: ignore[union-attr]
            removes |= {("column", x.schema, x.name, c.name) for x in c.remakes}  # (the tables under it it reaches:
            # what stands on their column, dropped before it, compare.tails_for_triggers.reached_below)
        if old is not None:
            removes.add(col(c.name))
            for q in c.through[1:]:  # (compare.scratch_retypes: one ALTER retypes every parent's column)
                removes.add(("column", *q, c.name))
                makes.add(("column", *q, c.name))
                if c.through[1] == (t.schema, t.name):  # the lead's, which has each INHERIT the scratch parent: after
                    new_refs.add(("for inherit", *q))  # the drops of their triggers with transition tables, before
                    makes.add(("inherits from", *q))  # their creation (plan.transition_triggers)
            for f in c.fellows:  # (compare.shared_generation: the other parents' columns dropped and added with it)
                removes.add(("column", f[0].schema, f[0].name, c.name))
                makes.add(("column", f[0].schema, f[0].name, c.name))
            old_refs |= column_refs(t, old)  # type: ignore[arg-type]
            if k == "alter_generated" and t.inherits and old.generated and not new.generated:  # type: ignore  a
                # child's expression dropped (its column kept from a parent's ALTER TABLE ONLY ... DROP COLUMN): before
                # the parents' retypes of the columns it read, which reach it
                old_refs |= {("column", q.schema, q.name, r[3]) for q in t.inherits  # type: ignore[union-attr]
                             for r in column_refs(t, old) if r[0] == "column"}  # type: ignore[arg-type]
            old_refs.add(_held_aside(old.type))  # type: ignore[union-attr]
            if k == "drop_column" and old.identity is not None:  # type: ignore[union-attr]
                removes.add(_identity_sequence(t, c.name))  # type: ignore[arg-type]
            if k == "drop_column":  # (a parent's, ONLY or not, before its children's own: compare.inherited_drops)
                makes |= {("dropped only", t.schema, t.name, c.name)} if c.cause in (KEPT_BELOW, None) else set()  # type: ignore
                new_refs |= {("dropped only", *p, c.name) for p in parents_of(t)} if c.cause == AFTER_ONLY else set()  # type: ignore
                removes.add(("notnull", t.schema, t.name, c.name))  # type: ignore[union-attr]
                removes |= {("column name", t.schema, t.name, c.name),  # type: ignore[union-attr]
                            ("column until dropped", t.schema, t.name, c.name)}  # type: ignore[union-attr]
                makes.add(("columns dropped", t.schema, t.name))  # type: ignore[union-attr]
    elif k in ("set_not_null", "drop_not_null", "alter_not_null"):
        (removes if k == "drop_not_null" else makes).add(("notnull", t.schema, t.name, c.name))  # type: ignore
        made, needed = not_null_keys(c)  # (plan.not_null_order)
        makes |= made
        new_refs |= needed
        was, will = not_null_name(old), not_null_name(new)
        if k == "alter_not_null" and was and will and was != will:  # a rename: after what frees the name (18)
            makes.add(("constraint", t.schema, t.name, will))  # type: ignore[union-attr]
            removes.add(("constraint", t.schema, t.name, was))  # type: ignore[union-attr]
        new_refs.add(col(c.name))
        if k == "set_not_null":  # rows holding NULL are given the default first: what it calls exists by then
            new_refs |= _attribute_refs(t, c.name, new, "default")  # type: ignore[arg-type]
    elif k in ("set_default", "drop_default"):
        if old is not None and old.default is not None:  # type: ignore[union-attr]
            old_refs |= _attribute_refs(t, c.name, old, "default")  # type: ignore[arg-type]
        if k == "set_default":
            new_refs |= _attribute_refs(t, c.name, new, "default") | aside_refs(new)  # type: ignore[arg-type]
        elif old is not None and old.name != c.name:  # type: ignore[union-attr]  (compare.around: after RENAME COLUMN)
            new_refs.add(col(c.name))
        new_refs.add(_table(t))  # type: ignore[arg-type]
        # A child's own default after its parent's change, which ALTER TABLE carries down (compare.defaults_below).
        makes.add(("default", t.schema, t.name, c.name))  # type: ignore[union-attr]
        if k == "set_default" or c.cause == DEFAULT_KEPT:
            new_refs |= {("default", *p, c.name) for p in parents_of(t)}  # type: ignore[arg-type]
        if c.cause == DEFAULT_KEPT:  # (and after the parent's ADD COLUMN that gave it the column and a default)
            new_refs.add(col(c.name))
    elif k in ("alter_identity", "drop_identity"):
        old_refs |= _attribute_refs(t, c.name, old, "identity")  # type: ignore[arg-type]
        new_refs |= _attribute_refs(t, c.name, new, "identity") if new is not None and new.identity is not None \
            else {_table(t)}  # type: ignore[union-attr, arg-type]
        # The identity's own sequence, under the name Postgres gives it (a standalone sequence may take it).
        own = _identity_sequence(t, c.name)  # type: ignore[arg-type]
        if old.identity is not None and (new is None or new.identity is None):  # type: ignore[union-attr]
            removes.add(own)
            makes.add(("no identity", t.schema, t.name, c.name))  # type: ignore[union-attr]  (before an ATTACH)
        if old.identity is None and new is not None and new.identity is not None:  # type: ignore[union-attr]
            makes.add(own)
    elif k in ("add_constraint", "add_foreign_key", "add_index", "drop_constraint", "drop_foreign_key",
               "drop_index", "rename_index", "add_trigger", "rename_trigger", "drop_trigger", "alter_trigger", "add_rule", "drop_rule",
               "alter_rule", "add_policy", "drop_policy", "alter_policy", "add_statistics", "drop_statistics"):
        if k.startswith("add_") or k in ("rename_index", "rename_trigger", "alter_trigger", "alter_rule", "alter_policy"):
            makes |= own_keys(t, new) | ({("trigger named", c.name)} if k in ("add_trigger", "alter_trigger") else set())
            if k in ("add_trigger", "alter_trigger") and reads_new_row(new):  # type: ignore[arg-type]  (Postgres refuses
                makes |= {("new row read", *q) for q in [(t.schema, t.name)] + [(p.schema, p.name) for p in t.inherits] +  # type: ignore
                          ([(t.partition_of.parent_schema, t.partition_of.parent)] if t.partition_of else []) +  # type: ignore
                          list(c.above)}
                # (it beside a generated column: its parents' too, whose ADD COLUMN gives it theirs)
                new_refs.add(("generated gone", t.schema, t.name))  # type: ignore[union-attr]
            new_refs |= refs_of(t, new)
        if k in ("add_trigger", "drop_trigger", "alter_trigger"):  # around its table's ATTACH (plan.transition_triggers)
            made, needed = trigger_keys(c, t)
            makes |= made
            new_refs |= needed
        if k == "add_constraint" and t.partition_by is not None and isinstance(new, Check) and not new.no_inherit:  # type: ignore
            new_refs.add(("attached to", t.schema, t.name))  # type: ignore[union-attr]  (after its partitions' ATTACH)
        beside = k in ("add_index", "add_constraint") and beside_copy(t, new)
        if (k == "add_index" or isinstance(new, UNIQUE_KEY_TYPES)) and t.partition_by is not None and not beside:  # type: ignore
            makes.add(("partitioned keys",))  # (any table's: its copies go down every level below it; not one beside a
            # copy, a sub-partitioned partition's: it waits for them itself, attached_beside)
        if k == "add_constraint" and isinstance(new, UNIQUE_KEY_TYPES):  # (compare.unique_pk_copies)
            makes |= _unique_before_parents_key(t, new, c.above)  # type: ignore[arg-type]
            new_refs |= _parents_key_after_unique(t, new)  # type: ignore[arg-type]
        if beside:  # after the ancestors' keys and indexes, whose copies it stands beside (pg.beside_copies), theirs
            new_refs.add(("partitioned keys",))  # beside copies too (made first, their ADD would take it as its copy)
            p = t.partition_of  # type: ignore[union-attr]
            new_refs |= {("beside", *q) for q in ((p.parent_schema, p.parent), *c.above)}  # type: ignore[union-attr]
            if t.partition_by is not None:  # type: ignore[union-attr]
                makes.add(("beside", t.schema, t.name))  # type: ignore[union-attr]
        if k in ("add_index", "drop_index"):  # catalog/partition_indexes.py
            # A partition's own index is made before its parent's, whose CREATE INDEX attaches it; dropped
            # after (IF EXISTS: the parent's DROP took it along).
            if t.partition_of is not None and not beside:  # type: ignore[union-attr]
                p = t.partition_of  # type: ignore[union-attr]
                attached = getattr(c.new if k == "add_index" else c.old, "attached_to", None)
                for q in ((p.parent_schema, p.parent), *(() if attached else c.above)):  # (and the root's, whose
                    # copy of a copy it is: the middle's left out; one attached_to a parent's index is after it alone)
                    (makes if k == "add_index" else new_refs).add(("partition index", k, *q))
            if t.partition_by is not None:  # type: ignore[union-attr]
                (new_refs if k == "add_index" else makes).add(("partition index", k, t.schema, t.name))  # type: ignore
            if k == "add_index":
                new_refs |= twins_before(t, new)  # type: ignore[arg-type]
            # A copy renamed to an index's name (compare.partition_copies.copies_renamed) before the drop of the index
            # that held it under another name, whose DO block would rename it back to Postgres's copy name (taken).
            # (The key made only where one of the two needs it: index_signature normalizes the index's expressions,
            # which generate from scratch had parsed with sqlglot for every index: +2-5% of its CPU, +8 MiB.)
            if k == "add_index" and c.renames_copy_of:
                makes.add(("copy renamed", t.schema, t.name, index_signature(new)))  # type: ignore[arg-type]
            elif k == "drop_index" and t.partition_of is not None and \
                    (new is None or new.name != old.name):  # type: ignore[union-attr]
                new_refs.add(("copy renamed", t.schema, t.name, index_signature(old)))  # type: ignore[arg-type]
        if c.adopted_by is not None:  # after the ATTACH that adopts it (compare.partition_copies.adopted_by_attach)
            new_refs.add(("attached to", *c.adopted_by))
        if k.startswith("drop_") or k in ("rename_index", "rename_trigger", "alter_trigger", "alter_rule", "alter_policy"):
            removes |= own_keys(t, old)
            old_refs |= refs_of(t, old)
        if k == "drop_constraint" and isinstance(old, Check):  # a child's copy merged with it: after (compare.around)
            makes.add(("check dropped", t.schema, t.name, old.name))  # type: ignore[union-attr]
            new_refs |= {("check dropped", q.schema, q.name, old.name) for q in t.inherits} if c.cause == MERGED_COPY else set()  # type: ignore


def _unique_before_parents_key(t: Table, key: object, above: tuple) -> set:
    """A partition's UNIQUE, not beside a copy nor attached_to a twin: made before its parent's PRIMARY KEY of its
    definition, whose ADD takes it as the key's copy, and before the PRIMARY KEY of each table in `above` (the
    Change's: compare.unique_pk_copies), whose ADD goes down through its parent's PRIMARY KEY copy to take it."""
    if not isinstance(key, Unique) or t.partition_of is None or key.beside_copy or key.attached_to is not None:
        return set()
    return {("unique under key", *q, attach_key(key)) for q in ((t.partition_of.parent_schema, t.partition_of.parent),
                                                                 *above)}


def _parents_key_after_unique(t: Table, key: object) -> set:
    """A partitioned table's PRIMARY KEY added after its partitions' UNIQUEs of its definition (where it holds no
    UNIQUE of that definition, whose copies they are)."""
    if not isinstance(key, PrimaryKey) or t.partition_by is None or \
            any(attach_key(u) == attach_key(key) for u in t.uniques):
        return set()
    return {("unique under key", t.schema, t.name, attach_key(key))}


def attached_beside(changes: list[Change], out: list) -> list:
    """`out` (plan.dependencies.Deps of each of `changes`) with a partition's index attached to its parent's own index
    beside a copy (pg.beside_copies: the parent a sub-partitioned partition) made after the ancestors' keys and indexes
    too: made before them, the root's CREATE INDEX, going down, would attach it to the parent's copy instead."""
    beside = {(c.schema, c.table, c.new.name) for c in changes  # type: ignore[union-attr]
              if c.kind == "add_index" and c.table_def.partition_by is not None and beside_copy(c.table_def, c.new)}
    if not beside:
        return out
    for n, c in enumerate(changes):
        p = c.table_def.partition_of if c.kind == "add_index" and c.table_def is not None else None
        if p is not None and (p.parent_schema, p.parent, c.new.attached_to) in beside:  # type: ignore[union-attr]
            d = out[n]
            out[n] = type(d)(d.makes, d.removes, d.needs | {("partitioned keys",)}, d.frees)
    return out
