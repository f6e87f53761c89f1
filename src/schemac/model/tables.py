"""Tables and what belongs to one: columns, keys, checks, foreign keys, indexes, triggers, partitioning."""

from __future__ import annotations

from dataclasses import field
from schemac.model.frozen import frozen, replace
from typing import Callable, Iterator, Literal, Optional

from .collnames import collate_sql
from .constraints import (  # noqa: F401  (re-exported: split from this module)
    FK_ACTIONS, INDEXED_KEY_TYPES, Check, Exclusion, ExclusionElement, ForeignKey, Index, IndexElement, Nulls, Order,
    PrimaryKey, UNIQUE_KEY_TYPES, Unique, deferral, index_comment, key_mark, marked_columns, not_enforced)
from .foreign_servers import ForeignTable
from .queries import Distribution
from .sequences import Identity
from .grants import Privilege
from .policies import Policy
from .triggers import TRIGGER_EVENTS, Rule, Trigger  # noqa: F401  (re-exported)
from .statistics_objects import Statistics
from .source import Qualified, Source, _hint, _security, _src


@frozen
class NotNull:
    """A column's NOT NULL constraint where it is not what a bare NOT NULL makes (PostgreSQL 18+ stores it as a
    pg_constraint row, contype 'n'): its name, NOT VALID (rows there not checked), NO INHERIT."""

    name: Optional[str] = None  # None: Postgres's own (<table>_<column>_not_null), or any name it already has
    not_valid: bool = False
    no_inherit: bool = False
    comment: Optional[str] = None  # COMMENT ON CONSTRAINT: made after the NOT NULL (plan.not_null_ddl)
    # A new INHERITS child's column it declares again, NOT NULL only as its parent is (compare.not_null_names'
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
    # Its default's calls bound to an older overload than the name takes, as a CHECK's (compare.expression_binds):
    # `binds` (compared), `older_calls` (the catalog's), `aside` (set aside around its SET DEFAULT or ADD COLUMN).
    binds: tuple[str, ...] = ()
    older_calls: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})
    aside: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})

    @property
    def type_text(self) -> str:
        """The type as a column definition spells it, with its collation."""
        return self.type if self.collation is None else f'{self.type} COLLATE {collate_sql(self.collation)}'


def expression_dropped(old: Column, new: Column) -> bool:
    """Whether a STORED generated column is made plain: ALTER COLUMN ... DROP EXPRESSION keeps it and its values
    (every other change of a generation expression drops the column and adds it again)."""
    return bool(old.generated) and not old.virtual and not new.generated


def expression_set_in_place(old: Column, new: Column) -> bool:
    """Whether only a generated column's expression changes (its kind, STORED or VIRTUAL, its type and collation
    kept): PostgreSQL 17+'s ALTER COLUMN ... SET EXPRESSION then gives it where it stands, keeping its place among the
    table's columns (attnum), which DROP and ADD COLUMN would move to the end (plan.generated_ddl)."""
    return bool(old.generated) and bool(new.generated) and old.virtual == new.virtual and \
        (old.type, old.collation) == (new.type, new.collation)


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
    # makes a column of an existing table inherited-only), so not compared, as the column order is not. Recorded
    # in state.json: which columns a child declares (own_columns) tells the next migration a child starting to
    # declare one with an expression of its own (compare.own_expressions' JOINS) where it lists one for its comment.
    inherited_only: tuple[str, ...] = field(default=(), compare=False)
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

    def constraints(self, checks: bool = True) -> tuple[PrimaryKey | Unique | ForeignKey | Exclusion | Check, ...]:
        """Its primary key (where it has one), UNIQUEs, foreign keys, EXCLUDEs and CHECKs (`checks` False: all but
        those), in that order: its constraints that hold a name (NOT NULLs aside), which a default name may clash with."""
        return (*self.unique_keys(), *self.foreign_keys, *self.exclusions, *(self.checks if checks else ()))

    def unique_keys(self) -> tuple[PrimaryKey | Unique, ...]:
        """Its primary key (where it has one) and UNIQUEs: the keys a foreign key may reference."""
        return self.uniques if self.primary_key is None else (self.primary_key, *self.uniques)

    def indexed_keys(self) -> tuple[PrimaryKey | Unique | Exclusion, ...]:
        """Its primary key (where it has one), UNIQUEs and EXCLUDEs, in that order: the constraints Postgres makes an
        index for, named as the constraint (a relation of its schema; INDEXED_KEY_TYPES)."""
        return (*self.unique_keys(), *self.exclusions)

    def constraint_names(self, checks: bool = True) -> set[str]:
        """The names its constraints() are given (an unnamed one takes a default name later): those a constraint
        renamed or a copy of a parent's cannot take."""
        return {c.name for c in self.constraints(checks) if c.name}


def own_columns(table: Table) -> tuple[Column, ...]:
    """The columns an INHERITS child declares itself in schema.yaml (and CREATE TABLE lists): not those the loader
    merged in from its parents (they carry the table's own source: schemafile.inherits), nor `inherited_only:`'s."""
    if not table.inherits or table.source is None:
        return table.columns
    return tuple(c for c in table.columns if c.source != table.source and c.name not in table.inherited_only)


def inherited_column(parent_column: Column, source) -> Column:
    """What a child gets of a parent's column: not its comment, not its identity (Postgres does not
    pass identities down; the NOT NULL stays, as a constraint Postgres names and validates for the child,
    unless it is NO INHERIT)."""
    no_inherit = parent_column.not_null is not None and parent_column.not_null.no_inherit
    return replace(parent_column, comment=None, renamed_from=None, using=None, identity=None, source=source,
                   not_null=None, nullable=parent_column.nullable or no_inherit)


def inherits_above(t: Table, tables: dict, through: Callable[[tuple[str, str]], bool] = lambda k: True
                   ) -> Iterator[tuple[str, str]]:
    """(schema, name) of each table `t` INHERITS from, at any depth, each once, its parents first then level by level:
    the walk goes on above one of `tables` only where `through` (a caller stopping at standing tables)."""
    todo = [(q.schema, q.name) for q in t.inherits]
    for k in todo:
        yield k
        if (p := tables.get(k)) is not None and through(k):
            todo += [(q.schema, q.name) for q in p.inherits if (q.schema, q.name) not in todo]


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
