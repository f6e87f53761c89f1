"""Every SQL/JSON and XML keyword form PostgreSQL 15-18 deparses, read back by schemac: a CHECK per shape on a
real server, its pg_get_expr text parsed (pg.keywordcalls, pg.syntax, sqlglot), printed as a migration prints it,
made again in another CHECK, whose pg_get_expr must be the same text; the two texts must have one normal form.

A shape the server refuses (SQL/JSON query functions and JSON() before 17, constructors before 16, XML functions
on a build without libxml: pg15's here has it) is left out on that major; each major must run some. Default run:
PostgreSQL 18; `-m slow` 16 and 15 as well.
"""

from __future__ import annotations

import psycopg
import pytest
from conftest import MAJORS

from schemac.compare.normalize import normal_form
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression

COLUMNS = "j jsonb, js json, jt text, x xml, s text, n int"
SHAPES = """
JSON_VALUE(j, '$.a')
JSON_VALUE(j, '$.a' RETURNING varchar(10) DEFAULT 'x' ON EMPTY)
JSON_VALUE(j, '$.a' RETURNING int DEFAULT 0 ON EMPTY ERROR ON ERROR)
JSON_VALUE(j, '$.a' NULL ON EMPTY DEFAULT -1 ON ERROR)
JSON_VALUE(j, 'strict $.a ? (@ > $x)' PASSING n AS x, s AS "Y")
JSON_VALUE(js, '$.a' RETURNING date)
JSON_QUERY(j, '$.a')
JSON_QUERY(j, '$.a' WITH WRAPPER)
JSON_QUERY(j, '$.a' WITH CONDITIONAL ARRAY WRAPPER)
JSON_QUERY(j, '$.a' WITHOUT WRAPPER OMIT QUOTES ON SCALAR STRING)
JSON_QUERY(j, '$.a' RETURNING text KEEP QUOTES EMPTY ON EMPTY)
JSON_QUERY(j, '$.a' RETURNING json EMPTY OBJECT ON ERROR)
JSON_QUERY(j, '$.a' NULL ON EMPTY ERROR ON ERROR)
JSON_QUERY(j, '$.a' DEFAULT '[]' ON EMPTY)
JSON_QUERY(j FORMAT JSON, '$.a' PASSING n AS x RETURNING bytea FORMAT JSON)
JSON_EXISTS(j, '$.a ? (@ == $v)' PASSING s AS v)
JSON_EXISTS(j, '$.a' TRUE ON ERROR)
JSON_EXISTS(j, '$.a' FALSE ON ERROR)
JSON_EXISTS(jt, '$.a' UNKNOWN ON ERROR)
JSON_EXISTS(j, '$.a' ERROR ON ERROR)
JSON_SCALAR(n)
JSON_SERIALIZE(js)
JSON_SERIALIZE(j RETURNING bytea)
JSON_SERIALIZE(j RETURNING varchar(50))
JSON(jt)
JSON(jt WITH UNIQUE KEYS)
JSON(jt WITHOUT UNIQUE)
JSON(jt FORMAT JSON WITH UNIQUE)
JSON_OBJECT('a': n)
JSON_OBJECT('a' VALUE n, 'b': s ABSENT ON NULL)
JSON_OBJECT('a': n NULL ON NULL WITH UNIQUE KEYS RETURNING jsonb)
JSON_OBJECT('a': n WITHOUT UNIQUE KEYS RETURNING text)
JSON_OBJECT()
JSON_OBJECT(RETURNING jsonb)
JSON_OBJECT(s: j FORMAT JSON)
JSON_ARRAY(n, s)
JSON_ARRAY(n NULL ON NULL RETURNING jsonb)
JSON_ARRAY(n ABSENT ON NULL)
JSON_ARRAY(j RETURNING json)
JSON_ARRAY()
JSON_ARRAY(RETURNING jsonb)
JSON_ARRAY(j FORMAT JSON, ARRAY[n])
jt IS JSON
jt IS NOT JSON VALUE
jt IS JSON SCALAR WITHOUT UNIQUE KEYS
jt IS JSON OBJECT WITH UNIQUE KEYS
jt IS NOT JSON ARRAY WITH UNIQUE
(s || 'x') IS JSON
XMLEXISTS('//a' PASSING x)
XMLEXISTS('//a' PASSING BY REF x)
XMLEXISTS(s PASSING BY VALUE x BY VALUE)
XMLELEMENT(NAME a)
XMLELEMENT(NAME "A b", XMLATTRIBUTES(n AS k, s), s)
XMLFOREST(s, n AS num)
XMLPI(NAME php)
XMLPI(NAME php, s)
XMLROOT(x, VERSION '1.0')
XMLROOT(x, VERSION NO VALUE, STANDALONE YES)
XMLROOT(x, VERSION s, STANDALONE NO)
XMLROOT(x, VERSION NO VALUE, STANDALONE NO VALUE)
XMLCONCAT(x, XMLPI(NAME b))
XMLSERIALIZE(CONTENT x AS text)
XMLPARSE(DOCUMENT s PRESERVE WHITESPACE)
x IS NOT DOCUMENT
""".strip().splitlines()


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == "pg18" else (pytest.mark.slow,))
                                      for m in MAJORS], indirect=True)
def test_every_deparsed_shape_is_read_back_as_itself(major_db):
    ran, wrong = 0, []
    with psycopg.connect(major_db, autocommit=True) as conn:
        def deparsed(table: str, check: str) -> str:
            conn.execute(f"CREATE TABLE {table} ({COLUMNS}, CONSTRAINT k CHECK ({check}))")
            return conn.execute("SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint "
                                "WHERE conrelid = %s::regclass", (table,)).fetchone()[0]

        for i, shape in enumerate(SHAPES):
            try:
                text = deparsed(f"a{i}", f"({shape}) IS NOT NULL")
            except (psycopg.errors.SyntaxError, psycopg.errors.FeatureNotSupported, psycopg.errors.UndefinedFunction):
                continue  # this major or build has no such syntax
            ran += 1
            try:
                written = parse_expression(text).sql(dialect=RENDER)
                again = deparsed(f"b{i}", written)
            except Exception as e:  # noqa: BLE001 - every failure is reported with its shape
                wrong.append(f"{text}: {type(e).__name__}: {str(e).splitlines()[0]}")
                continue
            if again != text or normal_form(again) != normal_form(written):
                wrong.append(f"{text} -> {written} -> {again}")
    assert ran >= 10, f"only {ran} shapes could be made on this server"
    assert not wrong, "\n".join(wrong)
