"""state.json's text, written straight from the model.

The record is what `json.dumps(encoded(doc), indent=2, ensure_ascii=False)` prints, byte for byte
(people commit it and review its diffs). CPython's encoder has no C path for an indent: it runs a
generator per nesting level, over a tree of dicts that `encoded` first built from the model (together
~0.6 s of CPU at 1,000 tables). Here one walk writes the text from the model objects directly, with
each class's recorded fields listed once. Anything this writer does not know exactly (a subclass of
str or int, a float that is not finite, a key that is not a str) makes the whole document go through
`json.dumps` instead, so the text is always json.dumps's. tests/test_state_text.py compares the two.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from json.encoder import encode_basestring  # the C encoder of a str, as json.dumps uses it (ensure_ascii=False)
from typing import Any, Iterator

from schemac.model import Source


def _recorded(cls: type) -> tuple[str, ...]:
    """The fields of a model class that are recorded: not `source_file` (where the model was read
    from, not part of it), not those marked `recorded=False` (facts only a database states)."""
    return tuple(f.name for f in fields(cls) if f.name != "source_file" and f.metadata.get("recorded") is not False)


_FIELDS: dict[type, tuple[str, ...]] = {}
# Per model class: (field name, its key as written: '"name": ').
_KEYS: dict[type, tuple[tuple[str, str], ...]] = {}


def recorded_fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = _recorded(cls)
    return names


def encoded(obj: Any) -> Any:
    """The model as plain JSON values: a Source as "file:line:col", a tuple as a list, a model object
    as a dict of its recorded fields, leaving out those that are None or () (the decoder puts them
    back). renamed_from is kept: diff reads it from the desired side, the record is the whole model."""
    if isinstance(obj, Source):
        return str(obj)
    if isinstance(obj, tuple):
        return [encoded(x) for x in obj]
    if hasattr(obj, "__dataclass_fields__"):
        out = {}
        for name in recorded_fields(type(obj)):
            value = getattr(obj, name)
            if value is None or (isinstance(value, tuple) and not value):
                continue
            out[name] = encoded(value)
        return out
    return obj


class Unusual(Exception):
    """A value the direct writer does not spell exactly as json.dumps: the document goes through json.dumps."""


_NEWLINES = ["\n" + "  " * n for n in range(32)]


def _newline(level: int) -> str:
    while level >= len(_NEWLINES):
        _NEWLINES.append("\n" + "  " * len(_NEWLINES))
    return _NEWLINES[level]


def _keys(cls: type) -> tuple[tuple[str, str], ...]:
    keys = _KEYS.get(cls)
    if keys is None:
        if not is_dataclass(cls):
            raise Unusual(cls)
        keys = _KEYS[cls] = tuple((name, encode_basestring(name) + ": ") for name in recorded_fields(cls))
    return keys


def _text(v: Any, level: int) -> str:
    """json.dumps(encoded(v), indent=2, ensure_ascii=False) for a value at nesting `level`."""
    t = type(v)
    if t is str:
        return encode_basestring(v)
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return int.__repr__(v)
    if v is None:
        return "null"
    if t is tuple or t is list:
        if not v:
            return "[]"
        inner = _newline(level + 1)
        return "[" + ",".join([inner + _text(x, level + 1) for x in v]) + _newline(level) + "]"
    if t is dict:
        if not v:
            return "{}"
        inner = _newline(level + 1)
        parts = []
        for k, x in v.items():
            if type(k) is not str:
                raise Unusual(k)
            parts.append(inner + encode_basestring(k) + ": " + _text(x, level + 1))
        return "{" + ",".join(parts) + _newline(level) + "}"
    if t is Source:
        return encode_basestring(str(v))
    if t is float:
        if not math.isfinite(v):
            raise Unusual(v)
        return float.__repr__(v)
    return _object(v, level)


def _object(v: Any, level: int) -> str:
    """A model object: its recorded fields that are neither None nor (), in field order."""
    if isinstance(v, (str, int, float, tuple, list, dict, Source)):  # subclasses: json.dumps decides
        raise Unusual(v)
    inner = _newline(level + 1)
    parts = []
    for name, key in _keys(type(v)):
        x = getattr(v, name)
        t = type(x)
        if t is str:  # the common cases inline: a call per value is most of the time
            parts.append(inner + key + encode_basestring(x))
        elif x is None or (t is tuple and not x):
            continue
        elif t is bool:
            parts.append(inner + key + ("true" if x else "false"))
        elif isinstance(x, tuple) and not x:
            continue
        else:
            parts.append(inner + key + _text(x, level + 1))
    if not parts:
        return "{}"
    return "{" + ",".join(parts) + _newline(level) + "}"


def dumps(doc: Any) -> str:
    """json.dumps(encoded(doc), indent=2, ensure_ascii=False), where `doc` is plain JSON values and
    model objects (see the module's docstring)."""
    try:
        return _text(doc, 0)
    except Unusual:
        return json.dumps(_deep(doc), indent=2, ensure_ascii=False)


def pieces(doc: dict) -> Iterator[str]:
    """dumps(doc)'s text in pieces, for a top-level object without unusual values: each item of its lists
    rendered as it is written (state.json of 10,000 tables is ~43 MB: built whole, with the strings it is
    joined from, it was the peak of `generate`'s memory). Raises Unusual where dumps would fall back
    to json.dumps (the caller writes dumps(doc) then)."""
    if not doc:
        yield "{}"
        return
    yield "{"
    yield from members(doc, 0)
    yield closing()


def members(doc: dict, start: int) -> Iterator[str]:
    """The pieces of pieces(doc) for its keys alone, as if `start` keys came before them (a separate
    writer makes the later keys of one document: migrations/statebody.py)."""
    inner = _newline(1)
    for n, (key, value) in enumerate(doc.items(), start):
        if type(key) is not str:
            raise Unusual(key)
        yield ("," if n else "") + inner + encode_basestring(key) + ": "
        if (type(value) is list or type(value) is tuple) and value:
            item_inner = _newline(2)
            yield "["
            for m, item in enumerate(value):
                yield ("," if m else "") + item_inner + _text(item, 2)
            yield inner + "]"
        else:
            yield _text(value, 1)


def closing() -> str:
    """The end of a document written by members()."""
    return _newline(0) + "}"


def _deep(doc: Any) -> Any:
    """`encoded`, also inside the dicts and lists of a document."""
    if type(doc) is dict:
        return {k: _deep(v) for k, v in doc.items()}
    if type(doc) is list:
        return [_deep(v) for v in doc]
    return encoded(doc)
