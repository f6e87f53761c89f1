"""`generate --check` answered from state.json (commands/unchanged.py, issue 15): the same output and exit
status as the full run, and the full run whenever the record cannot answer alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import catchable_end
from schemac import cli
from schemac.commands import unchanged

HERE = Path(__file__).parent
SCHEMAS = {"everything": HERE / "fixtures" / "everything.yaml", "objects": HERE / "fixtures" / "objects.yaml",
           "repository": HERE.parent / "schema.yaml"}

SIMPLE = """\
tables:
  accounts:
    columns:
      id: {type: bigint, primary_key: true}
      email: {type: text, nullable: false}
    unique:
      - columns: [email]
"""


def run(*args: str):
    with catchable_end():
        r = CliRunner().invoke(cli.main, list(args))
    return r.exit_code, r.stdout, r.stderr


def both(monkeypatch, *args: str):
    """(quick answer or None, output of the run as the CLI does it, output of the full run)."""
    answer = unchanged.unchanged_check("schema.yaml", "generated")
    as_run = run("generate", "--check", *args)
    with monkeypatch.context() as m:
        m.setattr(unchanged, "unchanged_check", lambda *_: None)
        full = run("generate", "--check", *args)
    return answer, as_run, full


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", SCHEMAS)
def test_answer_is_the_full_runs(project, monkeypatch, name):
    shutil.copy(SCHEMAS[name], project / "schema.yaml")
    code, _, err = run("generate", "--allow-destructive")
    assert code == 0, err
    answer, as_run, full = both(monkeypatch)
    assert as_run == full and full[0] == 0
    if answer is not None:
        assert answer.message + "\n" == full[1]


def test_plain_schema_is_answered_from_the_record(project, monkeypatch):
    (project / "schema.yaml").write_text(SIMPLE)
    assert run("generate")[0] == 0
    answer, as_run, full = both(monkeypatch)
    assert answer is not None and as_run == full
    assert full[1].startswith("No changes: schema.yaml has not changed (last migration: ")


@pytest.mark.parametrize("edit", ["schema", "comment", "deleted_migration", "edited_migration", "other_version",
                                  "broken_record", "no_record", "renamed_from", "repeated_unique", "using"])
def test_full_run_when_the_record_cannot_answer(project, monkeypatch, edit):
    text = SIMPLE
    if edit == "renamed_from":
        text = text.replace("email: {type: text, nullable: false}", "email: {type: text, nullable: false, "
                                                                    "renamed_from: mail}")
    elif edit == "repeated_unique":
        text += "      - columns: [email]\n        name: accounts_email_again\n"
    elif edit == "using":
        text = text.replace("email: {type: text, nullable: false}", "email: {type: text, nullable: false, "
                                                                    "using: email::text}")
    (project / "schema.yaml").write_text(text)
    assert run("generate")[0] == 0
    state = project / "generated" / "state.json"
    (migration,) = sorted((project / "generated" / "migrations").iterdir())
    if edit == "schema":
        (project / "schema.yaml").write_text(text.replace("bigint", "integer"))
    elif edit == "comment":
        (project / "schema.yaml").write_text("# reviewed\n" + text)
    elif edit == "deleted_migration":
        migration.unlink()
    elif edit == "edited_migration":
        migration.write_text(migration.read_text() + "-- edited\n")
    elif edit == "other_version":
        state.write_text(state.read_text().replace('"schemac": "', '"schemac": "0.0.0-other-'))
    elif edit == "broken_record":
        state.write_text(state.read_text()[:200])
    elif edit == "no_record":
        state.unlink()
    answer, as_run, full = both(monkeypatch)
    if edit in ("edited_migration",) and answer is not None:
        pytest.skip("this schemac does not record the last migration's hash")  # (older state format)
    assert answer is None
    assert as_run == full
