"""A plain `geometry` column given the modifiers its CHECKs already prove: PostGIS 1.x's AddGeometryColumn typed a
column by CHECKs (`enforce_srid_geom CHECK (st_srid(geom) = 2154)`, `enforce_geotype_geom CHECK
(geometrytype(geom) = 'LINESTRING'::text OR geom IS NULL)`, `enforce_dims_geom CHECK (st_ndims(geom) = 2)`), which
Geotrek and others replace by `geometry(LineString,2154)`. A typmod added to a plain column may reject a value
(pg.postgis.fits: MAYBE, so plan.hazards counts it destructive), but not where validated, enforced CHECKs of the
current table say each value has the SRID, shape and dimensions it asks for: Postgres guarantees every row passes
them (NULL too, as the typmod takes it). Only those three forms are read (pg_get_constraintdef's spelling or the
user's, srid() and ndims() of PostGIS 1.x too, the functions qualified or not); any other CHECK proves nothing."""

from __future__ import annotations

import re
from typing import Optional

from schemac.model import Table
from schemac.pg.names import quote_ident

_FN = r"\(*\s*(?:(?:[a-z_][a-z0-9_$]*|\"[^\"]+\")\.)?"  # (a function's schema, extensions.st_srid)
# geometrytype()'s names -> the typmod's, as format_type prints them (an 'M' after one: measured, without Z)
_SHAPES = {n.upper(): n for n in ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
                                  "GeometryCollection", "CircularString", "CompoundCurve", "CurvePolygon", "MultiCurve",
                                  "MultiSurface", "PolyhedralSurface", "Triangle", "Tin")}


def _forms(column: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The SRID, dimensions and shape CHECK forms over `column` (its name bare where it may be, or quoted)."""
    c = rf"\(*\s*(?:{re.escape(column)}|{re.escape(quote_ident(column))})\s*\)*"
    null = rf"(?:\s+or\s+\(*\s*{c}\s+is\s+null\s*\)*)?"
    return (re.compile(rf"^{_FN}(?:st_)?srid\({c}\)\s*=\s*(\d+)\s*\)*$", re.I),
            re.compile(rf"^{_FN}(?:st_)?ndims\({c}\)\s*=\s*([234])\s*\)*$", re.I),
            re.compile(rf"^\(*{_FN}geometrytype\({c}\)\s*=\s*'([a-z]+)'(?:::text)?\s*\)*{null}\s*\)*$", re.I))


def proven_type(table: Table, column: str) -> tuple[Optional[str], tuple[str, ...]]:
    """The geometry type that `table`'s validated, enforced CHECKs over `column` prove each value is of
    (`geometry(LineString,2154)`; a shape or SRID they leave open: `Geometry`, 0), and their names; (None, ())
    where none proves the dimensions, which every typmod fixes (XY where it names none)."""
    srid_form, dims_form, shape_form = _forms(column)
    srid, dims, shape, measured, names = 0, None, "Geometry", False, []
    for check in table.checks:
        if check.not_valid or not check.enforced or check.no_inherit:  # (rows unchecked, or a child's not)
            continue
        text = " ".join(check.expression.split())
        if (m := srid_form.match(text)) is not None:
            srid = int(m.group(1))
        elif (m := dims_form.match(text)) is not None:
            dims = int(m.group(1))
        elif (m := shape_form.match(text)) is not None and (m.group(1).upper() in _SHAPES or
                                                             m.group(1).upper()[:-1] in _SHAPES):
            said = m.group(1).upper()
            measured = said not in _SHAPES
            shape = _SHAPES[said[:-1] if measured else said]
        else:
            continue
        names.append(check.name)
    if dims is None:  # (the dimensions left open: every typmod fixes them, XY where it names none)
        return None, ()
    mark = {2: "", 3: "M" if measured else "Z", 4: "ZM"}[dims]
    return f"geometry({shape}{mark},{srid})", tuple(names)

