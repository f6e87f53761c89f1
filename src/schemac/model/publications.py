"""Publications (logical replication): which tables' changes a publication sends, and which kinds of
change. They belong to the database, not to a schema."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional

from .source import Source, _hint, _security, _src

# The kinds of change a publication can send, in the order `publish = '...'` lists them (all by default).
PUBLISH_ACTIONS = ("insert", "update", "delete", "truncate")


@frozen
class PublishedTable:
    """One table of a publication (`FOR TABLE ONLY schema.name [(columns)] [WHERE (filter)]`): its column
    list (PostgreSQL 15+; None: every column) and row filter (PostgreSQL 15+, as pg_get_expr prints it)."""

    schema: str
    name: str
    columns: Optional[tuple[str, ...]] = None
    where: Optional[str] = None
    source: Optional[Source] = _src()

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@frozen
class Publication:
    """CREATE PUBLICATION: FOR ALL TABLES, or the tables and schemas (TABLES IN SCHEMA, PostgreSQL 15+) it
    names; what it publishes; whether a partition's changes go out as its root's."""

    name: str
    all_tables: bool = False
    tables: tuple[PublishedTable, ...] = ()  # sorted by (schema, name)
    schemas: tuple[str, ...] = ()  # FOR TABLES IN SCHEMA, sorted
    publish: tuple[str, ...] = PUBLISH_ACTIONS  # in PUBLISH_ACTIONS order
    via_partition_root: bool = False
    generated_columns: bool = False  # publish_generated_columns = stored (PostgreSQL 18+)
    comment: Optional[str] = None
    owner: Optional[str] = _security(None)  # None: not compared
    renamed_from: Optional[str] = _hint()
    source: Optional[Source] = _src()

    @property
    def schema(self) -> str:
        return ""  # a database's object: no namespace
