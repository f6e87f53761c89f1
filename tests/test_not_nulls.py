"""PostgreSQL 18's NOT NULL constraints (pg_constraint contype 'n'): what inspect writes of their names, and what a
schema.yaml that leaves them unnamed accepts. The round trips and changes over rows are kinds/not_nulls.sql's."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import built_and_read, inspected_after
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemacError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

LONG = "t" * 40
LONG_COLUMN = "c" * 40


NOT_NULLS = ("SELECT c.relname::text, a.attname::text, k.conname::text, k.convalidated FROM pg_constraint k JOIN pg_class c "
             "ON c.oid = k.conrelid JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] WHERE "
             "k.contype = 'n' AND c.relnamespace = 'public'::regnamespace")


def _not_nulls(url: str) -> dict[tuple[str, str], tuple[str, bool]]:
    """(table, column) -> (constraint name, validated), read from pg_constraint itself."""
    with psycopg.connect(url) as conn:
        return {(t, c): (n, v) for t, c, n, v in conn.execute(NOT_NULLS).fetchall()}


@pytest.fixture
def pg18(db_url):
    with psycopg.connect(db_url) as conn:
        if conn.info.server_version < 180000:
            pytest.skip("NOT NULL constraints are pg_constraint rows from PostgreSQL 18 on")
    return db_url


def test_postgres_own_names_are_not_written_even_clipped(pg18, tmp_path):
    """Postgres clips <table>_<column>_not_null to 63 bytes by its own rule: inspect leaves that name out as it
    leaves out the short one, and writes the one a renamed table kept and a name of the user's."""
    with psycopg.connect(pg18, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {LONG} ({LONG_COLUMN} int NOT NULL, b int NOT NULL);"
                     "CREATE TABLE orders (id int NOT NULL, note text CONSTRAINT note_given NOT NULL);"
                     "ALTER TABLE orders RENAME TO purchases")
    names = _not_nulls(pg18)
    assert names[(LONG, LONG_COLUMN)][0] == f"{'t' * 27}_{'c' * 26}_not_null"  # 63 bytes
    assert names[("purchases", "id")][0] == "orders_id_not_null"
    text = inspect_database(pg18).yaml
    assert f"      {LONG_COLUMN}: {{type: integer, nullable: false}}\n" in text, text
    assert "      id: {type: integer, nullable: false, not_null: {name: orders_id_not_null}}\n" in text, text
    assert "      note: {type: text, nullable: false, not_null: {name: note_given}}\n" in text, text
    assert text.count("not_null:") == 2, text
    schema = tmp_path / "schema.yaml"
    schema.write_text(text, encoding="utf-8")
    assert check_drift(str(schema), pg18).differences == ()
    # Left unnamed in schema.yaml, any name the constraint has is right (as for an unnamed key).
    schema.write_text(text.replace(", not_null: {name: orders_id_not_null}", ""), encoding="utf-8")
    assert check_drift(str(schema), pg18).differences == ()
    # Named otherwise, it is drift, and --sql renames it.
    schema.write_text(text.replace("{name: note_given}", "{name: note_present}"), encoding="utf-8")
    drift = check_drift(str(schema), pg18)
    assert [(d.kind, d.name, d.expected, d.actual) for d in drift.differences] == [
        ("column_nullability_changed", "note", "CONSTRAINT note_present NOT NULL", "CONSTRAINT note_given NOT NULL")]


def test_a_renamed_tables_not_null_is_changed_under_the_name_it_kept(pg18, tmp_path):
    """ALTER TABLE ... RENAME keeps <old>_<column>_not_null: the migration renames the ones schema.yaml leaves unnamed
    as the new name makes them (purchases_id_not_null, as a table created so has it and as later migrations name it),
    and a change of one in the same migration (named, validated) follows."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("tables:\n  orders:\n    columns:\n      id: {type: integer, primary_key: true}\n"
                      "      a: {type: integer, not_null: {not_valid: true}}\n")
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(pg18, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO orders VALUES (1, 5), (2, 6)")
    assert _not_nulls(pg18)[("orders", "a")] == ("orders_a_not_null", False)
    schema.write_text("tables:\n  purchases:\n    renamed_from: orders\n    columns:\n"
                      "      id: {type: integer, primary_key: true}\n      a: {type: integer, not_null: {name: a_given}}\n")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    apply_all(pg18, out)
    names = _not_nulls(pg18)
    assert names[("purchases", "a")] == ("a_given", True), result.sql
    assert names[("purchases", "id")] == ("purchases_id_not_null", True)
    assert check_drift(str(schema), pg18).differences == ()


def test_an_attached_partitions_own_not_null_name_is_kept(pg18, tmp_path):
    """A table made with a NOT NULL of its own name, then attached: the constraint it keeps is inherited (not
    conislocal) under its own name, which inspect left out, so the partition schemac made had the parent's."""
    text = inspected_after(pg18, "CREATE TABLE p (a int NOT NULL, b int) PARTITION BY LIST (b);"
                                 "CREATE TABLE x (a int CONSTRAINT x_a_own NOT NULL, b int);"
                                 "ALTER TABLE p ATTACH PARTITION x FOR VALUES IN (1);"
                                 "CREATE TABLE y PARTITION OF p FOR VALUES IN (2)")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    with sibling_database(pg18) as other:
        apply_all(other, out)
        assert _not_nulls(other)[("x", "a")][0] == _not_nulls(pg18)[("x", "a")][0] == "x_a_own"
        assert _not_nulls(other)[("y", "a")][0] == _not_nulls(pg18)[("y", "a")][0] == "p_a_not_null"
        assert check_drift(str(schema), other, out_dir=out).differences == ()
    assert check_drift(str(schema), pg18, out_dir=out).differences == ()
    assert "a: {type: integer, nullable: false, not_null: {name: x_a_own}}" in text, text


PARENTS = """
tables:
  p:
    columns: {a: %s, b: integer%s}
  c:
    inherits: [p]
    columns: {a: %s, b: integer%s}
  pp:
    partition_by: {strategy: list, key: b}
    columns: {a: %s, b: integer%s}
  q:
    partition_of: {parent: pp, bound: FOR VALUES IN (1)}
    columns: {a: %s, b: integer%s}
"""
NOT_NULL = "{type: integer, nullable: false}"


def test_a_childs_named_not_null_is_made_before_its_parents(pg18, tmp_path):
    """The parent's SET NOT NULL or ADD COLUMN ... NOT NULL makes its children's NOT NULLs under its own name, which
    Postgres does not let them rename: the children's named ones are made first, and the parent's merges into them
    (a partitioned parent adds the column without NOT NULL, which it sets once its partitions named theirs). The
    names were lost: `diff` found them right after the migration."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(PARENTS % ("integer", "", "integer", "", "integer", "", "integer", ""), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    schema.write_text(PARENTS % (NOT_NULL, ", z: " + NOT_NULL, "{type: integer, not_null: {name: c_a_nn}}",
                                 ", z: {type: integer, not_null: {name: c_z_nn}}", NOT_NULL, ", z: " + NOT_NULL,
                                 "{type: integer, not_null: {name: q_a_nn}}",
                                 ", z: {type: integer, not_null: {name: q_z_nn}}"), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    apply_all(pg18, out)
    names = _not_nulls(pg18)
    assert {k: names[k][0] for k in [("c", "a"), ("c", "z"), ("q", "a"), ("q", "z"), ("p", "a"), ("pp", "z")]} == {
        ("c", "a"): "c_a_nn", ("c", "z"): "c_z_nn", ("q", "a"): "q_a_nn", ("q", "z"): "q_z_nn",
        ("p", "a"): "p_a_not_null", ("pp", "z"): "pp_z_not_null"}
    assert check_drift(str(schema), pg18, out_dir=out).differences == ()
    assert generate(str(schema), out).status == "unchanged"


def test_renaming_an_inherited_not_null_is_refused_at_generate(pg18, tmp_path):
    """Postgres refuses RENAME CONSTRAINT of an inherited NOT NULL (a child's merged one too): `generate` says so
    at the column's line instead of writing a migration that does not apply."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(PARENTS % (NOT_NULL, "", NOT_NULL, "", NOT_NULL, "", NOT_NULL, ""), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    apply_all(pg18, out)
    for edited in (PARENTS % (NOT_NULL, "", "{type: integer, not_null: {name: c_a_nn}}", "", NOT_NULL, "", NOT_NULL, ""),
                   PARENTS % (NOT_NULL, "", NOT_NULL, "", NOT_NULL, "", "{type: integer, not_null: {name: q_a_nn}}", "")):
        schema.write_text(edited, encoding="utf-8")
        with pytest.raises(SchemacError) as e:
            generate(str(schema), out)
        assert f"{schema}:" in str(e.value) and "Postgres cannot rename an inherited constraint" in str(e.value)
    assert len(Layout(out).migrations()) == 1
    # (c declares a NOT NULL, unnamed: the parent's name, as for one it only inherits: test_not_null_names)
    assert _not_nulls(pg18)[("c", "a")][0] == "p_a_not_null" and _not_nulls(pg18)[("q", "a")][0] == "pp_a_not_null"


def test_a_column_left_to_its_parent_is_printed_apart_from_its_parents_own():
    """plan.ddl prints a column definition once per distinct one: a child's column whose NOT NULL its parent gives
    (NotNull.from_parent, which equality leaves out) and the parent's own, equal otherwise, are two definitions,
    whichever is printed first (the parent's had come out without NOT NULL after the child's)."""
    from dataclasses import replace

    from schemac.model import Column, NotNull
    from schemac.plan.ddl import _printed_column

    own = Column(name="qq_id", type="integer", nullable=False, not_null=NotNull(name="qq_parent_qq_id_not_null"))
    given = replace(own, not_null=replace(own.not_null, from_parent=True))
    assert own == given
    for first, second in ((given, own), (own, given)):
        texts = {c is own: _printed_column(c, False, "public").this for c in (first, second)}
        assert "NOT NULL" in texts[True] and "NOT NULL" not in texts[False], texts


def test_a_not_null_differing_by_its_comment_alone_says_the_comments(pg18, tmp_path):
    """Drift in a NOT NULL's comment alone was reported as two identical texts ("is CONSTRAINT c5_kind_not_null
    NOT NULL, expected CONSTRAINT c5_kind_not_null NOT NULL"): the description leaves a NOT NULL's comment out,
    and says it where nothing else differs."""
    text = inspected_after(pg18, "CREATE TABLE base (id int, kind text NOT NULL);"
                                 "CREATE TABLE c5 (kind text CONSTRAINT c5_kind_not_null NOT NULL) INHERITS (base);"
                                 "COMMENT ON CONSTRAINT c5_kind_not_null ON c5 IS 'old'; CREATE TABLE t (a int NOT NULL)")
    schema = tmp_path / "schema.yaml"
    assert "not_null: {name: c5_kind_not_null, comment: old}" in text, text
    schema.write_text(text.replace("comment: old}", "comment: new}"), encoding="utf-8")
    drift = check_drift(str(schema), pg18)
    assert [(d.kind, d.name, d.expected, d.actual, d.message) for d in drift.differences] == [
        ("column_nullability_changed", "kind", "CONSTRAINT c5_kind_not_null NOT NULL (comment 'new')",
         "CONSTRAINT c5_kind_not_null NOT NULL (comment 'old')",
         "column kind: is CONSTRAINT c5_kind_not_null NOT NULL (comment 'old'), expected CONSTRAINT c5_kind_not_null "
         "NOT NULL (comment 'new')")]
    schema.write_text(text.replace("      a: {type: integer, nullable: false}", "      a: integer"), encoding="utf-8")
    assert [(d.expected, d.actual) for d in check_drift(str(schema), pg18).differences] == [("NULL", "NOT NULL")]


def test_a_renamed_parents_not_null_is_remade_where_a_partition_holds_its_own(pg18, tmp_path):
    """A NOT NULL a table kept through an older RENAME TABLE is renamed to Postgres's name where schema.yaml leaves it
    unnamed (kinds/not_nulls.sql); on a partitioned table one of whose partitions (attached with its own) holds
    another, RENAME CONSTRAINT recurses and Postgres refuses it ('constraint "ev_old_id_not_null" for table "ev_2025"
    does not exist'), so generate kept the parent's name with a warning (recorded: a comment given later went to it).
    Now the partition's is made its own and kept, the parent's dropped and added again under Postgres's name
    (compare.not_null_remade.parent_remade), without a warning, as a fresh build names it; a table without children is
    renamed; a comment given later is made on the new name."""
    text = inspected_after(pg18, "CREATE TABLE ev_old (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);"
                                 "CREATE TABLE ev_2025 (id int NOT NULL, at date NOT NULL);"
                                 "ALTER TABLE ev_old ATTACH PARTITION ev_2025 FOR VALUES FROM ('2025-01-01') TO "
                                 "('2026-01-01'); CREATE TABLE lone_old (id int NOT NULL); ALTER TABLE ev_old RENAME TO ev;"
                                 "ALTER TABLE lone_old RENAME TO lone; INSERT INTO ev VALUES (1, '2025-05-01')")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    schema.write_text(text.replace(", not_null: {name: ev_old_id_not_null}", "")
                      .replace(", not_null: {name: ev_old_at_not_null}", "")
                      .replace(", not_null: {name: lone_old_id_not_null}", ""), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    assert not [n for n in result.notices if "keeps its name" in n], result.notices
    with psycopg.connect(pg18, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[-1:], record=False)
        assert conn.execute("SELECT * FROM ev").fetchall() == [(1, datetime.date(2025, 5, 1))]
    names = _not_nulls(pg18)
    assert {k: n for k, (n, _) in names.items()} == {
        ("ev", "id"): "ev_id_not_null", ("ev", "at"): "ev_at_not_null", ("ev_2025", "id"): "ev_2025_id_not_null",
        ("ev_2025", "at"): "ev_2025_at_not_null", ("lone", "id"): "lone_id_not_null"}, result.sql
    assert check_drift(str(schema), pg18).differences == ()
    schema.write_text(schema.read_text(encoding="utf-8").replace(
        "id: {type: integer, nullable: false}", "id: {type: integer, nullable: false, not_null: {comment: the id}}", 1))
    later = generate(str(schema), out)
    assert later.status == "written", later.message
    with psycopg.connect(pg18, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[-1:], record=False)
        assert conn.execute("SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = "
                            "'ev_id_not_null' AND conrelid = 'ev'::regclass").fetchone() == ("the id",), later.sql
    assert check_drift(str(schema), pg18).differences == ()


EVENTS = ("tables:\n  ev:\n    columns:\n      id: {type: integer, nullable: false}\n      at: {type: date, nullable: false}\n"
          "    partition_by: {strategy: range, key: at}\n"
          "  ev_2024:\n    partition_of: {parent: ev, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\"}\n"
          "  ev_2025:\n    partition_of: {parent: ev, bound: \"FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\"}\n"
          "    columns:\n      id: {type: integer, nullable: false, not_null: {name: ev_2025_id_not_null}}\n"
          "      at: {type: date, nullable: false, not_null: {name: ev_2025_at_not_null}}\n")


def test_a_parent_renamed_by_renamed_from_takes_a_new_builds_not_null_names_where_a_partition_holds_its_own(
        pg18, tmp_path):
    """The same through `renamed_from:` (the table renamed by this migration, not before it): the RENAME CONSTRAINT to
    journal_id_not_null, asked of the server, is left undone (ev_2025 holds ev_2025_id_not_null). generate recorded
    Postgres's name after the new one, said nothing, and a comment given to the NOT NULL later went to it ('constraint
    "journal_id_not_null" for table "journal" does not exist'); then it kept the old name, saying why; now (session 50,
    fix50g: compare.not_null_remade) the parent's NOT NULL is dropped and added again under a new build's name, the
    partition's own kept: every NOT NULL named as a fresh build of the renamed schema names it, and a comment given
    later goes to it."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")

    def step(text: str):
        schema.write_text(text, encoding="utf-8")
        result = generate(str(schema), out)
        assert result.status == "written", result.message
        with psycopg.connect(pg18, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations()[-1:], record=False)
        assert check_drift(str(schema), pg18).differences == (), result.sql
        return result
    step(EVENTS)
    with psycopg.connect(pg18, autocommit=True) as conn:
        conn.execute("INSERT INTO ev VALUES (1, '2024-05-01'), (2, '2025-05-01')")
    renamed = EVENTS.replace("  ev:\n", "  journal:\n    renamed_from: ev\n").replace("parent: ev,", "parent: journal,")
    result = step(renamed)
    names = _not_nulls(pg18)
    _, fresh = built_and_read(pg18, renamed, str(tmp_path / "fresh"), NOT_NULLS)
    assert names == {(t, c): (n, v) for t, c, n, v in fresh if t != "_sqlx_migrations"}, result.sql
    assert names[("journal", "id")][0] == "journal_id_not_null" and names[("ev_2025", "id")][0] == "ev_2025_id_not_null"
    assert not [n for n in result.notices if "keeps its name" in n], result.notices
    later = step(renamed.replace("id: {type: integer, nullable: false}", "id: {type: integer, nullable: false, "
                                 "not_null: {comment: the id}}", 1))
    with psycopg.connect(pg18) as conn:
        assert conn.execute("SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = "
                            "'journal_id_not_null' AND conrelid = 'journal'::regclass").fetchone() == ("the id",), later.sql
        assert conn.execute("SELECT count(*) FROM journal").fetchone() == (2,)
