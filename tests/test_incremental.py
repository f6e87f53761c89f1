"""Incremental migrations: schema.yaml edits become ALTERs that keep the rows and leave no drift.

Each case runs over rows and is judged three ways: schemac's own `diff`, the tests' catalog oracle
(tests/catalog_oracle.py: the catalog equals the new schema.yaml built from scratch) and a checksum
of every kept column's values. The default run takes one case of each
class (OF_THE_CLASS_OF), on one major in turn; `-m slow`, all on all.
"""

from __future__ import annotations

import os

import psycopg
import pytest
from base_copies import base_copy
from catalog_oracle import fingerprint, fingerprint_difference, values
from conftest import built_from_scratch, each_case_on_one_major, one_of_each_class
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.layout import Layout

BASE = """\
tables:
  customers:
    columns:
      id: {type: integer, primary_key: true}
      email: {type: varchar(80), nullable: false}
      name: {type: text}
      score: {type: "numeric(4,2)", default: 0}
      status: {type: varchar(20), default: "'new'"}
    unique:
      - columns: [email]
    checks:
      score_range: score BETWEEN 0 AND 10
    indexes:
      customers_name: {columns: [name]}
      customers_score: {columns: [{name: score, order: desc}]}
  orders:
    columns:
      id: {type: bigint, primary_key: true}
      customer_id: {type: integer, nullable: false}
      total: {type: "numeric(10,2)", nullable: false}
    indexes:
      orders_customer: {columns: [customer_id]}
"""

ROWS = [
    "INSERT INTO customers (id, email, name, score) VALUES (1, 'a@x.org', 'Ann', 1.5), (2, 'b@x.org', NULL, 9.25)",
    "INSERT INTO orders (id, customer_id, total) VALUES (10, 1, 12.50), (11, 2, 99.99), (12, 2, 0)",
]


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (id, edit function, needs --allow-destructive, rows expected in customers after)
CASES = [
    ("add-table", lambda s: s + "  notes:\n    columns:\n      id: {type: integer, primary_key: true}\n      body: text\n",
     False),
    ("add-column-nullable", lambda s: edit(s, "      name: {type: text}\n", "      name: {type: text}\n      city: text\n"),
     False),
    ("add-column-not-null-default", lambda s: edit(s, "      name: {type: text}\n",
                                                   "      name: {type: text}\n"
                                                   "      active: {type: boolean, nullable: false, default: 'true'}\n"),
     False),
    ("drop-column", lambda s: edit(s, "      status: {type: varchar(20), default: \"'new'\"}\n", ""), True),
    ("drop-table", lambda s: s.split("  orders:")[0], True),
    ("make-column-generated", lambda s: edit(s, "name: {type: text}", "name: {type: text, generated: upper(email)}"), True),
    ("widen-varchar", lambda s: edit(s, "email: {type: varchar(80)", "email: {type: varchar(200)"), False),
    ("varchar-to-text", lambda s: edit(s, "status: {type: varchar(20)", "status: {type: text"), False),
    ("int-to-bigint", lambda s: edit(s, "customer_id: {type: integer", "customer_id: {type: bigint"), False),
    ("narrow-varchar", lambda s: edit(s, "email: {type: varchar(80)", "email: {type: varchar(20)"), True),
    ("narrow-numeric", lambda s: edit(s, 'score: {type: "numeric(4,2)"', 'score: {type: "numeric(3,2)"')
     .replace("BETWEEN 0 AND 10", "BETWEEN 0 AND 9.99"), True),
    ("numeric-to-text-with-check", lambda s: edit(s, 'score: {type: "numeric(4,2)", default: 0}',
                                                  "score: {type: text, default: \"'0'\"}")
     .replace("score BETWEEN 0 AND 10", "length(score) < 10"), True),
    ("make-unique-deferrable", lambda s: edit(s, "      - columns: [email]\n",
                                              "      - {columns: [email], deferrable: true}\n"), False),
    ("set-unlogged", lambda s: edit(s, "  orders:\n", "  orders:\n    unlogged: true\n"), False),
    ("set-collation", lambda s: edit(s, "name: {type: text}", "name: {type: text, collation: C}"), False),
    ("change-collation-of-unique-column", lambda s: edit(s, "email: {type: varchar(80), nullable: false}",
                                                         "email: {type: varchar(80), nullable: false, collation: POSIX}"),
     False),
    ("set-not-null", lambda s: edit(s, "total: {type: \"numeric(10,2)\", nullable: false}",
                                    "total: {type: \"numeric(10,2)\", nullable: false, default: 0}"), False),
    ("drop-not-null", lambda s: edit(s, "email: {type: varchar(80), nullable: false}", "email: {type: varchar(80)}"),
     False),
    ("set-default", lambda s: edit(s, "name: {type: text}", "name: {type: text, default: \"'anon'\"}"), False),
    ("drop-default", lambda s: edit(s, 'score: {type: "numeric(4,2)", default: 0}', 'score: {type: "numeric(4,2)"}'),
     False),
    ("change-default", lambda s: edit(s, "default: \"'new'\"", "default: \"'fresh'\""), False),
    ("drop-unique", lambda s: edit(s, "    unique:\n      - columns: [email]\n", ""), False),
    ("add-named-unique", lambda s: edit(s, "      - columns: [email]\n",
                                        "      - columns: [email]\n      - {columns: [name, email], name: cust_ne}\n"),
     False),
    ("replace-check", lambda s: edit(s, "score BETWEEN 0 AND 10", "score BETWEEN 0 AND 20"), False),
    ("drop-check", lambda s: edit(s, "    checks:\n      score_range: score BETWEEN 0 AND 10\n", ""), False),
    ("add-check", lambda s: edit(s, "      score_range:", "      email_has_at: email LIKE '%@%'\n      score_range:"),
     False),
    ("replace-pk", lambda s: edit(s, "      id: {type: bigint, primary_key: true}\n      customer_id: {type: integer, "
                                     "nullable: false}\n",
                                  "      id: {type: bigint, nullable: false}\n      customer_id: {type: integer, "
                                  "nullable: false}\n").replace("    indexes:\n      orders_customer",
                                                               "    primary_key: {columns: [id, customer_id]}\n"
                                                               "    indexes:\n      orders_customer"), False),
    ("add-index", lambda s: edit(s, "      customers_name: {columns: [name]}\n",
                                 "      customers_name: {columns: [name]}\n"
                                 "      customers_lower: {columns: [{expression: lower(email)}], where: name IS NOT NULL}\n"),
     False),
    ("drop-index", lambda s: edit(s, "      customers_name: {columns: [name]}\n", ""), False),
    ("replace-index", lambda s: edit(s, "customers_score: {columns: [{name: score, order: desc}]}",
                                     "customers_score: {columns: [{name: score}, name], unique: false}"), False),
    ("rename-table", lambda s: edit(s, "  orders:\n", "  purchases:\n    renamed_from: orders\n"), False),
    # (Django's AlterModelTable, Zulip's zerver_realmalias -> zerver_realmdomain: the key keeps the old table's name,
    # which inspect of such a database pins; the migration dropped purchases_pkey, which RENAME had not made)
    ("rename-table-keeping-its-key-name", lambda s: edit(s, "  orders:\n", "  purchases:\n    renamed_from: orders\n"
                                                          "    primary_key: {columns: [id], name: orders_pkey}\n")
     .replace("      id: {type: bigint, primary_key: true}", "      id: {type: bigint, nullable: false}"), False),
    ("rename-column", lambda s: edit(s, "      name: {type: text}", "      full_name: {type: text, renamed_from: name}")
     .replace("columns: [name]", "columns: [full_name]"), False),
    ("rename-index", lambda s: edit(s, "      customers_name: {columns: [name]}",
                                    "      customers_by_name: {columns: [name], renamed_from: customers_name}"), False),
    ("comments", lambda s: edit(s, "  customers:\n", "  customers:\n    comment: people who buy\n")
     .replace("name: {type: text}", "name: {type: text, comment: \"display name, it's optional\"}"), False),
]


# Each case left to -m slow -> the case of its class the default run takes (conftest.one_of_each_class's rule): the
# same statement of Postgres on another column, constraint or index.
OF_THE_CLASS_OF = {
    "add-column-nullable": "add-column-not-null-default", "drop-table": "drop-column",
    "widen-varchar": "int-to-bigint", "varchar-to-text": "int-to-bigint",
    "narrow-varchar": "numeric-to-text-with-check", "narrow-numeric": "numeric-to-text-with-check",
    "set-collation": "change-collation-of-unique-column",
    **dict.fromkeys(["set-not-null", "drop-not-null", "set-default", "drop-default"], "change-default"),
    **dict.fromkeys(["drop-unique", "add-named-unique", "replace-check", "drop-check", "add-check"],
                    "make-unique-deferrable"),
    "drop-index": "add-index", "replace-index": "add-index",
    "rename-table": "rename-table-keeping-its-key-name", "rename-index": "rename-column",
}
TAKEN = [c.values[0] for c in one_of_each_class([c[0] for c in CASES], OF_THE_CLASS_OF) if not c.marks]


# What a case removes or renames, for the values check. (A renamed table's unnamed key and NOT NULLs are renamed with
# it, orders_pkey -> purchases_pkey: the catalog is compared as it is.)
ORDERS_RENAMED = {("public.orders", c): ("public.purchases", c) for c in ("id", "customer_id", "total")}
GONE = {"drop-column": {("public.customers", "status")}, "make-column-generated": {("public.customers", "name")},
        "drop-table": {("public.orders", c) for c in ("id", "customer_id", "total")}}
RENAMED = {"rename-table": ORDERS_RENAMED, "rename-table-keeping-its-key-name": ORDERS_RENAMED,
           "rename-column": {("public.customers", "name"): ("public.customers", "full_name")}}


@pytest.fixture
def base_db(request, tmp_path):
    """BASE's first migration applied over ROWS on the case's major, in tmp_path/generated (base_copies: made once
    per server, each case a copy)."""
    yield from base_copy(request.param, BASE, ROWS, str(tmp_path / "generated"))


@pytest.mark.parametrize("base_db,case", each_case_on_one_major([pytest.param(c, id=c[0]) for c in CASES], taken=TAKEN),
                         indirect=["base_db"])
def test_change_applies_over_rows_without_drift(base_db, tmp_path, case):
    case_id, change, destructive = case
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    before = values(base_db, RENAMED.get(case_id))
    schema.write_text(change(BASE))
    if destructive:
        refused = generate(str(schema), out)
        assert refused.status == "refused", refused.message
        assert len(Layout(out).migrations()) == 1
        result = generate(str(schema), out, allow_destructive=True)
    else:
        result = generate(str(schema), out)
    assert result.status == "written", result.message
    apply_all(base_db, out)
    drift = check_drift(str(schema), base_db)
    assert drift.differences == (), drift.render("text") + result.sql
    # The oracle: the same catalog as the new schema.yaml built from scratch, and every kept column's values.
    expected = built_from_scratch(base_db, change(BASE), tmp_path / "scratch")
    actual = fingerprint(base_db)
    assert actual == expected, fingerprint_difference(actual, expected) + "\n" + result.sql
    after = values(base_db)
    kept = {k: v for k, v in before.items() if k not in GONE.get(case_id, set())}
    assert {k: after.get(k) for k in kept} == kept, result.sql
    assert generate(str(schema), out).status == "unchanged"


def test_destructive_refusal_lists_each_change_with_its_line(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(BASE)
    assert schemac("generate").returncode == 0
    (tmp_path / "schema.yaml").write_text(
        BASE.replace("      status: {type: varchar(20), default: \"'new'\"}\n", "")
        .replace("email: {type: varchar(80)", "email: {type: varchar(20)"))
    r = schemac("generate")
    assert r.returncode == 1
    assert "Refusing to write a migration that can destroy data (nothing written)" in r.stderr
    assert "schema.yaml:2:3: drop column status of public.customers" in r.stderr
    assert "schema.yaml:5:7: change type of column email of public.customers from character varying(80) to " \
           "character varying(20)" in r.stderr
    assert len(os.listdir(tmp_path / "generated" / "migrations")) == 1
    r = schemac("generate", "--allow-destructive")
    assert r.returncode == 0 and len(os.listdir(tmp_path / "generated" / "migrations")) == 2


def test_check_flag_is_the_ci_guard(schemac, tmp_path):
    (tmp_path / "schema.yaml").write_text(BASE)
    r = schemac("generate", "--check")
    assert r.returncode == 1 and "not yet in a migration" in r.stdout
    assert not (tmp_path / "generated" / "migrations").exists()
    assert schemac("generate").returncode == 0
    assert schemac("generate", "--check").returncode == 0
    (tmp_path / "schema.yaml").write_text(BASE + "  extra:\n    columns: {a: text}\n")
    r = schemac("generate", "--check")
    assert r.returncode == 1 and "add table public.extra" in r.stdout


def test_renamed_from_says_when_it_can_be_removed(schemac, tmp_path, db_url):
    """Before its migration: the rename. After it, `generate` says the hint has done its work and can go
    once that migration is applied everywhere; `diff` says so of a database that has the rename, and
    not of one that does not yet."""
    (tmp_path / "schema.yaml").write_text(BASE)
    assert schemac("generate").returncode == 0
    apply_all(db_url, str(tmp_path / "generated"))
    (tmp_path / "schema.yaml").write_text(edit(BASE, "  orders:\n", "  purchases:\n    renamed_from: orders\n"))
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 1 and "renamed_from" not in r.stderr  # the database still has orders
    r = schemac("generate")
    assert r.returncode == 0, r.stderr
    body = open(os.path.join(tmp_path, "generated", "migrations", sorted(os.listdir(
        tmp_path / "generated" / "migrations"))[-1])).read()
    assert "ALTER TABLE orders RENAME TO purchases;" in body and "DROP TABLE" not in body
    r = schemac("generate")
    assert r.returncode == 0 and "No changes" in r.stdout
    assert ("renamed_from 'orders' has done its work: the recorded schema has table purchases and no orders; "
            "remove it once the migration that renamed it is applied to every database") in r.stderr
    apply_all(db_url, str(tmp_path / "generated"))
    with psycopg.connect(db_url) as conn:  # the oracle: the database has the rename
        assert conn.execute("SELECT to_regclass('purchases') IS NOT NULL AND to_regclass('orders') IS NULL"
                            ).fetchone()[0]
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ("schema.yaml:16:3: renamed_from 'orders' can be removed: this database has the rename "
            "(table purchases, no orders)") in r.stderr
    # A hint that names nothing, recorded or real, is ignored with the old notice.
    (tmp_path / "schema.yaml").write_text(edit(BASE, "  orders:\n", "  purchases:\n    renamed_from: nosuch\n"))
    r = schemac("generate", "--check")
    assert "renamed_from 'nosuch' has done its work" in r.stderr  # purchases exists: the hint is moot
    (tmp_path / "schema.yaml").write_text(BASE + "  fresh:\n    renamed_from: nosuch\n    columns: {a: text}\n")
    r = schemac("generate", "--dry-run")
    assert "renamed_from 'nosuch' ignored: no such table in the recorded schema" in r.stderr
    # Two columns swapping names: made through a scratch name (before: "No changes", each hint said ignored at its line,
    # the values left where they were). The database read cannot tell a swap made from one to make (its catalog holds
    # no hint): diff compares the columns as they are (their types differ here); the record can (state.json keeps the hints): once generated,
    # each hint has done its work.
    swapped = edit(edit(edit(BASE, "  orders:\n", "  purchases:\n"), "name: {type: text}",
                        "name: {type: varchar(20), renamed_from: status}"), "status: {type: varchar(20)",
                   "status: {renamed_from: name, type: text")
    (tmp_path / "schema.yaml").write_text(swapped)
    r = schemac("generate", "--check")
    assert r.returncode == 1 and "rename column public.customers.name" in r.stdout and \
        "rename column public.customers.status" in r.stdout and "ignored" not in r.stderr, r.stdout + r.stderr
    assert schemac("diff", "--database-url", db_url).returncode == 1  # (its types differ, the swap not yet made)
    r = schemac("generate")
    assert r.returncode == 0, r.stdout + r.stderr
    r = schemac("generate", "--check")
    assert r.returncode == 0 and "No changes" in r.stdout, r.stdout + r.stderr
    for where, old in (("6:7", "status"), ("8:7", "name")):
        assert (f"schema.yaml:{where}: renamed_from '{old}' has done its work: the recorded schema records this hint, "
                "of a swap or rotation of names") in r.stderr, r.stderr
    apply_all(db_url, str(tmp_path / "generated"))
    with psycopg.connect(db_url) as conn:  # the oracle: the columns' types went with their values
        assert conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                            "'customers'::regclass AND attname IN ('name', 'status') ORDER BY 1").fetchall() == \
            [("name", "character varying(20)"), ("status", "text")]
    assert schemac("diff", "--database-url", db_url).returncode == 0
    # rebuild-state records what a replay of the migrations builds, whose catalog holds no hint: the old record's hints
    # of the swap are carried over (the migration it was written with is still on disk), or the next generate would
    # swap the names back (before: 'rename column public.customers.name', '... status' again).
    r = schemac("rebuild-state", "--dev-url", db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    r = schemac("generate", "--check")
    assert r.returncode == 0 and "No changes" in r.stdout, r.stdout + r.stderr


def test_an_inherits_parents_swap_of_column_names_is_made_once(schemac, tmp_path, db_url):
    """An INHERITS parent's columns swapping names by their hints (a <- b, b <- a, of other types) under a child and a
    partitioned table's: made on the parent through a scratch name, its child (declaring a as its own too, its hint
    written there as well: no notice) and partitions following (before: each hint ignored with a notice at its line,
    'No changes'); the rows' values under the new names on the parent, the child and each partition; state.json
    carried, the next generate finds the swap done (not made twice)."""
    tables = ("tables:\n  par:\n    columns:\n      id: integer\n      a: %s\n      b: %s\n  kid:\n    inherits: [par]\n"
              "    columns:\n      %s\n      extra: integer\n    indexes:\n      kid_a: {columns: [%s]}\n"
              "  pt:\n    partition_by: {strategy: list, key: id}\n    columns:\n      id: integer\n      a: %s\n      b: %s\n"
              "  pt_1:\n    partition_of: {parent: pt, bound: 'FOR VALUES IN (1)'}\n"
              "  pt_2:\n    partition_of: {parent: pt, bound: 'FOR VALUES IN (2)'}\n")
    (tmp_path / "schema.yaml").write_text(tables % ("integer", "text", "a: integer", "a", "integer", "text"))
    assert schemac("generate").returncode == 0
    apply_all(db_url, str(tmp_path / "generated"))
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO par VALUES (1, 10, 'p'); INSERT INTO kid VALUES (2, 20, 'k', 7); "
                     "INSERT INTO pt VALUES (1, 30, 'x'), (2, 40, 'y')")
    (tmp_path / "schema.yaml").write_text(tables % ("{type: text, renamed_from: b}", "{type: integer, renamed_from: a}",
                                                    "b: {type: integer, renamed_from: a}", "b", "{type: text, renamed_from: b}",
                                                    "{type: integer, renamed_from: a}"))
    r = schemac("generate")
    assert r.returncode == 0 and "ignored" not in r.stderr, r.stdout + r.stderr
    apply_all(db_url, str(tmp_path / "generated"))
    with psycopg.connect(db_url) as conn:  # the oracle: each table's rows, read apart, under the new names
        for table, rows in (("ONLY par", [(1, "p", 10)]), ("kid", [(2, "k", 20)]), ("pt_1", [(1, "x", 30)]),
                            ("pt_2", [(2, "y", 40)])):
            assert conn.execute(f"SELECT id, a, b FROM {table} ORDER BY id").fetchall() == rows, table
        assert conn.execute("SELECT pg_get_indexdef('kid_a'::regclass)").fetchone()[0].endswith("(b)")
    r = schemac("generate", "--check")
    assert r.returncode == 0 and "No changes" in r.stdout, r.stdout + r.stderr
    assert schemac("diff", "--database-url", db_url).returncode == 0


def test_rebuild_state_after_a_swap_squashed_or_deleted(schemac, tmp_path, db_url):
    """rebuild-state tells a swap of names (a <- b, b <- a) its replay made from one it did not by the columns' types
    where they differ: after the migrations are squashed into a baseline of the swapped table (the swap's migration gone
    from disk), the old record's hints are carried and the next generate finds the swap done (before: written again,
    the values swapped back); after the swap's migration alone is deleted, they are not, and it is written again."""
    v1 = "tables:\n  t:\n    columns:\n      id: integer\n      a: text\n      b: integer\n"
    v2 = ("tables:\n  t:\n    columns:\n      id: integer\n      a: {type: integer, renamed_from: b}\n"
          "      b: {type: text, renamed_from: a}\n")
    folder = tmp_path / "generated" / "migrations"
    for squashed in (True, False):
        for f in folder.glob("*") if folder.exists() else ():
            f.unlink()
        (tmp_path / "generated" / "state.json").unlink(missing_ok=True)
        (tmp_path / "schema.yaml").write_text(v1)
        assert schemac("generate", "--name", "first").returncode == 0
        (tmp_path / "schema.yaml").write_text(v2)
        assert schemac("generate", "--name", "swap").returncode == 0
        first, swap = sorted(folder.glob("*.sql"))
        swap.unlink()
        if squashed:  # (a baseline of the table as the swap left it, as a squash by hand writes it)
            first.unlink()
            (folder / "29990101000000_baseline.sql").write_text("CREATE TABLE t (id integer, a integer, b text);\n")
        r = schemac("rebuild-state", "--dev-url", db_url)
        assert r.returncode == 0, r.stdout + r.stderr
        r = schemac("generate", "--check")
        if squashed:
            assert r.returncode == 0 and "No changes" in r.stdout, r.stdout + r.stderr
        else:
            assert r.returncode == 1 and "rename column public.t.a" in r.stdout, r.stdout + r.stderr


def test_rebuild_state_warns_of_a_swap_of_one_type_it_cannot_tell(schemac, tmp_path, db_url):
    """A swap of two columns of one type (a <- b, b <- a) after the migration the record was written with is gone (a
    squashed baseline, or the swap's migration deleted): no catalog tells it made from not, so rebuild-state carries
    no hint and says so (fix46a's LEFT), naming the table and the hints; with that migration on disk, nothing said."""
    v1 = "tables:\n  t:\n    columns:\n      id: integer\n      a: integer\n      b: integer\n"
    v2 = ("tables:\n  t:\n    columns:\n      id: integer\n      a: {type: integer, renamed_from: b}\n"
          "      b: {type: integer, renamed_from: a}\n")
    folder = tmp_path / "generated" / "migrations"
    (tmp_path / "schema.yaml").write_text(v1)
    assert schemac("generate", "--name", "first").returncode == 0
    (tmp_path / "schema.yaml").write_text(v2)
    assert schemac("generate", "--name", "swap").returncode == 0
    r = schemac("rebuild-state", "--dev-url", db_url)
    assert r.returncode == 0 and "cannot tell" not in r.stderr, r.stdout + r.stderr
    for f in folder.glob("*.sql"):  # (a baseline of the table as the swap left it: the same as before it)
        f.unlink()
    (folder / "29990101000000_baseline.sql").write_text("CREATE TABLE t (id integer, a integer, b integer);\n")
    r = schemac("rebuild-state", "--dev-url", db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "cannot tell whether the migrations on disk make the swap of names of public.t's columns a <- b, b <- a" \
        in r.stderr, r.stderr


def test_concurrently_splits_index_builds_into_no_transaction_files(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(BASE)
    generate(str(schema), out)
    apply_all(db_url, out)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for stmt in ROWS:
            conn.execute(stmt)
    new = edit(BASE, "      customers_name: {columns: [name]}\n",
               "      customers_name: {columns: [name]}\n      customers_email_lower: {columns: [{expression: lower(email), statistics_target: 250}]}\n"
               "      customers_status: {columns: [status]}\n")
    new = edit(new, "      score_range:", "      email_has_at: email LIKE '%@%'\n      score_range:")
    new += "  notes:\n    columns:\n      id: {type: integer, primary_key: true}\n    indexes:\n      notes_id: {columns: [id]}\n"
    schema.write_text(new)
    result = generate(str(schema), out, concurrently=True, name="add_lookups")
    assert result.status == "written"
    names = [os.path.basename(p) for p in result.paths]
    assert [n.split("_", 1)[1] for n in names] == ["add_lookups.sql", "add_lookups_index_1.sql",
                                                   "add_lookups_index_2.sql", "add_lookups_validate.sql"]
    assert names == sorted(names) and len({n[:14] for n in names}) == 4
    bodies = [open(p).read() for p in result.paths]
    assert "NOT VALID" in bodies[0] and "CREATE INDEX IF NOT EXISTS notes_id" in bodies[0]  # new table: plain index
    for b in bodies[1:3]:
        assert b.startswith("-- no-transaction\n") and b.count("CREATE INDEX CONCURRENTLY IF NOT EXISTS") == 1
    assert "VALIDATE CONSTRAINT email_has_at" in bodies[3] and not bodies[0].startswith("-- no-transaction")
    apply_all(db_url, out)
    assert check_drift(str(schema), db_url).differences == ()
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT bool_and(convalidated) FROM pg_constraint WHERE conname = 'email_has_at'"
                            ).fetchone()[0] is True
        # the expression's statistics target, set once CREATE INDEX CONCURRENTLY made the index (its validate file)
        assert conn.execute("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'customers_email_lower'::regclass "
                            "AND attnum = 1").fetchone()[0] == 250
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 2


def test_concurrently_a_new_index_alone_writes_no_main_file(db_url, tmp_path):
    """A change that only adds an index, --concurrently: its main file held the search_path's two SET lines and
    nothing else, a migration sqlx applied and recorded doing nothing, first of the change's files. Now the change
    is the index's `-- no-transaction` file and the validating one, numbered 1 and 2 of 2, applied in order."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old = "tables:\n  t:\n    columns:\n      id: {type: integer, nullable: false}\n      w: integer\n"
    schema.write_text(old)
    generate(str(schema), out)
    apply_all(db_url, out)
    schema.write_text(old + "    indexes:\n      t_w: {columns: [w]}\n")
    result = generate(str(schema), out, concurrently=True, name="t_w")
    assert result.status == "written", result.message
    assert [os.path.basename(p).split("_", 1)[1] for p in result.paths] == ["t_w_index_1.sql", "t_w_validate.sql"]
    first, second = (open(p).read() for p in result.paths)
    assert first.startswith("-- no-transaction\n") and "-- File 1 of 2 of this change." in first
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_w ON public.t(w);" in first
    assert "-- File 2 of 2 of this change." in second and "indisvalid" in second
    apply_all(db_url, out)
    assert check_drift(str(schema), db_url).differences == ()
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_w'::regclass").fetchone() == (True,)
