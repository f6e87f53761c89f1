"""Casts Postgres adds to a call's arguments where a person writes none (compare.rewrite's normal forms).

A date passed where a function takes a timestamp with time zone (`to_char(d, 'YYYY')`, `date_trunc('month', d)`,
`age(d)`, `timezone('utc', d)`, `date_bin(...)`, `to_char(current_date, 'YYYY')`, `generate_series(d, d + 7, '1 day')`
of a date column d, and in a view's query `(SELECT min(day) FROM days)` of a date `day`: date's implicit cast to
timestamptz, its category's preferred type) is stored with the cast, `to_char((d)::timestamp with time zone,
'YYYY'::text)`. The normal form sees no column types: a cast to timestamptz of what its form tells a date
(_date_like: a column, CURRENT_DATE, ...) that is a call's argument is dropped, so an explicit one written so in
schema.yaml (`to_char(ts::timestamptz, ...)` of a timestamp ts, another meaning) compares equal to none, as
compare.rewrite's numeric promotions do. Beside a timestamptz or timestamp elsewhere (_COMMON: a COALESCE, a
subtraction, ...) a cast of a date-like value to timestamptz is dropped so too, and to timestamp, but not a column's
in a COALESCE, GREATEST, LEAST, CASE or subtraction: `coalesce(ts::timestamp, tp)` of a timestamptz ts is stored
`COALESCE((ts)::timestamp without time zone, tp)`, `coalesce(ts, tp)` `COALESCE(ts, (tp)::timestamp with time zone)`,
another value; the loader writes the cast Postgres adds to a date column there (pg.date_casts: `coalesce(d, tp)` is
loaded `coalesce(d::timestamp, tp)`, as stored).

PostGIS's bounding boxes likewise: a geometry passed where a function takes a box2d or box3d (`st_asmvtgeom(g,
st_tileenvelope(z, x, y))`, `st_xmin(g)`, `st_xmax(st_extent(g))`: the implicit casts geometry -> box2d/box3d, box3d ->
box2d) is stored with the cast, `st_asmvtgeom(g, st_tileenvelope(z, x, y)::box2d)`; a cast to box2d or box3d that is a
call's argument is dropped, whatever it casts (an overload taking either, `st_expand(g::box2d, 1)` against
`st_expand(g, 1)`, then compares equal: write such a view with --dev-url, which has Postgres deparse it).

A name-typed SQL value function (CURRENT_SCHEMA, CURRENT_USER, CURRENT_ROLE, USER, SESSION_USER, CURRENT_CATALOG,
current_schema(), current_database(); not SYSTEM_USER, a text) beside text in `||` takes the implicit cast name ->
text: `'in ' || CURRENT_SCHEMA` is stored `('in '::text || (CURRENT_SCHEMA)::text)`. The cast to text of such a
function is dropped there only, where it changes no value (elsewhere, a comparison, it changes the collation: name's
"C" against text's default).
"""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.pg.syntax import SqlValue


_TZ = (exp.DataType.Type.TIMESTAMPTZ,)
_INSTANTS = (exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIMESTAMP)


def _uncast(arg: exp.Expression, kinds: tuple = _TZ) -> exp.Expression:
    if isinstance(arg, exp.Cast) and not isinstance(arg, exp.TryCast) and isinstance(arg.to, exp.DataType) \
            and arg.to.this in kinds and not arg.to.expressions:
        inner = _bare(arg.this)
        if _date_like(inner):
            return inner
    return arg


def _bare(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Paren, exp.Alias)):
        node = node.this
    return node


def _date_like(node: exp.Expression) -> bool:
    """Whether `node` is a date as its form tells (its columns' types unknown here): a column, CURRENT_DATE, a cast
    to date, one of them plus or minus a number (`current_date - 7`), their min() or max() (`generate_series(min(d),
    max(d), '1 day')`), a scalar subquery of one (`(SELECT min(day) FROM days)`, a view's)."""
    node = _bare(node)
    if isinstance(node, (exp.Column, exp.CurrentDate)):
        return True
    if isinstance(node, exp.Cast):
        return isinstance(node.to, exp.DataType) and node.to.this == exp.DataType.Type.DATE
    if isinstance(node, (exp.Add, exp.Sub)):
        number = _bare(node.expression)
        return isinstance(number, exp.Literal) and number.is_number and _date_like(node.this)
    if isinstance(node, (exp.Min, exp.Max)):
        return _date_like(node.this)
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) and len(node.this.expressions) == 1:
        return _date_like(node.this.expressions[0])
    return False


# Where else a date beside a timestamptz (or a timestamp) takes its cast (select_common_type, or the operator's
# argument): the values of a COALESCE, GREATEST, LEAST, a CASE's results, an ARRAY's or an IN list's items, a
# subtraction's sides (`coalesce(d, ts)` is stored `COALESCE((d)::timestamp with time zone, ts)`, `d IN (now(),
# current_date)` `d = ANY (ARRAY[now(), (CURRENT_DATE)::timestamp with time zone])`, `now() - d` `(now() -
# (d)::timestamp with time zone)`, `tp - d` of a timestamp tp `(tp - (d)::timestamp without time zone)`).
_COMMON = {exp.Coalesce: ("this", "expressions"), exp.Greatest: ("this", "expressions"),
           exp.Least: ("this", "expressions"), exp.If: ("true",), exp.Case: ("default",),
           exp.Array: ("expressions",), exp.In: ("expressions",), exp.Sub: ("this", "expression")}


def _uncast_common(arg: exp.Expression, typed: bool) -> exp.Expression:
    """_uncast to timestamptz or timestamp; with `typed` (pg.date_casts loads the cast), not a column's to timestamp."""
    if typed and isinstance(arg, exp.Cast) and isinstance(arg.to, exp.DataType) and \
            arg.to.this == exp.DataType.Type.TIMESTAMP and isinstance(_bare(arg.this), exp.Column):
        return arg
    return _uncast(arg, _INSTANTS)


def _common_values(node: exp.Expression) -> Optional[exp.Expression]:
    keys = _COMMON.get(type(node))
    if keys is None:
        return None
    typed = not isinstance(node, (exp.Array, exp.In))
    changed = {}
    for key in keys:
        value = node.args.get(key)
        if isinstance(value, list):
            new = [_uncast_common(v, typed) for v in value]
            if any(a is not b for a, b in zip(new, value)):
                changed[key] = [v.copy() for v in new]
        elif isinstance(value, exp.Expression) and _uncast_common(value, typed) is not value:
            changed[key] = _uncast_common(value, typed).copy()
    if not changed:
        return None
    copy = node.copy()
    for key, value in changed.items():
        copy.set(key, value)
    return copy


_BOXES = ("box2d", "box3d")


def _unboxed(arg: exp.Expression) -> exp.Expression:
    """`arg` without a cast to PostGIS's box2d or box3d (above)."""
    if isinstance(arg, exp.Cast) and not isinstance(arg, exp.TryCast) and isinstance(arg.to, exp.DataType) \
            and arg.to.this == exp.DataType.Type.USERDEFINED and isinstance(arg.to.args.get("kind"), (exp.Identifier, exp.Dot)) \
            and arg.to.args["kind"].name.lower() in _BOXES:
        return _bare(arg.this)
    return arg


_NAMED = (exp.CurrentSchema, exp.CurrentUser, exp.SessionUser, exp.CurrentCatalog, exp.CurrentDatabase)
_NAMED_CALLS = ("current_schema", "current_database")  # (pg.syntax reads `current_schema()` as this call)


def _named(node: exp.Expression) -> bool:
    return isinstance(node, _NAMED) or isinstance(node, exp.Anonymous) and not node.expressions \
        and node.name.lower() in _NAMED_CALLS or isinstance(node, SqlValue) and node.this in ("CURRENT_ROLE", "USER")


def _unnamed(arg: exp.Expression) -> exp.Expression:
    """`arg` without a cast to text of a name-typed SQL value function (above)."""
    cast = _bare(arg)
    if isinstance(cast, exp.Cast) and not isinstance(cast, exp.TryCast) and isinstance(cast.to, exp.DataType) \
            and cast.to.this == exp.DataType.Type.TEXT and _named(_bare(cast.this)):
        return _bare(cast.this)
    return arg


def names_as_text(node: exp.Expression) -> Optional[exp.Expression]:
    """The concatenation with its sides' casts to text of a name-typed function dropped; None if it has none."""
    if not isinstance(node, exp.DPipe):
        return None
    left, right = _unnamed(node.this), _unnamed(node.expression)
    if left is node.this and right is node.expression:
        return None
    copy = node.copy()
    copy.set("this", left.copy())
    copy.set("expression", right.copy())
    return copy


def dates_as_arguments(node: exp.Expression) -> Optional[exp.Expression]:
    """The call (or COALESCE, CASE, IN list, ...: _COMMON) with its arguments' casts of a date (_date_like) to
    timestamptz dropped, and a call's casts to box2d or box3d; None if it has none."""
    if not isinstance(node, exp.Anonymous):
        return _common_values(node)
    args = [_unboxed(_uncast(a)) for a in node.expressions]
    if all(new is old for new, old in zip(args, node.expressions)):
        return None
    return exp.Anonymous(this=node.this, expressions=args)
