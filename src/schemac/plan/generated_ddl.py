"""A generated column's expression changed. Before PostgreSQL 17 an expression cannot change in place: the column is
dropped and added again (its values are derived data, so recreating it loses nothing), and comes last among its
table's columns (a new attnum), where a fresh build of schema.yaml has it in its declared place. 17+'s ALTER COLUMN
... SET EXPRESSION recomputes a STORED column where it stands (its place, comment, privileges and statistics kept);
generate knows no target's major, so where only the expression changes (model.expression_set_in_place) the statement
chooses by server_version_num when it runs; and where a table under it (INHERITS) declares the column of its own with
an expression of its own, which DROP and ADD leave it but SET EXPRESSION, which recurses, would not, or declared it
and no longer does (SET EXPRESSION would leave it its own, attislocal), it drops and adds on 17+ too. A VIRTUAL column (18+) is set in place too, but Postgres refuses that
where its table (or a child of it) has a CHECK or is published ('not supported for virtual generated columns in
tables with check constraints'): there, and only there (feature_not_supported), it is dropped and added. The plan
still drops and makes again what stands on the column around it (the older branch needs that): on 17+ that is work
done twice, never a wrong result. A partition's column is not its own to drop ('cannot drop inherited column'):
there, before 17, the partition is detached, its column dropped and added, and attached again under the same bound.
A plain column made generated, or a kind or type changed, is dropped and added on every major (SET EXPRESSION takes
a generated column's expression only)."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.changes import JOINS
from schemac.compare.normalize import same_expression
from schemac.model import Column, Table, expression_set_in_place
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident
from schemac.pg.names import qualified
from schemac.plan import ddl
from schemac.plan.identity_ddl import alter_column
from schemac.plan.partition_index_ddl import attach_partition, detach_partition
from schemac.plan.sql_strings import by_server_version, do_block, literal
from schemac.plan.trees import fresh_expression


def regenerated(t: Table, old: Column, col: Column, again: bool = False, followers: tuple = (),
                for_child: bool = False) -> list[exp.Expression]:
    """The statements giving `t`'s column `old` its new generation expression, as `col` has it (`again`: an INHERITS
    child's own after its parent's, compare.own_expressions: on 17+ only). Where it is dropped and added, the tables
    under it declaring it with that expression (`followers`, parents first), which the DROP leaves theirs as it was,
    drop theirs after it and add it again before the ADD, which merges into theirs (attislocal kept; one without a
    column, released, is dropped only: the ADD gives it the parent's, attislocal false; so where one is, on every
    major: 17+'s SET EXPRESSION would leave it its own); `for_child`: the column kept as it is, dropped and added
    before 17 only, for a child's own expression (compare.own_expressions)."""
    in_place = _set_expression(t, col)
    if again:
        return [by_server_version(170000, in_place.sql(dialect=RENDER), [])]
    if t.partition_of is not None:
        older = [detach_partition(t), _drop_column(t, col.name), _add_column(t, col), attach_partition(t)]
        return [by_server_version(170000, in_place.sql(dialect=RENDER), [s.sql(dialect=RENDER) for s in older])]
    around = _around(t, col, followers)
    if any(f[1] is None or f[2:] == (JOINS,) for f in followers):  # (a child released or joining: on every major,
        return around  # SET EXPRESSION would leave the one its own and the other its parent's only)
    if for_child:  # (17+: the child's own SET EXPRESSION, compare.own_expressions)
        return [do_block("BEGIN IF pg_catalog.current_setting('server_version_num')::int < 170000 THEN " +
                         " ".join(f"EXECUTE {literal(s.sql(dialect=RENDER))};" for s in around) + " END IF; END")]
    if not expression_set_in_place(old, col):
        return around
    run = lambda s: f"EXECUTE {literal(s.sql(dialect=RENDER))};"  # noqa: E731
    kept, remade = _kept_below(t, col.name), " ".join(run(s) for s in around)
    if col.virtual:  # (18+ only: no older server holds one)
        return [do_block(f"BEGIN IF {kept} THEN BEGIN {run(in_place)} RETURN; EXCEPTION WHEN feature_not_supported "
                         f"THEN NULL; END; END IF; {remade} END")]
    return [do_block(f"BEGIN IF pg_catalog.current_setting('server_version_num')::int >= 170000 AND {kept} THEN "
                     f"{run(in_place)} ELSE {remade} END IF; END")]


def _around(t: Table, col: Column, followers: tuple, fellows: tuple = ()) -> list[exp.Alter]:
    """`t`'s DROP COLUMN, its `fellows`' (the other parents giving the column), the `followers`' (but a joining one's),
    their ADD COLUMNs back up (but a released one's), `t`'s ADD COLUMN, its fellows'."""
    return [_drop_column(t, col.name), *(_drop_column(f[0], col.name) for f in fellows),
            *(_drop_column(f[0], col.name) for f in followers if f[2:] != (JOINS,)),
            *(_add_column(f[0], f[1]) for f in reversed(followers) if f[1] is not None), _add_column(t, col),
            *(_add_column(f[0], f[1]) for f in fellows)]


def regenerated_together(t: Table, old: Column, col: Column, followers: tuple, fellows: tuple) -> list[exp.Expression]:
    """The statements giving a column that `t` and its `fellows` (table, column, whether its expression changes) give
    a child together their new expressions (compare.shared_generation): every one's DROP and ADD COLUMN around the
    children's (`followers`) on every major where a child starts or stops declaring it, else before 17 only; 17+ sets
    the changed expressions in place, then each declaring child's own (they reach it)."""
    around = _around(t, col, followers, fellows)
    if any(f[1] is None or f[2:] == (JOINS,) for f in followers):
        return around
    set_again = [(t, col)] if not same_expression(old.generated, col.generated) else []
    set_again += [(f[0], f[1]) for f in fellows if f[2]] + [(f[0], f[1]) for f in followers]
    run = lambda s: f"EXECUTE {literal(s.sql(dialect=RENDER))};"  # noqa: E731
    return [do_block("BEGIN IF pg_catalog.current_setting('server_version_num')::int >= 170000 THEN " +
                     " ".join(run(_set_expression(x, c)) for x, c in set_again) + " ELSE " +
                     " ".join(run(s) for s in around) + " END IF; END")]


def _set_expression(t: Table, col: Column) -> exp.Expression:
    """ALTER TABLE t ALTER COLUMN ... SET EXPRESSION AS `col`'s (17+)."""
    return alter_column(t, col.name, "SET EXPRESSION AS", f"({fresh_expression(col.generated).sql(dialect=RENDER)})")


def _drop_column(t: Table, name: str) -> exp.Alter:
    """ALTER TABLE t DROP COLUMN name."""
    return exp.Alter(this=ddl.table_ref(t), kind="TABLE", actions=[exp.Drop(tables=[exp.Column(this=ident(name))], kind="COLUMN")])


def _add_column(t: Table, col: Column) -> exp.Alter:
    """ALTER TABLE t ADD COLUMN as `col` declares it."""
    return exp.Alter(this=ddl.table_ref(t), kind="TABLE", actions=[ddl.column_def(col, schema=t.schema)])


def _kept_below(t: Table, column: str) -> str:
    """The condition that no table under `t` (INHERITS, at any depth) declares `column` of its own (attislocal) with an
    expression other than `t`'s: SET EXPRESSION, which recurses, would give it `t`'s new one too, where DROP and ADD
    COLUMN leave it its own (a child's expression of its own, 16+). One declaring it with `t`'s expression (a child
    declaring the column bare takes it) follows, as a fresh build has it; a partition's column is never its own."""
    table, name = literal(qualified(t.schema, t.name)), literal(column)
    expression = ("(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d JOIN "
                  "pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attrelid = {} "
                  f"AND a.attname = {name})")
    return ("NOT EXISTS (WITH RECURSIVE below(r) AS (SELECT i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = "
            f"{table}::regclass UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN below ON i.inhparent = below.r) "
            f"SELECT FROM below JOIN pg_catalog.pg_attribute a ON a.attrelid = below.r WHERE a.attname = {name} AND "
            f"a.attislocal AND {expression.format('below.r')} IS DISTINCT FROM {expression.format(table + '::regclass')})")
