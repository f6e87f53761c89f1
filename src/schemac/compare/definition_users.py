"""What uses a collation or a range type whose definition changes: Postgres has no ALTER for either, so where nothing
uses it the migration drops it and creates it again (compare.usertypes: no value is held), and where something does
the plan refuses the change, naming these users. Read from the current model (the live database's read for `diff`,
the recorded state for `generate`): every object whose definition names it (a column, an index key, a CHECK, a
partition key, a domain, a composite type's attribute, another range, a view's query or column, a function's
arguments, result or body, an operator, a cast), as pg_depend would record it, or more (a name read as a word)."""

from __future__ import annotations

import re
from typing import Any, Union

from schemac.model import Collation, RangeType, Schema
from schemac.model.frozen import replace

_KINDS = (("table", "tables"), ("view", "views"), ("domain", "domains"), ("composite type", "composite_types"),
          ("range type", "range_types"), ("function", "functions"), ("aggregate", "aggregates"),
          ("operator", "operators"), ("cast", "casts"), ("operator class", "operator_classes"))


def _text(o: Any) -> str:
    """`o` as text, less its own name, source and comment (a word there is no use of anything)."""
    fields = {k: v for k, v in (("name", ""), ("source", None), ("comment", None)) if hasattr(o, k)}
    try:
        return repr(replace(o, **fields))
    except TypeError:
        return repr(o)


def definition_users(current: Schema, obj: Union[Collation, RangeType]) -> tuple[str, ...]:
    """What of `current` uses `obj` (a range type through its multirange too), as `kind schema.name`, in the model's
    order; () where nothing does."""
    names = {obj.name} | ({obj.multirange_name} if isinstance(obj, RangeType) else set())
    named = "(?:" + "|".join(re.escape(n) for n in sorted(names)) + ")"
    if isinstance(obj, RangeType):  # a type's name as a word, but no object's own name (`name='r'`: a column r)
        word = re.compile(rf"(?<![\w$])(?<!name=')(?<!name=\"){named}(?![\w$])")
    else:  # a collation: a `collation=` field's, or after COLLATE in an expression or query
        word = re.compile(rf"(?:(?i:COLLATE)\s+|collation=['\"])(?:[\w$]+\.|\"[^\"]*\"\.)?\"?{named}\"?(?![\w$])")
    out: list[str] = []
    for what, field in _KINDS:
        for o in getattr(current, field, ()):
            if o is obj or (what == "range type" and (o.schema, o.name) == (obj.schema, obj.name)):
                continue
            if word.search(_text(o)):
                name = getattr(o, "name", None)
                out.append(f"{what} {o.schema}.{name}" if name else f"{what} ({o.source_type} AS {o.target_type})")
    return tuple(dict.fromkeys(out))
