"""compare.shortcut.unchanged lets diff_table answer "no change" without walking two tables (issue 15:
`generate` compares schema.yaml with the recorded model, where most tables are equal). Its claim is held
here against the walk itself (compared_table), on every table of the YAML fixtures and of a real database's
catalog (pagila), each compared with its equal twin: the same file loaded again, the same catalog read again."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from schemac.catalog.connection import connect
from schemac.catalog.reader import introspect
from schemac.compare.shortcut import unchanged
from schemac.compare.tables import compared_table, diff_table
from schemac.model import Index, Schema
from schemac.schemafile.load import load_file

HERE = Path(__file__).parent
YAMLS = sorted((HERE / "fixtures").glob("*.yaml")) + [HERE.parent / "schema.yaml"]
SQLS = [HERE / "fixtures" / "corpus" / "pagila" / "schema.sql"]


def _held(schema: Schema, again: Schema) -> int:
    twin = {t.key: t for t in again.tables}
    taken = 0
    for table in schema.tables:
        other = twin[table.key]
        assert other is not table and other == table
        if unchanged(table, other):
            taken += 1
            assert compared_table(table, other) == [], table.key
            assert compared_table(other, table) == [], table.key
    return taken


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: p.name)
def test_equal_tables_of_schema_yaml_have_no_change(path):
    schema = load_file(str(path))
    assert _held(schema, load_file(str(path))) == len(schema.tables) > 0


@pytest.mark.parametrize("path", SQLS, ids=lambda p: p.parent.name)
def test_equal_tables_of_a_catalog_have_no_change(db_url, path):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(path.read_text(encoding="utf-8"))
    with connect(db_url) as conn:
        schema, again = (introspect(conn, ("public",)).schema for _ in range(2))
    assert _held(schema, again) == len(schema.tables) > 10


def test_what_the_walk_reads_beside_equality_is_not_taken():
    """An invalid index is rebuilt, a column of a re-created enum is altered: equal tables, changes."""
    schema = load_file(str(HERE / "fixtures" / "everything.yaml"))
    table = next(t for t in schema.tables if t.indexes)
    invalid = type(table)(**{**table.__dict__, "indexes": tuple(Index(**{**i.__dict__, "valid": False})
                                                                     for i in table.indexes)})
    assert not unchanged(invalid, invalid)
    assert diff_table(invalid, invalid) == compared_table(invalid, invalid) != []
    objects = load_file(str(HERE / "fixtures" / "objects.yaml"))
    people = next(t for t in objects.tables if t.name == "people")
    assert "mood" in {c.type for c in people.columns}
    rebuilt = frozenset({("public", "mood")})
    assert unchanged(people, people) and not unchanged(people, people, rebuilt)
    assert diff_table(people, people, rebuilt) == compared_table(people, people, rebuilt) != []


@pytest.mark.parametrize("path", SQLS, ids=lambda p: p.parent.name)
def test_tables_read_back_against_their_inspected_yaml_have_no_change(db_url, path, tmp_path):
    """`diff`'s case: the catalog's tables against schema.yaml's, which inspect wrote without the names Postgres
    chose for keys (pagila's `actor_pkey`...) and tables without a TOAST table, as check_drift compares them.
    Taken by the shortcut (none of the 22 was before), and the walk agrees."""
    from schemac.commands.diff import check_drift
    from schemac.commands.inspect import inspect_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(path.read_text(encoding="utf-8"))
    (tmp_path / "schema.yaml").write_text(inspect_database(db_url, ("public",)).yaml, encoding="utf-8")
    result = check_drift(str(tmp_path / "schema.yaml"), db_url)
    assert result.differences == ()
    actual, desired = ({t.key: t for t in s.tables} for s in result.compared)
    unnamed = [t for k, t in actual.items() if t.primary_key and desired[k].primary_key.name is None]
    assert len(unnamed) > 10 and all(t.primary_key.name for t in unnamed)  # the names differ, as written
    taken = [k for k, t in actual.items() if unchanged(t, desired[k])]
    assert len(taken) == len(actual) == len(desired)
    for key in taken:
        assert compared_table(actual[key], desired[key]) == [], key


def test_a_key_left_unnamed_is_still_compared_by_its_definition(db_url):
    """The names are left aside, nothing else: an unnamed UNIQUE over another column, a foreign key with another
    action, are changes (the walk finds them), not taken by the shortcut."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE p (id int PRIMARY KEY, a int, b int UNIQUE);"
                     "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE)")
    with connect(db_url) as conn:
        actual = {t.name: t for t in introspect(conn, ("public",)).schema.tables}
    p, c = actual["p"], actual["c"]
    unnamed_p = type(p)(**{**p.__dict__, "primary_key": type(p.primary_key)(**{**p.primary_key.__dict__, "name": None})})
    assert unchanged(p, unnamed_p) and compared_table(p, unnamed_p) == []
    other_column = type(p)(**{**unnamed_p.__dict__, "uniques": tuple(
        type(u)(**{**u.__dict__, "name": None, "columns": ("a",)}) for u in p.uniques)})
    assert not unchanged(p, other_column) and compared_table(p, other_column) != []
    fk = c.foreign_keys[0]
    other_action = type(c)(**{**c.__dict__, "foreign_keys": (type(fk)(**{**fk.__dict__, "name": None,
                                                                            "on_delete": "restrict"}),)})
    assert not unchanged(c, other_action) and compared_table(c, other_action) != []
    # No TOAST table in the catalog (p's columns need none): only a `toast.` parameter makes that a change.
    assert not p.toast_table and unchanged(p, type(p)(**{**unnamed_p.__dict__, "toast_table": True}))
    toast_set = {"parameters": ("toast.autovacuum_enabled=false",)}
    toasted = type(p)(**{**p.__dict__, **toast_set})
    wanted = type(p)(**{**unnamed_p.__dict__, **toast_set, "toast_table": True})
    assert not unchanged(toasted, wanted) and compared_table(toasted, wanted) != []


def test_no_table_is_walked_for_renames_where_none_was_renamed(monkeypatch):
    """compare.moves.renamed_tables re-points every table's foreign keys and parents at the tables renamed: with none
    renamed (an in-sync diff) it walks none (~2 ms of a 1,000-table diff's tail, after the last reply); with one, it
    walks them all, and the foreign key to the renamed table names its new name."""
    from schemac.compare import moves
    from schemac.compare.differ import diff
    from schemac.schemafile.load import load_text

    walked: list = []
    real = moves._repointed
    monkeypatch.setattr(moves, "_repointed", lambda t, moved: (walked.append(t.name), real(t, moved))[1])
    b = "  b: {columns: {a_id: integer}, foreign_keys: [{columns: [a_id], references: {table: %s, columns: [id]}}]}\n"
    old = load_text("tables:\n  a: {columns: {id: {type: integer, primary_key: true}}}\n" + b % "a", "schema.yaml")
    assert diff(old, old) == [] and walked == []
    new = load_text("tables:\n  c: {renamed_from: a, columns: {id: {type: integer, primary_key: true}}}\n" + b % "c",
                    "schema.yaml")
    assert [c.kind for c in diff(old, new)] == ["rename_table"] and sorted(walked) == ["b", "c"]


def test_no_column_is_walked_for_domains_in_arrays_where_no_domain_checks_values(monkeypatch):
    """compare.domain_arrays.rebuilt_for_arrays looks for the columns holding a domain in an array only where a
    domain's change checks values (an in-sync diff has none: walking every column of every table was ~7 ms of a
    1,000-table diff's tail, after the last reply); where one does, the columns are walked and the domain a column
    holds in an array is created again around its columns (set aside, the column retyped)."""
    from schemac.compare import domain_arrays
    from schemac.compare.differ import diff
    from schemac.schemafile.load import load_text

    walked: list = []
    real = domain_arrays.in_arrays
    monkeypatch.setattr(domain_arrays, "in_arrays", lambda schema: (walked.append(schema), real(schema))[1])
    text = "domains:\n  code: {type: text%s}\ntables:\n  k: {columns: {id: {type: integer, primary_key: true}, cs: 'code[]'}}\n"
    old = load_text(text % "", "schema.yaml")
    assert diff(old, old) == [] and walked == []
    new = load_text(text % ", checks: {up: \"VALUE ~ '^[A-Z]+$'\"}", "schema.yaml")
    assert [c.kind for c in diff(old, new)] == ["alter_domain", "drop_domain", "alter_column_type"] and len(walked) == 1


def test_no_table_is_walked_for_outside_triggers_where_none_has_a_trigger(monkeypatch):
    """catalog.outside.without_outside_functions walks the tables for triggers running a function schema.yaml does not
    know (and the partitions' clones of them) only where a table has a trigger: with none (gen_schema.py's shape, most
    schemas) the tables come back as they are, unwalked (~1 ms of a 1,000-table diff's tail, after the last reply);
    with one running an outside function, it is still listed as not managed and taken off its table."""
    from dataclasses import replace

    from schemac.catalog import outside
    from schemac.model import Trigger
    from schemac.schemafile.load import load_text

    walked: list = []
    real = outside.of_known_triggers
    monkeypatch.setattr(outside, "of_known_triggers", lambda tables: (walked.append(len(tables)), real(tables))[1])
    schema = load_text("tables:\n  a: {columns: {id: {type: integer, primary_key: true}}}\n", "schema.yaml")
    assert outside.without_outside_functions(schema) is schema and walked == []
    a = schema.tables[0]
    trigger = Trigger(name="g", function="elsewhere.f", timing="before", for_each_row=True)
    triggered = replace(schema, tables=(replace(a, triggers=(trigger,)),))
    out = outside.without_outside_functions(triggered)
    assert walked == [1] and out.tables[0].triggers == ()
    assert [(u.kind, u.name) for u in out.unmanaged] == [("trigger", "a.g")]
