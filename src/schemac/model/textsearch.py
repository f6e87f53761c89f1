"""Text search configurations: the parser and the dictionaries per token type that to_tsvector and
to_tsquery use under a name (`'app.english_simple'::regconfig`); and the dictionaries of a schema (a
template with options: a snowball stemmer without stop words, a synonym file, unaccent)."""

from __future__ import annotations

from dataclasses import dataclass
from schemac.model.frozen import frozen
from typing import Optional

from .source import Source, _security, _src


@dataclass(frozen=True, order=True)
class TextSearchMapping:
    """The dictionaries a token type's tokens go through, in the order they are tried."""

    token: str
    dictionaries: tuple[str, ...]


@frozen
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
    owner: Optional[str] = _security(None)  # None: not compared


@frozen
class TextSearchDictionary:
    """CREATE TEXT SEARCH DICTIONARY: a template (bare when pg_catalog's: simple, snowball, synonym,
    thesaurus, ispell; else schema.name, as an extension's unaccent) and its options, "name=value" in the
    order Postgres keeps them (pg_ts_dict.dictinitoption: names in lower case, values as text)."""

    name: str
    template: str
    schema: str = "public"
    options: tuple[str, ...] = ()
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    owner: Optional[str] = _security(None)  # None: not compared
