"""A partitioned table's new identity column, on every major; and one of a table others inherit.

PostgreSQL 17+ adds it as any table's (ALTER TABLE p ADD COLUMN id int GENERATED ... AS IDENTITY, its partitions
taking it). Older majors refuse that on a table with partitions ("cannot recursively add identity column to table
that has child tables"), but take the column NOT NULL with a placeholder DEFAULT 0 (no rewrite), the DEFAULT
dropped, ADD GENERATED ... AS IDENTITY on the parent (no recursion needed: a partition's column holds no identity
before 17, catalog/partition_identities.py) and UPDATE ... SET id = DEFAULT through the parent, which numbers the
rows from the new sequence as 17+'s ADD COLUMN does. The statement chooses by server_version_num when it runs
(generate knows no target's major): 17+ runs the plain ADD COLUMN. A table with INHERITS children is refused it on
every major: the four statements, as they are.
"""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Column, Table
from schemac.model.frozen import replace
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified, quote_ident
from schemac.plan import ddl
from schemac.plan.quiet_triggers import untriggered
from schemac.plan.sequence_ddl import handed_out_setting, identity_sequence_sql
from schemac.plan.sql_strings import by_server_version


def add_identity_column(t: Table, col: Column, added: exp.Expression, over_children: bool = False,
                        publishes: bool = False) -> list:
    """`added` (ALTER TABLE t ADD COLUMN col ...), where `col` is an identity of partitioned `t`: it on 17+,
    the four statements above before 17; of a table others inherit (`over_children`: refused on every major), the
    four statements (ADD GENERATED does not recurse to an INHERITS child, whose column holds none, as one made by
    CREATE TABLE ... INHERITS; the UPDATE through the parent numbers the children's rows too). Any other: `added`."""
    if (t.partition_by is None and not over_children) or col.identity is None:
        return [added]
    table, column = qualified(t.schema, t.name), quote_ident(col.name)
    placeholder = replace(col, identity=None, default="0", nullable=False)
    older = [f"ALTER TABLE {table} ADD COLUMN {ddl.column_def(placeholder, schema=t.schema).sql(dialect=RENDER)}",
             f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT",
             f"ALTER TABLE {table} ALTER COLUMN {column} ADD "
             f"{ddl.identity_constraint(col.identity, t.schema).sql(dialect=RENDER)}",
             f"UPDATE {table} SET {column} = DEFAULT"]
    if t.partition_by is None:  # (its UPDATE quiet of the table's triggers: plan.quiet_triggers)
        return untriggered(t, [ddl.command(*s.split(" ", 1)) for s in older], over_children, publishes)
    return untriggered(t, [by_server_version(170000, added.sql(dialect=RENDER), older)], over_children, publishes)


def numbered_by_parent(t: Table, col: Column) -> tuple[exp.Command, Column]:
    """`col` of partition `t`, which it gains while detached and its next parent holds as an identity (compare.changes'
    NUMBERED_BY_PARENT), with a DEFAULT of that identity's next value: added so, it fills the rows `t` holds (the
    column is NOT NULL); the DEFAULT is dropped at once (ATTACH gives the column the parent's identity). The statement
    before it keeps the parent's identity sequence in the transaction (a DEFAULT takes no subquery)."""
    p = t.partition_of
    parent = ddl.literal(qualified(p.parent_schema, p.parent))  # type: ignore[union-attr]
    key = ddl.literal(handed_out_setting(f"numbered {qualified(t.schema, t.name)}.{quote_ident(col.name)}"))
    kept = ddl.command("SELECT", f"pg_catalog.set_config({key}, "  # (the column's name as it is)
                                 f"{identity_sequence_sql(parent, ddl.literal(col.name))}::text, true)")
    return kept, replace(col, default=f"nextval(pg_catalog.current_setting({key})::regclass)")
