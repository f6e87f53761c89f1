"""The object kinds of the whole-schema issue beyond tables, functions and triggers (exclusion
constraints, composite and range types, INHERITS, types with modifiers, collations, rules), on real
servers, judged by the tests' own oracle.

Each case of tests/fixtures/kinds/*.sql (the format of tests/pairs.py) is run twice:

- as a pair over rows, exactly as tests/test_pairs.py runs its own (the migration applied over A's rows,
  `diff` clean, a second `generate` empty, A's catalog equal to B's by tests/catalog_oracle.py, every kept
  column's values the same);
- as a round trip of the new side: B inspected, its schema.yaml generated into one migration applied to
  an empty database C; `diff` of C clean, C's catalog equal to B's, and `inspect` of C byte-identical to
  `inspect` of B (but for the header line naming the database); C's catalog is read once, by that inspect, and the
  diff judged from it (commands.diff.judged_read; A's diff above is check_drift's own read).

The default run takes the first case of each file (one per kind; of a file whose kind is of another's class,
OF_THE_CLASS_OF, none) on one major in turn (a case that needs btree_gist, pgvector or ICU on a major whose build has
it); `-m slow` every case on 18, 16 and 15 (a case a build cannot load is skipped).
"""

from __future__ import annotations

import os
import re

import psycopg
import pytest
import test_pairs
from catalog_oracle import comments, fingerprint, objects, fingerprint_difference, sibling_database
from conftest import MAJORS, inspected_after
from pairs import load_pairs
from sqlx_project import apply_all, inspected_and_rebuilt

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemacError, SchemaFileError
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.plan.type_ddl import create_range
from schemac.schemafile.load import load_text

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "kinds")
PAIRS = load_pairs(HERE)
# What some builds lack: pgserver's 16 has no btree_gist, Debian's 15 no pgvector, only 18 has bloom; ICU is not in every build.
# PostgreSQL 18's syntax (kinds/temporal.sql: PERIOD goes with WITHOUT OVERLAPS) runs on 18, by default too.
NEEDS = {"WITHOUT OVERLAPS": ("pg18",), "NOT ENFORCED": ("pg18",), "btree_gist": ("pg18", "pg15"), "provider = icu": ("pg15",), "EXTENSION vector": ("pg18", "pg16"), "halfvec": ("pg18",),
         "EXTENSION bloom": ("pg18",), "VIRTUAL)": ("pg18",)}


# Files of a major's syntax throughout (kinds/not_nulls.sql: PostgreSQL 18's NOT NULL constraints; 15 refuses a
# partition's own generation expression, kinds/partition_generated.sql).
NEEDS_FILES = {"not_nulls": ("pg18",), "virtual_generated": ("pg18",), "partition_generated": ("pg18", "pg16"), "domain_not_nulls": ("pg18",)}
# Cases of 18's NOT NULL constraints in a file of every major (kinds/copy_comments.sql), by their id.
NEEDS_CASES = {"comments-on-inherited-not-nulls": ("pg18",), "comments-on-own-not-nulls-named-as-the-parents": ("pg18",),
               "comments-on-own-not-nulls-removed-changed-and-made-own": ("pg18",),
               "comments-on-own-not-nulls-of-children-leaving-a-parent": ("pg18",),
               "comments-on-not-nulls-of-tables-joining-a-parent": ("pg18",),
               "comments-on-not-nulls-of-tables-made-not-null-to-join-a-parent": ("pg18",)}
# Files whose cases the object and comment sweeps judge too (catalog_oracle.objects, .comments: every object a user
# made, every pg_description row, by its identity), for what the catalog fingerprint does not read (a foreign key's
# clone, a row type, a domain's NOT NULL constraint).
SWEPT_FILES = {"copy_comments", "domain_not_nulls"}


def _majors_for(pair) -> list[str]:
    text = pair.old + pair.new
    return [m for m in MAJORS if all(m in majors for needle, majors in NEEDS.items() if needle in text)
            and m in NEEDS_FILES.get(pair.file, MAJORS) and m in NEEDS_CASES.get(pair.id, MAJORS)]


# Cases written against another implementation of kinds whose own tests run by default (tests/test_text_search.py,
# test_storage_parameters.py, pairs/standard_bodies.sql): every major under -m slow only.
SLOW_FILES = {"sql_bodies", "table_storage", "text_search"}  # (a pair names its file without .sql)
# Kinds whose own test file runs the same round trip and change over rows by default, judged by its own SQL: operator
# families (test_operator_families: round trip with rows, a member changed over rows), replica identity and column
# settings (test_table_attributes: each round-tripped and changed step by step over rows).
SLOW_FILES |= {"operator_families", "replica_identity", "column_settings"}
# Aggregates of the kinds once not managed (VARIADIC inputs; ordered-set and hypothetical ones), each made with a view
# calling it: test_aggregates.py by default round-trips aggregates with a view calling one over rows, changes them over
# rows, and builds a VARIADIC and an ordered-set one (least_agg(VARIADIC items anyarray), pct(fraction float8 ORDER BY
# value anyelement)) from inspect on an empty database, diffed clean, renamed in place (0.8 s of CPU a run; session 49).
SLOW_FILES |= {"variadic_aggregates", "ordered_set_aggregates"}


# Files whose kind is of the class of another file's, whose first case the default run takes (conftest.one_of_each_class's
# rule, checked below): the file's cases run under -m slow, on every major.
OF_THE_CLASS_OF = {
    "partition_copy_comments": "copy_comments",  # comments on what Postgres copies to a partition or child
    "collation_schemas": "collations",  # collations made and used by columns, keys and types (here another schema's)
    "modifiers": "numeric_scales",  # types as format_type() spells them (modifiers, schemas) where sqlglot cannot
    "keyword_schemas": "numeric_scales",
    "rowtype_calls": "generated_readers",  # a function and a table each needing the other first at CREATE
    "domain_not_nulls": "not_nulls",  # 18's NOT NULL constraints: pg_constraint rows with names and comments
    "empty_types": "user_types",  # composite and enum types made and changed (here without attributes or values)
}


def _params() -> list:
    """The default run takes the first case of each file (one kind each, one of each class: OF_THE_CLASS_OF), on one
    major in turn."""
    kept = {p.file for p in PAIRS} - SLOW_FILES - set(OF_THE_CLASS_OF)
    assert set(OF_THE_CLASS_OF.values()) <= kept, sorted(set(OF_THE_CLASS_OF.values()) - kept)
    out, turn, seen = [], 0, set()
    for pair in PAIRS:
        able = _majors_for(pair)
        slow_only = pair.file not in kept
        default = able[turn % len(able)] if pair.file not in seen and not slow_only else None
        seen.add(pair.file)
        turn += 1
        out += [pytest.param(m, pair, id=f"{m}-{pair.id}", marks=() if m == default else (pytest.mark.slow,))
                for m in MAJORS]
    return out


@pytest.mark.parametrize("major_db,pair", _params(), indirect=["major_db"])
def test_kind_pair_and_round_trip(major_db, tmp_path, pair, request):
    major = request.node.callspec.params["major_db"]
    if major not in _majors_for(pair):
        pytest.skip(f"{major}'s build lacks what the case needs")
    (tmp_path / "pair").mkdir()

    def rebuilt(b: test_pairs.NewSide) -> None:
        with inspected_and_rebuilt(b.url, tmp_path / "scratch", same_inspect=True, text=b.inspected) as (_, _, result, c):
            expected, actual = b.catalog, fingerprint(c, order=True)
            if b.swept is not None:
                assert (objects(c), comments(c)) == b.swept, result.sql
        assert actual == expected, fingerprint_difference(actual, expected) + "\n" + result.sql

    test_pairs.converges(major_db, tmp_path / "pair", pair, with_new=rebuilt, comments_too=pair.file in SWEPT_FILES)


def test_every_kind_case_is_a_change():
    assert len(PAIRS) == len({p.id for p in PAIRS}) and all(p.old != p.new for p in PAIRS)
    assert not {p.id for p in PAIRS} & {p.id for p in load_pairs()}


TABLE = "tables:\n  t:\n    columns: {id: integer, during: tsrange}\n"


@pytest.mark.parametrize("entry,message", [
    ("{elements: [{name: during}]}", "needs the key 'with'"),
    ("{elements: [{name: zz, with: '&&'}]}", "names column 'zz'"),
    ("{elements: [{name: during, with: 'drop table'}]}", "must be an operator like = or &&"),
    ("{elements: []}", "elements of exclusion constraint of table 't' is empty"),
    ("{elements: [{name: during, with: '&&'}], using: brin}", "using of exclusion constraint"),
    ("{elements: [{name: during, with: '&&'}], initially_deferred: true}", "initially_deferred needs deferrable"),
    ("{elements: [{name: during, with: '&&'}], where: 'zz > 0'}", "names column 'zz'"),
    ("{elements: [{name: during, with: '&&', order: desc}]}", "order and nulls apply only to btree"),
    ("{elements: [{name: during, with: '&&'}], index_comment: [x]}", "index_comment of exclusion constraint"),
])
def test_exclusion_loader_errors(entry, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(TABLE + f"    exclude:\n      - {entry}\n", "schema.yaml")
    assert "schema.yaml:5:" in str(e.value) and message in str(e.value), str(e.value)


def test_exclusion_operators_as_sql_writes_them():
    text = TABLE + "    exclude:\n      - {elements: [{name: during, with: 'OPERATOR(pg_catalog.&&)'}, " \
                   "{name: id, with: 'geo.~='}]}\n"
    x = load_text(text).tables[0].exclusions[0]
    assert [e.operator for e in x.elements] == ["pg_catalog.&&", "geo.~="]  # kept as written: it is what the DDL says
    from schemac.compare.tables import constraint_key  # and compared as the catalog's bare `&&`
    bare = load_text(text.replace("OPERATOR(pg_catalog.&&)", "&&")).tables[0].exclusions[0]
    assert constraint_key(x) == constraint_key(bare)


def _plan_between(old_text: str, new_text: str) -> str:
    from schemac.compare.differ import diff
    from schemac.plan.planner import plan, render_sql

    return render_sql(plan(diff(load_text(old_text), load_text(new_text))))


TYPES = "composite_types:\n  addr:\n    attributes: {a: integer, b: text}\n"


@pytest.mark.parametrize("new,message", [
    # (with no column of the type they are made again: test_composite_made_again_when_no_column_uses_it)
    ("composite_types:\n  addr:\n    attributes: {b: text, a: integer}\ntables:\n  t:\n    columns: {x: addr}\n",
     "cannot be reordered in place"),
    ("composite_types:\n  addr:\n    attributes: {a: integer, c: date, b: text}\ntables:\n  t:\n    columns: {x: addr}\n",
     "attribute c can only be added after the existing ones"),
    # a domain or another composite type over it that a column holds (with none, all are made again: the pairs
    # type-composite-attribute-put-in-the-middle-under-*)
    ("composite_types:\n  addr:\n    attributes: {a: integer, c: date, b: text}\ndomains:\n  d: {type: addr}\n"
     "tables:\n  t:\n    columns: {x: d}\n", "attribute c can only be added after the existing ones"),
    ("composite_types:\n  addr:\n    attributes: {b: text, a: integer}\n  wrap:\n    attributes: {v: addr}\n"
     "tables:\n  t:\n    columns: {x: 'wrap[]'}\n", "cannot be reordered in place"),
    # (an attribute retyped under a column of the type is dropped and added again: test_composite_retyped_under_a_column)
    # (an attribute of an enum the migration sets aside and creates again, under a column of the type, is dropped and
    # added again too: test_row_type_users' test_a_composite_attribute_of_an_enum_made_again_under_a_column_*)
])
def test_composite_changes_postgres_cannot_make_are_refused(new, message):
    """Each refusal is one line at the type's place in schema.yaml (`addr:` on line 2), as a
    range's or a collation's is: it was the bare message, with no file:line:col to go to (probe43c, a PostGraphile
    schema's app.application_setting attribute retyped under an array column)."""
    old = TYPES + ("  wrap:\n    attributes: {v: addr}\n" if "wrap" in new else "") \
        + ("domains:\n  d: {type: addr}\n" if "domains" in new else "") + new[new.find("tables:"):] * ("tables:" in new)
    with pytest.raises(SchemacError) as e:
        _plan_between(old, new)
    assert message in str(e.value)
    assert re.match(r"schema\.yaml:2:3: composite type public\.addr: ", str(e.value)), str(e.value)


def test_composite_retyped_in_place_when_no_column_uses_it():
    sql = _plan_between(TYPES, "composite_types:\n  addr:\n    attributes: {a: bigint, c: date}\n")
    assert "ALTER TYPE addr DROP ATTRIBUTE b, ALTER ATTRIBUTE a TYPE BIGINT, ADD ATTRIBUTE c DATE;" in sql


def test_composite_retyped_under_a_column_is_set_aside_and_made_again():
    """Postgres refuses ALTER ATTRIBUTE ... TYPE while a column holds the type ('cannot alter type "addr" because
    column "t.x" uses it'): the attribute was dropped and added again, and those after it, their values lost (fix57a);
    now the type is set aside and made again (compare.range_holders), the attribute added first in place, the column
    retyped through text, no DROP ATTRIBUTE: integer -> bigint is no hazard; bigint -> integer is, naming the column
    (pairs types-composite-attribute-*, on a server)."""
    from schemac.compare.differ import diff
    from schemac.plan.hazards import destructive_reason

    table = "tables:\n  t:\n    columns: {x: addr}\n"
    new = "composite_types:\n  addr:\n    attributes: {a: bigint, b: text, c: date}\n" + table
    sql = _plan_between(TYPES + table, new)
    steps = ["ALTER TYPE addr ADD ATTRIBUTE c DATE;", "ALTER TYPE addr RENAME TO addr__schemac_old;",
             "CREATE TYPE addr AS (a BIGINT, b TEXT, c DATE);",
             "ALTER TABLE t ALTER COLUMN x SET DATA TYPE addr USING CAST(CAST(x AS TEXT) AS addr);",
             "DROP TYPE IF EXISTS addr__schemac_old;"]
    assert [sql.find(s) for s in steps] == sorted(sql.find(s) for s in steps) and -1 not in map(sql.find, steps) \
        and "DROP ATTRIBUTE" not in sql, sql
    assert [r for r in map(destructive_reason, diff(load_text(TYPES + table), load_text(new))) if r] == []
    reasons = [r for r in map(destructive_reason, diff(load_text(new), load_text(TYPES + table))) if r]
    assert reasons == ["composite type public.addr: attribute c dropped, attribute a (bigint -> integer) retyped "
                       "through its text: its values in column public.t.x may be truncated, rounded or rejected, and "
                       "the dropped one's lost"], reasons


def test_composite_retyped_under_a_partition_key_column_is_not_set_aside():
    """A column of the type in its table's partition key: Postgres cannot retype it (plan.column_changes'
    key_retype_refused), so the type is not set aside (generate raised that PlanError once fix57a set it aside): the
    plan drops and adds its attribute, as before, which generate refuses, --allow-destructive or not
    (compare.composite_holders.key_held_composites: tests/test_composite_retypes.py)."""
    table = "tables:\n  t:\n    partition_by: {strategy: range, key: x}\n    columns: {x: addr}\n"
    sql = _plan_between(TYPES + table, TYPES.replace("a: integer", "a: bigint") + table)
    assert "ALTER TYPE addr DROP ATTRIBUTE a, DROP ATTRIBUTE b, ADD ATTRIBUTE a BIGINT, ADD ATTRIBUTE b TEXT;" in sql, sql


@pytest.mark.parametrize("attributes", ["{b: text, a: integer}", "{a: integer, c: date, b: text}"])
def test_composite_made_again_when_no_column_uses_it(attributes):
    """An attribute put before another, or the attributes reordered (LedgerSMB's release scripts do both: DROP
    TYPE ... CASCADE, CREATE TYPE): no ALTER TYPE does it, generate refused; with no column of the type it is
    dropped and created again, the functions naming it around it (pair
    rw-composite-attribute-put-in-the-middle-under-setof-functions-and-a-view, on a server)."""
    sql = _plan_between(TYPES, f"composite_types:\n  addr:\n    attributes: {attributes}\n")
    assert sql.index("DROP TYPE IF EXISTS addr;") < sql.index("CREATE TYPE addr AS (")


@pytest.mark.parametrize("held", [True, False])
def test_an_attribute_dropped_is_destructive_only_where_a_column_holds_the_type(held):
    """LedgerSMB's payment_vc_info losing has_vouchers under the SETOF functions returning it: generate refused it
    as destructive ('its values in every column of the type are lost') though no column of the type stored one
    (pair rw-composite-attribute-dropped-with-no-column-of-the-type, on a server)."""
    from schemac.compare.differ import diff
    from schemac.plan.hazards import destructive_reason

    table = "tables:\n  t:\n    columns: {x: addr}\n" if held else ""
    changes = diff(load_text(TYPES + table), load_text("composite_types:\n  addr:\n    attributes: {a: integer}\n" + table))
    reasons = [r for r in map(destructive_reason, changes) if r]
    assert reasons == (["composite type public.addr: attribute b dropped: its values in every column of the type are lost"]
                       if held else [])


# The way out a used collation's refusal names where a user cannot move to a new collation (else it is set aside:
# compare.collation_asides, the pairs type-collation-set-aside-*).
WAY_OUT = re.escape("cannot move to a new collation (Postgres changes no partition key in place, and schemac moves no "
                    "range or composite type's values to another); create a new collation of this definition under "
                    "another name for what can use it, or keep this one's")


@pytest.mark.parametrize("users,named", [
    ("tables:\n  t:\n    columns: {s: r}\n", "table public.t uses"),
    ("tables:\n  t:\n    columns: {m: r_multirange}\n", "table public.t uses"),
    ("functions:\n  f: {arguments: x r, returns: integer, language: sql, body: select 1}\n", "function public.f uses"),
    ("domains:\n  d: {type: 'r[]'}\ncomposite_types:\n  p:\n    attributes: {a: r}\n",
     "domain public.d and composite type public.p use"),
])
def test_a_range_type_definition_change_is_refused_where_something_uses_it(users, named):
    """Postgres has no ALTER for a range's definition, and DROP TYPE under its users would take them (or their values)
    along: refused at the type's line, naming them. With no user it is made again (pairs range-*-made-again-*)."""
    with pytest.raises(SchemacError) as e:
        _plan_between("range_types:\n  r: {subtype: integer}\n" + users, "range_types:\n  r: {subtype: bigint}\n" + users)
    assert re.fullmatch(r"schema\.yaml:2:3: range type public\.r: its definition cannot change in place \(Postgres has "
                        rf"no ALTER for it\) while {named} it; create a new type", str(e.value)), str(e.value)


def test_a_range_type_or_collation_no_object_uses_is_made_again():
    """A column named as the range and the collation (`r`, `c`) is no user of either: DROP, CREATE."""
    users = "tables:\n  t:\n    columns: {r: text, c: text}\n"
    sql = _plan_between("range_types:\n  r: {subtype: integer}\ncollations:\n  c: {locale: C}\n" + users,
                        "range_types:\n  r: {subtype: bigint}\ncollations:\n  c: {locale: POSIX}\n" + users)
    statements = [s.strip() for s in sql.split(";\n")]
    made = ["DROP COLLATION IF EXISTS c", "CREATE COLLATION c (provider = libc, locale = 'POSIX')",
            "DROP TYPE IF EXISTS r", "CREATE TYPE r AS RANGE (SUBTYPE = BIGINT)"]
    assert sorted(s for s in statements if s.startswith(("DROP", "CREATE"))) == sorted(made), sql
    assert statements.index(made[0]) < statements.index(made[1]) and statements.index(made[2]) < statements.index(made[3])


def test_a_range_type_or_collation_made_again_is_reported_as_changed():
    """diff's report of one made again is its definition's change, as before (not a drop and an add), its comment
    and owner given back no difference, a comment changed too one of its own."""
    from schemac.compare.differ import diff
    from schemac.report.describe import differences

    old = ("range_types:\n  r: {subtype: integer, comment: hi, owner: pg_monitor}\n"
           "collations:\n  c: {locale: C, comment: cc, owner: pg_monitor}\n")
    new = old.replace("integer", "bigint").replace("locale: C,", "locale: POSIX,").replace("cc", "dd")
    found = [(d.kind, d.message) for d in differences(diff(load_text(old), load_text(new)))]
    assert found == [
        ("range_type_changed", "range type public.r is TYPE AS RANGE (SUBTYPE = integer), expected TYPE AS RANGE "
                               "(SUBTYPE = bigint)"),
        ("collation_changed", "collation public.c is COLLATION (provider = libc, locale = C), expected COLLATION "
                              "(provider = libc, locale = POSIX)"),
        ("comment_changed", "collation c: comment is 'cc', expected 'dd'")], found


def test_a_collation_set_aside_is_reported_as_changed_alone():
    """diff's report of a used collation set aside is its definition's change, as one made again: not the statements
    that move its users to the new one (a column's, a domain's, an index's, a CHECK's, a view's), which are no drift."""
    from schemac.compare.differ import diff
    from schemac.report.describe import differences

    old = ("collations:\n  c: {locale: C, comment: cc}\ndomains:\n  d: {type: text, collation: c}\n"
           "tables:\n  t:\n    columns: {s: {type: text, collation: c}, e: d}\n    checks: {t_s_check: \"s > 'a' COLLATE c\"}\n"
           "    indexes:\n      t_s: {columns: [{expression: s COLLATE c}]}\n"
           "views:\n  v: {query: SELECT s COLLATE c AS s FROM t}\n")
    new = old.replace("locale: C,", "locale: POSIX,")
    changes = diff(load_text(old), load_text(new))
    assert len([c for c in changes if c.aside_only]) >= 5, changes  # (what the plan moves)
    found = [(d.kind, d.message) for d in differences(changes)]
    assert found == [("collation_changed", "collation public.c is COLLATION (provider = libc, locale = C), expected "
                                           "COLLATION (provider = libc, locale = POSIX)")], found


def test_a_range_types_function_made_again_is_refused():
    """Its subtype_diff gaining other argument names (DROP FUNCTION, CREATE: Postgres refuses the DROP under the
    type, which has no ALTER): generate wrote a migration that did not apply ('cannot drop function
    fdiff(double precision,double precision) because other objects depend on it'); it refuses, naming it."""
    fn = ("functions:\n  fdiff: {arguments: '%s float8, %s float8', returns: float8, language: sql, "
          "volatility: immutable, body: select 1::float8}\n")
    ranges = "range_types:\n  r: {subtype: float8, subtype_diff: fdiff}\n"
    with pytest.raises(SchemacError) as e:
        _plan_between(fn % ("a", "b") + ranges, fn % ("x", "y") + ranges)
    assert "range type public.r: its function fdiff is dropped and created again" in str(e.value)


def test_a_range_type_over_an_enum_set_aside_is_destructive_where_a_column_holds_it():
    """An enum losing a value is set aside and created again; a range type over it that a column uses is set aside
    too and created again over the new enum, its column retyped through text (pairs
    enum-value-removed-under-a-range-over-it-that-columns-and-a-view-keep, ...-whose-column-goes; it was refused before
    fix49b). A bound of the removed label fails there, as a value of the enum's own column does: generate refuses it
    without --allow-destructive, naming the label and the range, where a column of the range (or of its multirange)
    holds values, and the range where the enum's values are reordered only (a range's bounds the new order reverses);
    where only a view uses the range no row holds one."""
    from schemac.compare.differ import diff
    from schemac.plan.hazards import destructive_reason, enums_holding_values

    def reasons(users: str) -> list[str]:
        changes = diff(load_text("enums:\n  e: [a, b, x]\n" + users), load_text("enums:\n  e: [a, b]\n" + users))
        held = enums_holding_values(changes)
        return [r for c in changes if (r := destructive_reason(c, held))]
    ranges = "range_types:\n  r: {subtype: e}\n"
    gone = ["enum public.e: re-created without 'x': the migration fails if a row holds a removed value",
            "range type public.r: created again over e, made again (values removed or reordered): the migration fails "
            "if a row holds a bound of a removed value, or bounds the new order reverses"]
    assert reasons(ranges + "tables:\n  t:\n    columns: {s: r}\n") == gone
    assert reasons(ranges + "tables:\n  t:\n    columns: {s: r_multirange}\n") == gone
    reordered = diff(load_text("enums:\n  e: [a, b]\n" + ranges + "tables:\n  t:\n    columns: {s: r}\n"),
                     load_text("enums:\n  e: [b, a]\n" + ranges + "tables:\n  t:\n    columns: {s: r}\n"))
    assert [r for c in reordered if (r := destructive_reason(c, enums_holding_values(reordered)))] == \
        [gone[1]]  # ('[a,b]' is '[b,a]' after: Postgres refuses it, 'range lower bound must be less than or equal...')
    assert reasons(ranges + "tables:\n  t:\n    columns: {i: integer}\n"
                   "views:\n  v:\n    query: SELECT r('a'::e, 'b'::e) AS k FROM t\n") == []


@pytest.mark.parametrize("old,new,kind", [
    ("domains:\n  d0: {type: r}\ntables:\n  t:\n    columns: {x: d0}\n",
     "domains:\n  d: {type: r, renamed_from: d0}\ntables:\n  t:\n    columns: {x: d}\n", "DOMAIN"),
    ("composite_types:\n  c0:\n    attributes: {x: r}\ntables:\n  t:\n    columns: {x: c0}\n",
     "composite_types:\n  d:\n    renamed_from: c0\n    attributes: {x: r}\ntables:\n  t:\n    columns: {x: d}\n", "TYPE")])
def test_a_range_type_over_an_enum_set_aside_takes_a_domain_or_composite_renamed_over_it_along(old, new, kind):
    """A range type over an enum set aside is set aside too where columns, views and functions use it (pairs
    enum-value-removed-under-a-range-over-it-*), and a domain or composite type over it that schema.yaml keeps with it
    (compare.range_holders, fix50d: pairs ...-under-a-domain-kept, ...-under-a-composite-type-kept); one schema.yaml
    renames (renamed_from) too, where generate refused it ('... while domain public.d uses it'): renamed first, then
    set aside under its new name (pairs ...-under-a-domain-renamed, ...-under-a-composite-type-renamed)."""
    users = "range_types:\n  r: {subtype: e}\n"
    sql = _plan_between("enums:\n  e: [a, b, x]\n" + users + old, "enums:\n  e: [a, b]\n" + users + new)
    at = [sql.index(s) for s in (f"ALTER {kind} {'d0' if kind == 'DOMAIN' else 'c0'} RENAME TO d;",
                                 "CREATE TYPE r AS RANGE", f"ALTER {kind} d RENAME TO d__schemac_old;",
                                 "ALTER TABLE t ALTER COLUMN x SET DATA TYPE d USING CAST(CAST(x AS TEXT) AS d)",
                                 f"DROP {kind} IF EXISTS d__schemac_old", "DROP TYPE IF EXISTS r__schemac_old")]
    assert at == sorted(at), sql


@pytest.mark.parametrize("user", ["domains:\n  d: {type: r}\ntables:\n  t:\n    columns: {x: d}\n",
                                  "composite_types:\n  c:\n    attributes: {x: r}\ntables:\n  t:\n    columns: {x: c}\n"])
def test_a_domain_or_composite_kept_over_a_range_set_aside_is_set_aside_with_it(user):
    """A domain, or a composite type a column holds, kept over a range type set aside with its enum: set aside and made
    again with it (renamed, created, its column retyped through text, the one set aside dropped before the range's),
    where generate refused it (fix49b). Applied over rows: the pairs named in the test above."""
    users = "range_types:\n  r: {subtype: e}\n" + user
    sql = _plan_between("enums:\n  e: [a, b, x]\n" + users, "enums:\n  e: [a, b]\n" + users)
    kind, name = ("DOMAIN", "d") if user.startswith("domains") else ("TYPE", "c")
    at = [sql.index(s) for s in (f"ALTER {kind} {name} RENAME TO {name}__schemac_old", "CREATE TYPE r AS RANGE",
                                 f"ALTER TABLE t ALTER COLUMN x SET DATA TYPE {name} USING CAST(CAST(x AS TEXT) AS {name})",
                                 f"DROP {kind} IF EXISTS {name}__schemac_old", "DROP TYPE IF EXISTS r__schemac_old")]
    assert at[1:] == sorted(at[1:]) and at[0] < at[2], sql


@pytest.mark.parametrize("text,message", [
    ("composite_types:\n  c:\n    attributes: {a: txet}\n", "unknown type 'txet'"),
    ("composite_types:\n  c: {attributes: {a: integer}, colour: red}\n", "colour"),
    ("range_types:\n  r: {subtype: integer, subtype_diff: 'f(x)'}\n", "must be a name or schema.name"),
    ("range_types:\n  r: {collation: C}\n", "needs the key 'subtype'"),
    ("enums:\n  c: [a]\ncomposite_types:\n  c:\n    attributes: {a: integer}\n", "type public.c is declared twice"),
    ("tables:\n  t:\n    columns: {x: r_multirange}\n", "unknown type 'r_multirange'"),
    ("range_types:\n  r: {subtype: integer,\n      multirange: a.b.c}\n", "schema.yaml:3:19: multirange of range type 'r' must "
                                                                       "be a name or schema.name"),
])
def test_user_type_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert "schema.yaml:" in str(e.value) and message in str(e.value), str(e.value)


def test_a_range_types_multirange_is_a_known_type():
    text = "range_types:\n  r: {subtype: integer}\n  q: {subtype: date, multirange: qs}\n" \
           "tables:\n  t:\n    columns: {x: r_multirange, y: qs}\n"
    assert [c.type for c in load_text(text).tables[0].columns] == ["r_multirange", "qs"]


def test_a_multirange_in_another_schema_is_read_as_postgres_names_it():
    """MULTIRANGE_TYPE_NAME = mr.qs puts the multirange in schema mr: `multirange: mr.qs` (its own schema's name is
    the range's, written bare); its schema is one the migration makes, its type known there, the DDL naming it so."""
    text = "range_types:\n  q: {subtype: date, multirange: mr.qs}\n  p: {subtype: date, multirange: public.\"p.s\"}\n" \
           "tables:\n  t:\n    columns: {y: mr.qs}\n"
    schema = load_text(text)
    q, p = schema.range_types
    assert (q.multirange_in, q.multirange_name, q.multirange_written) == ("mr", "qs", "mr.qs")
    assert (p.multirange_schema, p.multirange_name, p.multirange_written) == (None, "p.s", '"p.s"')
    assert "mr" in schema.used_namespaces and schema.tables[0].columns[0].type == "mr.qs"
    assert "MULTIRANGE_TYPE_NAME = mr.qs" in create_range(q).sql()


@pytest.mark.parametrize("text,message", [
    ("tables:\n  c:\n    inherits: [nope]\n", "inherits from public.nope, which schema.yaml does not declare"),
    ("tables:\n  p: {columns: {a: integer}}\n  c:\n    inherits: [p, p]\n", "inherits from p twice"),
    ("tables:\n  p:\n    inherits: [c]\n    columns: {a: integer}\n  c:\n    inherits: [p]\n", "inherits from itself"),
    ("tables:\n  p: {columns: {a: integer}}\n  c:\n    inherits: [p]\n    checks: {x: zz > 0}\n",
     "names column 'zz', which neither it nor its parent has"),
    ("tables:\n  p: {columns: {a: integer}, partition_by: {strategy: list, key: a}}\n  c:\n    inherits: [p]\n",
     "partitioned tables and partitions cannot be inherited from"),
    ("tables:\n  p: {columns: {a: integer}, checks: {k: a > 0}}\n  c:\n    inherits: [p]\n    validated_checks: [k]\n",
     "name 'k', which is no NOT VALID CHECK"),
    ("tables:\n  p: {columns: {a: integer}}\n  c:\n    columns: {a: integer}\n    validated_checks: [k]\n",
     "validated_checks are a partition's or an INHERITS child's"),
    ("tables:\n  p: {columns: {a: integer}}\n  c:\n    columns: {a: integer}\n    inherited_only: [a]\n",
     "inherited_only of table 'c': only a table with inherits takes it"),
    ("tables:\n  p: {columns: {a: integer}}\n  c:\n    inherits: [p]\n    inherited_only: [x]\n    columns: {x: text}\n",
     "inherited_only of table public.c names column 'x', which its parents do not have"),
    ("tables:\n  p: {columns: {a: integer}}\n  c:\n    inherits: [p]\n    column_order: [x, a]\n    inherited_only: [x]\n"
     "    columns: {x: text}\n", "inherited_only of table public.c names column 'x', which its parents do not have"),
    ("tables:\n  p: {columns: {a: integer}}\n  c:\n    inherits: [p]\n    column_order: [a]\n    inherited_only: [a, a]\n",
     "lists column 'a' twice"),
])
def test_inherits_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert "schema.yaml:" in str(e.value) and message in str(e.value), str(e.value)


_PERSON = "composite_types:\n  person:\n    attributes: {name: text, age: integer}\n"


@pytest.mark.parametrize("text,message", [
    (_PERSON + "tables:\n  t:\n    of: person\n    columns: {age: integer, name: text}\n",
     "is of type public.person: its columns must be the type's attributes in order (name, age)"),
    (_PERSON + "tables:\n  t:\n    of: person\n    columns: {name: text}\n", "its columns must be the type's"),
    (_PERSON + "tables:\n  t:\n    of: person(3)\n    columns: {name: text, age: integer}\n",
     "'person(3)' is not the name of a composite type"),
    (_PERSON + "tables:\n  p: {columns: {name: text, age: integer}}\n  t:\n    of: person\n    inherits: [p]\n",
     "cannot be a typed table"),
])
def test_typed_table_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert "schema.yaml:" in str(e.value) and message in str(e.value), str(e.value)


def test_a_child_takes_its_parents_columns_in_postgres_order():
    text = ("tables:\n  p: {columns: {a: integer, b: {type: text, default: \"'x'\"}}}\n  q: {columns: {c: date, a: integer}}\n"
            "  child:\n    inherits: [p, q]\n    columns: {own: integer, b: {type: text, default: \"'y'\"}}\n")
    child = load_text(text).tables[2]
    assert [(c.name, c.default) for c in child.columns] == [("a", None), ("b", "'y'"), ("c", None), ("own", None)]


@pytest.mark.parametrize("written,canonical", [
    ("vector(1536)", "vector(1536)"),
    ("halfvec( 3 )", "halfvec(3)"),
    ("ext.vector(3)", "ext.vector(3)"),
    ('"Ext".sparsevec(5)[]', '"Ext".sparsevec(5)[]'),
    # PostGIS, as its typmod output prints them (not installable on the test servers: checked here only)
    ("geometry(LineString,4326)", "geometry(LineString,4326)"),
    ("geometry(linestringzm, 4326)", "geometry(LineStringZM,4326)"),
    ("GEOMETRY(POINT)", "geometry(Point)"),
    ("geometry(Point,0)", "geometry(Point)"),
    ("geography(Point)", "geography(Point,4326)"),
    ("gis.geography(MultiPolygon,4269)", "gis.geography(MultiPolygon,4269)"),
])
def test_types_with_modifiers_as_format_type_spells_them(written, canonical):
    from schemac.pg.types import canonical_type

    assert canonical_type(written) == canonical


@pytest.mark.parametrize("written", ["vector(1; 2)", "geometry(Point 4326)", "halfvec('3')"])
def test_modifiers_that_are_not_numbers_or_words_are_refused(written):
    from schemac.pg.types import TypeSyntaxError, canonical_type

    with pytest.raises(TypeSyntaxError):
        canonical_type(written)


def test_an_extension_type_with_modifiers_loads_when_its_extension_is_declared():
    text = "extensions: [postgis, {name: vector, schema: ext}]\ntables:\n  t:\n    columns: " \
           "{g: 'geometry(Point,4326)', v: ext.vector(3), h: ext.halfvec(2)}\n"
    assert [c.type for c in load_text(text).tables[0].columns] == ["geometry(Point,4326)", "ext.vector(3)",
                                                                   "ext.halfvec(2)"]
    with pytest.raises(SchemaFileError) as e:
        load_text("tables:\n  t:\n    columns: {v: ext.halfvec(2)}\n")
    assert "it comes from extension vector" in str(e.value)


@pytest.mark.parametrize("entry,message", [
    ("{provider: icu}", "needs locale (or, for libc, lc_collate and lc_ctype)"),
    ("{provider: icu, lc_collate: C, lc_ctype: C}", "lc_collate and lc_ctype are for provider libc"),
    ("{locale: C, lc_collate: C}", "locale sets lc_collate and lc_ctype both"),
    ("{provider: glibc, locale: C}", "provider of collation 'c' must be one of libc, icu, builtin"),
    ("{locale: C, deterministic: maybe}", "deterministic of collation 'c'"),
])
def test_collation_loader_errors(entry, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(f"collations:\n  c: {entry}\n", "schema.yaml")
    assert "schema.yaml:2:" in str(e.value) and message in str(e.value), str(e.value)


def test_a_libc_collation_with_one_locale_reads_as_the_catalog_gives_it():
    (c,) = load_text("collations:\n  c: {lc_collate: C, lc_ctype: C}\n").collations
    assert (c.locale, c.lc_collate, c.lc_ctype) == ("C", None, None)


@pytest.mark.parametrize("users,named,held", [
    ("domains:\n  d: {type: text, collation: c}\nrange_types:\n  r: {subtype: text, collation: c}\n",
     "domain public.d and range type public.r use", "range type public.r"),
    ("composite_types:\n  p:\n    attributes: {a: {type: text, collation: public.c}}\ntables:\n  t:\n    columns: {x: p}\n",
     "composite type public.p uses", "composite type public.p"),
    ("tables:\n  t:\n    partition_by: {strategy: list, key: s}\n    columns: {s: {type: text, collation: c}}\n",
     "table public.t uses", "the partition key of table public.t"),
])
def test_a_collation_definition_change_is_refused_where_a_user_cannot_move(users, named, held):
    """As a range type's: refused at the collation's line, naming what uses it and what of it cannot move to a new
    collation (a partition key, a range type, a composite type a column holds); made again where nothing uses it, set
    aside where all can move (test_a_collation_definition_change_is_set_aside_under_its_users)."""
    with pytest.raises(SchemacError) as e:
        _plan_between("collations:\n  c: {locale: C}\n" + users, "collations:\n  c: {locale: POSIX}\n" + users)
    assert re.fullmatch(r"schema\.yaml:2:3: collation public\.c: its definition cannot change in place \(Postgres has "
                        rf"no ALTER for it\) while {named} it, and {held} {WAY_OUT}", str(e.value)), str(e.value)


def test_a_collation_set_aside_under_a_name_schema_yaml_declares_is_refused_naming_it():
    """A collation of schema.yaml named as the changing one would be set aside (`c__schemac_old`): the refusal names it
    (before: "and one of them cannot move to a new collation", which none was)."""
    users = "tables:\n  t:\n    columns: {s: {type: text, collation: c}}\n"
    with pytest.raises(SchemacError) as e:
        _plan_between("collations:\n  c: {locale: C}\n  c__schemac_old: {locale: C}\n" + users,
                      "collations:\n  c: {locale: POSIX}\n  c__schemac_old: {locale: C}\n" + users)
    assert str(e.value) == (
        "schema.yaml:2:3: collation public.c: its definition cannot change in place (Postgres has no ALTER for it) "
        "while table public.t uses it, and schema.yaml declares collation public.c__schemac_old, the name schemac would "
        "set it aside under while they move to a new one; rename that collation, or keep this one's definition")


@pytest.mark.parametrize("users", [
    "tables:\n  t:\n    columns: {s: {type: text, collation: c}}\n",
    "tables:\n  t:\n    columns: {s: text}\n    indexes:\n      t_s: {columns: [{expression: s COLLATE c}]}\n",
    "domains:\n  d: {type: text, collation: c}\n",
    "views:\n  v: {query: \"SELECT 'a' COLLATE c AS a\"}\n",
    "composite_types:\n  p:\n    attributes: {a: {type: text, collation: public.c}}\n",
])
def test_a_collation_definition_change_is_set_aside_under_its_users(users):
    """Renamed aside, made again under its name, its users moved to it (their statements between: the pairs
    type-collation-set-aside-* apply them over rows), the one set aside dropped last, behind the guard naming what
    schemac does not manage and uses it."""
    sql = _plan_between("collations:\n  c: {locale: C}\n" + users, "collations:\n  c: {locale: POSIX}\n" + users)
    statements = [s.strip() for s in sql.split(";\n") if s.strip()]
    first = ["ALTER COLLATION c RENAME TO c__schemac_old", "CREATE COLLATION c (provider = libc, locale = 'POSIX')"]
    at = statements.index(first[0])
    assert statements[at:at + 2] == first, sql
    drop = next(n for n, s in enumerate(statements) if s == "DROP COLLATION IF EXISTS c__schemac_old")
    assert at < drop and "collation public.c: this migration sets it aside" in statements[drop - 1], sql
    assert len([s for s in statements if not s.startswith("SET ")]) > 4, sql  # (and what uses it moved)


def test_a_used_collation_read_from_a_database_is_set_aside_and_a_used_range_refused(any_db_url):
    """The users read from a live database (what `diff --sql` compares from): a collation only an index expression and
    a view's query name (as Postgres prints them), a range only a function's argument names; schema.yaml edited (the
    locale, the subtype): the collation set aside, the index made again over the new one (refused before, naming
    them), the range refused at its line, naming its user."""
    text = inspected_after(any_db_url, "CREATE COLLATION bytes (provider = libc, locale = 'C'); "
                           "CREATE TABLE t (id integer, s text); CREATE INDEX t_s ON t ((s COLLATE bytes)); "
                           "CREATE VIEW v AS SELECT s COLLATE bytes AS s FROM t; CREATE TYPE r AS RANGE (SUBTYPE = int4); "
                           "CREATE FUNCTION f(x r) RETURNS integer LANGUAGE sql AS 'SELECT 1'")
    lines = text.splitlines()
    at = next(n for n, line in enumerate(lines, 1) if line.strip().startswith("bytes:"))
    edited = text.replace("locale: C", "locale: POSIX")
    assert edited != text
    sql = _plan_between(text, edited)
    statements = [s.strip() for s in sql.split(";\n")]
    aside, made = statements.index("ALTER COLLATION bytes RENAME TO bytes__schemac_old"), \
        next(n for n, s in enumerate(statements) if re.match(r'CREATE INDEX .*COLLATE "?bytes\b', s))
    assert aside < statements.index("DROP INDEX IF EXISTS t_s") < statements.index(
        "DROP COLLATION IF EXISTS bytes__schemac_old") and aside < made, sql
    ranged = text.replace("subtype: integer", "subtype: bigint")
    assert ranged != text
    at = next(n for n, line in enumerate(lines, 1) if line.strip().startswith("r:"))
    with pytest.raises(SchemacError) as e:
        _plan_between(text, ranged)
    assert re.fullmatch(rf"schema\.yaml:{at}:\d+: range type public\.r: .* while function public\.f uses it; create a "
                        "new type", str(e.value)), str(e.value)


@pytest.mark.parametrize("entry,message", [
    ("{event: upsert}", "event of rule 'r' of table 't' must be one of select, insert, update, delete"),
    ("{event: select}", "a rule on select must be instead, with one action"),
    ("{event: insert, actions: ['']}", "action of rule 'r' of table 't' is empty"),
    ("{event: insert, where: 'new.id >'}", "where of rule 'r'"),
])
def test_rule_loader_errors(entry, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(f"tables:\n  t:\n    columns: {{id: integer}}\n    rules:\n      r: {entry}\n", "schema.yaml")
    assert "schema.yaml:5:" in str(e.value) and message in str(e.value), str(e.value)


def test_rule_definitions_read_from_pg_get_ruledef():
    from schemac.pg.ruledef import parse_ruledef

    assert parse_ruledef("CREATE RULE r AS\n    ON UPDATE TO public.t\n   WHERE new.flag DO INSTEAD ( INSERT INTO log (id)\n"
                         "  VALUES (old.id);\n UPDATE log SET note = 'a; b  DO'::text\n  WHERE (log.id = old.id);\n);") == \
        ("new.flag", ("INSERT INTO log (id) VALUES (old.id)", "UPDATE log SET note = 'a; b  DO'::text WHERE (log.id = old.id)"))
    assert parse_ruledef("CREATE RULE r AS\n    ON DELETE TO public.t DO INSTEAD NOTHING;") == (None, ())


def test_what_is_left_unmanaged_is_listed_and_strict_counts_it(db_url, tmp_path):
    """Everything of issue 13's kinds is managed now: what is left are a shell type (CREATE TYPE t; never completed)
    and user mappings (by name: their options hold passwords), listed and, with --strict, drift (its event trigger,
    publication, foreign server and wrapper are managed, the wrapper's changed access list too)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS $$ begin end $$")
        conn.execute("CREATE EVENT TRIGGER no_drops ON sql_drop EXECUTE FUNCTION evt()")
        conn.execute("CREATE PUBLICATION pub FOR ALL TABLES")
        conn.execute("CREATE FOREIGN DATA WRAPPER dummy")
        conn.execute("GRANT USAGE ON FOREIGN DATA WRAPPER dummy TO PUBLIC")
        conn.execute("CREATE TYPE halfmade")
        conn.execute("CREATE SERVER far FOREIGN DATA WRAPPER dummy")
        conn.execute("CREATE USER MAPPING FOR PUBLIC SERVER far OPTIONS (password 'secret')")
        conn.execute("CREATE TYPE pair AS (a int)")
        conn.execute("CREATE TABLE t (id int, EXCLUDE USING btree (id WITH =))")
        conn.execute("CREATE RULE r AS ON DELETE TO t DO INSTEAD NOTHING")
        # a comment on the row Postgres adds to a foreign key for a partition of the table it references (its name
        # Postgres's): said, not lost (a partition's clone of its parent's foreign key is managed: inherited_constraints)
        conn.execute("CREATE TABLE pr (id int PRIMARY KEY) PARTITION BY RANGE (id);"
                     "CREATE TABLE pr1 PARTITION OF pr FOR VALUES FROM (0) TO (10);"
                     "CREATE TABLE r (pid int CONSTRAINT r_pid_fkey REFERENCES pr (id))")
        clone = conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'r'::regclass AND conparentid <> 0"
                             ).fetchone()[0]
        conn.execute(f"COMMENT ON CONSTRAINT {clone} ON r IS 'the row for pr1'")
    text = inspect_database(db_url).yaml
    listed = text.split("# Not managed by schemac", 1)[1]
    assert listed == (" (3): listed for reference, never changed.\n"
                      f"#   foreign key row comment (1): public.r.{clone}\n"
                      "#   shell type (1): public.halfmade\n#   user mapping (1): PUBLIC@far\n")
    assert "foreign_data_wrappers:\n  dummy:\n    grants:\n      PUBLIC: [usage]\nforeign_servers:\n  far:\n    wrapper: dummy\n" \
        in text, text
    assert "secret" not in text, text
    assert "no_drops: {event: sql_drop, function: evt}" in text and "  pub:\n    all_tables: true\n" in text, text
    schema = tmp_path / "schema.yaml"
    schema.write_text(text, encoding="utf-8")
    assert check_drift(str(schema), db_url).differences == ()
    strict = check_drift(str(schema), db_url, strict=True).differences
    assert sorted((d.kind, d.object_type, d.name) for d in strict) == [
        ("unmanaged_object", "foreign key row comment", f"r.{clone}"), ("unmanaged_object", "shell type", "halfmade"),
        ("unmanaged_object", "user mapping", "PUBLIC@far")]


def test_comments_on_a_partitions_exclusion_copy_are_listed(db_url):
    """A partition's copy of its parent's EXCLUDE (PostgreSQL 17+) is not read (exclusions.sql): a comment on it or on
    its index is listed as not managed, not lost silently; the parent's own (index_comment too) are managed."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        if conn.info.server_version < 170000:
            pytest.skip("EXCLUDE on a partitioned table: PostgreSQL 17+")
        conn.execute("CREATE TABLE pe (k int, c int, CONSTRAINT pe_excl EXCLUDE USING btree (k WITH =, c WITH =))"
                     " PARTITION BY LIST (k);"
                     "CREATE TABLE pe1 PARTITION OF pe FOR VALUES IN (1);"
                     "CREATE TABLE pe2 PARTITION OF pe FOR VALUES IN (2);"
                     "CREATE TABLE pe3 PARTITION OF pe FOR VALUES IN (3);"
                     "COMMENT ON INDEX pe_excl IS 'parent index';"
                     "COMMENT ON INDEX pe1_k_c_excl IS 'copy index';"
                     "COMMENT ON CONSTRAINT pe2_k_c_excl ON pe2 IS 'copy constraint'")
    text = inspect_database(db_url).yaml
    listed = text.split("# Not managed by schemac", 1)[1]
    assert listed == (" (2): listed for reference, never changed.\n"
                      "#   exclusion copy comment (2): public.pe1.pe1_k_c_excl, public.pe2.pe2_k_c_excl\n"), text
    assert "index_comment: parent index" in text, text


KINDS_SCHEMA = """\
collations:
  posix: {provider: libc, locale: POSIX}
composite_types:
  pair:
    attributes: {a: integer, b: text}
  person:
    attributes: {name: text}
range_types:
  floatrange: {subtype: double precision}
tables:
  base:
    columns: {id: integer, during: tsrange}
    exclude:
      - name: base_apart
        elements: [{name: during, with: '&&'}]
    rules:
      no_delete: {event: delete, instead: true}
  child:
    inherits: [base]
    columns: {p: pair, r: floatrange, s: {type: text, collation: posix}}
  people:
    of: person
    columns: {name: text}
"""


def test_drift_of_each_kind_made_by_hand(tmp_path, db_url):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(KINDS_SCHEMA)
    assert generate(str(schema), out).status == "written"
    apply_all(db_url, out)
    assert check_drift(str(schema), db_url).differences == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE base DROP CONSTRAINT base_apart")
        conn.execute("ALTER TYPE pair ADD ATTRIBUTE c date")
        conn.execute("CREATE TYPE extra AS RANGE (subtype = int4)")
        conn.execute("CREATE OR REPLACE RULE no_delete AS ON DELETE TO base DO ALSO NOTHING")
        conn.execute("ALTER TABLE child NO INHERIT base")
        conn.execute("CREATE COLLATION other (provider = libc, locale = 'C')")
        conn.execute("ALTER TABLE people NOT OF")
    found = {(d.kind, d.object_type, d.name) for d in check_drift(str(schema), db_url).differences}
    assert found == {("missing_constraint", "exclusion constraint", "base_apart"),
                     ("composite_type_changed", "composite type", "pair"),
                     ("unexpected_range_type", "range type", "extra"),
                     ("rule_changed", "rule", "no_delete"),
                     ("inheritance_changed", "table", None),
                     ("typed_table_changed", "table", None),
                     ("unexpected_collation", "collation", "other")}, found


@pytest.mark.parametrize("written,canonical,rendered", [
    ("cube", "cube", "cube"), ("CUBE[]", "cube[]", "cube[]"), ("rollup[][]", "rollup[][]", "rollup[][]")])
def test_extension_types_named_like_sqlglot_keywords(written, canonical, rendered):
    """cube's type (and any named like a keyword sqlglot knows) is a bare name, as format_type prints it:
    inspect of a function returning cube used to stop with a traceback."""
    from schemac.pg.dialect import RENDER
    from schemac.pg.types import build_type, canonical_type

    assert canonical_type(written) == canonical
    assert build_type(canonical).sql(dialect=RENDER) == rendered


def _clustered(url):
    """(table, index) of each index CLUSTER marked, by the oracle's own SQL."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text FROM pg_index i "
                            "JOIN pg_class c ON c.oid = i.indrelid WHERE i.indisclustered "
                            "AND c.relnamespace = 'public'::regnamespace ORDER BY 1").fetchall()


def test_cluster_on_round_trips_and_changes_over_rows(tmp_path, db_url, schemac):
    """CLUSTER ... USING (AdventureWorks clusters every table on its key; pg_dump writes CLUSTER ON): the mark
    is read, written (cluster_on:), made again on a rebuilt database, moved, set again when its index is
    made again, and removed."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute('CREATE TABLE "Order" (id int CONSTRAINT "PK_Order" PRIMARY KEY, placed date, total numeric);'
                     "CREATE INDEX order_placed ON \"Order\" (placed); CLUSTER \"Order\" USING \"PK_Order\";"
                     "CREATE TABLE line (order_id int, n int, PRIMARY KEY (order_id, n)); CLUSTER line USING line_pkey;")
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0 and "cluster_on: PK_Order" in text and "cluster_on: line_pkey" in text, text
    assert schemac("generate", "--name", "clustered").returncode == 0
    expected = _clustered(db_url)
    assert expected == [('"Order"', '"PK_Order"'), ("line", "line_pkey")]
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            conn.execute("INSERT INTO \"Order\" VALUES (1, '2024-01-01', 5), (2, '2023-01-01', 7)")
        assert _clustered(b) == expected
        assert schemac("diff", "--database-url", b).returncode == 0
        steps = [
            # moved to another index; the other table's mark removed
            (text.replace("cluster_on: PK_Order", "cluster_on: order_placed").replace("    cluster_on: line_pkey\n", ""),
             [('"Order"', "order_placed")]),
            # the marked index made again (a new key): marked again after it
            (None, [('"Order"', "order_placed")]),
        ]
        for n, (edited, want) in enumerate(steps):
            if edited is None:
                edited = (tmp_path / "schema.yaml").read_text().replace("order_placed: {columns: [placed]}",
                                                                       "order_placed: {columns: [placed, id]}")
            (tmp_path / "schema.yaml").write_text(edited)
            r = schemac("generate", "--name", f"step{n}")
            assert r.returncode == 0 and "No changes" not in r.stdout, r.stdout + r.stderr
            with psycopg.connect(b, autocommit=True) as conn:
                apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
                assert conn.execute("SELECT count(*) FROM \"Order\"").fetchone()[0] == 2
            assert _clustered(b) == want
            assert schemac("diff", "--database-url", b).returncode == 0


def test_statistics_operators_and_the_like_are_listed_not_lost(db_url, tmp_path):
    """Kinds schemac does not manage and a round trip would lose silently (operator shells, conversions, text search
    parsers and templates) are listed with where they are, and --strict counts them. (Operators are managed: the
    shell a NEGATOR naming a missing operator leaves is not. Casts are managed: not the one Postgres makes from a
    range type to its multirange type; so are operator classes, and families made by CREATE OPERATOR FAMILY with
    the classes in them: neither is listed.)"""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION near_eq(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'select abs($1 - $2) < 2';"
                     "CREATE OPERATOR ~~= (LEFTARG = int, RIGHTARG = int, FUNCTION = near_eq, NEGATOR = !~~=);"
                     "CREATE OPERATOR FAMILY fam USING btree;"
                     "CREATE OPERATOR CLASS int_rev FOR TYPE int USING btree FAMILY fam AS OPERATOR 1 >, FUNCTION 1 btint4cmp(int, int);"
                     # managed: a class of its own family (operator_classes:)
                     "CREATE OPERATOR CLASS int_hash FOR TYPE int USING hash AS OPERATOR 1 =, FUNCTION 1 hashint4(int);"
                     "CREATE TEXT SEARCH TEMPLATE tmpl (LEXIZE = dsimple_lexize);"
                     "CREATE DOMAIN posint AS int; CREATE TYPE pair AS (a int, b int);"
                     "CREATE FUNCTION pair_text(pair) RETURNS text LANGUAGE sql IMMUTABLE AS 'select ($1).a::text';"
                     "CREATE CAST (pair AS text) WITH FUNCTION pair_text(pair);"
                     # a range type: Postgres makes a cast to its multirange type, no user's object
                     "CREATE TYPE floatrange AS RANGE (subtype = float8)")
        listed = {(k, s, n) for k, s, n in conn.execute(
            "SELECT 'operator', oprnamespace::regnamespace::text, oprname::text FROM pg_operator WHERE oid >= 16384 "
            "UNION ALL SELECT 'operator class', opcnamespace::regnamespace::text, opcname::text FROM pg_opclass WHERE oid >= 16384 "
            "UNION ALL SELECT 'cast', '', castsource::regtype::text FROM pg_cast c WHERE oid >= 16384 AND NOT EXISTS ("
            "  SELECT FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = c.oid AND d.deptype = 'i')")}
    assert listed == {("operator", "public", "~~="), ("operator", "public", "!~~="),
                      ("operator class", "public", "int_rev"), ("operator class", "public", "int_hash"),
                      ("cast", "", "pair")}  # the oracle: pg_catalog itself
    text = inspect_database(db_url).yaml
    assert "\noperators:\n  ~~=: {left: integer, right: integer, function: near_eq, negator: '!~~='}\n" in text, text
    assert "\ncasts:\n  - {source: pair, target: text, function: pair_text(pair)}\n" in text, text
    assert "\noperator_classes:\n  int_hash:\n    method: hash\n    type: integer\n    operators:\n" \
           "      - {strategy: 1, operator: '='}\n    functions:\n      - {number: 1, function: pg_catalog.hashint4(integer)}\n" \
           in text, text
    assert "\noperator_families:\n  fam:\n    method: btree\n" in text, text  # and its class, in it
    assert "\n  int_rev:\n    method: btree\n    type: integer\n    family: fam\n" in text, text
    section = text.split("# Not managed by schemac", 1)[1]
    assert section == (" (2): listed for reference, never changed.\n"
                       "#   operator (1): public.!~~=(integer, integer)\n"
                       "#   text search template (1): public.tmpl\n"), section
    schema = tmp_path / "schema.yaml"
    schema.write_text(text, encoding="utf-8")
    assert check_drift(str(schema), db_url).differences == ()
    strict = check_drift(str(schema), db_url, strict=True).differences
    assert sorted((d.object_type, d.name) for d in strict) == [
        ("operator", "!~~=(integer, integer)"), ("text search template", "tmpl")]


UNMANAGED = {  # what schemac makes again -> (schema.yaml's entry, the edit, what a schema it leaves out holds, the
    # user Postgres describes, the catalog's definition before and after)
    "collation": ("collations:\n  c: {locale: C}\n", ("locale: C", "locale: POSIX"),
                  "CREATE TABLE other.u (s text COLLATE public.c)", "column s of table other.u",
                  "SELECT collcollate FROM pg_collation WHERE oid = to_regcollation('public.c')", ("C",), ("POSIX",)),
    "range type": ("range_types:\n  r: {subtype: integer}\n", ("integer", "bigint"),
                   "CREATE FUNCTION other.f(x public.r_multirange) RETURNS integer LANGUAGE sql AS 'SELECT 1'",
                   "function other.f(r_multirange)",
                   "SELECT rngsubtype::regtype::text FROM pg_range WHERE rngtypid = to_regtype('public.r')",
                   ("integer",), ("bigint",)),
    "composite type": ("composite_types:\n  p:\n    attributes: {a: integer, b: text}\n", ("a: integer, b: text",
                       "b: text, a: integer"), "CREATE VIEW other.v AS SELECT (ROW(1, 'x')::public.p).a",
                       "view other.v", "SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attrelid "
                       "= (SELECT typrelid FROM pg_type WHERE oid = to_regtype('public.p')) AND NOT attisdropped",
                       (["a", "b"],), (["b", "a"],)),
}


@pytest.mark.parametrize("kind", sorted(UNMANAGED))
def test_a_definition_made_again_under_a_user_schemac_does_not_manage_fails_naming_it(any_db_url, tmp_path, kind):
    """A collation, range or composite type whose definition schema.yaml changes, which nothing schemac manages uses,
    is dropped and made again; generate cannot see a user outside its model (here a schema schema.yaml leaves out,
    made after the first migration), and the migration failed at the DROP with Postgres's 'cannot drop ... because
    other objects depend on it'. The migration asks pg_depend first and fails with one message naming the user, in
    the file's transaction: nothing of it done (a table it adds first is not there, the definition as it was). With
    the user gone, the same file applies."""
    entry, (was, now), outside, user, query, before, after = UNMANAGED[kind]
    said = f"{kind} public.{entry.split()[1].rstrip(':')}: its definition changes, which Postgres cannot alter, so " \
        f"this migration drops it and creates it again, but what schemac does not manage uses it ({user}); drop " \
        "or change those first"
    _made_again_under_an_unmanaged_user(any_db_url, tmp_path, entry, (was, now), outside, said, query, before, after)


def _made_again_under_an_unmanaged_user(any_db_url, tmp_path, entry: str, edit: tuple[str, str], outside: str,
                                        said: str, query: str, before: tuple, after: tuple) -> None:
    """schema.yaml's `entry` applied, `outside` made in a schema it leaves out, `edit` applied with a table added: the
    migration fails saying `said`, nothing of it done (`query` reads `before`, no table added); with that schema
    dropped, the same file applies (`query` reads `after`)."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    was, now = edit
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(entry)
    assert generate(str(schema), out, name="old").status == "written"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute(f"CREATE SCHEMA other; {outside}")
    schema.write_text(entry.replace(was, now) + "tables:\n  added:\n    columns: {id: integer}\n")
    assert generate(str(schema), out, name="new").status == "written"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        with pytest.raises(Exception) as e:
            apply_files(conn, Layout(out).migrations())
        assert said in str(e.value), str(e.value)
        assert conn.execute("SELECT to_regclass('public.added')").fetchone() == (None,)
        assert conn.execute(query).fetchone() == before
        conn.execute("DROP SCHEMA other CASCADE")
        apply_files(conn, Layout(out).migrations())
        assert conn.execute(query).fetchone() == after
        assert conn.execute("SELECT to_regclass('public.added') IS NOT NULL").fetchone() == (True,)


_LABELS = "SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = to_regtype('public.mood')"
_SET_ASIDE = "this migration sets it aside and creates it again (Postgres cannot alter its values or what it stands on), " \
    "then drops the one set aside, but what schemac does not manage uses it"
SET_ASIDE = {  # an enum or domain made again (set aside, or around a composite type made again) -> (schema.yaml's
    # entry, the edit, what a schema it leaves out holds, the message, the catalog's definition before and after)
    "enum set aside": ("enums:\n  mood: {values: [sad, ok, happy]}\n", ("[sad, ok, happy]", "[happy, ok, sad]"),
                       "CREATE TABLE other.u (m public.mood); INSERT INTO other.u VALUES ('ok')",
                       f"enum public.mood: {_SET_ASIDE} (column m of table other.u)", _LABELS,
                       (["sad", "ok", "happy"],), (["happy", "ok", "sad"],)),
    "domain over an enum set aside": (
        "enums:\n  mood: {values: [sad, ok, happy]}\ndomains:\n  feel: {type: mood}\n",
        ("[sad, ok, happy]", "[happy, ok, sad]"), "CREATE FUNCTION other.f(x public.feel) RETURNS integer "
        "LANGUAGE sql AS 'SELECT 1'", f"domain public.feel: {_SET_ASIDE} (function other.f(feel__schemac_old))", _LABELS,
        (["sad", "ok", "happy"],), (["happy", "ok", "sad"],)),
    "domain around a composite type made again": (
        "composite_types:\n  p:\n    attributes: {a: integer, b: text}\ndomains:\n  dp: {type: p}\n",
        ("a: integer, b: text", "b: text, a: integer"), "CREATE TABLE other.u (x public.dp)",
        "domain public.dp: a type it stands on is made again, so this migration drops it and creates it again, but "
        "what schemac does not manage uses it (column x of table other.u)",
        "SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attrelid = (SELECT typrelid FROM "
        "pg_type WHERE oid = to_regtype('public.p')) AND NOT attisdropped", (["a", "b"],), (["b", "a"],)),
    "collation set aside": (  # (its domain with it: compare.collation_asides)
        "collations:\n  c: {locale: C}\ndomains:\n  d: {type: text, collation: c}\n", ("locale: C", "locale: POSIX"),
        "CREATE TABLE other.u (s text COLLATE public.c)", "collation public.c: this migration sets it aside and creates it "
        "again (Postgres cannot alter its definition), then drops the one set aside, but what schemac does not manage "
        "uses it (column s of table other.u)", "SELECT collcollate FROM pg_collation WHERE oid = to_regcollation('public.c')",
        ("C",), ("POSIX",)),
}


@pytest.mark.parametrize("case", sorted(SET_ASIDE))
def test_an_enum_or_domain_made_again_under_a_user_schemac_does_not_manage_fails_naming_it(any_db_url, tmp_path, case):
    """An enum whose values schema.yaml reorders (a domain over it with it) is set aside under another name, created
    again, its columns retyped and the old one dropped; a domain over a composite type made again is dropped and made
    again. A user outside schemac's model (a schema schema.yaml leaves out) failed the DROP with Postgres's 'cannot
    drop type ... because other objects depend on it'; the migration now fails with one message naming it, nothing
    of it done, and applies once the user is gone."""
    entry, edit, outside, said, query, before, after = SET_ASIDE[case]
    _made_again_under_an_unmanaged_user(any_db_url, tmp_path, entry, edit, outside, said, query, before, after)


def test_every_kind_of_user_of_a_collation_or_range_read_from_a_database_is_named(any_db_url):
    """compare.definition_users walks each object's parts: every kind that pg_depend records as using the collation
    (a column, a CHECK's COLLATE, an index key's collation, a partition key, a policy, a domain, a composite attribute,
    a range, a view, a SQL-standard body) or the range type (a column, of its multirange too, a CHECK's cast, an index
    expression calling its constructor, a domain, an attribute, a function's argument and result, an aggregate's
    state, an operator, a view's column) is named by the refusal; what only mentions either (a column named so, a
    string, a comment, a PL/pgSQL body) is not."""
    text = inspected_after(any_db_url, """
        CREATE COLLATION c (provider = libc, locale = 'C'); CREATE TYPE r AS RANGE (SUBTYPE = int4);
        CREATE TABLE t1 (s text COLLATE c); CREATE TABLE t2 (s text CHECK (s COLLATE c > 'a'));
        CREATE TABLE t3 (s text); CREATE INDEX t3_s ON t3 (s COLLATE c);
        CREATE TABLE t4 (s text) PARTITION BY LIST ((s COLLATE c));
        CREATE TABLE t5 (s text); CREATE POLICY p5 ON t5 USING (s COLLATE c > 'a');
        CREATE DOMAIN d AS text COLLATE c; CREATE TYPE p AS (a text COLLATE c); CREATE TYPE rc AS RANGE (SUBTYPE = text, COLLATION = c);
        CREATE VIEW v AS SELECT s COLLATE c AS s FROM t3;
        CREATE FUNCTION fs(x text) RETURNS boolean LANGUAGE sql BEGIN ATOMIC SELECT x COLLATE c > 'a'; END;
        CREATE TABLE u1 (x r); CREATE TABLE u2 (m r_multirange); CREATE TABLE u3 (a int CHECK ('[1,2)'::r @> a));
        CREATE TABLE u4 (a int, b int); CREATE INDEX u4_ab ON u4 (r(a, b));
        CREATE DOMAIN rd AS r; CREATE TYPE rp AS (x r); CREATE FUNCTION rf(x r) RETURNS int LANGUAGE sql AS 'SELECT 1';
        CREATE FUNCTION rg() RETURNS r LANGUAGE sql AS 'SELECT NULL::r';
        CREATE FUNCTION acc(r, int) RETURNS r LANGUAGE sql AS 'SELECT $1';
        CREATE AGGREGATE ra(int) (SFUNC = acc, STYPE = r);
        CREATE FUNCTION near(r, r) RETURNS boolean LANGUAGE sql AS 'SELECT true';
        CREATE OPERATOR ~~~ (LEFTARG = r, RIGHTARG = r, FUNCTION = near);
        CREATE VIEW rv AS SELECT NULL::r AS x;
        CREATE TABLE n (c text, r text DEFAULT 'x COLLATE c', CHECK (r <> '::r'));
        COMMENT ON TABLE n IS 'COLLATE c, ::r';
        CREATE FUNCTION plain(x text) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN RETURN x COLLATE c > r(1, 2)::text; END$$;
        """)
    edited = text.replace("locale: C", "locale: POSIX")
    assert edited != text
    with pytest.raises(SchemacError) as e:
        _plan_between(text, edited)
    assert re.search(r"collation public\.c: .* while table public\.t1, table public\.t2, table public\.t3, table public\.t4, "
                     r"table public\.t5, view public\.v, domain public\.d, composite type public\.p, range type public\.rc "
                     r"and function public\.fs use it, and the partition key of table public\.t4 cannot move", str(e.value)), \
        str(e.value)
    ranged = text.replace("subtype: integer", "subtype: bigint", 1)
    assert ranged != text
    with pytest.raises(SchemacError) as e:
        _plan_between(text, ranged)
    assert re.search(r"range type public\.r: .* while table public\.u1, table public\.u2, table public\.u3, table "
                     r"public\.u4, view public\.rv, domain public\.rd, composite type public\.rp, function public\.acc, "
                     r"function public\.near, function public\.rf, function public\.rg, aggregate public\.ra and operator "
                     r"public\.~~~ use it;", str(e.value)), str(e.value)


_RENAMED_OLD = "composite_types:\n  ct:\n    attributes: {x: integer, y: text}\ntables:\n  t:\n    columns: {c: ct}\n"


def test_a_composite_attribute_renamed_by_its_hint_is_a_rename_attribute():
    """An attribute's `renamed_from:` is ALTER TYPE ... RENAME ATTRIBUTE, nothing destroyed (pairs
    type-composite-attribute-renamed-by-its-hint*: values kept over rows); without it the attribute is dropped and added
    again, destructive, the reason naming the hint; a hint naming no attribute of the recorded type is ignored with a
    notice, one whose rename was made says so; inspect's writer never writes one (it reads none)."""
    from schemac.compare.differ import diff
    from schemac.compare.notices import ignored_renames
    from schemac.plan.hazards import destructive_reason
    from schemac.schemafile.typewriter import composite_spec

    new = _RENAMED_OLD.replace("y: text}", "z: {type: text, renamed_from: y}}")
    changes = diff(load_text(_RENAMED_OLD), load_text(new))
    sql = _plan_between(_RENAMED_OLD, new)
    assert "ALTER TYPE ct RENAME ATTRIBUTE y TO z;" in sql and "DROP ATTRIBUTE" not in sql, sql
    assert [r for c in changes if (r := destructive_reason(c))] == []
    bare = diff(load_text(_RENAMED_OLD), load_text(_RENAMED_OLD.replace("y: text}", "z: text}")))
    assert [r for c in bare if (r := destructive_reason(c))] == [
        "composite type public.ct: attribute y dropped: its values in every column of the type are lost (attribute z "
        "renamed from y? give it `renamed_from: y`: ALTER TYPE ... RENAME ATTRIBUTE keeps them)"]
    assert ignored_renames(load_text(_RENAMED_OLD), load_text(new.replace("renamed_from: y", "renamed_from: q"))) == [
        "schema.yaml:2:3: renamed_from 'q' ignored: no such attribute in the recorded type"]
    assert ignored_renames(load_text(new), load_text(new))[0].startswith(
        "schema.yaml:2:3: renamed_from 'y' has done its work: the recorded schema has attribute z and no y")
    assert "renamed_from" not in str(composite_spec(load_text(new).composite_types[0]))


@pytest.mark.parametrize("order", ["d1, d2", "d2, d1"])
def test_a_range_over_a_composite_names_every_domain_made_over_a_narrower_base_in_order(order):
    """A range over a composite type whose domains are made again over other base types: the refusal names each that
    narrows, by name, whatever order the domains come in (it named one of them, taken from a set: which one, and so
    whether the range was refused at all where the other widens, followed hash order); one that widens is left out."""
    from schemac.compare.differ import diff
    from schemac.plan.hazards import destructive_reason

    def side(d1: str, d2: str, d3: str) -> str:
        domains = {"d1": f"  d1: {{type: {d1}}}\n", "d2": f"  d2: {{type: '{d2}'}}\n"}
        return ("domains:\n" + "".join(domains[n] for n in order.split(", ")) + f"  d3: {{type: {d3}}}\n"
                "composite_types:\n  pt:\n    attributes: {a: d1, b: d2, c: d3}\n"
                "range_types:\n  ptrange: {subtype: pt}\ntables:\n  s:\n    columns: {id: integer, r: ptrange}\n")

    changes = diff(load_text(side("integer", "numeric(10,2)", "integer")),
                   load_text(side("smallint", "numeric(10,0)", "bigint")))
    reasons = [r for r in map(destructive_reason, changes) if r and r.startswith("range type")]
    assert reasons == ["range type public.ptrange: created again over pt, whose domains public.d1 (integer -> smallint), "
                       "public.d2 (numeric(10,2) -> numeric(10,0)) are made again over another base type: the migration "
                       "fails if a row holds a bound a new base type rejects, and may round or truncate one"], reasons
