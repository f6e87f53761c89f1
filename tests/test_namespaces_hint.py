"""`diff`'s slow path without a record starts the catalog read on the schemas schema.yaml's node tree names
(schemafile.namespaces_hint), before the model is built: the server reads while this process builds it.

The hint is only a guess (the read is done again when the model names other schemas), so what matters is that
it is the model's Schema.namespaces whenever it is not None; tests/test_fuzz_loader.py checks that for every
document it makes, this file for the fixtures and the shapes the hint gives up on. Real server for the order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.model.frozen import replace
from schemac.schemafile.load import Loader, load_text
from schemac.schemafile.namespaces_hint import namespaces_hint, public_only
from schemac.schemafile.strict import compose

HERE = Path(__file__).parent


def hint_and_model(text: str):
    seen = []
    schema = load_text(text, "schema.yaml", lambda root: seen.append(namespaces_hint(root)))
    assert len(seen) == 1
    return seen[0], schema.namespaces


@pytest.mark.parametrize("name", ["everything.yaml", "objects.yaml", "views.yaml"])
def test_the_hint_is_the_models_schemas(name):
    hint, namespaces = hint_and_model((HERE / "fixtures" / name).read_text("utf-8"))
    assert hint == namespaces
    assert len(namespaces) > 1  # (each fixture has objects outside public)


def test_the_hint_covers_every_placed_kind_and_the_schemas_list():
    text = """\
schemas: [a, {name: b, comment: x}, c]
enums: {e: {values: [x], schema: d}}
domains: {dm: {type: integer, schema: e}}
sequences: {s: {schema: f}}
composite_types: {ct: {attributes: {x: integer}, schema: g}}
range_types: {r: {subtype: integer, schema: h}}
functions: {fn: {returns: integer, language: sql, body: SELECT 1, schema: i}}
tables:
  t: {schema: j, columns: {id: integer}}
  u: {columns: {id: serial}}
views:
  v: {query: SELECT 1 AS x, schema: k}
"""
    hint, namespaces = hint_and_model(text)
    assert hint == namespaces == ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "public")


def test_the_hint_follows_statistics_objects_and_operator_classes_elsewhere():
    """A statistics object may live outside its table's schema, an operator class or family in a schema of its own:
    Schema.namespaces counts them (a schema holding one alone is kept and made), so the hint does too."""
    text = """\
operator_families: {f2: {schema: fam, method: hash}}
operator_classes:
  c: {schema: opc, method: hash, type: integer, family: fam.f2, operators: [{strategy: 1, operator: '='}],
      functions: [{number: 1, function: 'pg_catalog.hashint4(integer)'}]}
tables:
  t:
    columns: {a: integer, b: integer}
    statistics: {st: {columns: [a, b], schema: vault}, st2: [a, b]}
materialized_views:
  mv: {query: 'SELECT 1 AS x, 2 AS y', statistics: {m: {columns: [x, y], schema: mvs}}}
"""
    hint, namespaces = hint_and_model(text)
    assert hint == namespaces == ("fam", "mvs", "opc", "public", "vault")


def test_the_namespaces_are_gathered_once_and_not_carried_by_replace():
    """The differ asks a Schema its namespaces ~8 times a run (~5 ms each at 10,000 tables): they are gathered once.
    A Schema made from it by replace() gathers its own."""
    schema = load_text("tables:\n  t: {schema: j, columns: {id: integer}}\n", "schema.yaml")
    assert schema.used_namespaces is schema.used_namespaces == ("j",)
    moved = replace(schema, tables=(replace(schema.tables[0], schema="k"),))
    assert moved.used_namespaces == ("k",) and schema.used_namespaces == ("j",)


def test_public_alone_when_nothing_names_a_schema():
    assert hint_and_model("tables:\n  t:\n    columns:\n      id: integer\n") == (("public",), ("public",))
    assert namespaces_hint(compose("extensions: [pgcrypto]\n", "schema.yaml")) == ("public",)


@pytest.mark.parametrize("text", [
    "tables: {t: {columns: {id: integer}}}\npublications: {p: {tables_in_schema: [x]}}\n",
    "default_privileges:\n  - {role: r, objects: tables, schema: x, grants: {s: [select]}}\n",
    "tables: {t: {schema: [x], columns: {id: integer}}}\n",
    "tables: [t]\n",
    "schemas: [[a]]\n",
    "- tables\n",
])
def test_no_hint_where_the_tree_says_it_otherwise_or_wrongly(text):
    assert namespaces_hint(compose(text, "schema.yaml")) is None


@pytest.mark.parametrize("name", ["everything.yaml", "objects.yaml", "views.yaml"])
def test_a_text_naming_schemas_is_not_taken_for_public_alone(name):
    assert not public_only((HERE / "fixtures" / name).read_text("utf-8"))


@pytest.mark.parametrize("text", [
    "tables: {t: {columns: {id: integer}}, u: {\"schema\" : x, columns: {id: integer}}}\n",
    "tables:\n  t:\n    ? schema\n    : x\n    columns: {id: integer}\n",
    "schemas: [x]\n",
    "tables: {t: {columns: {id: integer}}}\npublications: {p: {tables_in_schema: [public]}}\n",
])
def test_public_only_sees_every_spelling_of_a_schema_key(text):
    assert not public_only(text)
    assert namespaces_hint(compose(text, "schema.yaml")) != ("public",) or "publications" in text


def test_public_only_where_no_key_names_a_schema():
    text = "# schema.yaml, by hand\ntables:\n  schema_log:\n    columns: {id: integer, schema_name: text}\n"
    assert public_only(text)
    assert load_text(text).namespaces == ("public",)


def test_without_a_record_public_alone_starts_before_the_yaml_is_composed(tmp_path, schemac, db_url, monkeypatch):
    """A schema.yaml whose text names no schema: the read starts on public before the ~2 s of composing (at 10,000
    tables), not only after it."""
    from schemac.schemafile import load

    events = _slow_path_events(tmp_path, schemac, db_url, monkeypatch, "tables:\n  t: {columns: {id: integer}}\n",
                               (load, "compose"))
    assert events[:2] == [("start", ("public",)), "compose"]


def test_without_a_record_the_read_starts_before_the_model_is_built(tmp_path, schemac, db_url, monkeypatch):
    """Before: the slow path with no state.json told the reading child which schemas to read only from the built
    model (catalog.result), so the server's whole read came after the YAML load; now it starts between the two."""
    text = "schemas: [sales]\ntables:\n  t: {columns: {id: integer}}\n  u: {schema: sales, columns: {id: integer}}\n"
    events = _slow_path_events(tmp_path, schemac, db_url, monkeypatch, text, (Loader, "_model"))
    assert events[:2] == [("start", ("public", "sales")), "model"]


def _slow_path_events(tmp_path, schemac, db_url, monkeypatch, text: str, step: tuple) -> list:
    """`diff` of a database migrated to `text`, with no record (in sync): the catalog.start calls and the calls of
    `step` (an object and its attribute's name: compose, Loader._model), in order."""
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    assert schemac("generate", "--name", "init", cwd=tmp_path).returncode == 0
    apply_all(db_url, tmp_path / "generated")
    events: list = []
    owner, name = step
    real = getattr(owner, name)
    label = name.strip("_")
    monkeypatch.setattr(owner, name, lambda *args: (events.append(label), real(*args))[1])
    from schemac.catalog import forked, worker

    for cls in (forked.ForkedCatalogRead, worker.CatalogRead):
        start = cls.start
        monkeypatch.setattr(cls, "start", lambda self, namespaces, start=start: (
            events.append(("start", namespaces)), start(self, namespaces))[1])
    result = check_drift(str(tmp_path / "schema.yaml"), db_url, out_dir=str(tmp_path / "no-record"))
    assert result.desired_from == "schema.yaml" and result.differences == ()
    assert json.loads(result.render("json"))["in_sync"] is True
    return events
