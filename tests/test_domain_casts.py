"""compare.domain_casts without a server: which catalog texts take schema.yaml's (a cast of a domain's value to its
base type, which Postgres prints where it stores the expression), and which stay drift (another cast, another
value); pg.verbatim.selected_fields, the attribute names compare.around and plan.attribute_order match.
The round trips on 18, 16 and 15 are test_property_objects' `domain-columns-cast-to-their-base-type` and
tests/fixtures/pairs/types.sql's `type-composite-attribute-*` pairs."""

from __future__ import annotations

import pytest

from schemac.compare.domain_casts import domains_as_written, table_as_written
from schemac.compare.domain_overloads import lazy_overloads
from schemac.compare.normalize import normal_form
from schemac.model import (Argument, Attribute, Check, Column, CompositeType, Domain, Function, Operator, Policy, Schema,
                           Table, Trigger)
from schemac.pg.verbatim import selected_fields

DOMAINS = {("public", "d1"): Domain(name="d1", type="integer"), ("public", "d2"): Domain(name="d2", type="d1")}


def _table(*checks: str, when: str = "old.dc IS DISTINCT FROM new.dc") -> Table:
    return Table(name="t", columns=(Column("dc", "d1"), Column("dd", "d2"), Column("n", "numeric")),
                 checks=tuple(Check(f"c{i}", text) for i, text in enumerate(checks)),
                 triggers=(Trigger("tr", "tf", events=("update",), for_each_row=True, when=when),))


@pytest.mark.parametrize("catalog,written", [
    ("((dc)::integer > 0)", "dc > 0"),
    ("(f((dd)::integer) > 0)", "f(dd) > 0"),  # a domain over a domain: its base at the bottom
    ("((dc)::integer = ANY (ARRAY[1, 2]))", "dc IN (1, 2)"),
    ("((dc)::integer > 0)", "CAST(dc AS int4) > 0"),  # written with the cast: equal as they are
    ("(((5)::d1)::integer + dc::integer > 0)", "5::d1 + dc > 0"),
])
def test_a_cast_to_the_domains_base_type_is_schema_yamls_text(catalog, written):
    cur = _table(catalog, when="((old.dc)::integer IS DISTINCT FROM (new.dc)::integer)")
    got = table_as_written(cur, _table(written), (DOMAINS, DOMAINS))
    assert normal_form(got.checks[0].expression) == normal_form(written)  # (the differ finds no change)
    assert got.triggers[0].when == "old.dc IS DISTINCT FROM new.dc"


@pytest.mark.parametrize("catalog,written", [
    ("((dc)::integer > 1)", "dc > 0"),  # another value
    ("((dc)::smallint > 0)", "dc > 0"),  # another type than the base
    ("((n)::integer > 0)", "n > 0"),  # not a domain's column: the cast rounds
    ("((dc)::integer > 0)", "dc::bigint > 0::bigint OR true"),
])
def test_any_other_difference_stays(catalog, written):
    cur = _table(catalog)
    assert table_as_written(cur, _table(written), (DOMAINS, DOMAINS)).checks[0].expression == catalog


def test_an_array_element_and_a_composite_attribute_of_a_domain():
    composite = CompositeType(name="ct", attributes=(Attribute("a", "d1"), Attribute("b", "integer")))
    cur = Table(name="t", columns=(Column("dca", "d1[]"), Column("cc", "ct")),
                checks=(Check("c0", "(((dca[1])::integer >= 1) AND ((dca[1])::integer <= 5))"),
                        Check("c1", "(((cc).a)::integer > 0)"), Check("c2", "(((cc).b)::integer > 0)")))
    des = Table(name="t", columns=cur.columns, checks=(Check("c0", "dca[1] BETWEEN 1 AND 5"), Check("c1", "(cc).a > 0"),
                                                       Check("c2", "(cc).b > 0")))
    got = table_as_written(cur, des, (DOMAINS, DOMAINS), {("public", "ct"): composite})
    assert [c.expression for c in got.checks] == ["dca[1] BETWEEN 1 AND 5", "(cc).a > 0", "(((cc).b)::integer > 0)"]


def test_a_table_without_a_domains_column_is_not_looked_at():
    cur = Table(name="t", columns=(Column("c", "integer"),), checks=(Check("c0", "((c)::integer > 0)"),))
    assert table_as_written(cur, cur, (DOMAINS, DOMAINS)) is cur
    assert table_as_written(cur, cur, ({}, {})) is cur


def test_a_check_of_a_domain_over_a_domain():
    current = Schema(domains=(DOMAINS[("public", "d1")], Domain(name="d2", type="d1", checks=(Check("k", "((VALUE)::integer > 0)"),))))
    desired = Schema(domains=(DOMAINS[("public", "d1")], Domain(name="d2", type="d1", checks=(Check("k", "VALUE > 0"),))))
    assert domains_as_written(current, desired).domains[1].checks[0].expression == "VALUE > 0"
    other = Schema(domains=(DOMAINS[("public", "d1")], Domain(name="d2", type="d1", checks=(Check("k", "VALUE > 1"),))))
    assert domains_as_written(current, other).domains[1].checks[0].expression == "((VALUE)::integer > 0)"


@pytest.mark.parametrize("text,fields", [
    ("((cc).y <> ''::text)", {"y"}),
    ("((new.cc).y IS DISTINCT FROM (old.cc).y)", {"y"}),
    ('t1.cc.y > 0 AND (f(x))."Z" > 0', {"y", "Z"}),
    ("t.y > 0 AND s.f(x) > 0 AND '(cc).y' = ''", set()),  # a table's column, a call, a string
])
def test_selected_fields(text, fields):
    assert selected_fields(text) == fields


# f(d1) and f(integer), g(integer, d1), an operator > of (d1, integer) beside integer's: Postgres calls f(d1) for
# `f(dc)` (stored so) and f(integer) for `f(dc::integer)` (stored `f((dc)::integer)`); a domain over a domain given to
# f is no exact match of f(d1): f(integer) is called (`f((dd)::integer)`, checked on 18).
OVERLOADS = Schema(
    domains=tuple(DOMAINS.values()),
    functions=(Function("f", "select 1", arguments=(Argument("d1"),), returns="integer"),
               Function("f", "select 2", arguments=(Argument("integer"),), returns="integer"),
               Function("g", "select 1", arguments=(Argument("integer"), Argument("d1")), returns="integer"),
               Function("upper", "select 'x'", arguments=(Argument("d1"),), returns="text")),
    operators=(Operator(">", "integer", "gt", left="d1"),))


@pytest.mark.parametrize("catalog,written", [
    ("(f((dc)::integer) > 0)", "f(dc) > 0"),
    ("(f(dc) > 0)", "f(dc::integer) > 0"),
    ("(g(1, (dc)::integer) > 0)", "g(1, dc) > 0"),
    ("((dc)::integer > 0)", "dc > 0"),
    ("(dc > 0)", "dc::integer > 0"),
    ("(upper((dc)::integer) = 'x')", "upper(dc) = 'x'"),  # (a call sqlglot knows: by name at any place)
])
def test_a_cast_choosing_the_base_types_overload_stays(catalog, written):
    domains = (DOMAINS, DOMAINS)
    overloads = lazy_overloads((OVERLOADS,), domains)
    assert table_as_written(_table(catalog), _table(written), domains, None, overloads).checks[0].expression == catalog


@pytest.mark.parametrize("catalog,written", [
    ("(f((dd)::integer) > 0)", "f(dd) > 0"),  # dd of d2: f(integer) is called either way
    ("(g((dc)::integer, 1) > 0)", "g(dc, 1) > 0"),  # g takes d1 second only
    ("((dc)::integer < 0)", "dc < 0"),  # no < of d1
    ("((dd)::integer > 0)", "dd > 0"),
])
def test_a_cast_no_overload_of_the_domain_takes_goes(catalog, written):
    domains = (DOMAINS, DOMAINS)
    overloads = lazy_overloads((OVERLOADS,), domains)
    got = table_as_written(_table(catalog), _table(written), domains, None, overloads)
    assert got.checks[0].expression == written


def test_values_reached_through_domains_over_arrays_and_composites():
    """y of a domain over d1[], z of a domain over a composite whose attributes are d1 and d1[], w of a domain over
    integer[]: Postgres casts `y[1]`, `(z).a` and `(z).b[1]` to integer, `y` itself to d1[] (its domain's base
    type: an array of a domain is no domain), `w` to integer[] (checked on 18)."""
    domains = dict(DOMAINS)
    domains.update({("public", "dda"): Domain(name="dda", type="d1[]"), ("public", "dcomp"): Domain(name="dcomp", type="ct"),
                    ("public", "dia"): Domain(name="dia", type="integer[]")})
    composite = CompositeType(name="ct", attributes=(Attribute("a", "d1"), Attribute("b", "d1[]")))
    columns = (Column("y", "dda"), Column("z", "dcomp"), Column("w", "dia"))
    cur = Table(name="t", columns=columns, checks=(
        Check("c0", "(((y[1])::integer > 0) AND (cardinality((y)::d1[]) > 0))"),
        Check("c1", "((((z).a)::integer > 0) AND (((z).b[1])::integer > 0))"),
        Check("c2", "(cardinality((w)::integer[]) > 0)"), Check("c3", "(cardinality((y)::integer[]) > 0)")))
    des = Table(name="t", columns=columns, checks=(
        Check("c0", "y[1] > 0 AND cardinality(y) > 0"), Check("c1", "(z).a > 0 AND (z).b[1] > 0"),
        Check("c2", "cardinality(w) > 0"), Check("c3", "cardinality(y) > 0")))
    got = table_as_written(cur, des, (domains, domains), {("public", "ct"): composite})
    assert [c.expression for c in got.checks] == [c.expression for c in des.checks[:3]] + [cur.checks[3].expression]


def test_a_policys_subquery_over_another_tables_domain_column():
    """`(o.dc)::integer` of `FROM o`, o.dc of d1: schema.yaml's `o.dc > t.id` (compared as compare.policies compares
    a condition with a subquery: qualified, outputs named); o.n of numeric stays; t itself has no domain's column."""
    o = Table(name="o", columns=(Column("id", "integer"), Column("dc", "d1"), Column("n", "numeric")))
    catalog = ('(EXISTS ( SELECT 1 AS "?column?"\n   FROM o\n  WHERE ((o.dc)::integer > t.id)))',
               '(EXISTS ( SELECT 1 AS "?column?"\n   FROM o x\n  WHERE ((x.n)::integer > t.id)))')
    written = ("EXISTS (SELECT 1 FROM o WHERE o.dc > t.id)", "EXISTS (SELECT 1 FROM o x WHERE x.n > t.id)")
    cur, des = (Table(name="t", columns=(Column("id", "integer"),),
                      policies=tuple(Policy(f"p{i}", using=u) for i, u in enumerate(texts)))
                for texts in (catalog, written))
    got = table_as_written(cur, des, (DOMAINS, DOMAINS), {}, None, {("public", "o"): o, ("public", "t"): cur})
    assert [p.using for p in got.policies] == [written[0], catalog[1]]
    assert table_as_written(cur, des, (DOMAINS, DOMAINS)) is cur  # (no tables: not looked at)
