"""Text search configurations: the parser and the dictionaries per token type that to_tsvector and
to_tsquery use under a name (`'app.english_simple'::regconfig`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .source import Source, _src


@dataclass(frozen=True, order=True)
class TextSearchMapping:
    """The dictionaries a token type's tokens go through, in the order they are tried."""

    token: str
    dictionaries: tuple[str, ...]


@dataclass(frozen=True)
class TextSearchConfig:
    """CREATE TEXT SEARCH CONFIGURATION plus its mappings. Parser and dictionaries are named bare when
    they are pg_catalog's (`default`, `english_stem`), else `schema.name`. `mappings`: sorted by token
    type; a token type with no mapping is left out (Postgres skips its tokens)."""

    name: str
    schema: str = "public"
    parser: str = "default"
    mappings: tuple[TextSearchMapping, ...] = ()
    comment: Optional[str] = None
    source: Optional[Source] = _src()
