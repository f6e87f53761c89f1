"""Where the statements of a migration file begin and end, to name the one the server refused.

A file is always run whole, as sqlx runs it (one query string); this split only tells the statements
apart afterwards, so a mistake here can blur a message, never change what runs. It follows psql's
lexer: semicolons end statements except inside '...' and E'...' strings, "..." identifiers, $tag$
dollar quotes, -- and (nested) /* */ comments, parentheses, and the BEGIN ATOMIC ... END body of a
function or procedure (PostgreSQL 14+).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from schemac.pg.sqllex import DOLLAR as _DOLLAR, WORD, blank_end, quoted_end


@dataclass(frozen=True)
class Statement:
    text: str  # without the comments and blank lines before it, with its semicolon
    start: int  # offset of its first character in the file's text
    end: int  # offset just past it
    line: int  # 1-based line of its first character

    @property
    def first_line(self) -> str:
        line = self.text.split("\n", 1)[0].strip()
        return line if "\n" not in self.text.strip() else line + " ..."


def split(text: str) -> list[Statement]:
    """The statements of `text`, in order (comments-only stretches are not statements)."""
    out: list[Statement] = []
    i, n = 0, len(text)
    start: Optional[int] = None  # offset of the current statement's first token
    depth = 0  # parentheses
    words: list[str] = []  # the current statement's first keywords, and BEGIN/END nesting of a body
    body = 0
    while i < n:
        i = blank_end(text, i)
        if i >= n:
            break
        c = text[i]
        if start is None:
            start = i
        if c == "'" or (c in "eE" and text.startswith("'", i + 1)):
            i = min(quoted_end(text, i + (c != "'"), "'", backslashes=c != "'"), n)
        elif c == '"':
            i = min(quoted_end(text, i, '"', backslashes=False), n)
        elif c == "$" and (m := _DOLLAR.match(text, i)) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = text.find(m.group(0), m.end())
            i = n if close < 0 else close + len(m.group(0))
        elif c == "(":
            depth += 1
            i += 1
        elif c == ")":
            depth = max(depth - 1, 0)
            i += 1
        elif c == ";" and depth == 0 and body == 0:
            out.append(_statement(text, start, i + 1))
            start, words, body = None, [], 0
            i += 1
        elif (m := WORD.match(text, i)) and not (i and (text[i - 1].isalnum() or text[i - 1] in "_$")):
            word = m.group(0).lower()
            if len(words) < 6:
                words.append(word)
            if depth == 0 and _in_routine(words):
                if word == "begin" or (body and word == "case"):
                    body += 1
                elif body and word == "end":
                    body -= 1
            i = m.end()
        else:
            i += 1
    if start is not None:
        out.append(_statement(text, start, n))
    return out


def _in_routine(words: list[str]) -> bool:
    """CREATE [OR REPLACE] FUNCTION/PROCEDURE: its BEGIN ATOMIC body holds semicolons (psql's rule)."""
    return words[:1] == ["create"] and bool({"function", "procedure"} & set(words[1:4]))


def _statement(text: str, start: int, end: int) -> Statement:
    return Statement(text[start:end], start, end, text.count("\n", 0, start) + 1)


def at(statements: list[Statement], offset: int) -> Optional[Statement]:
    """The statement holding character `offset` (0-based), if any."""
    for s in statements:
        if s.start <= offset < s.end:
            return s
    return None
