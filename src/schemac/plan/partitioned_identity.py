"""A partitioned table's new identity column, on every major.

PostgreSQL 17+ adds it as any table's (ALTER TABLE p ADD COLUMN id int GENERATED ... AS IDENTITY, its partitions
taking it). Older majors refuse that on a table with partitions ("cannot recursively add identity column to table
that has child tables"), but take the column NOT NULL with a placeholder DEFAULT 0 (no rewrite), the DEFAULT
dropped, ADD GENERATED ... AS IDENTITY on the parent (no recursion needed: a partition's column holds no identity
before 17, catalog/partition_identities.py) and UPDATE ... SET id = DEFAULT through the parent, which numbers the
rows from the new sequence as 17+'s ADD COLUMN does. The statement chooses by server_version_num when it runs
(generate knows no target's major): 17+ runs the plain ADD COLUMN.
"""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Column, Table
from schemac.model.frozen import replace
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified, quote_ident
from schemac.plan import ddl


def add_identity_column(t: Table, col: Column, added: exp.Expression) -> exp.Expression:
    """`added` (ALTER TABLE t ADD COLUMN col ...), where `col` is an identity of partitioned `t`: it on 17+,
    the four statements above before 17. Any other column: `added` itself."""
    if t.partition_by is None or col.identity is None:
        return added
    table, column = qualified(t.schema, t.name), quote_ident(col.name)
    placeholder = replace(col, identity=None, default="0", nullable=False)
    older = [f"ALTER TABLE {table} ADD COLUMN {ddl.column_def(placeholder, schema=t.schema).sql(dialect=RENDER)}",
             f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT",
             f"ALTER TABLE {table} ALTER COLUMN {column} ADD "
             f"{ddl.identity_constraint(col.identity, t.schema).sql(dialect=RENDER)}",
             f"UPDATE {table} SET {column} = DEFAULT"]
    return ddl.do_block(f"BEGIN IF pg_catalog.current_setting('server_version_num')::int >= 170000 THEN "
                        f"EXECUTE {ddl.literal(added.sql(dialect=RENDER))}; ELSE "
                        + " ".join(f"EXECUTE {ddl.literal(s)};" for s in older) + " END IF; END")
