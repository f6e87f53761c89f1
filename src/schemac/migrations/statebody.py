"""state.json's schema part, written by a forked child while `generate` plans (pg/forks.py).

Why: writing state.json is ~10% of `generate` from scratch (4 MB at 1,000 tables: the model walked into
text, and the normal forms of its expressions), and it needs nothing the plan makes but the migration's
file name and checksum, its first keys. A child forked once the model is final writes the keys from
"namespaces" on into a file beside state.json while this process plans; writing the state then takes the
head and copies that file's text after it. Where no child was forked, or it failed, the state is written
here whole, as ever: the text is the same (tests/test_state_text.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import Iterator, Optional

from schemac.errors import SchemacError
from schemac.migrations import statejson
from schemac.migrations.layout import Layout, write_new
from schemac.migrations.state import State, schema_document
from schemac.model import Schema
from schemac.pg.forks import exited_cleanly, fork_child, forking

_CHUNK = 1 << 20


class SchemaPart:
    """At most one child writing the schema part of one state.json; a context manager that reaps it and
    removes its file when the state was not written (a refusal, a failed --verify, an error)."""

    def __init__(self, state_path: str):
        self._path = os.path.join(os.path.dirname(state_path) or ".",
                                  f".{os.path.basename(state_path)}.{os.getpid()}.schema.tmp")
        self._pid: Optional[int] = None
        self._schema: Optional[Schema] = None

    def start(self, schema: Schema) -> None:
        """Fork the child writing `schema`'s part, where forking is safe (and the folder exists)."""
        if self._pid is None and forking() and os.path.isdir(os.path.dirname(self._path)):
            self._schema = schema
            self._pid = fork_child(lambda: _write(schema, self._path))

    def pieces(self, schema: Schema) -> Optional[Iterator[str]]:
        """The text the child wrote for `schema`, in chunks, or None: none forked, or it failed."""
        if self._pid is None:
            return None
        pid, self._pid = self._pid, None
        if not exited_cleanly(pid) or schema is not self._schema:
            self._remove()
            return None
        return self._chunks()

    def _chunks(self) -> Iterator[str]:
        try:
            with open(self._path, encoding="utf-8", newline="") as f:
                while chunk := f.read(_CHUNK):
                    yield chunk
        finally:
            self._remove()

    def _remove(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._path)

    def __enter__(self) -> "SchemaPart":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pid is not None:
            exited_cleanly(self._pid)
            self._pid = None
        self._remove()


def _write(schema: Schema, path: str) -> None:
    """(In the child.) Unusual values raise here: the child fails, and the parent writes the state whole."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for piece in statejson.members(schema_document(schema), 1):
            f.write(piece)


def write_migrations(layout: Layout, files: list[tuple[str, str, str]], digest: str, schema: Schema,
                     part: Optional[SchemaPart]) -> list[str]:
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
