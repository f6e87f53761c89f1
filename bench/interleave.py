#!/usr/bin/env python3
"""Commands run in turn, K rounds (one warm-up first), each round in the other order: median and min of each one's
wall time and CPU (its own and its children's, os.wait4). For a comparison on a machine that is not quiet: CPU
varies far less than wall time under load.

    K=12 python bench/interleave.py "before=PYTHONPATH=before/src schemac diff ..." "now=schemac diff ..."

Each argument is LABEL=COMMAND; a command may start with VAR=value assignments. Every command must exit 0.
"""

import os
import shlex
import statistics
import subprocess
import sys
import time


def main() -> None:
    rounds = int(os.environ.get("K", 10))
    commands = [a.split("=", 1) for a in sys.argv[1:]]
    results: dict = {label: ([], []) for label, _ in commands}
    for i in range(rounds + 1):
        for label, command in (commands if i % 2 else commands[::-1]):
            env, argv = dict(os.environ), shlex.split(command)
            while "=" in argv[0] and not argv[0].startswith("/"):
                key, value = argv.pop(0).split("=", 1)
                env[key] = value
            start = time.perf_counter()
            process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=env)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            if status != 0:
                raise SystemExit(f"{label}: exit status {os.waitstatus_to_exitcode(status)}")
            if i:  # round 0 warms caches
                results[label][0].append(wall)
                results[label][1].append(usage.ru_utime + usage.ru_stime)
    for label, (walls, cpus) in results.items():
        print(f"{label:12s} wall {statistics.median(walls):.3f} (min {min(walls):.3f})  "
              f"cpu {statistics.median(cpus):.3f} (min {min(cpus):.3f})")
    print("load (1, 5, 15 min):", os.getloadavg())


if __name__ == "__main__":
    main()
