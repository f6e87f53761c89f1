"""A column's settings changed in place: ALTER TABLE ONLY ... ALTER COLUMN ... SET STATISTICS / SET STORAGE /
SET COMPRESSION / SET (...) / RESET (...). None rewrites the table (storage and compression shape values
written from now on). ONLY: a partitioned table's SET STATISTICS and SET STORAGE would reach every partition,
and each table (partitions included) states its own."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.model import Column, Index, Table
from schemac.model.frozen import replace
from schemac.pg.column_storage import default_storage
from schemac.pg.idents import ident
from schemac.pg.names import qualified, quote_ident
from schemac.plan import ddl
from schemac.plan.not_null_ddl import add_not_null
from schemac.plan.objects import PlanError
from schemac.plan.quiet_triggers import untriggered
from schemac.plan.trees import fresh_expression

_DO_TAG = "$schemac$"


def column_settings_statements(t: Table, old: Optional[Column], new: Column) -> list[exp.Expression]:
    """What sets `new`'s settings where `old`'s differ (old None: a column just made, with the defaults)."""
    old = old or Column(new.name, new.type)
    table = qualified(t.schema, t.name)

    def alter(action: str) -> exp.Expression:
        return ddl.command("ALTER", "TABLE ONLY", table, "ALTER COLUMN", quote_ident(new.name), action)

    out: list[exp.Expression] = []
    if old.statistics != new.statistics:
        out.append(alter(f"SET STATISTICS {-1 if new.statistics is None else int(new.statistics)}"))
    if old.storage != new.storage:
        storage = new.storage or default_storage(new.type)
        out.append(alter(f"SET STORAGE {storage.upper()}") if storage else _type_storage(table, new))
    if old.compression != new.compression:
        out.append(alter(f"SET COMPRESSION {new.compression or 'DEFAULT'}"))
    was = dict(o.partition("=")[::2] for o in old.options)
    will = dict(o.partition("=")[::2] for o in new.options)
    gone = [n for n in was if n not in will]
    if gone:
        out.append(alter(f"RESET ({', '.join(gone)})"))
    changed = [f"{n}={v}" for n, v in will.items() if was.get(n) != v]
    if changed:
        out.append(alter(ddl.storage_clause(changed, "SET")))
    return out


def _type_storage(table: str, c: Column) -> exp.Expression:
    """SET STORAGE back to the column type's own, for a type whose storage only the database knows (SET STORAGE
    DEFAULT exists only from PostgreSQL 16 on): read from pg_type where the migration runs."""
    column = quote_ident(c.name)
    if _DO_TAG in table or _DO_TAG in column:
        raise PlanError(f"column {column} of {table}: its name holds {_DO_TAG}, which schemac's DO block cannot quote")
    statement = ddl.literal(f"ALTER TABLE ONLY {table} ALTER COLUMN {column} SET STORAGE ")
    storage = ("(SELECT CASE y.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' "
               "ELSE 'EXTENDED' END FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type y ON y.oid = a.atttypid "
               f"WHERE a.attrelid = {ddl.literal(table)}::regclass AND a.attname = {ddl.literal(c.name)})")
    return ddl.command("DO", f"{_DO_TAG}BEGIN EXECUTE {statement} || {storage}; END{_DO_TAG}")



def index_statistics(t: Table, old: Optional[Index], new: Index) -> list[exp.Expression]:
    """ALTER INDEX ... ALTER COLUMN n SET STATISTICS for each expression key whose target differs from `old`'s
    (old None: an index just made, with the defaults)."""
    was = [e.statistics for e in old.elements] if old is not None else []
    return [ddl.command("ALTER", "INDEX", qualified(t.schema, new.name), "ALTER COLUMN", str(n),
                        f"SET STATISTICS {-1 if e.statistics is None else int(e.statistics)}")
            for n, e in enumerate(new.elements, 1) if (was[n - 1] if n <= len(was) else None) != e.statistics]


def nulls_given_the_default(t: Table, column: Column, over_children: bool = False,
                            publishes: bool = False) -> list[exp.Expression]:
    """UPDATE t SET c = <default> WHERE c IS NULL, before a column with a default is made NOT NULL: Postgres
    fills a new column's rows with its default, never an existing column's NULLs, so SET NOT NULL would fail
    on them (the backfill people write by hand before it). Not for a NOT VALID NOT NULL (rows are left
    unchecked), a generated or identity column (no default to give), nor a foreign table (its rows are another
    server's)."""
    nn = column.not_null
    if column.default is None or column.generated or column.identity is not None or t.foreign is not None \
            or (nn is not None and nn.not_valid):
        return []
    target = exp.Column(this=ident(column.name))
    return untriggered(t, [exp.Update(this=ddl.table_ref(t), expressions=[exp.EQ(this=target, expression=fresh_expression(
        column.default))], where=exp.Where(this=exp.Is(this=target.copy(), expression=exp.Null())))], over_children,
        publishes)


def virtual_made_plain(old: Column, new: Column) -> bool:
    """Whether a VIRTUAL generated column (PostgreSQL 18) is made plain: DROP EXPRESSION refuses a virtual one, and
    dropping it and adding it again would leave NULL where its rows read values."""
    return bool(old.generated) and old.virtual and not new.generated and new.identity is None


def virtual_values_kept(t: Table, new: Column, over_children: bool = False,
                        publishes: bool = False) -> list[exp.Expression]:
    """A VIRTUAL column made plain with the values its rows read: a plain column added beside it (nullable: filled
    next), given them, the virtual one dropped, the plain one renamed to its name, then its NOT NULL."""
    kept = f"{new.name[:40]}_schemac_kept"
    table = ddl.table_ref(t)

    def alter(action: exp.Expression) -> exp.Alter:
        return exp.Alter(this=table.copy(), kind="TABLE", actions=[action])

    plain = ddl.column_def(replace(new, name=kept, nullable=True, not_null=None), schema=t.schema)
    return [alter(plain),
            *untriggered(t, [exp.Update(this=table.copy(), expressions=[exp.EQ(this=exp.Column(this=ident(kept)),
                                                                               expression=exp.Column(this=ident(new.name)))])], over_children,
                         publishes),
            alter(exp.Drop(tables=[exp.Column(this=ident(new.name))], kind="COLUMN")),
            alter(exp.RenameColumn(this=exp.Column(this=ident(kept)), to=exp.Column(this=ident(new.name)))),
            *([add_not_null(t, new)] if not new.nullable else [])]
