"""Strict YAML reading: a node tree with line numbers, without PyYAML's data-losing leniency.

We compose nodes instead of constructing Python objects, so nothing is ever executed (no python
tags), scalars keep their exact text (``0.10`` stays ``0.10``), and the loader sees where each key
was written. The checks here are the ones that do not depend on what the document means:
duplicate keys, non-string keys (``on:``/``no:`` read as booleans), nesting depth and alias counts
that would make a hostile file hang or exhaust memory.

Two composers build the same tree. The fast one reads events from libyaml (PyYAML's ``CParser``, in
the PyYAML wheel) and composes them in one loop here, with the same depth and alias limits; on
anything it does not accept (a syntax error, a limit, a character YAML forbids) or when libyaml is
absent, the document is composed again by the pure-Python loader, whose errors (and their
file:line:column) are the ones reported. ``tests/test_yaml_parity.py`` holds the two to the same
nodes, marks included.
"""

from __future__ import annotations

import gc
import re
import weakref
from sys import intern
from typing import Optional

import yaml
from yaml.composer import Composer
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader

try:  # libyaml, shipped in PyYAML's wheels; absent from a PyYAML built without it
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _CParser = None

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
    if _CParser is not None and text.endswith("\n") and not _NOT_FAST.search(text):
        node = _compose_fast(text)
        if node is not _REFUSED:
            return node
    return _compose_python(text, path)


class _Refused(Exception):
    """The fast composer does not take this document: the pure-Python loader says why."""


_REFUSED = object()
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# What libyaml reads differently from PyYAML, left to the pure-Python loader: characters YAML forbids
# (PyYAML's reader names them), tabs (libyaml takes them inside plain scalars, PyYAML refuses them
# there), byte order marks (counted in columns differently), a block scalar header followed by '#'
# (libyaml takes `|-#`); and a last line without a line break (libyaml adds one, which moves the
# marks of what ends there). The composer also leaves to it explicit tags (libyaml takes `!'x`,
# which PyYAML refuses; schema.yaml has no use for tags) and a '?' inside a plain scalar in [ ] or
# { } (PyYAML ends the scalar there).
_NOT_FAST = re.compile(Reader.NON_PRINTABLE.pattern + "|[\t\ufeff]|[|>][-+0-9]*#")


def _compose_fast(text: str):
    """The document's nodes, composed from libyaml's events exactly as `_BoundedLoader` composes them
    (same resolver, same anchors, nodes and marks), iteratively; _REFUSED for anything else.

    The cyclic garbage collector is paused meanwhile: composing makes no garbage, only objects that
    all stay, and collections triggered by their allocation walked the growing tree again and again
    (more than half the time of a 1 MB file). Then, while the tree lives (while the loader reads
    it), it is kept out of the collector's sight (gc.freeze, undone when the tree is freed): every
    full collection walked it again (half of the load of 10,000 tables). Not for a tree with aliases,
    which can be cyclic, and never freed then."""
    paused = gc.isenabled()
    gc.disable()
    root, aliases = _REFUSED, 0
    try:
        root, aliases = _compose_events(_CParser(text))
        return root
    except (_Refused, yaml.YAMLError, ValueError, TypeError, UnicodeError, MemoryError, RecursionError):
        return _REFUSED
    finally:
        if paused:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                if isinstance(root, Node) and not aliases:
                    weakref.finalize(root, gc.unfreeze)
                else:
                    gc.unfreeze()  # (still: what was built goes straight to the oldest generation)
            gc.enable()


def _compose_events(parser) -> tuple[Optional[Node], int]:
    """(the document's root, the number of aliases in it)."""
    get = parser.get_event
    if type(get()) is not StreamStartEvent:
        raise _Refused
    event = get()
    if type(event) is StreamEndEvent:
        return None, 0
    if type(event) is not DocumentStartEvent:
        raise _Refused
    resolve = _scalar_resolver()
    mark = _marker()
    anchors: dict[str, Node] = {}
    aliases = 0
    flow = 0  # open flow collections ([...], {...})
    # Open collections: [node, items, pending key] (items is node.value; a key waits for its value).
    stack: list[list] = []
    root: Optional[Node] = None
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag is not None or (flow and not event.style and "?" in event.value):
                raise _Refused
            # No end mark (nothing reads one: ~20% of the tree), and one str per distinct text.
            node: Node = ScalarNode(resolve(event.value, event.implicit), intern(event.value), mark(event.start_mark),
                                    None, event.style or None)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH or event.tag is not None:
                raise _Refused
            items: list = []
            if kind is MappingStartEvent:
                node = MappingNode(_MAP, items, mark(event.start_mark), None, flow_style=event.flow_style)
            else:
                node = SequenceNode(_SEQ, items, mark(event.start_mark), None, flow_style=event.flow_style)
            flow += bool(event.flow_style)
            if event.anchor is not None:
                if event.anchor in anchors:
                    raise _Refused
                anchors[event.anchor] = node
            stack.append([node, items, None])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                raise _Refused
            node, _, pending = stack.pop()
            if pending is not None or (kind is MappingEndEvent) is not isinstance(node, MappingNode):
                raise _Refused
            flow -= bool(node.flow_style)
            if stack:
                _attach(stack[-1], node)
                continue
            root = node
            break
        elif kind is AliasEvent:
            aliases += 1
            if aliases > MAX_ALIASES or event.anchor not in anchors:
                raise _Refused
            node = anchors[event.anchor]
            if stack:
                _attach(stack[-1], node)
                continue
            root = node
            break
        else:
            raise _Refused
        if kind is ScalarEvent and event.anchor is not None:
            if event.anchor in anchors:
                raise _Refused
            anchors[event.anchor] = node
        if stack:
            _attach(stack[-1], node)
            continue
        root = node
        break
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise _Refused  # (more than one document)
    return root, aliases


class _Mark:
    """Where a node starts (0-based, as PyYAML's marks): all the loader reads of a mark, in 32 bytes
    instead of libyaml's 80 (a million marks at 10,000 tables)."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int):
        self.line = line
        self.column = column


def _marker():
    lines: dict[int, int] = {}  # one int object per line number

    def mark(m) -> _Mark:
        line = m.line
        return _Mark(lines.setdefault(line, line), m.column)

    return mark


def _attach(frame: list, node: Node) -> None:
    parent, items, pending = frame
    if type(parent) is SequenceNode:
        items.append(node)
    elif pending is None:
        frame[2] = node
    else:
        items.append((pending, node))
        frame[2] = None


def _scalar_resolver():
    """SafeLoader's implicit tags for plain scalars (a pure function of the text: SafeLoader has no
    path resolvers), remembered per distinct text."""
    resolver = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.resolver.Resolver.__init__(resolver)
    seen: dict[tuple[str, tuple], str] = {}

    def resolve(value: str, implicit: tuple) -> str:
        key = (value, implicit)
        tag = seen.get(key)
        if tag is None:
            tag = seen[key] = resolver.resolve(ScalarNode, value, implicit)
        return tag

    return resolve


def _compose_python(text: str, path: str) -> Optional[Node]:
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
