"""How a collation another object uses (a column's, a domain's, an index key's, an attribute's, a range's
COLLATE) is named, in the model, in schema.yaml and in SQL.

pg_catalog's and public's collations go by their bare name, as they always did (the search path finds
them; pg_catalog's names hold dots: en_US.utf8, C.utf8). A collation of any other schema is qualified.
The model holds it as SQL spells it, always quoted (`"ops"."bytewise"`), so it cannot be taken for a
bare dotted name; schema.yaml writes it `ops.bytewise`, which the loader reads as qualified when `ops`
is pg_catalog, public, a schema the file declares (`schemas:`) or one it has a collation of its own in,
else as one name; `"ops"."bytewise"` (quoted as SQL) is qualified whatever the schema.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import AbstractSet, Optional

UNQUALIFIED = ("pg_catalog", "public")
_QUALIFIED = re.compile(r'"((?:[^"]|"")*)"\."((?:[^"]|"")*)"')
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def collation_ref(schema: str, name: str) -> str:
    """The model's name of schema's collation `name`."""
    return name if schema in UNQUALIFIED else f"{_quoted(schema)}.{_quoted(name)}"


def ref_parts(ref: str) -> tuple[Optional[str], str]:
    """(schema, name) of a model collation name; schema None for a bare one (pg_catalog's or public's)."""
    qualified = _QUALIFIED.fullmatch(ref) if ref.startswith('"') else None
    if qualified is None:  # a bare name may itself begin with a quote (`"`, `"C"` with its quotes)
        return None, ref
    schema, name = (p.replace('""', '"') for p in qualified.groups())
    return schema, name


def collate_sql(ref: str) -> str:
    """The collation as COLLATE names it in SQL."""
    schema, name = ref_parts(ref)
    return _quoted(name) if schema is None else ref


# The schemas where the file being written reads `x.y` as qualified (from_yaml's): set by the writer at
# the start of each dump (spelled_for), so that the spec functions need not carry them.
_WRITTEN_SCHEMAS: ContextVar[AbstractSet[str]] = ContextVar("written_collation_schemas", default=frozenset())


def spelled_for(schemas: AbstractSet[str]) -> None:
    """yaml_spelling() from here on is for a file whose `x.y` is qualified where x is one of `schemas`."""
    _WRITTEN_SCHEMAS.set(schemas)


def yaml_spelling(ref: Optional[str]) -> Optional[str]:
    """How schema.yaml writes a model collation name: bare; schema.name where the file reads it back so;
    else (a schema the file does not manage) quoted as SQL, `"ops"."bytewise"`."""
    if ref is None:
        return None
    schema, name = ref_parts(ref)
    if schema is None:  # quoted as SQL where the file would read the bare text as another name
        return name if from_yaml(name, _WRITTEN_SCHEMAS.get()) == name else _quoted(name)
    return f"{schema}.{name}" if schema in _WRITTEN_SCHEMAS.get() and "." not in schema else ref


def from_yaml(text: str, schemas: AbstractSet[str]) -> str:
    """The model's name of a collation schema.yaml spells `text`: `x.y` is schema x's collation y when x is
    pg_catalog, public (`public.y` is public's y, named bare) or one of `schemas` (declared, or holding a
    collation of the file's own); `"x"."y"`, quoted as SQL quotes, is schema x's y whatever x is (a schema
    the file does not manage); `"C"`, one name quoted as SQL quotes it (`COLLATE "C"`), is that name;
    anything else is one name."""
    one = _QUOTED.fullmatch(text)
    if one:
        return one.group(1).replace('""', '"')
    quoted = _QUALIFIED.fullmatch(text)
    if quoted:
        return collation_ref(*(p.replace('""', '"') for p in quoted.groups()))
    schema, dot, name = text.partition(".")
    if dot and name and (schema in UNQUALIFIED or schema in schemas):
        return collation_ref(schema, name)
    return text
