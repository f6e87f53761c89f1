"""sqlx's own rules, read from its source (sqlx-core `migrate/source.rs`, `config/migrate.rs`,
sqlx-postgres `migrate.rs`), so that schemac reads a migrations folder exactly as `sqlx migrate run` does.

- A file is a migration when its name, split at the first `_`, has a second part ending in `.sql`
  (`.up.sql` / `.down.sql` make a reversible pair); anything else is ignored. The first part must parse
  as a 64-bit integer (Rust's `i64::from_str`: an optional sign, then digits), else sqlx rejects the
  whole folder. The description is the second part without its suffix (removed as often as it
  repeats), `_` read as a space. The text must be UTF-8.
- The checksum is the SHA-384 of the text, less the characters `sqlx.toml` lists in `ignored-chars`.
- A file whose text starts with `-- no-transaction` runs outside a transaction.
- `sqlx.toml` (sqlx 0.9, read from the current directory as sqlx-cli does): `[migrate]` `table-name`
  (may be schema-qualified and quoted; default `_sqlx_migrations`), `create-schemas`, `ignored-chars`.
- The advisory lock `sqlx migrate` holds while it migrates: 0x3d32ad9e x CRC-32 (ISO-HDLC) of the
  database's name.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from dataclasses import dataclass
from typing import Optional

from schemac.errors import SchemacError
from schemac.pg.sqllex import WORD

CONFIG_FILE = "sqlx.toml"
DEFAULT_TABLE = ("_sqlx_migrations",)
NO_TRANSACTION = "-- no-transaction"
_I64 = re.compile(r"[+-]?[0-9]+")
# The keys of [migrate] schemac reads, as sqlx 0.9 spells them (kebab-case).
_KEYS = ("table-name", "create-schemas", "ignored-chars")


def parse_version(text: str) -> Optional[int]:
    """The version sqlx reads from the part of a file name before its first `_`, or None if sqlx cannot."""
    if not _I64.fullmatch(text):
        return None
    value = int(text)
    return value if -(2 ** 63) <= value < 2 ** 63 else None


def split_name(filename: str) -> Optional[tuple[str, str, str]]:
    """(version text, description, kind) of a file sqlx treats as a migration, kind being "simple", "up"
    or "down"; None for any other file name (sqlx ignores it)."""
    head, sep, rest = filename.partition("_")
    if not sep or not rest.endswith(".sql"):
        return None
    kind, suffix = ("up", ".up.sql") if rest.endswith(".up.sql") else \
        ("down", ".down.sql") if rest.endswith(".down.sql") else ("simple", ".sql")
    description = rest
    while description.endswith(suffix):  # Rust's trim_end_matches: every trailing copy goes
        description = description[:-len(suffix)]
    return head, description, kind


def lock_id(database: str) -> int:
    """The key of the advisory lock `sqlx migrate` takes (sqlx-postgres `generate_lock_id`)."""
    return 0x3D32AD9E * zlib.crc32(database.encode("utf-8"))


def parse_name(text: str, key: str = "table-name", where: str = CONFIG_FILE, most: int = 2) -> tuple[str, ...]:
    """A name of sqlx.toml as Postgres reads it (sqlx pastes it into its SQL): at most `most`
    dot-separated names, each unquoted (folded to lower case) or double-quoted. Returned as the names, to
    be quoted again: the same object as sqlx's, and nothing but a name reaches the server."""
    parts: list[str] = []
    i = 0
    while True:
        if text.startswith('"', i):
            end = i + 1
            name = []
            while True:
                close = text.find('"', end)
                if close < 0:
                    raise SchemacError(f"{where}: [migrate] {key} {text!r} has an unclosed quote")
                name.append(text[end:close])
                if text.startswith('"', close + 1):
                    name.append('"')
                    end = close + 2
                    continue
                i = close + 1
                break
            parts.append("".join(name))
        else:
            m = WORD.match(text, i)
            if not m:
                break
            parts.append(m.group(0).lower())
            i = m.end()
        if i == len(text) or not text.startswith(".", i):
            break
        i += 1
    if i != len(text) or not 1 <= len(parts) <= most or not all(parts):
        shape = "name, or schema.name," if most == 2 else "a schema name,"
        raise SchemacError(f"{where}: [migrate] {key}: {text!r} is not {shape} quoted with \"\" where needed")
    return tuple(parts)


@dataclass(frozen=True)
class SqlxConfig:
    """What `sqlx.toml` changes in how migrations are recorded and checked (defaults: no file)."""

    table: tuple[str, ...] = DEFAULT_TABLE  # (name,) or (schema, name)
    create_schemas: tuple[str, ...] = ()
    ignored_chars: frozenset[str] = frozenset()
    path: Optional[str] = None  # the sqlx.toml read, if any

    @property
    def table_label(self) -> str:
        return ".".join(self.table)

    def checksum(self, text: str) -> bytes:
        """What sqlx stores in `checksum` for a file of this text."""
        if self.ignored_chars:
            text = "".join(c for c in text if c not in self.ignored_chars)
        return hashlib.sha384(text.encode("utf-8")).digest()


def load_config(directory: str = ".") -> SqlxConfig:
    """`directory`/sqlx.toml, or the defaults when there is none. An unreadable or malformed file is an
    error: sqlx refuses to migrate with it too, and guessing the table could skip the history check."""
    path = os.path.join(directory, CONFIG_FILE)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return SqlxConfig()
    except OSError as e:
        raise SchemacError(f"{path}: cannot read ({e.strerror})") from None
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise SchemacError(f"{path}: not valid TOML ({e})") from None
    migrate = doc.get("migrate", {})
    if not isinstance(migrate, dict):
        raise SchemacError(f"{path}: [migrate] must be a table")
    for key in _KEYS:
        snake = key.replace("-", "_")
        if snake in migrate:
            raise SchemacError(f"{path}: [migrate] {snake}: sqlx 0.9 spells it {key}")
    table = DEFAULT_TABLE
    if "table-name" in migrate:
        if not isinstance(migrate["table-name"], str):
            raise SchemacError(f"{path}: [migrate] table-name must be a string")
        table = parse_name(migrate["table-name"], "table-name", path)
    schemas = migrate.get("create-schemas", [])
    if not isinstance(schemas, list) or not all(isinstance(s, str) for s in schemas):
        raise SchemacError(f"{path}: [migrate] create-schemas must be a list of strings")
    chars = migrate.get("ignored-chars", [])
    if not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars):
        raise SchemacError(f"{path}: [migrate] ignored-chars must be a list of one-character strings")
    created = tuple(parse_name(s, "create-schemas", path, most=1)[0] for s in schemas)
    return SqlxConfig(table, created, frozenset(chars), path)
