"""Views as people write them in schema.yaml compared with the database's deparse without a server
(compare.view_queries): `tests/fixtures/hand_written_views.yaml` (a table alias, CTEs and a recursive one, named
windows, LATERAL subqueries and functions, DISTINCT ON, VALUES, GROUPING SETS and ROLLUP, FILTER, CASE, COALESCE
and NULLIF, `||`, `::` casts, IS DISTINCT FROM, EXISTS and IN, UNION ALL, EXCEPT, INTERSECT, NULLS LAST, LIMIT,
OFFSET and FETCH FIRST, jsonb and array operators, JOIN USING, `*` and `t.*`, SQL/JSON queries, views over views
over a materialized view WITH NO DATA with an index, security_invoker, check_option) generated, applied over rows,
each view's rows and column names those of its query as written, run directly (the test's own oracle), and
diffed from state.json, from schema.yaml alone (no state.json: each query compared by its normal form) and with
schema.yaml edited elsewhere: no difference; a query that means something else is still one. And the normal
forms themselves, of a query as written against Postgres's deparses of it (18's, 15's), with no server."""

from __future__ import annotations

import os

import psycopg
import pytest
import yaml
from psycopg import sql

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.compare.normalize import searched
from schemac.compare.view_queries import query_form
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

HERE = os.path.dirname(os.path.abspath(__file__))
VIEWS = open(os.path.join(HERE, "fixtures", "hand_written_views.yaml"), encoding="utf-8").read()
ROWS = """INSERT INTO t VALUES (1, 'a', true, NULL, 5, '{x,y}', '{"k": "v", "a": 1, "items": [{"n": 1}]}', now()),
                  (2, NULL, false, 1, 150, '{}', '{"b": 2}', now()), (3, 'c', true, 2, 0, NULL, NULL, NULL);
INSERT INTO u VALUES (1, 1, 3, '2024-01-01'), (2, 1, 7, '2024-01-04'), (3, 2, NULL, NULL)"""
# Views of what PostgreSQL 16 (IS JSON, JSON_OBJECT, JSON_ARRAY, JSON_ARRAYAGG, JSON_OBJECTAGG, any_value, a subquery without an alias) and 17 (JSON_TABLE, JSON_VALUE, JSON_QUERY, JSON_EXISTS) added
LATER = {160000: """  jo:
    query: |
      select json_object('id': id, 'name': name) as j, json_array(id, name) as a, json_object('d': doc) as jb from t
  nosubalias2:
    query: select id from (select id from t) where id > 1
  isjson:
    query: select id from t where name is json and doc is json object
  anyv:
    query: select parent_id, any_value(name) as some_name from t group by parent_id
  jagg:
    query: |
      select parent_id, json_arrayagg(id order by id desc, name) as ids, json_arrayagg(doc) as docs,
        json_objectagg(name value amount absent on null with unique keys) filter (where active) as by_name
      from t group by parent_id
""", 170000: """  jt:
    query: |
      select t.id, jt.n from t, json_table(doc, '$.items[*]' columns (n int path '$.n')) as jt
  jv:
    query: |
      select json_value(doc, '$.k') as k, json_query(doc, '$.items') as items, json_exists(doc, '$.a') as has_a from t
"""}


def _result(conn, query: sql.Composable) -> tuple:
    """A query's column names and rows (as a sorted multiset), or the error Postgres gave (a view over a
    materialized view WITH NO DATA reads none)."""
    try:
        with conn.transaction():
            cur = conn.execute(query)
            return tuple(c.name for c in cur.description), sorted(map(repr, cur.fetchall()))
    except psycopg.Error as e:
        return type(e).__name__, e.diag.message_primary


def _unlike_their_queries(url: str, text: str) -> list:
    """The views of schema.yaml `text` whose rows and column names over the database's rows (its materialized views
    refreshed) are not those of their query as written, run directly (an oracle of the test's own: what the
    migration made means what was written, whatever schemac's diff of the two says)."""
    out, doc = [], yaml.safe_load(text)
    with psycopg.connect(url) as conn, conn.transaction(force_rollback=True):  # (populated for the reading only)
        for name, spec in doc.get("materialized_views", {}).items():
            conn.execute(sql.SQL("REFRESH MATERIALIZED VIEW {}").format(
                sql.Identifier(spec.get("schema", "public"), name)))
        for name, spec in doc["views"].items():
            made = _result(conn, sql.SQL("SELECT * FROM {}").format(sql.Identifier(spec.get("schema", "public"), name)))
            written = _result(conn, sql.SQL("SELECT * FROM ({}) q").format(sql.SQL(spec["query"])))  # type: ignore
            if made != written or not isinstance(made[1], list):
                out.append((name, made, written))
    return out


def test_hand_written_views_are_in_sync_after_their_migration_without_state_json(any_db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with psycopg.connect(any_db_url) as conn:
        later = "".join(text for version, text in LATER.items() if conn.info.server_version >= version)
    views = VIEWS.replace("\nmaterialized_views:", "\n" + later + "materialized_views:")
    schema.write_text(views, encoding="utf-8")
    admin = psycopg.conninfo.make_conninfo(any_db_url, dbname="postgres")
    r = generate(str(schema), out, dev_url=admin)
    assert r.status == "written" and r.notices == (), r.notices
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute(ROWS)
    assert _unlike_their_queries(any_db_url, views) == []
    assert check_drift(str(schema), any_db_url, out_dir=out).differences == ()
    alone = check_drift(str(schema), any_db_url).differences
    assert alone == (), "\n".join(d.message for d in alone)
    schema.write_text(views + "# edited\n", encoding="utf-8")
    assert check_drift(str(schema), any_db_url, out_dir=out).differences == ()
    # a query that means something else (another relation's column, a key's order, a condition) is drift still
    for before, after in (("select c.id, p.name as parent_name", "select p.id, p.name as parent_name"),
                          ("ORDER BY name NULLS LAST, id DESC", "ORDER BY name NULLS FIRST, id DESC"),
                          ("FROM t AS x WHERE x.active", "FROM t AS x WHERE NOT x.active")):
        assert before in VIEWS
        schema.write_text(views.replace(before, after), encoding="utf-8")
        (d,) = check_drift(str(schema), any_db_url).differences
        assert d.kind == "view_changed" and "compared as written" in d.message


T = ["id", "name", "active", "parent_id", "amount", "tags", "doc", "created"]
COLUMNS = {"t": T, "u": ["id", "t_id", "qty", "day"], "mv": ["active", "n"]}
TYPES = {"t": {"id": "integer", "name": "text", "doc": "jsonb"}}


def _columns(schema: str, name: str):
    return COLUMNS.get(name) if schema == "public" else None


def _form(text: str):
    return query_form(text, _columns, types_of=lambda schema, name: TYPES.get(name) if schema == "public" else None)


@pytest.mark.parametrize("written, deparsed", [
    ("SELECT x.id, x.name FROM t AS x WHERE x.active", "SELECT id,\n    name\n   FROM t x\n  WHERE active;"),
    ("SELECT x.id, x.name FROM t AS x WHERE x.active", "SELECT x.id,\n    x.name\n   FROM t x\n  WHERE x.active;"),
    ("select * from t", "SELECT t.id, t.name, t.active, t.parent_id, t.amount, t.tags, t.doc, t.created FROM t"),
    ("WITH RECURSIVE r(id, depth) AS (SELECT id, 0 FROM t WHERE parent_id IS NULL UNION ALL "
     "SELECT t.id, r.depth + 1 FROM t JOIN r ON t.parent_id = r.id) SELECT id, depth FROM r",
     "WITH RECURSIVE r(id, depth) AS ( SELECT t.id, 0 AS \"?column?\" FROM t WHERE t.parent_id IS NULL UNION ALL "
     "SELECT t.id, r_1.depth + 1 AS \"?column?\" FROM t JOIN r r_1 ON t.parent_id = r_1.id ) SELECT id, depth FROM r"),
    ("SELECT t.id, l.qty FROM t CROSS JOIN LATERAL (SELECT qty FROM u WHERE u.t_id = t.id ORDER BY qty DESC LIMIT 1) l",
     "SELECT t.id, l.qty FROM t CROSS JOIN LATERAL ( SELECT u.qty FROM u WHERE u.t_id = t.id ORDER BY u.qty DESC "
     "LIMIT 1) l"),
    ("SELECT DISTINCT ON (t_id) t_id, qty FROM u ORDER BY t_id, qty DESC",
     "SELECT DISTINCT ON (u.t_id) u.t_id, u.qty FROM u ORDER BY u.t_id, u.qty DESC"),  # PostgreSQL 15's
    ("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, s)",
     "SELECT n, s FROM ( VALUES (1,'a'::text), (2,'b'::text)) v(n, s)"),
    ("select active, count(*), max(amount) from t group by 1",
     "SELECT active, count(*) AS count, max(amount) AS max FROM t GROUP BY active"),
    ("select date_trunc('day', created) as day, count(*) as n from t group by 1 order by 1",
     "SELECT date_trunc('day'::text, created) AS day, count(*) AS n FROM t GROUP BY (date_trunc('day'::text, created))"
     " ORDER BY (date_trunc('day'::text, created))"),
    ("select id, amount * 2 as dbl from t order by dbl desc", "SELECT id, amount * 2::numeric AS dbl FROM t "
     "ORDER BY (amount * 2::numeric) DESC"),
    ("SELECT id, name FROM t UNION ALL SELECT id, NULL FROM u",
     "SELECT t.id, t.name FROM t UNION ALL SELECT u.id, NULL::text AS name FROM u"),
    ("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id) AND id IN (SELECT t_id FROM u)",
     "SELECT id FROM t WHERE (EXISTS ( SELECT 1 AS \"?column?\" FROM u WHERE u.t_id = t.id)) AND "
     "(id IN ( SELECT u.t_id FROM u))"),
    ("select id from t where name in ('a', 'b') and amount between 1 and 100",
     "SELECT id FROM t WHERE (name = ANY (ARRAY['a'::text, 'b'::text])) AND amount >= 1::numeric AND "
     "amount <= 100::numeric"),
    ("SELECT id FROM t ORDER BY id FETCH FIRST 3 ROWS ONLY", "SELECT id FROM t ORDER BY id LIMIT 3"),
    ("select id, name, qty from t join u using (id)", "SELECT t.id, t.name, u.qty FROM t JOIN u USING (id)"),
    ("select g, t.name from generate_series(1, 3) g left join t on t.id = g",
     "SELECT g.g, t.name FROM generate_series(1, 3) g(g) LEFT JOIN t ON t.id = g.g"),
    ("select t.id, e->>'n' as n from t cross join lateral jsonb_array_elements(doc->'items') e",
     "SELECT t.id, e.value ->> 'n'::text AS n FROM t CROSS JOIN LATERAL jsonb_array_elements(t.doc -> 'items'::text) "
     "e(value)"),
    ("select id, tag from t, unnest(tags) as tag", "SELECT t.id, tag.tag FROM t, LATERAL unnest(t.tags) tag(tag)"),
    ("select id, sum(amount) over (order by id rows between 1 preceding and current row) as s from t",
     "SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t"),
    ("select json_value(doc, '$.k') as k from t", "SELECT JSON_VALUE(doc, '$.\"k\"' RETURNING text) AS k FROM t"),
    ("VALUES (1, 'a'), (2, 'b')", "VALUES (1,'a'::text), (2,'b'::text)"),
    ("select id, qty from t natural left join u", "SELECT t.id, u.qty FROM t LEFT JOIN u USING (id)"),
    ("select json_object('id': id, 'name': name) as j, json_array(id, 'x') as a, json_object('d': doc) as jb from t",
     "SELECT JSON_OBJECT('id' : id, 'name' : name RETURNING json) AS j, JSON_ARRAY(id, 'x'::text RETURNING json) AS a, "
     "JSON_OBJECT('d' : doc RETURNING jsonb) AS jb FROM t"),
    ("select json_arrayagg(id order by id desc, name) as a, json_objectagg(name value id) as o, json_arrayagg(doc) as d,"
     " json_objectagg(name: doc absent on null with unique keys) filter (where id > 1) as f from t",
     "SELECT JSON_ARRAYAGG(id ORDER BY id DESC, name RETURNING json) AS a, JSON_OBJECTAGG(name : id RETURNING json) AS o,"
     " JSON_ARRAYAGG(doc RETURNING jsonb) AS d, JSON_OBJECTAGG(name : doc ABSENT ON NULL WITH UNIQUE KEYS RETURNING jsonb)"
     " FILTER (WHERE id > 1) AS f FROM t"),
    ("with days as (select day from u where day is not null) select g.day::date as day, generate_series(current_date - 7,"
     " current_date, interval '1 day') as recent from generate_series((select min(day) from days), (select max(day) "
     "from days), interval '1 day') as g(day)",
     "WITH days AS ( SELECT u.day FROM u WHERE u.day IS NOT NULL ) SELECT day::date AS day, generate_series((CURRENT_DATE"
     " - 7)::timestamp with time zone, CURRENT_DATE::timestamp with time zone, '1 day'::interval) AS recent FROM "
     "generate_series((( SELECT min(days.day) AS min FROM days))::timestamp with time zone, (( SELECT max(days.day) AS "
     "max FROM days))::timestamp with time zone, '1 day'::interval) g(day)"),  # (a date given for timestamptz)
    ("select c, (select count(*) from u where u.t_id = (c).id) as n, row_to_json(c) as j from t c",
     "SELECT c.*::t AS c, ( SELECT count(*) AS count FROM u WHERE u.t_id = c.id) AS n, row_to_json(c.*) AS j FROM t c"),
    ("select id from t union all select t_id from u union select 0",
     "( SELECT t.id FROM t UNION ALL SELECT u.t_id FROM u) UNION SELECT 0 AS id"),
    ("select t.id, jt.n from t, json_table(doc, '$.items[*]' columns (n int path '$.n')) as jt",
     "SELECT t.id, jt.n FROM t, LATERAL JSON_TABLE( t.doc, '$.\"items\"[*]' AS json_table_path_0 COLUMNS "
     "( n integer PATH '$.\"n\"' ) ) jt"),
])
def test_a_query_as_written_has_the_normal_form_of_its_deparse(written, deparsed):
    assert _form(written) is not None
    assert _form(written) == _form(deparsed)


@pytest.mark.parametrize("written, deparsed", [
    ("SELECT c.id, p.name FROM t c JOIN t p ON c.parent_id = p.id",
     "SELECT p.id, p.name FROM t c JOIN t p ON c.parent_id = p.id"),
    ("select * from t", "SELECT t.id, t.name FROM t"),  # a column more since the view was made
    ("select id, qty from t join u using (id)", "SELECT u.id, u.qty FROM t LEFT JOIN u USING (id)"),
    ("select id from t order by name nulls first", "SELECT id FROM t ORDER BY name"),
    ("SELECT id FROM t ORDER BY id FETCH FIRST 3 ROWS WITH TIES", "SELECT id FROM t ORDER BY id LIMIT 3"),
    ("select active, count(*) from t group by 1", "SELECT active, count(*) AS n FROM t GROUP BY active"),
    ("select id, qty from t natural join u", "SELECT t.id, u.qty FROM t LEFT JOIN u USING (id)"),
    ("select id from t union select t_id from u intersect select 0",
     "( SELECT t.id FROM t UNION SELECT u.t_id FROM u) INTERSECT SELECT 0 AS id"),
    ("select row_to_json(c) as j from t c", "SELECT row_to_json(c.*) AS j FROM t c WHERE c.active"),
    ("select json_object('d': doc) as j from t", "SELECT JSON_OBJECT('d' : doc RETURNING json) AS j FROM t"),
    ("select generate_series(current_date - interval '7 days', current_date, interval '1 day') as g from t",
     "SELECT generate_series((CURRENT_DATE - '7 days'::interval)::timestamp with time zone, "
     "CURRENT_DATE::timestamp with time zone, '1 day'::interval) AS g FROM t"),  # (a timestamp cast: kept)
    ("select json_arrayagg(id order by id) as a from t", "SELECT JSON_ARRAYAGG(id ORDER BY id DESC RETURNING json) AS a FROM t"),
    ("select json_objectagg(name: id) as o from t",
     "SELECT JSON_OBJECTAGG(name : id ABSENT ON NULL RETURNING json) AS o FROM t"),
    ("select id from (select id, name from t) s where name > 'a'",
     "SELECT s.id FROM ( SELECT t.id, t.name FROM t) s WHERE s.name > 'b'::text"),
])
def test_queries_that_mean_otherwise_keep_other_normal_forms(written, deparsed):
    assert _form(written) != _form(deparsed)


def test_a_declared_extensions_schema_is_read_bare_in_a_query():
    """pg_trgm in `ext`, on the migration's search_path: the catalog (path public) prints `ext.similarity(...)` where
    schema.yaml says `similarity(...)`; another schema's function keeps its name."""
    written, deparsed = "select id from t where similarity(name, 'x') > 0.3", \
        "SELECT id FROM t WHERE ext.similarity(name, 'x'::text) > 0.3::double precision"
    with searched(("ext",)):
        assert _form(written) == _form(deparsed)
    assert _form(written) != _form(deparsed)
