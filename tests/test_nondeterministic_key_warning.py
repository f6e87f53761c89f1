"""A string column given a nondeterministic collation (ICU `und-u-ks-level2`, which ignores letter case) under a key:
every value is kept (no --allow-destructive), but two rows that differ ('Ann@x', 'ann@x') may be equal under the new
collation, so the index a PRIMARY KEY, UNIQUE or unique index rebuilds over the column refuses them. `generate` never
sees the rows: it warns at the column's line (plan.hazards.row_failures), as for a column made citext. The oracle that
the warning is true is Postgres: the migration fails with a unique violation over such a pair and applies over rows
without one (the column then of that collation, by pg_attribute). ICU is in Debian's 15 build here, not in 18's or 16's."""

import psycopg
import pytest

from conftest import rows_of
from test_citext_key_warning import warned_then_applied

SCHEMA = """collations:
  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}
  exact: {provider: icu, locale: und-u-kn-true}
tables:
  t:
    columns:
      id: integer
      email: %s
%s"""
KEYS = {"unique": ("    unique:\n      - {columns: [email]}\n", "t_email_key"),
        "unique-index": ("    indexes:\n      t_mail: {columns: [email], unique: true}\n", "t_mail")}
COLLATION = ("SELECT c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation "
             "WHERE a.attrelid = 't'::regclass AND a.attname = 'email'")


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
@pytest.mark.parametrize("key", list(KEYS))
def test_a_keyed_column_given_a_nondeterministic_collation_is_warned_and_fails_over_a_case_pair(major_db, tmp_path,
                                                                                                   key):
    block, name = KEYS[key]
    schema, warnings = warned_then_applied(major_db, tmp_path, SCHEMA % ("text", block),
                                           SCHEMA % ("{type: text, collation: ci}", block),
                                           "INSERT INTO t VALUES (1, 'Ann@x'), (2, 'ann@x'), (3, 'Bob@x')",
                                           "DELETE FROM t WHERE email = 'ann@x'")
    assert warnings == [
        f"warning: {schema}:8:7: column public.t.email is given collation ci, which is nondeterministic: the migration "
        f"fails where two rows equal under it ('Ann', 'ann' where it ignores case) are held under {name} (make those "
        "rows differ first)"]
    assert rows_of(major_db, COLLATION) == [("ci",)]
    assert rows_of(major_db, "SELECT id, email::text FROM t ORDER BY id") == [(1, "Ann@x"), (3, "Bob@x")]


@pytest.mark.parametrize("given,block", [
    ("{type: text, collation: exact}", KEYS["unique"][0]),  # a deterministic collation: no two values become equal
    ("{type: text, collation: ci}", "    indexes:\n      t_mail: {columns: [email]}\n")])  # no key reads it
def test_no_warning_where_no_two_values_can_collide(tmp_path, given, block):
    """generate alone (no database): the column given a deterministic ICU collation under a key, or the
    nondeterministic one under an index that is not unique, warns of nothing."""
    from schemac.commands.generate import generate

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(SCHEMA % ("text", block), encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    schema.write_text(SCHEMA % (given, block), encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written" and result.changes and \
        not [n for n in result.notices if n.startswith("warning: ")], result.notices


FK = """collations:
  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}
tables:
  p:
    columns:
      k: {type: text%s, primary_key: true}
  c:
    columns:
      id: integer
      k: {type: text%s}
    foreign_keys:
      - {columns: [k], references: {table: p, columns: [k]}}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
@pytest.mark.parametrize("referencing", ["default", "ci"])
def test_a_foreign_keys_referenced_end_leaving_a_nondeterministic_collation_is_checked_again(major_db, tmp_path,
                                                                                             referencing):
    """The referenced column of a foreign key leaves the nondeterministic collation (its type kept; the referencing
    one with it, or keeping it): the key's check compares by the referenced column's collation, and Postgres rebuilds
    the key with the same equality operator checking no row (TryReuseForeignKey), keeping 'firefox' referencing
    'Firefox' under a key that now compares exactly. The migration drops the key and adds it again (compare.differ),
    so the row fails it (ForeignKeyViolation), as warned; once it matches, the key stands over every row."""
    ci = ", collation: ci"
    schema, warnings = warned_then_applied(major_db, tmp_path, FK % (ci, ci),
                                           FK % ("", ci if referencing == "ci" else ""),
                                           "INSERT INTO p VALUES ('Firefox'); INSERT INTO c VALUES (1, 'firefox')",
                                           "UPDATE c SET k = 'Firefox'", psycopg.errors.ForeignKeyViolation)
    assert warnings == [
        f"warning: {schema}:12:9: foreign key c_k_fkey of public.c is added again over columns no longer compared "
        "ignoring letter case (citext, or a nondeterministic collation, before): the migration fails where a row "
        "matches the row it references only so ('firefox' referencing 'Firefox'; make those rows match exactly first)"]
    assert rows_of(major_db, "SELECT a.attrelid::regclass::text, c.collname FROM pg_attribute a JOIN pg_collation c "
                             "ON c.oid = a.attcollation WHERE a.attname = 'k' "
                             "AND a.attrelid IN ('p'::regclass, 'c'::regclass) ORDER BY 1") == [("c", referencing),
                                                                                                 ("p", "default")]
    assert rows_of(major_db, "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f'") == [
        ("c_k_fkey", True)]
    assert rows_of(major_db, 'SELECT c.id FROM c LEFT JOIN p ON p.k = c.k COLLATE "default" WHERE p.k IS NULL') == []


DOMAIN = """collations:
  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}
domains:
  sortable_text: {type: text%s}
tables:
  people:
    columns:
      id: {type: bigint, primary_key: true}
      email: sortable_text
    indexes:
      people_email: {columns: [email], unique: true}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_keyed_column_whose_domain_gains_a_nondeterministic_collation_is_warned(major_db, tmp_path):
    """The domain a keyed column is of given the nondeterministic collation (the domain set aside, made again and the
    column retyped onto it): the same warning, naming the domain, made true by Postgres's UniqueViolation; the
    migration applies once the rows differ (the domain's collation then ci, by pg_type)."""
    schema, warnings = warned_then_applied(major_db, tmp_path, DOMAIN % "", DOMAIN % ", collation: ci",
                                           "INSERT INTO people VALUES (1, 'Ann@x'), (2, 'ann@x'), (3, 'Bob@x')",
                                           "DELETE FROM people WHERE email = 'ann@x'")
    assert warnings == [
        f"warning: {schema}:9:7: column public.people.email is given the collation of sortable_text, which is "
        "nondeterministic: the migration fails where two rows equal under it ('Ann', 'ann' where it ignores case) are "
        "held under people_email (make those rows differ first)"]
    assert rows_of(major_db, "SELECT c.collname FROM pg_type t JOIN pg_collation c ON c.oid = t.typcollation "
                             "WHERE t.typname = 'sortable_text'") == [("ci",)]
    assert rows_of(major_db, "SELECT id, email::text FROM people ORDER BY id") == [(1, "Ann@x"), (3, "Bob@x")]


FK_RECOLLATED = """collations:
  ai: {provider: icu, locale: und-u-ks-level1, deterministic: false}
  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}
tables:
  p:
    columns:
      k: {type: text, collation: %s, primary_key: true}
  c:
    columns:
      id: integer
      k: {type: text, collation: %s}
    foreign_keys:
      - {columns: [k], references: {table: p, columns: [k]}}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_foreign_keys_referenced_end_moved_to_another_nondeterministic_collation_is_checked_again(major_db,
                                                                                                   tmp_path):
    """Both ends moved from `und-u-ks-level1` (ignoring accents and case) to `und-u-ks-level2` (case only): 'résumé'
    matched 'resume' and matches it no more. Before, only a referenced column leaving for a deterministic collation
    had its key dropped and added again: Postgres rebuilt this one checking no row, and the migration applied leaving
    c's 'résumé' referencing nothing under a validated key. Now the key is added again (a warning of its own) and the
    row fails it, as Postgres's own ADD FOREIGN KEY says; once it matches, the key stands over every row."""
    schema, warnings = warned_then_applied(major_db, tmp_path, FK_RECOLLATED % ("ai", "ai"),
                                           FK_RECOLLATED % ("ci", "ci"),
                                           "INSERT INTO p VALUES ('resume'); INSERT INTO c VALUES (1, 'résumé')",
                                           "UPDATE c SET k = 'Resume'", psycopg.errors.ForeignKeyViolation)
    assert [w for w in warnings if "foreign key" in w] == [
        f"warning: {schema}:13:9: foreign key c_k_fkey of public.c is added again over columns moved from one "
        "nondeterministic collation to another, whose equality may differ: the migration fails where a row matches "
        "the row it references only under the old one ('résumé' referencing 'resume' where it ignored accents; make "
        "those rows match first)"]
    assert rows_of(major_db, "SELECT a.attrelid::regclass::text, c.collname FROM pg_attribute a JOIN pg_collation c "
                             "ON c.oid = a.attcollation WHERE a.attname = 'k' "
                             "AND a.attrelid IN ('p'::regclass, 'c'::regclass) ORDER BY 1") == [("c", "ci"), ("p", "ci")]
    assert rows_of(major_db, "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f'") == [
        ("c_k_fkey", True)]
    assert rows_of(major_db, "SELECT c.id FROM c LEFT JOIN p ON p.k = c.k WHERE p.k IS NULL") == []


SEARCHED = """collations:
  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}
tables:
  t:
    columns:
      id: integer
      email: %s
    indexes:
      t_norm: {columns: [{expression: "replace(email, ' ', '')"}]}
      t_plain: {columns: [{expression: lower(email)}]}
    checks:
      t_at: "position('@' in email) > 1"
      t_fixed: "replace(email COLLATE \\"C\\", ' ', '') <> ''"
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_column_given_a_nondeterministic_collation_under_a_substring_search_is_warned_and_fails_over_any_row(
        major_db, tmp_path):
    """An index and a CHECK calling replace() and position() over the column (which Postgres refuses over a
    nondeterministic collation: "not supported for substring searches") fail the migration over any row; generate warns
    at the column's line naming them, not the index calling lower() nor the CHECK giving its call COLLATE "C"."""
    schema, warnings = warned_then_applied(major_db, tmp_path, SEARCHED % "text", SEARCHED % "{type: text, collation: ci}",
                                           "INSERT INTO t VALUES (1, 'Ann@x'), (2, 'Bob@x')", "DELETE FROM t",
                                           refused=psycopg.errors.FeatureNotSupported)
    assert warnings == [
        f"warning: {schema}:7:7: column public.t.email is given collation ci, which is nondeterministic: Postgres "
        "refuses replace() in index t_norm; position() in CHECK t_at over it (\"nondeterministic collations are not "
        "supported for substring searches\", regular expressions, ILIKE; LIKE before 18): the migration fails over any "
        "row (give the expression a deterministic COLLATE, e.g. \"C\", or keep the column's collation)"]
    assert rows_of(major_db, COLLATION) == [("ci",)]
