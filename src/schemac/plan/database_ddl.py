"""Statements for the database's own settings: ALTER DATABASE ... SET name = value, or RESET name. A migration cannot
name its database (the same file runs on every database it is applied to: sqlx runs it over the connection it was
given), so a DO block names current_database(). Setting one takes the database's owner (or a superuser). It changes
what the next sessions start with, not the migration's own (which pins its search_path: plan.preamble)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import DatabaseSetting
from schemac.pg.names import quote_ident
from schemac.plan.ddl import do_block, literal
from schemac.plan.routine_ddl import setting_value


def alter_current_database(clause: str) -> exp.Command:
    """ALTER DATABASE <this one> `clause`: the clause a literal that format's %s takes as it is (a `%` in a value is
    no placeholder there)."""
    return do_block(f"BEGIN EXECUTE format('ALTER DATABASE %I %s', current_database(), {literal(clause)}); END")


def database_setting_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a database setting's change, else None."""
    if change.kind != "set_database_setting":
        return None
    old, new = change.old, change.new
    if new is None:
        return [alter_current_database(f"RESET {quote_ident(old.name)}")]  # type: ignore[union-attr]
    assert isinstance(new, DatabaseSetting)  # (a name without a dot: schemafile.database_settings)
    return [alter_current_database(f"SET {quote_ident(new.name)} = {setting_value(new.name, new.value)}")]
