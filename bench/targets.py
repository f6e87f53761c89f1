"""Issue 15's targets, measured: where people wait, at 100 to 10,000 tables of gen_schema.py's shape.

    python bench/catalog_scale.py --suite targets [--sizes 100,1000,3000,10000] [--repeat 5]
        [--large-repeat 2] [--baseline-src DIR] [--baseline-sizes 100,1000] [--migra PATH]
        [--gen-schema PATH] [--database-url URL] [--seed 42] [--objects]

For each N: ``../shared/bench/gen_schema.py -n N`` writes variant a (the base schema) and variant b
(the same with ~5% changed: columns added, types widened, indexes dropped, defaults changed, tables
added); both are loaded into two databases A and B, and ``schemac inspect`` of each gives the
schema.yaml of a project (a, b). Then every command people wait for runs ``--repeat`` times (``--large-repeat``
from 5,000 tables), interleaved: one run of each command per round, the order rotated each round:

- ``inspect``: ``schemac inspect`` of A (into a scratch file);
- ``generate``: ``schemac generate`` of a into an empty output directory (the first migration, N tables);
- ``generate --check``: a, with its state.json: nothing changed (the pre-commit hook's case);
- ``generate --dry-run``: b, with a's state.json: ~5% changed;
- ``diff`` fast path: a against A with a's state.json; ``diff`` slow path: the same with no state (schema.yaml
  parsed, as on a branch where it was edited). Both must report "in sync";
- ``migra A B``: migra (``pip install -e '.[bench]'``, or ``--migra PATH``) comparing the two databases,
  when it is installed.

With ``--baseline-src DIR`` (a checkout's ``src``, e.g. the commit before issue 15), the same commands of
that code run in the same rounds, on the sizes of ``--baseline-sizes``, each from a project of its own.
Every command is a child process of ``python -c 'from schemac.cli import main; main()'`` with that code
first on ``PYTHONPATH``: wall time around it (start-up included), CPU (user+sys) and peak RSS (GNU time)
of the child. The load column is the 1-minute load average at the start and at the end of each N.

``--objects``: every table also has a view and a trigger function with its trigger (the whole-schema
issue's shape: its catalog benchmark must stay within 10% of the tables-only figure).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from typing import Callable, Optional

import psycopg
from psycopg import conninfo

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN_SCHEMA = os.path.join(ROOT, "..", "shared", "bench", "gen_schema.py")
# The console script's entry (pyproject's [project.scripts]: schemac.launch, cli before it had one).
LAUNCH = ("import sys; sys.argv[0] = 'schemac'\ntry:\n    from schemac.launch import main\nexcept ImportError:\n"
          "    from schemac.cli import main\nsys.exit(main())")

# (key, label, target at 1,000 tables in s, target at 10,000 tables in s)
COMMANDS = [
    ("generate", "`generate` from scratch", 1.0, None),
    ("dry_run", "`generate --dry-run`, ~5% changed", 0.7, None),
    ("check", "`generate --check`, nothing changed", 0.3, None),
    ("slow", "`diff`, slow path (schema.yaml edited)", 1.0, 8.0),
    ("fast", "`diff`, fast path (state.json matches)", 0.45, 3.0),
    ("inspect", "`inspect`", 0.8, None),
    ("migra", "migra, database A vs B", None, None),
]
RSS_LIMIT_KIB = 500 * 1024


def log(msg: str) -> None:
    print(f"[targets] {msg}", file=sys.stderr, flush=True)


def gen_sql(path: str, n: int, variant: str, seed: int) -> str:
    return subprocess.run([sys.executable, path, "-n", str(n), "--seed", str(seed), "--variant", variant],
                          capture_output=True, text=True, check=True).stdout


def with_objects(text: str) -> str:
    """The whole-schema issue's shape: every table of gen_schema.py's script also gets a view over it and a
    PL/pgSQL trigger function with its BEFORE UPDATE trigger (statements in the script's own form)."""
    extra = []
    for table in re.findall(r"^CREATE TABLE (\w+) \(", text, re.M):
        extra.append(f"CREATE VIEW {table}_recent AS SELECT * FROM {table} WHERE id > 100;\n")
        extra.append(f"CREATE FUNCTION {table}_touch() RETURNS trigger LANGUAGE plpgsql AS "
                     f"$$ BEGIN NEW.id := OLD.id; RETURN NEW; END $$;\n")
        extra.append(f"CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW "
                     f"EXECUTE FUNCTION {table}_touch();\n")
    return text + "".join(extra)


def load_sql(url: str, text: str, per_batch: int = 300) -> None:
    """Run gen_schema.py's script: its statements end a line with ';' and hold none inside; a batch of them
    is one simple query (one implicit transaction, well under a stock server's lock table)."""
    statements = [s for s in text.split(";\n") if s.strip() and not s.lstrip().startswith("--")]
    with psycopg.connect(url, autocommit=True) as conn:
        for i in range(0, len(statements), per_batch):
            conn.execute(";\n".join(statements[i:i + per_batch]) + ";")
        conn.execute("VACUUM ANALYZE")


def psycopg2_url(url: str) -> str:
    """migra (SQLAlchemy 2) reads postgresql:// as psycopg 3, which it does not support: name psycopg2."""
    params = conninfo.conninfo_to_dict(url)
    host = params.pop("host", "")
    port = params.pop("port", None)
    user = params.pop("user", "")
    password = params.pop("password", "")
    db = params.pop("dbname", "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    query = f"?host={host}" + (f"&port={port}" if port else "") if host.startswith("/") else ""
    netloc = "" if host.startswith("/") else host + (f":{port}" if port else "")
    return f"postgresql+psycopg2://{auth}{netloc}/{db}{query}"


def find_migra(explicit: Optional[str]) -> Optional[str]:
    if explicit:
        return explicit
    return shutil.which("migra", path=os.path.dirname(sys.executable)) or shutil.which("migra")


def compile_sources(src: str) -> None:
    """Byte-compile a source tree, as `pip install` does for what it installs: an editable install (or a
    PYTHONPATH checkout) run with PYTHONDONTWRITEBYTECODE set, as on these machines, would otherwise
    compile every module of schemac in every run (~0.2 s of each command here), which no installed
    schemac does. The dependencies in site-packages were compiled by pip."""
    import compileall

    compileall.compile_dir(src, quiet=1)


class Code:
    """One version of schemac: its src directory, and its own projects."""

    def __init__(self, label: str, src: str):
        self.label, self.src = label, os.path.abspath(src)
        self.env = {**os.environ, "PYTHONPATH": self.src}
        compile_sources(self.src)

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-c", LAUNCH, *args]


def measure_size(n: int, admin_url: str, codes: list[Code], repeat: int, seed: int, workdir: str,
                 gen_schema: str, migra: Optional[str], run: Callable, database: Callable,
                 objects: bool = False) -> dict:
    load_start = os.getloadavg()[0]
    base = os.path.join(workdir, f"targets-{n}")
    os.makedirs(base)
    texts = {v: gen_sql(gen_schema, n, v, seed) for v in ("a", "b")}
    if objects:
        texts = {v: with_objects(t) for v, t in texts.items()}
    with database(admin_url) as url_a, database(admin_url) as url_b:
        for v, url in (("a", url_a), ("b", url_b)):
            start = time.perf_counter()
            load_sql(url, texts[v])
            log(f"N={n}: database {v} loaded in {time.perf_counter() - start:.1f} s")
        jobs: dict[tuple[str, str], tuple[list[str], str, dict, Callable]] = {}
        for code in codes:
            root = os.path.join(base, code.label)
            proj = {v: os.path.join(root, v) for v in ("a", "b")}
            for v, url in (("a", url_a), ("b", url_b)):
                os.makedirs(proj[v])
                code_, out, err, wall, _, _ = run(code.argv("inspect", "--database-url", url, "--output", "schema.yaml"),
                                                  proj[v], code.env)
                if code_ != 0:
                    raise SystemExit(f"{code.label}: inspect {v} failed ({code_}): {err}{out}")
            code_, out, err, *_ = run(code.argv("generate", "--out", "generated"), proj["a"], code.env)
            if code_ != 0:
                raise SystemExit(f"{code.label}: generate failed ({code_}): {err}{out}")
            shutil.copytree(os.path.join(proj["a"], "generated"), os.path.join(proj["b"], "generated"))
            os.makedirs(os.path.join(proj["a"], "empty"))
            log(f"N={n}: {code.label}: projects ready in {root}")
            env = code.env
            jobs[(code.label, "inspect")] = (code.argv("inspect", "--database-url", url_a, "--output", "inspected.yaml",
                                                       "--force"), proj["a"], env, expect(0))
            jobs[(code.label, "generate")] = (code.argv("generate", "--out", "scratch"), proj["a"], env,
                                              fresh_dir(os.path.join(proj["a"], "scratch")))
            jobs[(code.label, "check")] = (code.argv("generate", "--check", "--out", "generated"), proj["a"], env,
                                           expect(0))
            jobs[(code.label, "dry_run")] = (code.argv("generate", "--dry-run", "--allow-destructive", "--out",
                                                       "generated"), proj["b"], env, expect(0))
            for key, out_dir in (("fast", "generated"), ("slow", "empty")):
                jobs[(code.label, key)] = (code.argv("diff", "--format", "json", "--database-url", url_a, "--out",
                                                     out_dir), proj["a"], env, in_sync)
        if migra:
            jobs[("migra", "migra")] = ([migra, "--unsafe", psycopg2_url(url_a), psycopg2_url(url_b)], base,
                                        dict(os.environ), expect(0, 2))
        results: dict[tuple[str, str], list[tuple[float, float, int]]] = {k: [] for k in jobs}
        order = list(jobs)
        for round_ in range(repeat + 1):  # round 0 warms caches: not counted
            rotated = order[round_ % len(order):] + order[:round_ % len(order)]
            for key in rotated:
                argv, cwd, env, check = jobs[key]
                if hasattr(check, "before"):
                    check.before()
                code_, out, err, wall, cpu, rss = run(argv, cwd, env)
                check(key, code_, out, err)
                if round_:
                    results[key].append((wall, cpu, rss))
            log(f"N={n}: round {round_} done (load {os.getloadavg()[0]:.1f})")
    summary = {}
    for key, runs in results.items():
        walls = [w for w, _, _ in runs]
        summary[key] = {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
                        "cpu": statistics.median(c for _, c, _ in runs), "rss": max(r for _, _, r in runs),
                        "runs": len(runs)}
    return {"n": n, "summary": summary, "load": (load_start, os.getloadavg()[0]),
            "bytes": {v: len(texts[v]) for v in texts}}


def expect(*codes: int) -> Callable:
    def check(key, code, out, err):
        if code not in codes:
            raise SystemExit(f"{key} exited {code}: {err[-2000:]}{out[:2000]}")
    return check


def fresh_dir(path: str) -> Callable:
    def check(key, code, out, err):
        if code != 0 or "Wrote" not in out:
            raise SystemExit(f"{key} exited {code}: {err[-2000:]}{out[:2000]}")
    check.before = lambda: shutil.rmtree(path, ignore_errors=True)  # type: ignore[attr-defined]
    return check


def in_sync(key, code, out, err):
    if code != 0:  # 1 is drift: the database and schema.yaml must agree here
        raise SystemExit(f"{key}: diff exited {code} (not in sync?): {err[-2000:]}{out[:2000]}")


def markdown(rows: list[dict], codes: list[Code], command: str, where: str, migra: Optional[str]) -> str:
    labels = [c.label for c in codes]
    head = ["N tables", "command", "target"]
    for label in labels:
        head += [f"{label}: wall median (min-max)", f"{label}: CPU", f"{label}: peak RSS"]
    head += ["met", "load (1-min, start-end)"]
    out = [f"Command: `{command}`", "", f"Server: {where}. Python {sys.version.split()[0]}, `nproc` = {os.cpu_count()}. "
           f"migra: {migra or 'not installed'}.", "",
           "| " + " | ".join(head) + " |", "|" + "|".join("---:" if h != "command" else "---" for h in head) + "|"]
    for r in rows:
        n = r["n"]
        for key, label, t1000, t10000 in COMMANDS:
            target = t1000 if n == 1000 else t10000 if n == 10000 else None
            cells = [f"{n:,}", label, f"≤ {target} s" if target else ("≤ 500 MiB RSS" if n == 10000 and key != "migra" else "")]
            met = []
            for lab in (labels if key != "migra" else ["migra"]):
                s = r["summary"].get((lab, key))
                if s is None:  # (no baseline at this size)
                    cells += ["—"] * 3
                    continue
                cells_for = [f"**{s['median']:.3f} s** ({s['min']:.3f}-{s['max']:.3f}, {s['runs']} runs)",
                             f"{s['cpu']:.3f} s", f"{s['rss'] / 1024:.0f} MiB"]
                if key == "migra":  # another tool: in the last columns
                    cells += [""] * (3 * (len(labels) - 1)) + cells_for
                else:
                    cells += cells_for
                if lab == labels[-1] and key != "migra":
                    ok = (target is None or s["median"] <= target) and (n != 10000 or s["rss"] <= RSS_LIMIT_KIB)
                    met.append("yes" if ok else "**no**")
            cells += [met[0] if met and (target or n == 10000) else "", f"{r['load'][0]:.1f}-{r['load'][1]:.1f}"]
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main(args, server, database, run, log_) -> None:
    gen_schema = os.path.abspath(args.gen_schema or GEN_SCHEMA)
    if not os.path.exists(gen_schema):
        raise SystemExit(f"{gen_schema}: gen_schema.py not found (--gen-schema PATH)")
    migra = find_migra(args.migra)
    if migra is None:
        log("migra is not installed (pip install -e '.[bench]', or --migra PATH): its column stays empty")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    baseline_sizes = {int(s.replace("_", "")) for s in (args.baseline_sizes or args.sizes).split(",")}
    current = Code("after" if args.baseline_src else "schemac", os.path.join(ROOT, "src"))
    workdir = args.keep or __import__("tempfile").mkdtemp(prefix="schemac-targets-")
    os.makedirs(workdir, exist_ok=True)
    rows = []
    try:
        with server(args.database_url) as (admin_url, where):
            for n in sizes:
                codes = ([Code("before", args.baseline_src)] if args.baseline_src and n in baseline_sizes else []) \
                    + [current]
                repeat = args.large_repeat if n >= 5000 else args.repeat
                rows.append(measure_size(n, admin_url, codes, repeat, args.seed, workdir, gen_schema, migra, run,
                                         database, args.objects))
                print(markdown(rows[-1:], codes, "(partial)", where, migra), file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    shown = [("URL" if prev == "--database-url" else a) for prev, a in zip([""] + sys.argv[1:], sys.argv[1:])]
    labels = (["before"] if args.baseline_src else []) + [current.label]
    print(markdown(rows, [Code(label, ".") for label in labels], "python bench/catalog_scale.py " + " ".join(shown),
                   where, migra))
