"""Drift of what no DDL of a table's own names: its REPLICA IDENTITY, its columns' statistics target, storage,
compression and options; a foreign table's server and options, its columns' OPTIONS; the comments on its row type and
on its copies of its parents' constraints."""

from __future__ import annotations

from typing import Any, Optional

from schemac.compare.changes import Change
from schemac.model.tables import replica_identity_text, settings_text

MARK_KINDS = ("set_column_settings", "set_replica_identity", "set_column_fdw_options", "set_foreign_table_options",
              "alter_foreign_table", "remake_foreign_table", "set_row_type_comment", "set_copy_comment")


def marks_difference(c: Change, difference: Any, exp_: Any, act: Any, file: Optional[str], line: Optional[int]) -> Any:
    """The Difference of a set_column_settings, set_replica_identity or foreign table change (`difference` is its
    class)."""
    if c.kind == "set_row_type_comment":
        e, a = exp_.row_type_comment, act.row_type_comment if act is not None else None
        return difference("comment_changed", "type", c.schema, c.table, None, e, a,
                          f"row type of table {c.schema}.{c.table}: comment is {_q(a)}, expected {_q(e)}", file, line)
    if c.kind == "set_copy_comment":  # compare/copies.py: `old` the comment the database has
        e, a = exp_.comment, act.comment
        return difference("comment_changed", f"inherited {exp_.kind}", c.schema, c.table, c.name, e, a,
                          f"inherited {exp_.kind} {c.name}: comment is {_q(a)}, expected {_q(e)}", file, line)
    if c.kind == "set_column_fdw_options":
        e, a = _options(exp_.fdw_options), _options(act.fdw_options if act is not None else ())
        return difference("column_settings_changed", "column", c.schema, c.table, c.name, e, a,
                          f"column {c.name}: {a}, expected {e}", file, line)
    if c.kind in ("set_foreign_table_options", "alter_foreign_table", "remake_foreign_table"):
        e, a = (f"SERVER {x.foreign.server} {_options(x.foreign.options)}" if x.foreign else "not foreign"
                for x in (exp_, act))
        return difference("foreign_table_changed", "table", c.schema, c.table, None, e, a,
                          f"table {c.schema}.{c.table}: {a}, expected {e}", file, line)
    if c.kind == "set_column_settings":
        e, a = settings_text(exp_), settings_text(act)
        return difference("column_settings_changed", "column", c.schema, c.table, c.name, e, a,
                          f"column {c.name}: {a}, expected {e}", file, line)
    e, a = replica_identity_text(exp_), replica_identity_text(act)  # set_replica_identity
    return difference("table_replica_identity_changed", "table", c.schema, c.table, None, e, a,
                      f"table {c.schema}.{c.table}: REPLICA IDENTITY is {a}, expected {e}", file, line)


def _options(pairs: tuple) -> str:
    return f"OPTIONS ({', '.join(f'{k} {v!r}' for k, v in pairs)})" if pairs else "no OPTIONS"


def _q(s: Optional[str]) -> str:
    return "none" if s is None else repr(s)
