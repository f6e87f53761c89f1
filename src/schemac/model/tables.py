"""Tables and what belongs to one: columns, keys, checks, foreign keys, indexes, triggers, partitioning."""

from __future__ import annotations

from dataclasses import field
from schemac.model.frozen import frozen
from typing import Literal, Optional

from .collnames import collate_sql
from .foreign_servers import ForeignTable
from .queries import Distribution
from .sequences import Identity
from .grants import Privilege
from .policies import Policy
from .triggers import TRIGGER_EVENTS, Rule, Trigger  # noqa: F401  (re-exported)
from .statistics_objects import Statistics
from .source import Qualified, Source, _catalog_only, _hint, _security, _src


@frozen
class NotNull:
    """A column's NOT NULL constraint where it is not what a bare NOT NULL makes (PostgreSQL 18+ stores it as a
    pg_constraint row, contype 'n'): its name, NOT VALID (rows there not checked), NO INHERIT."""

    name: Optional[str] = None  # None: Postgres's own (<table>_<column>_not_null), or any name it already has
    not_valid: bool = False
    no_inherit: bool = False
    comment: Optional[str] = None  # COMMENT ON CONSTRAINT: made after the NOT NULL (plan.not_null_ddl)
    # A new INHERITS child's column it declares again, NOT NULL only as its parent is (compare.not_nulls'
    # parents_names_given): CREATE TABLE ... INHERITS leaves NOT NULL out, and the parent's reaches it inherited
    # (PostgreSQL 18: conislocal false, under the parent's name), as it is in the database inspect read.
    from_parent: bool = field(default=False, compare=False, metadata={"recorded": False})


@frozen
class Column:
    name: str
    type: str
    nullable: bool = True
    default: Optional[str] = None
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    renamed_from: Optional[str] = _hint()
    identity: Optional[Identity] = None
    generated: Optional[str] = None  # GENERATED ALWAYS AS (expr) STORED
    collation: Optional[str] = None  # None: the type's default collation; model.collnames says how it is named
    virtual: bool = False  # with generated: VIRTUAL (PostgreSQL 18+, computed when read) instead of STORED
    # `using`: how the next type change converts the values (ALTER COLUMN ... TYPE ... USING expr), a hint
    # like renamed_from; recorded in state.json, so that the migration after that one does not use it again.
    using: Optional[str] = _hint()
    # `distribution:` how `check-queries` spreads its synthetic values (schemac.queries); no part of the DDL.
    distribution: Optional[Distribution] = field(default=None, compare=False)
    # ALTER COLUMN ... SET STATISTICS n (attstattarget), SET STORAGE (attstorage: None = its type's typstorage),
    # SET COMPRESSION (attcompression: pglz, lz4; None = default_toast_compression), SET (n_distinct=...) (attoptions).
    statistics: Optional[int] = None
    storage: Optional[Literal["plain", "external", "extended", "main"]] = None
    compression: Optional[Literal["pglz", "lz4"]] = None
    options: tuple[str, ...] = ()
    # With nullable False: the NOT NULL constraint's name, NOT VALID, NO INHERIT (PostgreSQL 18+); None: a plain one.
    not_null: Optional[NotNull] = None
    fdw_options: tuple[tuple[str, str], ...] = ()  # a foreign table's column's OPTIONS (attfdwoptions)

    @property
    def type_text(self) -> str:
        """The type as a column definition spells it, with its collation."""
        return self.type if self.collation is None else f'{self.type} COLLATE {collate_sql(self.collation)}'


@frozen
class PrimaryKey:
    columns: tuple[str, ...]
    name: Optional[str] = None
    source: Optional[Source] = _src()
    comment: Optional[str] = None
    deferrable: bool = False
    initially_deferred: bool = False
    include: tuple[str, ...] = ()  # INCLUDE (...): non-key columns stored in the key's index
    index_comment: Optional[str] = None  # COMMENT ON INDEX of the index Postgres made for the key
    without_overlaps: bool = False  # PostgreSQL 18+: the last column WITHOUT OVERLAPS (a temporal key: a range, its index gist)
    parameters: tuple[str, ...] = ()  # WITH (...) of the key's index, as Index.parameters (pg_dump: ... WITH (fillfactor='90'))
    # False: the key's index is INVALID in the database (a partitioned table's key made ALTER TABLE ONLY that a partition
    # lacks): said by inspect; never compared (schemac makes the key on every partition) nor recorded.
    valid: bool = field(default=True, compare=False, metadata={"recorded": False})


@frozen
class Unique:
    columns: tuple[str, ...]
    name: Optional[str] = None
    source: Optional[Source] = _src()
    comment: Optional[str] = None
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    include: tuple[str, ...] = ()  # INCLUDE (...): non-key columns stored in the key's index
    index_comment: Optional[str] = None  # COMMENT ON INDEX of the index Postgres made for the key
    without_overlaps: bool = False  # as PrimaryKey's
    parameters: tuple[str, ...] = ()  # as PrimaryKey's
    valid: bool = field(default=True, compare=False, metadata={"recorded": False})  # as PrimaryKey's


@frozen
class Check:
    name: str
    expression: str
    source: Optional[Source] = _src()
    comment: Optional[str] = None
    not_valid: bool = False
    no_inherit: bool = False  # NO INHERIT: not passed down to inheritance children
    # False: NOT ENFORCED (PostgreSQL 18+, pg_constraint.conenforced): declared, never checked; not NOT VALID
    enforced: bool = True


def expression_dropped(old: Column, new: Column) -> bool:
    """Whether a STORED generated column is made plain: ALTER COLUMN ... DROP EXPRESSION keeps it and its values
    (every other change of a generation expression drops the column and adds it again)."""
    return bool(old.generated) and not old.virtual and not new.generated


def nullability(c: Column) -> str:
    """NULL, NOT NULL, or NOT NULL with its constraint's name and clauses, as a report shows a column's."""
    nn = c.not_null
    if c.nullable or nn is None:
        return "NULL" if c.nullable else "NOT NULL"
    return " ".join(filter(None, (nn.name and f"CONSTRAINT {nn.name}", "NOT NULL", nn.not_valid and "NOT VALID",
                                  nn.no_inherit and "NO INHERIT")))


def nullabilities(expected: Column, actual: Column) -> tuple[str, str]:
    """Two columns' nullability, each with its NOT NULL's comment where they differ by that alone."""
    e, a = nullability(expected), nullability(actual)
    if e != a:
        return e, a
    comments = [c.not_null.comment if c.not_null is not None else None for c in (expected, actual)]
    return tuple(f"{text} (comment {'none' if x is None else repr(x)})" for text, x in zip((e, a), comments))  # type: ignore


def index_comment(obj: "Index | PrimaryKey | Unique | Exclusion") -> Optional[str]:
    """The comment on an index: a key's or EXCLUDE constraint's index_comment, an index's comment."""
    return obj.index_comment if isinstance(obj, (PrimaryKey, Unique, Exclusion)) else obj.comment


def key_mark(c: "PrimaryKey | Unique | ForeignKey") -> str:
    """What marks the last column of a temporal key (PostgreSQL 18+): WITHOUT OVERLAPS, PERIOD, "" for none."""
    if isinstance(c, ForeignKey):
        return "PERIOD" if c.period else ""
    return "WITHOUT OVERLAPS" if c.without_overlaps else ""


def marked_columns(columns: tuple[str, ...], mark: str) -> str:
    """Columns as a report lists them, the last one's `mark` (key_mark) in place."""
    if not mark:
        return ", ".join(columns)
    last = f"{columns[-1]} {mark}" if mark == "WITHOUT OVERLAPS" else f"{mark} {columns[-1]}"
    return ", ".join((*columns[:-1], last))


def not_enforced(c: "Check | ForeignKey") -> str:
    """ NOT ENFORCED, as a report follows a constraint with it ("" for an enforced one)."""
    return "" if c.enforced else " NOT ENFORCED"


FK_ACTIONS = ("no action", "restrict", "cascade", "set null", "set default")


def deferral(c: "PrimaryKey | Unique | ForeignKey | Exclusion") -> tuple[str, ...]:
    """A constraint's DEFERRABLE clauses, as SQL writes them (DDL and reports alike)."""
    if not c.deferrable:
        return ()
    return ("DEFERRABLE", "INITIALLY DEFERRED") if c.initially_deferred else ("DEFERRABLE",)


@frozen
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str = "public"
    name: Optional[str] = None
    on_delete: str = "no action"
    on_update: str = "no action"
    match_full: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    not_valid: bool = False
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    # ON DELETE SET NULL | SET DEFAULT (columns), PostgreSQL 15+: only these referencing columns are set.
    on_delete_columns: tuple[str, ...] = ()
    # PostgreSQL 18+: PERIOD before the last column of both sides (a temporal foreign key, over a WITHOUT OVERLAPS key)
    period: bool = False
    enforced: bool = True  # False: NOT ENFORCED (PostgreSQL 18+), as Check's
    # The extension whose table it references (PostGIS's spatial_ref_sys): a table schema.yaml does not declare, there
    # once the extension is; None: a table schema.yaml declares.
    ref_extension: Optional[str] = None


Order = Literal["asc", "desc"]
Nulls = Literal["first", "last"]


@frozen
class IndexElement:
    """One key of an index: a column, or an expression (exactly one of the two is set)."""

    column: Optional[str] = None
    expression: Optional[str] = None
    order: Order = "asc"
    nulls: Optional[Nulls] = None  # None = Postgres's default for the order (LAST for ASC, FIRST for DESC)
    opclass: Optional[str] = None  # None = the type's default operator class
    collation: Optional[str] = None  # COLLATE: None = the key's own collation (the column's, the expression's)
    # the operator class's parameters, "siglen=32" as pg_attribute.attoptions holds them: gist_trgm_ops (siglen=32)
    opclass_options: tuple[str, ...] = ()
    # ALTER INDEX ... ALTER COLUMN n SET STATISTICS of an expression key (attstattarget; None: the default)
    statistics: Optional[int] = None

    @property
    def effective_nulls(self) -> Nulls:
        if self.nulls is not None:
            return self.nulls
        return "first" if self.order == "desc" else "last"


@frozen
class ExclusionElement(IndexElement):
    """One element of an EXCLUDE constraint: an index key and the operator rows are compared with."""

    operator: str = "="  # as the catalog names it: "=", "&&", or "schema.op" outside pg_catalog and public


@frozen
class Exclusion:
    """EXCLUDE USING method (element WITH operator, ...) [INCLUDE (...)] [WITH (...)] [WHERE (...)]: no two rows match on all."""

    elements: tuple[ExclusionElement, ...]
    name: Optional[str] = None
    method: str = "gist"
    where: Optional[str] = None
    include: tuple[str, ...] = ()
    deferrable: bool = False
    initially_deferred: bool = False
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    parameters: tuple[str, ...] = ()  # WITH (...) of its index, as PrimaryKey's
    index_comment: Optional[str] = None  # COMMENT ON INDEX of the index Postgres made for it, as PrimaryKey's

    @property
    def columns(self) -> tuple[str, ...]:
        """The plain columns among the elements (how a report points at an unnamed one)."""
        return tuple(e.column for e in self.elements if e.column is not None)


@frozen
class Index:
    name: str
    elements: tuple[IndexElement, ...]
    unique: bool = False
    method: str = "btree"
    where: Optional[str] = None
    include: tuple[str, ...] = ()
    source: Optional[Source] = _src()
    renamed_from: Optional[str] = _hint()
    comment: Optional[str] = None
    nulls_not_distinct: bool = False
    # False: the database holds the index as INVALID (pg_index.indisvalid): a CREATE INDEX CONCURRENTLY that failed, or one still running.
    valid: bool = _catalog_only(True)
    # WITH (...) storage parameters as Postgres stores them (pg_class.reloptions): "fillfactor=70".
    parameters: tuple[str, ...] = ()
    # Of a partition's index: the parent's index it is attached to, where the parent has two of one definition
    # (pg_inherits of the index; Postgres attaches it to the first made: plan/dependencies.py orders them).
    attached_to: Optional[str] = None


@frozen
class Partitioning:
    """PARTITION BY <strategy> (<key>) of a partitioned table."""

    strategy: Literal["range", "list", "hash"]
    key: str  # the key as Postgres prints it: "payment_date", "lower(name), id"


@frozen
class PartitionOf:
    """A partition: attached to `parent` with `bound` (e.g. "FOR VALUES FROM ('a') TO ('b')", "DEFAULT")."""

    parent: str
    bound: str
    parent_schema: str = "public"


@frozen
class Parent:
    """A table this one INHERITS from (not a partition's parent: see PartitionOf). `extension`: the extension whose
    table it is (PostGIS's TIGER geocoder's tiger.addr, which its loader's tiger_data.ma_addr inherits), which
    schema.yaml does not declare: the child lists every column it has."""

    name: str
    schema: str = "public"
    extension: Optional[str] = None


@frozen
class Table(Qualified):
    name: str
    schema: str = "public"
    columns: tuple[Column, ...] = ()
    primary_key: Optional[PrimaryKey] = None
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    renamed_from: Optional[str] = _hint()
    foreign_keys: tuple[ForeignKey, ...] = ()
    partition_by: Optional[Partitioning] = None
    partition_of: Optional[PartitionOf] = None
    unlogged: bool = False  # UNLOGGED: not written to the WAL (fast, emptied after a crash, not replicated)
    cluster_on: Optional[str] = None  # ALTER TABLE ... CLUSTER ON: the index (or key) a bare CLUSTER orders by
    # ALTER TABLE ... REPLICA IDENTITY (relreplident): what logical replication's UPDATE/DELETE carries of the old row ("index": replica_identity_index's)
    replica_identity: Literal["default", "full", "nothing", "index"] = "default"
    replica_identity_index: Optional[str] = None
    cloned_triggers: tuple[tuple[str, str], ...] = ()  # a partition's: (name, enabled), model/clones.py
    cloned_trigger_comments: tuple[tuple[str, str], ...] = ()  # a partition's: (name, COMMENT ON TRIGGER of the clone)
    triggers: tuple[Trigger, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()  # EXCLUDE constraints
    # INHERITS (parents, in order): the columns and CHECKs they give the table are in `columns` (as the
    # catalog lists them) but not among `checks`; what it has beyond them is its own.
    inherits: tuple[Parent, ...] = ()
    # The CHECKs it inherits that are validated here while a parent's is NOT VALID (made or attached after the
    # parent's ADD CONSTRAINT ... NOT VALID, or VALIDATE CONSTRAINT on this table), by name, sorted.
    validated_checks: tuple[str, ...] = ()
    # Its comments on its copies of its parents' constraints (COMMENT ON CONSTRAINT name ON child: a CHECK it has from them
    # only, a partition's clone of a foreign key, PostgreSQL 18's inherited NOT NULL), (name, comment) sorted by name:
    # compare/copies.py. The comment on its row type (COMMENT ON TYPE table), which Postgres keeps apart.
    copy_comments: tuple[tuple[str, str], ...] = ()
    row_type_comment: Optional[str] = None
    # A child's columns it has from its parents only (pg_attribute.attislocal false): the catalog's, and
    # schema.yaml's `inherited_only:` of a child in an order of its own. Made exactly at CREATE only (no DDL
    # makes a column of an existing table inherited-only), so not compared, as the column order is not.
    inherited_only: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})
    # The parents a child made on its own (column_order) joins by ALTER TABLE ... INHERIT after its CREATE:
    # created after them (compare.inherited_checks.inherited_child).
    joins: tuple[Parent, ...] = field(default=(), compare=False, metadata={"recorded": False})
    # Such a child that has some of its parents' CHECKs from them only (conislocal false: those schema.yaml does not
    # list under its checks): made through a scratch parent, as one with inherited_only is (plan.inherit_ddl).
    checks_inherited: bool = field(default=False, compare=False, metadata={"recorded": False})
    # CREATE TABLE ... OF type (pg_class.reloftype): a typed table, its columns the composite type's
    # attributes (as the type is spelled in a column's type: "person", "s.person").
    of: Optional[str] = None
    rules: tuple[Rule, ...] = ()
    statistics: tuple[Statistics, ...] = ()  # CREATE STATISTICS objects on it
    # Security (model/security.py): ENABLE / FORCE ROW LEVEL SECURITY, its policies, the access list
    # (table and column privileges, the owner's own left out) and the owner (None: not compared).
    row_level_security: bool = False
    force_row_level_security: bool = False
    policies: tuple[Policy, ...] = ()
    grants: tuple[Privilege, ...] = _security(())
    owner: Optional[str] = _security(None)
    foreign: Optional[ForeignTable] = None  # a foreign table: its server and options
    # WITH (...) storage parameters (pg_class.reloptions; its TOAST table's named "toast.x=v").
    parameters: tuple[str, ...] = ()
    # False: no TOAST table (no column needs one): Postgres drops `toast.` parameters silently; catalog fact only.
    toast_table: bool = field(default=True, compare=False, metadata={"recorded": False})
    # What a schema schema.yaml does not cover holds that reads it (inspect -n: 'view api.profiles (id, username)', the
    # columns it reads): not compared; generate refuses to drop it, or one of those columns, while they stand.
    used_outside: tuple[str, ...] = field(default=(), compare=False)

    def column(self, name: str) -> Optional[Column]:
        for col in self.columns:
            if col.name == name:
                return col
        return None


def own_columns(table: Table) -> tuple[Column, ...]:
    """The columns an INHERITS child declares itself in schema.yaml (and CREATE TABLE lists): not those the loader
    merged in from its parents (they carry the table's own source: schemafile.inherits), nor `inherited_only:`'s."""
    if not table.inherits or table.source is None:
        return table.columns
    return tuple(c for c in table.columns if c.source != table.source and c.name not in table.inherited_only)


def replica_identity_text(t: Table) -> str:
    """REPLICA IDENTITY as a report shows it: DEFAULT, FULL, NOTHING or USING INDEX name."""
    return f"USING INDEX {t.replica_identity_index}" if t.replica_identity == "index" else t.replica_identity.upper()


def settings_text(c: Optional[Column]) -> str:
    """A column's statistics target, storage, compression and options as a report shows them."""
    if c is None:
        return "defaults"
    parts = [f"statistics {c.statistics}" if c.statistics is not None else "", f"storage {c.storage}" if c.storage else "",
             f"compression {c.compression}" if c.compression else "", f"options ({', '.join(c.options)})" if c.options else ""]
    return ", ".join(p for p in parts if p) or "default settings"
