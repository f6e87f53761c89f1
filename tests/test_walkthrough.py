"""docs/walkthrough.md is a replay, not a story: every `$` line runs here, in order, in a copy of the
repository's schema.yaml and generated/, against a real server, and prints what the page shows. A line that is
`schemac ARGS` alone runs through the console script's click entry point in the test's process (in_process; the
rest in bash), as the `schemac` fixture runs it; `SCHEMAC_TEST_PROCESSES=1` runs every line in bash.

`SCHEMAC_UPDATE_GOLDEN=1` writes this run's output into the page instead (review its diff like code).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import psycopg
from psycopg.conninfo import conninfo_to_dict

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "walkthrough.md"
BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.S | re.M)


def commands(block: str) -> list[str]:
    """The block's commands: a `$ ` line and the `> ` lines that continue it (a heredoc)."""
    out: list[str] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append(line[2:])
        elif line.startswith("> ") or line == ">":
            out[-1] += "\n" + line[2:]
    return out


def render(block_runs: list[tuple[str, str]]) -> str:
    text = ""
    for cmd, output in block_runs:
        lines = cmd.split("\n")
        text += "$ " + lines[0] + "\n" + "".join("> " + x + "\n" for x in lines[1:]) + output
    return text


def located(text: str, url: str) -> str:
    """The page names the database as if it were local: where the test's server is changes every run."""
    params = conninfo_to_dict(url)
    for key, placeholder in (("dbname", "walkthrough"), ("port", "5432"), ("host", "localhost")):
        if params.get(key):
            text = text.replace(str(params[key]), placeholder)
    return text


def comparable(text: str) -> str:
    """What else changes from run to run: migrations' timestamps, how long they took, and schema.yaml's
    checksum in a header (the page is not rewritten for every edit of the shipped schema.yaml)."""
    text = re.sub(r"(?<!\d)20\d{12}(?!\d)", "YYYYMMDDHHMMSS", text)
    text = re.sub(r"\(\d+(\.\d+)? ms\)", "(N ms)", text)
    return re.sub(r"\b[0-9a-f]{64}\b", "SHA256", text)


# A page line that is `schemac ARGS` alone, its stderr dropped or its exit status echoed after it: run through the CLI's
# click entry point in this process (as the `schemac` fixture runs it: conftest._in_process), not a new interpreter.
_PLAIN = re.compile(r'^schemac ((?:[^|;<>&`$"\']|"\$DATABASE_URL")*?)( 2>/dev/null)?(; echo "exit status: \$\?")?$')


def in_process(cmd: str, cwd, env: dict) -> Optional[str]:
    """What the terminal shows of `cmd` (stdout and stderr as they came), or None where it is not such a line."""
    from click.testing import CliRunner

    import schemac.cli as cli
    from conftest import catchable_end

    found = _PLAIN.match(cmd)
    if found is None or os.environ.get("SCHEMAC_TEST_PROCESSES"):
        return None
    args = [a.replace("$DATABASE_URL", env["DATABASE_URL"]) for a in shlex.split(found[1])]
    changes = {k: v for k, v in env.items() if os.environ.get(k) != v}
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with catchable_end():
            result = CliRunner(env=changes).invoke(cli.main, args, prog_name="schemac")
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    shown = result.stdout if found[2] else result.output
    return shown + (f"exit status: {result.exit_code}\n" if found[3] else "")


def test_walkthrough_replays_as_shown(tmp_path, db_url):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "schema.yaml", project / "schema.yaml")
    shutil.copytree(ROOT / "generated", project / "generated")
    env = {**os.environ, "DATABASE_URL": db_url, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
           "COLUMNS": "120", "NO_COLOR": "1"}
    page = PAGE.read_text(encoding="utf-8")
    blocks = BLOCK.findall(page)
    assert len(blocks) >= 6
    ran: list[str] = []
    for block in blocks:
        runs = []
        for cmd in commands(block):
            shown = in_process(cmd, project, env)
            if shown is None:
                shown = subprocess.run(["bash", "-c", cmd], cwd=project, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, timeout=180).stdout
            runs.append((cmd, located(shown, db_url)))
        ran.append(render(runs))
    if os.environ.get("SCHEMAC_UPDATE_GOLDEN"):
        parts = iter(ran)
        PAGE.write_text(BLOCK.sub(lambda m: "```console\n" + next(parts) + "```\n", page), encoding="utf-8")
        return
    for shown, replayed in zip(blocks, ran):
        assert comparable(replayed) == comparable(shown)
    # The oracle of its own: the database the page ends with, read with SQL, not through schemac.
    with psycopg.connect(db_url) as conn:
        cols = dict(conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'test_integration_correlations'::regclass AND attnum > 0 AND NOT attisdropped").fetchall())
        assert cols["pattern_name"] == "character varying(100)" and "pattern" not in cols
        assert conn.execute("SELECT col_description('test_integration_correlations'::regclass, "
                            "(SELECT attnum FROM pg_attribute WHERE attrelid = 'test_integration_correlations'::regclass "
                            "AND attname = 'notes'))").fetchone()[0] == "free-form notes"
        assert conn.execute("SELECT pg_get_expr(indpred, indrelid) FROM pg_index "
                            "WHERE indexrelid = 'idx_correlation_runs_open'::regclass").fetchone()[0] == "(finished_at IS NULL)"
        assert conn.execute("SELECT confdeltype FROM pg_constraint WHERE conrelid = 'correlation_runs'::regclass "
                            "AND contype = 'f'").fetchone()[0] == "c"
        assert conn.execute("SELECT count(*) FROM _sqlx_migrations WHERE success").fetchone()[0] == 4
