"""Apply migration files the way `sqlx migrate run` does: `schemac apply`, and the replays of tests,
benchmarks and offline checks.

Same rules as sqlx (migrations.sqlx): files in version order, each in its own transaction unless its
text starts with ``-- no-transaction``, each recorded in ``_sqlx_migrations`` (or sqlx.toml's
table-name) with the same row sqlx writes: the SHA-384 of its text, `execution_time` -1 inside the
transaction, then the nanoseconds it took. :func:`migrate` is sqlx's Migrator: the advisory lock, the
table, then refusal before anything runs when a file applied earlier is missing or edited, or a
migration is marked failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import psycopg
from psycopg import sql

from schemac.errors import SchemacError
from schemac.migrations import sqltext as stmts
from schemac.migrations.drops import refuse_lost
from schemac.migrations.layout import Layout, MigrationFile, NewMigration
from schemac.migrations.server_warnings import collected, told
from schemac.migrations.sqlx import DEFAULT_TABLE, NO_TRANSACTION, SqlxConfig, lock_id

# sqlx-postgres `ensure_migrations_table`, to the letter.
_TABLE_DDL = """
CREATE TABLE IF NOT EXISTS {} (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
)
"""
SQLX_TABLE = _TABLE_DDL.format("_sqlx_migrations")


def checksum(data: bytes) -> bytes:
    return hashlib.sha384(data).digest()


def sqlx_description(m: MigrationFile) -> str:
    return m.description.replace("_", " ")


def read_text(m: MigrationFile) -> str:
    """The file's text; sqlx refuses the whole folder when a migration is not UTF-8."""
    try:
        with open(m.path, "rb") as f:
            return f.read().decode("utf-8")
    except UnicodeDecodeError:
        raise SchemacError(f"{m.path}: not UTF-8 text; sqlx cannot read it and refuses the whole folder") from None
    except OSError as e:
        raise SchemacError(f"{m.path}: cannot read ({e.strerror})") from None


class StatementFailed(Exception):
    """A NewMigration failed: the statement the server refused (None when it cannot be told) and its error."""

    def __init__(self, statement: Optional[str], error: psycopg.Error):
        super().__init__(str(error))
        self.statement = statement
        self.error = error


def _table(table: tuple[str, ...]) -> sql.Identifier:
    return sql.Identifier(*table)


def ensure_table(conn: psycopg.Connection, table: tuple[str, ...] = DEFAULT_TABLE) -> None:
    conn.execute(sql.SQL(_TABLE_DDL).format(_table(table)))


def apply_files(conn: psycopg.Connection, files: Iterable[MigrationFile], record: bool = True) -> list[MigrationFile]:
    """Run each file (skipping versions already recorded); return the ones applied. Needs autocommit.
    No lock and no checks (see :func:`migrate`): for throwaway databases."""
    conn.autocommit = True
    applied_versions: set[int] = set()
    if record:
        ensure_table(conn)
        applied_versions = {r[0] for r in conn.execute("SELECT version FROM _sqlx_migrations")}
    done = []
    for m in files:
        if m.version in applied_versions or m.is_down:
            continue
        with open(m.path, "rb") as f:
            data = f.read()
        _apply(conn, m, data, DEFAULT_TABLE if record else None, [(data.decode("utf-8"), None)], named=False)
        done.append(m)
    return done


def apply_new(conn: psycopg.Connection, new: NewMigration) -> None:
    """Apply and record a migration not written yet, as sqlx will apply its file; on an error, raise
    StatementFailed. A file that runs in a transaction runs its statements one at a time in that
    transaction (the same effect as its whole text, and the failing one is known); a `-- no-transaction`
    file runs as one text, as sqlx runs it (one implicit transaction when it holds several statements),
    so only its statement, when it holds one, can be named."""
    conn.autocommit = True
    ensure_table(conn)
    if new.data.startswith(NO_TRANSACTION.encode()):
        only = new.statements[0] if len(new.statements) == 1 else None
        steps: list[tuple[str, Optional[str]]] = [(new.data.decode("utf-8"), only)]
    else:
        steps = [(s, s) for s in new.statements]
    _apply(conn, new.file, new.data, DEFAULT_TABLE, steps, named=True)


def _apply(conn: psycopg.Connection, m: MigrationFile, data: bytes, table: Optional[tuple[str, ...]],
           steps: list[tuple[str, Optional[str]]], named: bool, digest: Optional[bytes] = None) -> int:
    """Run `steps` (SQL, and the statement to name if it fails) in one transaction, or outside any when
    the file starts with `-- no-transaction`, recording the file in `table` (None: not recorded) as
    sqlx-postgres `apply` does; return the nanoseconds it took. `named`: errors are StatementFailed."""
    start = time.perf_counter_ns()
    with contextlib.nullcontext() if data.startswith(NO_TRANSACTION.encode()) else conn.transaction():
        for text, statement in steps:
            try:
                conn.execute(text)  # type: ignore[arg-type]
            except psycopg.Error as e:
                if not named:
                    raise
                raise StatementFailed(statement, e) from None
        if table is not None:
            conn.execute(sql.SQL("INSERT INTO {} (version, description, success, checksum, execution_time) "
                                 "VALUES (%s, %s, TRUE, %s, -1)").format(_table(table)),
                         (m.version, sqlx_description(m), digest if digest is not None else checksum(data)))
    elapsed = time.perf_counter_ns() - start
    if table is not None:
        conn.execute(sql.SQL("UPDATE {} SET execution_time = %s WHERE version = %s").format(_table(table)),
                     (elapsed, m.version))
    return elapsed


# -- sqlx's Migrator: `schemac apply` ------------------------------------------------------------------------

class Refused(SchemacError):
    """The database's history disagrees with the folder (exit 1): nothing was run. `reasons`, one a line."""

    exit_code = 1

    def __init__(self, reasons: list[str]):
        super().__init__(reasons[0])
        self.reasons = reasons


@dataclass
class MigrateResult:
    files: int  # migrations in the folder (not counting .down.sql)
    applied: list[tuple[MigrationFile, int]] = field(default_factory=list)  # (file, nanoseconds), in order
    pending: list[MigrationFile] = field(default_factory=list)  # with dry_run: what would run
    warnings: list[str] = field(default_factory=list)  # what the server warned as the applied files ran, one a line


def migrate(conn: psycopg.Connection, layout: Layout, label: str, dry_run: bool = False,
            on_wait: Callable[[], None] = lambda: None,
            on_applied: Callable[[MigrationFile, int], None] = lambda m, ns: None,
            on_warning: Callable[[str], None] = lambda line: None) -> MigrateResult:
    """`sqlx migrate run` on an autocommit connection: take sqlx's advisory lock (`on_wait()` when another
    migrator holds it), create sqlx.toml's schemas and the table, refuse (Refused) when an applied
    migration is missing, edited or failed, then apply the pending files in version order, each as one
    query string as sqlx sends it, calling `on_applied(file, ns)`, then `on_warning(line)` for each WARNING
    the server sent while it ran (migrations.server_warnings; also kept in the result). A file that fails raises a
    SchemacError naming its statement and the server's message; what ran before it stays applied (a
    `-- no-transaction` file's statements a COMMIT kept too: their warnings are told first).
    With `dry_run`, nothing is locked, created or run: the result lists what would run."""
    config = layout.sqlx
    files = layout.migrations()
    texts = {m.path: read_text(m) for m in files}
    ups = [m for m in files if not m.is_down]
    result = MigrateResult(len(ups))
    key = lock_id(conn.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
    if not dry_run:
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:  # type: ignore[index]
            on_wait()
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    try:
        applied = _history(conn, config, create=not dry_run)
        _refusals(applied, files, texts, config, layout, label)
        for m in ups:
            if m.version in applied:
                continue
            refuse_lost(conn, m.filename, texts[m.path])  # (a partition its DROP TABLE would take unasked)
            if dry_run:
                result.pending.append(m)
                continue
            with collected(conn) as warned:
                try:
                    ns = _apply_one(conn, m, texts[m.path], config)
                except SchemacError:
                    if texts[m.path].startswith(NO_TRANSACTION):  # (what ran before the error stays, and its warnings)
                        _tell(conn, m, texts[m.path], warned, result, on_warning)
                    raise
            result.applied.append((m, ns))
            on_applied(m, ns)
            _tell(conn, m, texts[m.path], warned, result, on_warning)
    finally:
        if not dry_run and not conn.closed and not conn.broken:
            with contextlib.suppress(psycopg.Error):
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
    return result


def _tell(conn: psycopg.Connection, m: MigrationFile, text: str, warned: list, result: MigrateResult,
          on_warning: Callable[[str], None]) -> None:
    for line in told(conn, m.path, text, warned):
        result.warnings.append(line)
        on_warning(line)


def _history(conn: psycopg.Connection, config: SqlxConfig, create: bool) -> dict[int, tuple[bool, bytes]]:
    """version -> (success, checksum) of the table, created first (with sqlx.toml's schemas) unless a dry run."""
    table = _table(config.table)
    if create:
        for schema in config.create_schemas:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        ensure_table(conn, config.table)
    elif not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table.as_string(conn),)).fetchone()[0]:  # type: ignore[index]
        return {}
    rows = conn.execute(sql.SQL("SELECT version, success, checksum FROM {} ORDER BY version").format(table))
    return {int(v): (bool(ok), bytes(c)) for v, ok, c in rows}


def _refusals(applied: dict[int, tuple[bool, bytes]], files: list[MigrationFile], texts: dict[str, str],
              config: SqlxConfig, layout: Layout, label: str) -> None:
    """sqlx's checks before it runs anything (a failed row, an applied version with no file, an applied
    file whose checksum changed); schemac makes them all before the first file runs, not as it reaches them."""
    reasons = []
    by_version = {m.version: m for m in files if not m.is_down}
    versions = {m.version for m in files}
    table = config.table_label
    for version, (ok, digest) in sorted(applied.items()):
        m = by_version.get(version)
        if not ok:
            reasons.append(f"migration {version} is marked failed (success = false) in {table}: it may have "
                           "been applied in part; repair the database by hand, then delete that row")
        elif version not in versions:
            reasons.append(f"migration {version} is applied to {label} but has no file in {layout.migrations_dir}: "
                           "restore it from version control")
        elif m is not None and config.checksum(texts[m.path]) != digest:
            reasons.append(f"{m.path} was edited after it was applied to {label} (its SHA-384 differs from "
                           f"{table}): restore it as it was applied, and put the change in a new migration")
    if reasons:
        raise Refused(reasons)


def _apply_one(conn: psycopg.Connection, m: MigrationFile, text: str, config: SqlxConfig) -> int:
    data = text.encode("utf-8")
    try:
        return _apply(conn, m, data, config.table, [(text, None)], named=False, digest=config.checksum(text))
    except psycopg.Error as e:
        raise SchemacError(_failure(conn, m, text, e)) from None


def _failure(conn: psycopg.Connection, m: MigrationFile, text: str, error: psycopg.Error) -> str:
    """One line: where in the file, which statement, and the server's words."""
    diag = error.diag
    server = diag.message_primary or str(error).split("\n", 1)[0] or type(error).__name__
    extra = "".join(f"; {label}: {v}" for label, v in (("detail", diag.message_detail), ("hint", diag.message_hint))
                    if v)
    no_tx = text.startswith(NO_TRANSACTION)
    culprit = _culprit(conn, text, error, no_tx)
    where = f"{m.path}:{culprit.line}: `{culprit.first_line}` failed" if culprit else f"{m.path} failed"
    after = ("it runs outside a transaction, so what it ran before the error stays; it is not recorded"
             if no_tx else "the file was rolled back")
    return f"{where}: {server}{extra} ({after}; nothing after it was run)"


def _culprit(conn: psycopg.Connection, text: str, error: psycopg.Error, no_tx: bool) -> Optional[stmts.Statement]:
    """The statement that failed: at the server's error position; the only one; or, for a file that
    runs in a transaction, the first that fails with the same error when they are run one by one in a
    transaction that is rolled back."""
    statements = stmts.split(text)
    position = error.diag.statement_position
    if position and position.isdigit():
        found = stmts.at(statements, int(position) - 1)
        if found is not None:
            return found
    if len(statements) == 1:
        return statements[0]
    if no_tx or conn.broken or not statements:
        return None
    try:
        with conn.transaction():
            for s in statements:
                try:
                    conn.execute(s.text)  # type: ignore[arg-type]
                except psycopg.Error as e:
                    if e.sqlstate == error.sqlstate:
                        raise _Found(s) from None
                    raise psycopg.Rollback() from None
            raise psycopg.Rollback()
    except _Found as f:
        return f.statement
    except psycopg.Error:
        return None
    return None


class _Found(Exception):
    def __init__(self, statement: stmts.Statement):
        self.statement = statement
