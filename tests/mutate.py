#!/usr/bin/env python3
"""Mutation testing of the modules that decide what schemac reports and writes: does the suite notice
when the code is wrong?

    .venv/bin/python tests/mutate.py [--module compare/types.py ...] [--workers 2] [--limit N]
                                     [--json results.json] [--map coverage-map.json]

For each module (default: the differ, the planner and DDL builders, the reports and the diff command)
every mutation site is found in its syntax tree, one mutant at a time:

- comparisons flipped (== / !=, < / >=, > / <=, in / not in, is / is not);
- `and` / `or` swapped, a `not` dropped, an `if` condition negated;
- True / False swapped, an integer constant n made n + 1;
- `return value` made `return None`;
- a call statement (`out.append(...)`, `ch(...)`) deleted.

How a mutant is judged, and why it takes minutes instead of hours:

1. The map. The default test run (what `bash .ci/run` runs) goes once under coverage.py, every test
   in its own coverage context (subprocesses too: the `schemac` console script the CLI tests start),
   and every test's duration is kept. The map says which tests execute each line of each module.
2. The mutants. Each one runs only the tests that execute the mutated lines (all the tests of the
   module when the line runs at import), the quickest first, with `pytest -x`. A mutant is *killed*
   when a test fails, errors or times out; it *survives* when they all pass, and is *not covered*
   when no test executes its lines (a survivor no test could kill).
3. Workers. Each worker has its own copy of the repository (the mutant is written into the copy,
   never into this checkout) and its own PostgreSQL 18, 16 and 15, started once for the whole run
   (SCHEMAC_TEST_SERVERS); two workers keep both cores of a 2-core machine busy.

Survivors are listed with their line: each is a missing test or an equivalent mutant (docs/testing.md
keeps the verdicts).
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterator, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PACKAGE = os.path.join(ROOT, "src", "schemac")

DEFAULT_MODULES = ["compare/changes.py", "compare/differ.py", "compare/tables.py", "compare/types.py",
                   "plan/planner.py", "plan/ddl.py", "plan/hazards.py", "report/describe.py", "report/text.py",
                   "report/json.py", "report/github.py", "report/sarif.py", "report/history.py",
                   "commands/diff.py"]

# Tried before any other test that runs the mutated lines: quick, and they see every case's output.
FIRST = ("tests/test_plan_and_report_cases.py::",)

_FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE,
         ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass
class Mutant:
    module: str
    number: int
    line: int
    end_line: int
    operator: str
    description: str
    in_function: bool
    outcome: str = ""  # killed | timeout | survived | not covered
    seconds: float = 0.0
    tests: int = 0  # how many tests execute its lines
    ran: int = 0  # how many of them were run (the quickest, within --budget)
    killer: str = ""  # the first failing test, when pytest names it
    source_line: str = field(default="", repr=False)


# --- mutation sites -------------------------------------------------------------------------------

def _docstring_nodes(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value,
                                                                                                   str):
                out.add(id(first))
    return out


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """Nodes under `if TYPE_CHECKING:`: they never run."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            out |= {id(n) for n in ast.walk(node)}
    return out


def _function_nodes(tree: ast.AST) -> set[int]:
    """Nodes inside a function body: they run when the function is called, not when the module loads
    (decorators and default values aside, which run at import and count as module level here)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for part in (node.body if isinstance(node.body, list) else [node.body]):
                out |= {id(n) for n in ast.walk(part)}
    return out


def sites(tree: ast.Module) -> Iterator[tuple[ast.AST, str, str, int, bool]]:
    """(node, operator, description, index, in_function) for every mutation site; index tells which
    part of the node."""
    skip = _docstring_nodes(tree) | _type_checking_nodes(tree)
    inside = _function_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        fn = id(node) in inside
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _FLIP:
                    yield node, "cmp", f"{type(op).__name__} -> {_FLIP[type(op)].__name__}", i, fn
        elif isinstance(node, ast.BoolOp):
            yield node, "bool", f"{type(node.op).__name__} -> {'Or' if isinstance(node.op, ast.And) else 'And'}", 0, fn
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "not", "drop `not`", 0, fn
        elif isinstance(node, ast.If):
            yield node, "if", "negate the condition", 0, fn
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield node, "const", f"{node.value} -> {not node.value}", 0, fn
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield node, "const", f"{node.value} -> {node.value + 1}", 0, fn
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            yield node, "return", "return None", 0, fn
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield node, "delete", "delete the call statement", 0, fn


def _apply(node: ast.AST, operator: str, index: int) -> ast.AST:
    """The replacement for `node` (a mutated copy)."""
    if operator == "cmp":
        new = copy.copy(node)
        new.ops = list(node.ops)  # type: ignore[attr-defined]
        new.ops[index] = _FLIP[type(node.ops[index])]()  # type: ignore[attr-defined]
        return new
    if operator == "bool":
        return ast.BoolOp(op=ast.Or() if isinstance(node.op, ast.And) else ast.And(), values=node.values)  # type: ignore
    if operator == "not":
        return node.operand  # type: ignore[attr-defined]
    if operator == "if":
        new = copy.copy(node)
        new.test = ast.UnaryOp(op=ast.Not(), operand=node.test)  # type: ignore[attr-defined]
        return new
    if operator == "const":
        value = node.value  # type: ignore[attr-defined]
        return ast.Constant(value=(not value) if isinstance(value, bool) else value + 1)
    if operator == "return":
        return ast.Return(value=ast.Constant(value=None))
    if operator == "delete":
        return ast.Pass()
    raise ValueError(operator)


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: ast.AST):
        self.target, self.replacement = target, replacement

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return ast.copy_location(self.replacement, node)
        return super().visit(node)


def mutated_source(source: str, number: int) -> str:
    """The module's source with mutation site `number` applied (sites are numbered in walk order)."""
    tree = ast.parse(source)
    for n, (node, operator, _description, index, _fn) in enumerate(sites(tree)):
        if n == number:
            new_tree = _Replace(node, _apply(node, operator, index)).visit(tree)
            ast.fix_missing_locations(new_tree)
            return ast.unparse(new_tree) + "\n"
    raise IndexError(number)


def mutants_of(module: str, source: str) -> list[Mutant]:
    lines = source.splitlines()
    out = []
    for n, (node, operator, description, _index, fn) in enumerate(sites(ast.parse(source))):
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", line) or line
        if isinstance(node, ast.If):  # negating an `if` changes its test, not its body
            end = getattr(node.test, "end_lineno", line) or line
        out.append(Mutant(module, n, line, end, operator, description, fn,
                          source_line=lines[line - 1].strip() if 0 < line <= len(lines) else ""))
    return out


# --- the coverage map (a pytest plugin: `-p mutate` loads this file's hooks) -------------------------

_durations: dict[str, float] = {}
_failed: list[str] = []


def pytest_runtest_protocol(item, nextitem):  # noqa: ARG001 - pytest's hook signature
    import coverage

    cov = coverage.Coverage.current()
    os.environ["SCHEMAC_COV_CONTEXT"] = item.nodeid  # the static context of subprocesses this test starts
    if cov is not None:
        cov.switch_context(item.nodeid)
    return None


def pytest_runtest_logreport(report):
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration
    if report.failed:
        _failed.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):  # noqa: ARG001
    import coverage

    cov = coverage.Coverage.current()
    if cov is not None:
        cov.switch_context("")
    os.environ.pop("SCHEMAC_COV_CONTEXT", None)
    path = os.environ.get("SCHEMAC_MUTATE_DURATIONS")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"durations": _durations, "failed": _failed}, f)


_COVERAGE_RC = """\
[run]
source_pkgs = schemac
parallel = true
data_file = {data}
context = ${{SCHEMAC_COV_CONTEXT}}
"""


# The console script ends with os._exit (no interpreter teardown, so no atexit): for the map, save the
# subprocess's coverage first. Loaded as `sitecustomize` from a directory only the map run has on PYTHONPATH.
_SITECUSTOMIZE = """\
import os

_exit = os._exit


def _save_then_exit(code):
    import coverage

    cov = coverage.Coverage.current()
    if cov is not None:
        cov.stop()
        cov.save()
    _exit(code)


os._exit = _save_then_exit
"""


def _test_files() -> list[str]:
    tests = sorted(f for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".py"))
    return [os.path.join("tests", f) for f in tests]


def build_map(workers: list["Worker"], modules: list[str], files: Optional[list[str]] = None) -> dict:
    """{"durations": {nodeid: s}, "lines": {module: {line: [nodeid, ...]}}} from one default test run."""
    import coverage

    out_dir = tempfile.mkdtemp(prefix="schemac-mutate-map-")
    files = files or _test_files()
    sizes = {f: os.path.getsize(os.path.join(ROOT, f)) for f in files}
    shares: list[list[str]] = [[] for _ in workers]
    for f in sorted(files, key=lambda f: -sizes[f]):  # biggest first, each to the lightest worker so far
        min(shares, key=lambda s: sum(sizes[x] for x in s)).append(f)
    procs = []
    busy = [(w, share) for w, share in zip(workers, shares) if share]  # an empty share would run every test
    for w, share in busy:
        rc = os.path.join(out_dir, f"coveragerc-{w.n}")
        with open(rc, "w", encoding="utf-8") as f:
            f.write(_COVERAGE_RC.format(data=os.path.join(out_dir, ".coverage")))
        site = os.path.join(out_dir, f"site-{w.n}")
        os.makedirs(site)
        with open(os.path.join(site, "sitecustomize.py"), "w", encoding="utf-8") as f:
            f.write(_SITECUSTOMIZE)
        env = {**w.env, "COVERAGE_PROCESS_START": rc, "PYTHONPATH": site + os.pathsep + w.env["PYTHONPATH"],
               "SCHEMAC_MUTATE_DURATIONS": os.path.join(out_dir, f"durations-{w.n}.json")}
        log = open(os.path.join(out_dir, f"pytest-{w.n}.log"), "w", encoding="utf-8")
        procs.append((subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                        "-n", "0", "-p", "mutate", *share], cwd=w.root, env=env, stdout=log,
                                       stderr=subprocess.STDOUT), log))
    for p, log in procs:
        p.wait()
        log.close()
    durations: dict[str, float] = {}
    failed: list[str] = []
    for w, _ in busy:
        with open(os.path.join(out_dir, f"durations-{w.n}.json"), encoding="utf-8") as f:
            run_of = json.load(f)
        durations.update(run_of["durations"])
        failed += run_of["failed"]
    if failed:
        raise SystemExit(f"the tests fail without any mutation ({', '.join(failed[:5])}); fix that first "
                         f"(logs in {out_dir})")
    cov = coverage.Coverage(data_file=os.path.join(out_dir, ".coverage"))
    cov.combine([out_dir])
    data = cov.get_data()
    lines: dict[str, dict[str, list[str]]] = {m: {} for m in modules}
    for measured in data.measured_files():
        rel = measured.split(os.sep + "src" + os.sep + "schemac" + os.sep, 1)[-1]
        if rel not in lines:
            continue
        for line, contexts in data.contexts_by_lineno(measured).items():
            lines[rel].setdefault(str(line), [])
            lines[rel][str(line)] = sorted(set(lines[rel][str(line)]) | set(contexts))
    shutil.rmtree(out_dir, ignore_errors=True)
    return {"durations": durations, "lines": lines}


def selected_tests(m: Mutant, cmap: dict) -> list[str]:
    """The tests that execute the mutant's lines, quickest first; every test of the module when its lines
    run at import (module level, or code reached from it, recorded outside any test)."""
    by_line = cmap["lines"].get(m.module, {})
    contexts: set[str] = set()
    for line in range(m.line, m.end_line + 1):
        contexts |= set(by_line.get(str(line), []))
    if not m.in_function:
        contexts = {c for cs in by_line.values() for c in cs}
    # "" is code run while pytest collects (a test module building its cases, say): every test of the
    # module could depend on it, but the tests that execute it themselves are the ones that judge it.
    durations = cmap["durations"]
    # The likeliest killers first: quick tests that run much of the module (seconds per line run).
    reach: dict[str, int] = {}
    for cs in by_line.values():
        for c in cs:
            reach[c] = reach.get(c, 0) + 1
    ordered = sorted((c for c in contexts if c in durations), key=lambda c: (durations[c] / reach.get(c, 1), c))
    # ... after the in-process sweeps (FIRST), which check the exact output of every case in seconds.
    return [c for c in ordered if c.startswith(FIRST)] + [c for c in ordered if not c.startswith(FIRST)]


def within_budget(tests: list[str], cmap: dict, budget: float) -> list[str]:
    """The quickest of `tests` whose mapped durations add up to at most `budget` seconds (at least one)."""
    out, total = [], 0.0
    for t in tests:
        total += cmap["durations"][t]
        if out and total > budget:
            break
        out.append(t)
    return out


# --- workers ---------------------------------------------------------------------------------------

class Worker:
    """A copy of the repository and PostgreSQL 18, 16 and 15 of its own."""

    def __init__(self, n: int):
        sys.path.insert(0, HERE)
        from pgharness import STARTERS

        self.n = n
        self.base = tempfile.mkdtemp(prefix=f"schemac-mutate-{n}-")
        self.root = os.path.join(self.base, "repo")
        shutil.copytree(ROOT, self.root, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__",
                                                                       ".pytest_cache", "*.egg-info"))
        self.servers = [s for s in (start() for start in STARTERS.values()) if s is not None]
        self.env = {**os.environ, "PYTHONPATH": os.path.join(self.root, "src") + os.pathsep + os.path.join(
            self.root, "tests"), "PYTHONDONTWRITEBYTECODE": "1",
                    "SCHEMAC_TEST_SERVERS": " ".join(f"{s.label}={s.url}" for s in self.servers)}
        for k in ("SCHEMAC_TEST_DATABASE_URL", "COVERAGE_PROCESS_START", "CI"):
            self.env.pop(k, None)

    def judge(self, m: Mutant, source: str, tests: list[str], timeout: float) -> None:
        path = os.path.join(self.root, "src", "schemac", m.module)
        with open(path, encoding="utf-8") as f:
            original = f.read()
        start = time.perf_counter()
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(source)
            r = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", "-m", "",
                                "--no-header", "-rf", *tests], cwd=self.root, env=self.env, capture_output=True,
                               text=True, timeout=timeout)
            if r.returncode == 0:
                m.outcome = "survived"
            elif r.returncode in (1, 2, 3):  # a test failed; interrupted; an internal error (a broken import)
                m.outcome = "killed"
                m.killer = next((ln.split(" ", 2)[1] for ln in r.stdout.splitlines()
                                 if ln.startswith(("FAILED ", "ERROR "))), "")
            else:
                raise SystemExit(f"pytest exit {r.returncode} for {m.module}:{m.line}:\n{r.stdout[-2000:]}")
        except subprocess.TimeoutExpired:
            m.outcome = "timeout"
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        m.seconds = round(time.perf_counter() - start, 1)

    def stop(self) -> None:
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def run(mutants: list[Mutant], sources: dict[str, str], cmap: dict, workers: list[Worker],
        budget: Optional[float]) -> None:
    todo: queue.Queue = queue.Queue()
    for m in mutants:
        todo.put(m)
    lock = threading.Lock()
    done = [0]

    def work(w: Worker) -> None:
        while True:
            try:
                m = todo.get_nowait()
            except queue.Empty:
                return
            tests = selected_tests(m, cmap)
            m.tests = len(tests)
            if not tests:
                m.outcome = "not covered"
            else:
                chosen = within_budget(tests, cmap, budget) if budget else tests
                m.ran = len(chosen)
                timeout = 60 + 3 * sum(cmap["durations"][t] for t in chosen)
                w.judge(m, mutated_source(sources[m.module], m.number), chosen, timeout)
            with lock:
                done[0] += 1
                print(f"[mutate {done[0]}/{len(mutants)}] {m.module}:{m.line} {m.description}: {m.outcome} "
                      f"({m.ran} of {m.tests} tests, {m.seconds:.0f} s){' by ' + m.killer if m.killer else ''}", flush=True)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", action="append", help="module under src/schemac (default: the decision modules)")
    ap.add_argument("--workers", type=int, default=2, help="copies of the repository judging mutants at once")
    ap.add_argument("--limit", type=int, help="at most this many mutants per module (the first ones)")
    ap.add_argument("--line", type=int, action="append", help="only the mutants on these lines (with one --module)")
    ap.add_argument("--budget", type=float, default=10.0,
                    help="seconds of the map's test time a mutant may use: its quickest tests that fit (0: all its "
                         "tests). A survivor is then one that those tests did not notice")
    ap.add_argument("--map", help="reuse (or, when missing, write) the coverage map in this file")
    ap.add_argument("--extend-map", nargs="+", metavar="TEST_FILE",
                    help="map these test files and add them to the --map file (tests written since it was made)")
    ap.add_argument("--retry", metavar="RESULTS_JSON",
                    help="judge again only the survivors of an earlier run's --json (after writing tests for them)")
    ap.add_argument("--json", help="write every mutant and its outcome here")
    args = ap.parse_args(argv)
    modules = args.module or DEFAULT_MODULES
    sources = {}
    for module in modules:
        with open(os.path.join(PACKAGE, module), encoding="utf-8") as f:
            sources[module] = f.read()
    mutants = []
    for module in modules:
        mine = mutants_of(module, sources[module])
        if args.line:
            mine = [m for m in mine if m.line in args.line]
        mutants += mine[:args.limit] if args.limit else mine
    earlier: list[Mutant] = []
    if args.retry:
        # Judge again only what survived last time (after new tests), keep the other verdicts as they were.
        with open(args.retry, encoding="utf-8") as f:
            earlier = [Mutant(**m) for m in json.load(f)]
        # A mutant is the same one when its module, mutation and source line are (lines move when code
        # above them is edited; the n-th of identical ones on identical lines pairs with the n-th).
        def keyed(ms: list[Mutant]) -> dict[tuple, Mutant]:
            out: dict[tuple, Mutant] = {}
            seen: Counter = Counter()
            for m in ms:
                k = (m.module, m.operator, m.description, m.source_line)
                out[k + (seen[k],)] = m
                seen[k] += 1
            return out

        now, before = keyed(mutants), keyed([m for m in earlier if m.module in modules])
        # New mutants (edited code) and earlier survivors are judged; the other verdicts stand.
        again = [m for k, m in now.items() if k not in before or before[k].outcome in ("survived", "not covered")]
        kept = [m for k, m in before.items() if k in now and m.outcome not in ("survived", "not covered")]
        print(f"[mutate] since {args.retry}: {len(kept)} verdicts stand, {len(again)} mutants to judge "
              f"({sum(1 for k in now if k not in before)} new or edited)", flush=True)
        earlier = kept + again
        mutants = again
    # A stopped run (Ctrl-C, kill) still removes the servers and the copies: `finally` runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workers: list[Worker] = []
    started = time.perf_counter()
    try:
        workers = [Worker(n) for n in range(args.workers)]
        if args.map and os.path.exists(args.map):
            with open(args.map, encoding="utf-8") as f:
                cmap = json.load(f)
            if args.extend_map:  # tests written or changed since the map was made: map them again
                stale = tuple(f"{f}::" for f in args.extend_map)
                cmap["durations"] = {k: v for k, v in cmap["durations"].items() if not k.startswith(stale)}
                cmap["lines"] = {mod: {ln: [c for c in cs if not c.startswith(stale)] for ln, cs in by.items()}
                                 for mod, by in cmap["lines"].items()}
                more = build_map(workers, sorted(set(DEFAULT_MODULES) | set(modules)), args.extend_map)
                cmap["durations"].update(more["durations"])
                for module, by_line in more["lines"].items():
                    mine = cmap["lines"].setdefault(module, {})
                    for line, contexts in by_line.items():
                        mine[line] = sorted(set(mine.get(line, [])) | set(contexts))
                with open(args.map, "w", encoding="utf-8") as f:
                    json.dump(cmap, f)
        else:
            cmap = build_map(workers, sorted(set(DEFAULT_MODULES) | set(modules)))
            if args.map:
                with open(args.map, "w", encoding="utf-8") as f:
                    json.dump(cmap, f)
        print(f"[mutate] map: {len(cmap['durations'])} tests, {time.perf_counter() - started:.0f} s; "
              f"{len(mutants)} mutants in {len(modules)} modules", flush=True)
        run(mutants, sources, cmap, workers, args.budget or None)
    finally:
        for w in workers:
            w.stop()
    print(f"\n{len(mutants)} mutants judged in {time.perf_counter() - started:.0f} s\n")
    if earlier:
        judged = {(m.module, m.number, m.description): m for m in mutants}
        mutants = [judged.get((m.module, m.number, m.description), m) for m in earlier]
    print("| module | mutants | killed | survived | not covered | score |\n|---|---:|---:|---:|---:|---:|")
    for module in modules:
        mine = [m for m in mutants if m.module == module]
        killed = sum(m.outcome in ("killed", "timeout") for m in mine)
        survived = sum(m.outcome == "survived" for m in mine)
        if mine:
            print(f"| `{module}` | {len(mine)} | {killed} | {survived} | {len(mine) - killed - survived} | "
                  f"{100 * killed / len(mine):.0f}% |")
    total_killed = sum(m.outcome in ("killed", "timeout") for m in mutants)
    if mutants:
        print(f"| all | {len(mutants)} | {total_killed} | | | {100 * total_killed / len(mutants):.1f}% |")
    survivors = [m for m in mutants if m.outcome in ("survived", "not covered")]
    if survivors:
        print("\nSurvivors:")
        for m in survivors:
            ran = f", {m.ran} of {m.tests} tests" if m.outcome == "survived" else ""
            print(f"- {m.module}:{m.line} {m.operator} ({m.outcome}{ran}): {m.description}  `{m.source_line}`")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump([asdict(m) for m in mutants], f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
