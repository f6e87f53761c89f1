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

import functools
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


def compose(text: str, path: str) -> Optional[Node]:
    """Compose one YAML document into nodes, turning every YAML problem into a located error."""
    if len(text) > MAX_BYTES:
        raise SchemaFileError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", Source(path, 1, 1))
    if _CParser is not None and text.endswith("\n") and _fast_takes(text):
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
# { } (PyYAML ends the scalar there). Compiled when first used (~6 ms at each start for a pattern of ranges of
# code points that ASCII text, most schema.yaml files, never needs; the whole pattern only for tests).
@functools.cache
def not_fast() -> re.Pattern:
    return re.compile(Reader.NON_PRINTABLE.pattern + "|[\t\ufeff]|[|>][-+0-9]*#")


@functools.cache
def _not_fast_character() -> re.Pattern:
    return re.compile(Reader.NON_PRINTABLE.pattern + "|[\t\ufeff]")


_PRINTABLE_ASCII = bytes([0x0A, 0x0D, *range(0x20, 0x7F)])  # what the two patterns allow of ASCII


def _fast_takes(text: str) -> bool:
    """`not not_fast().search(text)`, in ~2 ms instead of ~40 for a 1 MB file: ASCII text is checked by
    bytes.translate, and the block scalar header is looked for from each '#' (rare) backwards."""
    if text.isascii():
        if text.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return False
    elif _not_fast_character().search(text):
        return False
    at = text.find("#")
    while at >= 0:
        before = at - 1
        while before >= 0 and text[before] in "-+0123456789":
            before -= 1
        if before >= 0 and text[before] in "|>":
            return False
        at = text.find("#", at + 1)
    return True


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
    """(the document's root, the number of aliases in it).

    One loop, no call per event but libyaml's: the open collection's state lives in locals (its items,
    whether it is a mapping, the key waiting for its value), the parents' on a stack; a scalar's tag is
    remembered per distinct plain text (quoted ones are strings), with the one interned str of that text."""
    get = parser.get_event
    if type(get()) is not StreamStartEvent:
        raise _Refused
    event = get()
    if type(event) is StreamEndEvent:
        return None, 0
    if type(event) is not DocumentStartEvent:
        raise _Refused
    resolver = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.resolver.Resolver.__init__(resolver)
    resolve = resolver.resolve  # (a pure function of the text: SafeLoader has no path resolvers)
    plain: dict[str, tuple[str, str]] = {}  # plain text -> (its tag, the interned text)
    quoted: dict[str, str] = {}  # quoted text -> the interned text
    anchors: dict[str, Node] = {}
    aliases = 0
    flow = 0  # open flow collections ([...], {...})
    last_line = -1  # one int object per line number
    # The open collection: its node, its items (node.value), whether it is a mapping, the key waiting for
    # its value; the stack holds the same of each open collection's parent (the first: no collection).
    current: Optional[Node] = None
    items: Optional[list] = None
    is_map = False
    pending: Optional[Node] = None
    stack: list[tuple] = []
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None:
                raise _Refused
            mark = event.start_mark
            line = mark.line
            if line == last_line:
                line = last_line
            else:
                last_line = line
            if kind is ScalarEvent:
                value = event.value
                if flow and not event.style and "?" in value:
                    raise _Refused
                if event.implicit[0]:
                    known = plain.get(value)
                    if known is None:
                        known = plain[value] = (resolve(ScalarNode, value, event.implicit), intern(value))
                    tag, value = known
                else:
                    tag = STR
                    text = quoted.get(value)
                    if text is None:
                        text = quoted[value] = intern(value)
                    value = text
                node = _Scalar(tag, value, line, mark.column, event.style or None)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _Refused
                stack.append((current, items, is_map, pending))
                items = []
                is_map = kind is MappingStartEvent
                node = current = (_Mapping if is_map else _Sequence)(items, line, mark.column, event.flow_style)
                pending = None
                flow += bool(event.flow_style)
            if event.anchor is not None:
                if event.anchor in anchors:
                    raise _Refused
                anchors[event.anchor] = node
            if kind is not ScalarEvent:
                continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if current is None or pending is not None or (kind is MappingEndEvent) is not is_map:
                raise _Refused
            node = current
            flow -= bool(node.flow_style)
            current, items, is_map, pending = stack.pop()
        elif kind is AliasEvent:
            aliases += 1
            if aliases > MAX_ALIASES or event.anchor not in anchors:
                raise _Refused
            node = anchors[event.anchor]
        else:
            raise _Refused
        if items is None:
            root = node
            break
        if not is_map:
            items.append(node)
        elif pending is None:
            pending = node
        else:
            items.append((pending, node))
            pending = None
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise _Refused  # (more than one document)
    return root, aliases


# The fast composer's nodes: PyYAML's kinds (isinstance holds), each its own start mark (`line` and
# `column`, 0-based as PyYAML's marks: all the loader reads of a mark), without a mark object (a
# million of them at 10,000 tables) and without an end mark (nothing reads one).
class _Marked:
    end_mark = None

    @property
    def start_mark(self) -> "_Marked":
        return self


class _Scalar(_Marked, ScalarNode):
    def __init__(self, tag: str, value: str, line: int, column: int, style: Optional[str]):
        self.tag = tag
        self.value = value
        self.line = line
        self.column = column
        self.style = style


class _Collection(_Marked):
    def __init__(self, value: list, line: int, column: int, flow_style: bool):
        self.value = value
        self.line = line
        self.column = column
        self.flow_style = flow_style


class _Mapping(_Collection, MappingNode):
    tag = _MAP


class _Sequence(_Collection, SequenceNode):
    tag = _SEQ


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
