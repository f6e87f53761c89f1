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


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    default: Optional[str] = None
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    renamed_from: Optional[str] = _hint()


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Unique:
    columns: tuple[str, ...]
    name: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Check:
    name: str
    expression: str
    source: Optional[Source] = _src()


Order = Literal["asc", "desc"]
Nulls = Literal["first", "last"]


@dataclass(frozen=True)
class IndexElement:
    """One key of an index: a column, or an expression (exactly one of the two is set)."""

    column: Optional[str] = None
    expression: Optional[str] = None
    order: Order = "asc"
    nulls: Optional[Nulls] = None  # None = Postgres's default for the order (LAST for ASC, FIRST for DESC)

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
class Schema:
    """A whole desired (or actual) database: the tables schemac manages."""

    tables: tuple[Table, ...] = ()
    source_file: Optional[str] = field(default=None, compare=False)

    def table(self, schema: str, name: str) -> Optional[Table]:
        for t in self.tables:
            if t.schema == schema and t.name == name:
                return t
        return None

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The Postgres schemas (namespaces) the tables live in, sorted."""
        return tuple(sorted({t.schema for t in self.tables})) or ("public",)
