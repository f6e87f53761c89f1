"""Privileges schemac does not manage are listed as such by inspect rather than dropped silently: those changed on
Postgres's own objects (GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_reset() TO a role, GRANT USAGE ON LANGUAGE
plpgsql: pg_dump writes them, relative to pg_init_privs), nothing on a database where they are as initdb left them
(each major's initial privileges differ). The oracle: the objects whose access list SQL finds changed. (Those on a
range type's constructor functions are managed: test_range_parts_grants.py.)"""

from __future__ import annotations

import uuid

import psycopg

from schemac.commands.inspect import inspect_database

KIND = "system object privileges"
# Postgres's own objects whose access list differs from the initial one (pg_init_privs, else the kind's default).
CHANGED = """
    SELECT pg_describe_object(x.classid, x.objid, 0) FROM (
        SELECT 'pg_proc'::regclass AS classid, oid AS objid, proacl AS acl, acldefault('f', proowner) AS d
        FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace
        UNION ALL SELECT 'pg_language'::regclass, oid, lanacl, acldefault('l', lanowner) FROM pg_language) x
    LEFT JOIN pg_init_privs i ON i.classoid = x.classid AND i.objoid = x.objid AND i.objsubid = 0
    WHERE x.acl IS NOT NULL AND NOT (x.acl @> COALESCE(i.initprivs, x.d) AND x.acl <@ COALESCE(i.initprivs, x.d))
    ORDER BY 1"""


def _listed(url: str, kind: str = KIND) -> list[str]:
    return sorted(u.path for u in inspect_database(url, ("public",)).schema.unmanaged if u.kind == kind)


def test_privileges_on_postgres_own_objects_are_listed_as_not_managed(any_db_url):
    role = f"sys_grantee_{uuid.uuid4().hex[:8]}"
    assert _listed(any_db_url) == []
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}"')
        try:
            conn.execute(f'GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_reset() TO "{role}"; '
                         f'GRANT USAGE ON LANGUAGE plpgsql TO "{role}"')
            expected = [r[0] for r in conn.execute(CHANGED)]
            assert expected == ["function pg_stat_reset()", "language plpgsql"], expected
            assert _listed(any_db_url) == expected
        finally:
            conn.execute(f'REVOKE EXECUTE ON FUNCTION pg_catalog.pg_stat_reset() FROM "{role}"; '
                         f'REVOKE USAGE ON LANGUAGE plpgsql FROM "{role}"; DROP ROLE "{role}"')
