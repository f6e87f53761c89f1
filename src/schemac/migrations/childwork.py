"""A share of `generate`'s work done by a forked child while this process plans (pg/forks.py).

Why: from scratch, `generate` is CPU-bound Python on one core of the two people have. Once the changes are
ordered, a child takes the statements of the last two fifths of them (each rendered alone, as here), then
state.json's schema part: everything after its head, the model walked into text with the normal forms of its
expressions (~10% of the run), which needs nothing the plan makes but the migration's name and checksum. This
process renders the rest, takes the child's statements after its own, and writes the state from its head and
the child's text. Where no child was forked, or it failed, the same work is done here: the files and the state
are the same (tests/test_forks.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from typing import Callable, Iterator, Optional

from schemac.errors import SchemacError
from schemac.migrations import statejson
from schemac.migrations.layout import Layout, write_new
from schemac.migrations.state import State, schema_document
from schemac.model import Schema
from schemac.pg.forks import exited_cleanly, fork_child, forking

_CHUNK = 1 << 20


class ChildWork:
    """At most one child for one `generate`; a context manager that reaps it and removes its files whatever
    happens (a refusal, a failed --verify, an error)."""

    def __init__(self, state_path: str):
        base = os.path.join(os.path.dirname(state_path) or ".", f".{os.path.basename(state_path)}.{os.getpid()}")
        self._part, self._made = base + ".schema.tmp", base + ".statements.tmp"
        self._pid: Optional[int] = None
        self._ready: Optional[int] = None  # the pipe the child says on that its statements are written
        self._schema: Optional[Schema] = None

    def prepare(self, schema: Schema) -> None:
        """The model the state will record: final from here on."""
        self._schema = schema

    def start(self, make: Callable[[], list]) -> bool:
        """Fork the child, where forking is safe: it writes what `make()` returns, then the state's schema
        part. Whether it was forked."""
        schema = self._schema
        if self._pid is not None or schema is None or not forking() or not os.path.isdir(os.path.dirname(self._part)):
            return False
        ready, told = os.pipe()

        def child() -> None:
            os.close(ready)
            with open(self._made, "wb") as f:
                pickle.dump(make(), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.write(told, b"1")
            os.close(told)
            _write(schema, self._part)

        self._pid = fork_child(child)
        os.close(told)
        self._ready = ready
        return True

    def made(self) -> Optional[list]:
        """What the child's `make()` returned, once it has; None when it failed (the caller makes it)."""
        if self._ready is None:
            return None
        ready, self._ready = self._ready, None
        try:
            if os.read(ready, 1) != b"1":
                return None
        finally:
            os.close(ready)
        with open(self._made, "rb") as f:
            return pickle.load(f)

    def pieces(self, schema: Schema) -> Optional[Iterator[str]]:
        """The state's schema part the child wrote for `schema`, in chunks, or None: none forked, or it failed."""
        if self._pid is None:
            return None
        pid, self._pid = self._pid, None
        if not exited_cleanly(pid) or schema is not self._schema:
            _remove(self._part)
            return None
        return self._chunks()

    def _chunks(self) -> Iterator[str]:
        try:
            with open(self._part, encoding="utf-8", newline="") as f:
                while chunk := f.read(_CHUNK):
                    yield chunk
        finally:
            _remove(self._part)

    def __enter__(self) -> "ChildWork":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._ready is not None:
            os.close(self._ready)
            self._ready = None
        if self._pid is not None:
            exited_cleanly(self._pid)
            self._pid = None
        _remove(self._part)
        _remove(self._made)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _write(schema: Schema, path: str) -> None:
    """(In the child.) Unusual values raise here: the child fails, and the parent writes the state whole."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for piece in statejson.members(schema_document(schema), 1):
            f.write(piece)


def write_migrations(layout: Layout, files: list[tuple[str, str, str]], digest: str, schema: Schema,
                     part: Optional[ChildWork]) -> list[str]:
    """Write the new migration files (version, file name, text), then the state recording the last of
    them: all or nothing, these files being new and applied nowhere yet. Their paths."""
    paths: list[str] = []
    try:
        for _, filename, body in files:
            path = os.path.join(layout.migrations_dir, filename)
            write_new(path, body)
            paths.append(path)
        last = hashlib.sha384(files[-1][2].encode("utf-8")).hexdigest()  # the bytes write_new wrote
        State(digest, files[-1][1], schema, last).write(layout.state_path, part.pieces(schema) if part else None)
    except BaseException as e:
        for p in paths:
            with contextlib.suppress(OSError):
                os.unlink(p)
        if isinstance(e, OSError):
            raise SchemacError(f"{layout.state_path}: cannot record the state ({e.strerror}); "
                               "no migration written") from None
        raise
    return paths
