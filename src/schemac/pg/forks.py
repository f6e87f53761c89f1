"""Work handed to a forked child process, where that is safe.

Why: schemac is CPU-bound Python under one GIL, and people run it on few cores: a child forked at the
right moment does a second piece of work beside the first (`diff`'s catalog read, catalog/forked.py;
`generate`'s state.json, migrations/childwork.py). A fork copies the locks that other threads hold, so it
is done only in a process running no other thread, on Linux; `SCHEMAC_FORK=0` turns it off. Where it is
not done, the same work runs in this process, as it always did.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable  # (not typing's: this module is loaded before the rest, launch.py)


def forking() -> bool:
    """Whether work may go to a forked child here (now: threads may have started since)."""
    return (os.environ.get("SCHEMAC_FORK", "1") != "0" and sys.platform.startswith("linux")
            and hasattr(os, "fork") and threading.active_count() == 1)


def fork_child(work: Callable[[], None]) -> int:
    """Fork; the child runs `work` and exits, status 0 when it returned, 1 when it raised. It never returns
    into the caller's code nor runs its atexit handlers or flushes its buffers (both flushed before)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            work()
            status = 0
        finally:
            os._exit(status)
    return pid


def exited_cleanly(pid: int) -> bool:
    """Wait for the child; whether `work` returned."""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
