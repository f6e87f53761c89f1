"""The migration's own UPDATEs see every row: on a table whose row-level security is forced (FORCE ROW LEVEL
SECURITY), its owner's queries are filtered by its policies too, so a backfill run by a non-superuser owner (NULLs
given the default before SET NOT NULL, a VIRTUAL column's values copied, an identity numbering rows) would skip the
rows the policies hide and the ALTER after it fail on them ('column contains null values'; probe37b), and so would a
move of rows out of a DEFAULT partition (its DELETE left them there: 'updated partition constraint for default
partition ... would be violated by some row') and back through the parent (its INSERT refused by WITH CHECK). The owner may
lift FORCE and set it again, in the migration's transaction: a DO block before the statements does so where the
table is forced as it runs (read from pg_class then, whatever the graph's order of the migration's own FORCE / NO
FORCE), and one after them forces it again. A superuser or BYPASSRLS role sees every row either way."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Table
from schemac.pg.names import qualified
from schemac.plan.sql_strings import do_block, literal

KEPT = "schemac.unforced_rls"  # (the setting naming the table unforced, for the block after the statements)

_FORCED = ("SELECT c.oid::pg_catalog.regclass AS rel FROM pg_catalog.pg_class c WHERE c.oid = "
           "{table}::pg_catalog.regclass AND c.relrowsecurity AND c.relforcerowsecurity "
           "AND pg_catalog.pg_has_role(c.relowner, 'USAGE')")


def unforced(t: Table, statements: list[exp.Expression]) -> list[exp.Expression]:
    """`statements` (the migration's own UPDATEs of `t`) between the DO blocks of `unforced_table`; `statements` alone
    where `t` declares no row-level security (none can filter them)."""
    if not statements or not (t.row_level_security or t.force_row_level_security):
        return statements
    return unforced_table(qualified(t.schema, t.name), statements)


def unforced_table(table: str, statements: list[exp.Expression]) -> list[exp.Expression]:
    """`statements` between the DO blocks lifting the FORCE ROW LEVEL SECURITY of `table` (qualified) where it is forced
    as they run, and setting it again: plan.default_rows_ddl's moves of rows out of a default partition and back
    through its parent, whose models it does not hold, take them whatever the tables declare."""
    kept = literal(KEPT)
    off = (f"DECLARE r record; BEGIN PERFORM pg_catalog.set_config({kept}, '', false); "
           f"FOR r IN {_FORCED.format(table=literal(table))} LOOP "
           "EXECUTE pg_catalog.format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', r.rel); "
           f"PERFORM pg_catalog.set_config({kept}, r.rel::text, false); END LOOP; END")
    back = (f"BEGIN IF pg_catalog.current_setting({kept}, true) <> '' THEN "
            f"EXECUTE pg_catalog.format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', pg_catalog.current_setting({kept})); "
            f"PERFORM pg_catalog.set_config({kept}, '', false); END IF; END")
    return [do_block(off), *statements, do_block(back)]


def lift_force(rel: str, flag: str) -> str:
    """PL/pgSQL statements for inside a DO block: the FORCE ROW LEVEL SECURITY of `rel` (a regclass or oid expression
    of the block: a table found as it runs, as plan.held_values' holders are) lifted where it is forced and the role
    owns the table, the boolean variable `flag` saying whether; force_again sets it again after the block's reads."""
    return (f"{flag} := false; IF EXISTS ({_FORCED.format(table=rel)}) THEN EXECUTE pg_catalog.format("
            f"'ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', {rel}::pg_catalog.regclass); {flag} := true; END IF;")


def force_again(rel: str, flag: str) -> str:
    """lift_force's FORCE ROW LEVEL SECURITY of `rel` set again where `flag` says it was lifted."""
    return (f"IF {flag} THEN EXECUTE pg_catalog.format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', "
            f"{rel}::pg_catalog.regclass); END IF;")
