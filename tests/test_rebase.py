"""Ways back: `generate` notices a last migration deleted or edited since it was recorded, `rebuild-state`
records what the migrations on disk build, and `rebase` regenerates the second of two branches' migrations
(two real git branches in a temporary repository)."""

from __future__ import annotations

import json
import os
import subprocess

import psycopg
import pytest

from schemac.commands.diff import check_drift
from sqlx_project import SHIPPED, project, run_cli

ALPHA = "  alpha:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
BETA = "  beta:\n    columns:\n      id: {type: bigint, primary_key: true}\n      label: text\n"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return run_cli


def add_table(tmp_path, text: str, at_top: bool) -> None:
    schema = (tmp_path / "schema.yaml").read_text()
    schema = schema.replace("tables:\n", "tables:\n" + text, 1) if at_top else schema + text
    (tmp_path / "schema.yaml").write_text(schema)


def migrations(tmp_path) -> list[str]:
    return sorted(os.listdir(tmp_path / "generated" / "migrations"))


def apply_and_diff(cli, url: str) -> tuple:
    r = cli("apply", "--database-url", url)
    assert r.exit_code == 0, r.output
    return check_drift("schema.yaml", url, out_dir="generated").differences


def test_deleted_last_migration_then_rebuild_state(cli, tmp_path, db_url, server):
    project(tmp_path)
    add_table(tmp_path, ALPHA, at_top=True)
    assert cli("generate", "--name", "add_alpha").exit_code == 0
    add_table(tmp_path, "  oops:\n    columns:\n      id: {type: bigint, default: \"nextval('nosuch')\"}\n", at_top=False)
    assert cli("generate", "--name", "bad").exit_code == 0
    bad = next(n for n in migrations(tmp_path) if n.endswith("_bad.sql"))
    os.unlink(tmp_path / "generated" / "migrations" / bad)  # never applied anywhere
    (tmp_path / "schema.yaml").write_text((tmp_path / "schema.yaml").read_text().split("  oops:")[0] + BETA)
    r = cli("generate")
    assert r.exit_code == 2 and bad in r.stderr and "schemac rebuild-state" in r.stderr, r.output
    assert len(r.stderr.splitlines()) == 1
    r = cli("rebuild-state", "--dev-url", server.url)
    assert r.exit_code == 0 and "add_alpha.sql" in r.stdout, r.output
    assert json.loads((tmp_path / "generated" / "state.json").read_text())["schema_sha256"] == ""
    r = cli("generate", "--name", "add_beta")
    assert r.exit_code == 0 and "1 add table" in r.stdout, r.output  # beta only: alpha is in the migrations
    assert apply_and_diff(cli, db_url) == ()


def test_edited_last_migration_is_noticed_and_can_be_kept(cli, tmp_path, server):
    project(tmp_path)
    add_table(tmp_path, ALPHA, at_top=True)
    assert cli("generate", "--name", "add_alpha").exit_code == 0
    (name,) = [n for n in migrations(tmp_path) if n != SHIPPED]
    path = tmp_path / "generated" / "migrations" / name
    path.write_text(path.read_text().replace("id BIGINT", "id INTEGER"))  # a hand edit, meant
    (tmp_path / "schema.yaml").write_text((tmp_path / "schema.yaml").read_text().replace("bigint", "integer", 1))
    r = cli("generate")
    assert r.exit_code == 2 and f"{name} was edited after" in r.stderr and "rebuild-state" in r.stderr, r.output
    assert cli("rebuild-state", "--dev-url", server.url).exit_code == 0
    r = cli("generate")
    assert r.exit_code == 0 and "No changes" in r.stdout, r.output  # schema.yaml says what the edit made


# -- two branches ----------------------------------------------------------------------------------------------

@pytest.fixture
def git(tmp_path, monkeypatch):
    for var in ("GIT_AUTHOR", "GIT_COMMITTER"):
        monkeypatch.setenv(f"{var}_NAME", "schemac test")
        monkeypatch.setenv(f"{var}_EMAIL", "test@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        r = subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 or not check, r.stdout + r.stderr
        return r

    return run


def two_branches(cli, git, tmp_path) -> None:
    """main with the shipped migration; branch a adds table alpha, branch b adds table beta (each with its
    migration and state.json); a is merged into main first."""
    project(tmp_path)
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "start")
    git("checkout", "-q", "-b", "a")
    add_table(tmp_path, ALPHA, at_top=True)
    assert cli("generate", "--name", "add_alpha").exit_code == 0
    git("add", ".")
    git("commit", "-q", "-m", "alpha")
    git("checkout", "-q", "main")
    git("checkout", "-q", "-b", "b")
    add_table(tmp_path, BETA, at_top=False)
    assert cli("generate", "--name", "add_beta", "-m", "Story 9: beta").exit_code == 0
    git("add", ".")
    git("commit", "-q", "-m", "beta")
    git("checkout", "-q", "main")
    git("merge", "-q", "--ff-only", "a")
    git("checkout", "-q", "b")


def test_rebase_the_branch_merged_second(cli, git, tmp_path, db_url):
    two_branches(cli, git, tmp_path)
    old_beta = next(n for n in migrations(tmp_path) if n.endswith("_add_beta.sql"))
    assert git("merge", "main", check=False).returncode == 1  # state.json conflicts; schema.yaml merges
    assert "<<<<<<<" in (tmp_path / "generated" / "state.json").read_text()
    alpha = next(n for n in migrations(tmp_path) if n.endswith("_add_alpha.sql"))
    staging_files = [SHIPPED, alpha]
    r = cli("rebase")
    assert r.exit_code == 0, r.output
    assert f"Dropped generated/migrations/{old_beta} (not on MERGE_HEAD)" in r.stdout
    files = migrations(tmp_path)
    (beta,) = [n for n in files if n.endswith("_add_beta.sql")]
    assert files == [SHIPPED, alpha, beta] and beta > alpha  # after main's, whatever the clocks said
    text = (tmp_path / "generated" / "migrations" / beta).read_text()
    assert "-- Story 9: beta" in text and "CREATE TABLE" in text and "alpha" not in text
    assert cli("generate", "--check").exit_code == 0
    git("add", "generated")
    git("commit", "-q", "--no-edit")
    # staging had main's migrations applied: only the regenerated one runs, and the result is schema.yaml
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout("generated").migrations() if m.filename in staging_files])
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 0 and r.stdout.count("Applied ") == 2 and beta in r.stdout, r.output
    assert check_drift("schema.yaml", db_url, out_dir="generated").differences == ()


def test_rebase_during_git_rebase(cli, git, tmp_path, monkeypatch):
    two_branches(cli, git, tmp_path)
    r = cli("rebase")  # no merge or rebase in progress: which branch goes first cannot be guessed
    assert r.exit_code == 2 and "--onto" in r.stderr
    assert git("rebase", "main", check=False).returncode != 0  # stops on state.json
    r = cli("rebase")
    assert r.exit_code == 0 and "(not on HEAD)" in r.stdout, r.output
    files = migrations(tmp_path)
    assert len(files) == 3 and files[1].endswith("_add_alpha.sql") and files[2].endswith("_add_beta.sql")
    git("add", "generated")
    monkeypatch.setenv("GIT_EDITOR", "true")
    git("rebase", "--continue")
    assert cli("generate", "--check").exit_code == 0


def test_rebase_touches_nothing_when_it_cannot_regenerate(cli, git, tmp_path):
    two_branches(cli, git, tmp_path)
    (tmp_path / "generated" / "migrations" / "20000101000000_by_hand.sql").write_text("SELECT 1;\n")
    git("add", ".")
    git("commit", "-q", "-m", "by hand")
    git("merge", "main", check=False)

    def files() -> dict:
        paths = [tmp_path / "generated" / "migrations" / n for n in migrations(tmp_path)]
        return {p.name: p.read_bytes() for p in paths + [tmp_path / "generated" / "state.json"]}

    before = files()
    r = cli("rebase")
    assert r.exit_code == 2 and "20000101000000_by_hand.sql" in r.stderr and "not written by" in r.stderr, r.output
    assert files() == before
    os.unlink(tmp_path / "generated" / "migrations" / "20000101000000_by_hand.sql")
    del before["20000101000000_by_hand.sql"]
    (tmp_path / "schema.yaml").write_text((tmp_path / "schema.yaml").read_text().replace(BETA, ""))
    (tmp_path / "schema.yaml").write_text((tmp_path / "schema.yaml").read_text().replace("      created_at:", "#"))
    r = cli("rebase")  # the merged schema.yaml drops a column: refused without --allow-destructive
    assert r.exit_code == 1 and "back as they were" in r.stderr, r.output
    assert files() == before
