"""Each catalog query's planning and execution time (EXPLAIN (ANALYZE, TIMING OFF, SUMMARY)), A/B interleaved.

    python bench/catalog_planning.py URL [--repeat 7] [--only q1,q2] [--config 'NAME=query:setting=value,...']...

Runs every query of `schemac.catalog.fetch.QUERY_NAMES` (or --only's) in `diff`'s READ ONLY transaction (serial
plans but for the columns query, as catalog/fetch.py), once per configuration per repeat, the configurations
interleaved: "base" sets nothing (the queries are EXPLAINed without fetch.JOINS_AS_WRITTEN's limits: give those as
a configuration to measure them), each --config adds `SET LOCAL setting=value` before the named query (`*`: every
query) and RESET after. Prints per query the median planning and execution ms of each configuration, and the totals.
"""

import argparse
import statistics

import psycopg
from schemac.catalog.connection import begin_read_only, serial_plans
from schemac.catalog.fetch import QUERY_NAMES
from schemac.catalog.queries import sql_text
ap = argparse.ArgumentParser()
ap.add_argument("url"); ap.add_argument("--repeat", type=int, default=7)
ap.add_argument("--config", action="append", default=[])
ap.add_argument("--only", default="")
o = ap.parse_args()
configs = {"base": {}}
for c in o.config:
    name, spec = c.split("=", 1); d = {}
    for part in spec.split(","):
        q, kv = part.split(":", 1); d.setdefault(q, []).append(kv)
    configs[name] = d
names = o.only.split(",") if o.only else QUERY_NAMES
res = {c: {n: ([], []) for n in names} for c in configs}
with psycopg.connect(o.url, autocommit=True) as conn:
    major = conn.info.server_version // 10000
    for _ in range(o.repeat):
        for c, per in configs.items():
            begin_read_only(conn, 600000, 60000)
            for i, n in enumerate(names):
                if n != "columns": serial_plans(conn)
                sets = per.get(n, []) + per.get("*", [])
                for kv in sets: conn.execute("SET LOCAL " + kv)
                j = conn.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY, FORMAT JSON) " + sql_text(n, major),
                                 {"schemas": ["public"]}, prepare=False).fetchone()[0][0]
                res[c][n][0].append(j["Planning Time"]); res[c][n][1].append(j["Execution Time"])
                for kv in sets: conn.execute("RESET " + kv.split("=")[0].strip())
            conn.execute("ROLLBACK")
med = statistics.median
print("query".ljust(26) + "".join(f"{c+' plan':>14}{c+' exec':>14}" for c in configs))
for n in names:
    print(n.ljust(26) + "".join(f"{med(res[c][n][0]):14.2f}{med(res[c][n][1]):14.2f}" for c in configs))
for c in configs:
    tp = sum(med(res[c][n][0]) for n in names); te = sum(med(res[c][n][1]) for n in names)
    print(f"TOTAL {c}: plan {tp:.1f} exec {te:.1f} sum {tp+te:.1f} ms")
