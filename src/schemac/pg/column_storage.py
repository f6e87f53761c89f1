"""A column's storage (ALTER COLUMN ... SET STORAGE): Postgres's names, and the default storage of the
built-in types, so that `storage:` spelled as a type's own default reads as no setting, and a setting
removed goes back to the type's own (SET STORAGE DEFAULT exists only from PostgreSQL 16 on)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import TYPE_CHECKING, Optional

from schemac.pg.types import type_name

if TYPE_CHECKING:
    from schemac.model import Column, View, ViewColumn

STORAGES = ("plain", "external", "extended", "main")
COMPRESSIONS = ("pglz", "lz4")
# Attribute options (ALTER COLUMN ... SET (...)): the ones Postgres has for a table's column.
COLUMN_OPTIONS = ("n_distinct", "n_distinct_inherited")
# Built-in variable-length types whose storage is not extended (pg_type.typstorage); fixed-length
# types are plain and take no other storage.
_NOT_EXTENDED = {"numeric": "main", "inet": "main", "cidr": "main", "tsquery": "plain"}
_BUILTIN_EXTENDED = frozenset(("text", "character varying", "character", "bytea", "json", "jsonb", "jsonpath", "xml",
                               "bit", "bit varying", "tsvector", "path", "polygon", "refcursor", "txid_snapshot",
                               "pg_snapshot", "varchar", "bpchar", "varbit"))

# Built-in fixed-length types: plain, the only storage Postgres lets them have (`storage: plain` on an integer
# column is its default, no setting; read as one, it was a difference from the catalog's none).
_FIXED = frozenset(("smallint", "integer", "bigint", "real", "double precision", "boolean", "date", "uuid", "money",
                    "oid", "char", "macaddr", "macaddr8", "point", "line", "lseg", "box", "circle", "pg_lsn", "name",
                    "tid", "xid", "xid8", "cid", "time without time zone", "time with time zone",
                    "timestamp without time zone", "timestamp with time zone", "interval"))
_PRECISION = re.compile(r"\(\d+\)")


def default_storage(type_text: str) -> Optional[str]:
    """The storage a column of this type takes by default, where it is known without a database (a
    built-in type, any array); None for the others (user and extension types)."""
    if type_text.endswith("]"):
        return "extended"
    schema, name = type_name(type_text)
    if schema != "public":
        return None
    if name in _NOT_EXTENDED:
        return _NOT_EXTENDED[name]
    if _PRECISION.sub("", name) in _FIXED:  # timestamp(3) with time zone, interval(2)
        return "plain"
    return "extended" if name in _BUILTIN_EXTENDED else None


def storage_of(v: "View", c: "ViewColumn") -> Optional[str]:
    """A materialized view column's storage, none where it is its type's own (the type: Postgres's answer)."""
    typed = {o.name: o.type for o in v.output}
    return None if c.storage is not None and typed.get(c.name) and default_storage(typed[c.name]) == c.storage \
        else c.storage


def column_settings(c: "Column") -> tuple:
    """What SET STATISTICS / STORAGE / COMPRESSION / (...) set of a column, compared as a whole."""
    return (c.statistics, c.storage, c.compression, tuple(sorted(c.options)))


# What CREATE TABLE (and ADD COLUMN) leaves them at.
DEFAULT_SETTINGS = {"statistics": None, "storage": None, "compression": None, "options": ()}


_SETTINGS_OF_A_NEW_COLUMN = column_settings(SimpleNamespace(**DEFAULT_SETTINGS))  # type: ignore[arg-type]


def has_settings(c: "Column") -> bool:
    """Whether a column just made (ADD COLUMN) needs a SET of its settings to be `c`."""
    return column_settings(c) != _SETTINGS_OF_A_NEW_COLUMN
