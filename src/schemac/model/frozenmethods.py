"""The methods dataclasses writes for a frozen class, made without compiling source text where it can be avoided.

Why: dataclasses compiles __init__, __setattr__ and __delattr__ from source text as each frozen class is
defined (~0.4 ms a class: `schemac diff` defines ~70 at each start, and every command pays it before any work),
while a run builds objects of a third of them. __setattr__ and __delattr__ are closures here (dataclasses' code,
the class and its field names bound instead of written into the text), and __init__ is compiled at the class's
first call, from the same text dataclasses writes. tests/test_frozen.py holds each to dataclasses' own.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import MISSING, FrozenInstanceError, fields
from inspect import Parameter, Signature
from typing import Any, Callable


def set_del(cls: type) -> tuple[Callable[..., None], Callable[..., None]]:
    """dataclasses' frozen __setattr__ and __delattr__ of `cls` (which must have no dataclass base)."""
    names = tuple(f.name for f in fields(cls))

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    __setattr__.__qualname__ = f"{cls.__qualname__}.__setattr__"
    __delattr__.__qualname__ = f"{cls.__qualname__}.__delattr__"
    return __setattr__, __delattr__


def lazy_init(cls: type) -> tuple[Callable[..., None], Signature]:
    """An __init__ for `cls` that compiles dataclasses' own at its first call and puts it in its place, and its
    signature (inspect.signature's of dataclasses' __init__). Fields without a default after one with a default
    are refused here, as dataclasses refuses them."""
    every = list(cls.__dict__["__dataclass_fields__"].values())
    seen_default = False
    for f in every:
        if f._field_type is not dataclasses._FIELD_CLASSVAR and f.init and not f.kw_only:  # type: ignore[attr-defined]
            if f.default is not MISSING or f.default_factory is not MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        made = cls.__dict__["__init__"]
        if made is __init__:
            made = _compiled_init(cls)
            cls.__init__ = made  # type: ignore[misc]
        made(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__signature__ = signature = _signature(cls)  # type: ignore[attr-defined]
    return __init__, signature


def _signature(cls: type) -> Signature:
    every = [f for f in cls.__dict__["__dataclass_fields__"].values()
             if f._field_type is not dataclasses._FIELD_CLASSVAR and f.init]  # type: ignore[attr-defined]
    kinds = (Parameter.POSITIONAL_OR_KEYWORD, Parameter.KEYWORD_ONLY)
    self_name = "__dataclass_self__" if "self" in (f.name for f in every) else "self"
    return Signature([Parameter(self_name, Parameter.POSITIONAL_OR_KEYWORD)]
                     + [Parameter(f.name, kinds[bool(f.kw_only)], annotation=f.type,
                                  default=f.default if f.default is not MISSING
                                  else _FACTORY if f.default_factory is not MISSING else Parameter.empty)
                        for f in sorted(every, key=lambda f: bool(f.kw_only))], return_annotation=None)


def _compiled_init(cls: type) -> Callable[..., None]:
    """The text dataclasses writes for a frozen class's __init__ (dataclasses._init_fn), compiled."""
    every = [f for f in cls.__dict__["__dataclass_fields__"].values()
             if f._field_type is not dataclasses._FIELD_CLASSVAR]  # type: ignore[attr-defined]
    self_name = "__dataclass_self__" if "self" in (f.name for f in every) else "self"
    scope: dict[str, Any] = {f"_type_{f.name}": f.type for f in every}
    scope.update(MISSING=MISSING, _HAS_DEFAULT_FACTORY=_FACTORY, __dataclass_builtins_object__=object)
    body = []
    for f in every:
        default = f"_dflt_{f.name}"
        if f.default_factory is not MISSING:
            scope[default] = f.default_factory
            value = f"{default}() if {f.name} is _HAS_DEFAULT_FACTORY else {f.name}" if f.init else f"{default}()"
        elif f.init:
            if f.default is not MISSING:
                scope[default] = f.default
            value = f.name
        else:
            continue  # read from the class attribute that holds the default
        if f._field_type is not dataclasses._FIELD_INITVAR:  # type: ignore[attr-defined]
            body.append(f"__dataclass_builtins_object__.__setattr__({self_name},{f.name!r},{value})")
    if hasattr(cls, "__post_init__"):
        initvars = ",".join(f.name for f in every if f._field_type is dataclasses._FIELD_INITVAR)  # type: ignore
        body.append(f"{self_name}.__post_init__({initvars})")
    scope["_return_type"] = None
    signature = ", ".join([self_name, *_params(f for f in every if f.init)])
    text = (f"def __create_fn__({', '.join(scope)}):\n def __init__({signature}) -> _return_type:\n"
            + "\n".join("  " + line for line in body or ["pass"]) + "\n return __init__")
    return _compiled(cls, text, scope, "__init__")


def compiled_maker(cls: type) -> Callable[..., Any]:
    """A function taking what `cls`'s __init__ takes and returning the object it makes, its fields stored straight
    into the new object's __dict__, in the fields' order (the order __init__ stores them in, so the instance dicts
    share their keys as before), rather than each through object.__setattr__ (a call of a slot wrapper: a Table, 39
    fields, 10.7 -> ~4 us). Only for a class whose __init__ only stores its arguments (no __post_init__, no default
    factory, no InitVar, no field left out of __init__); `cls` itself for any other. Of a class with slots (@frozen(slots=
    True): model.views.Dependency), each field stored through its slot's own setter (~1.6x faster than __init__)."""
    every = list(cls.__dict__["__dataclass_fields__"].values())
    names = [f.name for f in every]
    slots = cls.__dict__.get("__slots__")
    if (hasattr(cls, "__post_init__") or slots is not None and set(names) - set(slots)
            or any(f._field_type is not dataclasses._FIELD or not f.init  # type: ignore[attr-defined]
                   or f.default_factory is not MISSING for f in every)):
        return cls
    made = "__dataclass_made__" if "self" in names else "self"
    values = "__dataclass_values__" if "d" in names else "d"
    scope: dict[str, Any] = {f"_type_{f.name}": f.type for f in every}
    scope.update({f"_dflt_{f.name}": f.default for f in every if f.default is not MISSING})
    scope.update(__dataclass_cls__=cls, __dataclass_new__=object.__new__)
    if slots is not None:
        scope.update({f"_set_{n}": cls.__dict__[n].__set__ for n in names})
        body = [f"{made} = __dataclass_new__(__dataclass_cls__)", *(f"_set_{n}({made}, {n})" for n in names),
                f"return {made}"]
    else:
        body = [f"{made} = __dataclass_new__(__dataclass_cls__)", f"{values} = {made}.__dict__",
                *(f"{values}[{n!r}] = {n}" for n in names), f"return {made}"]
    text = (f"def __create_fn__({', '.join(scope)}):\n def make({', '.join(_params(every))}):\n"
            + "\n".join("  " + line for line in body) + "\n return make")
    return _compiled(cls, text, scope, "made")


def _params(fields) -> list[str]:
    """A generated function's parameters for `fields`, the keyword-only ones after a `*`."""
    fields = list(fields)
    params = [_param(f) for f in fields if not f.kw_only]
    keyword = [_param(f) for f in fields if f.kw_only]
    return [*params, "*", *keyword] if keyword else params


def _compiled(cls: type, text: str, scope: dict[str, Any], name: str) -> Callable[..., Any]:
    """The function `text`'s __create_fn__ returns given `scope`, compiled in `cls`'s module without this module's
    `from __future__ import annotations` (as dataclasses compiles it), named as `cls`'s `name`."""
    module = sys.modules.get(cls.__module__)
    namespace: dict[str, Any] = {}
    exec(compile(text, "<string>", "exec", dont_inherit=True), module.__dict__ if module is not None else {}, namespace)
    made = namespace["__create_fn__"](**scope)
    made.__qualname__ = f"{cls.__qualname__}.{name}"
    return made


def _param(f: dataclasses.Field) -> str:
    if f.default is not MISSING:
        return f"{f.name}:_type_{f.name}=_dflt_{f.name}"
    if f.default_factory is not MISSING:
        return f"{f.name}:_type_{f.name}=_HAS_DEFAULT_FACTORY"
    return f"{f.name}:_type_{f.name}"


_FACTORY = dataclasses._HAS_DEFAULT_FACTORY  # type: ignore[attr-defined]
