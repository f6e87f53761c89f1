"""SQL expressions from schema.yaml (defaults, checks, index keys and predicates), parsed by sqlglot.

An expression is parsed when the file is loaded, so a typo fails in review, not in production, and
anything that is not exactly one expression (``1; DROP TABLE x``) never reaches a migration. One that
sqlglot cannot read but that is plausibly one expression (pg.verbatim) is kept as written: a
pg.syntax.Verbatim node, printed as written, analysed by its tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from schemac.pg.dialect import DIALECT
from schemac.pg.foreign_names import user_type_tokens
from schemac.pg.exprerrors import ExpressionError, FirmError
from schemac.pg.operators import is_operator_token
from schemac.pg import verbatim
from schemac.pg.syntax import KnownGrammarError, Verbatim

# Top-level nodes that are statements, not expressions.
_STATEMENTS = (exp.Query, exp.DDL, exp.DML, exp.Command, exp.Transaction, exp.Commit, exp.Rollback,
               exp.Set, exp.Use, exp.Describe, exp.Pragma, exp.Drop, exp.Create, exp.Alter)


# sqlglot's parser tries `ARRAY[`, `TIME(`, `x[` ... one way, then another: each nested level doubles the
# work, so 30 nested `ARRAY[` would take hours. PostgreSQL arrays have at most 6 dimensions.
MAX_TYPED_NESTING = 8
_TYPED_OPENERS = frozenset(DIALECT.parser_class.TYPE_TOKENS) | {TokenType.ARRAY, TokenType.STRUCT, TokenType.MAP}


def _check_nesting(tokens: list) -> None:
    """Refuse, in linear time, the nesting that makes sqlglot's parser take exponential time."""
    stack: list[bool] = []
    typed = 0
    previous = None
    for token in tokens:
        kind = token.token_type
        if kind in (TokenType.L_PAREN, TokenType.L_BRACKET):
            is_typed = kind == TokenType.L_BRACKET or (previous is not None and previous in _TYPED_OPENERS)
            stack.append(is_typed)
            typed += is_typed
            if typed > MAX_TYPED_NESTING:
                raise FirmError(f"nests arrays, subscripts or type constructors more than {MAX_TYPED_NESTING} "
                                      "levels deep")
        elif kind in (TokenType.R_PAREN, TokenType.R_BRACKET) and stack:
            typed -= stack.pop()
        previous = kind


def _where(text: str, e: ParseError) -> str:
    """Where the parse failed, in the user's text ("incomplete after 'a >'"), without sqlglot's
    internals (its messages name Python classes: "Required keyword: 'expression' missing for <class ...>")."""
    first = (e.errors or [{}])[0]
    col = first.get("col")
    description = str(first.get("description") or "")
    said = None if "<class" in description or not description else description.splitlines()[0]
    line = text.splitlines()[0] if text else ""
    if isinstance(col, int) and 0 < col <= len(line):
        what = said.rstrip(".").lower() if said else "incomplete expression"
        return f"{what} at column {col}, after '{line[:col].strip()[-40:]}'"
    return said or "syntax error"


def _sqlglot_parse(text: str) -> list[exp.Expression]:
    """sqlglot's parse of `text` (tokenized once, for the nesting check and the parser), its errors
    as ExpressionError."""
    try:
        tokens = user_type_tokens(DIALECT.tokenize(text))
        _check_nesting(tokens)
        return [p for p in DIALECT.parser().parse(tokens, text) if p is not None]
    except ExpressionError:
        raise
    except KnownGrammarError as e:
        raise FirmError(f"is not valid SQL ({_where(text, e)})") from None
    except ParseError as e:
        raise ExpressionError(f"is not valid SQL ({_where(text, e)})") from None
    except TokenError as e:
        detail = str(e).splitlines()[0] if str(e) else "syntax error"
        raise ExpressionError(f"is not valid SQL ({detail})") from None
    except RecursionError:
        raise FirmError("is nested too deeply to parse") from None
    except Exception as e:  # sqlglot's function builders raise IndexError, TypeError... on odd arguments
        raise ExpressionError(f"is not valid SQL (sqlglot: {type(e).__name__})") from None


@lru_cache(maxsize=8192)
def _parse(text: str) -> exp.Expression:
    """The parsed expression, validated, or a Verbatim node where sqlglot cannot read a text that is plausibly
    one expression; shared by every caller, so never mutate it."""
    if not text.strip():
        raise ExpressionError("is empty")
    try:
        return _read(text)
    except FirmError:
        raise
    except ExpressionError:
        if verbatim.refusal(text) is not None:
            raise
        return Verbatim(this=verbatim.without_comments(text))


def _read(text: str) -> exp.Expression:
    parsed = _sqlglot_parse(text)
    if len(parsed) != 1:
        raise ExpressionError(f"must be exactly one SQL expression, found {len(parsed)} statements")
    node = parsed[0]
    if not isinstance(node, (exp.Condition, exp.Interval, exp.AtTimeZone)) or isinstance(node, _STATEMENTS) or \
            any(isinstance(n, _STATEMENTS) for n in node.walk()):
        raise ExpressionError("must be an expression, not a statement or subquery")
    for n in node.walk():
        n.comments = None  # SQL comments never travel into generated DDL
    try:
        node.sql(dialect=DIALECT)  # what sqlglot can parse but not print would fail later, in generate
    except Exception as e:
        raise ExpressionError(f"cannot be written as PostgreSQL (sqlglot: {type(e).__name__})") from None
    return node


def parse_expression(text: str) -> exp.Expression:
    """A fresh copy of the parsed expression (callers may embed it in a larger tree)."""
    return _parse(text).copy()


def check_expression(text: str) -> None:
    """ExpressionError unless `text` is exactly one expression schemac can write (parse_expression's
    checks, without the copy)."""
    _parse(text)


def is_verbatim(text: str) -> bool:
    """Whether the loader keeps `text` as written (sqlglot cannot read it); False for text it refuses."""
    try:
        return isinstance(_parse(text), Verbatim)
    except ExpressionError:
        return False


def checked_columns(text: str) -> set[str]:
    """The columns the loader checks an expression names: referenced_columns, none for a verbatim one (its
    names are a guess from its tokens, keywords among them; Postgres checks them when the migration runs)."""
    return set() if is_verbatim(text) else referenced_columns(text)


def parse_to_compare(text: str) -> exp.Expression:
    """A fresh tree of one expression, comments dropped, for comparing spellings (normalize.py):
    the same parser and nesting guard as the loader's, without its checks of what may go into DDL
    (texts from the catalog are Postgres's own). ValueError if it is not exactly one expression."""
    parsed = _sqlglot_parse(text)
    if len(parsed) != 1:
        raise ExpressionError(f"must be exactly one SQL expression, found {len(parsed)} statements")
    for node in parsed[0].walk():
        node.comments = None
    return parsed[0]


def referenced_columns(text: str) -> set[str]:
    """Column names an expression uses, as Postgres resolves them (unquoted names fold to lower case); of a
    verbatim one, every name it holds (a superset: what reads a column is then never missed)."""
    return set(_referenced_columns(text))


def required_not_null(text: str) -> frozenset[str]:
    """The columns a CHECK's top-level ANDs say IS NOT NULL (`c IS NOT NULL`, `NOT (c IS NULL)`): a row holding NULL in
    one fails it (any other NULL leaves a comparison NULL, which a CHECK passes). None of a verbatim expression."""
    out: set[str] = set()
    for node in _top_level_ands(_parse(text)):
        negated = isinstance(node, exp.Not)
        inner = node.this.unnest() if negated else node
        if isinstance(inner, exp.Is) and bool(inner.args.get("negate")) != negated \
                and isinstance(inner.expression, exp.Null) and isinstance(inner.this, exp.Column) \
                and isinstance(inner.this.this, exp.Identifier) and not inner.this.table:
            ident = inner.this.this
            out.add(ident.name if ident.quoted else ident.name.lower())
    return frozenset(out)


def conjuncts(text: str) -> frozenset[str]:
    """The SQL of each top-level AND of an expression (a predicate holding every one of another's reads no row that one
    leaves out: plan.new_keys); of a verbatim one, its text."""
    tree = _parse(text)
    return frozenset({text}) if isinstance(tree, Verbatim) else frozenset(node.sql() for node in _top_level_ands(tree))


def _top_level_ands(tree: exp.Expression) -> list[exp.Expression]:
    """The operands of an expression's top-level ANDs (itself where it is no AND), their parentheses taken off."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (exp.Paren, exp.And)):
            todo += [node.this] if isinstance(node, exp.Paren) else [node.left, node.right]
        else:
            out.append(node)
    return out


def shared_tree(text: str) -> exp.Expression:
    """The parsed expression (or Verbatim), shared by every caller: never mutate it. ValueError where it is none."""
    return _parse(text)


@lru_cache(maxsize=8192)
def _referenced_columns(text: str) -> frozenset[str]:
    tree = _parse(text)
    if isinstance(tree, Verbatim):
        return verbatim.names(tree.this)
    out = set()
    for c in tree.find_all(exp.Column):
        if isinstance(c.parent, exp.Collate) and c.arg_key == "expression":
            continue  # COLLATE schema.name: a collation, which sqlglot reads as a qualified column
        ident = c.this
        if isinstance(ident, exp.Identifier):
            out.add(ident.name if ident.quoted else ident.name.lower())
    return frozenset(out)


def _key_tree(text: str) -> Optional[exp.Expression]:
    """The shared tree of a key's expression without its outer parentheses (never mutate it); None where it is none."""
    try:
        tree = _parse(text)
    except ValueError:
        return None
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return tree


def plain_column(text: str) -> Optional[str]:
    """The column an index or EXCLUDE key's expression is when it is only a column's name, in parentheses or
    not (`(id)`, `"Name"`): Postgres stores such a key as the plain column (pg_get_indexdef prints `id`), so
    it is one; None for any other expression."""
    tree = _key_tree(text)
    if not isinstance(tree, exp.Column) or tree.table or not isinstance(tree.this, exp.Identifier):
        return None
    return tree.this.name if tree.this.quoted else tree.this.name.lower()


def collated_key(text: str) -> Optional[tuple[str, str]]:
    """An index or EXCLUDE key written with a COLLATE on top (`(d COLLATE "C")`, `lower(d) COLLATE "C"`): the key
    without it and the collation, quoted as SQL (`"C"`, `"s"."c"`); None for any other. Postgres strips every top-level
    COLLATE of a key and makes the outermost the key's collation (ComputeIndexAttrs: "(column COLLATE something)" is
    the column), so pg_get_indexdef prints `d COLLATE "C"`."""
    tree = _key_tree(text)
    if not isinstance(tree, exp.Collate):
        return None
    collation = tree.expression
    parts = [collation] if isinstance(collation, exp.Identifier) else [collation.args.get("table"), collation.this] \
        if isinstance(collation, exp.Column) and not collation.args.get("db") else []
    if not parts or not all(isinstance(p, exp.Identifier) for p in parts):
        return None
    key = tree.this
    while isinstance(key, (exp.Paren, exp.Collate)):
        key = key.this
    names = (p.name if p.quoted else p.name.lower() for p in parts)
    return key.sql(dialect=DIALECT), ".".join('"' + n.replace('"', '""') + '"' for n in names)


# An element's trailing operator class: a name or schema.name after a complete expression.
_OPCLASS = re.compile(r'^(.*?\S)\s+((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?)$', re.S)


_NOT_OPCLASSES = {"asc", "desc", "nulls", "first", "last", "collate"}  # an index's words, which a key refuses


_ORDER_WORDS = (("nulls", re.compile(r"(?is)(.*?\S)\s+nulls\s+(first|last)")),
                ("order", re.compile(r"(?is)(.*?\S)\s+(asc|desc)")))


def index_element_words(text: str) -> Optional[tuple[str, dict[str, str]]]:
    """An index key's expression written with the words CREATE INDEX puts after one (`lower(s) text_pattern_ops DESC
    NULLS LAST`): (the expression, {"opclass" | "order" | "nulls": the word}) where the text reads only without them
    (else the migration wrote `((lower(s) DESC))`, refused); None for any other text."""
    if not is_verbatim(text):
        return None
    head, words = text.strip(), {}
    for key, pattern in _ORDER_WORDS:
        m = pattern.fullmatch(head)
        if m is not None:
            head, words[key] = m.group(1), m.group(2).lower()
    if is_verbatim(head) or not _readable(head):
        m = _OPCLASS.match(head)
        if m is None or m.group(2).lower() in _NOT_OPCLASSES:
            return None
        head, words["opclass"] = m.group(1), m.group(2)
    return (head, words) if words and _readable(head) and not is_verbatim(head) else None


def _readable(text: str) -> bool:
    try:
        _read(text)
    except ExpressionError:
        return False
    return True


@lru_cache(maxsize=8192)
def used_operators(text: str) -> frozenset[tuple[str, str]]:
    """The operators an expression (or any SQL text) names, as (schema, symbol): `OPERATOR(s.op)` in s, a bare
    one in public (where the catalog reader's search_path finds a user's). Postgres's own are among them; the
    types are not known, so every overload of a symbol counts. Empty when it does not tokenize."""
    try:
        tokens = DIALECT.tokenize(text)
    except Exception:
        return frozenset()
    out: set[tuple[str, str]] = set()
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.token_type == TokenType.OPERATOR and i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.L_PAREN:
            j, schema = i + 2, "public"
            if j + 1 < len(tokens) and tokens[j + 1].token_type == TokenType.DOT:
                schema, j = tokens[j].text, j + 2
            end = next((k for k in range(j, len(tokens)) if tokens[k].token_type == TokenType.R_PAREN), len(tokens))
            out.add((schema, "".join(x.text for x in tokens[j:end])))
            i = end + 1
            continue
        if is_operator_token(t, text):
            out.add(("public", t.text))
        i += 1
    return frozenset(out)
