"""`render_sarif`: a valid SARIF 2.1.0 log (checked against the vendored official JSON schema), one rule per
kind, one result per difference, deterministic."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from schemac.report import describe as report
from schemac.compare.differ import diff
from schemac.schemafile.load import load_text
from schemac.report.describe import Difference, differences
from schemac.report.sarif import KIND_DESCRIPTIONS, artifact_uri, render_sarif

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)

# RFC 3986 URI-reference characters (unreserved, reserved, and %XX escapes): what `format: uri-reference`
# asks of artifactLocation.uri (jsonschema checks formats only with optional packages, so check it here).
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")

MISSING_TABLE = Difference("missing_table", "table", "public", "orders", None, "TABLE public.orders", None,
                           "table public.orders is missing", "schema.yaml", 12)
TYPE_CHANGED = Difference("column_type_changed", "column", "public", "orders", "total", "numeric(12,2)", "integer",
                          "column total: type is integer, expected numeric(12,2)", "schema.yaml", 17)
UNEXPECTED_INDEX = Difference("unexpected_index", "index", "public", "orders", "orders_old_idx", None,
                              "INDEX USING btree (created_at)", "index orders_old_idx is not in schema.yaml", None,
                              None)
INDEX_WITH_LINE = Difference("unexpected_index", "index", "sales", "customers", "customers_x", None,
                             "INDEX USING hash (x)", "index customers_x is not in schema.yaml",
                             "db/my schema.yaml", 40)
MISSING_ENUM = Difference("missing_enum", "enum", "public", "", "mood", "ENUM ('sad', 'ok')", None,
                          "enum public.mood is missing", "schema.yaml", 3)
DIFFS = [MISSING_TABLE, TYPE_CHANGED, UNEXPECTED_INDEX, INDEX_WITH_LINE, MISSING_ENUM]


def _valid(text: str) -> dict:
    log = json.loads(text)
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    for run in log["runs"]:
        for result in run["results"]:
            for loc in result["locations"]:
                uri = loc["physicalLocation"]["artifactLocation"]["uri"]
                assert URI_REFERENCE.match(uri), uri
    return log


def test_vendored_schema_is_the_sarif_2_1_0_schema():
    raw = (ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_bytes()
    source = (ROOT / "tests" / "fixtures" / "SARIF-SCHEMA-SOURCE.md").read_text(encoding="utf-8")
    assert hashlib.sha256(raw).hexdigest() in source, "update SARIF-SCHEMA-SOURCE.md with the file's SHA-256"
    assert SARIF_SCHEMA["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    assert SARIF_SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    jsonschema.validators.validator_for(SARIF_SCHEMA).check_schema(SARIF_SCHEMA)


def test_the_validator_rejects_what_is_not_sarif():
    # The schema really bites: a log without a tool, a result with a bad level, a region with line 0.
    assert list(VALIDATOR.iter_errors({"version": "2.1.0", "runs": [{}]}))
    log = json.loads(render_sarif([MISSING_TABLE], "schema.yaml", "1.0"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(VALIDATOR.iter_errors(log))
    log = json.loads(render_sarif([MISSING_TABLE], "schema.yaml", "1.0"))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(VALIDATOR.iter_errors(log))


def test_log_shape():
    log = _valid(render_sarif(DIFFS, "schema.yaml", "0.1.0"))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "schemac"
    assert driver["version"] == "0.1.0"
    assert "informationUri" not in driver
    assert [r["id"] for r in driver["rules"]] == ["column_type_changed", "missing_enum", "missing_table",
                                                  "unexpected_index"]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] == KIND_DESCRIPTIONS[rule["id"]][0]
        assert rule["fullDescription"]["text"] == KIND_DESCRIPTIONS[rule["id"]][1]
        assert "helpUri" not in rule
        assert rule["defaultConfiguration"]["level"] == "error"
    assert len(run["results"]) == len(DIFFS)


def test_one_result_per_difference_in_order():
    log = _valid(render_sarif(DIFFS, "schema.yaml", "0.1.0"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for d, result in zip(DIFFS, run["results"]):
        assert result["ruleId"] == d.kind
        assert rules[result["ruleIndex"]]["id"] == d.kind
        assert result["level"] == "error"
        assert result["message"]["text"] == f"{d.path}: {d.message}"
        (loc,) = result["locations"]
        assert loc["logicalLocations"] == [{"fullyQualifiedName": d.path}]
        props = result["properties"]
        assert props["expected"] == d.expected
        assert props["actual"] == d.actual
        assert props["object"] == {"type": d.object_type, "schema": d.schema, "table": d.table or None,
                                   "name": d.name, "path": d.path}


def test_locations_line_known_and_unknown():
    log = _valid(render_sarif(DIFFS, "schema.yaml", "0.1.0"))
    results = log["runs"][0]["results"]
    missing, changed, unexpected, elsewhere, enum = (r["locations"][0]["physicalLocation"] for r in results)
    assert missing == {"artifactLocation": {"uri": "schema.yaml"}, "region": {"startLine": 12}}
    assert changed["region"] == {"startLine": 17}
    # No file and no line: the schema file, and no region at all.
    assert unexpected == {"artifactLocation": {"uri": "schema.yaml"}}
    # The difference's own file wins over schema_file; spaces are percent-encoded.
    assert elsewhere == {"artifactLocation": {"uri": "db/my%20schema.yaml"}, "region": {"startLine": 40}}
    assert enum["region"] == {"startLine": 3}


def test_schema_file_is_used_as_given():
    log = _valid(render_sarif([UNEXPECTED_INDEX], "config/schema.yaml", "0.1.0"))
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "config/schema.yaml"}}


@pytest.mark.parametrize("path,uri", [
    ("schema.yaml", "schema.yaml"),
    ("db/schema.yaml", "db/schema.yaml"),
    ("db\\schema.yaml", "db/schema.yaml"),
    ("a b/c#d%.yaml", "a%20b/c%23d%25.yaml"),
    ("naïve.yaml", "na%C3%AFve.yaml"),
])
def test_artifact_uri(path, uri):
    assert artifact_uri(path) == uri
    assert URI_REFERENCE.match(uri)


def test_in_sync_is_an_empty_valid_log():
    log = _valid(render_sarif([], "schema.yaml", "0.1.0"))
    (run,) = log["runs"]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []


def test_deterministic():
    a = render_sarif(DIFFS, "schema.yaml", "0.1.0")
    assert a == render_sarif(list(DIFFS), "schema.yaml", "0.1.0")
    assert a.endswith("\n")
    # Rules do not depend on the order the kinds first appear in.
    b = json.loads(render_sarif(list(reversed(DIFFS)), "schema.yaml", "0.1.0"))
    assert b["runs"][0]["tool"]["driver"]["rules"] == json.loads(a)["runs"][0]["tool"]["driver"]["rules"]
    # Keys are sorted at every level.
    assert a == json.dumps(json.loads(a), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_unknown_kind_still_gets_a_rule():
    d = Difference("trigger_changed", "trigger", "public", "t", "trg", "x", "y", "trigger trg differs", None, None)
    log = _valid(render_sarif([d], "schema.yaml", "0.1.0"))
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["id"] == "trigger_changed"
    assert rule["shortDescription"]["text"]


A = """\
enums:
  mood: [sad, ok]
sequences:
  counter: {start: 1}
tables:
  orders:
    comment: old comment
    columns:
      id: {type: integer, primary_key: true}
      total: integer
      note: {type: text, nullable: false}
      status: {type: text, default: "'new'"}
      gone: text
    checks:
      total_positive: total > 0
    indexes:
      orders_note: {columns: [note]}
      orders_old: {columns: [status]}
  legacy:
    columns: {id: integer}
"""

B = """\
extensions: [pgcrypto]
enums:
  mood: [sad, ok, happy]
sequences:
  counter: {start: 1, increment: 2}
tables:
  orders:
    comment: new comment
    columns:
      id: {type: integer, primary_key: true}
      total: {type: "numeric(12,2)"}
      note: {type: text}
      status: {type: text, default: "'open'"}
      added: date
    checks:
      total_positive: total >= 0
    indexes:
      orders_note: {columns: [note], unique: true}
      orders_new: {columns: [added]}
  customers:
    columns: {id: integer}
"""


def test_real_differences_render_valid_sarif():
    current, desired = load_text(A, "schema.yaml"), load_text(B, "schema.yaml")
    diffs = differences(diff(current, desired))
    kinds = {d.kind for d in diffs}
    assert {"missing_table", "unexpected_table", "missing_column", "unexpected_column", "column_type_changed",
            "column_nullability_changed", "column_default_changed", "comment_changed", "index_changed",
            "missing_index", "unexpected_index", "enum_changed", "sequence_changed",
            "missing_extension"} <= kinds, kinds
    log = _valid(render_sarif(diffs, "schema.yaml", "0.1.0"))
    run = log["runs"][0]
    assert len(run["results"]) == len(diffs)
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted(kinds)
    for d, result in zip(diffs, run["results"]):
        loc = result["locations"][0]["physicalLocation"]
        assert ("region" in loc) == bool(d.line)
        # the JSON report and the SARIF properties say the same thing
        j = d.to_json()
        assert result["properties"]["object"] == j["object"]
        assert (result["properties"]["expected"], result["properties"]["actual"]) == (j["expected"], j["actual"])


def _report_kinds() -> set[str]:
    """Every kind report._difference() can return: its literal kinds, plus its f-string families."""
    source = Path(report.__file__).read_text(encoding="utf-8")
    literal = set(re.findall(r'"((?:missing|unexpected)_[a-z]+|[a-z]+(?:_[a-z]+)*_changed|constraint_not_valid|'
                             r'pending_rename|unmanaged_object|index_invalid)"', source))
    history = Path(report.__file__).with_name("history.py").read_text(encoding="utf-8")
    literal |= set(re.findall(r'"(migration_[a-z]+)"', history))
    security = Path(report.__file__).with_name("security.py").read_text(encoding="utf-8")
    literal |= set(re.findall(r'"((?:missing|unexpected)_[a-z_]+|[a-z]+(?:_[a-z]+)*_changed|row_security_[a-z_]+)"',
                              security))
    # f"missing_{kind}", f"unexpected_{kind}", f"{kind}_changed" over the objects outside tables, and
    # f"column_{attr}_changed" for identity/generated, and f"missing_{'index' or 'constraint'}" etc.
    families = {f"{prefix}_{obj}" for prefix in ("missing", "unexpected") for obj in
                ("extension", "enum", "domain", "sequence", "function", "index", "constraint", "composite_type",
                 "range_type", "collation", "aggregate", "text_search_config", "text_search_dictionary", "operator",
                 "operator_class", "operator_family")}
    families |= {f"{obj}_changed" for obj in ("extension", "enum", "domain", "sequence", "function", "index",
                                              "constraint", "column_identity", "column_generated", "composite_type",
                                              "range_type", "collation", "aggregate", "text_search_config",
                                              "text_search_dictionary", "operator", "operator_class", "operator_family")}
    # report/views.py: f"missing_{kind}", f"unexpected_{kind}", f"{kind}_changed" of views and materialized views
    views = Path(report.__file__).with_name("views.py").read_text(encoding="utf-8")
    literal |= set(re.findall(r'"([a-z]+(?:_[a-z]+)*_changed)"', views))
    objects = Path(report.__file__).with_name("database_objects.py").read_text(encoding="utf-8")
    literal |= set(re.findall(r'"((?:missing|unexpected)_[a-z_]+|[a-z]+(?:_[a-z]+)*_changed)"', objects))
    marks = Path(report.__file__).with_name("table_marks.py").read_text(encoding="utf-8")  # replica identity, settings
    literal |= set(re.findall(r'"([a-z]+(?:_[a-z]+)*_changed)"', marks))
    families |= {f"{prefix}_{obj}" for prefix in ("missing", "unexpected") for obj in ("view", "materialized_view")}
    families |= {f"{obj}_changed" for obj in ("view", "materialized_view")}
    # report/describe.py: rules and extended statistics share one f-string family; report/unmanaged.py, --strict's kind
    families |= {f"{prefix}_{obj}" for prefix in ("missing", "unexpected") for obj in ("rule", "statistics")}
    families |= {"rule_changed", "statistics_changed"}
    invalid = Path(report.__file__).with_name("invalid.py").read_text(encoding="utf-8")  # an INVALID index or key
    literal |= set(re.findall(r'"(index_invalid)"', invalid))
    unmanaged = Path(report.__file__).with_name("unmanaged.py").read_text(encoding="utf-8")
    literal |= set(re.findall(r'"(unmanaged_object)"', unmanaged))
    for family in ('f"missing_{kind}"', 'f"unexpected_{kind}"', 'f"column_{attr}_changed"', 'f"{what}_changed"',
                   "f\"missing_{'index' if k == 'add_index' else 'constraint'}\""):
        assert family in source, f"report.py no longer builds kinds as {family}: update this test"
    return literal | families


def test_every_kind_has_a_description():
    kinds = _report_kinds()
    assert kinds - set(KIND_DESCRIPTIONS) == set()
    assert set(KIND_DESCRIPTIONS) - kinds == set()


def test_drift_report_doc_lists_every_kind():
    doc = (ROOT / "docs" / "drift-report.md").read_text(encoding="utf-8")
    section = doc.split("## Kinds", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
    assert len(documented) == len(set(documented))
    assert set(documented) == set(KIND_DESCRIPTIONS)
