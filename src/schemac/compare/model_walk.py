"""A model object rewritten where a rename reaches it (a type moved: compare.type_moves; a collation set aside:
compare.collation_asides): Postgres holds the renamed object by OID, so every field naming it, and the SQL text it
stores parsed, prints the new name afterwards. Each value is rebuilt only where something in it changed (the same
object otherwise: callers and the differ compare with `is`)."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Optional

from schemac.model import Dependency
from schemac.model.frozen import replace

# Fields no rename of what they read reaches: the object's own name and place, its privileges and owner, a comment,
# what it was renamed from, and a source text Postgres keeps as written.
_KEPT = frozenset(("source", "renamed_from", "grants", "owner", "name", "schema", "comment"))


def rewritten(obj: Any, leaf: Callable[[Any, Optional[str]], Any], skipped: Callable[[Any, str], bool],
              field: Optional[str] = None) -> Any:
    """`obj` (a model object, a tuple of them, or a field's value) with `leaf(value, field)` in place of each string
    and each dependency (a view's read) it holds, `field` the name of the field holding it; not in `skipped(object,
    field name)`'s fields, nor _KEPT's, nor a body Postgres keeps as text (a SQL-standard body is stored parsed)."""
    if isinstance(obj, (str, Dependency)):
        return leaf(obj, field)
    if isinstance(obj, tuple):
        items = tuple(rewritten(x, leaf, skipped, field) for x in obj)
        return obj if all(a is b for a, b in zip(items, obj)) else items
    if not dataclasses.is_dataclass(obj):
        return obj
    changed = {}
    for f in dataclasses.fields(obj):
        if not f.init or f.name in _KEPT or f.name == "body" and not getattr(obj, "standard_body", False) or \
                skipped(obj, f.name):
            continue
        value = getattr(obj, f.name)
        new = rewritten(value, leaf, skipped, f.name)
        if new is not value and new != value:
            changed[f.name] = new
    return replace(obj, **changed) if changed else obj
