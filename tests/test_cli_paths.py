"""`schemac diff` flags end to end through the real CLI on a real server: `--format sarif` (validated
against the SARIF 2.1.0 schema) and `--strict` (objects schemac does not manage count as drift); `inspect`'s
summary line."""

from __future__ import annotations

import json

import psycopg
from test_sarif import _valid

SCHEMA = """\
tables:
  orders:
    columns:
      id: {type: bigint, primary_key: true}
      total: {type: "numeric(10,2)", nullable: false}
    indexes:
      orders_total: {columns: [total]}
"""


def _migrated(schemac, tmp_path, url: str) -> None:
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    assert schemac("generate").returncode == 0
    with psycopg.connect(url, autocommit=True) as conn:
        for path in sorted((tmp_path / "generated" / "migrations").iterdir()):
            conn.execute(path.read_text(encoding="utf-8"))


def test_sarif_format_through_the_cli(schemac, tmp_path, db_url):
    _migrated(schemac, tmp_path, db_url)
    r = schemac("diff", "--database-url", db_url, "--format", "sarif")
    assert r.returncode == 0, r.stdout + r.stderr
    log = _valid(r.stdout)
    assert log["runs"][0]["results"] == []
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP INDEX orders_total")
        conn.execute("ALTER TABLE orders ALTER COLUMN total DROP NOT NULL")
    r = schemac("diff", "--database-url", db_url, "--format", "sarif")
    assert r.returncode == 1, r.stdout + r.stderr
    log = _valid(r.stdout)
    results = log["runs"][0]["results"]
    rules = {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    found = {(res["ruleId"], res["locations"][0]["physicalLocation"]["region"]["startLine"]) for res in results}
    assert found == {("missing_index", 7), ("column_nullability_changed", 5)}, results
    assert rules == {"missing_index", "column_nullability_changed"}
    assert all(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "schema.yaml" for res in results)


def test_strict_counts_unmanaged_objects_as_drift(schemac, tmp_path, db_url):
    _migrated(schemac, tmp_path, db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        # A window function (here Postgres's own row_number under another name): a function schemac does not manage.
        conn.execute("CREATE FUNCTION big_sum(a integer, b integer) RETURNS bigint LANGUAGE internal WINDOW "
                     "AS 'window_row_number'")
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 0 and "Not managed by schemac (1): 1 function: public.big_sum" in r.stdout, r.stdout
    r = schemac("diff", "--database-url", db_url, "--strict", "--format", "json")
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert [(d["kind"], d["object"]["path"]) for d in doc["differences"]] == \
        [("unmanaged_object", "public.big_sum")]
    for fmt in ("text", "github", "sarif"):
        strict = schemac("diff", "--database-url", db_url, "--strict", "--format", fmt)
        assert strict.returncode == 1 and "big_sum" in strict.stdout, (fmt, strict.stdout)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP FUNCTION big_sum(integer, integer)")
    assert schemac("diff", "--database-url", db_url, "--strict").returncode == 0


def test_github_annotations_through_the_cli(schemac, tmp_path, db_url):
    """Workflow commands GitHub parses: properties escaped (a ':' or ',' in the path would end them),
    one ::error per difference at its line, the summary, and a notice for what is not managed."""
    _migrated(schemac, tmp_path, db_url)
    odd = tmp_path / "db:1,2"
    odd.mkdir()
    (odd / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    schema = str(odd / "schema.yaml")
    escaped = schema.replace(":", "%3A").replace(",", "%2C")
    r = schemac("diff", "--database-url", db_url, "--schema", schema, "--format", "github")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == f"::notice::schemac: database matches {schema}\n"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP INDEX orders_total")
        # A window function (here Postgres's own row_number under another name): a function schemac does not manage.
        conn.execute("CREATE FUNCTION big_sum(a integer, b integer) RETURNS bigint LANGUAGE internal WINDOW "
                     "AS 'window_row_number'")
    r = schemac("diff", "--database-url", db_url, "--schema", schema, "--format", "github")
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"::error file={escaped},line=7,title=schemac drift%3A missing_index::"
                               "public.orders.orders_total: "), lines
    assert lines[1:] == [f"::error::schemac: 1 difference(s) between the database and {schema}",
                         "::notice::schemac: Not managed by schemac (1): 1 function: public.big_sum"]


def test_text_report_through_the_cli(schemac, tmp_path, db_url):
    """For people: a header per table, one line per difference under it with its line, the verdict."""
    _migrated(schemac, tmp_path, db_url)
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 0 and r.stdout.splitlines()[-1].startswith("In sync: database ") \
        and r.stdout.endswith(" matches schema.yaml.\n"), r.stdout
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP INDEX orders_total")
        conn.execute("ALTER TABLE orders ALTER COLUMN total DROP NOT NULL")
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "public.orders" and lines.count("public.orders") == 1, lines
    assert len(lines) == 4 and all(line.startswith("  ✗ ") for line in lines[1:3]), lines
    assert sorted(line.rsplit("[", 1)[1] for line in lines[1:3]) == ["schema.yaml:5]", "schema.yaml:7]"], lines
    assert lines[3].startswith("Drift: 2 difference(s) in 1 table(s) between database ")


def test_inspect_of_a_schema_the_database_lacks_is_an_error(schemac, tmp_path, db_url):
    """`inspect -n nosuch` (once `--schema nosuch`) used to write `schemas: [nosuch]` and exit 0: now exit 2, one
    line; `--schema`, the schema.yaml file everywhere else, is a usage error here."""
    r = schemac("inspect", "--database-url", db_url, "-n", "public", "--namespace", "nosuch")
    assert r.returncode == 2 and r.stdout == "", r.stdout + r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("schemac: error: database ") and line.endswith(
        " has no schema nosuch (-n/--namespace names a namespace of the database)"), line
    assert schemac("inspect", "--database-url", db_url, "-n", "public").returncode == 0
    old = schemac("inspect", "--database-url", db_url, "--schema", "public")
    assert old.returncode == 2 and "-n/--namespace" in old.stderr and "Traceback" not in old.stderr


def test_inspect_summary_counts_one_in_the_singular(schemac, tmp_path, db_url):
    """`inspect`'s summary line: "1 table", "1 object not managed", never "1 tables"; none or several in the plural."""
    _migrated(schemac, tmp_path, db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION big_sum(a integer, b integer) RETURNS bigint LANGUAGE internal WINDOW "
                     "AS 'window_row_number'")
        conn.execute("CREATE TEXT SEARCH DICTIONARY one_dict (TEMPLATE = simple)")
        tables = conn.execute("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
                              ).fetchone()[0]
    r = schemac("inspect", "--database-url", db_url)
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stderr.splitlines() if x.startswith("schemac: read "))
    assert tables == 1 and "read 1 table, 0 sequences," in line, line
    assert "1 text search dictionary," in line and "0 text search configurations" in line, line
    assert "; 1 object not managed" in line, line
