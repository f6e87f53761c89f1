"""The migration's own UPDATEs checked where they run: an UPDATE of a table with a DEFERRABLE INITIALLY DEFERRED
foreign key (Django's every one), UNIQUE, PRIMARY KEY or EXCLUDE queues that constraint's check to the end of the
transaction, and the next ALTER TABLE of the table (the SET NOT NULL the backfill is for, a trigger given its state
again) is refused: 'cannot ALTER TABLE "t" because it has pending trigger events' (Django's own backfill ends in
SET CONSTRAINTS ALL IMMEDIATE for this). A DO block after the UPDATEs sets each constraint deferred there as it runs
(pg_constraint.condeferred, on the table and every table under it in pg_inherits: a partition's FK is a clone)
IMMEDIATE, which runs its queued checks now, then DEFERRED again, as it was, for the rest of the transaction.

SET CONSTRAINTS names every constraint of that name in the schema: a DEFERRABLE INITIALLY IMMEDIATE one of another
table under the same name (`fk` on two tables) was left DEFERRED, and that table's own backfill UPDATE then queued
its check before its SET NOT NULL ('pending trigger events' on the other table). One mode serves them all: a name
such a constraint shares stays IMMEDIATE (the stricter: the migration's statements checked where they end, as that
constraint's own are anyway; nothing queued for a later ALTER TABLE)."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Table
from schemac.pg.names import qualified
from schemac.plan.sql_strings import TREE, do_block, literal

# (`shared`: another constraint of the schema, DEFERRABLE INITIALLY IMMEDIATE, has the name)
_DEFERRED = (TREE + "SELECT DISTINCT n.nspname, c.conname, EXISTS (SELECT FROM pg_catalog.pg_constraint o "
             "WHERE o.connamespace = c.connamespace AND o.conname = c.conname AND o.condeferrable "
             "AND NOT o.condeferred) AS shared FROM tree "
             "JOIN pg_catalog.pg_constraint c ON c.conrelid = tree.rel "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace WHERE c.condeferred ORDER BY 1, 2")


def checked_now(t: Table, statements: list[exp.Expression]) -> list[exp.Expression]:
    """`statements` (UPDATEs of `t`) and the DO block running the checks they queued; `statements` alone where `t`
    declares no constraint INITIALLY DEFERRED (no check waits)."""
    if not statements or not any(c.initially_deferred for c in t.constraints(checks=False)):
        return statements
    each = ("EXECUTE pg_catalog.format('SET CONSTRAINTS %I.%I IMMEDIATE', r.nspname, r.conname); "
            "IF NOT r.shared THEN EXECUTE pg_catalog.format('SET CONSTRAINTS %I.%I DEFERRED', r.nspname, r.conname); "
            "END IF;")
    deferred = _DEFERRED.format(table=literal(qualified(t.schema, t.name)))
    return [*statements, do_block(f"DECLARE r record; BEGIN FOR r IN {deferred} LOOP {each} END LOOP; END")]
