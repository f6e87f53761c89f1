"""EXCLUDE constraints of a table: method, elements with their operators, INCLUDE, WHERE, deferral."""

from __future__ import annotations

import re

from yaml.nodes import Node

from schemac.model import Exclusion, ExclusionElement
from schemac.pg.names import reference_part
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.indexes import INDEX_COLUMN_KEYS

# Access methods that can enforce an exclusion (they support amgettuple).
EXCLUSION_METHODS = ("gist", "spgist", "btree", "hash")
EXCLUSION_KEYS = {"elements": True, "using": False, "name": False, "where": False, "include": False,
                  "deferrable": False, "initially_deferred": False, "comment": False, "index_comment": False,
                  "with": False}
EXCLUSION_ELEMENT_KEYS = {**INDEX_COLUMN_KEYS, "with": True}
# An operator's schema: any name Postgres takes quoted ("My Ops", verbatim as schema.yaml writes names, or in double
# quotes as SQL's OPERATOR("My Ops".===) does), but the dot, parentheses and blanks at its ends.
_OPERATOR = re.compile(r'(?:(?P<schema>"(?:[^"]|"")+"|[^.()"\x00\s](?:[^.()"\x00]*[^.()"\x00\s])?)\.)?'
                       r"(?P<op>[-+*/<>=~!@#%^&|`?]{1,63})")


def canonical_operator(text: str, keep_path: bool = False) -> str:
    """`=`, `&&`, `myschema.@@`: as the catalog reader names operators (bare in pg_catalog and public);
    OPERATOR(schema.op) as SQL writes it is accepted too. ValueError if it is not an operator name. `keep_path`
    (an EXCLUDE's): pg_catalog and public are kept where written, for the reader writes them where a bare name
    would find another operator (exclusions.sql); compare.tables.constraint_key holds them equal to the bare."""
    text = text.strip()
    inner = re.fullmatch(r"OPERATOR\s*\(\s*(.*?)\s*\)", text, re.I)
    m = _OPERATOR.fullmatch(inner.group(1) if inner else text)
    if m is None:
        raise ValueError(text)
    schema = m.group("schema")
    if schema is not None and schema.startswith('"'):
        schema = schema[1:-1].replace('""', '"')
    bare = schema is None or (schema in ("pg_catalog", "public") and not keep_path)
    return m.group("op") if bare else f"{reference_part(schema)}.{m.group('op')}"


class ExclusionReader(FieldReader):
    """Reads a table's `exclude:` list (index_element() and where_and_include() are IndexReader's,
    deferral() ConstraintReader's, beside this one in the Loader)."""

    def exclusion(self, node: Node, table_what: str, known) -> Exclusion:
        what = f"exclusion constraint of {table_what}"
        f = self.w.fields(node, what, EXCLUSION_KEYS)
        items = self.w.sequence(f["elements"][1], f"elements of {what}")
        if not items:
            raise self.fail(f["elements"][1], f"elements of {what} is empty")
        elements = []
        for item in items:
            ef = self.w.fields(item, f"element of {what}", EXCLUSION_ELEMENT_KEYS)
            try:
                operator = canonical_operator(self.w.string(ef["with"][1], f"operator of {what}"), keep_path=True)
            except ValueError as e:
                raise self.fail(ef["with"][1], f"with of {what} must be an operator like = or && (or "
                                               f"schema.op), not {str(e)!r}") from None
            elements.append(ExclusionElement(*self.index_element(item, ef, what, known), operator=operator))
        method = self.choice(f, "using", EXCLUSION_METHODS, what) or "gist"
        if method != "btree" and any(e.order == "desc" or e.nulls for e in elements):
            raise self.fail(node, f"{what}: order and nulls apply only to btree, not {method}")
        where, include = self.where_and_include(f, "elements", len(elements), what, known)  # type: ignore[attr-defined]
        name = self.identifier(f["name"][1], "constraint name") if "name" in f else None
        return Exclusion(tuple(elements), name, method, where, include, *self.deferral(f, what),
                         self.opt_string(f, "comment", what), self.w.src(node),
                         self.storage_parameters(f, what),  # type: ignore[attr-defined]
                         self.opt_string(f, "index_comment", what))
