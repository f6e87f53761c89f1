"""An object an extension's script made and that was detached from it since (ALTER EXTENSION citext DROP FUNCTION
regexp_replace(citext, citext, text), often to change it), which the database holds as any other: schema.yaml declares
it in its kind, and the migration that creates the extension takes it out of the extension and drops it right after
CREATE EXTENSION, then makes it as schema.yaml says (before, Postgres refused the migration: "function ... already
exists")."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from conftest import MAJORS
from test_extensions_inspect import _created_on, _rebuilt_alike

# Every object that is an extension's, and every routine and operator outside any extension in public with the body
# and function it has, by SQL of the test's own (no schemac code): pg_depend's 'e' rows, pg_proc, pg_operator.
_OBJECTS = """
    SELECT 'member', pg_describe_object(d.classid, d.objid, 0), NULL
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass AND e.extname = %s
    UNION ALL
    SELECT 'routine', p.oid::regprocedure::text, p.procost || ' ' || p.prosrc
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT 'operator', o.oid::regoperator::text, o.oprcode::regprocedure::text
    FROM pg_operator o WHERE o.oprnamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid
                                                 AND d.deptype = 'e')
    ORDER BY 1, 2"""

# A function of the extension that nothing of it needs (an SQL one where it has one), and an operator over two of its arguments' type (the first of each, by name).
_DETACHABLE = """
    SELECT (SELECT p.oid::regprocedure::text
            FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
            JOIN pg_language l ON l.oid = p.prolang
            WHERE d.refobjid = e.oid AND p.prokind = 'f' AND NOT p.proretset
              AND NOT EXISTS (SELECT FROM pg_depend x WHERE x.refclassid = 'pg_proc'::regclass AND x.refobjid = p.oid
                                                        AND x.deptype = 'n')
            ORDER BY l.lanname <> 'sql', p.proname, p.oid LIMIT 1),
           (SELECT o.oid::regoperator::text
            FROM pg_operator o JOIN pg_depend d ON d.objid = o.oid AND d.classid = 'pg_operator'::regclass
                                                AND d.deptype = 'e'
            WHERE d.refobjid = e.oid AND o.oprleft <> 0
              AND NOT EXISTS (SELECT FROM pg_opclass c JOIN pg_amop a ON a.amopfamily = c.opcfamily
                              WHERE a.amopopr = o.oid)
              AND NOT EXISTS (SELECT FROM pg_operator x WHERE x.oprcom = o.oid OR x.oprnegate = o.oid)
            ORDER BY o.oprname, o.oid LIMIT 1)
    FROM pg_extension e WHERE e.extname = %s"""


@pytest.mark.parametrize("major", MAJORS)
def test_objects_detached_from_an_extension_round_trip(major, schemac, tmp_path):
    """A function of the extension detached from it and then given another cost (ALTER FUNCTION), and one of its
    operators detached (where it has one that no operator class or other operator needs): inspect writes them as any
    function and operator, generate's migration applies to an empty database (it was refused before: "function ...
    already exists") and rebuilds them detached, the function with its new cost; diff is clean on both and inspect
    of the rebuilt database is the same. The oracle: the extension's objects (pg_depend 'e'), and every routine and
    operator outside it in public with its cost and body or its function, on each major."""
    with _created_on(major, "schemac_ext_detached") as (name, (source, target)):
        with psycopg.connect(source, autocommit=True) as conn:
            function, operator = conn.execute(_DETACHABLE, (name,)).fetchone()
            assert function is not None, f"{name} has no SQL function to detach"
            statements = [sql.SQL("ALTER EXTENSION {} DROP FUNCTION {}").format(sql.Identifier(name), sql.SQL(function))]
            if operator is not None:
                statements.append(sql.SQL("ALTER EXTENSION {} DROP OPERATOR {}").format(sql.Identifier(name),
                                                                                       sql.SQL(operator)))
            for statement in statements:
                conn.execute(statement)
            conn.execute(sql.SQL("ALTER FUNCTION {} COST 3").format(sql.SQL(function)))  # changed since
            expected = conn.execute(_OBJECTS, (name,)).fetchall()
        kinds = {r[1]: r[0] for r in expected}
        assert kinds[function] == "routine" and (operator is None or kinds[operator] == "operator"), expected
        assert next(r[2] for r in expected if r[1] == function).startswith("3 "), expected
        _rebuilt_alike(schemac, tmp_path, source, target, name, expected, _OBJECTS)
        migration = "".join(f.read_text() for f in sorted((tmp_path / "generated" / "migrations").glob("*.sql")))
        assert "ALTER EXTENSION %I DROP %s %s" in migration, migration
        doc = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        r = schemac("inspect", "--database-url", target, cwd=tmp_path)
        assert r.returncode == 0 and r.stdout.split("\n", 1)[1] == doc.split("\n", 1)[1], r.stdout + r.stderr


@pytest.mark.parametrize("major", MAJORS)
def test_a_base_type_detached_from_its_extension_round_trips(major, schemac, tmp_path):
    """The extension's type (named as the extension: CANDIDATES) detached from it (its array type too from 17 on): schemac makes
    no base type, so inspect writes it under the extension's `detached:` (its input function is the extension's: no
    other type can have it) and still lists it as not managed; the migration detaches it after CREATE EXTENSION (it
    stayed the extension's before, silently but for the not-managed list); diff is clean on both, inspect of the
    rebuilt database the same; schema.yaml without `detached:` gives it back to the extension. The oracle: the
    extension's objects (pg_depend 'e'), on each major."""
    with _created_on(major, "schemac_ext_detached_type") as (name, (source, target)):
        with psycopg.connect(source, autocommit=True) as conn:
            fresh = conn.execute(_OBJECTS, (name,)).fetchall()
            conn.execute(sql.SQL("ALTER EXTENSION {0} DROP TYPE {0}").format(sql.Identifier(name)))
            expected = conn.execute(_OBJECTS, (name,)).fetchall()
        # (its array type with it from 17 on; before, the array type stays the extension's)
        assert {f"type {name}"} <= {r[1] for r in fresh} - {r[1] for r in expected} <= {f"type {name}", f"type {name}[]"}
        _rebuilt_alike(schemac, tmp_path, source, target, name, expected, _OBJECTS)
        doc = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        assert f"detached: [TYPE public.{name}]" in doc, doc
        r = schemac("inspect", "--database-url", target, cwd=tmp_path)
        assert r.returncode == 0 and r.stdout.split("\n", 1)[1] == doc.split("\n", 1)[1], r.stdout + r.stderr
        (tmp_path / "schema.yaml").write_text(doc.replace(f"detached: [TYPE public.{name}]", "comment: ''"))
        r = schemac("diff", "--database-url", target, "--sql", cwd=tmp_path)
        assert r.returncode == 1 and f"ALTER EXTENSION {name} ADD TYPE public.{name}" in r.stdout.replace('"', ""), \
            r.stdout + r.stderr
