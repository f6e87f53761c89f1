"""`generate --concurrently`: a partitioned table's new index made ON ONLY, each partition's copy built CONCURRENTLY.

Postgres cannot build a partitioned table's index CONCURRENTLY, and its CREATE INDEX builds a copy on every partition
holding none of its definition under a SHARE lock on each, held to the end of the transaction. The way Postgres
documents (ddl-partitioning, "Partition Maintenance"): CREATE INDEX ... ON ONLY the parent (INVALID, empty), each
leaf's copy built with CREATE INDEX CONCURRENTLY in a `-- no-transaction` file under the name the plain build gives
it (pg.childindex, numbered past the names the schema holds: compare.partition_copies.index_copies), an ON ONLY index
on each sub-partitioned partition, then ALTER INDEX ... ATTACH PARTITION level by level in the validating file, the
last of which makes each valid. A partition's own index of the definition (catalog.partition_indexes) is attached by
its name, one beside a copy (pg.beside_copies) left alone: so a fresh build's indexes, each under its name. Only
where every partition of the tree stands before the migration and none is attached, detached, made or dropped by it,
and nothing the main file holds waits on the index (plan.online_attach); the validating file checks on the server
that the tree holds no partition schema.yaml does not list (one made after inspect: pg_partman's premake, a foreign
table), nor a relation it does not list a name given a copy, where it builds the index as without --concurrently
instead (it attaches the copies built, makes the rest).
"""

from __future__ import annotations

import re

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.default_rows import partitions
from schemac.compare.definition_keys import attach_key
from schemac.compare.partition_copies import index_copies
from schemac.model import Index, Table
from schemac.model.frozen import frozen, replace
from schemac.pg.beside_copies import beside_copy
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified
from schemac.plan import ddl
from schemac.plan.graph import edges
from schemac.plan.online_attach import reached
from schemac.plan.sql_strings import do_block, literal

# What changes a partition tree: an index made ON ONLY and attached by name needs the tree as it stands
_TREE_KINDS = frozenset({"rename_table", "detach_partition", "drop_inherit", "drop_table", "add_table", "add_inherit",
                         "alter_partitioning", "attach_partition", "put_back_rows"})


@frozen
class OnlyBuild:
    """One partitioned index's build: the copies' CREATE INDEX CONCURRENTLY (index name, statement), their validity
    checks, and the validating file's DO block making the ON ONLY indexes and attaching the partitions'."""

    concurrent: list[tuple[str, exp.Expression]]
    checks: list[exp.Expression]
    attaching: list[exp.Expression]


def made_on_only(changes: list[Change], existing: set[tuple[str, str]], tables: tuple[Table, ...],
                 alone: set[tuple[str, str, str]], built: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """The new indexes (schema, table, name) of partitioned tables made so: of `alone` (kept out of CONCURRENTLY only
    for being a partitioned table's), not replacing one, of a tree the migration neither makes nor changes, holding
    no foreign table (which no index is built on) nor an index of its definition it does not add (_twinned), where
    all that waits on it is a comment on an index, an index of `alone` made so too, or a partition's index of `built`
    (built CONCURRENTLY, by its name: the parent's ATTACH names the one it takes). Not a UNIQUE one beside a key of
    its columns on the tree, which the plain build would take as the copy."""
    if not tables:
        return set()
    below, after = _children(tables), edges(changes)
    moved = {(c.schema, c.table) for c in changes if c.kind in _TREE_KINDS}
    dropped = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_index"}  # (replaced: built where the
    # old is dropped, in the main file, not after the copies' builds, the table without it meanwhile)
    reach: dict[tuple[str, str, str], set[int]] = {}
    for i, c in enumerate(changes):
        key = (c.schema, c.table, c.name)
        if c.kind != "add_index" or key not in alone or key in dropped or c.renames_copy_of or c.table_def is None:
            continue
        tree = _tree(c.table_def, below)
        if all(t.key in existing and t.key not in moved and t.foreign is None for t in tree) \
                and not _keyed(c.new, tree) and not _twinned(c.new, tree, changes):  # type: ignore[arg-type]
            reach[key] = reached(after.get(i, set()), after)
    out = set(reach)
    while True:  # (an index of `alone` waiting on one, not made so itself: the one waited on is not either)
        kept = {k for k in out if all(_waits_well(changes[j], out, built) for j in reach[k])}
        if kept == out:
            return out
        out = kept


def _waits_well(c: Change, only: set[tuple[str, str, str]], built: set[tuple[str, str, str]]) -> bool:
    key = (c.schema, c.table, c.name)
    return c.kind == "set_index_comment" or c.kind == "add_index" and (key in only or key in built)


def _twinned(index: Index, tree: list[Table], changes: list[Change]) -> bool:
    """Whether the tree holds, or the migration drops, an index of `index`'s definition it does not add (but a
    partition's own that the new one attaches): which of the twins each copy is attached to and which number its
    name takes, Postgres chose by the order of their making (the plan renames them about: plan.partition_index_ddl),
    not known here."""
    added = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_index"}
    here = {t.key for t in tree}
    return any(attach_key(i) == attach_key(index) and (t.schema, t.name, i.name) not in added
               and (t is tree[0] or beside_copy(t, i) or i.attached_to not in (None, index.name))
               for t in tree for i in t.indexes) or \
        any(c.kind == "drop_index" and (c.schema, c.table) in here and attach_key(c.old) == attach_key(index)  # type: ignore
            for c in changes)


def _keyed(index: Index, tree: list[Table]) -> bool:
    columns = {e.column for e in index.elements}
    return index.unique and any({*k.columns} == columns for t in tree
                                for k in (*t.uniques, *([t.primary_key] if t.primary_key else [])))


def _children(tables: tuple[Table, ...]) -> dict[tuple[str, str], list[Table]]:
    return partitions({t.key: t for t in tables})


def _tree(t: Table, below: dict[tuple[str, str], list[Table]]) -> list[Table]:
    """`t` and its partitions at every depth."""
    out = [t]
    for child in below.get(t.key, ()):
        out += _tree(child, below)
    return out


class CopyNames:
    """The names Postgres gives partitions' copies (ChooseRelationName: numbered past the schema's relations), in the
    order the migration makes them, after the copies that stand once the main file ran: those of the indexes standing
    before the migration and kept by it, read off the inspected tables (`standing`: state.json's, which list a copy
    numbered by its history, `o_1_b_idx1` beside no `o_1_b_idx`, where schema.yaml, inspected after another build,
    may not), and those of the partitioned indexes the main file makes (`late`: the changes made in the validating
    file instead, after the copies' builds), which make theirs before the CREATE INDEX CONCURRENTLY files."""

    def __init__(self, changes: list[Change], tables: tuple[Table, ...], taken: frozenset[tuple[str, str]],
                 standing: tuple[Table, ...] = (), only: frozenset = frozenset(), late: frozenset = frozenset()):
        self.below = _children(tables)
        self.taken = set(taken) | {(c.schema, c.name) for c in changes if c.name and c.kind.startswith("add_")}
        added = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_index"}
        gone = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_index"}  # (dropped in the main file)
        standing = standing or tables
        below, by_key = _children(standing), {t.key: t for t in standing}
        for t in standing:
            p = t.partition_of
            parent = by_key.get((p.parent_schema, p.parent)) if p is not None else None
            for index in t.indexes if t.partition_by is not None else ():
                if (t.schema, t.name, index.name) not in added | gone and (parent is None or beside_copy(t, index) or all(
                        attach_key(i) != attach_key(index) for i in parent.indexes)):  # (not a copy of its parent's)
                    self._standing(t, index, added, below)
        for c in changes:  # (made in the main file: a partitioned table's new index not made ON ONLY nor moved late)
            if c.kind == "add_index" and c.table_def is not None and c.table_def.partition_by is not None \
                    and (c.schema, c.table, c.name) not in only and (c.kind, c.schema, c.table, c.name) not in late:
                self._standing(c.table_def, c.new, added, self.below)  # type: ignore[arg-type]

    def _standing(self, t: Table, index: Index, added: set, below: dict) -> None:
        for child, own in self.attached(t, index, below):
            if own is None:
                copy = self.copy(child, index)
                if child.partition_by is not None:
                    self._standing(child, copy, added, below)
            elif (child.schema, child.name, own.name) not in added and child.partition_by is not None:
                self._standing(child, own, added, below)

    def attached(self, t: Table, index: Index, below: dict | None = None) -> list[tuple[Table, Index | None]]:
        """Each partition of `t` (of `below`, schema.yaml's by default) with its own index the plain CREATE INDEX
        attaches (of the definition, not one beside a copy, not attached to a twin), else None: a copy."""
        out = []
        for child in (self.below if below is None else below).get(t.key, ()):
            own = [i for i in child.indexes if attach_key(i) == attach_key(index) and not beside_copy(child, i)
                   and i.attached_to in (None, index.name)]
            out.append((child, own[0] if own else None))
        return out

    def copy(self, child: Table, index: Index) -> Index:
        """`index`'s copy on `child`, its name taken."""
        reserved = frozenset(name for schema, name in self.taken if schema == child.schema)
        made = replace(index_copies(child, [index], reserved)[0], attached_to=None)
        self.taken.add((child.schema, made.name))
        return made


def only_build(c: Change, names: CopyNames) -> OnlyBuild:
    """The new index of `c` (of made_on_only) made ON ONLY, its copies built CONCURRENTLY, all attached; built as
    without --concurrently instead where the tree holds a partition schema.yaml does not list, or a name the plan gives
    is not what it expects (_unexpected)."""
    t, index = c.table_def, c.new
    concurrent: list[tuple[str, exp.Expression]] = []
    checks: list[exp.Expression] = []
    attached: list[tuple[str, str]] = []
    fresh: list[str] = []
    body = [_on_only(t, index)] + _below(t, index, names, concurrent, checks, (attached, fresh))  # type: ignore
    known = ", ".join(_regclass(p.schema, p.name) for p in _tree(t, names.below))  # type: ignore[arg-type]
    tree = f"pg_catalog.pg_partition_tree({_regclass(t.schema, t.name)})"  # type: ignore[union-attr]
    plain = ddl.create_index(t, index).sql(dialect=RENDER)  # type: ignore[arg-type]
    return OnlyBuild(concurrent, checks, [do_block(
        f"BEGIN IF EXISTS (SELECT 1 FROM {tree} p WHERE p.relid <> ALL (ARRAY[{known}])){_unexpected(attached, fresh)} "
        f"THEN {plain}; ELSE {' '.join(s + ';' for s in body)} END IF; END")])


def _regclass(schema: str, name: str) -> str:
    return f"pg_catalog.to_regclass({literal(qualified(schema, name))})"


def _unexpected(attached: list[tuple[str, str]], fresh: list[str]) -> str:
    """The DO block's tests, OR'd to its own, that a name the plan gives is not what it expects: an index it attaches
    (a leaf's copy built CONCURRENTLY, a partition's own: regclass, its table's) no index of its partition or attached
    already, or an ON ONLY copy's name (regclass) taken. So a relation schema.yaml does not list, made since inspect,
    holding a copy's name (its CREATE INDEX CONCURRENTLY IF NOT EXISTS skipped): the ATTACH would fail."""
    tests = [f"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x WHERE x.indexrelid = {i} AND x.indrelid = {p} AND NOT "
             f"EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = {i}))" for i, p in attached]
    return "".join(f" OR {test}" for test in tests + [f"{i} IS NOT NULL" for i in fresh])


def _below(t: Table, index: Index, names: CopyNames, concurrent: list, checks: list,
           met: tuple[list[tuple[str, str]], list[str]]) -> list[str]:
    """The statements making `index`'s copies on the partitions of `t` (ON ONLY where sub-partitioned, each leaf's
    CREATE INDEX CONCURRENTLY into `concurrent`, its check into `checks`) and attaching them, or the partitions'
    own, to it, the deepest first; into `met`, what _unexpected tests of the names."""
    out = []
    for child, own in names.attached(t, index):
        if own is None and child.partition_by is not None:
            own = names.copy(child, index)
            met[1].append(_regclass(child.schema, own.name))
            out += [_on_only(child, own)] + _below(child, own, names, concurrent, checks, met)
        else:
            if own is None:
                own = names.copy(child, index)
                concurrent.append((own.name, ddl.create_index(child, own, concurrently=True)))
                checks.append(built_valid(child.schema, own.name))
            met[0].append((_regclass(child.schema, own.name), _regclass(child.schema, child.name)))
        out.append(f"ALTER INDEX {qualified(t.schema, index.name)} ATTACH PARTITION "
                   f"{qualified(child.schema, own.name)}")
    return out


_ON = re.compile(r'^(CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(?:"(?:[^"]|"")*"|\S+) ON )')


def _on_only(t: Table, index: Index) -> str:
    """CREATE INDEX ... ON ONLY `t`: the partitioned index alone, INVALID until every partition's is attached."""
    return _ON.sub(r"\1ONLY ", ddl.create_index(t, index).sql(dialect=RENDER), count=1)


def built_valid(schema: str, name: str) -> exp.Expression:
    """The validating file's check that an index built CONCURRENTLY IF NOT EXISTS is valid: a build that failed leaves
    it INVALID (pg_index.indisvalid), and the file run again skips it (IF NOT EXISTS, which keeps one a user made
    by hand), so the migration would apply and leave it so. Refused here, saying how to mend it (REINDEX INDEX
    CONCURRENTLY: no DROP fits the one-statement `-- no-transaction` file, which is not run again once recorded)."""
    target = qualified(schema, name)
    message = (f"index {target} is INVALID: a CREATE INDEX CONCURRENTLY of it failed, and the migration run again skipped "
               f"it (IF NOT EXISTS); rebuild it with REINDEX INDEX CONCURRENTLY {target}, then run the migrations again")
    return do_block(f"BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass("
                    f"{literal(target)}) AND NOT indisvalid) THEN RAISE EXCEPTION USING MESSAGE = {literal(message)}, "
                    "ERRCODE = 'object_not_in_prerequisite_state'; END IF; END")
