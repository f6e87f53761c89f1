"""How many arguments each of Postgres's functions sqlglot has a builder for takes (pg.foreign_names, pg.dialect): a
table of its own, free of sqlglot. Which bare calls are Postgres's own at all: pg.catalog_function_names."""

from __future__ import annotations

# How many arguments Postgres's function of each name of POSTGRES_CALLS takes (pg_proc of pg_catalog, 18: the fewest
# without defaults - the most, none where it is VARIADIC; an ordered-set or hypothetical aggregate's direct arguments):
# a call of another count is a user's function of that name (a sha256(text, text) or to_number(text) of the
# application's, a max(a, b) of a MySQL-compatibility layer), which sqlglot's builder for the name rewrote (the
# argument it does not take dropped, a default added, to_number(s) as a cast, max(a, b) as greatest): pg.dialect keeps
# such a call as written.
_ARITIES = """
abs:1-1 acos:1-1 acosh:1-1 any_value:1-1 array_agg:1-1 array_append:2-2 array_cat:2-2 array_length:2-2
array_position:2-3 array_prepend:2-2 array_remove:2-2 array_reverse:1-1 array_sort:1-3 array_to_string:2-3 ascii:1-1
asin:1-1 asinh:1-1 atan:1-1 atan2:2-2 atanh:1-1 avg:1-1 bit_and:1-1 bit_length:1-1 bit_or:1-1 bit_xor:1-1
bool_and:1-1 bool_or:1-1 btrim:1-2 cbrt:1-1 ceil:1-1 ceiling:1-1 char:1-1 char_length:1-1 character_length:1-1
chr:1-1 concat:1- concat_ws:2- convert:3-3 corr:2-2 cos:1-1 cosh:1-1 cot:1-1 count:0-1 covar_pop:2-2 covar_samp:2-2
cume_dist:0- current_database:0-0 current_schema:0-0 current_schemas:1-1 current_user:0-0 date:1-1 date_add:2-3
date_bin:3-3 date_trunc:2-3 decode:2-2 degrees:1-1 dense_rank:0- div:2-2 encode:2-2 exp:1-1 extract:2-2
factorial:1-1 first_value:1-1 floor:1-1 format:1- gen_random_uuid:0-0 generate_series:2-4 get_bit:2-2 host:1-1
initcap:1-1 json_extract_path:2- json_extract_path_text:2- json_object_agg:2-2 json_strip_nulls:1-2
jsonb_contains:2-2 jsonb_exists:2-2 jsonb_object_agg:2-2 justify_days:1-1 justify_hours:1-1 justify_interval:1-1
lag:1-3 last_value:1-1 lead:1-3 left:2-2 length:1-2 like:2-2 ln:1-1 log:1-2 log10:1-1 lower:1-1 lpad:2-3 ltrim:1-2
make_interval:0-7 make_time:3-3 make_timestamp:6-6 max:1-1 md5:1-1 min:1-1 mod:2-2 mode:0-0 normalize:1-2 now:0-0
nth_value:2-2 ntile:1-1 overlay:3-4 percent_rank:0- percentile_cont:1-1 percentile_disc:1-1 pi:0-0 pow:2-2 power:2-2
radians:1-1 random:0-2 rank:0- regexp_count:2-4 regexp_instr:2-7 regexp_like:2-3 regexp_replace:3-6
regexp_substr:2-6 regr_avgx:2-2 regr_avgy:2-2 regr_count:2-2 regr_intercept:2-2 regr_r2:2-2 regr_slope:2-2
regr_sxx:2-2 regr_sxy:2-2 regr_syy:2-2 repeat:2-2 replace:3-3 reverse:1-1 right:2-2 round:1-2 row_number:0-0
rpad:2-3 rtrim:1-2 session_user:0-0 sha256:1-1 sha384:1-1 sha512:1-1 sign:1-1 sin:1-1 sinh:1-1 split_part:3-3
sqrt:1-1 starts_with:2-2 stddev:1-1 stddev_pop:1-1 stddev_samp:1-1 string_agg:2-2 string_to_array:2-3 strpos:2-2
substr:2-3 substring:2-3 sum:1-1 tan:1-1 tanh:1-1 time:1-2 timestamp:1-2 to_char:2-2 to_date:2-2 to_hex:1-1 to_number:2-2
to_timestamp:1-2 translate:3-3 trunc:1-2 unnest:1-1 upper:1-1 var_pop:1-1 var_samp:1-1 variance:1-1 version:0-0
width_bucket:2-4"""
POSTGRES_ARITY = {name: (int(low), int(high) if high else None)
                  for name, low, high in (word.replace("-", ":").split(":") for word in _ARITIES.split())}


def builtin_arity(name: str, count: int) -> bool:
    """Whether Postgres's own function `name` (of POSTGRES_ARITY) takes `count` arguments."""
    low, high = POSTGRES_ARITY[name]
    return low <= count and (high is None or count <= high)
