"""Work handed to forked children (pg/forks.py), on a real server: `schemac diff` reading the catalog in
one (catalog/forked.py), `schemac generate` writing state.json's schema part in one (migrations/childwork.py).

Oracles: the same command with the read on this process's threads (`SCHEMAC_FORK=0`): the
same report, byte for byte, and the same exit status, on the fast path (state.json), the slow path with
the read started on a wrong guess of the schemas, and the errors; and the parent's own modules: a parent
that forked never imports psycopg (the threads' way does). For `generate`: the state.json written alone,
byte for byte but for the migration's name and checksum, and the process that wrote the schema part.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import psycopg
import pytest
from catalog_oracle import fingerprint, sibling_database
from psycopg import conninfo
from test_catalog_lanes import DDL  # tables, a key, an index, a trigger, a view: what the read covers
from sqlx_project import apply_all

from schemac.pg.forks import forking

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux only")


def _both(schemac, *args):
    """The command run as the console script (one thread: it forks) and with the threads asked for."""
    forked = schemac(*args, process=True, env={"SCHEMAC_FORK": None})
    threads = schemac(*args, process=True, env={"SCHEMAC_FORK": "0"})
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
        env = {k: v for k, v in os.environ.items() if k != "SCHEMAC_FORK"}
        if mode == "threads":
            env["SCHEMAC_FORK"] = "0"
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


def test_the_rows_cross_the_pipe_as_psycopg_made_them():
    """reading_child.rows_message / row_values: a query's rows as one marshal blob where every value has a marshal
    code, else pickled as they are (a Decimal, a date: no catalog query reads one today); either way the parent
    gets the same tuples, each value of the same type."""
    import datetime
    import pickle
    from decimal import Decimal

    from schemac.catalog.catalogrows import NamedRows
    from schemac.catalog.reading_child import row_values, rows_message

    plain = NamedRows(["oid", "name", "extra", "flag"], [(1, "t", None, True), (2, "", [1, 2], False),
                                                         (3, "é", {"k": [1.5, "x"]}, None)])
    odd = NamedRows(["n", "d"], [(Decimal("1.50"), datetime.date(2020, 1, 1))])
    assert isinstance(rows_message("q", plain)[3], bytes) and not isinstance(rows_message("q", odd)[3], bytes)
    for rows in (plain, odd):
        message = pickle.loads(pickle.dumps(rows_message("q", rows), protocol=pickle.HIGHEST_PROTOCOL))
        assert message[:3] == ("rows", "q", rows.names)
        got = row_values(message[3])
        assert got == list(rows)
        assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in rows]
        assert all(type(row) is tuple for row in got)


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


_LAUNCH_PROBE = """
import os, sys
from schemac.pg import forks
forked = []
real_fork, real_exit = forks.fork_child, os._exit
def fork_child(work):
    forked.append(sorted(m for m in ("click", "schemac.cli", "psycopg") if m in sys.modules))
    return real_fork(work)
forks.fork_child = fork_child
def end(code):
    from schemac.catalog import reading_child
    print(repr((forked, reading_child._early is None, "psycopg" in sys.modules)), file=sys.stderr)
    sys.stderr.flush()
    real_exit(code)
os._exit = end
sys.argv = ["schemac"] + sys.argv[1:]
from schemac.launch import main
try:
    main()
except SystemExit as e:
    end(e.code or 0)
"""


def test_the_console_script_forks_the_reader_before_anything_loads(db_url, schemac, tmp_path):
    """`schemac diff` (launch.py): one child, forked before click and the commands load, then taken by the
    read (not forked again), and psycopg never in the parent; the report the threads' own. Another command
    forks nothing; a `diff` that never reads (an unknown option) ends as it would without the child."""
    _project(db_url, schemac)
    env = {k: v for k, v in os.environ.items() if k != "SCHEMAC_FORK"}

    def probe(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", _LAUNCH_PROBE, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    def seen(r: subprocess.CompletedProcess) -> tuple:
        return eval(r.stderr.splitlines()[-1])  # noqa: S307 (the probe's own repr)

    out = probe("diff", "--database-url", db_url, "--format", "json")
    threads = schemac("diff", "--database-url", db_url, "--format", "json", process=True, env={"SCHEMAC_FORK": "0"})
    assert (out.returncode, out.stdout) == (threads.returncode, threads.stdout) == (1, threads.stdout), out.stderr
    assert seen(out) == ([[]], True, False)
    out = probe("generate", "--check")
    assert out.returncode == 0 and seen(out)[0] == []
    out = probe("diff", "--no-such-option")
    threads = schemac("diff", "--no-such-option", process=True, env={"SCHEMAC_FORK": "0"})
    assert out.returncode == threads.returncode == 2
    assert out.stderr.splitlines()[:-1] == threads.stderr.splitlines()
    assert seen(out) == ([[]], False, False)


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


def _without_its_names(text: str) -> str:
    """A migration's or state.json's text but for what names the run (versions, the migration's checksum)."""
    return re.sub(r'"migration(_sha384)?": "[^"]*"|-- schemac migration: .*|\d{14}', "", text)


_GENERATE_PROBE = """
import os, sys
from schemac.migrations import childwork
from schemac.commands.generate import generate

written = childwork._write
def marked(schema, path):  # runs in the process that writes the state's schema part: it says which
    with open(sys.argv[2], "w") as f:
        f.write(str(os.getpid()))
    if os.environ.get("PROBE_FAIL") == "state":
        raise RuntimeError("the child fails")
    written(schema, path)
childwork._write = marked
if os.environ.get("PROBE_FAIL") == "statements":  # the child fails on its first statement
    from schemac.commands import statement_runs
    parent, planned = os.getpid(), statement_runs.statements_for
    def failing(change):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return planned(change)
    statement_runs.statements_for = failing
r = generate("schema.yaml", sys.argv[1])
print(r.status, os.getpid())
"""

# 120 tables of an index and a foreign key each: 360 changes, past statement_runs.SHARED_FROM
_MANY = "".join(f"CREATE TABLE t{i} (id int PRIMARY KEY, up int REFERENCES t{max(i - 1, 0)} (id), note text DEFAULT 'n{i}' "
                f"CHECK (note <> ''));\nCREATE INDEX t{i}_note ON t{i} (note) WHERE note IS NOT NULL;\n" for i in range(120))


@pytest.mark.parametrize("fail", ["", pytest.param("state", marks=pytest.mark.slow),
                                  pytest.param("statements", marks=pytest.mark.slow)],
                         ids=["child-works", "child-fails-at-the-state", "child-fails-at-once"])
def test_generate_shares_its_work_with_a_child(db_url, schemac, tmp_path, fail):
    """The migration files and the state.json of a generate that a forked child helped (a share of the
    statements, the state's schema part) are those this process writes alone, byte for byte but for the
    versions in their names; a child that fails leaves its work to this process; none of its files is
    left; and the migration builds the database it was inspected from."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(_MANY)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    alone = schemac("generate", "--out", "alone", process=True, env={"SCHEMAC_FORK": "0"})
    assert alone.returncode == 0, alone.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("SCHEMAC_FORK", "PROBE_FAIL")}
    if fail:
        env["PROBE_FAIL"] = fail
    out = subprocess.run([sys.executable, "-c", _GENERATE_PROBE, "helped", str(tmp_path / "writer")], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    status, parent = out.stdout.split()
    assert status == "written"
    if fail == "statements":
        assert not (tmp_path / "writer").exists()  # it never came to the state's part: all done here
    else:
        assert int((tmp_path / "writer").read_text()) != int(parent)  # a child did (or tried) the state's part
    texts = {}
    for run in ("alone", "helped"):
        folder = tmp_path / run / "migrations"
        texts[run] = [_without_its_names((folder / f).read_text(encoding="utf-8")) for f in sorted(os.listdir(folder))]
        texts[run].append(_without_its_names((tmp_path / run / "state.json").read_text(encoding="utf-8")))
    assert len(texts["helped"]) == len(texts["alone"]) >= 2 and texts["helped"] == texts["alone"]
    assert sorted(os.listdir(tmp_path / "helped")) == [".schemac.lock", "migrations", "state.json"]
    again = schemac("generate", "--out", "helped", process=True)  # the record reads back: nothing to do
    assert again.returncode == 0 and "No changes" in again.stdout, again.stdout + again.stderr
    with sibling_database(db_url) as other:
        apply_all(other, tmp_path / "helped")
        assert fingerprint(other) == fingerprint(db_url)
