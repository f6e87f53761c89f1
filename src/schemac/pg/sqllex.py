"""Postgres's lexical rules, without a parser: where quotes, dollar quotes and comments begin and end, and
the tokens of one expression that sqlglot cannot read (pg.verbatim).

Shared by the migration splitter (migrations.sqltext: where a file's statements begin) and the verbatim
expressions of schema.yaml: both must see a ';' or a ')' inside '...', $tag$...$tag$ or a comment as text.
No sqlglot here: the normal form of a verbatim expression is taken on `diff`'s fast path too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An identifier's first character ([A-Za-z_] or any non-ASCII one), a later one (also [0-9$]), and a dollar
# quote's tag character ([A-Za-z0-9_], non-ASCII): written as what they exclude, which `re` compiles in
# well under a millisecond; the class spelled [A-Za-z_\u0080-\U0010ffff] takes ~15 ms of every start-up.
IDENT_START = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]"
IDENT_PART = r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
TAG_PART = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
DOLLAR = re.compile(rf"\$({IDENT_START}{TAG_PART}*)?\$")
WORD = re.compile(f"{IDENT_START}{IDENT_PART}*")  # an unquoted identifier (or keyword)
_NUMBER = re.compile(r"(?:0[xX][0-9A-Fa-f_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)"
                     r"(?:[eE][+-]?\d+)?)")
_OPERATOR = re.compile(r"[-+*/<>=~!@#%^&|`?]+")
_PREFIXES = ("e'", "b'", "x'", "n'", "u&'", 'u&"')  # E'...', B'...', X'...', N'...', U&'...', U&"..."


def block_comment_end(text: str, i: int) -> int:
    """Just past the (nested) /* */ comment opening at text[i]; len(text) when it is not closed."""
    level = 0
    while i < len(text):
        if text.startswith("/*", i):
            level, i = level + 1, i + 2
        elif text.startswith("*/", i):
            level, i = level - 1, i + 2
            if level == 0:
                return i
        else:
            i += 1
    return i


def quoted_end(text: str, i: int, quote: str, backslashes: bool) -> int:
    """Just past the string or identifier opening at text[i] (a doubled quote stays inside); len(text) + 1
    when it is not closed."""
    i += 1
    while i < len(text):
        c = text[i]
        if backslashes and c == "\\":
            i += 2
        elif c == quote:
            if text.startswith(quote, i + 1):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return len(text) + 1


class LexError(ValueError):
    """A quote, dollar quote or comment left open."""


def blank_end(text: str, i: int, strict: bool = False) -> int:
    """Just past the blank space and comments (-- and nested /* */) from text[i]; a /* left open runs to the
    end, or is a LexError when `strict`."""
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = block_comment_end(text, i)
            if strict and (not text.endswith("*/", 0, end) or end - i < 4):
                raise LexError("a /* comment is not closed")
            i = end
        else:
            break
    return i


@dataclass(frozen=True)
class Token:
    kind: str  # word (unquoted name or keyword), name ("quoted"), string, number, op, or the punctuation itself
    text: str
    start: int  # offset in the text
    depth: int  # parentheses and brackets open before it


def folded(t: Token) -> str:
    """A word or "quoted" name as Postgres resolves it: an unquoted one folds to lower case."""
    return t.text[1:-1].replace('""', '"') if t.kind == "name" else t.text.lower()


def tokens(text: str) -> list[Token]:
    """The tokens of `text`, comments and blank space left out (LexError when something is left open)."""
    out: list[Token] = []
    i, n, depth = 0, len(text), 0
    while i < n:
        i = blank_end(text, i, strict=True)
        if i >= n:
            break
        c = text[i]
        lower = text[i:i + 3].lower()
        prefix = next((p for p in _PREFIXES if lower.startswith(p)), None)
        if c in "'\"" or prefix is not None:
            quote = prefix[-1] if prefix else c
            at = i + (len(prefix) - 1 if prefix else 0)
            end = quoted_end(text, at, quote, backslashes=prefix == "e'")
            if end > n:
                raise LexError(f"a {quote} quote is not closed")
            out.append(Token("name" if quote == '"' else "string", text[i:end], i, depth))
            i = end
            continue
        if c == "$" and (m := DOLLAR.match(text, i)):
            close = text.find(m.group(0), m.end())
            if close < 0:
                raise LexError(f"the dollar quote {m.group(0)} is not closed")
            out.append(Token("string", text[i:close + len(m.group(0))], i, depth))
            i = close + len(m.group(0))
            continue
        if (m := _NUMBER.match(text, i)) and (c.isdigit() or c == "."):
            out.append(Token("number", m.group(0), i, depth))
            i = m.end()
            continue
        if m := WORD.match(text, i):
            out.append(Token("word", m.group(0), i, depth))
            i = m.end()
            continue
        if c == "$" and i + 1 < n and text[i + 1].isdigit():  # $1: a parameter
            j = i + 1
            while j < n and text[j].isdigit():
                j += 1
            out.append(Token("param", text[i:j], i, depth))
            i = j
            continue
        if text.startswith("::", i):
            out.append(Token("::", "::", i, depth))
            i += 2
            continue
        if c in "([":
            out.append(Token(c, c, i, depth))
            depth += 1
        elif c in ")]":
            depth -= 1
            out.append(Token(c, c, i, depth))
        elif c in ",;.:":
            out.append(Token(c, c, i, depth))
        elif m := _OPERATOR.match(text, i):
            out.append(Token("op", m.group(0), i, depth))
            i = m.end()
            continue
        else:
            out.append(Token("other", c, i, depth))
        i += 1
    return out


# The characters of Postgres's operator names (scan.l's op_chars; the backquote left out: sqlglot quotes with it).
OP_CHARS = frozenset("~!@#^&|?+-*/%<>=")
# A multi-character operator may end in + or - only when it holds one of these (scan.l).
_KEEPS_SIGN = frozenset("~!@#^&|`?%")


def top_level_semicolons(text: str) -> list[int] | None:
    """Where the `;`s outside strings, comments and parentheses stand (a body's statements end there); None where
    Postgres's lexical rules cannot read the text."""
    try:
        return [t.start for t in tokens(text) if t.text == ";" and t.depth == 0]
    except LexError:
        return None


def operator_run(text: str) -> list[str]:
    """A run of operator characters cut as Postgres's lexer cuts it: the longest name first, trailing + and -
    given back unless the name holds one of `_KEEPS_SIGN` (`=-1` is `=` then `-`, `===` one name)."""
    out, i = [], 0
    while i < len(text):
        n = len(text) - i
        if n > 1 and text[i + n - 1] in "+-" and not _KEEPS_SIGN & set(text[i:i + n - 1]):
            while n > 1 and text[i + n - 1] in "+-":
                n -= 1
        out.append(text[i:i + n])
        i += n
    return out


_QUOTED_NAME = re.compile(r'"((?:[^"]|"")+)"')


def names_in(text: str) -> frozenset[str] | None:
    """The names `text` (a body Postgres keeps as text: PL/pgSQL, a quoted SQL body) may refer to: its words folded
    and its "quoted" names, and those its strings hold, as written and folded (dynamic SQL: `EXECUTE 'SELECT ... FROM
    stats'`, `format('%I', 'stats')`); not its comments, nor a name inside another (`stats$old`, `"old stats"`).
    None where Postgres's lexical rules cannot read it."""
    try:
        toks = tokens(text)
    except LexError:
        return None
    out: set[str] = set()
    for t in toks:
        if t.kind in ("word", "name"):
            out.add(folded(t))
        elif t.kind == "string":
            out |= {n.replace('""', '"') for n in _QUOTED_NAME.findall(t.text)}
            out |= {w for word in WORD.findall(t.text) for w in (word, word.lower())}
    return frozenset(out)


def may_name(text: str, names: set[str]) -> bool:
    """Whether a body kept as text may name one of `names` (names_in); where it does not lex, whether it holds one in
    any letter case."""
    named = names_in(text)
    return bool(names & named) if named is not None else any(n.lower() in text.lower() for n in names)
