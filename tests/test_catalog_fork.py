"""`schemac diff` reading the catalog in a forked child (catalog/forked.py), on a real server.

Oracles: the same command with the read on this process's threads (`SCHEMAC_CATALOG_READ=threads`): the
same report, byte for byte, and the same exit status, on the fast path (state.json), the slow path with
the read started on a wrong guess of the schemas, and the errors; and the parent's own modules: a parent
that forked never imports psycopg (the threads' way does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pytest
from psycopg import conninfo

from schemac.catalog.forked import forking

DDL = """
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
                       m mood, score int CHECK (score > 0));
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), total numeric(10, 2));
CREATE INDEX orders_total ON orders (total DESC) WHERE total > 0;
CREATE VIEW big_orders AS SELECT o.id, a.email FROM orders o JOIN accounts a ON a.id = o.account_id WHERE o.total > 100;
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux only")


def _both(schemac, *args):
    """The command run as the console script (one thread: it forks) and with the threads asked for."""
    forked = schemac(*args, process=True, env={"SCHEMAC_CATALOG_READ": None})
    threads = schemac(*args, process=True, env={"SCHEMAC_CATALOG_READ": "threads"})
    return forked, threads


def _project(db_url, schemac):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(DDL)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    r = schemac("generate", "--name", "start")
    assert r.returncode == 0, r.stderr
    # (the migration stays pending: history drift, reported alike both ways)
    with psycopg.connect(db_url, autocommit=True) as conn:  # drift: a column and an index made by hand
        conn.execute("ALTER TABLE orders ADD COLUMN note text; CREATE INDEX accounts_score ON accounts (score)")


def test_fast_path_reports_alike_and_the_parent_never_loads_psycopg(db_url, schemac, tmp_path):
    _project(db_url, schemac)
    forked, threads = _both(schemac, "diff", "--database-url", db_url, "--format", "json")
    assert (forked.returncode, forked.stdout, forked.stderr) == (threads.returncode, threads.stdout, threads.stderr)
    report = json.loads(forked.stdout)
    assert forked.returncode == 1, forked.stdout + forked.stderr
    assert sorted(d["kind"] for d in report["differences"]) == ["unexpected_column", "unexpected_index"], report
    assert report["in_sync"] is False, report
    probe = ("import json, sys\nfrom schemac.commands.diff import check_drift\n"
             "r = check_drift('schema.yaml', sys.argv[1], out_dir='generated')\n"
             "print(json.dumps([len(r.differences), 'psycopg' in sys.modules]))")
    seen = {}
    for mode in ("fork", "threads"):
        env = {k: v for k, v in os.environ.items() if k != "SCHEMAC_CATALOG_READ"}
        if mode == "threads":
            env["SCHEMAC_CATALOG_READ"] = "threads"
        out = subprocess.run([sys.executable, "-c", probe, db_url], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        seen[mode] = json.loads(out.stdout)
    assert seen == {"fork": [2, False], "threads": [2, True]}


def test_a_wrong_guess_of_the_schemas_is_read_again(db_url, schemac, tmp_path):
    """state.json's schemas start the read; schema.yaml, edited since, names another: read for that one."""
    _project(db_url, schemac)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA audit; CREATE TABLE audit.log (id int PRIMARY KEY, what text)")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml", "--force").returncode == 0
    forked, threads = _both(schemac, "diff", "--database-url", db_url, "--format", "json")
    assert (forked.returncode, forked.stdout, forked.stderr) == (threads.returncode, threads.stdout, threads.stderr)
    report = json.loads(forked.stdout)
    assert report["in_sync"] is True and report["differences"] == [], report
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'audit'").fetchone() == (1,)


def test_errors_are_the_same_lines_and_hold_no_password(db_url, schemac, tmp_path):
    _project(db_url, schemac)
    params = conninfo.conninfo_to_dict(db_url)
    wrong = conninfo.make_conninfo(db_url, dbname="no_such_database_here", password="s3cr3t-pw")
    forked, threads = _both(schemac, "diff", "--database-url", wrong)
    assert forked.returncode == threads.returncode == 2
    assert forked.stderr == threads.stderr and forked.stdout == threads.stdout
    assert "no_such_database_here" in forked.stderr and "s3cr3t-pw" not in forked.stderr + forked.stdout
    assert forked.stderr.count("\n") == 1 and "Traceback" not in forked.stderr
    # schema.yaml broken: its error first, while the child is connecting (it is told to stop and reaped)
    with open(tmp_path / "schema.yaml", "a", encoding="utf-8") as f:
        f.write("  - {bad\n")
    forked, threads = _both(schemac, "diff", "--database-url", db_url)
    assert forked.returncode == threads.returncode == 2
    assert forked.stderr == threads.stderr and "schema.yaml:" in forked.stderr, forked.stderr
    assert params["dbname"]  # the project's database was the one read above


def test_the_suite_itself_reads_on_threads_where_it_runs_threads():
    """In a process with other threads running (pytest-xdist's), forking is not safe: threads are used."""
    import threading

    started = threading.Event()
    stop = threading.Event()
    t = threading.Thread(target=lambda: (started.set(), stop.wait(10)))
    t.start()
    try:
        assert started.wait(5)
        assert forking() is False
    finally:
        stop.set()
        t.join()
