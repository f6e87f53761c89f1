"""A PostGIS geometry or geography constant as Postgres prints it: a string cast to one is parsed when the expression
is stored (a default, a CHECK, a view's query), and pg_get_expr prints the stored value by the type's output
function, hex EWKB (`'SRID=4326;POINT(1 2)'::geometry` reads back `'0101000020E6100000...'::geometry`). So that a
schema.yaml written with (E)WKT compares equal to the database it built, compare.typed_literals spells such a
string here as that hex. Only the OGC simple features (points, lines, polygons, their multis and collections,
with Z, M or ZM, and EMPTY ones) are known; anything else (curves, TINs, a malformed text, a geography's point out of
longitude -180..180 or latitude -90..90, which geography wraps) stays as written (None)."""

from __future__ import annotations

import re
import struct
from typing import Optional

_KINDS = {"POINT": 1, "LINESTRING": 2, "POLYGON": 3, "MULTIPOINT": 4, "MULTILINESTRING": 5, "MULTIPOLYGON": 6,
          "GEOMETRYCOLLECTION": 7}
_Z, _M, _SRID = 0x80000000, 0x40000000, 0x20000000
_GEOGRAPHY_SRID = 4326  # (a geography given no SRID is in WGS 84: its print carries 4326)
_TOKEN = re.compile(r"\s*([A-Za-z]+|\(|\)|,|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
_EWKT = re.compile(r"\s*(?:SRID\s*=\s*(-?\d+)\s*;)?(.*)", re.S | re.I)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_TAGGED = re.compile(r"\s*(?:SRID\s*=\s*-?\d+\s*;\s*)?(?:POINT|LINESTRING|POLYGON|MULTI|GEOMETRYCOLLECTION)", re.I)


class _Unknown(Exception):
    """A text this module does not spell (Postgres's own print decides)."""


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens, at = [], 0
        while at < len(text):
            m = _TOKEN.match(text, at)
            if m is None:
                if text[at:].strip():
                    raise _Unknown(text)
                break
            self.tokens.append(m[1])
            at = m.end()
        self.at = 0

    def peek(self) -> Optional[str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: Optional[str] = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token.upper() != expected):
            raise _Unknown(expected)
        self.at += 1
        return token


def _dims(reader: _Reader) -> Optional[str]:
    """The Z, M or ZM after a kind's name, if written."""
    token = (reader.peek() or "").upper()
    if token in ("Z", "M", "ZM"):
        reader.take()
        return token
    return None


def _point(reader: _Reader) -> list[float]:
    values = []
    while (token := reader.peek()) not in (",", ")", None):
        values.append(float(reader.take()))
    if not 2 <= len(values) <= 4:
        raise _Unknown(values)
    return values


def _list(reader: _Reader, item) -> Optional[list]:
    """`( item, item ... )`, or None for EMPTY."""
    if (reader.peek() or "").upper() == "EMPTY":
        reader.take()
        return None
    reader.take("(")
    items = [item(reader)]
    while reader.peek() == ",":
        reader.take()
        items.append(item(reader))
    reader.take(")")
    return items


def _multipoint_member(reader: _Reader) -> list[float]:
    if reader.peek() == "(":  # (`MULTIPOINT((0 0),(1 1))` and `MULTIPOINT(0 0,1 1)` alike)
        reader.take()
        point = _point(reader)
        reader.take(")")
        return point
    return _point(reader)


def _geometry(reader: _Reader, dims: Optional[str]) -> tuple:
    """(kind, dims, body) of the next tagged geometry; a member's dims are its collection's unless it says."""
    name = reader.take().upper()
    for suffix in ("ZM", "Z", "M"):  # (`POINTZ(...)` as `POINT Z (...)`)
        if name not in _KINDS and name.endswith(suffix) and name[:-len(suffix)] in _KINDS:
            name, dims = name[:-len(suffix)], suffix
    if name not in _KINDS:
        raise _Unknown(name)
    dims = _dims(reader) or dims
    if name == "POINT":
        body = _list(reader, _point)
        if body is None:  # (PostGIS writes an empty point as NaN coordinates)
            body = [[float("nan")] * (2 + len(dims or ""))]
    elif name == "LINESTRING":
        body = _list(reader, _point)
    elif name == "POLYGON":
        body = _list(reader, lambda r: _list(r, _point))
    elif name == "MULTIPOINT":
        body = _list(reader, _multipoint_member)
    elif name == "MULTILINESTRING":
        body = _list(reader, lambda r: _list(r, _point))
    elif name == "MULTIPOLYGON":
        body = _list(reader, lambda r: _list(r, lambda s: _list(s, _point)))
    else:
        body = _list(reader, lambda r: _geometry(r, dims))
    return name, dims, body


def _width(kind: str, body) -> int:
    """The coordinates a point has where no Z or M is written: the first point's."""
    if body is None:
        return 2
    if kind == "POINT":
        return len(body[0])
    first = body[0]
    while isinstance(first, list) and first and isinstance(first[0], list):
        first = first[0]
    if kind == "GEOMETRYCOLLECTION":
        return _width(first[0], first[2])
    return len(first)


def _encode(kind: str, dims: Optional[str], body, srid: Optional[int], out: bytearray) -> None:
    if dims is None:
        dims = {2: "", 3: "Z", 4: "ZM"}[_width(kind, body)]
    size = 2 + len(dims)
    flags = (_Z if "Z" in dims else 0) | (_M if "M" in dims else 0) | (_SRID if srid is not None else 0)
    out += struct.pack("<BI", 1, _KINDS[kind] | flags)
    if srid is not None:
        out += struct.pack("<I", srid & 0xFFFFFFFF)

    def points(values: list) -> None:
        out.extend(struct.pack("<I", len(values)))
        for p in values:
            if len(p) != size:
                raise _Unknown(p)
            out.extend(struct.pack(f"<{size}d", *p))

    if kind == "POINT":
        if len(body[0]) != size:
            raise _Unknown(body)
        out += struct.pack(f"<{size}d", *body[0])
    elif body is None:
        out += struct.pack("<I", 0)
    elif kind == "LINESTRING":
        points(body)
    elif kind == "POLYGON":
        out += struct.pack("<I", len(body))
        for ring in body:
            points(ring or [])
    else:
        out += struct.pack("<I", len(body))
        for member in body:
            if kind == "GEOMETRYCOLLECTION":
                _encode(member[0], member[1] if member[1] is not None else dims, member[2], None, out)
            else:
                sub = {"MULTIPOINT": "POINT", "MULTILINESTRING": "LINESTRING", "MULTIPOLYGON": "POLYGON"}[kind]
                _encode(sub, dims, [member] if sub == "POINT" else member, None, out)


def _coordinates(kind: str, body) -> list:
    if body is None:
        return []
    if kind == "GEOMETRYCOLLECTION":
        return [p for member in body for p in _coordinates(member[0], member[2])]
    flat, stack = [], [body]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], list):
            stack.extend(item)
        elif item:
            flat.append(item)
    return flat


def printed(text: str, geography: bool = False) -> Optional[str]:
    """How Postgres prints the geometry (or geography) `text` spells, in (E)WKT or hex EWKB; None where this
    module does not know it (above) or it is that print already."""
    if _HEX.fullmatch(text.strip()):
        upper = text.strip().upper()
        return upper if upper != text else None
    m = _EWKT.fullmatch(text)
    try:
        srid = int(m[1]) if m[1] is not None else None
        reader = _Reader(m[2])
        kind, dims, body = _geometry(reader, None)
        if reader.peek() is not None:
            raise _Unknown(reader.peek())
        if geography and not srid:
            srid = _GEOGRAPHY_SRID
        if geography and any(abs(p[0]) > 180 or abs(p[1]) > 90 for p in _coordinates(kind, body)):
            return None
        out = bytearray()
        _encode(kind, dims, body, srid or None, out)
    except (_Unknown, ValueError, TypeError, IndexError, KeyError, struct.error):
        return None
    return out.hex().upper()


def bare_printed(text: str) -> Optional[str]:
    """The hex EWKB of a string no cast types that spells (E)WKT: `st_dwithin(g, 'SRID=4326;POINT(0 0)', 10)` and
    `g && 'POLYGON(...)'` are stored as `'0101000020E6...'::geometry` (Postgres resolves the unknown literal to the
    geometry the function or operator takes), while a text argument keeps the string (`st_geomfromewkt('...'::text)`)
    and reads so alike on both sides. Never a string of hex digits (a text `'ab'` is no geometry); a geography's
    WKT given no SRID is printed with 4326 there, not here, so it still differs: cast it, or write its SRID."""
    return printed(text) if _TAGGED.match(text) else None
