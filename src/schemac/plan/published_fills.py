"""The migration's own UPDATEs of a table a publication publishes UPDATEs of: Postgres refuses any UPDATE of such a
table without a replica identity ('cannot update table "p" because it does not have a replica identity and publishes
updates'), or whose publication's row filter (15+) names a column outside it, or whose column list leaves out a
column of it ('cannot update table "p"'): the application cannot update it, and neither could a backfill (NULLs given
the default before SET NOT NULL, a VIRTUAL column's values copied, an identity numbering rows in steps).

compare.published_backfills marks the changes whose table the schema's publications publish (the current one's or
the desired one's: FOR ALL TABLES, TABLES IN SCHEMA, or the table, one above or under it); for those, a DO block before
the UPDATEs makes each publication of the role's publishing UPDATEs of a table of the tree (the table and those under
it in pg_inherits, and the tables it is a partition of) publish none (ALTER PUBLICATION ... SET (publish = ...)
without update: Postgres then checks no replica identity, row filter nor column list for UPDATEs); the role's: those
of a role whose privileges it has, or that it may SET ROLE to (plan.lent_roles: a member NOINHERIT, or 16+'s WITH
INHERIT FALSE: altered after setting that role, the role set again after, in the block giving them back too). A
publication the role cannot alter (another role's, FOR ALL TABLES a superuser's) still checks them: each of the role's
tables of the tree (alike: probed and altered as its owner where the role may only SET ROLE to it) that Postgres would still refuse them on (its own check, run by EXPLAIN UPDATE ... WHERE false: no row read, no
statement trigger fired) is given the first replica identity under which it takes them: FULL (every column in it, a
row filter's too), else USING INDEX of one of its unique indexes (a column list covering that index where FULL is not
valid under it; on 18 FULL beside a generated column the publication does not publish, 'Replica identity must not
contain unpublished generated columns'). Where none serves, the block refuses, naming the table, the publications and
their owners (nothing half done: the transaction rolls back). A DO block after gives each its own again, as read when
the first ran (whatever the graph's order of the migration's own publication or REPLICA IDENTITY changes: one made
before or after is kept). So the backfill's rows do not go out to subscribers of the role's publications, whose schema
is migrated on its own (DDL is not replicated), with its own backfill: a schema change's backfill is no application
write. The same blocks, for INSERTs and DELETEs, go around plan.default_rows_ddl's moves of rows out of a DEFAULT
partition, or out of a partition detached to be attached again under another bound (`unpublished`)."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Table
from schemac.pg.names import qualified
from schemac.plan.lent_roles import AS_OWNER, AS_WAS, WAS, kept_back, may_alter, owner_columns
from schemac.plan.sql_strings import TREE, do_block, given_back, literal, seeded

KEPT = "schemac.published_fills"  # (the setting holding the statements giving identities and publications back)

_FLAGS = ("insert", "update", "delete", "truncate")  # (pg_publication's pubinsert..., in `publish`'s order)


def _publish(kept: tuple[str, ...]) -> str:
    """The SQL of a `publish` list of `p`'s actions among `kept`."""
    return "pg_catalog.concat_ws(', ', " + ", ".join(f"CASE WHEN p.pub{a} THEN '{a}' END" for a in kept) + ")"


# The role's publications publishing {actions} of a table of the tree: FOR ALL TABLES, its schema's or a member of it
# or of a table it is a partition of (a partition goes out as its own or its root's). The role's: those whose owner's
# privileges it has (USAGE), or whose owner it may SET ROLE to (a member without them: NOINHERIT, or 16+'s grant WITH
# INHERIT FALSE; `lent`: altered as that role, `role` the setting's value naming it).
_PUBLISHING = (TREE + ", rels(rel) AS (SELECT tree.rel FROM tree UNION SELECT a::pg_catalog.oid FROM tree, "
               "pg_catalog.pg_partition_ancestors(tree.rel::pg_catalog.regclass) a) SELECT p.pubname, {off} AS off, "
               "p.pubowner::pg_catalog.regrole::text AS owner, " + owner_columns("p.pubowner") + ", "
               + _publish(_FLAGS) + " AS back FROM pg_catalog.pg_publication p WHERE ({publishing}) "
               "AND {mine}" + may_alter("p.pubowner") + " "
               "AND (p.puballtables OR EXISTS (SELECT FROM pg_catalog.pg_publication_rel pr JOIN rels ON "
               "rels.rel = pr.prrelid WHERE pr.prpubid = p.oid) OR EXISTS (SELECT FROM pg_catalog.pg_publication_namespace "
               "pn JOIN pg_catalog.pg_class c ON c.relnamespace = pn.pnnspid JOIN rels ON rels.rel = c.oid "
               "WHERE pn.pnpubid = p.oid)) ORDER BY 1")
# The role's tables of the tree (an UPDATE or DELETE of each is checked against its publications): its identity as it
# is (to give back), and a column the probe's UPDATE sets to itself (DEFAULT: a GENERATED ALWAYS identity), whose
# value's expression (a DEFAULT's function the role may not run) it then never plans.
_TABLES = (TREE + "SELECT DISTINCT c.oid::pg_catalog.regclass AS rel, CASE c.relreplident WHEN 'd' THEN 'DEFAULT' "
           "WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING' ELSE COALESCE((SELECT pg_catalog.format("
           "'USING INDEX %I', i.relname) FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
           "WHERE x.indrelid = c.oid AND x.indisreplident), 'DEFAULT') END AS was, col.attname AS col, CASE "
           "col.attidentity WHEN 'a' THEN 'DEFAULT' ELSE pg_catalog.quote_ident(col.attname) END AS val, "
           + owner_columns("c.relowner") + " "
           "FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.rel LEFT JOIN LATERAL (SELECT a.attname, "
           "a.attidentity FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
           "AND NOT a.attisdropped "
           "AND a.attgenerated = '' ORDER BY a.attidentity = 'a', a.attnum LIMIT 1) col ON true "
           "WHERE c.relkind = 'r' AND " + may_alter("c.relowner") + " ORDER BY 1")
# FULL (every column in it: any row filter's), then each unique index that may be one (a column list covering it).
_IDENTITIES = ("SELECT 'FULL' AS how, 0 AS o UNION ALL SELECT pg_catalog.format('USING INDEX %I', i.relname), 1 "
               "FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
               "WHERE x.indrelid = r.rel::pg_catalog.oid AND x.indisunique AND x.indimmediate AND x.indisvalid "
               "AND x.indpred IS NULL AND x.indexprs IS NULL ORDER BY 2, 1")
# Postgres's own check of an UPDATE or DELETE of r.rel (CheckCmdReplicaIdentity, at the executor's start, which EXPLAIN
# runs): it reads no row and fires no statement trigger.
_PROBES = {"update": "EXECUTE pg_catalog.format('EXPLAIN UPDATE ONLY %s SET %I = %s WHERE false', r.rel, r.col, r.val);",
           "delete": "EXECUTE pg_catalog.format('EXPLAIN DELETE FROM ONLY %s WHERE false', r.rel);"}
# The publications of the tree the role cannot alter (another role's, FOR ALL TABLES a superuser's), named in the error.
_OTHERS = "SELECT pg_catalog.string_agg(pg_catalog.format('%I (owner %I)', o.pubname, o.owner), ', ') FROM ({mine}) o"


def published(t: Table, statements: list[exp.Expression], publishes: bool) -> list[exp.Expression]:
    """`statements` (UPDATEs of `t`, their checks run after them: plan.deferred_checks) between unpublished's DO blocks
    for UPDATEs; `statements` alone where no publication of the schema publishes `t` (`publishes`,
    compare.published_backfills)."""
    if not statements or not publishes:
        return statements
    return unpublished(qualified(t.schema, t.name), statements, ("update",))


def unpublished(table: str, statements: list[exp.Expression], actions: tuple[str, ...],
                also: tuple[str, ...] = ()) -> list[exp.Expression]:
    """`statements` between the DO blocks making the role's publications of `table`'s tree (qualified) publish none of
    `actions` (its tables another role's would still refuse them on given a replica identity that serves), and each
    as it was again: plan.default_rows_ddl's moves of rows out of a default partition and back through the parent (a
    DELETE, which Postgres refuses as an UPDATE, and an INSERT: neither sent, as a subscriber given the one without
    the other would hold the rows twice or not at all), `also` the trees of other tables they DELETE from (a
    partition detached to be attached again under another bound is in no parent's tree: under FOR ALL TABLES or
    TABLES IN SCHEMA it is published on its own)."""
    off = _publish(tuple(a for a in _FLAGS if a not in actions))
    seeds = seeded(table, also)
    query = dict(table=seeds, off=off, publishing=" OR ".join(f"p.pub{a}" for a in actions))
    probe = " ".join(_PROBES[a] for a in _FLAGS if a in _PROBES and a in actions)
    off = (f"DECLARE r record; way record; back text[] := '{{}}'; served boolean; refused text; detail text; "
           f"owners text; {WAS}BEGIN FOR r IN {_PUBLISHING.format(**query, mine='')} LOOP {AS_OWNER}"
           f"EXECUTE pg_catalog.format('ALTER PUBLICATION %I SET (publish = %L)', r.pubname, r.off); {AS_WAS}"
           + kept_back("pg_catalog.format('ALTER PUBLICATION %I SET (publish = %L)', r.pubname, r.back)") + "END LOOP; "
           # (each table Postgres would refuse the statements on given the first identity it takes them under)
           # (its refusals alone: 'does not have a replica identity', 'cannot update table': another error is the
           # statements' own to raise, or not)
           # (a lent table probed and given an identity as its owner: the role alone may not read it)
           f"FOR r IN {_TABLES.format(table=seeds)} LOOP {AS_OWNER}refused := NULL; served := false; BEGIN {probe} "
           "EXCEPTION WHEN object_not_in_prerequisite_state OR invalid_column_reference THEN GET STACKED DIAGNOSTICS "
           "refused = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL; WHEN OTHERS THEN NULL; END; "
           f"IF refused IS NOT NULL THEN FOR way IN {_IDENTITIES} LOOP BEGIN "
           f"EXECUTE pg_catalog.format('ALTER TABLE %s REPLICA IDENTITY %s', r.rel, way.how); {probe} "
           "served := true; EXIT; "
           f"EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END IF; {AS_WAS}"
           "CONTINUE WHEN refused IS NULL; "
           f"IF NOT served THEN {_OTHERS.format(mine=_PUBLISHING.format(**query, mine='NOT '))} INTO owners; "
           "RAISE EXCEPTION '%: no replica identity of % serves publication %, which the migration''s role cannot "
           "alter', refused || COALESCE(' (' || detail || ')', ''), r.rel, owners USING HINT = 'Apply the "
           "migration as a superuser or a member of the publication''s owner, or give the table a replica identity "
           "the publication accepts.'; END IF; "
           + kept_back("pg_catalog.format('ALTER TABLE %s REPLICA IDENTITY %s', r.rel, r.was)") + "END LOOP; "
           f"PERFORM pg_catalog.set_config({literal(KEPT)}, back::text, false); END")
    return [do_block(off), *statements, given_back(KEPT)]
