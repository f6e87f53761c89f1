"""Triggers on a real server: drift made by hand (disabled, changed, added) and the loader's errors."""

from __future__ import annotations

import re

import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemacError, SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.plan import graph
from schemac.schemafile.load import load_text

from catalog_oracle import fingerprint, sibling_database
from conftest import MAJORS, one_of_each_class
from pairs import load_pairs
from pgharness import takes
from test_pairs import converges

SCHEMA = """\
functions:
  stamp:
    returns: trigger
    language: plpgsql
    body: begin new.n := 1; return new; end
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      n: integer
    triggers:
      t_stamp: {function: stamp, timing: before, events: [insert, update], update_of: [n], for_each: row}
"""


def test_trigger_drift_made_by_hand(tmp_path, db_url):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA)
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO t VALUES (1, 5)")
        assert conn.execute("SELECT n FROM t").fetchone() == (1,)  # the trigger fired
    assert check_drift(str(schema), db_url).differences == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE t DISABLE TRIGGER t_stamp")
        conn.execute("CREATE TRIGGER t_extra AFTER DELETE ON t FOR EACH STATEMENT EXECUTE FUNCTION stamp()")
    found = {(d.kind, d.name, d.expected, d.actual) for d in check_drift(str(schema), db_url).differences}
    assert found == {("trigger_state_changed", "t_stamp", "origin", "disabled"),
                     ("unexpected_trigger", "t_extra", None,
                      "TRIGGER AFTER DELETE FOR EACH STATEMENT EXECUTE FUNCTION stamp()")}



# A trigger function f and a table t keyed by id, the rest of whose columns and triggers a test adds.
FUNCTION_AND_TABLE = """\
functions:
  f:
    returns: trigger
    language: plpgsql
    body: begin return new; end
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
"""
RECREATED = FUNCTION_AND_TABLE + """\
    triggers:
      t_c: {function: f, timing: after, events: [insert], for_each: row, constraint: true, comment: old words}
"""


def _applied(text: str, tmp_path, url: str, rows: str):
    """schema.yaml `text` generated and applied to `url`, `rows` inserted: its path, the migrations' folder and the
    migrations applied."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text)
    assert generate(str(schema), out, name="old").status == "written"
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute(rows)
    return schema, out, {m.path for m in Layout(out).migrations()}


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_a_recreated_trigger_whose_comment_and_state_changed_is_commented_and_set_once(major_db, tmp_path):
    """A constraint trigger made deferrable is dropped and created (it has no OR REPLACE), which writes its comment
    and its state (ENABLE REPLICA): their own changes fold into it (each was written twice)."""
    schema, out, done = _applied(RECREATED, tmp_path, major_db, "INSERT INTO t VALUES (1)")
    schema.write_text(RECREATED.replace("constraint: true, comment: old words",
                                        "constraint: true, deferrable: true, comment: new words, enabled: replica"))
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    assert result.sql.count("COMMENT ON TRIGGER") == 1 and result.sql.count("ENABLE REPLICA TRIGGER") == 1, result.sql
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in done])
        assert conn.execute("SELECT tgdeferrable, tgenabled, d.description FROM pg_trigger g JOIN pg_description d "
                            "ON d.objoid = g.oid AND d.classoid = 'pg_trigger'::regclass WHERE g.tgname = 't_c'"
                            ).fetchall() == [(True, "R", "new words")]
    assert check_drift(str(schema), major_db).differences == ()


BESIDE_GENERATED = FUNCTION_AND_TABLE + """\
      a: integer
      g: {type: integer, generated: a * 2}
      h: text
"""


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_a_before_trigger_reading_the_whole_new_row_beside_a_kept_generated_column_is_refused(major_db, tmp_path):
    """Postgres refuses a BEFORE trigger whose WHEN reads NEW's whole row (or NEW.g) beside a generated column g the
    table keeps, whatever the order (compare.new_row_triggers), where g is not among the table's last columns (h after
    it: dropping and adding g again would put it after h): generate says so, naming both, rather than write a
    migration that fails; an AFTER trigger, or one comparing NEW's plain columns, is written and applies."""
    schema, out, done = _applied(BESIDE_GENERATED, tmp_path, major_db, "INSERT INTO t (id, a) VALUES (1, 2)")
    trigger = "\n    triggers:\n      t_touch: {function: f, timing: %s, events: [update], for_each: row, when: '%s'}\n"
    for when, said in (("OLD.* IS DISTINCT FROM NEW.*", "NEW's whole row, cannot be created while the table has "
                                                         "generated column g"),
                       ("NEW.g > 0", "NEW.g of generated column g, cannot be created")):
        schema.write_text(BESIDE_GENERATED + trigger % ("before", when))
        with pytest.raises(SchemacError, match=f"trigger t_touch, whose WHEN reads {re.escape(said)}"):
            generate(str(schema), out, name="new")
        with psycopg.connect(major_db, autocommit=True) as conn:  # (as Postgres has it)
            assert not takes(conn, f"CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW WHEN ({when}) "
                                   "EXECUTE FUNCTION f()", psycopg.errors.InvalidObjectDefinition)
    schema.write_text(BESIDE_GENERATED + trigger % ("before", "OLD.a IS DISTINCT FROM NEW.a") +
                      "      t_after: {function: f, timing: after, events: [update], for_each: row, "
                      "when: 'OLD.* IS DISTINCT FROM NEW.*'}\n")
    assert generate(str(schema), out, name="taken").status == "written"
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in done])
    assert check_drift(str(schema), major_db).differences == ()
    schema.write_text(schema.read_text().replace("OLD.a IS DISTINCT FROM NEW.a", "OLD IS DISTINCT FROM NEW"))
    with pytest.raises(SchemacError, match="trigger t_touch, whose WHEN reads NEW's whole row, cannot be created"):
        generate(str(schema), out, name="replaced")  # (CREATE OR REPLACE TRIGGER is refused alike)


LAST_GENERATED = FUNCTION_AND_TABLE + """\
      a: integer
      g: {type: integer, generated: a * 2}
"""
WHOLE_ROW = "    triggers:\n      t_touch: {function: f, timing: before, events: [update], for_each: row, " \
            "when: 'OLD.* IS DISTINCT FROM NEW.*'}\n"


@pytest.mark.parametrize("inside, others, why", [
    ("", "  c:\n    inherits: [t]\n    columns:\n      own: integer\n", "an INHERITS parent's too, the trigger on it or on a "
     "table under it, where each child has them from it alone, declared on both sides or neither, and ends with those it "
     "does not declare, but not here"),
    ("    partition_by: {strategy: range, key: id}\n", "  t1:\n    partition_of: {parent: t, bound: FOR VALUES FROM (0) TO "
     "(10)}\n    columns:\n      g: {type: integer, generated: a * 2}\n      a: integer\n      id: {type: integer, nullable: "
     "false}\n", "a partitioned table's too where every partition ends with them in its order, but not here"),
])
def test_a_whole_row_trigger_beside_last_generated_columns_of_a_parent_is_refused(tmp_path, inside, others, why):
    """Where the generated columns are a table's last, generate drops and adds them again around such a trigger
    (compare.new_row_triggers.dropped_for_triggers), an INHERITS parent's or a partitioned table's too where what its
    DROP and ADD COLUMN leave every table under it is the order schema.yaml gives it (compare.tails_for_triggers): not
    a child whose own column would come before them, nor a partition in an order of its own that does not end with
    them: refused as before, naming the trigger, the column, why and the way out."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(LAST_GENERATED + inside + others)
    assert generate(str(schema), out, name="old").status == "written"
    schema.write_text(LAST_GENERATED + inside + WHOLE_ROW + others)
    with pytest.raises(SchemacError, match=f"trigger t_touch, whose WHEN reads NEW's whole row, cannot be created while "
                                           f"the table has generated column g .*{re.escape(why)}.*drop the column"):
        generate(str(schema), out, name="new")


CHILD_READING_NEW = """\
  c:
    inherits: [t]
    columns:
      own: integer
    triggers:
      c_touch: {function: f, timing: before, events: [update], for_each: row, when: '%s'}
"""


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_a_whole_row_trigger_of_a_new_child_under_a_standing_generated_column_is_refused(major_db, tmp_path):
    """A new INHERITS child made CREATE TABLE ... INHERITS under a parent that stands with a generated column has the
    column before its trigger: Postgres refuses such a trigger whatever the order (the migration failed at apply);
    generate says so, naming the parent's column and the way out. One comparing NEW's plain columns is written and
    applies; a child made on its own, in an order of its own, is the pair
    tg-before-whole-new-row-of-inherits-children-made-on-their-own."""
    schema, out, done = _applied(LAST_GENERATED, tmp_path, major_db, "INSERT INTO t (id, a) VALUES (1, 2)")
    schema.write_text(LAST_GENERATED + CHILD_READING_NEW % "OLD.* IS DISTINCT FROM NEW.*")
    with pytest.raises(SchemacError, match="trigger c_touch, whose WHEN reads NEW's whole row, cannot be created on the "
                                           "new table: CREATE TABLE ... INHERITS gives it generated column g of "
                                           "public.t, which stands, first .*drop the parent's column"):
        generate(str(schema), out, name="new")
    with psycopg.connect(major_db, autocommit=True) as conn:  # (as Postgres has it)
        conn.execute("CREATE TABLE c (own integer) INHERITS (t)")
        assert not takes(conn, "CREATE TRIGGER c_touch BEFORE UPDATE ON c FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM "
                               "NEW.*) EXECUTE FUNCTION f()", psycopg.errors.InvalidObjectDefinition)
        conn.execute("DROP TABLE c")
    schema.write_text(LAST_GENERATED + CHILD_READING_NEW % "OLD.a IS DISTINCT FROM NEW.a")
    assert generate(str(schema), out, name="taken").status == "written"
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in done])
    assert check_drift(str(schema), major_db).differences == ()


def test_a_hand_written_public_function_is_the_bare_one_inspect_reads(tmp_path, db_url):
    """`function: public.stamp` (no pg_catalog function hides it) is the function the catalog reader names bare: no
    drift (the reader keeps `public.name`, which a trigger function pg_catalog's hides needs: the pair
    trigger-function-in-public-shadowed-by-pg-catalog)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA.replace("{function: stamp,", "{function: public.stamp,"))
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT tgfoid::regproc::text FROM pg_trigger WHERE tgname = 't_stamp'").fetchone() == ("stamp",)
    assert check_drift(str(schema), db_url).differences == ()

def test_names_with_parentheses_or_blanks_at_their_ends_load_quoted():
    """Postgres takes them (CREATE FUNCTION "fn-x"."touch(v)"(), " sp"."chk "()) and inspect writes them quoted: the
    loader refused any part holding a parenthesis or a blank at an end, quoted or not."""
    text = ("external_functions: ['fn-x.\"touch(v)\"', '\" sp\".\"chk \"']\ntables:\n  t:\n    columns: {id: integer}\n"
            "    triggers:\n      a: {function: 'fn-x.\"touch(v)\"', events: [insert]}\n"
            "      b: {function: '\" sp\".\"chk \"', events: [insert]}\n")
    triggers = load_text(text, "schema.yaml").tables[0].triggers
    assert sorted(t.function for t in triggers) == ['" sp"."chk "', 'fn-x."touch(v)"']


@pytest.mark.parametrize("trigger,message", [
    ("{function: stamp, events: [upsert]}", "event of trigger 't_x' of table 't' must be one of insert, update"),
    ("{function: 'stamp()', events: [insert]}", "without arguments (those go under arguments:)"),
    ("{function: fn-x.touch.v, events: [insert]}", "`name` or `schema.name` (schema.\"name.with.dots\"), without "
     "arguments (those go under arguments:), not 'fn-x.touch.v'"),
    ("{function: 'fn-x.\"touch.v', events: [insert]}", "not 'fn-x.\"touch.v'"),
    ("{function: 'fn-x.\"touch\"v\"', events: [insert]}", "not 'fn-x.\"touch\"v\"'"),
    ("{function: 'fn-x.touch(v)', events: [insert]}", "not 'fn-x.touch(v)'"),  # bare: an argument list
    ("{function: 'fn-x. touch', events: [insert]}", "not 'fn-x. touch'"),  # bare: a blank at an end
    ("{function: stamp, events: [update], for_each: row, constraint: true, from: 'ref.t.x'}",
     "a constraint trigger (constraint: true) names its referenced table, `table` or `schema.table` "
     "(schema.\"name.with.dots\"), not 'ref.t.x'"),
    ("{function: stamp, events: [insert], update_of: [n]}", "update_of needs the update event"),
    ("{function: stamp, events: [insert], update_of: [zz]}", "names column 'zz'"),
    ("{function: stamp, events: [insert], deferrable: true}", "only a constraint trigger (constraint: true) is deferrable"),
    ("{function: stamp, events: [insert], constraint: true}", "a constraint trigger fires AFTER, FOR EACH ROW"),
    ("{function: stamp, events: [insert], when: 'new.zz > 0'}", "names column 'zz'"),
])
def test_loader_errors(trigger, message):
    text = f"tables:\n  t:\n    columns: {{id: integer, n: integer}}\n    triggers:\n      t_x: {trigger}\n"
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert "schema.yaml:5:" in str(e.value) and message in str(e.value), str(e.value)


# The pairs of triggers.sql where such a trigger stands beside generated columns made after it (compare.new_row_triggers),
# and the VIRTUAL one's oldest major: test_pairs converges them, but compares no column order.
ORDERED = {"tg-before-whole-new-row-of-partitions-made-on-their-own-and-attached": 15,
           "tg-before-whole-new-row-of-new-partitions-under-a-standing-parent": 15,
           "tg-before-whole-new-row-added-beside-the-last-generated-columns": 15,
           "tg-before-whole-new-row-beside-virtual-columns-added-and-attached": 18,
           "tg-before-whole-new-row-of-inherits-children-made-on-their-own": 15,
           "tg-before-whole-new-row-added-beside-a-partitioned-tables-last-generated-columns": 15,
           "tg-before-whole-new-row-added-on-a-partition-beside-its-roots-last-generated-column": 15,
           "tg-before-whole-new-row-added-beside-partitions-own-generation-expressions": 16,
           "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-columns": 15,
           "tg-before-whole-new-row-added-beside-an-inherits-parents-generated-column-a-child-declares": 16,
           "tg-before-whole-new-row-added-beside-virtual-columns-of-a-partitioned-table-and-a-parent": 18,
           "tg-before-whole-new-row-added-on-inherits-children-beside-their-parents-last-generated-column": 15,
           "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-with-new-children": 15,
           "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-with-new-children-of-their-own-order": 15,
           "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-with-new-grandchildren-of-their-own-order": 15,
           "tg-before-whole-new-row-added-on-an-inherits-child-beside-its-own-last-generated-column": 15,
           "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-under-childrens-own-objects": 15}


# Each case left to -m slow -> the case of its class the default run takes on 18 (conftest.one_of_each_class's rule):
# the same way a table comes to stand beside generated columns made after such a trigger. A partition made on its own
# and attached (new ones under a standing parent too); an INHERITS child made on its own and joined; a plain table's
# last generated columns dropped and added again around the trigger; a partitioned table's, from every partition
# (a trigger on a partition, and partitions' own expressions, which 17+ sets again in place, too); an INHERITS
# parent's, from the children having them from it alone (a trigger on a child, a child's own column or one it
# declares too, its objects made again); new children made between such a parent's DROP and ADD; VIRTUAL columns (18).
# -m slow takes every case on every major its `since` allows (0.5-0.7 s each on 18).
SAME_CLASS = {
    "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-with-new-grandchildren-of-their-own-order":
        "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-with-new-children-of-their-own-order",
    "tg-before-whole-new-row-of-new-partitions-under-a-standing-parent":
        "tg-before-whole-new-row-of-partitions-made-on-their-own-and-attached",
    "tg-before-whole-new-row-added-on-a-partition-beside-its-roots-last-generated-column":
        "tg-before-whole-new-row-added-beside-a-partitioned-tables-last-generated-columns",
    "tg-before-whole-new-row-added-beside-partitions-own-generation-expressions":
        "tg-before-whole-new-row-added-beside-a-partitioned-tables-last-generated-columns",
    "tg-before-whole-new-row-added-beside-an-inherits-parents-generated-column-a-child-declares":
        "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-columns",
    "tg-before-whole-new-row-added-on-inherits-children-beside-their-parents-last-generated-column":
        "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-columns",
    "tg-before-whole-new-row-added-on-an-inherits-child-beside-its-own-last-generated-column":
        "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-columns",
    "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-under-childrens-own-objects":
        "tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-columns",
    "tg-before-whole-new-row-added-beside-virtual-columns-of-a-partitioned-table-and-a-parent":
        "tg-before-whole-new-row-beside-virtual-columns-added-and-attached",
}


@pytest.mark.parametrize("major_db, case", [
    pytest.param(m, c.values[0], id=f"{m}-{c.id}", marks=c.marks if m == MAJORS[0] else pytest.mark.slow)
    for c in one_of_each_class(ORDERED, SAME_CLASS) for m in MAJORS if int(m[2:]) >= ORDERED[c.id]],
    indirect=["major_db"])
def test_generated_columns_made_after_a_whole_row_trigger_keep_a_fresh_builds_order(major_db, tmp_path, case):
    """The generated columns dropped and added again around such a trigger, and a partition's made on its own and
    attached (an INHERITS child's, joined), stand in the order of the new side built from its SQL (attnum, holes left
    out), with their values."""
    pair = next(p for p in load_pairs() if p.id == case)
    built: dict = {}
    converges(major_db, tmp_path, pair, with_new=lambda side: built.update(order=side.catalog["column_order"]))
    assert fingerprint(major_db, order=True)["column_order"] == built["order"]
    with psycopg.connect(major_db) as conn:
        if case == "tg-before-whole-new-row-added-beside-the-last-generated-columns":
            assert conn.execute("SELECT count(*) FROM feature WHERE g IS DISTINCT FROM a * 2 OR h IS DISTINCT FROM "
                                "note || 'x'").fetchone() == (0,)


# The pairs whose parent's DROP COLUMN, run for such a trigger, takes the column of tables under it that have objects of
# their own over it (compare.tails_for_triggers.reached_below).
REACHED_BELOW = ("tg-before-whole-new-row-added-beside-an-inherits-parents-last-generated-column-under-childrens-own-objects",
                 "tg-before-whole-new-row-added-beside-a-partitioned-tables-last-generated-columns")


@pytest.mark.parametrize("major_db, case", [
    pytest.param(m, case, id=f"{m}-{case}", marks=() if m == MAJORS[0] else pytest.mark.slow)
    for case in REACHED_BELOW for m in MAJORS], indirect=["major_db"])
def test_what_stands_on_a_column_a_parents_drop_takes_below_is_dropped_before_it(major_db, tmp_path, case, monkeypatch):
    """A view, policy, trigger, index... of a child or partition over the column its parent's DROP COLUMN takes is
    dropped before that DROP by an edge of the dependency graph (the DROP removes the child's column too:
    plan.member_dependencies), not by the kinds' order alone: planned with DROP COLUMN ranked before every other
    kind, the migration still applies over the rows (without the edge: 'cannot drop desired object(s) because other
    objects depend on them ... view c1_v depends on column g of table c1')."""
    monkeypatch.setitem(graph._RANK, "drop_column", -1)
    converges(major_db, tmp_path, next(p for p in load_pairs() if p.id == case))


# A table attached as a partition, or given a parent, under triggers with transition tables, which the migration drops
# and makes again around the ATTACH or INHERIT (compare.table_triggers): the report says what differs of each as of
# any table's trigger (its definition, state, comment; one of the same definition under another name a pending rename),
# nothing of one kept as it is.
JOINED = """CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$;
CREATE TABLE p (k int, v int) PARTITION BY RANGE (k);
CREATE TABLE ip (k int, v int);
CREATE TABLE q (k int, v int);
CREATE TRIGGER q_same AFTER DELETE ON q REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION tf();
CREATE TRIGGER q_when AFTER INSERT ON q REFERENCING NEW TABLE AS n FOR EACH STATEMENT
  WHEN (pg_trigger_depth() {op} 1) EXECUTE FUNCTION tf();
CREATE TRIGGER q_state AFTER UPDATE ON q REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION tf();
CREATE TRIGGER q_note AFTER UPDATE ON q REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION tf();
COMMENT ON TRIGGER q_note ON q IS '{note}';
CREATE TRIGGER {moved} AFTER INSERT ON q REFERENCING NEW TABLE AS m FOR EACH STATEMENT EXECUTE FUNCTION tf();
"""


@pytest.mark.parametrize("joined", ["ALTER TABLE p ATTACH PARTITION q FOR VALUES FROM (0) TO (50)",
                                    "ALTER TABLE q INHERIT ip"], ids=["attach", "inherit"])
def test_triggers_made_again_around_a_join_are_reported_as_they_differ(tmp_path, db_url, joined):
    schema = tmp_path / "schema.yaml"
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute(JOINED.format(op="=", note="after", moved="q_moved") + joined + ";"
                         "ALTER TABLE q DISABLE TRIGGER q_state")
        schema.write_text(inspect_database(b).yaml)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(JOINED.format(op="<=", note="before", moved="q_old"))
    found = {(d.kind, d.name, d.actual) for d in check_drift(str(schema), db_url).differences
             if d.object_type in ("trigger", "comment") or d.name and d.name.startswith("q_")}
    assert found == {
        ("trigger_changed", "q_when", "TRIGGER AFTER INSERT FOR EACH STATEMENT REFERENCING NEW TABLE AS n WHEN "
                                      "((pg_trigger_depth() <= 1)) EXECUTE FUNCTION tf()"),
        ("trigger_state_changed", "q_state", "origin"), ("comment_changed", "q_note", "before"),
        ("pending_rename", "q_moved", "q_old")}
