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
from schemac.compare.differ import diff
from schemac.compare.notices import ignored_renames
from schemac.plan.hazards import destructive_reason, enums_holding_values
from schemac.plan.online import plan_online
from schemac.plan.planner import PlanError, plan, render_sql
from schemac.model import Unmanaged
from schemac.report.describe import differences
from schemac.report.unmanaged import unmanaged_differences
from schemac.report.github import render_github
from schemac.report.json import render_json
from schemac.report.sarif import render_sarif
from schemac.report.text import render_text
from schemac.schemafile.load import load_text

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "fixtures", "plan_and_report_cases.json")


# Edits the server suites do not make yet (planned here all the same, so their output is pinned):
# partitions attached, detached and re-keyed, NOT VALID constraints, retypes under a CHECK and an
# expression index, extensions moved and dropped, domain NOT NULL, identity CYCLE, adjacent enum
# values, qualified operator classes, INCLUDE, NULLS NOT DISTINCT, non-printable comments.
EXTRA_BASE = """\
extensions:
  - {name: pgcrypto, schema: public}
enums:
  level: {values: [low, high]}
domains:
  code: {type: text}
sequences:
  counter: {start: 1}
tables:
  parts:
    columns:
      id: {type: integer, nullable: false}
      at: {type: date, nullable: false}
      qty: {type: integer, identity: {generated: by_default}}
      label: text
      doubled: {type: integer, generated: {expression: qty * 2}}
    checks:
      qty_positive: qty > 0
    indexes:
      parts_label: {columns: [{expression: lower(label)}]}
      parts_id: {columns: [{name: id, opclass: int4_ops}], include: [at]}
    unique:
      - columns: [label]
  log:
    columns:
      id: {type: bigint, nullable: false}
      at: {type: date, nullable: false}
    partition_by: {strategy: range, key: at}
  log_2025:
    columns:
      id: {type: bigint, nullable: false}
      at: {type: date, nullable: false}
  owner:
    columns:
      id: {type: integer, primary_key: true}
  pet:
    columns:
      owner_id: integer
    foreign_keys:
      - columns: [owner_id]
        references: {table: owner, columns: [id]}
"""


def _edit(old: str, new: str):
    return lambda s: test_object_changes.edit(s, old, new)


EXTRA = [
    ("partition-attached", _edit("  log_2025:\n", "  log_2025:\n    partition_of: {parent: log, bound: \"FOR VALUES FROM "
                                 "('2025-01-01') TO ('2026-01-01')\"}\n")),
    ("partition-key-changed", _edit("partition_by: {strategy: range, key: at}", "partition_by: {strategy: list, key: id}")),
    ("partition-key-column-retyped", _edit("      at: {type: date, nullable: false}\n    partition_by",
                                           "      at: {type: timestamp, nullable: false}\n    partition_by")),
    ("check-not-valid", _edit("      qty_positive: qty > 0\n", "      qty_positive: {expression: qty > 0, not_valid: true}\n")),
    ("retype-under-check-and-index", _edit("      label: text\n", "      label: varchar(40)\n")),
    ("retype-checked-column", _edit("qty: {type: integer, identity: {generated: by_default}}",
                                    "qty: {type: bigint, identity: {generated: by_default}}")),
    ("extension-moved", _edit("{name: pgcrypto, schema: public}", "{name: pgcrypto, schema: util}")),
    ("extension-dropped", _edit("extensions:\n  - {name: pgcrypto, schema: public}\n", "")),
    ("domain-not-null", _edit("code: {type: text}", "code: {type: text, not_null: true}")),
    ("identity-cycle", _edit("identity: {generated: by_default}}", "identity: {generated: by_default, cycle: true}}")),
    ("enum-adjacent-values", _edit("[low, high]", "[lowest, low, mid, midhigh, high]")),
    ("opclass-qualified", _edit("opclass: int4_ops", "opclass: pg_catalog.int4_ops")),
    ("include-dropped", _edit(", include: [at]}", "}")),
    ("unique-nulls-not-distinct", _edit("      - columns: [label]\n", "      - {columns: [label], nulls_not_distinct: true}\n")),
    ("comment-with-control-characters", _edit("  owner:\n", "  owner:\n    comment: \"tab\\there\\u0007bell \\U0001F600\"\n")),
    ("identity-kind-and-options", _edit("identity: {generated: by_default}}", "identity: {generated: always, increment: 2}}")),
    ("generated-made-virtual", _edit("generated: {expression: qty * 2}", "generated: {expression: qty * 2, stored: false}")),
    ("comment-multiline", _edit("  owner:\n", "  owner:\n    comment: \"first line\\nsecond line\"\n")),
    ("sequence-from-zero", _edit("counter: {start: 1}", "counter: {start: 0, min_value: -5}")),
    ("check-added-not-valid", _edit("      qty_positive: qty > 0\n", "      qty_positive: qty > 0\n      qty_small: {expression: qty < 1000, not_valid: true}\n")),
    ("unique-named", _edit("      - columns: [label]\n", "      - {columns: [label], name: parts_label_key}\n")),
    ("sequence-added-owned", _edit("  counter: {start: 1}\n", "  counter: {start: 1}\n  parts_id_seq: {owned_by: parts.id}\n")),
    ("table-with-fk-dropped", lambda s: s.split("  pet:")[0]),
    ("table-with-fk-and-target-dropped", lambda s: s.split("  owner:")[0]),
]


def _cases() -> list[tuple[str, str, str]]:
    """(id, schema.yaml before, schema.yaml after), each edit both ways."""
    out = []
    for suite, base, cases in (("object", test_object_changes.BASE, [(c.id, c.values[0]) for c in
                                                                     test_object_changes.CASES]),
                               ("table", test_incremental.BASE, [(c[0], c[1]) for c in test_incremental.CASES]),
                               ("extra", EXTRA_BASE, EXTRA)):
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
    held = enums_holding_values(changes)  # as generate: an enum no column holds loses a label without loss
    out["destructive"] = [r for r in (destructive_reason(c, held) for c in changes) if r]
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


def test_plan_and_report(record):
    """One sweep over every case (one test, so that a quick run sees all of them): each case's plan,
    hazards, notices and report equal the record; the message names every case that differs."""
    differing = [case_id for case_id, before, after in CASES if outcome(before, after) != record[case_id]]
    assert not differing, f"output differs from {GOLDEN} for: {', '.join(differing)}"


# Type changes and whether generate refuses them without --allow-destructive: (old, new, refused?).
# Safe only when every value of the old type converts unchanged, its text the same (integer -> text, jsonb -> json or
# text, json -> text); one that may change a value (json -> jsonb: keys twice, spaces) counts as destructive.
TYPE_CHANGES = [
    ("varchar(10)", "varchar(20)", False), ("varchar(20)", "varchar(10)", True), ("varchar(10)", "text", False),
    ("text", "varchar(10)", True), ("char(5)", "char(3)", True), ("char(3)", "char(5)", False),
    ("numeric(5,2)", "numeric(6,2)", False), ("numeric(5,2)", "numeric(4,2)", True),
    ("numeric(5,2)", "numeric(5,1)", True), ("numeric(5,2)", "numeric(6,3)", False), ("numeric(5,2)", "numeric", False),
    ("numeric", "numeric(10,2)", True), ("numeric(10,2)", "numeric(10)", True),
    ("smallint", "integer", False), ("integer", "bigint", False), ("bigint", "integer", True),
    ("integer", "smallint", True), ("integer", "numeric(10,0)", False), ("integer", "numeric(9,0)", True),
    ("integer", "numeric(12,2)", False), ("integer", "numeric(11,2)", True), ("smallint", "numeric(5)", False),
    ("smallint", "numeric(4)", True), ("bigint", "numeric(19)", False), ("bigint", "numeric(18)", True),
    ("integer", "numeric", False), ("bigint", "numeric(20,1)", False), ("bigint", "numeric(20,2)", True),
    ("timestamp(3) without time zone", "timestamp(6) without time zone", False),
    ("timestamp(6) without time zone", "timestamp(3) without time zone", True),
    ("timestamp without time zone", "timestamp(3) without time zone", True),
    ("timestamp(3) without time zone", "timestamp without time zone", False),
    ("timestamp without time zone", "timestamp(6) without time zone", False),
    ("numeric(5,1)", "numeric(6)", True), ("numeric(5)", "numeric(5,1)", True), ("numeric(5)", "numeric(6,1)", False),
    # (a shape PostGIS refuses every value of: written behind a look at the rows, plan.held_values: it fails over a
    # value, loses none)
    ("integer", "numeric(10)", False), ("geometry(Point,4326)", "geometry(Polygon,4326)", False),
    ("time(2) without time zone", "time(1) without time zone", True),
    ("time(2) without time zone", "time without time zone", False),
    ("bit varying(8)", "bit varying(4)", True), ("integer", "text", False), ("text", "integer", True),
    ("integer", "varchar(11)", False), ("integer", "varchar(10)", True), ("bigint", "varchar(20)", False),
    ("bigint", "varchar(19)", True),
    ("smallint", "varchar(6)", False), ("smallint", "varchar(5)", True), ("integer[]", "text[]", False),
    ("integer[]", "bigint[]", False), ("bigint[]", "integer[]", True), ("real", "double precision", False),
    ("double precision", "real", True), ("smallint", "real", False), ("smallint", "double precision", False),
    ("integer", "double precision", False), ("integer", "real", True), ("bigint", "double precision", True),
    ("bigint", "real", True), ("double precision", "integer", True), ("jsonb", "json", False), ("json", "jsonb", True),
    ("jsonb", "text", False), ("json", "text", False), ("text", "json", True),
    ("bit(3)", "bit(5)", True), ("integer[]", "integer", True), ("varchar(10)[]", "varchar(20)[]", False),
    ("date", "timestamp without time zone", False), ("date", "timestamp with time zone", True),
    # (only the padding blanks go, which bpchar ignores)
    ("char(1)", "text", False), ("character", "text", False), ("char(3)", "varchar(3)", False),
    ("char(3)", "varchar(5)", False), ("char(3)", "varchar(2)", True), ("char(3)", "varchar", False),
    ("char(1)[]", "text[]", False), ("character", "varchar(1)", False),
    ("bit(3)", "bit varying(3)", False), ("bit(3)", "bit varying", False), ("bit(3)", "bit varying(2)", True),
    ("bit varying(4)", "bit varying(8)", False), ("bit varying(4)", "bit varying", False),
    ("bit varying", "bit varying(4)", True), ("varchar(10)", "varchar", False), ("text", "char(1)", True),
]


@pytest.mark.parametrize("old,new,lossy", TYPE_CHANGES, ids=[f"{o}->{n}" for o, n, _ in TYPE_CHANGES])
def test_type_change_hazard(old, new, lossy):
    # (geometry is PostGIS's: a file using it without declaring postgis is refused, as one using citext without it)
    table = ("extensions: [postgis]\n" if "geometry" in old + new else "") + \
        "tables:\n  t:\n    columns:\n      c: {type: '%s'}\n"
    changes = [c for c in diff(load_text(table % old), load_text(table % new)) if c.kind == "alter_column_type"]
    assert len(changes) == 1
    reason = destructive_reason(changes[0])
    assert (reason is not None) == lossy, reason
    if lossy:
        assert reason.startswith(f"change type of column c of public.t from {changes[0].old.type_text} to "), reason


# An enum's labels read back as the same text: to text, varchar without a length or citext no value is lost, nor to a
# varchar(n) as long as its longest label (bb: 2) or longer; to a shorter varchar(n) that label fails, to char(n) it is
# cut or padded (the pairs enum-to-text, enum-array-to-varchar-array, enum-to-varchar-as-long-as-a-label-can-be and
# enum-to-varchar-as-long-as-its-longest-label apply them over rows without --allow-destructive).
ENUM_TYPE_CHANGES = [("mood", "text", False), ("mood", "varchar", False), ("mood[]", "text[]", False),
                     ("mood", "varchar(10)", False), ("mood", "char(10)", True), ("mood", "citext", False),
                     ("mood[]", "citext[]", False), ("mood", "ext.citext", False), ("mood", "varchar(63)", False),
                     ("mood", "varchar(2)", False), ("mood", "varchar(1)", True), ("mood[]", "varchar(1)[]", True),
                     ("mood[]", "varchar(100)[]", False), ("mood", "char(63)", True)]


@pytest.mark.parametrize("old,new,lossy", ENUM_TYPE_CHANGES, ids=[f"{o}->{n}" for o, n, _ in ENUM_TYPE_CHANGES])
def test_enum_type_change_hazard(old, new, lossy):
    table = ("extensions: [{name: citext, schema: %s}]\nenums: {mood: [a, bb]}\ntables:\n  t:\n    columns:\n"
             "      c: {type: '%s'}\n")
    schema = "ext" if "ext." in new else "public"
    changes = [c for c in diff(load_text(table % (schema, old)), load_text(table % (schema, new)))
               if c.kind == "alter_column_type"]
    assert len(changes) == 1 and changes[0].from_enum and not changes[0].to_enum
    assert (destructive_reason(changes[0]) is not None) == lossy


# One enum to another: where the new one holds every label of the old, each value reads back through text (the pair
# enum-column-moves-to-an-enum-holding-each-of-its-labels applies it over rows without --allow-destructive); where it
# lacks one, a row holding it has no value there. A key's column alike (the pair
# enum-key-and-its-foreign-key-move-to-another-enum: its foreign key dropped around the two retypes).
ENUM_TO_ENUM = [("mood", "wide", "", False), ("mood[]", "wide[]", "", False), ("mood", "narrow", "", True),
                ("mood[]", "narrow[]", "", True), ("mood", "wide", ", primary_key: true", False),
                ("mood", "narrow", ", primary_key: true", True)]


@pytest.mark.parametrize("old,new,key,lossy", ENUM_TO_ENUM, ids=[f"{o}->{n}{k and '-key'}" for o, n, k, _ in ENUM_TO_ENUM])
def test_enum_to_enum_hazard(old, new, key, lossy):
    table = ("enums: {mood: [a, bb], wide: [bb, c, a], narrow: [a]}\ntables:\n  t:\n    columns:\n"
             "      c: {type: '%s'" + key + "}\n")
    changes = [c for c in diff(load_text(table % old), load_text(table % new)) if c.kind == "alter_column_type"]
    assert len(changes) == 1 and changes[0].from_enum and changes[0].to_enum
    assert (destructive_reason(changes[0]) is not None) == lossy


# A domain's values are values of the type it stands on: made that type (or a wider one) none is lost; made a narrower
# type, its length may cut one (the pair rw-domain-made-its-base-type applies such a change over rows without
# --allow-destructive). Made a domain over a base as wide, none is lost either: ALTER ... TYPE checks each value against
# its CHECKs and refuses the whole statement where one fails (warned of, not refused: test_typmod_checks), and a domain
# over the one the column is of holds its CHECKs already (`email` -> `work_email`).
DOMAIN_TYPE_CHANGES = [("email", "varchar(200)", False), ("email", "text", False), ("email", "varchar(100)", True),
                       ("email[]", "varchar(200)[]", False), ("work_email", "text", False), ("email", "work_email", False),
                       ("varchar(200)", "email", False), ("email", "integer", True), ("email", "varchar(200)[]", True)]


@pytest.mark.parametrize("old,new,lossy", DOMAIN_TYPE_CHANGES, ids=[f"{o}->{n}" for o, n, _ in DOMAIN_TYPE_CHANGES])
def test_domain_type_change_hazard(old, new, lossy):
    table = ("domains:\n  email: {type: varchar(200), checks: {email_at: \"VALUE LIKE '%%@%%'\"}}\n"
             "  work_email: {type: email}\ntables:\n  t:\n    columns:\n      c: {type: '%s'}\n")
    changes = [c for c in diff(load_text(table % old), load_text(table % new)) if c.kind == "alter_column_type"]
    assert len(changes) == 1
    assert (destructive_reason(changes[0]) is not None) == lossy, destructive_reason(changes[0])

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
    after = after.replace("comment: who", "comment: qui est là")  # non-ASCII text, kept as written
    current, desired = load_text(after), load_text(before)
    found = differences(diff(current, desired))
    target = {"database": "postgresql://app@db.example/app"}
    unmanaged = (Unmanaged("view", "public", "active_people"), Unmanaged("function", "audit", "touch"),
                 Unmanaged("view", "public", "ledger"))
    return {
        "text": render_text(found, "postgresql://app@db.example/app", "db/schema.yaml", unmanaged),
        "json": render_json(found, target, "db/schema.yaml", unmanaged),
        "github": render_github(found, "db/schema.yaml", unmanaged),
        "sarif": render_sarif(found, "db/schema.yaml", "0.1.0"),
        "strict": [d.to_json() for d in unmanaged_differences(unmanaged)],
    }


def test_every_format_renders_the_same_drift(record):
    assert renderings() == record["renderings"]


WRAPPERS_BEFORE = """foreign_data_wrappers:
  w_opts: {options: {a: '1', b: two}, owner: postgres}
  w_gone: {}
foreign_servers:
  s_opts: {wrapper: w_opts}
"""
WRAPPERS_AFTER = """foreign_data_wrappers:
  w_opts: {options: {a: '2', c: three}, owner: someone, comment: mine}
  w_new: {}
foreign_servers:
  s_opts: {wrapper: w_opts, options: {host: h}, comment: theirs}
"""


def test_a_foreign_data_wrappers_changes_are_of_a_foreign_data_wrapper():
    """Every change of a foreign-data wrapper (created, dropped, options, owner, comment) and of a foreign server is
    labelled with its own kind by Change.object_kind, as the JSON report's object type says it (a wrapper's were
    labelled "column": Change.object_kind had no entry for ForeignDataWrapper)."""
    changes = diff(load_text(WRAPPERS_BEFORE), load_text(WRAPPERS_AFTER))
    kinds = {c.kind: c.object_kind for c in changes}
    assert kinds == {"add_foreign_data_wrapper": "foreign data wrapper", "set_foreign_data_wrapper_options":
                     "foreign data wrapper", "set_foreign_data_wrapper_owner": "foreign data wrapper",
                     "set_foreign_data_wrapper_comment": "foreign data wrapper", "drop_foreign_data_wrapper":
                     "foreign data wrapper", "set_foreign_server_options": "foreign server",
                     "set_foreign_server_comment": "foreign server"}
    document = json.loads(render_json(differences(changes), {"database": "x"}, "schema.yaml"))
    assert {(d["object"]["name"], d["object"]["type"]) for d in document["differences"]} == {
        (c.name, c.object_kind) for c in changes}
