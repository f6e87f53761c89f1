"""Storage parameters of tables and materialized views (`with:`, issue 13), on a real server.

The oracle is pg_class itself: reloptions of the relation and of its TOAST table (reltoastrelid), and
relfilenode, which a rewrite would change (SET/RESET must not rewrite). Loader errors are checked
for their file:line:col and exit status 2. One major by default; every major under -m slow.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from conftest import MAJORS

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_file, load_text

OLD = """\
tables:
  t:
    with: {fillfactor: 70, autovacuum_vacuum_scale_factor: '0.01', toast.autovacuum_enabled: false}
    columns:
      id: {type: integer, primary_key: true}
      body: text
  ints:
    with: {autovacuum_enabled: false, toast.autovacuum_enabled: false}
    columns:
      id: {type: integer, primary_key: true}
  m:
    partition_by: {strategy: list, key: id}
    columns:
      id: {type: integer}
  m1:
    partition_of: {parent: m, bound: FOR VALUES IN (1)}
    with: {fillfactor: 60}
materialized_views:
  mv:
    with: {fillfactor: 50, toast.autovacuum_enabled: 'off'}
    query: SELECT id, body FROM t
"""
NEW = OLD.replace("{fillfactor: 70, autovacuum_vacuum_scale_factor: '0.01', toast.autovacuum_enabled: false}",
                  "{fillfactor: 80, toast.autovacuum_enabled: false, toast.log_autovacuum_min_duration: 0}") \
         .replace("{fillfactor: 50, toast.autovacuum_enabled: 'off'}", "{parallel_workers: 2}") \
         .replace("with: {fillfactor: 60}", "with: {fillfactor: 60, autovacuum_enabled: true}")

RELOPTIONS = """
    SELECT c.relname, c.relfilenode,
           (SELECT array_agg(o ORDER BY o) FROM unnest(c.reloptions) o),
           (SELECT array_agg(o ORDER BY o) FROM pg_class tc, unnest(tc.reloptions) o WHERE tc.oid = c.reltoastrelid)
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'm')
"""


def _catalog(url: str) -> dict:
    with psycopg.connect(url) as conn:
        return {name: (node, tuple(own or ()), tuple(toast or ())) for name, node, own, toast in conn.execute(RELOPTIONS)}


def _generate(schema, out: str, text: str, name: str, url: str):
    """A migration, the view's deparse computed on the test's own server (its major's spelling)."""
    schema.write_text(text, encoding="utf-8")
    result = generate(str(schema), out, name=name, dev_url=psycopg.conninfo.make_conninfo(url, dbname="postgres"))
    assert result.status == "written", result.message
    return result


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == "pg18" else (pytest.mark.slow,)) for m in MAJORS],
                         indirect=True)
def test_round_trip_and_change_in_place(major_db, tmp_path):
    url, schema, out = major_db, tmp_path / "schema.yaml", str(tmp_path / "generated")
    first = _generate(schema, out, OLD, "old", url)
    assert "WITH (fillfactor=70, autovacuum_vacuum_scale_factor=0.01, toast.autovacuum_enabled=false)" in first.sql
    assert "PARTITION OF m FOR VALUES IN (1) WITH (fillfactor=60)" in first.sql
    assert "CREATE MATERIALIZED VIEW mv WITH (fillfactor=50, toast.autovacuum_enabled=off) AS" in first.sql
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations(), record=False)
        conn.execute("INSERT INTO t SELECT i, repeat('x', i) FROM generate_series(1, 3000, 7) i")
        conn.execute("INSERT INTO ints VALUES (1), (2)")
        conn.execute("INSERT INTO m VALUES (1)")
    built = _catalog(url)
    assert built["t"][1:] == (("autovacuum_vacuum_scale_factor=0.01", "fillfactor=70"), ("autovacuum_enabled=false",))
    assert built["ints"][1:] == (("autovacuum_enabled=false",), ())  # no TOAST table: Postgres drops toast.*
    assert built["m"][1:] == ((), ()) and built["m1"][1:] == (("fillfactor=60",), ())
    assert built["mv"][1:] == (("fillfactor=50",), ("autovacuum_enabled=off",))
    assert check_drift(str(schema), url, out_dir=out, history=False).differences == ()  # ints' toast.* is not counted against it

    inspected = inspect_database(url).yaml
    assert "with: {fillfactor: 70, autovacuum_vacuum_scale_factor: '0.01', toast.autovacuum_enabled: 'false'}" in inspected
    assert "with: {fillfactor: 50, toast.autovacuum_enabled: 'off'}" in inspected
    again = load_text(inspected, "inspected.yaml")
    assert {t.name: set(t.parameters) for t in again.tables}["t"] == \
        {"fillfactor=70", "autovacuum_vacuum_scale_factor=0.01", "toast.autovacuum_enabled=false"}

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT md5(string_agg(id || body, ',' ORDER BY id)) FROM t").fetchone()
    change = _generate(schema, out, NEW, "new", url)
    assert change.sql.count("ALTER TABLE t ") == 2 and "ALTER TABLE t RESET (autovacuum_vacuum_scale_factor)" in change.sql
    assert "ALTER TABLE t SET (fillfactor=80, toast.log_autovacuum_min_duration=0)" in change.sql
    assert "ALTER TABLE m1 SET (autovacuum_enabled=true)" in change.sql
    assert "ALTER MATERIALIZED VIEW mv RESET (fillfactor, toast.autovacuum_enabled)" in change.sql
    assert "ALTER MATERIALIZED VIEW mv SET (parallel_workers=2)" in change.sql
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
        assert conn.execute("SELECT md5(string_agg(id || body, ',' ORDER BY id)) FROM t").fetchone() == rows
    changed = _catalog(url)
    assert changed["t"] == (built["t"][0], ("fillfactor=80",),
                            ("autovacuum_enabled=false", "log_autovacuum_min_duration=0"))  # same relfilenode: no rewrite
    assert changed["m1"][1] == ("autovacuum_enabled=true", "fillfactor=60")
    assert changed["mv"] == (built["mv"][0], ("parallel_workers=2",), ())
    assert check_drift(str(schema), url, out_dir=out, history=False).differences == ()


def test_drift_is_reported(db_url, tmp_path):
    url, schema, out = db_url, tmp_path / "schema.yaml", str(tmp_path / "generated")
    _generate(schema, out, OLD, "old", url)
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations(), record=False)
        conn.execute("ALTER TABLE t SET (autovacuum_vacuum_scale_factor = 0.2)")
        conn.execute("ALTER TABLE t RESET (toast.autovacuum_enabled)")
        conn.execute("ALTER MATERIALIZED VIEW mv SET (autovacuum_enabled = false)")
    drift = check_drift(str(schema), url, out_dir=out, history=False)
    found = {(d.kind, d.object_type, d.table or d.name) for d in drift.differences}
    assert found == {("storage_parameters_changed", "table", "t"),
                     ("storage_parameters_changed", "materialized view", "mv")}, drift.render("text")
    text = drift.render("text")
    assert "autovacuum_vacuum_scale_factor=0.2" in text and "toast.autovacuum_enabled=false" in text


def _error(text: str, tmp_path) -> tuple[int, str]:
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemacError) as raised:
        load_file(str(path))
    assert raised.value.exit_code == 2
    m = re.match(rf"^{re.escape(str(path))}:(\d+):(\d+): (.+)$", str(raised.value))
    assert m, str(raised.value)
    return int(m.group(1)), m.group(3)


TABLE = "tables:\n  t:\n    columns: {a: text}\n    with: {%s}\n"
MATVIEW = "materialized_views:\n  mv:\n    query: SELECT 1 AS a\n    with: {%s}\n"


@pytest.mark.parametrize("text,fragment", [
    (TABLE % "filfactor: 70", "'filfactor' is not a storage parameter of a table"),
    (TABLE % "toast.fillfactor: 70", "'toast.fillfactor' is not a storage parameter of a TOAST table"),
    (TABLE % "toast.fill-factor: 70", "'toast.fill-factor' is not a storage parameter name"),
    (TABLE % "fillfactor: 9", "9 is out of bounds (10 to 100)"),
    (TABLE % "fillfactor: seventy", "'seventy' is not an integer"),
    (TABLE % "autovacuum_enabled: maybe", "'maybe' is not a boolean"),
    (TABLE % "autovacuum_vacuum_scale_factor: nan", "'nan' is not a number"),
    (TABLE % "vacuum_index_cleanup: sometimes", "is not one of auto, on, off"),
    (TABLE % "fillfactor: 70, fillfactor: 80", "duplicate key 'fillfactor'"),
    (TABLE % "fillfactor: 70, FillFactor: 80", "'FillFactor' names fillfactor a second time"),
    (TABLE % "fillfactor: ''", "fillfactor in with of table 't' is empty"),
    (MATVIEW % "toast.parallel_workers: 2", "'toast.parallel_workers' is not a storage parameter of a TOAST table"),
    ("tables:\n  p:\n    partition_by: {strategy: list, key: a}\n    columns: {a: integer}\n    with: {fillfactor: 70}\n",
     "a partitioned table cannot have storage parameters"),
], ids=["unknown", "toast-heap-only", "bad-name", "bounds", "not-int", "not-bool", "nan", "enum", "duplicate", "duplicate-folded", "empty",
        "matview-toast", "partitioned"])
def test_rejected_at_its_line(tmp_path, text, fragment):
    line, message = _error(text, tmp_path)
    assert line == text.count("\n"), message
    assert fragment in message, message


def test_what_postgres_accepts_loads():
    """Spellings Postgres stores as written (inspect writes them back): prefixes of booleans, fractions of
    integers, hex, blanks around numbers, 18's new names."""
    schema = load_text(TABLE % ("autovacuum_enabled: tru, fillfactor: '70.5', parallel_workers: '0x4', "
                                "autovacuum_vacuum_cost_limit: ' 200 ', vacuum_index_cleanup: 'ON', "
                                "autovacuum_vacuum_max_threshold: -1, toast.vacuum_truncate: off"), "s.yaml")
    assert schema.tables[0].parameters == (
        "autovacuum_enabled=tru", "fillfactor=70.5", "parallel_workers=0x4", "autovacuum_vacuum_cost_limit= 200 ",
        "vacuum_index_cleanup=ON", "autovacuum_vacuum_max_threshold=-1", "toast.vacuum_truncate=off")


def test_generate_exits_2_with_the_line(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(TABLE % "fillfactor: 101", encoding="utf-8")
    r = schemac("generate", "--dry-run")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().startswith("schemac: error: schema.yaml:4:"), r.stderr


def test_json_schema_names_what_the_loader_takes():
    import json
    import os

    from schemac.pg.reloptions import HEAP_PARAMETERS, TOAST_PARAMETERS
    import schemac.schemafile as schemafile

    with open(os.path.join(os.path.dirname(schemafile.__file__), "schema.json"), encoding="utf-8") as f:
        names = json.load(f)["$defs"]["storageParameters"]["propertyNames"]["anyOf"][0]["enum"]
    assert sorted(names) == sorted([*HEAP_PARAMETERS, *(f"toast.{n}" for n in TOAST_PARAMETERS)])
