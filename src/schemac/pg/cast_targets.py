"""A cast's target type as a key to compare types by: sqlglot's spelling of it in a cast, lower-cased unless quoted,
`public.` dropped, so that its aliases compare alike (int4 and integer, varchar and character varying). What the
loader's no-op casts (pg.noop_casts: a column cast to its own type) and the differ's domain casts
(compare.domain_casts: a domain's value cast to its base type) compare a cast's type with. sqlglot is imported
only when called (diff's fast path imports neither user)."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional


def target_key(to) -> Optional[str]:
    """The key of a parsed cast's target (`cast.to`), or None where sqlglot cannot print it."""
    from schemac.pg.dialect import DIALECT

    try:
        spelled = to.sql(dialect=DIALECT)
    except Exception:
        return None
    key = (spelled if '"' in spelled else spelled.lower()).removeprefix("public.")
    # `pg_catalog.int4`, pg_dump's spelling, is int4's (`integer`): pg_catalog is on every search path
    return (type_key(spelled[len("pg_catalog."):]) or key) if key.startswith("pg_catalog.") else key


@lru_cache(maxsize=4096)
def type_key(type_text: str) -> Optional[str]:
    """The key of a type written as text (a column's, a domain's base type), or None where it does not parse as a
    cast's type."""
    from sqlglot import exp

    from schemac.pg.expressions import parse_expression

    try:
        cast = parse_expression(f"CAST(NULL AS {type_text})")
    except Exception:
        return None
    if not isinstance(cast, exp.Cast) or isinstance(cast, exp.TryCast):
        return None
    return target_key(cast.to)
