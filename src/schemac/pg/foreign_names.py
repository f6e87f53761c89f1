"""Names sqlglot knows from other SQL dialects that in Postgres's SQL only a user's type or function has (Icinga DB's
domain uint, orafce's nvl and instr, an application's own uuid() or year()): read and written as the names they are,
not as the type or expression sqlglot maps them to (pg.dialect's parser, pg.expressions, pg.typeparse)."""

from __future__ import annotations

from sqlglot.dialects.postgres import Postgres
from sqlglot.tokens import TokenType

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
    """`tokens` with each word of ANOTHER_DIALECTS_WORDS that a cast names (after :: or AS) read as a name: sqlglot
    took `::tinyint` for its TINYINT (printed SMALLINT), `::long` for BIGINT, `::int1` for TINYINT; a user's
    type of that name (Icinga DB's domain uint) is kept as written."""
    for i in range(1, len(tokens)):
        token = tokens[i]
        if tokens[i - 1].token_type in (TokenType.DCOLON, TokenType.ALIAS) and token.text.lower() in ANOTHER_DIALECTS_WORDS \
                and (i + 1 == len(tokens) or tokens[i + 1].token_type != TokenType.DOT):  # (not a schema: map.zoom)
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
rtrim session_user sha256 sha384 sha512 sign sin sinh split_part sqrt starts_with stddev stddev_pop stddev_samp
string_to_array strpos substr substring sum tan tanh time timestamp to_char to_date to_hex to_number to_timestamp
translate trunc unnest upper var_pop var_samp variance version width_bucket
and or case cast coalesce nullif greatest least collate collation exists grouping trim xor array filter
struct map list insert columns current_catalog current_date current_role current_time current_timestamp localtime
localtimestamp xmlelement st_distance st_makepoint st_point""".split())
