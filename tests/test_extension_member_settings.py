"""ALTER FUNCTION ... COST/ROWS/SET and COMMENT ON made on an extension's own objects after its script ran (a DBA pins a
routine's search_path, PostGraphile documents an extension's function with a comment): inspect writes them under the
extension's `settings:` and `comments:`, the migration makes them again, diff compares them."""

from __future__ import annotations

import subprocess

import psycopg
import pytest
from psycopg import sql

from conftest import MAJORS
from test_extensions_inspect import _created_on, _rebuilt_alike

# Every object of an extension with its comment, and every routine of it with its cost, rows and settings, by SQL of
# the test's own (no schemac code): pg_depend's 'e' rows, pg_description, pg_proc.
_MEMBERS = """
    SELECT pg_describe_object(d.classid, d.objid, 0), ds.description, p.procost, p.prorows, p.proconfig
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    LEFT JOIN pg_description ds ON ds.classoid = d.classid AND ds.objoid = d.objid AND ds.objsubid = 0
    LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
    WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass AND e.extname = %s
    ORDER BY 1"""

# Every comment on an extension's objects and their columns.
_COMMENTS = """
    SELECT pg_describe_object(ds.classoid, ds.objoid, ds.objsubid), ds.description
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    JOIN pg_description ds ON ds.classoid = d.classid AND ds.objoid = d.objid
    WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass AND e.extname = %s
    ORDER BY 1"""

# The extension's routines: a plain function and a set-returning one where it has one (ROWS), and its type.
_ROUTINES = """
    SELECT p.oid::regprocedure::text, p.proretset
    FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid
    WHERE e.extname = %s AND p.prokind = 'f' ORDER BY p.proretset DESC, p.proname, p.oid"""


@pytest.mark.parametrize("major", MAJORS)
def test_settings_and_comments_of_an_extensions_own_objects_round_trip(major, schemac, tmp_path):
    """A routine of the extension given a cost and a search_path, a set-returning one (where the extension has one)
    rows, one routine and the extension's type a comment, each in a transaction after CREATE EXTENSION: inspect writes
    them, the migration rebuilds them on an empty database, diff is clean on both; a comment and a setting changed on
    the rebuilt database are drift (the extension's own objects), which `diff --sql` makes good. The oracle: every
    object of the extension with its comment and every routine's procost, prorows and proconfig, on each major."""
    with _created_on(major, "schemac_ext_member_settings") as (name, (source, target)):
        with psycopg.connect(source, autocommit=True) as conn:
            routines = conn.execute(_ROUTINES, (name,)).fetchall()
            first, commented = [r for r, retset in routines if not retset][:2]
            setof = [r for r, retset in routines if retset][:1]
            fresh = conn.execute(_MEMBERS, (name,)).fetchall()
            statements = [sql.SQL("ALTER FUNCTION {} COST 7 SET search_path = public, pg_temp").format(sql.SQL(first)),
                          sql.SQL("COMMENT ON FUNCTION {} IS {}").format(sql.SQL(commented), sql.Literal("it's ours")),
                          sql.SQL("COMMENT ON TYPE {} IS 'the type'").format(sql.Identifier(name))]
            statements += [sql.SQL("ALTER FUNCTION {} ROWS 42").format(sql.SQL(f)) for f in setof]
            for statement in statements:  # each its own transaction, as made after the extension's
                conn.execute(statement)
            expected = conn.execute(_MEMBERS, (name,)).fetchall()
        assert len([a for a, b in zip(fresh, expected) if a != b]) == 3 + len(setof), expected
        _rebuilt_alike(schemac, tmp_path, source, target, name, expected, _MEMBERS)
        doc = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        # made in a file (a transaction) of their own after CREATE EXTENSION's, and recorded as schema.yaml says them
        files = sorted((tmp_path / "generated" / "migrations").glob("*.sql"))
        assert [f.name.endswith("_extension_members.sql") for f in files] == [False, True], files
        assert "COMMENT ON FUNCTION" in files[1].read_text() and "CREATE EXTENSION" not in files[1].read_text()
        r = schemac("generate", cwd=tmp_path)
        assert r.returncode == 0 and "No changes" in r.stdout + r.stderr, r.stdout + r.stderr
        assert "settings:" in doc and "comments:" in doc and "it's ours" in doc, doc
        r = schemac("inspect", "--database-url", target, cwd=tmp_path)
        assert r.returncode == 0 and r.stdout.split("\n", 1)[1] == doc.split("\n", 1)[1], r.stdout + r.stderr
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(sql.SQL("COMMENT ON FUNCTION {} IS 'theirs'").format(sql.SQL(commented)))
            conn.execute(sql.SQL("ALTER FUNCTION {} RESET ALL").format(sql.SQL(first)))
        r = schemac("diff", "--database-url", target, cwd=tmp_path)
        assert r.returncode == 1 and "the settings or comments of its own objects differ" in r.stdout, r.stdout + r.stderr
        r = schemac("diff", "--database-url", target, "--format", "json", cwd=tmp_path)
        assert '"extension_changed"' in r.stdout, r.stdout
        r = schemac("diff", "--database-url", target, "--sql", cwd=tmp_path)
        assert r.returncode == 1 and "COMMENT ON FUNCTION" in r.stdout and "SET search_path" in r.stdout, r.stdout
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(r.stdout)
            assert conn.execute(_MEMBERS, (name,)).fetchall() == expected
        r = schemac("diff", "--database-url", target, cwd=tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
        # the extension gone: `diff --sql` creates it and sets its members in a transaction after (as generate's file
        # of their own), run by `psql -1` too, where one transaction hid them from inspect (drift after the run)
        for single in (["-1"], []):
            with psycopg.connect(target, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP EXTENSION {}").format(sql.Identifier(name)))
            r = schemac("diff", "--database-url", target, "--sql", cwd=tmp_path)
            assert r.returncode == 1 and "CREATE EXTENSION" in r.stdout, r.stdout + r.stderr
            (tmp_path / "fix.sql").write_text(r.stdout)
            run = subprocess.run(["psql", *single, "-X", "-v", "ON_ERROR_STOP=1", "-d", target, "-f",
                                  str(tmp_path / "fix.sql")], capture_output=True, text=True, timeout=60)
            assert run.returncode == 0, (single, run.stderr)
            with psycopg.connect(target, autocommit=True) as conn:
                assert conn.execute(_MEMBERS, (name,)).fetchall() == expected
            r = schemac("diff", "--database-url", target, cwd=tmp_path)
            assert r.returncode == 0, (single, r.stdout + r.stderr)


@pytest.mark.parametrize("major", MAJORS)
def test_comments_on_the_columns_of_an_extensions_view_round_trip(major, schemac, tmp_path):
    """COMMENT ON COLUMN of an extension's view (pg_stat_statements_info.dealloc), and on the view itself, made after
    CREATE EXTENSION: inspect writes them under the extension's comments (COLUMN public.pg_stat_statements_info.dealloc),
    the migration rebuilds them, diff is clean on both. The oracle: every comment on the extension's objects and their
    columns (pg_description by objsubid), on each major whose build has pg_stat_statements."""
    from conftest import _server
    from test_extensions_inspect import _available

    server = _server(major)
    if server is None:
        pytest.skip(f"no {major} server here")
    source, target = server.create_database(), server.create_database()
    try:
        if "pg_stat_statements" not in _available(source):
            pytest.skip(f"{major}'s build has no pg_stat_statements")
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pg_stat_statements")
            conn.execute("COMMENT ON COLUMN pg_stat_statements_info.dealloc IS 'evictions'")
            conn.execute("COMMENT ON VIEW pg_stat_statements_info IS 'the info'")
            expected = conn.execute(_COMMENTS, ("pg_stat_statements",)).fetchall()
        assert ("column dealloc of view pg_stat_statements_info", "evictions") in expected, expected
        _rebuilt_alike(schemac, tmp_path, source, target, "pg_stat_statements", expected, _COMMENTS)
        assert "COLUMN public.pg_stat_statements_info.dealloc: evictions" in (tmp_path / "schema.yaml").read_text()
    finally:
        server.drop_database(source)
        server.drop_database(target)
