"""ALTER ... OWNER TO made on an extension's own objects after its script ran (pgstac's pgstac_admin_owns() takes every
routine of its schema, an extension's there among them): inspect writes them under the extension's `owners:`, the
migration makes them again, diff compares them and takes them back."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

from conftest import MAJORS
from test_extensions_inspect import _extension_case, _rebuilt_alike, _role, _without_grants

# Every object of an extension, its owner and its access list (the kind's default where it has none), by SQL of the
# test's own (no schemac code).
_OWNERS = """
    SELECT pg_describe_object(d.classid, d.objid, 0),
           COALESCE(c.relowner, p.proowner, t.typowner, o.oprowner, oc.opcowner, f.opfowner)::regrole::text,
           ARRAY(SELECT x::text FROM unnest(COALESCE(c.relacl, acldefault('r', c.relowner), p.proacl,
                                                     acldefault('f', p.proowner), t.typacl, acldefault('T', t.typowner))) x
                 ORDER BY 1)
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
    LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
    LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
    LEFT JOIN pg_operator o ON d.classid = 'pg_operator'::regclass AND o.oid = d.objid
    LEFT JOIN pg_opclass oc ON d.classid = 'pg_opclass'::regclass AND oc.oid = d.objid
    LEFT JOIN pg_opfamily f ON d.classid = 'pg_opfamily'::regclass AND f.oid = d.objid
    WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass AND e.extname = %s
    ORDER BY 1"""


@pytest.mark.parametrize("major", MAJORS)
def test_owners_of_an_extensions_own_objects_round_trip(major, schemac, tmp_path):
    """The extension's type, one of its functions and one of its operators given to another role, and the function
    granted on by it: inspect writes the three owners, the migration rebuilds them on an empty database (with the
    grant, now that role's), diff is clean on both; a database where the function went back to its first owner is
    drift (the owners of the extension's objects), which `diff --sql` makes good; schema.yaml without the owners gives
    every object back the owner a fresh CREATE EXTENSION gives it. The oracle: every object of the extension, its
    owner and access list (pg_depend, pg_proc/pg_type/pg_operator...), on each major."""
    from conftest import _server

    server = _server(major)
    if server is None:
        pytest.skip(f"no {major} server here")
    owner, grantee = "schemac_ext_member_owner", "schemac_ext_member_grantee"
    with _role(server, grantee), _extension_case(server, owner, 3) as (name, (source, target, fresh)):
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
            function = conn.execute("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_depend d ON d.objid = "
                                    "p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid WHERE "
                                    "e.extname = %s AND p.prokind = 'f' ORDER BY p.proname, p.oid LIMIT 1",
                                    (name,)).fetchone()[0]
            operator = conn.execute("SELECT o.oid::regoperator::text FROM pg_operator o JOIN pg_depend d ON d.objid "
                                    "= o.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid WHERE "
                                    "e.extname = %s ORDER BY o.oid LIMIT 1", (name,)).fetchone()[0]
            conn.execute(sql.SQL("ALTER TYPE {0} OWNER TO {1}; ALTER FUNCTION {2} OWNER TO {1}; "
                                 "ALTER OPERATOR {3} OWNER TO {1}; GRANT EXECUTE ON FUNCTION {2} TO {4}").format(
                sql.Identifier(name), sql.Identifier(owner), sql.SQL(function), sql.SQL(operator),
                sql.Identifier(grantee)))
            expected = conn.execute(_OWNERS, (name,)).fetchall()
        assert sum(row[1] == owner for row in expected) >= 3, expected
        _rebuilt_alike(schemac, tmp_path, source, target, name, expected, _OWNERS)
        doc = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        assert "owners:" in doc and f"TYPE public.{name}: {owner}" in doc, doc
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER FUNCTION {} OWNER TO CURRENT_USER").format(sql.SQL(function)))
        r = schemac("diff", "--database-url", target, "--sql", cwd=tmp_path)
        assert r.returncode == 1 and f"OWNER TO {owner}" in r.stdout, r.stdout + r.stderr
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(r.stdout)
            assert conn.execute(_OWNERS, (name,)).fetchall() == expected
        r = schemac("diff", "--database-url", target, cwd=tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
        _without_grants(schemac, tmp_path, source, fresh, name, _OWNERS)
