"""The child process that reads the catalog for `schemac diff` (catalog/forked.py), forked as early as can be.

Why early: the child's first work is importing psycopg (~70 ms). Forked by the console script's first lines
(launch.py) rather than once click has parsed the command and check_drift has begun (~35 ms in), it is ready
that much sooner, while this process loads click and the model. It learns where to connect from the first
message the parent sends (catalog/forked.py); a parent that never sends one (`diff --help`, an option error,
the offline check, threads asked for) closes the pipe as it ends, and the child ends too, having read nothing.
Only the os module is imported here before the fork: this module is loaded before anything else.
"""

from __future__ import annotations

import os

_PIPE_BYTES = 1 << 20  # Linux's default pipe-max-size: the child seldom waits for the parent to read
Child = tuple[int, int, int]  # the child's pid, the write end of its control pipe, the read end of its data pipe
_early: Child | None = None


def fork_early() -> None:
    """Fork the reading child now, where a child may be forked (pg/forks.py); `reading_child()` hands it over."""
    global _early
    if _early is None:
        _early = _fork()


def reading_child() -> Child | None:
    """The child forked early, if any (it is the caller's then), else one forked now; None where none may be."""
    global _early
    early, _early = _early, None
    return early if early is not None else _fork()


def _fork() -> Child | None:
    from schemac.pg.forks import fork_child, forking

    if not forking():
        return None
    control_read, control_write = os.pipe()
    data_read, data_write = os.pipe()
    _widen(data_write)

    def child() -> None:
        os.close(control_write)
        os.close(data_read)
        _quiet()
        _serve(control_read, data_write)

    pid = fork_child(child)  # (a child that fails sends nothing more: the parent reads EOF and says so)
    os.close(control_read)
    os.close(data_write)
    return pid, control_write, data_read


def _serve(control_fd: int, data_fd: int) -> None:
    """The child's side of catalog/forked.py's exchange: load psycopg, then connect once told where (a "read"
    message), read once told which namespaces (a "start"); send each query's rows, then the outcome."""
    import gc
    import pickle
    import traceback

    from schemac.errors import SchemacError

    # No cyclic GC in this process, for good: it makes no garbage cycles worth finding (its modules, a query's rows
    # at a time, let go by reference counts), and psycopg's rows, ~200,000 tuples at 10,000 tables, each set one off
    # (~20% of the read's CPU here).
    gc.disable()
    control, data = os.fdopen(control_fd, "rb"), os.fdopen(data_fd, "wb")

    def send(*message: object) -> None:
        pickle.dump(message, data, protocol=pickle.HIGHEST_PROTOCOL)
        data.flush()

    try:
        from schemac.catalog import fetch, lanes  # noqa: F401  (psycopg, while the parent parses its command line)
        from schemac.catalog.worker import CatalogRead
        try:
            told = pickle.load(control)
        except EOFError:  # no read after all (the module's docstring)
            return
        catalog = CatalogRead(*told[1], named_tuples=True)
        try:
            message = pickle.load(control)
        except EOFError:  # the parent is gone
            message = ("abandon",)
        if message[0] != "start":
            catalog.abandon()
            return
        catalog.with_history = message[2]
        # Each row's values as a tuple (rows_message): loaded ~3-8x faster than dicts (catalogrows.row_maker makes them)
        outcome = catalog.result(message[1], lambda name, rows: send(*rows_message(name, rows)))
        send("done", outcome)
    except SchemacError as e:
        send("error", True, e.message)
    except BaseException as e:  # noqa: BLE001  (a bug: the parent shows it whole)
        send("error", False, "".join(traceback.format_exception(e)))


def rows_message(name: str, rows: list) -> tuple:
    """The message sending a query's rows (a fetch.NamedRows) to the parent: ("rows", name, the columns' names, the
    rows as one marshal blob), 3-4x less CPU here than pickling the rows (pickle's memo holds every tuple and string:
    ~110 ms at 10,000 tables) and a little less to load there (:func:`row_values`). Where a value has no marshal
    code (a psycopg type other than str, int, float, bool, None, lists and dicts), the rows themselves, pickled."""
    import marshal

    try:
        values: object = marshal.dumps(list(rows), 4)
    except ValueError:
        values = rows
    return "rows", name, rows.names, values  # type: ignore[attr-defined]


def row_values(values: object) -> list:
    """The rows of a rows_message, in the parent."""
    import marshal

    return marshal.loads(values) if isinstance(values, bytes) else values  # type: ignore[return-value]


def _quiet() -> None:
    """The child's stdout and stderr on /dev/null: everything it has to say goes through the data pipe, and a
    caller capturing the command's output (a CI step, subprocess.run) waits for no child that never spoke."""
    null = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(null, fd)
    os.close(null)


def _widen(fd: int) -> None:
    """A bigger pipe buffer (F_SETPIPE_SZ), where the system allows it: nothing else changes if not."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (OSError, ImportError):
        pass
