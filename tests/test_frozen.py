"""model/frozen.py's @frozen against dataclasses' own frozen dataclass: the same equality, hash, repr and
immutability, whatever the fields say (compare=False, hash=, none, inherited), and the methods compiled once."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from schemac.model import Column, Table
from schemac.model.frozen import frozen


def _pair(body: dict, base: tuple = ()) -> tuple[type, type]:
    made = []
    for decorate in (frozen, dataclass(frozen=True)):
        made.append(decorate(type("Thing", base, dict(body))))
    return made[0], made[1]


SHAPES = {
    "plain": {"__annotations__": {"a": "int", "b": "str"}, "b": "x"},
    "compare=False": {"__annotations__": {"a": "int", "b": "str"}, "b": field(default="x", compare=False)},
    "hash=False": {"__annotations__": {"a": "int", "b": "str"}, "b": field(default="x", hash=False)},
    "repr=False": {"__annotations__": {"a": "int", "b": "str"}, "b": field(default="x", repr=False)},
    "no fields": {"__annotations__": {}},
    "one field": {"__annotations__": {"a": "int"}},
}
VALUES = [dict(a=1, b="x"), dict(a=1, b="y"), dict(a=2, b="x"), dict(a=float("nan"), b="x")]


@pytest.mark.parametrize("shape", SHAPES)
def test_frozen_is_dataclasses_frozen(shape):
    ours, theirs = _pair(SHAPES[shape])
    names = [f.name for f in dataclasses.fields(theirs)]
    made = [(ours(**{k: v[k] for k in names}), theirs(**{k: v[k] for k in names})) for v in VALUES]
    for x, tx in made:
        assert repr(x) == repr(tx)
        with pytest.raises(dataclasses.FrozenInstanceError):
            x.a = 5  # type: ignore[attr-defined]
        for y, ty in made:
            assert (x == y, x != y) == (tx == ty, tx != ty)
            if tx == ty:
                assert hash(x) == hash(y)
        assert x != tx and (x == object()) is False  # another class: never equal
    assert ours.__dict__["__eq__"].__qualname__ == "Thing.__eq__"  # compiled once, then the class's own
    assert ours.__dict__["__hash__"].__qualname__ == "Thing.__hash__"


def test_a_subclass_compares_by_its_own_fields():
    base, _ = _pair(SHAPES["plain"])
    child = frozen(type("Child", (base,), {"__annotations__": {"c": "int"}, "c": 0}))
    assert child(1, "x", 2) != child(1, "x", 3) and child(1, "x", 2) == child(1, "x", 2)
    assert child(1, "x") != base(1, "x") and base(1, "x") == base(1, "x")


def test_the_models_objects_compare_as_before():
    a, b = Column(name="id", type="bigint", nullable=False), Column(name="id", type="bigint", nullable=False)
    assert a == b and hash(a) == hash(b) and a != dataclasses.replace(b, nullable=True)
    t = Table(name="t", columns=(a,))
    assert t == Table(name="t", columns=(b,)) and {t, Table(name="t", columns=(b,))} == {t}
    assert repr(a).startswith("Column(name='id', type='bigint', nullable=False")
    assert pickle.loads(pickle.dumps(t)) == t  # (the forked reader's, generate's child's)


@pytest.mark.parametrize("shape", SHAPES)
def test_replace_is_dataclasses_replace(shape):
    """frozen.replace copies the __dict__ of a @frozen object: the same object as dataclasses.replace makes (its
    fields, equality, hash, key-shared __dict__ of the same size), the original untouched, the same errors."""
    import sys

    from schemac.model.frozen import replace

    ours, _ = _pair(SHAPES[shape])
    names = [f.name for f in dataclasses.fields(ours)]
    for v in VALUES:
        x = ours(**{k: v[k] for k in names})
        for changes in ({}, {n: 7 for n in names[:1]}, {n: "z" for n in names}):
            new, theirs = replace(x, **changes), dataclasses.replace(x, **changes)
            assert new is not x and type(new) is ours and new.__dict__ == theirs.__dict__
            assert list(new.__dict__) == list(theirs.__dict__) == names
            assert sys.getsizeof(new.__dict__) == sys.getsizeof(theirs.__dict__)
            assert (new == theirs) is (theirs == dataclasses.replace(x, **changes)) and repr(new) == repr(theirs)
        assert x.__dict__ == {k: v[k] for k in names}
        with pytest.raises(TypeError):
            replace(x, no_such_field=1)


def test_replace_leaves_to_dataclasses_what_is_more_than_fields():
    """A class with __post_init__ or an init=False field, an object holding more than its fields (Schema's index
    of its tables), a plain dataclass: dataclasses.replace's object, not a copy of the __dict__."""
    from schemac.model import Schema
    from schemac.model.frozen import replace

    seen = []
    post = frozen(type("Post", (), {"__annotations__": {"a": "int"}, "__post_init__": lambda self: seen.append(self.a)}))
    replace(post(1), a=2)
    assert seen == [1, 2]
    derived = frozen(type("Derived", (), {"__annotations__": {"a": "int", "b": "int"}, "b": field(default=0, init=False)}))
    with pytest.raises(ValueError):
        replace(derived(1), b=3)  # (dataclasses': an init=False field cannot be given)
    t = Table(name="t")
    s = Schema(tables=(t,))
    assert s.table("public", "t") is t
    assert replace(s, tables=()).table("public", "t") is None
    plain = dataclass(type("Plain", (), {"__annotations__": {"a": "int"}}))
    assert replace(plain(1), a=2) == plain(2)
