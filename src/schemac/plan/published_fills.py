"""The migration's own UPDATEs of a table a publication publishes UPDATEs of: Postgres refuses any UPDATE of such a
table without a replica identity ('cannot update table "p" because it does not have a replica identity and publishes
updates'), or whose publication's row filter (15+) names a column outside it, or whose column list leaves out a
column of it ('cannot update table "p"'): the application cannot update it, and neither could a backfill (NULLs given
the default before SET NOT NULL, a VIRTUAL column's values copied, an identity numbering rows in steps).

compare.published_backfills marks the changes whose table the schema's publications publish (the current one's or
the desired one's: FOR ALL TABLES, TABLES IN SCHEMA, or the table, one above or under it); for those, a DO block before
the UPDATEs makes each publication of the role's publishing UPDATEs of a table of the tree (the table and those under
it in pg_inherits, and the tables it is a partition of) publish none (ALTER PUBLICATION ... SET (publish = ...)
without update: Postgres then checks no replica identity, row filter nor column list for UPDATEs), and gives the
role's tables of the tree that have no replica identity REPLICA IDENTITY FULL (for a publication the role cannot
alter: FOR ALL TABLES, a superuser's); a DO block after gives each its own again, as read when the first ran
(whatever the graph's order of the migration's own publication or REPLICA IDENTITY changes: one made before or after
is kept). Not REPLICA IDENTITY FULL alone: a column list is not valid under it (it covers columns the list leaves
out), nor on 18 a table with a generated column the publication does not publish ('Replica identity must not contain
unpublished generated columns'). So the backfill's rows do not go out to subscribers, whose schema is migrated on
its own (DDL is not replicated), with its own backfill: a schema change's backfill is no application write. The same
blocks, for INSERTs and DELETEs, go around plan.default_rows_ddl's moves of rows out of a DEFAULT partition (`unpublished`)."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Table
from schemac.pg.names import qualified
from schemac.plan.sql_strings import TREE, do_block, given_back, literal

KEPT = "schemac.published_fills"  # (the setting holding the statements giving identities and publications back)

_FLAGS = ("insert", "update", "delete", "truncate")  # (pg_publication's pubinsert..., in `publish`'s order)


def _publish(kept: tuple[str, ...]) -> str:
    """The SQL of a `publish` list of `p`'s actions among `kept`."""
    return "pg_catalog.concat_ws(', ', " + ", ".join(f"CASE WHEN p.pub{a} THEN '{a}' END" for a in kept) + ")"


# The role's publications publishing {actions} of a table of the tree: FOR ALL TABLES, its schema's or a member of it
# or of a table it is a partition of (a partition goes out as its own or its root's).
_PUBLISHING = (TREE + ", rels(rel) AS (SELECT tree.rel FROM tree UNION SELECT a::pg_catalog.oid FROM tree, "
               "pg_catalog.pg_partition_ancestors(tree.rel::pg_catalog.regclass) a) SELECT p.pubname, {off} AS off, "
               + _publish(_FLAGS) + " AS back FROM pg_catalog.pg_publication p WHERE ({publishing}) "
               "AND pg_catalog.pg_has_role(p.pubowner, 'USAGE') "
               "AND (p.puballtables OR EXISTS (SELECT FROM pg_catalog.pg_publication_rel pr JOIN rels ON "
               "rels.rel = pr.prrelid WHERE pr.prpubid = p.oid) OR EXISTS (SELECT FROM pg_catalog.pg_publication_namespace "
               "pn JOIN pg_catalog.pg_class c ON c.relnamespace = pn.pnnspid JOIN rels ON rels.rel = c.oid "
               "WHERE pn.pnpubid = p.oid)) ORDER BY 1")
# The role's tables of the tree without a replica identity (NOTHING, or DEFAULT without a primary key): FULL serves
# another role's publication (FOR ALL TABLES, a superuser's) the first block cannot stop.
_UNIDENTIFIED = (TREE + "SELECT DISTINCT c.oid::pg_catalog.regclass AS rel, CASE c.relreplident WHEN 'd' THEN "
                 "'DEFAULT' ELSE 'NOTHING' END AS was FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.rel "
                 "WHERE c.relkind = 'r' AND (c.relreplident = 'n' OR c.relreplident = 'd' AND NOT EXISTS (SELECT FROM "
                 "pg_catalog.pg_index x WHERE x.indrelid = c.oid AND x.indisprimary)) "
                 "AND pg_catalog.pg_has_role(c.relowner, 'USAGE') ORDER BY 1")


def published(t: Table, statements: list[exp.Expression], publishes: bool) -> list[exp.Expression]:
    """`statements` (UPDATEs of `t`, their checks run after them: plan.deferred_checks) between unpublished's DO blocks
    for UPDATEs; `statements` alone where no publication of the schema publishes `t` (`publishes`,
    compare.published_backfills)."""
    if not statements or not publishes:
        return statements
    return unpublished(qualified(t.schema, t.name), statements, ("update",))


def unpublished(table: str, statements: list[exp.Expression], actions: tuple[str, ...]) -> list[exp.Expression]:
    """`statements` between the DO blocks making the role's publications of `table`'s tree (qualified) publish none of
    `actions` (its tables without an identity FULL), and each as it was again: plan.default_rows_ddl's moves of rows
    out of a default partition and back through the parent (a DELETE, which Postgres refuses as an UPDATE, and an
    INSERT: neither sent, as a subscriber given the one without the other would hold the rows twice or not at all)."""
    off = _publish(tuple(a for a in _FLAGS if a not in actions))
    publishing = _PUBLISHING.format(table=literal(table), off=off, publishing=" OR ".join(f"p.pub{a}" for a in actions))
    off = (f"DECLARE r record; back text[] := '{{}}'; BEGIN FOR r IN {publishing} LOOP "
           "EXECUTE pg_catalog.format('ALTER PUBLICATION %I SET (publish = %L)', r.pubname, r.off); "
           "back := back || pg_catalog.format('ALTER PUBLICATION %I SET (publish = %L)', r.pubname, r.back); END LOOP; "
           f"FOR r IN {_UNIDENTIFIED.format(table=literal(table))} LOOP "
           "EXECUTE pg_catalog.format('ALTER TABLE %s REPLICA IDENTITY FULL', r.rel); "
           "back := back || pg_catalog.format('ALTER TABLE %s REPLICA IDENTITY %s', r.rel, r.was); END LOOP; "
           f"PERFORM pg_catalog.set_config({literal(KEPT)}, back::text, false); END")
    return [do_block(off), *statements, given_back(KEPT)]
