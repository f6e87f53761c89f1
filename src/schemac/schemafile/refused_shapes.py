"""Shapes of a table's columns, keys and partitions that schema.yaml can say and Postgres refuses when the migration
runs (a generated column reading another, a built-in non-IMMUTABLE call in a generation expression, an identity of a
type other than smallint/integer/bigint, a key or unique index of a partitioned table missing its key's columns, hash
partitions whose moduli do not divide each other, a partitioned table's NO INHERIT CHECK, a row trigger with a
transition table under partitioning or inheritance): refused at their line, in schema.yaml's words (schemafile.tables calls these)."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from schemac.errors import SchemaFileError
from schemac.model import Table
from schemac.pg.loaded import checked_columns, parse_partition_key, plain_column

IDENTITY_TYPES = ("smallint", "integer", "bigint")  # Postgres: "identity column type must be smallint, integer, or bigint"
# Built-in functions of no argument that pg_catalog marks volatile or stable (and has no IMMUTABLE one of the name), and
# the SQL keywords that are stable calls: "generation expression is not immutable". A call of any other name (a user's
# function, a built-in overloaded otherwise) is left to Postgres.
_NOT_IMMUTABLE_CALLS = ("random", "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday",
                        "gen_random_uuid", "txid_current", "pg_backend_pid", "current_database", "current_schema",
                        "current_query", "version", "lastval", "pg_trigger_depth", "pg_current_xact_id")
_NOT_IMMUTABLE_KEYWORDS = ("current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
                           "current_user", "session_user", "current_role")
_CALL = re.compile(r"(?<![\w$.])(?:pg_catalog\s*\.\s*)?(" + "|".join(_NOT_IMMUTABLE_CALLS) + r")\s*\(\s*\)", re.I)
_KEYWORD = re.compile(r"(?<![\w$.])(" + "|".join(_NOT_IMMUTABLE_KEYWORDS) + r")(?![\w$])", re.I)
_MODULUS = re.compile(r"\bMODULUS\s+(\d+)", re.I)


def check_table_shapes(t: Table, what: str) -> None:
    """A table's columns and keys as Postgres takes them, or SchemaFileError at the first it refuses."""
    _check_under_partitioning(t, what)
    generated = {c.name for c in t.columns if c.generated is not None}
    for c in t.columns:
        if c.identity is not None and c.type not in IDENTITY_TYPES:
            raise SchemaFileError(f"column '{c.name}' of {what}: an identity column is smallint, integer or bigint, not "
                                  f"{c.type} (Postgres refuses it); use a default instead", c.source)
        if c.generated is None:
            continue
        read = sorted(checked_columns(c.generated) & generated - {c.name})
        if read:
            raise SchemaFileError(f"column '{c.name}' of {what}: a generated column cannot read generated column "
                                  f"'{read[0]}' (Postgres refuses it); write that column's expression in its place",
                                  c.source)
        called = not_immutable_call(c.generated)
        if called:
            raise SchemaFileError(f"column '{c.name}' of {what}: a generation expression is immutable, and {called} is "
                                  "not (Postgres refuses it); use a default or a trigger instead", c.source)
    if t.partition_by is not None:
        _check_partitioned_keys(t, what)


def _check_under_partitioning(t: Table, what: str) -> None:
    """What Postgres refuses of a partitioned table, a partition or an inheritance child (the checks: NO INHERIT on
    a partitioned table; the triggers: FOR EACH ROW with a transition table on any of them)."""
    if t.partition_by is not None:
        for k in t.checks:
            if k.no_inherit:
                raise SchemaFileError(f"check '{k.name}' of {what}: a partitioned table's CHECK cannot be no_inherit "
                                      "(Postgres refuses it: its partitions must have it)", k.source)
    kind = "a partitioned table" if t.partition_by is not None else "a partition" if t.partition_of is not None else \
        "an inheritance child" if t.inherits else None
    for g in t.triggers if kind else ():
        if g.for_each_row and (g.old_table or g.new_table):
            raise SchemaFileError(f"trigger '{g.name}' of {what}: {kind}'s row trigger cannot have a transition "
                                  "table (old_table, new_table; Postgres refuses it): make it for_each: statement", g.source)


def not_immutable_call(expression: str) -> Optional[str]:
    """The first built-in call in `expression` that pg_catalog marks volatile or stable (strings and quoted names
    aside), None if it has none of those this module is sure of."""
    bare = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", expression)
    m = _CALL.search(bare) or _KEYWORD.search(bare)
    return None if m is None else (f"{m.group(1).lower()}()" if m.re is _CALL else m.group(1).upper())


def _key_column(part: str) -> Optional[str]:
    """The column a partition key's element is (`a`, `(a)`, `"A"`: pg.loaded.plain_column), "" for an expression,
    None when unsure (COLLATE)."""
    column = plain_column(part)
    if column is not None:
        return column
    return None if re.search(r"\bcollate\b", part, re.I) else ""


def _check_partitioned_keys(t: Table, what: str) -> None:
    """A partitioned table's primary key, UNIQUEs and unique indexes include each column of its partition key, which
    has no expression (Postgres: "unique constraint on partitioned table must include all partitioning columns"; an
    index's key column, not an expression over it nor an INCLUDE column)."""
    parts = [_key_column(p) for p in parse_partition_key(t.partition_by.key)]  # type: ignore[union-attr]
    for k in t.unique_keys():
        kind = "primary key" if k is t.primary_key else f"unique ({', '.join(k.columns)})"
        if "" in parts:
            raise SchemaFileError(f"{kind} of {what}: a partitioned table whose key has an expression "
                                  f"({t.partition_by.key}) has no primary key or unique constraint (Postgres refuses "  # type: ignore[union-attr]
                                  "it); put them on its partitions", k.source)
        missing = [p for p in parts if p and p not in k.columns]
        if missing:
            raise SchemaFileError(f"{kind} of {what}: a partitioned table's primary key and unique constraints "
                                  f"include each column of its partition key, not '{missing[0]}' (Postgres refuses "
                                  f"it); add it to the columns", k.source)
    for i in t.indexes:
        if not i.unique:
            continue
        if "" in parts:
            raise SchemaFileError(f"unique index '{i.name}' of {what}: a partitioned table whose key has an expression "
                                  f"({t.partition_by.key}) has no unique index (Postgres refuses it); put it on its "  # type: ignore[union-attr]
                                  "partitions", i.source)
        columns = {e.column for e in i.elements if e.column}
        missing = [p for p in parts if p and p not in columns]
        if missing:
            raise SchemaFileError(f"unique index '{i.name}' of {what}: a partitioned table's unique index has each "
                                  f"column of its partition key among its key columns, not '{missing[0]}' (Postgres "
                                  "refuses it); add it to the columns", i.source)


def check_hash_moduli(tables: Iterable[Table]) -> None:
    """The hash partitions of one table have moduli each a factor of the next larger (Postgres: "every hash
    partition modulus must be a factor of the next larger modulus"): refused at the partition that breaks it."""
    seen: dict[tuple[str, str], list[tuple[int, Table]]] = {}
    for t in tables:
        m = _MODULUS.search(t.partition_of.bound) if t.partition_of is not None else None
        if m is None:
            continue
        modulus, parent = int(m.group(1)), (t.partition_of.parent_schema, t.partition_of.parent)  # type: ignore[union-attr]
        for other, first in seen.get(parent, []):
            small, large = sorted((modulus, other))
            if small and large % small:
                raise SchemaFileError(f"bound of table {t.qualified_name}: its modulus {modulus} and partition "
                                      f"{first.qualified_name}'s {other} are not factors one of the other (Postgres "
                                      "refuses it: each hash partition's modulus divides the next larger)", t.source)
        seen.setdefault(parent, []).append((modulus, t))
