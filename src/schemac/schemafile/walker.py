"""Typed, located access to the node tree :mod:`schemac.schemafile.strict` composes: each value read
as the kind the loader expects, each mistake a SchemaFileError at its file:line:column."""

from __future__ import annotations

import difflib
from typing import Iterator, Sequence

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from schemac.errors import SchemaFileError
from schemac.model import Source
from schemac.schemafile.strict import (_KIND_NAMES, _MAP, _SCALAR_TAGS, _SEQ, BOOL, NULL, STR, _Mapping, _Scalar,
                                       _Sequence)

# What _visit lets through, by the node's exact class (both composers' classes): the common case is one
# look-up; anything else takes the checks that word the error.
_ALLOWED_TAGS = {ScalarNode: _SCALAR_TAGS, _Scalar: _SCALAR_TAGS, MappingNode: {_MAP}, _Mapping: {_MAP},
                 SequenceNode: {_SEQ}, _Sequence: {_SEQ}}
_SCALARS = {ScalarNode, _Scalar}
_MAPPINGS = {MappingNode, _Mapping}
_SEQUENCES = {SequenceNode, _Sequence}
_BOOLEANS = {"true": True, "false": False}


class Walker:
    """Typed, located access to a composed node tree; every mistake becomes a SchemaFileError.

    Each reading method starts with a quick test of the common case (a node of the expected kind and
    tag, within the node budget), which takes no step the full checks would not take; whatever fails
    it goes through the full checks, unchanged, which word the error (a million nodes at 10,000 tables)."""

    def __init__(self, path: str, max_nodes: int = 2_000_000):
        self.path = path
        self._budget = max_nodes

    def src(self, node: Node) -> Source:
        """Source(self.path, line, column) of where the node starts. A node of the fast composer has its own line
        and column: its text is made here, without Source's constructor nor the node's start_mark (a call each,
        ~18,000 sources in a file of 1,000 tables); another node's come from its mark."""
        try:
            line, column = node.line, node.column  # type: ignore[attr-defined]
        except AttributeError:
            mark = node.start_mark
            return Source(self.path, mark.line + 1, mark.column + 1)
        return Source.recorded(f"{self.path}:{line + 1}:{column + 1}")  # (as Source.__new__ writes it)

    @staticmethod
    def position(node: Node) -> tuple[int, int]:
        """(line, column), 0-based, where the node starts (src's, as numbers)."""
        try:
            return node.line, node.column  # type: ignore[attr-defined]
        except AttributeError:
            return node.start_mark.line, node.start_mark.column

    def fail(self, node: Node, message: str) -> SchemaFileError:
        return SchemaFileError(message, self.src(node))

    def _visit(self, node: Node) -> None:
        self._budget -= 1
        if self._budget < 0:
            raise self.fail(node, "document expands to too many nodes (alias/anchor bomb?)")
        if node.tag in _ALLOWED_TAGS.get(type(node), ()):
            return
        if node.tag not in _SCALAR_TAGS and not isinstance(node, (MappingNode, SequenceNode)):
            raise self.fail(node, f"tag {node.tag!r} is not allowed: schema.yaml holds plain data only")
        if isinstance(node, MappingNode) and node.tag != "tag:yaml.org,2002:map":
            raise self.fail(node, f"tag {node.tag!r} is not allowed on a mapping")
        if isinstance(node, SequenceNode) and node.tag != "tag:yaml.org,2002:seq":
            raise self.fail(node, f"tag {node.tag!r} is not allowed on a list")

    @staticmethod
    def describe(node: Node) -> str:
        if isinstance(node, MappingNode):
            return "a mapping"
        if isinstance(node, SequenceNode):
            return "a list"
        return _KIND_NAMES.get(node.tag, node.tag)

    def mapping(self, node: Node, what: str) -> Iterator[tuple[str, Node, Node]]:
        """Yield (key, key_node, value_node) of a mapping, rejecting duplicate and non-string keys."""
        self._visit(node)
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping, not {self.describe(node)}")
        if _plain_keys(node.value):  # (what the loop below checks per key but the node budget)
            for key_node, value_node in node.value:
                self._budget -= 1
                if self._budget < 0:
                    raise self.fail(key_node, "document expands to too many nodes (alias/anchor bomb?)")
                yield key_node.value, key_node, value_node
            return
        seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "merge keys (<<) are not supported: write the keys out")
            self._visit(key_node)
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR:
                shown = key_node.value if isinstance(key_node, ScalarNode) else self.describe(key_node)
                hint = f"; quote it: '{shown}'" if isinstance(key_node, ScalarNode) else ""
                raise self.fail(key_node, f"key {shown!s} in {what} is read by YAML as {self.describe(key_node)}, not a string{hint}")
            key = key_node.value
            if key in seen:
                first = self.src(seen[key])
                raise self.fail(key_node, f"duplicate key '{key}' in {what} (first at line {first.line})")
            seen[key] = key_node
            yield key, key_node, value_node

    def fields(self, node: Node, what: str, allowed: dict[str, bool]) -> dict[str, tuple[Node, Node]]:
        """A mapping with a fixed set of keys; allowed maps key -> required."""
        if type(node) in _MAPPINGS and node.tag == _MAP and self._budget > len(node.value):
            out: dict[str, tuple[Node, Node]] = {}
            for pair in node.value:
                key_node = pair[0]
                if type(key_node) not in _SCALARS or key_node.tag != STR:
                    break
                key = key_node.value
                if key not in allowed or key in out:
                    break
                out[key] = pair
            else:
                self._budget -= len(node.value) + 1
                for key, required in allowed.items():
                    if required and key not in out:
                        raise self.fail(node, f"{what} needs the key '{key}'")
                return out
        return self._fields(node, what, allowed)

    def _fields(self, node: Node, what: str, allowed: dict[str, bool]) -> dict[str, tuple[Node, Node]]:
        out = {}
        for key, key_node, value_node in self.mapping(node, what):
            if key not in allowed:
                hint = ""
                if getattr(node, "flow_style", False):
                    hint = " (inside { }, a comma ends a value: quote values that contain commas)"
                close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.7)
                guess = f" (did you mean '{close[0]}'?)" if close else ""
                raise self.fail(key_node, f"unknown key '{key}' in {what}{guess}; allowed: {', '.join(allowed)}{hint}")
            out[key] = (key_node, value_node)
        for key, required in allowed.items():
            if required and key not in out:
                raise self.fail(node, f"{what} needs the key '{key}'")
        return out

    def sequence(self, node: Node, what: str) -> list[Node]:
        if type(node) in _SEQUENCES and node.tag == _SEQ and self._budget > 0:
            self._budget -= 1
            return list(node.value)
        self._visit(node)
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list, not {self.describe(node)}")
        return list(node.value)

    def distinct(self, node: Node, what: str, item: str, allowed: Sequence[str], fold: bool = False) -> list[str]:
        """A non-empty list of `allowed` values, each once (a trigger's events, an ignore entry's kinds); `fold`:
        compared lower-cased."""
        out: list[str] = []
        for n in self.sequence(node, what):
            value = self.string(n, item)
            value = value.lower() if fold else value
            if value not in allowed:
                raise self.fail(n, f"{item} must be one of {', '.join(allowed)}, not '{value}'")
            if value in out:
                raise self.fail(n, f"{what} lists {value} twice")
            out.append(value)
        if not out:
            raise self.fail(node, f"{what} is empty")
        return out

    def scalar(self, node: Node, what: str) -> ScalarNode:
        if type(node) in _SCALARS and node.tag in _SCALAR_TAGS and self._budget > 0 and "\x00" not in node.value:
            self._budget -= 1
            return node
        self._visit(node)
        if not isinstance(node, ScalarNode):
            raise self.fail(node, f"{what} must be a single value, not {self.describe(node)}")
        if "\x00" in node.value:
            raise self.fail(node, f"{what} contains a NUL character (\\0), which PostgreSQL text cannot hold")
        return node

    def string(self, node: Node, what: str) -> str:
        if type(node) in _SCALARS and node.tag == STR and self._budget > 0 and "\x00" not in node.value:
            self._budget -= 1
            return node.value
        n = self.scalar(node, what)
        if n.tag != STR:
            raise self.fail(node, f"{what} must be a string, not {self.describe(n)} ({n.value!r}); quote it")
        return n.value

    def text(self, node: Node, what: str) -> str:
        """Scalar text exactly as written (numbers and booleans too): for SQL snippets."""
        if (type(node) in _SCALARS and node.tag in _SCALAR_TAGS and node.tag != NULL and self._budget > 0
                and "\x00" not in node.value):
            self._budget -= 1
            return node.value
        n = self.scalar(node, what)
        if n.tag == NULL:
            raise self.fail(node, f"{what} is empty (null); write the SQL, e.g. 'NULL', or leave the key out")
        return n.value

    def boolean(self, node: Node, what: str) -> bool:
        if type(node) in _SCALARS and node.tag == BOOL and self._budget > 0 and "\x00" not in node.value:
            value = _BOOLEANS.get(node.value.lower())
            if value is not None:
                self._budget -= 1
                return value
        n = self.scalar(node, what)
        if n.tag != BOOL or n.value.lower() not in ("true", "false"):
            raise self.fail(node, f"{what} must be true or false, not {n.value!r}")
        return n.value.lower() == "true"


def _plain_keys(pairs: list) -> bool:
    """Every key a string scalar, each once: `Walker.mapping` has nothing to say about these keys."""
    seen = set()
    for key_node, _ in pairs:
        if type(key_node) not in _SCALARS or key_node.tag != STR or key_node.value in seen:
            return False
        seen.add(key_node.value)
    return True
