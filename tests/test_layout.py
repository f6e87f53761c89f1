"""The package layout keeps its promises (docs/architecture.md): stages without import cycles, small
modules, a docstring per stage, the shipped migration untouched, and migrations that read the way
reviewers write SQL."""

from __future__ import annotations

import ast
import hashlib
import re
from functools import lru_cache
from pathlib import Path

import psycopg

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "schemac"
MAX_MODULE_LINES = 400
STAGES = ("model", "pg", "schemafile", "catalog", "compare", "plan", "report", "migrations", "commands", "upsert",
          "queries")
# sqlx stores this SHA-384 of the Story 24.2 migration in every database it was applied to: a byte changed
# in the file and every later `sqlx migrate run` refuses to start.
SHIPPED = "20261125180615_create_correlation_table.sql"
SHIPPED_SHA384 = ("d200b322c08af0290e8352a81e61a3508bdc27a8a02801d616d941058f4b64f8"
                  "a48060b9a230f9d9dadf69545325c9da")


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every schemac module `path` imports, at the top, inside a function or through pg.lazy alike."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "schemac":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "schemac"}
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy" and node.args \
                and isinstance(node.args[0], ast.Constant):  # pg.lazy.lazy("schemac.x", "f"): imported when called
            found.add(node.args[0].value)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` (as a path that returns to its start), or [] when it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


@lru_cache(maxsize=1)  # (two tests read the graphs: one parse of every module, never mutated)
def _graphs() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = _modules()
    by_module = {m: {i for i in _imports(p, modules) if i in modules and i != m} for m, p in modules.items()}
    stage = lambda m: ".".join(m.split(".")[:2])  # noqa: E731
    by_stage: dict[str, set[str]] = {}
    for m, targets in by_module.items():
        by_stage.setdefault(stage(m), set()).update(stage(t) for t in targets if stage(t) != stage(m))
    return by_module, by_stage


def test_no_import_cycles_between_modules_or_stages():
    by_module, by_stage = _graphs()
    assert _cycle(by_module) == []
    assert _cycle(by_stage) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_lower_stages_never_import_higher_ones():
    """pg and the model know nothing of files, catalogs, plans or commands; no stage imports a command."""
    _, by_stage = _graphs()
    assert by_stage["schemac.pg"] <= {"schemac.model"}
    assert by_stage.get("schemac.model", set()) == set()
    for stage, targets in by_stage.items():
        if stage not in ("schemac.cli", "schemac.commands", "schemac.launch"):
            assert "schemac.commands" not in targets and "schemac.cli" not in targets, stage


def test_every_stage_is_a_package_with_a_docstring_and_small_modules():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "cli.py", "errors.py", "launch.py"]  # (launch: the console script's entry)


def test_no_two_modules_share_a_confusable_name():
    """The old flat layout had drift.py (the command) beside diff.py (the differ): a module's last part
    may repeat across stages only for a family of object kinds, which every stage names the same way."""
    families = {"__init__", "tables", "types", "columns", "constraints", "indexes", "sequences", "extensions",
                "history", "functions", "triggers", "views", "policies", "grants", "queries", "usertypes",
                "collations", "rules", "aggregates", "textsearch", "publications", "event_triggers", "operators", "casts", "opclasses",
                "foreign_servers", "database_settings", "copies"}
    seen: dict[str, str] = {}
    for name in _modules():
        last = name.rsplit(".", 1)[-1]
        if last in families or name.count(".") < 2:
            continue
        assert last not in seen, f"{name} and {seen[last]}"
        seen[last] = name
    stems = {n.rsplit(".", 1)[-1] for n in _modules()}
    assert not {"drift", "introspect"} & stems


def test_shipped_migration_is_byte_identical():
    data = (ROOT / "generated" / "migrations" / SHIPPED).read_bytes()
    assert hashlib.sha384(data).hexdigest() == SHIPPED_SHA384
    assert b"DEFAULT GEN_RANDOM_UUID()" in data  # written before migrations spelled functions in lower case


SPELLING = """\
tables:
  notes:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      title: {type: text, nullable: false, check: "char_length(title) > 0"}
      body: text
      created_at: {type: timestamptz, nullable: false, default: now()}
    checks:
      title_hashed: md5(title) <> ''
    indexes:
      notes_title_lower: {columns: [{expression: lower(title)}]}
      notes_recent: {columns: [created_at], where: "COALESCE(body, '') <> ''"}
"""


def test_new_migrations_spell_functions_in_lower_case_and_apply(schemac, tmp_path, db_url):
    (tmp_path / "schema.yaml").write_text(SPELLING)
    r = schemac("generate", "--name", "notes")
    assert r.returncode == 0, r.stderr
    (path,) = (tmp_path / "generated" / "migrations").iterdir()
    text = path.read_text(encoding="utf-8")
    for spelled in ("DEFAULT gen_random_uuid()", "DEFAULT now()", "(lower(title))", "md5(title) <> ''",
                    "coalesce(body, '')"):
        assert spelled in text, spelled
    calls = re.findall(r"\b([A-Za-z_]+)\(", text.split("\n\n", 1)[1])
    keywords = {"UUID", "TEXT", "TIMESTAMPTZ", "CHECK", "EXISTS", "CAST", "KEY", "notes", "notes_title_lower",
                "notes_recent"}
    assert [c for c in calls if c.isupper() and c not in keywords] == []
    # Each statement its own paragraph: a blank line between statements, none inside one.
    statements = [s for s in text.split("\n\n") if not s.startswith("--")]
    assert all(s.rstrip().endswith(";") and s.count(";") == 1 for s in statements), statements
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        stored = conn.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'notes'::regclass "
                              "ORDER BY adnum").fetchall()
        assert [s for (s,) in stored] == ["gen_random_uuid()", "now()"]
        index = conn.execute("SELECT pg_get_indexdef('notes_title_lower'::regclass)").fetchone()[0]
        assert index.endswith("USING btree (lower(title))")
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 0, r.stdout + r.stderr
