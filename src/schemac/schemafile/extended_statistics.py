"""Extended statistics of a table (`statistics:`): read strictly, and written back by `inspect`."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from yaml.nodes import Node

from schemac.model import STATISTICS_KINDS, Statistics, names_a_column
from schemac.schemafile.column_settings import statistics_target
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.typewriter import Flow, FlowList

STATISTICS_KEYS = {"columns": True, "name": False, "kinds": False, "schema": False, "target": False, "comment": False,
                   "owner": False}


class StatisticsReader(FieldReader):
    """Reads one statistics object of a table: `name: {columns: [a, b], kinds: [dependencies]}` or `name: [a, b]`; a
    key with `name:` is free (inspect writes `schema.name` for one outside the table's schema)."""

    def statistics(self, key_node: Node, node: Node, table_what: str, known: Callable) -> Statistics:
        name = self.identifier(key_node, "statistics name")
        what = f"statistics '{name}' of {table_what}"
        f = self.w.fields(node, what, STATISTICS_KEYS) if not _is_sequence(node) else {"columns": (key_node, node)}
        if "name" in f:  # the key is free: `s2.st: {name: st, schema: s2, ...}` beside another `st` of the table
            name = self.identifier(f["name"][1], f"name of {what}")
        elements = []
        for item in self.w.sequence(f["columns"][1], f"columns of {what}"):
            text = self.w.text(item, f"element of {what}").strip()
            element = known(text, item, what) if names_a_column(text) else self.expression(item, f"expression of {what}")
            if element in elements:
                raise self.fail(item, f"{what} lists '{element}' twice")
            elements.append(element)
        if len(elements) < 2 and not (elements and not names_a_column(elements[0])):
            raise self.fail(f["columns"][1], f"{what} needs at least two columns, or one expression")
        kinds = []
        for item in self.w.sequence(f["kinds"][1], f"kinds of {what}") if "kinds" in f else ():
            kind = self.w.string(item, f"kind of {what}").lower()
            if kind not in STATISTICS_KINDS:
                raise self.fail(item, f"kind of {what} must be one of {', '.join(STATISTICS_KINDS)}, not '{kind}'")
            kinds.append(kind)
        target = statistics_target(self, f["target"][1], f"target of {what}") if "target" in f else None
        schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else None
        return Statistics(name, tuple(elements), tuple(sorted(set(kinds), key=STATISTICS_KINDS.index)), schema, target,
                          self.opt_string(f, "comment", what), self.w.src(key_node),
                          self.owner(f, what))  # type: ignore[attr-defined]  # GrantReader's, in the Loader


def _is_sequence(node: Node) -> bool:
    return node.tag == "tag:yaml.org,2002:seq"


def statistics_spec(stats: Sequence[Statistics], table_schema: str) -> dict[str, Any]:
    """How `inspect` writes a table's statistics: a list of what they are on when that is all they say."""
    out: dict[str, Any] = {}
    shared = {s.name for s in stats if sum(t.name == s.name for t in stats) > 1}
    for s in stats:
        key = s.label(table_schema) if s.name in shared else s.name  # a name two schemas use: schema.name keys one
        spec: dict[str, Any] = {"columns": FlowList(s.elements)} if key == s.name else \
            {"name": s.name, "columns": FlowList(s.elements)}
        if s.kinds and tuple(s.kinds) != STATISTICS_KINDS:
            spec["kinds"] = FlowList(s.kinds)
        if s.schema is not None and s.schema != table_schema:
            spec["schema"] = s.schema
        if s.target is not None:
            spec["target"] = s.target
        if s.comment is not None:
            spec["comment"] = s.comment
        if s.owner is not None:
            spec["owner"] = s.owner
        out[key] = Flow(spec) if len(spec) > 1 else FlowList(s.elements)
    return out
