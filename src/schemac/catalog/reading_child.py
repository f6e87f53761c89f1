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
        from schemac.catalog.forked import serve

        serve(control_read, data_write)

    pid = fork_child(child)  # (a child that fails sends nothing more: the parent reads EOF and says so)
    os.close(control_read)
    os.close(data_write)
    return pid, control_write, data_read


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
