"""One normal form for SQL expressions, so the differ compares meaning rather than spelling.

schema.yaml says ``correlation_score BETWEEN 0 AND 1``; Postgres stores and deparses it as
``((correlation_score >= (0)::numeric) AND (correlation_score <= (1)::numeric))``. Both sides pass
through :func:`normal_form`, which undoes exactly the rewrites Postgres applies when it stores an
expression: parentheses, implicit casts of literals (and of columns to text), ``IN`` as
``= ANY (ARRAY[...])``, ``BETWEEN`` as two comparisons, ``-1`` as ``'-1'::integer``, case folding of
unquoted names, and numeric spelling (``0.10`` = ``0.1``). Not ``now()`` as ``CURRENT_TIMESTAMP``: Postgres keeps
each as written (pg_get_expr on 15, 16 and 18), so a changed spelling is a change (ALTER COLUMN ... SET DEFAULT).
The round-trip tests (generate -> apply -> introspect -> diff) keep this honest on real servers.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
import functools
from functools import lru_cache
from typing import Callable, ContextManager, Iterable, Iterator, Optional

from schemac.compare.own_types import Declared, held, own_domain_named, qualified_type, user_types

# The schemas after public on the search_path an unqualified name is read under: those of the extensions schema.yaml
# declares outside public and pg_catalog (`extension_path`; Supabase's `extensions`), which the migration's search_path
# holds (plan.preamble). A name of one of them is the bare name in a normal form (compare.on_path): `ext.nlevel(p)`,
# as the catalog reader (search_path public) prints it, is `nlevel(p)` as schema.yaml writes it. Set for a comparison
# and its plan by `searched`, around them (differ.diff, generate, diff); () by default: public alone.
_path: tuple[str, ...] = ()
# Normal forms recorded by `schemac generate` (state.json) for schema.yaml's own expressions, by the search path
# they were made under: `diff` then parses only the database's spellings. Filled by remember(), only with forms
# computed by this very code (fingerprint()). _remembered: those of the path in force.
_by_path: dict[tuple[tuple[str, ...], frozenset[str]], dict[str, str]] = {((), frozenset()): {}}
_remembered: dict[str, str] = _by_path[((), frozenset())]
# The operator symbols whose bare use the migration names pg_catalog's (compare.captures, plan.captured: intarray's
# schema on the path), set with the path; the normal forms do not depend on it.
_captured: frozenset[str] = frozenset()


# Extensions whose operators take the place of pg_catalog's on its own types where their schema is on the search_path:
# intarray's `@>`, `&&`, `<@` (integer[], integer[]) are exact where pg_catalog's (anyarray) are polymorphic, so a bare
# `tags @> ARRAY[1]` that meant pg_catalog's (a deparse prints no cast to tell) would call intarray's. Their schema is
# not put on the path for them (another declared extension's there takes it along: the path has no finer grain).
_NOT_ON_PATH = frozenset({"intarray"})


def extension_path(extensions: Iterable) -> tuple[str, ...]:
    """The schemas of the extensions (model.Extension) outside public and pg_catalog, sorted: what `searched` takes."""
    return tuple(sorted({e.schema for e in extensions if e.schema and e.schema not in ("public", "pg_catalog")
                         and e.name not in _NOT_ON_PATH}))


def search_path() -> tuple[str, ...]:
    """The schemas after public on the search_path in force (`searched`)."""
    return _path


def captured() -> frozenset[str]:
    """The operator symbols in force whose bare use the migration names pg_catalog's (`searched`)."""
    return _captured


def on_desired_path(fn: Callable) -> Callable:
    """`fn(current, desired, ...)` run under `searched` of desired's extensions and types (compare.differ.diff)."""
    @functools.wraps(fn)
    def run(current, desired, *args, **kwargs):
        with schema_searched(desired):
            return fn(current, desired, *args, **kwargs)
    return run


def schema_searched(schema) -> ContextManager[None]:
    """`extensions_searched` of a model.Schema's extensions, with its own types' names (compare.own_types) and what
    computes, once asked, every type it declares (compare.cast_types.declared_of: only an expression casting through a
    user type asks)."""
    own = [t for kind in (schema.enums, schema.domains, schema.composite_types, schema.range_types) for t in kind]
    return extensions_searched(schema.extensions, _spelled(own), functools.cache(lambda: _declared_of(schema)),
                               _spelled(schema.domains))


def _spelled(types: Iterable) -> frozenset[str]:
    """The names of `types` as compare.own_types holds them: public's bare (lower case), another schema's qualified."""
    return frozenset(t.name.lower() if t.schema == "public" else qualified_type(t.schema, t.name) for t in types)


def _declared_of(schema) -> frozenset[tuple[str, str]]:
    from schemac.compare.cast_types import declared_of

    return declared_of(schema)


def extensions_searched(extensions: Iterable, types: frozenset[str] = frozenset(),
                        declared: Declared = frozenset(), domains: frozenset[str] = frozenset()) -> ContextManager[None]:
    """`searched` with the path (and the captured symbols: compare.captures) of the migration of `extensions`."""
    from schemac.compare.captures import captured_symbols

    extensions = tuple(extensions)
    path = extension_path(extensions)
    return searched(path, captured_symbols(extensions, path), types, declared, domains)


@contextmanager
def searched(path: tuple[str, ...], symbols: frozenset[str] = frozenset(), types: frozenset[str] = frozenset(),
             declared: Declared = frozenset(), domains: frozenset[str] = frozenset()) -> Iterator[None]:
    """Normal forms (and plan.preamble's search_path) with `path` after public, plan.captured's `symbols` and the
    schema's own `types` (and the (schema, name) of every type it declares: compare.cast_types; the `domains` among
    `types`: same_default), until the block ends."""
    global _path, _remembered, _captured
    before, was, had = _path, _captured, user_types()
    _path, _remembered, _captured = path, _by_path.setdefault((path, types), {}), symbols
    try:
        with held(types, declared, domains):
            yield
    finally:
        _path, _remembered, _captured = before, _by_path.setdefault((before, had), {}), was


@lru_cache(maxsize=None)
def fingerprint() -> str:
    """What normal forms depend on: this module, rewrite.py (cast_forms.py, predicate_forms.py), literals.py,
    numeric_literals.py, implicit_casts.py, jsonpath.py, typed_literals.py (and pg/ewkb.py), time_ranges.py,
    in_lists.py, chains.py, tsquery.py, late_bound.py and type_calls.py (and the type names it reads, pg/casts.py and
    pg/knowntypes.py, and own_types.py with pg/typetext.py), the parser's and the dialect's code (with the operators
    and spellings it reads), sqlglot's version. A record made by other code is not used, even under the same schemac
    version number."""
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
                 os.path.join(here, "tsquery.py"), os.path.join(here, "on_path.py"), os.path.join(here, "time_ranges.py"),
                 os.path.join(here, "in_lists.py"), os.path.join(here, "type_calls.py"), os.path.join(here, "chains.py"),
                 os.path.join(here, "late_bound.py"), os.path.join(here, "own_types.py"),
                 os.path.join(here, "cast_forms.py"), os.path.join(here, "predicate_forms.py"),
                 os.path.join(pg, "expressions.py"), os.path.join(pg, "partition_texts.py"), os.path.join(pg, "dialect.py"), os.path.join(pg, "dialect_printers.py"),
                 os.path.join(pg, "operators.py"),
                 os.path.join(pg, "syntax.py"), os.path.join(pg, "keywordcalls.py"), os.path.join(pg, "verbatim.py"),
                 os.path.join(pg, "sqllex.py"), os.path.join(pg, "numerals.py"), os.path.join(pg, "intervals.py"),
                 os.path.join(pg, "path_names.py"), os.path.join(pg, "ewkb.py"), os.path.join(pg, "casts.py"),
                 os.path.join(pg, "knowntypes.py"), os.path.join(pg, "typetext.py")):
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def recorded_forms(texts: "set[str]") -> dict:
    """The record of the normal forms of `texts` under the search path in force, for state.json."""
    return {"fingerprint": fingerprint(), **({"search_path": list(_path)} if _path else {}),
            **({"types": sorted(user_types())} if user_types() else {}),
            "forms": {t: normal_form(t) for t in sorted(texts)}}


# Records remember() was given, taken in (or turned down) at the first normal form asked: whether one was made by this
# code is known by reading ~20 modules' text (fingerprint()), which an in-sync `diff`, comparing no expression it has
# no same text for on both sides, never needs (~3.5 ms of its CPU at each run, and the files' reads).
_unchecked: list[dict] = []


def remember(record: object) -> None:
    """Take a record made by recorded_forms() with this code; anything else is ignored. Its forms serve
    where its search path is in force, from the first normal form asked (when the record is checked)."""
    if isinstance(record, dict):
        _unchecked.append(record)


def _take_unchecked() -> None:
    """The records remember() was given, those fingerprint() holds made by this code taken in, in their order."""
    while True:
        try:
            record = _unchecked.pop(0)
        except IndexError:  # (none left, or another thread took the last)
            return
        if record.get("fingerprint") != fingerprint():
            continue
        forms, path, types = record.get("forms"), record.get("search_path", []), record.get("types", [])
        if isinstance(forms, dict) and all(isinstance(x, list) and all(isinstance(p, str) for p in x)
                                           for x in (path, types)):
            _by_path.setdefault((tuple(path), frozenset(types)), {}).update(
                (k, v) for k, v in forms.items() if isinstance(k, str) and isinstance(v, str))


def normal_form(text: Optional[str]) -> Optional[str]:
    """Canonical SQL text of an expression (None stays None). Text sqlglot cannot read compares as itself,
    blank space and comments aside (pg.verbatim.normal_text)."""
    if text is None:
        return None
    if _unchecked:
        _take_unchecked()
    known = _remembered.get(text)
    return known if known is not None else _normal_form(text, _path, user_types())


@lru_cache(maxsize=16384)
def _normal_form(text: str, path: tuple[str, ...], types: frozenset[str]) -> str:
    from schemac.compare.rewrite import parsed_normal_form  # sqlglot: only for a text not remembered

    return parsed_normal_form(text, path)  # (compare.type_calls reads `types` in force: user_types())


def same_expression(a: Optional[str], b: Optional[str]) -> bool:
    return normal_form(a) == normal_form(b)


def same_scales(a: Optional[str], b: Optional[str]) -> bool:
    """Whether the number literals of two expressions of one normal form were written with the same scales, where both
    are known (compare.rewrite.literal_scales). Postgres stores a numeric constant with its scale, which numeric's
    arithmetic carries to the value: `a * 1.0` gives 2.0 where `a * 1.00` gives 2.00 (and pg_get_expr tells them apart)."""
    if a == b or a is None or b is None or _NUMBERS.findall(a) == _NUMBERS.findall(b):
        return True  # (the same number spellings in the same order: the same scales, and no parse on the fast path)
    x, y = _scales(a, _path, user_types()), _scales(b, _path, user_types())
    return len(x) != len(y) or all(p is None or q is None or p == q for p, q in zip(x, y))


# A number as written, not part of a name: what same_scales looks at before it parses (a `$1`, `x1` or `"a1"` is none).
_NUMBERS = re.compile(r'(?<![\w$."])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?')


@lru_cache(maxsize=4096)
def _scales(text: str, path: tuple[str, ...], types: frozenset[str]) -> tuple:
    from schemac.compare.literal_scales import literal_scales

    return literal_scales(text, path)


def same_values(a: Optional[str], b: Optional[str]) -> bool:
    """same_expression, and the same scales of its number literals: for an expression whose values are stored (a
    generated column's, an index's key), which a literal's scale changes (`a * 1.0`, `a * 1.00` of a numeric a)."""
    return same_expression(a, b) and same_scales(a, b)


def same_default(a: Optional[str], b: Optional[str], type_text: str) -> bool:
    """Two defaults of a column of `type_text`: a bare string literal is read as that type, as Postgres
    stores it ('off' on a boolean is `false`, '{1, 2}' on an integer[] is '{1,2}'::integer[])."""
    if a == b:  # the same text (most columns of a plan): no need to parse it
        return True
    from schemac.compare.numeric_literals import stored_number

    x, y = stored_number(a), stored_number(b)
    if x is not None and y is not None:  # (the scale written is kept: DEFAULT 5.0 is not DEFAULT 5)
        return x == y
    x, y = _typed(a, type_text), _typed(b, type_text)
    return same_expression(x, y) and same_scales(x, y)  # (DEFAULT 2.50 * 3 inserts 7.50, DEFAULT 2.5 * 3 7.5)


def same_cast_default(current: Optional[str], desired: Optional[str], type_text: str) -> bool:
    """same_default of the database's default `current` and schema.yaml's `desired`, casting through the same user
    types (compare.cast_types: `('x'::short)::text` is not `('x'::short2)::text`)."""
    from schemac.compare.cast_types import casts_moved

    return same_default(current, desired, type_text) and not casts_moved(current, desired)


# DEFAULT NULL: Postgres stores no default for a null constant, but stores one where the null is coerced on the way
# to the column's type: a type with modifiers (`NULL::character varying` on a varchar(10), `NULL::numeric` on a
# numeric(8,2), the length coercion; not an interval's, whose constant takes them) and a domain (`NULL::integer`,
# a CoerceToDomain, which overrides the domain's DEFAULT; Doctrine DBAL writes DEFAULT NULL on every nullable
# column). schema.yaml says each of the three states once: no `default:` none; the stored one as Postgres prints it,
# a cast (`NULL::character varying`, which inspect writes); a bare `NULL` none either, even where its parent has a
# default (an INHERITS child whose default was dropped: schemafile.inherits.own_columns), which plan.ddl builds
# (left out, and DROP DEFAULT after CREATE TABLE ... INHERITS, where DEFAULT NULL would store one: bare_null_stored).
_NULL_DEFAULT = re.compile(r'\s*null\s*(::\s*[\w ."]+(\([^()]*\)[\w ]*)?(\[\])*)?\s*', re.IGNORECASE)
_MODIFIED = re.compile(r'[^(]*\(', re.IGNORECASE)


def null_stored(type_text: str) -> bool:
    """Whether Postgres stores a default for DEFAULT NULL on a column of `type_text` (see _NULL_DEFAULT)."""
    return own_domain_named(type_text) or (_MODIFIED.match(type_text) is not None
                                           and not type_text.lower().startswith("interval"))


def bare_null_stored(default: Optional[str], type_text: str) -> bool:
    """Whether `default` is schema.yaml's bare `NULL` (no default) on a type where DEFAULT NULL would store one: the
    plan leaves it out (and drops an INHERITS parent's after CREATE TABLE) instead of writing it."""
    m = default is not None and _NULL_DEFAULT.fullmatch(default)
    return bool(m) and m.group(1) is None and null_stored(type_text)  # type: ignore[union-attr]


def written_default(default: Optional[str], type_text: str) -> Optional[str]:
    """The DEFAULT the plan writes for `default` on `type_text`: none for none or for a bare NULL (bare_null_stored)."""
    return None if default is None or bare_null_stored(default, type_text) else default


def _typed(default: Optional[str], type_text: str) -> Optional[str]:
    from schemac.compare.rewrite import is_string_literal

    if default is None:
        return None
    null = _NULL_DEFAULT.fullmatch(default)
    if null:
        return "NULL" if null.group(1) is not None and null_stored(type_text) else None
    try:
        bare = is_string_literal(default)
    except ValueError:
        return default
    if not bare:
        return default
    if type_text.lower().startswith(("numeric", "decimal")):  # (stored `'0'::numeric`: a precision only at INSERT,
        from schemac.pg.routines import without_modifiers  # which the normal form keeps where a cast is written)

        type_text = without_modifiers(type_text)
    return f"CAST({default} AS {type_text})"


def rename_column_in_expression(text: str, old: str, new: str) -> str:
    """The expression with every reference to column `old` now naming `new` (as Postgres does on RENAME)."""
    from schemac.compare.rewrite import renamed_column

    return renamed_column(text, old, new)
