"""The catalog queries' rows, read with psycopg alone: no model, no sqlglot.

`schemac diff` and `schemac inspect` start this read on worker threads (catalog/worker.py) as soon as psycopg
is imported, and import the model (catalog/rows.py) while the server answers: on a 2-core machine the
server's share of the catalog queries then runs beside that import instead of after it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, Callable, Optional, Union

import psycopg
from psycopg.pq import TransactionStatus

from psycopg.rows import tuple_row

from schemac.catalog.catalogrows import CatalogRows, NamedRows, row_maker
from schemac.catalog.connection import (begin_read_only, database_label, passwords, error_message, restore_autocommit,
                                        rollback_quietly, serial_plans)
from schemac.catalog.history import read_history
from schemac.catalog.lanes import SharedRead, reading_order
from schemac.catalog.queries import gated_text, sql_text
from schemac.errors import SchemacError

# One whole-database query per kind of object: the count does not grow with the database.
QUERY_NAMES = ("tables", "columns", "constraints", "indexes", "enums", "domains", "sequences", "extensions",
                "functions", "aggregates", "operators", "triggers", "views", "unmanaged", "schemas", "exclusions", "composite_types",
                "range_types", "collations", "rules", "policies", "privileges", "roles", "default_privileges",
                "text_search_configs", "text_search_dictionaries", "publications", "event_triggers", "casts",
                "operator_classes", "operator_families",
                "foreign_servers", "foreign_data_wrappers", "database_settings")


Rows = Union[list[dict[str, Any]], NamedRows]

# Queries planned with their joins in the order written (join_collapse_limit = from_collapse_limit = 1, SET LOCAL
# before the query and back to the default after): the planner's search over join orders cost more than the rows
# (extensions.sql: ~15 ms of planning on an empty database, ~3 ms so), and for these the plans it then makes are no
# slower at 0, 100, 1,000 or 10,000 tables (medians of interleaved EXPLAIN ANALYZE runs, docs/benchmarks-catalog.md,
# "Session 32: planning"). Not the whole read: indexes, sequences, tables and unmanaged run slower so at 1,000+ tables,
# and for columns, views, exclusions and range types the runs at 10,000 tables disagreed. constraints.sql is written in
# the order the planner chose at 1,000 tables (namespace, table, its constraints, then the lookups), so as written it
# plans the same joins there in ~1.5 ms instead of 5-14 ("Session 52"); on an empty database it is sent every read.
JOINS_AS_WRITTEN = frozenset(("extensions", "operator_classes", "constraints"))
# And these where their probe (GATED) finds the gate closed: tables.sql is written in the planner's order at 1,000
# tables where no other schema exists (outside_reads_none); outside_reads' branches, planned when one does, are not.
JOINS_AS_WRITTEN_GATED = {"tables": "elsewhere"}
_AS_WRITTEN = "SET LOCAL join_collapse_limit = 1; SET LOCAL from_collapse_limit = 1"
_REORDERED = "SET LOCAL join_collapse_limit = DEFAULT; SET LOCAL from_collapse_limit = DEFAULT"

# Queries sent only where presence.sql finds an object they could return (a row of one boolean each, in this order):
# where the database has none, planning was most of what each cost, ~40 ms of the server's CPU of a read at 1,000
# tables of gen_schema.py's shape (docs/benchmarks-catalog.md, "Session 34"; enums and domains ~3 ms of an
# empty database's, "Session 40"). They are still counted as asked: the probe answered them.
PROBED = ("views", "functions", "range_types", "extensions", "exclusions", "aggregates", "operators", "operator_classes",
          "operator_families", "text_search_configs", "text_search_dictionaries", "collations", "triggers", "rules",
          "policies", "enums", "domains", "event_triggers", "publications", "foreign_servers",
          "foreign_data_wrappers", "default_privileges", "casts")

# Queries sent without the parts a probe, asked before them on the same connection (once a connection's read),
# finds can return no row (queries.gated_text): unmanaged.sql's UNION ALL branches (unmanaged_gates.sql), most of
# whose ~13 ms of planning an empty database's read paid for no row, and the outside_reads of tables, sequences and
# views where no other schema exists (elsewhere.sql; ~2 ms each) (docs/benchmarks-catalog.md, "Session 40").
GATED = {"unmanaged": "unmanaged_gates", "tables": "elsewhere", "sequences": "elsewhere", "views": "elsewhere"}


# -- reading the catalog ------------------------------------------------------------------------

class _Session:
    """Runs the catalog queries of one introspection and counts them."""

    def __init__(self, conn: psycopg.Connection, schemas: tuple[str, ...], named_tuples: bool = False):
        self.conn = conn
        self.params = {"schemas": list(schemas)}
        self.queries = 0
        self.named_tuples = named_tuples  # rows as NamedRows (a forked child's), else dicts
        self.gates: dict[str, frozenset[str]] = {}  # each GATED probe's closed gates, once asked

    def fetch(self, name: str) -> Rows:
        self.queries += 1
        # prepare=False: no server-side prepared statements, so poolers in transaction mode are fine.
        major = self.conn.info.server_version // 10000
        text = sql_text(name, major)
        closed: frozenset[str] = frozenset()
        if name in GATED:
            closed = self.closed(name, major)
            text = gated_text(text, closed)
        as_written = name in JOINS_AS_WRITTEN or JOINS_AS_WRITTEN_GATED.get(name) in closed
        if as_written:
            self.conn.execute(_AS_WRITTEN, prepare=False)
        with self.conn.cursor(row_factory=tuple_row if self.named_tuples else shared_key_rows) as cur:
            cur.execute(text, self.params, prepare=False)
            rows = cur.fetchall()
            if self.named_tuples:
                rows = NamedRows([c.name for c in cur.description or ()], rows)
        if as_written:
            self.conn.execute(_REORDERED, prepare=False)
        return rows

    def closed(self, name: str, major: int) -> frozenset[str]:
        """The gates of `name`'s parts that its probe (GATED) finds closed, in this transaction: they return no row."""
        probe = GATED[name]
        if probe not in self.gates:
            cur = self.conn.execute(sql_text(probe, major), self.params, prepare=False)
            self.gates[probe] = frozenset(c.name for c, open_ in zip(cur.description or (), cur.fetchone() or ())
                                          if open_ is False)
        return self.gates[probe]

    def absent(self) -> frozenset[str]:
        """The queries of PROBED that can return no row in this snapshot (presence.sql)."""
        row = self.conn.execute(sql_text("presence", self.conn.info.server_version // 10000), self.params,
                                prepare=False).fetchone()
        return frozenset(name for name, present in zip(PROBED, row) if present is False)  # (else it is asked)

    def no_rows(self) -> Rows:
        """What a query answered by the probe returns: no row."""
        return NamedRows([], []) if self.named_tuples else []


def _probed(session: _Session, shared: Optional[SharedRead], only: Optional[tuple[str, ...]]) -> frozenset[str]:
    """The queries of PROBED this lane answers with no row, unsent: those presence.sql finds nothing for, of the ones
    asked (with `shared`, still on the lanes' list: SharedRead.drop). Counted as asked."""
    asked = set(QUERY_NAMES if shared is not None or not only else only)
    absent = session.absent() if asked.intersection(PROBED) else frozenset()
    answered = shared.drop(absent) if shared is not None else absent & asked
    session.queries += len(answered)
    return answered


def shared_key_rows(cursor: psycopg.Cursor) -> Callable[[Any], dict[str, Any]]:
    """psycopg's dict_row, each row a dict sharing its keys with the query's other rows (catalogrows.row_maker)."""
    return row_maker([c.name for c in cursor.description or ()])


def fetch(conn: psycopg.Connection, schemas: tuple[str, ...], name: str, named_tuples: bool = False) -> Rows:
    """One catalog query's rows (the second lane's, catalog/lanes.py)."""
    return _Session(conn, schemas, named_tuples).fetch(name)


def read_catalog(conn: psycopg.Connection, schemas: tuple[str, ...], statement_timeout_ms: int = 30000,
                 lock_timeout_ms: int = 5000,
                 on_rows: Optional[Callable[[str, list[dict[str, Any]]], None]] = None,
                 history: Union[bool, tuple[str, ...]] = False, shared: Optional[SharedRead] = None,
                 named_tuples: bool = False, only: Optional[tuple[str, ...]] = None) -> CatalogRows:
    """The rows of every catalog query, from one READ ONLY snapshot transaction that is rolled back.
    ``on_rows(name, rows)`` is told of each query's rows as soon as they are in (and they are not kept in
    the result's ``rows`` then: it lists the queries, each with no rows); with ``history``, the
    rows of `_sqlx_migrations` (or of the table ``history`` names: sqlx.toml's) are read in the same
    transaction. With ``shared`` (and ``on_rows``), a second connection started by the caller takes some of
    the queries (catalog/lanes.py); on_rows is told the server's version first, as the rows of "server". With ``named_tuples``, each query's rows are a NamedRows (given to on_rows). With ``only``
    (not with ``shared``), just those queries are asked; the others' rows are empty."""
    label = database_label(conn)
    if conn.closed:
        raise SchemacError(f"introspecting {label}: the connection is closed")
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise SchemacError(f"introspecting {label}: the connection is already inside a transaction; "
                           "introspection needs its own READ ONLY snapshot")
    secrets = passwords(None) | ({conn.info.password} if conn.info.password else set())
    was_autocommit = conn.autocommit
    conn.autocommit = True  # so BEGIN below is ours, not psycopg's implicit one
    if isinstance(schemas, str):  # introspect(conn, "public") means one schema, not six letters
        schemas = (schemas,)
    session = _Session(conn, tuple(schemas), named_tuples)
    try:
        begin_read_only(conn, statement_timeout_ms, lock_timeout_ms)
        if shared is not None and not shared.offer(conn, tuple(schemas)):
            rollback_quietly(conn)  # the export failed, and the transaction with it: read alone
            begin_read_only(conn, statement_timeout_ms, lock_timeout_ms)
        rows = {name: [] for name in QUERY_NAMES}
        if on_rows is not None:  # the server's version first, as rows of a query "server" (catalog/builder.py)
            version = conn.info.server_version
            on_rows("server", NamedRows(["server_version"], [(version,)]) if named_tuples else [{"server_version": version}])
        parallel = True  # (the columns query, asked first, may have parallel workers; no other: connection._SERIAL)
        names = iter(shared.next, None) if shared is not None else iter(reading_order(only or QUERY_NAMES))
        first = next(names, None)  # (this lane's first, taken before the probe: the lanes share the rest as before)
        answered = _probed(session, shared, only)
        pending = sorted(answered)  # (their no rows told after this lane's first query's: the columns come first)
        for name in chain((first,) if first is not None else (), names, (None,)):
            if name is not None and name not in answered:
                if parallel and name != "columns":
                    serial_plans(conn)
                    parallel = False
                fetched = session.fetch(name)
                if on_rows is None:
                    rows[name] = fetched
                else:  # the caller keeps what it needs: holding every row here too costs ~70 MiB at 10,000 tables
                    on_rows(name, fetched)
                    del fetched
            for name in pending:
                if on_rows is not None:
                    on_rows(name, session.no_rows())
            pending = []
        if shared is not None:
            shared.finish()
            session.queries += shared.partner_queries
        history_rows = (read_history(conn, history) if isinstance(history, tuple) else read_history(conn)) \
            if history else None
        server_version = conn.info.server_version
    except psycopg.Error as e:
        if shared is not None:
            e = shared.failed(e)
        raise SchemacError(error_message(e, label, statement_timeout_ms, lock_timeout_ms, secrets)) from None
    finally:
        if shared is not None:
            shared.withdraw()
        rollback_quietly(conn)
        restore_autocommit(conn, was_autocommit)
    return CatalogRows(rows=rows, queries=session.queries, server_version=server_version, history=history_rows)
