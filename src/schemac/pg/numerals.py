"""PostgreSQL 16's numeric literals that sqlglot's tokenizer cuts otherwise: `0x10`, `0o17` and `0b101` (integers to
Postgres 16 and later, bit strings or a number followed by a name to sqlglot) and digits with underscores
(`1_000_000`, `1_000.5`). Each becomes one NUMBER token of the value's decimal spelling, which Postgres reads as the
same constant of the same type (scan.l's process_integer_literal) and stores as such: `c > 0x10` is `(c > 16)` in the
catalog. PostgreSQL 15 and earlier refuse these spellings ("trailing junk after numeric literal"), so no other
meaning is lost."""

from __future__ import annotations

import re

from sqlglot.tokens import Token, TokenType

_DEC = r"[0-9](?:_?[0-9])*"
# scan.l's hexinteger, octinteger, bininteger; numeric and real over decinteger
_NUMERAL = re.compile(rf"0[xX](?:_?[0-9A-Fa-f])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+"
                      rf"|(?:{_DEC}\.(?:{_DEC})?|\.{_DEC}|{_DEC})(?:[Ee][-+]?{_DEC})?")
_BASES = {"x": 16, "o": 8, "b": 2}
_STARTS = (TokenType.NUMBER, TokenType.HEX_STRING, TokenType.BIT_STRING, TokenType.DOT)


def _decimal(text: str) -> str:
    digits = text.replace("_", "")
    base = _BASES.get(digits[1:2].lower()) if digits[:1] == "0" else None
    return str(int(digits[2:], base)) if base else digits


def merge_numerals(tokens: list[Token], sql: str) -> list[Token]:
    """The tokens with each prefixed or underscored numeral one NUMBER token of its decimal spelling; a numeral whose
    end does not fall on a token's end (trailing junk, which Postgres refuses) is left as sqlglot cut it."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        found = _NUMERAL.match(sql, token.start) if token.token_type in _STARTS else None
        text = found.group() if found else ""
        if not text or ("_" not in text and text[1:2].lower() not in _BASES) \
                or (token.start and (sql[token.start - 1].isalnum() or sql[token.start - 1] in "_$")):
            out.append(token)
            i += 1
            continue
        end, j = found.end() - 1, i
        while j + 1 < len(tokens) and tokens[j + 1].start <= end:
            j += 1
        if tokens[j].end != end:
            out.append(token)
            i += 1
            continue
        out.append(Token(TokenType.NUMBER, _decimal(text), token.line, token.col, token.start, end,
                         [c for t in tokens[i:j + 1] for c in t.comments]))
        i = j + 1
    return out
