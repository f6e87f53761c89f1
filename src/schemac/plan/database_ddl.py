"""Statements for the database's own settings: ALTER DATABASE ... SET name = value, or RESET name; and for its own
access list: GRANT / REVOKE ... ON DATABASE. A migration cannot
name its database (the same file runs on every database it is applied to: sqlx runs it over the connection it was
given), so a DO block names current_database(). Setting one takes the database's owner (or a superuser). It changes
what the next sessions start with, not the migration's own (which pins its search_path: plan.preamble)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import PUBLIC, DatabaseGrant, DatabaseSetting
from schemac.pg.names import quote_ident
from schemac.plan.ddl import do_block, literal
from schemac.plan.routine_ddl import setting_value


def alter_current_database(clause: str) -> exp.Command:
    """ALTER DATABASE <this one> `clause`: the clause a literal that format's %s takes as it is (a `%` in a value is
    no placeholder there)."""
    return do_block(f"BEGIN EXECUTE format('ALTER DATABASE %I %s', current_database(), {literal(clause)}); END")


def on_current_database(verb: str, privileges: tuple[str, ...], preposition: str, grantee: str) -> exp.Command:
    """`verb privileges ON DATABASE <this one> preposition grantee` (GRANT ... TO, REVOKE ... FROM)."""
    role = "PUBLIC" if grantee == PUBLIC else quote_ident(grantee)
    return do_block(f"BEGIN EXECUTE format('{verb} %s ON DATABASE %I {preposition} %s', "
                    f"{literal(', '.join(privileges))}, current_database(), {literal(role)}); END")


def _grant_statements(old: Optional[DatabaseGrant], new: Optional[DatabaseGrant]) -> list[exp.Expression]:
    """What one grantee loses (REVOKE) and gains (GRANT) on the database."""
    had, has = old.privileges if old else (), new.privileges if new else ()
    name = (new or old).name  # type: ignore[union-attr]
    lost, gained = tuple(p for p in had if p not in has), tuple(p for p in has if p not in had)
    return ([on_current_database("REVOKE", lost, "FROM", name)] if lost else []) + \
        ([on_current_database("GRANT", gained, "TO", name)] if gained else [])


def database_setting_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a database setting's or grant's change, else None."""
    if change.kind == "set_database_grant":
        return _grant_statements(change.old, change.new)  # type: ignore[arg-type]
    if change.kind == "set_database_comment":  # COMMENT ... IS NULL where it is to have none
        text = "%L" if change.new else "NULL"
        return [do_block(f"BEGIN EXECUTE format('COMMENT ON DATABASE %I IS {text}', current_database()"
                         + (f", {literal(change.new)}" if change.new else "") + "); END")]
    if change.kind != "set_database_setting":
        return None
    old, new = change.old, change.new
    if new is None:
        return [alter_current_database(f"RESET {quote_ident(old.name)}")]  # type: ignore[union-attr]
    assert isinstance(new, DatabaseSetting)  # (a name without a dot: schemafile.database_settings)
    return [alter_current_database(f"SET {quote_ident(new.name)} = {setting_value(new.name, new.value)}")]
