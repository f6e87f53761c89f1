"""tsquery constants in normal forms (compare.rewrite): Postgres stores `tsv @@ 'cat & dog'` as the constant it
parsed, printed its way, `'''cat'' & ''dog'''::tsquery` (each lexeme quoted, `<1>` as `<->`, weights after `:` in
order, parentheses only where the operators' precedence needs them). Both spellings are read here and printed one way
(every operation in parentheses, `&` and `|` chains flattened: Postgres prints `a | (b | c)` as `a | b | c`). A string
is read so where it is `@@`'s operand (not a jsonpath: compare.jsonpath reads those first); one that does not parse as
a tsquery stays as it is."""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp

_TOKEN = re.compile(r"\s*(?:(?P<quoted>'(?:[^'\\]|''|\\.)*')|(?P<op><->|<\d+>|[&|!()])"
                    r"|(?P<word>[^\s&|!():'<]+))(?P<suffix>:[*A-Da-d]+)?")


def _lexeme(text: str, suffix: Optional[str]) -> str:
    mark = ""
    if suffix:
        body = suffix[1:].upper()
        mark = ":" + ("*" if "*" in body else "") + "".join(sorted(set(body) - {"*"}))
    return "'" + text.replace("'", "''") + "'" + mark


def _tokens(text: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(text.rstrip()):
        m = _TOKEN.match(text, i)
        if m is None or m.end() == i:
            raise ValueError(text)
        if m.group("op"):
            out.append(("op", "<->" if m.group("op") == "<1>" else m.group("op")))
        else:
            raw = m.group("quoted")
            word = re.sub(r"''|\\(.)", lambda x: x.group(1) or "'", raw[1:-1]) if raw else m.group("word")
            out.append(("lexeme", _lexeme(word, m.group("suffix"))))
        i = m.end()
    return out


class _Parser:
    """A tree of tuples: ("lexeme", text), ("!", node), (op, [nodes]) for & and | (a chain), ("<->"|"<n>", l, r)."""

    def __init__(self, text: str):
        self.toks, self.i = _tokens(text), 0

    def at(self, *ops: str) -> bool:
        return self.i < len(self.toks) and self.toks[self.i][0] == "op" and (
            self.toks[self.i][1] in ops or ("<n>" in ops and re.fullmatch(r"<\d+>", self.toks[self.i][1])))

    def chain(self, op: str, below) -> tuple:
        items = []
        while True:
            item = below()
            items += item[1] if item[0] == op else [item]  # `a & (b & c)` is `a & b & c` (Postgres prints it so)
            if not self.at(op):
                break
            self.i += 1
        return items[0] if len(items) == 1 else (op, items)

    def or_(self) -> tuple:
        return self.chain("|", self.and_)

    def and_(self) -> tuple:
        return self.chain("&", self.phrase)

    def phrase(self) -> tuple:
        out = self.not_()
        while self.at("<->", "<n>"):
            op = self.toks[self.i][1]
            self.i += 1
            out = (op, out, self.not_())
        return out

    def not_(self) -> tuple:
        if self.at("!"):
            self.i += 1
            return ("!", self.not_())
        if self.at("("):
            self.i += 1
            out = self.or_()
            if not self.at(")"):
                raise ValueError("(")
            self.i += 1
            return out
        if self.i >= len(self.toks) or self.toks[self.i][0] != "lexeme":
            raise ValueError("lexeme")
        self.i += 1
        return ("lexeme", self.toks[self.i - 1][1])


def _printed(node: tuple) -> str:
    if node[0] == "lexeme":
        return node[1]
    if node[0] == "!":
        return "!" + _printed(node[1])
    if node[0] in ("&", "|"):
        return "(" + f" {node[0]} ".join(_printed(n) for n in node[1]) + ")"
    return f"({_printed(node[1])} {node[0]} {_printed(node[2])})"


def canonical_tsquery(text: str) -> Optional[str]:
    """The one spelling of a tsquery, or None where the text is not one this reads."""
    try:
        parser = _Parser(text)
        out = parser.or_()
    except (ValueError, IndexError, RecursionError):
        return None
    return _printed(out) if parser.i == len(parser.toks) else None


_VECTOR_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|'')*)'|([^\s:'\\]+))(?::((?:\d+[A-Da-d]?)(?:,\d+[A-Da-d]?)*))?(?=\s|$)")
_WEIGHTS = {"A": 3, "B": 2, "C": 1, "D": 0}


def canonical_tsvector(text: str) -> Optional[str]:
    """A tsvector's text as its output prints it, `'b a:3A,1'` as `'a':1,3A 'b'` (lexemes sorted by their bytes, once
    each, their positions merged, sorted, each once with its highest weight, D unprinted), or None where this does not
    read it (a backslash, a position out of range: left as written)."""
    lexemes: dict[str, dict[int, int]] = {}
    i, end = 0, len(text.rstrip())
    while i < end:
        m = _VECTOR_TOKEN.match(text, i)
        if m is None or m.end() == i:
            return None
        word = m[1].replace("''", "'") if m[1] is not None else m[2]
        positions = lexemes.setdefault(word, {})
        for p in (m[3].split(",") if m[3] else ()):
            weight = _WEIGHTS[p[-1].upper()] if p[-1].isalpha() else 0
            at = int(p.rstrip("ABCDabcd"))
            if not 0 < at < 16384:
                return None
            positions[at] = max(weight, positions.get(at, 0))
        i = m.end()
    letters = {3: "A", 2: "B", 1: "C", 0: ""}
    return " ".join("'" + w.replace("'", "''") + "'" + (":" + ",".join(f"{p}{letters[v]}" for p, v in
                                                                        sorted(lexemes[w].items())) if lexemes[w] else "")
                    for w in sorted(lexemes, key=lambda w: w.encode()))


def tsquery_literals(node: exp.Expression) -> Optional[exp.Expression]:
    """`tsv @@ 'cat & dog'` with the query in its one spelling (a Literal 'tsquery:...'); None where there is none."""
    if not isinstance(node, exp.MatchAgainst):
        return None
    changed = False
    for key in ("this", "expression"):
        child = node.args.get(key)
        if isinstance(child, exp.Literal) and child.is_string and not child.this.startswith(("jsonpath:", "tsquery:")):
            canonical = canonical_tsquery(child.this)
            if canonical is not None:
                node.set(key, exp.Literal.string("tsquery:" + canonical))
                changed = True
    return node.copy() if changed else None
