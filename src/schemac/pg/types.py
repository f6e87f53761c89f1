"""Column types: parse with sqlglot, spell them the way Postgres's ``format_type()`` does.

Both faces of the model store this canonical spelling, so ``int4``, ``int`` and ``integer`` (or
``timestamptz`` and ``timestamp with time zone``) are one type to the differ, and reports show what
``\\d`` would show.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from schemac.pg.dialect import DIALECT
from schemac.pg.names import format_type_ident
from schemac.pg.typmods import ModifierError, modifiers_text

T = exp.DataType.Type

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
_SERIAL_NAMES = {"serial", "serial2", "serial4", "serial8", "bigserial", "smallserial"}

# sqlglot reads `bit varying(n)` as plain `bit`: handle the varying bit string ourselves.
_VARBIT = re.compile(r"^\s*(?:bit\s+varying|varbit)\s*(?:\(\s*(\d+)\s*\))?\s*((?:\[\s*\d*\s*\]\s*)*)$", re.I)


class TypeSyntaxError(ValueError):
    """The text is not a Postgres type sqlglot can parse."""


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
            f"'{dt.sql(dialect=DIALECT).lower()}' is not a type but {_SERIALS[kind]} + sequence + "
            "nextval() default, which schemac does not manage yet; declare the column as "
            f"{_SERIALS[kind]}"
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


_PART = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_BARE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_$]*)\s*((?:\[\s*\]\s*)*)$")
_POSTGIS_TYPE = re.compile(r"^\s*geo(?:metry|graphy)\s*\([^()]*-[^()]*\)\s*(\[\s*\])*\s*$", re.I)
_NAMED = re.compile(rf'^\s*({_PART}(?:\s*\.\s*{_PART})?)\s*(?:\(([^()]*)\))?\s*((?:\[\s*\d*\s*\])*)\s*$')


def _named_type(text: str) -> "str | None":
    """A user type named with quotes (`"Mood"`) or a schema (`ref.kind`), spelled as format_type() does;
    None for anything else. sqlglot would fold `"Name"` into the built-in `name`, and reads some schema
    names (`ref`) as keywords."""
    m = _NAMED.match(text)
    if m is None or ('"' not in m.group(1) and "." not in m.group(1)):
        return None
    parts = name_parts(m.group(1))
    if len(parts) == 1 and re.match(r"^[a-z_][a-z0-9_$]*$", parts[0]):
        return None  # `"text"`: a name that reads the same unquoted
    if m.group(2) is not None:  # modifiers: a type of an extension living outside the search path
        return ".".join(format_type_ident(p) for p in parts) + modifiers_text(parts[-1], m.group(2).split(",")) + \
            "[]" * m.group(3).count("[")
    return ".".join(format_type_ident(p) for p in parts) + "[]" * m.group(3).count("[")


def _with_modifiers(text: str) -> str:
    """A type that is not PostgreSQL's own, with modifiers (`vector(1536)`, `geometry(Point,4326)`), as
    format_type() prints it: name in lower case, modifiers as its extension prints them."""
    m = _NAMED.match(text)
    if m is None or m.group(2) is None:
        raise TypeSyntaxError(f"'{text.strip()}' is not a type name with modifiers")
    name = name_parts(m.group(1))[-1]
    return format_type_ident(name) + modifiers_text(name, m.group(2).split(",")) + "[]" * m.group(3).count("[")


@lru_cache(maxsize=4096)
def canonical_type(text: str) -> str:
    """Return Postgres's canonical spelling of a type, or raise TypeSyntaxError."""
    if not isinstance(text, str) or not text.strip():
        raise TypeSyntaxError("type is empty")
    m = _VARBIT.match(text)
    if m:
        base = f"bit varying({m.group(1)})" if m.group(1) else "bit varying"
        return base + ("[]" if m.group(2).strip() else "")
    try:
        named = _named_type(text)
    except ModifierError as e:
        raise TypeSyntaxError(f"'{text.strip()}': {e}") from None
    if named is not None:
        return named
    if _POSTGIS_TYPE.match(text):  # sqlglot refuses an SRID of -1 (PostGIS 1's "unknown")
        return _with_modifiers(text)
    if ";" in text or text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        raise TypeSyntaxError(f"'{text}' is not a type")
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
    m = _VARBIT.match(canonical)
    if m:
        # sqlglot has no varying-bit node; a user-defined type renders its name verbatim.
        return exp.DataType(this=T.USERDEFINED, kind=canonical)
    try:
        return exp.DataType.build(canonical, dialect=DIALECT, udt=True)
    except (ParseError, TokenError):
        if _BARE.match(canonical) is None:
            raise
        # a type sqlglot reads as a keyword (cube): its name, rendered verbatim
        base = exp.DataType(this=T.USERDEFINED, kind=canonical.replace("[]", ""))
        for _ in range(canonical.count("[]")):
            base = exp.DataType(this=T.ARRAY, expressions=[base], nested=True)
        return base


def is_text_like(canonical: str) -> bool:
    return canonical.startswith(("character varying", "character", "text", "bpchar", "name"))


@lru_cache(maxsize=4096)
def is_user_defined(canonical: str) -> bool:
    """An enum, a domain, a composite or an extension's type: not one sqlglot knows as Postgres's own."""
    built = _built(canonical)
    return any(n.this == T.USERDEFINED for n in built.walk() if isinstance(n, exp.DataType))


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] == '"':
        return part[1:-1].replace('""', '"')
    return part.lower()


def name_parts(text: str) -> list[str]:
    """`a.b`, `"A".b`: the parts of a possibly qualified, possibly quoted name, as Postgres folds them."""
    return [_unquote(p) for p in re.findall(r'"(?:[^"]|"")*"|[^."]+', text)]


@lru_cache(maxsize=4096)
def type_name(type_text: str) -> tuple[str, str]:
    """(schema, name) of the type a column is of, without modifiers or array brackets; "public" when
    unqualified (built-in types then name no object schema.yaml declares)."""
    base = re.sub(r"(\[\d*\])+$", "", type_text.strip())
    base = re.sub(r"\([^()]*\)$", "", base).strip()
    parts = name_parts(base) if '"' in base or "." in base else [base]
    return (parts[0], parts[1]) if len(parts) == 2 else ("public", parts[-1])
