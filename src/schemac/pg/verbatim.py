"""Expressions sqlglot cannot read, kept as written ("verbatim") rather than refused.

A real database holds expressions of shapes sqlglot does not know (``(n)::numeric(5,-2)``, a policy over
``JSON_TABLE(...)``), and `inspect` writes Postgres's own deparse of them: refusing them at load would
make the tool unusable on that database. Such a text is kept when it is plausibly one expression (it
tokenizes by Postgres's rules, its parentheses and brackets balance, it holds no ';', no top-level comma
or clause keyword, does not start as a statement, and holds no subquery where Postgres allows none);
anything else keeps the loader's error. What is kept reaches the DDL unchanged, in parentheses
(pg.syntax.Verbatim), and is compared as text: blank space and comments outside quotes aside
(normal_text). What it loses, being unread: see docs/architecture.md ("Verbatim expressions").

No sqlglot here: the normal form of a verbatim text is also taken where sqlglot is not imported.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Optional

from schemac.pg.sqllex import LexError, Token, tokens
from schemac.pg.sqllex import folded as _name  # (a name as Postgres resolves it)

Tokens = tuple[Token, ...]  # (a text's tokens as _lexed keeps them: shared by its callers, so never changed)

# Words that start a statement, never an expression (Postgres's statement keywords that are not also
# expression syntax; a subquery starts with '(' and a call such as delete(h, 'k') is read by sqlglot).
STATEMENT_WORDS = frozenset({
    "SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "DROP", "CREATE", "ALTER", "GRANT", "REVOKE",
    "TRUNCATE", "COPY", "VALUES", "TABLE", "SET", "RESET", "BEGIN", "COMMIT", "ROLLBACK", "ABORT", "START",
    "SAVEPOINT", "RELEASE", "DO", "CALL", "EXPLAIN", "ANALYZE", "ANALYSE", "VACUUM", "LOCK", "DECLARE",
    "EXECUTE", "PREPARE", "DEALLOCATE", "LISTEN", "UNLISTEN", "NOTIFY", "SHOW", "COMMENT", "REINDEX", "CLUSTER",
    "REFRESH", "SECURITY", "IMPORT", "DISCARD", "CHECKPOINT", "LOAD", "FETCH", "MOVE", "CLOSE", "REASSIGN"})
# Words of a query's clauses: outside parentheses, never part of one expression.
CLAUSE_WORDS = frozenset({"AS", "WHERE", "INTO", "UNION", "INTERSECT", "EXCEPT", "ORDER", "GROUP", "HAVING",
                          "LIMIT", "OFFSET", "FETCH", "RETURNING", "WINDOW", "SELECT"})
_CLOSING = {")": "(", "]": "["}
# An expression never ends with these (nor has one right before ')', ',' or ']'): the text is unfinished, a typo
# (`a >`), which stays the loader's error. `*` ends `count(*)` and `t.*`.
_OPERAND_NEEDED = frozenset({"AND", "OR", "NOT", "IS", "IN", "LIKE", "ILIKE", "SIMILAR", "BETWEEN", "ESCAPE",
                             "COLLATE", "AT", "OPERATOR", "CASE", "WHEN", "THEN", "ELSE", "ARRAY", "DISTINCT", "TO",
                             "OVERLAPS", "ANY", "ALL", "SOME", "EXISTS", "UESCAPE"})
# One spelling of the blank space between two tokens, whatever was written: none after these, none before
# those (and none before '(' or '[' after a name, a call's or a subscript's), one space elsewhere.
_TIGHT_AFTER = frozenset({"(", "[", ".", "::"})
_TIGHT_BEFORE = frozenset({")", "]", ",", ".", "::"})
_OPENERS = frozenset({"(", "["})
_ENDS_OPERAND = frozenset({"word", "name", ")", "]"})
WARNING = "sqlglot cannot read this expression; kept verbatim and compared as text"


def refusal(text: str, subqueries: bool = False) -> Optional[str]:
    """Why `text` is not plausibly one SQL expression (the reason, worded as the loader's errors are), or
    None when it is. `subqueries`: where Postgres allows them (a policy's condition)."""
    try:
        toks = tokens(text)
    except LexError as e:
        return f"is not valid SQL ({e})"
    if not toks:
        return "is empty"
    stack: list[str] = []
    for t in toks:
        if t.kind in ("(", "["):
            stack.append(t.kind)
        elif t.kind in _CLOSING:
            if not stack or stack.pop() != _CLOSING[t.kind]:
                return "is not valid SQL (its parentheses or brackets do not balance)"
        elif t.kind == ";":
            return "must be exactly one SQL expression (it holds a ';')"
        elif t.kind == "," and not stack:
            return "must be exactly one SQL expression, not a list"
        elif t.kind == "param":
            return f"is not valid SQL (a parameter {t.text} has no value here)"
        elif t.kind == "word":
            word = t.text.upper()
            if (not stack and word in CLAUSE_WORDS) or (word == "SELECT" and not subqueries):
                return "must be an expression, not a statement or subquery"
    if stack:
        return "is not valid SQL (its parentheses or brackets do not balance)"
    if toks[0].kind == "word" and toks[0].text.upper() in STATEMENT_WORDS:
        return "must be an expression, not a statement or subquery"
    for i, t in enumerate(toks):
        last = i + 1 == len(toks) or toks[i + 1].kind in (")", ",", "]")
        if last and (t.kind in ("::", ".") or (t.kind == "op" and t.text != "*")
                     or (t.kind == "word" and t.text.upper() in _OPERAND_NEEDED)):
            return f"is not valid SQL (incomplete after '{text[:t.start + len(t.text)].strip()[-40:]}')"
    words = [t.text.upper() for t in toks if t.kind == "word"]
    if words.count("CASE") != words.count("END"):
        return "is not valid SQL (a CASE without its END)"
    return None


def refused_as_error() -> bool:
    """SCHEMAC_VERBATIM=error: the loader refuses what it would keep verbatim (for a project that wants every
    expression read, so compared by meaning)."""
    return os.environ.get("SCHEMAC_VERBATIM", "").strip().lower() == "error"


def _gap(before: Token, after: Token) -> str:
    if before.kind in _TIGHT_AFTER or after.kind in _TIGHT_BEFORE:
        return ""
    return "" if after.kind in _OPENERS and before.kind in _ENDS_OPERAND else " "


@lru_cache(maxsize=4096)
def normal_text(text: str) -> str:
    """The text with blank space and comments outside quotes normalized (one spelling of the space between
    two tokens, whatever was written: _gap) and parentheses around the whole taken off:
    Postgres prints a CHECK's expression in them, and a person may write it without."""
    try:
        toks = tokens(text)
    except LexError:
        return " ".join(text.split())
    while len(toks) >= 2 and toks[0].kind == "(" and toks[-1].kind == ")" and \
            not any(t.kind == ")" and t.depth == 0 for t in toks[1:-1]):
        toks = [Token(t.kind, t.text, t.start, t.depth - 1) for t in toks[1:-1]]
    out = []
    for i, t in enumerate(toks):
        if i:
            out.append(_gap(toks[i - 1], t))
        out.append(t.text)
    return "".join(out)


def without_comments(text: str) -> str:
    """The text as written, each comment replaced by blank space (a -- comment would swallow the ')' the DDL
    closes it with; comments never travel into generated DDL)."""
    toks = tokens(text)
    out, at = [], 0
    for t in toks:
        gap = text[at:t.start]
        out.append(gap if not gap.strip() else ("\n" if "\n" in gap else " "))
        out.append(t.text)
        at = t.start + len(t.text)
    return "".join(out).strip()


def _is_name(t: Token) -> bool:
    return t.kind == "word" or (t.kind == "name" and t.text.startswith('"'))


@lru_cache(maxsize=4096)
def names(text: str) -> frozenset[str]:
    """Every name the text holds that is not called or a type after '::': a superset of the columns it reads
    (keywords among them), for ordering statements and finding what a column change touches."""
    toks = tokens(text)
    out = set()
    for i, t in enumerate(toks):
        called = i + 1 < len(toks) and toks[i + 1].kind == "("
        if _is_name(t) and not called and not (i and toks[i - 1].kind == "::"):
            out.add(_name(t))
    return frozenset(out)


@lru_cache(maxsize=4096)
def calls(text: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of every `name(` and `schema.name(` in the text, public when unqualified (casts' type
    modifiers after '::' left out): the functions it may call."""
    toks = tokens(text)
    out = set()
    for i, t in enumerate(toks):
        if not (_is_name(t) and i + 1 < len(toks) and toks[i + 1].kind == "(") or (i and toks[i - 1].kind == "::"):
            continue
        qualified = i >= 2 and toks[i - 1].kind == "." and _is_name(toks[i - 2])
        out.add((_name(toks[i - 2]) if qualified else "public", _name(t)))
    return frozenset(out)


def calls_if_tokenized(text: str) -> frozenset[tuple[str, str]]:
    """calls(text), none where the text does not tokenize (a function body in another language than SQL)."""
    try:
        return calls(text)
    except LexError:
        return frozenset()


def _names_after(toks: Tokens, words: tuple[str, ...], symbol: str = "") -> frozenset[tuple[Optional[str], str]]:
    """(schema or None, name) of each name the tokens hold after one of `words` (upper case) or the token `symbol`,
    as Postgres resolves the names (no string or comment holds one)."""
    return frozenset(_dotted(toks, i + 1) for i, t in enumerate(toks[:-1])
                     if (t.kind == symbol or (t.kind == "word" and t.text.upper() in words)) and _is_name(toks[i + 1]))


@lru_cache(maxsize=4096)
def _lexed(text: str) -> Tokens:
    """The text's tokens, none where it does not tokenize: one lex of a text serves named_types, cast_names,
    collated_names and selected_fields alike."""
    try:
        return tuple(tokens(text))
    except LexError:
        return ()


def _dotted(toks: Tokens, i: int) -> tuple[Optional[str], str]:
    """(schema or None, name) of the name at `i`, qualified where `. name` follows it."""
    if i + 2 < len(toks) and toks[i + 1].kind == "." and _is_name(toks[i + 2]):
        return _name(toks[i]), _name(toks[i + 2])
    return None, _name(toks[i])


@lru_cache(maxsize=4096)
def named_types(text: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of every type the text names after '::' or AS (`'admin'::app_role`, `CAST(x AS
    app.mood)`) or before a string (`app_role 'admin'`), public when unqualified: a superset (a subquery's output
    names among them) of the types an expression depends on without a column of them. Empty when it does not
    tokenize."""
    toks = _lexed(text)
    return frozenset((schema or "public", name) for schema, name in _names_after(toks, ("AS",), "::") | _typed(toks))


@lru_cache(maxsize=4096)
def cast_names(text: str) -> frozenset[tuple[str, str]]:
    """named_types of the casts alone: after '::', as the catalog prints every cast, after a CAST's AS and before a
    string, as schema.yaml may spell one (`CAST('a' AS mood)`, `mood 'a'`); not an output's name (`AS "?column?"`)."""
    toks = _lexed(text)
    return frozenset((schema or "public", name) for schema, name in _names_after(toks, (), "::") | _typed(toks, True))


# Words Postgres's grammar puts before a string where they name no type (`AT TIME ZONE 'utc'`, `LIKE 'a' ESCAPE '!'`,
# `TRIM(BOTH 'x' FROM s)`, JSON_TABLE's `PATH '$.a'`): `word 'x'` is else a constant of the type `word`.
BEFORE_STRINGS = _OPERAND_NEEDED | frozenset({
    "ZONE", "ESCAPE", "FROM", "FOR", "PLACING", "BOTH", "LEADING", "TRAILING", "PATH", "KEY", "VALUE", "DOCUMENT",
    "CONTENT", "PASSING", "FORMAT", "AS", "SYMMETRIC", "ASYMMETRIC", "DEFAULT", "USING", "RETURNING", "VARIADIC"})


def _typed(toks: Tokens, casts: bool = False) -> frozenset[tuple[Optional[str], str]]:
    """(schema or None, name) of the types of typed constants (`mood 'a'`, `app.mood E'a'`: Postgres's
    `func_name Sconst`), and with `casts` of the types CASTs name (`CAST(x AS app.mood)`: the name after the AS at
    the CAST's own depth)."""
    out = set()
    for i, t in enumerate(toks):
        if i and t.kind == "string" and t.text[0] not in "bBxX" and _is_name(n := toks[i - 1]) and not (
                n.kind == "word" and n.text.upper() in BEFORE_STRINGS) and not (i > 1 and toks[i - 2].kind == "::"):
            out.add(_dotted(toks, i - 3) if i > 2 and toks[i - 2].kind == "." and _is_name(toks[i - 3]) else
                    (None, _name(n)))
        elif casts and t.kind == "word" and t.text.upper() == "CAST" and i + 1 < len(toks) and toks[i + 1].kind == "(":
            inner = toks[i + 1].depth + 1
            at = next((j for j in range(i + 2, len(toks) - 1) if toks[j].depth == inner and toks[j].kind == "word"
                       and toks[j].text.upper() == "AS" or toks[j].kind == ")" and toks[j].depth < inner), None)
            if at is not None and toks[at].kind == "word" and _is_name(toks[at + 1]):
                out.add(_dotted(toks, at + 1))
    return frozenset(out)


def collated_names(text: str) -> frozenset[tuple[Optional[str], str]]:
    """(schema or None, name) of every collation the text names after COLLATE (`s COLLATE app."C"`): a string or
    comment holding the word names none."""
    return _names_after(_lexed(text), ("COLLATE",))


# Words Postgres prints between a call's ')' and a parenthesized list that names no columns (`percentile_cont(0.5)
# WITHIN GROUP (ORDER BY x)`, `count(*) FILTER (WHERE ...)`, `OVER (...)`, `= ANY (ARRAY[...])`).
_NOT_ALIASES = frozenset({"WITHIN", "FILTER", "OVER", "ANY", "ALL", "SOME", "IN", "ARRAY", "AND", "OR", "NOT"})


def _function_fields(text: str) -> frozenset[str]:
    """The column names listed after a call in FROM, as Postgres prints a function's row in a query or a
    SQL-standard body (`FROM rows_of(n) rows_of(a, b)`, `unnest(p) unnest(a, b)`): the attributes of the composite
    type (or the columns of the table) the function returns, which the text may read by those names; Postgres records
    each it reads (pg_depend on the type's relation). Empty when it does not tokenize."""
    toks, out = _lexed(text), set()
    for i in range(1, len(toks) - 2):
        if toks[i - 1].kind != ")" or not _is_name(toks[i]) or toks[i + 1].kind != "(" or \
                (toks[i].kind == "word" and toks[i].text.upper() in _NOT_ALIASES):
            continue
        depth = 0
        for j in range(i + 1, len(toks)):
            kind = toks[j].kind
            depth += (kind in _OPENERS) - (kind in _CLOSING)
            if depth == 0:
                break
            if depth == 1 and toks[j - 1].kind in ("(", ",") and _is_name(toks[j]):
                out.add(_name(toks[j]))
    return frozenset(out)


@lru_cache(maxsize=4096)
def selected_fields(text: str) -> frozenset[str]:
    """The names of the fields the text selects from a composite value, as Postgres reads `(cc).y`,
    `(f(x)).y` and `t.cc.y`, and a field of a field, `(x).i.a` (as Postgres prints `((x).i).a`), of an array's
    element, `(x)[1].a`: a name after '.' in a dotted chain that follows ')' or ']', or third or later in a dotted
    name; not called; and the columns of a
    function's row in FROM (_function_fields). A superset of the attributes of composite types it reads. Empty when
    it does not tokenize."""
    toks, out = _lexed(text), set(_function_fields(text))
    for i, t in enumerate(toks):
        if i < 2 or toks[i - 1].kind != "." or not _is_name(t) or (i + 1 < len(toks) and toks[i + 1].kind == "("):
            continue
        j = i - 2  # (back over the names before it in the chain: `x . i . a`, `) . i . a`)
        while j >= 2 and _is_name(toks[j]) and toks[j - 1].kind == ".":
            j -= 2
        if toks[j].kind in (")", "]") or (_is_name(toks[j]) and j <= i - 4):
            out.add(_name(t))
    return frozenset(out)


@lru_cache(maxsize=4096)
def relations(text: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of what follows FROM or JOIN (public when unqualified): the tables a verbatim policy's
    subqueries may read, for ordering statements."""
    toks = tokens(text)
    out = set()
    for i, t in enumerate(toks[:-1]):
        if t.kind == "word" and t.text.upper() in ("FROM", "JOIN") and _is_name(toks[i + 1]):
            nxt = toks[i + 1]
            if i + 3 < len(toks) and toks[i + 2].kind == "." and _is_name(toks[i + 3]):
                out.add((_name(nxt), _name(toks[i + 3])))
            else:
                out.add(("public", _name(nxt)))
    return frozenset(out)


def _inserted_into(toks: list[Token], i: int) -> bool:
    """Whether the name at `i` is an INSERT's target: after INTO, itself or its schema."""
    j = i - 2 if i >= 2 and toks[i - 1].kind == "." and _is_name(toks[i - 2]) else i
    return j >= 1 and toks[j - 1].kind == "word" and toks[j - 1].text.upper() == "INTO"


def renamed(text: str, old: str, new_sql: str, qualifier: bool = False) -> str:
    """The text with every name `old` (not called, not a type after '::') written `new_sql` (the new name,
    quoted where it needs it), as RENAME COLUMN leaves an expression that reads it. A keyword spelled as the
    old name is renamed too: the text then differs, and the expression is made again from schema.yaml's. An
    INSERT's target before its column list (`INSERT INTO t (a, b)`, `INTO s.t (a)`) is a name, not a call.
    `qualifier`: only where it qualifies a name and is not qualified itself (`t.*`, `t.a`), as RENAME TO leaves an
    expression of the table's own."""
    toks = tokens(text)
    out, at = [], 0
    for i, t in enumerate(toks):
        called = i + 1 < len(toks) and toks[i + 1].kind == "(" and not _inserted_into(toks, i)
        if qualifier and not (i + 1 < len(toks) and toks[i + 1].kind == "." and not (i and toks[i - 1].kind == ".")):
            continue
        if _is_name(t) and _name(t) == old and not called and not (i and toks[i - 1].kind == "::"):
            out += [text[at:t.start], new_sql]
            at = t.start + len(t.text)
    return "".join(out) + text[at:]
