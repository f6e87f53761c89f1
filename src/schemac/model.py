"""The typed schema model every stage shares.

The YAML loader and the pg_catalog introspector both build these objects, the differ compares two of
them, the compiler turns them into DDL. Objects are frozen so a model can be hashed, cached and shared
between stages without anyone mutating it behind another stage's back.

Types and expressions are kept as SQL text: types in Postgres's canonical spelling (what
``format_type()`` prints, see :mod:`schemac.sqltypes`), expressions as written (YAML) or as Postgres
deparses them (catalog). Comparisons go through :mod:`schemac.normalize`, never raw text equality.

``source`` records where an object was declared in schema.yaml; it never takes part in equality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional


@dataclass(frozen=True)
class Source:
    """Where an object was declared: reports point reviewers at this line."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def _src() -> Optional[Source]:
    return field(default=None, compare=False, repr=False)  # type: ignore[return-value]


def _hint() -> Optional[str]:
    """`renamed_from`: a hint for the next migration, not part of what the object is."""
    return field(default=None, compare=False)  # type: ignore[return-value]


def _catalog_only(default: bool) -> bool:
    """A fact only a database can state (schema.yaml never sets it): not recorded in state.json."""
    return field(default=default, metadata={"recorded": False})  # type: ignore[return-value]


@dataclass(frozen=True)
class SequenceOptions:
    """Options of a sequence; None means Postgres's default for the sequence's type."""

    type: Optional[str] = None  # smallint | integer | bigint (standalone sequences default to bigint)
    start: Optional[int] = None
    increment: Optional[int] = None
    min_value: Optional[int] = None
    max_value: Optional[int] = None
    cache: Optional[int] = None
    cycle: bool = False


@dataclass(frozen=True)
class Identity:
    """GENERATED ALWAYS | BY DEFAULT AS IDENTITY, with its sequence's options."""

    always: bool = False
    options: SequenceOptions = SequenceOptions()


@dataclass(frozen=True)
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
    collation: Optional[str] = None  # None: the type's default collation
    virtual: bool = False  # with generated: VIRTUAL (PostgreSQL 18+, computed when read) instead of STORED
    # `using`: how the next type change converts the values (ALTER COLUMN ... TYPE ... USING expr), a hint
    # like renamed_from; recorded in state.json, so that the migration after that one does not use it again.
    using: Optional[str] = _hint()

    @property
    def type_text(self) -> str:
        """The type as a column definition spells it, with its collation."""
        return self.type if self.collation is None else f'{self.type} COLLATE "{self.collation}"'


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: Optional[str] = None
    source: Optional[Source] = _src()
    comment: Optional[str] = None
    deferrable: bool = False
    initially_deferred: bool = False
    include: tuple[str, ...] = ()  # INCLUDE (...): non-key columns stored in the key's index
    index_comment: Optional[str] = None  # COMMENT ON INDEX of the index Postgres made for the key


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Check:
    name: str
    expression: str
    source: Optional[Source] = _src()
    comment: Optional[str] = None
    not_valid: bool = False
    no_inherit: bool = False  # NO INHERIT: not passed down to inheritance children


def index_comment(obj: "Index | PrimaryKey | Unique") -> Optional[str]:
    """The comment on an index: a key's index_comment, an index's comment."""
    return obj.index_comment if isinstance(obj, (PrimaryKey, Unique)) else obj.comment


FK_ACTIONS = ("no action", "restrict", "cascade", "set null", "set default")


def deferral(c: "PrimaryKey | Unique | ForeignKey") -> tuple[str, ...]:
    """A constraint's DEFERRABLE clauses, as SQL writes them (DDL and reports alike)."""
    if not c.deferrable:
        return ()
    return ("DEFERRABLE", "INITIALLY DEFERRED") if c.initially_deferred else ("DEFERRABLE",)


@dataclass(frozen=True)
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


Order = Literal["asc", "desc"]
Nulls = Literal["first", "last"]


@dataclass(frozen=True)
class IndexElement:
    """One key of an index: a column, or an expression (exactly one of the two is set)."""

    column: Optional[str] = None
    expression: Optional[str] = None
    order: Order = "asc"
    nulls: Optional[Nulls] = None  # None = Postgres's default for the order (LAST for ASC, FIRST for DESC)
    opclass: Optional[str] = None  # None = the type's default operator class
    collation: Optional[str] = None  # COLLATE: None = the key's own collation (the column's, the expression's)

    @property
    def effective_nulls(self) -> Nulls:
        if self.nulls is not None:
            return self.nulls
        return "first" if self.order == "desc" else "last"


@dataclass(frozen=True)
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
    # False: the database holds the index as INVALID (pg_index.indisvalid): a CREATE INDEX CONCURRENTLY
    # that failed, or one still running. Postgres does not use it for queries.
    valid: bool = _catalog_only(True)
    # WITH (...) storage parameters as Postgres stores them (pg_class.reloptions): "fillfactor=70".
    parameters: tuple[str, ...] = ()


TRIGGER_EVENTS = ("insert", "update", "delete", "truncate")


@dataclass(frozen=True)
class Trigger:
    """CREATE [CONSTRAINT] TRIGGER on a table: when it fires, on what, and the function it executes."""

    name: str
    function: str  # the trigger function, "name" or "schema.name" outside public
    timing: Literal["before", "after", "instead of"] = "after"
    events: tuple[str, ...] = ("insert",)  # in TRIGGER_EVENTS order
    update_columns: tuple[str, ...] = ()  # UPDATE OF these columns
    for_each_row: bool = False  # FOR EACH ROW, else FOR EACH STATEMENT
    when: Optional[str] = None  # WHEN (condition) over OLD and NEW
    arguments: tuple[str, ...] = ()  # string arguments passed to the function
    old_table: Optional[str] = None  # REFERENCING OLD TABLE AS
    new_table: Optional[str] = None  # REFERENCING NEW TABLE AS
    constraint: bool = False  # CREATE CONSTRAINT TRIGGER
    deferrable: bool = False
    initially_deferred: bool = False
    enabled: Literal["origin", "disabled", "replica", "always"] = "origin"  # ALTER TABLE ... ENABLE/DISABLE TRIGGER
    comment: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Partitioning:
    """PARTITION BY <strategy> (<key>) of a partitioned table."""

    strategy: Literal["range", "list", "hash"]
    key: str  # the key as Postgres prints it: "payment_date", "lower(name), id"


@dataclass(frozen=True)
class PartitionOf:
    """A partition: attached to `parent` with `bound` (e.g. "FOR VALUES FROM ('a') TO ('b')", "DEFAULT")."""

    parent: str
    bound: str
    parent_schema: str = "public"


@dataclass(frozen=True)
class Table:
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
    triggers: tuple[Trigger, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Optional[Column]:
        for col in self.columns:
            if col.name == name:
                return col
        return None


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[str, ...]
    schema: str = "public"
    comment: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Domain:
    name: str
    type: str
    schema: str = "public"
    default: Optional[str] = None
    not_null: bool = False
    checks: tuple[Check, ...] = ()  # expressions use VALUE
    comment: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Sequence:
    name: str
    schema: str = "public"
    options: SequenceOptions = SequenceOptions()
    owned_by: Optional[str] = None  # "table.column" in the same schema
    comment: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Extension:
    name: str
    schema: Optional[str] = None  # None: wherever Postgres puts it
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Argument:
    """One parameter of a function or procedure."""

    type: str  # canonical spelling, as format_type prints it
    name: Optional[str] = None
    mode: Literal["in", "out", "inout", "variadic"] = "in"
    default: Optional[str] = None


@dataclass(frozen=True)
class Function:
    """A function or procedure written in SQL, PL/pgSQL or another procedural language: its body is
    the source text Postgres keeps as given (pg_proc.prosrc). Overloads are distinct objects: the
    identity is (schema, name, the types of the input arguments)."""

    name: str
    body: str
    schema: str = "public"
    arguments: tuple[Argument, ...] = ()
    returns: Optional[str] = None  # None for a procedure; "void", "trigger", "SETOF text", "TABLE(a integer)"
    language: str = "sql"
    procedure: bool = False
    volatility: Literal["volatile", "stable", "immutable"] = "volatile"
    strict: bool = False
    security_definer: bool = False
    leakproof: bool = False
    parallel: Literal["unsafe", "restricted", "safe"] = "unsafe"
    cost: Optional[float] = None  # None: Postgres's default (100; 1 for C functions)
    rows: Optional[float] = None  # None: Postgres's default (1000 for a set-returning function)
    config: tuple[str, ...] = ()  # SET name = value, as pg_proc.proconfig stores it: "search_path=public"
    comment: Optional[str] = None
    source: Optional[Source] = _src()

    @property
    def identity(self) -> tuple[str, ...]:
        """The input argument types: what tells overloads apart (OUT arguments do not)."""
        return tuple(a.type for a in self.arguments if a.mode != "out")

    @property
    def signature(self) -> str:
        """name(type, ...) as DROP FUNCTION and reports name it."""
        return f"{self.name}({', '.join(self.identity)})"


@dataclass(frozen=True)
class Unmanaged:
    """An object schemac reads but does not manage (views, functions, triggers...): listed, never diffed."""

    kind: str
    schema: str
    name: str


@dataclass(frozen=True)
class Schema:
    """A whole desired (or actual) database: the objects schemac manages."""

    tables: tuple[Table, ...] = ()
    source_file: Optional[str] = field(default=None, compare=False)
    enums: tuple[Enum, ...] = ()
    domains: tuple[Domain, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    extensions: tuple[Extension, ...] = ()
    schemas: tuple[str, ...] = ()  # namespaces declared explicitly (besides those tables use)
    functions: tuple[Function, ...] = ()
    # Types that exist in the database without schema.yaml declaring them (a composite or range type, an
    # extension's type schemac does not know): named so that a misspelled type is still an error.
    external_types: tuple[str, ...] = field(default=(), compare=False)
    unmanaged: tuple[Unmanaged, ...] = field(default=(), compare=False)

    def table(self, schema: str, name: str) -> Optional[Table]:
        by_key = self.__dict__.get("_tables_by_key")  # built on first use: callers look up every table
        if by_key is None:
            by_key = {}
            for t in self.tables:
                by_key.setdefault((t.schema, t.name), t)  # the first, as a scan would find
            object.__setattr__(self, "_tables_by_key", by_key)
        return by_key.get((schema, name))

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The Postgres schemas (namespaces) the managed objects live in, sorted."""
        used = {t.schema for t in self.tables} | {e.schema for e in self.enums} | {d.schema for d in self.domains}
        used |= {s.schema for s in self.sequences} | set(self.schemas) | {f.schema for f in self.functions}
        return tuple(sorted(used)) or ("public",)
