"""An oracle of the tests' own: what a database holds, read with SQL written here over pg_catalog.

schemac's reader, differ and DDL builder could share a blind spot (a NULLS order none of them sees):
tests that only ask schemac's `diff` whether two things agree would then pass. These queries share
no code with schemac. They print each object the way Postgres deparses it (`format_type`,
`pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_expr`, `pg_get_viewdef`, `pg_get_functiondef`,
`pg_get_triggerdef`), so two databases with the same
fingerprint hold the same schema, whatever schemac thinks.

- :func:`fingerprint` — every schema object of the user's schemas, as sorted, comparable rows.
- :func:`values` — a checksum of every row of every table, per column, by schema.table: a migration that
  keeps a column must keep its values, not only the row count.
- :func:`renamed` — a fingerprint read with some names replaced, where Postgres keeps an old one.
- :func:`without_key_names` — a fingerprint blind to the names of keys schema.yaml may leave unnamed.
- :func:`objects` — every object of the database by its identity (pg_identify_object), whatever its kind: a
  sweep that knows no kind, for what the fingerprint's kinds do not read.
- :func:`told_apart` — the kinds in which the fingerprint sees an edit of a schema: what it can tell apart.
- :func:`sibling_database` — a second, empty database on the same server, to build the expected
  schema in from scratch and compare with the one migrations built step by step.
"""

from __future__ import annotations

import contextlib
from typing import Iterator, Optional

import psycopg
from pgharness import create_database, drop_database
from psycopg import conninfo, sql

from schemac.model.credentials import CREDENTIAL_PATTERN

# The user's schemas: not the system's, not temporary, not an extension's own.
_USER_NS = """
    SELECT n.oid FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname NOT LIKE 'pg\\_temp\\_%%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%'
"""
# A wrapper's, server's, foreign table's or column's options but those whose key names a credential, which schemac never
# reads (so a database built from schema.yaml lacks them, by design): an array, empty where none is left.
_KEPT = ("ARRAY(SELECT kv FROM unnest(COALESCE({o}, '{{}}')) kv WHERE NOT lower(split_part(kv, '=', 1)) ~ '"
         + CREDENTIAL_PATTERN + "')")
_NOT_EXTENSION_MEMBER = """
    NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = {catalog}::regclass AND d.objid = {oid}
                AND d.deptype = 'e')
"""
# What pg_depend binds an operator family's member (pg_amop, pg_amproc row) to: `class name` or `family`.
_MEMBER_OF = """
    COALESCE((SELECT string_agg(CASE WHEN d.refclassid = 'pg_opclass'::regclass
                                     THEN 'class ' || (SELECT c.opcname::text FROM pg_opclass c WHERE c.oid = d.refobjid)
                                     ELSE 'family' END, ',')
              FROM pg_depend d WHERE d.classid = {catalog}::regclass AND d.objid = {oid}
                AND d.refclassid IN ('pg_opclass'::regclass, 'pg_opfamily'::regclass)), '')
"""
IGNORED_RELATIONS = ("_sqlx_migrations",)

QUERIES = {
    "schemas": f"""
        SELECT n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n WHERE n.oid IN ({_USER_NS})
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_namespace'", oid="n.oid")}
    """,
    # The composite type of a typed table (CREATE TABLE ... OF type). Storage parameters (reloptions, sorted: ALTER ... SET reorders them) of each relation and of its TOAST
    # table, where one of its live columns can be toasted (a TOAST table left by dropped columns holds
    # nothing, and a table built anew has none).
    "relations": f"""
        SELECT n.nspname, c.relname, c.relkind::text, c.relpersistence::text,
               CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
               pg_get_expr(c.relpartbound, c.oid),
               (SELECT string_agg(pn.nspname || '.' || pc.relname, ', ' ORDER BY i.inhseqno) FROM pg_inherits i
                  JOIN pg_class pc ON pc.oid = i.inhparent
                  JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid),
               obj_description(c.oid, 'pg_class'),
               (SELECT array_agg(o ORDER BY o) FROM unnest(c.reloptions) o),
               (SELECT array_agg(o ORDER BY o) FROM pg_class tc, unnest(tc.reloptions) o WHERE tc.oid = c.reltoastrelid
                  AND EXISTS (SELECT 1 FROM pg_attribute ta WHERE ta.attrelid = c.oid AND ta.attnum > 0
                              AND NOT ta.attisdropped AND ta.attlen = -1 AND ta.attstorage <> 'p')),
               c.relreplident::text,
               CASE WHEN c.reloftype <> 0 THEN c.reloftype::regtype::text END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relkind::text = ANY (%(relkinds)s)
          AND c.relname <> ALL (%(ignored)s)
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_class'", oid="c.oid")}
    """,
    # attoptions without pg_attver=<n>, which Debian's PostgreSQL 15.20 writes into every column itself (no DDL sets it)
    "columns": f"""
        SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
               CASE WHEN a.attcollation <> t.typcollation THEN co.collnamespace::regnamespace::text || '.' || co.collname END,
               col_description(c.oid, a.attnum),
               COALESCE(a.attstattarget, -1), a.attstorage::text, a.attcompression::text,
               (SELECT array_agg(o ORDER BY o) FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\\_attver=%%'),
               a.attislocal, a.attinhcount
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_collation co ON co.oid = a.attcollation
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relkind::text = ANY (%(relkinds)s)
          AND c.relname <> ALL (%(ignored)s) AND a.attnum > 0 AND NOT a.attisdropped
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_class'", oid="c.oid")}
    """,
    # NOT NULL is the column's attnotnull, and on PostgreSQL 18 a contype 'n' row too: not_nulls below.
    # connoinherit of a CHECK only: Postgres sets it on a key by the kind of table the key was made on
    # (a partition detached keeps its copies' false, where a key made on a plain table has true), and
    # never reads it there.
    "constraints": f"""
        SELECT n.nspname, c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid),
               k.condeferrable, k.condeferred, k.convalidated, k.connoinherit AND k.contype = 'c',
               obj_description(k.oid, 'pg_constraint'), k.conislocal, k.coninhcount
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relname <> ALL (%(ignored)s) AND k.contype <> 'n'
          AND k.conparentid = 0
    """,
    # PostgreSQL 18's NOT NULL constraints (none before 18): name, NOT VALID, NO INHERIT, whether it is the
    # table's own or inherited, and its comment. An inherited one's name and conislocal are left out, as columns' attislocal is:
    # Postgres gives the parent's name to a child made INHERITS or PARTITION OF, while one made first and attached
    # later (pg_dump's partitions) keeps its own, and stays local too after ALTER TABLE ... INHERIT, which nothing
    # can undo.
    "not_nulls": f"""
        SELECT n.nspname, c.relname, a.attname, CASE WHEN k.coninhcount = 0 THEN k.conname::text ELSE '<inherited>' END,
               k.convalidated, k.connoinherit, k.coninhcount = 0 AND k.conislocal, obj_description(k.oid, 'pg_constraint')
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relname <> ALL (%(ignored)s) AND k.contype = 'n'
          AND c.relkind::text = ANY (%(relkinds)s)
    """,
    "indexes": f"""
        SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(x.indexrelid), x.indisvalid,
               obj_description(i.oid, 'pg_class'), x.indisreplident, x.indisclustered,
               (SELECT array_agg(COALESCE(a.attstattarget, -1) ORDER BY a.attnum) FROM pg_attribute a
                WHERE a.attrelid = x.indexrelid),
               (SELECT array_agg(oc.opcnamespace::regnamespace::text || '.' || oc.opcname ORDER BY k.ord)  -- indclass,
                FROM unnest(x.indclass::oid[]) WITH ORDINALITY AS k(o, ord)  -- default classes too
                JOIN pg_opclass oc ON oc.oid = k.o),
               (SELECT pi.relname FROM pg_inherits h JOIN pg_class pi ON pi.oid = h.inhparent  -- the parent's index
                WHERE h.inhrelid = x.indexrelid  -- it is attached to (not a key's: some callers leave their names out)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint pk WHERE pk.conindid = h.inhparent))
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE t.relnamespace IN ({_USER_NS}) AND t.relname <> ALL (%(ignored)s)
          AND t.relkind::text = ANY (%(relkinds)s)
    """,
    "types": f"""
        SELECT n.nspname, t.typname, t.typtype::text,
               CASE WHEN t.typtype = 'e' THEN (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
                                              FROM pg_enum e WHERE e.enumtypid = t.oid) END,
               CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
               t.typnotnull, pg_get_expr(t.typdefaultbin, 0), t.typcollation::regcollation::text,
               (SELECT array_agg(k.conname || ' ' || pg_get_constraintdef(k.oid)
                                 || COALESCE(' -- ' || obj_description(k.oid, 'pg_constraint'), '') ORDER BY k.conname)
                FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype IN ('c', 'n')),  -- 'n': 17+'s NOT NULL, named
               obj_description(t.oid, 'pg_type'),
               (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attcollation::regcollation::text
                                 || COALESCE(' -- ' || col_description(t.typrelid, a.attnum), '') ORDER BY a.attnum)
                FROM pg_attribute a WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0
                  AND NOT a.attisdropped),
               (SELECT format_type(r.rngsubtype, NULL) || ' ' || (SELECT o.opcname::text FROM pg_opclass o WHERE o.oid = r.rngsubopc) || ' '
                       || r.rngcollation::regcollation::text || ' ' || r.rngcanonical::text || ' '
                       || r.rngsubdiff::text || ' ' || format_type(r.rngmultitypid, NULL)
                       || COALESCE(' -- ' || obj_description(r.rngmultitypid, 'pg_type'), '')
                FROM pg_range r WHERE r.rngtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typnamespace IN ({_USER_NS})
          AND (t.typtype IN ('e', 'd', 'r')
               OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_type'", oid="t.oid")}
    """,
    "sequences": f"""
        SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
               s.seqmax, s.seqcache, s.seqcycle,
               (SELECT d.deptype::text || ' ' || oc.relname || '.' || a.attname FROM pg_depend d
                  JOIN pg_class oc ON oc.oid = d.refobjid
                  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                  AND d.deptype IN ('a', 'i')),
               obj_description(c.oid, 'pg_class'), c.relpersistence::text  -- CREATE UNLOGGED SEQUENCE (15+)
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relname <> ALL (%(ignored)s)
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_class'", oid="c.oid")}
    """,
    "triggers": f"""
        SELECT n.nspname, c.relname, tg.tgname, pg_get_triggerdef(tg.oid), tg.tgenabled::text,
               obj_description(tg.oid, 'pg_trigger')
        FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace IN ({_USER_NS}) AND NOT tg.tgisinternal
    """,
    # A view's query as Postgres deparses it, its options (security_barrier, check_option, ...) and
    # whether a materialized view holds data.
    "views": f"""
        SELECT n.nspname, c.relname, c.relkind::text, pg_get_viewdef(c.oid, true),
               (SELECT array_agg(o ORDER BY o) FROM unnest(c.reloptions) o), c.relispopulated
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relkind IN ('v', 'm')
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_class'", oid="c.oid")}
    """,
    # The functions a view's (or a rule's) query and a SQL-standard body call, and the operators they apply, as
    # pg_depend records them: Postgres binds each call when the object is made and keeps it, and a deparse of a call of
    # another schema's function prints it qualified whichever overload it calls (`s.nvl(name2, name)`, `OPERATOR(s.??)`),
    # so only this tells a view bound to an older overload from one made calling the newer. A CHECK (a table's, a
    # domain's) and a column's default or generation expression bind their calls alike (compare.expression_binds).
    "calls": f"""
        SELECT * FROM (SELECT CASE WHEN d.classid = 'pg_rewrite'::regclass
                    THEN (SELECT n.nspname || '.' || c.relname || ' ' || r.rulename FROM pg_rewrite r
                          JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE r.oid = d.objid AND c.relnamespace IN ({_USER_NS}))
                    WHEN d.classid = 'pg_constraint'::regclass
                    THEN (SELECT 'constraint ' || n.nspname || '.' || COALESCE(c.relname, t.typname) || ' ' || k.conname
                          FROM pg_constraint k LEFT JOIN pg_class c ON c.oid = k.conrelid
                          LEFT JOIN pg_type t ON t.oid = k.contypid
                          JOIN pg_namespace n ON n.oid = COALESCE(c.relnamespace, t.typnamespace)
                          WHERE k.oid = d.objid AND n.oid IN ({_USER_NS}))
                    WHEN d.classid = 'pg_attrdef'::regclass
                    THEN (SELECT 'default ' || n.nspname || '.' || c.relname || '.' || a.attname
                          FROM pg_attrdef ad JOIN pg_class c ON c.oid = ad.adrelid
                          JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE ad.oid = d.objid AND n.oid IN ({_USER_NS}))
                    ELSE (SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid)
                                 || ')' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                          WHERE p.oid = d.objid AND p.pronamespace IN ({_USER_NS})
                            AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_proc'", oid="p.oid")}) END AS caller,
               CASE WHEN d.refclassid = 'pg_proc'::regclass
                    THEN (SELECT fn.nspname || '.' || f.proname || '(' || pg_get_function_identity_arguments(f.oid) || ')'
                          FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace
                          WHERE f.oid = d.refobjid AND f.pronamespace IN ({_USER_NS}))
                    ELSE (SELECT 'operator ' || fn.nspname || '.' || o.oprname || '(' || o.oprleft::regtype::text || ', '
                                 || o.oprright::regtype::text || ')'
                          FROM pg_operator o JOIN pg_namespace fn ON fn.oid = o.oprnamespace
                          WHERE o.oid = d.refobjid AND o.oprnamespace IN ({_USER_NS})) END AS callee
        FROM pg_depend d
        WHERE d.classid IN ('pg_rewrite'::regclass, 'pg_proc'::regclass, 'pg_constraint'::regclass,
                            'pg_attrdef'::regclass)
          AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)
          AND d.deptype = 'n' AND d.objid >= 16384) calls
        WHERE caller IS NOT NULL AND callee IS NOT NULL
    """,
    # A function as Postgres deparses it, and of a SQL-standard body the parameter each reference of its parse tree
    # is, in the tree's order: an argument left unnamed beside named ones prints as "" (its name, ''), so two of them
    # swapped print alike; the text's every other part, the deparse tells.
    "functions": f"""
        SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid),
               obj_description(p.oid, 'pg_proc'),
               ARRAY(SELECT m[1] FROM regexp_matches(COALESCE(p.prosqlbody::text, ''), ':paramkind 0 :paramid ([0-9]+)',
                                                    'g') WITH ORDINALITY AS x(m, i) ORDER BY i)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.pronamespace IN ({_USER_NS}) AND p.prokind IN ('f', 'p')
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_proc'", oid="p.oid")}
    """,
    "aggregates": f"""
        SELECT p.oid::regprocedure::text, a.aggkind::text, a.aggtransfn::regprocedure::text,
               a.aggfinalfn::regprocedure::text, a.aggcombinefn::regprocedure::text,
               a.aggserialfn::regprocedure::text, a.aggdeserialfn::regprocedure::text,
               a.aggmtransfn::regprocedure::text, a.aggminvtransfn::regprocedure::text,
               a.aggmfinalfn::regprocedure::text, a.aggsortop::regoperator::text, a.aggtranstype::regtype::text,
               a.aggmtranstype::regtype::text, a.agginitval, a.aggminitval, p.proparallel::text,
               pg_get_function_arguments(p.oid), a.aggnumdirectargs, a.aggfinalextra, a.aggfinalmodify::text,
               pg_get_function_result(p.oid), obj_description(p.oid, 'pg_proc')
        FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
        WHERE p.pronamespace IN ({_USER_NS})
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_proc'", oid="p.oid")}
    """,
    "operators": f"""
        SELECT o.oid::regoperator::text, o.oprkind::text, o.oprcode::regprocedure::text, o.oprresult::regtype::text,
               o.oprcom::regoperator::text, o.oprnegate::regoperator::text, o.oprrest::regprocedure::text,
               o.oprjoin::regprocedure::text, o.oprcanhash, o.oprcanmerge, obj_description(o.oid, 'pg_operator')
        FROM pg_operator o
        WHERE o.oprnamespace IN ({_USER_NS})
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_operator'", oid="o.oid")}
    """,
    "rules": f"""
        SELECT n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), obj_description(r.oid, 'pg_rewrite'), r.ev_enabled::text
        FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace IN ({_USER_NS}) AND r.rulename <> '_RETURN'
    """,
    "collations": f"""
        SELECT n.nspname, co.collname, co.collprovider::text, co.collcollate, co.collctype,
               to_jsonb(co.*) ->> CASE WHEN current_setting('server_version_num')::int >= 170000 THEN 'colllocale'
                                       ELSE 'colliculocale' END,
               co.collisdeterministic, obj_description(co.oid, 'pg_collation')
        FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
        WHERE co.collnamespace IN ({_USER_NS})
          AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_collation'", oid="co.oid")}
    """,
    "extensions": """
        SELECT e.extname, n.nspname, obj_description(e.oid, 'pg_extension'), e.extversion
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname <> 'plpgsql'
    """,    # Publications (the database's): what each publishes, each member table with its column names and
    # row filter, each schema (TABLES IN SCHEMA); event triggers not an extension's.
    "publications": """
        SELECT p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, p.pubviaroot,
               to_jsonb(p.*) ->> 'pubgencols', obj_description(p.oid, 'pg_publication'),
               (SELECT string_agg(format('%%s(%%s) %%s', r.prrelid::regclass,
                                         (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
                                          WHERE a.attrelid = r.prrelid AND a.attnum = ANY (r.prattrs)),
                                         pg_get_expr(r.prqual, r.prrelid)), '; ' ORDER BY r.prrelid::regclass::text)
                FROM pg_publication_rel r WHERE r.prpubid = p.oid),
               (SELECT string_agg(pn.pnnspid::regnamespace::text, ',' ORDER BY pn.pnnspid::regnamespace::text)
                FROM pg_publication_namespace pn WHERE pn.pnpubid = p.oid)
        FROM pg_publication p
    """,
    # Casts of the database's own (CREATE CAST): not Postgres's, not an extension's, not those Postgres made with
    # another object (a range type's cast to its multirange).
    "casts": """
        SELECT format_type(c.castsource, NULL), format_type(c.casttarget, NULL), c.castfunc::regprocedure::text,
               c.castcontext::text, c.castmethod::text, obj_description(c.oid, 'pg_cast')
        FROM pg_cast c
        WHERE c.oid >= 16384
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = c.oid
                                                      AND d.deptype IN ('e', 'i'))
    """,
    # Operator classes and families of the user schemas (not an extension's): each family with its operators
    # (pg_amop) and support functions (pg_amproc), each class with its family, type, DEFAULT and storage.
    "operator_classes": f"""
        SELECT oc.opcnamespace::regnamespace::text, oc.opcname, am.amname, format_type(oc.opcintype, NULL),
               oc.opcdefault, f.opfnamespace::regnamespace::text || '.' || f.opfname, format_type(oc.opckeytype, NULL),
               pg_get_userbyid(oc.opcowner), obj_description(oc.oid, 'pg_opclass')
        FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod JOIN pg_opfamily f ON f.oid = oc.opcfamily
        WHERE oc.opcnamespace IN ({_USER_NS}) AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_opclass'", oid="oc.oid")}
    """,
    # Each member with what pg_depend binds it to: the family (a loose member: ALTER OPERATOR FAMILY ... ADD, or one
    # Postgres binds to the family) or a class; a family's owner and comment.
    "operator_families": f"""
        SELECT f.opfnamespace::regnamespace::text, f.opfname, am.amname, pg_get_userbyid(f.opfowner),
               obj_description(f.oid, 'pg_opfamily'),
               (SELECT array_agg(m ORDER BY m) FROM (
                  SELECT o.amopstrategy || ' ' || o.amopopr::regoperator::text || ' ' || format_type(o.amoplefttype, NULL)
                         || ' ' || format_type(o.amoprighttype, NULL) || ' ' || o.amoppurpose::text || ' '
                         || COALESCE((SELECT sf.opfname::text FROM pg_opfamily sf WHERE sf.oid = o.amopsortfamily), '')
                         || ' ' || {_MEMBER_OF.format(catalog="'pg_amop'", oid="o.oid")} AS m
                  FROM pg_amop o WHERE o.amopfamily = f.oid) ops),
               (SELECT array_agg(m ORDER BY m) FROM (
                  SELECT p.amprocnum || ' ' || p.amproc::regprocedure::text || ' ' || format_type(p.amproclefttype, NULL)
                         || ' ' || format_type(p.amprocrighttype, NULL)
                         || ' ' || {_MEMBER_OF.format(catalog="'pg_amproc'", oid="p.oid")} AS m
                  FROM pg_amproc p WHERE p.amprocfamily = f.oid) procs)
        FROM pg_opfamily f JOIN pg_am am ON am.oid = f.opfmethod
        WHERE f.opfnamespace IN ({_USER_NS}) AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_opfamily'", oid="f.oid")}
    """,
    # The database's foreign servers (not an extension's) and the foreign tables of the user's schemas: server,
    # options, each column's OPTIONS, but those whose key names a credential (_KEPT: never read, listed by key alone;
    # tests/test_credential_options). Access lists are the security oracle's.
    "foreign_servers": f"""
        SELECT s.srvname, w.fdwname, s.srvtype, s.srvversion, {_KEPT.format(o='s.srvoptions')}, obj_description(s.oid, 'pg_foreign_server')
        FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
        WHERE {_NOT_EXTENSION_MEMBER.format(catalog="'pg_foreign_server'", oid="s.oid")}
    """,
    "foreign_data_wrappers": f"""
        SELECT w.fdwname, w.fdwhandler::regproc::text, w.fdwvalidator::regproc::text, {_KEPT.format(o='w.fdwoptions')},
               obj_description(w.oid, 'pg_foreign_data_wrapper'), pg_get_userbyid(w.fdwowner)
        FROM pg_foreign_data_wrapper w
        WHERE {_NOT_EXTENSION_MEMBER.format(catalog="'pg_foreign_data_wrapper'", oid="w.oid")}
    """,
    "foreign_tables": f"""
        SELECT n.nspname, c.relname, s.srvname, {_KEPT.format(o='ft.ftoptions')},
               (SELECT array_agg(ARRAY[a.attname::text, {_KEPT.format(o='a.attfdwoptions')}::text] ORDER BY a.attnum)
                FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND cardinality({_KEPT.format(o='a.attfdwoptions')}) > 0)
        FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_foreign_server s ON s.oid = ft.ftserver
        WHERE c.relnamespace IN ({_USER_NS}) AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_class'", oid="c.oid")}
    """,
    # Text search dictionaries of the user schemas (not an extension's): template and options (dictinitoption, as
    # Postgres stores them: `stopwords = 'english', language = 'english'`); configurations: parser and every mapping
    # (pg_ts_config_map: token type by its alias, position, dictionary), each qualified.
    "text_search_dictionaries": f"""
        SELECT td.dictnamespace::regnamespace::text, td.dictname,
               t.tmplnamespace::regnamespace::text || '.' || t.tmplname, td.dictinitoption,
               obj_description(td.oid, 'pg_ts_dict')
        FROM pg_ts_dict td JOIN pg_ts_template t ON t.oid = td.dicttemplate
        WHERE td.dictnamespace IN ({_USER_NS}) AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_ts_dict'", oid="td.oid")}
    """,
    "text_search_configurations": f"""
        SELECT c.cfgnamespace::regnamespace::text, c.cfgname,
               p.prsnamespace::regnamespace::text || '.' || p.prsname,
               ARRAY(SELECT tt.alias || ' ' || m.mapseqno || ' ' || td.dictnamespace::regnamespace::text || '.' || td.dictname
                     FROM pg_ts_config_map m JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype
                     JOIN pg_ts_dict td ON td.oid = m.mapdict
                     WHERE m.mapcfg = c.oid ORDER BY tt.alias, m.mapseqno),
               obj_description(c.oid, 'pg_ts_config')
        FROM pg_ts_config c JOIN pg_ts_parser p ON p.oid = c.cfgparser
        WHERE c.cfgnamespace IN ({_USER_NS}) AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_ts_config'", oid="c.oid")}
    """,
    "event_triggers": f"""
        SELECT e.evtname, e.evtevent, e.evtfoid::regprocedure::text,
               ARRAY(SELECT t FROM unnest(e.evttags) t ORDER BY 1),  -- a set: the order as written means nothing
               e.evtenabled,
               obj_description(e.oid, 'pg_event_trigger')
        FROM pg_event_trigger e
        WHERE {_NOT_EXTENSION_MEMBER.format(catalog="'pg_event_trigger'", oid="e.oid")}
    """,
}


ALL_RELKINDS = ("r", "p", "v", "m", "f")
TABLES = ("r", "p")


# The columns of each relation in their order (attnum): a database rebuilt from what inspect wrote has them so (a
# partition attached or a child INHERITing with an order of its own too), where one migrated since need not (a column
# added comes last, wherever schema.yaml lists it): asked for by round trips only (fingerprint's `order`).
COLUMN_ORDER = f"""
    SELECT n.nspname, c.relname, array_agg(a.attname::text ORDER BY a.attnum)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relnamespace IN ({_USER_NS}) AND c.relkind::text = ANY (%(relkinds)s)
      AND c.relname <> ALL (%(ignored)s) AND a.attnum > 0 AND NOT a.attisdropped
      AND {_NOT_EXTENSION_MEMBER.format(catalog="'pg_class'", oid="c.oid")}
    GROUP BY 1, 2
"""


def fingerprint(url: str, relkinds: tuple[str, ...] = ALL_RELKINDS, order: bool = False) -> dict[str, list[tuple]]:
    """Every object of the database's user schemas, one sorted list of rows per kind. `relkinds`
    narrows the relations (with their columns and indexes) to those kinds, e.g. TABLES; `order` adds the order of
    their columns (COLUMN_ORDER)."""
    with psycopg.connect(url) as conn:
        return fingerprint_on(conn, relkinds, order)


def fingerprint_on(conn: psycopg.Connection, relkinds: tuple[str, ...] = ALL_RELKINDS, order: bool = False
                   ) -> dict[str, list[tuple]]:
    """fingerprint() on an open connection (one backend serving the other oracles' reads of the same database too:
    a connection is ~7 ms of CPU); it sets the session's TimeZone to UTC, so it comes after reads of values."""
    params = {"ignored": list(IGNORED_RELATIONS), "relkinds": list(relkinds)}
    queries = {**QUERIES, "column_order": COLUMN_ORDER} if order else QUERIES
    conn.execute("SET TimeZone = 'UTC'")  # deparsed timestamptz bounds and defaults print in it
    return {kind: sorted(map(tuple, rows), key=repr) for kind, rows in pipelined(conn, queries, params).items()}


def pipelined(conn: psycopg.Connection, queries: dict[str, str], params: dict) -> dict[str, list]:
    """Each query's rows, the queries sent in one round trip (psycopg's pipeline): a fingerprint's 26 queries one
    by one were a wait each, of the test and of the server (measured: 15 -> 5 ms of the test's CPU a reading)."""
    with conn.pipeline():
        cursors = {kind: conn.execute(query, params) for kind, query in queries.items()}  # type: ignore[arg-type]
    return {kind: cursor.fetchall() for kind, cursor in cursors.items()}


def without_key_names(fp: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The fingerprint with the names of primary keys and UNIQUE constraints (and of their indexes) left
    out: schema.yaml may leave them unnamed, and then any name Postgres gave them is right."""
    keys = {(r[0], r[1], r[2]) for r in fp["constraints"] if r[3] in ("p", "u")}
    out = dict(fp)
    out["constraints"] = sorted(((*r[:2], "<key>", *r[3:]) if (r[0], r[1], r[2]) in keys else r
                                 for r in fp["constraints"]), key=repr)
    out["indexes"] = sorted(((*r[:2], "<key>", r[3].replace(f"INDEX {r[2]} ON", "INDEX <key> ON"), *r[4:])
                             if (r[0], r[1], r[2]) in keys else r for r in fp["indexes"]), key=repr)
    return out


def fingerprint_difference(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> str:
    """What differs between two fingerprints, readable in an assertion message ('' when nothing)."""
    out = []
    for kind in dict.fromkeys([*a, *b]):  # any fingerprint's kinds (the security oracle's too), in order
        only_a = [r for r in a.get(kind, []) if r not in b.get(kind, [])]
        only_b = [r for r in b.get(kind, []) if r not in a.get(kind, [])]
        if only_a or only_b:
            out.append(f"{kind}:\n  only in the first: {only_a}\n  only in the second: {only_b}")
    return "\n".join(out)


def values(url: str, renamed: Optional[dict[tuple[str, str], tuple[str, str]]] = None) -> dict[tuple[str, str], str]:
    """("schema.table", column) -> md5 of the column's values (as text, sorted), for every column of every
    ordinary table. Always by schema: readings taken before and after a table moves to another schema share no key,
    so a same-named table made elsewhere cannot stand in for one whose values were lost.
    ``renamed`` maps ("schema.table", column) names to the ones to report them under, so values taken before a
    rename compare with values taken after it."""
    with psycopg.connect(url) as conn:
        return values_on(conn, renamed)


def values_on(conn: psycopg.Connection, renamed: Optional[dict[tuple[str, str], tuple[str, str]]] = None
              ) -> dict[tuple[str, str], str]:
    """values() on an open connection, read in its session's TimeZone (before fingerprint_on sets UTC)."""
    renamed = renamed or {}
    out: dict[tuple[str, str], str] = {}
    columns = conn.execute(f"""
        SELECT n.nspname, c.relname, a.attname, c.relkind = 'r' FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> ALL (%(ignored)s) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2, a.attnum""", {"ignored": list(IGNORED_RELATIONS)}).fetchall()
    queries = {}
    for schema, table, column, plain in columns:
        rel = sql.Identifier(schema, table)
        # ONLY: an INHERITS parent's own rows, not its children's (a partitioned table's are its partitions')
        only = sql.SQL("ONLY " if plain else "")
        # The multiset of the column's values, in their text form: the physical order a rewrite
        # (ALTER COLUMN TYPE) leaves the rows in, and columns added or dropped beside it, change nothing.
        name = f"{schema}.{table}"
        queries[renamed.get((name, column), (name, column))] = sql.SQL(
            "SELECT md5(coalesce(string_agg(v, ',' ORDER BY v COLLATE \"C\"), '<empty>')) "
            "FROM (SELECT coalesce(t.{c}::text, '<null>') AS v FROM {only}{rel} t) s"
        ).format(c=sql.Identifier(column), rel=rel, only=only)
    for key, ((digest,),) in pipelined(conn, queries, {}).items():
        out[key] = digest
    return out


USER_MAPPINGS = "SELECT srvname, usename, coalesce(umoptions, '{}') FROM pg_user_mappings ORDER BY 1, 2"


def user_mappings(url: str) -> list[tuple[str, str, list[str]]]:
    """(server, role, options) of every user mapping, its options in full (the superuser the tests connect as reads
    them): schemac manages none, but a migration that drops and creates their server carries them over."""
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(USER_MAPPINGS).fetchall()]  # type: ignore[misc]

# Every catalog whose rows are objects (pg_identify_object names them); objects a user made (oid >= 16384,
# FirstNormalObjectId) and not an extension's own, nor what belongs to one (its rowtype, array type, indexes,
# sequences, toast: auto and internal dependencies, to a fixed point), nor sqlx's history table and its parts,
# nor what is named by oid (toast relations, the internal triggers of foreign keys).
_CLASSES = ("pg_class", "pg_proc", "pg_type", "pg_cast", "pg_collation", "pg_constraint", "pg_conversion", "pg_attrdef",
            "pg_language", "pg_operator", "pg_opclass", "pg_opfamily", "pg_am", "pg_amop", "pg_amproc", "pg_rewrite",
            "pg_trigger", "pg_namespace", "pg_statistic_ext", "pg_ts_parser", "pg_ts_dict", "pg_ts_template",
            "pg_ts_config", "pg_foreign_data_wrapper", "pg_foreign_server", "pg_user_mapping", "pg_default_acl",
            "pg_extension", "pg_event_trigger", "pg_policy", "pg_publication", "pg_publication_namespace",
            "pg_publication_rel", "pg_subscription", "pg_transform")
_OBJECTS = """
    WITH RECURSIVE objs(classid, objid) AS (
        """ + "\n        UNION ALL ".join(f"SELECT '{c}'::regclass, oid FROM {c} WHERE oid >= 16384" for c in _CLASSES) + """
    ), left_out(classid, objid) AS (
        SELECT d.classid, d.objid FROM pg_depend d WHERE d.deptype = 'e'
        UNION SELECT 'pg_class'::regclass, c.oid FROM pg_class c WHERE c.relname = ANY (%(ignored)s)
        UNION SELECT d.classid, d.objid FROM pg_depend d JOIN left_out l ON l.classid = d.refclassid AND l.objid = d.refobjid
              WHERE d.deptype IN ('a', 'i')
    )
    SELECT i.type, i.identity FROM objs o, pg_identify_object(o.classid, o.objid, 0) i
    WHERE (o.classid, o.objid) NOT IN (SELECT classid, objid FROM left_out)
      AND coalesce(i.schema, '') NOT IN ('pg_toast') AND coalesce(i.schema, '') NOT LIKE 'pg\\_temp\\_%%'
      -- (a session's temporary schemas, left in pg_namespace once a migration's move of rows made a temporary table)
      AND NOT (i.type = 'schema' AND (i.identity LIKE 'pg\\_temp\\_%%' OR i.identity LIKE 'pg\\_toast\\_temp\\_%%'))
      AND NOT (o.classid = 'pg_trigger'::regclass AND (SELECT t.tgisinternal FROM pg_trigger t WHERE t.oid = o.objid))
    ORDER BY 1, 2"""


# Every comment on an object a user made (pg_description, any catalog, a column's too), by the object's identity: a
# comment schemac has no place for (on a partition's clone of its parent's trigger or foreign key, a CHECK a child has
# from its parent, an identity's sequence, a table's row type, a domain's NOT NULL) is lost from a database rebuilt from
# schema.yaml, where the kinds' queries above read no comment.
_COMMENTS = _OBJECTS.split("SELECT i.type")[0] + """
    SELECT i.type, i.identity, d.description FROM pg_description d, pg_identify_object(d.classoid, d.objoid, d.objsubid) i
    WHERE d.objoid >= 16384 AND (d.classoid, d.objoid) NOT IN (SELECT classid, objid FROM left_out)
      AND coalesce(i.schema, '') NOT IN ('pg_toast') AND coalesce(i.schema, '') NOT LIKE 'pg\\_temp\\_%%'
    UNION ALL  -- the database's own (pg_shdescription), by no name: two databases compared have names of their own
    SELECT 'database', '', shobj_description(db.oid, 'pg_database') FROM pg_database db
    WHERE db.datname = current_database() AND shobj_description(db.oid, 'pg_database') IS NOT NULL
    ORDER BY 1, 2"""


def comments(url: str) -> list[tuple[str, str, str]]:
    """(type, identity, comment) of every comment on an object a user made (see _COMMENTS)."""
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(_COMMENTS, {"ignored": list(IGNORED_RELATIONS)}).fetchall()]  # type: ignore


def swept_on(conn: psycopg.Connection) -> tuple[list, list]:
    """(objects(), comments()) on an open connection, in one round trip."""
    read = pipelined(conn, {"objects": _OBJECTS, "comments": _COMMENTS}, {"ignored": list(IGNORED_RELATIONS)})
    return [tuple(r) for r in read["objects"]], [tuple(r) for r in read["comments"]]


def objects(url: str) -> list[tuple[str, str]]:
    """(type, identity) of every object a user made, of any kind (see _OBJECTS)."""
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(_OBJECTS, {"ignored": list(IGNORED_RELATIONS)}).fetchall()]  # type: ignore


def told_apart(url: str, base: str, edits: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """What the fingerprint tells apart: `base` loaded into `url`, and for each edit (old text, new text) the kinds
    in which a sibling database holding `base` so edited differs (a test expects each edit's own kind alone)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(base)
    expected = fingerprint(url)
    out = {}
    for kind, (old, new) in edits.items():
        with sibling_database(url) as other:
            with psycopg.connect(other, autocommit=True) as conn:
                conn.execute(base.replace(old, new))
            actual = fingerprint(other)
        out[kind] = [k for k in actual if actual[k] != expected[k]]
    return out


@contextlib.contextmanager
def sibling_database(url: str) -> Iterator[str]:
    """A new empty database on the server `url` points at, dropped afterwards."""
    admin = conninfo.make_conninfo(url, dbname="postgres")
    other = create_database(admin, "schemac_oracle")
    try:
        yield other
    finally:
        drop_database(admin, other)
