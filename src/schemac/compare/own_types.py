"""The names of schema.yaml's own enums, domains, composite and range types in force, set with the search path by
compare.normalize.searched: public's bare (lower case), another schema's qualified (qualified_type). A call of one on a
string, `mood('happy')`, `app.mood('happy')`, is the cast Postgres stores, `'happy'::mood`, `'happy'::app.mood`
(compare.type_calls). A module of its own so that type_calls reads it without importing normalize."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Union

from schemac.pg.names import quote_ident
from schemac.pg.typetext import name_parts

_types: frozenset[str] = frozenset()
# (schema, name) of every type schema.yaml declares or names as external (its tables' and views' row types, its range
# types' multiranges): compare.cast_types tells by it a type the migration drops (set with `_types`). Or what computes
# them, called at the first read (most comparisons cast through no user type: they never walk every table for it).
Declared = Union[frozenset[tuple[str, str]], Callable[[], frozenset[tuple[str, str]]]]
_declared: Declared = frozenset()
# The domains among them, spelled as `_types`: a column's DEFAULT NULL over one is a default Postgres stores (a
# CoerceToDomain, not a null constant), which overrides the domain's own DEFAULT (compare.normalize.same_default).
_domains: frozenset[str] = frozenset()


def qualified_type(schema: str, name: str) -> str:
    """How user_types() holds a type of a schema other than public: `app.mood`, `"App"."Mood"` (quote_ident's)."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def own_type_named(text: str) -> bool:
    """Whether `text`, a type's name as SQL spells it (`mood`, `app.mood`, `"App"."Mood"`), is one in force."""
    return _named(text, _types)


def own_domain_named(text: str) -> bool:
    """own_type_named, of a domain (not an array of one)."""
    return _named(text, _domains)


def _named(text: str, names: frozenset[str]) -> bool:
    parts = name_parts(text)
    if len(parts) == 1:
        return parts[0].lower() in names
    return len(parts) == 2 and (qualified_type(*parts) in names or parts[0] == "public" and parts[1].lower() in names)


def user_types() -> frozenset[str]:
    """The names in force (`held`)."""
    return _types


def declared_in_force() -> frozenset[tuple[str, str]]:
    """(schema, name) of the types schema.yaml in force declares or names (`held`)."""
    return _declared() if callable(_declared) else _declared


@contextmanager
def held(types: frozenset[str], declared: Declared = frozenset(), domains: frozenset[str] = frozenset()) -> Iterator[None]:
    """`types` (and every type `declared`, or what computes them once asked: a cached callable; the `domains` among
    `types`) in force until the block ends."""
    global _types, _declared, _domains
    was, _types, had, _declared, were, _domains = _types, types, _declared, declared, _domains, domains
    try:
        yield
    finally:
        _types, _declared, _domains = was, had, were
