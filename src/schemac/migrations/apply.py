"""Apply migration files the way `sqlx migrate run` does, for tests, benchmarks and offline checks.

Same rules as sqlx: files in version order, each in its own transaction unless its first line is
``-- no-transaction``, and each recorded in ``_sqlx_migrations`` with the SHA-384 of its bytes.
"""

from __future__ import annotations

import hashlib
import time
from typing import Iterable

import psycopg

from schemac.migrations.layout import MigrationFile

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
        text = data.decode("utf-8")
        start = time.perf_counter_ns()
        if data.startswith(NO_TRANSACTION):
            conn.execute(text)  # type: ignore[arg-type]
            if record:
                _record(conn, m, data, start)
        else:
            with conn.transaction():
                conn.execute(text)  # type: ignore[arg-type]
                if record:
                    _record(conn, m, data, start)
        done.append(m)
    return done


def _record(conn: psycopg.Connection, m: MigrationFile, data: bytes, start: int) -> None:
    conn.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) "
        "VALUES (%s, %s, TRUE, %s, %s)",
        (m.version, sqlx_description(m), checksum(data), time.perf_counter_ns() - start),
    )
