"""Foreign servers compared by name. ALTER SERVER changes a server's version, options, owner and comment in
place; another wrapper or type is a drop and a create (Postgres has no ALTER for them). A foreign table's server
has no ALTER either: the table is dropped and created again (`remade_foreign_tables`)."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Callable, Optional

from schemac.compare.changes import Change
from schemac.compare.given_back import owners_by_default
from schemac.compare.publications import by_name
from schemac.model import ForeignDataWrapper, ForeignServer, Schema, Table


def _definition(s: ForeignServer) -> ForeignServer:
    return replace(s, version=None, options=(), comment=None, owner=None, source=None)


def made_again(old: ForeignServer, new: ForeignServer) -> bool:
    """Whether `old` is dropped and `new` created (another wrapper or type): it starts with Postgres's defaults."""
    return _definition(old) != _definition(new)


def _options(old: Optional[ForeignServer], s: ForeignServer) -> list[Change]:
    changed = old is not None and (old.version, dict(old.options)) != (s.version, dict(s.options))
    return [Change("set_foreign_server_options", "", "", s.name, old, s)] if changed else []


def _wrapper_options(old: Optional[ForeignDataWrapper], w: ForeignDataWrapper) -> list[Change]:
    changed = old is not None and (old.handler, old.validator, dict(old.options)) != (w.handler, w.validator, dict(w.options))
    return [Change("set_foreign_data_wrapper_options", "", "", w.name, old, w)] if changed else []


def diff_foreign_servers(current: Schema, desired: Schema) -> list[Change]:
    """Foreign servers, and foreign-data wrappers (ALTER FOREIGN DATA WRAPPER changes all but the name)."""
    back = owners_by_default(current)  # an owner pinned no more given back (compare.given_back)
    return by_name("foreign_server", current.foreign_servers, desired.foreign_servers, _definition, _options, back) + \
        by_name("foreign_data_wrapper", current.foreign_data_wrappers, desired.foreign_data_wrappers,  # type: ignore
                lambda w: None, _wrapper_options, back)


# The cause of a table's DROP and CREATE where its server changes, or it is made foreign or not (reported once, as
# remake_foreign_table): a foreign table holds no rows here.
FOREIGN_REMADE = "foreign table made again"


def _moved(old: Table, new: Table) -> bool:
    """Another server, or a table made foreign or not: no ALTER does it."""
    return (old.foreign is None) != (new.foreign is None) or \
        (old.foreign is not None and old.foreign.server != new.foreign.server)  # type: ignore[union-attr]


def foreign_drift(old: Table, new: Table) -> bool:
    """Whether a table made again differs as a foreign table (server, options, foreign or not): what drift reports
    of it (one made again only because its server is, with the same options, reports nothing more)."""
    return _moved(old, new) or dict(old.foreign.options) != dict(new.foreign.options)  # type: ignore[union-attr]


def _owns_sequence(old: Table, current: Schema) -> bool:
    """Whether a sequence is OWNED BY a column of `old` (serial): DROP TABLE would take it along."""
    return any(s.owned_by and s.schema == old.schema and s.owned_by.rpartition(".")[0] == old.name for s in current.sequences)


def _plain(old: Table, current: Schema) -> bool:
    """Whether a plain table's DROP takes nothing else along that the migration would have to know of: no
    partitions, parents or children, no type it is OF, no sequence its columns call (serial, identity), no
    publication listing it (then it is made foreign by a DROP and a CREATE; else refused, as before)."""
    if old.partition_by or old.partition_of or old.inherits or old.of or \
            any(c.identity is not None or (c.default and "nextval(" in c.default) for c in old.columns):
        return False
    parent = (old.schema, old.name)
    return not any(parent in ((i.schema, i.name) for i in t.inherits) or
                   (t.partition_of and (t.partition_of.parent_schema, t.partition_of.parent) == parent)
                   for t in current.tables) and \
        not any(m.key == old.key for p in current.publications for m in p.tables)


def remade_foreign_tables(cur_tables: dict, des_tables: dict, current: Schema, desired: Schema) -> frozenset:
    """Keys of the tables the migration drops and creates again: a foreign table whose server changes, or is
    itself dropped and created again (DROP SERVER refuses while a table uses it), or that is made a plain table
    (it holds no rows here), a plain table made foreign (`_plain`; its rows are lost: a destructive change,
    plan.hazards); none where a sequence is OWNED BY one of its columns (refused)."""
    was = {s.name: s for s in current.foreign_servers}
    again = {s.name for s in desired.foreign_servers if s.name in was and made_again(was[s.name], s)}

    def remade(old: Table, new: Table) -> bool:
        if not _moved(old, new):
            return old.foreign is not None and old.foreign.server in again
        return old.foreign is not None or _plain(old, current)
    return frozenset(key for key, t in des_tables.items() if key in cur_tables and remade(cur_tables[key], t)
                     and not _owns_sequence(cur_tables[key], current))


def foreign_table_changes(cur: Table, des: Table, ch: Callable[..., None]) -> None:
    """A foreign table's changes beyond a table's (compare.tables): another server (or a table made foreign or
    not) that remade_foreign_tables leaves is alter_foreign_table, which the planner refuses; options changed in place, the table's and its
    columns' (a new column's after its ADD COLUMN)."""
    if cur.foreign is None and des.foreign is None:
        return
    if _moved(cur, des):
        ch("alter_foreign_table", None, cur, des)
        return
    if dict(cur.foreign.options) != dict(des.foreign.options):
        ch("set_foreign_table_options", None, cur, des)
    was = {c.name: c for c in cur.columns}
    for c in des.columns:
        old = was.get(c.name)
        if dict(old.fdw_options if old is not None else ()) != dict(c.fdw_options):
            ch("set_column_fdw_options", c.name, old, c)
