"""Names of text search parsers, templates and dictionaries as schema.yaml and the model spell them: bare
when pg_catalog's (`default`, `english_stem`), else `schema.name`; a part double-quoted only when it is not
a plain lower-case name (keywords stay bare: `default` is the parser's name, not a keyword, here). And a
dictionary's options, as pg_ts_dict.dictinitoption keeps them (`language = 'english', stopwords = 'english'`)."""

from __future__ import annotations

import re

from schemac.pg.keywords import PLAIN_NAME
from schemac.pg.names import quote_ident
from schemac.pg.types import name_parts


def _part(name: str) -> str:
    return name if PLAIN_NAME.fullmatch(name) else '"' + name.replace('"', '""') + '"'


def search_name(schema: str, name: str) -> str:
    """The model's spelling of the parser or dictionary `name` of namespace `schema`."""
    return _part(name) if schema == "pg_catalog" else f"{_part(schema)}.{_part(name)}"


def parse_search_name(text: str) -> str:
    """schema.yaml's `name` or `schema.name` in the model's spelling; ValueError when it is not a name."""
    parts = name_parts(text)
    if not 1 <= len(parts) <= 2 or not all(parts) or text.count(".") + 1 < len(parts):
        raise ValueError(f"'{text}' is not a name (name or schema.name)")
    return search_name("pg_catalog" if len(parts) == 1 else parts[0], parts[-1])


def search_name_sql(text: str) -> str:
    """The model's spelling as SQL names it, each part quoted where Postgres needs it."""
    return ".".join(quote_ident(p) for p in name_parts(text))


_OPTION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|\"(?:[^\"]|\"\")+\")\s*=\s*('(?:[^']|'')*'|[^,]+?)\s*(?:,|$)")


def parse_dictionary_options(text: "str | None") -> tuple[str, ...]:
    """dictinitoption as "name=value" items in its order (the value unquoted)."""
    out, pos = [], 0
    while text and pos < len(text):
        m = _OPTION.match(text, pos)
        if m is None:
            raise ValueError(f"cannot read the dictionary options {text!r}")
        name, value = m.group(1), m.group(2)
        name = name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
        value = value[1:-1].replace("''", "'") if value.startswith("'") else value
        out.append(f"{name}={value}")
        pos = m.end()
    return tuple(out)


def dictionary_options_sql(options: tuple[str, ...]) -> list[str]:
    """The options as CREATE/ALTER TEXT SEARCH DICTIONARY spells them: name = 'value'."""
    out = []
    for item in options:
        name, _, value = item.partition("=")
        out.append(f"{quote_ident(name)} = '" + value.replace("'", "''") + "'")
    return out
