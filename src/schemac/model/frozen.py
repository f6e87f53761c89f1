"""`@frozen`: `@dataclass(frozen=True)`, its __eq__ and __hash__ made at a class's first comparison or hash.

Why: `schemac diff` defines ~75 of these classes at each start (the model, the changes, the findings), and
dataclasses compiles every method it generates from source text as the class is defined, six per frozen class;
a run compares the objects of about a fifth of them. Here __eq__ and __hash__ are compiled on first use, the
same code dataclasses writes (the compared fields, compare=True, as one tuple; only objects of the same class
equal; hash= where a field sets it), and __repr__ is one function for all: defining the classes costs about a
third less (the import of `schemac diff`'s modules: 0.41 -> 0.26 s of CPU on a loaded machine, best of 15).
__init__, __setattr__ and __delattr__ are not compiled as the class is defined either (model/frozenmethods.py): of
a class with a docstring or none, no slots and none of these of its own, whose dataclass bases are frozen.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, Callable, Optional, TypeVar

from schemac.model import frozenmethods

T = TypeVar("T", bound=type)
_MADE = ("__init__", "__setattr__", "__delattr__")


def frozen(cls: Optional[T] = None, *, slots: bool = False) -> Any:
    """@frozen, or @frozen(slots=True): the class made again with __slots__ (dataclasses' slots=True), for the small
    classes the record holds by the ten thousand (a view's output columns, what it reads): msgspec decodes an object
    with slots ~1.8x faster than one with a __dict__ (state.json's views at 1,000 tables: ~11 ms less)."""
    if cls is None:
        return functools.partial(frozen, slots=slots)
    own = cls.__dict__
    bases = [b.__dict__["__dataclass_params__"].frozen for b in cls.__mro__[1:] if "__dataclass_params__" in b.__dict__]
    if slots or "__slots__" in own or any(m in own for m in _MADE) or not all(bases):
        # what dataclasses alone knows how to do (or refuses)
        cls = dataclass(frozen=True, eq=False, repr=False, slots=slots)(cls)  # type: ignore[call-overload]
    else:
        # Without the source text dataclasses compiles: __setattr__ and __delattr__ as closures, __init__ at the first
        # call (frozenmethods); under a frozen dataclass base, dataclasses' own __setattr__ and __delattr__.
        base_frozen = bool(bases)
        documented = bool(own.get("__doc__"))
        if not documented:
            cls.__doc__ = "-"  # (dataclasses would describe the signature of object.__init__)
        cls = dataclass(frozen=base_frozen, eq=False, repr=False, init=False)(cls)
        if not base_frozen:
            cls.__setattr__, cls.__delattr__ = frozenmethods.set_del(cls)
            cls.__dataclass_params__.frozen = True
        cls.__init__, signature = frozenmethods.lazy_init(cls)
        if not documented:
            cls.__doc__ = cls.__name__ + str(signature.replace(parameters=list(signature.parameters.values())[1:]))\
                .replace(" -> None", "")
    cls.__eq__, cls.__hash__, cls.__repr__ = _eq, _hash, _repr
    _COPIED[cls] = _copied_fields(cls)
    if _COPIED[cls] is None:
        _SLOTTED[cls] = _slotted_fields(cls)
    return cls


@functools.lru_cache(maxsize=None)
def made(cls: type) -> Callable[..., Any]:
    """What makes an object of the @frozen class `cls` as cls(...) does, faster where its __init__ only stores its
    arguments (frozenmethods.compiled_maker: each field stored into the new object's __dict__, not through
    object.__setattr__), compiled at the first call for the class. For the objects built by the thousand where
    they are on a command's path (the catalog's tables, their indexes and constraints on `diff`'s fast path): the
    object's __dict__ is then made at once, ~64 bytes more for a class of at most 29 fields (CPython 3.11: an
    object whose dict was never asked for holds its values alone), nothing more for one of more (Table)."""
    return frozenmethods.compiled_maker(cls)


def replace(obj: Any, /, **changes: Any) -> Any:
    """dataclasses.replace, faster for a @frozen class (its __init__ takes every field and does nothing else):
    the new object's __dict__ is the old one's, updated, in the same order (so the same key-sharing), instead of
    __init__ setting each field through object.__setattr__ (a Table, 37 fields: ~49 -> ~8 us). An object that
    holds more than its fields (Schema's table index), a field not of the class, any other class: dataclasses'."""
    cls = obj.__class__
    names = _COPIED.get(cls)
    if names is not None:
        old = obj.__dict__
        if len(old) == len(names) and names.issuperset(changes):
            new = object.__new__(cls)
            held = new.__dict__
            held.update(old)
            held.update(changes)
            return new
        return dataclasses.replace(obj, **changes)
    slotted = _SLOTTED.get(cls)
    if slotted is not None:  # (a class with slots: its fields read at once, the changed ones put in, made as made() makes)
        read, place = slotted
        if place.keys() >= changes.keys():
            values = list(read(obj))
            for name, value in changes.items():
                values[place[name]] = value
            return made(cls)(*values)
    return dataclasses.replace(obj, **changes)


def _copied_fields(cls: type) -> Optional[frozenset[str]]:
    """The names of `cls`'s fields, when each is an __init__ argument its __init__ only stores; else None."""
    every = cls.__dict__["__dataclass_fields__"]
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__") and "__dict__" not in dir(cls):
        return None
    if any(f._field_type is not dataclasses._FIELD or not f.init for f in every.values()):  # type: ignore[attr-defined]
        return None  # (InitVar, ClassVar, init=False: dataclasses' replace knows them)
    return frozenset(every)


def _slotted_fields(cls: type) -> Optional[tuple[Callable[[Any], tuple], dict[str, int]]]:
    """Of a class with slots whose __init__ takes each field, in order and by position, and only stores it: what reads
    every field of an object at once, and each field's place among them; else None. replace() then makes a Change
    (31 fields, slots since a 30th took it past CPython 3.11's shared instance dicts) in ~1.5 us, not dataclasses'
    ~7.5."""
    every = list(cls.__dict__["__dataclass_fields__"].values())
    slots = cls.__dict__.get("__slots__")
    if slots is None or hasattr(cls, "__post_init__") or len(every) < 2 or set(f.name for f in every) - set(slots):
        return None
    if any(f._field_type is not dataclasses._FIELD or not f.init or f.kw_only  # type: ignore[attr-defined]
           or f.default_factory is not dataclasses.MISSING for f in every):
        return None
    return attrgetter(*(f.name for f in every)), {f.name: i for i, f in enumerate(every)}


_COPIED: dict[type, Optional[frozenset[str]]] = {}
_SLOTTED: dict[type, Optional[tuple[Callable[[Any], tuple], dict[str, int]]]] = {}


def _eq(self: Any, other: Any) -> Any:
    """The class's first comparison: its own __eq__ made, put in place and used."""
    return _made(self.__class__, "__eq__")(self, other)


def _hash(self: Any) -> int:
    return _made(self.__class__, "__hash__")(self)


def _made(cls: type, method: str) -> Callable[..., Any]:
    """dataclasses' __eq__ (with `self is other` first) or __hash__ for `cls`, compiled and set on the class."""
    own = cls.__dict__.get(method)
    if own is not _eq and own is not _hash:
        return own  # made already (by another thread, or by a first call through a subclass)
    made = fields(cls)
    if method == "__eq__":
        names = [f.name for f in made if f.compare]
        body = (f"    if other.__class__ is self.__class__:\n        if self is other:\n            return True\n"
                f"        return ({''.join(f'self.{n},' for n in names)}) == ({''.join(f'other.{n},' for n in names)})\n"
                f"    return NotImplemented\n")
        source = f"def __eq__(self, other):\n{body}"
    else:
        names = [f.name for f in made if (f.compare if f.hash is None else f.hash)]
        source = f"def __hash__(self):\n    return hash(({''.join(f'self.{n},' for n in names)}))\n"
    scope: dict[str, Any] = {}
    exec(source, {}, scope)  # (field names are identifiers: dataclasses writes the same text)
    function = scope[method]
    function.__qualname__ = f"{cls.__qualname__}.{method}"
    setattr(cls, method, function)
    return function


def _repr(self: Any) -> str:
    cls = self.__class__
    return f"{cls.__qualname__}({', '.join(f'{f.name}={getattr(self, f.name)!r}' for f in fields(cls) if f.repr)})"
