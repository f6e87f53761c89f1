#!/usr/bin/env python3
"""CPU seconds per phase of `schemac diff`'s fast path, in one process (prints one JSON object).

    cd PROJECT && python /path/to/bench/fast_phases.py DATABASE_URL

PROJECT is a project whose generated/state.json records its schema.yaml (`schemac inspect` of the database,
then `schemac generate`). The phases of `check_drift` are wrapped with time.process_time(), which counts every
thread of the process: the catalog worker threads' CPU falls in whichever phase runs meanwhile, so only the
imports and the total are exact. Also the process's peak RSS. Run it with another checkout first on PYTHONPATH (PYTHONPATH=before/src) to
compare two versions (that checkout must have written the project's state.json: the record is per version).
"""

import json
import resource
import sys
import time

T = time.process_time
t0 = T()
import schemac.catalog.builder as R  # noqa: E402
import schemac.commands.diff as D  # noqa: E402
import schemac.compare.differ as Df  # noqa: E402

spent: dict = {}


def timed(owner, name: str, label: str) -> None:
    f = getattr(owner, name)

    def run(*a, **k):
        t = T()
        try:
            return f(*a, **k)
        finally:
            spent[label] = spent.get(label, 0.0) + T() - t

    setattr(owner, name, run)


timed(D, "_from_state", "decode state.json")
timed(R.ModelBuilder, "add", "rows -> model (per query)")
timed(R.ModelBuilder, "result", "rows -> model (assembly)")
timed(Df, "diff", "diff")
imports = T() - t0
result = D.check_drift("schema.yaml", sys.argv[1], out_dir="generated")
total = T() - t0
print(json.dumps({"imports before the command": round(imports, 3), **{k: round(v, 3) for k, v in spent.items()},
                  "total CPU": round(total, 3),
                  "peak RSS MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "desired from": result.desired_from,
                  "sqlglot imported": "sqlglot" in sys.modules, "in sync": not result.differences}))
