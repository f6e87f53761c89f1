"""Drift of what no DDL of a table's own names: its REPLICA IDENTITY, its columns' statistics target, storage,
compression and options."""

from __future__ import annotations

from typing import Any, Optional

from schemac.compare.changes import Change
from schemac.model.tables import replica_identity_text, settings_text


def marks_difference(c: Change, difference: Any, exp_: Any, act: Any, file: Optional[str], line: Optional[int]) -> Any:
    """The Difference of a set_column_settings or set_replica_identity change (`difference` is its class)."""
    if c.kind == "set_column_settings":
        e, a = settings_text(exp_), settings_text(act)
        return difference("column_settings_changed", "column", c.schema, c.table, c.name, e, a,
                          f"column {c.name}: {a}, expected {e}", file, line)
    e, a = replica_identity_text(exp_), replica_identity_text(act)
    return difference("table_replica_identity_changed", "table", c.schema, c.table, None, e, a,
                      f"table {c.schema}.{c.table}: REPLICA IDENTITY is {a}, expected {e}", file, line)
