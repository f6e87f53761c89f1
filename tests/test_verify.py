"""`schemac generate --verify`: a migration is written only once the existing migrations and it, replayed
into a throwaway PostgreSQL, apply and build exactly schema.yaml.

Most tests replay on the test server (`--dev-url`, a scratch database created and dropped there); one
starts the embedded PostgreSQL 18, as `--verify` alone does.
"""

from __future__ import annotations

import json
import os
import re
import uuid

import click
import psycopg
import pytest
from psycopg import conninfo, sql

from schemac.commands.generate import generate
from schemac.commands.rebuild import rebuild_state

BASE = """\
enums:
  mood: [sad, ok]
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      x: integer
      m: mood
"""

# A value added to the enum and used as a default (two files: the value first), a CHECK and an index on
# the existing table (with --concurrently: a `-- no-transaction` file and a VALIDATE file).
CHANGED = """\
enums:
  mood: [sad, ok, happy]
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      x: integer
      m: {type: mood, default: "'happy'"}
    checks:
      x_positive: x > 0
    indexes:
      t_x: {columns: [x]}
"""


def project(path, schema: str = BASE) -> None:
    """A project whose first migration (from BASE) is written; schema.yaml then holds `schema`."""
    os.makedirs(path, exist_ok=True)
    (path / "schema.yaml").write_text(BASE)
    assert generate(str(path / "schema.yaml"), str(path / "generated")).status == "written"
    (path / "schema.yaml").write_text(schema)


def snapshot(path) -> dict[str, bytes]:
    """Every file under generated/, with its bytes (the lock file aside: it is created empty, once)."""
    out = {}
    for root, _, names in os.walk(path / "generated"):
        for n in names:
            if n != ".schemac.lock":
                with open(os.path.join(root, n), "rb") as f:
                    out[os.path.relpath(os.path.join(root, n), path)] = f.read()
    return out


def without_versions(path) -> tuple[list[tuple[str, bytes]], dict]:
    """The new migrations (names without their timestamp, bytes) and state.json without the last file's name."""
    files = sorted((k, v) for k, v in snapshot(path).items() if k.endswith(".sql"))
    state = json.loads((path / "generated" / "state.json").read_text())
    assert state.pop("migration") == os.path.basename(files[-1][0])
    return [(os.path.basename(k).split("_", 1)[1], v) for k, v in files], state


def no_scratch_database_left(server) -> bool:
    with server.admin() as conn:
        return conn.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'schemac_replay_%'").fetchone()[0] == 0


def test_verified_migration_is_the_one_written_without_verify(schemac, tmp_path, server, monkeypatch):
    proven, plain = tmp_path / "proven", tmp_path / "plain"
    project(proven, CHANGED)
    project(plain, CHANGED)
    r = schemac("generate", "--concurrently", "--verify", "--dev-url", server.url, cwd=proven)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("generated/migrations/") == 4  # enum value, main, index, validate
    assert ("Verified: the offline replay of 1 migration(s) from generated/migrations and 4 new one(s) in scratch "
            "database schemac_replay_") in r.stdout and r.stdout.rstrip().endswith("matches schema.yaml.")
    assert no_scratch_database_left(server)
    monkeypatch.chdir(plain)  # the same relative paths as the command's, which the record keeps
    p = generate("schema.yaml", "generated", concurrently=True)
    assert p.status == "written" and "Verified" not in p.message
    assert without_versions(proven) == without_versions(plain)
    assert b"-- no-transaction\n" in dict(without_versions(proven)[0])["update_schema_index_1.sql"]


def test_a_statement_postgres_rejects_writes_nothing(schemac, tmp_path, server):
    """A function that does not exist loads (schema.yaml may name any function, e.g. one an extension or
    another tool creates) and plans fine; Postgres refuses it. Nothing is written, exit 2, and the message
    names the file, the statement and the server's words."""
    project(tmp_path, BASE + "    checks:\n      x_ok: no_such_fn(x) > 0\n")
    before = snapshot(tmp_path)
    r = schemac("generate", "--verify", "--dev-url", server.url)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr
    assert snapshot(tmp_path) == before
    (new_file,) = rejected(r.stderr, "statement: ALTER TABLE t ADD CONSTRAINT x_ok CHECK (no_such_fn(x) > 0);")
    assert new_file.endswith("_update_schema.sql")
    assert no_scratch_database_left(server)


def rejected(message: str, statement: str) -> list[str]:
    """The new file a --verify failure names, checking the message's lines."""
    lines = message.splitlines()
    head = re.fullmatch(r"schemac: --verify: (\S*generated/migrations/\d{14}_\w+\.sql) does not apply; nothing written",
                        lines[0])
    assert head, message
    new_file = head.group(1)
    assert lines[1:3] == [f"{new_file}: {statement}", "server: function no_such_fn(integer) does not exist"], message
    assert lines[3].startswith("hint: No function matches the given name and argument types."), message
    return [new_file]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_rejected_no_transaction_file_writes_nothing(tmp_path, server, dry_run):
    """With --concurrently, the index is a `-- no-transaction` file of its own, run as sqlx runs it (not
    in a transaction); --dry-run verifies too."""
    project(tmp_path, BASE + "    indexes:\n      t_f: {columns: [{expression: no_such_fn(x)}]}\n")
    before = snapshot(tmp_path)
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), concurrently=True, verify=True,
                      dev_url=server.url, dry_run=dry_run)
    assert (result.status, result.sql, result.paths) == ("unverified", "", ())
    (new_file,) = rejected(result.message, "statement: CREATE INDEX CONCURRENTLY IF NOT EXISTS t_f ON public.t((no_such_fn(x)));")
    assert new_file.endswith("_update_schema_index_1.sql")
    assert snapshot(tmp_path) == before


def test_a_statement_of_several_lines_is_shown_whole(tmp_path, server):
    (tmp_path / "schema.yaml").write_text(
        "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      n: {type: bigint, default: \"nextval('missing_seq')\"}\n")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), verify=True, dev_url=server.url)
    assert result.status == "unverified"
    lines = result.message.splitlines()
    assert lines[1].endswith("_create_t.sql: statement:")
    assert lines[2:] == ["  CREATE TABLE IF NOT EXISTS t (", "    id INT PRIMARY KEY,",
                         "    n BIGINT DEFAULT nextval('missing_seq')", "  );",
                         'server: relation "missing_seq" does not exist']
    assert os.listdir(tmp_path / "generated" / "migrations") == []
    assert not (tmp_path / "generated" / "state.json").exists()


def test_a_migration_that_applies_but_does_not_build_schema_yaml_writes_nothing(tmp_path, server):
    """Remaining drift: a hand-written migration (sqlx projects have them) already created `accounts`,
    differently; the new migration's CREATE TABLE IF NOT EXISTS then does nothing, and the database the
    migrations build lacks the column schema.yaml declares. Without --verify it would be written."""
    d = tmp_path / "generated" / "migrations"
    d.mkdir(parents=True)
    (d / "20200101000000_hand_written.sql").write_text("CREATE TABLE accounts (id bigint PRIMARY KEY);\n")
    schema = tmp_path / "schema.yaml"
    schema.write_text("tables:\n  accounts:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
                      "      email: {type: text, nullable: false}\n")
    before = snapshot(tmp_path)
    result = generate(str(schema), str(tmp_path / "generated"), verify=True, dev_url=server.url)
    assert result.status == "unverified"
    assert snapshot(tmp_path) == before
    assert result.message.startswith(f"schemac: --verify: the new migration applies, but the database the migrations "
                                     f"build differs from {schema}; nothing written\n")
    assert f"column email is missing (expected text NOT NULL)  [{schema}:5]" in click.unstyle(result.message)
    assert "offline replay of 1 migration(s) from" in result.message and "and 1 new one(s)" in result.message
    assert no_scratch_database_left(server)
    assert generate(str(schema), str(tmp_path / "generated")).status == "written"  # what --verify stopped


def test_an_existing_migration_that_fails_is_named(tmp_path, server):
    project(tmp_path, BASE.replace("x: integer", "x: bigint"))
    # An earlier migration written by hand (editing the last one that generate wrote is refused before
    # any replay: test_rebase.py).
    first = tmp_path / "generated" / "migrations" / "20000101000000_by_hand.sql"
    first.write_text("SELEKT 1;\n")
    before = snapshot(tmp_path)
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), verify=True, dev_url=server.url)
    assert result.status == "unverified"
    assert result.message.splitlines() == [f"schemac: --verify: the existing migration {first} does not apply; "
                                           "nothing written", 'server: syntax error at or near "SELEKT"']
    assert snapshot(tmp_path) == before


def test_dev_url_errors(schemac, tmp_path):
    project(tmp_path, CHANGED)
    before = snapshot(tmp_path)
    r = schemac("generate", "--no-verify", "--dev-url", "postgresql://u@localhost/x")
    assert r.returncode == 2 and "--dev-url is where --verify replays" in r.stderr
    r = schemac("generate", "--dev-url", "postgresql://u:s3cr3t-pw@127.0.0.1:1/x")  # --verify implied
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "cannot connect to --dev-url postgresql://u:***@127.0.0.1:1/x" in r.stderr and "s3cr3t" not in r.stderr
    assert snapshot(tmp_path) == before


def test_the_setting_and_the_embedded_server(schemac, tmp_path):
    """SCHEMAC_VERIFY=1 makes --verify the default (on the embedded PostgreSQL 18: no --dev-url);
    --no-verify overrides it; --check plans nothing and so verifies nothing."""
    project(tmp_path, CHANGED)
    on = {"SCHEMAC_VERIFY": "1"}
    c = schemac("generate", "--check", env=on)
    assert c.returncode == 1 and "Verified" not in c.stdout
    d = schemac("generate", "--dry-run", "--no-verify", env=on)
    assert d.returncode == 0 and "Verified" not in d.stdout
    r = schemac("generate", env=on)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Verified: the offline replay of 1 migration(s) from generated/migrations and 2 new one(s) in an " \
           "embedded PostgreSQL 18 matches schema.yaml." in r.stdout
    # Nothing changed: nothing to verify (no server is started).
    again = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), verify=True, dev_url="postgresql://nowhere")
    assert again.status == "unchanged" and "Verified" not in again.message


def test_a_dev_url_role_that_is_no_superuser_is_told_what_the_server_warned(tmp_path, server):
    """On a --dev-url role with CREATEDB alone, btree_gist (trusted) is made by the bootstrap superuser, who owns
    its members: the migration's REVOKE on one only warns ('no privileges could be revoked'), and the replay
    differs from schema.yaml. --verify refuses it, and now says why: the server's warning, naming the file;
    rebuild-state's replay says it too."""
    role = f"verify_dev_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(role)))
    try:
        (tmp_path / "schema.yaml").write_text("extensions:\n  - name: btree_gist\n    grants:\n      ROUTINE "
                                              "public.cash_dist(money, money): {revoke: {PUBLIC: [execute]}}\n")
        result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), verify=True,
                          dev_url=conninfo.make_conninfo(server.url, user=role))
        assert result.status == "unverified", result.message
        warned = [n for n in result.notices if n.startswith("warning: ")]
        assert len(warned) == 1 and re.match(r"warning: \S+_update_schema\.sql(:\d+: `[^`]+`)?: Postgres warned: no "
                                             r'privileges could be revoked for "cash_dist" \(the role applying, '
                                             + role + ", neither owns", warned[0]), result.notices
        assert generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated")).status == "written"
        rebuilt = rebuild_state(str(tmp_path / "generated"), dev_url=conninfo.make_conninfo(server.url, user=role))
        assert [line.split(": Postgres warned: ")[1] for line in rebuilt.warnings] == \
            [warned[0].split(": Postgres warned: ")[1]], rebuilt.warnings  # rebuild-state's replay alike
        assert no_scratch_database_left(server)
    finally:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
