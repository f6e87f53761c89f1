"""schema.yaml's top-level `ignore:`: the objects the database makes at run time (model.ignores), read strictly."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node

from schemac.model.ignores import IGNORE_KINDS, Ignore, ignore_problem
from schemac.schemafile.walker import Walker

IGNORE_KEYS = {"name": True, "kinds": False}


def read_ignores(w: Walker, node: Node) -> tuple[Ignore, ...]:
    """Each entry a glob (`public.conv_dpid_seq_*`: every kind), or `{name: GLOB, kinds: [table, ...]}`; an entry
    that could match nothing, an unknown kind or an entry given twice is an error at its line."""
    out: list[Ignore] = []
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for entry in w.sequence(node, "ignore"):
        if isinstance(entry, MappingNode):
            f = w.fields(entry, "an ignore entry", IGNORE_KEYS)
            pattern = w.string(f["name"][1], "ignore entry's name")
            kinds = _kinds(w, f["kinds"][1]) if "kinds" in f else ()
        else:
            pattern, kinds = w.string(entry, "an ignore entry (a glob, or {name: GLOB, kinds: [...]})"), ()
        problem = ignore_problem(pattern, kinds)
        if problem:
            raise w.fail(entry, problem)
        key = (pattern, kinds)
        if key in seen:
            raise w.fail(entry, f"ignore entry '{pattern}' is given twice (first at line {seen[key]})")
        seen[key] = w.src(entry).line
        out.append(Ignore(pattern, kinds, w.src(entry)))
    return tuple(out)


def _kinds(w: Walker, node: Node) -> tuple[str, ...]:
    return tuple(w.distinct(node, "ignore entry's kinds", "an ignore kind", IGNORE_KINDS))
