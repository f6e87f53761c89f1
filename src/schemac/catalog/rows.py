"""Catalog rows -> the model's objects: the same :class:`schemac.model.Schema` the YAML loader builds
(catalog/builder.py puts them together).

The queries cover the whole database; tables are assembled from their columns, constraints and
indexes afterwards, and everything is sorted in Python, so the model does not depend on the server's
collation. Nothing here imports sqlglot until a type name has to be spelled canonically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from schemac.model.frozen import frozen, made
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any, Optional, Union

from schemac.catalog import kindrows
from schemac.catalog.catalogrows import NamedRows, row_maker
from schemac.compare.view_binds import older_body_calls
from schemac.model import (Check, Column, Domain, Enum, Exclusion, ExclusionElement, ForeignKey, Namespace,
                           Identity, Index, IndexElement, Nulls, Parent, Partitioning, PartitionOf, PrimaryKey,
                           Rule, Schema, Sequence, SequenceOptions, Table, Trigger, Unique)
from schemac.pg import triggerdef
from schemac.pg.indexdef import collation_from_sql, key_collations
from schemac.pg.redeparse import deparse_kept as kept
from schemac.pg.sequences import without_defaults
from schemac.pg.names import make_object_name

_INDOPTION_DESC, _INDOPTION_NULLS_FIRST = 0x0001, 0x0002  # indoption bits (src/include/catalog/pg_index.h)


@frozen
class IntrospectResult:
    """The model plus what a caller needs to judge it: cost (queries) and server major."""

    schema: Schema
    queries: int
    server_version: int
    roles: frozenset = frozenset()  # the cluster's role names (roles.sql)
    database_owner: Optional[str] = None  # roles.sql's owns_database
    public_holds: tuple[str, ...] = ()  # up to two objects `public` holds: a relation's name, '' for another object


# -- catalog rows -> model ----------------------------------------------------------------------

@lru_cache(maxsize=None)
def canonical_type_text(type_text: str) -> str:
    """format_type() text in the same canonical spelling as the loader's (a few distinct texts per database)."""
    from schemac.pg.types import TypeSyntaxError, canonical_type  # parses only a spelling it does not know

    try:
        return canonical_type(type_text)
    except TypeSyntaxError:
        return type_text  # a type sqlglot cannot read: format_type() already is the canonical spelling


def _sequence_options(row: dict[str, Any], default_type: str) -> SequenceOptions:
    """pg_sequence columns (seq_*) as options, each None where it is Postgres's default
    (:func:`schemac.pg.sequences.without_defaults`)."""
    options = SequenceOptions(type=row["seq_type"], start=row["seq_start"], increment=row["seq_increment"],
                              min_value=row["seq_min"], max_value=row["seq_max"], cache=row["seq_cache"],
                              cycle=bool(row["seq_cycle"]))
    return without_defaults(options, default_type)


def _column(row: dict[str, Any]) -> Column:
    """A pg_attribute row as a Column, with the type in the same canonical spelling as the loader's.

    An identity column carries its sequence's options (None where default for the column's type);
    a generated column (STORED, or PostgreSQL 18's VIRTUAL) carries its expression in ``generated``
    and no default.
    """
    type_ = canonical_type_text(row["type_text"])
    identity: Optional[Identity] = None
    if row["identity"] in ("a", "d"):
        options = SequenceOptions()
        if row["seq_type"] is not None:
            options = _sequence_options(row, default_type=row["type_text"])
        identity = Identity(always=row["identity"] == "a", options=options)
    generated = kept(row["expression"]) if row["generated_kind"] else None
    return Column(name=row["column_name"], type=type_, nullable=not row["not_null"],
                  default=None if identity or generated else kept(row["expression"]), comment=row["comment"],
                  identity=identity, generated=generated, collation=collation_from_sql(row["collation"]),
                  virtual=row["generated_kind"] == "v", statistics=row["statistics"], storage=row["storage"],
                  compression=row["compression"], options=tuple(row["options"].split(",")) if row["options"] else (),
                  not_null=kindrows.not_null(row), fdw_options=kindrows.pairs(row["fdw_options"]),
                  older_calls=older_body_calls(row["expression"], json.loads(row["default_calls"]))
                  if row["default_calls"] else ())


def _nulls(option: int, order: str) -> Optional[Nulls]:
    """None when the nulls order is Postgres's default for the sort order, as the loader leaves it."""
    nulls_first = bool(option & _INDOPTION_NULLS_FIRST)
    return None if nulls_first == (order == "desc") else "first" if nulls_first else "last"


def _elements(row: dict[str, Any]) -> tuple[list[IndexElement], tuple[str, ...]]:
    """An index's key elements in order, and its INCLUDE columns (indexes.sql, exclusions.sql)."""
    key_count = row["key_count"]
    attnames, expressions, options = row["attnames"], row["expressions"], row["options"] or []
    opclasses = row["opclasses"] or []
    key_options = row.get("key_options") or []
    key_statistics = row.get("key_statistics") or []
    collations = key_collations(row["definition"], key_count) if row["definition"] else ()
    own = row.get("expression_collations") or []  # (an expression key's, where no COLLATE is printed: its own)
    elements = []
    for pos in range(key_count):
        option = options[pos] if pos < len(options) else 0
        order = "desc" if option & _INDOPTION_DESC else "asc"
        column = attnames[pos]
        expression = kept(expressions[pos]) if column is None else None
        opclass = opclasses[pos] if pos < len(opclasses) else None
        opclass_options: tuple[str, ...] = ()
        if pos < len(key_options) and key_options[pos]:
            opclass, _, given = key_options[pos].partition(" ")
            opclass_options = tuple(given.split(","))
        elements.append(made(IndexElement)(column=column, expression=expression, order=order,  # type: ignore[arg-type]
                                     nulls=_nulls(option, order), opclass=opclass, opclass_options=opclass_options,
                                     statistics=key_statistics[pos] if pos < len(key_statistics) else None,
                                     collation=collations[pos] if pos < len(collations) else None,
                                     expression_collation=collation_from_sql(own[pos]) if pos < len(own) and not (
                                         pos < len(collations) and collations[pos]) else None))
    return elements, tuple(name for name in attnames[key_count:] if name is not None)


def index_of(row: dict[str, Any]) -> Index:
    """A pg_index row as an Index: key elements in order, then the INCLUDE columns."""
    elements, include = _elements(row)
    return made(Index)(name=row["index_name"], elements=tuple(elements), unique=row["is_unique"], method=row["method"],
                 where=kept(row["predicate"]), include=include, comment=row["comment"],
                 nulls_not_distinct=bool(row["nulls_not_distinct"]), valid=row["is_valid"],
                 parameters=tuple(row["parameters"] or ()), attached_to=row["attached_to"],
                 beside_copy=bool(row.get("beside_parents")))


def exclusion_of(row: dict[str, Any]) -> Exclusion:
    """An EXCLUDE constraint: its index's keys, each with the operator of its WITH."""
    elements, include = _elements(row)
    return Exclusion(elements=tuple(ExclusionElement(**e.__dict__, operator=op)
                                    for e, op in zip(elements, row["operators"])),
                     name=row["constraint_name"], method=row["method"], where=kept(row["predicate"]), include=include,
                     deferrable=row["deferrable"], initially_deferred=row["initially_deferred"],
                     comment=row["comment"], parameters=tuple(row["parameters"] or ()),
                     index_comment=row["index_comment"])


def _foreign_key(con: dict[str, Any]) -> ForeignKey:
    return made(ForeignKey)(
        columns=tuple(con["column_names"]), ref_table=con["ref_table"], ref_columns=tuple(con["ref_column_names"]),
        ref_schema=con["ref_schema"], name=con["constraint_name"], on_delete=con["on_delete"],
        on_update=con["on_update"], match_full=con["match_type"] == "f", deferrable=con["deferral"] > 0,
        initially_deferred=con["deferral"] > 1, not_valid=con["not_valid"], comment=con["comment"],
        on_delete_columns=tuple(con["on_delete_column_names"] or ()), period=con["period"], enforced=con["enforced"],
        ref_extension=con["ref_extension"])


# What a columns.sql row holds beside its column's definition: its table, its place there, its identity's sequence.
_BESIDE_DEFINITION = frozenset({"table_oid", "position", "seq_oid", "seq_name", "seq_comment"})

ColumnsByTable = dict[int, list[tuple[int, Column]]]
IdentitySequences = dict[tuple[int, str], tuple[int, str, Optional[str]]]


def columns_by_table(rows: Union[NamedRows, list[dict[str, Any]]]) -> tuple[ColumnsByTable, IdentitySequences]:
    """columns.sql's rows -> by table oid, each column's (position, Column); and (table oid, column name) -> the oid,
    name and comment of its identity's sequence (seq_oid, seq_name, seq_comment), whose access list privileges.sql
    reads with every other sequence's (grants.with_identity_grants). One Column per distinct definition: tables repeat
    the same columns (`id bigint` identity, `created_at timestamptz DEFAULT now()`...) and the model is immutable, so
    they share one object; building a frozen Column is most of the cost of a row. The rows are a forked child's
    tuples (catalogrows.AS_TUPLES), read by position, each made a dict (catalogrows.row_maker) only for a definition
    not seen before: 665 of 11,474 rows at 1,000 tables of gen_schema.py's shape (a dict made for every row was ~40%
    of the instructions of the query's rows in `diff`'s parent); or dicts (psycopg's, on threads), read by name."""
    columns: ColumnsByTable = {}
    sequences: IdentitySequences = {}
    if not rows:
        return columns, sequences
    if isinstance(rows, NamedRows):
        names, at, as_dict = rows.names, rows.names.index, row_maker(rows.names)
    else:
        names, at, as_dict = list(rows[0]), _same, _same
    key = itemgetter(*[at(n) for n in names if n not in _BESIDE_DEFINITION])
    table, position, column_name, seq_oid, seq_name, seq_comment = (
        at(n) for n in ("table_oid", "position", "column_name", "seq_oid", "seq_name", "seq_comment"))
    made: dict[Any, Column] = {}
    for values in rows:
        k = key(values)
        column = made.get(k)
        if column is None:
            column = made[k] = _column(as_dict(values))
        found = columns.get(values[table])
        if found is None:
            columns[values[table]] = [(values[position], column)]
        else:
            found.append((values[position], column))
        if values[seq_oid] is not None:
            sequences[values[table], values[column_name]] = (values[seq_oid], values[seq_name], values[seq_comment])
    return columns, sequences


def _same(value: Any) -> Any:
    return value


def by_table(rows: list[dict[str, Any]], make: Any) -> dict[int, list[Any]]:
    """make(row) for every row, by table oid: the queries cover the whole database, tables are
    assembled afterwards."""
    out: dict[int, list[Any]] = {}
    for row in rows:
        out.setdefault(row["table_oid"], []).append(make(row))
    return out


@dataclass
class TableConstraints:
    """The constraints of one table, as the catalog lists them (sorted by table_of)."""

    primary_key: Optional[PrimaryKey] = None
    uniques: list[Unique] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


def constraints_by_table(rows: list[dict[str, Any]]) -> dict[int, TableConstraints]:
    out: dict[int, TableConstraints] = {}
    for con in rows:
        found = out.get(con["table_oid"])
        if found is None:
            found = out[con["table_oid"]] = TableConstraints()
        if con["kind"] == "p":
            found.primary_key = made(PrimaryKey)(columns=tuple(con["column_names"]), name=con["constraint_name"],
                                           comment=con["comment"], deferrable=con["deferral"] > 0,
                                           initially_deferred=con["deferral"] > 1,
                                           include=tuple(con["include_names"] or ()),
                                           index_comment=con["index_comment"], without_overlaps=con["period"],
                                           parameters=tuple(con["key_parameters"] or ()), valid=con["key_valid"])
        elif con["kind"] == "u":
            found.uniques.append(made(Unique)(columns=tuple(con["column_names"]), name=con["constraint_name"],
                                        comment=con["comment"], nulls_not_distinct=con["nulls_not_distinct"],
                                        deferrable=con["deferral"] > 0, initially_deferred=con["deferral"] > 1,
                                        include=tuple(con["include_names"] or ()),
                                        index_comment=con["index_comment"], without_overlaps=con["period"],
                                        parameters=tuple(con["key_parameters"] or ()), valid=con["key_valid"],
                                        beside_copy=bool(con.get("beside_parents")),
                                        attached_to=con.get("attached_to")))
        elif con["kind"] == "c":
            found.checks.append(made(Check)(name=con["constraint_name"], expression=kept(con["expression"]),
                                      comment=con["comment"], not_valid=con["not_valid"],
                                      no_inherit=con["no_inherit"], enforced=con["enforced"],
                                      older_calls=older_body_calls(con["expression"], con["bound_calls"])))
        elif con["kind"] == "f":
            found.foreign_keys.append(_foreign_key(con))
    return out


NO_CONSTRAINTS = TableConstraints()


def _sorted(objects: list, key: Any) -> tuple:
    """tuple(sorted(objects, key=key)), without the sort where there is nothing to order (most of a table's lists)."""
    return tuple(sorted(objects, key=key)) if len(objects) > 1 else tuple(objects)


_by_name = attrgetter("name")


def _name_or_empty(obj: Any) -> str:
    return obj.name or ""


def table_of(row: dict[str, Any], columns: list[tuple[int, Column]], constraints: TableConstraints,
           indexes: list[Index], triggers: list[Trigger], exclusions: list[Exclusion], rules: list[Rule],
           **security: Any) -> Table:
    """A tables.sql row as a Table, with its columns (by position) and its objects, each list sorted by name.
    (Called for every table once the last of its queries is in, on `diff`'s fast path after the server's last reply:
    no sort and no generator where a list holds nothing or one object, as most of a table's do.)"""
    partition_by: Optional[Partitioning] = None
    if row["partition_strategy"]:
        partition_by = Partitioning(strategy=row["partition_strategy"], key=row["partition_key"])
    partition_of: Optional[PartitionOf] = None
    if row["partition_parent"]:
        partition_of = PartitionOf(parent=row["partition_parent"], bound=row["partition_bound"],
                                   parent_schema=row["partition_parent_schema"])
    return made(Table)(
        name=row["table_name"],
        schema=row["schema_name"],
        columns=_extension_defaults_dropped(row, kindrows.not_null_names(
            row["table_name"], tuple(map(_column_of, sorted(columns, key=_position))),
            bool(row["inherits"] or row["partition_parent"]))),
        primary_key=constraints.primary_key,
        uniques=_sorted(constraints.uniques, _name_or_empty),
        checks=_sorted(constraints.checks, _by_name),
        indexes=_sorted(indexes, _by_name),
        comment=row["comment"],
        foreign_keys=_sorted(constraints.foreign_keys, _name_or_empty),
        partition_by=partition_by,
        partition_of=partition_of,
        unlogged=row["unlogged"], cluster_on=row["cluster_on"], parameters=tuple(row["parameters"]),
        toast_table=row["toast_table"], replica_identity=row["replica_identity"],
        replica_identity_index=row["replica_identity_index"],
        triggers=_sorted(triggers, _by_name),
        exclusions=_sorted(exclusions, _name_or_empty),
        inherits=tuple(Parent(p["name"], p["schema"], p.get("extension")) for p in row["inherits"]) if row["inherits"] else (),
        inherited_only=tuple(row["inherited_only"] or ()) if row["inherits"] else (), of=canonical_type_text(row["of_type"]) if row["of_type"] else None,
        rules=_sorted(rules, _by_name),
        statistics=tuple(kindrows.statistics(s, row["schema_name"]) for s in row["statistics"])
        if row["statistics"] else (),
        row_level_security=row["row_level_security"],
        force_row_level_security=row["force_row_level_security"], foreign=kindrows.foreign_table(row),
        validated_checks=tuple(row["validated_checks"]), **security,
        copy_comments=tuple((n, text) for n, text in row["copy_comments"]) if row["copy_comments"] else (),
        row_type_comment=row["row_type_comment"], used_outside=tuple(row.get("used_outside") or ()),
    )


_position, _column_of = itemgetter(0), itemgetter(1)


TRIGGER_ENABLED = {"O": "origin", "D": "disabled", "R": "replica", "A": "always"}


def trigger_of(row: dict[str, Any]) -> Trigger:
    """(made: Trigger(...) sets its 17 fields one by one through object.__setattr__, ~2x the time; a trigger per
    table is common.)"""
    count = row["argument_count"]
    return made(Trigger)(name=row["trigger_name"], function=row["function_name"],
                         timing=triggerdef.timing(row["tgtype"]), events=triggerdef.events(row["tgtype"]),  # type: ignore
                         update_columns=tuple(row["update_columns"]), for_each_row=bool(row["tgtype"] & triggerdef.ROW),
                         when=kept(triggerdef.when_clause(row["definition"])) if row["definition"] else None,
                         arguments=triggerdef.arguments(bytes(row["arguments"]), count) if count else (),
                         old_table=row["old_table"], new_table=row["new_table"], constraint=row["is_constraint"],
                         deferrable=row["deferrable"], initially_deferred=row["initially_deferred"],
                         enabled=TRIGGER_ENABLED[row["enabled"]], comment=row["comment"],  # type: ignore[arg-type]
                         referenced_table=row["referenced_table"])


def commented_namespaces(namespaces: tuple[Namespace, ...], rows: list[dict[str, Any]]) -> tuple[Namespace, ...]:
    """The namespaces with their comments (schemas.sql), public's own ("standard public schema") left out; public
    without one reads '' (COMMENT ... IS '' removes it: a database built from the model has initdb's otherwise).
    A schema an extension's script made is that extension's, its access list, owner and comment the extension's
    (the extension's grants and comments hold what changed since)."""
    comments = {r["schema_name"]: r["comment"] for r in rows}
    extensions = {r["schema_name"]: r["extension"] for r in rows if r["extension"]}
    public = {"standard public schema": None, None: ""}.get(comments.get("public"), comments.get("public"))
    return tuple(Namespace(n.name, extension=extensions[n.name]) if n.name in extensions else
                 replace(n, comment=public if n.name == "public" else comments.get(n.name)) for n in namespaces)


def enum_of(row: dict[str, Any]) -> Enum:
    return Enum(name=row["type_name"], values=tuple(row["labels"]), schema=row["schema_name"], comment=row["comment"],
                used_outside=tuple(row.get("used_outside") or ()))


def domain_of(row: dict[str, Any]) -> Domain:
    checks = tuple(Check(name=c["name"], expression=kept(c["expression"]), comment=c["comment"], not_valid=c["not_valid"])
                   for c in row["checks"])
    return Domain(name=row["type_name"], type=canonical_type_text(row["type_text"]), schema=row["schema_name"],
                  default=kept(row["default_expr"]), not_null=row["not_null"],
                  checks=tuple(sorted(checks, key=lambda c: c.name)), comment=row["comment"], collation=collation_from_sql(row["collation"]),
                  not_null_name=row["not_null_name"] if row["not_null_name"] != make_object_name(row["type_name"], None, "not_null")
                  else None, not_null_comment=row["not_null_comment"], used_outside=tuple(row.get("used_outside") or ()))


def sequence_of(row: dict[str, Any]) -> Sequence:
    owned_by: Optional[str] = None
    if row["owned_table"] is not None:  # Postgres requires the table to be in the sequence's schema
        owned_by = f"{row['owned_table']}.{row['owned_column']}"
    return Sequence(name=row["sequence_name"], schema=row["schema_name"],
                    options=_sequence_options(row, default_type="bigint"), owned_by=owned_by,
                    comment=row["comment"], unlogged=bool(row.get("unlogged")),
                    used_outside=tuple(row.get("used_outside") or ()))


def _extension_defaults_dropped(row: dict[str, Any], columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """A column a child only inherits from an extension's table whose column has a default, without one (ALTER COLUMN
    gid DROP DEFAULT): `default: 'NULL'`, as schemafile.inherits.own_columns writes it for a declared parent's (CREATE
    TABLE ... INHERITS gives it the parent's: the migration drops it after, SET DEFAULT NULL)."""
    given = {n for p in row["inherits"] or () if p.get("extension") for n in p.get("defaults") or ()}
    dropped = given & set(row["inherited_only"] or ())
    if not dropped:
        return columns
    return tuple(replace(c, default="NULL") if c.name in dropped and c.default is None and c.identity is None
                 and c.generated is None else c for c in columns)
