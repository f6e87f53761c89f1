"""An index and a materialized view over rows calling `util.norm(name)`, a SQL function whose quoted body names util's
`clean` bare with no search_path of its own (made, as people do, under a path that held util). On 15 and 16 the
migration computes them with util on the path (plan.preamble.widened: the REFRESH of the materialized view was run
under `public` alone, "function clean(text) does not exist"). PostgreSQL 17 and later compute both with the path
`pg_catalog, pg_temp` whatever the session's: the migration lends util.norm the path around each (ALTER FUNCTION ...
SET search_path, then RESET: compare.restricted_path), and applies over the rows on every major, util.norm's
settings left as they were; `generate` says so of each, naming the function and the `set:` to give it, as REINDEX
and ANALYZE fail there after (plan.maintenance_path); with `set: {search_path: util}` no notice, nothing lent."""

from __future__ import annotations

import psycopg
import pytest
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

BASE = """schemas: [util]
functions:
  clean: {schema: util, arguments: s text, returns: text, volatility: immutable, body: SELECT btrim($1)}
  norm:
    schema: util
    arguments: s text
    returns: text
    volatility: immutable
    body: SELECT lower(clean($1))
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, name: text}
"""
ADDED = """    indexes: {t_norm: {columns: [{expression: util.norm(name)}]}}
materialized_views:
  names: {query: "SELECT id, util.norm(name) AS n FROM t"}
"""
SET = ("    body: SELECT lower(clean($1))", "    set: {search_path: util}\n    body: SELECT lower(clean($1))")


def _added_over_rows(url: str, folder, base: str) -> tuple:
    """`base` generated and applied to `url` over two rows, then ADDED generated: the result and its new files."""
    schema, out = folder / "schema.yaml", str(folder / "generated")
    folder.mkdir()
    schema.write_text(base, encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO t VALUES (1, ' A '), (2, 'b')")
    old_files = {m.path for m in Layout(out).migrations()}
    schema.write_text(base + ADDED, encoding="utf-8")
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    return result, [m for m in Layout(out).migrations() if m.path not in old_files], schema


def _applied(url: str, files, schema) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, files)
        assert conn.execute("SELECT id, n FROM names ORDER BY id").fetchall() == [(1, "a"), (2, "b")]
    assert check_drift(str(schema), url, out_dir=str(schema.parent / "generated")).differences == ()


@pytest.mark.parametrize("major_db", ["pg18", "pg16", "pg15"], indirect=True)
def test_functions_an_index_or_a_materialized_view_computes_with_a_path_of_their_own(major_db, tmp_path):
    result, files, schema = _added_over_rows(major_db, tmp_path / "bare", BASE)
    tail = ("calls util.norm, whose body names clean (util) bare and sets no search_path: PostgreSQL 17 and later "
            "compute it (CREATE INDEX, REINDEX, REFRESH MATERIALIZED VIEW, ANALYZE) with the search_path pg_catalog, "
            "pg_temp, where it is not found (the migration lends it a path while it builds it; REINDEX and ANALYZE "
            "after fail); give util.norm `set: {search_path: util}` or name the schema in its body")
    assert [n.replace(str(schema), "schema.yaml") for n in result.notices] == [
        f"schema.yaml:13:15: index t_norm {tail}", f"schema.yaml:15:3: materialized view public.names {tail}"]
    assert result.sql.count("ALTER FUNCTION util.norm(TEXT) SET search_path = 'public', 'util';") == 2
    assert result.sql.count("ALTER FUNCTION util.norm(TEXT) RESET search_path;") == 2
    _applied(major_db, files, schema)
    with psycopg.connect(major_db, autocommit=True) as conn:
        assert conn.execute("SELECT proconfig FROM pg_proc WHERE oid = 'util.norm(text)'::regprocedure").fetchone() \
            == (None,)
        if conn.info.server_version >= 170000:  # (what the notice says: the path was the migration's alone)
            with pytest.raises(psycopg.errors.UndefinedFunction):
                conn.execute("REINDEX INDEX t_norm")
        conn.execute("DROP SCHEMA util CASCADE; DROP TABLE t; DROP TABLE _sqlx_migrations")
    result, files, schema = _added_over_rows(major_db, tmp_path / "set", BASE.replace(*SET))
    assert result.notices == ()
    assert "ALTER FUNCTION" not in result.sql
    _applied(major_db, files, schema)


BUILTINS = """schemas: [ext]
extensions: [{name: unaccent, schema: ext}]
functions:
  doc:
    arguments: s text
    returns: tsvector
    volatility: immutable
    body: SELECT to_tsvector('simple'::regconfig, jsonb_build_object('s', $1) ->> 's')
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, name: text}
"""


def _indexed_over_rows(url: str, tmp_path, base: str, rows: str, indexes: str) -> tuple:
    """`base` generated and applied to `url`, `rows` inserted into t, then `base` with `indexes` generated: the
    result, the schema.yaml path and the output folder."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(base, encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"
    apply_all(url, out)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO t VALUES {rows}")
    schema.write_text(base + indexes, encoding="utf-8")
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    return result, schema, out


def test_a_body_calling_postgres_functions_bare_beside_an_extension_off_the_path_is_lent_nothing(db_url, tmp_path):
    """doc() calls to_tsvector and jsonb_build_object bare, unaccent lives in `ext`: both are pg_catalog's, found under
    17+'s `pg_catalog, pg_temp` (Postgres builds the index over the rows: the oracle), so nothing is lent and nothing is
    said of REINDEX (fix49h counted every name outside POSTGRES_ARITY's 173 an extension's maybe: catalog_functions.txt,
    every pg_catalog name on 18, 16 and 15, now tells)."""
    result, schema, out = _indexed_over_rows(db_url, tmp_path, BUILTINS, "(1, 'a b'), (2, 'c')",
                                             "    indexes: {t_doc: {columns: [{expression: doc(name)}], method: gin}}\n")
    assert "ALTER FUNCTION" not in result.sql and not [n for n in result.notices if "doc(" in n], result.notices
    apply_all(db_url, out)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_index WHERE indexrelid = 'public.t_doc'::regclass").fetchone() == (1,)
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()


SHADOWED = """schemas: [extensions]
extensions: [{name: citext, schema: extensions}]
functions:
  squeeze: {arguments: v citext, returns: text, volatility: immutable, body: "SELECT replace(v, 'b', '')"}
  at_b: {arguments: v citext, returns: integer, volatility: immutable, body: "SELECT strpos(v, 'b')"}
  marked: {arguments: v citext, returns: text, volatility: immutable, language: plpgsql,
           body: "BEGIN RETURN regexp_replace(v, 'b', '-'); END"}
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, v: citext}
"""


@pytest.mark.parametrize("major_db", ["pg18", "pg15"], indirect=True)  # (16's pgserver build has no citext)
def test_an_extensions_function_of_a_pg_catalog_name_is_called_by_the_index_as_on_16(major_db, tmp_path):
    """citext in `extensions` has its own replace, strpos and regexp_replace over citext, case-insensitive; a body
    calling them bare over a citext argument calls them under a path holding `extensions` (the migration's, and the
    application's, as Supabase's), but pg_catalog's over text (the argument cast) under 17+'s `pg_catalog, pg_temp`:
    the index built over rows held 'ABC' for squeeze('ABC') where a query computes 'AC', and found no row for it (a
    case-sensitive index over a case-insensitive function). The names pg_catalog shares with an extension off that
    path count as maybe the extension's: the functions are lent the path, the index holds what queries compute, on
    every major; generate says REINDEX on 17+ computes pg_catalog's."""
    result, schema, out = _indexed_over_rows(major_db, tmp_path, SHADOWED, "(1, 'ABC'), (2, 'abc'), (3, 'xyz')",
                                             "    indexes:\n" + "".join(f"      t_{f}: {{columns: [{{expression: {f}(v)}}]}}\n"
                                                                   for f in ("squeeze", "at_b", "marked")))
    apply_all(major_db, out)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("SET search_path = public, extensions")
        for f, values in (("squeeze", ["AC", "ac", "xyz"]), ("at_b", [2, 2, 0]), ("marked", ["A-C", "a-c", "xyz"])):
            assert [v for v, in conn.execute(f"SELECT {f}(v) FROM t ORDER BY id")] == values
            conn.execute("SET enable_seqscan = off")
            found = [conn.execute(f"SELECT array_agg(id ORDER BY id) FROM t WHERE {f}(v) = %s", (v,)).fetchone()[0]
                     for v in dict.fromkeys(values)]  # (by the index: each row found by what a query computes)
            conn.execute("RESET enable_seqscan")
            assert found == {"squeeze": [[1], [2], [3]], "at_b": [[1, 2], [3]], "marked": [[1], [2], [3]]}[f], f
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE proconfig IS NOT NULL AND pronamespace = "
                            "'public'::regnamespace").fetchone() == (0,)
    assert check_drift(str(schema), major_db, out_dir=out).differences == ()
    assert result.sql.count("SET search_path = 'public', 'extensions'") == 3, result.sql
    said = [n for n in result.notices if "pg_catalog's" in n]
    assert len(said) == 3 and "calls public.squeeze, whose body calls replace bare, which citext (extensions) defines " \
        "too" in said[0], result.notices
BUILT = """schemas: [util]
functions:
  clean: {schema: util, arguments: s text, returns: text, volatility: immutable, body: SELECT btrim($1)}
  norm: {schema: util, arguments: s text, returns: text, volatility: immutable, body: SELECT lower(clean($1))}
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, name: text, n: integer}
    indexes: {t_norm: {columns: [{expression: util.norm(name)}]}}
  p:
    columns: {id: integer, name: text}
    partition_by: {strategy: range, key: id}
    indexes: {p_norm: {columns: [{expression: util.norm(name)}]}}
  p1:
    partition_of: {parent: p, bound: "FOR VALUES FROM (0) TO (10)"}
  p3:
    columns: {id: integer, name: text}
"""
# (the edit, the index the notice names, the table whose REINDEX fails after on 17+)
BUILDS = {
    "rewritten": (("n: integer}", "n: bigint}"), "index t_norm (built again by the rewrite of public.t)", "t"),
    "partition made": (("  p3:\n", '  p2:\n    partition_of: {parent: p, bound: "FOR VALUES FROM (10) TO (20)"}\n  p3:\n'),
                       "index p_norm of public.p (copied to partition public.p2)", "p2"),
    "partition attached": (("  p3:\n    columns: {id: integer, name: text}\n",
                            '  p3:\n    partition_of: {parent: p, bound: "FOR VALUES FROM (20) TO (30)"}\n'),
                           "index p_norm of public.p (copied to partition public.p3)", "p3"),
}


@pytest.mark.parametrize("edit", BUILDS)
def test_a_rewrite_or_a_partition_made_or_attached_says_what_it_builds_with_a_path_lent(db_url, tmp_path, edit):
    """Where the migration lends util.norm a path (Change.lent_path) around a table's rewrite (its index built again
    over the rows) or a partition made or attached (the copy of its parent's index built there), 17+'s REINDEX fails
    after as it does after a new index: generate says so, as it did of new indexes and populated materialized views
    alone (plan.maintenance_path said nothing here). Applied over rows on 18, in sync; REINDEX of the table fails."""
    (old, new), what, table = BUILDS[edit]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(BUILT, encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"
    apply_all(db_url, out)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SET search_path = public, util; INSERT INTO t VALUES (1, ' A ', 1); INSERT INTO p VALUES (1, ' B ');"
                     "INSERT INTO p3 VALUES (25, ' C ')")
    schema.write_text(BUILT.replace(old, new), encoding="utf-8")
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    assert "ALTER FUNCTION util.norm(TEXT) SET search_path" in result.sql
    said = [n for n in result.notices if "calls util.norm" in n]  # (an ATTACH says too where rows fall outside)
    assert [n.split(": ", 1)[1] for n in said] == [
        f"{what} calls util.norm, whose body names clean (util) bare and sets no search_path: PostgreSQL 17 and later "
        "compute it (CREATE INDEX, REINDEX, REFRESH MATERIALIZED VIEW, ANALYZE) with the search_path pg_catalog, "
        "pg_temp, where it is not found (the migration lends it a path while it builds it; REINDEX and ANALYZE after "
        "fail); give util.norm `set: {search_path: util}` or name the schema in its body"], result.notices
    assert said[0].startswith(f"{schema}:")
    apply_all(db_url, out)
    assert check_drift(str(schema), db_url, out_dir=out).differences == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SET search_path = public, util")  # (17+ builds under its own path whatever the session's; a
        with pytest.raises(psycopg.errors.UndefinedFunction):  # session of its own: the relcache keeps an index's
            conn.execute(f"REINDEX TABLE {table}")  # expressions once inlined: what the notice says)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SET search_path = public, util")  # (the planner reads the index expressions under it)
        assert conn.execute("SELECT name FROM t UNION ALL SELECT name FROM p ORDER BY 1").fetchall() == \
            [(" A ",), (" B ",)] + ([(" C ",)] if edit == "partition attached" else [])
