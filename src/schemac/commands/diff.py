"""`schemac diff`: introspect a live database and compare it with schema.yaml.

What makes this fast on a large schema (numbers in docs/benchmarks-catalog.md):

- The desired model comes from ``<out>/state.json`` instead of schema.yaml when the record was made
  from schema.yaml's exact text (same SHA-256) by this schemac version: `generate` records the
  compiled model with every source line there, and reading it is ~35x faster than parsing the YAML.
  Otherwise (no record, schema.yaml edited since, another version, a damaged file) schema.yaml is
  parsed as ever; both ways give the same model, so the same report and the same errors.
- The catalog is read by a forked child process on Linux (worker threads in this process elsewhere,
  catalog/forked.py), started first: it imports psycopg and the server answers the catalog queries while
  this process imports the model and decodes the record, on the other core, instead of one after the
  other. The child only fetches rows; the model is built from them here, once they are in. Without a record to
  name the schemas to read, the slow path names them from schema.yaml's text when it names no schema (public
  alone), else once it is composed, before its model is built (schemafile.namespaces_hint): the server reads
  while the YAML is loaded.
- No cyclic garbage collection while modules load and the models are built; nothing is imported
  that the run does not use (no YAML on the fast path, no DDL when there is nothing to fix).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Optional, Sequence

if TYPE_CHECKING:  # imported lazily: `schemac diff` loads only what it uses, in the order it needs it
    from schemac.catalog.catalogrows import CatalogRows
    from schemac.catalog.rows import IntrospectResult
    from schemac.commands.drift_script import DriftScript
    from schemac.compare.shortcut import EarlyAnswers
    from schemac.migrations.layout import Layout, NewMigration
    from schemac.model import Schema
    from schemac.report.describe import Difference


IGNORED_TABLES = {"_sqlx_migrations"}


@dataclass(frozen=True)  # (not the model's @frozen: the model is loaded once the catalog read has begun)
class DriftResult:
    schema_file: str
    target_label: str
    server_version: int
    queries: int
    differences: tuple[Difference, ...]
    script: Optional[DriftScript] = field(repr=False, compare=False)  # --sql's, planned when read (sql, sql_refused)
    desired_from: str = "schema.yaml"  # or "state.json": where the desired model came from (never rendered)
    unmanaged: tuple = ()  # objects schemac does not manage, listed (differences too, with strict)
    ignored: int = 0  # objects of the database schema.yaml's `ignore:` left out (the JSON report's summary)
    notices: tuple[str, ...] = ()  # for stderr: `renamed_from` hints this database no longer needs
    alone: Optional["DriftResult"] = None  # check_drift(and_alone=True): the read against schema.yaml's model alone
    # (actual, desired): the two models compared, for a caller that wants to look further; `schemac
    # diff` also keeps them alive to the end of the process, which it ends without freeing them.
    compared: Optional[tuple[Schema, Schema]] = field(default=None, repr=False, compare=False)

    @property
    def sql(self) -> str:
        """The DDL that would bring the database to schema.yaml (`diff --sql`): planned now, not by the read."""
        return self.script.sql if self.script is not None else ""

    @property
    def sql_refused(self) -> str:
        """Why no `sql` could be written (commands.refusals: a migration Postgres would refuse, or one the plan
        refuses, which --sql says and ends with exit 2, as `generate` does); "" where it could."""
        return self.script.refused if self.script is not None else ""

    def only(self, category: str) -> "DriftResult":
        """The result with the differences of one category (`security`) alone."""
        return replace(self, differences=tuple(d for d in self.differences if d.category == category))

    def render(self, fmt: str) -> str:
        diffs = list(self.differences)  # (each format's renderer imported alone: start-up work)
        if fmt == "json":
            from schemac.report.json import render_json

            target = {"database": self.target_label, "server_version": self.server_version,
                      "catalog_queries": self.queries}
            return render_json(diffs, target, self.schema_file, self.unmanaged, ignored=self.ignored)
        if fmt == "github":
            from schemac.report.github import render_github

            return render_github(diffs, self.schema_file, self.unmanaged)
        if fmt == "sarif":
            from schemac import __version__
            from schemac.report.sarif import render_sarif

            return render_sarif(diffs, self.schema_file, __version__)
        from schemac.report.text import render_text

        return render_text(diffs, self.target_label, self.schema_file, self.unmanaged)


def _schema_sha256(path: str) -> Optional[str]:
    """loader.schema_hash(loader.read_schema_text(path)) without importing the YAML loader; None on
    any problem reading the file (the slow path then reports it, in the loader's own words)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        return hashlib.sha256(data.decode("utf-8-sig").encode("utf-8")).hexdigest()
    except (OSError, ValueError):
        return None


def _record(out_dir: Optional[str], start: Callable[[tuple[str, ...]], None]) -> Optional[bytes]:
    """The bytes of <out_dir>/state.json, if any; the catalog queries are put in flight on the schemas its first
    lines name, before the model is imported: the server answers them while we import and decode the model (or
    parse schema.yaml). A guess: check_drift reads again if the model it ends up with lives in other schemas."""
    if out_dir is None:
        return None
    from schemac.migrations.record import namespaces_hint, read_record

    data = read_record(os.path.join(out_dir, "state.json"))
    hint = namespaces_hint(data) if data is not None else None
    if hint is not None:
        start(hint)
    return data


def _start_on_tree(catalog) -> Callable:
    """The loader's `composed` hook: the catalog read starts on the schemas schema.yaml's tree names, before the model
    is built from it (where no record gave them sooner): the server reads while this process builds the model."""

    def composed(root) -> None:
        from schemac.schemafile.namespaces_hint import namespaces_hint

        hint = namespaces_hint(root)
        if hint is not None:
            catalog.start(hint)

    return composed


def _from_state(schema_path: str, data: Optional[bytes]) -> Optional[Schema]:
    """The model recorded in state.json (its bytes, `data`), if it was compiled from this very schema.yaml. The
    model's parts are decoded from those bytes, which they point into until then (the caller lets go of them after)."""
    if data is None:
        return None
    from schemac.migrations.state import compiled_schema

    digest = _schema_sha256(schema_path)
    if digest is None:
        return None
    try:
        found = compiled_schema(data, digest, os.fspath(schema_path))
    except (KeyError, TypeError, IndexError, AttributeError, ValueError):
        return None
    if found is None:
        return None
    from schemac.compare.normalize import remember

    desired, forms = found
    remember(forms)  # schema.yaml's expressions need no parse
    return desired


def _recorded_view_forms(desired: Schema, out_dir: Optional[str]) -> Schema:
    """schema.yaml's views with the deparse state.json recorded for the same query, and its SQL-standard bodies with
    the print recorded for the same text (schema.yaml was edited since the last generate): no server on this path; a
    view without one is compared as written, a body by compare.types' normal forms."""
    if out_dir is None or not desired.views and not any(f.standard_body for f in desired.functions):
        return desired
    from schemac.commands.body_prints import attach_printed
    from schemac.commands.views import attach_recorded
    from schemac.migrations.state import read_state

    try:
        state = read_state(os.path.join(out_dir, "state.json"))
    except Exception:  # only a cache here: a damaged record is no error (generate reports it)
        return desired
    recorded = state.schema if state else None
    return attach_printed(attach_recorded(desired, recorded), recorded)


def no_database_given(database_url: Optional[str]) -> bool:
    """Neither a URL, nor DATABASE_URL, nor any libpq PG* variable naming a server: check offline."""
    if database_url or os.environ.get("DATABASE_URL"):
        return False
    return not any(os.environ.get(v) for v in ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER",
                                                "PGSERVICE"))


def check_drift_offline(schema_path: str, out_dir: Optional[str], dev_url: Optional[str] = None,
                        strict: bool = False, desired: Optional[Schema] = None,
                        new: Sequence[NewMigration] = ()) -> DriftResult:
    """Replay out_dir/migrations, then `new` (migrations not written yet: `generate --verify`), into a
    throwaway database (see migrations/replay.py) and compare that with `desired`, schema.yaml's model
    (read here when not given). A migration that does not apply raises replay.ReplayFailed."""
    from schemac.migrations.layout import Layout
    from schemac.migrations.replay import replayed

    # The desired model before any server starts, so a bad schema.yaml is reported first: the record
    # when it was compiled from this very schema.yaml, else the file itself.
    desired_from = "schema.yaml"
    if desired is None:
        desired = _from_state(schema_path, _record(out_dir, lambda namespaces: None))
        desired_from = "state.json"
    if desired is None and os.path.exists(schema_path):
        from schemac.schemafile.load import load_file

        desired, desired_from = _recorded_view_forms(load_file(schema_path), out_dir), "schema.yaml"
    warned: list[str] = []  # (what the server warned as the migrations ran: a --dev-url role's skipped REVOKE)
    from schemac.compare.roles import roles_named

    roles = [r for r, _ in roles_named(desired)] if desired is not None else []  # (made on the embedded server)
    with replayed(Layout(out_dir or "generated"), dev_url, new, warned, roles) as (url, where):
        result = check_drift(schema_path, url, out_dir=out_dir, strict=strict, history=False, desired=desired,
                             desired_from=desired_from)
    return replace(result, target_label=where, notices=tuple(warned))  # a throwaway replay: its renames say nothing


def check_drift(schema_path: str, database_url: Optional[str], connect_timeout: int = 10,
                statement_timeout_ms: int = 30000, lock_timeout_ms: int = 5000,
                out_dir: Optional[str] = None, strict: bool = False, history: bool = True,
                desired: Optional[Schema] = None, desired_from: str = "schema.yaml",
                and_alone: bool = False) -> DriftResult:
    """Compare the database with schema.yaml. With `out_dir` (`generate`'s output directory), the model
    recorded in out_dir/state.json stands in for schema.yaml when it was compiled from the same text,
    and the migrations there are compared with the database's `_sqlx_migrations` (history drift).
    `desired`: schema.yaml's model, when the caller already has it (`desired_from` says from where).
    `and_alone`: the result's `alone` is also the same catalog read compared with schema.yaml's model as the loader
    builds it without out_dir (no record, no history): both of `diff`'s ways from one read, for a caller that proves
    they agree (the tests of spellings): judged_read of this read, or a read again where that model's schemas are
    others."""
    # No cyclic GC while modules load and the two models are built (~10^5 small acyclic objects each:
    # a collection every 700 allocations would walk the growing heap again and again, ~15% of the
    # CPU of a 1,000-table diff), except around the YAML loader and the differ: they parse SQL, and
    # sqlglot trees are cyclic garbage that must be collected.
    from schemac.commands.loading import loading

    with loading():
        from schemac.catalog.forked import catalog_read
        from schemac.catalog.worker import quick_handoff
        from schemac.pg.collector import GCPause
    with GCPause() as gc_pause:
        with quick_handoff():
            # A forked child (or this process's threads: catalog/forked.py) imports psycopg, both lanes connect,
            # and the queries start on state.json's hint (_record), while this thread imports the model and
            # decodes the record.
            catalog = catalog_read(database_url, connect_timeout, statement_timeout_ms, lock_timeout_ms)
            layout = None
            try:
                if out_dir is not None and os.path.isdir(os.path.join(out_dir, "migrations")):
                    from schemac.migrations.layout import Layout

                    layout = Layout(out_dir)
                    layout.migrations()  # a folder sqlx would refuse is an error, never "in sync"
                # History drift needs the migrations to compare with: none here (diff run elsewhere), no check.
                # The table is sqlx.toml's table-name when it sets one.
                catalog.with_history = layout.sqlx.table if history and layout is not None else False
                record = _record(out_dir, catalog.start) if desired is None else None
                from schemac.catalog.builder import ModelBuilder

                if desired is None:
                    desired = _from_state(schema_path, record)
                    desired_from = "state.json"
                del record  # 43 MB at 10,000 tables: not held while the catalog's model is built
                if desired is None:
                    from schemac.schemafile.load import load_text, read_schema_text
                    from schemac.schemafile.namespaces_hint import public_only

                    with gc_pause.resumed():
                        text = read_schema_text(schema_path)
                        if public_only(text):  # (else the schemas are known once it is composed)
                            catalog.start(("public",))
                        desired = load_text(text, schema_path, _start_on_tree(catalog))
                        del text
                        desired = _recorded_view_forms(desired, out_dir)
                    desired_from = "schema.yaml"
            except BaseException:
                catalog.abandon()
                raise
            # (what _judged uses, imported while the server answers)
            from schemac.compare.differ import diff  # noqa: F401
            from schemac.compare.notices import applied_renames  # noqa: F401
            from schemac.compare.outside_unrecorded import unrecorded_outside  # noqa: F401
            from schemac.compare.shortcut import EarlyAnswers
            from schemac.report.describe import differences  # noqa: F401

            # Credential options are never read from a database (model.credentials): one schema.yaml declares is
            # neither drift nor planned here.
            from schemac.model.credentials import without_credentials

            desired = without_credentials(desired)
            # The tables compared while the server answers the last queries, not after (compare/shortcut.py).
            early = EarlyAnswers()
            builder = ModelBuilder(on_tables=lambda tables: early.compare(tables, desired.tables))
            label, rows = catalog.result(desired.namespaces, builder.add)
            result = builder.result(rows)
    found = _judged(schema_path, label, result, rows, layout, desired, desired_from, strict, early)
    if not and_alone:
        return found
    alone = judged_read(schema_path, label, (result, rows, tuple(desired.namespaces)), strict)
    if alone is None:  # (the catalog was read for the other model's schemas)
        alone = check_drift(schema_path, database_url, connect_timeout, statement_timeout_ms, lock_timeout_ms,
                            strict=strict, history=False)
    return replace(found, alone=alone)


def judged_read(schema_path: str, label: str, read: Optional[tuple[IntrospectResult, CatalogRows, tuple[str, ...]]],
                strict: bool = False) -> Optional[DriftResult]:
    """`diff` of the database `inspect` read (InspectResult's `label` and `read`) against schema.yaml's model as the
    loader builds it (no record, no history), from that read: no second read of the same catalog (tests/sqlx_project's
    rebuilt database, inspected and diffed). None where that model lives in other schemas than inspect read:
    check_drift reads them."""
    from schemac.compare.shortcut import EarlyAnswers
    from schemac.schemafile.load import load_file

    from schemac.model.credentials import without_credentials

    desired = without_credentials(load_file(schema_path))
    if read is None or set(desired.namespaces) != set(read[2]):
        return None
    result, rows, _ = read
    return _judged(schema_path, label, result, rows, None, desired, "schema.yaml", strict, EarlyAnswers())


def _judged(schema_path: str, label: str, result: IntrospectResult, rows: CatalogRows, layout: Optional[Layout],
            desired: Schema, desired_from: str, strict: bool, early: EarlyAnswers) -> DriftResult:
    """The catalog read (`result`: catalog/builder's, `rows` its raw rows) compared with `desired`: check_drift's
    report. Reads nothing: `check_drift(and_alone=True)` judges one read against two models."""
    from schemac.compare.differ import diff
    from schemac.compare.notices import applied_renames
    from schemac.compare.outside_unrecorded import unrecorded_outside
    from schemac.report.describe import differences

    # sqlx's bookkeeping table is not part of anyone's schema.
    ignored = IGNORED_TABLES | ({layout.sqlx.table[-1]} if layout is not None else set())
    from schemac.compare.given_back import migration_roles

    actual = replace(result.schema, tables=tuple(t for t in result.schema.tables if t.name not in ignored),
                     default_owners=migration_roles(result.schema, ignored))
    if desired.public_absent and result.public_holds and set(result.public_holds) <= ignored:
        # sqlx made its table in `public` before the migration that drops it ran (plan.planner.drop_public): not drift
        actual = replace(actual, public_absent=True)
    from schemac.catalog.outside import as_schema_yaml_reads

    actual = as_schema_yaml_reads(actual, desired)
    from schemac.compare.ignored import without_ignored

    # schema.yaml's `ignore:` (made at run time), after what schemac lists but does not manage is known: that too
    actual, ignored_count = without_ignored(actual, desired)
    from schemac.compare.roles import missing_roles, missing_roles_refusal

    missing = missing_roles(desired, result.roles) if result.roles else []  # (drift: reported, no --sql script)
    from schemac.compare.normalize import schema_searched

    from schemac.compare.column_renames import without_name_cycles

    with schema_searched(desired), early.used():  # (the plan's search_path too: plan.preamble)
        wanted = without_name_cycles(desired)  # (a swap of names made cannot be told from one to make)
        if any(p.renamed_from for p in wanted.publications):
            from schemac.compare.publications import without_cycles

            wanted = replace(wanted, publications=without_cycles(wanted.publications))
        changes = diff(actual, wanted)
    from schemac.commands.drift_script import DriftScript

    script = DriftScript(changes, actual, wanted, desired, missing_roles_refusal(missing, label) if missing else "")
    found = differences(changes, result.server_version // 10000)  # (the script planned when --sql reads it: a plain diff plans nothing;
    # the database's major: a SQL-standard body compared with another major's print is noted, report.bodies)
    if missing:
        from schemac.report.describe import Difference
        from schemac.report.security import missing_role_differences

        found = missing_role_differences(missing, Difference) + found
    if desired.queries:  # a missing index names the declared queries that use it
        from schemac.queries.indexes import noted

        found = noted(found, desired)
    if rows.history is not None and layout is not None:
        from schemac.report.history import history_differences

        found += history_differences(rows.history, layout)
    unmanaged = tuple(actual.unmanaged)
    if strict:
        from schemac.report.unmanaged import unmanaged_differences

        found += unmanaged_differences(unmanaged)
    return DriftResult(schema_path, label, result.server_version, result.queries, tuple(found),
                       script, desired_from, unmanaged, compared=(actual, desired), ignored=ignored_count,
                       notices=tuple(applied_renames(actual, desired) + unrecorded_outside(actual, desired)))
