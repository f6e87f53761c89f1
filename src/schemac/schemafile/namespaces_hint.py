"""The schemas a composed schema.yaml names, read from its node tree before the model is built.

`schemac diff` without a record to take them from (no state.json, as in a fresh checkout or an output directory
that holds none) tells its reading child which schemas to read only once it knows them; from the model, that was
after the whole file was loaded (~4 s of the slow path at 10,000 tables), and the server then read the catalog
while this process waited. The composed tree names them already: each object's `schema:` (else public) and the
`schemas:` list, which is what Schema.namespaces gathers from the model. The hint is the same tuple, sorted; only
a hint: commands/diff.py's catalog read is read again when the model names other schemas (as for a record's hint).
None where the tree holds what this does not follow (publications' `tables_in_schema`, default privileges'
`schema`), or is not a schema.yaml's shape at all: the read then starts once the model is built, as before.
"""

from __future__ import annotations

import re
from typing import Optional

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# The top-level sections whose objects each live in one schema (`schema:` in their mapping, else public): the
# kinds Schema.namespaces gathers.
_PLACED = frozenset({"tables", "enums", "domains", "sequences", "functions", "aggregates", "operators", "views",
                     "materialized_views", "composite_types", "range_types", "collations", "text_search_configs",
                     "text_search_dictionaries", "operator_classes", "operator_families"})
# Sections that name schemas in ways followed nowhere here: no hint when present.
_UNFOLLOWED = frozenset({"publications", "default_privileges"})


# After "schema", what makes it a key that could name a schema (an object's `schema:`, `schemas:`, a publication's
# `tables_in_schema:`, a foreign key's `schema:`), quoted or not.
_KEY_AFTER = re.compile(r"""s?["']?\s*:""")


def public_only(text: str) -> bool:
    """Whether schema.yaml's text (before it is composed) names no schema, nor holds a section not followed here:
    Schema.namespaces is ("public",) then, for every object lives in public that names no other. By str.find (~12 ms
    for 10 MB; one regex over the whole text took ~45): the read can start before the ~2 s of YAML composing at
    10,000 tables, not only after it, as from the tree."""
    if "publications" in text or "default_privileges" in text:
        return False
    at = text.find("schema")
    while at >= 0:
        if _KEY_AFTER.match(text, at + 6):
            return False
        at = text.find("schema", at + 6)
    return True


def namespaces_hint(root: Node) -> Optional[tuple[str, ...]]:
    """What Schema.namespaces will be for the model of this tree, if it loads; None when not known here."""
    if not isinstance(root, MappingNode):
        return None
    used: set[str] = set()
    for key, value in root.value:
        if not isinstance(key, ScalarNode) or key.value in _UNFOLLOWED:
            return None
        if key.value == "schemas":
            if not isinstance(value, SequenceNode):
                return None
            for item in value.value:
                name = _field(item, "name") if isinstance(item, MappingNode) else _scalar(item)
                if name is None:
                    return None
                used.add(name)
        elif key.value in _PLACED:
            objects = value.value if isinstance(value, MappingNode) else None
            if objects is None:
                return None
            for _, body in objects:
                schema = _field(body, "schema") if isinstance(body, MappingNode) else "public"
                if schema is None:
                    return None
                used.add(schema)
                elsewhere = _statistics_schemas(body) if isinstance(body, MappingNode) else set()
                if elsewhere is None:
                    return None
                used |= elsewhere
    return tuple(sorted(used)) or ("public",)


def _statistics_schemas(body: MappingNode) -> Optional[set[str]]:
    """The schemas a table's or materialized view's statistics objects name with `schema:` (one may live outside its
    table's schema); None when one is not a plain string."""
    found = [v for k, v in body.value if isinstance(k, ScalarNode) and k.value == "statistics"]
    if len(found) != 1 or not isinstance(found[0], MappingNode):
        return None if found else set()
    out: set[str] = set()
    for _, entry in found[0].value:
        if isinstance(entry, MappingNode) and any(isinstance(k, ScalarNode) and k.value == "schema" for k, _ in entry.value):
            schema = _field(entry, "schema")
            if schema is None:
                return None
            out.add(schema)
    return out


def _scalar(node: Node) -> Optional[str]:
    return node.value if isinstance(node, ScalarNode) and isinstance(node.value, str) else None


def _field(mapping: MappingNode, name: str) -> Optional[str]:
    """The scalar under key `name` (public for `schema` when absent); None when it is not one plain string."""
    found = [v for k, v in mapping.value if isinstance(k, ScalarNode) and k.value == name]
    if not found:
        return "public" if name == "schema" else None
    return _scalar(found[0]) if len(found) == 1 else None
