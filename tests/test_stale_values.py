"""An IMMUTABLE function whose body changes is replaced in place (CREATE OR REPLACE FUNCTION), and Postgres keeps
what the old body computed: an expression index's keys (a table's, an EXCLUDE's, a materialized view's), a STORED
generated column's values, a materialized view's rows (probe32d). generate wrote the migration without a word; it now
names each such object, reached directly or through another managed function (SQL or PL/pgSQL), with the statement
that makes it anew (compare.stale_values), and says nothing of a function no stored value uses, nor of a STABLE one.
The oracle: after the migration, the index answers with the old keys, the EXCLUDE admits a row equal to another under
the new body, the columns and the view hold the old values, until the statements named are run."""

from __future__ import annotations

import psycopg
import pytest
from conftest import migrated_then_described

from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

FUNCTIONS = """CREATE FUNCTION norm(x text) RETURNS text LANGUAGE sql IMMUTABLE RETURN {body};
CREATE FUNCTION outer_norm(x text) RETURNS text LANGUAGE sql IMMUTABLE RETURN norm(x) || '';
CREATE FUNCTION pl_norm(x text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN norm(x); END $$;
CREATE FUNCTION unused(x text) RETURNS text LANGUAGE sql IMMUTABLE RETURN {unused};
CREATE FUNCTION now_ish() RETURNS text LANGUAGE sql STABLE RETURN {stable};
"""
TABLES = """CREATE TABLE t (id int PRIMARY KEY, name text,
  k text GENERATED ALWAYS AS (norm(name)) STORED, k2 text GENERATED ALWAYS AS (pl_norm(name)) STORED,
  plain text GENERATED ALWAYS AS (upper(name)) STORED,
  CONSTRAINT t_ex EXCLUDE USING btree (norm(name) WITH =));
CREATE INDEX t_norm ON t (outer_norm(name));
CREATE INDEX t_plain ON t (lower(name)) WHERE now_ish() IS NOT NULL AND id > 0;
CREATE MATERIALIZED VIEW mv AS SELECT id, norm(name) AS n FROM t;
CREATE MATERIALIZED VIEW mv2 AS SELECT id, name FROM t;
CREATE INDEX mv2_norm ON mv2 (norm(name));
"""
OLD = FUNCTIONS.format(body="lower(x)", unused="x", stable="'a'") + TABLES + \
    "INSERT INTO t (id, name) VALUES (1, 'Ab'), (2, 'CD'); REFRESH MATERIALIZED VIEW mv; REFRESH MATERIALIZED VIEW mv2;"
NEW = FUNCTIONS.format(body="upper(x)", unused="x || 'u'", stable="'b'") + TABLES


def test_what_the_old_body_computed_is_named_with_its_statement(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with migrated_then_described(db_url, schema, out, OLD, NEW) as (_, old_files):
        pass
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    assert all(" calls norm (IMMUTABLE" in n for n in result.notices if ": run " in n), result.notices
    said = sorted(n.split(" calls ")[0] + " -> " + n.split(": run ")[1] for n in result.notices if ": run " in n)
    assert said == ['warning: generated column t.k -> UPDATE t SET "name" = "name";',
                    'warning: generated column t.k2 -> UPDATE t SET "name" = "name";',
                    "warning: index mv2_norm on mv2 -> REINDEX INDEX mv2_norm;",
                    "warning: index t_ex on t -> REINDEX INDEX t_ex;",
                    "warning: index t_norm on t -> REINDEX INDEX t_norm;",
                    "warning: materialized view mv -> REFRESH MATERIALIZED VIEW mv;"], result.notices
    new_files = [m for m in Layout(out).migrations() if m.path not in old_files]
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, new_files, record=False)
        assert conn.execute("SELECT norm('Ab'), unused('x'), now_ish()").fetchone() == ("AB", "xu", "b")
        conn.execute("SET enable_seqscan = off")
        # the index keeps the old keys: looking up the new value through it finds nothing, the old one finds a row
        # whose outer_norm(name) is not that value
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN SELECT id FROM t WHERE outer_norm(name) = 'AB'"))
        assert "t_norm" in plan, plan
        assert conn.execute("SELECT id FROM t WHERE outer_norm(name) = 'AB'").fetchall() == []
        assert conn.execute("SELECT id FROM t WHERE outer_norm(name) = 'ab'").fetchall() == [(1,)]
        assert conn.execute("SELECT id FROM mv2 WHERE norm(name) = 'ab'").fetchall() == [(1,)]
        # the EXCLUDE's index keeps row 1's old key 'ab': a row equal to it under the new body ('aB' -> 'AB') goes in
        conn.execute("INSERT INTO t (id, name) VALUES (3, 'aB')")
        conn.execute("DELETE FROM t WHERE id = 3")
        assert conn.execute("SELECT k, k2, norm(name) FROM t ORDER BY id").fetchall() == [
            ("ab", "ab", "AB"), ("cd", "cd", "CD")]
        assert conn.execute("SELECT n FROM mv ORDER BY id").fetchall() == [("ab",), ("cd",)]
        for n in result.notices:  # the statements named make them anew
            if ": run " in n:
                conn.execute(n.split(": run ")[1])
        assert conn.execute("SELECT id FROM t WHERE outer_norm(name) = 'AB'").fetchall() == [(1,)]
        assert conn.execute("SELECT id FROM mv2 WHERE norm(name) = 'AB'").fetchall() == [(1,)]
        with pytest.raises(psycopg.errors.ExclusionViolation):
            conn.execute("INSERT INTO t (id, name) VALUES (3, 'aB')")
        assert conn.execute("SELECT k, k2 FROM t ORDER BY id").fetchall() == [("AB", "AB"), ("CD", "CD")]
        assert conn.execute("SELECT n FROM mv ORDER BY id").fetchall() == [("AB",), ("CD",)]


CHECKED = """CREATE FUNCTION parity(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN {body};
CREATE FUNCTION unused_parity(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN 0;
CREATE DOMAIN even AS int CONSTRAINT even_check CHECK (parity(VALUE) = 0);
CREATE TABLE c (id int PRIMARY KEY, n int CONSTRAINT c_n_check CHECK (parity(n) = 0), e even,
                m int CONSTRAINT c_m_check CHECK (unused_parity(m) = 0));
CREATE TABLE r (id int, n int) PARTITION BY LIST (parity(n));
CREATE TABLE r0 PARTITION OF r FOR VALUES IN (0);
CREATE TABLE r1 PARTITION OF r FOR VALUES IN (1);
"""


def test_rows_the_old_body_checked_or_routed_are_named_with_the_statements_that_check_them(db_url, tmp_path):
    """A CHECK of a table, a domain's CHECK and a partition key over an IMMUTABLE function whose body is replaced:
    Postgres keeps the rows the old body let in or routed (VALIDATE CONSTRAINT skips a valid constraint, an UPDATE moves
    no row; a domain's VALIDATE CONSTRAINT does read them), and generate said nothing. Now each is named with statements that check the rows under the new body, which
    Postgres refuses here (one row of each fails it); a CHECK over a function kept as it was is not named."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = CHECKED.format(body="x % 2") + "INSERT INTO c VALUES (1, 2, 4, 0); INSERT INTO r VALUES (1, 1), (2, 2);"
    with migrated_then_described(db_url, schema, out, old, CHECKED.format(body="(x + 1) % 2")) as (_, old_files):
        pass
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    said = sorted(n.split(" calls ")[0] for n in result.notices if " calls parity (IMMUTABLE" in n)
    assert said == ["warning: CHECK c_n_check on c", "warning: CHECK even_check of domain even",
                    "warning: partition key of r"], result.notices
    statements = [n.split(": run ", 1)[1].split(" (a row it refuses")[0] for n in sorted(result.notices)
                  if " calls parity (IMMUTABLE" in n]
    new_files = [m for m in Layout(out).migrations() if m.path not in old_files]
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, new_files, record=False)
        # what the old body let in and routed is still there, under constraints Postgres holds valid
        assert conn.execute("SELECT parity(n), parity(e) FROM c").fetchall() == [(1, 1)]
        assert conn.execute("SELECT bool_and(convalidated) FROM pg_constraint WHERE conname IN "
                            "('c_n_check', 'even_check')").fetchone() == (True,)
        conn.execute("ALTER TABLE c VALIDATE CONSTRAINT c_n_check")  # (a valid one: nothing read)
        assert conn.execute("SELECT tableoid::regclass::text, parity(n) FROM r ORDER BY n").fetchall() == [
            ("r1", 0), ("r0", 1)]
    checks, move = statements[:3], statements[2].split("; or move each row where the new body routes it: run ")[1]
    checks[2] = checks[2].split("; or move")[0] + ";"
    assert move == "UPDATE r SET n = n;", statements
    for statement in checks:  # (c_n_check, even_check, r's partitions, in that order)
        with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.CheckViolation) as refused:
            conn.execute(statement)
        assert "violate" in str(refused.value), statement
    with psycopg.connect(db_url) as conn:  # (each rolled back: as they were)
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conname IN ('c_n_check', 'even_check') "
                            "AND convalidated").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'r'::regclass").fetchone() == (2,)
        conn.execute(move)
        assert conn.execute("SELECT tableoid::regclass::text, parity(n) FROM r ORDER BY n").fetchall() == [
            ("r0", 0), ("r1", 1)]
        conn.execute(checks[2])  # (now every row is where its bound says)
