"""catalog.heap.one_heap (issue 15, peak RSS at 10,000 tables): once it ran, threads that allocate at the
same time share glibc's one arena instead of each getting its own. The oracle is glibc's own account of
its heaps (malloc_info's XML, one <heap> per arena), in a process of its own each way."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

PROGRAM = r"""
import ctypes, os, sys, tempfile, threading
from schemac.catalog.heap import one_heap
if sys.argv[1] == "one":
    assert one_heap()
def work():
    for _ in range(200):
        blocks = [bytearray(2000) for _ in range(500)]
        del blocks
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL(None)
libc.fdopen.restype, libc.fdopen.argtypes = ctypes.c_void_p, [ctypes.c_int, ctypes.c_char_p]
libc.malloc_info.argtypes, libc.fflush.argtypes = [ctypes.c_int, ctypes.c_void_p], [ctypes.c_void_p]
with tempfile.TemporaryFile() as f:
    out = libc.fdopen(os.dup(f.fileno()), b"w")
    libc.malloc_info(0, out)
    libc.fflush(out)
    f.seek(0)
    print(f.read().decode().count("<heap nr="))
"""

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")


def _heaps(way: str) -> int:
    return int(subprocess.run([sys.executable, "-c", PROGRAM, way], capture_output=True, text=True,
                              check=True).stdout)


@glibc
def test_threads_share_one_heap_once_set():
    assert _heaps("default") > 1  # the settings are what makes the difference
    assert _heaps("one") == 1

