"""schema.yaml text for `inspect`, written as PyYAML's emitter writes it, without its per-event cost.

`writer.dump_schema` builds a document of block mappings, block lists and one-line flow mappings and
lists (`_Flow`, `_FlowList`) of plain scalars. PyYAML emits ~100,000 events for 1,000 tables, at some
10 µs each. Here, each scalar is analysed once (PyYAML's own analysis, `Emitter.analyze_scalar`, and
its resolver, remembered per text) and the lines are written directly, for every table whose lines
are all of the simple kind: scalars written plain, single-quoted or double-quoted without escapes, on
lines short enough that PyYAML would not fold them. A table with anything else (a long line, a
multi-line or escaped text, a literal block, a long key) is written by PyYAML itself, alone, as it
would have been in the whole document; so is the whole document when any collection appears twice
(PyYAML would write an anchor). tests/test_emit.py holds the output to PyYAML's, byte for byte.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import yaml
from yaml.emitter import Emitter
from yaml.nodes import ScalarNode

WIDTH = 120  # as writer.dump_schema asks PyYAML for
_STR = "tag:yaml.org,2002:str"
# Scalars PyYAML writes plain in block and flow context alike: a letter or '_' first, no indicator
# (`,:#[]{}&*!|>'"%@` and the rest), no space at either end, ASCII (names, types, most expressions).
_SIMPLE = re.compile(r"[A-Za-z_](?:[A-Za-z0-9_ ().]*[A-Za-z0-9_().])?\Z")


class _Fallback(Exception):
    """This part is not of the simple kind: PyYAML writes it."""


class FastEmitter:
    """Writes `doc` exactly as ``yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True,
    width=WIDTH, default_flow_style=False)`` does, for documents of the shapes described above."""

    def __init__(self, dumper: type, flow: type, flow_list: type, str_style: Callable[[str], Any]):
        self.dumper, self.flow, self.flow_list, self.str_style = dumper, flow, flow_list, str_style
        self._emitter = Emitter(None, allow_unicode=True)
        self._resolver = yaml.resolver.Resolver()
        self._plain: dict[tuple[str, bool, bool], str] = {}

    def pyyaml(self, doc: Any) -> str:
        return yaml.dump(doc, Dumper=self.dumper, sort_keys=False, allow_unicode=True, width=WIDTH,
                         default_flow_style=False)

    def dump(self, doc: dict) -> str:
        if type(doc) is not dict or not doc or _shared(doc):
            return self.pyyaml(doc)
        out: list[str] = []
        for key, value in doc.items():
            if key == "tables" and type(value) is dict and value:
                out.append("tables:\n")
                for name, table in value.items():
                    try:
                        lines: list[str] = []
                        self._entry(lines, 2, name, table)
                        out.extend(lines)
                    except _Fallback:
                        out.append(self.pyyaml({"tables": {name: table}})[len("tables:\n"):])
            else:
                try:
                    lines = []
                    self._entry(lines, 0, key, value)
                    out.extend(lines)
                except _Fallback:
                    out.append(self.pyyaml({key: value}))
        # A part PyYAML wrote alone ends its document with `...` after a literal block that keeps its final
        # blank lines (|+); in the whole document, only the last part may (a `...` at column 0 is no text).
        text = "".join(out)
        end = "...\n" if text.endswith("\n...\n") else ""
        return text[: len(text) - len(end)].replace("\n...\n", "\n") + end

    # -- block structure -----------------------------------------------------------------------------

    def _entry(self, out: list[str], indent: int, key: Any, value: Any) -> None:
        """`key: value` in a block mapping at `indent`."""
        head = " " * indent + self._scalar(key, flow=False, key=True) + ":"
        kind = type(value)
        if kind is dict:
            if not value:
                raise _Fallback
            out.append(head + "\n")
            for k, v in value.items():
                self._entry(out, indent + 2, k, v)
        elif kind is list:
            if not value:
                raise _Fallback
            out.append(head + "\n")
            for item in value:
                self._item(out, indent + 2, item)
        else:
            self._line(out, head + " " + self._inline(value))

    def _item(self, out: list[str], indent: int, item: Any) -> None:
        """`- item` in a block list at `indent` (writer's dumper indents lists under their key)."""
        kind = type(item)
        if kind is dict:
            if not item:
                raise _Fallback
            first = True
            for k, v in item.items():
                if first:
                    # `- key: value`: the mapping's first key follows the dash, the others align with it.
                    lines: list[str] = []
                    self._entry(lines, indent + 2, k, v)
                    lines[0] = " " * indent + "- " + lines[0][indent + 2:]
                    out.extend(lines)
                    first = False
                else:
                    self._entry(out, indent + 2, k, v)
        elif kind is list:
            raise _Fallback
        else:
            self._line(out, " " * indent + "- " + self._inline(item))

    @staticmethod
    def _line(out: list[str], line: str) -> None:
        # PyYAML folds a line only where its column passes the width: a line this short was not folded.
        if len(line) > WIDTH:
            raise _Fallback
        out.append(line + "\n")

    # -- one line: scalars and flow collections --------------------------------------------------------

    def _inline(self, value: Any) -> str:
        kind = type(value)
        if kind is self.flow:
            if not value:
                raise _Fallback
            return "{" + ", ".join(self._scalar(k, flow=True, key=True) + ": " + self._flow_value(v)
                                   for k, v in value.items()) + "}"
        if kind is self.flow_list:
            if not value:
                raise _Fallback
            return "[" + ", ".join(self._flow_value(v) for v in value) + "]"
        return self._scalar(value, flow=False, key=False)

    def _flow_value(self, value: Any) -> str:
        kind = type(value)
        if kind is self.flow or kind is self.flow_list:
            return self._inline(value)
        return self._scalar(value, flow=True, key=False)

    def _scalar(self, value: Any, flow: bool, key: bool) -> str:
        kind = type(value)
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return str(value)
        if kind is not str:
            raise _Fallback
        memo = (value, flow, key)
        text = self._plain.get(memo)
        if text is None:
            text = self._plain[memo] = self._style(value, flow, key)
        return text

    def _style(self, value: str, flow: bool, key: bool) -> str:
        """The scalar as PyYAML writes it on one unfolded line (Emitter.choose_scalar_style), or _Fallback."""
        if value == "" or len(value) >= 128 and key:
            raise _Fallback
        style = self.str_style(value)
        if style is None and _SIMPLE.match(value) and \
                self._resolver.resolve(ScalarNode, value, (True, False)) == _STR:
            return value  # what analyze_scalar (a Python loop per character) would allow plain anywhere
        analysis = self._emitter.analyze_scalar(value)
        if analysis.multiline:
            raise _Fallback
        if style == '"':
            if any(not _unescaped(c) for c in value):
                raise _Fallback
            return '"' + value + '"'
        if style is not None:
            raise _Fallback
        implicit = self._resolver.resolve(ScalarNode, value, (True, False)) == _STR
        if implicit and (analysis.allow_flow_plain if flow else analysis.allow_block_plain):
            return value
        if analysis.allow_single_quoted and "\n" not in value and value[0] != " " and value[-1] != " ":
            return "'" + value.replace("'", "''") + "'"
        raise _Fallback


def _unescaped(c: str) -> bool:
    """Characters PyYAML writes as themselves in a double-quoted scalar (allow_unicode)."""
    return c not in '"\\\x85\u2028\u2029\ufeff' and ("\x20" <= c <= "\x7e" or c.isprintable() and "\xa0" <= c <= "\ud7ff"
                                                      or "\ue000" <= c <= "\ufffd")


def _shared(doc: Any) -> bool:
    """Whether a list or mapping appears twice in the document (PyYAML would write an anchor)."""
    seen: set[int] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list, tuple)):
            if id(node) in seen:
                return True
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return False
