"""One malloc heap for the whole process, given back to the system as it is freed (glibc only).

The catalog is read on worker threads (catalog/worker.py): glibc gives each thread that contends for
malloc an arena of its own, and what one arena frees (libpq's result buffers, the rows' dicts) is reused
by no other thread; and it keeps up to 32 MB freed at the top of each heap (a threshold it raises as big
blocks are freed). At 10,000 tables that was 30-60 MB of peak RSS for `diff` (issue 15: 500 MiB for every
command; bench/catalog_scale.py measures it). Set before the worker threads start: an arena made before
stays. Elsewhere than glibc (musl, macOS, Windows) nothing is changed.
"""

from __future__ import annotations

import sys

_M_TRIM_THRESHOLD = -1  # glibc's <malloc.h>
_M_ARENA_MAX = -8
_TRIM_BYTES = 128 * 1024  # glibc's initial value, kept: freed memory above it at the top goes back at once


def one_heap() -> bool:
    """Whether glibc took both settings."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):
            return False  # not glibc: its mallopt, if any, takes other parameters
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(_M_ARENA_MAX, 1) == 1 and mallopt(_M_TRIM_THRESHOLD, _TRIM_BYTES) == 1
