"""The exact output of every planned change and of its drift report, for every case of the two
table-driven suites, in both directions (the edit, and the edit undone).

tests/test_object_changes.py and tests/test_incremental.py prove on a server that each plan applies,
converges and keeps the rows; they cannot say that the plan is the *same* plan next time, or what a
drift report says about it. Here each case is planned in-process (schema.yaml before → after, as
`generate` does from state.json) and compared with `tests/fixtures/plan_and_report_cases.json`, a
reviewed record of:

- the SQL of the transactional plan and of the `--concurrently` plan (the text a reviewer approves and
  sqlx checksums: it must not change by accident);
- which changes need `--allow-destructive`, and why, and which `renamed_from` notices are printed;
- the drift report: every difference's kind, object, path, expected, actual, message and schema.yaml
  line, as the JSON report writes them, and the text, GitHub and SARIF renderings of the whole set.

A deliberate change of output updates the record: `SCHEMAC_UPDATE_GOLDEN=1 pytest tests/test_plan_and_report_cases.py`,
and the diff of the JSON file is reviewed like code.
"""

from __future__ import annotations

import json
import os

import pytest

import test_incremental
import test_object_changes
from schemac.compare.differ import diff, ignored_renames
from schemac.plan.hazards import destructive_reason
from schemac.plan.planner import PlanError, plan, plan_online, render_sql
from schemac.report.describe import differences
from schemac.report.github import render_github
from schemac.report.json import render_json
from schemac.report.sarif import render_sarif
from schemac.report.text import render_text
from schemac.schemafile.load import load_text

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "fixtures", "plan_and_report_cases.json")


def _cases() -> list[tuple[str, str, str]]:
    """(id, schema.yaml before, schema.yaml after), each edit both ways."""
    out = []
    for suite, base, cases in (("object", test_object_changes.BASE, [(c.id, c.values[0]) for c in
                                                                     test_object_changes.CASES]),
                               ("table", test_incremental.BASE, [(c[0], c[1]) for c in test_incremental.CASES])):
        for case_id, change in cases:
            edited = change(base)
            out.append((f"{suite}:{case_id}", base, edited))
            out.append((f"{suite}:{case_id}:undone", edited, base))
    return out


CASES = _cases()


def outcome(before: str, after: str) -> dict:
    current, desired = load_text(before), load_text(after)
    changes = diff(current, desired)
    out: dict = {}
    try:
        out["sql"] = render_sql(plan(changes))
        online = plan_online(changes, {t.key for t in current.tables})
        out["concurrently"] = {"main": render_sql(online.main), "validate": render_sql(online.validate),
                               "indexes": [render_sql([s]) for _, s in online.concurrent]}
    except PlanError as e:  # what Postgres cannot do in place (an enum value removed): refused, and why
        out["refused"] = str(e)
    out["destructive"] = [r for r in (destructive_reason(c) for c in changes) if r]
    # renamed_from that has nothing left to rename (already applied): the notice every command prints
    out["renames_ignored"] = ignored_renames(current, desired)
    out["renames_ignored_once_applied"] = ignored_renames(desired, desired)
    out["differences"] = [d.to_json() for d in differences(changes)]
    return out


def _record() -> dict:
    with open(GOLDEN, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def record() -> dict:
    if os.environ.get("SCHEMAC_UPDATE_GOLDEN"):
        fresh = {case_id: outcome(before, after) for case_id, before, after in CASES}
        fresh["renderings"] = renderings()
        with open(GOLDEN, "w", encoding="utf-8") as f:
            json.dump(fresh, f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")
    return _record()


def test_every_case_is_recorded(record):
    """The record and the suites list the same cases: a new case gets its output reviewed too."""
    assert sorted(k for k in record if k != "renderings") == sorted(c[0] for c in CASES)


@pytest.mark.parametrize("case_id,before,after", CASES, ids=[c[0] for c in CASES])
def test_plan_and_report(record, case_id, before, after):
    assert outcome(before, after) == record[case_id]


def renderings() -> dict:
    """Every format over one drift with many kinds of difference at once (the object suite's edits,
    each undone, are what a database drifted from schema.yaml would show)."""
    before = test_object_changes.BASE
    after = before
    for c in test_object_changes.CASES:
        if c.id in ("enum-value-middle", "domain-check-widened", "sequence-increment", "identity-always-to-by-default",
                    "fk-on-delete", "partition-comment", "column-comment-changed", "index-nulls-order", "schema-added",
                    "enum-dropped", "pk-comment", "sequence-dropped", "partition-added"):
            after = c.values[0](after)
    current, desired = load_text(after), load_text(before)
    found = differences(diff(current, desired))
    target = {"database": "postgresql://app@db.example/app"}
    return {
        "text": render_text(found, "postgresql://app@db.example/app", "db/schema.yaml"),
        "json": render_json(found, target, "db/schema.yaml"),
        "github": render_github(found, "db/schema.yaml"),
        "sarif": render_sarif(found, "db/schema.yaml", "0.1.0"),
    }


def test_every_format_renders_the_same_drift(record):
    assert renderings() == record["renderings"]
