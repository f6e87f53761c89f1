"""Modifiers of a type that is not PostgreSQL's own, as ``format_type()`` prints them: the type's own
typmod output function decides, so they are kept as written, with what the common extensions'
functions print spelled their way (PostGIS's geometry types in their mixed case, geography's default
SRID 4326). A changed modifier (an SRID, a dimension) is then a changed type."""

from __future__ import annotations

import re

# PostGIS's geometry type names as its typmod output prints them (postgis/lwgeom: lwtype_name).
_POSTGIS_TYPES = {n.lower(): n for n in (
    "Geometry", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
    "GeometryCollection", "CircularString", "CompoundCurve", "CurvePolygon", "MultiCurve", "MultiSurface",
    "PolyhedralSurface", "Triangle", "Tin")}
_POSTGIS_SHAPE = re.compile(r"^([a-z]+?)(zm|z|m)?$")
_MODIFIER = re.compile(r"^[-+]?\d+$|^[A-Za-z_][A-Za-z0-9_]*$")


class ModifierError(ValueError):
    """A modifier that is neither a number nor a word."""


def _postgis_shape(word: str) -> str:
    m = _POSTGIS_SHAPE.match(word.lower())
    if m is None or m.group(1) not in _POSTGIS_TYPES:
        return word  # PostGIS itself refuses it: let the server say so
    return _POSTGIS_TYPES[m.group(1)] + (m.group(2) or "").upper()


def is_postgis_shape(word: str) -> bool:
    """`Point`, `pointzm`, `GEOMETRY`: a shape PostGIS's geometry types take as their first modifier."""
    m = _POSTGIS_SHAPE.match(word.lower())
    return m is not None and m.group(1) in _POSTGIS_TYPES


def modifiers_text(type_name: str, modifiers: list[str]) -> str:
    """`(LineString,4326)`: the modifiers of user type `type_name` (unqualified, lower case) as
    format_type() prints them."""
    mods = [m.strip() for m in modifiers]
    bad = next((m for m in mods if not _MODIFIER.match(m)), None)
    if bad is not None:
        raise ModifierError(f"a type modifier must be a number or a word, not '{bad}'")
    if type_name in ("geometry", "geography") and mods and not mods[0].lstrip("+-").isdigit():
        mods[0] = _postgis_shape(mods[0])
        if len(mods) == 2 and mods[1].lstrip("+-").isdigit() and int(mods[1]) <= 0:
            mods.pop()  # SRID 0 (unknown; -1 is PostGIS 1's spelling of it) is not printed
        if type_name == "geography" and len(mods) == 1:
            mods.append("4326")  # geography's SRID when none is given; format_type prints it
        if mods == ["Geometry"]:
            return ""  # any shape, any SRID: no modifiers at all (format_type prints plain `geometry`)
    return "(" + ",".join(mods) + ")"
