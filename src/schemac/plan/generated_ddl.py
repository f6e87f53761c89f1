"""A STORED generated column's expression changed: dropped and added again (before PostgreSQL 17 an expression
cannot change in place; its values are derived data, so recreating the column loses nothing). A partition's column
is not its own to drop ('cannot drop inherited column'): there the statement chooses by server_version_num when it
runs (generate knows no target's major): 17+'s ALTER COLUMN ... SET EXPRESSION, which recomputes the rows; before,
the partition detached, its column dropped and added, and attached again under the same bound."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Column, Table
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident
from schemac.pg.names import qualified, quote_ident
from schemac.plan import ddl
from schemac.plan.partition_index_ddl import attach_partition, detach_partition
from schemac.plan.sql_strings import by_server_version


def regenerated(t: Table, col: Column) -> list[exp.Expression]:
    """The statements giving `t`'s column `col` its new generation expression."""
    table = ddl.table_ref(t)
    drop = exp.Alter(this=table, kind="TABLE", actions=[exp.Drop(tables=[exp.Column(this=ident(col.name))], kind="COLUMN")])
    add = exp.Alter(this=table.copy(), kind="TABLE", actions=[ddl.column_def(col, schema=t.schema)])
    if t.partition_of is None:
        return [drop, add]
    in_place = (f"ALTER TABLE {qualified(t.schema, t.name)} ALTER COLUMN {quote_ident(col.name)} "
                f"SET EXPRESSION AS ({col.generated})")
    older = [detach_partition(t), drop, add, attach_partition(t)]
    return [by_server_version(170000, in_place, [s.sql(dialect=RENDER) for s in older])]
