"""The catalog read in a forked child process (`schemac diff` on Linux).

Why: on `diff`'s fast path this process's own work (click, the model's classes, state.json's record) and the
catalog read (psycopg's import, two connections, a dict per row of the replies) took turns on one core under
one GIL: catalog/worker.py's threads overlap only the server's share. A child forked before psycopg is
imported does the whole read on the other core, with the same threads (worker.CatalogRead), and hands each
query's rows back through a pipe as psycopg made them (tuples; one marshal blob a query: reading_child.rows_message),
as soon as they are in.
The parent never imports psycopg. The console script forks that child first of all (catalog/reading_child.py,
launch.py), which also holds the child's side of the exchange; elsewhere it is forked here. Where no fork is made (pg/forks.py: not Linux, other threads running,
`SCHEMAC_FORK=0`), the threads run in this process as before (:func:`catalog_read`).
"""

from __future__ import annotations

import os
import pickle
from typing import Any, BinaryIO, Callable, Optional, Union

from schemac.catalog.catalogrows import AS_TUPLES, NamedRows, row_maker
from schemac.catalog.reading_child import Child, reading_child, row_values
from schemac.catalog.worker import CatalogRead
from schemac.errors import SchemacError
from schemac.pg.forks import exited_cleanly

Namespaces = Union[tuple[str, ...], Callable[[Any], tuple[str, ...]]]


def catalog_read(url: Optional[str], connect_timeout: int, statement_timeout_ms: int,
                 lock_timeout_ms: int) -> Union[CatalogRead, "ForkedCatalogRead"]:
    """A catalog read started now: in a forked child where that is safe, else on this process's threads.
    Both take the same calls (`with_history`, start, abandon, result)."""
    args = (url, connect_timeout, statement_timeout_ms, lock_timeout_ms)
    child = reading_child()
    return ForkedCatalogRead(child, args) if child is not None else CatalogRead(*args)


class ForkedCatalogRead:
    """worker.CatalogRead's calls, the read done by a child process. Namespaces must be a tuple (a
    function of the connection, as `inspect` gives, cannot cross the fork): `diff`'s are."""

    def __init__(self, child: Child, args: tuple[Optional[str], int, int, int]):
        self._args = args  # (url, connect_timeout, statement_timeout_ms, lock_timeout_ms)
        self.with_history: Union[bool, tuple[str, ...]] = True
        self._started: Optional[tuple[str, ...]] = None
        pid, control_write, data_read = child
        self._pid: Optional[int] = pid
        self._control: BinaryIO = os.fdopen(control_write, "wb")
        self._data: BinaryIO = os.fdopen(data_read, "rb")
        self._tell(("read", args))  # the child connects now

    def start(self, namespaces: Namespaces) -> None:
        if self._started is None and isinstance(namespaces, tuple):
            self._started = namespaces
            self._tell(("start", namespaces, self.with_history))

    def abandon(self) -> None:
        """The caller failed first: the child closes its connections and reports nothing."""
        self._tell(("abandon",))
        self._close()

    def result(self, namespaces: Namespaces, on_rows: Callable[[str, list], None]) -> Any:
        """(label, CatalogRows), as worker.CatalogRead.result; on_rows(name, rows) in this thread."""
        self.start(namespaces)
        if self._started != namespaces:
            # Started on a guess from state.json, and schema.yaml names other schemas: read them here.
            self.abandon()
            catalog = CatalogRead(*self._args)
            catalog.with_history = self.with_history
            return catalog.result(namespaces, on_rows)
        try:
            while True:
                try:
                    message = pickle.load(self._data)
                except EOFError:
                    raise SchemacError("reading the catalog: the reading process stopped without an answer") from None
                if message[0] == "rows":  # (name, the columns, each row's values): the dicts made here again
                    if message[1] in AS_TUPLES:
                        on_rows(message[1], NamedRows(message[2], row_values(message[3])))
                    else:
                        make = row_maker(message[2])
                        on_rows(message[1], [make(values) for values in row_values(message[3])])
                elif message[0] == "done":
                    return message[1]
                else:
                    raise _error(message[1], message[2])
        finally:
            self._close()

    def _tell(self, message: tuple) -> None:
        try:
            pickle.dump(message, self._control)
            self._control.flush()
        except (OSError, ValueError):  # the child is gone (its answer says why) or we closed already
            pass

    def _close(self) -> None:
        for f in (self._control, self._data):
            try:
                f.close()
            except OSError:
                pass
        if self._pid is not None:
            exited_cleanly(self._pid)  # (what went wrong there, if anything, was sent or read as EOF)
            self._pid = None


def _error(user_facing: bool, text: str) -> BaseException:
    return SchemacError(text) if user_facing else RuntimeError(f"the catalog reading process failed:\n{text}")

