"""Dropping an unnamed foreign key whose default name another constraint of its table holds (a CHECK named
blocks_creator_id_fkey): Postgres numbered the key (blocks_creator_id_fkey1), and DROP CONSTRAINT IF EXISTS
blocks_creator_id_fkey would drop the CHECK. schemafile.default_names refuses such a schema.yaml now, but a state
recorded before holds it: the drop finds the key by what it is (a foreign key on those columns to that table, named
the default or the default numbered) and drops that, never the holder."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.model import ForeignKey, Table
from schemac.pg.names import default_constraint_name, qualified, quote_ident, regclass_literal
from schemac.plan.sql_strings import do_block, literal


def held_foreign_key_drop(t: Table, fk: ForeignKey) -> Optional[exp.Command]:
    """The DO block dropping unnamed `fk` of `t` where another constraint of `t` is named its default; else None."""
    if not isinstance(fk, ForeignKey) or fk.name is not None:  # (a rebuilt key's drop passes its UNIQUE)
        return None
    name = default_constraint_name(t, fk)
    if name not in {c.name for c in t.constraints() if c is not fk and c.name}:
        return None
    relid = regclass_literal(t.schema, t.name)
    columns = ", ".join(literal(c) for c in fk.columns)
    ref = regclass_literal(fk.ref_schema, fk.ref_table)
    found = (f"SELECT conname INTO found FROM pg_catalog.pg_constraint WHERE conrelid = {relid} AND contype = 'f' "
             f"AND confrelid = {ref} AND pg_catalog.left(conname, {len(name)}) = {literal(name)} "
             f"AND pg_catalog.substr(conname, {len(name) + 1}) ~ '^[0-9]*$' AND conkey = ARRAY(SELECT a.attnum "
             f"FROM pg_catalog.unnest(ARRAY[{columns}]::text[]) WITH ORDINALITY AS k(col, ord) JOIN "
             f"pg_catalog.pg_attribute a ON a.attrelid = {relid} AND a.attname = k.col ORDER BY k.ord) "
             "ORDER BY conname LIMIT 1")
    on = literal(qualified(t.schema, t.name))
    drop = f"EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', {on}, found)"
    return do_block(f"DECLARE found name; BEGIN {found}; IF found IS NOT NULL THEN {drop}; END IF; END")
