"""Fresh copies of the type and expression trees that statements embed, made without copy.deepcopy.

A statement owns its nodes (each knows its parent), so every column's type and default is a copy of
the tree parsed once per text (pg.types.build_type, pg.expressions.parse_expression). sqlglot's
`Expression.copy` goes through `copy.deepcopy`, with its memo, for every node and for the position
metadata of every parsed identifier: at 1,000 tables, 24,000 copies were 40% of planning. `clone`
builds the same tree (same classes, arguments, comments and metadata, each node's parent, key and
position in its list) directly; a tree it cannot copy that way (a type annotation, metadata or
comments holding other than plain values, a list inside a list) is copied by sqlglot instead.
tests/test_plan_trees.py holds clones equal to sqlglot's copies, node by node.
"""

from __future__ import annotations

from functools import lru_cache

from sqlglot import exp

from schemac.pg.expressions import parse_expression
from schemac.pg.types import build_type

_PLAIN = (int, str, bool, float, type(None))


class _NotPlain(Exception):
    pass


def _clone(node: exp.Expression) -> exp.Expression:
    new = type(node)()  # as sqlglot's __deepcopy__ makes each node
    if node.comments is not None:
        if not all(type(c) is str for c in node.comments):
            raise _NotPlain()
        new.comments = list(node.comments)
    if node._type is not None:
        raise _NotPlain()
    meta = node._meta
    if meta is not None:
        if not all(type(v) in _PLAIN for v in meta.values()):
            raise _NotPlain()
        new._meta = dict(meta)
    args = new.args
    for key, value in node.args.items():
        if isinstance(value, exp.Expression):
            child = _clone(value)
            child.parent, child.arg_key = new, key
            args[key] = child
        elif type(value) is list:
            items = []
            for item in value:
                if isinstance(item, exp.Expression):
                    child = _clone(item)
                    child.parent, child.arg_key, child.index = new, key, len(items)
                    items.append(child)
                elif type(item) is list:
                    raise _NotPlain()
                else:
                    items.append(item)
            args[key] = items
        else:
            args[key] = value
    return new


def clone(node: exp.Expression) -> exp.Expression:
    """A copy of `node`'s tree, as node.copy() makes it (the cached hash left out: recomputed on use)."""
    try:
        return _clone(node)
    except (_NotPlain, RecursionError):
        return node.copy()


@lru_cache(maxsize=4096)
def _type_tree(canonical: str) -> exp.DataType:
    return build_type(canonical)  # never handed out: only its clones are


@lru_cache(maxsize=8192)
def _expression_tree(text: str) -> exp.Expression:
    return parse_expression(text)  # never handed out: only its clones are


def fresh_type(canonical: str) -> exp.DataType:
    """build_type(canonical): a tree of its own, for a statement to embed."""
    return clone(_type_tree(canonical))  # type: ignore[return-value]


def fresh_expression(text: str) -> exp.Expression:
    """parse_expression(text): a tree of its own, for a statement to embed (ExpressionError as it raises)."""
    return clone(_expression_tree(text))


def release(tree: exp.Expression) -> None:
    """Let a statement's tree go as soon as its last reference does, without the cyclic collector: each
    node knows its parent, so a tree is a web of cycles that only a collection frees, and while
    `generate` plans thousands of statements the collections their allocation triggered were a third
    of planning (pg.collector.GCPause keeps them off there). Only for a tree nothing reads any more."""
    stack = [tree]
    while stack:
        node = stack.pop()
        node.parent = None
        for value in node.args.values():
            if isinstance(value, exp.Expression):
                stack.append(value)
            elif type(value) is list:
                stack.extend(item for item in value if isinstance(item, exp.Expression))


# What CREATE TABLE's and CREATE DOMAIN's DEFAULT takes bare (Postgres's b_expr): constants, names, calls, casts,
# arithmetic. Anything else (AT TIME ZONE, AND, IS NULL, LIKE, IN, BETWEEN, COLLATE, ...) it takes only in
# parentheses: `default: now() AT TIME ZONE 'utc'` was written bare, and the migration did not apply.
_BARE_DEFAULT = (exp.Literal, exp.Null, exp.Boolean, exp.Column, exp.Cast, exp.Paren, exp.Neg, exp.Add, exp.Sub,
                 exp.Mul, exp.Div, exp.Mod, exp.DPipe, exp.Var)
_OPERATORS = (exp.Binary, exp.Unary, exp.Predicate, exp.Connector)  # sqlglot's AND is a Func too


def default_expression(text: str) -> exp.Expression:
    """fresh_expression(text) as a DEFAULT clause takes it: in parentheses unless it is a b_expr for sure."""
    tree = fresh_expression(text)
    bare = isinstance(tree, _BARE_DEFAULT) or (isinstance(tree, exp.Func) and not isinstance(tree, _OPERATORS))
    return tree if bare else exp.Paren(this=tree)
