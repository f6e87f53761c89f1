"""render_sql's generator (plan.printing) remembers the text of types by shape (issue 15): what it
prints must be what sqlglot prints, a generator per statement, without anything remembered."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot import exp

from schemac.compare.differ import diff
from schemac.model import Schema
from schemac.pg.dialect import RENDER
from schemac.pg.types import build_type, canonical_type
from schemac.plan import printing
from schemac.plan.planner import plan, render_sql
from schemac.schemafile.load import load_file

HERE = Path(__file__).parent
SCHEMAS = [HERE / "fixtures" / "everything.yaml", HERE / "fixtures" / "objects.yaml", HERE / "fixtures" / "views.yaml",
           HERE / "fixtures" / "hostile" / "hostile-but-valid.yaml", HERE.parent / "schema.yaml"]
TYPES = ["bigint", "integer", "smallint", "numeric", "numeric(12,2)", "numeric(5)", "character varying(100)",
         "character varying", "character(1)", "text", "boolean", "timestamp(3) with time zone", "timestamp without time zone",
         "time(2) without time zone", "interval", "interval(3)", "double precision", "real", "float(30)", "jsonb",
         "uuid", "bytea", "integer[]", "text[]", "numeric(10,2)[]", "bit varying(5)", "bit(3)", "int4range",
         "tstzmultirange", '"Mood"', "ref.kind", "public.mood[]", "vector(3)", "geometry(Point,4326)", "oid", "regclass",
         "inet", "money", "xml", "point", "hstore", "name", "bpchar"]


def _plain(statements: list[exp.Expression]) -> str:
    """render_sql's layout, every piece printed by sqlglot from a copy, a generator each."""
    parts = []
    for s in statements:
        if isinstance(s, exp.Create) and s.args.get("kind") == "TABLE" and isinstance(s.this, exp.Schema):
            bare = s.copy()
            bare.this.set("expressions", [exp.ColumnDef(this=exp.Identifier(this="placeholder_x"))])
            head, _, tail = bare.sql(dialect=RENDER).partition(" (placeholder_x)")
            items = ",\n  ".join(item.sql(dialect=RENDER) for item in s.this.expressions)
            parts.append(f"{head} (\n  {items}\n){tail};" if items else f"{head} (){tail};")
        else:
            parts.append(s.sql(dialect=RENDER) + ";")
    return "\n\n".join(parts) + ("\n" if parts else "")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_render_is_sqlglots_text(path):
    statements = plan(diff(Schema(), load_file(str(path))))
    expected = _plain(statements)
    assert render_sql(statements) == expected
    assert render_sql(statements) == expected  # the second time from what the first remembered


@pytest.mark.parametrize("spelling", TYPES)
def test_remembered_type_is_sqlglots_text(spelling):
    node = build_type(canonical_type(spelling))
    expected = node.sql(dialect=RENDER)
    for _ in range(2):
        assert printing.printer().generate(build_type(canonical_type(spelling)), copy=False) == expected


def test_shape_tells_types_apart():
    texts: dict = {}
    for t in TYPES:
        node = build_type(canonical_type(t))
        texts.setdefault(printing.shape(node), set()).add(node.sql(dialect=RENDER))
    assert all(len(v) == 1 for k, v in texts.items() if k is not None)  # never one shape for two texts
    assert len(texts) > 30
    assert printing.shape(exp.DataType(this=exp.DType.USERDEFINED, kind=exp.Identifier(this="x"))) is None
    commented = build_type("integer")
    commented.comments = ["c"]
    assert printing.shape(commented) is None


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_lock_count_finds_every_key_find_all_finds(path):
    """generate cuts files by the locks of each statement, counting a CREATE TABLE's keys where its trees
    hold them (a column printed once per definition says how many it holds) instead of walking every node:
    as many as the statement's text says (its words PRIMARY KEY and UNIQUE, outside quotes: pg.sqllex)."""
    from schemac.commands.statement_runs import keys_of_create_table
    from schemac.pg.sqllex import tokens
    from schemac.plan.planner import render_sql

    tables = [s for s in plan(diff(Schema(), load_file(str(path))))
              if isinstance(s, exp.Create) and str(s.args.get("kind")).upper() == "TABLE"]
    assert tables
    for statement in tables:
        text = render_sql([statement])
        words = [t.text.upper() for t in tokens(text) if t.kind == "word"]
        said = words.count("UNIQUE") + sum(1 for a, b in zip(words, words[1:]) if (a, b) == ("PRIMARY", "KEY"))
        assert keys_of_create_table(statement) == said, text


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_a_column_printed_once_prints_as_its_tree(path):
    """CREATE TABLE prints each distinct column definition once (plan.ddl._printed_column): every column of the
    fixtures reads as column_def's own tree printed afresh, in every table that repeats it."""
    from schemac.plan.ddl import _printed_column, column_def

    schema = load_file(str(path))
    for table in schema.tables:
        for column in table.columns:
            for inline_pk in (False, True):
                fresh = printing.printer().generate(column_def(column, inline_pk, table.schema), copy=False)
                assert _printed_column(column, inline_pk, table.schema).this == fresh


def test_what_column_def_reads_beyond_equality_is_in_the_key():
    """An identity's sequence name is not compared (a rename later is no drift) but is written at CREATE."""
    from schemac.model import Column
    from schemac.model.sequences import Identity
    from schemac.plan.ddl import _printed_column

    a, b = (Column("id", "bigint", identity=Identity(True, sequence_name=n)) for n in ("a_seq", "b_seq"))
    assert a == b
    texts = {_printed_column(c, False, "public").this for c in (a, b)}
    assert len(texts) == 2 and all("SEQUENCE NAME" in t.upper() for t in texts), texts


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_a_plain_create_table_s_head_is_sqlglot_s(path):
    """render_sql prints a plain CREATE TABLE's head from its name alone: what printing the whole statement
    with a placeholder for its columns gives (every table of the fixtures, plain or not)."""
    from schemac.plan.printing import around_columns, around_columns_printed

    tables = [s for s in plan(diff(Schema(), load_file(str(path))))
              if isinstance(s, exp.Create) and str(s.args.get("kind")).upper() == "TABLE"]
    assert tables
    for statement in tables:
        assert around_columns(statement, printing.printer()) == around_columns_printed(statement, printing.printer())


def test_a_printed_item_is_what_generate_gives_for_it():
    """render_sql takes a CREATE TABLE item printed before (Printed) as its text, without generate(): the same
    text generate() gives, a comment or spaces around it included (which then go through generate)."""
    from schemac.pg.syntax import Printed

    printer = printing.printer()
    plain, padded, commented = Printed(this="a INT NOT NULL"), Printed(this="  b TEXT \n"), Printed(this="c INT")
    commented.comments = ["why"]
    for item in (plain, padded, commented):
        assert printing.item_text(item, printer) == printing.printer().generate(item, copy=False)
    assert printing.item_text(padded, printer) == "b TEXT"
    assert "why" in printing.item_text(commented, printer)


def test_an_index_s_parameters_printed_once_print_as_their_tree(monkeypatch):
    """CREATE INDEX prints each distinct definition's keys, INCLUDE, WITH and WHERE once (plan.ddl._printed_parameters):
    every index of the fixtures (CONCURRENTLY or not, NULLS NOT DISTINCT's own statement too) reads as the statement
    built with its parameters' tree, printed afresh by sqlglot, the second time from what the first remembered."""
    from schemac.plan import ddl

    indexes = [(t, i) for path in SCHEMAS for t in load_file(str(path)).tables for i in t.indexes]
    assert len(indexes) > 20 and any(i.nulls_not_distinct for _, i in indexes)
    assert "_index_parameters" in vars(ddl)  # (what the statement is built from, printed afresh)
    remembered = [[render_sql([ddl.create_index(t, i, c)]) for _ in range(2)] for t, i in indexes for c in (False, True)]
    monkeypatch.setattr(printing, "printed_once", lambda key, build, holder, keys=0: build())
    fresh = [ddl.create_index(t, i, c).sql(dialect=RENDER) + ";\n" for t, i in indexes for c in (False, True)]
    assert remembered == [[f, f] for f in fresh]


def test_an_index_s_printed_parameters_tell_definitions_apart():
    """Two indexes of one table that differ only in what the parameters hold (order, nulls, method, WHERE, WITH,
    INCLUDE, collation, operator class) print differently; NULLS NOT DISTINCT prints its WITH and WHERE after it."""
    from schemac.model import Index, IndexElement, Table
    from schemac.plan import ddl

    table = Table("t", columns=())
    base = Index("i", (IndexElement(column="a"),))
    variants = [base, Index("i", (IndexElement(column="a", order="desc"),)),
                Index("i", (IndexElement(column="a", nulls="first"),)), Index("i", base.elements, method="hash"),
                Index("i", base.elements, where="a > 0"), Index("i", base.elements, parameters=("fillfactor=70",)),
                Index("i", base.elements, include=("b",)), Index("i", (IndexElement(column="a", collation='"C"'),)),
                Index("i", (IndexElement(column="a", opclass="text_pattern_ops"),)),
                Index("i", base.elements, where="a > 0", parameters=("fillfactor=70",), unique=True, nulls_not_distinct=True)]
    texts = [render_sql([ddl.create_index(table, v)]) for v in variants]
    assert len(set(texts)) == len(texts), texts
    assert texts[-1].index("NULLS NOT DISTINCT") < texts[-1].index("WITH") < texts[-1].index("WHERE"), texts[-1]


def test_a_create_table_s_printed_constraints_print_as_their_trees(monkeypatch):
    """CREATE TABLE prints each distinct UNIQUE, and each distinct CHECK body under its own name, once
    (plan.ddl._printed_constraint): every table of the fixtures prints as its statement built of trees printed
    afresh by sqlglot, the second time from what the first remembered, with as many keys counted."""
    from schemac.commands.statement_runs import keys_of_create_table
    from schemac.plan import ddl

    tables = [t for path in SCHEMAS for t in load_file(str(path)).tables if t.partition_of is None]
    assert sum(len(t.uniques) for t in tables) > 5 and sum(len(t.checks) for t in tables) > 5
    remembered = [[(render_sql([s]), keys_of_create_table(s)) for s in (ddl.create_table(t), ddl.create_table(t))]
                  for t in tables]
    monkeypatch.setattr(printing, "printed_once", lambda key, build, holder, keys=0: build())
    assert "_printed_constraint" in vars(ddl)
    for t, texts in zip(tables, remembered):
        statement = ddl.create_table(t)
        fresh = (_plain([statement]), keys_of_create_table(statement))
        assert texts == [fresh, fresh], t.name


def test_a_create_table_s_printed_constraints_tell_definitions_apart():
    """UNIQUEs or CHECKs that differ in any printed field print differently (the key holds every field but the source)."""
    from schemac.model import Check, Column, Table, Unique
    from schemac.plan import ddl

    columns = (Column("a", "integer"), Column("b", "integer"))
    uniques = [Unique(("a",)), Unique(("b",)), Unique(("a",), name="u"), Unique(("a",), nulls_not_distinct=True),
               Unique(("a",), deferrable=True), Unique(("a",), deferrable=True, initially_deferred=True),
               Unique(("a",), include=("b",)), Unique(("a",), parameters=("fillfactor=70",))]
    checks = [Check("c", "a > 0"), Check("c", "a > 1"), Check("d", "a > 0"), Check("c", "a > 0", no_inherit=True),
              Check("c", "a > 0", enforced=False)]
    texts = [render_sql([ddl.create_table(Table("t", columns=columns, uniques=(u,)))]) for u in uniques]
    texts += [render_sql([ddl.create_table(Table("t", columns=columns, checks=(c,)))]) for c in checks]
    assert len(set(texts)) == len(texts), texts
