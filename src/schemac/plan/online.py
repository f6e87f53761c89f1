"""`generate --concurrently`: a plan cut into what runs in the main migration and what must run outside a transaction."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.normalize import search_path
from schemac.model import Check, ForeignKey, Schema, Table
from schemac.model.frozen import frozen, replace
from schemac.pg.idents import ident
from schemac.pg.names import constraint_name, make_object_name, qualified, quote_ident
from schemac.plan import ddl
from schemac.plan.column_ddl import index_statistics
from schemac.plan.graph import edges, ordered
from schemac.plan.online_attach import attached_late
from schemac.plan.online_only import CopyNames, built_valid, made_on_only, only_build
from schemac.plan.partition_index_ddl import copy_settings, index_reads
from schemac.plan.planner import render_sql, statements_for, validate_constraint
from schemac.plan.preamble import (UNQUALIFIED_EQUALS, may_hold_unqualified_equals, pinned_search_path, preamble,
                                   restored_search_path, schemas_called, widened)
from schemac.plan.session_pin import reads_in_session
from schemac.plan.sql_strings import do_block, literal


@frozen
class OnlinePlan:
    """`--concurrently`: what runs in the main migration, and what must run outside a transaction.

    Each CREATE INDEX CONCURRENTLY needs a file of its own: Postgres runs a multi-statement file as one
    implicit transaction, where CONCURRENTLY is refused. CHECK constraints on existing tables are added
    NOT VALID in the main file (a brief lock) and validated in a later file (no exclusive lock); not on a table the
    migration makes a child or a partition (INHERIT, ATTACH PARTITION: Postgres merges a parent's CHECK with the
    child's of its name and refuses one NOT VALID, 'constraint "p_check" conflicts with NOT VALID constraint on child
    table "c"'), whose ACCESS EXCLUSIVE lock the main file takes anyway.
    An index whose text calls an `=` only a widened search_path finds (plan.preamble.widened: IS DISTINCT FROM,
    NULLIF, a simple CASE) is built in the main file instead, under that path (widened_indexes): the file of a
    CREATE INDEX CONCURRENTLY holds that statement alone, where no SET can go.
    """

    main: list[exp.Expression]  # [] where it would hold the preamble alone beside other files: no file written
    concurrent: list[tuple[str, exp.Expression]]  # (index name, statement)
    validate: list[exp.Expression]


def plan_online(changes: list[Change], existing: set[tuple[str, str]], taken: frozenset[tuple[str, str]] = frozenset(),
                tables: tuple[Table, ...] = (), standing: tuple[Table, ...] = ()) -> OnlinePlan:
    """`taken`: the relation names the database has (relation_names), which no index is built under beside its old;
    `tables`: schema.yaml's, whose partition trees a partitioned table's new index is made on (plan.online_only),
    `standing` the recorded ones, whose partitions' copies stand (plan.online_only.CopyNames)."""
    main: list[exp.Expression] = preamble(changes)
    pinned = len(main)
    concurrent: list[tuple[str, exp.Expression]] = []
    validate: list[exp.Expression] = []
    swapped, late = _beside(changes, existing, taken)
    keys, replaced = _under_new_keys(changes), _replaced_unique(changes, existing, swapped)
    joining = {(c.schema, c.table) for c in changes if c.kind in ("add_inherit", "attach_partition")}
    built, late_attach, _, only = _index_homes(changes, existing, replaced, tables)
    names = CopyNames(changes, tables, taken, standing, only, frozenset(late_attach)) if only else None
    attaching: list[exp.Expression] = []
    renames: list[exp.Expression] = []
    checks: list[exp.Expression] = []
    freed: list[exp.Expression] = []
    for c in ordered(changes):
        on_existing = (c.schema, c.table) in existing
        if _key(c) in late:
            freed.extend(statements_for(c))  # (once the old index is dropped CONCURRENTLY)
            continue
        if c.kind == "add_index" and (c.schema, c.table, c.name) in only:
            made = only_build(c, names)  # type: ignore[arg-type]
            concurrent.extend(made.concurrent)
            checks.extend(made.checks)
            attaching.extend(made.attaching + statements_for(c)[1:])  # (its settings, statistics: after it)
            continue
        if _key(c) in late_attach:
            attaching.extend(statements_for(c))  # (once the partitions' indexes it attaches are built, and valid)
            continue
        if c.kind == "drop_index" and (c.schema, c.table, c.name) in swapped:
            continue  # (dropped CONCURRENTLY once the new one stands)
        if c.kind == "set_replica_identity" and _identity_on(c.new) in swapped:  # type: ignore[arg-type]
            continue  # (marked on the new index beside the old: _built_beside)
        if c.kind == "set_replica_identity" and _identity_on(c.new) in built:  # type: ignore[arg-type]
            validate.extend(statements_for(c))  # (once the index is built CONCURRENTLY, and checked valid: Postgres
            continue  # refuses an index that does not exist yet, 'index "t_k2" for table "t" does not exist')
        if c.kind == "set_index_comment" and (c.schema, c.table, c.name) in built \
                or c.kind == "set_cluster_on" and (c.schema, c.table, getattr(c.new, "cluster_on", None)) in swapped | built:
            validate.extend(statements_for(c))  # (once the index exists under its name: CLUSTER ON the old one went
            continue  # with it, DROP INDEX CONCURRENTLY taking the mark; a new one is not there before its own file)
        if c.kind == "add_index" and (c.schema, c.table, c.name) in swapped:
            concurrent.extend(_built_beside(c))
            renames.append(_renamed(c))
            validate.extend(index_statistics(c.table_def, None, c.new))  # type: ignore[arg-type]
        elif c.kind == "add_index" and (c.schema, c.table, c.name) in built:
            concurrent.append((c.name, ddl.create_index(c.table_def, c.new, concurrently=True)))  # type: ignore
            checks.append(built_valid(c.schema, c.name))  # type: ignore[arg-type]  (first in the validating file)
            validate.extend(copy_settings(c.table_def, c.new) +  # type: ignore[arg-type]  (once it exists)
                            index_statistics(c.table_def, None, c.new))  # type: ignore[arg-type]
        elif c.kind == "add_constraint" and on_existing and isinstance(c.new, Check) and not c.new.not_valid \
                and c.new.enforced and (c.schema, c.table) not in joining:  # (NOT ENFORCED: nothing to validate)
            stmt = exp.Alter(this=ddl.table_ref(c.table_def), kind="TABLE",  # type: ignore[union-attr]
                             actions=[exp.AddConstraint(expressions=[ddl.constraint_node(c.new)])])  # type: ignore[arg-type]
            stmt.set("not_valid", True)
            main.extend(widened([stmt], lambda s: render_sql([s]) if may_hold_unqualified_equals(c.new) else ""))
            # (VALIDATE computes the CHECK over the rows: a function of another schema it calls, under the path its
            # body needs, as ADD CONSTRAINT without NOT VALID would have been in the main file)
            validate.extend(widened([validate_constraint(c.table_def, c.new.name)], lambda s: "", c))  # type: ignore[arg-type]
        else:
            main.extend(statements_for(c))
    validate = checks + attaching + renames + freed + validate
    if validate:  # a transaction of its own
        validate = [pinned_search_path(), *validate, restored_search_path()]
    if len(main) == pinned and (concurrent or validate):  # (no main file of the search_path's SET lines alone: sqlx
        main = []  # would record a migration that does nothing, first of the change's files)
    return OnlinePlan(main, concurrent, validate)


def _index_homes(changes: list[Change], existing: set[tuple[str, str]], replaced: set[tuple[str, str, str]],
                 tables: tuple[Table, ...] = ()) -> tuple[set, set, set, frozenset]:
    """(built, late, inline, only): the new indexes (schema, table, name) built CONCURRENTLY, the changes (kind,
    schema, table, name) that wait for partitions' indexes among them in the validating file, the partitions' indexes
    built in the main file instead, before a partitioned index there attaching them (plan.online_attach), and the
    partitioned tables' indexes made ON ONLY, their copies built CONCURRENTLY (plan.online_only)."""
    keys = _under_new_keys(changes)
    built = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_index" and (c.schema, c.table) in existing
             and not _in_transaction(c, keys, replaced)}
    alone = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_index" and _partitioned(c)
             and not _in_main_path(c) and not _under(c, keys) and (c.schema, c.table, c.name) not in replaced}
    only = frozenset(made_on_only(changes, existing, tables, alone, built))
    late, inline = attached_late(changes, built, alone, only)
    return built - inline, late, inline, only


def _swapped(changes: list[Change], existing: set[tuple[str, str]]) -> set[tuple[str, str, str]]:
    """The indexes of an existing plain table the plan replaces (DROP INDEX, CREATE INDEX of the same name) that
    --concurrently builds beside the old one, under a name of its own, before it drops the old one CONCURRENTLY and
    renames the new: the table is never without the index, nor its UNIQUE without one checking it. Only where the
    index itself changed (not dropped around a column's retype, which the old one may not survive). Not a partition's
    or a partitioned table's (their indexes are attached copies: plan.partition_index_ddl), nor an index under a
    foreign key the plan adds (Postgres ties the key to the old index, whose DROP it would then refuse), nor one built
    in the main file (_widened), nor one whose old definition reads a column the plan retypes, which ALTER COLUMN ...
    TYPE rebuilds and it may not survive (a varchar's `type IN ('a')` made an enum: 'functions in index predicate must
    be marked IMMUTABLE', its `(type)::text` now enum_out): dropped in the main file, before the retype. That is the
    one way short of building it in the main file: Postgres keeps no index with an expression or a predicate over a
    retyped column but by building it again under ALTER TABLE's ACCESS EXCLUSIVE lock (CheckIndexCompatible never
    reuses one, even where the table is not rewritten: varchar(10) made varchar(20)); a plain one over the column
    is kept through the retype by the plan, which Postgres reuses or rebuilds. A UNIQUE one is built in the main
    file (_replaced_unique)."""
    dropped = {(c.schema, c.table, c.name): c.old for c in changes if c.kind == "drop_index" and c.cause is None}
    referenced = {(s, t) for s, t, _ in _under_new_keys(changes)}
    retyped = {(c.schema, c.table, c.name) for c in changes if c.kind == "alter_column_type"}
    return {(c.schema, c.table, c.name) for c in changes if c.kind == "add_index" and c.cause is None
            and (c.schema, c.table) in existing
            and (c.schema, c.table, c.name) in dropped and (c.schema, c.table) not in referenced and c.table_def is not None
            and c.table_def.partition_of is None and c.table_def.partition_by is None and not _widened(c)
            and not any(index_reads(dropped[(c.schema, c.table, c.name)], column)  # type: ignore[arg-type]
                        for s, t, column in retyped if (s, t) == (c.schema, c.table))}


def relation_names(schema: Schema) -> frozenset[tuple[str, str]]:
    """The (schema, name) of every table, index (a key's too), sequence and view of `schema`: where CREATE INDEX
    under _new_name would fail, or find another relation (IF NOT EXISTS) and rename it."""
    names = {(t.schema, t.name) for t in schema.tables} | {(s.schema, s.name) for s in schema.sequences}
    names |= {(v.schema, v.name) for v in schema.views}
    for t in schema.tables:
        names |= {(t.schema, i.name) for i in t.indexes}
        names |= {(t.schema, constraint_name(t, k)) for k in t.indexed_keys()}
    return frozenset(names)


# What an index's definition holds that Postgres will not drop under it (its table's columns go with it: not these)
_HELD_BY_INDEXES = frozenset({"drop_function", "drop_operator", "drop_operator_class", "drop_operator_family",
                              "drop_collation", "drop_text_search_config", "drop_text_search_dictionary", "drop_domain",
                              "drop_enum", "drop_composite_type", "drop_range_type", "drop_extension", "drop_schema"})


def _key(c: Change) -> tuple:
    return (c.kind, c.schema, c.table, c.name)


def _beside(changes: list[Change], existing: set[tuple[str, str]],
            taken: frozenset[tuple[str, str]]) -> tuple[set[tuple[str, str, str]], set[tuple]]:
    """The indexes built beside their old one (_swapped, but where the database or the migration has the name it
    would be built under: _new_name), and the changes that wait for the old ones to go (_kept_beside)."""
    taken = taken | {(c.schema, c.name) for c in changes if c.name and c.kind.startswith("add_")}
    return _kept_beside(changes, {k for k in _swapped(changes, existing) if (k[0], _new_name(k[2])) not in taken})


def _replaced_unique(changes: list[Change], existing: set[tuple[str, str]],
                     swapped: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """The UNIQUE indexes of existing tables the plan drops and makes again that are not built beside their old one
    (_swapped: one reading a retyped column, or whose old definition holds what the main file drops, or whose
    `_ccnew` name is taken): built in the main file where the old is dropped, not CONCURRENTLY after, which would leave
    the table without their check in between (a duplicate let in, which fails the build; INSERT ... ON CONFLICT
    refused, 'there is no unique or exclusion constraint matching the ON CONFLICT specification'). Around a retype
    that costs the lock no more than keeping it would: ALTER COLUMN ... TYPE builds an index with an expression or a
    predicate over the column again under its ACCESS EXCLUSIVE lock, never reusing it (CheckIndexCompatible), even
    where the table is not rewritten (varchar(10) made varchar(20))."""
    dropped = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_index"}
    return {(c.schema, c.table, c.name) for c in changes if c.kind == "add_index" and getattr(c.new, "unique", False)
            and (c.schema, c.table) in existing and (c.schema, c.table, c.name) in dropped - swapped}


def _in_transaction(c: Change, keys: set[tuple[str, str, frozenset[str]]], replaced: set[tuple[str, str, str]]) -> bool:
    """Whether an add_index of an existing table is built in the main file rather than CONCURRENTLY (_widened,
    _under, _replaced_unique)."""
    return _widened(c) or _under(c, keys) or (c.schema, c.table, c.name) in replaced


def _kept_beside(changes: list[Change], swapped: set[tuple[str, str, str]]) -> tuple[set[tuple[str, str, str]], set[tuple]]:
    """The indexes of _swapped still built beside their old one, and the changes that wait for the old ones to go
    (_after_old_indexes). Not one whose old definition holds what a change of the main file drops or alters (a
    function whose signature changes, dropped before CREATE FUNCTION of the new one; a composite type's attribute it
    reads, which ALTER TYPE ... DROP ATTRIBUTE drops: Postgres refuses either while the old index stands, 'cannot drop
    function f(integer) because other objects depend on it'): dropped in the main file, before that change, and built
    CONCURRENTLY after, as an index that is new."""
    after = edges(changes) if swapped else {}
    while True:
        late = _after_old_indexes(changes, swapped, after)
        held = {(c.schema, c.table, c.name) for i, c in enumerate(changes)
                if c.kind == "drop_index" and (c.schema, c.table, c.name) in swapped
                and any(_key(changes[j]) not in late and _key(changes[j]) != ("add_index", *_key(c)[1:])
                        for j in after.get(i, ()))}
        if not held:
            return swapped, late
        swapped = swapped - held


def _after_old_indexes(changes: list[Change], swapped: set[tuple[str, str, str]], after: dict[int, set[int]]) -> set[tuple]:
    """The drops that wait for an index built beside its old one (_swapped) to be rid of the old: what only the old
    definition used (a function its expression called, which the graph (plan.graph.edges) orders after its drop_index,
    and any extension, whose operator class it may use), whose DROP Postgres refuses while the old index stands. Moved to
    the validating file, after the old is dropped CONCURRENTLY; not one a change of the main file waits for."""
    if not swapped:
        return set()
    late = {j for i, c in enumerate(changes) if c.kind == "drop_index" and (c.schema, c.table, c.name) in swapped
            for j in after.get(i, ())}
    # (an operator class or access method an old index used ties it to its extension with no edge of the graph, which
    # orders drop_index first by the kinds' order alone: every extension's DROP waits)
    late |= {j for j, c in enumerate(changes) if c.kind == "drop_extension"}
    while True:  # (a drop only, whose followers are all late too)
        keep = {j for j in late if changes[j].kind in _HELD_BY_INDEXES and after.get(j, set()) <= late}
        if keep == late:
            return {_key(changes[j]) for j in late}
        late = keep


def _new_name(name: str) -> str:
    """The name the new index is built under beside the old: Postgres's own for REINDEX CONCURRENTLY's (t_k_ccnew)."""
    return make_object_name(name, None, "ccnew")


def _built_beside(c: Change) -> list[tuple[str, exp.Expression]]:
    """CREATE INDEX CONCURRENTLY under _new_name, then DROP INDEX CONCURRENTLY of the old: a `-- no-transaction`
    file each (_swapped). Without IF NOT EXISTS: a run again after a failed build, which leaves the index INVALID,
    stops there, rather than dropping the old and renaming the invalid one as the index."""
    table = c.table_def
    built = ddl.create_index(table, replace(c.new, name=_new_name(c.name)), concurrently=True,  # type: ignore
                             if_not_exists=False)  # (an INVALID one a failed build left: not renamed as the index)
    old = exp.Table(this=ident(c.name), db=ident(c.schema))
    drop = (c.name, exp.Drop(tables=[old], kind="INDEX", exists=True, concurrently=True))
    if _identity_on(table) != (c.schema, c.table, c.name):  # type: ignore[arg-type]
        return [(c.name, built), drop]
    # (the table's REPLICA IDENTITY USING INDEX names it: moved to the new one before the old is dropped, which would
    # leave the table no identity (relreplident 'i' and no index marked: logical replication's UPDATE and DELETE
    # refused); the mark follows the index through its RENAME)
    marked = ddl.command("ALTER", "TABLE", qualified(c.schema, c.table), "REPLICA IDENTITY",  # type: ignore[arg-type]
                         f"USING INDEX {quote_ident(_new_name(c.name))}")  # type: ignore[arg-type]
    return [(c.name, built), (c.name, marked), drop]


def _identity_on(table: Table) -> tuple:
    """(schema, table, index) of the index a table's REPLICA IDENTITY USING INDEX names, else ()."""
    return (table.schema, table.name, table.replica_identity_index) if table.replica_identity == "index" else ()


def _renamed(c: Change) -> exp.Expression:
    """The new index given its name once the old one is gone (a brief lock, in the validating file)."""
    return exp.Alter(this=exp.Table(this=ident(_new_name(c.name)), db=ident(c.schema)), kind="INDEX",
                     actions=[exp.AlterRename(this=exp.Table(this=ident(c.name)))])


def _widened(c: Change) -> bool:
    """Whether an add_index's CREATE INDEX calls an `=` its text cannot name (plan.preamble.UNQUALIFIED_EQUALS), or
    may name an extension's object bare (_on_extension_path), or calls a function of another schema, whose body
    may name that schema's objects bare (plan.preamble.schemas_called: the main file runs it with that schema on
    the path), or holds a constant the session reads (_reads_constants); or is an index of a partitioned table."""
    return _partitioned(c) or _in_main_path(c)


def _in_main_path(c: Change) -> bool:
    """Whether an add_index needs the main file's search_path or session settings (_widened, but a partitioned one)."""
    return _unqualified_equals(c) or _on_extension_path(c) or bool(schemas_called(c)) or _reads_constants(c) \
        or bool(c.lent_path)


def _under_new_keys(changes: list[Change]) -> set[tuple[str, str, frozenset[str]]]:
    """(schema, table, columns) each foreign key the plan adds references."""
    return {(c.new.ref_schema, c.new.ref_table, frozenset(c.new.ref_columns)) for c in changes
            if c.kind == "add_foreign_key" and isinstance(c.new, ForeignKey)}


def _under(c: Change, keys: set[tuple[str, str, frozenset[str]]]) -> bool:
    """A UNIQUE index (no WHERE, no expression) a foreign key the plan adds may reference: the key is added in the main
    file, where Postgres wants the index it references ('there is no unique constraint matching given keys'), so it
    is built there too (dropped and made again in one transaction: no window without it)."""
    index = c.new
    return bool(index.unique) and index.where is None and all(e.expression is None for e in index.elements) \
        and (c.schema, c.table, frozenset(e.column for e in index.elements)) in keys  # type: ignore[union-attr]


def _partitioned(c: Change) -> bool:
    """An index of a partitioned table: Postgres cannot build one CONCURRENTLY ('cannot create index on partitioned
    table "o" concurrently')."""
    return c.table_def is not None and c.table_def.partition_by is not None


def _reads_constants(c: Change) -> bool:
    """A predicate or key holding a constant the applying session's zone or styles read (plan.session_pin: `WHERE ts >
    '2024-01-01'` of a timestamptz), which only a transaction's SET LOCAL pins."""
    return (c.new.where is not None or any(e.expression is not None for e in c.new.elements)) and \
        reads_in_session(render_sql([ddl.create_index(c.table_def, c.new)]))  # type: ignore[union-attr,arg-type]


def _unqualified_equals(c: Change) -> bool:
    return may_hold_unqualified_equals(c.new) and UNQUALIFIED_EQUALS.search(
        render_sql([ddl.create_index(c.table_def, c.new)])) is not None  # type: ignore[arg-type]


def _on_extension_path(c: Change) -> bool:
    """An expression key or WHERE, where extensions live outside public: their schemas are on the migration's
    search_path (plan.preamble.pinned_search_path), which bare names of their objects need."""
    index = c.new
    return bool(search_path()) and (index.where is not None  # type: ignore[union-attr]
                                    or any(e.expression is not None for e in index.elements))  # type: ignore[union-attr]


def widened_indexes(changes: list[Change], existing: set[tuple[str, str]],
                    taken: frozenset[tuple[str, str]] = frozenset(), tables: tuple[Table, ...] = ()) -> list[str]:
    """`generate --concurrently`'s notices of the new indexes on existing tables built in the migration's transaction,
    not CONCURRENTLY (plan_online)."""
    keys = _under_new_keys(changes)
    replaced = _replaced_unique(changes, existing, set())
    replaced = replaced and _replaced_unique(changes, existing, _beside(changes, existing, taken)[0])
    _, _, inline, only = _index_homes(changes, existing, replaced, tables)
    added = {(c.schema, c.name) for c in changes if c.kind == "add_index"}
    return [f"{c.source or c.path}: index {c.name} is built in the migration's transaction, not CONCURRENTLY: "
            + (_ATTACHED_THERE if (c.schema, c.table, c.name) in inline else _why_in_transaction(c, _under(c, keys)))
            for c in changes if c.kind == "add_index" and (c.schema, c.table) in existing
            and (c.schema, c.table, c.name) not in only and (_in_transaction(c, keys, replaced) or (c.schema, c.table, c.name) in inline
                 and not _renamed_in_place(c, added))]


def _renamed_in_place(c: Change, added: set[tuple[str, str]]) -> bool:
    """A partition's copy renamed by hand of an index that stands already: renamed in the main file, nothing built."""
    return bool(c.renames_copy_of) and c.renames_copy_of not in added


_ATTACHED_THERE = ("an index of a partitioned table, which Postgres cannot build CONCURRENTLY, attaches it there, "
                   "before a change the transaction holds that waits for it")


def _why_in_transaction(c: Change, under: bool) -> str:
    if _partitioned(c):
        return "Postgres cannot build an index of a partitioned table CONCURRENTLY"
    if not _widened(c):
        return "a foreign key the migration adds references it" if under else "it replaces a UNIQUE index that cannot " \
            "be built beside the old one, whose check the table would lack until the build"
    return ("it compares with IS DISTINCT FROM, NULLIF or a simple CASE, whose `=` Postgres finds only on the "
            "search_path the migration widens for it (plan.preamble.widened)" if _unqualified_equals(c) else
            "its expressions may name an extension's objects bare, which Postgres finds only on the search_path the "
            f"migration sets (public, {', '.join(search_path())})" if _on_extension_path(c) else
            f"it calls functions of {', '.join(schemas_called(c))}, whose bodies may name their schema's objects bare, "
            "which Postgres finds only on the search_path the migration widens for it (plan.preamble.widened)"
            if schemas_called(c) else "it holds a date, time or interval constant, which Postgres reads in the "
            "applying session's TimeZone, DateStyle and IntervalStyle, which the migration's transaction sets "
            "(plan.session_pin)" if _reads_constants(c) else "it calls a function whose body names objects bare, "
            "which PostgreSQL 17 and later find only on the path the migration lends it while it builds the index "
            "(compare.restricted_path)") + ", which a `-- no-transaction` file cannot set"
