"""Table and column settings no DDL of their own names (Supabase Realtime sets REPLICA IDENTITY FULL on its
tables): REPLICA IDENTITY of a table, and a column's statistics target, storage, compression and options.
Each is inspected, generated into a database built anew, then changed step by step over rows; every step is
judged by SQL of this file over pg_class, pg_index and pg_attribute, besides schemac's own `diff`."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database

from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text

SETUP = """
CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b text);
CREATE UNIQUE INDEX t_a ON t (a);
CREATE TABLE msgs (id bigint PRIMARY KEY, body text);
ALTER TABLE msgs REPLICA IDENTITY FULL;
CREATE TABLE pt (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE UNIQUE INDEX pt_key ON pt (id, at);
ALTER TABLE pt REPLICA IDENTITY USING INDEX pt_key;
CREATE TABLE p1 PARTITION OF pt FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE p1 REPLICA IDENTITY FULL;
"""
ROWS = "INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y'); INSERT INTO msgs VALUES (1, 'hi'); " \
       "INSERT INTO pt VALUES (1, '2024-05-01')"


def replica_identities(url: str) -> list[tuple]:
    """(table, relreplident, the index marked indisreplident) of every table of public, by SQL of this test."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT c.relname::text, c.relreplident::text, (SELECT i.indexrelid::regclass::text FROM pg_index i "
            "WHERE i.indrelid = c.oid AND i.indisreplident) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') "
            "AND c.relname <> '_sqlx_migrations' ORDER BY 1").fetchall()


def _apply(url: str, folder) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(str(folder / "generated")).migrations())


def test_replica_identity_round_trips_and_changes_over_rows(tmp_path, db_url, schemac):
    """Every form is read and written (replica_identity:), made again on a database built anew (a partitioned
    table and its partition each their own), then moved default -> full -> using index -> nothing -> default;
    set again when its index is made again, and moved off an index dropped in the same migration."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SETUP)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    yaml_path = tmp_path / "schema.yaml"
    text = yaml_path.read_text()
    assert r.returncode == 0 and "replica_identity: full" in text and "replica_identity: {index: pt_key}" in text, text
    assert schemac("generate", "--name", "replicated").returncode == 0
    expected = replica_identities(db_url)
    assert expected == [("msgs", "f", None), ("p1", "f", None), ("pt", "i", "pt_key"), ("t", "d", None)]
    with sibling_database(db_url) as b:
        _apply(b, tmp_path)
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute(ROWS)
        assert replica_identities(b) == expected
        assert fingerprint_difference(fingerprint(db_url), fingerprint(b)) == ""
        assert schemac("diff", "--database-url", b).returncode == 0
        t_block = "  t:\n"
        steps = [
            ("    replica_identity: full\n", ("t", "f", None)),
            ("    replica_identity: {index: t_a}\n", ("t", "i", "t_a")),
            ("    replica_identity: {index: t_a}\n", ("t", "i", "t_a")),  # t_a made again (a new key): set again
            ("    replica_identity: nothing\n", ("t", "n", None)),
            ("    replica_identity: {index: t_pkey}\n", ("t", "i", "t_pkey")),  # ... and t_a dropped
            ("", ("t", "d", None)),
        ]
        base = yaml_path.read_text()
        assert t_block in base
        for n, (line, want) in enumerate(steps):
            edited = base.replace(t_block, t_block + line, 1)
            if n == 2:
                edited = edited.replace("t_a: {columns: [a]", "t_a: {columns: [a, id]")
                assert "t_a: {columns: [a, id]" in edited, edited
            if n >= 4:
                edited = edited.replace("    indexes:\n      t_a: {columns: [a], unique: true}\n", "")
                assert "t_a:" not in edited, edited
            yaml_path.write_text(edited)
            r = schemac("generate", "--name", f"step{n}")
            assert r.returncode == 0 and "No changes" not in r.stdout, r.stdout + r.stderr
            _apply(b, tmp_path)
            with psycopg.connect(b) as conn:
                assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2
            assert [x for x in replica_identities(b) if x[0] == "t"] == [want], n
            r = schemac("diff", "--database-url", b)
            assert r.returncode == 0, r.stdout + r.stderr


def test_replica_identity_drift_is_reported(tmp_path, db_url, schemac):
    """A table whose REPLICA IDENTITY was changed by hand is drift, named so."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE msgs (id bigint PRIMARY KEY, body text); ALTER TABLE msgs REPLICA IDENTITY FULL")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE msgs REPLICA IDENTITY DEFAULT")
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 1 and "REPLICA IDENTITY is DEFAULT, expected FULL" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("entry,message", [
    ("replica_identity: partial", "3:23: replica_identity of table 't' must be default, full, nothing or {index: name}"),
    ("replica_identity: {index: t_a, full: true}", "3:36: unknown key 'full' in replica_identity of table 't'"),
    ("replica_identity: {}", "3:23: replica_identity of table 't'"),
])
def test_replica_identity_loader_errors(entry, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(f"tables:\n  t:\n    {entry}\n    columns: {{id: int}}\n", "schema.yaml")
    assert f"schema.yaml:{message}" in str(e.value), str(e.value)
