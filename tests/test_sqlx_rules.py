"""sqlx's own rules for a migrations folder, in `generate`, `diff` and `apply` alike: which files are
migrations (sqlx-core migrate/source.rs `resolve`), a version that is not an integer, two files of one
version, and sqlx.toml (sqlx 0.9 config/migrate.rs: table-name, create-schemas, ignored-chars). Checked
against the real sqlx binary when it is installed."""

from __future__ import annotations

import hashlib
import os
import subprocess

import psycopg
import pytest

from schemac.commands.diff import check_drift, check_drift_offline
from schemac.errors import SchemacError
from schemac.migrations.layout import Layout
from schemac.migrations.sqlx import load_config, parse_version, split_name
from sqlx_project import SHIPPED, project, run_cli
from test_apply import rows, sqlx_binary, sqlx_uri


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return run_cli


def test_which_files_are_migrations():
    # Each as the real sqlx 0.8.6 reads it (tried by hand on a server, and below on the binary when present).
    assert split_name("20300101000000_add_note.sql") == ("20300101000000", "add_note", "simple")
    assert split_name("5_pair.up.sql") == ("5", "pair", "up")
    assert split_name("5_pair.down.sql") == ("5", "pair", "down")
    assert split_name("6_foo.sql.sql") == ("6", "foo", "simple")  # trim_end_matches removes every copy
    assert split_name("abc_x.sql") == ("abc", "x", "simple")  # a migration to sqlx, with a bad version
    for ignored in ("README.md", "notes.sql", "x_y.txt", "1_x.SQL", ".1_x.sql.swp"):
        assert split_name(ignored) is None, ignored
    assert [parse_version(v) for v in ("+1", "-1", "007", "9223372036854775807")] == [1, -1, 7, 2 ** 63 - 1]
    for bad in ("abc", "", " 1", "1 ", "1.0", "9223372036854775808", "١"):
        assert parse_version(bad) is None, bad


def test_the_folder_is_read_as_sqlx_reads_it(tmp_path):
    folder = tmp_path / "generated" / "migrations"
    folder.mkdir(parents=True)
    for name in ("3_c.sql", "1_a.up.sql", "1_a.down.sql", "README.md", "notes.sql", "2_target.sql"):
        (folder / name).write_text("SELECT 1;\n")
    (folder / "4_dir.sql").mkdir()  # not a file: ignored
    (folder / "2_link.sql").symlink_to(folder / "2_target.sql")  # followed, as sqlx's metadata() does
    files, problems = Layout(str(tmp_path / "generated")).scan()
    assert [(m.version, m.filename, m.kind) for m in files] == [
        (1, "1_a.down.sql", "down"), (1, "1_a.up.sql", "up"), (2, "2_link.sql", "simple"),
        (2, "2_target.sql", "simple"), (3, "3_c.sql", "simple")]
    (problem,) = problems
    assert "2_link.sql" in problem and "2_target.sql" in problem and "one version, 2" in problem


@pytest.mark.parametrize("name,needle", [
    ("abc_notes.sql", "'abc' is not an integer version"),
    (SHIPPED.replace("create_correlation_table", "copy"), "have one version, 20261125180615"),
])
def test_a_folder_sqlx_refuses_is_an_error_everywhere(cli, tmp_path, db_url, server, name, needle):
    folder = project(tmp_path, (name, "SELECT 1;\n"))
    for command in (["generate"], ["generate", "--check"], ["apply", "--database-url", db_url]):
        r = cli(*command)
        assert r.exit_code == 2 and needle in r.stderr and name in r.stderr, (command, r.output)
        assert len(r.stderr.splitlines()) == 1
    with pytest.raises(SchemacError, match=needle):  # never "in sync"
        check_drift("schema.yaml", db_url, out_dir="generated")
    with pytest.raises(SchemacError, match=needle):
        check_drift_offline("schema.yaml", "generated", server.url)
    sqlx = sqlx_binary()
    if sqlx is not None and "abc" in name:  # the real sqlx refuses the folder too
        r = subprocess.run([sqlx, "migrate", "run", "--source", folder, "--database-url", sqlx_uri(db_url)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode != 0 and "expected integer version prefix" in r.stdout + r.stderr, r.stdout


def test_sqlx_toml_table_schemas_and_ignored_chars(cli, tmp_path, db_url):
    folder = project(tmp_path)
    (tmp_path / "sqlx.toml").write_text('[migrate]\ntable-name = \'"Schema History"\'\ncreate-schemas = ["audit"]\n'
                                        'ignored-chars = ["\\r"]\n')
    shipped = os.path.join(folder, SHIPPED)
    lf = open(shipped, "rb").read()
    with open(shipped, "wb") as f:  # checked out on Windows: CRLF, which sqlx.toml tells sqlx to ignore
        f.write(lf.replace(b"\n", b"\r\n"))
    r = cli("apply", "--database-url", db_url)
    assert r.exit_code == 0, r.output
    assert rows(db_url, '"Schema History"') == [(20261125180615, "create correlation table", True,
                                                 hashlib.sha384(lf).hexdigest())]
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT to_regclass('_sqlx_migrations'), to_regnamespace('audit') IS NOT NULL"
                            ).fetchone() == (None, True)
    with open(shipped, "wb") as f:
        f.write(lf)  # back to LF: the same checksum for sqlx
    assert cli("apply", "--database-url", db_url).exit_code == 0
    drift = check_drift("schema.yaml", db_url, out_dir="generated")
    assert drift.differences == ()  # the history is read from "Schema History", which is not reported as drift
    with open(shipped, "ab") as f:
        f.write(b"-- edited\n")
    drift = check_drift("schema.yaml", db_url, out_dir="generated")
    assert [d.kind for d in drift.differences] == ["migration_modified"]
    assert '"Schema History"' not in drift.differences[0].message and "Schema History" in drift.differences[0].message
    assert cli("apply", "--database-url", db_url).exit_code == 1


@pytest.mark.parametrize("text,needle", [
    ('[migrate]\ntable_name = "x"\n', "sqlx 0.9 spells it table-name"),
    ('[migrate]\ntable-name = "a.b.c"\n', "is not name, or schema.name"),
    ('[migrate]\ntable-name = "x; DROP TABLE y"\n', "is not name, or schema.name"),
    ('[migrate]\nignored-chars = ["ab"]\n', "one-character strings"),
    ('[migrate\n', "not valid TOML"),
])
def test_bad_sqlx_toml_is_an_error(tmp_path, text, needle):
    (tmp_path / "sqlx.toml").write_text(text)
    with pytest.raises(SchemacError, match=needle):
        load_config(str(tmp_path))


def test_sqlx_toml_names():
    from schemac.migrations.sqlx import parse_name

    assert parse_name("foo._sqlx_migrations") == ("foo", "_sqlx_migrations")
    assert parse_name('"My Schema"."Has ""quotes"""') == ("My Schema", 'Has "quotes"')
    assert parse_name("MixedCase") == ("mixedcase",)
