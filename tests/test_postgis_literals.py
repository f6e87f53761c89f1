"""PostGIS constants written as (E)WKT in schema.yaml (issue 13): Postgres parses a string cast to geometry or
geography when it stores a default, a CHECK or a view's query, and prints it back as hex EWKB, so the text
schema.yaml holds and the database's differ; compare.typed_literals spells the (E)WKT as that print (pg.ewkb).
And the casts to box2d/box3d Postgres adds to a geometry passed where PostGIS takes a box (compare.implicit_casts).
Each test needs the postgis extension: Debian's 15 here; it skips where the build has none."""

from __future__ import annotations

import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.compare.normalize import normal_form
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

# (text, type): every simple-features kind, Z / M / ZM written or implied, EMPTY ones, SRIDs, a geography's 4326
SPELLINGS = [
    ("SRID=25831;POINT(0 0)", "geometry"), ("point (1.5 -2.25)", "geometry"), ("POINT Z (1 2 3)", "geometry"),
    ("POINTZ(1 2 3)", "geometry"), ("POINT(1 2 3)", "geometry"), ("POINT M (1 2 4)", "geometry"),
    ("POINT ZM (1 2 3 4)", "geometry"), ("POINT EMPTY", "geometry"), ("SRID=4326;LINESTRING(0 0,1 1,2 0)", "geometry"),
    ("LINESTRING EMPTY", "geometry"), ("SRID=2056;POLYGON((0 0,0 1,1 1,0 0),(0.1 0.1,0.1 0.2,0.2 0.2,0.1 0.1))", "geometry"),
    ("MULTIPOINT(0 0,1 1)", "geometry"), ("MULTIPOINT Z ((0 0 1),(1 1 2))", "geometry"),
    ("MULTILINESTRING((0 0,1 1),(2 2,3 3))", "geometry"), ("SRID=25831;MULTIPOLYGON(((0 0,0 9,9 9,9 0,0 0)))", "geometry"),
    ("SRID=4326;GEOMETRYCOLLECTION Z (POINT Z (1 2 3),LINESTRING Z (0 0 0,1 1 1))", "geometry"),
    ("GEOMETRYCOLLECTION EMPTY", "geometry"), ("SRID=0;POINT(1e3 2.5E-2)", "geometry"),
    ("0101000020e764000000000000000000000000000000000000", "geometry"),
    ("POINT(2.35 48.85)", "geography"), ("SRID=4326;LINESTRING(0 0,1 1)", "geography"),
    # left as written (Postgres's print decides, so these still compare unequal): a curve, a wrapped geography
    ("CIRCULARSTRING(0 0,1 1,2 0)", "geometry"), ("POINT(1000 0)", "geography"),
]


def _built(url: str, text: str, tmp_path) -> str:
    """schema.yaml of `text` generated and its migration applied to `url` (which gets PostGIS first): its path."""
    _postgis(url)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out, name="create").status == "written"
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations(), record=False)
    return str(schema)


def _postgis(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone() is None:
            pytest.skip("this server's build has no PostGIS")
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_wkt_constants_read_as_postgis_prints_them(major_db):
    """The oracle is the server: `'<text>'::geometry::text`. A cast of the (E)WKT and a cast of what PostGIS
    prints of it have one normal form, but for the two kinds left as written."""
    _postgis(major_db)
    with psycopg.connect(major_db, autocommit=True) as conn:
        for text, kind in SPELLINGS:
            server = conn.execute(f"SELECT %s::{kind}::text", (text,)).fetchone()[0]
            same = normal_form(f"'{text}'::{kind}") == normal_form(f"'{server}'::{kind}")
            assert same is (text not in ("CIRCULARSTRING(0 0,1 1,2 0)", "POINT(1000 0)")), (text, kind, server)


SCHEMA = """extensions:
  - {name: postgis, schema: public}
tables:
  arc:
    columns:
      id: {type: integer, primary_key: true}
      the_geom: geometry(LineString,25831)
      origin: {type: "geometry(Point,25831)", default: "'SRID=25831;POINT(0 0)'::geometry"}
      spot: {type: geography, default: "'POINT(2.35 48.85)'::public.geography"}
    checks:
      arc_in_area: "st_within(the_geom, 'SRID=25831;POLYGON((0 0,0 100,100 100,100 0,0 0))'::geometry)"
views:
  arc_near_origin:
    query: select id from arc where st_dwithin(the_geom, 'SRID=25831;POINT(0 0)'::geometry, 10)
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_hand_written_schema_with_wkt_constants_leaves_no_drift(major_db, tmp_path):
    """schema.yaml as a person writes it, (E)WKT in a default, a CHECK and a view: the database its migration
    builds holds them as hex EWKB (read in pg_attrdef and pg_constraint), and `diff` finds nothing."""
    schema = _built(major_db, SCHEMA, tmp_path)
    with psycopg.connect(major_db, autocommit=True) as conn:
        stored = conn.execute(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'arc'::regclass ORDER BY adnum").fetchall()
        check = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'arc_in_area'").fetchone()
    assert stored == [("'0101000020E764000000000000000000000000000000000000'::geometry",),
                      ("'0101000020E6100000CDCCCCCCCCCC0240CDCCCCCCCC6C4840'::geography",)], stored
    assert "'0103000020E7640000" in check[0], check
    drift = check_drift(schema, major_db)
    assert drift.differences == (), drift.render("text")


UNCAST = """extensions: [{name: postgis, schema: public}]
tables:
  pipe:
    columns: {id: {type: integer, primary_key: true}, route: 'geometry(LineString,2056)'}
    checks: {pipe_in_canton: "st_within(route, 'SRID=2056;POLYGON((0 0,0 50,50 50,50 0,0 0))')"}
views:
  pipe_near_zero: {query: "select id from pipe where st_dwithin(route, 'SRID=2056;POINT(0 0)', 5)"}
  pipe_in_square: {query: "select id from pipe where route && 'SRID=2056;POLYGON((0 0,0 9,9 9,9 0,0 0))'"}
  pipe_parsed: {query: "select id, st_geomfromewkt('SRID=2056;POINT(1 2)') as at from pipe"}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_uncast_wkt_in_a_geometry_argument_leaves_no_drift(major_db, tmp_path):
    """(E)WKT written with no cast where PostGIS takes a geometry (a function's argument, `&&`'s operand, in a view
    and a CHECK): Postgres resolves the literal to geometry and stores hex EWKB (read in pg_get_viewdef and
    pg_constraint), while a text argument (st_geomfromewkt's) keeps the string; `diff` finds nothing."""
    schema = _built(major_db, UNCAST, tmp_path)
    with psycopg.connect(major_db, autocommit=True) as conn:
        near, square, parsed = (conn.execute(f"SELECT pg_get_viewdef('{v}'::regclass)").fetchone()[0]
                                for v in ("pipe_near_zero", "pipe_in_square", "pipe_parsed"))
        check = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'pipe_in_canton'").fetchone()
    assert "'01010000200808000000000000000000000000000000000000'::geometry" in near, near
    assert "'0103000020080800000100000005000000" in square and "::geometry" in square, square
    assert "'0103000020080800000100000005000000" in check[0], check
    assert "'SRID=2056;POINT(1 2)'::text" in parsed, parsed
    drift = check_drift(schema, major_db)
    assert drift.differences == (), drift.render("text")
    # (a string of hex digits is no geometry: its case still tells two texts apart)
    assert normal_form("x = 'ab'") != normal_form("x = 'AB'")


BOXES = """extensions: [{name: postgis, schema: public}]
tables:
  tile_src:
    columns: {id: {type: integer, primary_key: true}, g: 'geometry(Polygon,3857)'}
    checks: {tile_src_west: st_xmin(g) > -20037508}
views:
  tile_layer:
    query: >-
      select id, st_asmvtgeom(g, st_tileenvelope(2, 1, 1), extent => 4096, buffer => 64) as geom,
      st_ymax(st_expand(g, 10)) as top from tile_src
  tile_bounds: {query: "select st_xmax(st_extent(g)) as east, st_asmvtgeom(st_union(g), st_makeenvelope(0, 0, 9, 9, 3857)) as u from tile_src"}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_geometry_where_postgis_takes_a_box_leaves_no_drift(major_db, tmp_path):
    """pg_tileserv's shape written by hand, `st_asmvtgeom(g, st_tileenvelope(z, x, y))`, `st_xmin(g)`,
    `st_xmax(st_extent(g))`: Postgres stores the implicit casts to box2d and box3d (read in pg_get_viewdef and
    pg_constraint), and `diff` finds nothing."""
    schema = _built(major_db, BOXES, tmp_path)
    with psycopg.connect(major_db, autocommit=True) as conn:
        layer, bounds = (conn.execute(f"SELECT pg_get_viewdef('{v}'::regclass)").fetchone()[0] for v in ("tile_layer", "tile_bounds"))
        check = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'tile_src_west'").fetchone()[0]
    assert "(st_tileenvelope(2, 1, 1))::box2d" in layer and "(st_expand(tile_src.g, (10)::double precision))::box3d" in layer, layer
    assert "(st_extent(tile_src.g))::box3d" in bounds and "::box2d" in bounds, bounds
    assert "st_xmin((g)::box3d)" in check, check
    drift = check_drift(schema, major_db)
    assert drift.differences == (), drift.render("text")


OWN_TYPE = """extensions: [{name: postgis, schema: public}]
tables:
  hydrant:
    columns: {id: {type: integer, primary_key: true}, label: 'varchar(20)', geometry: 'geometry(PointZ,21781)'}
views:
  hydrant_view:
    query: >-
      select h.id::integer as id, h.label::varchar(20) as label, h.geometry::geometry(PointZ, 21781) as geometry,
      st_force2d(h.geometry)::geometry(Point,21781) as flat from hydrant h
  hydrant_wide: {query: "select geometry::geometry(PointZ,21781) as geometry, label::varchar(30) as wide from hydrant"}
  hydrant_over: {query: "select v.id, v.geometry::geometry(PointZ,21781) as geometry from hydrant_view v"}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_column_cast_to_its_own_type_in_a_view_leaves_no_drift(major_db, tmp_path):
    """QWAT's views written by hand, `h.geometry::geometry(PointZ,21781)` of a geometry(PointZ,21781) column (and
    `id::integer`, `label::varchar(20)` of their own types; and a view's column cast so in a view over it): Postgres drops such a cast (read in pg_get_viewdef) and
    keeps one to another typmod; the view's deparse unknown (no PostGIS in the throwaway server), `diff` compares the
    queries as written and finds nothing, yet still sees a cast to another SRID written in its place."""
    schema = _built(major_db, OWN_TYPE, tmp_path)
    with psycopg.connect(major_db, autocommit=True) as conn:
        view, wide, over = (conn.execute(f"SELECT pg_get_viewdef('{v}'::regclass)").fetchone()[0]
                            for v in ("hydrant_view", "hydrant_wide", "hydrant_over"))
    assert "::integer" not in view and "::character varying" not in view and "PointZ" not in view, view
    assert "::geometry(Point,21781)" in view, view
    assert "PointZ" not in wide and "::character varying(30)" in wide, wide
    assert "PointZ" not in over, over  # (a view's column of that type: schema.yaml's view query tells it)
    drift = check_drift(schema, major_db)
    assert drift.differences == (), drift.render("text")
    with open(schema, "r+", encoding="utf-8") as f:
        text = f.read().replace("geometry::geometry(PointZ,21781) as geometry, label", "geometry::geometry(PointZ,2056) as geometry, label")
        f.seek(0), f.truncate(), f.write(text)
    assert len(check_drift(schema, major_db).differences) == 1


TYPE_CALLS = """extensions: [{name: postgis, schema: public}]
tables:
  marker:
    columns:
      id: {type: integer, primary_key: true}
      at: {type: geometry, default: "geometry('POINT(0 0)')"}
      seen: {type: geography, default: "geography('SRID=4326;POINT(1 1)')"}
      frame: {type: box2d, default: "box2d('BOX(0 0,1 1)')"}
      span: {type: int4range, default: "int4range('[1,5)')"}
      anchor: {type: point, default: "point('(1,2)')"}
      edge: {type: box3d, default: "public.box3d('BOX3D(0 0 0,1 1 1)')"}
      near: {type: geography, generated: geography(at)}
    checks:
      marker_moved: NOT st_equals(at, geometry('POINT(9 9)'))
    indexes:
      marker_in_tile:
        columns: [at]
        method: gist
        where: st_intersects(at, geometry('POLYGON((0 0,0 1,1 1,0 0))'))
views:
  marker_framed: {query: "select id from marker where st_contains(geometry('SRID=0;POLYGON((0 0,0 5,5 5,0 0))'), at)"}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_type_called_on_a_literal_leaves_no_drift(major_db, tmp_path):
    """`geometry('POINT(0 0)')`, `box2d('BOX(0 0,1 1)')`, `int4range('[1,5)')` written by hand in defaults, a CHECK, an
    index's WHERE and a view: Postgres reads a type's name called on a string literal as the literal's cast and
    stores `'<hex>'::geometry`, `'BOX(0 0,1 1)'::box2d` (read in pg_attrdef, pg_constraint, pg_index, pg_get_viewdef),
    while `geography(at)` of a geometry column stays PostGIS's cast function, called; `diff` finds nothing."""
    schema = _built(major_db, TYPE_CALLS, tmp_path)
    with psycopg.connect(major_db, autocommit=True) as conn:
        stored = conn.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'marker'::regclass "
                              "ORDER BY adnum").fetchall()
        check = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'marker_moved'").fetchone()[0]
        where = conn.execute("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'marker_in_tile'::regclass").fetchone()[0]
        view = conn.execute("SELECT pg_get_viewdef('marker_framed'::regclass)").fetchone()[0]
    assert stored == [("'010100000000000000000000000000000000000000'::geometry",),
                      ("'0101000020E6100000000000000000F03F000000000000F03F'::geography",), ("'BOX(0 0,1 1)'::box2d",),
                      ("'[1,5)'::int4range",), ("'(1,2)'::point",), ("'BOX3D(0 0 0,1 1 1)'::box3d",),
                      ("geography(at)",)], stored
    assert "'010100000000000000000022400000000000002240'::geometry" in check, check
    assert "'0103000000010000000400000000000000" in where and "::geometry" in where, where
    assert "'0103000000010000000400000000000000" in view and "::geometry" in view, view
    drift = check_drift(schema, major_db)
    assert drift.differences == (), drift.render("text")
    # (a call of a function that names no type keeps its name: it is no cast; one of the schema's own taking text named
    # as an extension's type, stored `semver('1.0.0'::text)`, reads as written)
    assert normal_form("upper('x')") != normal_form("'x'")
    assert normal_form("semver('1.0.0')") == normal_form("semver('1.0.0'::text)")
    assert normal_form("pg_catalog.int4('5')") == normal_form("5")  # (qualified: read bare first)
