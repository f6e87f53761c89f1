"""How a collation another object uses (a column's, a domain's, an index key's, an attribute's, a range's
COLLATE) is named, in the model, in schema.yaml and in SQL.

pg_catalog's and public's collations go by their bare name, as they always did (the search path finds
them; pg_catalog's names hold dots: en_US.utf8, C.utf8). A collation of any other schema is qualified.
The model holds it as SQL spells it, always quoted (`"ops"."bytewise"`), so it cannot be taken for a
bare dotted name; schema.yaml writes it `ops.bytewise`, which the loader reads as qualified when `ops`
is pg_catalog, public, a schema the file declares (`schemas:`) or one it has a collation of its own in,
else as one name.
"""

from __future__ import annotations

import re
from typing import AbstractSet, Optional

UNQUALIFIED = ("pg_catalog", "public")
_QUALIFIED = re.compile(r'"((?:[^"]|"")*)"\."((?:[^"]|"")*)"')


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def collation_ref(schema: str, name: str) -> str:
    """The model's name of schema's collation `name`."""
    return name if schema in UNQUALIFIED else f"{_quoted(schema)}.{_quoted(name)}"


def ref_parts(ref: str) -> tuple[Optional[str], str]:
    """(schema, name) of a model collation name; schema None for a bare one (pg_catalog's or public's)."""
    if not ref.startswith('"'):
        return None, ref
    schema, name = (p.replace('""', '"') for p in _QUALIFIED.fullmatch(ref).groups())  # type: ignore[union-attr]
    return schema, name


def collate_sql(ref: str) -> str:
    """The collation as COLLATE names it in SQL."""
    return ref if ref.startswith('"') else _quoted(ref)


def yaml_spelling(ref: Optional[str]) -> Optional[str]:
    """How schema.yaml writes a model collation name: bare, or schema.name."""
    if ref is None:
        return None
    schema, name = ref_parts(ref)
    return name if schema is None else f"{schema}.{name}"


def from_yaml(text: str, schemas: AbstractSet[str]) -> str:
    """The model's name of a collation schema.yaml spells `text`: `x.y` is schema x's collation y when x is
    pg_catalog, public (`public.y` is public's y, named bare) or one of `schemas` (declared, or holding a
    collation of the file's own); anything else is one name."""
    schema, dot, name = text.partition(".")
    if dot and name and (schema in UNQUALIFIED or schema in schemas):
        return collation_ref(schema, name)
    return text
