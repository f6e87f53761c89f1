"""The user types an expression casts through, which its normal form leaves out (compare.cast_forms drops a constant's
casts: Postgres adds them itself, `m = 'a'` on an enum m is stored `m = 'a'::mood`): `('x'::short)::text` and
`('x'::short2)::text` have one normal form, yet the first holds the domain `short` (pg_depend: DROP DOMAIN short is
refused under it) and the second `short2`. Read from the text's tokens (pg.verbatim.cast_names: the names after `::`),
never parsed, so that `schemac diff`'s fast path imports no sqlglot.

Only what cannot be a spelling is a difference: schema.yaml's expression casts through one of its own types (enum,
domain, composite, range) that the database's does not name (Postgres keeps every cast written, `'a'::mood` as
`'a'::mood`, `'x'::short` as `('x'::text)::short`), or the database's casts through a type schema.yaml neither
declares nor names (one the migration drops) that schema.yaml's does not. A type the database's names where
schema.yaml's writes a bare constant, and schema.yaml declares, is Postgres's own cast of it."""

from __future__ import annotations

from typing import Optional

from schemac.compare.own_types import declared_in_force, own_type_named, qualified_type
from schemac.pg.casts import BUILTIN_TYPES
from schemac.pg.knowntypes import EXTENSION_TYPES, declared_types
from schemac.pg.names import quote_ident
from schemac.pg.routines import PSEUDO_TYPES
from schemac.pg.types import name_parts
from schemac.pg.verbatim import cast_names

# Names a cast of Postgres's own types begins with (`::character varying` reads `character`, `::double precision`
# `double`), their other spellings, and the types of the extensions schemac knows: never a type the migration drops.
_BUILTIN = frozenset({t.split()[0].strip('"') for t in BUILTIN_TYPES} | {p.strip('"') for p in PSEUDO_TYPES} | {
    "int", "int2", "int4", "int8", "float4", "float8", "bool", "varchar", "bpchar", "char", "timestamptz", "timetz",
    "varbit", "decimal", "dec", "float", "pg_lsn", "pg_snapshot", "unknown", "int2vector", "oidvector"}
                     | {t for types in EXTENSION_TYPES.values() for t in types})


def declared_of(schema) -> frozenset[tuple[str, str]]:
    """(schema, name) of the types a model.Schema declares (enums, domains, composite and range types and their
    multiranges, its tables' and views' row types) or lists under external_types."""
    out = set(declared_types([*schema.enums, *schema.domains, *schema.composite_types, *schema.range_types,
                              *schema.tables, *schema.views]))
    for text in schema.external_types:
        parts = name_parts(text)
        out.add((parts[0], parts[1]) if len(parts) == 2 else ("public", parts[-1]))
    return frozenset(out)


def _own(schema: str, name: str) -> bool:
    """One of schema.yaml's own enums, domains, composite and range types (compare.own_types)."""
    return own_type_named(quote_ident(name) if schema == "public" else qualified_type(schema, name))


def _dropped(schema: str, name: str) -> bool:
    """A type schema.yaml neither declares nor names, nor Postgres's own or a known extension's."""
    if schema == "pg_catalog" or name.lower() in _BUILTIN and schema == "public" or name in _BUILTIN:
        return False
    declared = declared_in_force()
    return (schema, name) not in declared and (schema != "public" or (schema, name.lower()) not in declared)


def casts_moved(current: Optional[str], desired: Optional[str]) -> bool:
    """Whether the database's expression `current` and schema.yaml's `desired`, of one normal form, cast through
    other user types (see the module's docstring)."""
    if current is None or desired is None or current == desired:
        return False
    was, will = cast_names(current), cast_names(desired)
    if was == will:
        return False
    return any(_own(*t) for t in will - was) or any(_dropped(*t) for t in was - will)


def defaults_moved(current, desired) -> frozenset[str]:
    """The columns of two views (or tables) whose defaults cast through other user types (casts_moved)."""
    was = {c.name: c.default for c in current.columns}
    return frozenset(c.name for c in desired.columns if casts_moved(was.get(c.name), c.default))


def index_casts_moved(current, desired) -> bool:
    """Whether an index's (or EXCLUDE's) expressions or WHERE, the database's `current` and schema.yaml's `desired`,
    cast through other user types (casts_moved)."""
    return casts_moved(current.where, desired.where) or len(current.elements) == len(desired.elements) and any(
        casts_moved(a.expression, b.expression) for a, b in zip(current.elements, desired.elements))


def checks_moved(current, desired) -> frozenset[str]:
    """The names of two domains' CHECKs whose expressions cast through other user types (casts_moved)."""
    was = {c.name: c.expression for c in current.checks}
    return frozenset(c.name for c in desired.checks if casts_moved(was.get(c.name), c.expression))
