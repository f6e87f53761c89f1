"""A call named as a type, `int4(d)`, `geometry('POINT(0 0)')`, as the cast Postgres stores for it (the normal form of
compare.rewrite).

Postgres reads a one-argument call `name(x)` whose name is a type's (parse_func's func_get_detail) as the cast of x
to that type when no function of that name takes x's type, and always when x is a string literal: an unknown-typed
constant is never an exact match, so `typename('literal')` is stored as the literal cast to the type,
`'010100000000000000000000000000000000000000'::geometry`, `'BOX(0 0,1 1)'::box2d`, `'[1,5)'::int4range`, `'(1,2)'::point`,
whatever the type: a built-in one or an extension's (pg.knowntypes). Over any other argument only the built-in names
whose call is a cast (_TYPE_CALLS) read so: `geography(g)` of a geometry g calls PostGIS's cast function, which
Postgres keeps as that call."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp
from sqlglot.errors import ParseError

from schemac.compare.own_types import qualified_type, user_types
from schemac.pg.casts import BUILTIN_TYPES
from schemac.pg.dialect import DIALECT
from schemac.pg.knowntypes import EXTENSION_TYPES

# Types whose name a one-argument call may be: Postgres calls the function of pg_catalog of that name where one takes
# the argument's type (int4(real), date(timestamp): the cast's own function, pg_cast), else reads the call as a cast
# (func_get_detail's coercion path: `int4(d)` of a text d is stored `(d)::integer`, `text(v)` of a varchar
# `(v)::text`). Either way it is the cast to the type: the normal form is the cast.
_TYPE_CALLS = frozenset(("int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar", "bpchar", "bool",
                         "date", "timestamptz", "uuid", "jsonb", "bytea", "inet", "cidr", "macaddr", "name", "oid"))
# Every type name a call can spell (one word): called on a string literal, the call is that literal's cast.
_LITERAL_TYPE_CALLS = _TYPE_CALLS | {n for n in BUILTIN_TYPES if n.isidentifier()} \
    | {t for types in EXTENSION_TYPES.values() for t in types}


def _string(arg: exp.Expression) -> bool:
    """A string literal, or one cast to text: where a function of the type's name takes text (a function of the
    schema's own so named, `semver(v text)`), Postgres stores the call `semver('1.0.0'::text)`, which so reads as
    schema.yaml's `semver('1.0.0')` does."""
    if isinstance(arg, exp.Cast) and isinstance(arg.to, exp.DataType) and arg.to.this == exp.DataType.Type.TEXT:
        arg = arg.this
    return isinstance(arg, exp.Literal) and arg.is_string


def type_call(node: exp.Expression) -> Optional[exp.Cast]:
    """`int4(d)` (a call named as a type, _TYPE_CALLS) or `geometry('POINT(0 0)')` (a type's name called on a string
    literal, _LITERAL_TYPE_CALLS) as the cast `CAST(d AS INT)`; else None."""
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) and isinstance(node.expression, exp.Anonymous):
        return _qualified_call(node.this, node.expression)
    if isinstance(node, exp.Date) and all(not v for k, v in node.args.items() if k != "this"):
        name, args = "date", [node.this]
    elif isinstance(node, exp.Anonymous) and isinstance(node.this, (str, exp.Identifier)):
        name, args = (node.this if isinstance(node.this, str) else node.this.this).lower(), node.expressions
    else:
        return None
    if len(args) != 1 or isinstance(node.parent, exp.Dot) and node.arg_key == "expression":
        return None  # (`public.geometry('...')`: read once compare.on_path has taken its schema off, else a call)
    literal = _string(args[0])
    if name not in (_LITERAL_TYPE_CALLS if literal else _TYPE_CALLS) and not (literal and name in user_types()):
        return None  # (a type of the schema's own, `mood('happy')`, is `'happy'::mood`: compare.own_types)
    try:
        to = exp.DataType.build(name, dialect=DIALECT)
    except ParseError:  # a type sqlglot has no node for (box2d, tsvector, citext): a named one
        to = exp.DataType.build(name, dialect=DIALECT, udt=True)
    return exp.Cast(this=args[0], to=to)


def _folded(name: exp.Identifier | str) -> str:
    """A name as Postgres reads it: a quoted one as written, another in lower case."""
    return name.this if isinstance(name, exp.Identifier) and name.quoted else str(getattr(name, "this", name)).lower()


def _qualified_call(schema: exp.Identifier, call: exp.Anonymous) -> Optional[exp.Cast]:
    """`app.mood('happy')`, `"App"."Mood"('happy')`: a type of schema.yaml's own in another schema than public
    (compare.own_types) called on a string, the cast Postgres stores (`'happy'::app.mood`); else None."""
    if not isinstance(call.this, (str, exp.Identifier)) or len(call.expressions) != 1 or not _string(call.expressions[0]):
        return None
    name = qualified_type(_folded(schema), _folded(call.this))
    if name not in user_types():
        return None
    return exp.Cast(this=call.expressions[0], to=exp.DataType.build(name, dialect=DIALECT, udt=True))
