"""The generated/ folder: sqlx-compatible migration files and the recorded state.

sqlx checksums every applied file (SHA-384 of its bytes), so a file, once written, is never
rewritten: new versions are strictly greater than every existing one, files are created with
O_EXCL semantics (link of a fully written temp file), and the directory is locked while we decide
the version, so two concurrent `generate` runs cannot pick the same number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from schemac.errors import SchemacError

# sqlx: <version>_<description>.sql, or .up.sql/.down.sql for reversible pairs.
MIGRATION_RE = re.compile(r"^(\d+)_(.+?)(\.up|\.down)?\.sql$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,99}$")
STATE_FILE = "state.json"
LOCK_FILE = ".schemac.lock"
VERSION_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class MigrationFile:
    version: int
    description: str
    path: str

    @property
    def filename(self) -> str:
        return os.path.basename(self.path)


@dataclass(frozen=True)
class NewMigration:
    """A migration not written yet (`generate --verify` applies it first): the file it is to be, its
    bytes, and the statements its body is made of, in order."""

    file: MigrationFile
    data: bytes
    statements: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """Where things live under the output directory (default `generated/`)."""

    root: str

    @property
    def migrations_dir(self) -> str:
        return os.path.join(self.root, "migrations")

    @property
    def state_path(self) -> str:
        return os.path.join(self.root, STATE_FILE)

    def migrations(self) -> list[MigrationFile]:
        try:
            names = os.listdir(self.migrations_dir)
        except FileNotFoundError:
            return []
        except OSError as e:
            raise SchemacError(f"{self.migrations_dir}: cannot list migrations ({e.strerror})") from None
        out = []
        for name in names:
            m = MIGRATION_RE.match(name)
            if m:
                out.append(MigrationFile(int(m.group(1)), m.group(2), os.path.join(self.migrations_dir, name)))
        return sorted(out, key=lambda f: (f.version, f.filename))


def next_version(existing: Iterable[int], now: Optional[dt.datetime] = None) -> int:
    """UTC YYYYMMDDHHMMSS, bumped past the newest existing version if the clock is behind."""
    now = now or dt.datetime.now(dt.timezone.utc)
    version = int(now.strftime(VERSION_FORMAT))
    newest = max(existing, default=0)
    if version > newest:
        return version
    try:
        return int((dt.datetime.strptime(str(newest), VERSION_FORMAT) + dt.timedelta(seconds=1)).strftime(VERSION_FORMAT))
    except ValueError:
        return newest + 1  # not a timestamp version (hand-written); any greater integer keeps sqlx's order


def validate_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise SchemacError(f"migration name {name!r} must be lower-case letters, digits and _ (at most 100 characters), "
                           "e.g. add_user_email")
    return name


@contextlib.contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """Hold an exclusive lock on the output directory while versions are chosen and files written."""
    try:
        os.makedirs(layout.migrations_dir, exist_ok=True)
        fd = os.open(os.path.join(layout.root, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise SchemacError(f"{layout.root}: cannot write here ({e.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def write_new(path: str, data: str) -> None:
    """Create `path` with `data`, fully or not at all, and never replace an existing file."""
    directory = os.path.dirname(path)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails with EEXIST instead of overwriting
        except OSError as e:
            if e.errno == errno.EEXIST:
                raise SchemacError(f"{path} already exists; refusing to overwrite a migration") from None
            raise
    except SchemacError:
        raise
    except OSError as e:
        raise SchemacError(f"{path}: cannot write the migration ({e.strerror})") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
