"""Apply migration files the way `sqlx migrate run` does, for tests, benchmarks and offline checks.

Same rules as sqlx: files in version order, each in its own transaction unless its first line is
``-- no-transaction``, and each recorded in ``_sqlx_migrations`` with the SHA-384 of its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from typing import Iterable, Optional

import psycopg

from schemac.migrations.layout import MigrationFile, NewMigration

SQLX_TABLE = """
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
)
"""
NO_TRANSACTION = b"-- no-transaction"


def checksum(data: bytes) -> bytes:
    return hashlib.sha384(data).digest()


def sqlx_description(m: MigrationFile) -> str:
    return m.description.replace("_", " ")


class StatementFailed(Exception):
    """A NewMigration failed: the statement the server refused (None when it cannot be told) and its error."""

    def __init__(self, statement: Optional[str], error: psycopg.Error):
        super().__init__(str(error))
        self.statement = statement
        self.error = error


def apply_files(conn: psycopg.Connection, files: Iterable[MigrationFile], record: bool = True) -> list[MigrationFile]:
    """Run each file (skipping versions already recorded); return the ones applied. Needs autocommit."""
    conn.autocommit = True
    applied_versions: set[int] = set()
    if record:
        conn.execute(SQLX_TABLE)
        applied_versions = {r[0] for r in conn.execute("SELECT version FROM _sqlx_migrations")}
    done = []
    for m in files:
        if m.version in applied_versions or m.filename.endswith(".down.sql"):
            continue
        with open(m.path, "rb") as f:
            data = f.read()
        _apply(conn, m, data, record, [(data.decode("utf-8"), None)], named=False)
        done.append(m)
    return done


def apply_new(conn: psycopg.Connection, new: NewMigration) -> None:
    """Apply and record a migration not written yet, as sqlx will apply its file; on an error, raise
    StatementFailed. A file that runs in a transaction runs its statements one at a time in that
    transaction (the same effect as its whole text, and the failing one is known); a `-- no-transaction`
    file runs as one text, as sqlx runs it (one implicit transaction when it holds several statements),
    so only its statement, when it holds one, can be named."""
    conn.autocommit = True
    conn.execute(SQLX_TABLE)
    if new.data.startswith(NO_TRANSACTION):
        only = new.statements[0] if len(new.statements) == 1 else None
        steps: list[tuple[str, Optional[str]]] = [(new.data.decode("utf-8"), only)]
    else:
        steps = [(s, s) for s in new.statements]
    _apply(conn, new.file, new.data, True, steps, named=True)


def _apply(conn: psycopg.Connection, m: MigrationFile, data: bytes, record: bool,
           steps: list[tuple[str, Optional[str]]], named: bool) -> None:
    """Run `steps` (SQL, and the statement to name if it fails) in one transaction, or outside any when
    the file starts with `-- no-transaction`, then record the file. `named`: errors are StatementFailed."""
    start = time.perf_counter_ns()
    with contextlib.nullcontext() if data.startswith(NO_TRANSACTION) else conn.transaction():
        for text, statement in steps:
            try:
                conn.execute(text)  # type: ignore[arg-type]
            except psycopg.Error as e:
                if not named:
                    raise
                raise StatementFailed(statement, e) from None
        if record:
            _record(conn, m, data, start)


def _record(conn: psycopg.Connection, m: MigrationFile, data: bytes, start: int) -> None:
    conn.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) "
        "VALUES (%s, %s, TRUE, %s, %s)",
        (m.version, sqlx_description(m), checksum(data), time.perf_counter_ns() - start),
    )
