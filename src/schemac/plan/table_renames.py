"""A table renamed or moved (`renamed_from:`, compare.moves): ALTER TABLE ... SET SCHEMA and RENAME TO, then the
names Postgres gave its constraints declared without one given again after its new name."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Table
from schemac.model.frozen import replace
from schemac.pg.idents import ident
from schemac.pg.names import default_constraint_name, default_not_null_name, qualified, quote_ident
from schemac.plan.ddl import command, do_block, literal, table_ref


def renamed_table(old: Table, t: Table) -> list[exp.Expression]:
    """`old` moved to `t`'s schema (its indexes, constraints, owned sequences along), renamed as `t`."""
    moves = [command("ALTER", "TABLE", qualified(old.schema, old.name), "SET SCHEMA", quote_ident(t.schema))
             ] if old.schema != t.schema else []
    if old.name == t.name:
        return moves  # type: ignore[return-value]
    there = replace(old, schema=t.schema)
    return moves + [exp.Alter(this=table_ref(there), kind="TABLE", actions=[exp.AlterRename(this=exp.Table(
        this=ident(t.name)))]), *defaults_renamed(there, t.name)]


def defaults_renamed(old: Table, name: str) -> list[exp.Expression]:
    """After ALTER TABLE old RENAME TO name: the constraints schema.yaml leaves unnamed (a primary key, UNIQUE, EXCLUDE,
    foreign key, and on PostgreSQL 18 a NOT NULL), which keep the names Postgres gave them after the old name
    (orders_pkey), renamed as the new name makes them (purchases_pkey), as a table created under that name has them
    and as every later migration names them (DROP CONSTRAINT purchases_pkey: state.json records them unnamed).
    Each only where the table has it under that name (no NOT NULL constraint before 18; an older rename's kept)."""
    new = replace(old, name=name)
    keys = [c for c in (old.primary_key, *old.uniques, *old.exclusions, *old.foreign_keys) if c is not None and not c.name]
    pairs = [(default_constraint_name(old, c), default_constraint_name(new, c)) for c in keys]  # type: ignore[arg-type]
    pairs += [(default_not_null_name(old.name, c.name), default_not_null_name(name, c.name)) for c in old.columns
              if not c.nullable and (c.not_null is None or c.not_null.name is None)]
    target = qualified(old.schema, name)
    steps = [f"IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = {literal(target)}::regclass AND "
             f"conname = {literal(was)}) THEN ALTER TABLE {target} RENAME CONSTRAINT {quote_ident(was)} TO "
             f"{quote_ident(now)}; END IF;" for was, now in dict(pairs).items() if was != now]
    return [do_block("BEGIN " + " ".join(steps) + " END")] if steps else []
