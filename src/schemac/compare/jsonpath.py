"""jsonpath constants in normal forms (compare.rewrite): Postgres stores a jsonpath as its own print of the path it
parsed (`'$.a ? (@ > 1)'` is `'$."a"?(@ > 1)'::jsonpath`, `'$.a == 1'` is `'($."a" == 1)'::jsonpath`), so both
spellings are read here and printed one way: keys quoted, every operation in parentheses, `lax` (the default) left
out, numbers in one spelling. A string is read so where Postgres reads it as a jsonpath: cast to jsonpath, beside
`@?` or `@@`, or a path argument of the jsonb_path_* functions; one that does not parse stays as it is (`tsv @@
'cat & dog'` is a tsquery)."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from sqlglot import exp

from schemac.pg.syntax import SpelledCall

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<var>\$(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+)?)'
                    r'|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<word>[A-Za-z_][A-Za-z0-9_]*)'
                    r'|(?P<op>&&|\|\||==|!=|<>|<=|>=|\*\*|[<>!+\-*/%()\[\]{},.?@]))')
_COMPARE = ("==", "!=", "<>", "<", "<=", ">", ">=")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(text.rstrip()):
        m = _TOKEN.match(text, i)
        if m is None:
            raise ValueError(text)
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        i = m.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.toks, self.i = _tokens(text), 0

    def peek(self, n: int = 0) -> tuple[str, str]:
        return self.toks[self.i + n] if self.i + n < len(self.toks) else ("end", "")

    def take(self, value: Optional[str] = None) -> str:
        kind, v = self.peek()
        if kind == "end" or (value is not None and v != value):
            raise ValueError(value)
        self.i += 1
        return v

    def at(self, *values: str) -> bool:
        kind, v = self.peek()
        return kind in ("op", "word") and v in values

    def top(self) -> str:
        mode = "strict " if self.at("strict") else ""
        if self.at("strict", "lax"):
            self.take()
        out = self.or_()
        if self.peek()[0] != "end":
            raise ValueError("trailing")
        return mode + out

    def or_(self) -> str:
        out = self.and_()
        while self.at("||"):
            self.take()
            out = f"({out} || {self.and_()})"
        return out

    def and_(self) -> str:
        out = self.not_()
        while self.at("&&"):
            self.take()
            out = f"({out} && {self.not_()})"
        return out

    def not_(self) -> str:
        if self.at("!"):
            self.take()
            return f"!({self.not_()})"
        return self.compare()

    def compare(self) -> str:
        left = self.additive()
        if self.at(*_COMPARE):
            op = self.take()
            return f"({left} {'!=' if op == '<>' else op} {self.additive()})"
        if self.at("starts"):
            self.take(), self.take("with")
            return f"({left} starts with {self.primary()})"
        if self.at("like_regex"):
            self.take()
            out = f"({left} like_regex {self.string()}"
            if self.at("flag"):
                self.take()
                out += f" flag {self.string()}"
            return out + ")"
        return left

    def string(self) -> str:
        kind, v = self.peek()
        if kind != "str":
            raise ValueError(v)
        self.take()
        return json.dumps(json.loads(v), ensure_ascii=False)

    def additive(self) -> str:
        out = self.multiplicative()
        while self.at("+", "-"):
            op = self.take()
            out = f"({out} {op} {self.multiplicative()})"
        return out

    def multiplicative(self) -> str:
        out = self.unary()
        while self.at("*", "/", "%"):
            op = self.take()
            out = f"({out} {op} {self.unary()})"
        return out

    def unary(self) -> str:
        if self.at("+", "-"):
            op = self.take()
            operand = self.unary()
            if re.fullmatch(r"-?[\d.]+", operand):  # a number's sign is the number's (Postgres folds it)
                return _number(op + operand) if op == "-" else operand
            return f"({op}{operand})"
        return self.accessors(self.primary())

    def primary(self) -> str:
        kind, v = self.peek()
        if kind == "str":
            return self.string()
        self.take()
        if kind == "num":
            return _number(v)
        if kind == "var":
            return "$" if v == "$" else "$" + json.dumps(json.loads(v[1:]) if v[1] == '"' else v[1:])
        if v in ("@", "last", "true", "false", "null"):
            return v
        if v == "exists":
            self.take("(")
            out = self.or_()
            self.take(")")
            return f"exists ({out})"
        if v == "(":
            out = self.or_()
            self.take(")")
            if self.at("is"):
                self.take(), self.take("unknown")
                return f"(({out}) is unknown)"
            return out
        raise ValueError(v)

    def accessors(self, out: str) -> str:
        while True:
            if self.at("."):
                self.take()
                out += self.member()
            elif self.at("["):
                self.take()
                out += self.subscripts()
            elif self.at("?"):
                self.take(), self.take("(")
                out += f"?({self.or_()})"
                self.take(")")
            else:
                return out

    def member(self) -> str:
        kind, v = self.peek()
        if v == "*" and kind == "op":
            self.take()
            return ".*"
        if v == "**" and kind == "op":
            self.take()
            levels = ""
            if self.at("{"):
                self.take()
                levels = self.level()
                if self.at("to"):
                    self.take()
                    levels += " to " + self.level()
                self.take("}")
                levels = "{" + levels + "}"
            return ".**" + levels
        if kind == "str":
            return "." + self.string()
        if kind != "word":
            raise ValueError(v)
        self.take()
        if self.at("("):  # a method: .size(), .datetime("..."), .decimal(10, 2)
            self.take()
            args = []
            while not self.at(")"):
                args.append(self.unary())
                if self.at(","):
                    self.take()
            self.take(")")
            return f".{v}({', '.join(args)})"
        return "." + json.dumps(v)

    def level(self) -> str:
        return "last" if self.at("last") and self.take() else _number(self.take())

    def subscripts(self) -> str:
        if self.at("*"):
            self.take(), self.take("]")
            return "[*]"
        items = []
        while True:
            item = self.or_()
            if self.at("to"):
                self.take()
                item += " to " + self.or_()
            items.append(item)
            if not self.at(","):
                break
            self.take()
        self.take("]")
        return "[" + ", ".join(items) + "]"


def _number(text: str) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text)
    return format(value.normalize().copy_abs() if value.is_zero() else value.normalize(), "f")


def canonical_jsonpath(text: str) -> Optional[str]:
    """The one spelling of a jsonpath, or None where the text is not one this reads."""
    try:
        return _Parser(text).top()
    except (ValueError, IndexError, json.JSONDecodeError):
        return None


def _path(node: exp.Expression) -> exp.Expression:
    """A string literal as its jsonpath's one spelling (a Literal 'jsonpath:...'), else the node."""
    if isinstance(node, exp.Literal) and node.is_string and not node.this.startswith("jsonpath:"):
        canonical = canonical_jsonpath(node.this)
        if canonical is not None:
            return exp.Literal.string("jsonpath:" + canonical)
    return node


_SQL_JSON_QUERIES = {"JSON_VALUE", "JSON_QUERY", "JSON_EXISTS"}


def _is_jsonpath(to: exp.Expression) -> bool:
    return isinstance(to, exp.DataType) and to.this == exp.DataType.Type.USERDEFINED \
        and str(to.args.get("kind")).lower() in ("jsonpath", "pg_catalog.jsonpath")


def jsonpath_literals(node: exp.Expression) -> Optional[exp.Expression]:
    """`'$.a'::jsonpath`, `j @? '$.a'`, `j @@ '$.a == 1'`, `jsonb_path_exists(j, '$.a')` with the path in its one
    spelling; None where there is none to read."""
    if isinstance(node, exp.Cast) and _is_jsonpath(node.to):
        path = _path(node.this)
        return path if path is not node.this else None
    if isinstance(node, exp.Anonymous) and str(node.this).lower().startswith("jsonb_path_") and len(node.expressions) > 1:
        args = [node.expressions[0], _path(node.expressions[1]), *node.expressions[2:]]
        return exp.Anonymous(this=node.this, expressions=args) if args[1] is not node.expressions[1] else None
    if isinstance(node, SpelledCall) and str(node.this).upper() in _SQL_JSON_QUERIES and len(node.expressions) > 2 \
            and isinstance(node.expressions[1], exp.Var) and node.expressions[1].this == ",":
        path = _path(node.expressions[2])  # JSON_VALUE(j, '$.a' ...): the path is a jsonpath constant
        return SpelledCall(this=node.this, expressions=[*node.expressions[:2], path, *node.expressions[3:]]) \
            if path is not node.expressions[2] else None
    if isinstance(node, (exp.JSONBPathExists, exp.MatchAgainst)):
        changed = False
        for key in ("this", "expression"):
            child = node.args.get(key)
            if isinstance(child, exp.Literal) and _path(child) is not child:
                node.set(key, _path(child))
                changed = True
        return node.copy() if changed else None
    return None
