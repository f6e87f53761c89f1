"""Every function name pg_catalog holds on the majors schemac serves (catalog_functions.txt, read once): a bare call of
one is Postgres's own, found under 17+'s restricted search_path (compare.restricted_path), not an extension's that
needs a path lent (builtin_arity's POSTGRES_ARITY holds only the 173 sqlglot builds, a subset); free of sqlglot, for
the diff's fast path."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def catalog_function_names() -> frozenset[str]:
    """pg_proc.proname of pg_catalog on 18, 16 and 15, their union (the file's lines but its '#' comments)."""
    text = files("schemac.pg").joinpath("catalog_functions.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.split("\n") if line and not line.startswith("#"))
