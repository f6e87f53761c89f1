"""The objects an expression names by a string or a COLLATE rather than by a call or a column: the sequence of
`nextval('s')`, the text search configuration of `'app.cfg'::regconfig` (dictionary: `::regdictionary`), the
collation of `x COLLATE app.c`.
Postgres records each as a dependency of the default, index, check, policy or trigger holding it, and refuses to
drop the object under it: the planner's keys (plan.keys) order the holder's change before the drop. Below both
stages: compare.sequence_feeds reads a default's sequences so too."""

from __future__ import annotations

import re

from schemac.model.collnames import collation_ref
from schemac.pg.types import name_parts

Key = tuple
_SEQUENCE_CALL = re.compile(r"(?:nextval|currval|setval)\s*\(\s*'((?:[^']|'')+)'", re.I)
_SEARCH_NAME = re.compile(r"'((?:[^']|'')+)'\s*::\s*reg(config|dictionary)", re.I)
_SEARCH_KIND = {"config": "text search config", "dictionary": "text search dictionary"}
_NAME = r'(?:"(?:[^"]|"")+"|[^\W\d][\w$]*)'
_COLLATE = re.compile(rf"\bcollate\s+({_NAME}(?:\s*\.\s*{_NAME})?)", re.I)


def named_refs(text: str) -> set[Key]:
    """The keys of the sequences, text search configurations and dictionaries and collations `text` names (a bare
    sequence, configuration or dictionary is of public, whatever the holder's schema: the migration's search_path
    and pg_get_expr read it so, as README's files section says; a bare collation pg_catalog's or public's, by its
    name unquoted: model.collnames)."""
    out: set[Key] = set()
    for name in _SEQUENCE_CALL.findall(text):
        parts = name_parts(name.replace("''", "'"))
        out.add(("sequence", parts[0], parts[1]) if len(parts) == 2 else ("sequence", "public", parts[-1]))
    for name, kind in _SEARCH_NAME.findall(text):  # to_tsvector('app.simple_en'::regconfig, ...)
        parts = name_parts(name.replace("''", "'"))
        out.add((_SEARCH_KIND[kind.lower()], *(parts if len(parts) == 2 else ("public", parts[-1]))))
    for name in _COLLATE.findall(text):  # ('a' COLLATE public.c_coll): as plan.keys names a column's collation
        parts = name_parts(re.sub(r"\s*\.\s*", ".", name))
        out.add(("collation", collation_ref(*parts) if len(parts) == 2 else parts[-1]))  # ("Coll": Coll)
    return out
