"""The catalog read on two connections sharing one snapshot (catalog/lanes.py), on a real server.

Oracles: the same catalog read on one connection (the model must be equal), the queries each
connection ran (every query once, on one of them), a change committed between the snapshot export and
the second connection's queries (invisible to both), and a role that may hold one connection only
(the read falls back to one connection and still sees drift).
"""

from __future__ import annotations

import threading
from dataclasses import replace

import psycopg
import pytest
from psycopg import conninfo, sql

from schemac.catalog.connection import begin_read_only
from schemac.catalog import lanes as lanes_module
from schemac.catalog.lanes import SharedRead, second_lane
from schemac.catalog.builder import TABLE_QUERIES, ModelBuilder
from schemac.catalog.fetch import QUERY_NAMES, CatalogRows, fetch, read_catalog, shared_key_rows
from schemac.catalog.reader import build, introspect
from schemac.compare.shortcut import EarlyAnswers, unchanged


DDL = """
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
                       m mood, score int CHECK (score > 0));
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), total numeric(10, 2));
CREATE INDEX orders_total ON orders (total DESC) WHERE total > 0;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE VIEW big_orders AS SELECT o.id, a.email FROM orders o JOIN accounts a ON a.id = o.account_id WHERE o.total > 100;
"""


@pytest.fixture
def populated(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(DDL)
    return db_url


def _two_lanes(url: str, on_first_rows=None, connect_after: threading.Event | None = None):
    """read_catalog with a second lane; returns (model, {query: thread name}, the result's query count).
    The second lane connects once `connect_after` is set (at once without it)."""
    shared = SharedRead(QUERY_NAMES)
    second_took = threading.Event()
    readers: dict[str, str] = {}
    got: dict[str, list] = {}

    def on_rows(name, rows):
        readers[name] = threading.current_thread().name
        got[name] = rows
        if threading.current_thread().name == "second":
            second_took.set()
        elif on_first_rows is not None:
            on_first_rows(name, second_took)

    def open_connection():
        if connect_after is not None:
            assert connect_after.wait(10)
        return psycopg.connect(url, autocommit=True)

    shared.partner = threading.Thread(
        target=second_lane, name="second",
        args=(shared, open_connection,
              lambda conn, snapshot: begin_read_only(conn, 30000, 5000, snapshot),
              lambda conn, name: fetch(conn, shared.schemas, name), on_rows))
    shared.partner.start()
    with psycopg.connect(url, autocommit=True) as conn:
        shared.connected()
        catalog = read_catalog(conn, ("public",), on_rows=on_rows, shared=shared)
    model = build(CatalogRows(rows=got, queries=catalog.queries, server_version=catalog.server_version)).schema
    return model, readers, catalog.queries


def test_two_lanes_read_every_query_once_and_build_the_same_model(populated):
    # The first lane waits (at its first query's rows) until the second has read one, so both work.
    model, readers, queries = _two_lanes(populated, lambda name, second_took: second_took.wait(10))
    assert sorted(readers) == sorted(QUERY_NAMES + ("server",)) and queries == len(QUERY_NAMES)
    assert set(readers.values()) == {"second", threading.current_thread().name}, readers
    with psycopg.connect(populated) as conn:
        alone = introspect(conn, ("public",)).schema
    assert model == alone
    assert [t.name for t in model.tables] == ["accounts", "orders"] and [v.name for v in model.views] == ["big_orders"]


def test_the_second_lane_sees_the_first_lanes_snapshot(populated):
    """A table and an index added after the first lane exported its snapshot (and read its first query, the
    columns), before the second lane connected and before either read the tables and the indexes, are seen by
    neither."""
    done = threading.Event()

    def first_rows(name, second_took):
        if name == "server":  # (the server's version: no query)
            return
        if not done.is_set():
            assert name == "columns"  # the costliest first: tables and indexes are read after the change
            with psycopg.connect(populated, autocommit=True) as other:
                other.execute("SET lock_timeout = '5s'")  # the read holds AccessShare locks: nothing stronger
                other.execute("CREATE TABLE late (id int PRIMARY KEY)")
                other.execute("CREATE INDEX late_index ON accounts (score)")
            done.set()
            second_took.wait(10)

    model, readers, _ = _two_lanes(populated, first_rows, connect_after=done)
    assert "second" in readers.values()
    assert [t.name for t in model.tables] == ["accounts", "orders"]
    assert "late_index" not in [i.name for i in model.tables[0].indexes]
    with psycopg.connect(populated) as conn:  # and a read now sees both
        now = introspect(conn, ("public",)).schema
    assert [t.name for t in now.tables] == ["accounts", "late", "orders"]
    assert "late_index" in [i.name for i in now.tables[0].indexes]


def test_one_connection_allowed_reads_alone(schemac, tmp_path, server, populated):
    """A role limited to one connection: the second lane cannot connect; diff reads on one and still
    sees drift (the oracle: the column added with another role). The database is made large enough for the second
    lane to try (lanes.TWO_LANES_FROM)."""
    from schemac.catalog.lanes import TWO_LANES_FROM

    _pad(populated, TWO_LANES_FROM)
    role = "schemac_one_connection"
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN CONNECTION LIMIT 1").format(sql.Identifier(role)))
    url = conninfo.make_conninfo(populated, user=role)
    try:
        r = schemac("inspect", "--database-url", url, "--output", "schema.yaml")
        assert r.returncode == 0, r.stderr
        r = schemac("generate", "--name", "init")
        assert r.returncode == 0, r.stdout + r.stderr
        r = schemac("diff", "--database-url", url)
        assert r.returncode == 0, r.stdout + r.stderr
        with psycopg.connect(populated, autocommit=True) as conn:
            conn.execute("ALTER TABLE orders ADD COLUMN note text")
        r = schemac("diff", "--database-url", url, "--format", "json")
        assert r.returncode == 1 and '"note"' in r.stdout, r.stdout + r.stderr
    finally:
        with server.admin() as conn:
            conn.execute(sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = {}")
                         .format(sql.Literal(role)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _connected_once_free(url: str, wait_s: float = 10.0) -> psycopg.Connection:
    """The role's one connection, taken once the slot the command before still held is free (its server process may
    still be exiting as the command returns: the test's own connect failed so under load)."""
    import time

    until = time.monotonic() + wait_s
    while True:
        try:
            return psycopg.connect(url)
        except psycopg.OperationalError as exc:
            if "too many connections for role" not in str(exc) or time.monotonic() > until:
                raise
            time.sleep(0.1)


def test_a_connection_slot_freed_a_moment_later_is_waited_for(schemac, tmp_path, server, populated):
    """A role limited to one connection whose slot is still held as the command connects (the server process of the
    previous command's connection still exiting, which failed test_one_connection_allowed_reads_alone under load):
    the refusal (too many connections for role) is tried again until the slot is free (connection.SLOT_WAIT_S), on
    the first lane; a slot held for good is still reported, after that while. The oracle: the role's one connection
    held by the test, closed 0.4 s after the command started, or not at all."""
    import time

    role = "schemac_slot_wait"
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN CONNECTION LIMIT 1").format(sql.Identifier(role)))
    url = conninfo.make_conninfo(populated, user=role)
    try:
        assert schemac("inspect", "--database-url", url, "--output", "schema.yaml").returncode == 0
        held = _connected_once_free(url)  # (inspect's server process may still hold the slot)
        threading.Timer(0.4, held.close).start()
        r = schemac("diff", "--database-url", url)
        assert r.returncode == 0 and held.closed, r.stdout + r.stderr
        with _connected_once_free(url):
            began = time.monotonic()
            r = schemac("diff", "--database-url", url)
            waited = time.monotonic() - began
        assert r.returncode == 2 and "too many connections for role" in r.stderr, r.stdout + r.stderr
        assert 1.5 < waited < 10, waited
    finally:
        with server.admin() as conn:
            conn.execute(sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = {}")
                         .format(sql.Literal(role)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_the_read_plans_no_parallel_workers_but_for_the_columns_and_some_joins_as_written(populated, monkeypatch):
    """Each catalog query of the read (CatalogRead: both lanes, as diff and inspect read) is planned with the
    max_parallel_workers_per_gather it answers with: the connections' own (3 here) for the columns query, 0 for every
    other, on either lane (at 10,000 tables the others' workers cost the server ~10% more CPU; the oracle: each
    query replaced by one saying the setting and its backend, slow enough that both lanes take some). Likewise
    fetch.JOINS_AS_WRITTEN's queries answer with join_collapse_limit and from_collapse_limit 1 (their planning cost
    more than their rows), and JOINS_AS_WRITTEN_GATED's where their gate is closed (elsewhere.sql asked for real: no
    schema but public), and every other with the connection's own (5 here): the limits are put back after each."""
    from schemac.catalog import fetch as fetch_module
    from schemac.catalog.worker import CatalogRead

    real_text = fetch_module.sql_text
    monkeypatch.setattr(fetch_module, "sql_text", lambda name, major: (
        real_text(name, major) if name == "elsewhere" else  # (tables' gate, asked for real)
        "SELECT pg_catalog.current_setting('max_parallel_workers_per_gather') AS workers, pg_catalog.pg_backend_pid() "
        "AS pid, pg_catalog.pg_sleep(0.02)::text AS slept, %(schemas)s::text[] AS schemas, pg_catalog.current_setting("
        "'join_collapse_limit') || '/' || pg_catalog.current_setting('from_collapse_limit') AS limits\nORDER BY 1"))
    url = conninfo.make_conninfo(populated, options="-c max_parallel_workers_per_gather=3 -c join_collapse_limit=5 "
                                 "-c from_collapse_limit=5")
    monkeypatch.setattr(lanes_module, "TWO_LANES_FROM", 0)  # (both lanes: the database is small)
    read = CatalogRead(url, 10, 30000, 5000)
    got: dict = {}
    read.result(("public",), lambda name, rows: got.setdefault(name, rows))
    workers = {name: rows[0]["workers"] for name, rows in got.items() if name != "server"}
    assert workers == {name: "3" if name == "columns" else "0" for name in QUERY_NAMES}
    limits = {name: rows[0]["limits"] for name, rows in got.items() if name != "server"}
    assert fetch_module.JOINS_AS_WRITTEN < set(QUERY_NAMES)
    as_written = fetch_module.JOINS_AS_WRITTEN | {"tables"}  # (JOINS_AS_WRITTEN_GATED: no schema but public here)
    assert limits == {name: "1/1" if name in as_written else "5/5" for name in QUERY_NAMES}
    assert len({rows[0]["pid"] for name, rows in got.items() if name != "server"}) == 2  # (both lanes read)


def test_a_lane_opens_its_snapshot_transaction_in_one_round_trip(populated, tmp_path):
    """begin_read_only sends one Query message (libpq's trace of what the client sent) where it sent four, five with
    a snapshot to import: each round trip before a lane's first query is on the path to the first rows. Oracles: the
    server's own settings and snapshot inside the transaction, and a snapshot that cannot be imported failing the call
    and leaving the transaction aborted, as the statements one at a time did."""
    from psycopg import pq

    def queries_sent(conn, work) -> int:
        trace = tmp_path / "trace.txt"
        with open(trace, "w") as f:
            conn.pgconn.trace(f.fileno())
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            try:
                work()
            finally:
                conn.pgconn.untrace()
        return sum(line.startswith("F") and "\tQuery\t" in line for line in trace.read_text().splitlines())

    settings = ("statement_timeout", "lock_timeout", "TimeZone", "DateStyle", "IntervalStyle", "search_path", "jit",
                "max_parallel_workers_per_gather", "transaction_read_only", "transaction_isolation")
    ask = sql.SQL("SELECT {}, pg_catalog.txid_current_snapshot()::text").format(
        sql.SQL(", ").join(sql.SQL("pg_catalog.current_setting({})").format(sql.Literal(s)) for s in settings))
    with psycopg.connect(populated, autocommit=True) as first, psycopg.connect(populated, autocommit=True) as second:
        assert queries_sent(first, lambda: begin_read_only(first, 30000, 5000)) == 1
        snapshot = first.execute("SELECT pg_catalog.pg_export_snapshot()").fetchone()[0]
        assert queries_sent(second, lambda: begin_read_only(second, 20000, 4000, snapshot, parallel=False)) == 1
        one, two = first.execute(ask).fetchone(), second.execute(ask).fetchone()
        assert two[:-1] == ("20s", "4s", "UTC", "ISO, MDY", "postgres", "public", "off", "0", "on", "repeatable read")
        assert one[:2] == ("30s", "5s") and one[2:7] == two[2:7] and one[-1] == two[-1]  # (the same snapshot)
        second.execute("ROLLBACK")
        with pytest.raises(psycopg.Error, match="snapshot"):
            begin_read_only(second, 30000, 5000, "00000000-00000000-1")
        assert second.info.transaction_status == pq.TransactionStatus.INERROR
        first.execute("ROLLBACK")


def test_the_indexes_and_views_are_asked_on_the_connection_that_asked_the_constraints(populated, monkeypatch):
    """lanes.SAME_LANE_AFTER: the indexes and the views queries are asked by the lane that asked the constraints query,
    right after it (the server process deparsing the partial indexes' predicates and the views' queries then has the
    tables' descriptors, built to deparse the CHECKs), while the other lane takes the queries after them. The oracle:
    each query replaced by one saying its backend, the columns and constraints queries slow enough that the lane done
    first with the columns would otherwise take the views and the indexes (reading_order: columns, constraints, views,
    indexes, ...)."""
    from schemac.catalog import fetch as fetch_module
    from schemac.catalog.worker import CatalogRead

    monkeypatch.setattr(fetch_module, "sql_text", lambda name, major: (
        "SELECT pg_catalog.pg_backend_pid() AS pid, pg_catalog.pg_sleep(%s)::text AS slept, %%(schemas)s::text[] AS s"
        % ("0.4" if name == "constraints" else "0.3" if name == "columns" else "0.01")))
    monkeypatch.setattr(lanes_module, "TWO_LANES_FROM", 0)  # (both lanes: the database is small)
    read = CatalogRead(populated, 10, 30000, 5000)
    got: dict = {}
    read.result(("public",), lambda name, rows: got.setdefault(name, rows))
    pid = {name: rows[0]["pid"] for name, rows in got.items() if name != "server"}
    assert sorted(pid) == sorted(QUERY_NAMES)
    assert pid["indexes"] == pid["constraints"] == pid["views"] != pid["columns"] == pid["privileges"]


def test_the_views_are_taken_by_the_other_lane_once_it_has_nothing_else_to_ask(populated, monkeypatch):
    """lanes.TAKEN_WHEN_IDLE: where the constraints query runs longer than every query the other lane may ask, that
    lane asks the views (reserved for the constraints' lane) rather than end idle; the indexes it leaves to the
    constraints' lane (SAME_LANE_AFTER). The oracle: each query replaced by one saying its backend (the columns query
    long enough for the second lane to connect meanwhile, under load too)."""
    from schemac.catalog import fetch as fetch_module
    from schemac.catalog.worker import CatalogRead

    monkeypatch.setattr(fetch_module, "sql_text", lambda name, major: (
        "SELECT pg_catalog.pg_backend_pid() AS pid, pg_catalog.pg_sleep(%s)::text AS slept, %%(schemas)s::text[] AS s"
        % ("1.5" if name == "constraints" else "0.3" if name == "columns" else "0.01")))
    monkeypatch.setattr(lanes_module, "TWO_LANES_FROM", 0)  # (both lanes: the database is small)
    read = CatalogRead(populated, 10, 30000, 5000)
    got: dict = {}
    read.result(("public",), lambda name, rows: got.setdefault(name, rows))
    pid = {name: rows[0]["pid"] for name, rows in got.items() if name != "server"}
    assert sorted(pid) == sorted(QUERY_NAMES)
    assert pid["indexes"] == pid["constraints"] != pid["columns"] == pid["views"] == pid["privileges"]


def test_a_query_reserved_for_a_lane_is_not_sent_where_the_probe_finds_nothing_for_it(populated, monkeypatch):
    """A query SAME_LANE_AFTER reserves for the lane that asked the constraints, before the presence probe on the other
    lane has answered (while the constraints query runs), stays on the list until asked: the probe takes it off, and
    it is not sent (no row), as where nothing reserved it."""
    from schemac.catalog import fetch as fetch_module
    from schemac.catalog.fetch import PROBED
    from schemac.catalog.worker import CatalogRead

    def text(name: str, major: int) -> str:
        if name == "presence":  # slow: the constraints' lane has reserved the views by its answer
            return "SELECT " + ", ".join("false" if n == "views" else "true" for n in PROBED) + \
                " FROM pg_catalog.pg_sleep(0.2), unnest(%(schemas)s::text[]) LIMIT 1"
        return "SELECT pg_catalog.pg_backend_pid() AS pid, pg_catalog.pg_sleep(%s)::text AS slept, %%(schemas)s::text[] AS s" \
            % ("0.6" if name == "constraints" else "0.01")

    monkeypatch.setattr(fetch_module, "sql_text", text)
    monkeypatch.setattr(lanes_module, "TWO_LANES_FROM", 0)  # (both lanes: the database is small)
    read = CatalogRead(populated, 10, 30000, 5000)
    got: dict = {}
    read.result(("public",), lambda name, rows: got.setdefault(name, rows))
    assert sorted(got) == sorted([*QUERY_NAMES, "server"])
    assert len(got["views"]) == 0 and all(len(rows) == 1 for name, rows in got.items() if name != "views")
    pid = {name: rows[0]["pid"] for name, rows in got.items() if name not in ("server", "views")}
    assert pid["indexes"] == pid["constraints"] != pid["columns"]


_COLUMNS = ", ".join(f"{n} AS c{n}" for n in range(16))  # wide enough for a shared key table to be the smaller


@pytest.mark.parametrize("select", [f"SELECT {_COLUMNS}, 'x'::text AS b, NULL::int AS c FROM generate_series(1, 3)",
                                    f'SELECT {_COLUMNS}, 1 AS "a b", 2 AS "class" FROM generate_series(1, 3)',
                                    f"SELECT {_COLUMNS}, 2 AS c1 FROM generate_series(1, 3)"])
def test_rows_are_psycopgs_dict_rows_sharing_their_keys(db_url, select):
    """What dict_row gives (the oracle), in split dicts: a catalog query's rows share the keys (~half the memory); names
    no Python parameter can have (blank, keyword, twice) are read as well."""
    import sys

    from psycopg.rows import dict_row

    with psycopg.connect(db_url) as conn:
        with conn.cursor(row_factory=dict_row) as cur:
            expected = cur.execute(select).fetchall()
        with conn.cursor(row_factory=shared_key_rows) as cur:
            rows = cur.execute(select).fetchall()
    assert rows == expected and [list(r) for r in rows] == [list(r) for r in expected]
    assert all(sys.getsizeof(r) < sys.getsizeof(dict(r)) for r in rows)


def test_the_catalog_read_starts_before_the_model_is_imported(populated):
    """`diff` and `inspect` start the read (psycopg alone: catalog/fetch.py) and import the model while the server
    answers: in a process of its own, the worker holds the rows of every query before schemac.model is imported."""
    import subprocess
    import sys

    program = """
import sys
from schemac.catalog.worker import CatalogRead
read = CatalogRead(sys.argv[1], 10, 30000, 5000)
read.start(("public",))
got = []
assert "schemac.model" not in sys.modules and "schemac.catalog.rows" not in sys.modules, "imported too soon"
read.result(("public",), lambda name, rows: got.append(name))
assert "schemac.model" not in sys.modules
print(len(got))
"""
    out = subprocess.run([sys.executable, "-c", program, populated], capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(QUERY_NAMES) + 1  # and the server's version


def test_the_tables_are_built_while_the_other_queries_are_answered(populated):
    """The queries the tables are made of come first (lanes.COSTLIEST_FIRST) and the builder makes the tables as
    soon as they are in, once, while other queries are still to come; the model is the one built at the end
    (the rows given in another order, the server's version last) and introspect's."""
    with psycopg.connect(populated, autocommit=True) as conn:
        got: list = []
        catalog = read_catalog(conn, ("public",), on_rows=lambda name, rows: got.append((name, rows)))
        alone = introspect(conn, ("public",)).schema
    builds: list[int] = []

    def fed(order: list) -> ModelBuilder:
        builder = ModelBuilder()
        made = builder._built_tables
        builder._built_tables = lambda major: (builds.append(len(added)), made(major))[1]  # type: ignore[method-assign]
        added: list[str] = []
        for name, rows in order:
            added.append(name)
            builder.add(name, rows)
        return builder

    early = fed(got).result(catalog).schema
    last = max(i for i, (name, _) in enumerate(got) if name in TABLE_QUERIES) + 1
    # (at least 8 queries sent after them: those fetch.PROBED's probe answers, unsent, are told after the columns)
    assert builds == [last] and last <= len(got) - 8, [name for name, _ in got]
    late = fed(got[1:] + got[:1]).result(catalog).schema  # ("server" first, now last: built in result())
    assert builds[1:] == [len(got)]
    assert early == late == alone and [t.name for t in early.tables] == ["accounts", "orders"]


def test_the_tables_are_compared_while_the_other_queries_are_answered(populated):
    """`diff` compares the catalog's tables with schema.yaml's as soon as the builder has made them, before the last
    queries' rows (ModelBuilder's on_tables, compare.shortcut.EarlyAnswers): the differ, after the last reply, is given
    those answers for those very tables, and a table made anew in the place of one is compared again. The oracle is
    the comparison itself, on the catalog read twice (equal tables, other objects) and on a table changed since."""
    with psycopg.connect(populated, autocommit=True) as conn:
        got: list = []
        catalog = read_catalog(conn, ("public",), on_rows=lambda name, rows: got.append((name, rows)))
        desired = introspect(conn, ("public",)).schema
    early, told, added = EarlyAnswers(), [], []
    builder = ModelBuilder(on_tables=lambda tables: (told.append(len(added)), early.compare(tables, desired.tables)))
    for name, rows in got:
        added.append(name)
        builder.add(name, rows)
    schema = builder.result(catalog).schema
    last = max(i for i, (name, _) in enumerate(got) if name in TABLE_QUERIES) + 1
    # (at least 8 queries sent after them: those fetch.PROBED's probe answers, unsent, are told after the columns)
    assert told == [last] and last <= len(got) - 8, [name for name, _ in got]
    twin = {t.key: t for t in desired.tables}
    worked_out = early._known  # (the answers, by the two objects' ids)
    assert sorted(worked_out) == sorted((id(t), id(twin[t.key])) for t in schema.tables)
    drifted = replace(schema.tables[0], comment="drifted")
    assert unchanged(schema.tables[0], twin[drifted.key]) and not unchanged(drifted, twin[drifted.key])
    with early.used():
        assert [unchanged(t, twin[t.key]) for t in schema.tables] == [True, True]
        assert not unchanged(drifted, twin[drifted.key])  # not the answer for the table it replaced
        # An answer worked out is the one given, for those objects: where the two tables differ, so does it.
        early.compare([drifted], [twin[drifted.key]])
        assert not unchanged(drifted, twin[drifted.key]) and unchanged(schema.tables[0], twin[drifted.key])


def _pad(url: str, tables: int) -> None:
    """`tables` more relations made in the database: empty tables, one pg_class row each."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DO $$ BEGIN FOR i IN 1..{int(tables)} LOOP EXECUTE format('CREATE TABLE pad_%s ()', i); "
                     "END LOOP; END $$")


def _connections_opened(server, url: str, run) -> int:
    """The client connections `run()` opened to `url`'s database, as the server counts them (pg_stat_database.sessions,
    flushed as each server process exits: waited for, on a connection to another database)."""
    import time

    dbname = conninfo.conninfo_to_dict(url)["dbname"]
    count = sql.SQL("SELECT sessions FROM pg_catalog.pg_stat_database WHERE datname = {}").format(sql.Literal(dbname))
    left = sql.SQL("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = {} AND backend_type = 'client backend'"
                   ).format(sql.Literal(dbname))
    with server.admin() as admin:
        before = admin.execute(count).fetchone()[0]
        run()
        until = time.monotonic() + 20
        while admin.execute(left).fetchone()[0] and time.monotonic() < until:
            time.sleep(0.05)
        return admin.execute(count).fetchone()[0] - before


def test_a_small_database_is_read_on_one_connection_and_a_large_one_on_two(schemac, server, populated):
    """Below lanes.TWO_LANES_FROM relations made, the second connection costs the server more than it saves
    (docs/benchmarks-catalog.md, session 48): `inspect` and `diff` open one; from there on, two. The oracle is the
    server's own count of the connections made to the database, and the model read either way."""
    from schemac.catalog.lanes import TWO_LANES_FROM

    def read(*command: str, exits: int = 0):
        def run():
            r = schemac(*command, "--database-url", populated, process=True)
            assert r.returncode == exits, r.stdout + r.stderr
        return run

    with psycopg.connect(populated) as conn:
        assert conn.execute("SELECT count(*) FROM pg_class WHERE oid >= 16384").fetchone()[0] < TWO_LANES_FROM
    assert _connections_opened(server, populated, read("inspect", "--output", "schema.yaml")) == 1
    assert schemac("generate", "--name", "init").returncode == 0
    assert _connections_opened(server, populated, read("diff")) == 1
    _pad(populated, TWO_LANES_FROM)
    assert _connections_opened(server, populated, read("inspect", "--output", "padded.yaml")) == 2
    assert _connections_opened(server, populated, read("diff", exits=1)) == 2  # (the padding tables: drift)
