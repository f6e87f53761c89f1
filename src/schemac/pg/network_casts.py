"""A cidr beside another network value, as Postgres stores it: cast to inet, whose operators cidr takes.

cidr has no operators of its own: `cn = ip` of a cidr cn and an inet ip is stored `((cn)::inet = ip)`, `cn = cn2` of
two cidrs `((cn)::inet = (cn2)::inet)`, `cn << ip` `((cn)::inet << ip)`, `cn BETWEEN ip AND cn2` with each bound so,
and a cidr constant `cn = '10/8'::cidr` `((cn)::inet = ('10.0.0.0/8'::cidr)::inet)`: each cidr operand (a column of
that type, a value cast to it) of a comparison, IN, BETWEEN or inet's <<, <<=, >>, >>=, && whose every operand is of
the family (a cidr or inet column, a value cast to either, a string) is cast to inet. pg.typed_strings runs it (after
it has typed the strings beside such columns) on expressions that name a cidr column; the normal form, which sees no
column types, compares the casts as written. A cidr's IN of two strings or more is stored as an array of cidrs cast to
inet[], `((cn)::inet = ANY ((ARRAY['10.0.0.0/8'::cidr, '11.0.0.0/8'::cidr])::inet[]))` (NOT IN `<> ALL`), which
cidr_array_compared writes (the array cast to cidr[] first, which Postgres drops: cast to inet[] alone, each element
would be cast).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

_FAMILY = ("inet", "cidr")


def names_a_column(text: str, names: Iterable[str]) -> bool:
    """Whether `text` may name one of `names` (a word of it, in any case): a cheap look, more, never less."""
    lowered = text.lower()
    return any(re.search(rf"(?<![\w$]){re.escape(n.lower())}(?![\w$])", lowered) for n in names)


def cidrs_cast(tree, type_of: Callable[[object], Optional[str]]) -> bool:
    """Cast to inet, in `tree`, each cidr operand of an operator of inet's all of whose operands are network values
    (`type_of`: a column's cast type, pg.typed_strings'); whether one was."""
    from sqlglot import exp

    from schemac.pg.operators import OtherOperator

    def family(node) -> Optional[str]:
        bare = node
        while isinstance(bare, exp.Paren):
            bare = bare.this
        if isinstance(bare, exp.Literal) and bare.is_string:
            return "string"
        if isinstance(bare, exp.Cast) and isinstance(bare.to, exp.DataType):
            to = bare.to
            named = to.args["kind"].name.lower() if isinstance(to.args.get("kind"), exp.Identifier) else None
            return "inet" if to.this == exp.DataType.Type.INET else "cidr" if named == "cidr" else None
        kind = type_of(node)
        return kind if kind in _FAMILY else None

    def inet(node):
        return exp.Cast(this=node.copy(), to=exp.DataType.build("inet"))

    done = False
    comparisons = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ,
                   exp.ArrayOverlaps, OtherOperator, exp.Between, exp.In)
    for node in list(tree.find_all(*comparisons)):
        if isinstance(node, OtherOperator) and node.args["op"].name not in ("<<", "<<=", ">>", ">>="):
            continue
        keys = ["this", "low", "high"] if isinstance(node, exp.Between) else ["this"] if isinstance(node, exp.In) \
            else ["this", "expression"]
        operands = [node.args.get(k) for k in keys] + (list(node.expressions) if isinstance(node, exp.In) else [])
        if isinstance(node, exp.In) and (node.args.get("query") or not node.expressions or "string" in map(
                family, node.expressions)):
            continue  # (a cidr's IN of strings: an array of cidrs cast to inet[], which no cast written here builds)
        kinds = [family(o) if o is not None else None for o in operands]
        if None in kinds or "cidr" not in kinds:
            continue
        for key in keys:
            if family(node.args[key]) == "cidr":
                node.set(key, inet(node.args[key]))
        if isinstance(node, exp.In):
            node.set("expressions", [inet(e) if family(e) == "cidr" else e for e in node.expressions])
        done = True
    return done


def cidr_array_compared(tree, node):
    """`tree` with `node`, a cidr's IN of strings, as Postgres stores it: `CAST(cn AS inet) = ANY (CAST(CAST(ARRAY[
    CAST('10/8' AS cidr), ...] AS cidr[]) AS inet[]))`, NOT IN with `<> ALL`."""
    from sqlglot import exp

    def of(kind: str, array: bool = False):
        element = exp.DataType.build("inet") if kind == "inet" else exp.DataType.build("cidr", udt=True)
        return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element], nested=True) if array else element

    negated = isinstance(node.parent, exp.Not)
    whole = node.parent if negated else node
    array = exp.Array(expressions=[exp.Cast(this=e.copy(), to=of("cidr")) for e in node.expressions])
    inets = exp.Cast(this=exp.Cast(this=array, to=of("cidr", True)), to=of("inet", True))
    column = exp.Cast(this=node.this.copy(), to=of("inet"))
    compared = exp.NEQ(this=column, expression=exp.All(this=inets)) if negated else \
        exp.EQ(this=column, expression=exp.Any(this=exp.Paren(this=inets)))
    if whole is tree:
        return compared
    whole.replace(compared)
    return tree
