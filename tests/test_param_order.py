"""pg.param_order's print order against Postgres's own: each body below is made twice, once with its
arguments unnamed beside a named one (`f(int, k int, int)`, which pg_get_function_sqlbody prints as "": which is
which, only the parse tree tells) and once with every argument named (`pp1`, `pp3`: the print says which parameter
each reference is). The walk of the first's prosqlbody must give the parameters in the order the second prints
them. Each form here is one whose print order is not its tree's (ruleutils.c: get_func_sql_syntax, get_xmltable,
get_json_table, get_rule_groupingset, get_update_query_targetlist_def, processIndirection, get_insert_query_def,
get_merge_query_def, the SQL/JSON constructors) or that sits beside one; fix47e's walk could tell none of the first
(None), and a wrong model swaps two arguments."""

from __future__ import annotations

import re

import psycopg

from schemac.pg.node_trees import node_tree
from schemac.pg.param_order import printed_parameters

SETUP = """
CREATE TYPE comp AS (f1 int, f2 text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE item (id int PRIMARY KEY, qty int NOT NULL, name text, tags int[], doc xml, js jsonb, c comp, ts timestamptz, p posint, gid int GENERATED ALWAYS AS IDENTITY);
CREATE TABLE src (id int PRIMARY KEY, qty int);
"""

# (name, arguments: `?type` unnamed, the header after them and the body ($n), the oldest major, needs libxml)
CASES = [
    ('position', '?text, k int, ?text', 'RETURNS int LANGUAGE sql RETURN position($3 in $1) + k', 14),
    ('substr_from_for', '?text, k int, ?int, ?int', 'RETURNS text LANGUAGE sql RETURN substring($1 from $3 for $4) || k', 14),
    ('substr_similar', '?text, k int, ?text, ?text', 'RETURNS text LANGUAGE sql RETURN substring($1 similar $3 escape $4) || k', 14),
    ('trim_both', '?text, k int, ?text', 'RETURNS text LANGUAGE sql RETURN trim(both $3 from $1) || k', 14),
    ('trim_leading', '?text, k int, ?text', 'RETURNS text LANGUAGE sql RETURN trim(leading $3 from $1) || k', 14),
    ('trim_trailing', '?text, k int, ?text', 'RETURNS text LANGUAGE sql RETURN trim(trailing $3 from $1) || k', 14),
    ('overlay', '?text, k int, ?text, ?int, ?int', 'RETURNS text LANGUAGE sql RETURN overlay($1 placing $3 from $4 for $5) || k', 14),
    ('overlay3', '?text, k int, ?text, ?int', 'RETURNS text LANGUAGE sql RETURN overlay($1 placing $3 from $4) || k', 14),
    ('at_time_zone', '?timestamptz, k int, ?text', 'RETURNS timestamp LANGUAGE sql RETURN ($1 AT TIME ZONE $3) + make_interval(k)', 14),
    ('at_time_zone2', '?text, k int, ?timestamp', 'RETURNS timestamptz LANGUAGE sql RETURN ($3 AT TIME ZONE $1) + make_interval(k)', 14),
    ('at_local', '?timestamptz, k int, ?timestamptz', 'RETURNS boolean LANGUAGE sql RETURN ($1 AT LOCAL) < ($3 AT LOCAL) AND k > 0', 17),
    ('extract', '?timestamptz, k int, ?timestamptz', 'RETURNS numeric LANGUAGE sql RETURN extract(epoch from $3) - extract(year from $1) + k', 14),
    ('overlaps', '?date, k int, ?date, ?date, ?date', 'RETURNS boolean LANGUAGE sql RETURN ($1, $3) OVERLAPS ($4, $5) AND k > 0', 14),
    ('distinct', '?int, k int, ?int', 'RETURNS boolean LANGUAGE sql RETURN ($3 IS DISTINCT FROM $1) AND ($1 IS NOT DISTINCT FROM k + $3)', 14),
    ('case_simple', '?int, k int, ?int, ?int, ?int', 'RETURNS int LANGUAGE sql RETURN CASE $3 WHEN $1 THEN $4 WHEN k THEN $5 ELSE $1 END', 14),
    ('case_searched', '?int, k int, ?int, ?int, ?int', 'RETURNS int LANGUAGE sql RETURN CASE WHEN $3 > $1 THEN $4 WHEN k > $5 THEN $1 END', 14),
    ('collate', '?text, k int, ?text', 'RETURNS boolean LANGUAGE sql RETURN ($3 COLLATE "C") < $1 AND k > 0', 14),
    ('similar_to', '?text, k int, ?text, ?text', 'RETURNS boolean LANGUAGE sql RETURN $3 SIMILAR TO $1 ESCAPE $4 AND k > 0', 14),
    ('like_escape', '?text, k int, ?text, ?text', 'RETURNS boolean LANGUAGE sql RETURN $3 LIKE $1 ESCAPE $4 AND k > 0', 14),
    ('between', '?int, k int, ?int, ?int, ?int', 'RETURNS boolean LANGUAGE sql RETURN $3 BETWEEN $1 AND $4 AND $5 NOT BETWEEN SYMMETRIC k AND $1', 14),
    ('in_list', '?int, k int, ?int, ?int, ?int', 'RETURNS boolean LANGUAGE sql RETURN $3 IN ($1, $4, k) AND $5 NOT IN ($1, $3)', 14),
    ('any_array', '?int, k int, ?int, ?int, ?int', 'RETURNS boolean LANGUAGE sql RETURN $3 = ANY (ARRAY[$1, $4]) AND $5 < ALL (ARRAY[k, $1])', 14),
    ('nullif_coalesce', '?int, k int, ?int, ?int, ?int', 'RETURNS int LANGUAGE sql RETURN nullif($3, $1) + coalesce($4, $5, k) + greatest($5, $1) + least($3, $4)', 14),
    ('rowcompare', '?int, k int, ?int, ?int, ?int', 'RETURNS boolean LANGUAGE sql RETURN ROW($3, $1) < ROW($4, $5) AND k > 0', 14),
    ('is_json', '?text, k int, ?text', 'RETURNS boolean LANGUAGE sql RETURN $3 IS JSON OBJECT AND $1 IS NOT JSON AND k > 0', 16),
    ('json_object', '?text, k int, ?text', "RETURNS json LANGUAGE sql RETURN json_object($3 : $1, 'k' : k)", 16),
    ('json_array', '?text, k int, ?text', 'RETURNS json LANGUAGE sql RETURN json_array($3, $1, k)', 16),
    ('json_value', '?jsonb, k int, ?text', "RETURNS text LANGUAGE sql RETURN json_value($1, '$.a' PASSING $3 AS x) || k", 17),
    ('json_query', '?jsonb, k int, ?int', "RETURNS jsonb LANGUAGE sql RETURN json_query($1, '$.a[$x]' PASSING $3 AS x, k AS y)", 17),
    ('json_exists', '?jsonb, k int, ?int', "RETURNS boolean LANGUAGE sql RETURN json_exists($1, '$.a ? (@ > $x)' PASSING $3 AS x) AND k > 0", 17),
    ('json_scalar', '?text, k int, ?text', 'RETURNS json LANGUAGE sql RETURN json_array(json_scalar($3), json_serialize($1::json), k)', 17),
    ('xmltable', '?xml, k int, ?text, ?text', "RETURNS SETOF text LANGUAGE sql BEGIN ATOMIC SELECT x.a FROM xmltable('/r/e' PASSING $1 COLUMNS a text PATH $3 DEFAULT $4, b int PATH 'b' DEFAULT k) x; END", 14),
    ('xmltable_ns', '?xml, k int, ?text, ?text', "RETURNS SETOF text LANGUAGE sql BEGIN ATOMIC SELECT x.a FROM xmltable(xmlnamespaces($3 AS n), '/r/e' PASSING $1 COLUMNS a text PATH $4, o FOR ORDINALITY) x WHERE o > k; END", 14),
    ('xmltable_rowexpr', '?xml, k int, ?text', "RETURNS SETOF text LANGUAGE sql BEGIN ATOMIC SELECT x.a FROM xmltable($3 PASSING $1 COLUMNS a text PATH 'a') x LIMIT k; END", 14),
    ('json_table', '?jsonb, k int, ?int, ?text', "RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT jt.a FROM json_table($1, '$[*] ? (@.a > $x)' PASSING $3 AS x COLUMNS (a int PATH '$.a', b text PATH '$.b')) jt WHERE jt.a > k; END", 17),
    ('grouping_sets', '?int, k int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM item GROUP BY GROUPING SETS ((id % $3), (qty + $1), ()) HAVING count(*) > k; END', 14),
    ('rollup', '?int, k int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) + $1 FROM item GROUP BY ROLLUP (id % $3, qty + $1) HAVING count(*) > k; END', 14),
    ('cube', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT qty + $1 FROM item GROUP BY CUBE (qty + $1, id % $3), k; END', 14),
    ('grouping_sets_sel', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT id % $3 + grouping(id % $3) FROM item GROUP BY GROUPING SETS ((qty + $1), (id % $3)) ORDER BY id % $3 + k; END', 14),
    ('update_multi', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET (qty, id) = (SELECT $3, $1 + k); END', 14),
    ('update_multi_row', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET (qty, id) = ($3, $1 + k); END', 14),
    ('update_subscript', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET tags[$3] = $1, qty = k WHERE id = $1; END', 14),
    ('update_field', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET c.f1 = $3, qty = $1 WHERE id = k; END', 14),
    ('update_from', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET qty = s.qty + $3 FROM src s WHERE s.id = item.id + $1 AND k > 0 RETURNING item.qty * $3; END', 14),
    ('insert_cols', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (qty, id) VALUES ($3, $1 + k); END', 14),
    ('insert_multi', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (qty, id) VALUES ($3, $1), (k, $3 + 1); END', 14),
    ('insert_select', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (qty, id) SELECT $3, id + $1 FROM src WHERE qty > k; END', 14),
    ('insert_subscript', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (id, qty, tags[2], tags[1]) VALUES (k, $3, $1, $3); END', 14),
    ('insert_conflict_nothing', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (qty, id) VALUES ($3, $1) ON CONFLICT (id) WHERE qty > $3 DO NOTHING; END', 14),
    ('insert_conflict_update', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item AS i (qty, id) VALUES ($3, $1) ON CONFLICT (id) DO UPDATE SET (qty, name) = (SELECT $1 + i.qty, $3::text) WHERE i.qty > k; END', 14),
    ('insert_conflict_update2', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item AS i (qty, id) VALUES ($3, $1) ON CONFLICT (id) DO UPDATE SET qty = $1 + excluded.qty, name = $3::text WHERE i.qty > k RETURNING $1, $3; END', 14),
    ('merge', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC MERGE INTO item USING (SELECT $1 AS id) s ON s.id = item.id WHEN MATCHED THEN UPDATE SET qty = qty + $3 * k; END', 15),
    ('merge_full', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC MERGE INTO item t USING (SELECT id + $5 AS id, qty FROM src WHERE qty > $4) s ON s.id = t.id AND t.qty > $3 WHEN MATCHED AND t.qty > $1 THEN UPDATE SET qty = $3, name = $4::text WHEN MATCHED AND s.qty = $5 THEN DELETE WHEN NOT MATCHED AND s.qty > $3 THEN INSERT (qty, id) VALUES ($1, s.id + $4) WHEN NOT MATCHED THEN DO NOTHING; END', 15),
    ('merge_17', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC MERGE INTO item t USING src s ON s.id = t.id + $5 WHEN NOT MATCHED BY SOURCE AND t.qty > $1 THEN UPDATE SET qty = $3 WHEN NOT MATCHED BY TARGET THEN INSERT VALUES (s.id, $4) RETURNING t.qty + $3, $1; END', 17),
    ('merge_cte', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC WITH w AS (SELECT $3 AS x) MERGE INTO item t USING w ON t.id = w.x + $1 WHEN MATCHED THEN UPDATE SET qty = k; END', 17),
    ('window_frames', '?int, k int, ?int, ?int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(qty) OVER (ORDER BY id RANGE BETWEEN $3 PRECEDING AND $1 FOLLOWING) + sum(qty) OVER (ORDER BY id GROUPS BETWEEN $4 PRECEDING AND $5 FOLLOWING EXCLUDE TIES) FROM item LIMIT k; END', 14),
    ('window_ref', '?int, k int, ?int, ?int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(qty * $5) OVER (w ORDER BY id % $3 ROWS $4 PRECEDING) FROM item WINDOW w AS (PARTITION BY qty % $1) LIMIT k; END', 14),
    ('window_filter', '?int, k int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FILTER (WHERE qty > $3) OVER (PARTITION BY id % $1) FROM item LIMIT k; END', 14),
    ('cte_recursive', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC WITH RECURSIVE r(n) AS (SELECT $3 UNION ALL SELECT n + $1 FROM r WHERE n < k) SELECT n FROM r; END', 14),
    ('cte_search_cycle', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC WITH RECURSIVE r(n) AS (SELECT $3 UNION ALL SELECT n + $1 FROM r WHERE n < k) SEARCH DEPTH FIRST BY n SET o CYCLE n SET c USING p SELECT n FROM r; END', 14),
    ('cte_materialized', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC WITH a AS MATERIALIZED (SELECT $3 AS x), b AS NOT MATERIALIZED (SELECT $1 AS y) SELECT x + y + k FROM a, b; END', 14),
    ('cte_dml', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC WITH d AS (DELETE FROM item WHERE id = $3 RETURNING qty) SELECT qty + $1 + k FROM d; END', 14),
    ('lateral_gs', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT g + i.qty FROM item i, LATERAL generate_series($1, i.qty + $3) g WHERE g > k; END', 14),
    ('rows_from', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT a + coalesce(b, 0) FROM ROWS FROM (generate_series($3, 5), generate_series($1, k)) WITH ORDINALITY AS r(a, b, o); END', 14),
    ('unnest_multi', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT a FROM unnest(ARRAY[$3], ARRAY[$1, k]) AS u(a, b); END', 14),
    ('tablesample', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT id FROM item TABLESAMPLE bernoulli ($3) REPEATABLE ($1) WHERE qty > k; END', 14),
    ('fetch_ties', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT id FROM item ORDER BY qty OFFSET $3 FETCH FIRST $1 ROWS WITH TIES; END', 14),
    ('agg_distinct', '?int, k int, ?int', "RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT string_agg(DISTINCT name || $3, ',' ORDER BY name || $3) FILTER (WHERE qty > $1) FROM item WHERE id > k; END", 14),
    ('ordered_set', '?float8, k int, ?int', 'RETURNS float8 LANGUAGE sql BEGIN ATOMIC SELECT percentile_cont($1) WITHIN GROUP (ORDER BY qty * $3) FROM item WHERE id > k; END', 14),
    ('hypothetical', '?int, k int, ?int', 'RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT rank($3, $1) WITHIN GROUP (ORDER BY qty, id) FROM item WHERE id > k; END', 14),
    ('named_args', '?int, k int, ?int', 'RETURNS text LANGUAGE sql RETURN make_interval(secs => $3, days => $1, hours => k)::text', 14),
    ('variadic', '?int, k int, ?int', 'RETURNS int LANGUAGE sql RETURN num_nulls(VARIADIC ARRAY[$3, $1, k])', 14),
    ('fieldselect', '?int, k int, ?int', 'RETURNS int LANGUAGE sql RETURN (ROW($3, $1::text)::comp).f1 + k', 14),
    ('subscripts', '?int[], k int, ?int, ?int', 'RETURNS int[] LANGUAGE sql RETURN $1[$3:$4] || $1[k][$3]', 14),
    ('jsonb_subscript', '?jsonb, k int, ?text', 'RETURNS jsonb LANGUAGE sql RETURN $1[$3][k]', 14),
    ('casts', '?text, k int, ?text', 'RETURNS int LANGUAGE sql RETURN CAST($3 AS int) + $1::int + k', 14),
    ('booltest', '?boolean, k int, ?boolean', 'RETURNS boolean LANGUAGE sql RETURN ($3 IS TRUE) AND ($1 IS NOT UNKNOWN) AND k IS NOT NULL', 14),
    ('sublink_any_all', '?int, k int, ?int', 'RETURNS boolean LANGUAGE sql RETURN $3 > ALL (SELECT qty + $1 FROM item) AND ROW($1, $3) IN (SELECT id, qty + k FROM item)', 14),
    ('array_sublink', '?int, k int, ?int', 'RETURNS int[] LANGUAGE sql RETURN ARRAY(SELECT id + $3 FROM item WHERE qty > $1 LIMIT k)', 14),
    ('setops', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC (SELECT $3 INTERSECT SELECT $1) UNION (SELECT k EXCEPT SELECT $3 + $1); END', 14),
    ('join_on', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT i.id FROM item i JOIN src s ON s.id = i.id + $3 LEFT JOIN (SELECT $1 AS z) z ON z.z = s.qty WHERE i.qty > k; END', 14),
    ('join_using', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT id + $3 FROM item JOIN src USING (id) NATURAL JOIN (SELECT $1 AS zz) z WHERE id > k; END', 14),
    ('order_using', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT id FROM item ORDER BY qty + $3 USING >, id * $1 NULLS FIRST LIMIT k; END', 14),
    ('group_distinct', '?int, k int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM item GROUP BY DISTINCT ROLLUP (qty + $3), CUBE(id % $1) LIMIT k; END', 14),
    ('normalize', '?text, k int, ?text', 'RETURNS boolean LANGUAGE sql RETURN normalize($3, NFC) IS NFD NORMALIZED AND $1 IS NORMALIZED AND k > 0', 14),
    ('collation_for', '?text, k int, ?text', 'RETURNS text LANGUAGE sql RETURN collation for ($3) || $1 || k', 14),
    ('minmax_nested', '?int, k int, ?int, ?int, ?int', 'RETURNS int LANGUAGE sql RETURN greatest(least($3, $1), $5) + coalesce(nullif($4, $3), k)', 14),
    ('delete_using', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC DELETE FROM item USING src s WHERE s.id = item.id + $3 AND s.qty > $1 RETURNING item.id + k; END', 14),
    ('two_stmts', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC DELETE FROM item WHERE id = $3; INSERT INTO item (id, qty) VALUES ($1, k); UPDATE item SET qty = $3 WHERE id = $1; END', 14),
    ('in_sublink_nested', '?int, k int, ?int', 'RETURNS boolean LANGUAGE sql RETURN EXISTS (SELECT 1 FROM item WHERE qty IN (SELECT $3 FROM src WHERE id = $1) AND id > k)', 14),
    ('distinct_on', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT DISTINCT ON (qty % $3) id + $1 FROM item ORDER BY qty % $3, id LIMIT k; END', 14),
    ('returning_old_new', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET qty = $3 WHERE id = $1 RETURNING old.qty + $3, new.qty + k; END', 18),
    ('xmlexists', '?text, k int, ?text', 'RETURNS boolean LANGUAGE sql RETURN xmlexists($3 PASSING BY REF ($1::xml)) AND k > 0', 14),
    ('upd_multi_sub', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET name = $5::text, (tags[$3], qty) = (SELECT $1, $4 + k), c.f2 = $3::text WHERE id = $1; END', 14),
    ('upd_two_multi', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET (qty, name) = (SELECT $3, $1::text), (tags[$4], id) = (SELECT $5, k); END', 14),
    ('upd_field_two', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET c.f2 = $3::text, c.f1 = $1 WHERE id = k; END', 14),
    ('upd_domain', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET p = $3, qty = $1 WHERE id = k; END', 14),
    ('upd_slice', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC UPDATE item SET tags[$3:$4] = ARRAY[$1, $5] WHERE id = k; END', 14),
    ('ins_override', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (gid, qty, id) OVERRIDING SYSTEM VALUE VALUES ($3, $1, k); END', 14),
    ('ins_default', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (qty, id, name) VALUES ($3, $1, DEFAULT), (k, $3, DEFAULT); END', 14),
    ('ins_field', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (id, qty, c.f2, c.f1) VALUES (k, $3, $1::text, $3); END', 14),
    ('ins_sub_select', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (id, qty, tags[$3]) SELECT id, qty, $1 FROM src WHERE qty > k; END', 14),
    ('ins_cte', '?int, k int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC WITH w AS (SELECT $3 AS a) INSERT INTO item (id, qty) SELECT a, $1 FROM w WHERE a > k; END', 14),
    ('ins_conflict_multi_sub', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC INSERT INTO item (qty, id) VALUES ($3, $1) ON CONFLICT (id) DO UPDATE SET tags[$4] = $5, (qty, name) = (SELECT $3 + k, $1::text) WHERE item.qty > $4; END', 14),
    ('merge_ins_sub', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC MERGE INTO item t USING src s ON s.id = t.id WHEN NOT MATCHED THEN INSERT (id, qty, tags[$3]) VALUES (s.id, $1, $4) WHEN MATCHED THEN UPDATE SET (qty, name) = (SELECT $5, k::text); END', 15),
    ('merge_sublink', '?int, k int, ?int, ?int, ?int', 'PROC LANGUAGE sql BEGIN ATOMIC MERGE INTO item t USING (SELECT * FROM src WHERE qty IN (SELECT $3)) s ON s.id = t.id AND EXISTS (SELECT 1 WHERE $1 > k) WHEN MATCHED AND t.qty < (SELECT $4) THEN UPDATE SET qty = (SELECT $5); END', 15),
    ('merge_returning', '?int, k int, ?int, ?int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC MERGE INTO item t USING src s ON s.id = t.id + $5 WHEN MATCHED THEN UPDATE SET qty = $3 RETURNING t.qty + $1 + k; END', 17),
    ('json_objectagg', '?text, k int, ?text', 'RETURNS json LANGUAGE sql BEGIN ATOMIC SELECT json_objectagg($3 || name : qty + k) FILTER (WHERE name > $1) FROM item; END', 16),
    ('json_arrayagg', '?text, k int, ?text', 'RETURNS json LANGUAGE sql BEGIN ATOMIC SELECT json_arrayagg(name || $3 ORDER BY qty + k) FILTER (WHERE name > $1) FROM item; END', 16),
    ('json_agg_window', '?text, k int, ?text', 'RETURNS SETOF json LANGUAGE sql BEGIN ATOMIC SELECT json_arrayagg(name || $3) OVER (PARTITION BY qty + length($1)) FROM item WHERE id > k; END', 16),
    ('json_array_query', '?text, k int, ?text', 'RETURNS json LANGUAGE sql RETURN json_array(SELECT name || $3 FROM item WHERE name > $1 LIMIT k)', 16),
    ('json_parse', '?text, k int, ?text', 'RETURNS json LANGUAGE sql RETURN json_array(json($3), json_object($1 : k WITH UNIQUE KEYS RETURNING json))', 16),
    ('json_object_multi', '?text, k int, ?text', "RETURNS json LANGUAGE sql RETURN json_object($3 VALUE $1, 'a' : k, $1 : $3 ABSENT ON NULL)", 16),
    ('json_table_nested', '?jsonb, k int, ?int', "RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT jt.a FROM json_table($1, '$[*]' PASSING $3 AS x, k AS y COLUMNS (a int PATH '$.a', NESTED PATH '$.n[*]' COLUMNS (b int PATH '$ ? (@ > $x)'))) jt; END", 17),
    ('xml_funcs', '?text, k int, ?text', 'RETURNS xml LANGUAGE sql RETURN xmlconcat(xmlelement(name x, xmlattributes($3 AS a, k AS b), $1), xmlforest($1 AS c, $3 AS d), xmlparse(content $3), xmlpi(name p, $1), xmlroot($3::xml, version $1), xmlserialize(content $1::xml as text)::xml)', 14, True),
    ('xmlagg_doc', '?text, k int, ?text', 'RETURNS xml LANGUAGE sql BEGIN ATOMIC SELECT xmlagg(xmlelement(name e, name || $3) ORDER BY qty + length($1)) FROM item WHERE doc IS DOCUMENT AND id > k; END', 14, True),
    ('lateral_sub', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT l.x FROM item i CROSS JOIN LATERAL (SELECT i.qty + $3 AS x WHERE i.id > $1) l WHERE l.x > k; END', 14),
    ('nested_grouping', '?int, k int, ?int, ?int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM item GROUP BY GROUPING SETS (ROLLUP (qty + $3, id % $1), CUBE ((qty * $4), (id + $5)), ()), k; END', 14),
    ('grouping_in_having', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT grouping(qty + $3, id % $1) FROM item GROUP BY ROLLUP (qty + $3, id % $1) HAVING grouping(id % $1) = 0 AND sum(qty) > k ORDER BY qty + $3; END', 14),
    ('setop_order', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT $3 + k UNION SELECT $1 ORDER BY 1 LIMIT $1; END', 14),
    ('window_json', '?int, k int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(qty) OVER (PARTITION BY id % $3 ORDER BY qty * $1 ROWS BETWEEN k PRECEDING AND $3 FOLLOWING) FROM item; END', 14),
    ('for_update', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT id + $3 FROM item WHERE qty > $1 FOR UPDATE SKIP LOCKED LIMIT k; END', 14),
    ('composite_param', '?comp, k int, ?comp', 'RETURNS text LANGUAGE sql RETURN ($3).f2 || ($1).f1 || k', 14),
    ('param_in_funcrte_cdl', '?int, k int, ?int', "RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT a FROM json_to_recordset(json_build_array(json_build_object('a', $3), json_build_object('a', $1))) AS r(a int, b text) WHERE a > k; END", 14),
    ('array_agg_distinct_window', '?int, k int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT rank() OVER w + $1 FROM item WINDOW w AS (ORDER BY qty * $3 RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) ORDER BY id * k; END', 14),
    ('named_window_chain', '?int, k int, ?int, ?int, ?int', 'RETURNS SETOF bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(qty) OVER (w2 ROWS $5 PRECEDING) FROM item WINDOW w1 AS (PARTITION BY id % $3), w2 AS (w1 ORDER BY qty * $1) LIMIT k + $4; END', 14),
    ('case_nested_sublink', '?int, k int, ?int, ?int, ?int', 'RETURNS int LANGUAGE sql RETURN CASE (SELECT $3 + k) WHEN $1 THEN (SELECT max(id) + $4 FROM item WHERE qty = $5) ELSE $3 END', 14),
    ('distinct_agg_star', '?int, k int, ?int', 'RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(DISTINCT qty + $3) + count(*) FILTER (WHERE id > $1) FROM item WHERE qty > k; END', 14),
    ('values_in_from', '?int, k int, ?int', 'RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC SELECT a + b FROM (VALUES ($3, $1), (k, $3)) v(a, b) ORDER BY a * $1; END', 14),
    ('is_json_with', '?text, k int, ?text', 'RETURNS boolean LANGUAGE sql RETURN $3 IS JSON ARRAY WITH UNIQUE KEYS AND $1::bytea IS JSON SCALAR AND k > 0', 16),
    ('json_value_returning', '?jsonb, k int, ?int', "RETURNS int LANGUAGE sql RETURN json_value($1, '$.a' RETURNING int DEFAULT 5 ON EMPTY ERROR ON ERROR) + json_value($1, 'lax $.b[$x]' PASSING $3 AS x RETURNING int) + k", 17),
]


def _named(conn, name: str, arguments: str, rest: str, unnamed: bool) -> str:
    """CREATE the function or procedure (`PROC ` before `rest`), unnamed (`?` dropped) or each `?` argument named
    ppN (its $n in the body likewise); its oid."""
    kind, rest = ("PROCEDURE", rest[5:]) if rest.startswith("PROC ") else ("FUNCTION", rest)
    args = [a.strip() for a in arguments.split(",")]
    if unnamed:
        sig = ", ".join(a.replace("?", "") for a in args)
    else:
        sig = ", ".join(a.replace("?", f"pp{n} ") for n, a in enumerate(args, 1))
        rest = re.sub(r"\$(\d+)", r"pp\1", rest)
    fname = ("u_" if unnamed else "n_") + name
    conn.execute(f"CREATE {kind} {fname}({sig}) {rest}")
    return conn.execute("SELECT %s::regproc::oid", (fname,)).fetchone()[0]


def test_the_walk_gives_the_order_postgres_prints_unnamed_arguments_in(any_db_url):
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(SETUP)
        major = conn.info.server_version // 10000
        try:
            conn.execute("SELECT xmlelement(name x)")
            xml = True
        except psycopg.errors.FeatureNotSupported:  # (a server built without libxml: 18 and 16 here)
            xml = False
        wrong = {}
        for name, arguments, rest, since, *needs in CASES:
            if major < since or (needs and not xml):
                continue
            unnamed, named = (_named(conn, name, arguments, rest, u) for u in (True, False))
            tree, printed = conn.execute("SELECT u.prosqlbody::text, pg_get_function_sqlbody(n.oid) FROM pg_proc u, pg_proc n "
                                         "WHERE u.oid = %s AND n.oid = %s", (unnamed, named)).fetchone()
            expected = [int(n) for n in re.findall(r"\bpp(\d+)\b", re.sub(r"AS pp\d+", "", printed))]
            walked = printed_parameters(node_tree(tree))
            told = None if walked is None else [n for n in walked if n != 2]  # (k, the second, is named)
            if told != expected:
                wrong[name] = (told, expected, printed)
        assert wrong == {}
