"""Access methods CREATE ACCESS METHOD made, and relations using a table access method other than heap: schemac
manages neither (it writes no USING clause for a table, and does not create the method), so inspect lists them as not
managed (and `diff --strict` counts them), never lost silently: PostgreSQL's create_am.sql round-tripped with no word
of them. An index's method is managed (tests/fixtures/kinds/index_methods.sql). Transforms likewise (object_address.sql).
The oracle: pg_am, pg_class.relam, pg_transform."""

from __future__ import annotations

import psycopg
import pytest

from schemac.commands.inspect import inspect_database

USING = """SELECT c.relname::text || ' using ' || am.amname::text FROM pg_class c JOIN pg_am am ON am.oid = c.relam
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'm') AND am.amname <> 'heap'
           ORDER BY 1"""
MADE = "SELECT amname::text FROM pg_am WHERE oid >= 16384 ORDER BY 1"


@pytest.mark.parametrize("major_db", [pytest.param("pg18"), pytest.param("pg16", marks=pytest.mark.slow),
                                      pytest.param("pg15", marks=pytest.mark.slow)], indirect=True)
def test_access_methods_and_tables_using_them_are_listed(major_db):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE plain (id int PRIMARY KEY); CREATE MATERIALIZED VIEW plain_mv AS SELECT id FROM plain")
        assert [u for u in inspect_database(major_db, ("public",)).schema.unmanaged
                if u.kind in ("access method", "table access method")] == []
        conn.execute("CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler; "
                     "CREATE ACCESS METHOD gist2 TYPE INDEX HANDLER gisthandler; "
                     "CREATE TABLE t2 (id int) USING heap2; "
                     "CREATE MATERIALIZED VIEW mv2 USING heap2 AS SELECT id FROM plain; "
                     "CREATE TABLE moved (id int); ALTER TABLE moved SET ACCESS METHOD heap2; "
                     "CREATE TABLE p (id int) PARTITION BY LIST (id); "
                     "CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1) USING heap2")
        parents = conn.info.server_version >= 170000  # 17+: a partitioned table's own method, new partitions take it
        if parents:
            conn.execute("CREATE TABLE pp (id int) PARTITION BY LIST (id) USING heap2; "
                         "CREATE TABLE pp1 PARTITION OF pp FOR VALUES IN (1); "
                         "CREATE TABLE sp (id int) PARTITION BY LIST (id); "
                         "CREATE TABLE sp1 PARTITION OF sp FOR VALUES IN (1); ALTER TABLE sp SET ACCESS METHOD heap2")
        expected_made = [r[0] for r in conn.execute(MADE)]
        expected_using = [r[0] for r in conn.execute(USING)]
    assert expected_made == ["gist2", "heap2"]
    assert expected_using == ["moved using heap2", "mv2 using heap2", "p1 using heap2"] + (
        ["pp using heap2", "pp1 using heap2", "sp using heap2"] if parents else []) + ["t2 using heap2"]
    unmanaged = inspect_database(major_db, ("public",)).schema.unmanaged
    assert sorted(u.name for u in unmanaged if u.kind == "access method") == expected_made
    assert sorted(u.name for u in unmanaged if u.kind == "table access method") == expected_using
    assert {u.schema for u in unmanaged if u.kind == "table access method"} == {"public"}


@pytest.mark.parametrize("major_db", [pytest.param("pg18"), pytest.param("pg16", marks=pytest.mark.slow),
                                      pytest.param("pg15", marks=pytest.mark.slow)], indirect=True)
def test_transforms_are_listed(major_db):
    """CREATE TRANSFORM (PostgreSQL's object_address.sql makes one): neither managed nor listed, so lost silently."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert [u for u in inspect_database(major_db, ("public",)).schema.unmanaged if u.kind == "transform"] == []
        conn.execute("CREATE TRANSFORM FOR int LANGUAGE SQL (FROM SQL WITH FUNCTION prsd_lextype(internal), "
                     "TO SQL WITH FUNCTION int4recv(internal))")
        expected = [r[0] for r in conn.execute(
            "SELECT 'for ' || format_type(trftype, NULL) || ' language ' || lanname FROM pg_transform "
            "JOIN pg_language l ON l.oid = trflang")]
    assert expected == ["for integer language sql"]
    assert [u.name for u in inspect_database(major_db, ("public",)).schema.unmanaged if u.kind == "transform"] == expected
