"""compare.tables.unchanged lets diff_table answer "no change" without walking two tables (issue 15:
`generate` compares schema.yaml with the recorded model, where most tables are equal). Its claim is held
here against the walk itself (compared_table), on every table of the YAML fixtures and of a real database's
catalog (pagila), each compared with its equal twin: the same file loaded again, the same catalog read again."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from schemac.catalog.connection import connect
from schemac.catalog.reader import introspect
from schemac.compare.tables import compared_table, diff_table, unchanged
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
