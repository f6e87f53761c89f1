"""What each change makes, removes, needs and frees: the edges of the planner's dependency graph.

Objects are named by keys: ("schema", ns), ("extension", name), ("type", ns, name) for enums and
domains, ("sequence", ns, name), ("table", ns, name), ("column", ns, table, name), ("notnull", ns,
table, column), ("constraint", ns, table, name), ("index", ns, table, name), and ("key", ns, table,
columns) for what a foreign key can reference (a primary key, a UNIQUE, a plain unique index), and
("set aside", ns, name): an enum or domain re-created, its old self renamed aside until dropped;
("settings", ns, table, column): a column's storage and compression, which PARTITION OF copies.

An object refers to the keys it cannot exist without (a column to its table and its type, a default
to the sequences it calls, a foreign key to the referenced key). A change then declares four sets:

- `makes`: keys that exist (or take their new form) once it ran;
- `removes`: keys that are gone (or lose their old form) once it ran;
- `needs`: keys the new form of its object refers to: they must be made first;
- `frees`: keys the old form referred to and the new one does not: they can be removed only after.

A kind of object joins the graph by saying what its objects refer to (`refs_of`), which keys name
it (`own_keys`) and, in `deps`, which of those its changes make or remove: nothing else in the
planner changes.
"""

from __future__ import annotations

from schemac.model.frozen import frozen
from schemac.model.types import drops_only
from schemac.compare.changes import (AFTER_DETACH, BEFORE_PARENTS_COLUMNS, NAMED_BELOW, NEW_TABLE, CARRIED_TO_PARTITIONS, DOMAIN_CHECKS_LATER, ENUM_REBUILT, COLLATION_ASIDE, INHERITED, KEEPS_COLUMN, Change, set_aside_name)
from schemac.compare.inherited_checks import AFTER_NO_INHERIT, FOR_INHERIT
from schemac.compare.default_rows import REBOUND, ROWS_MOVED
from schemac.compare.inherited_retypes import parents_wrapped
from schemac.compare.column_renames import column_moves, net_renames
from schemac.plan.stubs import STUB, STUBBED
from schemac.plan.not_null_order import attach_needs
from schemac.plan.privilege_order import CREATED as _CREATED, privilege_deps
from schemac.plan.trigger_clone_order import trigger_clone_keys
from schemac.plan.keys import (Key, aside_twins, collation_keys, relation_key, _col, _identity_sequence, _table,
                               type_key, own_keys, refs_of, replica_identity_key, table_members, table_refs, view_default_refs)
from schemac.plan.member_refs import _owner, copy_keys
from schemac.model import Check, INDEXED_KEY_TYPES, Sequence, Table, View
from schemac.compare.identities import identity_sequences
from schemac.pg.names import make_object_name
from schemac.pg.types import type_name
from schemac.pg.sequences import serial_base
from schemac.pg.named_refs import named_refs
from schemac.plan.name_swaps import FROM_SCRATCH, scratch_keys
from schemac.compare.around import sets_aside
from schemac.plan.member_dependencies import MEMBER_KINDS, _held_aside, member_deps

# Made by every change that creates an object default privileges reach: ALTER DEFAULT PRIVILEGES waits
# for all of them, so the objects of a migration start with the default privileges already in force.
# Made by every CREATE EXTENSION, removed by every DROP EXTENSION: what a foreign server's wrapper may come from.
# Two keys, not one: a key one change removes and another makes orders the removal first, and one key would have
# held every CREATE EXTENSION back behind every DROP EXTENSION (and what that waits for: columns of the types the
# new extension makes were added before it).
_EXTENSIONS_MADE, _EXTENSIONS_DROPPED = ("extensions made",), ("extensions dropped",)
# What CREATE EXTENSION's script may make that a migration creating it makes as schema.yaml says: after it.
_TAKEN = frozenset(("add_function", "add_aggregate", "add_operator", "add_view", "add_table", "add_sequence", "add_enum",
                    "add_domain", "add_composite_type", "add_range_type"))
# Made by a table's move to another schema, under both its names there (a sequence it owns names it by the old).
_MOVED = "moved into"
_CREATES = frozenset(("add_table", "add_view", "add_sequence", "add_function", "add_enum", "add_domain",
                      "add_composite_type", "add_range_type", "add_schema"))


@frozen
class Deps:
    makes: frozenset = frozenset()
    removes: frozenset = frozenset()
    needs: frozenset = frozenset()
    frees: frozenset = frozenset()


def deps(c: Change) -> Deps:
    """The four sets of one change (see the module's docstring)."""
    k, t, old, new = c.kind, c.table_def, c.old, c.new
    col = lambda name: _col(t, name)  # noqa: E731
    makes: set[Key] = set()
    removes: set[Key] = set()
    old_refs: set[Key] = set()
    new_refs: set[Key] = set()
    if k == "add_schema":
        makes.add(("schema", c.schema))
    elif k == "drop_schema":
        removes.add(("schema", c.schema))
    elif k == "add_table":
        makes |= table_members(new)  # type: ignore[arg-type]
        new_refs |= table_refs(new)  # type: ignore[arg-type]
        if c.before_parents:  # its parents' columns added after it (compare.parents_columns_later)
            new_refs -= {(kind, *x) for x in c.before_parents for kind in ("column", "notnull")}
            makes |= {("gives later", *x) for x in c.before_parents}
        new_refs |= {("column dropped", *x) for x in c.before_parents} | {("column", *x) for x in c.above}  # (after a
        # standing parent's DROP, or its ADD: compare.tails_for_triggers.made_under)
        for check in new.checks:  # type: ignore[union-attr]  (in the CREATE TABLE: what they call, first)
            new_refs |= refs_of(new, check) if not check.not_valid else set()
        if new.partition_of is not None:  # PARTITION OF copies the parent's storage and compression as they are then
            p = new.partition_of  # type: ignore[union-attr]
            new_refs |= {("settings", p.parent_schema, p.parent, x.name) for x in new.columns}  # type: ignore[union-attr]
    elif k == "drop_table":  # what its members execute or call goes after it (DROP FUNCTION, or one made again,
        removes |= table_members(old)  # type: ignore[arg-type]  is refused under its CHECKs, indexes, triggers...)
        old_refs |= table_refs(old)  # type: ignore[arg-type]
        old_refs |= {_held_aside(x.type) for x in old.columns}  # type: ignore[union-attr]
        for g in (*old.triggers, *old.policies, *old.checks, *old.indexes, *old.exclusions,  # type: ignore[union-attr]
                  *old.statistics, *old.rules):  # type: ignore[union-attr]
            old_refs |= refs_of(old, g)
    elif k == "rename_table":  # (its row type too: a function naming it by its new name, made or replaced, after)
        removes |= {_table(old), ("type", old.schema, old.name), ("signature type", old.schema, old.name),
                    relation_key(old.schema, old.name)}  # type: ignore[union-attr]
        makes |= {_table(new), ("type", new.schema, new.name), ("signature type", new.schema, new.name),
                  relation_key(new.schema, new.name)}  # type: ignore[union-attr]
        renamed = set(net_renames(column_moves(old, new)).values())  # type: ignore[arg-type]  (a RENAME COLUMN's,
        makes |= {col(x.name) for x in new.columns if x.name not in renamed}  # type: ignore  a swap's names too)
        if old.schema != new.schema:  # type: ignore[union-attr]  SET SCHEMA: into a schema made first
            new_refs.add(("schema", new.schema))  # type: ignore[union-attr]
            old_refs.add(("schema", old.schema))  # type: ignore[union-attr]
            # what the table takes along: its identity sequences, and what changes on them waits for (_MOVED)
            removes |= {_identity_sequence(old, x.name) for x in old.columns if x.identity is not None}  # type: ignore
            makes |= {_identity_sequence(new, x.name) for x in new.columns if x.identity is not None}  # type: ignore
            makes |= {(_MOVED, new.schema, old.name), (_MOVED, new.schema, new.name)}  # type: ignore[union-attr]
            # SET SCHEMA takes its sequences' names (serial and identity) from one schema to the other, and the table
            # passes through its old name there: after what renames those away there (a chain of renames that moves)
            removes |= {relation_key(old.schema, n) for n in _owned_names(old)} | \
                ({relation_key(new.schema, old.name)} if old.name != new.name else set())  # type: ignore[union-attr]
    elif k == "rename_type":  # ALTER TYPE ... SET SCHEMA (into a schema made first), RENAME TO: what names it follows
        removes |= own_keys(None, old) | {("signature type", old.schema, old.name)}  # type: ignore[union-attr]
        makes |= own_keys(None, new) | {("signature type", new.schema, new.name)}  # type: ignore[union-attr]
        new_refs.add(("schema", new.schema))  # type: ignore[union-attr]
        old_refs.add(("schema", old.schema))  # type: ignore[union-attr]
        if getattr(new, "subtype", None):  # a range's constructors renamed by a signature naming its subtype anew
            new_refs.add(("signature type", *type_name(new.subtype)))  # type: ignore[union-attr]
    elif k == "rename_view":  # ALTER [MATERIALIZED] VIEW ... SET SCHEMA (into a schema made first), RENAME TO
        removes |= own_keys(None, old)  # type: ignore[arg-type]
        makes |= own_keys(None, new) | {(_MOVED, new.schema, new.name)}  # type: ignore[union-attr, arg-type]
        new_refs.add(("schema", new.schema))  # type: ignore[union-attr]
        old_refs.add(("schema", old.schema))  # type: ignore[union-attr]
    elif k == "rename_view_column":  # ALTER [MATERIALIZED] VIEW ... RENAME COLUMN: what reads the new names, after
        net = net_renames(c.column_renames)  # (a swap's scratch name is neither)
        removes |= {("column", new.schema, new.name, a) for a in net}  # type: ignore[union-attr]
        makes |= {("column", new.schema, new.name, b) for b in net.values()}  # type: ignore[union-attr]
        new_refs.add(("table", new.schema, new.name))  # type: ignore[union-attr]
    elif k in ("grant", "revoke", "set_owner"):  # on the object (and columns) as they are once made
        makes, removes, old_refs, new_refs = privilege_deps(c)
    elif k in ("attach_partition", "detach_partition", "alter_partitioning", "set_logging",
               "set_table_comment", "set_row_type_comment", "set_row_security", "set_table_parameters", "set_foreign_table_options",
               "alter_foreign_table", "remake_foreign_table"):
        new_refs.add(_table(t))  # type: ignore[arg-type]
        if k == "set_logging":
            made, needed = _persistence_order(old, new)  # type: ignore[arg-type]
            makes |= made
            new_refs |= needed
        if k == "attach_partition":  # the parent must have the partition's columns, no more, no less
            p = new.partition_of  # type: ignore[union-attr]
            new_refs.add(("table", p.parent_schema, p.parent))
            new_refs |= {("column", p.parent_schema, p.parent, x.name) for x in new.columns}  # type: ignore
            # ... and the table its own columns as the partition has them (ADD/ALTER COLUMN first), and the
            # parent none it drops (ATTACH refuses a table missing a column the parent still has), and the table none
            # it drops ("table contains column not found in parent": a DROP COLUMN that waits for OWNED BY NONE)
            new_refs |= {col(x.name) for x in new.columns}  # type: ignore[union-attr]
            new_refs |= {("columns dropped", p.parent_schema, p.parent), ("columns dropped", t.schema, t.name)}  # type: ignore
            new_refs |= {("notnull", t.schema, t.name, x.name) for x in new.columns if not x.nullable} | \
                attach_needs(new)  # type: ignore[arg-type]  (and after the parent's DROP NOT NULLs: plan.not_null_order)
            # ... and before the parent's new CHECKs: ATTACH refuses a table without them, ADD CONSTRAINT reaches it
            makes.add(("attached to", p.parent_schema, p.parent))
            new_refs.add(("for inherit", t.schema, t.name))  # type: ignore[union-attr]  after the parent's CHECKs it needs
            # ... and after the table's identities are dropped: ATTACH refuses a table with one (PostgreSQL 17+)
            new_refs |= {("no identity", t.schema, t.name, x.name) for x in new.columns}  # type: ignore[union-attr]
            makes.add(("partition attached", t.schema, t.name))  # type: ignore[union-attr]  before its triggers with
            # transition tables are made again ("for inherit": after their drops; plan.transition_triggers)
        if k == "detach_partition":  # (before the RENAME COLUMNs above that would reach it: compare.inherited_renames)
            old_refs |= {("table", old.partition_of.parent_schema, old.partition_of.parent), *c.leaves_first}  # type: ignore
            makes.add(("detached", t.schema, t.name))  # type: ignore[union-attr]
    elif k == "rename_constraint":  # to Postgres's name for it: after a constraint or index holding that name is dropped
        makes |= {("constraint", t.schema, t.name, c.name), ("index", t.schema, t.name, c.name)}  # type: ignore[union-attr]
        removes |= {("constraint", t.schema, t.name, old.name), ("index", t.schema, t.name, old.name)}  # type: ignore
        if isinstance(old, INDEXED_KEY_TYPES):  # its index's name: after a relation of the schema frees
            makes.add(relation_key(t.schema, c.name))  # type: ignore[union-attr]  it, before one takes the old
            removes.add(relation_key(t.schema, old.name))  # type: ignore[union-attr]
        new_refs |= {_table(t), ("no inherit", t.schema, t.name)}  # type: ignore[union-attr]  (a CHECK a parent it
        # leaves gave it: renamed once its own, 'cannot rename inherited constraint' before; a DETACH: AFTER_DETACH)
    elif k == "set_cluster_on":  # after the index or key it names is made
        on = new.cluster_on  # type: ignore[union-attr]
        new_refs |= {_table(t)} | ({("index", t.schema, t.name, on), ("constraint", t.schema, t.name, on)} if on else set())  # type: ignore
    elif k in ("set_column_settings", "set_column_fdw_options"):  # on the column as it is once made or retyped
        new_refs |= {_table(t), col(c.name)}  # type: ignore[arg-type]
        makes.add(("settings", t.schema, t.name, c.name))  # type: ignore[union-attr]
    elif k == "set_replica_identity":  # after the index or key it names is made, before the old one is dropped (but
        # after both where the new one is a key over the old one's columns, made only once the old one is dropped)
        moved_over = bool(replica_identity_key(old) & replica_identity_key(new))  # type: ignore[arg-type]
        for side, refs in ((new, new_refs), (old, old_refs)):
            on = None if side is old and moved_over else side.replica_identity_index  # type: ignore[union-attr]
            refs |= {_table(t)} | ({("index", t.schema, t.name, on), ("constraint", t.schema, t.name, on)} if on else set())  # type: ignore
    elif k in ("add_inherit", "drop_inherit"):  # the parent and its columns; the child's own, as they will be
        q = new if k == "add_inherit" else old
        parent_columns = {("column", p.schema, p.name, x.name) for p in parents_wrapped(c, q) for x in t.columns}  # type: ignore
        if k == "drop_inherit":
            old_refs |= parent_columns | {("table", q.schema, q.name), *c.leaves_first}  # type: ignore[union-attr]
            makes.add(("no inherit", t.schema, t.name))  # type: ignore[union-attr]  (compare.inherited_checks)
        elif c.cause == KEEPS_COLUMN:  # right after the parent's DROP COLUMN of the columns kept (in `old`),
            kept = {("column", q.schema, q.name, x) for x in old}  # type: ignore
            makes |= kept  # before its other column changes, which reach the child again through it
            old_refs |= parent_columns - kept  # (and before its ADD COLUMNs: KINDS puts add_inherit first)
            new_refs |= {("table", q.schema, q.name), _table(t)}  # type: ignore[union-attr, arg-type]
        else:  # (but the columns the parent gains after it: compare.differ._joined_before_parents_columns)
            later = set(old) if c.cause == BEFORE_PARENTS_COLUMNS or c.cause == NEW_TABLE and isinstance(old, tuple) \
                else set()  # type: ignore[arg-type]  (a new child's: compare.parents_columns_later.joined_first)
            new_refs |= {r for r in parent_columns if r[3] not in later} | {("table", q.schema, q.name), _table(t)} | \
                {col(x.name) for x in t.columns if x.name not in later}  # type: ignore[union-attr]
            makes |= {("joined", q.schema, q.name, x) for x in later} | {("inherits from", t.schema, t.name)}  # type: ignore
            at = t.inherits.index(q) if q in t.inherits else -1  # type: ignore[union-attr]  in their order (inhseqno),
            makes.add(("inherit", t.schema, t.name, at))  # type: ignore[union-attr]  the last one leaving a scratch parent
            new_refs.add(("inherit", t.schema, t.name, at - 1))  # type: ignore[union-attr]  (plan.inherit_ddl)
            new_refs |= {("notnull", t.schema, t.name, x.name) for x in t.columns  # type: ignore[union-attr]
                         if not x.nullable and x.name not in later}
            new_refs.add(("for inherit", t.schema, t.name))  # type: ignore[union-attr]  after the CHECKs it needs
    elif k == "drop_of":  # NOT OF: before its type changes or goes, and before the table's column changes
        old_refs.add(type_key(old.of))  # type: ignore[union-attr]
        new_refs.add(_table(t))  # type: ignore[arg-type]  (after a rename of it)
        makes.add(("untyped", t.schema, t.name))  # type: ignore[union-attr]
    elif k == "set_of":  # OF: once the type and the table's columns are as the type says
        new_refs |= {_table(t), type_key(new.of), ("typed columns", t.schema, t.name)}  # type: ignore[union-attr, arg-type]
        new_refs |= {col(x.name) for x in new.columns}  # type: ignore[union-attr]
    elif k in MEMBER_KINDS:  # a column, its NOT NULL, default or identity; a constraint, index, trigger, rule, policy, statistics
        member_deps(c, makes, removes, old_refs, new_refs)
    elif k in ("add_view", "drop_view", "replace_view") and c.cause in (STUB, STUBBED):  # plan.stubs
        v = new if new is not None else old
        mark = ("stub", v.schema, v.name)  # type: ignore[union-attr]  the stub stands: made, not yet dropped
        stub_refs = {("schema", v.schema)} | {type_key(x.type) for x in v.stub_columns} | \
            collation_keys(*v.stub_columns)  # type: ignore[union-attr]
        if k == "drop_view" and c.cause == STUB:  # emptied: what its query read can go, before its DROP
            new_refs |= stub_refs
            old_refs |= refs_of(None, old) | {mark}
        elif k == "drop_view":
            removes |= own_keys(None, old) | {mark}
            old_refs |= stub_refs
        elif c.cause == STUB:  # its row type and columns, for what needs them before its query
            makes |= own_keys(None, new) | {mark}
            new_refs |= stub_refs
        else:
            makes.add(("view query", v.schema, v.name))  # type: ignore[union-attr]
            new_refs |= refs_of(None, new) | {mark}
    elif k in ("add_view", "drop_view", "alter_view", "replace_view"):  # alter: in place (OR REPLACE)
        makes |= own_keys(None, new) if new is not None else set()
        new_refs |= refs_of(None, new) if new is not None else set()
        if new is not None and new.materialized:  # type: ignore[union-attr]  its rows: of a stubbed view's query
            new_refs |= {("view query", *x[1:]) for x in new_refs if x[0] == "table"}
        removes |= own_keys(None, old) if k == "drop_view" else {("column", new.schema, new.name, a) for a in net_renames(c.column_renames)}  # type: ignore
        # replace_view: a view re-created (its drop_view a change of its own): what the old one read orders that drop.
        old_refs |= refs_of(None, old) if old is not None and k != "replace_view" else set()
    elif k in ("validate_constraint", "enforce_foreign_key", "set_constraint_comment", "set_index_comment", "set_index_parameters",
               "set_column_comment", "set_trigger_enabled", "set_trigger_comment", "set_copy_comment", "refresh_view", "set_view_comment", "set_view_defaults",
               "set_view_parameters",
               "set_rule_comment", "set_policy_comment", "alter_statistics", "set_statistics_comment", "set_publication_owner", "set_publication_comment",
               "set_event_trigger_enabled", "set_event_trigger_owner", "set_event_trigger_comment",
               "set_foreign_server_options", "set_foreign_server_owner", "set_foreign_server_comment", "set_operator_owner",
               "set_foreign_data_wrapper_owner", "set_foreign_data_wrapper_comment",
               "set_object_owner", "set_statistics_owner"):
        target = new if new is not None else old
        new_refs |= {col(c.name)} if k == "set_column_comment" else own_keys(t, target)
        if k in ("set_foreign_server_owner", "set_foreign_data_wrapper_owner"):  # its owner's privileges, as set_owner's
            makes |= {("owned by", *key) for key in own_keys(None, new)}
        if k == "set_trigger_enabled":
            makes |= trigger_clone_keys(c, new_refs)
        elif k == "set_trigger_comment":  # of a clone (compare/trigger_clones.py): once it is there
            trigger_clone_keys(c, new_refs)
        elif k == "set_copy_comment":  # of a copy of a parent's constraint: once the copy is made
            new_refs |= copy_keys(t, new)  # type: ignore[arg-type]
        elif k == "set_view_defaults":  # after the sequences and functions it names are made, before the old go
            old_refs, new_refs = old_refs | view_default_refs(old), new_refs | view_default_refs(new)  # type: ignore
        if k == "validate_constraint" and t is not None and isinstance(target, Check) and \
                all(x.name != target.name for x in t.checks):  # a copy of a parent's (compare/check_validity.py)
            new_refs |= {_table(t)} | {("constraint", s, n, target.name) for s, n in
                                       [(p.schema, p.name) for p in t.inherits] + ([(t.partition_of.parent_schema,
                                        t.partition_of.parent)] if t.partition_of is not None else [])}
    elif k in ("rename_publication", "alter_publication"):  # altered in place (after a rename), or created again
        if k == "rename_publication" or old.all_tables != new.all_tables:  # type: ignore[union-attr]
            removes |= own_keys(None, old)
            makes |= own_keys(None, new)
        if k == "alter_publication":
            new_refs |= refs_of(None, new) | own_keys(None, new)
            old_refs |= refs_of(None, old)
            # a table it gives up may then be made unlogged: Postgres refuses SET UNLOGGED of a published table
            makes |= {("unpublished", x.schema, x.name) for x in old.tables} - \
                {("unpublished", x.schema, x.name) for x in new.tables}  # type: ignore[union-attr]
    elif k == "set_sequence_owner":
        new_refs |= _owner(new, c) | own_keys(None, new)  # type: ignore[arg-type]
        old_refs |= _owner(old)  # type: ignore[arg-type]
    elif k.startswith("add_") or k.startswith("drop_") or k.startswith("alter_") or k == "set_type_comment":
        # Schema-level objects: extensions, enums, domains, sequences.
        if new is not None:
            makes |= own_keys(None, new) if k != "set_type_comment" else set()
            new_refs |= refs_of(None, new) | (own_keys(None, new) if not k.startswith("add_") else set())
        if old is not None and k != "set_type_comment":
            if sets_aside(c):
                # Set aside, not removed: what uses it follows it under its new name (Postgres holds OIDs); only a
                # statement naming the type by name (a function's signature) must run before the rename.
                removes.add(("signature type", old.schema, old.name))  # type: ignore[union-attr]
            elif not (k == "alter_sequence" and (old.schema, old.name) == (new.schema, new.name)):  # type: ignore
                # (ALTER SEQUENCE alters in place: what named it, a table's default dropped with it, needs no turn first)
                removes |= own_keys(None, old) if (new is None or k.startswith("alter_")) else set()
            old_refs |= refs_of(None, old)
            if k in ("drop_domain", "drop_composite_type"):  # (over a type set aside, which its own drop waits for)
                old_refs |= {_held_aside(x) for x in ([old.type] if k == "drop_domain" else  # type: ignore[union-attr]
                                                      [a.type for a in old.attributes])}  # type: ignore[union-attr]
            if k == "alter_domain" and new is not None and drops_only(old, new) and c.cause != ENUM_REBUILT:
                # (compare.around's first step) it stands on them already: a composite base type altered after; not
                # one made again, whose CREATE DOMAIN waits for the base it stands on made again too
                new_refs -= refs_of(None, old)
    if t is not None and k in CARRIED_TO_PARTITIONS:  # a typed table's column changes: between NOT OF and OF
        new_refs.add(("untyped", t.schema, t.name))
        makes.add(("typed columns", t.schema, t.name))
    if t is not None and c.cause != INHERITED and k in AFTER_DETACH:
        new_refs.add(("detached", t.schema, t.name))  # a partition changed while detached: after DETACH
    if c.cause == DOMAIN_CHECKS_LATER:  # the domain made already, used by what the function reads: no key of its own
        own = own_keys(None, new)  # type: ignore[arg-type]
        makes, removes, new_refs = makes - own, removes - own, new_refs | own
    if sets_aside(c):  # renames the old type aside
        makes.add(("set aside", c.schema, set_aside_name(c.name)))
    if c.cause in (ENUM_REBUILT, COLLATION_ASIDE) and k in ("drop_enum", "drop_domain", "drop_range_type", "drop_composite_type", "drop_collation"):
        new_refs.add(("set aside", c.schema, c.name))
    if k in _CREATES:
        makes.add(_CREATED)
    # A server's wrapper comes from an extension (file_fdw, postgres_fdw; dblink's is dblink_fdw) that the model
    # does not name: a server is created after every extension the migration creates, dropped before any it drops.
    if k == "add_extension":
        makes.add(_EXTENSIONS_MADE)
    elif k in _TAKEN and new is not None:  # after what an extension created here takes back (plan.detached_ddl)
        new_refs.add(_EXTENSIONS_MADE)
    elif k == "drop_extension":
        removes.add(_EXTENSIONS_DROPPED)
    elif k in ("add_foreign_server", "alter_foreign_server", "drop_foreign_server", "add_foreign_data_wrapper",
               "set_foreign_data_wrapper_options", "drop_foreign_data_wrapper"):
        if new is not None:  # (a wrapper's handler or validator may be an extension's; a server's wrapper too)
            new_refs.add(_EXTENSIONS_MADE)
        if old is not None:
            old_refs.add(_EXTENSIONS_DROPPED)
        if "wrapper" in k:  # a server after its wrapper (one of the database's own), dropped before it
            (makes if new is not None else removes).update(own_keys(None, new if new is not None else old))
        else:
            new_refs |= {("ForeignDataWrapper", new.wrapper)} if new is not None else set()  # type: ignore[union-attr]
            old_refs |= {("ForeignDataWrapper", old.wrapper)} if old is not None else set()  # type: ignore[union-attr]
    if k not in ("rename_table", "rename_view"):  # a table or view moved: what changes on it (or a sequence it owns) after
        if t is not None:
            new_refs.add((_MOVED, t.schema, t.name))
        if isinstance(new or old, View):
            new_refs.add((_MOVED, (new or old).schema, (new or old).name))  # type: ignore[union-attr]
        if isinstance(old, Sequence) and old.owned_by:  # (OWNED BY names the table as it was: compare.moves)
            new_refs.add((_MOVED, old.schema, old.owned_by.rpartition(".")[0]))
    if k == "put_back_rows":  # once the partition and the tables under it are there; before the foreign keys again
        new_refs |= {("rows held", c.schema, c.table), ("attached to", c.schema, c.table)} | \
            {(kind, *b) for b in c.over_default.under for kind in ("table", "attached to")}  # type: ignore[union-attr]
        makes |= {("rows back", *a) for a in c.over_default.tables}  # type: ignore[union-attr]
    elif c.cause in (ROWS_MOVED, REBOUND):  # a foreign key's drop and add (compare.default_rows)
        ref = (new or old).ref_schema, (new or old).ref_table  # type: ignore[union-attr]
        removes.add(("rows out", *ref)) if k == "drop_foreign_key" else new_refs.add(("rows back", *ref))
    elif c.over_default:  # rows taken out of a default partition: after the foreign keys on them are dropped, and
        makes |= {("rows out", *a) for a in c.over_default.tables} | {("rows held", c.schema, c.table)}
        new_refs.add(("default attached", *c.over_default.source))  # after the default's ATTACH, where the migration makes it
    if c.rebound:  # a partition detached and attached again: after the keys on its parents are dropped, before again
        makes |= {("rows out" if k == "detach_partition" else "rows back", *a) for a in c.rebound}
    if k == "attach_partition" and new.partition_of.bound.strip().upper() == "DEFAULT":  # type: ignore[union-attr]
        makes.add(("default attached", t.schema, t.name))  # type: ignore[union-attr]
    if c.cause == FOR_INHERIT:  # a CHECK the INHERIT needs the table to hold (compare.inherited_checks)
        makes.add(("for inherit", t.schema, t.name))  # type: ignore[union-attr]
    elif c.cause == AFTER_NO_INHERIT:  # a CHECK the NO INHERIT left on the table
        new_refs.add(("no inherit", t.schema, t.name))  # type: ignore[union-attr]
    if c.cause == NAMED_BELOW:  # before the parent's change, which merges into it
        p = t.partition_of  # type: ignore[union-attr]
        makes |= {("named below", q.schema, q.name, c.name) for q in t.inherits} | \
            ({("named below", p.parent_schema, p.parent, c.name)} if p is not None else set())  # type: ignore[union-attr]
    if c.cause == INHERITED and t is not None and t.partition_of is not None:  # made by the parent's change (a DROP
        p = t.partition_of  # by its DROP: a trigger of the partition waits for it, the parent's ADD for the trigger)
        new_refs.add(("column dropped" if k == "drop_column" else "column", p.parent_schema, p.parent, c.name))
    elif c.cause == INHERITED and t is not None:  # (an INHERITS child's DROP by its parent's DROP, as a partition's)
        new_refs |= {("column dropped" if k == "drop_column" else "column", q.schema, q.name, c.name) for q in t.inherits}
    if c.using_index:  # ADD CONSTRAINT ... USING INDEX one of another name: renamed to the key's, its own freed
        removes |= {relation_key(t.schema, c.using_index), ("index", t.schema, t.name, c.using_index)} - makes  # type: ignore
    if c.cause == FROM_SCRATCH:  # a rename's second step (plan.name_swaps): after its first
        aside = scratch_keys(c, removes | makes)
        removes, makes, new_refs = removes - aside, makes - aside, new_refs | aside
    return Deps(frozenset(makes), frozenset(removes), frozenset(new_refs - makes),  # (plan.keys.aside_twins)
                frozenset(old_refs - (new_refs - aside_twins(new_refs)) - removes))


def _persistence_order(old: Table, new: Table) -> tuple[set[Key], set[Key]]:
    """What a SET LOGGED / SET UNLOGGED makes and needs among the tables its foreign keys join: Postgres keeps a logged
    table from referencing an unlogged one ("could not change table c to logged because it references unlogged table
    p"), so a table made logged goes after the tables it references made logged, and one made unlogged after the
    tables referencing it made unlogged."""
    me = (new.schema, new.name)
    refs = {(fk.ref_schema, fk.ref_table) for fk in (*old.foreign_keys, *new.foreign_keys)} - {me}
    if new.unlogged:  # (and after a publication gives it up: "cannot change table ... because it is part of a publication")
        return {("referrer unlogged", *r) for r in refs}, {("referrer unlogged", *me), ("unpublished", *me)}
    return {("made logged", *me)}, {("made logged", *r) for r in refs}


def _owned_names(t: Table) -> set[str]:
    """The names of the sequences of `t`'s schema its columns' defaults call (a serial's), and of its identities'."""
    called = {k[2] for c in t.columns if c.default for k in named_refs(c.default)
              if k[0] == "sequence" and k[1] == t.schema}
    serials = {make_object_name(t.name, c.name, "seq") for c in t.columns if serial_base(c.type)}
    return called | serials | {s.name for s in identity_sequences(t).values()}
