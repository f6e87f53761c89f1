"""state.json is written by migrations.statejson (issue 15), not json.dumps: its text must stay
json.dumps's, byte for byte (people commit the record and review its diffs)."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import pytest

from schemac.migrations import statejson
from schemac.migrations.state import FORMAT, State, normal_forms, schema_fields_to_json, schema_from_json
from schemac.model import Schema, Source
from schemac.schemafile.load import load_file, load_text

HERE = Path(__file__).parent
SCHEMAS = [HERE / "fixtures" / "everything.yaml", HERE / "fixtures" / "objects.yaml",
           HERE / "fixtures" / "views.yaml", HERE / "fixtures" / "hostile" / "hostile-but-valid.yaml",
           HERE / "fixtures" / "hostile" / "crlf-line-endings.yaml", HERE.parent / "schema.yaml"]

# Non-ASCII text (names, comments, checks, defaults: UTF-8 as written, escapes only where JSON needs
# them), control characters, quotes and backslashes, floats (function cost and rows, a column's
# weights and null_fraction, query budgets), booleans, and objects whose fields are all left out.
AWKWARD = '''
tables:
  "Café ☕":
    comment: "l'été \\"quoted\\" back\\\\slash\\ttab\\u0001 \\u2028 line sep 😀"
    columns:
      "prénom": {type: text, default: "'Zoë'", comment: "naïve — 日本語",
                 distribution: {values: [a, b, c], weights: [0.5, 1.25, 3], null_fraction: 0.3}}
      n: {type: "numeric(12,2)", default: "1.5", check: "n > 0.25"}
      e: {type: integer, nullable: false}
    indexes:
      "idx_ünï": {columns: [n], where: "n > 0.5"}
    queries:
      q:
        sql: SELECT n FROM "Café ☕" WHERE n > $1
        params: [0.75]
        p95_ms: 12.5
        rows: 1000
functions:
  f:
    returns: integer
    language: sql
    body: SELECT 1
    cost: 2.5
    rows: 0.0001
'''


@functools.cache
def _models() -> list[Schema]:
    return [Schema(), load_text(AWKWARD, "schema.yaml")] + [load_file(str(p)) for p in SCHEMAS]


def _by_json_dumps(state: State) -> str:
    """What State.dumps wrote before issue 15: the document of plain values through json.dumps."""
    doc = json.loads(state.dumps())  # only its top-level keys and their order are taken from it
    doc = {k: v for k, v in doc.items() if k in ("format", "comment", "schemac", "schema_sha256", "migration",
                                                   "migration_sha384", "namespaces")}
    doc["tables"] = []
    doc.update(schema_fields_to_json(state.schema))
    doc["normal_forms"] = normal_forms(state.schema)
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


@pytest.mark.parametrize("n", range(len(SCHEMAS) + 2))
def test_record_is_json_dumps_text(n):
    schema = _models()[n]
    state = State("ab" * 32, "20260101000000_x.sql", schema, "cd" * 48)
    text = state.dumps()
    assert text == _by_json_dumps(state)
    assert schema_from_json(json.loads(text)) == schema


@pytest.mark.parametrize("n", range(len(SCHEMAS) + 2))
def test_record_written_in_pieces_is_the_same_text(n, tmp_path):
    """generate writes state.json piece by piece (State.write): the same bytes as dumps()."""
    state = State("ab" * 32, "20260101000000_x.sql", _models()[n], "cd" * 48)
    state.write(str(tmp_path / "state.json"))
    assert (tmp_path / "state.json").read_bytes() == state.dumps().encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left


def test_awkward_values_are_in_the_record():
    """The awkward schema does reach the writer with what it is meant to test."""
    text = State("0" * 64, "x.sql", load_text(AWKWARD, "schema.yaml")).dumps()
    assert "Café ☕" in text and "😀" in text and "\\u0001" in text and "\\t" in text and "\u2028" in text
    assert '"cost": 2.5' in text and "0.0001" in text and "1.25" in text and '"p95_ms": 12.5' in text
    assert '"nullable": false' in text


@pytest.mark.parametrize("doc", [
    {}, [], {"a": []}, {"a": {}}, [[], {}, [[]]], {"a": [1, 2.5, -0.0, 1e300, 10 ** 30, True, False, None, "x"]},
    {"é": {"ü": ["😀", "\u2028", "\x00\x1f\\\""]}},
    {"nested": [{"a": [{"b": [{"c": [{}]}]}]}] * 3},
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    # Values the writer hands to json.dumps: the text must still be json.dumps's.
    {1: "int key"}, {None: 1, True: 2, 2.5: 3}, {"nan": math.nan, "inf": [math.inf, -math.inf]},
    {"subclass": type("S", (str,), {})("text")}, {"tuple": ("a", ("b",), ())},
    {"source": Source("schema.yaml", 3, 7), "sources": (Source("a b.yaml", 1),)},
])
def test_plain_values_are_json_dumps_text(doc):
    expected = json.dumps(statejson._deep(doc), indent=2, ensure_ascii=False)
    assert statejson.dumps(doc) == expected
    if isinstance(doc, dict):  # in pieces: the same text, or Unusual where dumps fell back to json.dumps
        try:
            assert "".join(statejson.pieces(doc)) == expected
        except statejson.Unusual:
            with pytest.raises(statejson.Unusual):  # only where dumps, too, left it to json.dumps
                statejson._text(doc, 0)


def test_a_failed_write_leaves_the_record_as_it_was(tmp_path):
    from schemac.migrations.state import write_atomic

    path = tmp_path / "state.json"
    path.write_text("before\n")

    def failing():
        yield "half"
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(str(path), failing())
    assert path.read_text() == "before\n" and [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_format_is_the_recorded_one():
    assert json.loads(State("0" * 64, "x.sql", Schema()).dumps())["format"] == FORMAT


def test_sources_are_their_text_and_decode_as_recorded_or_rebased():
    """A Source is "file:line:column" itself (state.json's text of it), with its parts read back from the
    right even where the file name holds a colon; the record's decoder takes it as is, rebases it to the
    path diff was given, and turns down a text that is not a source (the record is then not used)."""
    from schemac.migrations.state import _Decoder

    s = Source("C:/work/a:b.yaml", 12, 7)
    assert (s, s.file, s.line, s.column) == ("C:/work/a:b.yaml:12:7", "C:/work/a:b.yaml", 12, 7)
    assert str(s) == "C:/work/a:b.yaml:12:7" and type(str(s)) is str and Source("x.yaml", 3).column == 1
    assert json.loads(statejson.dumps({"source": s})) == {"source": "C:/work/a:b.yaml:12:7"}
    kept = _Decoder().source("C:/work/a:b.yaml:12:7")
    assert type(kept) is Source and kept == s
    assert _Decoder("schema.yaml").source("C:/work/a:b.yaml:12:7") == Source("schema.yaml", 12, 7)
    assert _Decoder("schema.yaml").source("schema.yaml:4:2") == "schema.yaml:4:2"
    assert _Decoder("schema.yaml").source("schema.yaml.bak:4:2") == "schema.yaml:4:2"
    for damaged in ("schema.yaml", "schema.yaml:x:2", "4:2", "schema.yaml:4:²"):
        with pytest.raises(ValueError):
            _Decoder().source(damaged)
        with pytest.raises(ValueError):  # msgspec's dec_hook, the same
            _Decoder("schema.yaml").hook(Source, damaged)
    assert _Decoder("schema.yaml").hook(Source, "schema.yaml.bak:4:2") == "schema.yaml:4:2"
    assert type(_Decoder().hook(Source, "a:b.yaml:12:7")) is Source


def test_records_of_plain_values_decode_to_one_shared_object():
    """A class whose fields are all plain values (a view's column, what a view reads) is made once per
    distinct record and shared, as the catalog's side shares them: equal records, one object (the model is
    immutable); different records, different objects; a record that holds a list where the class holds a
    plain value is refused (the record is then not used). A class with a source is made per record."""
    from schemac.migrations.state import _Decoder
    from schemac.model import Dependency, Privilege, ViewColumn

    decoder = _Decoder()
    column = {"name": "id", "type": "bigint"}
    a, b = decoder.dataclass(ViewColumn, dict(column)), decoder.dataclass(ViewColumn, dict(column))
    assert a is b and a == ViewColumn("id", "bigint")
    other = decoder.dataclass(ViewColumn, {**column, "type": "integer"})
    assert other is not a and other.type == "integer"
    read = {"kind": "column", "schema": "public", "name": "t", "column": "id", "type": "bigint"}
    assert decoder.dataclass(Dependency, read) is decoder.dataclass(Dependency, dict(read))
    with pytest.raises(TypeError):
        decoder.dataclass(ViewColumn, {**column, "name": ["id"]})
    grant = {"grantee": "reader", "privilege": "SELECT", "source": "schema.yaml:3:5"}
    assert decoder.dataclass(Privilege, dict(grant)) is not decoder.dataclass(Privilege, dict(grant))


def test_decoded_objects_are_as_small_as_constructed_ones():
    """The decoder fills an object's dict in place, key by key, so that it stays a split dict sharing the
    class's keys (msgspec, which decodes most of the record, too). One copied in with update() took ~1.9x the memory of one __init__ made, and made the
    class give up its shared keys, so that every later object of it took as much (both models of `diff`:
    ~85 MB more at 10,000 tables, issue 15's 500 MiB). Measured with tracemalloc, each way in a process of
    its own (the class's state is the process's)."""
    import subprocess
    import sys

    program = """
import sys, tracemalloc
from schemac.migrations.state import _Decoder
from schemac.model import Column, Source
records = [{"name": f"c{n}", "type": "bigint", "nullable": False, "default": "0", "source": f"s.yaml:{n}:1"}
           for n in range(3000)]
decoder = _Decoder()
import msgspec
make = {"decoded": lambda n, r: decoder.dataclass(Column, r),
        "typed": lambda n, r: msgspec.convert(r, Column, dec_hook=decoder.hook),
        "built": lambda n, r: Column(r["name"], r["type"], nullable=False, default="0", source=Source("s.yaml", n, 1))}
tracemalloc.start()
made = [make[sys.argv[1]](n, r) for n, r in enumerate(records)]
assert made[0] == Column("c0", "bigint", nullable=False, default="0") and made[0].source == "s.yaml:0:1"
print(tracemalloc.get_traced_memory()[0])
"""
    size = {way: int(subprocess.run([sys.executable, "-c", program, way], capture_output=True, text=True,
                                    check=True).stdout) for way in ("decoded", "typed", "built")}
    # msgspec's objects keep ~100 bytes more each (measured: 1.5x the constructed ones here, from strings already
    # made); the record then needs no tree of JSON values, so `diff`'s peak at 10,000 tables stays ~360 MiB.
    assert size["decoded"] < 1.3 * size["built"] and size["typed"] < 1.65 * size["built"], size


def test_what_a_view_reads_decodes_into_objects_with_slots():
    """What a view reads (Dependency, ~11 objects a view: 11,474 at 1,000 views) is the record's most numerous
    object: a class with slots, which msgspec decodes ~1.8x faster than one with a __dict__ (views' part of diff's
    fast path, at 1,000 views: ~19 -> ~15.5 ms). Decoded by msgspec (schema_from_json) or by _Decoder (shared per
    distinct record, as the catalog's side shares them), it is the object the catalog's side makes: equal, the same
    hash and repr, frozen, made again by replace and by pickle, and written back to the same text."""
    import copy
    import dataclasses
    import pickle

    from schemac.migrations.state import _Decoder
    from schemac.model import Dependency, View

    read = {"kind": "column", "schema": "public", "name": "t", "column": "id", "type": "bigint"}
    relation = {"kind": "relation", "schema": "public", "name": "t"}
    record = {"tables": [], "views": [{"name": "v", "query": "SELECT id FROM t", "definition": "SELECT id FROM t",
                                       "depends": [read, relation]}]}
    view = schema_from_json(json.loads(json.dumps(record))).views[0]
    shared = _Decoder().dataclass(Dependency, dict(read))
    made = Dependency("column", "public", "t", "id", "bigint")
    assert view.depends == (made, Dependency("relation", "public", "t")) and shared == made
    for dep in (*view.depends, shared):
        assert not hasattr(dep, "__dict__") and type(dep) is Dependency
        assert hash(dep) == hash(Dependency(*(getattr(dep, f.name) for f in dataclasses.fields(dep))))
        assert pickle.loads(pickle.dumps(dep)) == dep and copy.deepcopy(dep) == dep
        with pytest.raises(dataclasses.FrozenInstanceError):
            dep.name = "u"  # type: ignore[misc]
    assert repr(view.depends[0]) == repr(made) == \
        "Dependency(kind='column', schema='public', name='t', column='id', type='bigint')"
    assert dataclasses.replace(made, column="x") == Dependency("column", "public", "t", "x", "bigint")
    assert json.loads(statejson.dumps(view)) == {**record["views"][0], "schema": "public", "materialized": False,
                                                 "with_data": True} and isinstance(view, View)
