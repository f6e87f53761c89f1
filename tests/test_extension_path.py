"""The declared extensions' schemas on the search path (compare.normalize.searched, compare.on_path, pg.path_names,
plan.preamble): where schema.yaml puts extensions outside public, a name of their schema is read as the bare name in a
normal form, the migration's search_path holds them after public, and state.json's forms serve only under the path
they were made under. (tests/test_extension_opclasses.py's `..._naming_extension_objects_bare` cases build them on
real servers: a migration that did not apply before.)"""

from __future__ import annotations

import pytest

from schemac.compare.normalize import (extension_path, normal_form, recorded_forms, remember, search_path, searched)
from schemac.model import Extension
from schemac.pg.path_names import unqualified_text
from schemac.plan.planner import render_sql
from schemac.plan.preamble import is_widening, pinned_search_path, widened_search_path

# (the catalog's spelling, search_path public; schema.yaml's, written where `ext` is on the path)
SAME_ON_PATH = [
    ("(h OPERATOR(ext.?) 'x'::text)", "h ? 'x'"),
    ("(e OPERATOR(ext.<>) 'x'::ext.citext)", "e <> 'x'::citext"),
    ("((name)::ext.citext OPERATOR(ext.<>) 'y'::ext.citext)", "name::citext <> 'y'"),
    ("ext.nlevel(p)", "nlevel(p)"),
    ("(ext.levenshtein(a, b) < 3)", "levenshtein(a, b) < 3"),  # (sqlglot's Levenshtein when bare)
    ("((h OPERATOR(ext.->) 'a'::text) = 'b'::text)", "h -> 'a' = 'b'"),
    ("(p)::ext.ltree[]", "p::ltree[]"),
    ("(x)::ext.hstore", "x::hstore"),  # (sqlglot's HSTORE type when bare)
    ("(OPERATOR(ext.-) x)", "- x"),
    ("(ext.\"Odd\"(p) > 0)", "\"Odd\"(p) > 0"),
    ("((a OPERATOR(ext.<>) b) AND c)", "a <> b AND c"),
]


@pytest.mark.parametrize("catalog,written", SAME_ON_PATH)
def test_a_name_of_a_schema_on_the_path_is_the_bare_name(catalog, written):
    with searched(("ext",)):
        assert normal_form(catalog) == normal_form(written)
        assert normal_form(normal_form(catalog)) == normal_form(catalog)
    assert normal_form(catalog) != normal_form(written)  # (public alone: another object)


def test_a_schema_off_the_path_keeps_its_name():
    with searched(("ext",)):
        assert normal_form("other.nlevel(p)") != normal_form("nlevel(p)")
        assert normal_form("x OPERATOR(other.?) 'y'") != normal_form("x ? 'y'")
    assert search_path() == ()


def test_the_path_is_the_declared_extensions_schemas_but_intarrays():
    extensions = [Extension("hstore", "ext"), Extension("pg_trgm", "extensions"), Extension("citext", "public"),
                  Extension("plpgsql", "pg_catalog"), Extension("ltree"), Extension("intarray", "arr"),
                  Extension("cube", "ext")]
    assert extension_path(extensions) == ("ext", "extensions")
    assert extension_path([Extension("intarray", "ext"), Extension("hstore", "ext")]) == ("ext",)


def test_intarrays_array_operators_on_the_path_are_named_pg_catalogs_where_nothing_else_may_mean_them():
    """intarray in a schema the path holds for another extension (plan.captured): its `@>`, `<@`, `&&` would take
    the bare symbols' place; not those a visible extension has operators of, nor beside one this code does not know."""
    from sqlglot import parse_one

    from schemac.compare.captures import captured_symbols as symbols

    def captured_symbols(extensions):
        return symbols(extensions, extension_path(extensions))
    from schemac.plan.captured import qualified

    shared = [Extension("intarray", "extensions"), Extension("pg_trgm", "extensions")]
    assert captured_symbols(shared) == {"@>", "<@", "&&"}
    assert captured_symbols([Extension("intarray", "extensions")]) == set()  # (its schema alone: off the path)
    assert captured_symbols([Extension("intarray", "arr"), Extension("pg_trgm", "extensions")]) == set()
    assert captured_symbols(shared + [Extension("hstore", "extensions")]) == {"&&"}  # (hstore's `h @> 'a=>1'`)
    assert captured_symbols(shared + [Extension("ltree")]) == {"&&"}  # (public: on every path)
    assert captured_symbols(shared + [Extension("hstore", "elsewhere")]) == {"&&"}  # (every one's schema is on it)
    assert captured_symbols(shared + [Extension("some_unknown_one", "extensions")]) == set()
    tree = parse_one("SELECT a @> ARRAY[1], b <@ c, d && e, f OPERATOR(extensions.@>) g", read="postgres")
    command = parse_one("CREATE POLICY p ON t USING (a @> ARRAY[1] AND '@>' = b AND c OPERATOR(extensions.&&) d)",
                        read="postgres")
    with searched(("extensions",), frozenset({"@>", "&&"})):
        assert render_sql([qualified(tree)]).strip() == "SELECT a OPERATOR(pg_catalog.@>) array[1], b <@ c, " \
            "d OPERATOR(pg_catalog.&&) e, f OPERATOR(extensions.@>) g;"
        assert render_sql([qualified(command)]).strip() == "CREATE POLICY p ON t USING (a OPERATOR(pg_catalog.@>) " \
            "ARRAY[1] AND '@>' = b AND c OPERATOR(extensions.&&) d);"
    assert qualified(tree) is tree


def test_the_migration_sets_the_path_after_public():
    assert render_sql([pinned_search_path()]).strip() == "SET LOCAL search_path = public;"
    with searched(("ext", "My Ext")):
        assert render_sql([pinned_search_path()]).strip() == 'SET LOCAL search_path = public, ext, "My Ext";'
        widened = render_sql([widened_search_path()])
        assert "ARRAY['public', 'ext', '\"My Ext\"']::text[] || ARRAY(" in widened and is_widening(widened)
    assert is_widening(render_sql([widened_search_path()]))


def test_recorded_forms_serve_only_under_their_path():
    text = "zz_on_path.nlevel(p) > 1"
    with searched(("zz_on_path",)):
        record = recorded_forms({text})
    assert record["search_path"] == ["zz_on_path"] and record["forms"][text] == 'NLEVEL("p") > 1'
    assert "search_path" not in recorded_forms({text})
    remember({**record, "forms": {"zz_q > 0": "as recorded on the path"}})
    assert normal_form("zz_q > 0") != "as recorded on the path"
    with searched(("zz_on_path",)):
        assert normal_form("zz_q > 0") == "as recorded on the path"


def test_a_query_as_written_loses_the_names_of_the_path_by_tokens():
    deparse = ("SELECT id, h OPERATOR(ext.->) 'a'::text AS a, ext.similarity(name, 'x'::text) AS s, (p)::ext.ltree "
               "AS q, ext.col, 'ext.f(x)' AS t FROM ext.tab")
    assert unqualified_text(deparse, ("ext",)) == (
        "SELECT id, h -> 'a'::text AS a, similarity(name, 'x'::text) AS s, (p)::ltree AS q, ext.col, 'ext.f(x)' AS t "
        "FROM ext.tab")
    assert unqualified_text(deparse, ()) == deparse
    assert unqualified_text("SELECT 'open", ("ext",)) == "SELECT 'open"


def test_a_verbatim_expression_loses_the_names_of_the_path_too():
    """An expression sqlglot cannot read compares as its text (pg.verbatim), the path's schema names taken off."""
    with searched(("ext",)):
        assert normal_form("ext.f(x) >>>= (") == normal_form("f(x)  >>>= (") == "f(x) >>>= ("
        assert normal_form("other.f(x) >>>= (") == "other.f(x) >>>= ("
    assert normal_form("ext.f(x) >>>= (") == "ext.f(x) >>>= ("


def test_a_widened_path_names_each_schema_once(db_url):
    """A schema on the pinned path (an extension's) that holds an `=` or that the statement calls was named again after
    it (probe55a, MusicBrainz: `public, musicbrainz, musicbrainz`): each comes once, where it first comes, as the
    server sets it."""
    import psycopg
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA mb; CREATE SCHEMA util; CREATE SCHEMA \"My Ops\"; "
                     "CREATE FUNCTION mb.eq(integer, text) RETURNS boolean LANGUAGE sql AS 'SELECT true'; "
                     "CREATE OPERATOR mb.= (LEFTARG = integer, RIGHTARG = text, FUNCTION = mb.eq); "
                     "CREATE OPERATOR \"My Ops\".= (LEFTARG = integer, RIGHTARG = text, FUNCTION = mb.eq)")
        paths = []
        with searched(("mb",)):
            for statement in (widened_search_path(), widened_search_path(("My Ops", "mb", "util")),
                              widened_search_path(("mb", "util"), equals=False)):
                with conn.transaction():
                    conn.execute(render_sql([statement]))
                    paths.append(conn.execute("SHOW search_path").fetchone()[0])
    assert paths == ['public, mb, "My Ops"', 'public, mb, "My Ops", util', "public, mb, util"]
