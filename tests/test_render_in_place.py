"""render_sql prints statements without copying them (issue 15): the trees must come out unchanged,
and the text must be what sqlglot prints from a copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres

from schemac.compare.differ import diff
from schemac.model import Schema
from schemac.pg import dialect
from schemac.pg.dialect import RENDER, SchemacRender
from schemac.plan.planner import plan, render_sql
from schemac.schemafile.load import load_file

HERE = Path(__file__).parent
SCHEMAS = [HERE / "fixtures" / "everything.yaml", HERE / "fixtures" / "objects.yaml", HERE.parent / "schema.yaml"]


def _pairs():
    schemas = [load_file(str(p)) for p in SCHEMAS]
    yield from ((Schema(), s) for s in schemas)
    yield from ((s, Schema()) for s in schemas)
    yield from ((a, b) for a in schemas for b in schemas if a is not b)


@pytest.mark.parametrize("n", range(len(SCHEMAS) * (len(SCHEMAS) + 1)))
def test_statements_render_in_place_unchanged(n):
    current, desired = list(_pairs())[n]
    statements = plan(diff(current, desired))
    copies = [s.copy() for s in statements]
    expected = [s.sql(dialect=RENDER) for s in copies]
    script = render_sql(statements)
    assert statements == copies, "render_sql changed a statement's tree"
    assert [render_sql([s]) for s in statements] == [render_sql([c]) for c in copies]
    assert all(text in script or s.key == "create" for text, s in zip(expected, statements))
    assert render_sql(statements) == script


class _Stock(SchemacRender):
    """RENDER with sqlglot's own way of printing column definitions (what dialect._column_def shortcuts)."""

    class Generator(SchemacRender.Generator):
        TRANSFORMS = {**SchemacRender.Generator.TRANSFORMS, exp.ColumnDef: dialect._COLUMN_DEF}
        columndef_sql = Postgres.Generator.columndef_sql


@pytest.mark.parametrize("n", range(len(SCHEMAS) * (len(SCHEMAS) + 1)))
def test_column_definitions_print_as_sqlglot_prints_them(n):
    current, desired = list(_pairs())[n]
    stock = _Stock()
    for s in plan(diff(current, desired)):
        assert s.sql(dialect=RENDER) == s.sql(dialect=stock)
        for column in s.find_all(exp.ColumnDef):
            assert column.sql(dialect=RENDER) == column.sql(dialect=stock)
