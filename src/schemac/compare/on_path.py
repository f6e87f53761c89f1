"""A name of a schema on the search path after public, in a normal form (compare.normalize.searched): read as the bare
name it is found by there.

Where schema.yaml puts an extension in a schema of its own (Supabase's `extensions`), its expressions name the
extension's objects bare, as the database they were written against found them (`''::hstore`, `h ? 'x'`,
`nlevel(p)`): the migration's search_path holds that schema after public (plan.preamble), and Postgres stores the
objects it found there, which the catalog reader (search_path public alone) prints qualified (`''::ext.hstore`,
`(h OPERATOR(ext.?) 'x'::text)`, `ext.nlevel(p)`). In a normal form a function call, an operator and a type of such a
schema are what the parser makes of the bare spelling (`ext.levenshtein(a, b)` sqlglot's Levenshtein, `OPERATOR(ext.?)`
the `?` of hstore's JSONB reading, `ext.hstore` its HSTORE type), so the two spellings compare equal; a qualified name
written in schema.yaml (as `inspect` writes it) as well. A bare name that public's object of the same name and
arguments takes before the extension's is read as the extension's here: drift that is not seen (public's `nlevel(ltree)`
beside ltree's), as no database this serves has.
"""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp

from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import parse_to_compare
from schemac.pg.names import format_type_ident
from schemac.pg.operators import PrefixOperator
from schemac.pg.path_names import unqualified_text
from schemac.pg.verbatim import normal_text

# `schema.op` of an OPERATOR(schema.op) (the schema as the catalog prints it, or as written), and of the prefix form
_QUALIFIED_OPERATOR = re.compile(r'(?s)(?P<schema>"(?:[^"]|"")+"|[^."]+)\.(?P<op>[^.]+)')
_PREFIX = re.compile(r'(?s)OPERATOR\((?P<name>.+)\)')


# Schemas every reading's search path holds, before the extensions' (`path`): pg_catalog (always searched) and public
# (the catalog reader's). pg_dump and careful authors write `public.f(id)`, `pg_catalog.lower(s)`, `v::public.code`,
# `a OPERATOR(pg_catalog.=) b`, which Postgres stores as what it resolved and the reader prints bare.
ALWAYS = ("public", "pg_catalog")


def _schema(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text


def _operand(node: exp.Expression) -> str:
    return f"({node.sql(dialect=DIALECT)})"


def _operator(name: str, path: tuple[str, ...]) -> Optional[str]:
    """The bare symbol of `schema.op` where the schema is on `path`; else None."""
    m = _QUALIFIED_OPERATOR.fullmatch(name)
    return m.group("op") if m is not None and _schema(m.group("schema")) in path else None


def unqualified(node: exp.Expression, path: tuple[str, ...]) -> Optional[exp.Expression]:
    """`node` (its children in normal form) as the parser reads its bare spelling, where it names a function, an
    operator or a type of a schema of `path`; else None. The caller (compare.rewrite._rewrite_tree, once no rule
    applies to the node) puts what it gives in normal form."""
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) and node.this.name in path \
            and isinstance(node.expression, exp.Func):
        return parse_to_compare(node.expression.sql(dialect=DIALECT))
    if isinstance(node, exp.Operator):
        op = _operator(str(node.args.get("operator")), path)
        if op is not None:
            return parse_to_compare(f"{_operand(node.this)} {op} {_operand(node.expression)}")
    if isinstance(node, PrefixOperator):
        m = _PREFIX.fullmatch(node.args["op"].name)
        op = _operator(m.group("name"), path) if m is not None else None
        if op is not None:
            return parse_to_compare(f"{op} {_operand(node.this)}")
    if isinstance(node, exp.DataType) and isinstance(kind := node.args.get("kind"), exp.Dot) \
            and isinstance(kind.this, exp.Identifier) and kind.this.name in path:
        bare, name = node.copy(), kind.expression.name  # (spelled as Postgres prints it: `hstore` is sqlglot's HSTORE)
        bare.set("kind", exp.Identifier(this=name, quoted=format_type_ident(name) != name))
        return parse_to_compare(f"CAST(NULL AS {bare.sql(dialect=DIALECT)})").args["to"]
    return None


def verbatim_text(text: str, path: tuple[str, ...]) -> str:
    """The normal form of an expression sqlglot cannot read (pg.verbatim): its text, blank space and comments aside,
    without the names of `path`'s schemas (by tokens: pg.path_names)."""
    return normal_text(unqualified_text(text, ALWAYS + path))
