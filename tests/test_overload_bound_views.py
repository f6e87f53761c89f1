"""A view made before a newer overload of a function it calls (ADempiere's `nvl(anyelement, anyelement)`, then
`nvl(character varying, character varying)`: probe53a, metasfresh) stays bound to the older one, and Postgres prints
its call schema-qualified (`public.nvl(name2, name)`: the name alone takes the newer). schema.yaml records no binding
and a migration creates functions before views, so the view it makes binds the newer one: inspect and generate warn,
naming the view, the call and both overloads (they never refuse). A view made after both, bound as a build binds it,
is said by neither."""

from __future__ import annotations

import psycopg
import pytest
from conftest import each_case_on_one_major

OLDER = "CREATE FUNCTION nvl(anyelement, anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE AS 'SELECT COALESCE($1, $2)';"
NEWER = ("CREATE FUNCTION nvl(character varying, character varying) RETURNS character varying LANGUAGE sql IMMUTABLE "
         "AS $$ SELECT COALESCE(NULLIF($1, ''), $2) $$;")
TABLE = "CREATE TABLE bp (id int PRIMARY KEY, name varchar(60) NOT NULL, name2 varchar(60));"
VIEW = "CREATE VIEW bp_v AS SELECT id, nvl(name2, name) AS displayname FROM bp;"


def _inspected_and_generated(db_url: str, sql: str, schemac) -> tuple[str, str]:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    g = schemac("generate", "--name", "init")
    assert g.returncode == 0, g.stderr
    return r.stderr, g.stderr


CASES = [pytest.param(OLDER + TABLE + VIEW + NEWER, True, id="made-before-the-newer"),
         pytest.param(OLDER + NEWER + TABLE + VIEW, False, id="made-after-both")]


@pytest.mark.parametrize("major_db,sql,warned", each_case_on_one_major(CASES), indirect=["major_db"])
def test_a_view_bound_to_an_older_overload_is_warned(major_db, sql, warned, schemac):
    inspected, generated = _inspected_and_generated(major_db, sql, schemac)
    if not warned:  # bound as a build binds it: said by neither
        assert "nvl" not in inspected and "nvl" not in generated, inspected + generated
        return
    assert "schemac: warning: view public.bp_v calls public.nvl(anyelement, anyelement), made before " \
           "public.nvl(character varying, character varying), which its call by name would take now" in inspected, inspected
    assert "schemac: warning: schema.yaml:" in generated and \
           "view public.bp_v calls public.nvl(...) schema-qualified, as Postgres prints a call bound to another " \
           "overload than the one its name takes (a view made before a newer overload): the migration binds it to " \
           "public.nvl(character varying, character varying), not to public.nvl(anyelement, anyelement)" in generated, generated
