"""The rewrites of normal forms (compare.normalize), on sqlglot trees: imported only when an expression is
parsed, never on `schemac diff`'s fast path, whose forms state.json records."""

from __future__ import annotations

import re

from sqlglot import exp

from schemac.compare.cast_forms import _interval_literal, _strip_cast
from schemac.compare.chains import left_deep
from schemac.compare.late_bound import late_bound, unparen as _unparen
from schemac.compare.implicit_casts import dates_as_arguments, names_as_text
from schemac.compare.in_lists import some_as_any, split_in_list
from schemac.compare.jsonpath import jsonpath_literals
from schemac.compare.tsquery import tsquery_literals
from schemac.compare.typed_literals import typed_literals
from schemac.compare.type_calls import type_call
from schemac.compare.literals import interval_value, timestamp_value
from schemac.compare.numeric_literals import compared, number, numbers_beside_a_column, scale_kept
from schemac.compare.on_path import ALWAYS, unqualified, verbatim_text
from schemac.compare.predicate_forms import (_fieldwise, _is_null, _is_range, _is_similar, _negated, _outside,
                                             _quantifier, _row)
from schemac.pg.dialect import DIALECT
from schemac.pg.idents import ident
from schemac.pg.names import quote_ident
from schemac.pg.expressions import is_verbatim, parse_expression, parse_to_compare
from schemac.pg.verbatim import renamed
from schemac.pg.operators import OtherOperator
from schemac.pg.syntax import NOT_AFTER, Verbatim


_MATCHES = (exp.Like, exp.ILike, OtherOperator, exp.RegexpLike)  # LIKE, SIMILAR TO..., as rewritten


def _unicode_text(body: str, escape: str = "\\") -> str:
    """The value of U&'body' [UESCAPE 'escape']: `\\0061` and `\\+000061` a character, `\\\\` the escape itself
    (`U&'a\\\\0061'` is `a\\0061`), a UTF-16 surrogate pair one character (`\\D83D\\DE00`), as Postgres reads it."""
    e = re.escape(escape)
    text = re.sub(e + r"(?:(" + e + r")|\+([0-9A-Fa-f]{6})|([0-9A-Fa-f]{4}))",
                  lambda m: escape if m.group(1) else chr(int(m.group(2) or m.group(3), 16)), body)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")


_TRIMS = {"BOTH": "btrim", "LEADING": "ltrim", "TRAILING": "rtrim"}


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Paren):
        return node.this
    if type(node) in (exp.And, exp.Or) and type(_unparen(node.expression)) is type(node):
        return left_deep(node)
    if isinstance(node, exp.Column) and node.is_star and node.args.get("db") is not None:  # `s.t.*`, a whole row by
        node.set("db", None)  # its relation's qualified name: Postgres prints it by the relation's own, `t.*`
        node.set("catalog", None)
        return node
    if isinstance(node, exp.Alias) and node.alias == "?column?":  # a subquery's unnamed output, named by inspect
        return node.this  # (pg.redeparse.hidden_names_kept) as Postgres names it
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        stripped = jsonpath_literals(node) or typed_literals(node) or _strip_cast(node)
        if stripped is not None:
            return stripped
    cast = type_call(node)
    if cast is not None:
        return cast
    numbers = numbers_beside_a_column(node) or dates_as_arguments(node) or names_as_text(node) \
        or jsonpath_literals(node) or typed_literals(node) or tsquery_literals(node) or split_in_list(node) \
        or some_as_any(node)
    if numbers is not None:
        return numbers
    if isinstance(node, exp.Neg) and isinstance(_unparen(node.this), exp.Literal) and not _unparen(node.this).is_string:
        negated = number("-" + _unparen(node.this).this)
        return node if negated is None else scale_kept(negated, _unparen(node.this))
    if isinstance(node, exp.Literal) and not node.is_string:
        spelled = number(node.this)
        return node if spelled is None or spelled.this == node.this else scale_kept(spelled, node)
    if isinstance(node, exp.Literal) and node.is_string and not node.this.startswith(("interval:", "instant:")) \
            and not isinstance(node.parent, exp.Interval):  # (`INTERVAL '1:30' MINUTE TO SECOND`: its qualifier's)
        # `iv < '1 day'` on an interval column is stored as `iv < '1 day'::interval`, `t > '2020-01-01'`
        # on a timestamptz as `t > '2020-01-01 00:00:00+00'::timestamp with time zone`, both printed in
        # Postgres's own style: compare such literals by value, as the cast would. (A text that merely
        # reads like one, `note <> '1 day'`, then equals '1 days': both sides agree, rarely matters.)
        if interval_value(node.this) is not None:
            return _interval_literal(node.this)
        instant = timestamp_value(node.this)
        if instant is not None:
            return exp.Literal.string("instant:" + instant)
    if isinstance(node, exp.Case) and _is_null(node.args.get("default")):
        # `CASE WHEN a > 0 THEN 1 END` is stored with the ELSE Postgres adds: `... ELSE NULL::integer END`
        node.set("default", None)
        return node
    if isinstance(node, exp.Trim):  # TRIM(... FROM d) is btrim/ltrim/rtrim(d[, chars]), which 15 prints, 16+ as TRIM
        fn = _TRIMS.get(str(node.args.get("position") or "BOTH").upper())
        if fn is not None:
            chars = node.args.get("expression")
            return exp.Anonymous(this=fn, expressions=[node.this] + ([chars] if chars is not None else []))
    if isinstance(node, exp.Tuple) and len(node.expressions) > 1:  # `(a, b) < (1, 2)` is stored as `ROW(a, b) < ...`
        return exp.Anonymous(this="ROW", expressions=node.expressions)
    if isinstance(node, exp.Anonymous) and str(node.this) == "row":
        return exp.Anonymous(this="ROW", expressions=node.expressions)
    if isinstance(node, exp.Between):
        x, low, high = node.this, node.args["low"], node.args["high"]
        ordered = exp.and_(compared(exp.GTE, x.copy(), low.copy()), compared(exp.LTE, x.copy(), high.copy()),
                           copy=False)
        if not node.args.get("symmetric"):
            return ordered  # SYMMETRIC is stored as both orders: `(x >= l AND x <= h) OR (x >= h AND x <= l)`
        return exp.or_(exp.Paren(this=ordered), exp.Paren(this=exp.and_(
            compared(exp.GTE, x.copy(), high.copy()), compared(exp.LTE, x.copy(), low.copy()), copy=False)),
            copy=False)
    if isinstance(node, exp.Not) and node.meta_get(NOT_AFTER):  # `x NOT IN (...)`, `x NOT BETWEEN ...`: the NOT
        return exp.Not(this=node.this)  # they are (pg.syntax.not_after), which prints as NOT (...) here
    if isinstance(node, exp.Not):  # NOT BETWEEN [SYMMETRIC] (NOT over the BETWEEN rewritten as below), stored as
        inner = _unparen(node.this)  # `x < l OR x > h`; and NOT (x >= l AND x <= h), its meaning, which a migration
        if _is_range(inner):  # made of `x NOT BETWEEN l AND h` before it was printed so
            return _outside(inner)
        if isinstance(inner, exp.Or) and _is_range(_unparen(inner.this)) and _is_range(_unparen(inner.expression)):
            return exp.and_(exp.Paren(this=_outside(_unparen(inner.this))),  # SYMMETRIC: both orders
                            exp.Paren(this=_outside(_unparen(inner.expression))), copy=False)
    if isinstance(node, exp.Substring):  # SUBSTRING(d FROM 1 FOR 3): the function "substring"(d, 1, 3) (as a database
        args = [node.this, node.args.get("start"), node.args.get("length")]  # an earlier migration wrote so holds it)
        return exp.Anonymous(this=exp.Identifier(this="substring", quoted=True), expressions=[a for a in args if a])
    if isinstance(node, (exp.EQ, exp.NEQ, exp.NullSafeNEQ)) and _row(node.this) is not None \
            and _row(node.expression) is not None and len(_row(node.this)) == len(_row(node.expression)):
        return _fieldwise(type(node), _row(node.this), _row(node.expression))  # `(a, b) = (1, 2)`: a = 1 AND b = 2
    if isinstance(node, exp.In) and _row(node.this) is not None and node.expressions and not node.args.get("query") \
            and all(_row(e) is not None and len(_row(e)) == len(_row(node.this)) for e in node.expressions):
        rows = [_fieldwise(exp.EQ, _row(node.this), _row(e)) for e in node.expressions]  # `(a, b) IN ((1, 2), ...)`:
        return exp.or_(*[exp.Paren(this=r) for r in rows], copy=False) if len(rows) > 1 else rows[0]  # one OR another
    if isinstance(node, exp.Not) and not node.meta_get(NOT_AFTER) and (negated := _negated(node.this)) is not None:
        return negated  # `(a, b) NOT IN ((1, 2), (3, 4))`: `(a <> 1 OR b <> 2) AND (...)`, as Postgres stores it
    if isinstance(node, (exp.Left, exp.Right)):  # Postgres prints its left()/right() quoted: `"left"(d, 2)`
        return exp.Anonymous(this=type(node).__name__.lower(), expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous) and isinstance(node.this, exp.Identifier) \
            and node.this.this in ("left", "right"):
        return exp.Anonymous(this=node.this.this, expressions=node.expressions)
    if isinstance(node, (exp.EQ, exp.NEQ)):
        quantifier = _quantifier(node.expression)
        if quantifier is not None:
            kind, arr = quantifier
            while isinstance(arr, exp.Cast):
                arr = _unparen(arr.this)
            if isinstance(arr, exp.Array):
                in_ = exp.In(this=node.this.copy(), expressions=[e.copy() for e in arr.expressions])
                if isinstance(node, exp.NEQ) and kind == "all":
                    return exp.Not(this=in_)
                if isinstance(node, exp.EQ) and kind == "any":
                    return in_
    if isinstance(node, exp.In) and len(node.expressions) == 1 and not node.args.get("query") \
            and not node.args.get("unnest") and not node.args.get("field"):
        return exp.EQ(this=node.this, expression=node.expressions[0])  # Postgres stores `x IN (1)` as `x = 1`
    if isinstance(node, exp.Not) and isinstance(_unparen(node.this), exp.EQ):
        eq = _unparen(node.this)  # `x NOT IN (1)` is stored as `x <> 1`: NOT (a = b) is a <> b
        return exp.NEQ(this=eq.this, expression=eq.expression)
    if isinstance(node, exp.Not) and isinstance(_unparen(node.this), exp.NullSafeNEQ):
        ne = _unparen(node.this)  # `a IS NOT DISTINCT FROM b` is stored as `NOT (a IS DISTINCT FROM b)`
        return exp.NullSafeEQ(this=ne.this, expression=ne.expression)
    if isinstance(node, (exp.Like, exp.ILike)) and node.args.get("negate"):
        # `b NOT LIKE 'q%'` is stored as the operator `b !~~ 'q%'` (NOT ILIKE as `!~~*`)
        op = "!~~" if isinstance(node, exp.Like) else "!~~*"
        return OtherOperator(this=node.this, op=exp.Var(this=op), expression=node.expression)
    if isinstance(node, exp.SimilarTo):  # `b SIMILAR TO 'z'` is stored as `b ~ similar_to_escape('z')`
        return exp.RegexpLike(this=node.this, expression=exp.Anonymous(this="similar_to_escape",
                                                                        expressions=[node.expression]))
    if isinstance(node, exp.Not) and _is_similar(_unparen(node.this)):  # NOT SIMILAR TO: `!~ similar_to_escape`
        similar = _unparen(node.this)
        return OtherOperator(this=similar.this, op=exp.Var(this="!~"), expression=similar.expression)
    if isinstance(node, exp.Escape) and isinstance(_unparen(node.this), _MATCHES):
        match = _unparen(node.this)  # `d LIKE 'a!%' ESCAPE '!'` is stored as `d ~~ like_escape('a!%', '!')` (NOT LIKE,
        pattern = match.expression  # ILIKE alike), SIMILAR TO's as `d ~ similar_to_escape('a', '!')`
        if _is_similar(match):
            return match.__class__(this=match.this, expression=exp.Anonymous(
                this="similar_to_escape", expressions=pattern.expressions + [node.expression]))
        if not isinstance(match, OtherOperator) or match.args["op"].name in ("!~~", "!~~*"):
            escaped = match.copy()
            escaped.set("expression", exp.Anonymous(this="like_escape", expressions=[pattern.copy(), node.expression]))
            return escaped
    if isinstance(node, exp.Interval) and isinstance(node.this, exp.Literal):
        unit = node.args.get("unit")
        return _interval_literal(node.this.this, unit and unit.sql(dialect=DIALECT).lower())
    if isinstance(node, exp.BitString):
        return exp.Literal.string(node.this)
    if isinstance(node, (exp.ByteString, exp.RawString)):  # E'...' (sqlglot has decoded the escapes), $$...$$
        return exp.Literal.string(node.this)
    if isinstance(node, exp.UnicodeString):  # U&'...' [UESCAPE '!']
        escape = node.args.get("escape")
        return exp.Literal.string(_unicode_text(node.this, escape.name if escape else "\\"))
    if isinstance(node, exp.Identifier) and not node.quoted:
        return exp.Identifier(this=node.this.lower(), quoted=True)
    return node


def _rewrite_tree(node: exp.Expression, path: tuple[str, ...] = ()) -> exp.Expression:
    """The tree in normal form, in one bottom-up pass: children first, then the node, rewritten until
    no rule applies (`((x))` -> `(x)` -> `x`). No rule looks below a node's children, and the nodes a
    rule builds hold children already in normal form, so one pass is enough (tests/test_normalize.py
    checks normal_form(normal_form(x)) == normal_form(x))."""
    if (kept := late_bound(node)) is not None:
        return kept
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            new = _rewrite_tree(value, path)
            if new is not value:
                node.set(key, new)
        elif isinstance(value, list) and any(isinstance(v, exp.Expression) for v in value):
            node.set(key, [_rewrite_tree(v, path) if isinstance(v, exp.Expression) else v for v in value])
    for _ in range(16):
        new = _rewrite(node)
        if new is node:
            break
        node = new
    # (a name of public, pg_catalog or an extension's schema on the path: read again bare, compare.on_path)
    return node if (bare := unqualified(node, ALWAYS + path)) is None else _rewrite_tree(bare, path)


def rewritten_tree(tree: exp.Expression, path: tuple[str, ...] = ()) -> exp.Expression:
    """A parsed tree in normal form, unparenthesized (compare.literal_scales reads its literals)."""
    return _rewrite_tree(tree, path)


_OPERATORS = (exp.Binary, exp.Not, exp.Neg, exp.Predicate)


def _parenthesize(tree: exp.Expression) -> exp.Expression:
    """Every operand that is itself an operation in parentheses. The rewrite drops all parentheses
    (Postgres adds its own everywhere); printed without them, `NOT (a AND b)` and `(NOT a) AND b`
    would both read `NOT a AND b`. Fully parenthesized, the text of a normal form has one meaning."""
    for node in list(tree.walk()):
        if isinstance(node, _OPERATORS) and not isinstance(node, exp.Paren):
            for key in ("this", "expression"):
                child = node.args.get(key)
                if isinstance(child, _OPERATORS) and not isinstance(child, exp.Paren):
                    node.set(key, exp.Paren(this=child))
    return tree


def parsed_normal_form(text: str, path: tuple[str, ...] = ()) -> str:
    """normalize.normal_form of a text it does not remember, `path` after public (on_path): parsed, rewritten, printed;
    one sqlglot cannot read (a verbatim expression, pg.verbatim) is its text, blank space and comments aside."""
    try:
        tree = parse_to_compare(text)
        if not isinstance(tree, (exp.Condition, exp.Interval, exp.AtTimeZone)) and is_verbatim(text):
            return verbatim_text(text, path)  # sqlglot read another thing than the expression (`n < 1_000`)
        tree = _parenthesize(_rewrite_tree(tree, path))
    except (ValueError, RecursionError):
        return verbatim_text(text, path)
    try:
        return tree.sql(dialect=DIALECT)
    except Exception:  # what sqlglot parses but cannot print compares as its text, as when unparsable
        return verbatim_text(text, path)


def is_string_literal(text: str) -> bool:
    """A bare string literal ('off', '{1, 2}'): ValueError when the text does not parse."""
    tree = parse_to_compare(text)
    return isinstance(tree, exp.Literal) and tree.is_string


def renamed_column(text: str, old: str, new: str) -> str:
    """normalize.rename_column_in_expression's tree work (a verbatim expression's on its tokens)."""
    tree = parse_expression(text)
    if isinstance(tree, Verbatim):
        return renamed(text, old, quote_ident(new))
    for col in tree.find_all(exp.Column):
        i = col.this
        if isinstance(i, exp.Identifier) and (i.name if i.quoted else i.name.lower()) == old:
            col.set("this", ident(new))
    return tree.sql(dialect=DIALECT)
