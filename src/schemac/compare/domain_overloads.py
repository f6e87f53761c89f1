"""Functions and operators of a domain itself, beside the base type's: where a cast of the domain's value to its base
type chooses another one.

With f(d1) and f(integer) both present (d1 a domain over integer), `f(dc)` on a column of d1 calls f(d1) (an exact
match) and is stored so, `f(dc::integer)` calls f(integer) and is stored as `f((dc)::integer)`: two calls of two
functions, which compare.domain_casts (which drops such casts where a function or operator of the base type takes the
value, as Postgres prints them) would read alike. The same of an operator (`>(d1, integer)` beside integer's `>`:
`dc > 0` against `((dc)::integer > 0)`). A domain over a domain given to f is no exact match of f(d1) (Postgres
reduces it to its base type at the bottom: f(integer) is taken), so only the domain a value is of counts.

What is known here is schema.yaml's and the catalog's functions and operators (both sides), by name: a call of that
name with the value at that place (by position, arity and schema not looked at; an operator by its symbol, or by any
symbol where sqlglot's node does not say one) keeps its cast. A difference too many at worst, never one missed.
"""

from __future__ import annotations

from typing import Callable

from schemac.model import Schema
from schemac.pg.types import type_name

# Postgres's operator for each of sqlglot's nodes of one (IN and IS DISTINCT FROM compare with `=`, BETWEEN with
# `>=` and `<=`); a node not here, of an operator, counts as any symbol.
_SYMBOLS = {"GT": (">",), "GTE": (">=",), "LT": ("<",), "LTE": ("<=",), "EQ": ("=",), "NEQ": ("<>",), "Add": ("+",),
            "Sub": ("-",), "Mul": ("*",), "Div": ("/",), "Mod": ("%",), "Pow": ("^",), "Like": ("~~",),
            "ILike": ("~~*",), "DPipe": ("||",), "ArrayContainsAll": ("@>",), "ArrayContainedBy": ("<@",),
            "ArrayOverlaps": ("&&",), "BitwiseAnd": ("&",), "BitwiseOr": ("|",), "BitwiseXor": ("#",),
            "RegexpLike": ("~",), "RegexpILike": ("~*",), "Neg": ("-",), "BitwiseNot": ("~",), "NullSafeNEQ": ("=",),
            "NullSafeEQ": ("=",), "In": ("=",), "Between": (">=", "<=")}


def domain_overloads(schemas: tuple[Schema, ...], domains: tuple[dict, ...]) -> frozenset:
    """(name, position, domain) of each input argument of a function and each operand of an operator (0 left,
    1 right: a prefix operator's is 1) that is of a domain of `domains` (by (schema, name)), in any of `schemas`."""
    out = set()
    for schema in schemas:
        for f in schema.functions:
            for i, a in enumerate(a for a in f.arguments if a.mode != "out"):
                if any(type_name(a.type) in d for d in domains):
                    out.add((f.name.lower(), i, type_name(a.type)))
        for o in schema.operators:
            for i, side in enumerate((o.left, o.right)):
                if side is not None and any(type_name(side) in d for d in domains):
                    out.add((o.name, i, type_name(side)))
    return frozenset(out)


def lazy_overloads(schemas: tuple[Schema, ...], domains: tuple[dict, ...]) -> Callable[[], frozenset]:
    """domain_overloads, worked out when first asked (most diffs never ask: no table of theirs both differs and
    has a column of a domain), then kept."""
    found: list[frozenset] = []

    def get() -> frozenset:
        if not found:
            found.append(domain_overloads(schemas, domains))
        return found[0]
    return get


def chooses_overload(cast, domain: tuple[str, str], overloads: frozenset) -> bool:
    """Whether `cast` (of a value of `domain` to its base type) is an argument of a call, or an operand of an
    operator, of a name that `overloads` (domain_overloads) has taking `domain` at that place."""
    from sqlglot import exp

    from schemac.pg.operators import OtherOperator, PrefixOperator

    node, parent = cast, cast.parent
    while isinstance(parent, exp.Paren):
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if isinstance(parent, (exp.Binary, exp.Unary, exp.Predicate)) and not isinstance(parent, exp.Not):
        side = 0 if node is parent.args.get("this") and not isinstance(parent, exp.Unary) else 1
        if isinstance(parent, (OtherOperator, PrefixOperator)):
            symbols: tuple = (parent.args["op"].name,)
        elif isinstance(parent, exp.Operator):
            symbols = (str(parent.args.get("operator", "")).rpartition(".")[2],)
        else:
            symbols = _SYMBOLS.get(type(parent).__name__, ())
        return any(n == side and d == domain and (not symbols or s in symbols) for s, n, d in overloads)
    if isinstance(parent, exp.Anonymous):
        position = next((i for i, a in enumerate(parent.expressions) if a is node), None)
        return (parent.name.lower(), position, domain) in overloads
    if isinstance(parent, exp.Func):  # a call sqlglot knows (lower, length, ...): by name, at any place
        names = {n.lower() for n in type(parent).sql_names()}
        return any(s in names and d == domain for s, _, d in overloads)
    return False
