"""Each catalog query of `schemac diff`/`inspect`, timed alone against a database you name.

    python bench/catalog_queries.py --database-url URL [--schemas public] [--repeat 3] [--set "jit = on"]...

Runs every query of `schemac.catalog.fetch.QUERY_NAMES` inside the same READ ONLY transaction
`diff` opens (catalog/connection.begin_read_only: timeouts, TimeZone, search_path, JIT off), `--repeat`
times, and prints per query the rows, the best wall time and, when the server runs on this machine
(a Unix socket or localhost), the best CPU time of its backend process (/proc; parallel workers not
counted). `--set` adds `SET LOCAL ...` after those settings (`--set "jit = on"` measures what JIT costs).
"""

from __future__ import annotations

import argparse
import os
import time

import psycopg
from psycopg import sql

from schemac.catalog.connection import begin_read_only
from schemac.catalog.fetch import QUERY_NAMES, fetch


def _backend_cpu(pid: int) -> float | None:
    """User+system CPU seconds of a local backend, or None when it is not on this machine."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--schemas", default="public", help="comma-separated")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], metavar="SETTING", help='e.g. "jit = on"')
    o = ap.parse_args()
    schemas = tuple(o.schemas.split(","))
    with psycopg.connect(o.database_url, autocommit=True) as conn:
        pid = conn.info.backend_pid
        best: dict[str, tuple[float, float | None, int]] = {}
        for _ in range(o.repeat):
            begin_read_only(conn, 600_000, 60_000)
            for setting in o.set:
                conn.execute(sql.SQL("SET LOCAL " + setting))  # the user's own setting, as typed
            for name in QUERY_NAMES:
                c0, t0 = _backend_cpu(pid), time.perf_counter()
                rows = fetch(conn, schemas, name)
                wall, c1 = time.perf_counter() - t0, _backend_cpu(pid)
                cpu = None if c0 is None or c1 is None else c1 - c0
                was = best.get(name)
                best[name] = (min(wall, was[0]) if was else wall,
                              None if cpu is None else min(cpu, was[1]) if was and was[1] is not None else cpu,
                              len(rows))
            conn.execute("ROLLBACK")
    print(f"| query | rows | wall, best of {o.repeat} | backend CPU, best of {o.repeat} |")
    print("|---|---:|---:|---:|")
    for name, (wall, cpu, n) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        print(f"| {name} | {n} | {wall * 1000:.0f} ms | {'' if cpu is None else f'{cpu * 1000:.0f} ms'} |")
    total = sum(w for w, _, _ in best.values())
    print(f"| all {len(best)} | | {total * 1000:.0f} ms | |")


if __name__ == "__main__":
    main()
