"""sqlglot's type kinds that are Postgres's own, by format_type()'s name: shared by pg.typeparse (column types) and
pg.expressions (casts in expressions), which cannot import each other (pg.names imports pg.expressions)."""

from __future__ import annotations

from sqlglot import exp

from schemac.pg.dialect import DIALECT

T = exp.DataType.Type

# sqlglot type -> Postgres's format_type() name (no modifiers).
NAMES: dict[T, str] = {
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

TIME_KINDS: dict[T, tuple[str, str]] = {
    T.TIMESTAMP: ("timestamp", "without time zone"),
    T.TIMESTAMPTZ: ("timestamp", "with time zone"),
    T.TIME: ("time", "without time zone"),
    T.TIMETZ: ("time", "with time zone"),
}

# Types sqlglot knows beyond NAMES that PostgreSQL has too, spelled the same by both.
ALSO_POSTGRES = {T.INT4MULTIRANGE, T.INT8MULTIRANGE, T.NUMMULTIRANGE, T.DATEMULTIRANGE, T.TSMULTIRANGE,
                  T.TSTZMULTIRANGE, T.POLYGON}
SERIALS = {T.SERIAL: "integer", T.BIGSERIAL: "bigint", T.SMALLSERIAL: "smallint"}


def postgres_kind(dt: exp.DataType) -> bool:
    """A node of a type Postgres has under that name (an array's: its element's), not one of another dialect's."""
    while dt.this == T.ARRAY and dt.expressions and isinstance(dt.expressions[0], exp.DataType):
        dt = dt.expressions[0]
    return not isinstance(dt.this, T) or dt.this in NAMES or dt.this in TIME_KINDS or dt.this in ALSO_POSTGRES \
        or dt.this in SERIALS or dt.this == T.USERDEFINED


def user_types_kept(node: exp.Expression) -> exp.Expression:
    """`node` with each type of another dialect that Postgres would print as one of its own (`::tinyint` as
    SMALLINT, `::datetime` as TIMESTAMP) named as written: in Postgres only a user's type has such a name."""
    for dt in list(node.find_all(exp.DataType)):
        kind = dt.this
        if isinstance(kind, T) and not dt.expressions and not postgres_kind(dt) \
                and dt.sql(dialect=DIALECT) != kind.value:
            dt.replace(exp.DataType(this=T.USERDEFINED, kind=kind.value.lower()))
    return node
