"""`schemac diff` against a migrated database with one drift at a time (real servers 18, 16, 15)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time

import psycopg
import pytest
from psycopg import conninfo, sql
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.plan.transactions import PINNED_IN_TRANSACTION
from base_copies import copy_of
from conftest import each_case_on_one_major, one_of_each_class


def sql_script(body: str) -> str:
    """`diff --sql`'s script of statements Postgres takes in one transaction: in a BEGIN ... COMMIT of its own that
    pins the search_path a migration file does (plan.transactions.marked_script)."""
    return f"{PINNED_IN_TRANSACTION}\nBEGIN;\n\nSET LOCAL search_path = public;\n\n{body}\nCOMMIT;\n"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "schema.yaml")
T = "test_integration_correlations"
P = f"public.{T}"


def migrated(url: str) -> str:
    apply_all(url, os.path.join(ROOT, "generated"))
    return url


def yaml_line(text: str) -> int:
    for n, line in enumerate(open(SCHEMA, encoding="utf-8"), 1):
        if text in line:
            return n
    raise AssertionError(text)


# (id, ALTER, kind, path, expected, actual, schema.yaml line marker or None)
DRIFTS = [
    ("type", f"ALTER TABLE {T} ALTER COLUMN pattern TYPE varchar(80)", "column_type_changed", f"{P}.pattern",
     "character varying(50)", "character varying(80)", "pattern:"),
    ("collation", f"ALTER TABLE {T} ALTER COLUMN pattern TYPE varchar(50) COLLATE \"C\"", "column_type_changed",
     f"{P}.pattern", "character varying(50)", 'character varying(50) COLLATE "C"', "pattern:"),
    ("nullability", f"ALTER TABLE {T} ALTER COLUMN confidence DROP NOT NULL", "column_nullability_changed",
     f"{P}.confidence", "NOT NULL", "NULL", "confidence:"),
    ("default-dropped", f"ALTER TABLE {T} ALTER COLUMN created_at DROP DEFAULT", "column_default_changed",
     f"{P}.created_at", "now()", None, "created_at:"),
    ("default-changed", f"ALTER TABLE {T} ALTER COLUMN updated_at SET DEFAULT '2020-01-01'", "column_default_changed",
     f"{P}.updated_at", "now()", "'2020-01-01 00:00:00+00'::timestamp with time zone", "updated_at:"),
    ("default-added", f"ALTER TABLE {T} ALTER COLUMN pattern SET DEFAULT 'x'", "column_default_changed",
     f"{P}.pattern", None, "'x'::character varying", "pattern:"),
    ("column-added", f"ALTER TABLE {T} ADD COLUMN notes text", "unexpected_column", f"{P}.notes", None,
     "text NULL", f"{T}:"),
    ("column-dropped", f"ALTER TABLE {T} DROP COLUMN pattern", "missing_column", f"{P}.pattern",
     "character varying(50) NOT NULL", None, "pattern:"),
    ("index-dropped", "DROP INDEX idx_correlation_integration", "missing_index", f"{P}.idx_correlation_integration",
     "INDEX USING btree (integration_id)", None, "idx_correlation_integration:"),
    ("index-added", f"CREATE INDEX extra_idx ON {T} (pattern)", "unexpected_index", f"{P}.extra_idx", None,
     "INDEX USING btree (pattern)", f"{T}:"),
    ("index-desc-to-asc", f"DROP INDEX idx_correlation_score; CREATE INDEX idx_correlation_score ON {T} "
     "(correlation_score)", "index_changed", f"{P}.idx_correlation_score", "INDEX USING btree (correlation_score DESC)",
     "INDEX USING btree (correlation_score)", "idx_correlation_score:"),
    ("index-columns-changed", f"DROP INDEX idx_correlation_test_case; CREATE INDEX idx_correlation_test_case ON {T} "
     "(test_case_id, pattern)", "index_changed", f"{P}.idx_correlation_test_case",
     "INDEX USING btree (test_case_id)", "INDEX USING btree (test_case_id, pattern)", "idx_correlation_test_case:"),
    ("index-invalid", "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'idx_correlation_test_case'::regclass",
     "index_invalid", f"{P}.idx_correlation_test_case", "VALID", "INVALID", "idx_correlation_test_case:"),
    ("unique-dropped", f"ALTER TABLE {T} DROP CONSTRAINT {T}_test_case_id_integration_id_key", "missing_constraint",
     P, "UNIQUE (test_case_id, integration_id)", None, "- columns: [test_case_id, integration_id]"),
    ("unique-made-deferrable", f"ALTER TABLE {T} DROP CONSTRAINT {T}_test_case_id_integration_id_key, ADD CONSTRAINT "
     f"{T}_test_case_id_integration_id_key UNIQUE (test_case_id, integration_id) DEFERRABLE", "constraint_changed",
     f"{P}.{T}_test_case_id_integration_id_key", "UNIQUE (test_case_id, integration_id)",
     "UNIQUE (test_case_id, integration_id) DEFERRABLE", "- columns: [test_case_id, integration_id]"),
    ("check-changed", f"ALTER TABLE {T} DROP CONSTRAINT {T}_score_range, ADD CONSTRAINT {T}_score_range "
     "CHECK (correlation_score BETWEEN 0 AND 0.5)", "constraint_changed", f"{P}.{T}_score_range",
     "CHECK (correlation_score BETWEEN 0.00 AND 1.00)",
     "CHECK (((correlation_score >= (0)::numeric) AND (correlation_score <= 0.5)))", "_score_range:"),
    ("table-dropped", f"DROP TABLE {T}", "missing_table", P, f"TABLE {P}", None, f"{T}:"),
    ("unlogged", f"ALTER TABLE {T} SET UNLOGGED", "table_logging_changed", P, "LOGGED", "UNLOGGED", f"{T}:"),
    ("extra-table", "CREATE TABLE audit_log (id bigint PRIMARY KEY, body text)", "unexpected_table",
     "public.audit_log", None, "TABLE public.audit_log", None),
]


# Each drift left to -m slow -> the drift of its class the default run takes (conftest.one_of_each_class's rule): the
# same kind of object found changed, missing or extra (a column's type or nullability, its default, an index...).
OF_THE_CLASS_OF = {"collation": "type", "nullability": "type", "default-dropped": "default-changed",
                   "default-added": "default-changed", "column-added": "column-dropped", "index-dropped": "index-added",
                   "index-columns-changed": "index-desc-to-asc", "unique-dropped": "unique-made-deferrable",
                   "check-changed": "unique-made-deferrable", "table-dropped": "extra-table"}
TAKEN = [c.values[0] for c in one_of_each_class([d[0] for d in DRIFTS], OF_THE_CLASS_OF) if not c.marks]


def _migrated_clean(url: str) -> None:
    assert check_drift(SCHEMA, migrated(url)).differences == ()


@pytest.fixture
def base_db(request):
    """A copy of a database migrated by the repository's generated folder and diffed clean against its schema.yaml,
    on the case's major (base_copies: migrated and diffed once per server)."""
    yield from copy_of(request.param, "test_drift", _migrated_clean)


@pytest.mark.parametrize("base_db,case", each_case_on_one_major([pytest.param(d, id=d[0]) for d in DRIFTS], taken=TAKEN),
                         indirect=["base_db"])
def test_single_drift_is_reported_exactly(base_db, schemac, case):
    """One change made by hand to a migrated database diffed clean: exactly one difference, of its kind, at its line.
    The CLI's JSON and text (a process each); the GitHub rendering of the same result in process
    (tests/test_cli_paths.py runs that format through the CLI)."""
    _, alter, kind, path, expected, actual, marker = case
    url = base_db
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(alter)
    r = schemac("diff", "--schema", SCHEMA, "--database-url", url, "--format", "json")
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["in_sync"] is False
    (item,) = doc["differences"]
    assert (item["kind"], item["object"]["path"], item["expected"], item["actual"]) == (kind, path, expected, actual)
    assert item["line"] == (yaml_line(marker) if marker else None)
    # the same item as a GitHub annotation at that line, and as text
    first = check_drift(SCHEMA, url).render("github").splitlines()[0]
    assert first.startswith("::error file=" + SCHEMA.replace(":", "%3A") + ",")
    if marker:
        assert f",line={item['line']}," in first
    text = schemac("diff", "--schema", SCHEMA, "--database-url", url)
    assert text.returncode == 1 and item["message"] in text.stdout and "Drift: 1 difference(s)" in text.stdout
    assert "\x1b[" not in text.stdout  # no color when not a terminal


def test_an_on_only_index_a_partition_lacks_is_said_not_managed(any_db_url, schemac, tmp_path):
    """CREATE INDEX ... ON ONLY a partitioned table, attached on one partition only, stays INVALID (pg_index, the
    oracle): inspect says so, naming ON ONLY as not managed, and diff reports it (never silently valid)."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE m (id int, k int) PARTITION BY RANGE (id); "
                     "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10); "
                     "CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20); "
                     "CREATE INDEX m_k ON ONLY m (k); CREATE INDEX m1_k ON m1 (k); ALTER INDEX m_k ATTACH PARTITION m1_k; "
                     "INSERT INTO m VALUES (1, 1), (11, 2)")
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'm_k'::regclass").fetchone() == (False,)
    r = schemac("inspect", "--database-url", any_db_url, "--output", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "note: index public.m_k is INVALID in the database (made ON ONLY the partitioned table" in r.stderr
    r = schemac("diff", "--database-url", any_db_url, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert [(d["kind"], d["object"]["path"]) for d in json.loads(r.stdout)["differences"]] == \
        [("index_invalid", "public.m.m_k")]
    assert "(made ON ONLY the partitioned table" in json.loads(r.stdout)["differences"][0]["message"]  # (not CONCURRENTLY)


def test_an_on_only_key_a_partition_lacks_is_said_not_managed(any_db_url, schemac, tmp_path):
    """ALTER TABLE ONLY a partitioned table ADD PRIMARY KEY / UNIQUE, its partition left without the key (pg_dump's
    order, stopped before the partition's key is attached; a reduced GitLab structure.sql): the key's index stays
    INVALID (pg_index, the oracle). inspect says so for each, as it does of an index made ON ONLY: schemac makes the
    key on every partition, so a copy built from schema.yaml is not the same database (never silently). diff reports
    each as `index_invalid` (it said nothing: a key's validity was never compared), and its --sql, applied over the
    rows, makes both keys again on the whole tree: every index valid, diff clean."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE ev (id bigint NOT NULL, part int NOT NULL, v text) PARTITION BY LIST (part); "
                     "CREATE TABLE ev_1 PARTITION OF ev FOR VALUES IN (1); "
                     "ALTER TABLE ONLY ev ADD CONSTRAINT ev_pkey PRIMARY KEY (part, id); "
                     "ALTER TABLE ONLY ev ADD CONSTRAINT ev_v_key UNIQUE (part, v); "
                     "INSERT INTO ev VALUES (1, 1, 'a'), (2, 1, 'b')")
        assert conn.execute("SELECT count(*) FROM pg_index WHERE indrelid = 'ev'::regclass AND NOT indisvalid"
                            ).fetchone() == (2,)
    r = schemac("inspect", "--database-url", any_db_url, "--output", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for key in ("ev_pkey", "ev_v_key"):
        assert f"note: key public.ev.{key} is INVALID in the database (made with ALTER TABLE ONLY" in r.stderr, r.stderr
    # diff reports each (schema.yaml describes a key valid on every partition; it said nothing), and --sql makes both
    # again on the whole tree
    r = schemac("diff", "--database-url", any_db_url, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    found = [(d["kind"], d["object"]["type"], d["object"]["path"], d["actual"]) for d in json.loads(r.stdout)["differences"]]
    assert found == [("index_invalid", "primary key", "public.ev.ev_pkey", "INVALID"),
                     ("index_invalid", "unique constraint", "public.ev.ev_v_key", "INVALID")], r.stdout
    assert all("made with ALTER TABLE ONLY" in d["message"] for d in json.loads(r.stdout)["differences"])
    fix = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    with psycopg.connect(any_db_url) as conn:
        conn.execute(fix.stdout)
        assert conn.execute("SELECT count(*) FILTER (WHERE NOT indisvalid), count(*) FROM pg_index WHERE indrelid IN "
                            "('ev'::regclass, 'ev_1'::regclass)").fetchone() == (0, 4)
        assert conn.execute("SELECT * FROM ev").fetchall() == [(1, 1, "a"), (2, 1, "b")]
    assert schemac("diff", "--database-url", any_db_url, cwd=tmp_path).returncode == 0
    # attached on the partition (or made on the whole tree), the keys are valid, and nothing is said
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE ev2 (id bigint NOT NULL, part int NOT NULL, v text) PARTITION BY LIST (part); "
                     "CREATE TABLE ev2_1 PARTITION OF ev2 FOR VALUES IN (1); "
                     "ALTER TABLE ONLY ev2 ADD CONSTRAINT ev2_pkey PRIMARY KEY (part, id); "
                     "ALTER TABLE ONLY ev2_1 ADD CONSTRAINT ev2_1_pkey PRIMARY KEY (part, id); "
                     "ALTER INDEX ev2_pkey ATTACH PARTITION ev2_1_pkey; "
                     "ALTER TABLE ONLY ev2 ADD CONSTRAINT ev2_v_key UNIQUE (part, v); "
                     "ALTER TABLE ONLY ev2_1 ADD CONSTRAINT ev2_1_v_key UNIQUE (part, v); "
                     "ALTER INDEX ev2_v_key ATTACH PARTITION ev2_1_v_key")
    r = schemac("inspect", "--database-url", any_db_url, "--output", "schema.yaml", "--force", cwd=tmp_path)
    assert r.returncode == 0 and "INVALID" not in r.stderr, r.stderr


def test_failed_concurrent_index_build_is_reported_invalid(any_db_url, schemac, tmp_path):
    """CREATE UNIQUE INDEX CONCURRENTLY over duplicates fails and leaves the index behind, INVALID: it
    looks present, Postgres never uses it. diff says so, and --sql rebuilds it."""
    (tmp_path / "schema.yaml").write_text(
        "tables:\n  accounts:\n    columns:\n      id: {type: bigint, primary_key: true}\n      email: text\n"
        "    indexes:\n      accounts_email: {columns: [email], unique: true}\n", encoding="utf-8")
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, email text)")
        conn.execute("INSERT INTO accounts VALUES (1, 'a@x'), (2, 'a@x')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY accounts_email ON accounts (email)")
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email'::regclass"
                            ).fetchone() == (False,)
    r = schemac("diff", "--database-url", any_db_url, "--format", "json", "--sql", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    (item,) = json.loads(r.stderr)["differences"]
    assert (item["kind"], item["object"]["path"], item["expected"], item["actual"], item["line"]) == \
        ("index_invalid", "public.accounts.accounts_email", "VALID", "INVALID", 7)
    assert "is INVALID" in item["message"]
    assert r.stdout == sql_script("DROP INDEX IF EXISTS accounts_email;\n\n"
                                  "CREATE UNIQUE INDEX IF NOT EXISTS accounts_email ON accounts(email);\n"), r.stdout
    fix = r.stdout
    # inspect writes it as declared, and says it is INVALID
    r = schemac("inspect", "--database-url", any_db_url, cwd=tmp_path)
    assert r.returncode == 0 and "accounts_email: {columns: [email], unique: true}" in r.stdout, r.stdout
    assert "note: index public.accounts_email is INVALID in the database" in r.stderr
    # the SQL removes the drift once the duplicate that broke the build is gone
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("DELETE FROM accounts WHERE id = 2")
        conn.execute(fix)
    assert schemac("diff", "--database-url", any_db_url, cwd=tmp_path).returncode == 0


def test_sql_option_prints_the_fix_without_running_it(db_url, schemac):
    url = migrated(db_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {T} ALTER COLUMN confidence DROP NOT NULL")
    # --sql: stdout is the script alone, the report goes to stderr, in every format
    r = schemac("diff", "--schema", SCHEMA, "--database-url", url, "--sql")
    assert r.returncode == 1
    assert r.stdout == sql_script(f"ALTER TABLE {T} ALTER COLUMN confidence SET NOT NULL;\n"), r.stdout
    assert "column confidence: is NULL, expected NOT NULL" in r.stderr and "Drift: 1 difference(s)" in r.stderr
    r2 = schemac("diff", "--schema", SCHEMA, "--database-url", url, "--format", "json")
    assert r2.returncode == 1 and r2.stderr == ""  # still drifted: --sql never runs anything
    assert json.loads(r2.stdout)["summary"]["differences"] == 1
    r3 = schemac("diff", "--schema", SCHEMA, "--database-url", url, "--format", "json", "--sql")
    assert r3.returncode == 1 and r3.stdout == r.stdout
    assert json.loads(r3.stderr) == json.loads(r2.stdout)
    # applied, the script removes the drift
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(r3.stdout)
    assert schemac("diff", "--schema", SCHEMA, "--database-url", url).returncode == 0


def test_sql_marks_what_can_destroy_data(db_url, schemac):
    """A column the database has and schema.yaml lacks: the script drops it, and says so above it."""
    url = migrated(db_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {T} ADD COLUMN notes text")
    r = schemac("diff", "--schema", SCHEMA, "--database-url", url, "--sql")
    assert r.returncode == 1
    assert r.stdout == sql_script(f"-- DESTRUCTIVE: drop column notes of public.{T}: its values are lost\n"
                                  f"ALTER TABLE {T} DROP COLUMN notes;\n"), r.stdout


ENUM_KEY = """enums:
  perm: [READ, ADMINISTER]
tables:
  perms:
    columns:
      p: {type: perm, primary_key: true}
  grants:
    columns:
      entity: {type: integer, nullable: false}
      p: {type: perm, nullable: false}
    primary_key: {columns: [entity, p]}
    foreign_keys:
      - columns: [p]
        references: {table: perms, columns: [p]}
"""


def test_sql_drops_and_adds_an_unnamed_foreign_key_around_both_ends_retyped(any_db_url, schemac, tmp_path):
    """An enum losing a label is made again, both ends of a foreign key between two of its columns retyped: the
    script drops the key before and adds it after, as `generate` does. The key is unnamed in schema.yaml and named in
    the catalog that `diff` reads (grants_p_fkey): it was not found, stayed on, and the printed script failed ('foreign
    key constraint "grants_p_fkey" cannot be implemented'). Applied, the key is there and checked, the rows kept."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TYPE perm AS ENUM ('READ', 'DELETE', 'ADMINISTER'); CREATE TABLE perms (p perm PRIMARY KEY); "
                     "CREATE TABLE grants (entity int, p perm REFERENCES perms (p), PRIMARY KEY (entity, p)); "
                     "INSERT INTO perms VALUES ('READ'), ('ADMINISTER'); INSERT INTO grants VALUES (1, 'ADMINISTER')")
    (tmp_path / "schema.yaml").write_text(ENUM_KEY)
    fix = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    with psycopg.connect(any_db_url) as conn:  # one transaction, as `psql -1` runs it
        conn.execute(fix.stdout)
    with psycopg.connect(any_db_url) as conn:
        assert conn.execute("SELECT conname, confrelid::regclass::text, convalidated FROM pg_constraint "
                            "WHERE conrelid = 'grants'::regclass AND contype = 'f'").fetchall() == [("grants_p_fkey", "perms", True)]
        assert conn.execute("SELECT enum_range(NULL::perm)::text").fetchone() == ("{READ,ADMINISTER}",)
        assert conn.execute("SELECT entity, p::text FROM grants").fetchall() == [(1, "ADMINISTER")]
    assert schemac("diff", "--database-url", any_db_url, cwd=tmp_path).returncode == 0

MOOD = """enums:
  mood: [calm, happy, angry]
tables:
  moods:
    columns:
      id: {type: integer, primary_key: true}
      m: {type: mood, nullable: false, default: "'angry'"}
    checks:
      moods_not_angry_twice: m <> 'angry' OR id > 0
    indexes:
      moods_angry:
        columns: [id]
        where: m = 'angry'
"""


def test_sql_commits_the_values_added_to_an_enum_before_the_rest_uses_them(any_db_url, schemac, tmp_path):
    """A value added to an enum cannot be used in the transaction that added it: `generate` writes the additions in a
    file of their own; the --sql script did not, and run in one transaction (`psql -1`) failed 'unsafe use of new
    value "angry" of enum type mood'. It commits the additions first, and works run by `psql -1 -f` and `psql -f`
    alike: the default, CHECK and index predicate use the new value, the rows kept."""
    old = ("CREATE TYPE mood AS ENUM ('calm', 'happy'); CREATE TABLE moods (id int PRIMARY KEY, m mood NOT NULL "
           "DEFAULT 'calm'); INSERT INTO moods VALUES (1, 'calm'), (2, 'happy')")
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(old)
    (tmp_path / "schema.yaml").write_text(MOOD)
    fix = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    (tmp_path / "fix.sql").write_text(fix.stdout)
    for single in (["-1"], []):
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute("DROP TABLE moods; DROP TYPE mood; " + old)
        run = subprocess.run(["psql", *single, "-X", "-v", "ON_ERROR_STOP=1", "-d", any_db_url, "-f", str(tmp_path / "fix.sql")],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, (single, run.stderr)
        with psycopg.connect(any_db_url) as conn:
            assert conn.execute("SELECT enum_range(NULL::mood)::text").fetchone() == ("{calm,happy,angry}",)
            assert conn.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef "
                                "WHERE adrelid = 'moods'::regclass").fetchone() == ("'angry'::mood",)
            assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'moods_not_angry_twice' "
                                "AND convalidated").fetchone() == (1,)
            assert "WHERE (m = 'angry'::mood)" in conn.execute("SELECT pg_get_indexdef('moods_angry'::regclass)").fetchone()[0]
            assert conn.execute("SELECT id, m::text FROM moods ORDER BY id").fetchall() == [(1, "calm"), (2, "happy")]
        assert schemac("diff", "--database-url", any_db_url, cwd=tmp_path).returncode == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_exits_2_without_password(schemac):
    url = f"postgresql://admin:s3cr3t-pw@127.0.0.1:{_free_port()}/app"
    start = time.monotonic()
    r = schemac("diff", "--schema", SCHEMA, "--database-url", url, "--connect-timeout", "3")
    assert r.returncode == 2
    assert time.monotonic() - start < 30
    out = r.stdout + r.stderr
    assert "s3cr3t-pw" not in out and "Traceback" not in out
    assert out.startswith("schemac: error: cannot connect") and len(out.strip().splitlines()) == 1


def test_database_url_env_and_wrong_password(server, schemac, db_url):
    role = "schemac_pw_role"
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'right-one'").format(sql.Identifier(role)))
    try:
        params = conninfo.conninfo_to_dict(db_url)
        host = params.get("host")
        url = f"postgresql://{role}:wr0ng-pa55@/{params['dbname']}?host={host}"
        r = schemac("diff", "--schema", SCHEMA, env={"DATABASE_URL": url})
        # local socket auth may be trust; either it connects (and reports drift) or fails cleanly
        assert r.returncode in (1, 2)
        assert "wr0ng-pa55" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    finally:
        with server.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_role_without_table_privileges_can_diff(server, db_url, schemac):
    url = migrated(db_url)
    role = "schemac_reader"
    dbname = conninfo.conninfo_to_dict(url)["dbname"]
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC"))
            conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        reader = conninfo.make_conninfo(url, user=role)
        with psycopg.connect(reader) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT count(*) FROM {T}")
        r = schemac("diff", "--schema", SCHEMA, "--database-url", reader)
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        with server.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_bad_schema_file_is_exit_2_before_connecting(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    colums: {}\n")
    r = schemac("diff", "--database-url", "postgresql://u:pw@127.0.0.1:1/x")
    assert r.returncode == 2 and r.stderr.startswith("schemac: error: schema.yaml:3:5: unknown key 'colums'")


def test_one_catalog_read_judged_from_state_json_and_from_schema_yaml_alone(db_url, tmp_path):
    """check_drift(and_alone=True): the database read once and compared with state.json's model and with schema.yaml's
    as the loader builds it without a record (the tests of spellings judge each case both ways so): the same tables
    read serve both, and each finds what `diff` finds its own way (a column dropped by hand, seen in pg_attribute)."""
    from schemac.commands.generate import generate

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("tables:\n  t:\n    columns:\n      id: integer\n      v: text\n  u:\n    columns:\n"
                      "      id: integer\n", encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("ALTER TABLE t DROP COLUMN v")
        assert conn.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'v'"
                            " AND NOT attisdropped").fetchone() == (0,)
    both = check_drift(str(schema), db_url, out_dir=out, and_alone=True)
    alone = both.alone
    assert alone is not None and (both.desired_from, alone.desired_from) == ("state.json", "schema.yaml")
    found = [(d.kind, d.name) for d in both.differences]
    assert found == [(d.kind, d.name) for d in alone.differences] == \
        [(d.kind, d.name) for d in check_drift(str(schema), db_url).differences] and len(found) == 1, found
    assert "v" in found[0][1] and both.sql == alone.sql and "ADD COLUMN v TEXT" in both.sql, both.sql
    assert all(a is b for a, b in zip(both.compared[0].tables, alone.compared[0].tables))  # (one read)
    assert len(both.compared[0].tables) == 2 and both.compared[1] is not alone.compared[1]


def test_inspects_read_judged_against_schema_yaml_as_diff_judges_its_own(db_url, tmp_path):
    """diff.judged_read: schema.yaml compared with the catalog `inspect` read, no read of its own (tests/sqlx_project's
    rebuilt databases): in sync with inspect's own YAML, the difference check_drift finds where schema.yaml has a
    column the table lacks (pg_attribute), and None where schema.yaml names a schema inspect did not read."""
    from schemac.commands.diff import judged_read
    from schemac.commands.inspect import inspect_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id integer)")
        assert conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0"
                            " AND NOT attisdropped").fetchall() == [("id",)]
    inspected = inspect_database(db_url)
    schema = tmp_path / "schema.yaml"
    schema.write_text(inspected.yaml, encoding="utf-8")
    same = judged_read(str(schema), inspected.label, inspected.read)
    assert same is not None and same.differences == (), same
    schema.write_text("tables:\n  t:\n    columns:\n      id: integer\n      v: text\n", encoding="utf-8")
    found = judged_read(str(schema), inspected.label, inspected.read)
    assert found is not None and len(found.differences) == 1 and "ADD COLUMN v TEXT" in found.sql, found
    assert [(d.kind, d.name) for d in found.differences] == \
        [(d.kind, d.name) for d in check_drift(str(schema), db_url).differences]
    schema.write_text("schemas: [app]\ntables:\n  t:\n    columns:\n      id: integer\n", encoding="utf-8")
    assert judged_read(str(schema), inspected.label, inspected.read) is None


def test_a_composite_type_made_again_is_reported_as_changed(any_db_url, schemac, tmp_path):
    """A composite type no column holds whose attributes schema.yaml orders otherwise is made again (no ALTER TYPE
    reorders them), with a composite type and a domain over it: diff reports the type's change as one difference, its
    comment kept none, the holder changed too (an attribute retyped, its comment) one change each, the unchanged
    holder none (not each one missing and unexpected). Its --sql applies: pg_attribute's order and pg_description
    then as schema.yaml has them, diff clean."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE TYPE p AS (b text, a integer); COMMENT ON TYPE p IS 'pp'; "
                     "CREATE TYPE q AS (x p, y integer); COMMENT ON TYPE q IS 'qq'; "
                     "CREATE DOMAIN d AS p; COMMENT ON DOMAIN d IS 'dd'; "
                     "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one')")
    (tmp_path / "schema.yaml").write_text(
        "composite_types:\n  p:\n    attributes: {a: integer, b: text}\n    comment: pp\n"
        "  q:\n    attributes: {x: p, y: bigint}\n    comment: qz\n"
        "domains:\n  d: {type: p, comment: dd}\n"
        "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      v: text\n", encoding="utf-8")
    r = schemac("diff", "--database-url", any_db_url, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    found = [(d["kind"], d["object"]["path"], d["actual"], d["expected"]) for d in json.loads(r.stdout)["differences"]]
    assert found == [("composite_type_changed", "public.p", "TYPE AS (b text, a integer)", "TYPE AS (a integer, b text)"),
                     ("composite_type_changed", "public.q", "TYPE AS (x p, y integer)", "TYPE AS (x p, y bigint)"),
                     ("comment_changed", "public.q", "qq", "qz")], r.stdout
    fix = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    with psycopg.connect(any_db_url) as conn:
        conn.execute(fix.stdout)
        conn.commit()
        assert conn.execute("SELECT t.typname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', '"
                            " ORDER BY a.attnum) FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid "
                            "AND a.attnum > 0 AND NOT a.attisdropped WHERE t.typname IN ('p', 'q') GROUP BY 1 ORDER BY 1"
                            ).fetchall() == [("p", "a integer, b text"), ("q", "x p, y bigint")]
        assert conn.execute("SELECT t.typname, obj_description(t.oid, 'pg_type') FROM pg_type t WHERE t.typname IN "
                            "('d', 'p', 'q') ORDER BY 1").fetchall() == [("d", "dd"), ("p", "pp"), ("q", "qz")]
        assert conn.execute("SELECT d.typbasetype = p.oid FROM pg_type d, pg_type p WHERE d.typname = 'd' AND "
                            "p.typname = 'p'").fetchone() == (True,)
        assert conn.execute("SELECT v FROM t").fetchall() == [("one",)]
    r = schemac("diff", "--database-url", any_db_url, "--format", "json", cwd=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["differences"] == [], r.stdout + r.stderr
