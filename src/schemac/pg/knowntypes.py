"""Which type names exist: PostgreSQL's built-in types, the types schema.yaml declares (enums,
domains), the types of the extensions it declares, and those it declares as external. A misspelled
type (`txet`, `timestampz`) is caught at load time instead of failing the migration."""

from __future__ import annotations

import difflib
import re
from typing import Iterable, Optional

from schemac.pg.casts import BUILTIN_TYPES, base_and_dims, is_string_type
from schemac.pg.routines import PSEUDO_TYPES
from schemac.pg.types import is_known_spelling, is_user_defined, name_parts

# Types of common extensions, by extension name (the table ships with schemac; anything else is
# declared under external_types:).
EXTENSION_TYPES = {
    "citext": ("citext",),
    "hstore": ("hstore",),
    "ltree": ("ltree", "lquery", "ltxtquery"),
    "cube": ("cube",),
    "earthdistance": ("earth",),
    "seg": ("seg",),
    "isn": ("ean13", "isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc"),
    "intarray": ("query_int",),
    # PostGIS 3.3's (pg_type rows that are members of each extension, array types aside)
    "postgis": ("geometry", "geography", "box2d", "box2df", "box3d", "geometry_dump", "gidx", "spheroid",
                "valid_detail"),
    "postgis_raster": ("raster", "addbandarg", "agg_count", "agg_samealignment", "geomval", "rastbandarg", "reclassarg",
                       "summarystats", "unionarg"),
    "postgis_topology": ("topogeometry", "getfaceedges_returntype", "topoelement", "topoelementarray",
                         "validatetopology_returntype"),
    "postgis_tiger_geocoder": ("norm_addy",),
    "vector": ("vector", "halfvec", "sparsevec"),
    "prefix": ("prefix_range",),
    "semver": ("semver",),
    "hll": ("hll",),
    "pg_trgm": (),
    "btree_gist": ("gbtreekey2", "gbtreekey4", "gbtreekey8", "gbtreekey16", "gbtreekey32", "gbtreekey_var"),
}
# Extensions that require others (their control files' `requires`), where the required one sorts after it or
# lives in another package: CREATE EXTENSION refuses to run before them (`plan.keys` orders it after them).
EXTENSION_REQUIRES = {
    "pgrouting": ("postgis",), "h3_postgis": ("h3", "postgis"), "mobilitydb": ("postgis",),
    "pointcloud_postgis": ("pointcloud", "postgis"), "postgis_raster": ("postgis",), "postgis_sfcgal": ("postgis",),
    "postgis_topology": ("postgis",), "postgis_tiger_geocoder": ("postgis", "fuzzystrmatch"),
    "address_standardizer_data_us": ("address_standardizer",), "earthdistance": ("cube",),
}
# The casts of contrib's and PostGIS's types, by extension: every pg_cast row they make, as 15 and 18 list them
# (tests/test_casts.py checks those this build has); ltree, cube, seg and intarray make none. pgvector's and the other
# extensions' are not known (pgvector has real[] -> vector and back).
_ISN = ("isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc")
EXTENSION_CASTS = {
    "hstore": frozenset({("hstore", "json"), ("hstore", "jsonb"), ("text[]", "hstore")}),
    "isn": frozenset({("ean13", t) for t in _ISN} | {(t, "ean13") for t in _ISN}
                     | {(a, a + "13") for a in ("isbn", "ismn", "issn")} | {(a + "13", a) for a in ("isbn", "ismn", "issn")}),
    "postgis": frozenset({("box2d", "box3d"), ("box2d", "geometry"), ("box3d", "box"), ("box3d", "box2d"),
                          ("box3d", "geometry"), ("bytea", "geography"), ("bytea", "geometry"), ("geography", "bytea"),
                          ("geography", "geometry"), ("geometry", "box"), ("geometry", "box2d"), ("geometry", "box3d"),
                          ("geometry", "bytea"), ("geometry", "geography"), ("geometry", "json"), ("geometry", "jsonb"),
                          ("geometry", "path"), ("geometry", "point"), ("geometry", "polygon"), ("path", "geometry"),
                          ("point", "geometry"), ("polygon", "geometry"), ("geometry", "text"), ("text", "geometry")}),
    "postgis_raster": frozenset({("raster", "box3d"), ("raster", "bytea"), ("raster", "geometry")}),
    "postgis_topology": frozenset({("topogeometry", "geometry")}),
    "ltree": frozenset(), "cube": frozenset(), "seg": frozenset(), "intarray": frozenset(),
}
_CAST_TYPES = {t for e in EXTENSION_CASTS for t in EXTENSION_TYPES[e]}
_EXTENSION_CASTS = frozenset().union(*EXTENSION_CASTS.values())
# Those of the casts that keep every value whole, as integer -> bigint does (plan.hazards: not destructive): each pair
# of an hstore becomes a key of the JSON object and its value a string or null; none is refused, none merged (an
# hstore holds a key once).
EXTENSION_WIDENINGS = frozenset({("hstore", "json"), ("hstore", "jsonb")})


# Extensions' types whose output their input reads back as the same value whatever the session's settings (an
# ltree's labels joined by dots, an hstore's `"k"=>"v"` pairs): made text (or a varchar without a length), each value
# is kept as its text, which the cast back gives again (peer52: ltree -> text asked for --allow-destructive).
EXTENSION_TEXTS = frozenset({"ltree", "hstore"})


def widens_extension(old: str, new: str) -> bool:
    """Whether `old` -> `new` is one of EXTENSION_WIDENINGS, or one of EXTENSION_TEXTS made text or a varchar without
    a length, element by element between arrays of as many dimensions."""
    (a, a_dims), (b, b_dims) = _bare(old), _bare(new)
    return a_dims == b_dims and ((a, b) in EXTENSION_WIDENINGS or a in EXTENSION_TEXTS
                                 and new[:len(new) - 2 * b_dims] in ("text", "character varying"))


def _bare(t: str) -> tuple[str, int]:
    """(name, dimensions): a built-in type as casts.BUILTIN_TYPES spells it, any other without schema or modifiers."""
    base, dims = base_and_dims(t)
    return (base if base in BUILTIN_TYPES or is_string_type(base) else base_name(t)[1]), dims


def converts_extension(old: str, new: str) -> Optional[bool]:
    """Whether `CAST(value AS new)` exists where a side is a type of an extension of EXTENSION_CASTS and the other is
    Postgres's own or one of those (a type of the schema's own of such a name is the caller's to rule out): the same
    type, the string types' I/O conversion, those extensions' pg_cast rows, arrays element by element. `ltree` ->
    `text[]` or `integer` is none, which `USING CAST(path AS text[])` fails on. None for anything else."""
    (a, a_dims), (b, b_dims) = _bare(old), _bare(new)
    if not {a, b} & _CAST_TYPES or not all(t in _CAST_TYPES or t in BUILTIN_TYPES or is_string_type(t) for t in (a, b)):
        return None
    if a_dims and b_dims:
        return a == b or converts_extension(a, b) is not False
    scalar_io = (is_string_type(a) and not a_dims) or (is_string_type(b) and not b_dims)
    if bool(a_dims) != bool(b_dims):
        return scalar_io or (a + "[]" * bool(a_dims), b + "[]" * bool(b_dims)) in _EXTENSION_CASTS
    return a == b or scalar_io or (a, b) in _EXTENSION_CASTS


# The shipped extensions' types sqlglot parses as types of its own (not as a user's): HSTORE, GEOMETRY, GEOGRAPHY,
# VECTOR (checked against sqlglot's exp.DataType.Type); typeparse's is_user_defined says False for them.
_SQLGLOT_NAMED = frozenset({"hstore", "geometry", "geography", "vector"})
# Built-in types sqlglot does not know by name, beyond BUILTIN_TYPES (which leaves pg_* ones out).
_MORE_BUILTIN = {"pg_lsn", "pg_snapshot"}
# Spellings people write for built-in types: what "did you mean" proposes besides the canonical names.
_ALIASES = ("int", "int2", "int4", "int8", "smallint", "bigint", "integer", "text", "varchar", "char", "bool",
            "boolean", "float4", "float8", "real", "numeric", "decimal", "timestamptz", "timestamp", "timetz", "date",
            "uuid", "jsonb", "json", "bytea", "interval", "inet", "cidr", "money", "serial", "bigserial")


def base_name(canonical: str) -> tuple[Optional[str], str]:
    """(schema or None, name) of a type, without modifiers or array brackets."""
    base, _ = base_and_dims(canonical)
    parts = name_parts(re.sub(r"\([^()]*\)$", "", base))  # geometry(Point,4326): not only numbers
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[-1])


def unknown_type(canonical: str, declared: set[tuple[str, str]], extensions: Iterable[str],
                 external: set[str]) -> bool:
    """Whether `canonical` names no type Postgres, schema.yaml, its extensions or external_types know.
    `declared`: (schema, name) of enums and domains; `external`: names, or schema.name. A common built-in
    spelling is known without sqlglot's parse (writing `inspect`'s file imports no sqlglot). An extension's type
    sqlglot knows by a name of its own (hstore, geometry, geography, vector) is an extension's all the same: a
    database without it refuses the migration ('type hstore does not exist')."""
    schema, name = base_name(canonical)
    if (is_known_spelling(canonical) or not is_user_defined(canonical)
            or base_and_dims(canonical)[0] in BUILTIN_TYPES | PSEUDO_TYPES) \
            and (schema is not None or name not in _SQLGLOT_NAMED):  # ("char", "any": built-in)
        return False
    if schema is None and (name in BUILTIN_TYPES or name in _MORE_BUILTIN or name in PSEUDO_TYPES):
        return False
    if (schema or "public", name) in declared or name in external or f"{schema}.{name}" in external:
        return False
    return not any(name in EXTENSION_TYPES.get(e, ()) for e in extensions)


def suggestion(canonical: str, declared: set[tuple[str, str]], extensions: Iterable[str]) -> Optional[str]:
    _, name = base_name(canonical)
    pool = set(BUILTIN_TYPES) | set(_ALIASES) | {n for _, n in declared}
    for e in extensions:
        pool |= set(EXTENSION_TYPES.get(e, ()))
    close = difflib.get_close_matches(name.lower(), sorted(pool), n=1, cutoff=0.7)
    return close[0] if close else None


def extension_of(name: str) -> Optional[str]:
    """The extension (of the shipped table) a type name comes from."""
    return next((e for e, types in EXTENSION_TYPES.items() if name in types), None)


def declared_types(types) -> set[tuple[str, str]]:
    """(schema, name) of the enums, domains, composite and range types of a schema, and of the
    multirange type each range type brings along."""
    out = {(t.schema, t.name) for t in types}
    return out | {t.multirange_key for t in types if hasattr(t, "multirange_in")}


def _typed_columns(tables):
    """(table, column) of every column whose type the table states: a partition's inherited columns aside (their
    type is their parent's, which it lists)."""
    return ((t, c) for t in tables for c in t.columns if t.partition_of is None or c.source is not t.source)


def type_uses(tables, domains, functions, composites=(), ranges=(), operators=(), casts=()) -> list[tuple[str, str, object]]:
    """(type, what uses it, source) for every column (a partition's inherited ones aside), domain,
    function argument and result, composite type attribute, range subtype, operator argument and cast."""
    uses = [(c.type, f"column '{c.name}' of table {t.qualified_name}", c.source or t.source)
            for t, c in _typed_columns(tables)]
    uses += [(d.type, f"domain {d.schema}.{d.name}", d.source) for d in domains]
    for f in functions:
        uses += [(a.type, f"an argument of function {f.schema}.{f.name}", f.source) for a in f.arguments]
        if f.returns and not f.returns.startswith("TABLE("):
            uses.append((f.returns.removeprefix("SETOF "), f"the result of function {f.schema}.{f.name}", f.source))
    uses += [(a.type, f"attribute '{a.name}' of composite type {c.schema}.{c.name}", c.source)
             for c in composites for a in c.attributes]
    uses += [(r.subtype, f"range type {r.schema}.{r.name}", r.source) for r in ranges]
    uses += [(t, f"an argument of operator {o.schema}.{o.signature}", o.source) for o in operators for t in (o.left, o.right)
             if t is not None]
    for c in casts:  # and operator classes and families: their type, storage and members' types
        if hasattr(c, "method"):
            what = "operator class" if hasattr(c, "type") else "operator family"
            uses += [(t, f"{what} {c.schema}.{c.signature}", c.source) for t in
                     (getattr(c, "type", None), getattr(c, "storage", None),
                      *(x for m in (*c.operators, *c.functions) for x in (m.left, m.right))) if t]
        else:
            uses += [(t, f"cast {c.signature}", c.source) for t in c.identity]
    return uses


def external_types_of(schema) -> tuple[str, ...]:
    """The types `schema` (read from a database) uses that nothing else names: what inspect lists
    under external_types: so that its schema.yaml loads."""
    declared = declared_types([*schema.enums, *schema.domains, *schema.composite_types, *schema.range_types,
                               *schema.tables, *schema.views])
    extensions = [e.name for e in schema.extensions]
    # Each spelling looked up once, the columns' (~11,000 at 1,000 tables, ~30 spellings) without wording their uses.
    used = {c.type for _, c in _typed_columns(schema.tables)}
    used.update(type_text for type_text, _, _ in type_uses((), schema.domains, schema.functions, schema.composite_types,
                                                            schema.range_types, schema.operators,
                                                            (*schema.casts, *schema.operator_classes,
                                                             *schema.operator_families)))
    out = set()
    for type_text in used:
        if unknown_type(type_text, declared, extensions, set()):
            schema_name, name = base_name(type_text)
            out.add(name if schema_name is None else f"{schema_name}.{name}")
    return tuple(sorted(out))
