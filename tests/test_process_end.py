"""`schemac generate` and `schemac inspect` end their process as `diff` does (cli._end_process: the output
flushed, then os._exit, without the interpreter's teardown of the models and modules), on a real server.

Oracles: an atexit handler registered before the command, which the interpreter's own exit runs and os._exit
does not (`schema-json`, which ends the ordinary way, runs it: the probe can see a teardown); the commands'
output, complete: the same bytes as the same command run in this process (CliRunner, which catches the exit);
the migration written, applied to an empty database, making the source's tables and columns (pg_catalog).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import psycopg
from catalog_oracle import fingerprint, sibling_database

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

_PROBE = """
import atexit, sys
atexit.register(lambda: print("TEARDOWN", file=sys.stderr, flush=True))
sys.argv = ["schemac"] + sys.argv[1:]
from schemac.launch import main
main()
"""

_DDL = """
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(255) NOT NULL UNIQUE,
                       score numeric(3,2) CHECK (score BETWEEN 0 AND 1));
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                     account_id bigint REFERENCES accounts ON DELETE CASCADE, placed_at timestamptz DEFAULT now());
CREATE INDEX orders_placed ON orders (placed_at DESC) WHERE account_id IS NOT NULL;
"""


def test_generate_and_inspect_end_without_the_interpreters_teardown(db_url, schemac, tmp_path):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(_DDL)

    def probe(*args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "SCHEMAC_FORK"}
        return subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120)

    out = probe("schema-json")
    assert out.returncode == 0 and "TEARDOWN" in out.stderr  # (the ordinary exit: the probe sees it)

    out = probe("inspect", "--database-url", db_url)
    assert out.returncode == 0 and "TEARDOWN" not in out.stderr, out.stderr
    assert out.stdout == schemac("inspect", "--database-url", db_url).stdout and "accounts:" in out.stdout
    out = probe("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert out.returncode == 0 and "TEARDOWN" not in out.stderr, out.stderr
    assert (tmp_path / "schema.yaml").read_text(encoding="utf-8") == schemac("inspect", "--database-url", db_url).stdout

    out = probe("generate", "--dry-run")
    assert out.returncode == 0 and "TEARDOWN" not in out.stderr, out.stderr
    assert _untimed(out.stdout) == _untimed(schemac("generate", "--dry-run").stdout) and "CREATE TABLE" in out.stdout

    out = probe("generate", "--name", "start")
    assert out.returncode == 0 and "TEARDOWN" not in out.stderr, out.stderr
    assert "Wrote" in out.stdout
    layout = Layout(str(tmp_path / "generated"))
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, layout.migrations())
        assert fingerprint(other) == fingerprint(db_url)
    out = probe("generate", "--check")  # (state.json recorded it all)
    assert out.returncode == 0, out.stdout + out.stderr


def _untimed(text: str) -> str:
    """The text without the UTC timestamps of the migrations' names (the two runs may fall in two seconds)."""
    return re.sub(r"\b\d{14}_", "YYYYMMDDHHMMSS_", text)
