"""Two connections reading one catalog snapshot, the catalog queries shared out between them.

A connection's server process answers one query at a time, and at thousands of tables the catalog
queries are seconds of one core (deparsing CHECKs, index expressions and views, looking up column
names). A second connection that imports the first one's snapshot (`pg_export_snapshot()`, then
`SET TRANSACTION SNAPSHOT`) sees exactly the same catalog, so the two can split the queries: each takes
the next one from a shared list, costliest first, whenever it is free, and both server cores work.

The second connection is a help, never a condition: if it cannot connect, cannot import the snapshot
(a pooler that sends it to another server, too many connections), or comes too late, the first one reads
everything alone, with the same result.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Callable, Iterable, Optional

import psycopg
from psycopg.pq import TransactionStatus

from schemac.catalog.connection import rollback_quietly

# Costliest first, as measured at 1,000 to 10,000 tables (docs/benchmarks-catalog.md): whichever lane is
# free takes the next one, so the long ones start at once and the short ones fill in at the end. What the tables
# are made of comes before the rest (the views aside, often long): the tables are built once it is in
# (catalog/builder.py), while the other queries are answered, rather than after the last.
COSTLIEST_FIRST = ("columns", "constraints", "views", "indexes", "privileges", "tables", "triggers", "exclusions",
                   "rules", "policies", "functions", "unmanaged", "sequences", "aggregates")


# Queries asked right after another, in this order, by the lane that asked that one (on its connection): the indexes
# query deparses each partial index's predicate (pg_get_expr with its table), the constraints query each CHECK, and a
# server process opens a table to deparse its expressions, building the table's descriptor (relcache) the first time
# (~20 us a table: ~210 ms of the constraints query's ~700 at 10,000 tables, whose CHECKs are on every table). Asked on
# the other connection, the indexes query built them again for the tables with a partial index (~160 ms of CPU of the
# server at 10,000 tables of gen_schema.py's shape: 630 ms alone, 470 after the constraints query on the same
# connection). The views query's deparses open every view and every table a view reads too (pg_get_viewdef): after
# those two on their connection, not after the columns query on the other (which opens none), it cost the server ~50 ms
# less at 1,000 views, and the queries it left to the other lane ~20 less (docs/benchmarks-catalog.md, session 45). The
# other lane takes the queries after them meanwhile; a query reserved so is still on the list until its lane asks it
# (the presence probe may take it off: fetch._probed).
SAME_LANE_AFTER = {"constraints": ("indexes", "views")}
# Of those, what the other lane takes once nothing else is left for it, rather than wait idle: the views query may be
# as long as the rest together (many views over few tables), and its server process better busy than sharing caches.
TAKEN_WHEN_IDLE = frozenset({"views"})


# The second connection pays from this many relations the database made (pg_class rows past initdb's, oid >= 16384:
# tables, their indexes, sequences and TOAST tables, views; gen_schema.py's shape makes ~8 a table): below, its server
# process's start and its own catalog caches cost the server 13-18 ms of CPU more than one connection's 70-105 ms
# (docs/benchmarks-catalog.md, session 48: 0 to 100 tables), while the command's own CPU, several times that, runs
# beside the read anyway; from 300 tables on, as before (+25 ms at 300, +40-60 at 1,000, where the read is the
# command's critical path and two server cores shorten it). Counted on the first connection before the second opens,
# outside the read's snapshot: a bound, not the read's own count.
TWO_LANES_FROM = 1000
# (counted up to the bound only: an index-only walk of pg_class's oids that stops there, whatever the database's size;
# in a READ ONLY transaction of its own, under the read's timeouts, all in one round trip, before the read's own)
RELATIONS_MADE = ("BEGIN READ ONLY; SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = {}; "
                  "SELECT count(*) FROM (SELECT 1 FROM pg_catalog.pg_class WHERE oid >= 16384 LIMIT {}) AS made; "
                  "ROLLBACK")


def worth_a_second(conn: psycopg.Connection, statement_timeout_ms: int, lock_timeout_ms: int) -> bool:
    """Whether the database is large enough for a second connection to pay (TWO_LANES_FROM): asked on the first,
    before the second connects. Where the count fails, two lanes, as before (the read reports what is wrong)."""
    query = RELATIONS_MADE.format(int(statement_timeout_ms), int(lock_timeout_ms), int(TWO_LANES_FROM))
    try:
        cur = conn.execute(query, prepare=False)
        while cur.description is None and cur.nextset():
            pass  # (BEGIN, SET, SET: the count is the fourth statement's)
        row = cur.fetchone()
    except psycopg.Error:
        rollback_quietly(conn)
        return True
    return row is not None and row[0] >= TWO_LANES_FROM


def reading_order(names: Iterable[str]) -> list[str]:
    """`names` in the order they are asked, by one lane or two: COSTLIEST_FIRST's first."""
    names = list(names)
    first = [n for n in COSTLIEST_FIRST if n in names]
    return first + [n for n in names if n not in first]


# The second lane's "error" when the first failed first and cancelled it: not the one to report.
_CANCELLED_BY_FIRST = RuntimeError("cancelled: the other catalog connection failed first")


class SharedRead:
    """The queries still to run, and the hand-over of the snapshot from the first lane to the second."""

    def __init__(self, names: Iterable[str]):
        self._names = deque(reading_order(names))
        self._held: dict[int, list[str]] = {}  # by the thread of a lane: the queries it asks next (SAME_LANE_AFTER)
        self._lock = threading.Condition()
        self._snapshot: Optional[str] = None
        self.schemas: tuple[str, ...] = ()
        # waiting: for a snapshot; importing; reading; gone: never will (or no longer does) read anything.
        self._partner = "waiting"
        self._offered = threading.Event()
        # The second lane connects once the first has: a role allowed one connection must get it for the
        # first lane (which then reads alone), not lose it to the second.
        self._first_connected = threading.Event()
        self.partner_error: Optional[BaseException] = None
        self.partner_queries = 0
        self.partner: Optional[threading.Thread] = None  # the second lane's thread, once started
        # Each lane's connection, so that one failing stops the other's query at once (a lane waiting on a
        # catalog lock would otherwise wait for its own lock timeout).
        self._connections: dict[str, psycopg.Connection] = {}

    # -- the first lane --------------------------------------------------------------------------

    def connected(self) -> None:
        """The first lane has its connection: the second may open its own."""
        self._first_connected.set()

    def offer(self, conn: psycopg.Connection, schemas: tuple[str, ...]) -> bool:
        """Export the transaction's snapshot for the second lane (inside the transaction, before any
        catalog query). False when the server refuses: the transaction is then aborted, and the caller
        begins it again and reads alone."""
        try:
            row = conn.execute("SELECT pg_catalog.pg_export_snapshot()", prepare=False).fetchone()
        except psycopg.Error:
            self.withdraw()
            return False
        with self._lock:
            self._snapshot, self.schemas = row[0], schemas
            self._connections["first"] = conn
        self._offered.set()
        return True

    def failed(self, e: BaseException) -> BaseException:
        """The first lane's query failed: stop the second's. The error to report is the one that came
        first: the second lane's, when it failed and cancelled this one's query."""
        first = self._first_to_fail(_CANCELLED_BY_FIRST, cancel="second")
        self.withdraw()
        return e if first or not isinstance(self.partner_error, psycopg.Error) else self.partner_error

    def _first_to_fail(self, error: BaseException, cancel: str) -> bool:
        """Record `error` unless a lane failed before; if none did, cancel the other lane's query."""
        with self._lock:
            first = self.partner_error is None
            if first:
                self.partner_error = error
        if first:
            self._cancel(cancel)
        return first

    def _cancel(self, lane: str) -> None:
        with self._lock:
            conn = self._connections.pop(lane, None)
        if conn is not None:
            try:
                conn.cancel_safe(timeout=2)
            except Exception:  # noqa: BLE001 - it may be gone already, which is as good
                pass

    def withdraw(self) -> None:
        """No snapshot will be offered (or the first lane is done): a second lane that has not started
        importing never will; one that is importing is waited for, so the snapshot it imports is still
        there."""
        with self._lock:
            if self._partner == "waiting":
                self._partner = "gone"
            while self._partner == "importing":
                self._lock.wait()
        self._offered.set()
        self._first_connected.set()

    def next(self) -> Optional[str]:
        """The next query for the calling lane (its thread) to ask, None when none is left for it: those SAME_LANE_AFTER
        reserved for it first, else the first on the list that is not reserved for the other lane, else one reserved
        for the other lane that TAKEN_WHEN_IDLE lets it take."""
        with self._lock:
            held = self._held.setdefault(threading.get_ident(), [])
            while held:
                name = held.pop(0)
                if name in self._names:
                    self._names.remove(name)
                    return name
            reserved = {n for names in self._held.values() for n in names}
            name = next((n for n in self._names if n not in reserved), None) or \
                next((n for n in self._names if n in TAKEN_WHEN_IDLE), None)
            if name is not None:
                self._names.remove(name)
                held.extend(n for n in SAME_LANE_AFTER.get(name, ()) if n in self._names and n not in reserved)
            return name

    def drop(self, names: frozenset[str]) -> frozenset[str]:
        """Take `names` off the queries still to run (fetch.PROBED's found to have no row): those no lane has taken."""
        with self._lock:
            dropped = frozenset(n for n in names if n in self._names)
            for name in dropped:
                self._names.remove(name)
            return dropped

    def finish(self) -> None:
        """Wait for the second lane's last query; its error, if any, is the read's. A second lane still
        connecting is not waited for: it will find itself withdrawn and read nothing."""
        self.withdraw()
        with self._lock:
            reading = self._partner == "reading"
        if reading and self.partner is not None:
            self.partner.join()
        with self._lock:
            self._connections.clear()
        if self.partner_error is not None and self.partner_error is not _CANCELLED_BY_FIRST:
            raise self.partner_error

    # -- the second lane -------------------------------------------------------------------------

    def may_connect(self) -> bool:
        """Wait until the first lane has connected; False when it withdrew instead (failed, or done)."""
        self._first_connected.wait()
        with self._lock:
            return self._partner == "waiting"

    def give_up(self) -> None:
        with self._lock:
            self._partner = "gone"
            self._lock.notify_all()

    def take_snapshot(self) -> Optional[str]:
        """The snapshot to import, once offered; None when the first lane withdrew first. The caller
        must then say :meth:`imported`."""
        self._offered.wait()
        with self._lock:
            if self._partner != "waiting" or self._snapshot is None:
                self._partner = "gone"
                return None
            self._partner = "importing"
            return self._snapshot

    def imported(self, conn: psycopg.Connection, ok: bool) -> None:
        with self._lock:
            self._partner = "reading" if ok else "gone"
            if ok:
                self._connections["second"] = conn
            self._lock.notify_all()

    def second_failed(self, e: BaseException) -> None:
        self._first_to_fail(e, cancel="first")


def second_lane(work: SharedRead, open_connection: Callable[[], psycopg.Connection],
                begin: Callable[[psycopg.Connection, Optional[str]], None],
                fetch: Callable[[psycopg.Connection, str], Any], on_rows: Callable[[str, Any], None]) -> None:
    """The body of the second lane's thread: connect, import the snapshot, take queries until none are
    left. Failing before the import only means the first lane reads alone; failing after, the error is
    the read's (the first lane raises it)."""
    if not work.may_connect():
        return
    try:
        conn = open_connection()
    except Exception:  # noqa: BLE001 - a help, not a condition
        work.give_up()
        return
    try:
        snapshot = work.take_snapshot()
        if snapshot is None:
            return
        try:
            begin(conn, snapshot)
        except psycopg.Error:
            work.imported(conn, False)
            return
        work.imported(conn, True)
        try:
            while (name := work.next()) is not None:
                rows = fetch(conn, name)
                work.partner_queries += 1
                on_rows(name, rows)
        except BaseException as e:  # noqa: BLE001 - re-raised by the first lane (SharedRead.finish)
            work.second_failed(e)
    finally:
        try:
            if conn.info.transaction_status != TransactionStatus.IDLE:
                conn.execute("ROLLBACK", prepare=False)
            conn.close()
        except psycopg.Error:
            pass
