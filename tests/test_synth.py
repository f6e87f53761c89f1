"""The synthetic rows of `check-queries` (schemac.queries.synth + fill) respect every constraint kind of the
model: types, NOT NULL, primary keys, UNIQUE constraints and unique indexes, CHECK ranges and lists, enums,
domains, single- and multi-column foreign keys, identities; and the `distribution:` hints (distinct counts,
values and weights, NULL fractions). The oracle is SQL of our own over the filled rows and pg_catalog; the
default run fills 5,000 rows per table, `-m slow` the issue's 100,000."""

from __future__ import annotations

import random

import psycopg
import pytest

from schemac.plan.transactions import marked_script
from schemac.compare.differ import diff
from schemac.model import Schema
from schemac.queries.fill import fill
from schemac.queries.values import GenerationError
from schemac.schemafile.load import load_text
from schemac.commands.diff import check_drift

EVERY_KIND = """\
enums:
  status: [new, active, retired]
domains:
  share_pct: {type: smallint, checks: {share_pct_range: VALUE BETWEEN 0 AND 100}}
tables:
  accounts:
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      region: {type: varchar(2), nullable: false, distribution: {values: [eu, us, ap]}}
      code: {type: varchar(4), nullable: false}
      kind: {type: text, nullable: false, check: "kind IN ('person', 'company')"}
      status: {type: status, nullable: false}
      share: {type: share_pct, nullable: false}
      balance: {type: "numeric(7,2)", nullable: false}
      opened: {type: date, nullable: false}
      active: {type: boolean, nullable: false}
      settings: {type: jsonb}
      note: {type: text, distribution: {distinct: 7, null_fraction: 0.25}}
    unique:
      - {columns: [region, code], comment: one code per region}
    checks:
      balance_window: balance > -100.00 AND balance <= 5000
      code_short: char_length(code) >= 1
    indexes:
      accounts_opened: {columns: [opened], comment: by day}
  profiles:
    columns:
      account_id: {type: bigint, primary_key: true}
      tier: {type: smallint, nullable: false, check: tier >= 1 AND tier < 4, distribution: {values: ["1", "2", "3"], weights: [8, 1, 1]}}
      handle: {type: uuid, nullable: false, default: gen_random_uuid()}
    foreign_keys:
      - columns: [account_id]
        references: {table: accounts, columns: [id]}
    indexes:
      profiles_handle: {columns: [handle], unique: true}
  transfers:
    columns:
      id: {type: uuid, primary_key: true}
      region: {type: varchar(2), nullable: false}
      code: {type: varchar(4), nullable: false}
      amount: {type: integer, nullable: false, check: amount > 0}
      at: {type: timestamptz, nullable: false}
    foreign_keys:
      - columns: [region, code]
        references: {table: accounts, columns: [region, code]}
        on_delete: cascade
"""

ORACLE = {
    # keys: no duplicates (the server would refuse them too; this is our own count)
    "accounts id unique": "SELECT count(*) = count(DISTINCT id) FROM accounts",
    "accounts (region, code) unique": "SELECT count(*) = count(DISTINCT (region, code)) FROM accounts",
    "profiles handle unique": "SELECT count(*) = count(DISTINCT handle) FROM profiles",
    "transfers id unique": "SELECT count(*) = count(DISTINCT id) FROM transfers",
    # checks and types
    "kind in list": "SELECT bool_and(kind IN ('person', 'company')) FROM accounts",
    "balance window": "SELECT bool_and(balance > -100 AND balance <= 5000) FROM accounts",
    "share domain range": "SELECT bool_and(share BETWEEN 0 AND 100) FROM accounts",
    "tier range": "SELECT bool_and(tier BETWEEN 1 AND 3) FROM profiles",
    "amount positive": "SELECT bool_and(amount > 0) FROM transfers",
    "every enum value used": "SELECT count(DISTINCT status) = 3 FROM accounts",
    # NOT NULL, and NULLs only where allowed, at about the fraction asked
    "no NULL in NOT NULL": "SELECT count(*) = 0 FROM accounts WHERE region IS NULL OR code IS NULL OR status IS NULL",
    "note NULL fraction": "SELECT avg((note IS NULL)::int) BETWEEN 0.2 AND 0.3 FROM accounts",
    "note distinct": "SELECT count(DISTINCT note) = 7 FROM accounts",
    "region values": "SELECT array_agg(DISTINCT region ORDER BY region) = '{ap,eu,us}' FROM accounts",
    "tier weights": "SELECT avg((tier = 1)::int) BETWEEN 0.75 AND 0.85 FROM profiles",
    # foreign keys: every child row has its parent, one-to-one where the key is unique
    "profiles -> accounts": "SELECT count(*) = 0 FROM profiles p LEFT JOIN accounts a ON a.id = p.account_id "
                            "WHERE a.id IS NULL",
    "transfers -> accounts": "SELECT count(*) = 0 FROM transfers t LEFT JOIN accounts a USING (region, code) "
                             "WHERE a.id IS NULL",
    "transfers spread over parents": "SELECT count(DISTINCT (region, code)) > 0.5 * (SELECT count(*) FROM accounts) "
                                     "FROM transfers",
    # what fill set aside came back, validated, with its comments
    "constraints back and valid": "SELECT count(*) = 6 AND bool_and(convalidated) FROM pg_constraint c "
                                  "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' "
                                  "AND contype IN ('p', 'u', 'f')",
    "indexes back": "SELECT count(*) = 2 FROM pg_indexes WHERE indexname IN ('accounts_opened', 'profiles_handle')",
    "comments back": "SELECT obj_description('accounts_opened'::regclass, 'pg_class') = 'by day' AND "
                     "(SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint "
                     "WHERE conname = 'accounts_region_code_key') = 'one code per region'",
    "statistics": "SELECT count(*) >= 3 FROM pg_stats WHERE schemaname = 'public' AND tablename = 'accounts' "
                  "AND attname IN ('region', 'status', 'note')",
}


def _built(url: str, text: str) -> Schema:
    """The database schema.yaml's first migration builds."""
    schema = load_text(text, "schema.yaml")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(marked_script(diff(Schema(), schema)))
    return schema


@pytest.mark.parametrize("rows", [5_000, pytest.param(100_000, marks=pytest.mark.slow)])
def test_every_constraint_kind_is_respected(db_url, rows):
    schema = _built(db_url, EVERY_KIND)
    sizes = {"public.accounts": rows, "public.profiles": rows, "public.transfers": rows}
    with psycopg.connect(db_url, autocommit=True) as conn:
        filled = fill(conn, schema, sizes)
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("accounts", "profiles", "transfers")}
        failed = [name for name, q in ORACLE.items() if conn.execute(q).fetchone()[0] is not True]
        # a param drawn from a column is a value some row holds
        rng = random.Random(1)
        for table, column in (("accounts", "code"), ("accounts", "id"), ("accounts", "note"), ("transfers", "amount"),
                              ("transfers", "region"), ("profiles", "tier")):
            for _ in range(20):
                v = filled.plans[f"public.{table}"].sample(column, rng)
                assert conn.execute(f"SELECT count(*) FROM {table} WHERE {column}::text IS NOT DISTINCT FROM %s",
                                    (v,)).fetchone()[0] > 0, (table, column, v)
    assert counts == {"accounts": rows, "profiles": rows, "transfers": rows}
    assert failed == []
    # The tables are as the model says (fill set keys and indexes aside, then made them again).
    assert check_drift("schema.yaml", db_url, history=False, desired=schema).differences == ()


def test_a_key_without_room_is_an_error_naming_it(db_url):
    schema = _built(db_url, "tables:\n  t:\n    columns:\n      a: {type: boolean, primary_key: true}\n")
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(GenerationError, match=r"table public\.t: the key \(a\) has room for 2 distinct rows"):
            fill(conn, schema, {"public.t": 3})


def test_a_check_it_cannot_read_is_reported_with_the_constraint(db_url):
    text = "tables:\n  t:\n    columns:\n      a: {type: text, nullable: false}\n    checks:\n      a_shape: a LIKE 'x%'\n"
    schema = _built(db_url, text)
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(GenerationError, match=r"constraint a_shape.*distribution: hint"):
            fill(conn, schema, {"public.t": 10})
        # the hint is the way out
        fixed = load_text(text.replace("nullable: false}", "nullable: false, distribution: {values: [x1, x2]}}"))
        fill(conn, fixed, {"public.t": 10})
        assert conn.execute("SELECT count(*) FROM t WHERE a IN ('x1', 'x2')").fetchone()[0] == 10


def test_sizes_follow_the_queries_and_one_to_one_parents():
    from schemac.queries.check import DEFAULT_ROWS, sizes_of
    from schemac.queries.synth import Planner

    schema = load_text("""\
tables:
  a: {columns: {id: {type: integer, primary_key: true}}}
  b:
    columns: {a_id: {type: integer, primary_key: true}}
    foreign_keys: [{columns: [a_id], references: {table: a, columns: [id]}}]
    queries:
      big: {sql: SELECT * FROM b WHERE a_id = 1, rows: 50000}
      small: {sql: SELECT * FROM b, rows: 200}
queries:
  unsized: {sql: SELECT * FROM a}
""")
    assert [(size, [q.name for q in qs]) for size, qs in sizes_of(schema)] == \
        [(200, ["small"]), (DEFAULT_ROWS, ["unsized"]), (50000, ["big"])]
    assert [(size, len(qs)) for size, qs in sizes_of(schema, rows=10)] == [(10, 3)]
    # b's key is its foreign key (one-to-one): a gets at least as many rows, and every b row its own a row.
    planner = Planner(schema, {"public.b": 50000})
    planner.plan_all()
    assert planner.plans["public.a"].rows == 50000
    b = planner.plans["public.b"]
    assert len(set(b.chunks["a_id"](0, 20000))) == 20000


def test_a_type_it_cannot_generate_is_an_error_at_the_column_line():
    from schemac.queries.synth import Planner

    schema = load_text("tables:\n  t:\n    columns:\n      a: {type: integer, primary_key: true}\n      p: point\n")
    with pytest.raises(GenerationError) as e:
        Planner(schema, {"public.t": 10}).plan_all()
    assert str(e.value) == ("schema.yaml:5:7: table public.t: column p: cannot generate values of type point: give the "
                            "column a distribution: with values")
