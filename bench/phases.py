#!/usr/bin/env python3
"""CPU seconds per phase of `schemac generate` from scratch and of `schemac inspect`, in one process.

    python bench/phases.py SCHEMA_YAML DATABASE_URL        # prints one JSON object

The phases as the commands run them: start-up imports, composing schema.yaml into YAML nodes, the whole
load (nodes -> model), the diff against an empty schema, planning, printing every statement, recording
state.json; then `inspect`'s two: reading the catalog of DATABASE_URL (public) into a model, and writing
it as schema.yaml. Each is timed with time.process_time(). Run it with another checkout first on
PYTHONPATH (PYTHONPATH=before/src) to compare two versions; docs/benchmarks-catalog.md gives medians of
interleaved runs.
"""

import json
import sys
import time

T = time.process_time
t0 = T()
import schemac.cli  # noqa: E402,F401  (what every command imports)
from schemac.compare.differ import diff  # noqa: E402
from schemac.migrations.state import State  # noqa: E402
from schemac.model import Schema  # noqa: E402
from schemac.plan import planner  # noqa: E402
from schemac.schemafile import load as L  # noqa: E402
from schemac.schemafile import strict as S  # noqa: E402

out = {"imports (cli, loader, differ, planner, sqlglot)": T() - t0}
path, url = sys.argv[1], sys.argv[2]
text = L.read_schema_text(path)
t = T()
root = S.compose(text, path)
out["compose schema.yaml (YAML -> nodes)"] = T() - t
del root
t = T()
desired = L.load_text(text, path)
out["load (nodes -> model, incl. compose)"] = T() - t
out["  of which: walk, checks, types, expressions"] = (out["load (nodes -> model, incl. compose)"]
                                                       - out["compose schema.yaml (YAML -> nodes)"])
t = T()
changes = diff(Schema(), desired)
out["diff"] = T() - t
t = T()
statements = planner.plan(changes)
out["plan (statement trees)"] = T() - t
t = T()
texts = [planner.render_sql([s]) for s in statements]
out["render (sqlglot printing)"] = T() - t
t = T()
State("0" * 64, "x.sql", desired).dumps()
out["record state.json"] = T() - t

import psycopg  # noqa: E402

from schemac.catalog import reader  # noqa: E402
from schemac.schemafile import writer  # noqa: E402

with psycopg.connect(url) as conn:
    t = T()
    result = reader.introspect(conn, ("public",))
    out["inspect: read catalog -> model (client CPU)"] = T() - t
t = T()
writer.dump_schema(result.schema)
out["inspect: model -> schema.yaml text"] = T() - t
print(json.dumps(out))
