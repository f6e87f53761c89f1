"""Views and materialized views on real servers: the loader's errors, the round trip of
tests/fixtures/views.yaml (YAML -> migration -> apply -> diff clean; inspect -> generate -> apply to an
empty database -> the same views, inspect byte-identical), and each change applied over rows (a query
changed in place and not, with a chain of views reading it; a column retyped under a view; options,
comments, a materialized view's index, data and query; a view dropped), judged by SQL of the tests' own
over pg_catalog (pg_get_viewdef, reloptions, relispopulated, comments, indexes) against the same
schema.yaml built from scratch in a sibling database."""

from __future__ import annotations

import os
import re

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database, values
from conftest import MAJORS
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.schemafile.load import load_text
from schemac.schemafile.writer import dump_schema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = open(os.path.join(ROOT, "tests", "fixtures", "views.yaml"), encoding="utf-8").read()
RELATIONS = ("r", "p", "v", "m")

# The oracle: each view as Postgres holds it.
VIEWS_SQL = """
SELECT n.nspname, c.relname, c.relkind::text, pg_get_viewdef(c.oid, true), (SELECT array_agg(o ORDER BY o) FROM unnest(c.reloptions) o),
       c.relispopulated,
       obj_description(c.oid, 'pg_class'),
       ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || coalesce(' -- ' || col_description(c.oid, a.attnum), '')
             FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
       ARRAY(SELECT pg_get_indexdef(i.indexrelid) || coalesce(' -- ' || obj_description(i.indexrelid, 'pg_class'), '')
             FROM pg_index i WHERE i.indrelid = c.oid ORDER BY 1)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2
"""


def views_of(url: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        return {f"{r[0]}.{r[1]}": r[2:] for r in conn.execute(VIEWS_SQL)}


def _admin(url: str) -> str:
    return psycopg.conninfo.make_conninfo(url, dbname="postgres")


class Project:
    """A schema.yaml and its generated/ folder, migrating database `url`; views' deparse computed in a
    scratch database on the same server."""

    def __init__(self, folder, url: str):
        self.folder, self.url = folder, url
        os.makedirs(folder, exist_ok=True)
        self.schema, self.out = os.path.join(folder, "schema.yaml"), os.path.join(folder, "generated")
        self.applied = 0

    def step(self, text: str) -> str:
        """Generate the change to `text`, apply it over the rows; the migration's SQL."""
        with open(self.schema, "w", encoding="utf-8") as f:
            f.write(text)
        r = generate(self.schema, self.out, allow_destructive=True, dev_url=_admin(self.url))
        assert r.status == "written", r.message
        files = Layout(self.out).migrations()
        with psycopg.connect(self.url, autocommit=True) as conn:
            apply_files(conn, files[self.applied:])
        self.applied = len(files)
        assert [n for n in r.notices if "could not create" in n] == []
        return r.sql

    def drift(self) -> tuple:
        return check_drift(self.schema, self.url, out_dir=self.out).differences


def built_from_scratch(url: str, text: str, folder) -> tuple[dict, dict]:
    """The views and relations `text` builds in an empty sibling database (one migration)."""
    with sibling_database(url) as other:
        Project(folder, other).step(text)
        return views_of(other), fingerprint(other, RELATIONS)


def _check_like_scratch(project: Project, text: str, tmp_path, label: str) -> None:
    assert project.drift() == ()
    expected_views, expected = built_from_scratch(project.url, text, tmp_path / label)
    assert views_of(project.url) == expected_views
    actual = fingerprint(project.url, RELATIONS)
    assert actual == expected, fingerprint_difference(actual, expected)


def _first(sql: str, *statements: str) -> list[int]:
    """Where each statement starts in `sql` (all present)."""
    at = [sql.find(s) for s in statements]
    assert -1 not in at, (statements, sql)
    return at


# -- the loader ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body,where,message", [
    ("views:\n  v: {}\n", "2:6", "view 'v' needs exactly one of 'query' and 'query_file'"),
    ("views:\n  v: {query: select 1, query_file: v.sql}\n", "2:6", "exactly one of 'query' and 'query_file'"),
    ("views:\n  v: {query: drop table t}\n", "2:14", "query of view 'v' must be a query (SELECT, VALUES, WITH or TABLE)"),
    ("views:\n  v:\n    query: |\n      select 1;\n      select 2\n", "3:12", "holds more than one statement"),
    ("views:\n  v: {query: \"select 'x\"}\n", "2:14", "query of view 'v' cannot be read as SQL"),
    ("views:\n  v: {query: select 1, check_option: always}\n", "2:38", "check_option of view 'v' must be one of local"),
    ("views:\n  v: {query: select 1, with_data: false}\n", "2:24", "unknown key 'with_data'"),
    ("materialized_views:\n  m: {query: select 1, check_option: local}\n", "2:24", "unknown key 'check_option'"),
    ("views:\n  v: {query: select 1, columns: {a: {comment: x, nullable: true}}}\n", "2:50", "unknown key 'nullable'"),
    ("views:\n  v: {query: select 1, columns: {a: {}}}\n", "2:37", "column 'a' of view 'v' needs a comment, a default, a statistics_target, a storage or a type"),
    ("views:\n  v: {query: select 1, columns: {a: {type: 'int('}}}\n", "2:44", "type of column 'a' of view 'v': 'int(' is not a type"),
    ("materialized_views:\n  m: {query: select 1, columns: {a: {type: integer}}}\n", "2:44",
     "type of column 'a' of materialized view 'm': only a view's column has one"),
    ("views:\n  v: {query: select 1, columns: {a: {collation: C}}}\n", "2:49",
     "collation of column 'a' of view 'v' needs its type"),
    ("views:\n  v: {query: select 1, columns: {a: {default: '1 +'}}}\n", "2:47", "default of column 'a' of view 'v'"),
    ("materialized_views:\n  m: {query: select 1, columns: {a: {default: '1'}}}\n", "2:37",
     "a materialized view's column has no default"),
    ("views:\n  v: {query_file: ../v.txt}\n", "2:19", "query_file of view 'v' must be a relative path to a .sql file"),
    ("views:\n  v: {query_file: missing.sql}\n", "2:19", "query_file of view 'v': missing.sql does not exist"),
    ("tables:\n  t: {columns: {a: int}}\nviews:\n  t: {query: select 1}\n", "4:3", "view public.t has the same name "
                                                                           "as table public.t"),
    ("views:\n  v: {query: select 1}\nmaterialized_views:\n  v: {query: select 1}\n", "4:3",
     "view public.v is declared twice"),
    ("tables:\n  t: {columns: {a: int}}\nmaterialized_views:\n  m:\n    query: select 1 as a\n    indexes:\n"
     "      t: {columns: [a]}\n", "7:7", "index name 't' is already used in schema public by table public.t"),
])
def test_loader_errors(body, where, message, tmp_path):
    path = str(tmp_path / "schema.yaml")
    with pytest.raises(SchemaFileError) as e:
        load_text(body, path)
    assert str(e.value).startswith(f"{path}:{where}: "), str(e.value)
    assert message in str(e.value)


def test_query_file_is_read_and_digested(tmp_path):
    (tmp_path / "v.sql").write_text("-- the view\nselect 1 as a;\n")
    schema = load_text("views:\n  v: {query_file: v.sql}\n", str(tmp_path / "schema.yaml"))
    assert schema.views[0].query == "-- the view\nselect 1 as a"


# -- round trip ----------------------------------------------------------------------------------------

ROUND_TRIP = [pytest.param(m, marks=() if m == "pg18" else (pytest.mark.slow,)) for m in MAJORS]


@pytest.mark.parametrize("major_db", ROUND_TRIP, indirect=True)
def test_round_trip(major_db, tmp_path):
    a = major_db
    project = Project(tmp_path / "a", a)
    project.step(FIXTURE)
    found = views_of(a)
    assert sorted(found) == ["public.adult_names", "public.adults", "public.mine", "public.salary_by_region",
                             "reports.names_upper", "reports.report_regions"]
    kind, _, options, populated, comment, columns, indexes = found["public.adults"]
    assert (kind, sorted(options), comment) == ("v", ["check_option=local", "security_barrier=true"], "people of age")
    assert columns == ["id integer", "name text", "age integer -- in years", "salary numeric(10,2) -- monthly"]
    assert found["public.mine"][2] == ["security_invoker=true"]
    kind, _, _, populated, comment, _, indexes = found["public.salary_by_region"]
    assert (kind, populated, comment) == ("m", False, "refreshed nightly")
    assert indexes == ["CREATE UNIQUE INDEX salary_by_region_key ON public.salary_by_region USING btree (region) "
                       "-- one row a region"]
    assert found["reports.names_upper"][:1] == ("m",) and found["reports.names_upper"][3] is True
    with psycopg.connect(a, autocommit=True) as conn:
        conn.execute("INSERT INTO people VALUES (1, 'ann', '1990-01-01', 10), (2, 'bob', '2020-01-01', 20)")
        assert conn.execute("SELECT name FROM adult_names").fetchall() == [("ann",)]
        with pytest.raises(psycopg.errors.WithCheckOptionViolation):  # WITH LOCAL CHECK OPTION holds
            conn.execute("INSERT INTO adults (id, name, salary) VALUES (3, 'kid', 1)")
    assert project.drift() == ()
    # inspect -> generate -> apply to an empty database: the same views, and inspect byte-identical.
    first = inspect_database(a).schema
    text = dump_schema(first)
    assert "public.group_concat" not in text and "view" not in text.split("# Not managed")[-1:][0][:0]
    with sibling_database(a) as b:
        rebuilt = Project(tmp_path / "b", b)
        rebuilt.step(text)
        assert views_of(b) == {k: v[:3] + (True,) + v[4:] if v[0] == "m" and k != "public.salary_by_region" else v
                               for k, v in found.items()}
        expected, actual = fingerprint(a, RELATIONS), fingerprint(b, RELATIONS)
        assert actual == expected, fingerprint_difference(actual, expected)
        assert rebuilt.drift() == ()
        assert dump_schema(inspect_database(b).schema) == text


# -- changes over rows -----------------------------------------------------------------------------------

BASE = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      amount: numeric(10,2)
      note: text
views:
  v:
    query: select id, amount from t
    comment: the view
    columns: {amount: {comment: euros}}
  w:
    query: select id, amount * 2 as twice from v
  x:
    query: select twice from w where twice > 0
materialized_views:
  m:
    query: select id, amount from t
    with_data: false
"""


def _edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


CHANGES = [
    ("query_replaced_in_place", [("select id, amount from t\n    comment", "select id, amount, note from t\n    comment")],
     lambda sql: "CREATE OR REPLACE VIEW v" in sql and "DROP" not in sql),
    ("query_changed_under_a_chain", [("select id, amount, note from t", "select amount, id, note from t")],
     lambda sql: _first(sql, "DROP VIEW IF EXISTS x", "DROP VIEW IF EXISTS w", "DROP VIEW IF EXISTS v;",
                        "CREATE VIEW v", "CREATE VIEW w", "CREATE VIEW x") == sorted(_first(
                            sql, "DROP VIEW IF EXISTS x", "DROP VIEW IF EXISTS w", "DROP VIEW IF EXISTS v;",
                            "CREATE VIEW v", "CREATE VIEW w", "CREATE VIEW x"))
     and "COMMENT ON COLUMN v.amount IS 'euros'" in sql),
    ("column_retyped_under_views", [("amount: numeric(10,2)", "amount: numeric(12,2)")],
     lambda sql: _first(sql, "DROP VIEW IF EXISTS w", "DROP MATERIALIZED VIEW IF EXISTS m", "ALTER TABLE t",
                        "CREATE VIEW v", "CREATE VIEW w", "CREATE MATERIALIZED VIEW m")[2]
     > max(_first(sql, "DROP VIEW IF EXISTS x", "DROP VIEW IF EXISTS v;", "DROP MATERIALIZED VIEW IF EXISTS m"))
     and sql.index("ALTER TABLE t") < min(_first(sql, "CREATE VIEW v", "CREATE MATERIALIZED VIEW m"))),
    ("options_and_comments", [("    comment: the view\n", "    comment: another\n    security_barrier: true\n"
                                                          "    check_option: cascaded\n"),
                              ("columns: {amount: {comment: euros}}", "columns: {id: key}")],
     lambda sql: "CREATE OR REPLACE VIEW v WITH (security_barrier=true)" in sql and "CASCADED CHECK OPTION" in sql
     and "COMMENT ON COLUMN v.amount IS NULL" in sql and "DROP" not in sql),
    ("materialized_index_and_data", [("    with_data: false\n", "    indexes:\n      m_id: {columns: [id], unique: true}\n")],
     lambda sql: "REFRESH MATERIALIZED VIEW m" in sql and "CREATE UNIQUE INDEX IF NOT EXISTS m_id ON m" in sql),
    ("materialized_query_changed", [("select id, amount from t\n    indexes", "select id from t\n    indexes")],
     lambda sql: _first(sql, "DROP MATERIALIZED VIEW IF EXISTS m", "CREATE MATERIALIZED VIEW m", "CREATE UNIQUE INDEX")
     == sorted(_first(sql, "DROP MATERIALIZED VIEW IF EXISTS m", "CREATE MATERIALIZED VIEW m", "CREATE UNIQUE INDEX"))),
    ("views_dropped", [("  x:\n    query: select twice from w where twice > 0\n", "")],
     lambda sql: sql.count("DROP VIEW") == 1 and "CREATE" not in sql),
]


def test_changes_over_rows(db_url, tmp_path):
    project = Project(tmp_path / "p", db_url)
    project.step(BASE)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t SELECT g, g * 1.5, 'n' || g FROM generate_series(1, 50) g")
    before = values(db_url)
    text = BASE
    for label, edits, check in CHANGES:
        text = _edit(text, *edits)
        sql = project.step(text)
        assert check(sql), f"{label}:\n{sql}"
        _check_like_scratch(project, text, tmp_path, label)
        with psycopg.connect(db_url) as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (50,)
    assert values(db_url) == before  # the rows survived every view re-created around them


def test_generate_compares_by_deparse_and_diff_reads_the_record(db_url, tmp_path):
    """A view spelled otherwise (its meaning the same) is no change; a query edited without `generate`
    is compared as written, and said so."""
    project = Project(tmp_path / "p", db_url)
    project.step(BASE)
    respelled = _edit(BASE, ("select id, amount from t\n    comment", "SELECT t.id,\n        t.amount FROM t\n    comment"))
    with open(project.schema, "w", encoding="utf-8") as f:
        f.write(respelled)
    r = generate(project.schema, project.out, dev_url=_admin(db_url))
    assert r.status == "unchanged", r.message
    assert project.drift() == ()  # from the record of the edited schema.yaml
    edited = _edit(respelled, ("select twice from w where twice > 0", "select twice from w where twice > 1"))
    with open(project.schema, "w", encoding="utf-8") as f:
        f.write(edited)
    (d,) = project.drift()
    assert (d.kind, d.name) == ("view_changed", "x") and "compared as written" in d.message
    assert generate(project.schema, project.out, check=True).status == "pending"  # no server for --check


def test_a_star_reads_a_column_its_table_gains(db_url, tmp_path):
    """`SELECT *` (or `t.*`) is expanded when the view is made: a column the table gains in schema.yaml is one a fresh
    build's view reads, not the old one. The recorded deparse (a, b) was taken again for the same query, so generate
    only added the column (the view kept a, b) and diff, before generate, reported the table alone."""
    star = "tables:\n  t:\n    columns: {a: integer, b: text}\nviews:\n  v:\n    query: SELECT * FROM t\n" \
           "  w:\n    query: SELECT x.*, 1 AS one FROM t x\n"
    project = Project(tmp_path / "p", db_url)
    project.step(star)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 'x'), (2, NULL)")
    grown = star.replace("{a: integer, b: text}", "{a: integer, b: text, c: integer}")
    with open(project.schema, "w", encoding="utf-8") as f:
        f.write(grown)
    assert sorted((d.kind, d.name) for d in project.drift()) == [("missing_column", "c"), ("view_changed", "v"),
                                                                  ("view_changed", "w")]
    project.step(grown)
    _check_like_scratch(project, grown, tmp_path, "grown")
    with psycopg.connect(db_url) as conn:  # (the oracle: the views' columns as Postgres holds them, and their rows)
        assert conn.execute("SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attnum > 0 "
                            "AND attrelid = 'w'::regclass").fetchone() == (["a", "b", "c", "one"],)
        assert conn.execute("SELECT * FROM v ORDER BY a").fetchall() == [(1, "x", None), (2, None, None)]


def _generated(db_url: str, tmp_path, text: str):
    """A project of schema.yaml `text` migrating `db_url`, generated (views built on its server): it and the result."""
    project = Project(tmp_path / "p", db_url)
    with open(project.schema, "w", encoding="utf-8") as f:
        f.write(text)
    return project, generate(project.schema, project.out, dev_url=_admin(db_url))


def _state(project: "Project") -> str:
    """state.json's text as generate wrote it (what the views' definitions were recorded as)."""
    return open(os.path.join(project.out, "state.json"), encoding="utf-8").read()


def _deparsed(db_url: str, tmp_path, text: str) -> str:
    """state.json's text of `text` generated with no notice: every view was built and deparsed."""
    project, r = _generated(db_url, tmp_path, text)
    assert r.status == "written" and r.notices == (), r.notices
    return _state(project)


def _notices(project: "Project", r, then: str, line: int = 4) -> tuple[str, ...]:
    """The notices of generate's result `r`, the first that view public.s (at `line`) could not be built, `then`
    why."""
    assert r.status == "written" and r.notices
    assert r.notices[0].startswith(f"{project.schema}:{line}:3: view public.s: PostgreSQL could not create it from "
                                   f"schema.yaml alone{then}"), r.notices
    return r.notices


def _skip_where_it_takes(db_url: str, statement: str) -> None:
    """Skip the test where the server's build has the feature `statement` needs (nothing is then missing)."""
    with psycopg.connect(_admin(db_url), autocommit=True) as conn:
        try:
            conn.execute(statement)
        except psycopg.errors.FeatureNotSupported:
            return
    pytest.skip(f"this server's build has what {statement} needs")


def _skip_where_available(db_url: str, extension: str) -> None:
    """Skip the test where the server's build has `extension` (nothing is then missing)."""
    with psycopg.connect(_admin(db_url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", (extension,)).fetchone():
            pytest.skip(f"this server's build has {extension}")


def test_a_view_reading_what_schemac_does_not_manage(db_url, tmp_path):
    """Postgres cannot create it from schema.yaml alone: a notice, and its query compared as written."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        # (a window function, here row_number's C function: aggregates and internal functions are managed now)
        conn.execute("CREATE FUNCTION my_sum(integer) RETURNS bigint LANGUAGE internal WINDOW AS 'window_row_number'")
    text = ("tables:\n  t: {columns: {a: integer}}\nviews:\n  s:\n    query: |\n      SELECT my_sum(a) OVER () AS s\n"
            "         FROM t\n")
    project, r = _generated(db_url, tmp_path, text)
    assert len(_notices(project, r, " (function my_sum(integer) does not exist)")) == 1
    apply_all(db_url, project.out)
    assert project.drift() == ()
    assert [u.kind for u in check_drift(project.schema, db_url, out_dir=project.out).unmanaged] == ["function"]
    # Tried once: the next generate does not build the schema again for it (no server reachable here).
    with open(project.schema, "w", encoding="utf-8") as f:
        f.write(text.replace("t: {columns: {a: integer}}", "t: {columns: {a: integer}, comment: c}"))
    r = generate(project.schema, project.out, dev_url="host=/nonexistent dbname=none connect_timeout=1")
    assert r.status == "written" and r.notices == (), r.message


def test_views_over_a_collation_the_build_server_cannot_create(db_url, tmp_path):
    """A collation the server building the views cannot create (ICU where its build has none, as the embedded
    18's; a locale it lacks) is made there as a stand-in of the same name copied from "C": a view only names
    it, so Postgres deparses the view, what it reads is built, and no notice blames a table schema.yaml
    declares (found by a real-world schema: an ICU `general_ci_ai` collation on citext columns)."""
    _skip_where_it_takes(db_url, "CREATE COLLATION pg_temp.probe (provider = icu, locale = 'und')")
    text = ("collations:\n  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}\n"
            "tables:\n  t: {columns: {a: integer, b: {type: text, collation: ci}}}\n"
            "views:\n  s:\n    query: SELECT a, b FROM t WHERE b = 'x' ORDER BY b COLLATE ci\n")
    state = _deparsed(db_url, tmp_path, text)
    assert '"definition": "SELECT a,\\n    b\\n   FROM t\\n  WHERE b = \'x\'::text\\n  ORDER BY (b COLLATE ci)"' in state, state


def test_views_over_inherits_children_without_columns_of_their_own(db_url, tmp_path):
    """An INHERITS child declaring no column of its own, with or without a CHECK (which the throwaway build leaves
    out), is built there as the migration makes it, `CREATE TABLE c () INHERITS (p)`: the views reading it are
    deparsed, not noticed as reading a table that failed there (a syntax error at INHERITS, printed without `()`;
    found with a real-world-style PostGIS schema's layer tables built on a --dev-url server with PostGIS)."""
    text = ("tables:\n  p: {columns: {id: integer, kind: text}}\n  c: {inherits: [p], checks: {c_pos: id > 0}}\n"
            "  d: {inherits: [p]}\nviews:\n  v:\n    query: SELECT id FROM c\n  w:\n    query: SELECT kind FROM d\n")
    state = _deparsed(db_url, tmp_path, text)
    assert '"definition": "SELECT id\\n   FROM c"' in state and '"definition": "SELECT kind\\n   FROM d"' in state, state


def test_views_over_views_of_mixed_case_laid_to_a_missing_extension(db_url, tmp_path):
    """A view reading a view that reads PostGIS, on a build server without PostGIS (the embedded 18), is laid to the
    extension too where the view it reads is named in mixed case or with a dot ("Report", "a.b"): the server's
    words print the name as it is (`relation "Report" does not exist`), which was folded as if written unquoted
    (report), so report2 had a notice of its own saying it reads Report, which schema.yaml does not declare."""
    _skip_where_available(db_url, "postgis")
    text = ("extensions:\n  - {name: postgis}\ntables:\n  zones: {columns: {id: integer, geom: 'geometry(Polygon,4326)'}}\n"
            "views:\n  Report:\n    query: SELECT id, st_astext(geom) AS t FROM zones\n"
            "  report2:\n    query: SELECT id FROM \"Report\"\n  a.b:\n    query: SELECT t FROM \"Report\"\n"
            "  c:\n    query: SELECT t FROM \"a.b\"\n")
    project, r = _generated(db_url, tmp_path, text)
    assert r.status == "written" and len(r.notices) == 2, r.notices  # (and plan.rights' note: postgis is untrusted)
    assert "so 4 views reading it could not be built there (public.Report, public.report2, public.a.b, public.c)" in \
        r.notices[0], r.notices
    assert r.notices[1] == "note: applying this migration needs a superuser for CREATE EXTENSION postgis", r.notices


def test_views_over_a_table_partitioned_by_what_the_build_server_lacks(any_db_url, tmp_path):
    """A table partitioned by a key calling an extension's function the build server lacks (uuid-ossp's
    uuid_generate_v5 on the embedded 18) is built there as a plain table, and its partitions as plain tables with
    their columns: a view reads their columns, never the key, so the views over the parent and over a partition are
    deparsed, not laid to the missing extension (the table's CREATE failed there, and with it every view reading it
    or one of its partitions)."""
    _skip_where_available(any_db_url, "uuid-ossp")
    text = ("extensions:\n  - {name: uuid-ossp}\ntables:\n"
            "  tp: {columns: {u: uuid, a: integer}, partition_by: {strategy: hash, key: '(uuid_generate_v5(u, a::text))'}}\n"
            "  tp0: {partition_of: {parent: tp, bound: 'FOR VALUES WITH (MODULUS 2, REMAINDER 0)'}}\n"
            "  tp1: {partition_of: {parent: tp, bound: 'FOR VALUES WITH (MODULUS 2, REMAINDER 1)'}, "
            "partition_by: {strategy: list, key: a}}\n"
            "  tp1_1: {partition_of: {parent: tp1, bound: 'FOR VALUES IN (1)'}}\n"
            "views:\n  s:\n    query: SELECT u, a FROM tp\n  s2:\n    query: SELECT a FROM tp0 WHERE a > 1\n"
            "  s3:\n    query: SELECT count(*) AS n FROM tp1_1\n")
    state = _deparsed(any_db_url, tmp_path, text)
    assert '"definition": "SELECT u,\\n    a\\n   FROM tp"' in state, state
    assert '"definition": "SELECT a\\n   FROM tp0\\n  WHERE a > 1"' in state, state
    assert '"definition": "SELECT count(*) AS n\\n   FROM tp1_1"' in state, state


def test_a_view_calling_a_function_whose_argument_default_the_build_server_cannot_make(db_url, tmp_path):
    """A function whose argument default calls what the build server lacks (XML without libxml here; an extension's
    function, uuid-ossp's uuid_generate_v4, on the embedded 18) is built there with NULL defaults: a view's call
    reads how many arguments have defaults, never what they are (Postgres inserts them when it plans the call), so
    the view calling it, the default left out or given, is deparsed, not noticed as reading what failed there."""
    _skip_where_it_takes(db_url, "SELECT xmlelement(name a)")
    text = ("functions:\n  f:\n    arguments: 'a text, b text DEFAULT (xmlelement(name b))::text'\n    returns: text\n"
            "    language: sql\n    body: SELECT a || b\n"
            "views:\n  s:\n    query: SELECT f('x') AS v, f('x', 'y') AS w\n")
    state = _deparsed(db_url, tmp_path, text)
    assert '"definition": "SELECT f(\'x\'::text) AS v,\\n    f(\'x\'::text, \'y\'::text) AS w"' in state, state


def test_a_view_over_a_view_of_mixed_case_that_failed_too(db_url, tmp_path):
    """A view reading "Xml" (which the build server could not create: XML without libxml) is told it reads a view
    that could not be built there either, not one schema.yaml does not declare: the server prints the name as it
    is, which was folded as if written unquoted (xml)."""
    _skip_where_it_takes(db_url, "SELECT xmlelement(name a)")
    text = ("tables:\n  t: {columns: {a: integer}}\nviews:\n  Xml:\n    query: SELECT a, xmlelement(name r) AS x FROM t\n"
            "  s:\n    query: SELECT a FROM \"Xml\"\n")
    project, r = _generated(db_url, tmp_path, text)
    assert r.status == "written" and len(r.notices) == 2, r.notices
    assert r.notices[1] == (f"{project.schema}:6:3: view public.s: PostgreSQL could not create it from schema.yaml alone: "
                            "it reads Xml, which could not be built there either (its own notice says why); its query "
                            "is compared as written"), r.notices


def test_a_view_the_build_server_lacks_a_feature_for(db_url, tmp_path):
    """A view Postgres cannot create where its build lacks a feature (XML: xmlelement, an xml constant, without
    libxml, as the embedded 18's build): the notice says the build server lacks it and how to give one that has
    it, not that the query may be wrong or read what schemac does not manage (a real-world schema's view
    building XML, inspected on PostgreSQL 15); a view reading it is not told it reads what schema.yaml does not
    declare, nor is one reading a table that failed there too (a partition whose bound builds XML). What a view
    reads of a table but never the expressions of is built there without them: a generated column building XML as
    a plain column of its type, a domain whose CHECK or default builds XML as its base type alone, a table
    partitioned by a key building XML as a plain table; the views reading them are deparsed."""
    _skip_where_it_takes(db_url, "SELECT xmlelement(name a)")
    text = ("domains:\n  dx: {type: text, checks: {dx_xml: 'xmlelement(name a, VALUE) IS NOT NULL'}}\n"
            "  dd: {type: text, default: '(xmlelement(name a))::text'}\n"
            "tables:\n  t: {columns: {a: integer}}\n  tx: {columns: {a: integer, x: {type: xml, generated: "
            "'xmlelement(name a, a)'}}}\n  td: {columns: {a: integer, d: dx, e: dd}}\n"
            "  tp: {columns: {a: integer}, partition_by: {strategy: list, key: '((xmlelement(name a, a))::text)'}}\n"
            "  tq: {columns: {a: text}, partition_by: {strategy: list, key: a}}\n"
            "  tq1: {partition_of: {parent: tq, bound: 'FOR VALUES IN ((xmlelement(name a))::text)'}}\n"
            "views:\n  s:\n    query: SELECT a, xmlelement(name row, xmlattributes(a)) AS x FROM t\n"
            "  s2:\n    query: SELECT a FROM s WHERE a > 1\n  s3:\n    query: SELECT a, x FROM tx\n"
            "  s4:\n    query: SELECT a, d, e FROM td\n  s5:\n    query: SELECT a FROM tp\n"
            "  s6:\n    query: SELECT a FROM tq1\n")
    project, r = _generated(db_url, tmp_path, text)
    notice, after, table = _notices(project, r, ": scratch database ", line=12)
    lead = "PostgreSQL could not create it from schema.yaml alone: it reads"
    assert after == (f"{project.schema}:14:3: view public.s2: {lead} s, which could not be built there either (its "
                     "own notice says why); its query is compared as written"), after
    assert table == (f"{project.schema}:22:3: view public.s6: {lead} tq1, which could not be built there either "
                     "(unsupported XML feature: This functionality requires the server to be built with libxml "
                     "support.); its query is compared as written"), table
    assert notice.endswith("on the --dev-url server lacks a feature it needs (unsupported XML feature: This "
                           "functionality requires the server to be built with libxml support.); its query is "
                           "compared as written. Give --dev-url (or SCHEMAC_DEV_URL) a server built with it to have "
                           "PostgreSQL deparse the view"), notice
    state = _state(project)
    assert '"definition": "SELECT a,\\n    x\\n   FROM tx"' in state, state
    assert '"definition": "SELECT a,\\n    d,\\n    e\\n   FROM td"' in state, state
    assert '"definition": "SELECT a\\n   FROM tp"' in state, state


@pytest.mark.slow
def test_generate_starts_the_embedded_server_without_a_dev_url(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(BASE)
    r = schemac("generate", "--dry-run", env={"SCHEMAC_DEV_URL": None})
    assert r.returncode == 0 and "CREATE VIEW x AS" in r.stdout, r.stdout + r.stderr
    r = schemac("generate", env={"SCHEMAC_DEV_URL": None})
    assert r.returncode == 0, r.stderr
    state = (tmp_path / "generated" / "state.json").read_text()
    assert '"definition": "SELECT twice\\n   FROM w\\n  WHERE twice > 0::numeric"' in state


@pytest.mark.parametrize("edit,where,message", [
    (("columns: {amount: {comment: euros}}", "columns: {amont: {comment: euros}}"), "8:3",
     "view public.v has no column 'amont' (its columns: amount, id)"),
    (("    with_data: false\n", "    indexes:\n      m_x: {columns: [idd]}\n"), "20:7",
     "materialized view public.m has no column 'idd' (its columns: amount, id)"),
    # a column privilege on a column the view does not have (one renamed under it, the view's output kept): the
    # GRANT failed as the migration ran (probe57a)
    (("    comment: the view\n", "    comment: the view\n    grants: {PUBLIC: [select, 'update (amont)']}\n"), "11:14",
     "view public.v has no column 'amont' (its columns: amount, id)"),
])
def test_generate_checks_named_columns_against_the_view(edit, where, message, db_url, tmp_path):
    """Which columns a view has is Postgres's answer: known once the throwaway build ran."""
    schema = tmp_path / "schema.yaml"
    schema.write_text(_edit(BASE, edit))
    with pytest.raises(SchemaFileError) as e:
        generate(str(schema), str(tmp_path / "generated"), dev_url=_admin(db_url))
    assert str(e.value) == f"{schema}:{where}: {message}"


@pytest.mark.slow
def test_another_major_deparses_otherwise(tmp_path, server):
    """PostgreSQL 15 qualifies a single table's columns (`t.id`), 16 and later do not: a database on 15
    against forms deparsed by 18 is told which major to build them on; built there, it is in sync."""
    from conftest import _server

    pg15 = _server("pg15")
    if pg15 is None:
        pytest.skip("no PostgreSQL 15 here")
    url = pg15.create_database()
    try:
        project = Project(tmp_path / "p", url)
        with open(project.schema, "w", encoding="utf-8") as f:
            f.write(BASE)
        assert generate(project.schema, project.out, dev_url=_admin(server.url)).status == "written"  # on 18
        apply_all(url, project.out)
        found = {d.name: d.message for d in project.drift()}
        # (v's `t.id` reads equal to 18's `id` in the normal form now: x's deparse still differs, and says why)
        assert found and all("deparsed by PostgreSQL 18 for schema.yaml, by 15 here" in m for m in found.values()), found
        r = generate(project.schema, project.out, dev_url=_admin(url))  # built on 15: recorded, nothing to migrate
        assert r.status == "unchanged" and "recorded" in r.message, r.message
        assert project.drift() == ()
    finally:
        pg15.drop_database(url)


def test_generate_runs_nothing_of_schema_yaml(db_url, tmp_path):
    """The throwaway build creates a materialized view WITH NO DATA: its query (and the function it calls,
    which raises) is not run there; the migration creates it with its data once every object is made (its query
    calls a PL/pgSQL function, whose body may read what the migration creates later: plan.populate), WITH DATA
    itself as nothing else of the migration reads it (LAST: on 15 and 16 the columns a fresh build types)."""
    text = """\
functions:
  boom:
    returns: integer
    language: plpgsql
    body: begin raise exception 'ran at generate'; end
materialized_views:
  m:
    query: select boom() as b
"""
    schema = tmp_path / "schema.yaml"
    schema.write_text(text)
    r = generate(str(schema), str(tmp_path / "generated"), dev_url=_admin(db_url))
    assert r.status == "written" and r.notices == (), r.notices
    assert "CREATE MATERIALIZED VIEW m AS\nselect boom() as b;" in r.sql and "WITH NO DATA" not in r.sql, r.sql
    assert r.sql.index("CREATE FUNCTION") < r.sql.index("CREATE MATERIALIZED VIEW"), r.sql
    # (applied, the REFRESH would raise)


TRIGGERED = """\
functions:
  insert_note:
    returns: trigger
    language: plpgsql
    body: |
      BEGIN
        INSERT INTO notes (body) VALUES (NEW.body);
        RETURN NEW;
      END
tables:
  notes:
    columns:
      id: {type: integer, identity: always, primary_key: true}
      body: text
views:
  recent_notes:
    query: SELECT id, body FROM notes WHERE id > 0
    triggers:
      recent_notes_insert:
        timing: instead_of
        events: [insert]
        for_each: row
        function: insert_note
"""


def _view_triggers(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relkind = 'v' AND NOT t.tgisinternal ORDER BY 1, 2").fetchall()


def test_triggers_on_views(db_url, tmp_path):
    """An INSTEAD OF trigger on a view (migra's case triggers3): created after its view and function, written
    by inspect, and created again with the view when a column type change under it re-creates the view."""
    project = Project(tmp_path / "p", db_url)
    project.step(TRIGGERED)
    expected = [("recent_notes", "recent_notes_insert", "CREATE TRIGGER recent_notes_insert INSTEAD OF INSERT ON "
                 "public.recent_notes FOR EACH ROW EXECUTE FUNCTION insert_note()")]
    assert _view_triggers(db_url) == expected
    assert project.drift() == ()
    with psycopg.connect(db_url, autocommit=True) as conn:  # the trigger works: a row through the view
        conn.execute("INSERT INTO recent_notes (body) VALUES ('via the view')")
        assert conn.execute("SELECT body FROM notes").fetchall() == [("via the view",)]
    assert "recent_notes_insert" in dump_schema(inspect_database(db_url).schema)
    sql = project.step(_edit(TRIGGERED, ("      body: text\n", "      body: varchar(200)\n")))
    assert "DROP VIEW" in sql and "CREATE TRIGGER recent_notes_insert" in sql, sql
    assert _view_triggers(db_url) == expected
    assert project.drift() == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP TRIGGER recent_notes_insert ON recent_notes")
    (d,) = project.drift()
    assert d.kind == "missing_trigger" and d.name == "recent_notes_insert", d


VIEW_RULES = """\
CREATE SEQUENCE item_ids START 10;
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, note text);
CREATE VIEW item_names AS SELECT id, name, note FROM items;
ALTER VIEW item_names ALTER COLUMN id SET DEFAULT nextval('item_ids');
CREATE RULE item_names_ins AS ON INSERT TO item_names DO INSTEAD INSERT INTO items (id, name) VALUES (new.id, new.name);
CREATE RULE item_names_upd AS ON UPDATE TO item_names
  DO INSTEAD UPDATE items SET name = upper(new.name) WHERE items.id = old.id;
CREATE RULE item_names_del AS ON DELETE TO item_names DO INSTEAD NOTHING;
COMMENT ON RULE item_names_del ON item_names IS 'rows are never deleted through the view';
"""


def _view_rules(url):
    """The rules on views, by the oracle's own SQL (pg_get_ruledef), with their comments."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT c.relname, r.rulename, pg_get_ruledef(r.oid), obj_description(r.oid, 'pg_rewrite') "
                            "FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace "
                            "AND r.rulename <> '_RETURN' ORDER BY 1, 2").fetchall()


def _view_defaults(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                            "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 'item_names'::regclass "
                            "ORDER BY 1").fetchall()


def test_rules_on_views_round_trip_and_survive_a_rebuilt_view(tmp_path, db_url, schemac):
    """Updatable views of old schemas are views with DO INSTEAD rules and column defaults (the key from a
    sequence): inspect writes them under the view, the migration makes them after it, a view dropped and
    created again gets them back, and a default set in schema.yaml is ALTER VIEW ... SET DEFAULT."""
    from catalog_oracle import sibling_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(VIEW_RULES)
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "not managed" not in text and "item_names_upd:" in text, r.stderr + text
    assert schemac("generate", "--name", "items").returncode == 0
    expected = _view_rules(db_url)
    assert len(expected) == 3
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert _view_rules(b) == expected and _view_defaults(b) == _view_defaults(db_url) == \
                [("id", "nextval('item_ids'::regclass)")]
            conn.execute("INSERT INTO item_names (name) VALUES ('z')")
            assert conn.execute("SELECT id FROM items").fetchall() == [(10,)]
            conn.execute("DELETE FROM items")
            conn.execute("INSERT INTO item_names (id, name) VALUES (1, 'a'), (2, 'b')")
            conn.execute("UPDATE item_names SET name = 'c' WHERE id = 2")
            conn.execute("DELETE FROM item_names")
            assert conn.execute("SELECT id, name FROM items ORDER BY id").fetchall() == [(1, "a"), (2, "C")]
        assert schemac("diff", "--database-url", b).returncode == 0
        # The view loses a column: DROP VIEW and CREATE VIEW (not OR REPLACE), its rules made again after it;
        # the insert rule that wrote the column goes too.
        edited = re.sub(r",\n +(items\.)?note\n", "\n", text)  # (PostgreSQL 15 qualifies the columns)
        edited = edited.replace("""      id: {default: "nextval('item_ids'::regclass)"}""",
                                """      id: {default: "nextval('item_ids'::regclass)"}\n      name: {default: "'unnamed'"}""")
        assert edited != text
        (tmp_path / "schema.yaml").write_text(edited)
        r = schemac("generate", "--name", "no_note")
        assert r.returncode == 0, r.stdout + r.stderr
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert [row[:2] for row in _view_rules(b)] == [(n, r) for n, r, _, _ in expected]
            assert _view_defaults(b) == [("id", "nextval('item_ids'::regclass)"), ("name", "'unnamed'::text")]
            conn.execute("INSERT INTO item_names (id) VALUES (3)")
            assert conn.execute("SELECT name FROM items WHERE id = 3").fetchone()[0] == "unnamed"
            assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 3
        assert schemac("diff", "--database-url", b).returncode == 0
        # Only a default changes, and one goes: ALTER VIEW in place, the view (and its rules) stay.
        (tmp_path / "schema.yaml").write_text(edited.replace("'unnamed'", "'anon'").replace(
            """      id: {default: "nextval('item_ids'::regclass)"}\n""", ""))
        r = schemac("generate", "--name", "anon")
        sql = "".join(p.read_text() for p in (tmp_path / "generated" / "migrations").glob("*_anon.sql"))
        assert r.returncode == 0 and "CREATE" not in sql and "ALTER COLUMN id DROP DEFAULT" in sql, sql
        apply_all(b, tmp_path / "generated")
        assert _view_defaults(b) == [("name", "'anon'::text")]
        assert schemac("diff", "--database-url", b).returncode == 0


def test_a_values_view_with_column_names_is_created_as_it_was(tmp_path, db_url, schemac):
    """CREATE VIEW v (k, v) AS VALUES ... deparses as a SELECT of "*VALUES*" columns; created from that SELECT,
    Postgres deparses it another way (a subquery): the migration writes the column list and VALUES again.
    What pg_dump restores of such a view IS that subquery (`FROM ( VALUES ...) "*VALUES*"`, a space after the
    parenthesis): written as VALUES again it came back as the first form, another view than the database's."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE VIEW grades (code, label) AS VALUES (1, 'low'), (2, 'high');"
                     "CREATE VIEW plain AS VALUES (1, 'a');"
                     "CREATE VIEW sub AS SELECT * FROM (VALUES (1, 'x')) AS t(a, b);"
                     "CREATE VIEW restored AS SELECT column1 AS code, column2 AS label "
                     "FROM (VALUES (1, 'low'), (2, 'high')) \"*VALUES*\"")
        assert "( VALUES" in conn.execute("SELECT pg_get_viewdef('restored'::regclass)").fetchone()[0]
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    r = schemac("generate", "--name", "values")
    assert r.returncode == 0 and "could not create" not in r.stdout + r.stderr, r.stdout + r.stderr
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute("SELECT * FROM grades ORDER BY code").fetchall() == [(1, "low"), (2, "high")]
        assert views_of(b) == views_of(db_url)
        assert schemac("diff", "--database-url", b).returncode == 0


OPTIONS = """SELECT c.relname::text, c.reloptions FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v' ORDER BY 1"""


def test_options_set_false_are_kept(db_url, tmp_path, schemac):
    """`WITH (security_barrier = false)` and `ALTER VIEW ... SET (security_invoker = false)` store false in reloptions
    (PostgreSQL's regression create_view.sql, mysecview4): it was read as no option and the view made again without
    it. Set in schema.yaml, then left out: the view is replaced without it. The oracle is pg_class.reloptions."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int); CREATE VIEW v1 WITH (security_barrier = false) AS SELECT a FROM t;"
                     "CREATE VIEW v2 WITH (security_barrier) AS SELECT a FROM t; ALTER VIEW v2 SET (security_invoker = false);"
                     "CREATE VIEW v3 AS SELECT a FROM t")
        expected = conn.execute(OPTIONS).fetchall()
    assert ("v1", ["security_barrier=false"]) in expected and ("v3", None) in expected
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    assert "security_barrier: false" in text, text
    assert schemac("generate", "--name", "views").returncode == 0
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(OPTIONS).fetchall() == expected
        (tmp_path / "schema.yaml").write_text(text.replace("security_barrier: false", "security_barrier: true", 1)
                                              .replace("security_invoker: false", "").replace(", }", "}"))
        r = schemac("generate", "--name", "changed")
        assert r.returncode == 0, r.stdout + r.stderr
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            got = dict(conn.execute(OPTIONS).fetchall())
        assert got == {"v1": ["security_barrier=true"], "v2": ["security_barrier=true"], "v3": None}, got
        assert schemac("diff", "--database-url", b).returncode == 0


CYCLES = """
CREATE TABLE graph0 (f int, t int, label text);
CREATE VIEW v_cycle AS WITH RECURSIVE g(f, t, label) AS (
    SELECT * FROM graph0 UNION ALL SELECT graph0.* FROM graph0, g WHERE graph0.f = g.t
  ) CYCLE f, t SET is_cycle TO 'Y' DEFAULT 'N' USING path
  SELECT f, t, label, is_cycle FROM g;
CREATE VIEW v_cycle_typed AS WITH RECURSIVE g(f, t) AS (
    SELECT f, t FROM graph0 UNION ALL SELECT graph0.f, graph0.t FROM graph0, g WHERE graph0.f = g.t
  ) CYCLE f SET seen TO varchar 'yes' DEFAULT varchar 'no' USING path
  SELECT f, seen FROM g;
"""
VIEWDEFS = """SELECT c.relname::text, pg_get_viewdef(c.oid, true) FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v' ORDER BY 1"""


def test_cycle_mark_values_are_written_as_constants(db_url, tmp_path):
    """pg_get_viewdef writes a CYCLE clause's mark values as casts (`TO 'Y'::text DEFAULT 'N'::text`), which the
    grammar refuses there: pg_dump's own file does not load, and the migration of what inspect wrote did not apply
    (with.sql's CYCLE ... TO 'Y' DEFAULT 'N' of PostgreSQL's regression). The oracle is pg_get_viewdef."""
    from catalog_oracle import sibling_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(CYCLES)
        expected = conn.execute(VIEWDEFS).fetchall()
    assert "TO 'Y'::text DEFAULT 'N'::text" in expected[0][1], expected
    schema = tmp_path / "schema.yaml"
    schema.write_text(inspect_database(db_url).yaml, encoding="utf-8")
    result = generate(str(schema), str(tmp_path / "generated"))
    assert result.status == "written" and not result.notices, (result.message, result.notices)
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(VIEWDEFS).fetchall() == expected
        assert check_drift(str(schema), b).differences == ()


@pytest.mark.parametrize("text, expected", [
    ("SELECT t.id,\n    t.d\n   FROM t;", "SELECT id,\n    d\n   FROM t;"),  # PostgreSQL 15's deparse
    ("SELECT x.id, x.d FROM public.t x", "SELECT id, d FROM public.t x"),
    ("SELECT t.id, 't.x' AS \"t.y\" FROM t", "SELECT id, 't.x' AS \"t.y\" FROM t"),
    ("SELECT tt.id, t.d FROM t", "SELECT tt.id, d FROM t"),
    # a view's VALUES list under names of its own (15's; 16+ print `SELECT column1 AS n, column2 FROM (VALUES ...`)
    ("SELECT \"*VALUES*\".column1 AS n,\n    \"*VALUES*\".column2\n   FROM (VALUES (1,'x'::text)) \"*VALUES*\";",
     "SELECT column1 AS n,\n    column2\n   FROM (VALUES (1,'x'::text)) \"*VALUES*\";"),
    # not one relation and nothing after it: as written
    ("SELECT \"*VALUES*\".column1 FROM (VALUES (1)) \"*VALUES*\" UNION SELECT \"*VALUES*\".column1 FROM (VALUES (2)) \"*VALUES*\"",
     None),
    ("SELECT t.id FROM t WHERE (t.id > 1)", None),
    ("SELECT t.id, (SELECT 1 FROM u) FROM t", None),
    ("SELECT t.id FROM t JOIN u USING (id)", None),
])
def test_a_query_of_one_relation_without_its_name_before_the_columns(text, expected):
    from schemac.pg.views import sole_relation_unqualified

    assert sole_relation_unqualified(text) == (text if expected is None else expected)
