"""PostGIS columns (issue 13): type changes that PostGIS refuses over rows, the views the throwaway server
cannot build without it, and the spelling of its types.

The database tests need the postgis extension: they run on Debian's 15 here (its build has it; the
embedded 18 and pgserver 16 do not) and skip where the build lacks it. The pairs of
tests/fixtures/pairs/postgis.sql (test_pairs.py) and the corpus sample `gisapp` (test_corpus.py) cover the
round trips and the plans that need no `using:`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import psycopg
import pytest

from catalog_oracle import values
from conftest import refusals_until_applied, retyped_schema
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.compare.differ import diff
from schemac.compare.normalize import normal_form
from schemac.model import Column, Extension, Schema, Table, View
from schemac.model.views import Dependency, ViewColumn
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.pg.knowntypes import unknown_type
from schemac.pg.postgis import MAYBE, NO, YES, conversion, fits, refusal
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.operators import OPERATORS
from schemac.pg.types import canonical_type
from schemac.plan.graph import ordered
from schemac.plan.widenings import is_widening

OLD = """
CREATE SCHEMA extensions;
CREATE EXTENSION postgis WITH SCHEMA extensions;
CREATE TABLE places (id int PRIMARY KEY, name text, geom extensions.geometry(Point,4326),
  CONSTRAINT places_srid CHECK (extensions.st_srid(geom) = 4326));
CREATE INDEX places_geom_idx ON places USING gist (geom);
CREATE VIEW place_wkt AS SELECT id, extensions.st_astext(geom) AS wkt FROM places;
CREATE VIEW place_wkt_count AS SELECT count(*) AS n FROM place_wkt;
CREATE VIEW local_srids AS SELECT srid, proj4text FROM extensions.spatial_ref_sys WHERE srid >= 900000;
CREATE FUNCTION near(p extensions.geometry, d double precision) RETURNS SETOF int LANGUAGE sql STABLE
  AS $$ SELECT id FROM public.places WHERE extensions.st_dwithin(geom, p, d) $$;
INSERT INTO extensions.spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
  VALUES (990000, 'local', 990000, '', '+proj=longlat +datum=WGS84 +no_defs');
INSERT INTO places VALUES (1, 'a', 'SRID=4326;POINT(2.35 48.85)'), (2, 'b', NULL), (3, 'c', 'SRID=4326;POINT(-0.12 51.5)');
"""


def _postgis(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone() is None:
            pytest.skip("this server's build has no PostGIS")


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_srid_change_needs_using_and_converts_the_rows(major_db, tmp_path):
    """A changed SRID makes PostGIS refuse every existing value: without `using:`, generate writes the retype behind
    a look at the rows (plan.held_values: Postgres takes it over NULLs alone), which fails over these naming the
    `using:` to write, and warns (it was refused at generate, where the column held no value too); with `using:`
    the values are transformed, under the
    views, the gist index and the CHECK that read the column. Also: the views the throwaway server cannot
    build (no PostGIS there) give one notice naming the extension, and a view reading a relation that
    does not exist keeps a notice of its own."""
    _postgis(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(OLD)
        expected = conn.execute("SELECT id, extensions.st_astext(extensions.st_transform(geom, 3857)) FROM places "
                                "ORDER BY id").fetchall()
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = inspect_database(major_db).yaml
    # extension members (spatial_ref_sys and its rows, geometry_columns, the st_ functions) are not schema.yaml's
    for member in ("spatial_ref_sys:", "geometry_columns", "geography_columns", "st_astext:", "990000"):
        assert member not in text
    assert "p extensions.geometry," in text and "external_types" not in text, text
    # A is that schema already (this migration is not applied); the view over a missing table is dropped by the
    # next one, as IF EXISTS
    schema.write_text(text + "  typo_view: {query: SELECT 1 FROM no_such_table}\n", encoding="utf-8")
    old = generate(str(schema), out, name="old")
    ours = [n for n in old.notices if "extension postgis" in n]
    assert len(ours) == 1 and "3 views" in ours[0] and "public.place_wkt_count" in ours[0], old.notices
    assert [n for n in old.notices if "typo_view" in n and "no_such_table" in n], old.notices
    assert old.status == "written"

    retyped = text.replace("geom: extensions.geometry(Point,4326)", "geom: extensions.geometry(Point,3857)")
    retyped = retyped.replace("(extensions.st_srid(geom) = 4326)", "(extensions.st_srid(geom) = 3857)")
    assert retyped.count("3857") == 2, text
    schema.write_text(retyped, encoding="utf-8")
    # without `using:`: written (Postgres takes it over NULLs alone), behind a look at the rows that fails over these,
    # saying which `using:` to write; the transaction leaves everything as it was (it was refused at generate)
    unguarded = values(major_db)
    shutil.copytree(out, str(tmp_path / "before"))
    guarded = generate(str(schema), out, name="srid")
    assert guarded.status == "written", guarded.message
    said = [n for n in guarded.notices if "column public.places.geom" in n and "SRID 4326 to 3857" in n]
    assert said and 'using: "extensions.st_transform(geom, 3857)"' in said[0] and "st_setsrid" in said[0], guarded.notices
    with psycopg.connect(major_db, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation) as failed:
            apply_files(conn, Layout(out).migrations()[1:], record=False)
        typ = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                           "WHERE attrelid = 'places'::regclass AND attname = 'geom'").fetchone()
    message = failed.value.diag.message_primary or ""
    assert "column public.places.geom holds a value" in message and "SRID 4326 to 3857" in message, message
    assert 'using: "extensions.st_transform(geom, 3857)"' in message, message
    assert typ == ("extensions.geometry(Point,4326)",) and values(major_db) == unguarded
    shutil.rmtree(out)
    shutil.copytree(str(tmp_path / "before"), out)  # (the project as before that generate: `using:` next)

    using = retyped.replace("geom: extensions.geometry(Point,3857)",
                            "geom: {type: 'extensions.geometry(Point,3857)', using: 'extensions.st_transform(geom, 3857)'}")
    schema.write_text(using, encoding="utf-8")
    before = values(major_db)
    assert generate(str(schema), out, name="srid").status == "refused"  # values change: destructive, as any retype
    result = generate(str(schema), out, name="srid", allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
        got = conn.execute("SELECT id, extensions.st_astext(geom) FROM places ORDER BY id").fetchall()
        srids = conn.execute("SELECT DISTINCT extensions.st_srid(geom) FROM places WHERE geom IS NOT NULL").fetchall()
        typ = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                           "WHERE attrelid = 'places'::regclass AND attname = 'geom'").fetchone()
        views = conn.execute("SELECT count(*) FROM pg_views WHERE viewname LIKE 'place_wkt%'").fetchone()
    assert got == expected and srids == [(3857,)] and typ == ("extensions.geometry(Point,3857)",) and views == (2,)
    assert conn.closed
    after = values(major_db)
    retyped = ("public.places", "geom")  # the one column whose values the retype changes; every other one kept
    assert retyped in before and {k: v for k, v in after.items() if k != retyped} == \
        {k: v for k, v in before.items() if k != retyped}
    drift = check_drift(str(schema), major_db)
    assert drift.differences == (), drift.render("text")


def test_which_postgis_type_changes_keep_every_value():
    """fits() and is_widening() by PostGIS's own rules (checked on a server by the pairs and the test above):
    modifiers dropped or widened keep every value; a changed SRID, shape or dimension keeps none; modifiers
    added to a plain column depend on the values."""
    cases = {("geometry(Point,4326)", "geometry"): YES, ("geometry(Point,4326)", "geometry(Geometry,4326)"): YES,
             ("geometry(Point,4326)", "geography(Point,4326)"): YES, ("geography(Point,4326)", "geometry(Point,4326)"): YES,
             ("geometry(Point,4326)", "geometry(Point,3857)"): NO, ("geometry(Point,4326)", "geometry(MultiPoint,4326)"): NO,
             ("geometry(PointZ,4326)", "geometry(Point,4326)"): NO, ("geometry(Point,3857)", "geography(Point,4326)"): NO,
             ("geometry", "geometry(Point,4326)"): MAYBE, ("geometry(Point)", "geometry(Point,4326)"): MAYBE}
    for (old, new), answer in cases.items():
        assert fits(old, new) == answer, (old, new)
        assert is_widening(old, new) == (answer == YES), (old, new)
    assert fits("integer", "geometry") is None and fits("geometry(Point,4326)[]", "geometry") is None
    assert fits("geometry(Point,4326)[]", "geometry[]") == YES and fits("geometry(Point)[]", "geometry(Point,4326)[]") == MAYBE
    assert "without a subquery" in refusal("pts", "geometry(Point,4326)[]", "geometry(Point,3857)[]")  # USING refuses one
    assert conversion("g", "geometry(Polygon,4326)", "geometry(MultiPolygonZ,3857)") == \
        "st_transform(st_multi(st_force3dz(g)), 3857)"
    assert conversion("g", "postgis.geometry(Point,3857)", "postgis.geography(Point,4326)") == \
        "postgis.st_transform(g, 4326)::postgis.geography"


def test_postgis_types_are_known_by_their_extensions():
    """Every type PostGIS 3.3's extensions make (checked against pg_depend on 15) loads without
    external_types: once the extension is declared, in whatever schema (inspect listed tiger.norm_addy)."""
    for extension, types in {"postgis": ("extensions.geometry_dump", "valid_detail", "box2df"),
                             "postgis_raster": ("extensions.raster", "geomval", "summarystats"),
                             "postgis_topology": ("topology.topogeometry", "topology.validatetopology_returntype"),
                             "postgis_tiger_geocoder": ("tiger.norm_addy",)}.items():
        for t in types:
            assert not unknown_type(canonical_type(t), set(), [extension], set()), t
            assert unknown_type(canonical_type(t), set(), ["citext"], set()), t


def test_types_of_an_extension_elsewhere_are_spelled_as_format_type_does():
    """format_type() quotes only Postgres's own keywords: `extensions.geometry`, as the catalog lists a
    function's arguments (a quoted spelling made every function taking a geometry drift)."""
    assert canonical_type("extensions.geometry") == "extensions.geometry"
    assert canonical_type("extensions.geography[]") == "extensions.geography[]"
    assert canonical_type("Extensions.GEOMETRY(point, 4326)") == "extensions.geometry(Point,4326)"
    assert canonical_type('app."order"') == 'app."order"'
    assert canonical_type("ext.vector") == "ext.vector"
    # as PostGIS's typmod output prints them (checked on 15): no modifiers for any shape and SRID, -1 is 0
    for written, printed in {"geometry(Geometry)": "geometry", "geometry(Geometry,0)": "geometry",
                             "extensions.geometry(Geometry)": "extensions.geometry", "geometry(Point,-1)": "geometry(Point)",
                             "geography(Point,0)": "geography(Point,4326)", "geometry(GeometryZ)": "geometry(GeometryZ)",
                             "geography(Geometry, -1)": "geography(Geometry,4326)"}.items():
        assert canonical_type(written) == printed, written


UNQUALIFIED = """\
schemas: [extensions]
extensions:
  - {name: postgis, schema: extensions}
domains:
  spot: {type: 'geometry(Point,4326)'}
functions:
  moved:
    arguments: g geometry, dx double precision
    returns: geometry
    language: sql
    body: SELECT extensions.st_translate(g, dx, 0)
tables:
  places:
    columns:
      id: {type: integer, primary_key: true}
      geom: geometry(Point,4326)
      area: geography(Polygon)
      shapes: geometry[]
      home: spot
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_types_of_an_extension_elsewhere_written_unqualified(major_db, tmp_path):
    """`geometry(Point,4326)` written by hand while PostGIS lives in `extensions`: Postgres would look it up
    on the search_path, which does not hold `extensions` (the migration failed: type "geometry" does not
    exist), and format_type prints it qualified (it drifted where the search_path did hold it). Loaded as
    the catalog spells it; a state.json recorded with the old spelling plans nothing."""
    _postgis(major_db)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(UNQUALIFIED, encoding="utf-8")
    assert generate(str(schema), out, name="init").status == "written"
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO places VALUES (1, 'SRID=4326;POINT(2.35 48.85)', NULL, "
                     "ARRAY['POINT(0 0)'::extensions.geometry], 'SRID=4326;POINT(1 1)')")
        types = conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                             "'places'::regclass AND attnum > 0 ORDER BY attnum").fetchall()
        base = conn.execute("SELECT format_type(typbasetype, typtypmod) FROM pg_type WHERE typname = 'spot'").fetchone()
        moved = conn.execute("SELECT 'public.moved'::regproc::regprocedure::text, format_type(prorettype, NULL), "
                             "extensions.st_astext(moved(home, 1)) FROM pg_proc, places WHERE proname = 'moved'").fetchone()
    assert types == [("id", "integer"), ("geom", "extensions.geometry(Point,4326)"),
                     ("area", "extensions.geography(Polygon,4326)"), ("shapes", "extensions.geometry[]"),
                     ("home", "spot")] and base == ("extensions.geometry(Point,4326)",)
    assert moved == ("moved(extensions.geometry,double precision)", "extensions.geometry", "POINT(2 1)")
    assert check_drift(str(schema), major_db).differences == ()
    # the model state.json recorded before, with the unqualified spelling, reads as the same types
    from schemac.migrations.state import State, schema_from_json
    from schemac.schemafile.load import load_file

    loaded = load_file(str(schema))
    old = Schema(tuple(replace(t, columns=tuple(replace(c, type=c.type.removeprefix("extensions.")) for c in t.columns))
                       for t in loaded.tables), None, extensions=loaded.extensions, schemas=loaded.schemas,
                 domains=tuple(replace(d, type=d.type.removeprefix("extensions.")) for d in loaded.domains),
                 functions=tuple(replace(f, returns="geometry", arguments=tuple(
                     replace(a, type=a.type.removeprefix("extensions.")) for a in f.arguments)) for f in loaded.functions))
    assert old.tables[0].column("geom").type == "geometry(Point,4326)"
    assert diff(schema_from_json(json.loads(State("", "0_init.sql", old).dumps())), loaded) == []


# The rows each extension configuration table holds that its condition calls the database's own (what pg_dump dumps
# beside the schema): the test's own reading of pg_extension.extconfig / extcondition.
CONFIGURATION_ROWS = """
SELECT n.nspname, c.relname, x.cond FROM pg_extension e,
  ROWS FROM (unnest(e.extconfig), unnest(e.extcondition)) AS x(cfg, cond)
  JOIN pg_class c ON c.oid = x.cfg AND c.relkind = 'r' JOIN pg_namespace n ON n.oid = c.relnamespace
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_rows_of_extension_configuration_tables_are_listed_as_not_managed(major_db, tmp_path):
    """PostGIS topology's CreateTopology and AddTopoGeometryColumn register rows in topology.topology and
    topology.layer (configuration tables of postgis_topology), whose ids the topology's schema and the layer's CHECK
    name; an SRID added goes to spatial_ref_sys. schemac carries no data: a database made from the inspected
    schema.yaml has the topology's tables but not its registration (toTopoGeom: 'No topology with name "t"'). Said
    rather than lost: inspect lists them as not managed; a database with none of its own lists none."""
    _postgis(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis_topology'").fetchone() is None:
            pytest.skip("this server's build has no postgis_topology")
        conn.execute("CREATE EXTENSION postgis; CREATE EXTENSION postgis_topology")
    assert not [u for u in inspect_database(major_db).schema.unmanaged if u.kind == "extension configuration rows"]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("SELECT topology.CreateTopology('t', 4326)")
        conn.execute("CREATE TABLE roads (id int PRIMARY KEY)")
        conn.execute("SELECT topology.AddTopoGeometryColumn('t', 'public', 'roads', 'tg', 'LINE')")
        conn.execute("INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
                     "VALUES (990000, 'local', 990000, '', '+proj=longlat +datum=WGS84 +no_defs')")
        own = sorted(f"{ns}.{t}" for ns, t, cond in conn.execute(CONFIGURATION_ROWS).fetchall()
                     if conn.execute(f'SELECT count(*) FROM "{ns}"."{t}" {cond or ""}').fetchone()[0])
    assert own == ["public.spatial_ref_sys", "topology.layer", "topology.topology"]
    inspected = inspect_database(major_db)
    assert sorted(u.path for u in inspected.schema.unmanaged if u.kind == "extension configuration rows") == own
    assert "#   extension configuration rows (3): public.spatial_ref_sys, topology.layer, topology.topology" \
        in inspected.yaml


def test_postgis_operators_load_and_print_as_written():
    """PostGIS's operators that sqlglot has no token for (pg_get_expr prints them bare when the extension is
    on the search path): a CHECK, index predicate, policy or trigger WHEN holding one loaded as an error
    (`geom @ box` read `@ box` as a parameter). They parse, print as written at Postgres's precedence, and
    compare with the catalog's parenthesized form. pairs/postgis.sql applies them on a server."""
    for op in (*OPERATORS, "@", "~", "&&", "<->", "&<", "&>", "<<", ">>", "@>", "<@"):
        text = f"geom {op} st_makeenvelope(0, 0, 1, 1, 4326)"
        assert parse_expression(text).sql(dialect=RENDER) == text, op
        assert normal_form(f"(({text}))") == normal_form(text) != normal_form(text.replace("0, 0", "0, 1")), op
    assert parse_expression("geom <#> p < 100 AND a + b ~= c").sql(dialect=RENDER) == "geom <#> p < 100 AND a + b ~= c"
    assert normal_form("((geom <#> p) < (100)::double precision)") == normal_form("(geom <#> p) < CAST(100 AS DOUBLE PRECISION)")


def test_views_of_unknown_forms_are_ordered_and_rebuilt_by_what_their_queries_name():
    """A view the throwaway server could not build has no `depends`: what its query names stands in (OPERATOR()
    and bare PostGIS operators included; `*` reads every column), so a view over it is created after it and
    both are dropped and created again around a column retyped under them (Postgres refuses ALTER TYPE under a
    view). pairs/postgis.sql and test_srid_change_... apply such plans on a server."""
    def schema(geom_type: str) -> Schema:
        table = Table(name="places", columns=(Column("id", "integer"), Column("geom", geom_type)))
        views = (View(name="place_all", query="SELECT * FROM places WHERE id ~= id"),
                 View(name="place_ids", query="SELECT p.id FROM place_all p WHERE p.geom OPERATOR(extensions.&&) p.geom"),
                 View(name="unrelated", query="SELECT 1 AS one"))
        return Schema(tables=(table,), views=views)

    created = [(c.kind, c.name) for c in diff(Schema(), schema("geometry(Point,4326)")) if c.kind == "add_view"]
    assert created.index(("add_view", "place_all")) < created.index(("add_view", "place_ids"))
    changes = diff(schema("geometry(Point,4326)"), schema("geometry"))
    rebuilt = sorted(c.name for c in changes if c.kind == "drop_view")
    assert rebuilt == ["place_all", "place_ids"], [(c.kind, c.name) for c in changes]


def test_a_column_renamed_under_a_deparsed_view_that_schema_yaml_has_as_written_is_renamed_in_it():
    """`diff --sql` against a database (its view deparsed, with columns) where schema.yaml's view reads PostGIS, which
    the throwaway server lacks (known by its query as written only): the column renamed under it, which the view's
    output column follows, is renamed in the view too (ALTER VIEW ... RENAME COLUMN), its columns read from the
    query; it was dropped and made again. pairs/postgis.sql's gis-column-renamed-under-views-compared-as-written
    applies the generate side on a server."""
    deparse = ("SELECT points.cartodb_id,\n    points.name\n   FROM points\n  WHERE points.geom && "
               "st_makeenvelope(0::double precision, 0::double precision, 1::double precision, 1::double precision)")
    reads = (Dependency("relation", "public", "points"), *(Dependency("column", "public", "points", c, t)
             for c, t in (("cartodb_id", "integer"), ("name", "text"), ("geom", "geometry"))))
    current = Schema(tables=(Table(name="points", columns=(Column("cartodb_id", "integer"), Column("name", "text"),
                                                           Column("geom", "geometry"))),),
                     views=(View(name="points_tiles", query=deparse, definition=deparse, depends=reads,
                                 output=(ViewColumn("cartodb_id", "integer"), ViewColumn("name", "text"))),))
    desired = Schema(tables=(Table(name="points", columns=(Column("cartodb_id", "integer"),
                                                           Column("label", "text", renamed_from="name"),
                                                           Column("geom", "geometry"))),),
                     views=(View(name="points_tiles", query=deparse.replace("points.name", "points.label")),))
    assert [(c.kind, c.name, c.column_renames) for c in diff(current, desired)] == [
        ("rename_column", "label", (("name", "label"),)), ("rename_view_column", "points_tiles", (("name", "label"),))]


def test_an_extension_is_created_after_those_it_requires():
    """pgrouting requires postgis and sorts before it: CREATE EXTENSION pgrouting ran first and failed
    ('required extension "postgis" is not installed'); dropped, it goes first. pairs/postgis.sql applies it
    where the build has pgrouting."""
    both = Schema(extensions=(Extension("pgrouting"), Extension("postgis_tiger_geocoder"), Extension("postgis"),
                              Extension("fuzzystrmatch")))
    made = [c.new.name for c in ordered(diff(Schema(), both))]
    assert made.index("postgis") < made.index("pgrouting") and made.index("postgis") < made.index("postgis_tiger_geocoder")
    assert made.index("fuzzystrmatch") < made.index("postgis_tiger_geocoder")
    dropped = [c.old.name for c in ordered(diff(both, Schema()))]
    assert dropped.index("pgrouting") < dropped.index("postgis")


ENFORCED = ("extensions: [postgis]\ntables:\n  core_path:\n    columns:\n      id: {{type: integer, primary_key: true}}\n"
            "      geom: {type}\n{checks}")
_CHECKS = {"dims": "st_ndims(geom) = 2", "geotype": "geometrytype(geom) = 'LINESTRING'::text OR geom IS NULL",
           "srid": "st_srid(geom) = 2154"}


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
@pytest.mark.parametrize("checks, target", [
    (_CHECKS, "geometry(LineString,2154)"),
    ({k: v for k, v in _CHECKS.items() if k != "dims"}, None),
    (_CHECKS, "geometry(MultiLineString,2154)"),
    ({**_CHECKS, "srid": {"expression": _CHECKS["srid"], "not_valid": True}}, None),
], ids=["proven", "dimensions-open", "another-shape", "srid-not-valid"])
def test_a_typmod_that_postgis_1x_checks_prove_is_no_destructive_change(major_db, tmp_path, checks, target):
    """A plain geometry column typed by PostGIS 1.x's enforce_dims_, enforce_geotype_ and enforce_srid_ CHECKs (probe49a,
    Geotrek) given the typmod they prove, geometry(LineString,2154), the CHECKs dropped: no value can be rejected,
    so generate writes it without --allow-destructive, saying which CHECKs prove it; where they prove less (the
    dimensions left open, another shape, a CHECK NOT VALID, whose rows were never checked) it is refused as before."""
    from sqlx_project import generated_and_applied

    _postgis(major_db)
    listed = "    checks:\n" + "".join(f"      enforce_{k}_geom: {json.dumps(v)}\n" for k, v in checks.items())
    generated_and_applied(tmp_path, major_db, ENFORCED.format(type="geometry", checks=listed))
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("INSERT INTO core_path VALUES (1, 'SRID=2154;LINESTRING(700000 6600000,700100 6600000)'), (2, NULL)")
    to = target or "geometry(LineString,2154)"
    (tmp_path / "schema.yaml").write_text(ENFORCED.format(type=f"'{to}'", checks=""), encoding="utf-8")
    result = generate(str(tmp_path / "schema.yaml"), str(tmp_path / "generated"), name="typmod")
    if to != "geometry(LineString,2154)" or target is None:
        assert result.status == "refused" and f"from geometry to {to}" in result.message, result.message
        return
    assert result.status == "written", result.message
    assert "/* every row fits geometry(LineString,2154): the CHECKs enforce_dims_geom, enforce_geotype_geom, " \
           "enforce_srid_geom prove it */" in result.sql, result.sql
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations()[1:], record=False)
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'core_path'::regclass AND attname = 'geom'").fetchone() == ("geometry(LineString,2154)",)
        assert conn.execute("SELECT id, st_astext(geom) FROM core_path ORDER BY id").fetchall() == \
            [(1, "LINESTRING(700000 6600000,700100 6600000)"), (2, None)]
    assert check_drift(str(tmp_path / "schema.yaml"), major_db).differences == ()


COMPOSITES = """
CREATE EXTENSION postgis;
CREATE DOMAIN geom_local AS geometry(Geometry,2154);
CREATE TYPE place AS (name text, g geom_local);
CREATE TYPE site AS (label text, at place);
CREATE TABLE t_sites (id int PRIMARY KEY, p place, s site[]);
INSERT INTO t_sites VALUES (1, ROW('a', 'SRID=2154;POINT(1 2)'), NULL),
  (2, NULL, ARRAY[ROW('b', ROW('c', 'SRID=2154;POINT(3 4)'))]::site[]), (3, ROW('d', NULL), ARRAY[NULL]::site[]);
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_composites_attribute_of_a_domain_made_again_over_another_srid_is_guarded(major_db, tmp_path):
    """A domain over geometry(Geometry,2154) made over geometry(Geometry,3857) under a composite type's attribute (and
    a nested composite's, in an array column): the types are made again and the columns retyped through text, whose
    cast PostGIS refuses for every value of the old SRID ('Geometry SRID (2154) does not match column SRID (3857)',
    the migration failing on its ALTER before). Now generate warns, naming the column, the attribute and its domain,
    and the migration looks at the rows first (plan.held_values, as for a column of the domain), raising with the same
    names where a row holds a value in the attribute, nothing done; over NULLs in it alone it applies, diff clean."""
    _postgis(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(COMPOSITES)
    schema, out, result = retyped_schema(major_db, tmp_path, "geometry(Geometry,2154)", "geometry(Geometry,3857)")
    for column, path in (("p", "g"), ("s", "at.g")):
        said = [n for n in result.notices if f"column public.t_sites.{column}: its composite type's attribute {path} is "
                f"of domain public.geom_local created again over geometry(Geometry,3857)" in n]
        assert len(said) == 1, result.notices
    failures = refusals_until_applied(major_db, out, ("UPDATE t_sites SET p = ROW((p).name, NULL) WHERE p IS NOT NULL",
                                                      "UPDATE t_sites SET s = NULL"))
    assert "column public.t_sites.p is retyped to place (composite type public.place made again): its attribute g of domain " \
        "public.geom_local created again over geometry(Geometry,3857) (was geometry(Geometry,2154))" in failures[0], failures
    assert "column public.t_sites.s is retyped to site[] (composite type public.site made again): its attribute at.g of " \
        "domain public.geom_local" in failures[1] and "SRID 2154 to 3857" in failures[1], failures
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT id, (p).name, (s[1]).label FROM t_sites ORDER BY id").fetchall() == \
            [(1, "a", None), (2, None, None), (3, "d", None)]
    drift = check_drift(str(schema), major_db)
    assert drift.differences == (), drift.render("text")
