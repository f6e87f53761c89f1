"""The whole model: a Schema holds every object schemac manages, and what it only lists."""

from __future__ import annotations

from dataclasses import field
from schemac.model.frozen import frozen
from typing import Optional

from .aggregates import Aggregate
from .functions import Function
from .grants import DefaultPrivileges, Namespace
from .ignores import Ignore
from .operators import Operator
from .event_triggers import EventTrigger
from .database_settings import DatabaseGrant, DatabaseSetting
from .foreign_servers import ForeignDataWrapper, ForeignServer
from .casts import Cast
from .opclasses import OperatorClass, OperatorFamily
from .publications import Publication
from .queries import Query
from .sequences import Sequence
from .tables import Table
from .textsearch import TextSearchConfig, TextSearchDictionary
from .types import Collation, CompositeType, Domain, Enum, Extension, RangeType
from .views import View


@frozen
class Unmanaged:
    """An object schemac reads but does not manage (ordered-set aggregates, foreign tables...): listed, never diffed."""

    kind: str
    schema: str  # "" for what belongs to the database (event triggers, publications, foreign servers)
    name: str

    @property
    def path(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@frozen
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
    aggregates: tuple[Aggregate, ...] = ()
    operators: tuple[Operator, ...] = ()
    views: tuple[View, ...] = ()  # views and materialized views
    composite_types: tuple[CompositeType, ...] = ()
    range_types: tuple[RangeType, ...] = ()
    collations: tuple[Collation, ...] = ()
    text_search_configs: tuple[TextSearchConfig, ...] = ()
    text_search_dictionaries: tuple[TextSearchDictionary, ...] = ()
    # The access lists and owners of namespaces: every namespace read (catalog), those `schemas:` declares
    # with grants or an owner (schema.yaml; the others are compared with Postgres's defaults).
    namespace_access: tuple[Namespace, ...] = ()
    default_privileges: tuple[DefaultPrivileges, ...] = ()  # ALTER DEFAULT PRIVILEGES
    publications: tuple[Publication, ...] = ()  # the database's, not a schema's
    event_triggers: tuple[EventTrigger, ...] = ()  # the database's, not a schema's
    database_settings: tuple[DatabaseSetting, ...] = ()  # ALTER DATABASE ... SET, sorted by name
    # GRANT ... ON DATABASE (its own access list, the owner's entries aside), sorted by grantee: every grantee the
    # catalog reads; None where schema.yaml gives no `database: {grants}` (not compared)
    database_grants: Optional[tuple[DatabaseGrant, ...]] = None
    # COMMENT ON DATABASE: '' for none; None where schema.yaml gives no `database: {comment}` (not compared)
    database_comment: Optional[str] = None
    # True: the database has no `public` schema (schema.yaml's `schemas: [{name: public, absent: true}]`; the catalog's
    # when pg_namespace has none); None: it has one, as initdb made it (compare.differ.public_schema_changes)
    public_absent: Optional[bool] = None
    casts: tuple[Cast, ...] = ()  # the database's, not a schema's
    operator_classes: tuple[OperatorClass, ...] = ()
    operator_families: tuple[OperatorFamily, ...] = ()
    foreign_servers: tuple[ForeignServer, ...] = ()  # the database's, not a schema's
    foreign_data_wrappers: tuple[ForeignDataWrapper, ...] = ()  # the database's own (not an extension's)
    # Types that exist in the database without schema.yaml declaring them (a base type, an
    # extension's type schemac does not know): named so that a misspelled type is still an error.
    external_types: tuple[str, ...] = field(default=(), compare=False)
    # Functions that exist in the database without schema.yaml declaring them (`schema.name`, no arguments: what
    # a trigger or event trigger runs, e.g. audit.if_modified_func of a schema schema.yaml does not cover).
    external_functions: tuple[str, ...] = field(default=(), compare=False)
    # Tables that exist in the database without schema.yaml declaring them (`schema.name`): what its foreign keys
    # reference in a schema it does not cover (Supabase's auth.users in an `-n public` project).
    external_tables: tuple[str, ...] = field(default=(), compare=False)
    unmanaged: tuple[Unmanaged, ...] = field(default=(), compare=False)
    # A database read: the roles whose objects schema.yaml leaves unpinned (the database owner, the role that ran the
    # migrations), compared by compare.given_back; None for schema.yaml (every owner it pinned and no longer does)
    default_owners: Optional[tuple[str, ...]] = field(default=None, compare=False)
    # Declared access patterns (`queries:`), checked by `schemac check-queries`: not DDL, never diffed.
    queries: tuple[Query, ...] = field(default=(), compare=False)
    # `ignore:`: what the database makes at run time, left out of the catalog's model where schema.yaml declares
    # no such object (compare.ignored): never drift, never planned, never written by inspect.
    ignore: tuple[Ignore, ...] = field(default=(), compare=False)

    def table(self, schema: str, name: str) -> Optional[Table]:
        return self.tables_by_key().get((schema, name))

    def tables_by_key(self) -> dict[tuple[str, str], Table]:
        """Each table by (schema, name) (by_key)."""
        return self.by_key("tables")

    def by_key(self, kind: str) -> dict:
        """Each object of the field `kind` ("tables", "range_types") by (schema, name), built on first use (callers
        look up every one) and kept: not to be changed."""
        by_key = self.__dict__.get("_by_key_" + kind)
        if by_key is None:
            by_key = {}
            for x in getattr(self, kind):
                by_key.setdefault((x.schema, x.name), x)  # the first, as a scan would find
            object.__setattr__(self, "_by_key_" + kind, by_key)
        return by_key

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The Postgres schemas (namespaces) the managed objects live in, sorted (public where there is none)."""
        return self.used_namespaces or ("public",)

    @property
    def used_namespaces(self) -> tuple[str, ...]:
        """The Postgres schemas the managed objects live in and `schemas:` declares, sorted (computed once: the
        differ asks ~8 times a run, ~5 ms each at 10,000 tables)."""
        used_namespaces = self.__dict__.get("_used_namespaces")
        if used_namespaces is None:
            used_namespaces = self._used_namespaces_now()
            object.__setattr__(self, "_used_namespaces", used_namespaces)
        return used_namespaces

    def _used_namespaces_now(self) -> tuple[str, ...]:
        used = {t.schema for t in self.tables} | {e.schema for e in self.enums} | {d.schema for d in self.domains}
        used |= {s.schema for s in self.sequences} | set(self.schemas) | {f.schema for f in self.functions}
        used |= {a.schema for a in self.aggregates} | {o.schema for o in self.operators}
        used |= {o.schema for o in (*self.operator_classes, *self.operator_families)}
        used |= {v.schema for v in self.views}
        # a statistics object may live outside its table's schema (CREATE STATISTICS vault.st ... FROM public.t)
        used |= {s.schema for r in (*self.tables, *self.views) if r.statistics for s in r.statistics
                 if s.schema is not None}
        used |= {c.schema for c in self.composite_types} | {r.schema for r in self.range_types}
        used |= {r.multirange_in for r in self.range_types}  # MULTIRANGE_TYPE_NAME = other.m: `other` made first
        used |= {c.schema for c in self.collations} | {c.schema for c in (*self.text_search_configs, *self.text_search_dictionaries)}
        used |= {s for p in self.publications for s in p.schemas}  # FOR TABLES IN SCHEMA
        # ... IN SCHEMA, read there; not a schema an extension makes (its default privileges are read wherever it is)
        used |= {d.schema for d in self.default_privileges if d.schema is not None and d.extension is None}
        return tuple(sorted(used))
