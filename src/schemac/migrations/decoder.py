"""The record's JSON decoded into the model generically, from the dataclasses' type hints (`_Decoder`): what
msgspec does not decode of a record (migrations.state.schema_from_json)."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from typing import Any, Callable, Optional, Union
from schemac.model import Source


# -- decoding -----------------------------------------------------------------------------------
# Per model class, a plan compiled once from its type hints: field -> converter (None where the JSON
# value is the value: str, int, bool, Literal), and the value of each field the record leaves out
# (None for Optional fields, () for tuples, else the field's default). Unknown keys and missing
# required fields are errors, as they would be for the class's own __init__.

Converter = Optional[Callable[[Any], Any]]


class _Plan:
    """`shared`: for a class whose fields are all plain values (a view's column, what it reads; not one with a
    source), the object already made for each distinct record of one: views repeat the columns of what they
    read, and the model is immutable (the catalog's side shares them too)."""
    __slots__ = ("cls", "converters", "base", "size", "direct", "shared")

    def __init__(self, cls: type, converters: dict[str, Converter], base: dict[str, Any], size: int, direct: bool):
        self.cls, self.converters, self.base, self.size, self.direct = cls, converters, base, size, direct
        self.shared: Optional[dict] = {} if _stores_only(cls) and all(c is None for c in converters.values()) else None


def _stores_only(cls: type) -> bool:
    """Whether `cls`'s __init__ only stores its arguments (no __post_init__, default factories, init=False fields)."""
    return not hasattr(cls, "__post_init__") and all(f.init and f.default_factory is MISSING for f in fields(cls))


def _direct(cls: type) -> bool:
    """Whether an instance can be made by filling its __dict__, as the generated __init__ would:
    ~3x faster for a frozen dataclass, and a record holds ~10^5 of them. Not for a class whose
    __init__ does more (_stores_only), nor one with slots (model.views.Dependency: no __dict__)."""
    return _stores_only(cls) and not hasattr(cls, "__slots__")


class _Decoder:
    """JSON -> model. `file`, when given, replaces the file name of every source: the record names
    schema.yaml as `generate` was given it, a later `diff --schema` may spell the same file differently.
    (What msgspec does not decode of a record, schema_from_json.)"""

    def __init__(self, file: Optional[str] = None):
        self.file = file
        self._plans: dict[type, _Plan] = {}
        # What source() takes as it is (a file that is `file`, or any file without one, then two runs of ASCII
        # digits), matched in one call: state.json holds ~18 sources a table, each through msgspec's dec_hook.
        self._as_recorded = re.compile(("(?s).*" if file is None else re.escape(file)) + ":[0-9]+:[0-9]+").fullmatch
        self.hook = self._hook()

    def source(self, v: str) -> Source:
        return str.__new__(Source, v) if self._as_recorded(v) is not None else _parsed_source(self.file, v)

    def _hook(self) -> Callable[[Any, Any], Any]:
        """msgspec's dec_hook: a Source from its text (ValueError: not one), as source() makes it. A closure, not a
        method: msgspec calls it for every source (178,254 at 10,000 tables), and a bound method's call and its
        attribute lookups were ~5% of `diff`'s decode of the record (docs/benchmarks-catalog.md, session 30)."""
        as_recorded, file, new = self._as_recorded, self.file, str.__new__  # (not self: no cycle to collect)

        def hook(hint: Any, value: Any, Source: type = Source, str: type = str) -> Any:
            if hint is Source and isinstance(value, str):  # (source()'s common case inline)
                return new(Source, value) if as_recorded(value) is not None else _parsed_source(file, value)
            raise NotImplementedError(hint)

        return hook

    def converter(self, hint: Any) -> Converter:
        if hint is Source:
            return self.source
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is Union or origin is getattr(types, "UnionType", ()):
            inner = [a for a in args if a is not type(None)]
            if len(inner) != 1:
                raise TypeError(f"cannot record a field of type {hint}")
            return self.converter(inner[0])  # None is passed through as None
        if origin is tuple and args and all(a in (str, int, bool, float) for a in args):
            return tuple  # a fixed pair of scalars (an FDW option: name, value), recorded as a list
        if origin is tuple:
            if len(args) != 2 or args[1] is not Ellipsis:
                raise TypeError(f"cannot record a field of type {hint}")
            item = self.converter(args[0])
            if item is None:
                return tuple
            return lambda v: tuple([item(x) for x in v])
        if origin is typing.Literal or hint in (str, int, bool, float):
            return None
        if is_dataclass(hint):
            return lambda v: self.dataclass(hint, v)
        raise TypeError(f"cannot record a field of type {hint}")

    def plan(self, cls: type) -> _Plan:
        plan = self._plans.get(cls)
        if plan is None:
            hints = typing.get_type_hints(cls)  # evaluated in the module that defines cls
            converters: dict[str, Converter] = {}
            base: dict[str, Any] = {}
            for f in fields(cls):
                if f.default is not MISSING:
                    base[f.name] = f.default
                if f.name == "source_file":
                    continue  # where the model was read from: never recorded
                hint = hints[f.name]
                converters[f.name] = self.converter(hint)
                if typing.get_origin(hint) is tuple:
                    base[f.name] = ()
                elif type(None) in typing.get_args(hint):
                    base[f.name] = None
            plan = self._plans[cls] = _Plan(cls, converters, base, len(fields(cls)), _direct(cls))
        return plan

    def dataclass(self, cls: type, d: dict) -> Any:
        plan = self._plans.get(cls) or self.plan(cls)
        if plan.shared is not None:
            key = tuple(d.items())  # TypeError: a list where the class holds a plain value
            obj = plan.shared.get(key)
            if obj is None:
                obj = plan.shared[key] = self._made(plan, cls, d)
            return obj
        return self._made(plan, cls, d)

    def _made(self, plan: _Plan, cls: type, d: dict) -> Any:
        converters = plan.converters
        obj = object.__new__(cls) if plan.direct else None
        # Filled in place, one key at a time: the dict stays split (shares the class's keys); one copied in
        # by update() is ~230 bytes more per object, ~85 MB at 10,000 tables.
        own = obj.__dict__ if obj is not None else {}
        for key, value in d.items():
            conv = converters[key]  # KeyError: a field this model does not have
            own[key] = value if conv is None or value is None else conv(value)
        if len(own) != plan.size:
            for key, value in plan.base.items():  # what the record leaves out
                if key not in own:
                    own[key] = value
        if obj is None:
            return cls(**own)
        if len(own) != plan.size:
            missing = sorted({f.name for f in fields(cls)} - own.keys())
            raise TypeError(f"{cls.__name__} needs {', '.join(missing)}")
        return obj


def _parsed_source(file: Optional[str], v: str) -> Source:
    """_Decoder.source() of a text its _as_recorded does not take as it is; `file`: the decoder's."""
    name, line, column = v.rsplit(":", 2)
    if not (line.isdecimal() and column.isdecimal()):  # (as the record writes them: no int() to make)
        int(line), int(column)  # ValueError: not a source
    if file is None or name == file:
        return Source.recorded(v)
    return Source(file, int(line), int(column))
