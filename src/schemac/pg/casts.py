"""Which built-in type converts to which: the casts of PostgreSQL's pg_cast, so that `generate` can say
which column type change needs `using:` before Postgres refuses the migration.

ALTER COLUMN ... TYPE converts with `USING CAST(c AS new)`, which takes any cast (implicit, assignment
or explicit), a change of length or precision within one type, and the I/O conversion every type has
to and from the string types. Two built-in types with none of these cannot convert without an
expression (bigint -> timestamp with time zone, date -> integer, uuid -> bigint...).

The tables are pg_catalog's types and casts as PostgreSQL 15 lists them, with those 18 added
(tests/test_casts.py checks them against 18, 16 and 15): CAST_TABLE_QUERIES below, run once by hand.
"""

from __future__ import annotations

import re
from typing import Optional

CAST_TABLE_QUERIES = (
    """SELECT format_type(t.oid, NULL) FROM pg_catalog.pg_type t
       WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype IN ('b', 'r', 'm') AND t.typisdefined
         AND t.typcategory <> 'A' AND t.typname !~ '^_' AND t.typname NOT LIKE 'pg\\_%'""",
    """SELECT format_type(c.castsource, NULL), format_type(c.casttarget, NULL) FROM pg_catalog.pg_cast c
       WHERE c.castsource <> c.casttarget""",  # kept where both sides are among the types above
)

BUILTIN_TYPES = frozenset({
    '"char"', 'aclitem', 'bigint', 'bit', 'bit varying', 'boolean', 'box', 'bytea', 'character', 'character varying',
    'cid', 'cidr', 'circle', 'date', 'datemultirange', 'daterange', 'double precision', 'gtsvector', 'inet',
    'int4multirange', 'int4range', 'int8multirange', 'int8range', 'integer', 'interval', 'json', 'jsonb', 'jsonpath',
    'line', 'lseg', 'macaddr', 'macaddr8', 'money', 'name', 'numeric', 'nummultirange', 'numrange', 'oid', 'path',
    'point', 'polygon', 'real', 'refcursor', 'regclass', 'regcollation', 'regconfig', 'regdictionary',
    'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure', 'regrole', 'regtype', 'smallint', 'text',
    'tid', 'time with time zone', 'time without time zone', 'timestamp with time zone',
    'timestamp without time zone', 'tsmultirange', 'tsquery', 'tsrange', 'tstzmultirange', 'tstzrange', 'tsvector',
    'txid_snapshot', 'uuid', 'xid', 'xid8', 'xml',
})

_CASTS: dict[str, frozenset[str]] = {
    '"char"': frozenset({'character', 'character varying', 'integer', 'text'}),
    'bigint': frozenset({
        'bit', 'double precision', 'integer', 'money', 'numeric', 'oid', 'real', 'regclass', 'regcollation',
        'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure', 'regrole',
        'regtype', 'smallint',
    }),
    'bit': frozenset({'bigint', 'bit varying', 'integer'}),
    'bit varying': frozenset({'bit'}),
    'boolean': frozenset({'character', 'character varying', 'integer', 'text'}),
    'box': frozenset({'circle', 'lseg', 'point', 'polygon'}),
    'character': frozenset({'"char"', 'character varying', 'name', 'text', 'xml'}),
    'character varying': frozenset({'"char"', 'character', 'name', 'regclass', 'text', 'xml'}),
    'cidr': frozenset({'character', 'character varying', 'inet', 'text'}),
    'circle': frozenset({'box', 'point', 'polygon'}),
    'date': frozenset({'timestamp with time zone', 'timestamp without time zone'}),
    'daterange': frozenset({'datemultirange'}),
    'double precision': frozenset({'bigint', 'integer', 'numeric', 'real', 'smallint'}),
    'inet': frozenset({'character', 'character varying', 'cidr', 'text'}),
    'int4range': frozenset({'int4multirange'}),
    'int8range': frozenset({'int8multirange'}),
    'integer': frozenset({
        '"char"', 'bigint', 'bit', 'boolean', 'double precision', 'money', 'numeric', 'oid', 'real', 'regclass',
        'regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc',
        'regprocedure', 'regrole', 'regtype', 'smallint',
    }),
    'interval': frozenset({'time without time zone'}),
    'json': frozenset({'jsonb'}),
    'jsonb': frozenset({'bigint', 'boolean', 'double precision', 'integer', 'json', 'numeric', 'real', 'smallint'}),
    'lseg': frozenset({'point'}),
    'macaddr': frozenset({'macaddr8'}),
    'macaddr8': frozenset({'macaddr'}),
    'money': frozenset({'numeric'}),
    'name': frozenset({'character', 'character varying', 'text'}),
    'numeric': frozenset({'bigint', 'double precision', 'integer', 'money', 'real', 'smallint'}),
    'numrange': frozenset({'nummultirange'}),
    'oid': frozenset({
        'bigint', 'integer', 'regclass', 'regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper',
        'regoperator', 'regproc', 'regprocedure', 'regrole', 'regtype',
    }),
    'path': frozenset({'polygon'}),
    'point': frozenset({'box'}),
    'polygon': frozenset({'box', 'circle', 'path', 'point'}),
    'real': frozenset({'bigint', 'double precision', 'integer', 'numeric', 'smallint'}),
    'regclass': frozenset({'bigint', 'integer', 'oid'}),
    'regcollation': frozenset({'bigint', 'integer', 'oid'}),
    'regconfig': frozenset({'bigint', 'integer', 'oid'}),
    'regdictionary': frozenset({'bigint', 'integer', 'oid'}),
    'regnamespace': frozenset({'bigint', 'integer', 'oid'}),
    'regoper': frozenset({'bigint', 'integer', 'oid', 'regoperator'}),
    'regoperator': frozenset({'bigint', 'integer', 'oid', 'regoper'}),
    'regproc': frozenset({'bigint', 'integer', 'oid', 'regprocedure'}),
    'regprocedure': frozenset({'bigint', 'integer', 'oid', 'regproc'}),
    'regrole': frozenset({'bigint', 'integer', 'oid'}),
    'regtype': frozenset({'bigint', 'integer', 'oid'}),
    'smallint': frozenset({
        'bigint', 'double precision', 'integer', 'numeric', 'oid', 'real', 'regclass', 'regcollation', 'regconfig',
        'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure', 'regrole', 'regtype',
    }),
    'text': frozenset({'"char"', 'character', 'character varying', 'name', 'regclass', 'xml'}),
    'time with time zone': frozenset({'time without time zone'}),
    'time without time zone': frozenset({'interval', 'time with time zone'}),
    'timestamp with time zone': frozenset({
        'date', 'time with time zone', 'time without time zone', 'timestamp without time zone',
    }),
    'timestamp without time zone': frozenset({'date', 'time without time zone', 'timestamp with time zone'}),
    'tsrange': frozenset({'tsmultirange'}),
    'tstzrange': frozenset({'tstzmultirange'}),
    'xid8': frozenset({'xid'}),
    'xml': frozenset({'character', 'character varying', 'text'}),
}

# Casts later majors added: a migration may need them on the server it runs on, so they count (the
# table never refuses what some PostgreSQL accepts; --verify replays on the major that matters).
ADDED_IN_18 = frozenset({("smallint", "bytea"), ("integer", "bytea"), ("bigint", "bytea"), ("bytea", "smallint"),
                         ("bytea", "integer"), ("bytea", "bigint")})
for _source, _target in ADDED_IN_18:
    _CASTS[_source] = _CASTS.get(_source, frozenset()) | {_target}

# Category S: every type converts to and from these through its text form (I/O conversion).
STRING_TYPES = frozenset({"text", "character varying", "character", "name"})
INT_DIGITS = {"smallint": 5, "integer": 10, "bigint": 19}  # (the decimal digits of each integer type's widest value)
# The types of category S among the extensions' (pg.knowntypes.EXTENSION_TYPES; pg_type.typcategory, checked by
# tests/test_casts.py): Postgres's I/O conversion takes them as it takes text.
EXTENSION_STRING_TYPES = frozenset({"citext"})

_MODIFIER = re.compile(r"\(\s*\d+\s*(?:,\s*-?\d+\s*)?\)")


def base_and_dims(canonical: str) -> tuple[str, int]:
    """("numeric", 0) for numeric(10,2), ("timestamp with time zone", 1) for timestamp(3) with time zone[]."""
    text = " ".join(_MODIFIER.sub("", canonical).split())
    dims = 0
    while text.endswith("[]"):
        text, dims = text[:-2].rstrip(), dims + 1
    return text, dims


def converts(old: str, new: str) -> Optional[bool]:
    """Whether `CAST(value AS new)` exists for a value of type `old` (canonical spellings); None when
    either is not a built-in type (an enum, a domain, an extension's type): not known here."""
    (a, a_dims), (b, b_dims) = base_and_dims(old), base_and_dims(new)
    if a not in BUILTIN_TYPES or b not in BUILTIN_TYPES:
        return None
    if a_dims != b_dims:  # an array from or to a string goes through its text form; else nothing
        return (a in STRING_TYPES and a_dims == 0) or (b in STRING_TYPES and b_dims == 0)
    # Arrays convert element by element.
    return a == b or a in STRING_TYPES or b in STRING_TYPES or b in _CASTS.get(a, frozenset())


def is_string_type(base: str) -> bool:
    """A type of category S (`base` without modifiers nor brackets): Postgres's own, or an extension's (citext,
    schema-qualified or not)."""
    return base in STRING_TYPES or base.rpartition(".")[2].strip('"') in EXTENSION_STRING_TYPES


def converts_own(old: str, new: str, old_own: bool, new_own: bool) -> Optional[bool]:
    """Whether `CAST(value AS new)` exists where a side is a type of the schema's own (`old_own`, `new_own`: an
    enum, a composite, range or multirange type, or an array of one; domains followed down) with no cast declared:
    Postgres has none for these in pg_cast, only the I/O conversion (find_coercion_pathway) to any string type,
    from one to any type, and element by element between arrays of as many dimensions. None where neither side is
    one, or the other side is an extension's type (its casts are not known here)."""
    (a, a_dims), (b, b_dims) = base_and_dims(old), base_and_dims(new)
    if not (old_own or new_own):
        return None
    if (is_string_type(b) and (b_dims == 0 or b_dims == a_dims)) or \
            (is_string_type(a) and (a_dims == 0 or a_dims == b_dims)):
        return True
    if (a, a_dims) == (b, b_dims):
        return True
    if (not old_own and a not in BUILTIN_TYPES) or (not new_own and b not in BUILTIN_TYPES):
        return None
    return False


_TYPE = re.compile(r"^(?P<base>[^()\[\]]+?)(?:\((?P<params>[^)]*)\))?(?P<zone> with(?:out)? time zone)?(?P<array>\[\])?$")
_LENGTHS = frozenset({"text", "character varying"})  # (varchar's equality is text's: one operator, texteq)
_PRECISIONS = frozenset({"time without time zone", "time with time zone", "timestamp without time zone",
                         "timestamp with time zone"})


def type_parts(t: str) -> tuple[str, tuple[int, ...], bool]:
    """("numeric", (10, 2), False) for numeric(10,2), ("timestamp with time zone", (3,), True) for timestamp(3) with
    time zone[]; a modifier that is no number (geometry(Point,4326)) leaves the text whole, with none."""
    m = _TYPE.match(t)
    if not m:
        return t, (), False
    try:
        params = tuple(int(p) for p in m.group("params").split(",")) if m.group("params") else ()
    except ValueError:
        return t, (), False
    base = m.group("base").strip() + (m.group("zone") or "")
    return base, params, bool(m.group("array"))


def relabels(old: str, new: str) -> bool:
    """Whether ALTER COLUMN ... TYPE new over a column of `old` keeps every stored value as it is (no table rewrite,
    the same equality operator): the cast is binary-coercible, or a length coercion its support function says every
    value fits (tablecmds.c's ATColumnChangeRequiresRewrite): a varchar made longer, unbounded or text, text made
    varchar; a numeric given more precision at the same scale, or none; a time or timestamp given more fractional
    digits, or none. A foreign key over such a column is rebuilt by Postgres without a scan of its rows (the old
    key's check holds: TryReuseForeignKey); any other retype rewrites, and its key is checked over them again."""
    (a, am, a_array), (b, bm, b_array) = type_parts(old), type_parts(new)
    if a_array or b_array:
        return False
    if a in _LENGTHS and b in _LENGTHS:
        return not bm or (a == b and bool(am) and am[0] <= bm[0])
    if a != b or (a != "numeric" and a not in _PRECISIONS):
        return False
    if not bm:
        return True
    if not am:
        return False
    if a == "numeric":
        return (am + (0,))[1] == (bm + (0,))[1] and am[0] <= bm[0]
    return am[0] <= bm[0]
