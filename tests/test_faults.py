"""Faults and least privilege for `schemac diff`: every failure is exit 2, one clear line, no password, in time.

- unreachable server, unroutable address, wrong password (a real scram check), missing database;
- the connection killed from another session while diff waits inside its catalog transaction;
- a catalog table locked by another session: lock timeout, and statement timeout;
- a role that can only connect (no schema usage, no table privileges) and a read-only session;
- what diff sends to the server: only reads, in a READ ONLY transaction.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import conninfo, sql
from sqlx_project import apply_all

SCHEMA = """\
tables:
  accounts:
    columns:
      id: {type: bigint, primary_key: true}
      email: {type: text, nullable: false}
    checks:
      email_has_at: "position('@' in email) > 0"
    indexes:
      accounts_email: {columns: [email], unique: true}
"""
DDL = """
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL,
                       CONSTRAINT email_has_at CHECK (position('@' in email) > 0));
CREATE UNIQUE INDEX accounts_email ON accounts (email);
"""
PASSWORD = "s3cr3t p@ss:w/rd%?"  # every character libpq or a URL parser could trip on
TIME_LIMIT = 20  # seconds: every fault must end well within the configured timeouts


@pytest.fixture
def project(tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    return tmp_path


@pytest.fixture
def migrated(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(DDL)
    return db_url


def assert_clean_failure(r, *fragments: str, secrets=(PASSWORD,)) -> str:
    out = r.stdout + r.stderr
    assert r.returncode == 2, out
    assert "Traceback" not in out
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("schemac: error: "), r.stderr
    for secret in secrets:
        for piece in {secret, quote(secret, safe="")}:
            assert piece not in out, f"password leaked: {out}"
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(schemac, *args, **kwargs):
    start = time.monotonic()
    r = schemac(*args, **kwargs)
    return r, time.monotonic() - start


# -- cannot connect ------------------------------------------------------------------------------------------

def test_server_unreachable(schemac, project):
    url = f"postgresql://admin:{quote(PASSWORD, safe='')}@127.0.0.1:{_free_port()}/app"
    r, elapsed = timed(schemac, "diff", "--database-url", url, "--connect-timeout", "3")
    assert_clean_failure(r, "cannot connect")
    assert elapsed < TIME_LIMIT


def test_unroutable_address_respects_connect_timeout(schemac, project):
    url = f"postgresql://admin:{quote(PASSWORD, safe='')}@10.255.255.1:5432/app"
    r, elapsed = timed(schemac, "diff", "--database-url", url, "--connect-timeout", "2")
    assert_clean_failure(r, "cannot connect")
    assert elapsed < TIME_LIMIT


def test_password_in_the_url_without_encoding_is_not_echoed(schemac, project):
    """A pasted password with '@' and '/' makes libpq misread the URL; its error must not echo the pieces."""
    url = f"postgresql://admin:{PASSWORD}@127.0.0.1:{_free_port()}/app"
    r, elapsed = timed(schemac, "diff", "--database-url", url, "--connect-timeout", "2")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert elapsed < TIME_LIMIT
    # libpq quotes the part it could not parse ("s3cr3t p"): none of it, not even the lone "p", is shown
    assert [piece for piece in ("s3cr3t", "p@ss", "w/rd", ' p"') if piece in r.stderr] == [], r.stderr


def test_unencoded_password_without_spaces_is_not_echoed(schemac, project):
    secret = "s3cr3t@p/ss:w"
    url = f"postgresql://admin:{secret}@127.0.0.1:{_free_port()}/app"
    r, elapsed = timed(schemac, "diff", "--database-url", url, "--connect-timeout", "2")
    line = assert_clean_failure(r, "cannot connect", secrets=(secret,))
    for piece in ("s3cr3t", "p/ss"):
        assert piece not in line, line
    assert elapsed < TIME_LIMIT


@pytest.fixture
def password_role(server, db_url):
    """A role whose socket logins really check a scram password (a pg_hba line just for it)."""
    role = "schemac_fault_pw"
    with server.admin() as conn:
        hba = conn.execute("SHOW hba_file").fetchone()[0]
        if not os.access(hba, os.W_OK):
            pytest.skip(f"cannot edit {hba} to require a password on this server")
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(PASSWORD)))
        original = Path(hba).read_text()
        Path(hba).write_text(f"local all {role} scram-sha-256\nhost all {role} all scram-sha-256\n" + original)
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.3)
    try:
        yield role
    finally:
        Path(hba).write_text(original)
        with server.admin() as conn:
            conn.execute("SELECT pg_reload_conf()")
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_wrong_password(schemac, project, db_url, password_role):
    params = conninfo.conninfo_to_dict(db_url)
    good = conninfo.make_conninfo(db_url, user=password_role, password=PASSWORD)
    with psycopg.connect(good) as conn:  # the right password works: the check is real
        assert conn.execute("SELECT current_user").fetchone()[0] == password_role
    wrong = "wr0ng p@ss"
    for how, env, args in (
        ("url", {}, ["--database-url", conninfo.make_conninfo(db_url, user=password_role, password=wrong)]),
        ("uri", {}, ["--database-url", f"postgresql://{password_role}:wr0ng%20p%40ss@/{params['dbname']}"
                                       f"?host={params['host']}"]),
        ("PGPASSWORD", {"PGPASSWORD": wrong, "PGUSER": password_role, "PGHOST": params["host"],
                        "PGDATABASE": params["dbname"], "DATABASE_URL": ""}, []),
    ):
        r, elapsed = timed(schemac, "diff", *args, "--connect-timeout", "5", env=env)
        line = assert_clean_failure(r, "cannot connect", secrets=(wrong, "wr0ng%20p%40ss", PASSWORD))
        assert "password authentication failed" in line, (how, line)
        assert elapsed < TIME_LIMIT


def test_database_missing(schemac, project, db_url):
    url = conninfo.make_conninfo(db_url, dbname="schemac_no_such_database", password=PASSWORD)
    r, elapsed = timed(schemac, "diff", "--database-url", url)
    assert_clean_failure(r, "cannot connect", "schemac_no_such_database")
    assert elapsed < TIME_LIMIT


# -- faults inside the catalog transaction ------------------------------------------------------------------------

class CatalogLock:
    """Another session holding ACCESS EXCLUSIVE on pg_constraint: diff's constraint query must wait."""

    def __init__(self, url: str):
        self.conn = psycopg.connect(url)
        self.conn.execute("LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE")

    def release(self):
        self.conn.rollback()
        self.conn.close()


def _waiting_schemac_pid(server, url: str, timeout: float = 15) -> int:
    """Watch from another database: in this one, new sessions would queue behind the catalog lock too."""
    dbname = conninfo.conninfo_to_dict(url)["dbname"]
    deadline = time.monotonic() + timeout
    with server.admin() as conn:
        while time.monotonic() < deadline:
            row = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'schemac' "
                               "AND wait_event_type = 'Lock' AND datname = %s", (dbname,)).fetchone()
            if row:
                return row[0]
            time.sleep(0.05)
    raise AssertionError("schemac diff never waited on the catalog lock")


def _spawn_diff(project: Path, url: str, *extra: str) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("schemac")
    return subprocess.Popen([str(exe), "diff", "--database-url", url, *extra], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_lock_timeout_on_a_locked_catalog(schemac, project, migrated):
    lock = CatalogLock(migrated)
    try:
        r, elapsed = timed(schemac, "diff", "--database-url", migrated, "--lock-timeout", "1",
                           "--statement-timeout", "2")
    finally:
        lock.release()
    assert_clean_failure(r, "could not get a catalog lock within 1000 ms")
    assert elapsed < TIME_LIMIT
    assert schemac("diff", "--database-url", migrated).returncode == 0  # and once the lock is gone, it works


def test_statement_timeout_on_a_locked_catalog(schemac, project, migrated):
    lock = CatalogLock(migrated)
    try:
        r, elapsed = timed(schemac, "diff", "--database-url", migrated, "--lock-timeout", "30",
                           "--statement-timeout", "2")
    finally:
        lock.release()
    assert_clean_failure(r, "statement timeout 2000 ms")
    assert 1.5 < elapsed < TIME_LIMIT


def test_connection_killed_in_the_middle_of_diff(server, project, migrated):
    lock = CatalogLock(migrated)
    try:
        start = time.monotonic()
        proc = _spawn_diff(project, migrated, "--lock-timeout", "60", "--statement-timeout", "120")
        pid = _waiting_schemac_pid(server, migrated)
        with server.admin() as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        stdout, stderr = proc.communicate(timeout=TIME_LIMIT)
        elapsed = time.monotonic() - start
    finally:
        lock.release()
    r = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    line = assert_clean_failure(r, "introspecting")
    assert "terminat" in line or "lost the connection" in line or "closed" in line, line
    assert elapsed < TIME_LIMIT


# -- least privilege -----------------------------------------------------------------------------------------------

@pytest.fixture
def connect_only_role(server, migrated):
    """A role that can CONNECT to the database and nothing else: no schema usage, no table privileges."""
    role = "schemac_connect_only"
    dbname = conninfo.conninfo_to_dict(migrated)["dbname"]
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(sql.Identifier(role)))
    with psycopg.connect(migrated, autocommit=True) as conn:
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname), sql.Identifier(role)))
        conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        conn.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
    try:
        yield conninfo.make_conninfo(migrated, user=role)
    finally:
        with server.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_diff_works_for_a_connect_only_read_only_role(schemac, project, connect_only_role):
    with psycopg.connect(connect_only_role, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM public.accounts")
        assert conn.execute("SHOW default_transaction_read_only").fetchone()[0] == "on"
        with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)):
            conn.execute("CREATE TABLE public.x (a int)")
    r = schemac("diff", "--database-url", connect_only_role)
    assert r.returncode == 0, r.stdout + r.stderr
    # and it still sees drift through the catalog alone
    with psycopg.connect(conninfo.make_conninfo(connect_only_role, user="postgres"), autocommit=True) as conn:
        conn.execute("ALTER TABLE accounts ADD COLUMN note text")
    r = schemac("diff", "--database-url", connect_only_role, "--format", "json")
    assert r.returncode == 1 and "note" in r.stdout, r.stdout + r.stderr


def test_diff_sends_only_reads_in_a_read_only_transaction(project, db_url, monkeypatch):
    """Every statement diff sends, recorded at the driver: BEGIN ... READ ONLY, SET LOCAL, SELECT, ROLLBACK.
    The database was migrated as sqlx would, so the migration history is read too."""
    from schemac.commands.diff import check_drift
    from schemac.commands.generate import generate

    generate(str(project / "schema.yaml"), str(project / "generated"))
    apply_all(db_url, project / "generated")
    migrated = db_url

    sent: list[tuple[int, str]] = []  # (connection, statement): the catalog is read on two connections
    lock = threading.Lock()
    original_cur = psycopg.Cursor.execute

    def record(conn, query):
        text = query.as_string(None) if isinstance(query, sql.Composable) else str(query)
        code = re.sub(r"--[^\n]*", "", text).strip()  # SQL comments (the catalog queries hold no '--' in strings)
        with lock:
            sent.append((id(conn), " ".join(code.split())))

    def cur_execute(self, query, *a, **k):
        record(self.connection, query)
        return original_cur(self, query, *a, **k)

    monkeypatch.setattr(psycopg.Cursor, "execute", cur_execute)  # Connection.execute goes through it
    # The recorder sees this process's statements: no forked child (it runs the same CatalogRead, and
    # tests/test_catalog_fork.py shows the two ways report alike).
    monkeypatch.setenv("SCHEMAC_FORK", "0")
    result = check_drift(str(project / "schema.yaml"), migrated, out_dir=str(project / "generated"))
    assert not result.differences
    # The database's size, counted on the first connection before the read (lanes.worth_a_second, whether a second
    # connection pays): a READ ONLY transaction of its own, under the read's timeouts, rolled back, in one round trip.
    probes = [text for _, text in sent if "pg_catalog.pg_class WHERE oid >= 16384" in text]
    assert len(probes) == 1, sent
    parts = [part.strip() for part in probes[0].split(";") if part.strip()]
    assert parts[0] == "BEGIN READ ONLY" and parts[-1] == "ROLLBACK", parts
    assert {p.split("=")[0].strip() for p in parts[1:3]} == {"SET LOCAL statement_timeout", "SET LOCAL lock_timeout"}
    sent = [(conn, text) for conn, text in sent if text != probes[0]]
    lanes = {}
    for conn, text in sent:
        lanes.setdefault(conn, []).append(text)
    assert 1 <= len(lanes) <= 2, lanes
    for statements in lanes.values():
        # BEGIN READ ONLY first; in the same round trip (catalog.connection.begin_read_only) the snapshot imported (the
        # second connection sees the first one's) and settings only.
        opening = [part.strip() for part in statements[0].split(";") if part.strip()]
        assert opening[0] == "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", statements
        settings = opening[2:] if opening[1:2] and opening[1].startswith("SET TRANSACTION SNAPSHOT ") else opening[1:]
        assert all(part.upper().startswith("SET LOCAL ") for part in settings), statements
        assert any(t.upper().startswith("SET LOCAL") and "statement_timeout" in t
                   for t in settings + statements[1:]), statements
        assert statements[-1] == "ROLLBACK" and statements.count("ROLLBACK") == 1, statements
        assert sum(t.upper().startswith("BEGIN") for t in statements) == 1, statements
        for text in statements[1:-1]:
            parts = [part.strip() for part in text.split(";") if part.strip()]
            assert parts[0].upper().startswith(("SET LOCAL ", "SELECT ", "WITH ")), text
            if len(parts) > 1:  # several statements in one round trip: settings only
                assert all(part.upper().startswith("SET LOCAL ") for part in parts), text
    sent = [part.strip() for _, text in sent for part in text.split(";")]
    # the migration history is read in the same READ ONLY transaction, and rolled back with it
    assert any("_sqlx_migrations" in t for t in sent), sent
    if len(lanes) == 2:  # the second imported the first's exported snapshot
        assert any(t == "SELECT pg_catalog.pg_export_snapshot()" for t in sent), sent
        assert sum(t.startswith("SET TRANSACTION SNAPSHOT '") for t in sent) == 1, sent
