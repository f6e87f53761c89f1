"""The clones of a partitioned table's row trigger on its partitions, each in a state of its own
(`ALTER TABLE partition DISABLE TRIGGER t`): a partition's `cloned_triggers` (model/clones.py).

Each was lost before: inspect read no clone, so the database built from its schema.yaml had every clone in its
parent's state, and diff said in sync. Oracle: pg_trigger.tgenabled of every trigger, clones included, read
with SQL; then `diff` in sync and a second `generate` writes nothing.
"""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemaFileError
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text

STATES = """
SELECT c.relname::text, tg.tgname::text, tg.tgenabled::text FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
WHERE NOT tg.tgisinternal AND c.relnamespace = 'public'::regnamespace ORDER BY 1, 2
"""

BY_HAND = """
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);
CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM (10) TO (20) PARTITION BY LIST (b);
CREATE TABLE m_2025_1 PARTITION OF m_2025 FOR VALUES IN (1);
CREATE TABLE m_2025_2 PARTITION OF m_2025 FOR VALUES IN (2);
CREATE TRIGGER m_t BEFORE INSERT ON m FOR EACH ROW EXECUTE FUNCTION f();
CREATE TRIGGER m_s AFTER UPDATE ON m FOR EACH ROW EXECUTE FUNCTION f();
ALTER TABLE m DISABLE TRIGGER m_s;
ALTER TABLE m_2024 DISABLE TRIGGER m_t;
ALTER TABLE m_2025 ENABLE REPLICA TRIGGER m_t;
ALTER TABLE m_2025_2 ENABLE ALWAYS TRIGGER m_t;
ALTER TABLE m_2024 ENABLE TRIGGER m_s;
"""


def _states(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(STATES).fetchall()


def test_inspected_clone_states_are_built_again(tmp_path, any_db_url):
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(BY_HAND)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = inspect_database(any_db_url).yaml
    assert "cloned_triggers: {m_t: disabled, m_s: origin}" in text or \
        "cloned_triggers: {m_s: origin, m_t: disabled}" in text, text
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with sibling_database(any_db_url) as other:
        apply_all(other, out)
        assert _states(other) == _states(any_db_url) == [
            ("m", "m_s", "D"), ("m", "m_t", "O"), ("m_2024", "m_s", "O"), ("m_2024", "m_t", "D"),
            ("m_2025", "m_s", "D"), ("m_2025", "m_t", "R"), ("m_2025_1", "m_s", "D"), ("m_2025_1", "m_t", "R"),
            ("m_2025_2", "m_s", "D"), ("m_2025_2", "m_t", "A")]
        assert check_drift(str(schema), other, out_dir=out).differences == ()
    assert check_drift(str(schema), any_db_url, out_dir=out).differences == ()


V1 = """
functions:
  f: {returns: trigger, language: plpgsql, body: BEGIN RETURN NEW; END}
tables:
  m:
    partition_by: {strategy: range, key: a}
    columns: {a: integer, b: integer}
    triggers:
      m_t: {function: f, timing: before, events: [insert], for_each: row%s}
  m_2024:
    partition_of: {parent: m, bound: FOR VALUES FROM (0) TO (10)}%s
  m_2025:
    partition_of: {parent: m, bound: FOR VALUES FROM (10) TO (20)}
    partition_by: {strategy: list, key: b}%s
  m_2025_1:
    partition_of: {parent: m_2025, bound: FOR VALUES IN (1)}
"""
M_2026 = """  m_2026:
    partition_of: {parent: m, bound: FOR VALUES FROM (20) TO (30)}
    cloned_triggers: {m_t: always}
"""


def test_clone_states_migrate(tmp_path, any_db_url):
    """Set on partitions of a database built without them, on a new partition, kept across the parent's own
    change of state (which sets every clone), and let go (the clone follows its parent again)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    steps = [
        (V1 % ("", "", ""), [("m", "O"), ("m_2024", "O"), ("m_2025", "O"), ("m_2025_1", "O")]),
        (V1 % ("", "\n    cloned_triggers: {m_t: disabled}", "\n    cloned_triggers: {m_t: replica}") + M_2026,
         [("m", "O"), ("m_2024", "D"), ("m_2025", "R"), ("m_2025_1", "R"), ("m_2026", "A")]),
        (V1 % (", enabled: disabled", "", "\n    cloned_triggers: {m_t: replica}") + M_2026,
         [("m", "D"), ("m_2024", "D"), ("m_2025", "R"), ("m_2025_1", "R"), ("m_2026", "A")]),
        (V1 % (", enabled: disabled", "\n    cloned_triggers: {m_t: origin}", "") + M_2026,
         [("m", "D"), ("m_2024", "O"), ("m_2025", "D"), ("m_2025_1", "D"), ("m_2026", "A")]),
    ]
    for n, (text, expected) in enumerate(steps):
        schema.write_text(text, encoding="utf-8")
        assert generate(str(schema), out).status == "written", n
        apply_all(any_db_url, out)
        assert [(t, e) for t, _, e in _states(any_db_url)] == expected, n
        assert check_drift(str(schema), any_db_url, out_dir=out).differences == (), n
        assert generate(str(schema), out).status == "unchanged", n
    sql = "\n".join(open(m.path, encoding="utf-8").read() for m in Layout(out).migrations())
    assert "ALTER TABLE m_2024 DISABLE TRIGGER m_t;" in sql and "ALTER TABLE m_2026 ENABLE ALWAYS TRIGGER m_t;" in sql


def test_clone_state_drift_is_reported(tmp_path, db_url):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(V1 % ("", "\n    cloned_triggers: {m_t: disabled}", ""), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    apply_all(db_url, out)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE m_2024 ENABLE TRIGGER m_t")
        conn.execute("ALTER TABLE m_2025 ENABLE REPLICA TRIGGER m_t")
    found = {(d.table, d.name, d.expected, d.actual) for d in check_drift(str(schema), db_url).differences}
    assert found == {("m_2024", "m_t", "disabled", "origin"), ("m_2025", "m_t", "origin", "replica")}


@pytest.mark.parametrize("text,line,message", [
    ("tables:\n  t:\n    columns: {a: integer}\n    cloned_triggers: {x: disabled}\n", 4,
     "cloned_triggers are a partition's"),
    (V1 % ("", "\n    cloned_triggers: {m_x: disabled}", ""), 10, "name 'm_x', which is no row trigger"),
    (V1 % ("", "\n    cloned_triggers: {m_t: paused}", ""), 12, "must be one of origin, disabled, replica, always"),
    (V1 % ("", "\n    cloned_triggers: {m_t: {state: disabled}}", ""), 12, "unknown key 'state'"),
    (V1 % ("", "\n    cloned_triggers: {m_x: {comment: hello}}", ""), 10, "name 'm_x', which is no row trigger"),
], ids=["not-a-partition", "no-such-trigger", "bad-state", "clone-mapping-unknown-key", "comment-of-no-such-trigger"])
def test_loader_errors(text, line, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert f"schema.yaml:{line}:" in str(e.value) and message in str(e.value), str(e.value)
