"""What uses a collation or a range type whose definition changes: Postgres has no ALTER for either, so where nothing
uses it the migration drops it and creates it again (compare.usertypes: no value is held), and where something does
the plan refuses the change, naming these users. Read from the current model (the live database's read for `diff`,
the recorded state for `generate`) by a walk of each object's parts, as pg_depend records them: a collation by the
`collation` of a column, index or EXCLUDE element, domain, composite attribute or range, and a COLLATE in an
expression (a default, generated column, CHECK, index key or predicate, partition key, policy, trigger WHEN, statistics
element, rule, domain CHECK, a function's argument default or SQL-standard body, a view's query as Postgres recorded
it); a range type (or its multirange) as the type of a column, domain, attribute, another range's subtype, a
function's argument or result, an aggregate's, operator's, cast's or operator class's type, a view's column, and in an
expression cast to it or calling its constructors. A name in a comment, an object's own name, a PL/pgSQL body (which
Postgres resolves when it runs) uses nothing. What schemac does not manage, the migration checks where it runs
(plan.unmanaged_users)."""

from __future__ import annotations

from typing import Iterable, Optional, Union

from schemac.compare.sqlbodies import named_types_of
from schemac.model import Collation, RangeType, Schema, Table, View
from schemac.model.collnames import collation_ref
from schemac.pg.lazy import lazy
from schemac.pg.routines import result_types
from schemac.pg.types import type_name
from schemac.pg.verbatim import collated_names, named_types

called_functions = lazy("schemac.pg.calls", "called_functions")  # (sqlglot: imported when first called, not on diff's fast path)


class _Uses:
    """The tests of one collation's or range type's use: by a type, a `collation` field, an expression's text."""

    def __init__(self, obj: Union[Collation, RangeType]):
        self.collation = collation_ref(obj.schema, obj.name) if isinstance(obj, Collation) else None
        self.types = frozenset() if isinstance(obj, Collation) else frozenset(
            {(obj.schema, obj.name), obj.multirange_key})

    def typed(self, *types: Optional[str]) -> bool:
        return any(t and type_name(t) in self.types for t in types)

    def collated(self, *collations: Optional[str]) -> bool:
        return self.collation is not None and self.collation in collations

    def said(self, *texts: Optional[str]) -> bool:
        """Whether an expression (or query, body) names it: after COLLATE, or a cast to the range, a constructor call."""
        for text in filter(None, texts):
            if self.collation is not None and self.collation in {name if schema is None else collation_ref(schema, name)
                                                                 for schema, name in collated_names(text)}:
                return True
            if self.types and (named_types(text) & self.types or _called(text) & self.types):
                return True
        return False


def _called(text: str) -> set:
    try:
        return set(called_functions(text))
    except ValueError:
        return set()


def _elements(owner) -> Iterable:
    """The index and EXCLUDE elements of a table or materialized view, and their predicates as elements' texts."""
    for i in (*owner.indexes, *getattr(owner, "exclusions", ())):
        yield from i.elements


def _table_uses(t: Table, u: _Uses) -> bool:
    if any(u.typed(c.type) or u.collated(c.collation) or u.said(c.default, c.generated) for c in t.columns):
        return True
    if any(u.collated(e.collation) or u.said(e.expression) for e in _elements(t)):
        return True
    texts = [i.where for i in (*t.indexes, *t.exclusions)] + [c.expression for c in t.checks]
    texts += [t.partition_by.key if t.partition_by else None] + [e for s in t.statistics for e in s.elements]
    texts += [x for p in t.policies for x in (p.using, p.with_check)] + [g.when for g in t.triggers]
    texts += [x for r in t.rules for x in (r.where, *r.actions)]
    return u.said(*texts)


def _view_uses(v: View, u: _Uses) -> bool:
    """As Postgres recorded what it reads, and its query's text (a record may be missing: a model from schema.yaml),
    its columns' types, a materialized view's indexes."""
    read = any(d.kind == "collation" and u.collated(collation_ref(d.schema, d.name))
               or d.kind == "type" and (d.schema, d.name) in u.types for d in v.depends) or u.said(v.query)
    return read or any(u.typed(c.type) or u.collated(c.collation) for c in (*v.output, *v.columns)) or \
        any(u.collated(e.collation) or u.said(e.expression) for e in _elements(v)) or \
        u.said(*(i.where for i in v.indexes))


def definition_users(current: Schema, obj: Union[Collation, RangeType]) -> tuple[str, ...]:
    """What of `current` uses `obj` (a range type through its multirange too), as `kind schema.name`, in the model's
    order; () where nothing does."""
    u, out = _Uses(obj), []
    out += [f"table {t.schema}.{t.name}" for t in current.tables if _table_uses(t, u)]
    out += [f"view {v.schema}.{v.name}" for v in current.views if _view_uses(v, u)]
    out += [f"domain {d.schema}.{d.name}" for d in current.domains if u.typed(d.type) or u.collated(d.collation)
            or u.said(d.default, *(c.expression for c in d.checks))]
    out += [f"composite type {c.schema}.{c.name}" for c in current.composite_types
            if any(u.typed(a.type) or u.collated(a.collation) for a in c.attributes)]
    out += [f"range type {r.schema}.{r.name}" for r in current.range_types if (r.schema, r.name) != (obj.schema, obj.name)
            and (u.typed(r.subtype) or u.collated(r.collation))]
    out += [f"function {f.schema}.{f.name}" for f in current.functions
            if u.typed(*(a.type for a in f.arguments), *result_types(f.returns)) or named_types_of(f) & u.types
            or u.said(*(a.default for a in f.arguments), f.body if f.standard_body else None)]
    out += [f"aggregate {a.schema}.{a.name}" for a in current.aggregates if u.typed(*a.arguments, a.stype, a.mstype)]
    out += [f"operator {o.schema}.{o.name}" for o in current.operators if u.typed(o.left, o.right)]
    out += [f"cast ({c.source_type} AS {c.target_type})" for c in current.casts if u.typed(*c.identity)]
    out += [f"operator class {c.schema}.{c.name}" for c in current.operator_classes
            if u.typed(c.type, c.storage, *(x for m in (*c.operators, *c.functions) for x in (m.left, m.right)))]
    return tuple(dict.fromkeys(out))
