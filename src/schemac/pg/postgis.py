"""PostGIS's column types, for type changes: which values a `geometry(Shape,SRID)` or `geography(...)`
column can hold, and whether they fit another such type.

PostGIS checks every value against the column's modifiers (postgis_valid_typmod): the SRID must be the
column's (unless the column's is 0), the shape the column's (unless the column says Geometry), and the
Z and M dimensions exactly the column's whenever it has modifiers. `ALTER COLUMN ... TYPE` converts with
`CAST(c AS new)`, which keeps each value's SRID, shape and dimensions: so a changed SRID, shape or
dimension rejects every existing value, and the migration fails on the first row. What `generate` does
with that (`plan.hazards`): it asks for `using:` (st_transform, st_multi, st_force2d...), as it does for
built-in types with no cast; a change that may reject some values (modifiers added to a column that had
none) is destructive, but where the table's CHECKs prove each value fits (compare.spatial_checks); one that every
value fits (modifiers dropped or widened, geometry to geography in
lon/lat) is neither."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_TYPE = re.compile(r"^(?:(?P<schema>[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\")\.)?(?P<kind>geometry|geography)"
                   r"(?:\((?P<mods>[^()]*)\))?$")
_SHAPE = re.compile(r"^(?P<shape>[A-Za-z]+?)(?P<dims>ZM|Z|M)?$")
# SRIDs of projected (metric) coordinate systems common in applications: geography refuses them.
_PROJECTED = re.compile(r"^(3857|900913|3395|2154|27700|326\d\d|327\d\d)$")
_FORCE = {"": "st_force2d", "Z": "st_force3dz", "M": "st_force3dm", "ZM": "st_force4d"}
YES, NO, MAYBE = "yes", "no", "maybe"


@dataclass(frozen=True)
class Spatial:
    """A PostGIS column type: `shape` None for any (no modifiers, or Geometry), `dims` None for any (no
    modifiers), `srid` 0 for any."""

    kind: str
    prefix: str  # "extensions." when the type is qualified: its functions live there too
    shape: Optional[str]
    dims: Optional[str]
    srid: int


def spatial(canonical: str) -> Optional[Spatial]:
    """The PostGIS type `canonical` names (format_type's spelling), or None for any other type (arrays too)."""
    m = _TYPE.match(canonical)
    if m is None:
        return None
    prefix = m.group("schema") + "." if m.group("schema") else ""
    mods = [p.strip() for p in m.group("mods").split(",")] if m.group("mods") else []
    if not mods:
        return Spatial(m.group("kind"), prefix, None, None, 0)
    s = _SHAPE.match(mods[0])
    if s is None or not mods[-1].lstrip("-").isdigit() and len(mods) > 1:
        return None
    shape = None if s.group("shape").lower() == "geometry" else s.group("shape")
    srid = int(mods[1]) if len(mods) > 1 else 0
    return Spatial(m.group("kind"), prefix, shape, (s.group("dims") or ""), srid)


def _value_srid(old: Spatial, new: Spatial) -> Optional[int]:
    """The SRID every value has once cast to `new`'s kind; None when values may differ."""
    if old.kind == "geography":
        return old.srid or None
    if new.kind == "geography" and old.srid == 0:
        return None  # SRID 0 becomes 4326; other SRIDs stay
    return old.srid or None


def fits(old_type: str, new_type: str) -> Optional[str]:
    """YES when every value of `old_type` fits `new_type`, NO when none does (each non-NULL value is
    refused), MAYBE when it depends on the values; None when either is not a PostGIS type."""
    if old_type.endswith("[]") and new_type.endswith("[]"):  # element by element
        return fits(old_type[:-2], new_type[:-2])
    old, new = spatial(old_type), spatial(new_type)
    if old is None or new is None:
        return None
    answers = []
    srid = _value_srid(old, new)
    if new.kind == "geography" and old.kind == "geometry" and srid is not None and _PROJECTED.match(str(srid)):
        answers.append(NO)
    if new.srid:
        answers.append(MAYBE if srid is None else YES if srid == new.srid else NO)
    if new.shape is not None:
        answers.append(MAYBE if old.shape is None else YES if old.shape == new.shape else NO)
    if new.dims is not None:
        answers.append(MAYBE if old.dims is None else YES if old.dims == new.dims else NO)
    return NO if NO in answers else MAYBE if MAYBE in answers else YES


def conversion(column: str, old_type: str, new_type: str) -> str:
    """An expression that makes each value of `old_type` one of `new_type`: what to write under `using:`."""
    old, new = spatial(old_type), spatial(new_type)
    assert old is not None and new is not None
    p = new.prefix
    expr = column if old.kind == "geometry" else f"{column}::{p}geometry"
    if new.dims is not None and old.dims != new.dims:
        expr = f"{p}{_FORCE[new.dims]}({expr})"
    if new.shape is not None and new.shape != old.shape:
        expr = f"{p}st_multi({expr})" if new.shape.lower() == f"multi{(old.shape or '').lower()}" else \
            f"{p}st_collectionextract({expr})"
    srid = new.srid or (4326 if new.kind == "geography" else 0)
    if srid and (old.srid or 4326) != srid:
        expr = f"{p}st_transform({expr}, {srid})"
    return expr if new.kind == "geometry" else f"{expr}::{p}geography"


def refusal(column: str, old_type: str, new_type: str) -> Optional[str]:
    """Why PostgreSQL refuses every existing value when `column` goes from `old_type` to `new_type`, with
    the `using:` to write; None unless both are PostGIS types and no value fits."""
    if fits(old_type, new_type) != NO:
        return None
    old, new = spatial(old_type.removesuffix("[]")), spatial(new_type.removesuffix("[]"))
    assert old is not None and new is not None
    what = []
    if new.srid and _value_srid(old, new) not in (None, new.srid):
        what.append(f"SRID {_value_srid(old, new)} to {new.srid}")
    if new.shape is not None and old.shape != new.shape:
        what.append(f"shape {old.shape} to {new.shape}")
    if new.dims is not None and old.dims != new.dims:
        what.append(f"dimensions {old.dims or 'XY'} to {new.dims or 'XY'}")
    if not what:
        what.append(f"SRID {_value_srid(old, new)}, not a longitude/latitude system, to geography")
    head = f"PostGIS refuses every existing value of {old_type} as {new_type} ({', '.join(what)}); add `using:` to " \
        "the column"
    if new_type.endswith("[]"):  # PostgreSQL refuses a subquery (ARRAY(SELECT ... FROM unnest(c))) in USING
        return (f"{head}: an SQL expression without a subquery that converts each element (a function of your own "
                f"over the array, applying {conversion('g', old_type[:-2], new_type[:-2])} to each element g)")
    example = conversion(column, old_type, new_type)
    relabel = f" (or {new.prefix}st_setsrid({column}, {new.srid}) when the coordinates already are in SRID " \
        f"{new.srid})" if "st_transform" in example and new.kind == "geometry" and len(what) == 1 else ""
    return f"{head}: an SQL expression that converts each value, e.g. using: \"{example}\"{relabel}"
