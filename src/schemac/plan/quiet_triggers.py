"""The migration's own UPDATEs run without user triggers, nor rules (which would rewrite them): a schema change's
backfill (NULLs given the default before SET NOT NULL, a VIRTUAL column's values copied to a plain one, an identity
numbering rows in steps) is no application write, and should neither bump a `touched := now()` column in every row
nor write audit rows (nor be made NOTHING by an append-only table's DO INSTEAD NOTHING rule).

An UPDATE of a partitioned or INHERITS parent updates its partitions' and children's rows, firing their row triggers:
their own, and the clones of the parent's, each in its own state (a partition's clone may be disabled, or ENABLE
ALWAYS, where its parent's is not). So the DO block before the UPDATE reads the triggers firing on UPDATE there as it
runs (pg_trigger, on the table and every table under it in pg_inherits; user triggers only: never DISABLE TRIGGER
ALL, which takes the foreign keys' internal triggers too and needs a superuser), disables each enabled one by name,
and keeps for the block after it the statements giving each its state again, top down (ENABLE on a parent's trigger
sets its clones too, a disabled one among them: a clone's own state is set after it). Read as it runs, whatever the
graph's order of the migration's own trigger changes around the UPDATE: a trigger dropped or replaced after it is
quiet too, one made after it is not there yet. The statements are kept in a setting of the session (a DO block has
no variable another can read), emptied by the second block; an error rolls both back with the transaction.
Only the tables the role running the migration owns (or whose owner's privileges it has, or whose owner it may SET
ROLE to: plan.lent_roles) are touched: ALTER TABLE ... DISABLE TRIGGER is the owner's, and a child of a schema not read
(used_outside) may be another role's, whose triggers fire as before rather than fail the migration.
"""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Table
from schemac.pg.names import qualified
from schemac.plan.deferred_checks import checked_now
from schemac.plan.lent_roles import AS_OWNER, AS_WAS, WAS, kept_back, may_alter, owner_columns
from schemac.plan.published_fills import published
from schemac.plan.sql_strings import TREE, do_block, given_back, literal, seeded
from schemac.plan.unforced_rls import unforced

KEPT = "schemac.quieted_triggers"  # (the setting holding the statements that give them their states again)
_UPDATE = 16  # pg_trigger.tgtype's TRIGGER_TYPE_UPDATE bit
INSERT_OR_DELETE = 4 | 8  # ... its TRIGGER_TYPE_INSERT and TRIGGER_TYPE_DELETE bits: rows moved between partitions

# The user triggers and rewrite rules firing on `events` there: a rule rewrites the migration's own statement as it
# would an application's (DO INSTEAD NOTHING leaves the NULLs SET NOT NULL then refuses; DO ALSO writes audit rows),
# and ALTER TABLE ... DISABLE RULE quiets it as DISABLE TRIGGER does a trigger (ev_type: 2 UPDATE, 3 INSERT, 4 DELETE).
_QUIETED = (TREE + "SELECT DISTINCT q.rel, q.name, q.enabled, q.kind, q.depth, " + owner_columns("q.relowner")
            + " FROM ("
            "SELECT g.tgrelid::pg_catalog.regclass AS rel, g.tgname AS name, g.tgenabled AS enabled, "
            "'TRIGGER'::text AS kind, tree.depth, c.relowner FROM tree "
            "JOIN pg_catalog.pg_trigger g ON g.tgrelid = tree.rel JOIN pg_catalog.pg_class c ON c.oid = tree.rel "
            "WHERE NOT g.tgisinternal AND g.tgtype & {events} <> 0 UNION ALL "
            "SELECT w.ev_class::pg_catalog.regclass, w.rulename, w.ev_enabled, 'RULE'::text, tree.depth, c.relowner "
            "FROM tree JOIN pg_catalog.pg_rewrite w ON w.ev_class = tree.rel "
            "JOIN pg_catalog.pg_class c ON c.oid = tree.rel "
            "WHERE (CASE w.ev_type WHEN '2' THEN 16 WHEN '3' THEN 4 WHEN '4' THEN 8 ELSE 0 END) & {events} <> 0) q "
            "WHERE " + may_alter("q.relowner") + " ORDER BY q.depth, q.kind, q.name")
_STATE = ("CASE r.enabled WHEN 'A' THEN 'ENABLE ALWAYS' WHEN 'R' THEN 'ENABLE REPLICA' WHEN 'D' THEN 'DISABLE' "
          "ELSE 'ENABLE' END")


def untriggered(t: Table, statements: list[exp.Expression], over_children: bool = False,
                publishes: bool = False) -> list[exp.Expression]:
    """`statements` (UPDATEs of `t`) between the DO blocks that disable the triggers and rules firing on UPDATE of `t`
    and of the tables under it (`over_children`: tables inherit it; partitions are known by `t`) and give each its state
    again; `statements` alone where none can fire: `t` has none firing on UPDATE and no table is under or over it.
    Where `t` has row-level security, its FORCE is lifted around them too (plan.unforced_rls); where a publication
    publishes it (`publishes`), that publishes no UPDATEs around them (plan.published_fills)."""
    # (the checks first: the blocks after them ALTER the table)
    statements = unforced(t, published(t, checked_now(t, statements), publishes))
    if not statements or not (over_children or t.partition_by or t.partition_of
                              or any("update" in g.events for g in t.triggers)
                              or any(r.event == "update" for r in t.rules)):
        return statements
    return quieted(qualified(t.schema, t.name), statements)


def quieted(table: str, statements: list[exp.Expression], events: int = _UPDATE,
            also: tuple[str, ...] = ()) -> list[exp.Expression]:
    """`statements` between the DO blocks quieting the triggers and rules firing on `events` (tgtype bits) of `table`
    (qualified) and of the tables under it, as they are when the first runs: the migration's own moves of rows
    (plan.default_rows_ddl moves rows out of a default partition and back through the parent) are no application write
    either; `also` the tables they DELETE from that are in no tree of `table` (a partition detached to be attached
    again under another bound: its own triggers fire on its DELETE)."""
    table = seeded(table, also)
    off = (f"DECLARE r record; back text[] := '{{}}'; {WAS}BEGIN "
           f"FOR r IN {_QUIETED.format(table=table, events=events)} LOOP IF r.enabled <> 'D' THEN {AS_OWNER}"
           f"EXECUTE pg_catalog.format('ALTER TABLE %s DISABLE %s %I', r.rel, r.kind, r.name); {AS_WAS}END IF; "
           + kept_back(f"pg_catalog.format('ALTER TABLE %s %s %s %I', r.rel, {_STATE}, r.kind, r.name)") + "END LOOP; "
           f"PERFORM pg_catalog.set_config({literal(KEPT)}, back::text, false); END")
    return [do_block(off), *statements, given_back(KEPT)]
