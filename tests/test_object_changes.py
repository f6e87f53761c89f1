"""Every kind of object changed on a real server (18, 16, 15), over rows, judged by an oracle of its own.
The default run takes one case of each class (OF_THE_CLASS_OF), on one major in turn; `-m slow` every case on
every major.

Each case edits BASE (enums, domains, sequences, identities, foreign keys, partitions, comments,
collations, columns added to existing tables), generates the migration, applies it over the rows of
ROWS, and then:

- schemac's `diff` finds nothing, and a second `generate` writes nothing;
- the catalog, read by tests/catalog_oracle.py's own SQL, equals that of a sibling database built
  from the new schema.yaml from scratch: a blind spot shared by schemac's differ, DDL builder and
  catalog reader shows up here;
- every column kept by the change holds the same values as before (a checksum per column);
- the case's own statements, run after the migration, succeed (the next insert after an identity
  change, a new enum value in use).
"""

from __future__ import annotations

import psycopg
import pytest

from base_copies import base_copy
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database, values
from conftest import built_from_scratch, each_case_on_one_major, one_of_each_class
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate

BASE = """\
schemas: [audit]
enums:
  mood: {values: [sad, ok, happy], comment: how it feels}
  spare_mood: {values: [x, y]}
domains:
  year:
    type: integer
    checks:
      year_check: VALUE >= 1901 AND VALUE <= 2155
    comment: a calendar year
sequences:
  invoice_number: {start: 1000, increment: 10, cache: 5, comment: invoice numbers}
  people_id_seq: {type: integer, owned_by: people.id}
  spare_seq: {schema: audit}
tables:
  people:
    comment: who
    columns:
      id: {type: integer, nullable: false, default: "nextval('people_id_seq'::regclass)"}
      manager_id: integer
      born: {type: year}
      feeling: {type: mood, default: "'ok'"}
      nickname: {type: varchar(30), collation: C, comment: what friends say}
    primary_key: {columns: [id]}
    foreign_keys:
      - columns: [manager_id]
        references: {table: people, columns: [id]}
        on_delete: set_null
        name: people_manager_fk
    indexes:
      people_nick: {columns: [{name: nickname, nulls: first}]}
  accounts:
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      number: {type: bigint, identity: {generated: by_default, start: 100, increment: 5, cache: 20}}
      owner_id: {type: integer, nullable: false}
      invoice: {type: bigint, default: "nextval('invoice_number'::regclass)"}
    foreign_keys:
      - columns: [owner_id]
        references: {table: people, columns: [id]}
        on_delete: cascade
  events:
    columns:
      id: {type: bigint, nullable: false}
      at: {type: date, nullable: false}
      note: text
    partition_by: {strategy: range, key: at}
  events_2025:
    partition_of: {parent: events, bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"}
"""

ROWS = [
    "INSERT INTO people (manager_id, born, feeling, nickname) VALUES (NULL, 1980, 'happy', 'ann'), "
    "(1, 1990, 'sad', 'bob'), (1, NULL, 'ok', NULL)",
    "INSERT INTO accounts (owner_id) VALUES (1), (2), (2)",
    "INSERT INTO events (id, at, note) VALUES (1, '2025-03-01', 'x'), (2, '2025-07-01', NULL)",
]

NEXT_ACCOUNT = "INSERT INTO accounts (owner_id) VALUES (1), (3)"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def case(case_id, change, *, destructive=False, after=(), gone=(), renamed=None):
    """`gone`: ("schema.table", column) pairs whose values the change removes; `renamed`: old -> new pairs."""
    return pytest.param(change, destructive, tuple(after), tuple(gone), renamed or {}, id=case_id)


PEOPLE_COLS = "nickname: {type: varchar(30), collation: C, comment: what friends say}"
NUMBER = "number: {type: bigint, identity: {generated: by_default, start: 100, increment: 5, cache: 20}}"

CASES = [
    # enums: new values in any position, used at once after the migration; comments; types added and dropped
    case("enum-value-last", lambda s: edit(s, "[sad, ok, happy]", "[sad, ok, happy, ecstatic]"),
         after=["INSERT INTO people (feeling) VALUES ('ecstatic')"]),
    case("enum-value-middle", lambda s: edit(s, "[sad, ok, happy]", "[sad, meh, ok, happy]"),
         after=["INSERT INTO people (feeling) VALUES ('meh')"]),
    case("enum-value-first", lambda s: edit(s, "[sad, ok, happy]", "[bored, sad, ok, happy]"),
         after=["INSERT INTO people (feeling) VALUES ('bored')"]),
    case("enum-two-values", lambda s: edit(s, "[sad, ok, happy]", "[sad, ok, fine, happy, great]")),
    case("enum-comment", lambda s: edit(s, "comment: how it feels", "comment: how they feel")),
    case("enum-comment-dropped", lambda s: edit(s, ", comment: how it feels}", "}")),
    case("enum-added", lambda s: edit(s, "enums:\n", "enums:\n  color: {values: [red, green], schema: audit}\n")),
    case("enum-dropped", lambda s: edit(s, "  spare_mood: {values: [x, y]}\n", "")),
    # domains
    case("domain-check-widened", lambda s: edit(s, "VALUE >= 1901 AND VALUE <= 2155", "VALUE >= 1800 AND VALUE <= 2200")),
    case("domain-check-added", lambda s: edit(s, "      year_check:", "      year_not_zero: VALUE <> 0\n      year_check:")),
    case("domain-check-dropped", lambda s: edit(s, "    checks:\n      year_check: VALUE >= 1901 AND VALUE <= 2155\n",
                                                "")),
    case("domain-default", lambda s: edit(s, "    type: integer\n", "    type: integer\n    default: 2000\n"),
         after=["INSERT INTO people (nickname) VALUES ('dflt')"]),
    case("domain-comment", lambda s: edit(s, "comment: a calendar year", "comment: a year of the calendar")),
    case("domain-added", lambda s: edit(s, "domains:\n", "domains:\n  email: {type: text, checks: {has_at: VALUE LIKE "
                                                       "'%@%'}, schema: audit}\n")),
    # standalone sequences
    case("sequence-increment", lambda s: edit(s, "increment: 10, cache: 5", "increment: 20, cache: 5"),
         after=["INSERT INTO accounts (owner_id) VALUES (1)"]),
    case("sequence-cache", lambda s: edit(s, "increment: 10, cache: 5", "increment: 10, cache: 50")),
    case("sequence-bounds", lambda s: edit(s, "cache: 5, comment", "cache: 5, min_value: 1, max_value: 1000000, comment")),
    case("sequence-cycle", lambda s: edit(s, "cache: 5, comment", "cache: 5, cycle: true, comment")),
    case("sequence-comment", lambda s: edit(s, "comment: invoice numbers", "comment: numbers of invoices")),
    case("sequence-added", lambda s: edit(s, "sequences:\n", "sequences:\n  batch_seq: {increment: 2}\n")),
    case("sequence-dropped", lambda s: edit(s, "  spare_seq: {schema: audit}\n", "")),
    case("sequence-owner-dropped", lambda s: edit(s, "{type: integer, owned_by: people.id}", "{type: integer}")),
    case("sequence-type-to-bigint", lambda s: edit(s, "{type: integer, owned_by: people.id}", "{owned_by: people.id}"),
         after=["INSERT INTO people (nickname) VALUES ('next')"]),
    # identities, over rows: the next insert must not collide with an existing id
    case("identity-always-to-by-default", lambda s: edit(s, "id: {type: bigint, identity: always",
                                                         "id: {type: bigint, identity: by_default"),
         after=[NEXT_ACCOUNT]),
    case("identity-by-default-to-always", lambda s: edit(s, "identity: {generated: by_default, start: 100",
                                                         "identity: {generated: always, start: 100"),
         after=[NEXT_ACCOUNT]),
    case("identity-options", lambda s: edit(s, "increment: 5, cache: 20", "increment: 7, cache: 10, max_value: 999999"),
         after=[NEXT_ACCOUNT]),
    case("identity-options-back-to-defaults", lambda s: edit(s, NUMBER, "number: {type: bigint, identity: by_default}"),
         after=[NEXT_ACCOUNT]),
    case("identity-dropped", lambda s: edit(s, NUMBER, "number: bigint"), after=["INSERT INTO accounts (owner_id) "
                                                                                   "VALUES (1)"]),
    case("identity-added-to-column", lambda s: edit(s, "invoice: {type: bigint, default: \"nextval('invoice_number'"
                                                       "::regclass)\"}", "invoice: {type: bigint, identity: {generated: "
                                                       "by_default, start: 5000, cache: 3}}"),
         after=[NEXT_ACCOUNT]),
    # columns added to an existing table carry every attribute
    case("column-added-with-comment", lambda s: edit(s, "      manager_id: integer\n",
                                                     "      manager_id: integer\n      notes: {type: text, comment: "
                                                     "free-form notes}\n")),
    case("column-added-with-collation", lambda s: edit(s, "      manager_id: integer\n",
                                                       "      manager_id: integer\n      code: {type: text, collation: "
                                                       "POSIX, nullable: false, default: \"'x'\"}\n")),
    case("column-added-with-identity-options", lambda s: edit(s, "      owner_id: {type: integer, nullable: false}\n",
                                                              "      owner_id: {type: integer, nullable: false}\n"
                                                              "      seq_no: {type: bigint, identity: {generated: "
                                                              "by_default, start: 10, cache: 4}}\n"),
         after=[NEXT_ACCOUNT]),
    case("column-added-with-enum-and-domain", lambda s: edit(s, "      manager_id: integer\n",
                                                             "      manager_id: integer\n      mood2: {type: mood, "
                                                             "default: \"'sad'\"}\n      founded: {type: year}\n")),
    # foreign keys
    case("fk-on-delete", lambda s: edit(s, "on_delete: cascade", "on_delete: restrict")),
    case("fk-deferrable", lambda s: edit(s, "        name: people_manager_fk\n",
                                         "        name: people_manager_fk\n        deferrable: true\n"
                                         "        initially_deferred: true\n")),
    case("fk-comment", lambda s: edit(s, "        name: people_manager_fk\n",
                                      "        name: people_manager_fk\n        comment: who they report to\n")),
    case("fk-dropped", lambda s: edit(s, "    foreign_keys:\n      - columns: [owner_id]\n        references: {table: "
                                         "people, columns: [id]}\n        on_delete: cascade\n", "")),
    case("fk-added-with-column", lambda s: edit(s, "      manager_id: integer\n",
                                                "      manager_id: integer\n      mentor_id: integer\n")
         .replace("        name: people_manager_fk\n", "        name: people_manager_fk\n      - columns: [mentor_id]\n"
                  "        references: {table: people, columns: [id]}\n        match: full\n")),
    case("fk-renamed", lambda s: edit(s, "name: people_manager_fk", "name: people_reports_to_fk")),
    # partitions
    case("partition-added", lambda s: s + "  events_2026:\n    partition_of: {parent: events, bound: \"FOR VALUES FROM "
                                          "('2026-01-01') TO ('2027-01-01')\"}\n",
         after=["INSERT INTO events (id, at) VALUES (3, '2026-05-01')"]),
    case("partition-default-added", lambda s: s + "  events_other:\n    partition_of: {parent: events, bound: DEFAULT}\n",
         after=["INSERT INTO events (id, at) VALUES (3, '2030-05-01')"]),
    case("partition-dropped", lambda s: s.split("  events_2025:\n")[0], destructive=True,
         gone=[("public.events", c) for c in ("id", "at", "note")]),  # the parent's rows were all in it
    case("partition-comment", lambda s: edit(s, "  events_2025:\n", "  events_2025:\n    comment: the year 2025\n")),
    # comments on everything else
    case("table-comment-dropped", lambda s: edit(s, "    comment: who\n", "")),
    case("column-comment-changed", lambda s: edit(s, "comment: what friends say", "comment: what friends call them")),
    case("index-comment", lambda s: edit(s, "{columns: [{name: nickname, nulls: first}]}",
                                         "{columns: [{name: nickname, nulls: first}], comment: by nickname}")),
    case("pk-comment", lambda s: edit(s, "    primary_key: {columns: [id]}\n",
                                      "    primary_key: {columns: [id], comment: the key}\n")),
    # collations and index options
    case("collation-changed", lambda s: edit(s, PEOPLE_COLS, PEOPLE_COLS.replace("collation: C", "collation: POSIX"))),
    case("collation-dropped", lambda s: edit(s, PEOPLE_COLS, PEOPLE_COLS.replace(", collation: C", ""))),
    case("index-nulls-order", lambda s: edit(s, "{name: nickname, nulls: first}", "{name: nickname}")),
    case("index-desc-nulls-last", lambda s: edit(s, "{name: nickname, nulls: first}",
                                                 "{name: nickname, order: desc, nulls: last}")),
    # schemas
    case("schema-added", lambda s: edit(s, "schemas: [audit]", "schemas: [audit, archive]")),
    # a table with no columns: Postgres allows it, inspect writes it
    case("table-without-columns", lambda s: s + "  placeholder:\n    columns: {}\n    comment: columns come later\n"),
]


# Each case left to -m slow -> the case of its class the default run takes (conftest.one_of_each_class's rule): the
# same statement of Postgres on another object or value (ADD VALUE, COMMENT ON, a sequence's or identity's options...).
OF_THE_CLASS_OF = {
    "enum-value-last": "enum-value-middle", "enum-value-first": "enum-value-middle", "enum-two-values": "enum-value-middle",
    **dict.fromkeys(["enum-comment-dropped", "domain-comment", "sequence-comment"], "enum-comment"),
    **dict.fromkeys(["table-comment-dropped", "column-comment-changed", "index-comment", "partition-comment",
                     "fk-comment"], "pk-comment"),
    **dict.fromkeys(["enum-added", "sequence-added", "schema-added"], "domain-added"),
    "sequence-dropped": "enum-dropped",
    "domain-check-added": "domain-check-widened", "domain-check-dropped": "domain-check-widened",
    **dict.fromkeys(["sequence-cache", "sequence-bounds", "sequence-cycle"], "sequence-increment"),
    "sequence-owner-dropped": "sequence-type-to-bigint",
    "identity-always-to-by-default": "identity-by-default-to-always",
    "identity-options-back-to-defaults": "identity-options",
    "identity-dropped": "identity-added-to-column",
    "column-added-with-comment": "column-added-with-collation",
    "column-added-with-enum-and-domain": "column-added-with-collation",
    "fk-on-delete": "fk-deferrable",
    "fk-dropped": "fk-added-with-column",
    "partition-added": "partition-default-added",
    "collation-dropped": "collation-changed",
    "index-nulls-order": "index-desc-nulls-last",
}
TAKEN = [c.values[0] for c in one_of_each_class([c.id for c in CASES], OF_THE_CLASS_OF) if not c.marks]


def _migrate(url: str, out: str) -> None:
    apply_all(url, out)


@pytest.fixture
def base_db(request, tmp_path):
    """BASE's first migration applied over ROWS on the case's major, in tmp_path/generated (base_copies: made once
    per server, each case a copy)."""
    yield from base_copy(request.param, BASE, ROWS, str(tmp_path / "generated"))


@pytest.mark.parametrize("base_db,change,destructive,after,gone,renamed", each_case_on_one_major(CASES, taken=TAKEN),
                         indirect=["base_db"])
def test_object_change_applies_over_rows(base_db, tmp_path, change, destructive, after, gone, renamed):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    before = values(base_db, renamed)
    new = change(BASE)
    assert new != BASE
    schema.write_text(new, encoding="utf-8")
    result = generate(str(schema), out, allow_destructive=destructive)
    assert result.status == "written", result.message
    _migrate(base_db, out)

    drift = check_drift(str(schema), base_db)
    assert drift.differences == (), drift.render("text") + result.sql
    assert generate(str(schema), out).status == "unchanged"
    expected = built_from_scratch(base_db, new, tmp_path / "scratch")
    actual = fingerprint(base_db)
    assert actual == expected, fingerprint_difference(actual, expected) + "\n" + result.sql
    after_values = values(base_db)
    kept = {k: v for k, v in before.items() if k not in gone}
    assert {k: after_values.get(k) for k in kept} == kept, result.sql
    with psycopg.connect(base_db, autocommit=True) as conn:
        for stmt in after:
            conn.execute(stmt)


def test_the_oracle_sees_what_a_blind_differ_would_miss(db_url, tmp_path):
    """The oracle itself: two databases whose only difference is an index's NULLS order differ."""
    with sibling_database(db_url) as other:
        for url, nulls in ((db_url, "NULLS FIRST"), (other, "NULLS LAST")):
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"CREATE TABLE t (a int); CREATE INDEX t_a ON t (a {nulls})")
        a, b = fingerprint(db_url), fingerprint(other)
    assert a != b and "NULLS FIRST" in fingerprint_difference(a, b)
    with psycopg.connect(db_url, autocommit=True) as conn:
        before = values(db_url)
        conn.execute("INSERT INTO t VALUES (1)")
        assert values(db_url) != before
