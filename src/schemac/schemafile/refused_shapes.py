"""Shapes of a table's columns, keys and partitions that schema.yaml can say and Postgres refuses when the migration
runs (a generated column reading another, a built-in non-IMMUTABLE call in a generation expression, an identity of a
type other than smallint/integer/bigint): refused at their line, in schema.yaml's words (schemafile.tables calls these)."""

from __future__ import annotations

import re
from typing import Optional

from schemac.errors import SchemaFileError
from schemac.model import Table
from schemac.pg.loaded import checked_columns

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


def check_table_shapes(t: Table, what: str) -> None:
    """A table's columns as Postgres takes them, or SchemaFileError at the first it refuses."""
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


def not_immutable_call(expression: str) -> Optional[str]:
    """The first built-in call in `expression` that pg_catalog marks volatile or stable (strings and quoted names
    aside), None if it has none of those this module is sure of."""
    bare = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", expression)
    m = _CALL.search(bare) or _KEYWORD.search(bare)
    return None if m is None else (f"{m.group(1).lower()}()" if m.re is _CALL else m.group(1).upper())
