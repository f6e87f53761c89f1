"""Names holding control characters: Postgres takes any character but NUL in a quoted identifier (a line feed, a
carriage return, a tab, ESC, NEL, a bidirectional override), `inspect` writes such a name from a real database,
and `generate` must compile it back, with one warning at the name's line, never refuse it. What the refusal
protected stays so: every place that prints a name (warnings, the drift reports in each format, the migration's
comments) prints it escaped, so no raw control character reaches a terminal, a report or a comment line.

The oracle: the names pg_catalog holds in the database built from the migration (tables, columns, indexes, check
constraints, the roles granted to, through aclexplode) against the database inspected, the rows kept through a
second migration, and each output's characters."""

from __future__ import annotations

import json

import psycopg
import pytest
import yaml

from catalog_oracle import sibling_database
from schemac.commands.diff import check_drift
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

# name -> how every output prints it (errors.printable: Python's escapes)
NAMES = {
    "t\na": "t\\na", "c\rr": "c\\rr", "d\tx": "d\\tx", "e\x1b[31m": "e\\x1b[31m", "f\x85g": "f\\x85g",
    "h\u202ei": "h\\u202ei", "i\x1b[2J": "i\\x1b[2J", "j\x85k": "j\\x85k", "u\u202ev": "u\\u202ev", "k\ry": "k\\ry",
    "ctl41d\nx": "ctl41d\\nx", "ctl41d\x1b[1m": "ctl41d\\x1b[1m",
}
RAW = "".join(sorted({c for name in NAMES for c in name if not c.isprintable()} - {"\n"}))  # CR TAB ESC NEL RLO

SQL = """
DO $$ BEGIN CREATE ROLE U&"ctl41d\\000Ax"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE U&"ctl41d\\001B[1m"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE U&"t\\000Aa" (U&"c\\000Dr" int PRIMARY KEY, U&"d\\0009x" text, U&"e\\001B[31m" text, U&"f\\0085g" int,
                          U&"h\\202Ei" text);
CREATE INDEX U&"i\\001B[2J" ON U&"t\\000Aa" (U&"h\\202Ei");
CREATE INDEX U&"j\\0085k" ON U&"t\\000Aa" (U&"d\\0009x", U&"c\\000Dr");
CREATE TABLE U&"u\\202Ev" (id int REFERENCES U&"t\\000Aa", CONSTRAINT U&"k\\000Dy" CHECK (id > 0));
GRANT SELECT ON U&"t\\000Aa" TO U&"ctl41d\\000Ax";
GRANT INSERT (U&"h\\202Ei") ON U&"t\\000Aa" TO U&"ctl41d\\001B[1m";
ALTER TABLE U&"u\\202Ev" OWNER TO U&"ctl41d\\000Ax";
CREATE VIEW U&"w\\0009v" AS SELECT U&"c\\000Dr", U&"e\\001B[31m" FROM U&"t\\000Aa";
"""

# Every name of the public schema's relations, columns, constraints and the roles granted to: the test's own read.
CATALOG = """
SELECT 'relation', c.relkind::text, c.relname, '' FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')
UNION ALL
SELECT 'column', c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint', c.relname, k.conname, k.contype::text FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
 WHERE c.relnamespace = 'public'::regnamespace AND k.contype = 'c'
UNION ALL
SELECT 'grant', c.relname, r.rolname, x.privilege_type FROM pg_class c, aclexplode(c.relacl) x
  JOIN pg_roles r ON r.oid = x.grantee WHERE c.relnamespace = 'public'::regnamespace AND r.rolname LIKE 'ctl41d%'
UNION ALL
SELECT 'column grant', a.attname, r.rolname, x.privilege_type FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid, aclexplode(a.attacl) x JOIN pg_roles r ON r.oid = x.grantee
 WHERE c.relnamespace = 'public'::regnamespace AND a.attacl IS NOT NULL
ORDER BY 1, 2, 3, 4
"""


def _catalog(url: str) -> list:
    with psycopg.connect(url) as conn:  # (sqlx's own table, which the migrated side holds, left out)
        return [row for row in conn.execute(CATALOG).fetchall() if not any(str(v).startswith("_sqlx") for v in row)]


def _body(text: str) -> str:
    """inspect's YAML without its header comment (which names the database read)."""
    return "".join(line for line in text.splitlines(True) if not line.startswith("#"))


def _visible(text: str) -> bool:
    """No raw control character of the names (a raw line feed: _lines)."""
    return not any(c in RAW for c in text)


def _no_raw_control(sql: str) -> bool:
    """SQL schemac wrote holds no byte below 0x20 but line feeds, no NEL nor bidirectional override: its names are
    written U&"t\\000Aa" (a raw CR is what git's end-of-line conversion rewrites, an ESC repaints a terminal)."""
    return all(c == "\n" or c.isprintable() for c in sql)


def _lines(stderr: str) -> bool:
    """Every line of stderr is one of schemac's own (a name's raw line feed would start a line of its own)."""
    return _visible(stderr) and all(line.startswith("schemac: ") for line in stderr.splitlines())


def test_names_holding_control_characters_round_trip_with_a_warning_each(any_db_url, schemac, tmp_path):
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(SQL)
    inspected = schemac("inspect", "--database-url", any_db_url, "--output", "schema.yaml")
    assert inspected.returncode == 0, inspected.stderr
    assert _lines(inspected.stderr), inspected.stderr
    written = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert _visible(written), written  # YAML escapes: a bidirectional override too ("h\\u202Ei")

    made = schemac("generate", "--out", "generated")
    assert made.returncode == 0, made.stderr
    warned = [line for line in made.stderr.splitlines() if "holds the control character" in line]
    assert all(line.startswith("schemac: warning: schema.yaml:") for line in warned), warned
    assert _lines(made.stderr), made.stderr
    for name, shown in NAMES.items():
        assert sum(f"'{shown}' holds the control character U+" in line for line in warned) == 1, (shown, warned)
    files = Layout(str(tmp_path / "generated")).migrations()
    sql = "".join(open(m.path, encoding="utf-8").read() for m in files)
    comments = [line for line in sql.splitlines() if line.startswith("--")]
    assert all(_visible(line) for line in comments) and "-- Source: schema.yaml" in comments[1], sql
    assert _no_raw_control(sql) and 'U&"t\\000Aa"' in sql, sql

    with sibling_database(any_db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, files)
        assert _catalog(other) == _catalog(any_db_url)
        assert {row[2] for row in _catalog(other)} >= set(NAMES), _catalog(other)
        assert check_drift(str(tmp_path / "schema.yaml"), other).differences == ()
        again = schemac("inspect", "--database-url", other, "--output", "again.yaml")
        assert again.returncode == 0, again.stderr
        assert _body((tmp_path / "again.yaml").read_text(encoding="utf-8")) == \
            _body((tmp_path / "schema.yaml").read_text(encoding="utf-8"))

        # a second migration over rows: a column of such a name added with a default, the rows kept
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute('INSERT INTO "t\na" VALUES (1, \'one\', NULL, 7, \'x\'), (2, NULL, \'two\', NULL, NULL)')
        doc = yaml.safe_load((tmp_path / "schema.yaml").read_text(encoding="utf-8"))
        doc["tables"]["t\na"]["columns"]["m\u202en"] = {"type": "integer", "default": "5"}
        (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        second = schemac("generate", "--out", "generated")
        assert second.returncode == 0 and _lines(second.stderr), second.stderr
        files = Layout(str(tmp_path / "generated")).migrations()
        assert _no_raw_control(open(files[-1].path, encoding="utf-8").read()), files[-1].path
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, files)
            assert conn.execute('SELECT "c\rr", "d\tx", "e\x1b[31m", "f\x85g", "m\u202en" FROM "t\na" '
                                "ORDER BY 1").fetchall() == [(1, "one", None, 7, 5), (2, None, "two", None, 5)]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_drift_reports_print_names_escaped(db_url, schemac, tmp_path, fmt):
    """A database lacking the tables schema.yaml declares: each report names them escaped; json and sarif hold
    the names exactly (a \\u escape is the same string); github's workflow commands stay one a line."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    with sibling_database(db_url) as empty:
        r = schemac("diff", "--database-url", empty, "--schema", "schema.yaml", "--format", fmt)
    assert r.returncode == 1, r.stderr
    assert _visible(r.stdout) and _lines(r.stderr), (r.stdout, r.stderr)
    if fmt in ("json", "sarif"):
        text = json.dumps(json.loads(r.stdout), ensure_ascii=False)
        assert "t\\na" in text and "u\u202ev" in text, r.stdout  # (json.dumps escapes the line feed again)
    else:
        assert "public.t\\na" in r.stdout and "public.u\\u202ev" in r.stdout, r.stdout
    if fmt == "github":
        assert all(line.startswith("::") for line in r.stdout.splitlines()), r.stdout


def test_a_name_holding_nul_is_still_refused(schemac, tmp_path):
    """Postgres holds no NUL in a name: schema.yaml spelling one is refused at the name's line."""
    (tmp_path / "schema.yaml").write_text('tables:\n  "a\\0b": {columns: {x: text}}\n', encoding="utf-8")
    r = schemac("generate", "--dry-run")
    assert r.returncode == 2 and r.stderr.startswith("schemac: error: schema.yaml:2:"), r.stderr
    assert "NUL" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_the_script_of_diff_names_what_it_drops_escaped(db_url, schemac, tmp_path):
    """`diff --sql` over a database holding tables schema.yaml lacks: its `-- DESTRUCTIVE:` comments name them
    escaped (a raw line feed would end the comment and start SQL), and the script applies."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SQL)
    (tmp_path / "schema.yaml").write_text("tables: {}\n", encoding="utf-8")
    r = schemac("diff", "--database-url", db_url, "--schema", "schema.yaml", "--sql")
    assert r.returncode == 1, r.stderr
    comments = [line for line in r.stdout.splitlines() if line.startswith("--")]
    assert any("DESTRUCTIVE" in line and "t\\na" in line for line in comments), r.stdout
    assert all(_visible(line) for line in comments) and _no_raw_control(r.stdout), r.stdout
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(r.stdout)
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                            "AND relkind = 'r'").fetchone()[0] == 0


def test_an_object_not_managed_is_listed_escaped_in_the_closing_comment(db_url, schemac, tmp_path):
    """inspect lists what it does not manage (a conversion here) in schema.yaml's closing comment: a name's raw line
    feed there ended the comment, and the rest of the name was read as YAML (the file refused)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE CONVERSION U&\"cv\\000Ax\\202E\" FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8; "
                     "CREATE TABLE t (a int)")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "#   conversion (1): public.cv\\nx\\u202e\n" in text and _visible(text), text
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 0 and _lines(r.stderr), (r.stdout, r.stderr)
    assert "cv\\nx\\u202e" in r.stdout and _visible(r.stdout), r.stdout
