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
    return held_key_statement(t, key, held, "DROP CONSTRAINT %I")


def held_key_comment(t: Table, key: object, held: bool, comment: Optional[str]) -> Optional[exp.Command]:
    """COMMENT ON CONSTRAINT of such a key (the holder dropped in the same migration: schema.yaml leaves the key
    unnamed only then), by what it is: its default name is the holder's, or no one's once the holder is dropped."""
    value = "NULL" if comment is None else literal(comment)
    return held_key_statement(t, key, held, "COMMENT ON CONSTRAINT %I ON %s IS %L", value)


def held_key_validate(t: Table, key: object, held: bool) -> Optional[exp.Command]:
    """VALIDATE CONSTRAINT of such a key (a foreign key schema.yaml no longer says not_valid), by what it is."""
    return held_key_statement(t, key, held, "VALIDATE CONSTRAINT %I")


def held_key_statement(t: Table, key: object, held: bool, action: str, value: str = "") -> Optional[exp.Command]:
    """The DO block running ALTER TABLE `t` `action` (a format string: %I the key's name) on unnamed `key`, found by
    what it is, where its default name is held (as held_key_drop); a COMMENT's `action` (%I, %s the table, %L
    `value`) stands alone. None where the name is not held."""
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
    found = f"SELECT conname INTO found FROM pg_catalog.pg_constraint WHERE {' AND '.join(where)} ORDER BY conname LIMIT 1"
    on = literal(qualified(t.schema, t.name))
    run = f"EXECUTE pg_catalog.format({literal(action)}, found, {on}, {value})" if action.startswith("COMMENT") else \
        f"EXECUTE pg_catalog.format({literal('ALTER TABLE %s ' + action)}, {on}, found)"
    return do_block(f"DECLARE found name; BEGIN {found}; IF found IS NOT NULL THEN {run}; END IF; END")
