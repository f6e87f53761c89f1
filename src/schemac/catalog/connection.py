"""Connections to the database a command reads, and the READ ONLY transaction it reads in.

Every message that names the database goes through here, so none ever carries a password: URLs are
redacted, and driver messages are folded to one line and scrubbed of every spelling of the password.
"""

from __future__ import annotations

import os
import re
import time
from typing import Iterable, Optional
from urllib.parse import unquote

import psycopg
import psycopg.conninfo
from psycopg import errors as pgerrors
from psycopg import sql
from psycopg.pq import TransactionStatus

from schemac.errors import SchemacError

APPLICATION_NAME = "schemac"

# -- connecting ---------------------------------------------------------------------------------

# The password of a URI is what lies between the user's ':' and the LAST '@': users paste passwords with
# an unencoded '@' or '/', which libpq then reads as part of the host, port or database name. The scheme
# is not required ('postgres//u:pw@h' is a typo libpq echoes back whole).
_URI_PASSWORD = re.compile(r"^(?P<head>[^\s=@]*//[^:/?#@\s]*:)(?P<pw>.*)(?P<tail>@[^@]*)$", re.S)
_PARAM_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|(?:[^\s&\\]|\\.)*)", re.I)


def redact_url(url: str) -> str:
    """The connection string with any password replaced by ``***``: safe for messages and logs."""
    out = _URI_PASSWORD.sub(lambda m: m.group("head") + "***" + m.group("tail"), url)
    return _PARAM_PASSWORD.sub(lambda m: m.group("head") + "***", out)


def passwords(url: Optional[str]) -> set[str]:
    """Every spelling of a password (or of its pieces) that a driver message could echo, to scrub it."""
    found: set[str] = set()
    if url:
        m = _URI_PASSWORD.match(url)
        if m and m.group("pw"):
            pw = m.group("pw")
            found |= {pw, unquote(pw)}
            # libpq splits a malformed password at '@', '/', ':' into host, port, dbname: scrub the pieces.
            found |= {piece for piece in re.split(r"[@/:?\s]", pw) if len(piece) >= 2}
        for m in _PARAM_PASSWORD.finditer(url):
            pw = m.group("pw")
            if pw:
                found |= {pw, unquote(pw), pw.strip("'")}
        if not m:  # key=value form: libpq's own parse is exact (for a URI, m.group("pw") is the password)
            try:
                parsed = psycopg.conninfo.conninfo_to_dict(url).get("password")
            except psycopg.Error:
                parsed = None
            if parsed:
                found.add(str(parsed))
    env_pw = os.environ.get("PGPASSWORD")
    if env_pw:
        found.add(env_pw)
    return {p for p in found if p}


_QUOTED = re.compile(r'"([^"]*)"')


def _one_line(message: str, secrets: Iterable[str] = ()) -> str:
    """Driver messages span lines (one per host tried, plus hints): fold them, minus any password."""
    text = " ".join(line.strip() for line in message.splitlines() if line.strip())
    secrets = [s for s in secrets if s]
    # libpq quotes the piece of a URL it could not parse ('unexpected spaces found in "s3cr3t p"'): a
    # quoted piece of a password goes whole, even its one-letter ends that no piece-wise scrub catches.
    text = _QUOTED.sub(lambda m: '"***"' if m.group(1).strip() and any(m.group(1) in s for s in secrets)
                       else m.group(0), text)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text or "unknown error"


def _target(url: Optional[str]) -> str:
    """How to name the database in a message when we could not reach it."""
    if url:
        return redact_url(url)
    parts = [f"{k.lower()}={os.environ[k]}" for k in ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER") if os.environ.get(k)]
    return "the server given by PG* environment variables" + (f" ({' '.join(parts)})" if parts else "")


# A server refuses a connection for want of a slot (SQLSTATE 53300: the role's or the database's CONNECTION LIMIT,
# max_connections) while it still counts the server processes of connections closed a moment before, until they
# have exited: a command run right after another as a role allowed one connection (or a read begun again on this
# process's connection after its reading child's: catalog/forked.py) found the previous one's process still exiting
# under load and failed. Such a refusal is tried again, for SLOT_WAIT_S at most (a slot held for good is then
# reported as before). libpq gives no SQLSTATE for a refused connection, only the server's message: its English.
_NO_SLOT = ("too many connections for role", "too many connections for database", "too many clients already",
            "remaining connection slots are reserved")
SLOT_WAIT_S = 2.0


def connect(url: Optional[str], connect_timeout: int = 10, wait_for_slot: bool = True) -> psycopg.Connection:
    """Open an autocommit connection; ``url`` None means ``DATABASE_URL``, else libpq's PG* variables.
    `wait_for_slot`: a refusal for want of a connection slot is tried again a while (_NO_SLOT above).

    Autocommit, because :func:`introspect` opens its own READ ONLY transaction explicitly.
    """
    if not url:
        url = os.environ.get("DATABASE_URL") or None
    deadline, pause = time.monotonic() + SLOT_WAIT_S, 0.02
    while True:
        try:
            return psycopg.connect(url or "", connect_timeout=connect_timeout,
                                   application_name=APPLICATION_NAME, autocommit=True)
        except psycopg.Error as e:
            if wait_for_slot and any(text in str(e) for text in _NO_SLOT) and time.monotonic() + pause < deadline:
                time.sleep(pause)
                pause = min(2 * pause, 0.2)
                continue
            text = str(e).replace(url, redact_url(url)) if url else str(e)  # libpq echoes strings it cannot parse
            raise SchemacError(f"cannot connect to {_target(url)}: {_one_line(text, passwords(url))}") from None


def database_label(conn: psycopg.Connection) -> str:
    """'database app on db.internal:5432' (never the password): computed up front, while conn is alive."""
    try:
        info = conn.info
        return f"database {info.dbname} on {info.host}:{info.port}"
    except Exception:  # a closed connection cannot tell us
        return "the database"


def error_message(e: psycopg.Error, label: str, statement_timeout_ms: int, lock_timeout_ms: int,
                   secrets: Iterable[str]) -> str:
    """One line saying what went wrong, in terms of the setting the user can change."""
    detail = _one_line(getattr(getattr(e, "diag", None), "message_primary", None) or str(e), secrets)
    if isinstance(e, pgerrors.QueryCanceled):
        return f"introspecting {label}: a catalog query was cancelled ({detail}; statement timeout " \
               f"{statement_timeout_ms} ms)"
    if isinstance(e, pgerrors.LockNotAvailable):
        return f"introspecting {label}: could not get a catalog lock within {lock_timeout_ms} ms ({detail})"
    if isinstance(e, pgerrors.InsufficientPrivilege):
        return f"introspecting {label}: permission denied ({detail})"
    if isinstance(e, psycopg.OperationalError):
        return f"introspecting {label}: lost the connection ({detail})"
    return f"introspecting {label} failed: {detail}"


def begin_read_only(conn: psycopg.Connection, statement_timeout_ms: int, lock_timeout_ms: int,
                    snapshot: Optional[str] = None, parallel: bool = True) -> None:
    """Open the READ ONLY snapshot transaction; the timeouts end with it (SET LOCAL). `snapshot`: one
    another transaction exported (catalog/lanes.py), to see exactly what it sees. `parallel`: False plans
    without parallel workers from the start (see serial_plans).

    One round trip (the simple query protocol runs the statements in order, and a failing one, a snapshot that
    cannot be imported, fails the call and leaves the transaction aborted, as it would one statement at a time):
    every round trip of the two lanes before their first query is on the path to the first rows, and under load
    each waits for the server's process and the reading one to be scheduled again."""
    statements = [sql.SQL("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")]
    if snapshot is not None:
        statements.append(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
    # SET takes no bind parameters: the values are ints, rendered as literals by psycopg.
    statements += [sql.SQL("SET LOCAL {} = {}").format(sql.Identifier(setting), sql.Literal(int(value)))
                   for setting, value in (("statement_timeout", statement_timeout_ms), ("lock_timeout", lock_timeout_ms))]
    # Deparsed constants depend on these settings: a partition bound or default of type timestamptz
    # prints in the session's TimeZone ('2022-04-01 01:00:00+01' or '... 00:00:00+00'), dates and
    # intervals in its DateStyle / IntervalStyle, a bytea in its bytea_output ('\001' or '\x01'), a float in its
    # extra_float_digits (0: '0.3' for 0.30000000000000004), a money in its lc_monetary, a backslash doubled where
    # standard_conforming_strings is off, every name quoted with quote_all_identifiers. Pin them, so the model does
    # not depend on PGTZ, PGOPTIONS, ALTER DATABASE / ROLE ... SET or the server's defaults
    # (tests/test_session_settings.py). Names are qualified unless the search_path finds them (pg_get_viewdef,
    # defaults): public only, so the deparse does not depend on the role's search_path either (a view's query is
    # compared with the one a throwaway server deparses).
    # JIT off: the catalog queries' cost estimates pass jit_above_cost at a few thousand tables, and compiling
    # them costs more than it saves (bench/catalog_queries.py --set "jit = on" shows it on a server with LLVM).
    statements.append(sql.SQL("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL IntervalStyle = "
                              "'postgres'; SET LOCAL bytea_output = 'hex'; SET LOCAL extra_float_digits = 1; "
                              "SET LOCAL lc_monetary = 'C'; SET LOCAL standard_conforming_strings = on; "
                              "SET LOCAL quote_all_identifiers = off; SET LOCAL search_path = public; SET LOCAL jit = off"
                              + ("" if parallel else "; " + _SERIAL)))
    conn.execute(sql.SQL("; ").join(statements), prepare=False)


# The catalog read's queries but the columns' are planned without parallel workers: past a few thousand tables the
# planner gives the constraints, indexes and privileges queries parallel scans of pg_class, pg_attribute and
# pg_depend, whose workers cost the server more CPU than the same plans run serially (10,000 tables, backend and
# workers: 780 -> 700, 600 -> 500, 140 -> 95 ms; docs/benchmarks-catalog.md), while the two lanes (catalog/lanes.py)
# already keep two server cores busy, and a schema check then takes no workers from the pool (max_parallel_workers)
# the application's own queries share. The columns query keeps them: it is the longest, the first a lane asks
# and the first the model is built from, and its workers cost no more CPU than its serial plan (870 vs 865 ms),
# so a server with idle cores answers it sooner. (Not begin_read_only's own: `schemac queries --live` EXPLAINs
# the application's queries in such a transaction, and must see the plans they get.)
_SERIAL = "SET LOCAL max_parallel_workers_per_gather = 0"


def serial_plans(conn: psycopg.Connection) -> None:
    """The transaction's next queries planned without parallel workers (the comment above)."""
    conn.execute(_SERIAL, prepare=False)


def rollback_quietly(conn: psycopg.Connection) -> None:
    """End the transaction; if the connection is already gone the original error is what matters."""
    try:
        if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("ROLLBACK", prepare=False)
    except psycopg.Error:
        pass


def restore_autocommit(conn: psycopg.Connection, value: bool) -> None:
    """Hand the caller's connection back as it came; a dead one has nothing left to restore."""
    try:
        if not conn.closed:
            conn.autocommit = value
    except psycopg.Error:
        pass
