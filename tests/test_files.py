"""Files: `schemac generate` never loses, rewrites or half-writes a migration.

- concurrent `generate` runs in one directory get distinct versions and whole files (the directory lock);
- a full or read-only `generated/` (real tmpfs mounts; root ignores chmod) fails with exit 2, one line,
  and leaves nothing behind; so does a `generated` that is a file;
- existing migration files are byte-identical (SHA-256) after every command, failed ones included;
- schema.yaml with CRLF line endings is accepted; generated files use LF only (sqlx checksums bytes).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from sqlx_project import apply_all

from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import MIGRATION_RE, Layout, write_new

SCHEMA = """\
tables:
  accounts:
    comment: |
      Accounts,
      one per customer.
    columns:
      id: {type: bigint, primary_key: true}
      email: {type: text, nullable: false, comment: "login; unique"}
    indexes:
      accounts_email: {columns: [email], unique: true}
"""
MORE = SCHEMA + """\
  orders:
    columns:
      id: {type: bigint, primary_key: true}
      total: {type: "numeric(10,2)", default: 0}
"""


def checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every file under generated/ (migrations and state)."""
    out = {}
    if root.exists():
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.name != ".schemac.lock":
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def migration_files(root: Path) -> list[Path]:
    d = root / "migrations"
    return sorted(p for p in d.iterdir() if MIGRATION_RE.match(p.name)) if d.exists() else []


def leftovers(root: Path) -> list[str]:
    """Temp files a command left behind (a crash or a failed write must not leave any)."""
    return [str(p) for p in root.rglob("*") if p.name.endswith(".tmp")] if root.exists() else []


def assert_whole_migration(path: Path) -> None:
    data = path.read_bytes()
    assert b"\r" not in data, f"{path.name}: CR bytes"
    text = data.decode("utf-8")
    assert text.startswith("-- schemac migration: ") and text.endswith(";\n"), f"{path.name} is not whole"
    assert "-- Source: " in text


def assert_one_error_line(r, *fragments):
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("schemac: error: "), r.stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


# -- concurrency -----------------------------------------------------------------------------------------

# One interpreter imports the CLI and generate's modules once and forks the racers of every round (each a process of
# its own, opening the lock file itself after the fork): an interpreter's start-up and generate's imports (sqlglot's:
# ~0.6 s of CPU) per racer were most of these tests' CPU (six racers by default), and the racers were started 0.4 s
# before the start line in the hope that they had imported by then.
_RACERS = """
import os, sys, time
from schemac.cli import main          # imported once, before any racer is forked
import schemac.commands.generate  # noqa: F401 (what `generate` imports when it runs)
for line in sys.stdin:
    project, go, *schemas = line.rstrip("\\n").split("\\t")
    pids = []
    for i, schema in enumerate(schemas):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.chdir(project)
                for fd, end in ((1, "out"), (2, "err")):
                    os.dup2(os.open(f"{go}.{i}.{end}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
                while not os.path.exists(go):
                    time.sleep(0.0005)
                sys.argv = ["schemac", "generate", "--allow-destructive", "--schema", schema]
                try:
                    main()
                    code = 0
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        pids.append(pid)
    print("forked", flush=True)
    print(" ".join(str(os.waitstatus_to_exitcode(os.waitpid(p, 0)[1])) for p in pids), flush=True)
"""


def _race(project: Path, schemas: list[str], rounds: int) -> list[str]:
    """Run `generate` for each schema at once, `rounds` times, each run a process of its own (forked by _RACERS);
    return every racer's stdout."""
    outputs = []
    server = subprocess.Popen([sys.executable, "-c", _RACERS], cwd=project, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        for n in range(rounds):
            go = project / f"go-{n}"
            server.stdin.write("\t".join([str(project), str(go), *schemas]) + "\n")
            server.stdin.flush()
            assert server.stdout.readline() == "forked\n", f"the racers' parent ended (status {server.poll()})"
            go.touch()
            codes = server.stdout.readline().split()
            for i, code in enumerate(codes):
                out, err = (Path(f"{go}.{i}.{end}").read_text(encoding="utf-8") for end in ("out", "err"))
                assert code == "0", out + err
                assert "Traceback" not in err
                outputs.append(out)
            assert len(codes) == len(schemas), codes
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    return outputs


@pytest.mark.parametrize("rounds", [2, pytest.param(8, marks=pytest.mark.slow)])
def test_concurrent_generates_get_distinct_versions_and_whole_files(tmp_path, rounds):
    """Three racers per round, each with another schema: every run writes, none collides. By default a first round and
    one later round (each later round races as the second does: one schema recorded by the round before); -m slow 8."""
    names = []
    for i, extra in enumerate(["a", "b", "c"]):
        (tmp_path / f"{extra}.yaml").write_text(f"tables:\n  t_{extra}:\n    columns: {{id: bigint, v{i}: text}}\n",
                                                 encoding="utf-8")
        names.append(f"{extra}.yaml")
    outputs = _race(tmp_path, names, rounds)
    root = tmp_path / "generated"
    files = migration_files(root)
    versions = [int(MIGRATION_RE.match(p.name).group(1)) for p in files]
    assert len(versions) == len(set(versions)), [p.name for p in files]
    # Every run either wrote one file or saw its schema already recorded. The only no-op a round can have is
    # the racer whose schema the previous round left recorded getting the lock first: >= 3 + 2 per later round.
    wrote = [o for o in outputs if o.startswith("Wrote ")]
    assert all(o.startswith(("Wrote ", "No changes: ")) for o in outputs), outputs
    assert len(files) == len(wrote), ([p.name for p in files], outputs)
    assert len(wrote) >= 3 + 2 * (rounds - 1), outputs
    for p in files:
        assert_whole_migration(p)
    assert not leftovers(root)
    state = json.loads((root / "state.json").read_text())
    assert state["migration"] == files[-1].name  # the record names the newest file


@pytest.mark.parametrize("projects", [2, pytest.param(6, marks=pytest.mark.slow)])
def test_concurrent_identical_generates_write_one_migration(tmp_path, projects):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    for n in range(projects):
        project = tmp_path / f"p{n}"
        project.mkdir()
        shutil.copy(tmp_path / "schema.yaml", project / "schema.yaml")
        _race(project, ["schema.yaml"] * 3, 1)
        files = migration_files(project / "generated")
        assert len(files) == 1, [p.name for p in files]  # the others saw the recorded state: nothing to do
        assert_whole_migration(files[0])
        assert not leftovers(project / "generated")


# -- full and read-only generated/ -------------------------------------------------------------------------------

@pytest.fixture
def tmpfs():
    """A tiny tmpfs mounted for the test (root ignores permissions, not a full or read-only filesystem)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root and mount(8) to make a full or read-only filesystem")
    point = Path(tempfile.mkdtemp(prefix="schemac-tmpfs-"))
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(point)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
        shutil.rmtree(point, ignore_errors=True)


def _fill(point: Path) -> None:
    fd = os.open(point / "ballast", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    try:  # and the last fragments of free space
        for i in range(10_000):
            (point / f"ballast-{i}").write_bytes(b"x" * 512)
    except OSError:
        pass


def test_full_generated_directory_fails_cleanly(schemac, tmp_path, tmpfs):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    out = tmpfs / "generated"
    assert schemac("generate", "--out", str(out)).returncode == 0
    before = checksums(out)
    (tmp_path / "schema.yaml").write_text(MORE, encoding="utf-8")
    _fill(tmpfs)
    r = schemac("generate", "--out", str(out))
    assert_one_error_line(r, "No space left on device")
    assert checksums(out) == before  # no new migration, no half file, state untouched
    assert not leftovers(out)
    # once there is room again the same command works
    for p in tmpfs.glob("ballast*"):
        p.unlink()
    r = schemac("generate", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert len(migration_files(out)) == 2


def test_read_only_generated_directory_fails_cleanly(schemac, tmp_path, tmpfs):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    out = tmpfs / "generated"
    assert schemac("generate", "--out", str(out)).returncode == 0
    before = checksums(out)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    (tmp_path / "schema.yaml").write_text(MORE, encoding="utf-8")
    r = schemac("generate", "--out", str(out))
    assert_one_error_line(r, "Read-only file system")
    assert checksums(out) == before
    # commands that only read still work on a read-only checkout
    assert schemac("generate", "--out", str(out), "--dry-run").returncode == 0
    assert schemac("generate", "--out", str(out), "--check").returncode == 1
    assert checksums(out) == before


def test_generated_is_a_file(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "generated").write_text("not a directory\n")
    r = schemac("generate")
    assert_one_error_line(r, "generated")
    assert (tmp_path / "generated").read_text() == "not a directory\n"


def test_migrations_directory_missing_is_recreated_but_state_says_otherwise(schemac, tmp_path):
    """state.json without its migrations (a bad checkout): generate must not silently start over."""
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    assert schemac("generate").returncode == 0
    shutil.rmtree(tmp_path / "generated" / "migrations")
    for args in (("generate",), ("generate", "--check")):
        r = schemac(*args)
        line = assert_one_error_line(r, "generated/state.json records the schema as of migration ")
        assert "_create_" in line and "is not in generated/migrations" in line, line
    (tmp_path / "schema.yaml").write_text(SCHEMA + "  extra:\n    columns: {a: text}\n", encoding="utf-8")
    assert_one_error_line(schemac("generate"), "is not in generated/migrations")
    assert not migration_files(tmp_path / "generated")  # nothing planned from a record no database can have


# -- existing files are never touched -------------------------------------------------------------------------------

def test_existing_migrations_are_byte_identical_after_every_command(schemac, tmp_path, db_url):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    assert schemac("generate", "-m", "first").returncode == 0
    root = tmp_path / "generated"
    (tmp_path / "schema.yaml").write_text(MORE, encoding="utf-8")
    assert schemac("generate").returncode == 0
    migrations_before = {k: v for k, v in checksums(root).items() if k.startswith("migrations/")}
    commands = [
        ("generate",),                                   # nothing to do
        ("generate", "--dry-run"),
        ("generate", "--check"),
        ("generate", "--name", "Bad Name"),              # refused name
        ("generate", "--schema", "missing.yaml"),        # missing file
        ("diff", "--database-url", db_url),              # drift (empty database)
        ("diff", "--database-url", db_url, "--sql", "--format", "json"),
        ("diff", "--database-url", "postgresql://u:pw@127.0.0.1:1/x", "--connect-timeout", "1"),
    ]
    for args in commands:
        r = schemac(*args)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        now = {k: v for k, v in checksums(root).items() if k.startswith("migrations/")}
        assert now == migrations_before, args
    # a schema change, a broken schema, a destructive change refused: old files stay as they were
    (tmp_path / "schema.yaml").write_text(MORE.replace("default: 0", "default: 1"), encoding="utf-8")
    assert schemac("generate").returncode == 0
    (tmp_path / "schema.yaml").write_text("tables:\n  accounts: [\n", encoding="utf-8")
    assert schemac("generate").returncode == 2
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    assert schemac("generate").returncode == 1  # dropping orders is refused without --allow-destructive
    now = {k: v for k, v in checksums(root).items() if k.startswith("migrations/")}
    assert {k: now[k] for k in migrations_before} == migrations_before
    assert len(now) == len(migrations_before) + 1


def test_an_existing_file_with_the_next_name_is_never_replaced(tmp_path):
    from schemac.errors import SchemacError
    from schemac.migrations.layout import write_new

    target = tmp_path / "20990101000000_x.sql"
    target.write_bytes(b"-- applied somewhere\n")
    with pytest.raises(SchemacError, match="refusing to overwrite"):
        write_new(str(target), "-- new\n")
    assert target.read_bytes() == b"-- applied somewhere\n"
    assert not leftovers(tmp_path)


def _killed_at(monkeypatch, gen, where: str, after: int = 0):
    """Make `gen.<where>` (childwork's write_new, or migrations.state's write_atomic) die like a killed process on its call number
    `after` + 1: nothing of generate's own clean-up runs (a kill runs no except: clause)."""
    real = getattr(gen, where)
    calls = []

    def dying(*a, **k):
        calls.append(a)
        if len(calls) > after:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(gen, where, dying)
    monkeypatch.setattr(gen.os, "unlink", lambda *a, **k: None)


def test_crash_between_migration_and_state_is_recovered(tmp_path, monkeypatch):
    """A generate killed after writing the migration but before recording the state: the next run
    records the state for that file instead of writing the same changes a second time."""
    import schemac.commands.generate as gen
    import schemac.migrations.state as state_module

    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    out = str(tmp_path / "generated")
    _killed_at(monkeypatch, state_module, "write_atomic")  # State.write records the state through it
    with pytest.raises(KeyboardInterrupt):
        gen.generate(str(tmp_path / "schema.yaml"), out)
    monkeypatch.undo()
    first = migration_files(Path(out))
    assert len(first) == 1 and not (Path(out) / "state.json").exists()
    result = gen.generate(str(tmp_path / "schema.yaml"), out)
    assert result.status == "unchanged" and "stopped before recording it" in result.message
    assert migration_files(Path(out)) == first
    assert json.loads((Path(out) / "state.json").read_text())["migration"] == first[0].name


def test_change_written_as_several_files_when_it_needs_many_locks(tmp_path, monkeypatch, db_url):
    """A change that would take more locks than one transaction of a stock server has room for (the first
    migration of thousands of tables) is cut into files, in order; they apply as sqlx would, leave no
    drift, and a kill after some of them is refused, not recorded."""
    import schemac.commands.generate as gen
    import schemac.commands.statement_runs as statement_runs
    import schemac.migrations.childwork as childwork
    from schemac.commands.diff import check_drift

    tables = "".join(f"  t{i}:\n    columns:\n      id: {{type: bigint, primary_key: true}}\n"
                     f"      up: {{type: bigint}}\n      note: {{type: text}}\n"
                     f"    foreign_keys:\n      - {{columns: [up], references: {{table: t{max(i - 1, 0)}, columns: [id]}}}}\n"
                     f"    indexes:\n      t{i}_note: {{columns: [note]}}\n" for i in range(8))
    (tmp_path / "schema.yaml").write_text("tables:\n" + tables, encoding="utf-8")
    monkeypatch.setattr(statement_runs, "LOCKS_PER_FILE", 12)
    out = str(tmp_path / "generated")
    result = gen.generate(str(tmp_path / "schema.yaml"), out, name="init")
    files = migration_files(Path(out))
    assert len(files) > 2, [p.name for p in files]
    assert [p.name.split("_", 1)[1] for p in files] == ["init.sql"] + [f"init_part_{n}.sql" for n in range(2, len(files) + 1)]
    for n, p in enumerate(files, 1):
        assert f"-- File {n} of {len(files)} of this change.\n" in p.read_text()
        assert_whole_migration(p)
    sql = "".join(p.read_text() for p in files)
    assert sql.index("CREATE TABLE IF NOT EXISTS t7") < sql.index("ALTER TABLE t7 ADD FOREIGN KEY")  # order kept
    apply_all(db_url, out)
    assert check_drift(str(tmp_path / "schema.yaml"), db_url, out_dir=out).differences == ()
    assert gen.generate(str(tmp_path / "schema.yaml"), out).status == "unchanged"
    assert result.status == "written"

    # killed after the first file of such a change: the next run says so and writes nothing
    other = tmp_path / "other"
    other.mkdir()
    (other / "schema.yaml").write_text("tables:\n" + tables, encoding="utf-8")
    _killed_at(monkeypatch, childwork, "write_new", after=1)  # (generate writes the files through it)
    with pytest.raises(KeyboardInterrupt):
        gen.generate(str(other / "schema.yaml"), str(other / "generated"), name="init")
    monkeypatch.setattr(os, "unlink", os.unlink)
    monkeypatch.setattr(childwork, "write_new", write_new)
    (partial,) = migration_files(other / "generated")
    with pytest.raises(SchemacError, match=r"stopped after writing file 1 of \d+ of one change \(" + partial.name):
        gen.generate(str(other / "schema.yaml"), str(other / "generated"), name="init")
    assert migration_files(other / "generated") == [partial]


def test_a_widened_search_path_stays_in_the_file_of_its_statement(monkeypatch):
    """A statement run under a widened search_path (plan.preamble.widened: a view whose `IS DISTINCT FROM` names no
    operator) is never cut from it when a change is written as several files: the next file would pin public
    alone and create the view comparing its values otherwise."""
    import schemac.commands.statement_runs as statement_runs
    from schemac.plan.planner import render_sql
    from schemac.plan.preamble import pinned_search_path, widened_search_path

    pin, widen = render_sql([pinned_search_path()]), render_sql([widened_search_path()])
    view = "CREATE VIEW v AS SELECT a IS DISTINCT FROM b AS moved FROM t;\n"
    monkeypatch.setattr(statement_runs, "LOCKS_PER_FILE", 7)
    runs = statement_runs.split([(pin, 2, True, ""), ("CREATE TABLE t (a int, b int);\n", 3, False, ""),
                                 (widen, 2, False, ""), (view, 2, False, ""), (pin, 2, True, "")])
    assert runs == [[pin, "CREATE TABLE t (a int, b int);\n"], [pin, widen, view, pin]]


def test_sql_function_in_a_later_file_is_created_with_bodies_unchecked(tmp_path, monkeypatch, db_url):
    """check_function_bodies is off (SET LOCAL) in every file of a change cut into several, not only the
    first: a SQL function created in a later file (after the table its argument's type is) whose body names what exists only at run time (a table made
    later, a type found through the caller's search_path) applies as it does in one file (found on
    PostgREST's test schema: `type "text/xml" does not exist` in the second file)."""
    import schemac.commands.generate as gen
    import schemac.commands.statement_runs as statement_runs
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    tables = "".join(f"  t{i}:\n    columns:\n      id: {{type: bigint, primary_key: true}}\n" for i in range(8))
    (tmp_path / "schema.yaml").write_text(
        "tables:\n" + tables + "functions:\n  later:\n    arguments: r t7\n    returns: bigint\n    language: sql\n"
        "    body: SELECT count(*) FROM made_at_run_time\n", encoding="utf-8")
    monkeypatch.setattr(statement_runs, "LOCKS_PER_FILE", 6)
    out = str(tmp_path / "generated")
    gen.generate(str(tmp_path / "schema.yaml"), out, name="init")
    files = migration_files(Path(out))
    assert len(files) > 1 and "CREATE FUNCTION" in files[-1].read_text()
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'later'").fetchone() == \
            ("SELECT count(*) FROM made_at_run_time",)
        assert conn.execute("SELECT current_setting('check_function_bodies')").fetchone() == ("on",)


# -- line endings --------------------------------------------------------------------------------------------------

def test_crlf_schema_is_accepted_and_generated_files_use_lf(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_bytes(SCHEMA.replace("\n", "\r\n").encode())
    r = schemac("generate", "-m", "Story 24.2\r\nsecond line\rthird")
    assert r.returncode == 0, r.stderr
    (lf,) = migration_files(tmp_path / "generated")
    data = lf.read_bytes()
    assert b"\r" not in data
    assert b"-- Story 24.2\n-- second line\n-- third\n" in data
    assert b"'Accounts,\none per customer.\n'" in data  # the block scalar's line breaks are LF, as YAML says
    state = (tmp_path / "generated" / "state.json").read_bytes()
    assert b"\r" not in state
    # the same schema with LF endings describes the same schema: nothing to do
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    r = schemac("generate")
    assert r.returncode == 0 and "No changes" in r.stdout, r.stdout + r.stderr


def test_carriage_return_inside_a_string_literal(schemac, tmp_path, db_url):
    """A "\\r" escape in a comment is data; in the file it should not be a raw CR byte, which git's
    end-of-line conversion could rewrite (and break sqlx's checksum)."""
    (tmp_path / "schema.yaml").write_text('tables:\n  t:\n    comment: "a\\r\\nb"\n    columns: {id: integer}\n',
                                          encoding="utf-8")
    r = schemac("generate")
    assert r.returncode == 0, r.stderr
    (path,) = migration_files(tmp_path / "generated")
    data = path.read_bytes()
    assert b"\r" not in data
    assert b"COMMENT ON TABLE t IS E'a\\u000d\\nb';" in data, data  # escapes, not raw bytes
    with psycopg.connect(db_url, autocommit=True) as conn:  # and the server reads back the CR itself
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        assert conn.execute("SELECT obj_description('t'::regclass, 'pg_class')").fetchone()[0] == "a\r\nb"


def _applied_without_cr(schemac, tmp_path: Path, db_url: str, schema_yaml: str) -> None:
    """`generate` from `schema_yaml`: one migration with no CR byte (assert_whole_migration), applied to db_url."""
    (tmp_path / "schema.yaml").write_text(schema_yaml, encoding="utf-8")
    r = schemac("generate")
    assert r.returncode == 0, r.stderr
    (path,) = migration_files(tmp_path / "generated")
    assert_whole_migration(path)
    apply_all(db_url, tmp_path / "generated")


def test_carriage_return_inside_a_function_body(schemac, tmp_path, db_url):
    """A body written on Windows keeps its CRs (pg_proc.prosrc, as inspect writes it), a SQL-standard body its
    literals'; the migration file carries them escaped in an E'...' literal, not raw between dollar quotes, where git's
    end-of-line conversion could rewrite them (and break sqlx's checksum), as for comments. The server reads back the
    body byte for byte."""
    body = "\r\nBEGIN\r\n  RETURN a + 1;  -- it's $$ and \\ too\r\nEND;\r\n"
    _applied_without_cr(schemac, tmp_path, db_url,
                        'functions:\n  bump:\n    arguments: a integer\n    returns: integer\n    language: plpgsql\n'
                        f'    body: {json.dumps(body)}\n  atomic:\n    returns: text\n    language: sql\n'
                        '    body: "BEGIN ATOMIC\\n SELECT \'a\\r\\nb\'::text;\\nEND"\n')
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'bump'").fetchone() == (body,)
        assert conn.execute("SELECT bump(1)").fetchone() == (2,)
        assert conn.execute("SELECT atomic()").fetchone() == ("a\r\nb",)  # a SQL-standard body's literal


def test_carriage_return_inside_a_default_and_a_check(schemac, tmp_path, db_url):
    """A literal holding a CR in a column's default and in a CHECK (as inspect writes pg_get_expr's text) is rendered
    E'...' with escapes, as comments and bodies are: no CR byte in the file, the same strings on the server."""
    _applied_without_cr(schemac, tmp_path, db_url,
                        'tables:\n  t:\n    columns:\n      id: integer\n'
                        '      v: {type: text, default: "\'a\\r\\nb\'::text"}\n'
                        '    checks:\n      v_not_cr: "v <> \'x\\r\'"\n')
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id) VALUES (1)")
        assert conn.execute("SELECT v FROM t").fetchone() == ("a\r\nb",)
        assert conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 't'::regclass "
                            "AND contype = 'c'").fetchone() == ("CHECK ((v <> 'x\r'::text))",)


def test_carriage_return_inside_a_views_literal(schemac, tmp_path, db_url):
    """A view's query as Postgres deparses it keeps a literal's CR raw ('x<CR><LF>y'::text); the migration writes it
    E'...' with escapes (and a quoted name's U&"..."), the query otherwise as given: no CR byte in the file, the view's
    literal the same on the server."""
    _applied_without_cr(schemac, tmp_path, db_url,
                        'views:\n  v:\n    query: "SELECT \'x\\r\\ny\'::text AS s, \'it\'\'s\'::text AS \\"a\\rb\\""\n')
    with psycopg.connect(db_url) as conn:
        assert conn.execute('SELECT s, "a\rb" FROM v').fetchone() == ("x\r\ny", "it's")


# -- stdout that cannot be written ------------------------------------------------------------------------

def _run_to(stdout, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("schemac", path=os.path.dirname(sys.executable)) or shutil.which("schemac")
    return subprocess.run([exe, *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)


@pytest.mark.parametrize("command", [("schema-json",), ("generate", "--dry-run"), ("diff",)])
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(tmp_path, db_url, command):
    """`schemac ... > file` on a full disk: the report is incomplete, so exit 2 with one line, never a
    traceback. `diff` also ends the process its own way (cli._end_process): same outcome."""
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    args = [*command, "--database-url", db_url] if command == ("diff",) else list(command)
    with open("/dev/full", "w") as full:
        r = _run_to(full, *args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "schemac: error: No space left on device", r.stderr


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    """`schemac schema-json | true`: the pipe is closed before anything is read. No traceback, no
    message for a reader that is gone; exit 2 says the output is incomplete."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        r = _run_to(write_end, "schema-json", cwd=tmp_path)
    finally:
        os.close(write_end)
    assert r.returncode == 2
    assert r.stderr == ""


def test_a_change_that_drops_is_one_file_whatever_its_locks(tmp_path, monkeypatch, db_url):
    """Views dropped to be created again around a column retyped, across files, would leave the database
    without them if a later file failed: a change that drops anything stays one transaction, and a
    failure in it leaves every view in place (the test's own SQL counts them)."""
    import schemac.commands.generate as gen
    import schemac.commands.statement_runs as statement_runs
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    views = "".join(f"  v{i}: {{query: 'SELECT id, note FROM t WHERE id > {i}'}}\n" for i in range(12))
    base = "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      note: varchar(10)\nviews:\n" + views
    (tmp_path / "schema.yaml").write_text(base, encoding="utf-8")
    out = str(tmp_path / "generated")
    assert gen.generate(str(tmp_path / "schema.yaml"), out, name="init").status == "written"
    apply_all(db_url, out)
    monkeypatch.setattr(statement_runs, "LOCKS_PER_FILE", 4)
    (tmp_path / "schema.yaml").write_text(base.replace("note: varchar(10)", "note: varchar(20)"), encoding="utf-8")
    result = gen.generate(str(tmp_path / "schema.yaml"), out, name="widen")
    files = migration_files(Path(out))
    assert [p.name.split("_", 1)[1] for p in files] == ["init.sql", "widen.sql"], [p.name for p in files]
    assert result.sql.count("DROP VIEW") == 12, result.sql
    broken = files[-1].read_text().replace("CREATE VIEW v11 AS", "CREATE VIEW v11 AS SELECT no_such_column FROM t; --")
    files[-1].write_text(broken)
    count = "SELECT count(*) FROM pg_views WHERE schemaname = 'public'"
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(Exception):
            apply_files(conn, Layout(out).migrations())
        assert conn.execute(count).fetchone()[0] == 12
