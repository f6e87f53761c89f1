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


_POST: list = []
INIT_SHAPES = {  # what dataclasses' __init__ does beyond storing its arguments (model/frozenmethods.py writes the same)
    "factory": {"__annotations__": {"a": "int", "b": "list"}, "b": field(default_factory=list)},
    "kw_only": {"__annotations__": {"a": "int", "b": "int", "c": "int"}, "b": field(default=2, kw_only=True),
                "c": field(kw_only=True)},
    "init=False": {"__annotations__": {"a": "int", "b": "int", "c": "list"}, "b": field(default=5, init=False),
                   "c": field(default_factory=list, init=False)},
    "InitVar and __post_init__": {"__annotations__": {"a": "int", "scale": "dataclasses.InitVar[int]"}, "scale": 1,
                                  "__post_init__": lambda self, scale: _POST.append((self.a, scale))},
    "a field named self": {"__annotations__": {"self": "int", "b": "str"}, "b": "x"},
    "documented": {"__annotations__": {"a": "int"}, "__doc__": "Why it is."},
}
CALLS = [((1,), {}), ((), {"a": 1}), ((1, [2]), {}), ((1,), {"c": 3}), ((1,), {"b": 4, "c": 3}), ((1, 2), {}),
         ((1, "y"), {}), ((), {}), ((1,), {"nope": 1}), ((1,), {"scale": 3})]


@pytest.mark.parametrize("shape", {**SHAPES, **INIT_SHAPES})
def test_the_made_methods_are_dataclasses_own(shape):
    """@frozen makes __setattr__ and __delattr__ without compiling them and __init__ at its first call: the same
    objects, errors, signature and docstring as dataclasses' frozen class, before and after that first call."""
    import inspect

    body = {**SHAPES, **INIT_SHAPES}[shape]
    ours, theirs = _pair(body)
    assert ours.__doc__ == theirs.__doc__ and ours.__match_args__ == theirs.__match_args__
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert ours.__dataclass_params__.frozen
    assert ours.__dict__["__init__"].__code__.co_filename.endswith("frozenmethods.py")
    assert ours.__dict__["__setattr__"].__code__.co_filename.endswith("frozenmethods.py")  # nothing compiled yet
    for args, kwargs in CALLS:
        outcome = []
        for cls in (ours, theirs):
            _POST.clear()
            try:
                made = cls(*args, **kwargs)
            except TypeError as e:
                outcome.append(("TypeError", str(e).replace(ours.__qualname__, "").replace(theirs.__qualname__, "")))
                continue
            outcome.append((made.__dict__, list(made.__dict__), list(_POST)))
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'a'"):
                made.a = 9
            with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field"):
                del made.a
        assert outcome[0] == outcome[1], (args, kwargs)
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))  # after the first call too
    assert ours.__dict__["__init__"].__code__.co_filename == "<string>"  # compiled once, then the class's own
    if shape == "InitVar and __post_init__":
        _POST.clear()
        assert ours(2, 5) and _POST == [(2, 5)]
    assert ours.__init__.__qualname__ == "Thing.__init__"
    assert ours.__init__.__annotations__ == theirs.__init__.__annotations__


@pytest.mark.parametrize("shape", {**SHAPES, **INIT_SHAPES})
def test_made_makes_what_the_class_makes(shape):
    """frozen.made(cls)(...) is cls(...) where its __init__ only stores its arguments (fields stored into the new
    object's __dict__: the same fields in the same order, equal, the same hash and repr, frozen), a TypeError for
    the same wrong calls; for a class whose __init__ does more (a default factory, init=False, InitVar and
    __post_init__), the class itself."""
    from schemac.model.frozen import made

    ours, theirs = _pair({**SHAPES, **INIT_SHAPES}[shape])
    make = made(ours)
    if shape in ("factory", "init=False", "InitVar and __post_init__"):
        assert make is ours
        return
    assert make is not ours and make is made(ours)  # (compiled once)
    for args, kwargs in CALLS:
        outcome = []
        for call in (make, theirs):
            try:
                x = call(*args, **kwargs)
            except TypeError as e:
                outcome.append(("TypeError", "positional" in str(e)))  # (a count without self: not the text)
                continue
            try:
                hashed: object = hash(x)
            except TypeError:  # (a list given for a field)
                hashed = "unhashable"
            outcome.append((x.__dict__, list(x.__dict__), repr(x).replace(theirs.__qualname__, "Thing"), hashed))
            if call is make:
                assert type(x) is ours and x == ours(*args, **kwargs)
                with pytest.raises(dataclasses.FrozenInstanceError):
                    x.a = 9
        assert outcome[0] == outcome[1], (args, kwargs)


def test_made_makes_the_catalogs_objects_as_their_classes_do():
    """The model classes the catalog builds by the thousand through made() (catalog/rows.py): equal objects with
    the same __dict__ in the same order as their __init__ makes, pickled alike."""
    from schemac.model import Check, ForeignKey, Index, IndexElement, PrimaryKey, Unique
    from schemac.model.frozen import made

    element = dict(column="a", expression=None, order="desc", nulls="last", opclass=None, opclass_options=(),
                   statistics=None, collation=None)
    calls = [(IndexElement, element),
             (Index, dict(name="i", elements=(IndexElement(**element),), unique=True, method="btree", where="a > 0",
                          include=("b",), comment=None, nulls_not_distinct=False, valid=True, parameters=(),
                          attached_to=None)),
             (PrimaryKey, dict(columns=("id",), name="t_pkey", comment=None, deferrable=False, initially_deferred=False,
                               include=(), index_comment=None, without_overlaps=False, parameters=("fillfactor=90",))),
             (Unique, dict(columns=("a",), name=None, comment="c", nulls_not_distinct=True, deferrable=True,
                           initially_deferred=True, include=(), index_comment=None, without_overlaps=False,
                           parameters=())),
             (Check, dict(name="k", expression="a > 0", comment=None, not_valid=False, no_inherit=True, enforced=True)),
             (ForeignKey, dict(columns=("a",), ref_table="r", ref_columns=("id",), ref_schema="public", name="fk",
                               on_delete="cascade", on_update="no action", match_full=False, deferrable=False,
                               initially_deferred=False, not_valid=False, comment=None, on_delete_columns=(),
                               period=False, enforced=True, ref_extension=None)),
             (Table, dict(name="t", schema="s", columns=(Column(name="id", type="bigint"),), comment="x",
                          parameters=("fillfactor=70",)))]
    for cls, kwargs in calls:
        theirs, ours = cls(**kwargs), made(cls)(**kwargs)
        assert made(cls) is not cls and type(ours) is cls
        assert ours == theirs and list(ours.__dict__.items()) == list(theirs.__dict__.items())
        assert pickle.loads(pickle.dumps(ours)) == theirs and repr(ours) == repr(theirs)


def test_made_makes_a_class_with_slots_as_the_class_does():
    """@frozen(slots=True) (model.views.Dependency, what a view reads: the catalog makes ~11 a view through made()):
    made(cls) is compiled, each field stored through its slot's setter, not cls itself (__init__ setting each field
    through object.__setattr__, ~1.6x the time); the same object as cls(...) makes (no __dict__, equal, the same hash
    and repr, frozen, pickled alike: Dependency), the same TypeError for a wrong call."""
    from schemac.model import Dependency
    from schemac.model.frozen import frozen, made

    @frozen(slots=True)
    class Slotted:
        a: int
        b: str = "x"
        c: tuple = ()

    for cls, calls in ((Dependency, [(("column", "public", "t", "id", "bigint"), {}), (("relation", "s", "t"), {}),
                                     ((), dict(kind="type", schema="s", name="n", type="int"))]),
                       (Slotted, [((1,), {}), ((1, "y"), dict(c=(2,))), ((), dict(a=3, b="z"))])):
        make = made(cls)
        assert make is not cls and make is made(cls) and make.__qualname__ == f"{cls.__qualname__}.made"
        for args, kwargs in calls:
            ours, theirs = make(*args, **kwargs), cls(*args, **kwargs)
            assert type(ours) is cls and not hasattr(ours, "__dict__") and ours == theirs
            assert (hash(ours), repr(ours)) == (hash(theirs), repr(theirs))
            assert cls is Slotted or pickle.loads(pickle.dumps(ours)) == ours  # (a local class: no pickle)
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(ours, dataclasses.fields(cls)[0].name, "u")
        for args, kwargs in (((), {}), ((1, 2, 3, 4, 5, 6), {}), ((), dict(bogus=1))):
            with pytest.raises(TypeError):
                make(*args, **kwargs)
            with pytest.raises(TypeError):
                cls(*args, **kwargs)


def test_a_plain_subclass_may_set_what_is_not_a_field():
    """As in dataclasses: the class itself refuses every attribute, a subclass that is no dataclass only its fields;
    a frozen subclass of a @frozen class is frozen, a dataclass that is not cannot be made of one."""
    for made in _pair(SHAPES["plain"]):
        sub = type("Sub", (made,), {})
        x = sub(1)
        x.other = 2
        assert x.other == 2
        with pytest.raises(dataclasses.FrozenInstanceError):
            x.a = 3
        with pytest.raises(dataclasses.FrozenInstanceError):
            made(1).other = 2
        assert dataclass(frozen=True)(type("Frozen", (made,), {"__annotations__": {"c": "int"}, "c": 0}))(1).c == 0
        with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):
            dataclass(type("Thawed", (made,), {"__annotations__": {"c": "int"}, "c": 0}))
    thawed = dataclass(type("Thawed", (), {"__annotations__": {"a": "int"}}))
    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen one"):
        frozen(type("Child", (thawed,), {"__annotations__": {"c": "int"}, "c": 0}))


def test_a_field_without_default_after_one_with_is_refused_at_once():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        frozen(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 0}))


def test_replace_of_a_class_with_slots_is_dataclasses_replace():
    """frozen.replace of a @frozen(slots=True) object (compare.changes.Change): its fields read at once and the object
    made as made() makes it, the same object as dataclasses.replace makes (no __dict__, equal, the same hash, repr and
    pickle), the original untouched, the same TypeError for a field the class does not have."""
    from schemac.compare.changes import Change
    from schemac.model.frozen import frozen, replace

    @frozen(slots=True)
    class Slotted:
        a: int
        b: str = "x"
        c: tuple = ()

    x = Slotted(1, "y", (2,))
    c = Change("add_index", "public", "t", name="i", above=(("public", "p"),))
    for obj, changes in ((x, {}), (x, dict(a=7)), (x, dict(c=(), b="z", a=0)), (c, dict(renames_copy_of=("s", "i"))),
                         (c, dict(name="j", kind="drop_index", above=())), (c, {})):
        ours, theirs = replace(obj, **changes), dataclasses.replace(obj, **changes)
        assert ours is not obj and type(ours) is type(obj) and not hasattr(ours, "__dict__")
        assert ours == theirs and (hash(ours), repr(ours)) == (hash(theirs), repr(theirs))
        assert all(getattr(ours, f.name) == getattr(theirs, f.name) for f in dataclasses.fields(obj))
        assert type(obj) is Slotted or pickle.loads(pickle.dumps(ours)) == ours
    assert (x.a, x.b, x.c) == (1, "y", (2,)) and c.name == "i" and c.renames_copy_of == ()
    for obj in (x, c):
        with pytest.raises(TypeError):
            replace(obj, no_such_field=1)


def test_a_change_holds_its_fields_in_slots():
    """compare.changes.Change has 31 fields: past CPython 3.11's 29 keys an instance's __dict__ shares with its class's
    others, each held a dict of its own (~1.6 KB where 29 fields took ~0.3: +8 MiB of generate's peak at 1,000 tables
    with a view and a trigger function each, after session 41's 30th field). With slots, ~0.3 KB however many."""
    import tracemalloc

    from schemac.compare.changes import Change

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = [Change("add_index", "public", f"t{i}", name="i", cause="x") for i in range(2000)]
        per_change = (tracemalloc.get_traced_memory()[0] - before) / len(made)
    finally:
        tracemalloc.stop()
    assert not hasattr(made[0], "__dict__") and per_change < 600, per_change
