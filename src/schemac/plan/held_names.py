"""Dropping an unnamed key (primary key, UNIQUE, foreign key, EXCLUDE) whose default name another constraint or index
of its table holds (a CHECK named blocks_creator_id_fkey, an index blocks_code_key): Postgres numbered the key
(blocks_creator_id_fkey1), and DROP CONSTRAINT IF EXISTS blocks_creator_id_fkey would drop the CHECK.
schemafile.default_names refuses such a schema.yaml now, but a state recorded before holds it: the drop finds the key
by what it is (its kind, a foreign key's table, its columns, named the default or the default numbered) and drops
that, never the holder, also where the same migration drops the holder (Change.name_held, from the current table)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.definition_keys import default_name_held
from schemac.model import Exclusion, ForeignKey, PrimaryKey, Table, Unique
from schemac.pg.names import default_constraint_name, qualified, regclass_literal
from schemac.plan.sql_strings import do_block, literal

_CONTYPES = ((PrimaryKey, "p"), (Unique, "u"), (ForeignKey, "f"), (Exclusion, "x"))


def held_key_drop(t: Table, key: object, held: bool = False) -> Optional[exp.Command]:
    """The DO block dropping unnamed `key` of `t` where another constraint or index of `t` (or, `held`, of the
    current table) holds its default name; else None."""
    return held_key_statement(t, key, held, "ALTER TABLE %2$s DROP CONSTRAINT %1$I")


def held_key_comment(t: Table, key: object, held: bool, comment: Optional[str],
                     index: bool = False) -> Optional[exp.Command]:
    """COMMENT ON CONSTRAINT (or, `index`, ON INDEX: the key's own) of such a key (the holder dropped in the same
    migration: schema.yaml leaves the key unnamed only then), by what it is: its default name is no one's then."""
    action = "COMMENT ON INDEX %1$s IS %3$L" if index else "COMMENT ON CONSTRAINT %1$I ON %2$s IS %3$L"
    return held_key_statement(t, key, held, action, "NULL" if comment is None else literal(comment), index)


def held_key_statement(t: Table, key: object, held: bool, action: str, value: str = "NULL",
                       index: bool = False) -> Optional[exp.Command]:
    """The DO block running `action` (a format string: %1$ the key's name, or, `index`, its index's regclass; %2$
    the table; %3$ `value`, SQL) on unnamed `key` of `t`, found by what it is, where another constraint or index of
    `t` (or, `held`, of the current table) holds its default name; else None."""
    if not isinstance(key, (PrimaryKey, Unique, ForeignKey, Exclusion)) or key.name is not None:
        return None
    if not held and not default_name_held(t, key):
        return None
    name = default_constraint_name(t, key)  # type: ignore[arg-type]
    relid = regclass_literal(t.schema, t.name)
    where = [f"conrelid = {relid}", f"contype = '{next(c for cls, c in _CONTYPES if isinstance(key, cls))}'",
             f"pg_catalog.left(conname, {len(name)}) = {literal(name)}",
             f"pg_catalog.substr(conname, {len(name) + 1}) ~ '^[0-9]*$'"]
    if isinstance(key, ForeignKey):
        where.append(f"confrelid = {regclass_literal(key.ref_schema, key.ref_table)}")
    if isinstance(key, (ForeignKey, Unique)):  # (an EXCLUDE's elements may be expressions; one primary key a table)
        columns = ", ".join(literal(c) for c in key.columns)
        where.append(f"conkey = ARRAY(SELECT a.attnum FROM pg_catalog.unnest(ARRAY[{columns}]::text[]) WITH "
                     f"ORDINALITY AS k(col, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = {relid} AND "
                     "a.attname = k.col ORDER BY k.ord)")
    pick = "conindid::pg_catalog.regclass::text" if index else "conname"
    found = f"SELECT {pick} INTO found FROM pg_catalog.pg_constraint WHERE {' AND '.join(where)} ORDER BY conname LIMIT 1"
    run = f"EXECUTE pg_catalog.format({literal(action)}, found, {literal(qualified(t.schema, t.name))}, {value})"
    return do_block(f"DECLARE found text; BEGIN {found}; IF found IS NOT NULL THEN {run}; END IF; END")
