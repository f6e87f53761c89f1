"""Catalog rows -> the model: the same :class:`schemac.model.Schema` the YAML loader builds.

The queries cover the whole database; tables are assembled from their columns, constraints and
indexes afterwards, and everything is sorted in Python, so the model does not depend on the server's
collation. Nothing here imports sqlglot until a type name has to be spelled canonically.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from typing import Any, Optional

from schemac.catalog import kindrows
from schemac.catalog.catalogrows import CatalogRows
from schemac.model import (Check, Column, Domain, Enum, Exclusion, ExclusionElement, Extension, ForeignKey, Namespace,
                           Identity, Index, IndexElement, Nulls, Parent, Partitioning, PartitionOf, PrimaryKey,
                           Rule, Schema, Sequence, SequenceOptions, Table, Trigger, Unique, Unmanaged)
from schemac.catalog.views import build_view
from schemac.catalog.grants import (AccessLists, default_privileges, identity_sequences, member_grants, range_access,
                                     with_identity_grants)
from schemac.catalog.partition_indexes import own_constraints, own_indexes
from schemac.catalog.outside import with_outside_functions
from schemac.catalog.policies import policies_by_table
from schemac.pg import triggerdef
from schemac.pg.indexdef import collation_from_sql, key_collations
from schemac.pg.sequences import without_defaults

_INDOPTION_DESC, _INDOPTION_NULLS_FIRST = 0x0001, 0x0002  # indoption bits (src/include/catalog/pg_index.h)


@dataclass(frozen=True)
class IntrospectResult:
    """The model plus what a caller needs to judge it: cost (queries) and server major."""

    schema: Schema
    queries: int
    server_version: int
    roles: frozenset = frozenset()  # the cluster's role names (roles.sql)
    database_owner: Optional[str] = None  # roles.sql's owns_database


# -- catalog rows -> model ----------------------------------------------------------------------

@lru_cache(maxsize=None)
def _canonical(type_text: str) -> str:
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
    type_ = _canonical(row["type_text"])
    identity: Optional[Identity] = None
    if row["identity"] in ("a", "d"):
        options = SequenceOptions()
        if row["seq_type"] is not None:
            options = _sequence_options(row, default_type=row["type_text"])
        identity = Identity(always=row["identity"] == "a", options=options)
    generated = row["generated_expr"] if row["generated_kind"] else None
    return Column(name=row["column_name"], type=type_, nullable=not row["not_null"],
                  default=None if identity or generated else row["default_expr"], comment=row["comment"],
                  identity=identity, generated=generated, collation=collation_from_sql(row["collation"]),
                  virtual=row["generated_kind"] == "v", statistics=row["statistics"], storage=row["storage"],
                  compression=row["compression"], options=tuple(row["options"].split(",")) if row["options"] else (),
                  not_null=kindrows.not_null(row), fdw_options=kindrows.pairs(row["fdw_options"]))


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
    elements = []
    for pos in range(key_count):
        option = options[pos] if pos < len(options) else 0
        order = "desc" if option & _INDOPTION_DESC else "asc"
        column = attnames[pos]
        expression = expressions[pos] if column is None else None
        opclass = opclasses[pos] if pos < len(opclasses) else None
        opclass_options: tuple[str, ...] = ()
        if pos < len(key_options) and key_options[pos]:
            opclass, _, given = key_options[pos].partition(" ")
            opclass_options = tuple(given.split(","))
        elements.append(IndexElement(column=column, expression=expression, order=order,  # type: ignore[arg-type]
                                     nulls=_nulls(option, order), opclass=opclass, opclass_options=opclass_options,
                                     statistics=key_statistics[pos] if pos < len(key_statistics) else None,
                                     collation=collations[pos] if pos < len(collations) else None))
    return elements, tuple(name for name in attnames[key_count:] if name is not None)


def _index(row: dict[str, Any]) -> Index:
    """A pg_index row as an Index: key elements in order, then the INCLUDE columns."""
    elements, include = _elements(row)
    return Index(name=row["index_name"], elements=tuple(elements), unique=row["is_unique"], method=row["method"],
                 where=row["predicate"], include=include, comment=row["comment"],
                 nulls_not_distinct=bool(row["nulls_not_distinct"]), valid=row["is_valid"],
                 parameters=tuple(row["parameters"] or ()))


def _exclusion(row: dict[str, Any]) -> Exclusion:
    """An EXCLUDE constraint: its index's keys, each with the operator of its WITH."""
    elements, include = _elements(row)
    return Exclusion(elements=tuple(ExclusionElement(**e.__dict__, operator=op)
                                    for e, op in zip(elements, row["operators"])),
                     name=row["constraint_name"], method=row["method"], where=row["predicate"], include=include,
                     deferrable=row["deferrable"], initially_deferred=row["initially_deferred"],
                     comment=row["comment"], parameters=tuple(row["parameters"] or ()))


def _foreign_key(con: dict[str, Any]) -> ForeignKey:
    return ForeignKey(
        columns=tuple(con["column_names"]), ref_table=con["ref_table"], ref_columns=tuple(con["ref_column_names"]),
        ref_schema=con["ref_schema"], name=con["constraint_name"], on_delete=con["on_delete"],
        on_update=con["on_update"], match_full=con["match_type"] == "f", deferrable=con["deferrable"],
        initially_deferred=con["initially_deferred"], not_valid=con["not_valid"], comment=con["comment"],
        on_delete_columns=tuple(con["on_delete_column_names"] or ()), period=con["period"], enforced=con["enforced"])


def _columns_maker(rows: list[dict[str, Any]]) -> Any:
    """row -> (position, Column), one Column per distinct definition: tables repeat the same columns
    (`id bigint` identity, `created_at timestamptz DEFAULT now()`...) and the model is immutable, so they
    share one object; building a frozen Column is most of the cost of a row."""
    if not rows:
        return None
    key = itemgetter(*[k for k in rows[0] if k not in ("table_oid", "position", "seq_oid", "seq_name")])
    made: dict[Any, Column] = {}

    def make(row: dict[str, Any]) -> tuple[int, Column]:
        k = key(row)
        column = made.get(k)
        if column is None:
            column = made[k] = _column(row)
        return row["position"], column
    return make


def _by_table(rows: list[dict[str, Any]], make: Any) -> dict[int, list[Any]]:
    """make(row) for every row, by table oid: the queries cover the whole database, tables are
    assembled afterwards."""
    out: dict[int, list[Any]] = {}
    for row in rows:
        out.setdefault(row["table_oid"], []).append(make(row))
    return out


@dataclass
class _Constraints:
    """The constraints of one table, as the catalog lists them (sorted by _table)."""

    primary_key: Optional[PrimaryKey] = None
    uniques: list[Unique] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


def _constraints_by_table(rows: list[dict[str, Any]]) -> dict[int, _Constraints]:
    out: dict[int, _Constraints] = {}
    for con in rows:
        found = out.get(con["table_oid"])
        if found is None:
            found = out[con["table_oid"]] = _Constraints()
        if con["kind"] == "p":
            found.primary_key = PrimaryKey(columns=tuple(con["column_names"]), name=con["constraint_name"],
                                           comment=con["comment"], deferrable=con["deferrable"],
                                           initially_deferred=con["initially_deferred"],
                                           include=tuple(con["include_names"] or ()),
                                           index_comment=con["index_comment"], without_overlaps=con["period"],
                                           parameters=tuple(con["key_parameters"] or ()))
        elif con["kind"] == "u":
            found.uniques.append(Unique(columns=tuple(con["column_names"]), name=con["constraint_name"],
                                        comment=con["comment"], nulls_not_distinct=con["nulls_not_distinct"],
                                        deferrable=con["deferrable"], initially_deferred=con["initially_deferred"],
                                        include=tuple(con["include_names"] or ()),
                                        index_comment=con["index_comment"], without_overlaps=con["period"],
                                        parameters=tuple(con["key_parameters"] or ())))
        elif con["kind"] == "c":
            found.checks.append(Check(name=con["constraint_name"], expression=con["expression"],
                                      comment=con["comment"], not_valid=con["not_valid"],
                                      no_inherit=con["no_inherit"], enforced=con["enforced"]))
        elif con["kind"] == "f":
            found.foreign_keys.append(_foreign_key(con))
    return out


_NO_CONSTRAINTS = _Constraints()


def _table(row: dict[str, Any], columns: list[tuple[int, Column]], constraints: _Constraints,
           indexes: list[Index], triggers: list[Trigger], exclusions: list[Exclusion], rules: list[Rule],
           **security: Any) -> Table:
    partition_by: Optional[Partitioning] = None
    if row["partition_strategy"]:
        partition_by = Partitioning(strategy=row["partition_strategy"], key=row["partition_key"])
    partition_of: Optional[PartitionOf] = None
    if row["partition_parent"]:
        partition_of = PartitionOf(parent=row["partition_parent"], bound=row["partition_bound"],
                                   parent_schema=row["partition_parent_schema"])
    return Table(
        name=row["table_name"],
        schema=row["schema_name"],
        columns=kindrows.not_null_names(row["table_name"], tuple(c for _, c in sorted(columns, key=lambda pc: pc[0])),
                                        bool(row["inherits"] or row["partition_parent"])),
        primary_key=constraints.primary_key,
        uniques=tuple(sorted(constraints.uniques, key=lambda u: u.name or "")),
        checks=tuple(sorted(constraints.checks, key=lambda c: c.name)),
        indexes=tuple(sorted(indexes, key=lambda i: i.name)),
        comment=row["comment"],
        foreign_keys=tuple(sorted(constraints.foreign_keys, key=lambda f: f.name or "")),
        partition_by=partition_by,
        partition_of=partition_of,
        unlogged=row["unlogged"], cluster_on=row["cluster_on"], parameters=tuple(row["parameters"]),
        toast_table=row["toast_table"], replica_identity=row["replica_identity"],
        replica_identity_index=row["replica_identity_index"],
        triggers=tuple(sorted(triggers, key=lambda t: t.name)),
        exclusions=tuple(sorted(exclusions, key=lambda x: x.name or "")),
        inherits=tuple(Parent(p["name"], p["schema"]) for p in row["inherits"] or ()), inherited_only=tuple(row["inherited_only"] or ()) if row["inherits"] else (), of=_canonical(row["of_type"]) if row["of_type"] else None,
        rules=tuple(sorted(rules, key=lambda r: r.name)),
        statistics=tuple(kindrows.statistics(s, row["schema_name"]) for s in row["statistics"]),
        row_level_security=row["row_level_security"],
        force_row_level_security=row["force_row_level_security"], foreign=kindrows.foreign_table(row),
        **security,
    )


_ENABLED = {"O": "origin", "D": "disabled", "R": "replica", "A": "always"}


def _trigger(row: dict[str, Any]) -> Trigger:
    return Trigger(name=row["trigger_name"], function=row["function_name"],
                   timing=triggerdef.timing(row["tgtype"]), events=triggerdef.events(row["tgtype"]),  # type: ignore
                   update_columns=tuple(row["update_columns"]), for_each_row=bool(row["tgtype"] & triggerdef.ROW),
                   when=triggerdef.when_clause(row["definition"]) if row["definition"] else None,
                   arguments=triggerdef.arguments(bytes(row["arguments"]), row["argument_count"]),
                   old_table=row["old_table"], new_table=row["new_table"], constraint=row["is_constraint"],
                   deferrable=row["deferrable"], initially_deferred=row["initially_deferred"],
                   enabled=_ENABLED[row["enabled"]], comment=row["comment"],  # type: ignore[arg-type]
                   referenced_table=row["referenced_table"])


def _commented(namespaces: tuple[Namespace, ...], rows: list[dict[str, Any]]) -> tuple[Namespace, ...]:
    """The namespaces with their comments (schemas.sql), public's own ("standard public schema") left out; public
    without one reads '' (COMMENT ... IS '' removes it: a database built from the model has initdb's otherwise)."""
    comments = {r["schema_name"]: r["comment"] for r in rows}
    public = {"standard public schema": None, None: ""}.get(comments.get("public"), comments.get("public"))
    return tuple(replace(n, comment=public if n.name == "public" else comments.get(n.name)) for n in namespaces)


def _enum(row: dict[str, Any]) -> Enum:
    return Enum(name=row["type_name"], values=tuple(row["labels"]), schema=row["schema_name"], comment=row["comment"])


def _domain(row: dict[str, Any]) -> Domain:
    checks = tuple(Check(name=c["name"], expression=c["expression"], comment=c["comment"], not_valid=c["not_valid"])
                   for c in row["checks"])
    return Domain(name=row["type_name"], type=_canonical(row["type_text"]), schema=row["schema_name"],
                  default=row["default_expr"], not_null=row["not_null"],
                  checks=tuple(sorted(checks, key=lambda c: c.name)), comment=row["comment"], collation=collation_from_sql(row["collation"]))


def _sequence(row: dict[str, Any]) -> Sequence:
    owned_by: Optional[str] = None
    if row["owned_table"] is not None:  # Postgres requires the table to be in the sequence's schema
        owned_by = f"{row['owned_table']}.{row['owned_column']}"
    return Sequence(name=row["sequence_name"], schema=row["schema_name"],
                    options=_sequence_options(row, default_type="bigint"), owned_by=owned_by,
                    comment=row["comment"])


class ModelBuilder:
    """Builds the model from the catalog queries' rows, one query at a time, in any order: `schemac
    diff` turns each result into model objects while the server is still answering the next query."""

    def __init__(self) -> None:
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._columns: dict[int, list[tuple[int, Column]]] = {}
        self._constraints: dict[int, _Constraints] = {}
        self._indexes: dict[int, list[Index]] = {}
        self._triggers: dict[int, list[Trigger]] = {}
        self._clones: dict[int, list[tuple[str, str]]] = {}  # a partition's trigger clones not in their parent's state
        self._exclusions: dict[int, list[Exclusion]] = {}
        self._rules: dict[int, list[Rule]] = {}
        self._identities: dict[tuple[int, str], tuple[int, str]] = {}

    def add(self, name: str, rows: list[dict[str, Any]]) -> None:
        if name == "columns":
            self._columns = _by_table(rows, _columns_maker(rows))
            self._identities = identity_sequences(rows)
        elif name == "constraints":
            self._constraints = _constraints_by_table(own_constraints(rows))
        elif name == "indexes":
            self._indexes = _by_table(own_indexes(rows), _index)
        elif name == "triggers":
            self._triggers = _by_table([r for r in rows if not r["clone"]], _trigger)
            self._clones = _by_table([r for r in rows if r["clone"]],
                                     lambda r: (r["trigger_name"], _ENABLED[r["enabled"]]))
        elif name == "exclusions":
            self._exclusions = _by_table(rows, _exclusion)
        elif name == "rules":
            self._rules = _by_table(rows, kindrows.rule)
        else:
            self._rows[name] = rows

    def result(self, catalog: CatalogRows) -> IntrospectResult:
        """The model of every query's rows (all added by now), with what `catalog` says of its reading."""
        schema = self.schema(catalog.server_version // 10000)
        return IntrospectResult(schema=schema, queries=catalog.queries, server_version=catalog.server_version,
                                roles=frozenset(r["role_name"] for r in self._rows.get("roles", ())),
                                database_owner=next((r["role_name"] for r in self._rows.get("roles", ())
                                                     if r["owns_database"]), None))

    def schema(self, major: Optional[int] = None) -> Schema:
        """Everything is sorted here, with Python's code-point order, so the model does not depend on
        the server's collation. Rows of tables that tables.sql left out are dropped. `major`: the server's,
        which deparsed the views (another spells some queries otherwise)."""
        rows = self._rows
        acl, policies = AccessLists(rows.get("privileges", []), major), policies_by_table(rows.get("policies", []))
        built = [_table(row, self._columns.get(row["table_oid"], []),
                        self._constraints.get(row["table_oid"], _NO_CONSTRAINTS),
                        self._indexes.get(row["table_oid"], []), self._triggers.get(row["table_oid"], []),
                        self._exclusions.get(row["table_oid"], []), self._rules.get(row["table_oid"], []),
                        cloned_triggers=tuple(sorted(self._clones.get(row["table_oid"], ()))),
                        policies=policies.get(row["table_oid"], ()), grants=acl.grants("class", row["table_oid"]),
                        owner=acl.owner("class", row["table_oid"]))
                 for row in rows["tables"]]
        built = with_identity_grants(built, rows["tables"], self._identities, acl)
        built.sort(key=lambda t: (t.schema, t.name))
        enums = sorted((acl.secured(_enum(r), "type", r["type_oid"]) for r in rows["enums"]), key=lambda e: (e.schema, e.name))
        domains = sorted((acl.secured(_domain(r), "type", r["type_oid"]) for r in rows["domains"]), key=lambda d: (d.schema, d.name))
        sequences = sorted((replace(_sequence(r), grants=acl.grants("class", r["sequence_oid"]),
                                    owner=acl.owner("class", r["sequence_oid"])) for r in rows["sequences"]),
                           key=lambda s: (s.schema, s.name))
        extensions = sorted((Extension(name=r["extension_name"], schema=r["schema_name"], comment=r["comment"],
                                       grants=member_grants(r["member_grants"]))
                             for r in rows["extensions"]),
                            key=lambda e: e.name)
        unmanaged = sorted((Unmanaged(kind=r["kind"], schema=r["schema_name"], name=r["object_name"])
                            for r in rows["unmanaged"]), key=lambda u: (u.kind, u.schema, u.name))
        schemas = sorted(r["schema_name"] for r in rows["schemas"] if r["schema_name"] != "public")
        functions = sorted((kindrows.function(r, grants=acl.grants("proc", r["function_oid"]), owner=acl.owner("proc", r["function_oid"]))
                            for r in rows["functions"]),
                           key=lambda f: (f.schema, f.name, f.identity))
        composites = sorted((acl.secured(kindrows.composite_type(r, _canonical), "type", r["type_oid"])
                             for r in rows["composite_types"]),
                            key=lambda c: (c.schema, c.name))
        ranges = sorted((range_access(acl.secured(kindrows.range_type(r, _canonical), "type", r["type_oid"]), r, acl)
                         for r in rows["range_types"]),
                        key=lambda r: (r.schema, r.name))
        collations = sorted((kindrows.collation(r) for r in rows["collations"]), key=lambda c: (c.schema, c.name))
        made: dict = {}
        views = sorted((build_view(r, self._indexes.get(r["view_oid"], []), _canonical, self._triggers.get(r["view_oid"], []),
                                   made, grants=acl.grants("class", r["view_oid"]), owner=acl.owner("class", r["view_oid"]),
                                   deparsed_by=major, rules=self._rules.get(r["view_oid"], ()))
                        for r in rows.get("views", ())),
                       key=lambda v: (v.schema, v.name))
        return with_outside_functions(Schema(tables=tuple(built), source_file=None, enums=tuple(enums), domains=tuple(domains),
                      sequences=tuple(sequences), extensions=tuple(extensions), unmanaged=tuple(unmanaged),
                      schemas=tuple(schemas), functions=tuple(functions), views=tuple(views),
                      aggregates=kindrows.aggregates(rows.get("aggregates", []), acl),
                      operators=kindrows.operators(rows.get("operators", [])),
                      composite_types=tuple(composites), range_types=tuple(ranges), collations=tuple(collations),
                      text_search_configs=kindrows.text_search_configs(rows.get("text_search_configs", [])),
                      text_search_dictionaries=kindrows.text_search_dictionaries(rows.get("text_search_dictionaries", [])),
                      namespace_access=_commented(acl.namespaces(), rows["schemas"]),
                      default_privileges=default_privileges(rows.get("default_privileges", [])),
                      publications=kindrows.publications(rows.get("publications", []), {t.key for t in built}),
                      event_triggers=kindrows.event_triggers(rows.get("event_triggers", [])),
                      casts=kindrows.casts(rows.get("casts", [])),
                      operator_classes=kindrows.operator_classes(rows.get("operator_classes", [])),
                      operator_families=kindrows.operator_families(rows.get("operator_families", [])),
                      foreign_servers=kindrows.foreign_servers(rows.get("foreign_servers", []), acl)))
