"""The pairs' `-- apply as: owner` mode: a database handed to a non-superuser application owner, as teams deploy
(createdb -O app), and schemac's migration run by that owner, not by the superuser the tests connect as.

`hand_over(url)` makes OWNER (a NOLOGIN role, cluster-wide, made once) the database's owner (so CREATE on it, and
on public, which pg_database_owner owns from 15 on) and the owner of every object of the user's schemas that is no
extension's member, that the superuser made (what a pair gives another role stays that role's) and that a
non-superuser may own (an event trigger, a foreign-data wrapper may not: they stay
the superuser's, as they would in a real database). Both sides of a pair are handed over alike, so the oracles
compare them as before. The superuser's default privileges (pg_default_acl rows, which no ALTER ... OWNER moves) are
made OWNER's too. `as_owner(conn)` then runs the connection as OWNER (SET ROLE): what schemac's migration
does only a superuser may do fails there, with Postgres's error.
"""

from __future__ import annotations

import os

import psycopg
from catalog_oracle import _NOT_EXTENSION_MEMBER, _USER_NS
from psycopg import sql

OWNER = "schemac_pair_owner"
# `SCHEMAC_PAIRS_AS_OWNER=1`: every pair run in this mode (a one-off sweep; the default run reads no such line).
EVERY_PAIR = os.environ.get("SCHEMAC_PAIRS_AS_OWNER") == "1"


def _mine(catalog: str, oid: str) -> str:
    return _NOT_EXTENSION_MEMBER.format(catalog=f"'{catalog}'", oid=oid)


# What the superuser the tests connect as made; what a pair gives to another role stays that role's, as an
# application's database holds objects of its other roles too.
_MADE = "current_user::regrole"
# The kinds named schema.name, as security_oracle's object_owners reads them.
_NAMED = " UNION ALL ".join(f"""
SELECT '{kind}', quote_ident(n.nspname) || '.' || quote_ident(o.{prefix}name)
FROM {catalog} o JOIN pg_namespace n ON n.oid = o.{prefix}namespace
WHERE n.oid IN ({_USER_NS}) AND o.{prefix}owner = {_MADE} AND {_mine(catalog, 'o.oid')}"""
    for kind, catalog, prefix in (("COLLATION", "pg_collation", "coll"),
                                  ("TEXT SEARCH DICTIONARY", "pg_ts_dict", "dict"),
                                  ("TEXT SEARCH CONFIGURATION", "pg_ts_config", "cfg"),
                                  ("STATISTICS", "pg_statistic_ext", "stx")))
# What to hand over, as ALTER statements: schemas, then relations (a table's owned sequences and indexes follow it;
# a partition is a relation of its own), then routines (not a range type's constructors, which Postgres makes the
# bootstrap superuser's whoever creates the type), types (a multirange too: 15 and 16 leave it behind its range, 17
# and later refuse it alone, a refusal hand_over passes over), and the other owned kinds of a schema.
OWNED = f"""
SELECT 'SCHEMA', quote_ident(n.nspname) FROM pg_namespace n
WHERE n.oid IN ({_USER_NS}) AND n.nspname <> 'public' AND n.nspowner = {_MADE} AND {_mine('pg_namespace', 'n.oid')}
UNION ALL
SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                      WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END, c.oid::regclass::text
FROM pg_class c
WHERE c.relnamespace IN ({_USER_NS}) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
  AND c.relowner = {_MADE} AND {_mine('pg_class', 'c.oid')}
  AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                       AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                                       AND d.deptype IN ('a', 'i')))
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
       p.oid::regprocedure::text
FROM pg_proc p WHERE p.pronamespace IN ({_USER_NS}) AND p.proowner = {_MADE} AND {_mine('pg_proc', 'p.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                  AND d.refclassid = 'pg_type'::regclass AND d.deptype = 'i')  -- a range's constructors: Postgres's
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text
FROM pg_type t WHERE t.typnamespace IN ({_USER_NS}) AND t.typtype IN ('d', 'e', 'r', 'm', 'b') AND t.typelem = 0
  AND t.typowner = {_MADE} AND {_mine('pg_type', 't.oid')}
UNION ALL
{_NAMED}
UNION ALL
SELECT 'OPERATOR', o.oid::regoperator::text FROM pg_operator o
WHERE o.oprnamespace IN ({_USER_NS}) AND o.oprowner = {_MADE} AND {_mine('pg_operator', 'o.oid')}
UNION ALL
SELECT 'SERVER', quote_ident(s.srvname) FROM pg_foreign_server s
WHERE s.srvowner = {_MADE} AND {_mine('pg_foreign_server', 's.oid')}
UNION ALL
SELECT 'PUBLICATION', quote_ident(p.pubname) FROM pg_publication p WHERE p.pubowner = {_MADE}
"""


def ensure_owner(conn: psycopg.Connection, role: str = OWNER) -> None:
    """OWNER (or another NOLOGIN `role`), made once on the cluster (roles are shared by its databases; a concurrent
    worker may make it too)."""
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
        try:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        except psycopg.errors.UniqueViolation:
            pass
        except psycopg.errors.DuplicateObject:
            pass


# The superuser's default privileges, one row per entry: schema (NULL: every schema's), kind, grantee (NULL: PUBLIC;
# the superuser's own entry named by OWNER), privilege, grant option.
_DEFAULT_ACL = f"""
SELECT NULLIF(d.defaclnamespace, 0)::regnamespace::text, d.defaclobjtype::text,
       CASE a.grantee WHEN 0 THEN NULL WHEN {_MADE}::oid THEN %s ELSE a.grantee::regrole::text END,
       a.privilege_type, a.is_grantable
FROM pg_default_acl d, aclexplode(d.defaclacl) a
WHERE d.defaclrole = {_MADE} ORDER BY 1, 2, 3, 4"""
_ON = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS", "L": "LARGE OBJECTS"}
_PUBLIC_DEFAULT = {"f": "EXECUTE", "T": "USAGE"}  # what PUBLIC holds by default (acldefault)


def _default_privileges_moved(conn: psycopg.Connection) -> None:
    """The superuser's default privileges made OWNER's (no ALTER ... OWNER moves a pg_default_acl row): OWNER's made
    the same (a row for every schema is the whole list: OWNER's own and PUBLIC's revoked first), the superuser's given
    back Postgres's defaults, which removes its rows."""
    rows = conn.execute(_DEFAULT_ACL, (sql.Identifier(OWNER).as_string(conn),)).fetchall()
    me = conn.execute("SELECT quote_ident(current_user)").fetchone()[0]
    owner = sql.Identifier(OWNER).as_string(conn)
    out = []
    for schema, kind in dict.fromkeys((r[0], r[1]) for r in rows):
        where, on = (f" IN SCHEMA {schema}" if schema else ""), _ON[kind]
        entries = [(g or "PUBLIC", p, o) for s, k, g, p, o in rows if (s, k) == (schema, kind)]
        if not schema:  # the whole list: OWNER's starts empty; the superuser's back to Postgres's defaults
            out += [f"FOR ROLE {owner} REVOKE ALL ON {on} FROM PUBLIC, {owner}",
                    f"FOR ROLE {me} GRANT ALL ON {on} TO {me}",
                    f"FOR ROLE {me} REVOKE GRANT OPTION FOR ALL ON {on} FROM {me}"]
            out += [f"FOR ROLE {me} GRANT {_PUBLIC_DEFAULT[kind]} ON {on} TO PUBLIC"] if kind in _PUBLIC_DEFAULT else []
        out += [f"FOR ROLE {owner}{where} GRANT {p} ON {on} TO {g}" + (" WITH GRANT OPTION" if o else "")
                for g, p, o in entries]
        kept = {me} | ({"PUBLIC"} if kind in _PUBLIC_DEFAULT else set()) if not schema else set()
        out += [f"FOR ROLE {me}{where} REVOKE ALL ON {on} FROM {g}"
                for g in dict.fromkeys(me if g == owner else g for g, _, _ in entries) if g not in kept]
    for statement in out:
        conn.execute(f"ALTER DEFAULT PRIVILEGES {statement}")


def hand_over(url: str) -> list[str]:
    """The database of `url` and what it holds handed to OWNER (see the module's docstring): what Postgres refused
    to hand over (a foreign server whose wrapper OWNER may not use), as 'KIND name: error' lines."""
    refused = []
    with psycopg.connect(url, autocommit=True) as conn:
        ensure_owner(conn)
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
            sql.Identifier(conn.info.dbname), sql.Identifier(OWNER)))
        for kind, name in conn.execute(OWNED).fetchall():
            try:
                conn.execute(sql.SQL(f"ALTER {kind} {name} OWNER TO {{}}").format(sql.Identifier(OWNER)))
            except psycopg.Error as e:
                refused.append(f"{kind} {name}: {e.diag.message_primary}")
        _default_privileges_moved(conn)
    return refused


def as_owner(conn: psycopg.Connection) -> None:
    """The session runs as OWNER from here on (SET ROLE: what a connection logged in as it would be)."""
    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(OWNER)))
