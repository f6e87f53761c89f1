"""A generated column's expression changed. Before PostgreSQL 17 an expression cannot change in place: the column is
dropped and added again (its values are derived data, so recreating it loses nothing), and comes last among its
table's columns (a new attnum), where a fresh build of schema.yaml has it in its declared place. 17+'s ALTER COLUMN
... SET EXPRESSION recomputes a STORED column where it stands (its place, comment, privileges and statistics kept);
generate knows no target's major, so where only the expression changes (model.expression_set_in_place) the statement
chooses by server_version_num when it runs. A VIRTUAL column (18+) is set in place too, but Postgres refuses that
where its table (or a child of it) has a CHECK or is published ('not supported for virtual generated columns in
tables with check constraints'): there, and only there (feature_not_supported), it is dropped and added. The plan
still drops and makes again what stands on the column around it (the older branch needs that): on 17+ that is work
done twice, never a wrong result. A partition's column is not its own to drop ('cannot drop inherited column'):
there, before 17, the partition is detached, its column dropped and added, and attached again under the same bound.
A plain column made generated, or a kind or type changed, is dropped and added on every major (SET EXPRESSION takes
a generated column's expression only)."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Column, Table, expression_set_in_place
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident
from schemac.plan import ddl
from schemac.plan.identity_ddl import alter_column
from schemac.plan.partition_index_ddl import attach_partition, detach_partition
from schemac.plan.sql_strings import by_server_version, do_block, literal
from schemac.plan.trees import fresh_expression


def regenerated(t: Table, old: Column, col: Column) -> list[exp.Expression]:
    """The statements giving `t`'s column `old` its new generation expression, as `col` has it."""
    table = ddl.table_ref(t)
    drop = exp.Alter(this=table, kind="TABLE", actions=[exp.Drop(tables=[exp.Column(this=ident(col.name))], kind="COLUMN")])
    add = exp.Alter(this=table.copy(), kind="TABLE", actions=[ddl.column_def(col, schema=t.schema)])
    in_place = alter_column(t, col.name, "SET EXPRESSION AS", f"({fresh_expression(col.generated).sql(dialect=RENDER)})")
    if t.partition_of is not None:
        older = [detach_partition(t), drop, add, attach_partition(t)]
    elif not expression_set_in_place(old, col):
        return [drop, add]
    elif col.virtual:  # (18+ only: no older server holds one)
        return [do_block(f"BEGIN EXECUTE {literal(in_place.sql(dialect=RENDER))}; EXCEPTION WHEN feature_not_supported "
                         f"THEN EXECUTE {literal(drop.sql(dialect=RENDER))}; EXECUTE {literal(add.sql(dialect=RENDER))}; END")]
    else:
        older = [drop, add]
    return [by_server_version(170000, in_place.sql(dialect=RENDER), [s.sql(dialect=RENDER) for s in older])]
