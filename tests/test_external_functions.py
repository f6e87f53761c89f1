"""`external_functions:`: triggers and event triggers of an `-n public` project that run another schema's function
(`audit.if_modified_func()`): inspect writes them and lists the function instead of listing the triggers as not
managed; generate -> apply to a database where `audit` exists rebuilds them; diff is clean and names no
function missing or extra. The oracle is SQL of its own over pg_trigger and pg_event_trigger."""

from __future__ import annotations

import psycopg
import yaml
from catalog_oracle import sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

AUDIT = """
CREATE SCHEMA audit;
CREATE TABLE audit.log (at timestamptz DEFAULT now(), what text);
CREATE FUNCTION audit.if_modified_func() RETURNS trigger LANGUAGE plpgsql AS
  $$ begin insert into audit.log (what) values (tg_table_name || coalesce(tg_argv[0], '')); return new; end $$;
CREATE FUNCTION audit.ddl_seen() RETURNS event_trigger LANGUAGE plpgsql AS $$ begin end $$;
"""
PUBLIC = """
CREATE TABLE t (id int PRIMARY KEY, v text);
CREATE TRIGGER t_audit AFTER INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION audit.if_modified_func('t');
CREATE TABLE u (id int PRIMARY KEY);
CREATE TRIGGER u_audit BEFORE DELETE ON u FOR EACH ROW EXECUTE FUNCTION audit.if_modified_func();
CREATE EVENT TRIGGER {event} ON ddl_command_end EXECUTE FUNCTION audit.ddl_seen();
INSERT INTO t VALUES (1, 'a');
"""
TRIGGERS = """SELECT c.relname, t.tgname, t.tgfoid::regprocedure::text, t.tgtype, encode(t.tgargs, 'escape'), t.tgenabled
              FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
              WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal ORDER BY 1, 2"""
EVENTS = "SELECT evtname, evtevent, evtfoid::regprocedure::text FROM pg_event_trigger WHERE evtname = %s"


def _read(url: str, event: str) -> tuple:
    with psycopg.connect(url) as conn:
        return conn.execute(TRIGGERS).fetchall(), conn.execute(EVENTS, (event,)).fetchall()


def test_triggers_running_another_schemas_function(db_url, tmp_path):
    event = "audit_ddl"  # event triggers are the database's: the fixture drops it with the database
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(AUDIT + PUBLIC.format(event=event))
    original = _read(db_url, event)
    assert [r[:3] for r in original[0]] == [("t", "t_audit", "audit.if_modified_func()"),
                                            ("u", "u_audit", "audit.if_modified_func()")]
    found = inspect_database(db_url, ("public",))
    assert not [u for u in found.schema.unmanaged if "trigger" in u.kind]
    schema = tmp_path / "schema.yaml"
    schema.write_text(found.yaml, encoding="utf-8")
    doc = yaml.safe_load(found.yaml)
    assert doc["external_functions"] == ["audit.ddl_seen", "audit.if_modified_func"]
    assert doc["tables"]["t"]["triggers"]["t_audit"]["function"] == "audit.if_modified_func"
    assert doc["event_triggers"][event]["function"] == "audit.ddl_seen" and "functions" not in doc
    assert check_drift(str(schema), db_url).differences == ()
    out = str(tmp_path / "generated")
    assert generate(str(schema), out).status == "written"
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(AUDIT)
            apply_files(conn, Layout(out).migrations())
            conn.execute("INSERT INTO t VALUES (2, 'b')")
            assert conn.execute("SELECT what FROM audit.log").fetchall() == [("tt",)]
        assert _read(other, event) == original
        drift = check_drift(str(schema), other)
        assert drift.differences == () and not drift.unmanaged
        # schema.yaml without the list (written before it existed): the triggers are listed, not drift
        del doc["external_functions"]
        for t in ("t", "u"):
            del doc["tables"][t]["triggers"]
        del doc["event_triggers"]
        schema.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        drift = check_drift(str(schema), other)
        assert drift.differences == ()
        assert sorted(u.path for u in drift.unmanaged) == [event, "public.t.t_audit", "public.u.u_audit"]


def test_a_listed_function_the_read_holds_is_not_drift(db_url, tmp_path):
    """external_functions naming a function of a schema that is read: not reported as undeclared."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ begin return new; end $$;"
                     "CREATE TABLE t (id int); CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW "
                     "EXECUTE FUNCTION stamp()")
    schema = tmp_path / "schema.yaml"
    schema.write_text("external_functions: [stamp]\ntables:\n  t:\n    columns: {id: integer}\n    triggers:\n"
                      "      t_stamp: {function: stamp, timing: before, events: [insert], for_each: row}\n")
    assert check_drift(str(schema), db_url).differences == ()
    schema.write_text("tables:\n  t:\n    columns: {id: integer}\n    triggers:\n"
                      "      t_stamp: {function: stamp, timing: before, events: [insert], for_each: row}\n")
    try:
        check_drift(str(schema), db_url)
    except Exception as e:  # the loader refuses the trigger: its function is neither declared nor listed
        assert "list it under external_functions" in str(e)
    else:
        raise AssertionError("a trigger whose function is neither declared nor listed was accepted")
