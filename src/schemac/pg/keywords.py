"""Postgres's keywords that its quote_identifier() quotes: a leaf module (no sqlglot, no other module of schemac),
which pg.names (quoting) and pg.foreign_names (which of sqlglot's words a user's function may have unquoted) share."""

from __future__ import annotations

import re

# A name (fullmatch) a query may write bare, reading the same as quoted (a keyword below apart); quote_identifier()
# quotes one with a $ too (pg.names.needs_quotes).
PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*")

# Postgres's keywords other than unreserved ones (pg_get_keywords() where catcode <> 'U', PostgreSQL 18):
# the words its quote_identifier(), and so format_type(), quotes.
_POSTGRES_QUOTED = frozenset("""
all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast
char character check coalesce collate collation column concurrently constraint create cross current_catalog
current_date current_role current_schema current_time current_timestamp current_user dec decimal default deferrable
desc distinct do else end except exists extract false fetch float for foreign freeze from full grant greatest group
grouping having ilike in initially inner inout int integer intersect interval into is isnull join json json_array
json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize json_table json_value
lateral leading least left like limit localtime localtimestamp merge_action national natural nchar none normalize not
notnull null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary
real references returning right row select session_user setof similar smallint some substring symmetric system_user
table tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic
verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi
xmlroot xmlserialize xmltable""".split())


def is_postgres_keyword(word: str) -> bool:
    """Whether Postgres's quote_identifier() quotes the word: a keyword it does not list as unreserved."""
    return word in _POSTGRES_QUOTED


# The names of pg_catalog's types (pg_type.typname, 15-18) that are words sqlglot's tokenizer reads as a type: quoted,
# `"int4"` or `"numeric"` is that type still (Postgres looks a quoted name up as it is, pg_catalog first). Any other
# quoted word sqlglot reads as a type (`"integer"`, `"boolean"`, `"float"`, `"Text"`: format_type()'s spelling of a
# domain public."integer") is a user's type: no type of pg_catalog has that name.
CATALOG_TYPE_WORDS = frozenset("""
any bit bool bpchar bytea char cstring date datemultirange daterange float4 float8 inet int2 int4 int4multirange
int4range int8 int8multirange int8range interval json jsonb money name numeric nummultirange numrange oid point
regclass regcollation regconfig regdictionary regnamespace regoper regoperator regproc regprocedure regrole regtype
text time timestamp timestamptz timetz tsmultirange tsrange tstzmultirange tstzrange unknown uuid varchar xml""".split())


def quoted_type_is_builtin(name: str) -> bool:
    """Whether `"name"` (quoted as written) names one of pg_catalog's types rather than a user's: a name that reads the
    same unquoted (`"text"`, `"mood"`) or a keyword that is the name of one of pg_catalog's types (`"numeric"`)."""
    return name in CATALOG_TYPE_WORDS or (name.isidentifier() and name == name.lower() and not is_postgres_keyword(name))
