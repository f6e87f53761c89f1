"""An oracle of the tests' own for security as code over a whole database: every owner, access list
(tables, columns, sequences, views, functions, types, schemas, foreign servers, foreign-data wrappers, languages), owner of an operator, collation, text search
dictionary and configuration and statistics object, default privilege, policy and
row-level-security switch of the user's schemas, read with SQL written here (no schemac code).

catalog_oracle.fingerprint compares the shape of a schema; this compares who may touch it. Two
databases on the same server (roles are cluster objects, so the names are comparable as they are) with
the same security fingerprint grant the same things to the same roles. Access lists are read through
`acldefault` when NULL, so "never granted" and "granted exactly the default" read the same, as they
behave the same; grantors are compared too (a grant made by another role is another grant).
"""

from __future__ import annotations

import psycopg
from catalog_oracle import _NOT_EXTENSION_MEMBER, _USER_NS, IGNORED_RELATIONS, pipelined

_ROLE = "CASE WHEN {0} = 0 THEN 'PUBLIC' ELSE {0}::regrole::text END"
_ACL = (f"{_ROLE.format('a.grantee')}, {_ROLE.format('a.grantor')}, a.privilege_type, a.is_grantable")


def _mine(catalog: str, oid: str) -> str:
    return _NOT_EXTENSION_MEMBER.format(catalog=f"'{catalog}'", oid=oid)


SECURITY = {
    "schema_security": f"""
        SELECT n.nspname, n.nspowner::regrole::text, {_ACL}
        FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
        WHERE n.oid IN ({_USER_NS}) AND {_mine('pg_namespace', 'n.oid')}
    """,
    "relation_security": f"""
        SELECT n.nspname, c.relname, c.relkind::text, c.relowner::regrole::text, c.relrowsecurity,
               c.relforcerowsecurity, {_ACL}
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
             aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char",
                                                      c.relowner))) a
        WHERE c.relnamespace IN ({_USER_NS}) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.relname <> ALL (%(ignored)s) AND {_mine('pg_class', 'c.oid')}
    """,
    "column_grants": f"""
        SELECT n.nspname, c.relname, t.attname, {_ACL}
        FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
             aclexplode(t.attacl) a
        WHERE c.relnamespace IN ({_USER_NS}) AND NOT t.attisdropped AND {_mine('pg_class', 'c.oid')}
    """,
    "routine_security": f"""
        SELECT n.nspname, p.oid::regprocedure::text, p.proowner::regrole::text, p.prosecdef, p.proleakproof,
               p.proconfig, {_ACL}
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
             aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        WHERE p.pronamespace IN ({_USER_NS}) AND {_mine('pg_proc', 'p.oid')}
    """,
    "type_security": f"""
        SELECT n.nspname, t.typname, t.typowner::regrole::text, {_ACL}
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,
             aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) a
        WHERE t.typnamespace IN ({_USER_NS}) AND t.typelem = 0
          AND (t.typtype IN ('d', 'e', 'r', 'm', 'b')
               OR t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') AND {_mine('pg_type', 't.oid')}
    """,
    "object_owners": " UNION ALL ".join(f"""
        SELECT '{kind}', n.nspname, o.{prefix}name, o.{prefix}owner::regrole::text
        FROM {catalog} o JOIN pg_namespace n ON n.oid = o.{prefix}namespace
        WHERE o.{prefix}namespace IN ({_USER_NS}) AND {_mine(catalog, 'o.oid')}"""
        for kind, catalog, prefix in (("collation", "pg_collation", "coll"), ("text search dictionary", "pg_ts_dict", "dict"),
                                      ("text search configuration", "pg_ts_config", "cfg"),
                                      ("statistics", "pg_statistic_ext", "stx"))),
    "operator_owners": f"""
        SELECT n.nspname, o.oid::regoperator::text, o.oprowner::regrole::text
        FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
        WHERE o.oprnamespace IN ({_USER_NS}) AND {_mine('pg_operator', 'o.oid')}
    """,
    "default_privileges": f"""
        SELECT d.defaclrole::regrole::text, n.nspname, d.defaclobjtype::text, {_ACL}
        FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
    """,
    "policies": """
        SELECT n.nspname, c.relname, p.polname, p.polcmd::text, p.polpermissive,
               ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END FROM unnest(p.polroles) r
                     ORDER BY 1),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
               obj_description(p.oid, 'pg_policy')
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    """,    # The database's own objects: who owns each publication and event trigger (an extension's aside).
    "database_object_owners": f"""
        SELECT 'publication', p.pubname, p.pubowner::regrole::text FROM pg_publication p
        UNION ALL
        SELECT 'event trigger', e.evtname, e.evtowner::regrole::text FROM pg_event_trigger e
        WHERE {_mine('pg_event_trigger', 'e.oid')}
    """,
    "foreign_server_security": f"""
        SELECT s.srvname, s.srvowner::regrole::text, {_ACL}
        FROM pg_foreign_server s, aclexplode(coalesce(s.srvacl, acldefault('S', s.srvowner))) a
        WHERE {_mine('pg_foreign_server', 's.oid')}
    """,
    # Foreign-data wrappers' and languages' owners and access lists, every one of the database (they belong to no
    # schema): an extension's wrapper's grants are managed (postgres_fdw's: extensions' `grants`), the others' and
    # every language's are listed as not managed, so a pair that changes one fails here rather than passing unseen.
    "wrapper_security": f"""
        SELECT w.fdwname, w.fdwowner::regrole::text, {_ACL}
        FROM pg_foreign_data_wrapper w, aclexplode(coalesce(w.fdwacl, acldefault('F', w.fdwowner))) a
    """,
    "language_security": f"""
        SELECT l.lanname, l.lanowner::regrole::text, l.lanpltrusted, {_ACL}
        FROM pg_language l, aclexplode(coalesce(l.lanacl, acldefault('l', l.lanowner))) a
    """,
    # The database's own access list (GRANT CREATE ON DATABASE ... TO r), its owner's entries aside (two databases
    # compared have owners of their own); a grantor that is the owner is spelled so.
    "database_security": """
        SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, a.privilege_type, a.is_grantable,
               CASE WHEN a.grantor = d.datdba THEN 'owner' ELSE a.grantor::regrole::text END
        FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
        WHERE d.datname = current_database() AND a.grantee <> d.datdba
    """,
}


def security_fingerprint(url: str) -> dict[str, list[tuple]]:
    """Every owner, grant, default privilege and policy of the user's schemas, as sorted rows."""
    with psycopg.connect(url) as conn:
        return security_on(conn)


def security_on(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    """security_fingerprint() on an open connection, its queries in one round trip."""
    return {kind: sorted((tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in rows), key=repr)
            for kind, rows in pipelined(conn, SECURITY, {"ignored": list(IGNORED_RELATIONS)}).items()}
