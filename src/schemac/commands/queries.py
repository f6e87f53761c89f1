"""`schemac check-queries`: do the declared queries (`queries:` of schema.yaml) still get what they declare?

- Against a database: each query is EXPLAINed (EXPLAIN ANALYZE with `--analyze`, reads only: writes are
  only EXPLAINed) in one READ ONLY transaction with the timeouts of `diff`.
- Offline: the schema is built as `generate --verify` builds it (generated/migrations replayed into a
  throwaway server, then the migration schema.yaml still needs), each table is filled with synthetic rows
  at the queries' stated size (queries/synth.py, by COPY) and analyzed, and each query runs under EXPLAIN
  ANALYZE `runs` times; p95 is compared with its budget.
Both report a query that names an index schema.yaml no longer declares, a plan without its index and a
Seq Scan over a table larger than it allows, each at the query's line of schema.yaml.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import field
from schemac.model.frozen import frozen
from typing import Optional

from schemac.errors import SchemacError
from schemac.model import Schema
from schemac.report.describe import Difference
from schemac.report.queries import QueryLine, render_queries


@frozen
class QueriesResult:
    schema_file: str
    target_label: str
    lines: tuple[QueryLine, ...]
    differences: tuple[Difference, ...]
    timings: dict[str, float] = field(default_factory=dict)

    def render(self, fmt: str) -> str:
        return render_queries(fmt, list(self.lines), list(self.differences), {"database": self.target_label},
                              self.schema_file, self.timings)


def _load(schema_path: str) -> Schema:
    from schemac.schemafile.load import load_file

    desired = load_file(schema_path)
    if not desired.queries:
        raise SchemacError(f"{schema_path} declares no queries (queries: of a table or at the top level; see "
                           "docs/queries.md)")
    return desired


def _pending(layout, desired: Schema, schema_path: str) -> list:
    """The migration `generate` would write now (not written: replayed after the files on disk), so the
    throwaway database has the schema schema.yaml declares, as `generate --verify` builds it."""
    from schemac.commands.generate import _units, header
    from schemac.compare.differ import diff
    from schemac.migrations.layout import MigrationFile, NewMigration, next_version
    from schemac.migrations.state import read_state
    from schemac.compare.normalize import schema_searched

    state = read_state(layout.state_path)
    current = state.schema if state else Schema()
    changes = diff(current, desired)
    if not changes:
        return []
    versions = [m.version for m in layout.migrations()]
    out = []
    with schema_searched(desired):  # (the plan's search_path: plan.preamble)
        units = _units(changes, current, "check_queries", False)
    for n, unit in enumerate(units, 1):
        v = next_version(versions)
        versions.append(v)
        body = header(unit.name, None, "", os.path.basename(schema_path), unit.no_transaction, (n, len(units))) + unit.sql
        out.append(NewMigration(MigrationFile(v, unit.name, os.path.join(layout.migrations_dir, f"{v}_{unit.name}.sql")),
                                body.encode("utf-8"), unit.statements))
    return out


def check_queries_offline(schema_path: str, out_dir: str, dev_url: Optional[str] = None, runs: int = 20,
                          rows: Optional[int] = None, seed: int = 0) -> QueriesResult:
    """Synthetic rows at each query's stated size (`rows` overrides every statement), EXPLAIN ANALYZE."""
    import psycopg

    from schemac.migrations.layout import Layout
    from schemac.migrations.replay import replayed
    from schemac.queries import check
    from schemac.queries.explain import relation_rows, run_query
    from schemac.queries.fill import fill
    from schemac.queries.indexes import lost_indexes

    started = time.perf_counter()
    desired = _load(schema_path)
    found: list[Difference] = lost_indexes(desired)
    lines: list[QueryLine] = []
    timings = {"build schema": 0.0, "generate + COPY rows": 0.0, "keys and indexes": 0.0, "VACUUM ANALYZE": 0.0,
               "queries": 0.0}
    layout = Layout(out_dir)
    rng = random.Random(seed)
    from schemac.compare.roles import roles_named

    with replayed(layout, dev_url, _pending(layout, desired, schema_path),
                  roles=[r for r, _ in roles_named(desired)]) as (url, where):  # (made on the embedded server)
        timings["build schema"] = time.perf_counter() - started
        with psycopg.connect(url, autocommit=True) as conn:
            for size, queries in check.sizes_of(desired, rows):
                sizes = {t: size for q in queries for t in q.tables}
                filled = fill(conn, desired, sizes, check.DEFAULT_ROWS)
                timings["generate + COPY rows"] += filled.copy_seconds
                timings["keys and indexes"] += filled.keys_seconds
                timings["VACUUM ANALYZE"] += filled.analyze_seconds
                at = time.perf_counter()
                conn.execute("BEGIN")
                conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                outcomes = [run_query(conn, q, check.drawer(q, filled.plans), rng, runs, True, True) for q in queries]
                sizes_now = relation_rows(conn, {rel for o in outcomes for p in o.plans for rel in p.seq_scans})
                conn.execute("ROLLBACK")
                timings["queries"] += time.perf_counter() - at
                for o in outcomes:
                    found += check.findings(o, sizes_now, measured=size)
                    lines.append(check.line(o, [d for d in found if d.name == o.query.name], size))
    timings["total"] = time.perf_counter() - started
    order = {q.name: n for n, q in enumerate(desired.queries)}
    lines.sort(key=lambda x: order[x.name])
    found.sort(key=lambda d: (order.get(d.name or "", 0), d.kind))
    return QueriesResult(schema_path, f"synthetic rows in {where.replace('offline replay of', 'a replay of')}",
                         tuple(lines), tuple(found), timings)


def check_queries_live(schema_path: str, database_url: Optional[str], analyze: bool = False, runs: int = 5,
                       connect_timeout: int = 10, statement_timeout_ms: int = 30000, lock_timeout_ms: int = 5000,
                       seed: int = 0) -> QueriesResult:
    """EXPLAIN (ANALYZE with `analyze`) each query on the database, in one READ ONLY transaction."""
    from schemac.catalog.connection import begin_read_only, connect, database_label, rollback_quietly
    from schemac.queries import check
    from schemac.queries.explain import relation_rows, run_query
    from schemac.queries.indexes import lost_indexes
    from schemac.queries.synth import Planner

    started = time.perf_counter()
    desired = _load(schema_path)
    found: list[Difference] = lost_indexes(desired)
    lines: list[QueryLine] = []
    rng = random.Random(seed)
    # Params drawn from a column take a value of its synthetic domain: the plan is the one for a value the
    # statistics do not single out. No row of the database is read.
    plans = {}
    if any(p.column for q in desired.queries for p in q.params):
        planner = Planner(desired, {}, check.DEFAULT_ROWS)
        planner.plan_all()
        plans = planner.plans
    with connect(database_url, connect_timeout) as conn:
        label = database_label(conn)
        try:
            begin_read_only(conn, statement_timeout_ms, lock_timeout_ms)
            conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            outcomes = [run_query(conn, q, check.drawer(q, plans), rng, runs if analyze else 1, analyze, False)
                        for q in desired.queries]
            read = {tuple(t.split(".", 1)) for q in desired.queries for t in q.tables}
            sizes_now = relation_rows(conn, read | {rel for o in outcomes for p in o.plans for rel in p.seq_scans})
        finally:
            rollback_quietly(conn)
    for o in outcomes:
        n = max((sizes_now[tuple(t.split(".", 1))] for t in o.query.tables), default=0.0)  # timed at the real size
        found += check.findings(o, sizes_now, measured=int(n) if analyze else None)
        lines.append(check.line(o, [d for d in found if d.name == o.query.name], int(n) if analyze else None))
    order = {q.name: n for n, q in enumerate(desired.queries)}
    found.sort(key=lambda d: (order.get(d.name or "", 0), d.kind))
    return QueriesResult(schema_path, label, tuple(lines), tuple(found),
                         {"total": time.perf_counter() - started})
