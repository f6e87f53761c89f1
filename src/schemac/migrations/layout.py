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
import functools
import os
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from schemac.errors import SchemacError
from schemac.migrations.sqlx import SqlxConfig, load_config, parse_version, split_name

# The names schemac writes: <version>_<description>.sql (.up.sql/.down.sql for reversible pairs). Which
# files sqlx reads as migrations is sqlx's own, wider rule: Layout.scan (migrations.sqlx.split_name).
MIGRATION_RE = re.compile(r"^(\d+)_(.+?)(\.up|\.down)?\.sql$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,99}$")
STATE_FILE = "state.json"
LOCK_FILE = ".schemac.lock"
VERSION_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class MigrationFile:
    version: int
    description: str  # as the file name spells it (`_`, not the space sqlx records), without the suffix
    path: str
    kind: str = "simple"  # "simple", or "up" / "down": the halves of a reversible pair

    @property
    def filename(self) -> str:
        return os.path.basename(self.path)

    @property
    def is_down(self) -> bool:
        """A `.down.sql` file: run only by `sqlx migrate revert`, never applied."""
        return self.kind == "down"


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

    @functools.cached_property
    def sqlx(self) -> SqlxConfig:
        """sqlx.toml in the current directory, where sqlx-cli reads it (defaults when there is none)."""
        return load_config(".")

    def migrations(self) -> list[MigrationFile]:
        """The migrations, in version order, read as sqlx reads the folder; what sqlx would refuse (a
        version that is not an integer, two files of one version) is an error, as it is for sqlx."""
        files, problems = self.scan()
        if problems:
            more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
            raise SchemacError(problems[0] + more)
        return files

    def scan(self) -> tuple[list[MigrationFile], list[str]]:
        """(the migrations sqlx would read, in version order; why sqlx would refuse the folder)."""
        try:
            entries = list(os.scandir(self.migrations_dir))
        except FileNotFoundError:
            return [], []
        except OSError as e:
            raise SchemacError(f"{self.migrations_dir}: cannot list migrations ({e.strerror})") from None
        out, problems = [], []
        for entry in sorted(entries, key=lambda e: e.name):
            parts = split_name(entry.name)
            try:
                if parts is None or not entry.is_file():  # is_file follows symlinks, as sqlx's metadata does
                    continue
            except OSError as e:
                problems.append(f"{entry.path}: cannot read ({e.strerror})")
                continue
            head, description, kind = parts
            version = parse_version(head)
            if version is None:
                problems.append(f"{entry.path}: sqlx reads every file named <version>_<name>.sql as a migration, and "
                                f"{head!r} is not an integer version: sqlx refuses the whole folder; rename the "
                                "file or move it out of the folder")
                continue
            out.append(MigrationFile(version, description, entry.path, kind))
        out.sort(key=lambda f: (f.version, f.filename))
        seen: dict[tuple[int, bool], MigrationFile] = {}
        for m in out:
            other = seen.setdefault((m.version, m.is_down), m)
            if other is not m:
                problems.append(f"{other.path} and {m.filename} have one version, {m.version}: sqlx applies one of "
                                "them and fails on the other; two branches that each wrote a migration: run "
                                "`schemac rebase` on the one merged second")
        return out, problems


def next_version(existing: Iterable[int], now: Optional[dt.datetime] = None) -> int:
    """UTC YYYYMMDDHHMMSS, bumped past the newest existing version if the clock is behind."""
    now = now or dt.datetime.now(dt.timezone.utc)
    version = int(now.strftime(VERSION_FORMAT))
    newest = max(existing, default=0)
    if version > newest:
        return version
    try:
        return int((version_time(str(newest)) + dt.timedelta(seconds=1)).strftime(VERSION_FORMAT))
    except ValueError:
        return newest + 1  # not a timestamp version (hand-written); any greater integer keeps sqlx's order


def version_time(text: str) -> dt.datetime:
    """dt.datetime.strptime(text, VERSION_FORMAT). The 14 digits schemac writes are read by slicing: there strptime's
    fields each take two digits, and a value out of range is a ValueError both ways; any other text goes to strptime,
    whose first call (importing _strptime, building its patterns: ~7 ms) `generate` made for every file after the
    first of a change cut into several (all written in one second)."""
    if len(text) == 14 and text.isascii() and text.isdigit():
        return dt.datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:]))
    return dt.datetime.strptime(text, VERSION_FORMAT)


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
