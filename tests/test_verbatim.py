"""Expressions sqlglot cannot read, kept verbatim (pg.verbatim) instead of refused: a database whose catalog holds
them is inspected (a warning at each one's line, exit 0), generated and rebuilt identically; what is not plausibly
one expression keeps the loader's error (exit 2).

The shapes are real ones, found by loading candidates into PostgreSQL 18 and reading its deparse back: a cast to
`numeric(p,-s)` (negative scale, PostgreSQL 15+: sqlglot's type parser wants a scale >= 0), in every kind of
expression, and policies over XMLTABLE(...) and JSON_TABLE(...) (PostgreSQL 17+), which sqlglot cannot read.
"""

from __future__ import annotations

import re
import subprocess
import sys

import psycopg
import pytest
from catalog_oracle import sibling_database
from sqlx_project import apply_all

from schemac.compare.normalize import normal_form
from schemac.errors import SchemacError
from schemac.pg.calls import called_functions
from schemac.pg.expressions import is_verbatim, referenced_columns
from schemac.pg.verbatim import normal_text, refusal
from schemac.schemafile.load import load_file

SCHEMA = """
CREATE DOMAIN rounded AS numeric CHECK (VALUE::numeric(5,-2) >= 0);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE t (
    id int PRIMARY KEY,
    n numeric DEFAULT 1234::numeric(5,-2),
    r numeric GENERATED ALWAYS AS (n::numeric(5,-2)) STORED,
    d rounded,
    doc xml,
    j jsonb,
    CONSTRAINT t_n_rounded CHECK (n::numeric(5,-2) < 2000)
);
CREATE INDEX t_rounded_idx ON t ((n::numeric(5,-2)));
CREATE STATISTICS t_stats ON (n::numeric(5,-2)), id FROM t;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW WHEN (NEW.n::numeric(5,-2) > 0) EXECUTE FUNCTION touch();
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY t_own ON t USING (EXISTS (SELECT 1 FROM XMLTABLE('/r' PASSING t.doc COLUMNS a int PATH 'a') x
                                        WHERE x.a = t.id));
CREATE POLICY t_json ON t FOR SELECT USING (EXISTS (SELECT 1 FROM JSON_TABLE(t.j, '$[*]' COLUMNS (k int PATH '$.k')) jt
                                                    WHERE jt.k = t.id));
"""
# What each expression is, read back the catalog's way (the oracle compares these, not schemac's model).
CATALOG = """
SELECT 'constraint ' || conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE connamespace = 'public'::regnamespace AND contype = 'c'
UNION ALL SELECT 'default ' || a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
  JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 't'::regclass
UNION ALL SELECT 'index ' || indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
 WHERE indrelid = 't'::regclass
UNION ALL SELECT 'trigger ' || tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 't'::regclass
UNION ALL SELECT 'policy ' || policyname, qual FROM pg_policies WHERE tablename = 't'
UNION ALL SELECT 'statistics ' || stxname, pg_get_statisticsobjdef(oid) FROM pg_statistic_ext
ORDER BY 1
"""


def _catalog(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute(CATALOG).fetchall()


def _load(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.errors.FeatureNotSupported as e:  # a build without libxml
            pytest.skip(f"this server cannot load the case: {e.diag.message_primary}")


def test_inspected_database_with_unreadable_expressions_round_trips(db_url, schemac, tmp_path):
    _load(db_url, SCHEMA)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    warned = [line for line in r.stderr.splitlines() if "kept verbatim" in line]
    # one line each: domain CHECK, default, generated, CHECK, index key, statistics, trigger WHEN, two policies
    assert len(warned) == 9, r.stderr
    assert all(re.match(r"^schemac: warning: schema\.yaml:\d+:\d+: .+: sqlglot cannot read this expression; "
                        r"kept verbatim and compared as text$", line) for line in warned), warned
    r = schemac("generate")
    assert r.returncode == 0, r.stderr
    assert len([line for line in r.stderr.splitlines() if "kept verbatim" in line]) == 9, r.stderr
    with sibling_database(db_url) as rebuilt:
        _rebuilt_alike(db_url, rebuilt, schemac, tmp_path)


def _rebuilt_alike(db_url: str, rebuilt: str, schemac, tmp_path) -> None:
    apply_all(rebuilt, tmp_path / "generated")
    assert _catalog(rebuilt) == _catalog(db_url)  # the oracle: Postgres's own deparse of every expression
    for url in (db_url, rebuilt):
        r = schemac("diff", "--database-url", url)
        assert r.returncode == 0, r.stdout + r.stderr
    with psycopg.connect(rebuilt, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id, n) VALUES (1, 1949)")  # rounds to 1900: passes the CHECK
        assert conn.execute("SELECT r FROM t").fetchone()[0] == 1900  # the generated column rounds too
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("INSERT INTO t (id, n) VALUES (2, 1950)")  # rounds to 2000: refused
        assert conn.execute("SELECT n FROM t WHERE id = 1").fetchone()[0] == 1949
        conn.execute("INSERT INTO t (id) VALUES (3)")
        assert conn.execute("SELECT n FROM t WHERE id = 3").fetchone()[0] == 1200  # the default, rounded


def test_changed_verbatim_check_is_made_again_over_rows(db_url, schemac, tmp_path):
    _load(db_url, "CREATE TABLE t (id int PRIMARY KEY, n numeric, CONSTRAINT c CHECK (n::numeric(5,-2) < 1000));"
                  "INSERT INTO t VALUES (1, 949), (2, 49);")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    assert schemac("generate").returncode == 0  # records the database as it is (its migration is not applied)
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    (tmp_path / "schema.yaml").write_text(text.replace("< (1000)::numeric", "< (2000)::numeric"), encoding="utf-8")
    r = schemac("generate", "--name", "wider")
    assert r.returncode == 0, r.stderr
    migration = sorted((tmp_path / "generated" / "migrations").glob("*_wider.sql"))[0].read_text(encoding="utf-8")
    assert "DROP CONSTRAINT c" in migration and "(2000)::numeric" in migration, migration
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(migration)
        assert conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'c'").fetchone()[0] \
            == "CHECK (((n)::numeric(5,-2) < (2000)::numeric))"
        conn.execute("INSERT INTO t VALUES (3, 1949)")
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 3
    assert schemac("diff", "--database-url", db_url).returncode == 0


def test_in_sync_diff_of_verbatim_expressions_never_imports_sqlglot(db_url, schemac, tmp_path):
    """state.json records a verbatim expression's normal form like any other: the fast path parses nothing."""
    _load(db_url, "CREATE TABLE t (id int PRIMARY KEY, n numeric DEFAULT 1234::numeric(5,-2), "
                  "CONSTRAINT c CHECK (n::numeric(5,-2) < 1000))")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    assert schemac("generate").returncode == 0
    code = "import sys; sys.argv[0] = 'schemac'; from schemac.cli import main; main()"
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", code, "diff", "--database-url", db_url],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    modules = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert r.returncode == 0 and "schemac.compare.differ" in modules, r.stdout + r.stderr
    assert not {m for m in modules if m == "sqlglot" or m.startswith("sqlglot.")}


@pytest.mark.parametrize("text,fragment", [
    ("1; DROP TABLE x", "exactly one SQL expression"),
    ("n > 0); DROP TABLE t; --", "not valid SQL"),
    ("SELECT 1", "not a statement or subquery"),
    ("(SELECT 1)::numeric(5,-2) > 0", "not valid SQL"),  # no subquery in a CHECK: sqlglot's error stays
    ("n::numeric(5,-2) >", "not valid SQL"),
    ("n::numeric(5,-2) > 0 AND", "not valid SQL"),
    ("(n::numeric(5,-2) > 0", "not valid SQL"),
    ("n::numeric(5,-2) > 0)", "not valid SQL"),
    ("n::numeric(5,-2) > 'a", "not valid SQL"),
    ("n::numeric(5,-2), 0", "not valid SQL"),
    ("CASE WHEN n::numeric(5,-2) > 0 THEN true", "not valid SQL"),
    ("JSON_EXISTS(n, '$.a' MAYBE ON ERROR)", "unexpected maybe"),
    ("(" * 40 + "ARRAY[" * 20 + "1" + "]" * 20 + ")" * 40, "nests"),
])
def test_what_is_not_one_expression_keeps_its_error(tmp_path, schemac, text, fragment):
    path = tmp_path / "schema.yaml"
    quoted = text.replace("'", "''")
    path.write_text(f"tables:\n  t:\n    columns:\n      n: numeric\n    checks:\n      c: '{quoted}'\n",
                    encoding="utf-8")
    with pytest.raises(SchemacError) as raised:
        load_file(str(path))
    assert re.match(rf"^{re.escape(str(path))}:6:10: check 'c' ", str(raised.value)), str(raised.value)
    assert fragment in str(raised.value), str(raised.value)
    r = schemac("generate", "--dry-run")
    assert r.returncode == 2 and r.stderr.startswith("schemac: error: schema.yaml:6:10: "), r.stderr


def test_strict_verbatim_refuses(tmp_path, schemac):
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns:\n      n: numeric\n    checks:\n"
                                          "      c: n::numeric(5,-2) > 0\n", encoding="utf-8")
    r = schemac("generate", "--dry-run")
    assert r.returncode == 0 and "CHECK ((n::numeric(5,-2) > 0))" in r.stdout, r.stdout + r.stderr
    assert r.stderr.count("kept verbatim") == 1
    r = schemac("generate", "--dry-run", env={"SCHEMAC_VERBATIM": "error"})
    assert r.returncode == 2 and "schema.yaml:6:10: check 'c': sqlglot cannot read this expression" in r.stderr


def test_a_repeated_column_warns_at_each_line(tmp_path, capsys):
    path = tmp_path / "schema.yaml"
    path.write_text("tables:\n  a:\n    columns: {n: {type: numeric, default: '1::numeric(5,-2)'}}\n"
                    "  b:\n    columns: {n: {type: numeric, default: '1::numeric(5,-2)'}}\n", encoding="utf-8")
    load_file(str(path))
    lines = [line for line in capsys.readouterr().err.splitlines() if "kept verbatim" in line]
    assert [re.search(r"schema\.yaml:(\d+):", line).group(1) for line in lines] == ["3", "5"], lines


def test_what_a_verbatim_expression_is_analysed_for():
    text = '(("Weird N")::numeric(5,-2) > (0)::numeric) AND fn.scale(m) AND lower(t) <> \'x\''
    assert is_verbatim(text)
    assert {"Weird N", "m", "t"} <= referenced_columns(text)  # a superset: what reads a column is never missed
    assert "numeric" not in referenced_columns(text)
    assert called_functions(text) == {("fn", "scale"), ("public", "lower")}
    # blank space and comments outside quotes do not count; inside quotes they do; so does the whole in parentheses
    assert normal_form("(n)::numeric(5, -2)  >  /* c */ 0") == normal_form("((n)::numeric(5,-2) > 0)")
    assert normal_form("(n)::numeric(5,-2) > ' a'") != normal_form("(n)::numeric(5,-2) > 'a'")
    assert normal_text("(a) + (b)") == "(a) + (b)"  # not one pair of parentheses around the whole


def test_refusal_reads_quotes_and_comments_as_postgres_does():
    assert refusal("x = ';' AND y = $$)$$ AND z = E'\\')' /* ; ( */") is None
    assert refusal("x = 1 -- ;") is None
    assert refusal("x = 'open") is not None and refusal("x = 1 /* open") is not None
    assert refusal("DROP TABLE t") is not None and refusal("x = $1") is not None
    assert refusal("EXISTS (SELECT 1)", subqueries=True) is None and refusal("EXISTS (SELECT 1)") is not None
