"""Casts of a domain's value to its base type, which Postgres prints where it stores one.

An operator or a function of the base type given a column of a domain over it (`dc > 0`, `f(dc)`,
`old.dc IS DISTINCT FROM new.dc`, dc of a domain over integer) is stored with the value coerced to the base type,
and the catalog's deparse prints the coercion as a cast: `((dc)::integer > 0)`, `f((dc)::integer)`,
`((old.dc)::integer IS DISTINCT FROM (new.dc)::integer)` (pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef,
pg_get_expr of a policy, a generated column, an index's predicate, extended statistics, pg_get_partkeydef), `((VALUE)::integer > 0)`
in a CHECK of a domain over a domain, `((5)::d1)::integer` of a constant of the domain. Written with the cast or
without, it is the same expression (Postgres stores both alike). The normal form (compare.rewrite) cannot drop such
a cast: it sees no types, and a cast of a value of another type (`(n)::integer` of a numeric) changes it.

A domain's value is reached as a column, an element of an array of a domain or of a domain over an array
(`(y[1])::integer` of a domain over d1[]), an attribute of a composite type or of a domain over one (`((z).a)::integer`),
and so on down (`((cc).b[1])::integer`); a domain is coerced to the type at the bottom of its domains, not into an
array's elements (`cardinality((y)::d1[])`).

So where a table's expression in the catalog and in schema.yaml differ (their texts, then their normal forms),
both are read again without such casts (by the table's columns' types and both sides' domains): equal so, the
current side takes the desired side's text, and the differ finds no change. But not where a function or operator
of the name takes the domain itself at that place (`f(d1)` beside `f(integer)`, `>(d1, integer)` beside integer's):
`f(dc)` then calls f(d1) and is stored as written, `f((dc)::integer)` calls f(integer), another function; such a
cast is kept on both sides (by name, and for a call by position, arity and schema not looked at: a difference
too many at worst, never one missed). Only the tables the differ walks (not in
sync by compare.shortcut) that have a column of a domain are looked at, and only their texts that differ: an
in-sync `diff` does no more work than before (and imports no sqlglot).
"""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter
from typing import Callable, Optional

from schemac.compare.domain_overloads import chooses_overload, lazy_overloads
from schemac.compare.key_collations import keys_as_written
from schemac.compare.normalize import normal_form
from schemac.model import Domain, Schema, Table
from schemac.model.frozen import replace
from schemac.pg.cast_targets import target_key, type_key
from schemac.pg.lazy import lazy
from schemac.pg.names import constraint_name
from schemac.pg.types import type_name

# (name of a column or VALUE, its base type), (a domain's spelling, its base type): what a text is read again with.
Bases = tuple[tuple[str, str], ...]
# (name of a column or VALUE, the domain it is of), and each (call or operator name, position, domain) a function's
# argument or an operator's operand of a domain names (domain_overloads): the casts that choose another overload.
Overloads = tuple[tuple[tuple[str, tuple[str, str]], ...], frozenset]
_NONE: Overloads = ((), frozenset())


def table_as_written(cur: Table, des: Table, domains: tuple[dict, dict], composites: Optional[dict] = None,
                     overloads: Optional[Callable[[], frozenset]] = None, tables: Optional[dict] = None) -> Table:
    """`cur` with each expression that differs from `des`'s twin only by casts of a domain's value to its base type
    given `des`'s text (see the module's docstring); `domains`: the current and desired domains by (schema, name);
    `composites`: the current composite types by (schema, name), whose attributes may be of a domain; `overloads`:
    domain_overloads of both sides, asked for only here (none: no function or operator takes a domain); `tables`:
    the current tables by (schema, name), whose columns a policy's subquery may read. First, an expression key's
    COLLATE that names the expression's own given `des`'s (compare.key_collations)."""
    cur = keys_as_written(cur, des)
    known = domains[0]
    if not known:
        return cur
    values = _domain_values(cur, known, composites or {})
    reads = tables is not None and any(_subquery(p.using) or _subquery(p.with_check) for p in cur.policies)
    if not values and not reads:
        return cur
    columns = tuple((name, base) for name, base, _ in values)
    found = overloads() if overloads is not None else frozenset()
    bases = (columns, _spelled(known), (tuple((name, of) for name, _, of in values), found) if found else _NONE)

    def text(a: Optional[str], b: Optional[str]) -> Optional[str]:
        return b if a is not None and b is not None and a != b and _same(a, b, bases) else a

    changed: dict = {}
    _twinned(changed, "columns", cur.columns, des.columns,
             lambda c, n: replace(c, default=text(c.default, n.default), generated=text(c.generated, n.generated)))
    checks = _checks(cur, des, text)
    if checks != cur.checks:
        changed["checks"] = checks
    if cur.partition_by is not None and des.partition_by is not None and cur.partition_by.key != des.partition_by.key:
        key = _partition_key(cur.partition_by.key, des.partition_by.key, text)
        if key != cur.partition_by.key:
            changed["partition_by"] = replace(cur.partition_by, key=key)
    _twinned(changed, "indexes", cur.indexes, des.indexes, lambda x, twin: _keyed(x, twin, text))
    if cur.exclusions:  # (one declared without a name: by the name Postgres gives it)
        _twinned(changed, "exclusions", cur.exclusions, des.exclusions, lambda x, twin: _keyed(x, twin, text),
                 lambda x: constraint_name(cur, x), lambda x: constraint_name(des, x))
    _twinned(changed, "triggers", cur.triggers, des.triggers, lambda g, twin: replace(g, when=text(g.when, twin.when)))
    condition = text if not reads else \
        lambda a, b: _policy_text(a, b, text, cur, tables, bases, known, composites or {})  # type: ignore[arg-type]
    _twinned(changed, "policies", cur.policies, des.policies,
             lambda p, twin: replace(p, using=condition(p.using, twin.using),
                                     with_check=condition(p.with_check, twin.with_check)))
    _twinned(changed, "rules", cur.rules, des.rules, lambda r, twin: replace(r, where=text(r.where, twin.where)))
    # (a statistics object's elements in any order: Postgres puts columns first)
    _twinned(changed, "statistics", cur.statistics, des.statistics,
             lambda s, twin: replace(s, elements=tuple(_twin(a, twin.elements, text) for a in s.elements)))
    return replace(cur, **changed) if changed else cur


def _domain_values(t: Table, known: dict, composites: dict) -> tuple[tuple[str, str, tuple[str, str]], ...]:
    """What of `t`'s columns is of a domain, by how an expression reaches it (_reached), with the domain's base type
    and the domain: `c` (a column of a domain), `c[]` (an element of an array of one, or of a domain over such an
    array), `c.a` (an attribute of a composite type, or of a domain over one), and so on down (`c.b[]`)."""
    out: list[tuple[str, str, tuple[str, str]]] = []
    for c in t.columns:
        _values_of(c.name, c.type, known, composites, out, 0)
    return tuple(out)


def _values_of(path: str, type_text: str, known: dict, composites: dict, out: list, depth: int,
               record: bool = True) -> None:
    """_domain_values' entries of a value of `type_text` reached as `path` (`record` False: `path`'s own domain
    is recorded already, the one it stands on is followed for its elements or attributes only)."""
    bare = type_text.rstrip()
    if depth > 8:  # (a domain over itself cannot be made; a bound all the same)
        return
    if bare.endswith("]"):  # an array (of any dimensions: one type): its elements
        element = bare[:bare.index("[")].rstrip()
        _values_of(path if path.endswith("[]") else path + "[]", element, known, composites, out, depth + 1)
        return
    domain = known.get(type_name(bare))
    if domain is not None:
        if record:
            out.append((path, _bottom(bare, known), type_name(bare)))
        _values_of(path, domain.type, known, composites, out, depth + 1, False)  # (an array's elements, ...)
        return
    composite = composites.get(type_name(bare))
    if composite is not None:
        for a in composite.attributes:
            _values_of(f"{path}.{a.name}", a.type, known, composites, out, depth + 1)


def _bottom(type_text: str, known: dict) -> str:
    """The type a domain stands on at the bottom, as Postgres coerces its value (getBaseType): down domains over
    domains, not into an array's elements (a domain over `d1[]` is coerced to `d1[]`)."""
    seen = set()
    while not type_text.rstrip().endswith("]") and type_name(type_text) in known and type_name(type_text) not in seen:
        seen.add(type_name(type_text))
        type_text = known[type_name(type_text)].type
    return type_text


def _subquery(text: Optional[str]) -> bool:
    return text is not None and "select" in text.lower()


def _policy_text(a: Optional[str], b: Optional[str], text, cur: Table, tables: dict, bases, known: dict,
                 composites: dict) -> Optional[str]:
    """text(a, b), or for a condition with a subquery `b` where both read alike once qualified as compare.policies
    compares them and without the casts of a domain's value, the subquery's tables' columns too (`(o.dc)::integer`
    of `FROM o`)."""
    if a is None or b is None or a == b or text(a, b) == b:
        return text(a, b)
    if not (_subquery(a) or _subquery(b)):
        return a
    from schemac.compare.normalize import same_expression
    from schemac.pg.policies import comparable_policy_text, qualified_policy_text

    def columns_of(schema: str, name: str):
        t = tables.get((schema, name))
        return None if t is None else {c.name for c in t.columns}

    try:
        qa, qb = (qualified_policy_text(x, cur.schema, cur.name, columns_of) for x in (a, b))
    except Exception:
        return a
    others = tuple((key, tuple((n, base) for n, base, _ in found)) for key, t in tables.items()
                   if key != cur.key and _names(t.name, qa, qb) and (found := _domain_values(t, known, composites)))
    sa, sb = (_without(x, bases[0], bases[1], bases[2], others, True) for x in (qa, qb))
    return b if same_expression(comparable_policy_text(sa), comparable_policy_text(sb)) else a


def _names(name: str, *texts: str) -> bool:
    return any(name.lower() in x.lower() for x in texts)


def _twin(a: str, others: tuple, text) -> str:
    """`a`, or the text of `others` it reads as."""
    return a if a in others else next((b for b in others if text(a, b) != a), a)


def _checks(cur: Table, des: Table, text) -> tuple:
    """cur's CHECKs, each given its twin's text: the one of its name, else an unnamed one (Postgres named it)."""
    named = {c.name: c for c in des.checks if c.name}
    unnamed = [c for c in des.checks if not c.name]
    out = []
    for c in cur.checks:
        twin = named.get(c.name)
        if twin is not None:
            out.append(replace(c, expression=text(c.expression, twin.expression)))
            continue
        out.append(replace(c, expression=_twin(c.expression, tuple(t.expression for t in unnamed), text)))
    return tuple(out)


def _partition_key(a: str, b: str, text) -> str:
    """`b`, where partition keys `a` and `b` have as many elements, the same operator classes, and each element of
    `a` reads as `b`'s (`((dc)::integer + 1)` as `(dc + 1)`); else `a`."""
    from schemac.pg.partition_texts import parse_partition_key, partition_key_opclasses

    try:
        mine, theirs = parse_partition_key(a), parse_partition_key(b)
        same_classes = partition_key_opclasses(a) == partition_key_opclasses(b)
    except ValueError:
        return a
    if len(mine) != len(theirs) or not same_classes:
        return a
    return b if all(x == y or text(x, y) == y for x, y in zip(mine, theirs)) else a


def _twinned(changed: dict, field: str, mine: tuple, theirs: tuple, fix: Callable, name: Callable = attrgetter("name"),
             their_name: Optional[Callable] = None) -> None:
    """Each of `mine` with a twin among `theirs` (by name; `their_name` for theirs where it differs) made fix(x, twin),
    the others kept: set as changed[field] where any differs."""
    twins = {(their_name or name)(x): x for x in theirs}
    made = tuple(fix(x, twins[key]) if (key := name(x)) in twins else x for x in mine)
    if made != mine:
        changed[field] = made


def _keyed(x, twin, text):
    """An index or EXCLUDE whose expression keys and predicate take its twin's texts."""
    if twin is None or len(twin.elements) != len(x.elements):
        return x
    elements = tuple(replace(e, expression=text(e.expression, f.expression)) for e, f in zip(x.elements, twin.elements))
    return replace(x, elements=elements, where=text(x.where, twin.where))


def domains_as_written(current: Schema, desired: Schema) -> Schema:
    """`current` with the CHECKs and DEFAULT of each domain over a domain (or over an array of one, or over a
    composite type with attributes of one) given schema.yaml's text where they differ from it only by such casts
    (`((VALUE)::integer > 0)`, `(((VALUE)[1])::integer > 0)`, `(((VALUE).a)::integer > 0)`)."""
    known = {(d.schema, d.name): d for d in current.domains}
    composites = {(c.schema, c.name): c for c in current.composite_types}
    if not any(type_name(d.type) in known or type_name(d.type) in composites for d in current.domains):
        return current  # (no domain over a domain nor over a composite: most schemas)
    want = {(d.schema, d.name): d for d in desired.domains}
    spelled = _spelled(known)
    overloads = lazy_overloads((current, desired), (known, want))
    out = []
    for d in current.domains:
        new = want.get((d.schema, d.name))
        values: list = []
        if new is not None:
            _values_of("value", d.type, known, composites, values, 0)
        if not values:
            out.append(d)
            continue

        def text(a, b, values=tuple(values)):
            if a is None or b is None or a == b:
                return a
            found = overloads()
            bases = (tuple((n, base) for n, base, _ in values), spelled,
                     (tuple((n, of) for n, _, of in values), found) if found else _NONE)
            return b if _same(a, b, bases) else a
        checks = {c.name: c for c in new.checks}
        out.append(replace(d, default=text(d.default, new.default),
                           checks=tuple(replace(c, expression=text(c.expression, checks[c.name].expression))
                                        if c.name in checks else c for c in d.checks)))
    return replace(current, domains=tuple(out))


def _spelled(domains: dict) -> tuple[tuple[str, str], ...]:
    """Each domain by the spelling a cast to it takes (bare in public), with its base type."""
    return tuple((name if schema == "public" else f"{schema}.{name}", _bottom(d.type, domains))
                 for (schema, name), d in domains.items() if isinstance(d, Domain))


def _same(a: str, b: str, bases: tuple[Bases, Bases, Overloads]) -> bool:
    """Whether `a` and `b` read alike once every cast of a domain's value to its base type is dropped from both."""
    if normal_form(a) == normal_form(b) or not (_may_cast(a) or _may_cast(b)):
        return False  # (equal already: the differ finds no change; no cast: nothing to drop)
    return _without(a, *bases) == _without(b, *bases)


def _may_cast(text: str) -> bool:
    return "::" in text or "cast" in text.lower()


@lru_cache(maxsize=4096)
def _without(text: str, columns: Bases, domains: Bases, overloads: Overloads = _NONE,
             others: tuple = (), sql: bool = False) -> str:
    """The normal form of `text` (`sql`: its SQL) without the casts of a column (or VALUE) of a domain, or of a
    constant cast to a domain, to that domain's base type; a cast that chooses another overload (`overloads`) is kept.
    `others`: ((schema, name), Bases) of other tables, whose columns a subquery's FROM names (`o.dc` of `FROM o`)."""
    from sqlglot import exp

    from schemac.pg.dialect import DIALECT
    from schemac.pg.expressions import parse_expression

    try:
        tree = parse_expression(text) if not sql else lazy("schemac.pg.policies", "parse_policy_expression")(text)
    except (ValueError, RecursionError):
        return text if sql else normal_form(text) or ""
    if not isinstance(tree, exp.Expression):
        return text if sql else normal_form(text) or ""
    by_column = {name: type_key(base) for name, base in columns}
    by_domain = {key: (type_key(base), type_name(name)) for name, base in domains if (key := type_key(name)) is not None}
    of_column = dict(overloads[0])
    named = _from_tables(tree, dict(others)) if others else {}
    for cast in sorted((c for c in tree.find_all(exp.Cast) if not isinstance(c, exp.TryCast)), key=lambda c: -c.depth):
        inner = cast.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        target = target_key(cast.to)
        if isinstance(inner, exp.Cast) and not isinstance(inner, exp.TryCast):  # a constant of a domain: `((5)::d1)`
            wanted, of = by_domain.get(target_key(inner.to), (None, None))
        else:
            reached = _reached(inner)
            if reached is None:
                continue
            other = named.get(_qualifier(inner)) if named else None
            if other is not None:  # (a column of a table a subquery reads: by its own types; no overloads looked at)
                wanted, of = other.get(reached), None
                if wanted is not None and target == type_key(wanted):
                    cast.replace(exp.Paren(this=inner.copy()))
                continue
            wanted, of = by_column.get(reached), of_column.get(reached)
        if wanted is not None and target is not None and target == wanted and \
                not (overloads[1] and of is not None and chooses_overload(cast, of, overloads[1])):
            cast.replace(exp.Paren(this=inner.copy()))
    try:
        return tree.sql(dialect=DIALECT) if sql else normal_form(tree.sql(dialect=DIALECT)) or ""
    except Exception:
        return text if sql else normal_form(text) or ""


def _from_tables(tree, others: dict) -> dict:
    """Each name a FROM of `tree` gives a table of `others` (its alias, else its name), with that table's values by
    path; a name given twice is left out (which one a column means is not looked for)."""
    from sqlglot import exp

    out: dict = {}
    seen: set = set()
    for t in tree.find_all(exp.Table):
        name = (t.alias or t.name).lower()
        key = (t.db or "public", t.name)
        if name in seen:
            out.pop(name, None)
            continue
        seen.add(name)
        if key in others:
            out[name] = dict(others[key])
    return out


def _qualifier(inner) -> Optional[str]:
    """The table name or alias qualifying the column a path starts at (`o` of `o.dc`, `(o.cc).a`), lower-cased."""
    from sqlglot import exp

    while isinstance(inner, (exp.Paren, exp.Bracket, exp.Dot)) and not isinstance(inner, exp.Column):
        inner = inner.this
    return inner.table.lower() if isinstance(inner, exp.Column) and inner.table else None


def _reached(inner) -> Optional[str]:
    """How an expression reaches a value that may be of a domain (_domain_values' names): `c` (`new.c`), `c[]` (an
    element of an array: `(dca[1])`, `x[1][2]`), `c.a` (an attribute of a composite: `((cc).a)`), and so on down
    (`(cc).b[1]`: `cc.b[]`); None for anything else (a slice is an array again: not followed)."""
    from sqlglot import exp

    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Identifier):
        return _named(inner.this)
    if isinstance(inner, exp.Bracket) and len(inner.expressions) == 1 and not isinstance(inner.expressions[0], exp.Slice):
        of = _reached(inner.this)
        return None if of is None else of if of.endswith("[]") else of + "[]"
    if isinstance(inner, exp.Dot) and isinstance(inner.expression, exp.Identifier):
        of = _reached(inner.this)
        return None if of is None else f"{of}.{_named(inner.expression)}"
    return None


def _named(i) -> str:
    return i.name if i.quoted else i.name.lower()
