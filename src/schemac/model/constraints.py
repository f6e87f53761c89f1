"""What a table holds beside its columns: its primary key, UNIQUEs, CHECKs, foreign keys, EXCLUDE constraints and
indexes (the index's elements the EXCLUDE's share), and how reports and DDL spell their clauses (model/tables.py
re-exports them all: split from it at its 400 lines)."""

from __future__ import annotations

from dataclasses import field
from schemac.model.frozen import frozen
from typing import Literal, Optional

from .source import Source, _catalog_only, _hint, _src


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
    # Of a partition's: its own, beside Postgres's copy of its parent's UNIQUE of its definition (as Index.beside_copy).
    beside_copy: bool = False
    # Of a partition's copy renamed (kept by name): the name of its parent's UNIQUE it is attached to, where the parent
    # holds two of its definition (a sub-partitioned partition's own beside its copy of the root's), as Index.attached_to.
    attached_to: Optional[str] = None


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
    # Postgres binds a CHECK's calls when it stores it, as a view's (compare.view_binds): `binds`, the overloads
    # (`schema.name(types)`, operators `schema.op(left, right)`) it is made calling where its name would take another
    # now (compare.expression_binds); `older_calls`, the catalog's calls printed qualified; `aside`, the other overloads
    # renamed (moved) aside around its ADD CONSTRAINT.
    binds: tuple[str, ...] = ()
    older_calls: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})
    aside: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})


def index_comment(obj: "Index | PrimaryKey | Unique | Exclusion") -> Optional[str]:
    """The comment on an index: a key's or EXCLUDE constraint's index_comment, an index's comment."""
    return obj.index_comment if isinstance(obj, INDEXED_KEY_TYPES) else obj.comment


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
    # Read only: an expression key's own collation, the one Postgres derives for the expression (pg_index.indcollation
    # where pg_get_indexdef prints no COLLATE: catalog/queries/expression_collations.sql); compare.key_collations
    expression_collation: Optional[str] = field(default=None, compare=False, metadata={"recorded": False})

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


# The constraints Postgres makes an index for, named as the constraint (its relation in the table's schema, its
# index_comment): a PRIMARY KEY, UNIQUE or EXCLUDE. Table.indexed_keys() lists a table's.
INDEXED_KEY_TYPES = (PrimaryKey, Unique, Exclusion)
# Those a foreign key may reference (Table.unique_keys() lists a table's): a PRIMARY KEY or UNIQUE.
UNIQUE_KEY_TYPES = (PrimaryKey, Unique)


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
    # Of a partition's index: not attached, beside Postgres's copy of its parent's index of its definition (made after
    # the parent's, which would attach one made first: pg.beside_copies). Not compared: Postgres cannot detach one.
    beside_copy: bool = False
