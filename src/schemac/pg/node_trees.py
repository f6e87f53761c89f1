"""A pg_node_tree's text (pg_proc.prosqlbody: outfuncs.c's print of a parse tree, `{PARAM :paramkind 0 :paramid 3
...}`) read as Python values, for what a SQL-standard body's deparse does not say (pg.param_order)."""

from __future__ import annotations

import re
from typing import Any

# outfuncs.c's tokens (readfuncs.c pg_strtok): a bracket or brace alone, else a run up to blank or bracket, a
# backslash escaping the character after it
_TOKEN = re.compile(r"[(){}]|(?:\\.|[^\s(){}\\])+")


class Untold(Exception):
    """A walk met a form whose print order it does not model, around a parameter."""


def node_tree(text: str) -> Any:
    """A pg_node_tree's text as Python: a node a dict (its type under "", each :field by name), a list a list, any
    other value its token (a Const's bytes and such are not kept whole: nothing here reads them)."""
    toks = _TOKEN.findall(text)
    value, _ = _parsed(toks, 0)
    return value


def _parsed(toks: list[str], i: int) -> tuple[Any, int]:
    t = toks[i]
    if t == "(":
        items, i = [], i + 1
        while toks[i] != ")":
            item, i = _parsed(toks, i)
            items.append(item)
        return items, i + 1
    if t != "{":
        return (None if t == "<>" else t), i + 1
    node: dict[str, Any] = {"": toks[i + 1]}
    i += 2
    while toks[i] != "}":
        field, i = toks[i][1:], i + 1
        value = None
        if toks[i] != "}" and not toks[i].startswith(":"):
            value, i = _parsed(toks, i)
            while toks[i] != "}" and not toks[i].startswith(":"):  # (a Const's `4 [ 1 0 0 0 ]`)
                _, i = _parsed(toks, i)
        node[field] = value
    return node, i + 1


def has_parameter(x: Any) -> bool:
    """Whether a tree holds a reference to one of the function's parameters (PARAM_EXTERN)."""
    if isinstance(x, dict):
        return (x[""] == "PARAM" and x.get("paramkind") == "0") or any(has_parameter(v) for v in x.values())
    return isinstance(x, list) and any(has_parameter(v) for v in x)


def nonjunk(tlist: Any) -> list[dict]:
    """A target list's entries that are printed (not resjunk: a sort key or a multiple assignment's source)."""
    return [t for t in tlist or () if t.get("resjunk") != "true"]
