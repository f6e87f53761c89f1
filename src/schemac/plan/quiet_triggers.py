"""The migration's own UPDATEs run without the table's user triggers: a schema change's backfill (NULLs given the
default before SET NOT NULL, a VIRTUAL column's values copied to a plain one) is no application write, and should
neither bump a `touched := now()` column in every row nor write audit rows.

Each trigger of the table firing on UPDATE is disabled by name before the UPDATE and given the desired model's mode
after it (ENABLE, ENABLE REPLICA, ENABLE ALWAYS; DISABLE for one it disables), in the migration's transaction; never
DISABLE TRIGGER ALL, which takes the foreign keys' internal triggers too and needs a superuser. Where a trigger the
migration makes, alters, re-enables or drops falls around the UPDATE is the graph's order, not known here: each is
disabled only where it is there and enabled (pg_trigger) when the UPDATE runs, and set after only where it is there.
"""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Table
from schemac.pg.names import qualified, quote_ident
from schemac.plan.routine_ddl import ENABLE_WORDS
from schemac.plan.sql_strings import do_block, literal


def untriggered(t: Table, statements: list[exp.Expression]) -> list[exp.Expression]:
    """`statements` (UPDATEs of `t`) between the DO blocks that disable `t`'s triggers firing on UPDATE and set each
    one's mode again; `statements` alone where it has none."""
    fired = [g for g in t.triggers if "update" in g.events]
    if not statements or not fired:
        return statements
    table = qualified(t.schema, t.name)

    def there(name: str, enabled: bool) -> str:
        return (f"IF EXISTS (SELECT FROM pg_catalog.pg_trigger WHERE tgrelid = {literal(table)}::regclass "
                f"AND tgname = {literal(name)}{' AND tgenabled <> ' + literal('D') if enabled else ''}) THEN ")

    off = " ".join(f"{there(g.name, True)}ALTER TABLE {table} DISABLE TRIGGER {quote_ident(g.name)}; END IF;"
                   for g in fired)
    back = " ".join(f"{there(g.name, False)}ALTER TABLE {table} {ENABLE_WORDS[g.enabled]} TRIGGER {quote_ident(g.name)}; "
                    "END IF;" for g in fired)
    return [do_block(f"BEGIN {off} END"), *statements, do_block(f"BEGIN {back} END")]
