"""Column types parsed by sqlglot: the half of pg.types that needs it (a spelling pg.types does not know
already, and the type nodes DDL embeds). Imported only when a type is parsed or built: `schemac diff`'s
fast path reads format_type()'s spellings, which pg.types knows without sqlglot."""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from schemac.pg.casts import BUILTIN_TYPES, base_and_dims
from schemac.pg.dialect import DIALECT
from schemac.pg.foreign_names import ANOTHER_DIALECTS_WORDS
from schemac.pg.typetext import _BARE, _SERIAL_NAMES, _VARBIT, NEGATIVE_SCALE, TypeSyntaxError, _with_modifiers
from schemac.pg.typmods import ModifierError

T = exp.DataType.Type
_KEYWORD_SCHEMA = re.compile(r"([a-z_][a-z0-9_$]*)\.")  # a schema as format_type() leaves it unquoted

# sqlglot type -> Postgres's format_type() name (no modifiers).
_NAMES: dict[T, str] = {
    T.SMALLINT: "smallint",
    T.INT: "integer",
    T.BIGINT: "bigint",
    T.DECIMAL: "numeric",
    T.FLOAT: "real",
    T.DOUBLE: "double precision",
    T.VARCHAR: "character varying",
    T.CHAR: "character",
    T.BPCHAR: "bpchar",
    T.TEXT: "text",
    T.NAME: "name",
    T.BOOLEAN: "boolean",
    T.DATE: "date",
    T.INTERVAL: "interval",
    T.UUID: "uuid",
    T.JSON: "json",
    T.JSONB: "jsonb",
    T.VARBINARY: "bytea",
    T.INET: "inet",
    T.MONEY: "money",
    T.XML: "xml",
    T.BIT: "bit",
    T.INT4RANGE: "int4range",
    T.INT8RANGE: "int8range",
    T.NUMRANGE: "numrange",
    T.DATERANGE: "daterange",
    T.TSRANGE: "tsrange",
    T.TSTZRANGE: "tstzrange",
    T.HSTORE: "hstore",
    T.GEOMETRY: "geometry",
    T.GEOGRAPHY: "geography",
    T.POINT: "point",
    T.VECTOR: "vector",
}

_TIME_KINDS: dict[T, tuple[str, str]] = {
    T.TIMESTAMP: ("timestamp", "without time zone"),
    T.TIMESTAMPTZ: ("timestamp", "with time zone"),
    T.TIME: ("time", "without time zone"),
    T.TIMETZ: ("time", "with time zone"),
}

# Types sqlglot knows beyond _NAMES that PostgreSQL has too, spelled the same by both.
_ALSO_POSTGRES = {T.INT4MULTIRANGE, T.INT8MULTIRANGE, T.NUMMULTIRANGE, T.DATEMULTIRANGE, T.TSMULTIRANGE,
                  T.TSTZMULTIRANGE, T.POLYGON}
# Types whose modifiers are not all numbers: geometry(Point, 4326).
_FREE_PARAMS = {T.GEOMETRY, T.GEOGRAPHY}
# How many modifiers a type takes (others in _NAMES take none): int(11) is MySQL, not PostgreSQL.
_MAX_PARAMS = {T.VARCHAR: 1, T.CHAR: 1, T.BPCHAR: 1, T.BIT: 1, T.DECIMAL: 2, T.DOUBLE: 1, T.INTERVAL: 1,
               T.VECTOR: 1}

_SERIALS = {T.SERIAL: "integer", T.BIGSERIAL: "bigint", T.SMALLSERIAL: "smallint"}
class _Unsupported(TypeSyntaxError):
    """Parsed, but not a PostgreSQL type schemac can keep exactly: canonical_type names the text."""


class _UserModifiers(Exception):
    """A type that is not PostgreSQL's own, with modifiers: kept as written (pg.typmods)."""


def _params(dt: exp.DataType) -> list[str]:
    out = []
    for p in dt.expressions:
        node = p.this if isinstance(p, exp.DataTypeParam) else p
        out.append(node.sql(dialect=DIALECT) if isinstance(node, exp.Expression) else str(node))
    return out


def _canonical(dt: exp.DataType) -> str:
    kind = dt.this
    if kind == T.ARRAY:
        if not dt.expressions:
            raise _Unsupported("an array needs an element type, e.g. integer[]")
        # format_type() prints one [] whatever the declared dimensions: Postgres does not enforce them.
        inner = dt.expressions[0]
        while isinstance(inner, exp.DataType) and inner.this == T.ARRAY:
            inner = inner.expressions[0]
        return _canonical(inner) + "[]"
    if kind in _SERIALS:
        raise TypeSyntaxError(
            f"'{dt.sql(dialect=DIALECT).lower()}' is not a type but a table column's shorthand for {_SERIALS[kind]} + "
            f"sequence + nextval() default; here, write {_SERIALS[kind]}"
        )
    if isinstance(kind, T) and kind not in _NAMES and kind not in _TIME_KINDS and kind not in _ALSO_POSTGRES \
            and kind != T.USERDEFINED:
        # sqlglot reads every dialect's types: `datetime`, `tinyint`, `nvarchar`, `Map<..>` would
        # become DDL PostgreSQL rejects, or a spelling that never matches the catalog.
        raise _Unsupported("not a PostgreSQL type (sqlglot knows it from another SQL dialect); write the PostgreSQL "
                           "type")
    params = _params(dt)
    if (kind == T.USERDEFINED or kind in _FREE_PARAMS) and params:
        raise _UserModifiers()  # canonical_type reads them from the text as written
    if isinstance(kind, T) and kind not in _FREE_PARAMS and kind != T.USERDEFINED:
        for p in params:
            if not p.isdigit():
                # `timestamp(now())`, `varchar(max)`, `float(x)`: Postgres takes whole numbers only.
                raise _Unsupported(f"a type modifier must be a whole number, not '{p}'")
        most = 1 if kind in _TIME_KINDS else _MAX_PARAMS.get(kind, 0)
        if len(params) > most:
            raise _Unsupported(f"this type takes {'no' if most == 0 else f'at most {most}'} modifier"
                               f"{'' if most == 1 else 's'}, not {len(params)}")
    if kind in _TIME_KINDS:
        base, zone = _TIME_KINDS[kind]
        return f"{base}({params[0]}) {zone}" if params else f"{base} {zone}"
    if kind == T.USERDEFINED:
        name = dt.args.get("kind") or dt.sql(dialect=DIALECT)
        name = str(name)
        if name.lower().strip('"') in _SERIAL_NAMES:
            raise TypeSyntaxError(f"'{name}' is not a type but integer + sequence + default")
        return name if '"' in name else name.lower()
    name = _NAMES.get(kind)
    if name is None:
        name = exp.DataType(this=kind).sql(dialect=DIALECT).lower()
    if kind == T.DOUBLE and params:
        # float(p): 1..24 is real, 25..53 double precision
        return "real" if int(params[0]) <= 24 else "double precision"
    if kind == T.DECIMAL and len(params) == 1:
        params = [params[0], "0"]
    if kind == T.CHAR and not params:
        params = ["1"]
    if params:
        return f"{name}({','.join(params)})"
    return name


# Bare words pg.foreign_names keeps as syntax (a schema named ref, `SETOF ... RANGE`) that sqlglot still builds as
# another dialect's type (REF, a FORMAT clause, RANGE) where a type is read: in Postgres only a user's type (Saleor-
# style `order_ref`'s `ref`) has that name.
_USERS_ONLY = frozenset({"ref", "format", "range"})
# A text ending in one of them after another word: no type of Postgres's (sqlglot read `f format` as type f, its
# FORMAT clause empty): an argument's name and its type, which pg.routines.parse_argument splits then.
_AFTER_A_WORD = re.compile(r"\s*\S.*\s(?:ref|format|range)\s*(?:\[\s*\d*\s*\]\s*)*$", re.IGNORECASE | re.DOTALL)


def another_dialects_type(text: str) -> bool:
    """Whether `text` is a bare name sqlglot reads as another dialect's type (tinyint, datetime, long, ref): in
    Postgres only a user's type has that name (Icinga DB's domain uint); the loader's hint for one undeclared."""
    m = _BARE.match(text)
    return m is not None and (m.group(1).lower() in ANOTHER_DIALECTS_WORDS or m.group(1).lower() in _USERS_ONLY)


def parsed_type(text: str) -> str:
    """canonical_type of a text its own tables do not settle: sqlglot's parse of it."""
    if _AFTER_A_WORD.match(text):
        raise TypeSyntaxError(f"'{text.strip()}' is not one type (a name, then a type?)")
    if another_dialects_type(text):  # the user's type, not sqlglot's TINYINT, BIGINT, ...
        m = _BARE.match(text)
        return m.group(1).lower() + "[]" * m.group(2).count("[")  # type: ignore[union-attr]
    try:
        parsed = sqlglot.parse(f"CAST(NULL AS {text})", dialect=DIALECT)
    except (ParseError, TokenError) as e:
        m = _BARE.match(text)
        if m:  # an extension's type sqlglot reads as a keyword (cube, rollup): format_type's spelling
            return m.group(1).lower() + "[]" * m.group(2).count("[")
        raise TypeSyntaxError(f"'{text}' is not a Postgres type sqlglot can parse") from e
    except RecursionError:
        raise TypeSyntaxError(f"'{text[:40]}…' is nested too deeply to be a type") from None
    except Exception as e:  # sqlglot's own builders can fail on odd input: still not a type
        raise TypeSyntaxError(f"'{text}' is not a Postgres type sqlglot can parse ({type(e).__name__})") from None
    if len(parsed) == 1 and isinstance(parsed[0], exp.Cast) and isinstance(parsed[0].to, exp.ObjectIdentifier):
        return parsed[0].to.name.lower()  # oid, regclass, regtype, ...
    if len(parsed) != 1 or not isinstance(parsed[0], exp.Cast) or not isinstance(parsed[0].to, exp.DataType):
        raise TypeSyntaxError(f"'{text}' is not a Postgres type sqlglot can parse")
    extra = sorted(k for k, v in parsed[0].args.items() if k not in ("this", "to") and v not in (None, False))
    if extra:
        # `text DEFAULT 'x'` parses as CAST(... DEFAULT ...): the clause would silently vanish.
        raise TypeSyntaxError(f"'{text}' is not just a type (it has a {extra[0].upper()} clause); write the type "
                              "alone and use the column's own keys (default, nullable, ...)")
    for node in parsed[0].to.walk():
        if isinstance(node, exp.DataType) and node.args.get("collate") is not None:
            raise TypeSyntaxError(f"'{text}': COLLATE is not supported in a column type (schemac would drop it); "
                                  "write the type without it")
    try:
        return _canonical(parsed[0].to)
    except _Unsupported as e:
        raise TypeSyntaxError(f"'{text.strip()}': {e}") from None
    except _UserModifiers:
        try:
            return _with_modifiers(text)
        except ModifierError as e:
            raise TypeSyntaxError(f"'{text.strip()}': {e}") from None


def build_type(canonical: str) -> exp.DataType:
    """A sqlglot type node for DDL, from the canonical spelling (a fresh copy: callers embed it)."""
    return _built(canonical).copy()


@lru_cache(maxsize=4096)
def _built(canonical: str) -> exp.DataType:
    """build_type's node, parsed once per spelling (a schema repeats a few dozen types); never mutate it."""
    if _VARBIT.match(canonical) or NEGATIVE_SCALE.match(canonical):
        # sqlglot has no varying-bit node, nor a negative scale; a user-defined type renders its name verbatim.
        return exp.DataType(this=T.USERDEFINED, kind=canonical)
    try:
        if another_dialects_type(canonical):  # a user's type named as another dialect's (uint): not sqlglot's UINT
            raise ParseError(canonical)
        built = exp.DataType.build(canonical, dialect=DIALECT, udt=True)
        schema = _KEYWORD_SCHEMA.match(canonical)
        if schema and built.this != T.USERDEFINED:
            # a schema named as one of sqlglot's type keywords (GNUmed's ref, a json or map schema): `ref.auto_hint`
            # came back as the type REF, the rest dropped; quoted, the schema is a name again
            return exp.DataType.build(f'"{schema.group(1)}"{canonical[schema.end(1):]}', dialect=DIALECT, udt=True)
        return built
    except (ParseError, TokenError):
        if _BARE.match(canonical) is None:
            raise
        # a type sqlglot reads as a keyword (cube): its name, rendered verbatim
        base = exp.DataType(this=T.USERDEFINED, kind=canonical.replace("[]", ""))
        for _ in range(canonical.count("[]")):
            base = exp.DataType(this=T.ARRAY, expressions=[base], nested=True)
        return base


@lru_cache(maxsize=4096)
def is_user_defined(canonical: str) -> bool:
    """An enum, a domain, a composite or an extension's type: not one of Postgres's own. sqlglot knows most of
    those; the rest are pg_catalog's types it reads as names (`bit varying(n)` and a negative numeric scale, which
    _built keeps as names; `circle`, `box`, `cidr`, `macaddr8`, `"char"`, `tsvector`... of pg.casts.BUILTIN_TYPES):
    a column retyped between two of them went through text, a rewrite where Postgres changes the modifier in place,
    and a failure where their text forms differ (`circle` -> `box`: 'invalid input syntax for type box', where
    pg_cast's `box(circle)` converts)."""
    if _VARBIT.match(canonical) or NEGATIVE_SCALE.match(canonical) or base_and_dims(canonical)[0] in BUILTIN_TYPES:
        return False
    built = _built(canonical)
    return any(n.this == T.USERDEFINED for n in built.walk() if isinstance(n, exp.DataType))


