"""The bare names of schema.yaml's own enums, domains, composite and range types (of public) in force, set with the
search path by compare.normalize.searched: a call `mood('happy')` of one on a string is the cast Postgres stores,
`'happy'::mood` (compare.type_calls). A module of its own so that type_calls reads it without importing normalize."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

_types: frozenset[str] = frozenset()


def user_types() -> frozenset[str]:
    """The names in force (`held`)."""
    return _types


@contextmanager
def held(types: frozenset[str]) -> Iterator[None]:
    """`types` in force until the block ends."""
    global _types
    was, _types = _types, types
    try:
        yield
    finally:
        _types = was
