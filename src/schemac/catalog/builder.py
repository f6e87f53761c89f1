"""Catalog rows -> the model, query by query as they come (`schemac diff`, `schemac inspect`).

The tables are built as soon as the queries they are made of are in (their rows, columns, constraints, indexes,
triggers, exclusions, rules, privileges and policies: catalog/lanes.py asks those first), while the server still
answers the others: on `diff`'s fast path that work was after the last reply, on one core (~20 ms at 1,000 tables).
So are the views and the functions, once the tables are and their own rows are in (~40 ms at 1,000 of each).
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Any, Callable, Optional

from schemac.catalog import kindrows
from schemac.catalog.catalogrows import CatalogRows
from schemac.catalog.grants import AccessLists, default_privileges, member_grants, range_access, \
    with_identity_grants
from schemac.catalog.outside import with_outside_functions
from schemac.catalog.partition_identities import with_parents_identities
from schemac.catalog.partition_indexes import own_constraints, own_indexes
from schemac.catalog.policies import policies_by_table
from schemac.catalog.rows import (NO_CONSTRAINTS, TRIGGER_ENABLED, IntrospectResult, TableConstraints, by_table,
                                  canonical_type_text, columns_by_table, commented_namespaces, constraints_by_table, domain_of,
                                  enum_of, exclusion_of, index_of, sequence_of, table_of, trigger_of)
from schemac.catalog.views import build_view
from schemac.compare.expression_binds import tables_with_binds
from schemac.compare.view_binds import functions_with_binds, with_binds
from schemac.model import DATABASE_PRIVILEGES, Column, DatabaseGrant, DatabaseSetting, Exclusion, Extension, Function, Index, MemberSetting, Rule, Schema, Table, Trigger, Unmanaged, View

# The queries every table is made of (and the server's major, which its access list depends on).
TABLE_QUERIES = frozenset({"server", "tables", "columns", "constraints", "indexes", "triggers", "exclusions", "rules",
                           "privileges", "policies"})


class ModelBuilder:
    """Builds the model from the catalog queries' rows, one query at a time, in any order: `schemac
    diff` turns each result into model objects while the server is still answering the next query."""

    def __init__(self, on_tables: Optional[Callable[[list[Table]], None]] = None) -> None:
        """`on_tables(tables)`: told of the tables when they are built before the last query's rows (diff's early
        comparison: compare/shortcut.py)."""
        self._on_tables = on_tables
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._major: Optional[int] = None  # the server's, once told ("server": fetch.read_catalog)
        # kind -> (for major, the objects): the tables, views and functions built early (add), before the last reply
        self._early: dict[str, tuple[Optional[int], list]] = {}
        self._access: Optional[tuple[Optional[int], AccessLists]] = None  # (for major, the privileges' lists)
        self._columns: dict[int, list[tuple[int, Column]]] = {}
        self._constraints: dict[int, TableConstraints] = {}
        self._indexes: dict[int, list[Index]] = {}
        self._triggers: dict[int, list[Trigger]] = {}
        self._clones: dict[int, list[tuple[str, str]]] = {}  # a partition's trigger clones not in their parent's state
        self._clone_comments: dict[int, list[tuple[str, str]]] = {}  # and those with a comment
        self._exclusions: dict[int, list[Exclusion]] = {}
        self._rules: dict[int, list[Rule]] = {}
        self._identities: dict[tuple[int, str], tuple[int, str, Optional[str]]] = {}
        self._added: set[str] = set()

    def add(self, name: str, rows: list[dict[str, Any]]) -> None:
        if name == "server":
            self._major = rows[0]["server_version"] // 10000
        elif name == "columns":
            # (tuples as a forked child sends them: catalog/forked.py gives them on as they come; dicts on threads)
            self._columns, self._identities = columns_by_table(rows)
        elif name == "constraints":
            self._constraints = constraints_by_table(own_constraints(rows))
        elif name == "indexes":
            self._indexes = by_table(own_indexes(rows), index_of)
        elif name == "triggers":
            self._triggers = by_table([r for r in rows if not r["clone"]], trigger_of)
            self._clones = by_table([r for r in rows if r["clone"] and r["own_state"]],
                                     lambda r: (r["trigger_name"], TRIGGER_ENABLED[r["enabled"]]))
            self._clone_comments = by_table([r for r in rows if r["clone"] and r["comment"] is not None],
                                            lambda r: (r["trigger_name"], r["comment"]))
        elif name == "exclusions":
            self._exclusions = by_table(rows, exclusion_of)
        elif name == "rules":
            self._rules = by_table(rows, kindrows.rule)
        else:
            self._rows[name] = rows
        self._added.add(name)
        early = self._early
        if "tables" not in early and self._added >= TABLE_QUERIES:
            # Every query the tables are made of is in (lanes.COSTLIEST_FIRST asks them first): the tables are
            # built now, while the server answers the rest, rather than after the last.
            early["tables"] = (self._major, self._built_tables(self._major))
            if self._on_tables is not None:
                self._on_tables(early["tables"][1])
        if "tables" in early:
            # What the views and the functions are made of is in too (their indexes, triggers, rules, privileges):
            # each built as soon as its own rows are (views.sql is asked third, functions.sql eleventh of ~40), while
            # the server answers the rest (~30 ms of one core at 1,000 views that was after its last reply).
            for kind, build in (("views", self._built_views), ("functions", self._built_functions)):
                if kind not in early and kind in self._added:
                    early[kind] = (self._major, build(self._major))

    def result(self, catalog: CatalogRows) -> IntrospectResult:
        """The model of every query's rows (all added by now), with what `catalog` says of its reading."""
        schema = self.schema(catalog.server_version // 10000)
        return IntrospectResult(schema=schema, queries=catalog.queries, server_version=catalog.server_version,
                                roles=frozenset(r["role_name"] for r in self._rows.get("roles", ())),
                                database_owner=next((r["role_name"] for r in self._rows.get("roles", ())
                                                     if r["owns_database"]), None),
                                public_holds=tuple(r["setting_name"] for r in self._rows.get("database_settings", ())
                                                   if r.get("entry") == "public member"))

    def schema(self, major: Optional[int] = None) -> Schema:
        """Everything is sorted here, with Python's code-point order, so the model does not depend on
        the server's collation. Rows of tables that tables.sql left out are dropped. `major`: the server's,
        which deparsed the views (another spells some queries otherwise)."""
        rows = self._rows
        acl = self._access_lists(major)
        built = self._built("tables", major, self._built_tables)
        enums = sorted((acl.secured(enum_of(r), "type", r["type_oid"]) for r in rows["enums"]), key=lambda e: (e.schema, e.name))
        domains = sorted((acl.secured(domain_of(r), "type", r["type_oid"]) for r in rows["domains"]), key=lambda d: (d.schema, d.name))
        sequences = sorted((replace(sequence_of(r), grants=acl.grants("class", r["sequence_oid"]),
                                    owner=acl.owner("class", r["sequence_oid"])) for r in rows["sequences"]),
                           key=lambda s: (s.schema, s.name))
        extensions = sorted((Extension(name=r["extension_name"], schema=r["schema_name"], comment=r["comment"],
                                       grants=member_grants(r["member_grants"]),
                                       owners=tuple(sorted((on, owner) for on, owner in r["member_owners"])),
                                       settings=tuple(MemberSetting(on, cost, rows, tuple(config or ()))
                                                      for on, cost, rows, config in r["member_settings"]),
                                       comments=tuple((on, text) for on, text in r["member_comments"]),
                                       detached=tuple(r["detached"]),
                                       members_owner=r["members_owner"], version=r["version"],
                                       default_version=r["default_version"])
                             for r in rows["extensions"]),
                            key=lambda e: e.name)
        unmanaged = sorted((Unmanaged(kind=r["kind"], schema=r["schema_name"], name=r["object_name"])
                            for r in rows["unmanaged"]), key=lambda u: (u.kind, u.schema, u.name))
        schemas = sorted(r["schema_name"] for r in rows["schemas"] if r["schema_name"] != "public")
        operators = kindrows.operators(rows.get("operators", []))
        functions = functions_with_binds(self._built("functions", major, self._built_functions), operators)  # (view_binds)
        composites = sorted((acl.secured(kindrows.composite_type(r, canonical_type_text), "type", r["type_oid"])
                             for r in rows["composite_types"]),
                            key=lambda c: (c.schema, c.name))
        ranges = sorted((range_access(acl.secured(kindrows.range_type(r, canonical_type_text), "type", r["type_oid"]), r, acl)
                         for r in rows["range_types"]),
                        key=lambda r: (r.schema, r.name))
        collations = sorted((kindrows.collation(r) for r in rows["collations"]), key=lambda c: (c.schema, c.name))
        views = with_binds(self._built("views", major, self._built_views), functions, operators)  # (view_binds)
        built = tables_with_binds(built, functions, operators)  # (a CHECK's binds: compare.expression_binds)
        owners = tuple(r["role_name"] for r in rows.get("roles", ()) if r["owns_database"] or r.get("runs_migrations"))
        return with_outside_functions(Schema(tables=tuple(built), source_file=None, enums=tuple(enums), domains=tuple(domains),
                      default_owners=owners,
                      sequences=tuple(sequences), extensions=tuple(extensions), unmanaged=tuple(unmanaged),
                      schemas=tuple(schemas), functions=tuple(functions), views=tuple(views),
                      aggregates=kindrows.aggregates(rows.get("aggregates", []), acl),
                      operators=operators,
                      composite_types=tuple(composites), range_types=tuple(ranges), collations=tuple(collations),
                      text_search_configs=kindrows.text_search_configs(rows.get("text_search_configs", [])),
                      text_search_dictionaries=kindrows.text_search_dictionaries(rows.get("text_search_dictionaries", [])),
                      namespace_access=commented_namespaces(acl.namespaces(), rows["schemas"]),
                      default_privileges=default_privileges(rows.get("default_privileges", [])),
                      publications=kindrows.publications(rows.get("publications", []), {t.key for t in built}),
                      event_triggers=kindrows.event_triggers(rows.get("event_triggers", [])),
                      database_settings=tuple(DatabaseSetting(r["setting_name"], r["setting_value"])
                                              for r in sorted(rows.get("database_settings", []),
                                                              key=lambda r: r["setting_name"])
                                              if r.get("entry", "setting") == "setting"),
                      database_grants=database_grants(rows.get("database_settings", [])),
                      database_comment=next((r["setting_value"] for r in rows.get("database_settings", [])
                                             if r.get("entry") == "comment"), ""),
                      public_absent=any(r.get("entry") == "no public" for r in rows.get("database_settings", [])) or None,
                      casts=kindrows.casts(rows.get("casts", [])),
                      operator_classes=kindrows.operator_classes(rows.get("operator_classes", [])),
                      operator_families=kindrows.operator_families(rows.get("operator_families", [])),
                      **kindrows.foreign_objects(rows, acl)))

    def _built_tables(self, major: Optional[int]) -> list[Table]:
        """Every table, sorted, from the rows of TABLE_QUERIES."""
        rows = self._rows
        acl, policies = self._access_lists(major), policies_by_table(rows.get("policies", []))
        built = [table_of(row, self._columns.get(row["table_oid"], []),
                        self._constraints.get(row["table_oid"], NO_CONSTRAINTS),
                        self._indexes.get(row["table_oid"], []), self._triggers.get(row["table_oid"], []),
                        self._exclusions.get(row["table_oid"], []), self._rules.get(row["table_oid"], []),
                        cloned_triggers=tuple(sorted(self._clones.get(row["table_oid"], ()))),
                        cloned_trigger_comments=tuple(sorted(self._clone_comments.get(row["table_oid"], ()))),
                        policies=policies.get(row["table_oid"], ()), grants=acl.grants("class", row["table_oid"]),
                        owner=acl.owner("class", row["table_oid"]))
                 for row in rows["tables"]]
        built = with_parents_identities(with_identity_grants(built, rows["tables"], self._identities, acl), major)
        built.sort(key=lambda t: (t.schema, t.name))
        return built

    def _built(self, kind: str, major: Optional[int], build: Callable[[Optional[int]], list]) -> list:
        """The objects of `kind` add() built early, if `major` deparsed them too (the server's); else built now."""
        got = self._early.get(kind)
        return got[1] if got is not None and got[0] == major else build(major)

    def _built_views(self, major: Optional[int]) -> list[View]:
        """Every view, sorted, from the rows of "views" and of TABLE_QUERIES (`major` deparsed them)."""
        acl, made = self._access_lists(major), {}
        return sorted((build_view(r, self._indexes.get(r["view_oid"], []), canonical_type_text,
                                  self._triggers.get(r["view_oid"], []), made, grants=acl.grants("class", r["view_oid"]),
                                  owner=acl.owner("class", r["view_oid"]), deparsed_by=major,
                                  rules=self._rules.get(r["view_oid"], ()))
                       for r in self._rows.get("views", ())),
                      key=lambda v: (v.schema, v.name))

    def _built_functions(self, major: Optional[int]) -> list[Function]:
        """Every function, sorted, with its access list and owner (privileges, a table query)."""
        acl = self._access_lists(major)
        return sorted((kindrows.function(r, grants=acl.grants("proc", r["function_oid"]),
                                         owner=acl.owner("proc", r["function_oid"])) for r in self._rows["functions"]),
                      key=lambda f: (f.schema, f.name, f.identity))

    def _access_lists(self, major: Optional[int]) -> AccessLists:
        if self._access is None or self._access[0] != major:
            self._access = (major, AccessLists(self._rows.get("privileges", []), major))
        return self._access[1]


def database_grants(rows) -> tuple[DatabaseGrant, ...]:
    """The database's own access list (database_settings.sql's 'grant' rows): one entry per grantee, its privileges
    in GRANT's order; PUBLIC holding none is an entry too (what it holds by default, revoked)."""
    held: dict[str, set[str]] = {"PUBLIC": set()}
    for r in rows:
        if r.get("entry") == "grant":
            held.setdefault(r["setting_name"], set()).add(r["setting_value"])
    return tuple(DatabaseGrant(g, tuple(p for p in DATABASE_PRIVILEGES if p in ps)) for g, ps in sorted(held.items()))
