"""Declared queries (issue 16): `queries:` loads strictly, never makes a migration, and `schemac check-queries`
checks them on a real server: EXPLAIN on a database (read only), and offline on synthetic rows at the stated
size; `generate` warns and `check-queries` fails, at the query's line, when an index a query uses is dropped."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import click
import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.commands.queries import check_queries_live, check_queries_offline
from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.queries.fill import fill
from schemac.schemafile.load import load_file, load_text

ROOT = Path(__file__).resolve().parent.parent
NO_DB = {k: None for k in ("DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")}
STORY = ("correlations_of_test_case", "integration_by_score", "top_scores", "upsert_correlation")
SCORE_INDEX = "      idx_correlation_score:\n        columns: [{name: correlation_score, order: desc}]\n"


def _project(tmp_path: Path, drop_score_index: bool = False) -> Path:
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    if drop_score_index:
        text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        assert SCORE_INDEX in text
        (tmp_path / "schema.yaml").write_text(text.replace(SCORE_INDEX, ""), encoding="utf-8")
    return tmp_path


def _line_of(path: Path, query: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == f"      {query}:")


# -- the model ------------------------------------------------------------------------------------------

def test_the_story_queries_are_declared_in_the_shipped_schema():
    schema = load_file(str(ROOT / "schema.yaml"))
    assert [q.name for q in schema.queries] == list(STORY)
    for q in schema.queries:
        assert q.source.line == _line_of(ROOT / "schema.yaml", q.name)
        assert q.tables == ("public.test_integration_correlations",) and q.rows == 1_000_000 and q.p95_ms
    by = {q.name: q for q in schema.queries}
    assert by["top_scores"].uses == ("idx_correlation_score",)
    assert by["upsert_correlation"].writes and not by["top_scores"].writes
    assert by["correlations_of_test_case"].params[0].column == "public.test_integration_correlations.test_case_id"
    integration = schema.tables[0].column("integration_id")
    assert integration.distribution.values == ("booking-com", "airbnb", "vrbo", "hmbn")


T = "tables:\n  t:\n    columns:\n      a: {type: integer, nullable: false}\n      b: text\n"


@pytest.mark.parametrize("text,message", [
    (T + "    queries:\n      q: {sql: SELECT a FROM t, colour: 1}\n", r"schema.yaml:7:33: unknown key 'colour'"),
    (T + "    queries:\n      q: {sql: SELECT a FROM t WHERE a = $1}\n", r"schema.yaml:7:16: query 'q' has 0 param"),
    (T + "    queries:\n      q: {sql: SELECT a FROM t, params: [1]}\n", r"schema.yaml:7:41: query 'q' has 1 param"),
    (T + "    queries:\n      q: {sql: SELECT a FROM u}\n", r"schema.yaml:7:16: sql of query 'q' reads table public.u"),
    (T + "    queries:\n      q: {sql: SELEKT a FROM t}\n", r"schema.yaml:7:16: sql of query 'q'"),
    (T + "    queries:\n      q: {sql: SELECT 1; SELECT 2}\n", r"schema.yaml:7:16: sql of query 'q' must be one statement"),
    (T + "    queries:\n      q: {sql: SELECT a FROM t, p95_ms: 5}\n", r"schema.yaml:7:33: query 'q': a latency budget"),
    (T + "    queries:\n      q: {sql: SELECT a FROM t, p95_ms: -1, rows: 5}\n", r"p95_ms of query 'q' must be a positive"),
    (T + "    queries:\n      q: {sql: SELECT a FROM t, rows: 0}\n", r"rows of query 'q' must be a whole number"),
    (T + "    queries:\n      q: {sql: SELECT a FROM t WHERE a = $1, params: [{column: c}]}\n",
     r"param of query 'q' is drawn from column public.t.c, which schema.yaml does not declare"),
    (T + "queries:\n  q: {sql: SELECT a FROM t WHERE a = $1, params: [{column: a}]}\n",
     r"column of param of query 'q' must be table.column"),
    (T + "    queries:\n      q: {sql: SELECT a FROM t}\nqueries:\n  q: {sql: SELECT b FROM t}\n",
     r"schema.yaml:9:3: query 'q' is declared twice \(first at line 7\)"),
    (T.replace("b: text", "b: {type: text, distribution: {distinct: 3, values: [x]}}"),
     r"distribution of column 'b' of table 't': distinct and values exclude each other"),
    (T.replace("a: {type: integer, nullable: false}", "a: {type: integer, nullable: false, distribution: {null_fraction: 0.5}}"),
     r"the column is NOT NULL"),
    (T.replace("b: text", "b: {type: text, distribution: {values: [x, y], weights: [1]}}"), r"2 values and 1 weights"),
])
def test_queries_load_strictly(text, message):
    with pytest.raises(SchemaFileError, match=message):
        load_text(text, "schema.yaml")


def test_a_top_level_query_over_a_named_schema_loads():
    text = T + "  s.u:\n    name: u\n    schema: s\n    columns: {x: integer}\n" \
               "queries:\n  joined:\n    sql: SELECT t.a FROM t JOIN s.u ON u.x = t.a WHERE t.b = $1\n" \
               "    params: [{column: t.b}]\n    uses: [t_pkey]\n"
    (q,) = load_text(text, "schema.yaml").queries
    assert q.tables == ("public.t", "s.u") and q.table is None and q.params[0].column == "public.t.b"


# -- not DDL --------------------------------------------------------------------------------------------

def test_queries_never_make_a_migration(schemac, tmp_path):
    _project(tmp_path)
    for args in (("generate", "--check"), ("generate",)):
        r = schemac(*args)
        assert r.returncode == 0 and r.stdout.startswith("No changes"), r.stdout + r.stderr
    # An edit of a query alone: still no migration (state.json is re-recorded, the migrations stay as they are).
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8").replace("p95_ms: 20", "p95_ms: 15")
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    assert schemac("generate", "--check").returncode == 0
    r = schemac("generate")
    assert r.returncode == 0 and "no migration written" in r.stdout, r.stdout + r.stderr
    assert sorted(os.listdir(tmp_path / "generated" / "migrations")) == \
        sorted(os.listdir(ROOT / "generated" / "migrations"))
    assert '"p95_ms": 15.0' in (tmp_path / "generated" / "state.json").read_text(encoding="utf-8")


# -- offline: synthetic rows ----------------------------------------------------------------------------

def test_offline_check_passes_on_the_shipped_schema(schemac, tmp_path, server):
    _project(tmp_path)
    r = schemac("check-queries", "--dev-url", server.url, "--rows", "5000", "--runs", "3", "--format", "json",
                env=NO_DB)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["in_sync"] and doc["differences"] == []
    assert [q["name"] for q in doc["queries"]] == list(STORY) and all(q["ok"] for q in doc["queries"])
    assert all(q["runs"] == 3 and q["p95_ms"] is not None and q["rows"] == 5000 for q in doc["queries"])
    assert "Index Scan using idx_correlation_score" in doc["queries"][2]["plan"]


def test_a_dropped_index_makes_generate_warn_and_check_queries_fail(schemac, tmp_path, server):
    _project(tmp_path, drop_score_index=True)
    schema = tmp_path / "schema.yaml"
    lines = {q: _line_of(schema, q) for q in ("integration_by_score", "top_scores")}
    r = schemac("generate", "--dry-run")
    assert r.returncode == 0 and "DROP INDEX IF EXISTS idx_correlation_score" in r.stdout
    assert re.search(r"schemac: warning: this migration drops index idx_correlation_score .* declared queries "
                     rf"'integration_by_score' \(schema.yaml:{lines['integration_by_score']}:7\) and 'top_scores' "
                     rf"\(schema.yaml:{lines['top_scores']}:7\) use", r.stderr), r.stderr

    result = check_queries_offline(str(schema), str(tmp_path / "generated"), server.url, runs=2, rows=12_000)
    text = click.unstyle(result.render("text"))
    assert "query 'top_scores' does not use index idx_correlation_score" in text
    assert re.search(rf"query 'top_scores' uses index idx_correlation_score, which schema.yaml does not declare.*"
                     rf"\[{re.escape(str(schema))}:{lines['top_scores']}\]", text), text
    assert "✓ correlations_of_test_case" in text and "✓ upsert_correlation" in text
    github = result.render("github")
    assert f"::error file={str(schema).replace(':', '%3A')},line={lines['top_scores']},title=schemac check-queries%3A " \
           f"query_index_unused::public.test_integration_correlations.top_scores: query 'top_scores' does not use" \
           in github, github
    results = json.loads(result.render("sarif"))["runs"][0]["results"]
    found = {(x["ruleId"], x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in results}
    assert {("query_index_missing", lines["top_scores"]), ("query_index_unused", lines["top_scores"]),
            ("query_index_missing", lines["integration_by_score"])} <= found


def test_a_missed_budget_fails_at_the_query_line(schemac, tmp_path, server):
    _project(tmp_path)
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8").replace("p95_ms: 20", "p95_ms: 0.000001")
    text = text.replace("p95_ms: 0.000001\n        rows", "p95_ms: 1000\n        p50_ms: 0.000001\n        rows", 1)
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    r = schemac("check-queries", "--dev-url", server.url, "--rows", "2000", "--runs", "2", "--format", "json",
                env=NO_DB)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    found = {(d["kind"], d["object"]["name"], d["line"]) for d in doc["differences"]}
    assert found == {("query_over_budget", q, _line_of(tmp_path / "schema.yaml", q)) for q in STORY}
    assert [d["expected"] for d in doc["differences"]] == ["p50 <= 1e-06 ms"] + ["p95 <= 1e-06 ms"] * 3


@pytest.mark.slow
def test_offline_check_of_the_story_at_a_million_rows(schemac, tmp_path):
    """The issue's acceptance: the embedded server, 1,000,000 rows, the budgets of schema.yaml."""
    _project(tmp_path)
    r = schemac("check-queries", "--format", "json", env=NO_DB)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert all(q["ok"] and q["rows"] == 1_000_000 and q["p95_ms"] <= q["budget_ms"] for q in doc["queries"])
    assert doc["timings_s"]["generate + COPY rows"] + doc["timings_s"]["keys and indexes"] < 120


# -- a live database --------------------------------------------------------------------------------------

def test_live_check_explains_read_only_and_sees_a_lost_index(db_url, tmp_path):
    _project(tmp_path)
    schema = load_file(str(tmp_path / "schema.yaml"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        fill(conn, schema, {"public.test_integration_correlations": 20_000})
        before = conn.execute("SELECT count(*), max(updated_at), sum(correlation_score) "
                              "FROM test_integration_correlations").fetchone()
    path = str(tmp_path / "schema.yaml")
    result = check_queries_live(path, db_url, analyze=True, runs=3)
    assert result.differences == ()
    assert [(x.name, x.ok, x.runs) for x in result.lines] == [(q, True, 3 if q != "upsert_correlation" else 0)
                                                              for q in STORY]
    assert "read-only" in result.lines[3].note

    with psycopg.connect(db_url, autocommit=True) as conn:
        # The upsert was only EXPLAINed: the rows are as they were.
        assert conn.execute("SELECT count(*), max(updated_at), sum(correlation_score) "
                            "FROM test_integration_correlations").fetchone() == before
        conn.execute("DROP INDEX idx_correlation_score")
    result = check_queries_live(path, db_url)
    found = {(d.kind, d.name, d.line) for d in result.differences}
    assert {("query_index_unused", "top_scores", _line_of(tmp_path / "schema.yaml", "top_scores")),
            ("query_index_unused", "integration_by_score", _line_of(tmp_path / "schema.yaml", "integration_by_score")),
            } <= found
    assert {k for k, _, _ in found} <= {"query_index_unused", "query_seq_scan"}
    # diff says which declared queries the missing index served.
    drift = check_drift(path, db_url, history=False)
    (missing,) = [d for d in drift.differences if d.kind == "missing_index"]
    assert "declared queries 'integration_by_score'" in missing.message and "'top_scores'" in missing.message


def test_a_query_that_does_not_run_is_a_finding_and_the_next_one_still_runs(db_url, tmp_path):
    text = ("tables:\n  t:\n    columns:\n      a: {type: integer, primary_key: true}\n"
            "queries:\n  bad_param:\n    sql: SELECT a FROM t WHERE a = $1\n    params: [not-a-number]\n"
            "  good:\n    sql: SELECT a FROM t WHERE a = $1\n    params: [7]\n    uses: [t_pkey]\n")
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a integer PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 5000); ANALYZE t")
    result = check_queries_live(str(tmp_path / "schema.yaml"), db_url)
    assert [(d.kind, d.name, d.line) for d in result.differences] == [("query_failed", "bad_param", 6)]
    assert "invalid input syntax for type integer" in result.differences[0].message
    assert [(x.name, x.ok) for x in result.lines] == [("bad_param", False), ("good", True)]


def test_generate_warns_when_a_used_index_changes_and_names_it_in_no_other_case(schemac, tmp_path):
    _project(tmp_path)
    schema = tmp_path / "schema.yaml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("columns: [{name: correlation_score, order: desc}]",
                                   "columns: [{name: correlation_score, order: desc}, test_case_id]"), encoding="utf-8")
    r = schemac("generate", "--dry-run")
    assert r.returncode == 0 and "DROP INDEX" in r.stdout and "CREATE INDEX" in r.stdout
    assert "schemac: warning: this migration rebuilds index idx_correlation_score" in r.stderr, r.stderr
    # An index no query uses changes without a word.
    schema.write_text(text.replace("        columns: [integration_id]", "        columns: [integration_id, pattern]"),
                      encoding="utf-8")
    r = schemac("generate", "--dry-run")
    assert r.returncode == 0 and "idx_correlation_integration" in r.stdout and "warning" not in r.stderr
