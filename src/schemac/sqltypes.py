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

from .dialect import DIALECT

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

_SERIALS = {T.SERIAL: "integer", T.BIGSERIAL: "bigint", T.SMALLSERIAL: "smallint"}
_SERIAL_NAMES = {"serial", "serial2", "serial4", "serial8", "bigserial", "smallserial"}

# sqlglot reads `bit varying(n)` as plain `bit`: handle the varying bit string ourselves.
_VARBIT = re.compile(r"^\s*(?:bit\s+varying|varbit)\s*(?:\(\s*(\d+)\s*\))?\s*((?:\[\s*\d*\s*\]\s*)*)$", re.I)


class TypeSyntaxError(ValueError):
    """The text is not a Postgres type sqlglot can parse."""


def _params(dt: exp.DataType) -> list[str]:
    out = []
    for p in dt.expressions:
        node = p.this if isinstance(p, exp.DataTypeParam) else p
        out.append(node.sql(dialect=DIALECT) if isinstance(node, exp.Expression) else str(node))
    return out


def _canonical(dt: exp.DataType) -> str:
    kind = dt.this
    if kind == T.ARRAY:
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
    params = _params(dt)
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


@lru_cache(maxsize=4096)
def canonical_type(text: str) -> str:
    """Return Postgres's canonical spelling of a type, or raise TypeSyntaxError."""
    if not isinstance(text, str) or not text.strip():
        raise TypeSyntaxError("type is empty")
    m = _VARBIT.match(text)
    if m:
        base = f"bit varying({m.group(1)})" if m.group(1) else "bit varying"
        return base + ("[]" if m.group(2).strip() else "")
    if ";" in text or text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        raise TypeSyntaxError(f"'{text}' is not a type")
    try:
        parsed = sqlglot.parse(f"CAST(NULL AS {text})", dialect=DIALECT)
    except (ParseError, TokenError) as e:
        raise TypeSyntaxError(f"'{text}' is not a Postgres type sqlglot can parse") from e
    if len(parsed) == 1 and isinstance(parsed[0], exp.Cast) and isinstance(parsed[0].to, exp.ObjectIdentifier):
        return parsed[0].to.name.lower()  # oid, regclass, regtype, ...
    if len(parsed) != 1 or not isinstance(parsed[0], exp.Cast) or not isinstance(parsed[0].to, exp.DataType):
        raise TypeSyntaxError(f"'{text}' is not a Postgres type sqlglot can parse")
    return _canonical(parsed[0].to)


def build_type(canonical: str) -> exp.DataType:
    """A sqlglot type node for DDL, from the canonical spelling."""
    m = _VARBIT.match(canonical)
    if m:
        # sqlglot has no varying-bit node; a user-defined type renders its name verbatim.
        return exp.DataType(this=T.USERDEFINED, kind=canonical)
    return exp.DataType.build(canonical, dialect=DIALECT, udt=True)


def is_text_like(canonical: str) -> bool:
    return canonical.startswith(("character varying", "character", "text", "bpchar", "name"))
