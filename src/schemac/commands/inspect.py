"""`schemac inspect`: a live database -> schema.yaml, for adopting schemac on an existing database."""

from __future__ import annotations

import os
import re
from operator import attrgetter
from schemac.model.frozen import replace
from schemac.model.frozen import frozen
from typing import TYPE_CHECKING, Optional

import psycopg

from schemac.catalog.connection import database_label
from schemac.catalog.outside import (bodies_unnamed, expressions_naming_unmanaged, views_reading_unmanaged,
                                     with_run_functions_listed)
from schemac.catalog.queries import sql_text
from schemac.commands.diff import IGNORED_TABLES
from schemac.compare.rebound_calls import older_bindings, older_body_bindings
from schemac.compare.external_type_users import extension_type_warnings
from schemac.compare.server_wrappers import inspect_wrapper_warnings
from schemac.compare.default_classes import default_class_warnings
from schemac.compare.undeclared_classes import class_warnings
from schemac.errors import SchemacError
from schemac.report.invalid import NOT_MANAGED, why_invalid
from schemac.migrations.sqlx import load_config
from schemac.pg.readable import surely_read
from schemac.model import Schema, View
from schemac.model.ignores import Ignore
from schemac.schemafile.owners import owners_to_write

if TYPE_CHECKING:
    from schemac.catalog.catalogrows import CatalogRows
    from schemac.catalog.rows import IntrospectResult


@frozen
class InspectResult:
    yaml: str
    schema: Schema
    label: str
    # The read itself (catalog/builder's result, its rows, the schemas asked): commands.diff.judged_read compares
    # schema.yaml with it, no second read of the same database.
    read: Optional[tuple[IntrospectResult, CatalogRows, tuple[str, ...]]] = None
    excluded: int = 0  # objects --exclude left out
    listed_runs: tuple[str, ...] = ()  # functions listed under external_functions as --exclude took what made them


def _namespaces(conn: psycopg.Connection) -> tuple[str, ...]:
    """Every schema of the database schemac would manage (public when there is none)."""
    query = sql_text("namespaces")
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            return tuple(r[0] for r in conn.execute(query)) or ("public",)  # type: ignore[arg-type]
    except psycopg.Error as e:
        raise SchemacError(f"listing the schemas of {database_label(conn)} failed: "
                           f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None


def inspect_database(database_url: Optional[str], schemas: tuple[str, ...] = (), connect_timeout: int = 10,
                     statement_timeout_ms: int = 30000, lock_timeout_ms: int = 5000,
                     exclude: tuple[Ignore, ...] = ()) -> InspectResult:
    """`exclude` (--exclude): objects left out of the file, whose `ignore:` they become (compare.ignored)."""
    # The catalog is read on a worker thread (catalog.worker) while this one loads the YAML writer and
    # builds the model from each query's rows as they come.
    from schemac.catalog.worker import CatalogRead, quick_handoff
    from schemac.pg.collector import GCPause

    # No cyclic collection through the writer either: its short-lived specs (no cycles) made the collector walk the
    # model again and again (at 5,000 tables two full collections, 0.6 s of CPU).
    with GCPause():
        with quick_handoff():
            catalog = CatalogRead(database_url, connect_timeout, statement_timeout_ms, lock_timeout_ms)
            catalog.with_history = False
            asked = schemas or _namespaces
            catalog.start(asked)
            try:
                # Imported while the server answers (the worker needs psycopg only).
                from schemac.catalog.builder import ModelBuilder
                from schemac.schemafile.writer import dump_schema
            except BaseException:
                catalog.abandon()
                raise
            builder = ModelBuilder()
            label, rows = catalog.result(asked, builder.add)
            result = builder.result(rows)
        namespaces = catalog.namespaces
        unknown = sorted(set(schemas) - set(result.schema.schemas) - {"public"})
        if unknown:
            raise SchemacError(f"{label} has no schema {', '.join(unknown)} "
                               "(-n/--namespace names a namespace of the database)")
        ignored = IGNORED_TABLES | {load_config().table[-1]}  # sqlx's table, or sqlx.toml's table-name
        model = replace(result.schema, tables=tuple(t for t in result.schema.tables if t.name not in ignored),
                        schemas=tuple(n for n in namespaces if n != "public"))
        left_out, listed = 0, ()
        if exclude:
            from schemac.compare.ignored import excluded

            model, left_out = excluded(model, exclude)  # (a kept trigger's function an excluded extension's: listed)
            listed = model.external_functions
            model = with_run_functions_listed(replace(model, ignore=exclude))
            listed = tuple(f for f in model.external_functions if f not in listed)
        model = _stub_types(owners_to_write(model, result.database_owner))
        header = (f"# schema.yaml written by `schemac inspect` from {label} "
                  f"(PostgreSQL {result.server_version // 10000}).\n"
                  "# Review it, commit it, then `schemac generate` compiles it back to the same schema.\n")
        return InspectResult(dump_schema(model, header), model, label, (result, rows, tuple(namespaces)), left_out,
                             listed)


def _stub_types(schema: Schema) -> Schema:
    """The columns' types of each view reading itself, directly or through a function or type of its row type
    (plan.stub_types); the planner is imported (with sqlglot) only where a view or a signature may close such a
    cycle."""
    views = {v.name for v in schema.views if not v.materialized}
    if not views:
        return schema
    named = (t for f in (*schema.functions, *schema.aggregates)
             for t in (getattr(f, "returns", None) or getattr(f, "stype", ""), *(getattr(a, "type", a) for a in f.arguments)))
    named = (*named, *(a.type for c in schema.composite_types for a in c.attributes), *(d.type for d in schema.domains),
             *(f.body for f in schema.functions if f.standard_body))  # (a SQL-standard body reads a view at CREATE)
    if not any((d.schema, d.name) == v.key for v in schema.views for d in v.depends) and \
            not any(w in views for text in named for w in _WORD.findall(text)):
        return schema
    from schemac.plan.stub_types import with_stub_types

    return with_stub_types(schema)


_WORD = re.compile(r"\w+")


def inspect_notes(schema: Schema, listed_runs: tuple[str, ...] = ()) -> list[str]:
    """What inspect says beside the file: indexes and keys INVALID in the database, views reading an object schemac does
    not manage (catalog.outside.views_reading_unmanaged), table expressions naming one
    (catalog.outside.expressions_naming_unmanaged), SQL-standard bodies naming an argument "" (catalog.outside.bodies_unnamed)."""
    out = []
    for t in schema.tables:
        for i in t.indexes:
            if not i.valid:  # ON ONLY (a partitioned table's index that partitions lack) is not managed: said so
                why = why_invalid(t, i) + (f"; {NOT_MANAGED}" if t.partition_by is not None else "")
                out.append(f"schemac: note: index {t.schema}.{i.name} is INVALID in the database ({why}); "
                           "written as declared: rebuild it")
        for k in t.unique_keys():  # a key made ALTER TABLE ONLY on a partitioned table that a partition lacks
            if not k.valid:
                out.append(f"schemac: note: key {t.schema}.{t.name}.{k.name} is INVALID in the database ({why_invalid(t, k)}; "
                           f"{NOT_MANAGED}); written as declared: make the partition's key and attach it (ALTER INDEX ... "
                           "ATTACH PARTITION)")
    return out + [f"schemac: warning: {w}" for w in (*views_reading_unmanaged(schema),
                                                       *expressions_naming_unmanaged(schema), *bodies_unnamed(schema),
                                                       *older_bindings(schema), *older_body_bindings(schema),
                                                       *inspect_wrapper_warnings(schema), *class_warnings(schema),
                                                       *default_class_warnings(schema),
                                                       *extension_type_warnings(schema),
                                                       *(f"function {f} a trigger runs is listed under external_functions: "
                                                         "(--exclude left out what made it): a migration creating the "
                                                         "trigger applies only to a database that has it already, not "
                                                         "to an empty one; declare its extension under extensions:"
                                                         for f in listed_runs))]


def write_output(path: str, text: str, force: bool) -> None:
    """Write the YAML; an existing file is only replaced with --force (it may hold someone's work)."""
    if os.path.exists(path) and not force:
        raise SchemacError(f"{path} already exists; pass --force to replace it, or choose another --output")
    from schemac.migrations.state import write_atomic

    try:
        write_atomic(path, text)
    except OSError as e:
        raise SchemacError(f"{path}: cannot write ({e.strerror})") from None


def warn_verbatim(text: str, path: str, schema: Optional[Schema] = None) -> None:
    """The loader's warnings for the file written (an expression of the catalog's that sqlglot cannot read is
    kept verbatim: said at its line, as `generate` will say it). The file is read as `generate` reads it; one
    the loader refuses is `generate`'s to report. With the model it was written from, only when one of its
    expressions is verbatim (reading the file back was a third of `inspect` at 1,000 tables)."""
    if schema is not None and not any(_verbatim(t, policy) for t, policy in _expressions(schema)):
        return
    from schemac.schemafile.load import load_text

    try:
        load_text(text, path)
    except SchemacError:
        pass


def _verbatim(text: str, policy: bool) -> bool:
    """Whether the loader keeps `text` as written; sqlglot is imported only for a text whose form pg.readable has
    not recorded (none at all of gen_schema's 1,000 tables)."""
    if not policy and surely_read(text):
        return False
    if policy:
        from schemac.pg.policies import is_verbatim_policy

        return is_verbatim_policy(text)
    from schemac.pg.expressions import is_verbatim

    return is_verbatim(text)


def _expressions(schema: Schema) -> set[tuple[str, bool]]:
    """Every SQL expression of the model the loader reads as one, once each (a policy's condition: True beside it).
    Each table's members are read with attrgetter maps (a generator per column was ~7 ms at 1,000 tables)."""
    texts: set = set()
    for r in (*schema.tables, *schema.views):
        columns = r.columns
        texts.update(map(_DEFAULT, columns))
        if not isinstance(r, View):  # (a view's columns have no generated expression)
            texts.update(map(_GENERATED, columns))
        for i in (*r.indexes, *getattr(r, "exclusions", ())):
            texts.update(map(_EXPRESSION, i.elements))
            texts.add(i.where)
        texts.update(map(_WHEN, r.triggers))
    policies: set = set()
    for t in schema.tables:
        texts.update(map(_EXPRESSION, t.checks))
        for s in t.statistics:
            texts.update(s.elements)
        for p in t.policies:
            policies.update((p.using, p.with_check))
    for d in schema.domains:
        texts.update(map(_EXPRESSION, d.checks))
        texts.add(d.default)
    texts.update(a.default for f in schema.functions for a in f.arguments)
    texts.update(t.where for p in schema.publications for t in p.tables)
    return {(x, False) for x in texts if x} | {(x, True) for x in policies if x}


_DEFAULT, _GENERATED, _EXPRESSION, _WHEN = (attrgetter(f) for f in ("default", "generated", "expression", "when"))
