"""Options naming a credential (a wrapper's `api_key`, a server's `password` and `passfile`, a foreign table's and a
foreign column's `password`/`secret_token`: a wrapper without a validator takes any key) on a real server: inspect
writes neither their keys nor their values into schema.yaml, generate neither into state.json nor the migration,
which applies to an empty database with the other options alone (pg_foreign_server, pg_foreign_data_wrapper,
pg_foreign_table, pg_attribute read by the test's own SQL); inspect and diff list them as not managed by key alone;
diff is clean with and without such an option on the database (the test's own ALTER SERVER). One schema.yaml
declares is warned at its line (never its value) and written by the migration (the user chose to)."""

from __future__ import annotations

import json
import os

import psycopg
import pytest

from schemac.catalog.queries import _read
from schemac.model.credentials import CREDENTIAL_PATTERN, is_credential

SOURCE = """\
CREATE FOREIGN DATA WRAPPER cli_fdw OPTIONS (use_remote_estimate 'true', password 'fdw-shared-secret',
  "API_Key" 'fdw-api-key');
CREATE SERVER cli_server FOREIGN DATA WRAPPER cli_fdw OPTIONS (host 'remote.example.com', port '5432',
  password 'real-user-password', passfile '/etc/secrets/passfile', "SSLPassword" 'ssl-secret');
CREATE USER MAPPING FOR CURRENT_USER SERVER cli_server OPTIONS ("user" 'fdw_reader', password 'mapping-password');
CREATE FOREIGN TABLE cli_table (id integer OPTIONS (column_name 'ident', secret_token 'column-token'), v text)
  SERVER cli_server OPTIONS (schema_name 'remote_schema', password 'table-shared-secret');
"""
VALUES = ("fdw-shared-secret", "fdw-api-key", "real-user-password", "/etc/secrets/passfile", "ssl-secret",
          "mapping-password", "column-token", "table-shared-secret")
KEYS = ("password", "API_Key", "passfile", "SSLPassword", "secret_token")
OPTIONS = """SELECT (SELECT fdwoptions FROM pg_foreign_data_wrapper WHERE fdwname = 'cli_fdw'),
       (SELECT srvoptions FROM pg_foreign_server WHERE srvname = 'cli_server'),
       (SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = 'cli_table'::regclass),
       (SELECT attfdwoptions FROM pg_attribute WHERE attrelid = 'cli_table'::regclass AND attname = 'id')"""
NAMES = ["password", "sslpassword", "SSLPassword", "passfile", "passcode", "api_key", "API_KEY", "apikey",
         "api_key_id", "aws_secret_access_key", "auth_token", "odbc_PWD", "sslkey", "sa_key", "conn_string",
         "private_key", "host", "port", "dbname", "user", "schema_name", "table_name", "column_name", "sslmode",
         "sslcert", "use_remote_estimate", "fetch_size", "filename", "format", "updatable", "keys", "key"]
MAJORS = [pytest.param("pg18"), pytest.param("pg16", marks=pytest.mark.slow),
          pytest.param("pg15", marks=pytest.mark.slow)]


def options(url):
    with psycopg.connect(url) as conn:
        return conn.execute(OPTIONS).fetchone()


def test_the_sql_fragment_holds_the_same_words(db_url):
    """credential_option.sql's regular expression is model.credentials' list, and Postgres's lower() and `~` tell
    the same keys the predicate tells (the one list in both languages)."""
    assert f"'{CREDENTIAL_PATTERN}'" in _read("credential_option")
    fragment = _read("credential_option").rsplit("\n(", 1)[1].rstrip().rstrip(")").replace("{name}", "k")
    with psycopg.connect(db_url) as conn:
        told = dict(conn.execute(f"SELECT k, {fragment} FROM unnest(%s::text[]) k", (NAMES,)).fetchall())
    assert told == {k: is_credential(k) for k in NAMES}
    assert [k for k in NAMES if told[k]] == NAMES[:NAMES.index("host")], told


def _yaml_body(text: str) -> str:
    """schema.yaml without its closing not-managed comment (which names the keys alone)."""
    return "".join(line for line in text.splitlines(True) if not line.startswith("#"))


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_credential_options_never_read_written_nor_drift(tmp_path, major_db, schemac):
    from catalog_oracle import sibling_database
    from sqlx_project import apply_all

    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    assert r.returncode == 0, r.stdout + r.stderr
    text = (tmp_path / "schema.yaml").read_text()
    assert not any(v in text + r.stdout + r.stderr for v in VALUES), text
    body = _yaml_body(text)
    assert not any(k in body for k in KEYS), body
    assert "options: {use_remote_estimate: 'true'}" in body and "options: {host: remote.example.com, port: '5432'}" \
        in body and "options: {schema_name: remote_schema}" in body and "foreign_options: {column_name: ident}" in body, body
    assert "#   credential option (7): server cli_server: SSLPassword, server cli_server: passfile, " \
           "server cli_server: password, wrapper cli_fdw: API_Key, wrapper cli_fdw: password, " \
           "public.cli_table.id: secret_token, public.cli_table: password\n" in text, text
    r = schemac("diff", "--database-url", major_db)  # (no migration yet: no history to compare)
    assert r.returncode == 0 and "credential option" in r.stdout + r.stderr, r.stdout + r.stderr
    assert not any(v in r.stdout + r.stderr for v in VALUES)
    r = schemac("generate", "--name", "base")
    assert r.returncode == 0, r.stdout + r.stderr
    generated = tmp_path / "generated"
    written = "".join(p.read_text() for p in sorted(generated.rglob("*")) if p.is_file())
    assert "state.json" in os.listdir(generated) and "CREATE SERVER cli_server" in written, os.listdir(generated)
    assert not any(v in written for v in VALUES) and not any(k in written for k in KEYS), written
    with sibling_database(major_db) as b:
        apply_all(b, str(generated))
        assert options(b) == (["use_remote_estimate=true"], ["host=remote.example.com", "port=5432"],
                              ["schema_name=remote_schema"], ["column_name=ident"])
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0, r.stdout + r.stderr
        with psycopg.connect(b, autocommit=True) as conn:  # the operator sets the secret by hand, where it runs
            conn.execute("ALTER SERVER cli_server OPTIONS (ADD password 'set-by-hand')")
        assert options(b)[1] == ["host=remote.example.com", "port=5432", "password=set-by-hand"]
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0 and "server cli_server: password" in r.stdout + r.stderr, r.stdout + r.stderr
        assert "set-by-hand" not in r.stdout + r.stderr
        r = schemac("diff", "--database-url", b, "--format", "json", "--strict")
        assert "set-by-hand" not in r.stdout + r.stderr
        assert {"kind": "credential option", "schema": "", "name": "server cli_server: password"} in \
            json.loads(r.stdout)["not_managed"] and r.returncode == 1, r.stdout  # --strict: as a user mapping

        # Declared by hand in schema.yaml: warned at its line (not its value), written by the migration, no drift.
        declared = text.replace("options: {host: remote.example.com, port: '5432'}",
                                "options: {host: remote.example.com, port: '5432', passfile: /run/typed}")
        assert declared != text
        (tmp_path / "schema.yaml").write_text(declared)
        line = declared[:declared.index("passfile: /run/typed")].count("\n") + 1
        r = schemac("generate", "--name", "typed")
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"schema.yaml:{line}:" in r.stderr and "option passfile of foreign server 'cli_server' names a " \
            "credential" in r.stderr and "/run/typed" not in r.stderr, r.stderr
        sql = "".join(p.read_text() for p in sorted((generated / "migrations").glob("*typed*.sql")))
        assert "ALTER SERVER cli_server OPTIONS (ADD passfile '/run/typed');" in sql, sql
        r = schemac("diff", "--database-url", b, "--out", "elsewhere")  # (no history) the database lacks it: no drift
        assert r.returncode == 0 and "/run/typed" not in r.stdout, r.stdout + r.stderr
        apply_all(b, str(generated))
        assert options(b)[1] == ["host=remote.example.com", "port=5432", "password=set-by-hand", "passfile=/run/typed"]
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0 and "/run/typed" not in r.stdout + r.stderr.replace(f"schema.yaml:{line}", ""), \
            r.stdout + r.stderr

        # rebuild-state reads the migrations' result back from a database: it records the option they set (their own
        # value, which schema.yaml declared), so the next generate does not add it again (Postgres: "option
        # "passfile" provided more than once"); the one set by hand on `b` is in no migration, nor in the record.
        r = schemac("rebuild-state", "--dev-url", major_db)
        assert r.returncode == 0, r.stdout + r.stderr
        state = (generated / "state.json").read_text()
        assert "/run/typed" in state and "set-by-hand" not in state and not any(v in state for v in VALUES), state
        r = schemac("generate", "--name", "after_rebuild")
        assert r.returncode == 0 and "No changes" in r.stdout + r.stderr, r.stdout + r.stderr
