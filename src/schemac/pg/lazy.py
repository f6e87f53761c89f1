"""Functions imported on their first call: what `schemac diff`'s fast path may never need (the parsers
of pg.expressions, pg.sqlbody, pg.policies, pg.views and the sqlglot they import, an eighth of the fast
path's time at 1,000 tables) is bound by name where it is used, and imported only when it is called."""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported when first called."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported on its first call (schemac.pg.lazy)."
    return call
