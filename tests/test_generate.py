"""`schemac generate`: files, versions, immutability, dry runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os

import pytest
from sqlx_project import apply_all

from schemac.errors import SchemacError
from schemac.migrations.layout import Layout, next_version, write_new

SCHEMA = """\
tables:
  accounts:
    columns:
      id: {type: bigint, primary_key: true}
      email: {type: 'varchar(200)', nullable: false}
    indexes:
      accounts_email: {columns: [email], unique: true}
"""


def migrations(tmp_path):
    d = tmp_path / "generated" / "migrations"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generate_twice_writes_one_file(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    r1 = schemac("generate", "-m", "first")
    assert r1.returncode == 0, r1.stderr
    assert r1.stdout.startswith("Wrote generated/migrations/")
    (name,) = migrations(tmp_path)
    assert name.endswith("_create_accounts.sql") and len(name.split("_")[0]) == 14
    r2 = schemac("generate")
    assert r2.returncode == 0
    assert "No changes" in r2.stdout and "nothing written" in r2.stdout
    assert migrations(tmp_path) == [name]
    text = (tmp_path / "generated" / "migrations" / name).read_text()
    assert text.startswith("-- schemac migration: create_accounts\n-- first\n")
    assert hashlib.sha256(SCHEMA.encode()).hexdigest() in text
    assert (tmp_path / "generated" / "state.json").exists()


def test_comment_only_edit_of_schema_writes_nothing(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    assert schemac("generate").returncode == 0
    state_path = tmp_path / "generated" / "state.json"
    recorded = json.loads(state_path.read_text())
    (tmp_path / "schema.yaml").write_text("# reviewed\n" + SCHEMA)
    assert schemac("generate", "--check").returncode == 0
    assert json.loads(state_path.read_text()) == recorded  # --check writes nothing, not even the record
    r = schemac("generate")
    assert r.returncode == 0 and "describes the recorded schema" in r.stdout
    assert "no migration written (recorded the edited schema.yaml in generated/state.json)" in r.stdout
    assert len(migrations(tmp_path)) == 1
    # The record now holds this text (so `schemac diff` takes the fast path again), with its line numbers,
    # under the same last migration; a second run has nothing left to record.
    after = json.loads(state_path.read_text())
    assert after["schema_sha256"] == hashlib.sha256(("# reviewed\n" + SCHEMA).encode()).hexdigest()
    assert after["migration"] == recorded["migration"]
    assert after["tables"][0]["source"] == "schema.yaml:3:3" and recorded["tables"][0]["source"] == "schema.yaml:2:3"
    again = schemac("generate")
    assert "schema.yaml has not changed" in again.stdout and "nothing written" in again.stdout


def test_new_version_is_greater_than_existing_even_with_clock_behind(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    d = tmp_path / "generated" / "migrations"
    d.mkdir(parents=True)
    future = d / "29991231235959_from_the_future.sql"
    future.write_text("SELECT 1;\n")
    before = digest(future)
    r = schemac("generate", "--name", "create_accounts")
    assert r.returncode == 0, r.stderr
    assert migrations(tmp_path) == ["29991231235959_from_the_future.sql", "30000101000000_create_accounts.sql"]
    assert digest(future) == before


def test_next_version_rules():
    now = dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.timezone.utc)
    assert next_version([], now) == 20261125120000
    assert next_version([20261125120000], now) == 20261125120001
    assert next_version([20261125235959], now) == 20261126000000  # a real timestamp, not ...235960
    assert next_version([7, 99999999999999999], now) == 100000000000000000


_VERSION_TEXTS = ["20261125120000", "20261125235959", "20240229235959", "20230229000000", "20261300000000", "20260001000000",
                  "20260100000000", "20260132000000", "20260431000000", "20261125240000", "20261125126000", "20261125120060",
                  "20261125120061", "20261125120099", "00000101000000", "00010101000000", "99991231235959", "09990615101010",
                  "2026112512000", "202611251200000", "2026-11-25", "7", "-2026112512000", "\u0662\u0660\u0662\u0666" + "1" * 10]


@pytest.mark.parametrize("text", _VERSION_TEXTS)
def test_a_version_s_time_is_strptime_s(text):
    """layout.version_time reads schemac's 14 digits without strptime: the same time, or a ValueError, as strptime."""
    from schemac.migrations.layout import VERSION_FORMAT, version_time

    try:
        expected = dt.datetime.strptime(text, VERSION_FORMAT)
    except ValueError:
        with pytest.raises(ValueError):
            version_time(text)
    else:
        assert version_time(text) == expected


def test_versions_bumped_within_one_second_do_not_load_strptime():
    """The files after the first of a change cut into several (one second): no _strptime import (~7 ms), in a fresh process."""
    import subprocess
    import sys

    script = ("import sys, datetime as dt\nfrom schemac.migrations.layout import next_version\n"
              "now = dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.timezone.utc)\n"
              "v = [next_version([], now)]\nfor _ in range(3):\n    v.append(next_version(v, now))\n"
              "print(v[-1], '_strptime' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.path.join(os.path.dirname(__file__), "..", "src")}).stdout.split()
    assert out == ["20261125120003", "False"]


def test_never_overwrites(tmp_path):
    path = tmp_path / "20260101000000_x.sql"
    path.write_text("original\n")
    with pytest.raises(SchemacError, match="refusing to overwrite"):
        write_new(str(path), "new\n")
    assert path.read_text() == "original\n"
    assert os.listdir(tmp_path) == ["20260101000000_x.sql"]  # no temp file left behind


def test_dry_run_prints_sql_and_writes_nothing(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    r = schemac("generate", "--dry-run")
    assert r.returncode == 0
    assert "CREATE TABLE IF NOT EXISTS accounts (" in r.stdout
    assert "CREATE UNIQUE INDEX IF NOT EXISTS accounts_email ON accounts(email);" in r.stdout
    assert not (tmp_path / "generated").exists()


def test_bad_name_is_rejected(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    r = schemac("generate", "--name", "Bad Name!")
    assert r.returncode == 2 and "migration name" in r.stderr
    assert migrations(tmp_path) == []


def test_generated_files_use_lf_even_for_crlf_schema(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_bytes(SCHEMA.replace("\n", "\r\n").encode())
    r = schemac("generate", "-m", "line one\r\nline two")
    assert r.returncode == 0, r.stderr
    (name,) = migrations(tmp_path)
    data = (tmp_path / "generated" / "migrations" / name).read_bytes()
    assert b"\r" not in data and b"-- line one\n-- line two\n" in data


def test_second_change_writes_second_migration(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    assert schemac("generate").returncode == 0
    first = migrations(tmp_path)[0]
    before = digest(tmp_path / "generated" / "migrations" / first)
    (tmp_path / "schema.yaml").write_text(SCHEMA + "  notes:\n    columns:\n      body: text\n")
    r = schemac("generate", "--name", "add_notes")
    assert r.returncode == 0, r.stderr
    names = migrations(tmp_path)
    assert len(names) == 2 and names[1].endswith("_add_notes.sql") and names[0] < names[1]
    body = (tmp_path / "generated" / "migrations" / names[1]).read_text()
    assert "CREATE TABLE IF NOT EXISTS notes" in body and "accounts" not in body.split("\n\n", 1)[1]
    assert digest(tmp_path / "generated" / "migrations" / first) == before


def test_unwritable_output_directory_fails_cleanly(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    (tmp_path / "generated").write_text("a file, not a directory")
    r = schemac("generate")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "generated" in r.stderr


def test_layout_lists_only_sqlx_files(tmp_path):
    d = tmp_path / "migrations"
    d.mkdir()
    for n in ["20260101000000_a.sql", "20260101000001_b.up.sql", "20260101000001_b.down.sql", "README.md",
              ".20260101000002_c.sql.123.tmp"]:
        (d / n).write_text("")
    assert [m.filename for m in Layout(str(tmp_path)).migrations()] == [
        "20260101000000_a.sql", "20260101000001_b.down.sql", "20260101000001_b.up.sql"]


def test_generate_never_connects_to_a_database(tmp_path):
    """docs/security.md: `generate` does not connect to any database. It does not even load the driver,
    whatever DATABASE_URL or PG* variables say."""
    import subprocess
    import sys

    (tmp_path / "schema.yaml").write_text(SCHEMA)
    probe = ("import sys\nfrom schemac.commands.generate import generate\n"
             "result = generate('schema.yaml', 'generated')\n"
             "print(result.status, sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'))\n")
    env = {**os.environ, "DATABASE_URL": "postgresql://u:p@10.255.255.1:5432/x", "PGHOST": "10.255.255.1"}
    r = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "written []"


def test_a_unique_repeating_the_primary_key_is_kept_with_a_warning(schemac, tmp_path, db_url):
    """Postgres accepts a UNIQUE on the primary key's columns when it is added after CREATE TABLE (which
    would merge it), and inspect writes it from real databases: generate warns, and builds both."""
    import psycopg

    from schemac.migrations.apply import apply_files

    (tmp_path / "schema.yaml").write_text(
        "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true, unique: true}\n"
        "      v: integer\n    unique:\n      - {columns: [v], name: t_v_one}\n      - {columns: [v], name: t_v_two}\n")
    r = schemac("generate")
    assert r.returncode == 0, r.stderr
    assert "schema.yaml:4:" in r.stderr and "warning: unique (id) of public.t repeats" in r.stderr
    assert "schema.yaml:8:" in r.stderr and "unique (v)" in r.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        kinds = conn.execute("SELECT conname, contype FROM pg_constraint WHERE conrelid = 't'::regclass AND contype <> 'n' "
                             "ORDER BY conname").fetchall()
    assert kinds == [("t_id_key", "u"), ("t_pkey", "p"), ("t_v_one", "u"), ("t_v_two", "u")]
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 0, d.stdout + d.stderr


def test_a_type_change_without_a_cast_needs_using_once(schemac, tmp_path, db_url):
    """bigint -> timestamptz and date -> integer have no cast (pg_cast): generate says which column needs
    `using:`, at its line, and writes nothing; with it the migration converts the rows by the expression.
    The next migration does not use it again (a later type change would read the wrong type)."""
    import psycopg

    from schemac.migrations.apply import apply_files

    schema = tmp_path / "schema.yaml"
    base = "tables:\n  events:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
    schema.write_text(base + "      at: {type: bigint}\n      day: {type: date}\n")
    assert schemac("generate").returncode == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        conn.execute("INSERT INTO events VALUES (1, 86400, '2024-03-05'), (2, NULL, NULL)")

    schema.write_text(base + "      at: {type: timestamptz}\n      day: {type: integer}\n")
    r = schemac("generate", "--allow-destructive")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("schemac: error: schema.yaml:5:7: column public.events.at: PostgreSQL has no cast "
                               "from bigint to timestamp with time zone; add `using:`"), r.stderr
    assert 'using: "to_timestamp(at)"' in r.stderr and "also schema.yaml:6:7 (date -> integer)" in r.stderr
    assert len(migrations(tmp_path)) == 1

    schema.write_text(base + "      at: {type: timestamptz, using: to_timestamp(at)}\n"
                             "      day: {type: integer, using: \"(extract(year from day) * 10000 + extract(month from day) "
                             "* 100 + extract(day from day))::int\"}\n")
    r = schemac("generate", "--allow-destructive")
    assert r.returncode == 0, r.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        conn.execute("SET TIME ZONE 'UTC'")
        rows = conn.execute("SELECT id, at::text, day FROM events ORDER BY id").fetchall()
        types = conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                             "'events'::regclass AND attname IN ('at', 'day') ORDER BY attname").fetchall()
    assert rows == [(1, "1970-01-02 00:00:00+00", 20240305), (2, None, None)]
    assert types == [("at", "timestamp with time zone"), ("day", "integer")]
    assert schemac("diff", "--database-url", db_url).returncode == 0

    again = schemac("generate")
    assert again.returncode == 0 and "No changes" in again.stdout
    assert "schema.yaml:5:7: using of column public.events.at ignored" in again.stderr, again.stderr
    schema.write_text(schema.read_text().replace("type: integer, using:", "type: bigint, using:"))
    widened = schemac("generate", "--dry-run")
    assert widened.returncode == 0, widened.stderr
    assert "ALTER COLUMN day SET DATA TYPE BIGINT USING CAST(day AS BIGINT)" in widened.stdout


def test_a_text_column_made_an_array_needs_using(schemac, tmp_path, db_url):
    """text -> text[]: Postgres has no assignment cast, and `CAST(tags AS text[])` reads each value as an array literal
    ('{a,b}'), which fails on 'red,green': generate refuses at the column's line and names `using:`, and with it the
    rows hold what the expression computes (the oracle: the same expression run over the old rows)."""
    import psycopg

    from schemac.migrations.apply import apply_files

    schema = tmp_path / "schema.yaml"
    base = "tables:\n  items:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    schema.write_text(base + "      tags: {type: text}\n")
    assert schemac("generate").returncode == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        conn.execute("INSERT INTO items VALUES (1, 'red,green'), (2, 'blue'), (3, ''), (4, NULL)")
        expected = conn.execute("SELECT id, string_to_array(tags, ',') FROM items ORDER BY id").fetchall()

    schema.write_text(base + "      tags: {type: \"text[]\"}\n")
    r = schemac("generate", "--allow-destructive")
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith("schemac: error: schema.yaml:5:7: column public.items.tags: text -> text[] "), r.stderr
    assert "add `using:` to the column" in r.stderr and "string_to_array(tags, ',')" in r.stderr
    assert len(migrations(tmp_path)) == 1

    schema.write_text(base + "      tags: {type: \"text[]\", using: \"string_to_array(tags, ',')\"}\n")
    r = schemac("generate", "--allow-destructive")
    assert r.returncode == 0, r.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        assert conn.execute("SELECT id, tags FROM items ORDER BY id").fetchall() == expected == [
            (1, ["red", "green"]), (2, ["blue"]), (3, []), (4, None)]
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'items'::regclass AND attname = 'tags'").fetchone()[0] == "text[]"
    assert schemac("diff", "--database-url", db_url).returncode == 0


def _refused_then_written(schemac, tmp_path, db_url: str, without: str, with_using: str) -> str:
    """schema.yaml `without` the `using:`s is refused at generate on one line (nothing written), `with_using` is
    written and applied to `db_url`: the refusal's text."""
    schema = tmp_path / "schema.yaml"
    schema.write_text(without)
    refused = schemac("generate", "--allow-destructive")
    assert refused.returncode == 2 and refused.stdout == "" and len(refused.stderr.strip().splitlines()) == 1, \
        refused.stderr
    assert len(migrations(tmp_path)) == 1
    schema.write_text(with_using)
    r = schemac("generate", "--allow-destructive")
    assert r.returncode == 0, r.stderr
    apply_all(db_url, tmp_path / "generated")
    return refused.stderr


def test_a_retype_between_an_enum_and_a_number_needs_using(schemac, tmp_path, db_url):
    """integer -> enum, enum -> integer, a domain over an enum -> integer: Postgres casts an enum only to and from
    the string types, and through text ('1' spells no label, 'low' no integer) the migration failed on the rows:
    generate refuses at the column's line and names `using:`; with it the rows hold what the expressions compute
    (the oracle: the same expressions run over the old rows). text -> enum stays a cast through text
    (pairs/order.sql text-to-enum)."""
    import psycopg

    from schemac.migrations.apply import apply_files

    schema = tmp_path / "schema.yaml"
    base = ("enums:\n  mood: [low, high]\ndomains:\n  dmood: {type: mood}\ntables:\n  t:\n    columns:\n"
            "      id: {type: integer, primary_key: true}\n")
    schema.write_text(base + "      v: {type: integer}\n      m: {type: mood}\n      d: {type: dmood}\n")
    assert schemac("generate").returncode == 0
    v_using, m_using = "CASE v WHEN 1 THEN 'low' WHEN 2 THEN 'high' END::mood", "array_position(enum_range(NULL::mood), m)"
    d_using = "array_position(enum_range(NULL::mood), d::mood)"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        conn.execute("INSERT INTO t VALUES (1, 1, 'high', 'low'), (2, 2, 'low', 'high'), (3, NULL, NULL, NULL)")
        expected = conn.execute(f"SELECT id, ({v_using})::text, {m_using}, {d_using} FROM t "
                                "ORDER BY id").fetchall()

    refusal = _refused_then_written(
        schemac, tmp_path, db_url, base + "      v: {type: mood}\n      m: {type: integer}\n      d: {type: integer}\n",
        base + f"      v: {{type: mood, using: \"{v_using}\"}}\n      m: {{type: integer, using: \"{m_using}\"}}\n"
               f"      d: {{type: integer, using: \"{d_using}\"}}\n")
    assert refusal.startswith("schemac: error: schema.yaml:9:7: column public.t.v: PostgreSQL has no cast from "
                              "integer to mood (an enum casts only to and from the string types); add `using:`"), refusal
    assert "also schema.yaml:10:7 (mood -> integer), schema.yaml:11:7 (dmood -> integer)" in refusal, refusal
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT id, v::text, m, d FROM t ORDER BY id").fetchall() == expected == [
            (1, "low", 2, 1), (2, "high", 1, 2), (3, None, None, None)]
        assert conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'t'::regclass AND attname IN ('v', 'm', 'd') ORDER BY attname").fetchall() == [
            ("d", "integer"), ("m", "integer"), ("v", "mood")]
    assert schemac("diff", "--database-url", db_url).returncode == 0


def test_a_retype_between_a_composite_or_range_and_a_builtin_type_needs_using(schemac, tmp_path, db_url):
    """integer -> a composite, a range over dates -> int4range, a composite -> one of three attributes: Postgres has no
    cast, and through text ('1' is no composite literal, a date range no integer range, '(1,2)' too few columns) the
    migration failed on the rows; generate refuses each at the
    column's line and names `using:`, and with it the rows hold what the expressions compute (the oracle: the same
    expressions run over the old rows). int4range -> a range over integers (one text form) goes through text, a range
    -> its multirange takes the cast CREATE TYPE makes ('[2,3)' read as a multirange literal failed)."""
    import psycopg

    from schemac.migrations.apply import apply_files

    schema = tmp_path / "schema.yaml"
    base = ("composite_types:\n  pair: {attributes: {a: integer, b: integer}}\n  triple: {attributes: {a: integer, "
            "b: integer, c: integer}}\nrange_types:\n  dr: {subtype: date}\n"
            "  ir: {subtype: integer}\ntables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n")
    schema.write_text(base + "      v: {type: integer}\n      d: {type: dr}\n      i: {type: int4range}\n"
                             "      m: {type: ir}\n      p: {type: pair}\n")
    assert schemac("generate").returncode == 0
    v_using, d_using, p_using = "ROW(v, -v)::pair", "int4range(upper(d) - lower(d), NULL)", "ROW((p).a, (p).b, 0)::triple"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        conn.execute("INSERT INTO t VALUES (1, 1, '[2024-01-01,2024-01-31]', '[1,5)', '[2,3)', '(1,2)'), "
                     "(2, NULL, NULL, 'empty', NULL, NULL)")
        expected = conn.execute(f"SELECT id, ({v_using})::text, ({d_using})::text, i::text, '{{' || m || '}}', "
                                f"({p_using})::text FROM t ORDER BY id").fetchall()

    refusal = _refused_then_written(
        schemac, tmp_path, db_url, base + "      v: {type: pair}\n      d: {type: int4range}\n      i: {type: ir}\n"
                                          "      m: {type: ir_multirange}\n      p: {type: triple}\n",
        base + f"      v: {{type: pair, using: \"{v_using}\"}}\n      d: {{type: int4range, using: \"{d_using}\"}}\n"
               f"      i: {{type: ir}}\n      m: {{type: ir_multirange}}\n      p: {{type: triple, using: \"{p_using}\"}}\n")
    assert refusal.startswith("schemac: error: schema.yaml:11:7: column public.t.v: PostgreSQL has no cast from "
                              "integer to pair (a composite type casts only to and from the string types); add "
                              "`using:` to the column"), refusal
    assert "ROW(v, ...)::pair" in refusal and "also schema.yaml:12:7 (dr -> int4range), schema.yaml:15:7 (pair -> triple)" in refusal, refusal
    assert "13:7" not in refusal and "14:7" not in refusal, refusal
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT id, v::text, d::text, i::text, m::text, p::text FROM t ORDER BY id").fetchall() == \
            expected == [(1, "(1,-1)", "[30,)", "[1,5)", "{[2,3)}", "(1,2,0)"), (2, "(,)", "(,)", "empty", None, "(,,0)")]
        assert conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'t'::regclass AND attname IN ('v', 'd', 'i', 'm', 'p') ORDER BY attname").fetchall() == [
            ("d", "int4range"), ("i", "ir"), ("m", "ir_multirange"), ("p", "triple"), ("v", "pair")]
    assert schemac("diff", "--database-url", db_url).returncode == 0


def test_a_retype_between_two_enums_or_two_ranges_needs_using_where_a_value_reads_as_none(schemac, tmp_path, db_url):
    """One enum to another holding every label of it (`s`), and one range type to another over the same subtype
    (`q`), go through text and keep their values; an enum to one lacking a label (`e`: 'meh'), and a range over
    integers to one over dates (`r`), went through text too, and the migration failed on the first row holding 'meh'
    or any non-empty range: generate refuses each at the column's line and names `using:`; with it the rows hold what
    the expressions compute (the oracle: the same expressions run over the old rows). An array of an enum to an enum
    holding every label (`a`: mood[] -> mood3) went through text as well, and '{meh}' is no label."""
    import psycopg

    from schemac.migrations.apply import apply_files

    schema = tmp_path / "schema.yaml"
    base = ("enums:\n  mood: [low, high, meh]\n  mood2: [low, high, great]\n  mood3: [meh, low, high, extra]\n"
            "range_types:\n  ir: {subtype: integer}\n  ir2: {subtype: integer}\n  dr: {subtype: date}\n"
            "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n")
    schema.write_text(base + "      e: {type: mood}\n      s: {type: mood}\n      r: {type: ir}\n      q: {type: ir}\n"
                      "      a: {type: 'mood[]'}\n")
    assert schemac("generate").returncode == 0
    e_using, r_using = "CASE e WHEN 'meh' THEN 'great' ELSE e::text END::mood2", "dr(DATE '2024-01-01' + lower(r), NULL)"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        conn.execute("INSERT INTO t VALUES (1, 'meh', 'meh', '[1,5)', '[2,3)', '{meh,low}'), "
                     "(2, 'high', 'low', 'empty', '[7,)', '{}'), (3, NULL, NULL, NULL, NULL, NULL)")
        expected = conn.execute(f"SELECT id, ({e_using})::text, s::text, ({r_using})::text, q::text, a[1]::text FROM t "
                                "ORDER BY id").fetchall()

    refusal = _refused_then_written(
        schemac, tmp_path, db_url,
        base + "      e: {type: mood2}\n      s: {type: mood3}\n      r: {type: dr}\n      q: {type: ir2}\n"
               "      a: {type: mood3}\n",
        base + f"      e: {{type: mood2, using: \"{e_using}\"}}\n      s: {{type: mood3}}\n"
               f"      r: {{type: dr, using: \"{r_using}\"}}\n      q: {{type: ir2}}\n"
               "      a: {type: mood3, using: 'a[1]::text::mood3'}\n")
    assert refusal.startswith("schemac: error: schema.yaml:13:7: column public.t.e: PostgreSQL has no cast from mood "
                              "to mood2 (label 'meh' of mood is no label of mood2: a row holding it has no value "
                              "there); add `using:`"), refusal
    assert "also schema.yaml:15:7 (ir -> dr)" in refusal and "14:7" not in refusal and "16:7" not in refusal, refusal
    assert refusal.endswith("also schema.yaml:15:7 (ir -> dr), schema.yaml:17:7 (mood[] -> mood3)\n"), refusal
    with psycopg.connect(db_url, autocommit=True) as conn:
        assert conn.execute("SELECT id, e::text, s::text, r::text, q::text, a::text FROM t ORDER BY id").fetchall() == \
            expected == [(1, "great", "meh", "[2024-01-02,)", "[2,3)", "meh"), (2, "high", "low", "(,)", "[7,)", None),
                         (3, None, None, "(,)", None, None)]
        assert conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'t'::regclass AND attname IN ('e', 's', 'r', 'q', 'a') ORDER BY attname").fetchall() == [
            ("a", "mood3"), ("e", "mood2"), ("q", "ir2"), ("r", "dr"), ("s", "mood3")]
    assert schemac("diff", "--database-url", db_url).returncode == 0
