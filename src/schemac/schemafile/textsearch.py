"""Text search configurations a schema declares (`text_search_configs:`): a parser and, per token type,
the dictionaries tried in order; and its dictionaries (`text_search_dictionaries:`): a template and options."""

from __future__ import annotations

import re

from yaml.nodes import Node

from schemac.model.frozen import replace

from schemac.model import TextSearchConfig, TextSearchDictionary, TextSearchMapping
from schemac.pg.searchnames import parse_search_name
from schemac.schemafile.fields import FieldReader

TEXT_SEARCH_CONFIG_KEYS = {"parser": False, "mappings": False, "name": False, "schema": False, "comment": False,
                           "owner": False}
TEXT_SEARCH_DICTIONARY_KEYS = {"template": True, "options": False, "name": False, "schema": False, "comment": False,
                               "owner": False}


class TextSearchReader(FieldReader):
    """Reads the top-level `text_search_configs:` and `text_search_dictionaries:`."""

    def text_search_dictionaries(self, node: Node) -> list[TextSearchDictionary]:
        out = []
        for name, key, value in self.w.mapping(node, "text_search_dictionaries"):
            f = self.w.fields(value, f"text search dictionary '{name}'", TEXT_SEARCH_DICTIONARY_KEYS)
            name = self.object_name(f, key, "text search dictionary name")
            what = f"text search dictionary '{name}'"
            template = self._search_name(f["template"][1], f"template of {what}")
            options = []
            if "options" in f:
                for option, o_key, o_value in self.w.mapping(f["options"][1], f"options of {what}"):
                    if not re.fullmatch(r"[a-z_][a-z0-9_]*", option):
                        raise self.fail(o_key, f"options of {what}: '{option}' is not an option name (lower case)")
                    options.append(f"{option}={self.w.text(o_value, f'{option} in options of {what}')}")
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(TextSearchDictionary(name, template, schema, tuple(options),
                                            self.opt_string(f, "comment", what), self.w.src(key),
                                            self.owner(f, what)))  # type: ignore[attr-defined]
        return out

    def text_search_configs(self, node: Node) -> list[TextSearchConfig]:
        out = []
        for name, key, value in self.w.mapping(node, "text_search_configs"):
            f = self.w.fields(value, f"text search config '{name}'", TEXT_SEARCH_CONFIG_KEYS)
            name = self.object_name(f, key, "text search config name")
            what = f"text search config '{name}'"
            parser = self._search_name(f["parser"][1], f"parser of {what}") if "parser" in f else "default"
            mappings = []
            if "mappings" in f:
                for token, t_key, dicts in self.w.mapping(f["mappings"][1], f"mappings of {what}"):
                    names = tuple(self._search_name(d, f"dictionary of {token} in {what}")
                                  for d in self.w.sequence(dicts, f"dictionaries of {token} in {what}"))
                    if not names:
                        raise self.fail(dicts, f"{what}: token type {token} needs at least one dictionary "
                                               "(leave it out to skip its tokens)")
                    mappings.append(TextSearchMapping(token, names))
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(TextSearchConfig(name, schema, parser, tuple(sorted(mappings)),
                                        self.opt_string(f, "comment", what), self.w.src(key),
                                        self.owner(f, what)))  # type: ignore[attr-defined]
        return out

    def _search_name(self, node: Node, what: str) -> str:
        try:
            return parse_search_name(self.w.string(node, what))
        except ValueError as e:
            raise self.fail(node, f"{what}: {e}") from None


# pg_catalog's own dictionaries (initdb's simple and snowball ones): a bare name of these is always theirs,
# pg_catalog coming first on every search path.
_CATALOG_DICTIONARIES = frozenset(["simple"] + [f"{lang}_stem" for lang in (
    "arabic armenian basque catalan danish dutch english finnish french german greek hindi hungarian indonesian "
    "irish italian lithuanian nepali norwegian portuguese romanian russian serbian spanish swedish tamil turkish "
    "yiddish").split()])


def bare_public_dictionaries(configs: list[TextSearchConfig],
                             dictionaries: list[TextSearchDictionary]) -> list[TextSearchConfig]:
    """Mappings naming a dictionary of the file's own in public without its schema (`asciiword: [english_nostop]`)
    name public's (`public.english_nostop`), as Postgres finds it on the migration's search path and the catalog
    reader spells it: held bare, as pg_catalog's, the database the migration built differed from schema.yaml."""
    public = {d.name for d in dictionaries if d.schema == "public"} - _CATALOG_DICTIONARIES

    def resolved(m: TextSearchMapping) -> TextSearchMapping:
        names = tuple(f"public.{n}" if n in public else n for n in m.dictionaries)
        return m if names == m.dictionaries else replace(m, dictionaries=names)

    return [replace(c, mappings=tuple(sorted(resolved(m) for m in c.mappings))) for c in configs]
