"""Column types: spell them the way Postgres's ``format_type()`` does (parsed by sqlglot, pg.typeparse,
unless the text already is such a spelling of a built-in type, or a user's type named by one word or quoted).

Both faces of the model store this canonical spelling, so ``int4``, ``int`` and ``integer`` (or
``timestamptz`` and ``timestamp with time zone``) are one type to the differ, and reports show what
``\\d`` would show.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from schemac.pg.typetext import (_POSTGIS_TYPE, _VARBIT, NEGATIVE_SCALE, TypeSyntaxError, _with_modifiers, named_type,
                                 name_parts, plain_type)
from schemac.pg.catalog_relations import CATALOG_RELATIONS
from schemac.pg.keywords import quoted_type_is_builtin
from schemac.pg.typmods import ModifierError

__all__ = ["TypeSyntaxError", "build_type", "canonical_type", "is_known_spelling", "is_text_like", "is_user_defined", "name_parts",
           "type_name"]

if TYPE_CHECKING:
    from sqlglot import exp

# format_type()'s spellings of the common built-in types, each its own canonical spelling (the parser's
# result for it: tests/test_types.py holds them equal), with modifiers and one []: what the catalog reads
# back needs no parse (nor sqlglot's import, on `schemac diff`'s fast path).
_KNOWN = frozenset("""
bigint integer smallint numeric real boolean text bytea date interval uuid json jsonb inet cidr macaddr money xml
name oid tsvector tsquery point int4range int8range numrange daterange tsrange tstzrange int4multirange
int8multirange nummultirange datemultirange tsmultirange tstzmultirange
""".split()) | {"double precision", "character varying", "timestamp with time zone", "timestamp without time zone",
                "time with time zone", "time without time zone"}
_KNOWN_WITH_MODIFIERS = re.compile(r"(?:character varying|character|bit)\([1-9][0-9]*\)|numeric\([1-9][0-9]*,(?:0|[1-9][0-9]*)\)"
                                   r"|(?:timestamp|time)\([0-6]\) with(?:out)? time zone|interval\([0-6]\)")


@lru_cache(maxsize=4096)
def canonical_type(text: str) -> str:
    """Return Postgres's canonical spelling of a type, or raise TypeSyntaxError."""
    if not isinstance(text, str) or not text.strip():
        raise TypeSyntaxError("type is empty")
    base = text[:-2] if text.endswith("[]") else text
    if base in _KNOWN or _KNOWN_WITH_MODIFIERS.fullmatch(base):
        return text
    m = _VARBIT.match(text)
    if m:
        base = f"bit varying({m.group(1)})" if m.group(1) else "bit varying"
        return base + ("[]" if m.group(2).strip() else "")
    m = NEGATIVE_SCALE.match(text)
    if m:
        precision, scale = int(m.group(1)), int(m.group(2).replace(" ", ""))
        if not (1 <= precision <= 1000 and -1000 <= scale <= 1000):
            raise TypeSyntaxError(f"'{text.strip()}': NUMERIC precision must be between 1 and 1000 and its scale "
                                  "between -1000 and 1000")
        return f"numeric({precision},{scale})" + "[]" * m.group(3).count("[")
    try:
        named = named_type(text)
    except ModifierError as e:
        raise TypeSyntaxError(f"'{text.strip()}': {e}") from None
    if named is not None:
        return _unqualified_public(named)
    if _POSTGIS_TYPE.match(text):  # sqlglot refuses an SRID of -1 (PostGIS 1's "unknown")
        return _with_modifiers(text)
    if ";" in text or text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        raise TypeSyntaxError(f"'{text}' is not a type")
    plain = plain_type(text)  # a user's or an extension's type by one word: no sqlglot either
    if plain is not None:
        return plain
    from schemac.pg.typeparse import parsed_type  # sqlglot: only for a spelling not in _KNOWN

    return parsed_type(text)


def _unqualified_public(named: str) -> str:
    """`public.mood` as format_type() spells it, `mood` (the catalog is read with public on the search path),
    unless the bare name would be one of Postgres's own types (`public.text`, `public.int4`, the row type
    `public.pg_attrdef` of a table named as a catalog's stay qualified)."""
    parts = name_parts(re.sub(r"(\(.*\))?(\[\])*$", "", named))
    if len(parts) != 2 or parts[0] != "public" or not named.startswith("public."):
        return named
    bare = named[len("public."):]
    if parts[1] in CATALOG_RELATIONS:  # a table of public's named as a catalog's: pg_catalog's row type is found first
        return named
    if bare.startswith('"'):  # `public."integer"`: format_type() spells it bare unless pg_catalog has the name
        return named if quoted_type_is_builtin(parts[1]) else bare
    if re.fullmatch(r"[a-z_][a-z0-9_ ]*", parts[1]):  # a name Postgres's own could have (quoted or not)
        try:
            if canonical_type(parts[1]) != parts[1] or parts[1] in _KNOWN:
                return named  # Postgres's own name (int4 is integer): the public one needs its schema
        except TypeSyntaxError:
            pass
    return bare


def build_type(canonical: str) -> "exp.DataType":
    """A sqlglot type node for DDL, from the canonical spelling (a fresh copy: callers embed it)."""
    from schemac.pg.typeparse import build_type as build

    return build(canonical)


def is_known_spelling(canonical: str) -> bool:
    """One of format_type()'s spellings of the common built-in types (_KNOWN, with modifiers, one []): known
    without a parse."""
    base = canonical[:-2] if canonical.endswith("[]") else canonical
    return base in _KNOWN or _KNOWN_WITH_MODIFIERS.fullmatch(base) is not None


def is_user_defined(canonical: str) -> bool:
    """An enum, a domain, a composite or an extension's type: not one of Postgres's own (typeparse's)."""
    from schemac.pg.typeparse import is_user_defined as user_defined

    return user_defined(canonical)


def is_text_like(canonical: str) -> bool:
    return canonical.startswith(("character varying", "character", "text", "bpchar", "name"))


@lru_cache(maxsize=4096)
def type_name(type_text: str) -> tuple[str, str]:
    """(schema, name) of the type a column is of, without modifiers or array brackets; "public" when
    unqualified (built-in types then name no object schema.yaml declares)."""
    base = re.sub(r"(\[\d*\])+$", "", type_text.strip())
    base = re.sub(r"\([^()]*\)$", "", base).strip()
    parts = name_parts(base) if '"' in base or "." in base else [base]
    return (parts[0], parts[1]) if len(parts) == 2 else ("public", parts[-1])
