"""Strict YAML reading: a node tree with line numbers, without PyYAML's data-losing leniency.

We compose nodes instead of constructing Python objects, so nothing is ever executed (no python
tags), scalars keep their exact text (``0.10`` stays ``0.10``), and the loader sees where each key
was written. The checks here are the ones that do not depend on what the document means:
duplicate keys, non-string keys (``on:``/``no:`` read as booleans), nesting depth and alias counts
that would make a hostile file hang or exhaust memory.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterator, Optional

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from schemac.errors import SchemaFileError
from schemac.model import Source

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 10_000

STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
NULL = "tag:yaml.org,2002:null"
_SCALAR_TAGS = {STR, BOOL, INT, FLOAT, NULL}
_KIND_NAMES = {STR: "a string", BOOL: "a boolean", INT: "an integer", FLOAT: "a number", NULL: "null"}


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses deep nesting and alias floods while it reads."""

    def __init__(self, stream: str, path: str):
        super().__init__(stream)
        self._path = path
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise SchemaFileError(
                    f"more than {MAX_ALIASES} aliases: refusing a document that could expand without bound",
                    mark_source(self._path, event.start_mark),
                )
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if self._depth >= MAX_DEPTH:
                raise SchemaFileError(
                    f"nesting deeper than {MAX_DEPTH} levels is not a schema", mark_source(self._path, event.start_mark)
                )
        self._depth += 1
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1


def mark_source(path: str, mark) -> Source:
    return Source(path, mark.line + 1, mark.column + 1)


def node_source(path: str, node: Node) -> Source:
    return mark_source(path, node.start_mark)


def compose(text: str, path: str) -> Optional[Node]:
    """Compose one YAML document into nodes, turning every YAML problem into a located error."""
    if len(text) > MAX_BYTES:
        raise SchemaFileError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", Source(path, 1, 1))
    loader = None
    try:
        loader = _BoundedLoader(text, path)  # the reader checks every character here
        node = loader.get_single_node()
    except SchemaFileError:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = (e.problem or e.context or "invalid YAML").strip()
        if e.context and e.problem:
            what = f"{e.context.strip()}: {e.problem.strip()}"
        src = mark_source(path, mark) if mark else Source(path, 1, 1)
        raise SchemaFileError(f"YAML syntax error: {what}", src) from None
    except yaml.reader.ReaderError as e:
        # A character YAML does not allow (a control character, a lone surrogate): point at it.
        line, column = _position(text, e.position)
        raise SchemaFileError(f"YAML syntax error: character {_codepoint(e.character)} is not allowed in YAML "
                              "(write it as an escape inside double quotes, or remove it)", Source(path, line, column)) from None
    except yaml.YAMLError as e:
        raise SchemaFileError(f"YAML syntax error: {str(e).splitlines()[0]}", Source(path, 1, 1)) from None
    finally:
        if loader is not None:
            loader.dispose()
    return node


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of text[index], counting line breaks the way PyYAML does."""
    before = text[:index]
    breaks = list(_LINE_BREAK.finditer(before))
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - line_start + 1


def _codepoint(character) -> str:
    if isinstance(character, int):
        return f"U+{character:04X}"
    if isinstance(character, str) and len(character) == 1:
        return f"U+{ord(character):04X}"
    return repr(character)


class Walker:
    """Typed, located access to a composed node tree; every mistake becomes a SchemaFileError."""

    def __init__(self, path: str, max_nodes: int = 2_000_000):
        self.path = path
        self._budget = max_nodes

    def src(self, node: Node) -> Source:
        return node_source(self.path, node)

    def fail(self, node: Node, message: str) -> SchemaFileError:
        return SchemaFileError(message, self.src(node))

    def _visit(self, node: Node) -> None:
        self._budget -= 1
        if self._budget < 0:
            raise self.fail(node, "document expands to too many nodes (alias/anchor bomb?)")
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
        out: dict[str, tuple[Node, Node]] = {}
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
        self._visit(node)
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list, not {self.describe(node)}")
        return list(node.value)

    def scalar(self, node: Node, what: str) -> ScalarNode:
        self._visit(node)
        if not isinstance(node, ScalarNode):
            raise self.fail(node, f"{what} must be a single value, not {self.describe(node)}")
        if "\x00" in node.value:
            raise self.fail(node, f"{what} contains a NUL character (\\0), which PostgreSQL text cannot hold")
        return node

    def string(self, node: Node, what: str) -> str:
        n = self.scalar(node, what)
        if n.tag != STR:
            raise self.fail(node, f"{what} must be a string, not {self.describe(n)} ({n.value!r}); quote it")
        return n.value

    def text(self, node: Node, what: str) -> str:
        """Scalar text exactly as written (numbers and booleans too): for SQL snippets."""
        n = self.scalar(node, what)
        if n.tag == NULL:
            raise self.fail(node, f"{what} is empty (null); write the SQL, e.g. 'NULL', or leave the key out")
        return n.value

    def boolean(self, node: Node, what: str) -> bool:
        n = self.scalar(node, what)
        if n.tag != BOOL or n.value.lower() not in ("true", "false"):
            raise self.fail(node, f"{what} must be true or false, not {n.value!r}")
        return n.value.lower() == "true"
