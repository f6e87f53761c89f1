"""Postgres's deparse written so that Postgres parses it back to itself.

pg_get_expr, pg_get_constraintdef and pg_get_viewdef are not always a fixed point: the text they print, run again,
can be stored as another tree, which deparses otherwise. schema.yaml keeps their text, and the database a migration
builds from it must hold what the one inspect read held, so the spellings below are written as Postgres reads
them back to the same tree. Told apart with sqlglot's tokenizer only (strings, quoted names and comments skipped);
nothing else of the text is touched.
"""

from __future__ import annotations

import re
from typing import Optional

# A type name as ruleutils prints one after `::` (`character varying`, `public.mood`, `"My Type"`, `numeric(10,2)`).
_TYPE = re.compile(r'^[A-Za-z_"][\w\s."]*(?:\(\s*\d+(?:\s*,\s*\d+)?\s*\))?$')
_SET_OPERATIONS = {"UNION", "INTERSECT", "EXCEPT"}
# What ends a SELECT's output list at its depth.
_LIST_ENDS = {"FROM", "WHERE", "GROUP_BY", "HAVING", "WINDOW", "ORDER_BY", "LIMIT", "OFFSET", "FETCH", "FOR",
              "SEMICOLON", "INTO"} | _SET_OPERATIONS
# Tokens after which a parenthesized SELECT is a FROM item or a WITH query (its names are seen), not a sublink.
_RELATION_BEFORE = {"FROM", "JOIN", "LATERAL", "ALIAS", "ONLY"}  # ALIAS: AS, before a WITH query
_ALIASED = re.compile(r'\sAS\s+(?:"(?:[^"]|"")*"|[^\s"]+)$', re.I)
_COLUMN = re.compile(r'^(?:(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)\.)*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*|\*)$')


class _Token:
    """What the scans below read of a token: its kind (named as sqlglot names them), text, first and last index."""
    __slots__ = ("kind", "text", "start", "end")

    def __init__(self, kind: str, text: str, start: int, end: int):
        self.kind, self.text, self.start, self.end = kind, text, start, end


# The words the scans tell apart (sqlglot's token kinds); any other word is a VAR, `AS` an ALIAS, and `GROUP BY`,
# `ORDER BY` one token each.
_KEYWORDS = {"SELECT", "FROM", "WHERE", "HAVING", "WINDOW", "LIMIT", "OFFSET", "FETCH", "FOR", "INTO", "UNION",
             "INTERSECT", "EXCEPT", "JOIN", "LATERAL", "ONLY", "DISTINCT", "ON", "ALL", "ARRAY"}
_PUNCTUATION = {"(": "L_PAREN", ")": "R_PAREN", "[": "L_BRACKET", "]": "R_BRACKET", ",": "COMMA", ";": "SEMICOLON",
                "::": "DCOLON"}
_SCAN = re.compile(r"""(?P<blank>\s+|--[^\n]*|/\*.*?\*/)
    |(?P<string>'(?:[^']|'')*')
    |(?P<other>[Ee]'(?:[^'\\]|\\.|'')*'|[BbXxNnUu]&?'(?:[^']|'')*'|\$\$.*?\$\$|\$(?P<tag>[A-Za-z_]\w*)\$.*?\$(?P=tag)\$)
    |(?P<quoted>"(?:[^"]|"")*")
    |(?P<word>[^\W\d]\w*(?:\$\w*)*)
    |(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)
    |(?P<punct>::|[()\[\],;])
    |(?P<operator>[^\s\w()\[\],;'"]+?(?=::|[\s\w()\[\],;'"]|$))""", re.S | re.X)


def _tokens(text: str) -> list:
    """`text`'s tokens, for the scans of this module: a regular expression, not sqlglot's tokenizer, which the
    catalog reader of `diff`'s fast path does not import (it reads a CHECK's or a view's deparse through here)."""
    out: list[_Token] = []
    at = 0
    for m in _SCAN.finditer(text):
        if m.start() != at:  # a character none of the kinds takes: treated as an operator's
            out.append(_Token("OPERATOR", text[at:m.start()], at, m.start() - 1))
        at = m.end()
        kind = m.lastgroup if m.lastgroup != "tag" else "other"
        if kind == "blank":
            continue
        word = m.group()
        if kind == "word":
            upper = word.upper()
            if upper == "BY" and out and out[-1].kind == "VAR" and out[-1].text.upper() in ("GROUP", "ORDER"):
                first = out.pop()
                out.append(_Token(f"{first.text.upper()}_BY", text[first.start:m.end()], first.start, m.end() - 1))
                continue
            kind = "ALIAS" if upper == "AS" else upper if upper in _KEYWORDS else "VAR"
        elif kind == "punct":
            kind = _PUNCTUATION[word]
        else:
            kind = {"string": "STRING", "other": "OTHER_STRING", "quoted": "IDENTIFIER", "number": "NUMBER",
                    "operator": "OPERATOR"}[kind]
        out.append(_Token(kind, word, m.start(), m.end() - 1))
    if at != len(text):
        out.append(_Token("OPERATOR", text[at:], at, len(text) - 1))
    return out


def _edited(text: str, edits: list[tuple]) -> str:
    """`text` with each (at, insert) inserted, each (at, insert, upto) replacing text[at:upto]."""
    for at, insert, *upto in sorted(edits, reverse=True):
        text = text[:at] + insert + text[upto[0] if upto else at:]
    return text


def array_casts_kept(text: Optional[str]) -> Optional[str]:
    """`text` with each `(ARRAY[e1, e2])::T[]` (pretty: `ARRAY[e1, e2]::T[]`) whose elements are of another type E
    written `(ARRAY[e1, e2]::E[])::T[]`: Postgres prints so an array coerced as a whole (`status IN ('a', 'b')` over a varchar
    column is `(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])`), but reads a
    cast of an `ARRAY[...]` constructor into its elements (`ARRAY[('a'::character varying)::text, ...]`): another
    CHECK, index predicate, default or view than the one read. Cast to its own type first, the array is built as
    before and the cast applies to it whole, as it did: Postgres deparses it as it was.

    Where that type is not known exactly (elements not all showing it: `ARRAY[v, 'x'::character varying]` of a
    varchar(10) column v, which a cast to `character varying` would relabel; or none showing it: `ARRAY[v, w]`), the
    whole cast is left out: a cast written on `ARRAY[...]` always reaches its elements, so one Postgres prints over the
    whole array is a coercion it made itself (an operand of ANY, a function's argument, a COALESCE branch), which it
    makes again of the array written alone, as it did of the text it was first given. An empty `ARRAY[]` keeps its
    cast: it has no elements to take a type from ("cannot determine type of empty array")."""
    if text is None or "ARRAY[" not in text or "]::" not in text and "])::" not in text:
        return text
    tokens = _tokens(text)
    kinds = [t.kind for t in tokens]
    edits = []
    for i in range(len(tokens) - 1):
        if kinds[i] != "ARRAY" or kinds[i + 1] != "L_BRACKET":
            continue
        close = _closing(kinds, i + 1, "L_BRACKET", "R_BRACKET")
        if close is None or close == i + 2:  # `ARRAY[]::T[]`: an empty ARRAY[] has no type but the cast's
            continue
        if kinds[close + 1:close + 2] == ["DCOLON"]:  # pretty: `ARRAY[...]::text[]`
            target = close + 2
        elif i and kinds[i - 1] == "L_PAREN" and kinds[close + 1:close + 3] == ["R_PAREN", "DCOLON"]:
            target = close + 3
        else:
            continue
        cast = tokens[target - 1].start
        first = target
        while target < len(kinds) and kinds[target] != "L_BRACKET":
            target += 1
        if kinds[target:target + 2] != ["L_BRACKET", "R_BRACKET"]:
            continue
        target_type = text[tokens[first].start:tokens[target - 1].end + 1]
        element = _element_type(text, tokens, kinds, i + 2, close)
        if element is None:
            if kinds[close + 1] == "DCOLON" or _bare_parenthesis(tokens, i - 1):  # (not `f(ARRAY[...])::text[]`)
                edits.append((cast, "", tokens[target + 1].end + 1))
        elif " ".join(element.split()) != " ".join(target_type.split()):
            edits.append((tokens[close].end + 1, f"::{element}[]"))
    return _edited(text, edits)


# Words after which a `-` is a prefix minus (what precedes it cannot end an operand).
_BEFORE_AN_OPERAND = {"THEN", "ELSE", "WHEN", "AND", "OR", "NOT", "CASE", "BETWEEN"}


def _bare_parenthesis(tokens: list, at: int) -> bool:
    """Whether the `(` of tokens[at] encloses an operand (after an operator, a comma, another parenthesis, a word
    that cannot end an operand), not a function's arguments (after its name)."""
    if at == 0:
        return True
    before = tokens[at - 1]
    first = before.text[:1]
    return before.text.upper() in _BEFORE_AN_OPERAND or bool(first) and not (first.isalnum() or first in '_")]$')


def negated_constants_kept(text: Optional[str]) -> Optional[str]:
    """`text` with each prefix minus over a bare constant (`- 1`, `- 1.5`) written over the constant cast to its own
    type (`- 1::integer`, `- 1.5::numeric`): Postgres prints so the minus operator applied to a constant (`-1::int`,
    `COALESCE(x, -1::integer)`, `-1.5::numeric`: the cast binds first), but reads `- 1` as the negative constant
    itself (`'-1'::integer`): another tree than the one read. The cast is no node (the constant is of that type
    already), the minus stays an operator: Postgres deparses it as it was."""
    if text is None or "- " not in text:
        return text
    tokens = _tokens(text)
    edits = []
    for i in range(len(tokens) - 1):
        minus, constant = tokens[i], tokens[i + 1]
        if minus.text != "-" or constant.kind != "NUMBER" or tokens[i + 2:i + 3] and tokens[i + 2].kind == "DCOLON":
            continue
        before = tokens[i - 1] if i else None
        if before is None or before.kind in ("L_PAREN", "L_BRACKET", "COMMA", "OPERATOR", *_KEYWORDS) or \
                before.kind == "VAR" and before.text.upper() in _BEFORE_AN_OPERAND:
            edits.append((constant.end + 1, "::" + _bare_type(constant)))  # type: ignore[operator]
    return _edited(text, edits)


_OUTER_JOINS = {"LEFT", "RIGHT", "FULL"}


def natural_joins_kept(text: Optional[str]) -> Optional[str]:
    """`text` with each outer join Postgres prints `ON TRUE` written `NATURAL`: a NATURAL LEFT, RIGHT or FULL JOIN of
    relations without a common column has no join condition at all, which Postgres prints `... JOIN b ON TRUE` (in
    capitals; a condition `true` of the user's is printed `ON true`), but reads back as that condition, printed `ON
    true`: another view than the one read. NATURAL makes none again, over the same relations' columns."""
    if text is None or " ON TRUE" not in text:
        return text
    tokens = _tokens(text)
    kinds = [t.kind for t in tokens]
    edits: list[tuple] = []
    for i in range(2, len(tokens)):
        if kinds[i - 1] != "ON" or tokens[i].text != "TRUE":
            continue
        join, depth = i - 2, 0  # the JOIN this ON closes: the nearest one before it outside parentheses
        while join >= 0 and not (depth == 0 and kinds[join] in ("JOIN", "L_PAREN")):
            depth += (kinds[join] == "R_PAREN") - (kinds[join] == "L_PAREN")
            join -= 1
        if join >= 1 and kinds[join] == "JOIN" and tokens[join - 1].text in _OUTER_JOINS:
            edits += [(tokens[join - 1].start, "NATURAL "), (tokens[i - 2].end + 1, "", tokens[i].end + 1)]
    return _edited(text, edits)


def deparse_kept(text: Optional[str]) -> Optional[str]:
    """`text` (Postgres's deparse of an expression or a query) with its arrays cast whole, its negated constants and
    its outer joins without a condition written so that Postgres parses them back to themselves (`array_casts_kept`,
    `negated_constants_kept`, `natural_joins_kept`)."""
    return natural_joins_kept(negated_constants_kept(array_casts_kept(text)))


def _closing(kinds: list[str], at: int, opening: str, closing: str) -> Optional[int]:
    depth = 0
    for j in range(at, len(kinds)):
        depth += (kinds[j] == opening) - (kinds[j] == closing)
        if depth == 0:
            return j
    return None


# Types without a modifier: an element of one that does not show its type (a column, an expression) is of it exactly,
# so a cast to it adds no node (a `varchar(10)` column cast to `character varying` gets one).
_UNMODIFIED = {"integer", "bigint", "smallint", "text", "boolean", "double precision", "real", "date", "uuid", "json",
               "jsonb", "oid", "name"}


def _element_type(text: str, tokens: list, kinds: list[str], begin: int, end: int) -> Optional[str]:
    """The element type of `ARRAY[...]` (tokens begin..end-1), told by those of its elements whose type the text
    shows (`_shown_type`): each element is of the array's element type (Postgres prints the cast of one coerced to
    it). The others (a column, an expression: `ARRAY[t.i, 2]`) are allowed where that type has no modifier
    (`_UNMODIFIED`). None unless at least one shows its type and all that do show the same."""
    found: set[str] = set()
    unseen = False
    start, depth = begin, 0
    for j in range(begin, end + 1):
        if j < end and kinds[j] in ("L_PAREN", "L_BRACKET"):
            depth += 1
        elif j < end and kinds[j] in ("R_PAREN", "R_BRACKET"):
            depth -= 1
        elif j == end or depth == 0 and kinds[j] == "COMMA":
            shown = _shown_type(text, tokens, kinds, start, j) if j > start else None
            if shown is None:
                unseen = True
            else:
                found.add(shown)
            start = j + 1
    if len(found) != 1:
        return None
    element = found.pop()
    return element if not unseen or element in _UNMODIFIED else None


def _shown_type(text: str, tokens: list, kinds: list[str], begin: int, end: int) -> Optional[str]:
    """The type of the array element of tokens begin..end-1 where the text shows it: a literal or a parenthesized
    expression cast to it (`'a'::character varying`, `1::bigint`, `NULL::integer`, `(x.a)::text`), a bare constant
    (`1`, `0.25`: `_bare_type`), a row of a multidimensional array (`ARRAY[1, 2]`: its elements' type); else None."""
    if end - begin == 1:
        return _bare_type(tokens[begin])
    if kinds[begin] == "ARRAY" and kinds[begin + 1] == "L_BRACKET":
        if _closing(kinds, begin + 1, "L_BRACKET", "R_BRACKET") != end - 1:
            return None
        return _element_type(text, tokens, kinds, begin + 2, end - 1)
    if kinds[begin] in ("STRING", "NUMBER") or tokens[begin].text.upper() == "NULL":
        k = begin + 1
    elif kinds[begin] == "L_PAREN":
        close = _closing(kinds, begin, "L_PAREN", "R_PAREN")
        if close is None:
            return None
        k = close + 1
    else:
        return None
    if k + 1 >= end or kinds[k] != "DCOLON":
        return None
    spelled = text[tokens[k + 1].start:tokens[end - 1].end + 1]
    return " ".join(spelled.split()) if _TYPE.match(spelled) else None


def _bare_type(token: _Token) -> Optional[str]:
    """The type of a constant ruleutils prints without a cast: digits alone an `integer` (a `bigint` constant is
    printed `'5'::bigint`, a negative one quoted too), digits with a point or an exponent a `numeric`
    (`percentile_disc(ARRAY[0.25, 0.75]::double precision[])`, `n = ANY (ARRAY[1, 2]::numeric[])`: an array of them
    coerced whole). None for any other token."""
    if token.kind == "NUMBER":
        return "integer" if token.text.isdigit() else "numeric"
    return None


def hidden_names_kept(query: str, top_hidden: bool = False) -> str:
    """`query` with ` AS "?column?"` after each output column that pg_get_viewdef prints without a name where
    names are not seen (a set operation's right-hand SELECTs, a sublink's SELECT: `(SELECT 'x'::text)`,
    `UNION ALL SELECT 0::oid, 'PUBLIC'::name`): Postgres names such a column `?column?` and leaves the name out
    there, but the text read again names it after its expression (`text`, `name`) and prints `AS name` from then
    on. The name was never used; written, the view deparses as it did. `top_hidden`: the outermost SELECTs' names are
    unseen too (a SQL-standard function body's statements)."""
    if "SELECT" not in (query if top_hidden else query[6:]):
        return query
    tokens = _tokens(query)
    kinds = [t.kind for t in tokens]
    scopes: dict[int, list[int]] = {}  # an opening parenthesis's index (-1: the whole query) -> its tokens
    parent: dict[int, int] = {}
    stack = [-1]
    for i, kind in enumerate(kinds):
        if kind == "R_PAREN" and len(stack) > 1:
            stack.pop()
        scopes.setdefault(stack[-1], []).append(i)
        if kind == "L_PAREN":
            parent[i] = stack[-1]
            stack.append(i)
    hidden: dict[int, bool] = {-1: top_hidden}
    edits: list[tuple] = []
    for scope in sorted(scopes):  # a parenthesis opens after the one holding it: parents come first
        if scope != -1:
            hidden[scope] = _hidden(scope, parent[scope], scopes, tokens, kinds, hidden)
        level = scopes[scope]
        seen_operation = False
        for n, i in enumerate(level):
            if kinds[i] in _SET_OPERATIONS:
                seen_operation = True
            elif kinds[i] == "SELECT" and (hidden[scope] or seen_operation):
                edits += _unnamed(query, tokens, kinds, level[n + 1:])
    return _edited(query, edits)


def _hidden(scope: int, outer: int, scopes: dict[int, list[int]], tokens: list, kinds: list[str],
            hidden: dict[int, bool]) -> bool:
    """Whether the SELECT a parenthesis opens has its output names unseen: a set operation's right-hand side, or a
    sublink; a FROM item's or a WITH query's are seen; a parenthesized left-hand side is as the query holding it."""
    level = scopes[outer]
    at = level.index(scope)
    before = kinds[level[at - 1]] if at else None
    if before in _SET_OPERATIONS or (before in ("ALL", "DISTINCT") and at > 1
                                      and kinds[level[at - 2]] in _SET_OPERATIONS):
        return True
    if before in _RELATION_BEFORE or (before == "COMMA" and _in_from(level[:at], kinds)) \
            or (before == "VAR" and tokens[level[at - 1]].text.upper() == "MATERIALIZED"):
        return False
    if before is None and (outer == -1 or _SET_OPERATIONS & {kinds[i] for i in level}):
        return hidden[outer]
    return True


def _in_from(level: list[int], kinds: list[str]) -> bool:
    """Whether the tokens so far at a depth end inside a FROM list."""
    for i in reversed(level):
        if kinds[i] == "FROM":
            return True
        if kinds[i] in _LIST_ENDS or kinds[i] == "SELECT":
            return False
    return False


def _unnamed(query: str, tokens: list, kinds: list[str], rest: list[int]) -> list[tuple[int, str]]:
    """Where to name each output column of the SELECT whose tokens at its depth follow in `rest`: those printed
    without `AS` that are not a column (a column keeps its own name)."""
    if rest and kinds[rest[0]] == "DISTINCT":
        rest = rest[1:]
        if rest and kinds[rest[0]] == "ON" and len(rest) > 1 and kinds[rest[1]] == "L_PAREN":
            rest = rest[2:]
    items, begin, brackets, last = [], None, 0, 0
    for n, i in enumerate(rest):
        brackets += (kinds[i] == "L_BRACKET") - (kinds[i] == "R_BRACKET")  # ARRAY[a, b] or a subscript: one item
        if brackets or kinds[i] == "R_BRACKET":
            pass
        elif kinds[i] in _LIST_ENDS and not (kinds[i] == "FROM" and n and kinds[rest[n - 1]] == "DISTINCT"):
            break  # (`a IS [NOT] DISTINCT FROM b` is an expression)
        elif kinds[i] == "COMMA":
            if begin is not None:
                items.append((begin, last))
            begin = None
            continue
        if begin is None:
            begin = i
        last = i  # a parenthesis's closing one is at this depth too
    if begin is not None:
        items.append((begin, last))
    edits = []
    for first, final in items:
        item = query[tokens[first].start:tokens[final].end + 1]
        if not _ALIASED.search(item) and not _COLUMN.match(item):
            edits.append((tokens[final].end + 1, ' AS "?column?"'))
    return edits

