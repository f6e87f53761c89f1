"""Model objects -> sqlglot expression trees -> Postgres DDL text.

Nothing here concatenates user input into SQL: names become sqlglot identifiers (quoted when Postgres
needs it), expressions are the trees the loader parsed, comments are string literals.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.created_tables import key_after_create
from schemac.compare.keys_over_indexes import TAKEN_BY_KEY
from schemac.compare.key_parts import repeated_keys
from schemac.compare.normalize import bare_null_stored, written_default
from schemac.model import (Check, collate_sql, Column, deferral, Exclusion, Extension, ForeignKey, Identity, Index,
                           IndexElement, key_mark, own_columns, PrimaryKey, Table, Unique)
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident, schema_part
from schemac.pg.expressions import parse_expression
from schemac.pg.partition_texts import parse_partition_bound, parse_partition_key, partition_key_opclasses
from schemac.pg.names import constraint_name, qualified, quote_ident, reference_parts
from schemac.pg.syntax import Printed
from schemac.plan import printing
from schemac.plan.exclusion_ddl import exclusion_body
from schemac.plan.sql_strings import command, comment_value, do_block, literal, string_literal as _string  # noqa: F401 (used by other modules)
from schemac.plan.not_null_ddl import inherited_not_nulls, inline_not_null, partition_not_nulls
from schemac.plan.trees import default_expression, fresh_expression, fresh_type, release


def table_ref(table: Table) -> exp.Table:
    # `public` stays implicit, as in hand-written migrations; other schemas are always qualified.
    db = schema_part(table.schema, table.name)
    return exp.Table(this=ident(table.name), db=db)


def alter_table(table: Table, *actions: exp.Expression) -> exp.Alter:
    return exp.Alter(this=table_ref(table), kind="TABLE", actions=list(actions))


def number(n: Optional[int]) -> Optional[exp.Expression]:
    if n is None:
        return None
    return exp.Literal.number(n) if n >= 0 else exp.Neg(this=exp.Literal.number(-n))


def identity_constraint(identity: Identity, schema: str = "public") -> exp.GeneratedAsIdentityColumnConstraint:
    """`schema`: the table's, where a SEQUENCE NAME goes (unqualified, it would go where the search path says)."""
    o = identity.options
    return exp.GeneratedAsIdentityColumnConstraint(
        this=identity.always, start=number(o.start), increment=number(o.increment), minvalue=number(o.min_value),
        maxvalue=number(o.max_value), cycle=o.cycle or None,
        sequence_name=qualified(schema, identity.sequence_name) if identity.sequence_name else None)


def collate(collation: Optional[str]) -> exp.Var:
    """COLLATE "name" or "schema"."name" (None: "default", the type's own collation)."""
    return exp.Var(this=collate_sql(collation or "default"))


def column_def(column: Column, inline_pk: bool = False, schema: str = "public") -> exp.ColumnDef:
    constraints = []
    if column.collation is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.CollateColumnConstraint(this=collate(column.collation))))
    not_null = inline_not_null(column)
    if not_null is not None and (not inline_pk or column.not_null is not None):  # (a key's is the key's own)
        constraints.append(not_null)
    if inline_pk:
        constraints.append(exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()))
    if written_default(column.default, column.type) is not None:  # (none for a bare NULL: its DEFAULT NULL
        constraints.append(exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=default_expression(column.default))))  # would store one)
    if column.identity is not None:
        constraints.append(exp.ColumnConstraint(kind=identity_constraint(column.identity, schema)))
    if column.generated is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.ComputedColumnConstraint(
            this=fresh_expression(column.generated), persisted=not column.virtual)))
    return exp.ColumnDef(this=ident(column.name), kind=fresh_type(column.type), constraints=constraints or None)


def _named(name: Optional[str], body: exp.Expression) -> exp.Expression:
    if name is None:
        return body
    return exp.Constraint(this=ident(name), expressions=[body])


def _key_columns(columns: Iterable[str], last: str = "") -> list[exp.Expression]:
    """A key's columns; `last` "WITHOUT OVERLAPS" or "PERIOD" marks the last one (PostgreSQL 18's temporal
    keys, which sqlglot does not know: the clause goes with the name it rendered)."""
    nodes: list[exp.Expression] = [ident(c) for c in columns]
    if last:
        name = nodes[-1].sql(dialect=RENDER)
        nodes[-1] = exp.Var(this=f"{name} {last}" if last == "WITHOUT OVERLAPS" else f"{last} {name}")
    return nodes


def _include(key: PrimaryKey | Unique) -> Optional[exp.IndexParameters]:
    return exp.IndexParameters(include=[ident(c) for c in key.include]) if key.include else None


def primary_key_body(pk: PrimaryKey) -> exp.Expression:
    return exp.PrimaryKey(expressions=_key_columns(pk.columns, key_mark(pk)), options=_key_options(pk), include=_include(pk))


def unique_body(unique: Unique) -> exp.Expression:
    return exp.UniqueColumnConstraint(this=exp.Schema(expressions=_key_columns(unique.columns, key_mark(unique))),
                                      nulls=unique.nulls_not_distinct or None, options=_key_options(unique), include=_include(unique))


def _key_options(key: PrimaryKey | Unique) -> Optional[list[str]]:  # WITH (...) of the key's index, then DEFERRABLE ...
    return ([storage_clause(key.parameters)] if key.parameters else []) + list(deferral(key)) or None


def foreign_key_body(fk: ForeignKey) -> exp.Expression:
    options = []
    if fk.match_full:
        options.append("MATCH FULL")
    if fk.on_delete != "no action":
        columns = f" ({', '.join(quote_ident(c) for c in fk.on_delete_columns)})" if fk.on_delete_columns else ""
        options.append(f"ON DELETE {fk.on_delete.upper()}{columns}")
    if fk.on_update != "no action":
        options.append(f"ON UPDATE {fk.on_update.upper()}")
    options.extend(deferral(fk))
    if not fk.enforced:
        options.append("NOT ENFORCED")
    ref = exp.Schema(this=exp.Table(this=ident(fk.ref_table), db=schema_part(fk.ref_schema, fk.ref_table)),
                     expressions=_key_columns(fk.ref_columns, key_mark(fk)))
    return exp.ForeignKey(expressions=_key_columns(fk.columns, key_mark(fk)),
                          reference=exp.Reference(this=ref, options=options or None))


def check_body(check: Check) -> exp.Expression:
    body = exp.CheckColumnConstraint(this=fresh_expression(check.expression))
    if not check.no_inherit and check.enforced:
        return body
    # sqlglot has no NO INHERIT nor NOT ENFORCED: the clauses follow the CHECK it rendered.
    clauses = (" NO INHERIT" if check.no_inherit else "") + ("" if check.enforced else " NOT ENFORCED")
    return exp.Var(this=f"{body.sql(dialect=RENDER)}{clauses}")


def constraint_node(c: PrimaryKey | Unique | Check | ForeignKey | Exclusion) -> exp.Expression:
    if isinstance(c, Exclusion):
        return _named(c.name, exclusion_body(c, _index_key, storage_clause(c.parameters)))  # type: ignore[arg-type]
    if isinstance(c, PrimaryKey):
        return _named(c.name, primary_key_body(c))
    if isinstance(c, Unique):
        return _named(c.name, unique_body(c))
    if isinstance(c, ForeignKey):
        return _named(c.name, foreign_key_body(c))
    return _named(c.name, check_body(c))


def add_constraint(table: Table, c: PrimaryKey | Unique | Check | ForeignKey | Exclusion, not_valid: bool = False) -> exp.Alter:
    stmt = exp.Alter(this=table_ref(table), kind="TABLE", actions=[exp.AddConstraint(expressions=[constraint_node(c)])])
    if not_valid or getattr(c, "not_valid", False):
        stmt.set("not_valid", True)
    return stmt


def key_using_index(change: Change) -> Optional[list[exp.Expression]]:
    """A UNIQUE or PRIMARY KEY that takes a unique index the table has (compare.keys_over_indexes): ADD CONSTRAINT ...
    USING INDEX, the index kept (its rows not read again; the foreign keys on it stand); the index's drop none. None:
    any other change."""
    if change.kind == "drop_index" and change.cause == TAKEN_BY_KEY:
        return []
    if change.kind != "add_constraint" or not change.using_index:
        return None
    t, key = change.table_def, change.new  # (an index of another name: Postgres renames it to the key's)
    return [command("ALTER", "TABLE", qualified(t.schema, t.name), "ADD CONSTRAINT", quote_ident(constraint_name(t, key)),  # type: ignore
                    "PRIMARY KEY" if isinstance(key, PrimaryKey) else "UNIQUE", "USING INDEX",
                    quote_ident(change.using_index), *deferral(key))]  # type: ignore[arg-type]


def create_table(table: Table) -> exp.Create:
    columns = own_columns(table)
    # Inline on a column CREATE TABLE lists; after it on one an INHERITS child only inherits, or whose NOT NULL is
    # its parent's only (created_tables.key_after_create)
    pk = None if key_after_create(table) else table.primary_key
    listed = {c.name for c in columns}
    inline_pk = pk is not None and pk.name is None and len(pk.columns) == 1 and not (pk.deferrable or pk.include or pk.parameters) \
        and pk.columns[0] in listed
    items: list[exp.Expression] = [
        _printed_column(c, inline_pk and c.name == pk.columns[0], table.schema) for c in columns  # type: ignore
    ]
    if pk is not None and not inline_pk and listed.issuperset(pk.columns):
        items.append(constraint_node(pk))
    # A UNIQUE on the columns of the primary key or of an earlier UNIQUE is added after (compare.created_tables): here
    # Postgres would merge it into the other, whose index and constraint would then take its name (PRIMARY KEY (a, s),
    # CONSTRAINT t_u UNIQUE (a, s) makes a primary key t_u), and the ALTER TABLE ADD CONSTRAINT t_u after it would fail.
    repeated = repeated_keys(table)
    items += inherited_not_nulls(table)  # (not_null_ddl: a child's own)
    items += [_printed_constraint(u) for u in table.uniques if u not in repeated]
    # NOT VALID checks cannot be declared inline: they are added by ALTER TABLE after the table.
    items.extend(_printed_constraint(c) for c in table.checks if not c.not_valid)
    properties: list[exp.Expression] = [exp.UnloggedProperty()] if table.unlogged else []
    by = _partition_by(table)
    if by is not None:
        properties.append(by)
    if table.inherits:
        properties.append(exp.InheritsProperty(expressions=[
            exp.Table(this=ident(p.name), db=schema_part(p.schema, p.name)) for p in table.inherits]))
    properties.extend(parameter_assignments(table.parameters))  # WITH (...)
    return exp.Create(this=exp.Schema(this=table_ref(table), expressions=items), kind="TABLE", exists=True,
                      properties=exp.Properties(expressions=properties) if properties else None)


def _printed_column(column: Column, inline_pk: bool, schema: str) -> Printed:
    """column_def's printing, once per distinct definition (665 of 1,000 gen_schema.py tables' 11,474 columns), keyed
    on what column_def reads, uncompared fields too (a sequence name; NotNull.from_parent, once lost: test_not_nulls)."""
    identity, not_null = column.identity, column.not_null
    key = (column.name, column.type, column.collation, column.nullable, column.default, column.generated, column.virtual,
           identity, identity and identity.sequence_name, not_null, not_null and not_null.from_parent, inline_pk, schema,
           bare_null_stored(column.default, column.type))
    text = _PRINTED_COLUMNS.get(key)
    if text is None:
        tree = column_def(column, inline_pk, schema)
        text = _PRINTED_COLUMNS[key] = printing.printer().generate(tree, copy=False)
        release(tree)
    return Printed(this=text, keys=int(inline_pk))


_PRINTED_COLUMNS: dict[tuple, str] = {}


def _printed_constraint(c: Unique | Check) -> exp.Expression:
    """constraint_node(c) in a CREATE TABLE: a UNIQUE printed once per distinct definition, a CHECK's body once per
    distinct body (its name is its table's; 75 and 24 distinct of 1,000 each in 1,000 gen_schema.py tables), keyed on
    every field but where it was declared (and a CHECK's name, which its body does not read): plan.printing.printed_once."""
    if isinstance(c, Unique):
        return printing.printed_once(printing.unsourced(c), lambda: constraint_node(c), lambda tree: exp.Schema(expressions=[tree]), 1)
    body = printing.printed_once(printing.unsourced(c, "name"), lambda: check_body(c), lambda tree: exp.Constraint(expressions=[tree]))
    return _named(c.name, body)


def _partition_by(table: Table) -> Optional[exp.PartitionedByProperty]:
    if table.partition_by is None:
        return None
    key_text = table.partition_by.key
    elements = [fresh_expression(p) if c is None else exp.Opclass(this=fresh_expression(p), expression=exp.Var(this=c))
                for p, c in zip(parse_partition_key(key_text), partition_key_opclasses(key_text))]
    key = exp.Anonymous(this=table.partition_by.strategy.upper(), expressions=elements)
    return exp.PartitionedByProperty(this=key)


def create_partition(table: Table) -> exp.Command:
    """CREATE TABLE ... PARTITION OF parent: the columns, their NOT NULL, defaults and collations, the
    CHECKs, keys and indexes are the parent's (what the partition has beyond them follows as changes)."""
    p = table.partition_of
    assert p is not None
    by = _partition_by(table)
    return command("CREATE", "UNLOGGED" if table.unlogged else "", "TABLE IF NOT EXISTS",
                   qualified(table.schema, table.name), "PARTITION OF", qualified(p.parent_schema, p.parent),
                   partition_not_nulls(table), parse_partition_bound(p.bound), by.sql(dialect=RENDER) if by is not None else "",
                   storage_clause(table.parameters))


def identity_cache(table: Table, column: Column) -> Optional[exp.Command]:
    """sqlglot has no CACHE in an identity clause: set it right after."""
    if column.identity is None or column.identity.options.cache is None:
        return None
    return command("ALTER", "TABLE", qualified(table.schema, table.name), "ALTER COLUMN", quote_ident(column.name),
                   "SET CACHE", str(int(column.identity.options.cache)))


def _index_key(element: IndexElement) -> exp.Ordered:
    if element.column is not None:
        this: exp.Expression = exp.Column(this=ident(element.column))
    else:
        this = exp.Paren(this=fresh_expression(element.expression))  # type: ignore[arg-type]
    if element.collation is not None:
        this = exp.Collate(this=this, expression=collate(element.collation))
    if element.opclass is not None:
        parts = reference_parts(element.opclass) or [element.opclass]  # (ops-x."Abs.Ops")
        name: exp.Expression = exp.Table(this=ident(parts[-1]), db=ident(parts[0]) if len(parts) > 1 else None)
        if element.opclass_options:  # gist_trgm_ops (siglen = 32): the parameters as a call's arguments
            call = exp.Anonymous(this=ident(parts[-1]), expressions=parameter_assignments(element.opclass_options))
            name = exp.Dot(this=ident(parts[0]), expression=call) if len(parts) > 1 else call
        this = exp.Opclass(this=this, expression=name)
    desc = element.order == "desc"
    nulls_first = element.nulls == "first" if element.nulls else desc
    # sqlglot prints NULLS FIRST/LAST only where it differs from Postgres's default for the direction.
    return exp.Ordered(this=this, desc=desc or None, nulls_first=nulls_first)


# A value Postgres stores as written when bare: a lowercase word (it folds others), a number it keeps
# as spelled (not 070, which it reads as 70, nor 0x40, which 15 refuses); anything else is a string.
_BARE_VALUE = re.compile(r"[a-z_][a-z0-9_]*|(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def parameter_assignments(parameters: Iterable[str]) -> list[exp.Property]:
    """Storage parameters ("fillfactor=70") as `name = value` nodes; a value Postgres would not store as written when bare is a string literal."""
    out = []
    for p in parameters:
        name, _, value = p.partition("=")
        bare = _BARE_VALUE.fullmatch(value) is not None
        out.append(exp.Property(this=exp.Var(this=name), value=exp.Var(this=value) if bare else _string(value)))
    return out


def storage_clause(parameters: Iterable[str], keyword: str = "WITH") -> str:
    """WITH (name = value, ...) (or ALTER's SET (...)) of a statement sqlglot has no node for; nothing without parameters."""
    storage = ", ".join(p.sql(dialect=RENDER) for p in parameter_assignments(parameters))
    return f"{keyword} ({storage})" if storage else ""


def create_index(table: Table, index: Index, concurrently: bool = False, if_not_exists: bool = True) -> exp.Expression:
    later = index.nulls_not_distinct  # NULLS NOT DISTINCT goes before WITH and WHERE: see below
    create = exp.Create(
        # CONCURRENTLY runs in a file of its own, where a SET of the search_path (plan.preamble) would
        # make two statements, one implicit transaction that refuses it: the table is named with its schema.
        this=exp.Index(this=ident(index.name), table=exp.Table(this=ident(table.name), db=ident(table.schema))
                       if concurrently else table_ref(table), params=_printed_parameters(index, later)),
        kind="INDEX",
        unique=index.unique,
        exists=if_not_exists,
        concurrently=concurrently,
    )
    if not later:
        return create
    # sqlglot cannot print NULLS NOT DISTINCT on an index: it goes between INCLUDE and WITH/WHERE.
    where = f"WHERE {parse_expression(index.where).sql(dialect=RENDER)}" if index.where else ""
    head = create.sql(dialect=RENDER)
    return command("CREATE", head[len("CREATE "):], "NULLS NOT DISTINCT", storage_clause(index.parameters), where)


def _index_parameters(index: Index, later: bool) -> exp.IndexParameters:
    return exp.IndexParameters(
        using=exp.Var(this=quote_ident(index.method)) if index.method != "btree" else None,
        columns=[_index_key(e) for e in index.elements],
        include=[ident(c) for c in index.include] or None,
        with_storage=parameter_assignments(index.parameters) if index.parameters and not later else None,
        where=exp.Where(this=fresh_expression(index.where)) if index.where and not later else None,
    )


def _printed_parameters(index: Index, later: bool) -> exp.Expression:
    """An index's parameters, printed once per distinct definition (printing.printed_once): all _index_parameters reads."""
    key = ("index", index.method, index.elements, index.include, () if later else index.parameters,
           None if later else index.where)
    return printing.printed_once(key, lambda: _index_parameters(index, later), lambda tree: exp.Index(params=tree))


def comment_on_index(table: Table, index: str, comment: Optional[str]) -> exp.Comment:
    ref = exp.Table(this=ident(index), db=schema_part(table.schema, index))
    return exp.Comment(this=ref, kind="INDEX", expression=_string(comment) if comment is not None else exp.Null())


def comment_on_constraint(table: Table, name: str, comment: Optional[str], kind: str = "CONSTRAINT") -> exp.Command:
    """COMMENT ON CONSTRAINT (or TRIGGER: `kind`) name ON table: the objects named within their table."""
    value = comment_value(comment)
    return command("COMMENT", "ON", kind, quote_ident(name), "ON", qualified(table.schema, table.name), "IS", value)


def create_extension(ext: Extension) -> exp.Command:
    return command("CREATE", "EXTENSION IF NOT EXISTS", quote_ident(ext.name),
                   f"WITH SCHEMA {quote_ident(ext.schema)}" if ext.schema else "",
                   f"VERSION {literal(ext.version)}" if ext.version is not None else "")


def create_schema(name: str) -> exp.Create:
    return exp.Create(this=exp.Table(db=ident(name)), kind="SCHEMA", exists=True)


def comment_on_table(table: Table, comment: Optional[str]) -> exp.Comment:
    return exp.Comment(this=table_ref(table), kind="TABLE", expression=_string(comment) if comment is not None else exp.Null())


def comment_on_column(table: Table, column: str, comment: Optional[str]) -> exp.Comment:
    ref = table_ref(table)
    col = exp.Column(this=ident(column), table=ref.this, db=ref.args.get("db"))
    return exp.Comment(this=col, kind="COLUMN", expression=_string(comment) if comment is not None else exp.Null())


def render(statement: exp.Expression) -> str:
    """One statement as Postgres SQL, terminated."""
    return statement.sql(dialect=RENDER) + ";"
