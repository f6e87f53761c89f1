"""The catalog read on a worker thread, and the process settings that let it overlap the caller's work.

`schemac diff` and `schemac inspect` connect and send the catalog queries as soon as psycopg is
imported: the server answers them while this process imports sqlglot, decodes state.json or loads
the YAML writer, and builds the model from each query's rows as they come, instead of one after the
other. The worker only fetches rows; the caller builds the model.
"""

from __future__ import annotations

import queue
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Union

class CatalogRead:
    """Connect at once, introspect once told which namespaces, on a worker thread. The namespaces may be
    a function of the connection (`inspect` asks the database for its schemas): `namespaces` holds the
    ones read once :meth:`result` returned.

    Errors are kept for :meth:`result`, so that a broken schema.yaml is still reported before an
    unreachable database, exactly as when the two happened one after the other.
    """

    def __init__(self, url: Optional[str], connect_timeout: int, statement_timeout_ms: int, lock_timeout_ms: int,
                 named_tuples: bool = False):
        from schemac.catalog.heap import one_heap

        one_heap()  # before any thread: see catalog/heap.py
        self._args = (url, connect_timeout, statement_timeout_ms, lock_timeout_ms)
        self._named_tuples = named_tuples  # each query's rows a fetch.NamedRows (a forked child's), else dicts
        self.with_history = True
        self._rows: queue.SimpleQueue = queue.SimpleQueue()  # (query name, rows) as they come; None: no more
        self._namespaces: Union[None, tuple[str, ...], Callable[[Any], tuple[str, ...]]] = None
        self.namespaces: tuple[str, ...] = ()
        self._go = threading.Event()
        self._abandoned = False
        self._outcome: Any = None
        self._error: Optional[BaseException] = None
        # Everything the worker imports (psycopg, the reader and the history reader; no sqlglot), here, before
        # it starts: no two threads ever import the same module at once.
        from schemac.catalog import connection, fetch, lanes  # noqa: F401
        shared = lanes.SharedRead(fetch.QUERY_NAMES)
        # The second lane connects now too, and waits for the first lane's snapshot.
        shared.partner = threading.Thread(target=self._second_lane, args=(shared,), name="schemac-catalog-2",
                                          daemon=True)
        self._shared: Optional[lanes.SharedRead] = shared
        self._thread = threading.Thread(target=self._run, name="schemac-catalog", daemon=True)
        self._thread.start()
        shared.partner.start()

    def _second_lane(self, shared: Any) -> None:
        from schemac.catalog.connection import begin_read_only, connect
        from schemac.catalog.lanes import second_lane
        from schemac.catalog.fetch import fetch

        url, connect_timeout, statement_timeout_ms, lock_timeout_ms = self._args
        second_lane(shared, lambda: connect(url, connect_timeout=connect_timeout, wait_for_slot=False),  # a help
                    lambda conn, snapshot: begin_read_only(conn, statement_timeout_ms, lock_timeout_ms, snapshot,
                                                           parallel=False),
                    lambda conn, name: fetch(conn, shared.schemas, name, self._named_tuples),
                    lambda name, rows: self._rows.put((name, rows)))

    def _run(self) -> None:
        # Imported in __init__, before the thread started: these only bind the names.
        from schemac.catalog.connection import connect, database_label
        from schemac.catalog.fetch import read_catalog

        url, connect_timeout, statement_timeout_ms, lock_timeout_ms = self._args
        try:
            with connect(url, connect_timeout=connect_timeout) as conn:
                if self._shared is not None:
                    from schemac.catalog.lanes import worth_a_second

                    if worth_a_second(conn, statement_timeout_ms, lock_timeout_ms):
                        self._shared.connected()
                    else:  # small: the second lane never connects, and this one reads alone
                        self._shared.withdraw()
                        self._shared = None
                label = database_label(conn)
                self._go.wait()
                if self._abandoned:
                    return  # the finally below withdraws the offer to the second lane
                assert self._namespaces is not None
                asked = self._namespaces
                self.namespaces = asked(conn) if callable(asked) else asked
                result = read_catalog(conn, self.namespaces, statement_timeout_ms, lock_timeout_ms,
                                      on_rows=lambda name, rows: self._rows.put((name, rows)),
                                      history=self.with_history, shared=self._shared,
                                      named_tuples=self._named_tuples)
            self._outcome = (label, result)
        except BaseException as e:  # re-raised in the caller's thread by result()
            self._error = e
        finally:
            if self._shared is not None:
                self._shared.withdraw()  # a failed connection: the second lane gives up
                self._shared = None  # a read again (result(), other namespaces) is made alone
            self._rows.put(None)

    def start(self, namespaces: Union[tuple[str, ...], Callable[[Any], tuple[str, ...]]]) -> None:
        if not self._go.is_set():
            self._namespaces = namespaces
            self._go.set()

    def abandon(self) -> None:
        """The caller failed first: close the connection (if any) and report nothing."""
        self._abandoned = True
        self._go.set()

    def result(self, namespaces: Union[tuple[str, ...], Callable[[Any], tuple[str, ...]]],
               on_rows: Callable[[str, list], None]) -> Any:
        """(label, CatalogRows); on_rows(name, rows) is called here, in the caller's
        thread, for each query's rows as the worker gets them."""
        self.start(namespaces)
        if self._namespaces == namespaces:
            self._drain(on_rows)
        self._thread.join()
        if self._namespaces != namespaces:
            # Started on a guess from state.json, and schema.yaml names other schemas: whatever came
            # of it (an error too), read again, here, for the right ones. A wrong guess costs time only.
            self._namespaces, self._outcome, self._error = namespaces, None, None
            self._rows = queue.SimpleQueue()
            self._run()
            self._drain(on_rows)
        if self._error is not None:
            raise self._error
        return self._outcome

    def _drain(self, on_rows: Callable[[str, list], None]) -> None:
        while (item := self._rows.get()) is not None:
            on_rows(*item)


@contextmanager
def quick_handoff() -> Iterator[None]:
    """Let the catalog worker take the GIL soon after each server reply (default: up to 5 ms later,
    once per round trip), while this thread is busy decoding the model."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(before)
