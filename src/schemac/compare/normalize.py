"""One normal form for SQL expressions, so the differ compares meaning rather than spelling.

schema.yaml says ``correlation_score BETWEEN 0 AND 1``; Postgres stores and deparses it as
``((correlation_score >= (0)::numeric) AND (correlation_score <= (1)::numeric))``. Both sides pass
through :func:`normal_form`, which undoes exactly the rewrites Postgres applies when it stores an
expression: parentheses, implicit casts of literals (and of columns to text), ``IN`` as
``= ANY (ARRAY[...])``, ``BETWEEN`` as two comparisons, ``-1`` as ``'-1'::integer``, ``now()`` as
``CURRENT_TIMESTAMP``, case folding of unquoted names, and numeric spelling (``0.10`` = ``0.1``).
The round-trip tests (generate -> apply -> introspect -> diff) keep this honest on real servers.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Optional

# Normal forms recorded by `schemac generate` (state.json) for schema.yaml's own expressions: `diff`
# then parses only the database's spellings. Filled by remember(), only with forms computed by this
# very code (fingerprint()).
_remembered: dict[str, str] = {}


@lru_cache(maxsize=None)
def fingerprint() -> str:
    """What normal forms depend on: this module, rewrite.py, literals.py, numeric_literals.py, implicit_casts.py,
    jsonpath.py, typed_literals.py and tsquery.py, the parser's and the dialect's code (with the operators and spellings it reads), sqlglot's version.
    A record made by other code is not used, even under the same schemac version number."""
    import hashlib
    import importlib.util

    # sqlglot's version as its _version.py states it, read without importing sqlglot (the fast path never does)
    spec = importlib.util.find_spec("sqlglot")
    digest = hashlib.sha256()
    if spec is not None and spec.origin is not None:
        with open(os.path.join(os.path.dirname(spec.origin), "_version.py"), "rb") as f:
            digest.update(f.read())
    here = os.path.dirname(os.path.abspath(__file__))
    pg = os.path.join(os.path.dirname(here), "pg")
    for path in (os.path.join(here, "normalize.py"), os.path.join(here, "rewrite.py"), os.path.join(here, "literals.py"),
                 os.path.join(here, "numeric_literals.py"), os.path.join(here, "implicit_casts.py"),
                 os.path.join(here, "jsonpath.py"), os.path.join(here, "typed_literals.py"),
                 os.path.join(here, "tsquery.py"),
                 os.path.join(pg, "expressions.py"), os.path.join(pg, "dialect.py"), os.path.join(pg, "operators.py"),
                 os.path.join(pg, "syntax.py"), os.path.join(pg, "keywordcalls.py"), os.path.join(pg, "verbatim.py"),
                 os.path.join(pg, "sqllex.py"), os.path.join(pg, "numerals.py"), os.path.join(pg, "intervals.py")):
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def recorded_forms(texts: "set[str]") -> dict:
    """The record of the normal forms of `texts`, for state.json."""
    return {"fingerprint": fingerprint(), "forms": {t: normal_form(t) for t in sorted(texts)}}


def remember(record: object) -> None:
    """Take a record made by recorded_forms() with this code; anything else is ignored."""
    if not isinstance(record, dict) or record.get("fingerprint") != fingerprint():
        return
    forms = record.get("forms")
    if isinstance(forms, dict):
        _remembered.update((k, v) for k, v in forms.items() if isinstance(k, str) and isinstance(v, str))


def normal_form(text: Optional[str]) -> Optional[str]:
    """Canonical SQL text of an expression (None stays None). Text sqlglot cannot read compares as itself,
    blank space and comments aside (pg.verbatim.normal_text)."""
    if text is None:
        return None
    known = _remembered.get(text)
    return known if known is not None else _normal_form(text)


@lru_cache(maxsize=16384)
def _normal_form(text: str) -> str:
    from schemac.compare.rewrite import parsed_normal_form  # sqlglot: only for a text not remembered

    return parsed_normal_form(text)


def same_expression(a: Optional[str], b: Optional[str]) -> bool:
    return normal_form(a) == normal_form(b)


def same_default(a: Optional[str], b: Optional[str], type_text: str) -> bool:
    """Two defaults of a column of `type_text`: a bare string literal is read as that type, as Postgres
    stores it ('off' on a boolean is `false`, '{1, 2}' on an integer[] is '{1,2}'::integer[])."""
    if a == b:  # the same text (most columns of a plan): no need to parse it
        return True
    return same_expression(_typed(a, type_text), _typed(b, type_text))


# DEFAULT NULL (or NULL::type): Postgres stores no default for a null constant. schema.yaml says it where an
# INHERITS child has no default on a column whose parent has one (a child's column takes its parent's default
# unless it declares its own).
_NULL_DEFAULT = re.compile(r'\s*null\s*(::\s*[\w ."]+(\[\])*)?\s*', re.IGNORECASE)


def _typed(default: Optional[str], type_text: str) -> Optional[str]:
    from schemac.compare.rewrite import is_string_literal

    if default is None or _NULL_DEFAULT.fullmatch(default):
        return None
    try:
        bare = is_string_literal(default)
    except ValueError:
        return default
    return f"CAST({default} AS {type_text})" if bare else default


def rename_column_in_expression(text: str, old: str, new: str) -> str:
    """The expression with every reference to column `old` now naming `new` (as Postgres does on RENAME)."""
    from schemac.compare.rewrite import renamed_column

    return renamed_column(text, old, new)
