"""A view's query as SQL text: one statement that reads (SELECT, VALUES, WITH, TABLE), told apart with
sqlglot's tokenizer only (strings, dollar quotes and comments skipped), never re-spelled: Postgres
parses it, and keeps its own deparse (pg_get_viewdef)."""

from __future__ import annotations

import re
from typing import Optional

from schemac.pg.indexdef import top_level_items

_QUERY_STARTS = {"SELECT", "VALUES", "WITH", "TABLE", "L_PAREN"}


class QueryError(ValueError):
    """Not one query."""


def view_query(text: str) -> str:
    """`text` without the blank space around it and a final `;`, once it is one query."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import TokenError

    try:
        tokens = Dialect.get_or_raise("postgres").tokenize(text)
    except TokenError as e:
        raise QueryError(f"cannot be read as SQL ({str(e).splitlines()[0]})") from None
    while tokens and tokens[-1].token_type.name == "SEMICOLON":
        tokens.pop()
    if not tokens:
        raise QueryError("is empty")
    if tokens[0].token_type.name not in _QUERY_STARTS:
        raise QueryError(f"must be a query (SELECT, VALUES, WITH or TABLE), not one starting with "
                         f"{tokens[0].text!r}")
    for t in tokens:
        if t.token_type.name == "SEMICOLON":
            raise QueryError(f"holds more than one statement (a ';' on line {t.line})")
    return text[: tokens[-1].end + 1].strip()


_BEFORE_A_STAR = {"SELECT", "COMMA", "DOT", "DISTINCT", "ALL"}  # (`SELECT *`, `, t.*`; not `a * b`, `count(*)`)


def reads_every_column(text: str) -> bool:
    """Whether a query names a relation's columns by `*` (`SELECT *`, `t.*`) or is `TABLE t`: Postgres expands it when
    the view is made, to the columns the relation has then (one it gains since is not read; a fresh build reads it). A
    text the tokenizer cannot read is taken to."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import TokenError

    if "*" not in text and not text.lstrip().upper().startswith(("TABLE", "(")):
        return False
    try:
        tokens = [t.token_type.name for t in Dialect.get_or_raise("postgres").tokenize(text)]
    except TokenError:
        return True
    return "TABLE" in tokens or any(t == "STAR" and i > 0 and tokens[i - 1] in _BEFORE_A_STAR
                                    for i, t in enumerate(tokens))


def written_columns(text: str) -> Optional[tuple[str, ...]]:
    """The names of a query's output columns where its words say them all (each item a column or named by `AS`;
    a set operation's first SELECT's), else None (a `*`, an unnamed expression: Postgres's answer alone knows)."""
    from sqlglot import exp, parse_one
    from sqlglot.errors import SqlglotError

    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    while isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        tree = tree.this
    if not isinstance(tree, exp.Select):
        return None
    names = []
    for item in tree.expressions:
        if not isinstance(item, (exp.Column, exp.Alias)) or isinstance(item, exp.Column) and item.is_star:
            return None
        name = item.args["alias"] if isinstance(item, exp.Alias) else item.this
        if not isinstance(name, exp.Identifier):
            return None
        names.append(name.name if name.quoted else name.name.lower())  # (Postgres folds what is not quoted)
    return tuple(names)


def same_text(a: Optional[str], b: Optional[str]) -> bool:
    """Two deparses (or two queries) equal but for blank space and a final `;`."""
    return comparable(a) == comparable(b)


def comparable(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    return " ".join(text.strip().rstrip(";").split())


_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
# A query of one relation and nothing after it: `SELECT t.id, t.d FROM t` (pg_get_viewdef's of PostgreSQL 15, which
# qualifies every column; 16 and later print `SELECT id, d FROM t`), `FROM s.t`, `FROM t x`, `FROM t AS x`, a view's
# VALUES list under names of its own (`FROM (VALUES ...) "*VALUES*"`)
_SOLE = re.compile(rf"^\s*SELECT\s+(?P<items>.*?)\s+FROM\s+(?:(?:{_NAME}\s*\.\s*)?(?P<rel>{_NAME})"
                   r'|\(VALUES\s(?:(?!"\*VALUES\*").)*\)(?=\s+"\*VALUES\*"\s*;?\s*$))'
                   rf"(?:\s+(?:AS\s+)?(?P<alias>{_NAME}))?\s*;?\s*$", re.S | re.I)
_NOT_ALIASES = {"where", "group", "order", "limit", "offset", "having", "window", "union", "intersect", "except",
                "fetch", "for", "join", "natural", "cross", "inner", "left", "right", "full", "tablesample"}


def sole_relation_unqualified(text: Optional[str]) -> Optional[str]:
    """`text` without its sole relation's name before its columns where it is `SELECT items FROM relation` and
    nothing more (no subquery, no join, no clause after FROM): `SELECT t.id, t.d FROM t` as `SELECT id, d FROM t`,
    which reads the same columns (there is no other relation a bare name could be of), as PostgreSQL 16 prints it.
    Strings are left as they are; any other text is itself."""
    m = _SOLE.match(text or "")
    if m is None or re.search(r"\b(?i:select|from)\b", m["items"]) is not None:
        return text
    qualifier = m["alias"] if m["alias"] is not None else m["rel"]
    if qualifier.lower() in _NOT_ALIASES:
        return text
    before = re.compile(rf'(?<![\w$."]){re.escape(qualifier)}\s*\.\s*(?={_NAME})', 0 if qualifier.startswith('"') else re.I)
    # (outside string constants: the even pieces of the text split at them)
    pieces = re.split(r"('(?:[^']|'')*')", m["items"])
    items = "".join(p if p.startswith("'") else before.sub("", p) for p in pieces)
    return text[: m.start("items")] + items + text[m.end("items"):]


# `(VALUES` without a space: the view's own VALUES list; `( VALUES` is a subquery of one (what pg_dump restores of such a
# view), which its SELECT makes again as it is.
_VALUES_VIEW = re.compile(r'^\s*SELECT\s+(.*?)\s+FROM\s+\((VALUES\s.*)\)\s+"\*VALUES\*"\s*;?\s*$', re.S | re.I)
_VALUES_COLUMN = re.compile(r'^(?:"\*VALUES\*"\.)?column(\d+)\s+AS\s+(.+)$', re.S | re.I)


def values_view(query: str) -> Optional[tuple[list[str], str]]:
    """(column names, VALUES list) of a view defined as `CREATE VIEW v (a, b) AS VALUES ...`, from the form
    Postgres deparses it to (`SELECT "*VALUES*".column1 AS a, ... FROM (VALUES ...) "*VALUES*"`); None for
    any other query. Created from that SELECT, the view would deparse otherwise (a subquery's VALUES, `( VALUES`,
    which is None here: a view already of that form is made again from its SELECT)."""
    m = _VALUES_VIEW.match(query)
    if m is None:
        return None
    names = []
    for n, item in enumerate(top_level_items(m.group(1)), 1):
        c = _VALUES_COLUMN.match(item.strip())
        if c is None or int(c.group(1)) != n:
            return None
        names.append(c.group(2).strip())
    return names, m.group(2).rstrip()


# A CYCLE clause of a recursive query (PostgreSQL 14+): `CYCLE f, t SET is_cycle TO 'Y' DEFAULT 'N' USING path`.
_CYCLE = re.compile(r"\bCYCLE\s.*?\bUSING\s", re.S | re.I)
_CAST_MARK = re.compile(r"('(?:[^']|'')*')::(.+?)(?=\s+(?:DEFAULT|USING)\s)", re.S | re.I)


def cycle_marks_spelled(query: str) -> str:
    """`query` with the mark values of its CYCLE clauses written as typed literals (`TO text 'Y'`): pg_get_viewdef
    writes them as casts (`TO 'Y'::text DEFAULT 'N'::text`), which the grammar refuses there (a constant only), so
    the view Postgres deparsed could not be created again. The same constants: Postgres deparses them as before."""
    if "CYCLE" not in query.upper():
        return query
    return _CYCLE.sub(lambda m: _CAST_MARK.sub(lambda c: f"{c.group(2)} {c.group(1)}", m.group(0)), query)


# A GROUP BY, ORDER BY or DISTINCT ON line of pg_get_viewdef's pretty text (checked for repeated keys first).
_KEY_LINE = re.compile(r"\b(?:GROUP BY|ORDER BY|DISTINCT ON) (.*)$", re.M)
_CLAUSES = {"FROM", "WHERE", "GROUP_BY", "HAVING", "WINDOW", "ORDER_BY", "LIMIT", "OFFSET", "FETCH", "FOR", "SEMICOLON"}
_LISTS = ("SELECT", "GROUP_BY", "ORDER_BY")
_SET_OPERATIONS = {"UNION", "INTERSECT", "EXCEPT"}
_SORT_SUFFIX = re.compile(r"^(.*?)((?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?)$", re.S)
_ALIAS = re.compile(r'^(.*?)\s+AS\s+(?:"(?:[^"]|"")*"|[^\s"]+)$', re.S)
_LITERAL = re.compile(r"-?\d+(?:\.\d+)?|true|false|'(?:[^']|'')*'")


def repeated_keys_numbered(query: str) -> str:
    """`query` with the GROUP BY, ORDER BY and DISTINCT ON keys that pg_get_viewdef prints more than once written as
    the output column they stand for (`GROUP BY t.a, 2, 3`): a view grouping by two output columns whose expression
    is the same (`NULL::boolean AS is_bridge, NULL::boolean AS is_tunnel ... GROUP BY ..., is_bridge, is_tunnel`, as
    openmaptiles' layers do) deparses to `GROUP BY ..., NULL::boolean, NULL::boolean`, and Postgres reads that as one
    key (the first column with that expression, once): the view made again from its deparse (or its pg_dump) is
    another view. By position each key is its own column again, and Postgres deparses it as before. A query it
    cannot map so (a set operation at that level, a key matching no column) is left as it is there."""
    # (_KEY_LINE's words looked for first: the expression's scan of a text holding none took ~12 us a view)
    if ("GROUP BY" not in query and "ORDER BY" not in query and "DISTINCT ON" not in query) \
            or not any(_repeated(m.group(1)) for m in _KEY_LINE.finditer(query)):
        return query
    from sqlglot.dialects.dialect import Dialect

    tokens = Dialect.get_or_raise("postgres").tokenize(query)
    scopes: dict[int, list[int]] = {}  # an opening token's index (-1: the whole query) -> the tokens at its depth
    stack = [-1]
    for i, t in enumerate(tokens):
        kind = t.token_type.name
        if kind == "R_PAREN" and len(stack) > 1:
            stack.pop()
        scopes.setdefault(stack[-1], []).append(i)
        if kind == "L_PAREN":
            stack.append(i)
    edits: list[tuple[int, int, str]] = []
    for level in scopes.values():
        edits += _scope_edits(query, tokens, level, scopes)
    for start, end, text in sorted(edits, reverse=True):
        query = query[:start] + text + query[end:]
    return query


def _repeated(line: str) -> bool:
    """Whether a list (or the parenthesized list it starts with, DISTINCT ON's) holds a key twice."""
    lists = [line.rstrip(";")]
    if line.startswith("("):
        depth = 0
        for i, ch in enumerate(line):
            depth += (ch == "(") - (ch == ")")
            if depth == 0:
                lists.append(line[1:i])
                break
    for text in lists:
        try:
            keys = [_SORT_SUFFIX.match(k).group(1) for k in top_level_items(text)]  # type: ignore[union-attr]
        except ValueError:  # a line a subquery closes: not one list
            continue
        if len(set(keys)) < len(keys):
            return True
    return False


def _split(tokens: list, level: list[int], begin: int) -> list[tuple[int, int]]:
    """(start, end) of the comma-separated items of the tokens of one depth, the first starting at `begin`."""
    items = []
    for i in level:
        if tokens[i].token_type.name == "COMMA":
            items.append((begin, tokens[i].start))
            begin = tokens[i].end + 1
    return items + [(begin, tokens[level[-1]].end + 1)] if level else items


def _lists(tokens: list, level: list[int], scopes: dict[int, list[int]]) -> dict[str, list[tuple[int, int]]]:
    """The (start, end) of each item of the one SELECT at this depth: its output columns ("SELECT"), DISTINCT ON,
    GROUP BY and ORDER BY keys; {} where the level holds no SELECT, a set operation or several SELECTs."""
    kinds = [tokens[i].token_type.name for i in level]
    if kinds.count("SELECT") != 1 or _SET_OPERATIONS & set(kinds):
        return {}
    lists: dict[str, list[tuple[int, int]]] = {}
    current, begin, part = None, 0, []
    n = 0
    while n < len(level):
        i, kind = level[n], kinds[n]
        if kind in _CLAUSES or kind in _LISTS:
            if current:
                lists[current] = _split(tokens, part, begin) if part else []
            current, begin, part = (kind if kind in _LISTS else None), tokens[i].end + 1, []
        elif current == "SELECT" and not part and kind == "DISTINCT":
            begin = tokens[i].end + 1
            if kinds[n + 1:n + 3] == ["ON", "L_PAREN"] and n + 3 < len(level):
                inner = scopes.get(level[n + 2], [])
                lists["DISTINCT_ON"] = _split(tokens, inner, tokens[level[n + 2]].end + 1) if inner else []
                begin, n = tokens[level[n + 3]].end + 1, n + 3
        elif current:
            part.append(i)
        n += 1
    if current:
        lists[current] = _split(tokens, part, begin) if part else []
    return lists


def _scope_edits(query: str, tokens: list, level: list[int],
                 scopes: dict[int, list[int]]) -> list[tuple[int, int, str]]:
    """(start, end, column number) for each repeated key of the SELECT at this depth; none if one cannot be mapped."""
    lists = _lists(tokens, level, scopes)
    columns = []
    for start, end in lists.get("SELECT", []):
        item = query[start:end].strip()
        alias = _ALIAS.match(item)
        columns.append(alias.group(1) if alias else item)
    edits: list[tuple[int, int, str]] = []
    for clause in ("DISTINCT_ON", "GROUP_BY", "ORDER_BY"):
        keys = []
        for start, end in lists.get(clause, []):
            raw = query[start:end]
            start, end = start + len(raw) - len(raw.lstrip()), end - (len(raw) - len(raw.rstrip()))
            m = _SORT_SUFFIX.match(query[start:end])
            keys.append((start, end, m.group(1), m.group(2)))  # type: ignore[union-attr]
        seen = [k[2] for k in keys]
        used: dict[str, int] = {}
        for start, end, key, suffix in keys:
            if seen.count(key) < 2:
                continue
            matching = [n for n, c in enumerate(columns, 1) if key in (c, f"({c})")] or \
                [n for n, c in enumerate(columns, 1) if _LITERAL.fullmatch(c) and key.startswith(c + "::")]
            k = used.get(key, 0)
            if k >= len(matching):
                return []
            used[key] = k + 1
            edits.append((start, end, f"{matching[k]}{suffix}"))
    return edits
