"""Names sqlglot knows from other SQL dialects that in Postgres's SQL only a user's type or function has (Icinga DB's
domain uint, orafce's nvl and instr, an application's own uuid() or year()): read and written as the names they are,
not as the type or expression sqlglot maps them to (pg.dialect's parser, pg.expressions, pg.typeparse)."""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokens import TokenType

from schemac.pg.builtin_arity import POSTGRES_ARITY, builtin_arity  # noqa: F401 (pg.dialect's names)
from schemac.pg.keywords import CATALOG_TYPE_WORDS, PLAIN_NAME, is_postgres_keyword
from schemac.pg.sqllex import OP_CHARS
from schemac.pg.user_literals import SCONST_TOKENS

# Words sqlglot's tokenizer reads as a type that are Postgres's own spellings, or syntax it needs to read as such
# (SETOF ... ARRAY, a serial shorthand, an extension's type): every other is another dialect's (tinyint, long,
# string, int64), which Postgres has no type of: in Postgres's SQL only a user's type has that name. `double` alone is
# one of them (Postgres's is `double precision`, one token to sqlglot: 'DOUBLE PRECISION').
_OWN_WORDS = frozenset("""
array bigint bit bool boolean bpchar bytea char character cstring date datemultirange daterange dec decimal
float float4 float8 inet int int2 int4 int4multirange int4range int8 int8multirange int8range integer interval json
jsonb money name nchar numeric nummultirange numrange oid point real regclass regcollation regconfig regdictionary
regnamespace regoper regoperator regproc regprocedure regrole regtype smallint text time timestamp timestamptz timetz
tsmultirange tsrange tstzmultirange tstzrange unknown uuid varchar xml geography geometry hstore vector serial
bigserial smallserial null nullable union range ref user-defined""".split())
ANOTHER_DIALECTS_WORDS = frozenset(
    k.lower() for k, v in Postgres.Tokenizer.KEYWORDS.items()
    if v in Postgres.Parser.TYPE_TOKENS and " " not in k) - _OWN_WORDS


def user_type_tokens(tokens: list) -> list:
    """`tokens` with each word of ANOTHER_DIALECTS_WORDS that a cast names (after :: or AS, or before a string: `short
    'x'`, pg.user_literals) read as a name: sqlglot took `::tinyint` for its TINYINT (printed SMALLINT), `::long` for
    BIGINT, `::int1` for TINYINT; a user's type of that name (Icinga DB's domain uint) is kept as written."""
    for i, token in enumerate(tokens):
        after = tokens[i + 1].token_type if i + 1 < len(tokens) else None
        if (i and tokens[i - 1].token_type in (TokenType.DCOLON, TokenType.ALIAS) or after in SCONST_TOKENS) and \
                token.text.lower() in ANOTHER_DIALECTS_WORDS and after != TokenType.DOT:  # (not a schema: map.zoom)
            token.token_type, token.text = TokenType.IDENTIFIER, token.text.lower()
    return tokens


# The functions of Postgres (pg_proc of pg_catalog, 18) sqlglot has a builder for, and the SQL constructs it reads
# as calls (coalesce, greatest, current_date...): every other name sqlglot builds is another dialect's function
# (nvl, ifnull, uuid, year, instr, last_day), which in Postgres only a user's function or an extension's (orafce)
# has; sqlglot rewrote a call of one into another expression (uuid() as gen_random_uuid(), ifnull(a, b) as
# coalesce(a, b), decode(...) as a CASE): it stays a call, printed as written (pg.dialect's _kept).
POSTGRES_CALLS = frozenset("""
abs acos acosh any_value array_agg array_append array_cat array_length array_position array_prepend array_remove
array_reverse array_sort array_to_string ascii asin asinh atan atan2 atanh avg bit_and bit_length bit_or bit_xor
bool_and bool_or btrim cbrt ceil ceiling char char_length character_length chr concat concat_ws convert corr cos
cosh cot count covar_pop covar_samp cume_dist current_database current_schema current_schemas current_user date
date_add date_bin date_trunc decode degrees dense_rank div encode exp extract factorial first_value floor format
gen_random_uuid generate_series get_bit host initcap json_extract_path json_extract_path_text json_object_agg
json_strip_nulls jsonb_contains jsonb_exists jsonb_object_agg justify_days justify_hours justify_interval lag
last_value lead left length like ln log log10 lower lpad ltrim make_interval make_time make_timestamp max md5 min
mod mode normalize now nth_value ntile overlay percent_rank percentile_cont percentile_disc pi pow power radians
random rank regexp_count regexp_instr regexp_like regexp_replace regexp_substr regr_avgx regr_avgy regr_count
regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy repeat replace reverse right round row_number rpad
rtrim session_user sha256 sha384 sha512 sign sin sinh split_part sqrt starts_with string_agg stddev stddev_pop stddev_samp
string_to_array strpos substr substring sum tan tanh time timestamp to_char to_date to_hex to_number to_timestamp
translate trunc unnest upper var_pop var_samp variance version width_bucket
and or case cast coalesce nullif greatest least collate collation exists grouping trim array
struct map list current_catalog current_date current_role current_time current_timestamp localtime
localtimestamp xmlelement st_distance st_makepoint st_point""".split())


def _arguments(parser) -> int:
    """How many arguments the call whose '(' the parser has just passed holds (the commas at its own level, up to an
    ORDER BY of an aggregate's)."""
    depth, count, i, tokens = 0, 1, parser._index, parser._tokens
    if i < len(tokens) and tokens[i].token_type == TokenType.R_PAREN:
        return 0
    while i < len(tokens):
        kind = tokens[i].token_type
        if kind in (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE):
            depth += 1
        elif kind in (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE):
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and kind == TokenType.COMMA:
            count += 1
        elif depth == 0 and kind == TokenType.ORDER_BY:
            break
        i += 1
    return count


def counted_parser(name: str, parse):
    """sqlglot's grammar for Postgres's function `name` (string_agg(x, ',' ORDER BY y)) where the call has as many
    arguments as that function takes; else a user's function of that name, a plain call: sqlglot added string_agg(s)'s
    delimiter ',' and dropped a third argument."""
    def counted(parser):
        if builtin_arity(name, _arguments(parser)):
            return parse(parser)
        return exp.Anonymous(this=name, expressions=parser._parse_csv(parser._parse_lambda))
    return counted


# Words sqlglot's tokenizer reads as the start of a statement (LOCK, COMMENT, SET, EXECUTE...) that Postgres does not
# quote (unreserved keywords): a user's function so named is printed bare, `lock(s)`, which sqlglot refused ("not an
# expression") or read as another expression (`(comment(s))` as `(comment AS (s))`).
_STATEMENT_TYPES = {*Postgres.Parser.STATEMENT_PARSERS, *Postgres.Tokenizer.COMMANDS, TokenType.COMMAND}
_STATEMENT_WORDS = frozenset(k.lower() for k, v in Postgres.Tokenizer.KEYWORDS.items()
                             if v in _STATEMENT_TYPES and k.replace("_", "").isalpha() and not is_postgres_keyword(k.lower()))
# ... except where such a word followed by '(' is its statement's syntax: UPDATE t SET (a, b) = ..., MERGE's INSERT (a)
_SYNTAX_AFTER = {"set": TokenType.UPDATE, "insert": TokenType.MERGE}


def called_words(tokens: list, sql: str, tokenize) -> list:
    """`tokens` (of `sql`) with each word of _STATEMENT_WORDS that a '(' follows read as a function's name. At the
    start, sqlglot's tokenizer took the rest of a command's text (lock, show, vacuum, execute...) as one string:
    `tokenize`, the tokenizer's own, reads it again."""
    first = tokens[0] if tokens else None
    if len(tokens) == 2 and first.token_type in Postgres.Tokenizer.COMMANDS and first.text.lower() in _STATEMENT_WORDS \
            and tokens[1].token_type == TokenType.STRING and sql[first.end + 1:].lstrip().startswith("("):
        at = first.end + 1
        rest = tokenize(sql[at:])
        for token in rest:
            if token.line == 1:
                token.col += first.col
            token.line += first.line - 1
            token.start += at
            token.end += at
        tokens = [first, *rest]
    for i in range(len(tokens) - 1):
        token = tokens[i]
        word = token.text.lower()
        if word == "operator" and token.token_type == TokenType.OPERATOR and not _names_operator(tokens, i + 1):
            token.token_type = TokenType.VAR  # a user's function operator(...), not OPERATOR(schema.op)
            continue
        if tokens[i + 1].token_type == TokenType.L_PAREN and word in _STATEMENT_WORDS \
                and token.token_type != TokenType.IDENTIFIER and token.text.isidentifier() \
                and not (word in _SYNTAX_AFTER and any(t.token_type == _SYNTAX_AFTER[word] for t in tokens[:i])):
            token.token_type = TokenType.VAR
    return tokens


def _names_operator(tokens: list, at: int) -> bool:
    """Whether the parenthesis at `at` holds an operator's name, `OPERATOR(schema.+)`, as pg_get_expr prints one
    outside the search path (the last word before ')' an operator's), not a call's arguments."""
    if tokens[at].token_type != TokenType.L_PAREN:
        return True
    depth = 0
    for i in range(at, len(tokens)):
        depth += (tokens[i].token_type == TokenType.L_PAREN) - (tokens[i].token_type == TokenType.R_PAREN)
        if depth == 0:
            return i - 1 > at and bool(tokens[i - 1].text) and set(tokens[i - 1].text) <= OP_CHARS
    return True


def keyword_schema_type(parser) -> exp.DataType | None:
    """`schema.name` where a type stands (after :: or AS) and the schema is one of sqlglot's type keywords (map,
    list, ref...; pg_get_expr leaves it unquoted) or quoted (`"json".dom`, `"integer".kind`: a keyword of Postgres's):
    sqlglot read `0::map.zoom` as CAST(0 AS MAP) and then a field .zoom, a syntax error in the migration. The schema
    quoted, as pg.typeparse writes such a type."""
    curr, dot = parser._curr, parser._next
    if curr is None or dot is None or parser._prev is None or dot.token_type != TokenType.DOT \
            or parser._prev.token_type not in (TokenType.DCOLON, TokenType.ALIAS) or curr.token_type == TokenType.VAR \
            or not (curr.token_type == TokenType.IDENTIFIER or PLAIN_NAME.fullmatch(curr.text)):
        return None
    name = parser._tokens[parser._index + 2] if parser._index + 2 < len(parser._tokens) else None
    if name is None or not (name.token_type == TokenType.IDENTIFIER or PLAIN_NAME.fullmatch(name.text)):
        return None
    parser._advance(3)
    quoted = '"' + name.text.replace('"', '""') + '"' if name.token_type == TokenType.IDENTIFIER else name.text
    schema = '"' + curr.text.replace('"', '""') + '"'
    kind = exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=exp.Var(this=f"{schema}.{quoted}"))
    while parser._match_pair(TokenType.L_BRACKET, TokenType.R_BRACKET):
        kind = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[kind], nested=True)
    return kind


class QuotedUserTypes:
    """The quoted names sqlglot is to read as a user's type, not as the type its tokenizer knows the word as: every
    one but pg_catalog's own (keywords.CATALOG_TYPE_WORDS), except "char" and "bit", which are Postgres's one-byte
    "char" and bit of any length (unquoted: character(1), bit(1))."""

    def __contains__(self, name: str) -> bool:
        return name in ("char", "bit") or name not in CATALOG_TYPE_WORDS


# SQL/JSON's constructors and JSON_TABLE, which sqlglot reads by their grammar: not keywords before 16 (json_objectagg)
# or 17 (json_table), so 15 and 16 print a user's function of that name bare, json_objectagg(a, b), which sqlglot
# wrote as json_object_agg(a: b) (a syntax error). Without a word or ':' of the grammar at the call's own level, a call.
_JSON_GRAMMAR_WORDS = frozenset(("KEY", "VALUE", "COLUMNS", "RETURNING", "ON", "WITH", "WITHOUT", "ABSENT", "NULL",
                                 "FORMAT", "PASSING", "ORDER", "NESTED", "PLAN", "ERROR", "EMPTY", "DEFAULT", "AS"))


def sql_json_parser(name: str, parse):
    """sqlglot's grammar for the SQL/JSON call `name` where the call holds its syntax; else a plain call."""
    def parsed(parser):
        depth, i, tokens = 0, parser._index, parser._tokens
        while i < len(tokens):
            kind = tokens[i].token_type
            depth += kind in (TokenType.L_PAREN, TokenType.L_BRACKET)
            depth -= kind in (TokenType.R_PAREN, TokenType.R_BRACKET)
            if depth < 0:
                return exp.Anonymous(this=name, expressions=parser._parse_csv(parser._parse_lambda))
            if depth == 0 and (kind == TokenType.COLON or tokens[i].text.upper() in _JSON_GRAMMAR_WORDS):
                break
            i += 1
        return parse(parser)
    return parsed
