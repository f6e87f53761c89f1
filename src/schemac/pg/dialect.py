"""The sqlglot dialects schemac parses and renders with.

:data:`DIALECT` parses schema.yaml's SQL and prints the normal forms the differ compares: plain sqlglot
Postgres, except that the functions of ``KEPT_FUNCTIONS`` stay as written (sqlglot would turn ``now()``
into ``CURRENT_TIMESTAMP`` and ``char_length(x)`` into ``length(x)``, and Postgres then stores another
expression than the one the reviewer read) and that a generated column
that is not persisted renders as PostgreSQL 18's ``VIRTUAL`` (sqlglot writes ``STORED`` for every
generated column).

:data:`RENDER` writes migrations: the same, with function names in lower case (``gen_random_uuid()``,
``now()``, ``lower(pattern)``), as reviewers write them and as Postgres itself deparses them; keywords
and type names stay upper case. Migrations written before it (upper-case function names) are never
rewritten: sqlx checksums every applied file.
"""

from __future__ import annotations

import logging

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokens import TokenType

from schemac.pg.intervals import interval_literal_sql, parse_interval
from schemac.pg.foreign_names import (ANOTHER_DIALECTS_WORDS, POSTGRES_ARITY, POSTGRES_CALLS, builtin_arity,
                                      QuotedUserTypes, called_words, counted_parser, keyword_schema_type,
                                      sql_json_parser)
from schemac.pg.keywords import is_postgres_keyword
from schemac.pg.keywordcalls import is_json_as_stored, json_object_as_stored, keyword_call
from schemac.pg.numerals import merge_numerals
from schemac.pg.user_literals import user_typed_literal
from schemac.pg.operators import (OPERATORS, TOKEN, OtherOperator, PrefixOperator, merge_operators, other_sql,
                                  parse_other, parse_prefix, prefix_sql)
from schemac.pg.syntax import (AtLocal, Printed, SpelledCall, SqlValue, Verbatim, at_local_sql, collation_for,
                               current_schema_call, current_schema_called,
                               finish_type, interval_sql, is_words, negated_after, not_after,
                               similar_substring, spelled_sql, sql_position, sql_value, verbatim_sql,
                               xml_call)
from schemac.pg.dialect_printers import _SPELLED, _generated, _identity


# Functions sqlglot would rewrite into another spelling (char_length -> length, btrim -> TRIM(...), strpos -> position,
# date_part -> EXTRACT, to_hex -> hex, which Postgres does not have). Postgres stores the function the migration
# names, so the migration names the one schema.yaml names: these stay plain calls, printed as written.
KEPT_FUNCTIONS = ("now", "char_length", "character_length", "btrim", "ltrim", "rtrim", "strpos", "substr", "to_hex",
                  "date_part", "date_trunc", "mod", "ceiling", "log10",
                  # PostGIS: sqlglot would write st_makepoint() as st_point(), another function of PostGIS
                  "st_makepoint", "st_point", "st_distance",
                  # sqlglot reads `a ^ b`, `|/ a` and `||/ a` as power(), sqrt() and cbrt(), and Postgres stores each
                  # spelling as written: the operators print as operators (_SPELLED), the functions stay calls
                  "power", "sqrt", "cbrt",
                  # sqlglot rewrote these into other expressions: pow(a, b) as a ^ b, regexp_like(s, p, flags) as
                  # s ~ p (the flags lost), date_add(ts, i) as ts + INTERVAL '1' * i (which Postgres refuses)
                  "pow", "regexp_like", "date_add", "date_subtract",
                  # json_extract_path(d, 'a') as d -> 'a': Postgres stores the call and the operator apart
                  "json_extract_path", "json_extract_path_text", "convert",
                  # decode(a, b, c, d) as a CASE (Oracle's, orafce's): Postgres's own takes two arguments
                  "decode",
                  # sqlglot wrote variance(x) as var_samp(x) (another function of pg_catalog, and none of a user's
                  # variance(text)), dropped array_sort's third argument (18's nulls_first), made date_bin's and
                  # generate_series' string argument an INTERVAL or a unit (DAY) and jsonb_exists' a JSON path
                  "variance", "array_sort", "date_bin", "generate_series", "jsonb_exists",
                  # sqlglot's builders translate the format into its own (strftime's) and back: '%Y' came back as
                  # 'YYYY', 'mi' as 'MI', a quoted "%d" as "%D" (another format, and a drift against the catalog)
                  "to_char", "to_date", "to_timestamp")


# The calls sqlglot's Postgres parser reads by a grammar of its own that are not Postgres's (its SQL syntax or a
# function of pg_catalog): a user's function so named (MySQL-compatibility layers' match(), an analytics schema's
# max_by(), min_by() or arg_max()) was rewritten as another name (min_by as arg_min, which Postgres has not) or refused
# (match(s, 'x'): sqlglot's MATCH ... AGAINST, try_cast(s): its TRY_CAST(x AS type)). DATE_PART has a parser of ours.
_POSTGRES_SYNTAX = frozenset(("DATE_PART", "CAST", "EXTRACT", "OVERLAY", "POSITION", "SUBSTRING", "TRIM", "NORMALIZE",
                              "XMLELEMENT", "XMLPARSE", "XMLSERIALIZE", "XMLTABLE", "JSON_OBJECT", "JSON_OBJECTAGG",
                              "JSON_TABLE", "JSON_VALUE", "JSON_AGG", "STRING_AGG"))
_FOREIGN_PARSED = frozenset(k for k in Postgres.Parser.FUNCTION_PARSERS
                            if k not in _POSTGRES_SYNTAX and k.lower() not in POSTGRES_CALLS)
# Postgres's plain functions sqlglot reads by a grammar of its own (another dialect's CEIL(x TO DAY), INITCAP with a
# default delimiter added, JSONB_EXISTS' JSON path): read as calls, by their builders (_counted, KEPT_FUNCTIONS),
# which keep a call of another argument count as written (a user's initcap(text, text), ceil(a, b, c))
_PLAIN_CALLS = frozenset(("CEIL", "FLOOR", "INITCAP", *(name.upper() for name in KEPT_FUNCTIONS)))


def _kept(name: str):
    return lambda args: exp.Anonymous(this=name, expressions=args)


def _counted(name: str, build):
    """sqlglot's builder for Postgres's function `name` where the call has as many arguments as that function takes;
    else a user's function of that name (foreign_names.POSTGRES_ARITY), kept as written."""
    takes_dialect = "dialect" in build.__code__.co_varnames

    def counted(args):
        if not builtin_arity(name, len(args)):
            return exp.Anonymous(this=name, expressions=args)
        return build(args)

    def counted_in(args, dialect):  # sqlglot calls builder(args), and builder(args, dialect=...) on its TypeError
        if not builtin_arity(name, len(args)):
            return exp.Anonymous(this=name, expressions=args)
        return build(args, dialect=dialect)
    return counted_in if takes_dialect else counted


def _varbit(parser) -> exp.DataType | None:
    """`bit varying(n)` / `varbit` where a type stands (after :: or AS), with its array brackets: sqlglot has no
    such type and refused '101'::bit varying, pg_get_expr's spelling of a varbit column's default."""
    curr, after = parser._curr, parser._next
    if curr is None or parser._prev is None or parser._prev.token_type not in (TokenType.DCOLON, TokenType.ALIAS):
        return None
    two = curr.text.lower() == "bit" and after is not None and after.text.lower() == "varying"
    if not two and curr.text.lower() != "varbit":
        return None
    parser._advance(2 if two else 1)
    name = "bit varying"
    if parser._curr is not None and parser._curr.token_type == TokenType.L_PAREN and parser._next is not None \
            and parser._next.token_type == TokenType.NUMBER:
        name += f"({parser._next.text})"
        parser._advance(2)
        parser._match_r_paren()
    kind: exp.DataType = exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=exp.Var(this=name))
    while parser._match(TokenType.L_BRACKET):
        parser._match(TokenType.R_BRACKET)
        kind = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[kind], nested=True)
    return kind


_CONSTRUCTOR_WORDS = {"VALUE", "KEY", "RETURNING", "ON", "WITH", "WITHOUT", "ABSENT", "NULL", "FORMAT"}


def _json_object(parser) -> exp.Expression:
    """JSON_OBJECT('a' : 1 ...), the SQL/JSON constructor, as sqlglot reads it; json_object(ARRAY[...]) (the
    function, spelled in lower case with no `:` or keyword of the constructor in its arguments) as a call."""
    name, depth, i = parser._tokens[parser._index - 2], 0, parser._index
    while i < len(parser._tokens) and name.text == "json_object":
        t = parser._tokens[i]
        depth += t.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET)
        depth -= t.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET)
        if depth < 0:
            return exp.Anonymous(this="json_object", expressions=parser._parse_csv(parser._parse_assignment))
        if depth == 0 and (t.token_type == TokenType.COLON or t.text.upper() in _CONSTRUCTOR_WORDS):
            break
        i += 1
    return json_object_as_stored(parser._parse_json_object())


class SchemacPostgres(Postgres):
    # Read and written as Postgres, never translated: sqlglot's array-index offset (1 here, for other dialects'
    # 0-based arrays) was subtracted from a subscript it typed as an integer on the way in and added on the way out,
    # so `a[array_length(a, 1)]` came back `a[array_length(a, 1) + 0]`: another expression in the catalog
    INDEX_OFFSET = 0

    class Tokenizer(Postgres.Tokenizer):
        # PostGIS's operators and the others of pg.operators; `cube` is a name (the cube extension's type and
        # its constructor cube(ARRAY[lat, lng]) in indexes), not GROUP BY's CUBE, which sqlglot refused there;
        # `regexp` and `rlike` are names (Redmine's custom_fields.regexp), not MySQL's operators: `rlike IS NULL`
        # was read as an operator over a column `is`
        KEYWORDS = {**{k: v for k, v in Postgres.Tokenizer.KEYWORDS.items() if k not in ("CUBE", "REGEXP", "RLIKE")},
                    **{op: TOKEN for op in OPERATORS}}

        def tokenize(self, sql: str):
            # a user's operator (CREATE OPERATOR ===) is one token, as Postgres's lexer reads it; a user's function
            # named like a statement (lock(s), comment(s)) a name (foreign_names.called_words)
            # and 16's `0x10`, `0o17`, `0b101`, `1_000` one number each (pg.numerals)
            return called_words(merge_operators(merge_numerals(super().tokenize(sql), sql), sql), sql,
                                super().tokenize)

    class Parser(Postgres.Parser):
        # date_part stays a call (KEPT_FUNCTIONS): sqlglot's own parser for it wrote pg_get_expr's
        # date_part('year'::text, d) as EXTRACT(CAST('year' AS TEXT) FROM d), which Postgres refuses
        # convert(b, 'LATIN1', 'UTF8') is Postgres's plain function, not T-SQL's CONVERT(type, value) (refused);
        # json_object(ARRAY[...]), the function (as 15 prints it, unquoted), is not the JSON_OBJECT constructor
        # Another dialect's call sqlglot parses by a grammar of its own (MATCH, TRY_CAST, MAX_BY, GAP_FILL...) is in
        # Postgres only a user's function of that name: a plain call (_FOREIGN_PARSED)
        # A function of Postgres's read by a grammar (string_agg's ORDER BY) with another argument count: a user's, a
        # plain call (foreign_names.counted_parser; a keyword's, extract(...) or overlay(...), Postgres prints quoted: a name)
        FUNCTION_PARSERS = {**{k: counted_parser(k.lower(), v)
                               if k.lower() in POSTGRES_ARITY and not is_postgres_keyword(k.lower()) else v
                               for k, v in Postgres.Parser.FUNCTION_PARSERS.items()
                               if k not in ("DATE_PART", "CONVERT") and k not in _FOREIGN_PARSED and k not in _PLAIN_CALLS},
                            **{k: sql_json_parser(k.lower(), Postgres.Parser.FUNCTION_PARSERS[k])
                               for k in ("JSON_OBJECTAGG", "JSON_TABLE")},
                            "JSON_OBJECT": lambda self: _json_object(self), "SUBSTRING": similar_substring,
                            "POSITION": sql_position,
                            "XMLSERIALIZE": xml_call("XMLSERIALIZE"), "XMLPARSE": xml_call("XMLPARSE")}
        # MySQL's IF(c, a, b) (read as a CASE) and Oracle's CONNECT_BY_ROOT: likewise a user's function there
        NO_PAREN_FUNCTION_PARSERS = {k: v for k, v in Postgres.Parser.NO_PAREN_FUNCTION_PARSERS.items()
                                     if k not in ("IF", "CONNECT_BY_ROOT")}
        # hstore's delete(h, 'k'), as pg_get_expr prints it: DELETE is a statement's keyword to sqlglot
        FUNC_TOKENS = {*Postgres.Parser.FUNC_TOKENS, TokenType.DELETE}
        # `'0001'::"bit"` is bit of any length; `'0001'::bit` is bit(1) (the SQL grammar's default), which
        # truncates: sqlglot reads both as BIT, and the migration then stored another expression.
        # `"integer"`, `"boolean"`, `"Text"`: a user's type (format_type()'s spelling of a domain public."integer"), not
        # sqlglot's INT, which the migration wrote `integer`: quoted, only the names of pg_catalog's types are theirs
        QUOTED_TYPES_TO_PRESERVE = QuotedUserTypes()
        FUNCTIONS = {**Postgres.Parser.FUNCTIONS,
                     **{name: _counted(name.lower(), build) for name, build in Postgres.Parser.FUNCTIONS.items()
                        if name.lower() in POSTGRES_ARITY},
                     **{name.upper(): _kept(name) for name in KEPT_FUNCTIONS},
                     **{name: _kept(name.lower()) for name in Postgres.Parser.FUNCTIONS
                        if name.lower() not in POSTGRES_CALLS and name.isidentifier()}}

        def _parse_statement(self):
            # delete(h, 'k') (FUNC_TOKENS) where a statement starts: an expression, not DELETE's statement
            if self._curr is not None and self._curr.token_type == TokenType.DELETE and self._next is not None \
                    and self._next.token_type == TokenType.L_PAREN:
                return self._parse_query_modifiers(self._parse_expression())
            return super()._parse_statement()

        _parse_interval = parse_interval  # `INTERVAL '1 day'` apart from `INTERVAL '1' DAY` (pg.intervals)

        def _parse_plain_bitwise(self):
            return super()._parse_bitwise()

        def _parse_bitwise(self):
            return parse_other(self, super()._parse_bitwise())

        def _parse_unary(self):
            return parse_prefix(self) or collation_for(self) or sql_value(self) or keyword_call(self) \
                or super()._parse_unary()

        def _parse_type(self, parse_interval=True, fallback_to_identifier=False):
            return (not fallback_to_identifier and user_typed_literal(self)) or \
                super()._parse_type(parse_interval, fallback_to_identifier)

        def _parse_at_time_zone(self, this):
            if self._match_text_seq("AT", "LOCAL"):
                return self._parse_at_time_zone(AtLocal(this=this))
            return super()._parse_at_time_zone(this)

        def _parse_types(self, check_func=False, schema=False, allow_identifiers=True, with_collation=False):
            return _varbit(self) or keyword_schema_type(self) or finish_type(
                self, super()._parse_types(check_func, schema, allow_identifiers, with_collation))

        def _negate_range(self, this=None):  # `x NOT BETWEEN ...`, `x NOT IN ...`: not `NOT x BETWEEN ...` (pg.syntax)
            return not_after(this) if negated_after(this) else super()._negate_range(this)

        def _parse_is_rhs(self, distinct=False):
            return (not distinct and is_words(self)) or super()._parse_is_rhs(distinct)

        def _parse_is(self, this):
            return is_json_as_stored(super()._parse_is(this))

        def _parse_function_call(self, functions=None, anonymous=False, optional_parens=True, any_token=False):
            # A quoted name is a function of that exact name called as a function: "isValid"(s) (sqlglot printed
            # it in lower case, another function), or a keyword's function pg_get_expr quotes when it was called
            # with commas, "substring"(s, 1, 3) or "position"(a, b) (sqlglot read them as the SQL syntax
            # SUBSTRING(s FROM 1 FOR 3), which Postgres 16+ stores and prints apart)
            token = self._curr
            if current_schema_called(self):
                return current_schema_call(self)
            if token is None or token.token_type != TokenType.IDENTIFIER or self._next is None \
                    or self._next.token_type != TokenType.L_PAREN:
                return super()._parse_function_call(functions, anonymous, optional_parens, any_token)
            call = super()._parse_function_call(functions, True, optional_parens, any_token)
            if isinstance(call, exp.Anonymous) and isinstance(call.this, str):
                call.set("this", exp.Identifier(this=call.this, quoted=True))
            return call

    class Generator(Postgres.Generator):
        def datatype_sql(self, expression: exp.DataType) -> str:
            return interval_sql(self, expression) or super().datatype_sql(expression)

        def anonymous_sql(self, expression: exp.Anonymous) -> str:
            # a quoted name (Parser._parse_function_call) is printed as it is: not in the case of NORMALIZE_FUNCTIONS
            if isinstance(expression.this, exp.Identifier) and expression.this.quoted:
                return self.func(self.sql(expression, "this"), *expression.expressions, normalize=False)
            if isinstance(expression.this, str) and expression.this.lower() == "operator":
                # a user's function operator(...), which Postgres prints unquoted (an unreserved keyword) but
                # reads unquoted as OPERATOR(schema.op): "syntax error at or near ')'" where the migration made it again
                return self.func('"operator"', *expression.expressions, normalize=False)
            return super().anonymous_sql(expression)

        TRANSFORMS = {**Postgres.Generator.TRANSFORMS, exp.ComputedColumnConstraint: _generated,
                      exp.GeneratedAsIdentityColumnConstraint: _identity, OtherOperator: other_sql,
                      PrefixOperator: prefix_sql, SpelledCall: spelled_sql, AtLocal: at_local_sql,
                      SqlValue: lambda _, e: e.this, Verbatim: verbatim_sql, exp.Interval: interval_literal_sql,
                      **_SPELLED}


# sqlglot prints a column definition after three walks of its whole tree, looking for what only a few
# columns hold (IN/OUT parameter modes, AUTO_INCREMENT, a computed column) and rewriting SERIAL types:
# a third of `generate`'s printing. A column whose own constraints and type hold none of them is
# printed directly, as Generator.columndef_sql prints it; any other takes sqlglot's way.
_SERIALS = {exp.DataType.Type.SERIAL, exp.DataType.Type.SMALLSERIAL, exp.DataType.Type.BIGSERIAL}
_WALKED_FOR = (exp.InOutColumnConstraint, exp.AutoIncrementColumnConstraint, exp.ComputedColumnConstraint)
_COLUMN_DEF = SchemacPostgres.Generator.TRANSFORMS[exp.ColumnDef]


def _plain_column(e: exp.ColumnDef) -> bool:
    kind = e.args.get("kind")
    if kind is not None and (not isinstance(kind, exp.DataType) or kind.this in _SERIALS):
        return False
    return all(type(c) is exp.ColumnConstraint and not isinstance(c.args.get("kind"), _WALKED_FOR)
               for c in e.args.get("constraints") or ())


def _column_def(self: Postgres.Generator, e: exp.ColumnDef) -> str:
    return self.columndef_sql(e) if _plain_column(e) else _COLUMN_DEF(self, e)


def escaped_string(text: str) -> str:
    """`text` as an E'...' literal, every character that is not printable (CR, TAB...) escaped: what a migration
    file writes for a string holding a CR, which git's end-of-line conversion could rewrite."""
    return "E'" + "".join(_escape(c) for c in text) + "'"


def _escape(c: str) -> str:
    if c == "\\":
        return "\\\\"
    if c == "'":
        return "\\'"
    if c == "\n":
        return "\\n"
    if c.isprintable():
        return c
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


class SchemacRender(SchemacPostgres):
    NORMALIZE_FUNCTIONS = "lower"

    class Generator(SchemacPostgres.Generator):
        # sqlglot spells this one out in upper case, past the function-name normalization.
        TRANSFORMS = {**SchemacPostgres.Generator.TRANSFORMS, exp.Uuid: lambda *_: "gen_random_uuid()",
                      exp.ColumnDef: _column_def, Printed: lambda _, e: e.this}

        def columndef_sql(self, expression: exp.ColumnDef, sep: str = " ") -> str:
            if not _plain_column(expression):
                return super().columndef_sql(expression, sep)
            column = self.sql(expression, "this")  # the rest as sqlglot's Generator.columndef_sql
            kind = self.sql(expression, "kind")
            constraints = self.expressions(expression, key="constraints", sep=" ", flat=True)
            exists = "IF NOT EXISTS " if expression.args.get("exists") else ""
            kind = f"{sep}{kind}" if kind else ""
            constraints = f" {constraints}" if constraints else ""
            position = self.sql(expression, "position")
            position = f" {position}" if position else ""
            return f"{exists}{column}{kind}{constraints}{position}"

        def literal_sql(self, expression: exp.Literal) -> str:
            # A string holding a CR (a default, a CHECK, a view's literal) escaped, as COMMENTs are (escaped_string).
            if expression.is_string and "\r" in (expression.this or ""):
                return escaped_string(expression.this)
            return super().literal_sql(expression)

        def or_sql(self, expression: exp.Or, stack=None) -> str:
            return _nested_connector(self, expression, "OR", exp.Or, stack)

        def and_sql(self, expression: exp.And, stack=None) -> str:
            return _nested_connector(self, expression, "AND", exp.And, stack)


def _nested_connector(self: Postgres.Generator, e: exp.Connector, op: str, kind: type, stack) -> str:
    """`(x OR y) OR z` as `CAST((x OR y) AS BOOLEAN) OR z`. Postgres's grammar flattens a left operand of the
    same connector into one list, parentheses or not, but stores a row comparison (`(a, b, c) IS DISTINCT
    FROM (d, e, f)`) as nested ORs and deparses them so: written back as they read, they would come back
    flat, another deparse (inspect of the rebuilt database no longer byte-identical). The cast stops the
    grammar's flattening and is gone once parsed (a cast to the expression's own type)."""
    left = e.left
    if stack is None or not (isinstance(left, exp.Paren) and isinstance(left.this, kind)):
        return self.connector_sql(e, op, stack)
    stack.append(e.right)
    stack.extend((op, f"CAST({self.sql(left)} AS BOOLEAN)"))
    return op


DIALECT = SchemacPostgres()
RENDER = SchemacRender()

# sqlglot logs "Unsupported ALTER COLUMN syntax" for `ALTER COLUMN c SET NOT NULL`, which it nevertheless renders
# correctly (its own parser builds the same tree): our output is verified by round trips on real servers instead.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
