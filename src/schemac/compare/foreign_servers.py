"""Foreign servers compared by name. ALTER SERVER changes a server's version, options, owner and comment in
place; another wrapper or type is a drop and a create (Postgres has no ALTER for them)."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from schemac.compare.changes import Change
from schemac.compare.publications import by_name
from schemac.model import ForeignServer, Schema, Table


def _definition(s: ForeignServer) -> ForeignServer:
    return replace(s, version=None, options=(), comment=None, owner=None, source=None)


def made_again(old: ForeignServer, new: ForeignServer) -> bool:
    """Whether `old` is dropped and `new` created (another wrapper or type): it starts with Postgres's defaults."""
    return _definition(old) != _definition(new)


def _options(old: Optional[ForeignServer], s: ForeignServer) -> list[Change]:
    changed = old is not None and (old.version, dict(old.options)) != (s.version, dict(s.options))
    return [Change("set_foreign_server_options", "", "", s.name, old, s)] if changed else []


def diff_foreign_servers(current: Schema, desired: Schema) -> list[Change]:
    return by_name("foreign_server", current.foreign_servers, desired.foreign_servers, _definition, _options)  # type: ignore


def foreign_table_changes(cur: Table, des: Table, ch: Callable[..., None]) -> None:
    """A foreign table's changes beyond a table's (compare.tables): another server (or a table made foreign or
    not) is alter_foreign_table, which the planner refuses; options changed in place, the table's and its
    columns' (a new column's after its ADD COLUMN)."""
    if cur.foreign is None and des.foreign is None:
        return
    if cur.foreign is None or des.foreign is None or cur.foreign.server != des.foreign.server:
        ch("alter_foreign_table", None, cur, des)
        return
    if dict(cur.foreign.options) != dict(des.foreign.options):
        ch("set_foreign_table_options", None, cur, des)
    was = {c.name: c for c in cur.columns}
    for c in des.columns:
        old = was.get(c.name)
        if dict(old.fdw_options if old is not None else ()) != dict(c.fdw_options):
            ch("set_column_fdw_options", c.name, old, c)
