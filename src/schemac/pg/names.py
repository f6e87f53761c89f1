"""Postgres's rules for names: when an identifier needs quotes, and what Postgres calls the
constraints a schema declares without a name.

The lowest layer, beside the dialect: the loader and the YAML writer (naming), the normalizer
(quoting) and the DDL builders (pg.idents' nodes) all take these rules from here. No sqlglot here:
`schemac diff`'s fast path quotes names without importing it.
"""

from __future__ import annotations

import re
from typing import Optional

from schemac.pg.catalog_relations import CATALOG_RELATIONS
from schemac.pg.keywords import _POSTGRES_QUOTED, PLAIN_NAME, is_postgres_keyword  # noqa: F401 (re-exported)
from schemac.model import Check, Exclusion, ForeignKey, PrimaryKey, Table, Unique
from schemac.model.frozen import replace
from schemac.model.references import (call_parts, joined_reference,  # noqa: F401 (re-exported)
                                      plain_parts, reference_part, reference_parts, split_operator, split_reference)

MAX_IDENTIFIER_BYTES = 63  # NAMEDATALEN - 1

_SAFE = re.compile(r"^[a-z_][a-z0-9_]*$")
# Words sqlglot's Postgres tokenizer treats specially ({k.lower() for k in Postgres.Tokenizer.KEYWORDS if
# k.isalpha() or "_" in k}: written out, so that quoting needs no sqlglot; tests/test_quoting.py holds
# it equal to sqlglot's): quoting them too is harmless and always safe.
_KEYWORDS = frozenset("""
all alter analyze and anti any apply array as asc asof auto_increment autoincrement begin between bigdecimal bigint
bignum bignumeric bigserial binary bit blob bool boolean bpchar byte bytea cache call case char character clob
collate column comment commit constraint copy create cross cstring cube current_catalog current_date current_schema
current_time current_timestamp current_user database date datemultirange daterange datetime dec decfloat decimal
declare default delete desc describe distinct do double drop else end enum escape except exec execute exists explain
false fetch file filter first fixed float for format from full function geography geometry glob grant having hstore
hugeint ilike in index inet inner inout insert int integer intersect interval into is isnull join json jsonb keep
kill lateral left like limit list load localtime localtimestamp lock long longblob longtext longvarchar map
mediumblob mediumint mediumtext merge money name namespace natural nchar next not notnull null nullable number
numeric nummultirange numrange nvarchar object offset oid on only operator optimize or ordinality out outer over
overlaps overwrite partition partitioned_by percent pivot point pragma prepare procedure qualify range real
recursive ref references refresh regclass regcollation regconfig regdictionary regexp regnamespace regoper
regoperator regproc regprocedure regrole regtype reindex release rename replace reset returning revoke right rlike
rollback rollup row rows savepoint schema select semi sequence serial session session_user set settings short show
smallint smallserial some str straight_join string struct table tablesample temp temporary text then time time_ns
timestamp timestamp_ltz timestamp_ntz timestampltz timestampntz timestamptz timetz tinyblob tinyint tinytext trigger
true truncate tsmultirange tsrange tstzmultirange tstzrange type uhugeint uint uncache union unique unknown unnest
unpivot update use using uuid vacuum values varbinary varchar variadic variant vector view volatile when where
window with xml xor
""".split())
# The rest of its words, those with a digit (left out above: quoting them is not needed, `int4` reads as a name where
# a name is due); with them, every word the tokenizer may read as other than a name (pg.typetext.plain_type, whose
# words are a user's types' names only outside them; tests/test_quoting.py holds it equal to sqlglot's).
TOKENIZER_WORDS = _KEYWORDS | frozenset("""
decimal128 decimal256 decimal32 decimal64 float4 float8 int1 int128 int16 int2 int256 int32 int4 int4multirange
int4range int64 int8 int8multirange int8range nvarchar2 uint128 uint256 varchar2""".split())
_RESERVED = _KEYWORDS | {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
    "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
    "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
    "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
    "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
    "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
    "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union",
    "unique", "user", "using", "variadic", "when", "where", "window", "with", "authorization", "binary",
    "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike", "inner", "is",
    "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar",
    "tablesample", "verbose",
}


def needs_quotes(name: str) -> bool:
    """Whether an identifier must be quoted: Postgres would otherwise fold or misread it. Every keyword Postgres
    does not list as unreserved (_POSTGRES_QUOTED, what its quote_identifier() quotes) is quoted: a column-name
    keyword (`position`, `values`, `nullif`) is a column's name unquoted, but not a parameter's or a function's
    (`OUT position geography`, `CREATE FUNCTION greatest(...)` are syntax errors)."""
    return not _SAFE.match(name) or name in _RESERVED or name in _POSTGRES_QUOTED


def quoted(name: str) -> str:
    """"name", its double quotes doubled: an identifier as sqlglot's Postgres generator prints a quoted one."""
    return '"' + name.replace('"', '""') + '"'


def quote_ident(name: str) -> str:
    """The identifier as the DDL spells it (pg.idents.ident's tree printed)."""
    return quoted(name) if needs_quotes(name) else name


def format_type_ident(name: str) -> str:
    """A part of a type's name as format_type() prints it: quoted only where Postgres's quote_identifier()
    quotes (`extensions.geometry`, `app."order"`), not wherever sqlglot's tokenizer has a keyword."""
    return name if PLAIN_NAME.fullmatch(name) and name not in _POSTGRES_QUOTED else quoted(name)


def reference_sql(text: str, default: str = "public") -> str:
    """A `name` or `schema.name` reference schema.yaml writes (fn-x."abs.lt"), as SQL names it (quoted, a bare
    name's `default` bare where it is public; a `public.name` written so kept: a public function pg_catalog's of the
    same name and inputs hides, which a bare name would not find)."""
    schema, name = split_reference(text, default)
    return f"{quote_ident(schema)}.{quote_ident(name)}" if len(reference_parts(text) or ()) > 1 else qualified(schema, name)


def qualified(schema: str, name: str) -> str:
    """schema.name, public's bare unless pg_catalog (searched first) holds a relation of that name."""
    if schema == "public" and name not in CATALOG_RELATIONS:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def regclass_literal(schema: str, name: str) -> str:
    """`'name'::regclass` as pg_get_expr prints a relation's OID (a serial's nextval() of its sequence): qualified
    outside `public`, the catalog reader's search_path."""
    return "'" + qualified(schema, name).replace("'", "''") + "'::regclass"


NAMEDATALEN = 64

# Every table's system columns (attnum < 0): no column of schema.yaml's, yet an expression may name them where
# Postgres allows it (tableoid in a CHECK or generated column; any of them in a trigger's WHEN or a policy).
SYSTEM_COLUMNS = frozenset({"tableoid", "ctid", "xmin", "xmax", "cmin", "cmax"})


def clip_bytes(name: str, nbytes: int) -> str:
    """The longest prefix of `name` within `nbytes` UTF-8 bytes, never splitting a character."""
    data = name.encode("utf-8")[:nbytes]
    return data.decode("utf-8", errors="ignore")


SWAP_SUFFIX = "__schemac_swap"


def scratch_name(name: str) -> str:
    """The name a relation or a view's column holds between the two steps of a rename on a cycle of renames (two
    names swapped: one set aside first, as a swap of two values is), at most 63 bytes (plan.name_swaps,
    compare.view_renames)."""
    return clip_bytes(name, MAX_IDENTIFIER_BYTES - len(SWAP_SUFFIX)) + SWAP_SUFFIX


def make_object_name(name1: str, name2: Optional[str], label: str) -> str:
    """Postgres's makeObjectName(): how it names unnamed constraints (t_pkey, t_a_b_key, t_a_check)."""
    b1, b2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    avail = NAMEDATALEN - 1 - (len(label) + 1 if label else 0) - (1 if name2 else 0)
    while b1 + b2 > avail:
        if b1 > b2:
            b1 -= 1
        else:
            b2 -= 1
    parts = [clip_bytes(name1, b1)] + ([clip_bytes(name2, b2)] if name2 else []) + ([label] if label else [])
    return "_".join(parts)


def default_not_null_name(table: str, column: str) -> str:
    """The name PostgreSQL 18 gives a column's NOT NULL constraint declared without one."""
    return make_object_name(table, column, "not_null")


def postgres_named(name: str) -> bool:
    """A NOT NULL's name as Postgres makes one, <table>_<column>_not_null (numbered where taken), of any table and
    column: an older one's, kept through RENAME TABLE or COLUMN."""
    return re.search(r"_not_null\d*$", name) is not None


# The names the raw parser gives a type written with SQL's own syntax (SystemTypeName): what FigureColname() names a
# cast of a constant after. Any other type is named as written, its last part.
_SYSTEM_TYPE_NAMES = {"int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8", "real": "float4",
                      "float": "float8", "double precision": "float8", "decimal": "numeric", "dec": "numeric",
                      "boolean": "bool", "varchar": "varchar", "character varying": "varchar", "char": "bpchar",
                      "character": "bpchar", "timestamptz": "timestamptz", "timetz": "timetz", "bit varying": "varbit"}


_LAST_PART = re.compile(r'(?:"((?:[^"]|"")*)"|[^."]+)$')


def figured_name(tree) -> Optional[str]:
    """FigureColnameInternal() of a parsed expression: a column's name (`t.c`: c; a subscript of one: `x[1]`: x), a
    field's (`(cc).a`: a), a function's (`s.f(x)`: f; CASE, COALESCE, GREATEST, ARRAY ... their keyword), a cast's
    or COLLATE's argument's, else a cast's type (`(1)::bigint`: int8); None for an operator and anything else."""
    from sqlglot import exp

    while isinstance(tree, exp.Paren):
        tree = tree.this
    if isinstance(tree, exp.Column):
        return tree.name if tree.this.quoted else tree.name.lower()
    if isinstance(tree, exp.Cast):
        return figured_name(tree.this) or _type_name(tree.to)
    if isinstance(tree, (exp.Collate, exp.Bracket)):
        return figured_name(tree.this)
    if isinstance(tree, exp.Dot):
        field = tree.expression
        if isinstance(field, exp.Identifier):
            return field.name if field.quoted else field.name.lower()
        return figured_name(field) if isinstance(field, exp.Func) else None  # `s.f(x)`
    if isinstance(tree, (exp.Binary, exp.Unary, exp.Predicate, exp.Connector, exp.Not)):
        return None  # (an operator: sqlglot makes some of them Funcs, Postgres names none)
    if isinstance(tree, exp.Anonymous):
        return tree.name.lower()
    if isinstance(tree, exp.Func):
        return tree.sql_name().lower()
    return None


def _type_name(to) -> Optional[str]:
    """The name FigureColname() gives a cast to `to` (a parsed cast's type) where its argument has none."""
    from schemac.pg.dialect import DIALECT

    try:
        spelled = to.sql(dialect=DIALECT)
    except Exception:
        return None
    spelled = re.sub(r"(\[\d*\])+$|\([^()]*\)$", "", spelled.strip()).strip()
    last = _LAST_PART.search(spelled)
    if last is not None and last.group(1) is not None:  # quoted: as it is
        return last.group(1).replace('""', '"')
    spelled = spelled.lower()
    return _SYSTEM_TYPE_NAMES.get(spelled, spelled.rpartition(".")[2])


def _element_names(c: Exclusion) -> list[str]:
    """ChooseIndexColumnNames(): a key's column name, or what FigureIndexColname() makes of its
    expression (figured_name; "expr" where it makes nothing), a name already taken numbered; then INCLUDE's."""
    from schemac.pg.expressions import parse_expression  # only for an unnamed EXCLUDE over expressions

    out: list[str] = []
    for e in c.elements:
        name = e.column
        if name is None:
            name = figured_name(parse_expression(e.expression or "")) or "expr"
        base, n = name, 0
        while name in out:
            n += 1
            name = f"{base}{n}"
        out.append(name)
    return out + list(c.include)


def constraint_name(table: Table, c: PrimaryKey | Unique | Check | Exclusion) -> str:
    """The name Postgres gave (or will give) a constraint declared without one."""
    return c.name or default_constraint_name(table, c)


def default_constraint_name(table: Table, c: PrimaryKey | Unique | Check | Exclusion) -> str:
    """The name Postgres gives the constraint when it is declared without one (whatever `c.name` says)."""
    if isinstance(c, PrimaryKey):
        return make_object_name(table.name, None, "pkey")
    if isinstance(c, Unique):
        return make_object_name(table.name, "_".join(c.columns + c.include), "key")  # INCLUDE columns too
    if isinstance(c, ForeignKey):
        return make_object_name(table.name, "_".join(c.columns), "fkey")
    if isinstance(c, Exclusion):
        return make_object_name(table.name, "_".join(_element_names(c)), "excl")  # INCLUDE columns too
    raise ValueError("check constraints always carry a name")


def default_names_after_rename(table: Table, name: str, keys) -> list[tuple[str, str]]:
    """(the name Postgres gave it, the name after ALTER TABLE ... RENAME TO `name`) of each of `keys` (`table`'s keys,
    EXCLUDEs or foreign keys) left unnamed: plan.table_renames renames them so; a body naming one (ON CONFLICT ON
    CONSTRAINT) then prints the new name (compare.body_renames)."""
    renamed = replace(table, name=name)
    return [(default_constraint_name(table, c), default_constraint_name(renamed, c)) for c in keys if not c.name]
