"""Tables: columns, keys, checks, foreign keys, indexes and partitioning, and the rules across tables."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from yaml.nodes import Node

from schemac.errors import SchemaFileError
from schemac.model import Check, Column, ForeignKey, Index, Partitioning, PartitionOf, PrimaryKey, Source, Table, Unique
from schemac.pg.loaded import ExpressionError, checked_columns, parse_partition_bound, parse_partition_key, referenced_columns
from schemac.pg.names import joined_reference, make_object_name
from schemac.schemafile.columns import SERIAL_DEFAULT, serial_column, with_fields
from schemac.schemafile.storage import StorageReader
from schemac.schemafile.replica_identity import ReplicaIdentityReader
from schemac.schemafile.refused_shapes import check_hash_moduli, check_table_shapes
from schemac.schemafile.indexes import check_attached_indexes
from schemac.schemafile.inherits import check_validated_checks, resolve_inherits
from schemac.schemafile.triggers import check_cloned_triggers
from schemac.schemafile.copies import check_copy_comments
from schemac.pg.typetext import name_parts
from schemac.schemafile.table_keys import (_check_columns_known, _check_not_nulls, _check_own_key, _check_referenced_key,
                                           _with_parent_columns, check_foreign_partition)

MAX_TABLE_COLUMNS = 1600  # PostgreSQL's MaxHeapAttributeNumber
TABLE_KEYS = {"name": False, "schema": False, "renamed_from": False, "comment": False, "columns": False, "foreign_keys": False,
              "partition_by": False, "partition_of": False, "primary_key": False, "unique": False,
              "checks": False, "indexes": False, "triggers": False, "unlogged": False, "cluster_on": False, "exclude": False,
              "inherits": False, "column_order": False, "inherited_only": False, "of": False, "rules": False, "statistics": False, "queries": False, "row_level_security": False, "policies": False,
              "grants": False, "owner": False, "with": False, "replica_identity": False, "foreign": False,
              "cloned_triggers": False, "validated_checks": False,
              "inherited_constraints": False, "row_type_comment": False,
              "used_outside": False}
PK_KEYS = {"columns": True, "name": False, "include": False, "without_overlaps": False, "deferrable": False,
           "initially_deferred": False, "comment": False, "index_comment": False, "with": False}
UNIQUE_KEYS = {"columns": True, "name": False, "include": False, "nulls_not_distinct": False, "without_overlaps": False,
               "deferrable": False, "initially_deferred": False, "comment": False, "index_comment": False, "with": False,
               "beside_copy": False, "attached_to": False}
PARTITION_BY_KEYS = {"strategy": True, "key": True}
PARTITION_OF_KEYS = {"parent": True, "bound": True, "schema": False}


class TableReader(StorageReader, ReplicaIdentityReader):
    """Reads a table; its columns, constraints and indexes go through the sibling readers that
    :class:`~schemac.schemafile.load.Loader` combines with this one."""

    def table(self, name: str, key_node: Node, node: Node) -> Table:
        name = self.w.string(key_node, "table name")
        f = self.w.fields(node, f"table '{name}'", TABLE_KEYS)
        name = self.object_name(f, key_node, "table name")
        what = f"table '{name}'"
        schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
        comment = self.w.string(f["comment"][1], f"comment of {what}") if "comment" in f else None

        columns: list[Column] = []
        pk_columns: list[tuple[str, Node]] = []
        uniques: list[Unique] = []
        column_checks: list[Check] = []
        partition_of = self.partition_of(f, what, schema)
        inherits = self.inherits(f, what, schema)  # type: ignore[attr-defined]
        self.column_order(f, what, (schema, name), inherits)  # type: ignore[attr-defined]
        if inherits and (partition_of is not None or "partition_by" in f):
            raise self.fail(f["inherits"][1], f"{what}: a partitioned table or a partition cannot use inherits")
        of = self.w.string(f["of"][1], f"of of {what}") if "of" in f else None
        if of is not None and (not 1 <= len(name_parts(of)) <= 2 or any(ch in of for ch in "()[];")):
            raise self.fail(f["of"][1], f"of of {what}: '{of}' is not the name of a composite type")
        if of is not None and (inherits or partition_of is not None):  # Postgres: typed tables cannot inherit
            raise self.fail(f["of"][1], f"{what}: a partition or a table with inherits cannot be a typed table (of:)")
        if "columns" not in f and partition_of is None and not inherits:
            raise self.fail(node, f"{what} needs the key 'columns'")
        owner = self.role(f["owner"][1], f"owner of {what}") if "owner" in f else None  # type: ignore[attr-defined]
        for col_name, col_key, col_node in (self.w.mapping(f["columns"][1], f"columns of {what}") if "columns" in f
                                            else ()):
            column, is_pk, is_unique, check = self.column(col_name, col_key, col_node, what, owner)
            if column.default == SERIAL_DEFAULT:
                column, sequence = serial_column(column, schema, name)
                self.serial_sequences.append(sequence)  # type: ignore[attr-defined]
            columns.append(column)
            if is_pk:
                pk_columns.append((column.name, col_key))
            if is_unique:
                uniques.append(Unique((column.name,), None, self.w.src(col_key)))
            if check is not None:
                expr, at = check
                for col in sorted(checked_columns(expr)):
                    if col != column.name:
                        raise self.fail(at, f"the check of column '{column.name}' refers to column '{col}'; "
                                            "put checks over several columns under the table's checks:")
                column_checks.append(Check(make_object_name(name, column.name, "check"), expr, self.w.src(at)))
        if len(columns) > MAX_TABLE_COLUMNS:
            raise self.fail(f["columns"][1], f"{what} has {len(columns)} columns; PostgreSQL allows at most "
                                             f"{MAX_TABLE_COLUMNS}")
        names = {c.name for c in columns}

        def known(col: str, at: Node, context: str) -> str:
            if (not names and partition_of is not None) or (inherits and col not in names):
                return col  # a partition's or a child's parents' columns: checked once they are known
            if col not in names:
                raise self.fail(at, f"{context} names column '{col}', which {what} does not have; "
                                    f"columns: {', '.join(sorted(names))}")
            return col

        # (a `using:` may read columns this edit drops: compare.using_reads checks it at generate, both sides known)
        primary_key: Optional[PrimaryKey] = None
        if "primary_key" in f:
            pk_key, pk_node = f["primary_key"]
            if pk_columns:
                raise self.fail(pk_key, f"{what} declares its primary key twice (primary_key: true on column "
                                        f"'{pk_columns[0][0]}' and a table-level primary_key)")
            pkf = self.w.fields(pk_node, f"primary_key of {what}", PK_KEYS)
            cols = self.column_list(pkf["columns"][1], f"primary_key of {what}", known)
            pk_name = self.identifier(pkf["name"][1], "constraint name") if "name" in pkf else None
            primary_key = PrimaryKey(cols, pk_name, self.w.src(pk_key), self.opt_string(pkf, "comment", what),
                                     *self.deferral(pkf, f"primary_key of {what}"),
                                     self.opt_columns(pkf, "include", f"primary_key of {what}", known),
                                     self.opt_string(pkf, "index_comment", what),
                                     self.temporal(pkf, "without_overlaps", len(cols), f"primary_key of {what}"),
                                     self.storage_parameters(pkf, f"primary_key of {what}"))
        elif pk_columns:
            primary_key = PrimaryKey(tuple(c for c, _ in pk_columns), None, self.w.src(pk_columns[0][1]))
        if primary_key is not None:
            columns = [c if c.name not in primary_key.columns else with_fields(c, nullable=False) for c in columns]
        _check_not_nulls(columns, primary_key, "partition_by" in f, what)

        if "unique" in f:
            for item in self.w.sequence(f["unique"][1], f"unique of {what}"):
                uf = self.w.fields(item, f"unique constraint of {what}", UNIQUE_KEYS)
                cols = self.column_list(uf["columns"][1], f"unique constraint of {what}", known)
                u_name = self.identifier(uf["name"][1], "constraint name") if "name" in uf else None
                uniques.append(Unique(cols, u_name, self.w.src(item), self.opt_string(uf, "comment", what),
                                      self.opt_bool(uf, "nulls_not_distinct", what),
                                      *self.deferral(uf, f"unique constraint of {what}"),
                                      self.opt_columns(uf, "include", f"unique constraint of {what}", known),
                                      self.opt_string(uf, "index_comment", what),
                                      self.temporal(uf, "without_overlaps", len(cols), f"unique constraint of {what}"),
                                      self.storage_parameters(uf, f"unique constraint of {what}"),
                                      beside_copy=self.opt_bool(uf, "beside_copy", what),
                                      attached_to=self.identifier(uf["attached_to"][1], f"attached_to of {what}")
                                      if "attached_to" in uf else None))

        unnamed: dict[tuple[tuple[str, ...], tuple[str, ...]], Unique] = {}
        for u in uniques:
            # Postgres accepts a UNIQUE repeating another key (added after CREATE TABLE, see
            # compare.key_parts.repeated_keys), but two unnamed ones would get the same name: its columns and INCLUDE
            # columns make it (UNIQUE (a) and UNIQUE (a) INCLUDE (b) are t_a_key and t_a_b_key, as inspect writes).
            named_by = (u.columns, u.include)
            if u.name is None and named_by in unnamed:
                first = unnamed[named_by].source
                raise SchemaFileError(f"unique ({', '.join(u.columns)}) of {what} repeats the unique constraint at "
                                      f"line {first.line if first else '?'}; name one of them", u.source)
            if u.name is None:
                unnamed[named_by] = u

        checks: list[Check] = list(column_checks)
        if "checks" in f:
            for c_name, c_key, c_node in self.w.mapping(f["checks"][1], f"checks of {what}"):
                c_name = self.identifier(c_key, "check constraint name")
                checks.append(self.check(c_name, c_key, c_node, known))

        foreign_keys: list[ForeignKey] = []
        if "foreign_keys" in f:
            for item in self.w.sequence(f["foreign_keys"][1], f"foreign_keys of {what}"):
                foreign_keys.append(self.foreign_key(item, what, schema, known))

        exclusions = [self.exclusion(item, what, known)  # type: ignore[attr-defined]
                      for item in self.w.sequence(f["exclude"][1], f"exclude of {what}")] if "exclude" in f else []

        if "queries" in f:  # read once every table is known (schemafile.queries)
            self.stash_queries((schema, name), f["queries"][1])  # type: ignore[attr-defined]
        indexes: list[Index] = []
        if "indexes" in f:
            for i_name, i_key, i_node in self.w.mapping(f["indexes"][1], f"indexes of {what}"):
                indexes.append(self.index(i_key, i_node, what, known))
        triggers = [self.trigger(t_key, t_node, what, known)
                    for _, t_key, t_node in self.w.mapping(f["triggers"][1], f"triggers of {what}")] \
            if "triggers" in f else []

        rules = [self.rule(r_key, r_node, what)  # type: ignore[attr-defined]
                 for _, r_key, r_node in self.w.mapping(f["rules"][1], f"rules of {what}")] if "rules" in f else []
        statistics = [self.statistics(s_key, s_node, what, known)  # type: ignore[attr-defined]
                      for _, s_key, s_node in self.w.mapping(f["statistics"][1], f"statistics of {what}")] \
            if "statistics" in f else []

        named: dict[str, Source] = {}
        for c in [primary_key] + uniques + checks + foreign_keys + exclusions:
            if c is None or c.name is None:
                continue
            if c.name in named:
                raise SchemaFileError(f"{what} uses the constraint name '{c.name}' twice "
                                      f"(first at line {named[c.name].line})", c.source)
            named[c.name] = c.source  # type: ignore[assignment]
        table = Table(name=name, schema=schema, columns=tuple(columns), primary_key=primary_key,
                     uniques=tuple(uniques), checks=tuple(checks), indexes=tuple(indexes), comment=comment,
                     source=self.w.src(key_node), renamed_from=self.moved_from(f, what, schema, name),
                     foreign_keys=tuple(foreign_keys), partition_by=self.partition_by(f, what, known),
                     partition_of=partition_of, triggers=tuple(triggers), exclusions=tuple(exclusions),
                     cloned_triggers=self.cloned_triggers(f, what), used_outside=self.used_outside(f, what),  # type: ignore[attr-defined]
                     cloned_trigger_comments=self.cloned_trigger_comments(f, what),
                     validated_checks=self.validated_checks(f, what, bool(inherits) or partition_of is not None),  # type: ignore[attr-defined]
                     **self.copies(f, what, bool(inherits) or partition_of is not None),  # type: ignore[attr-defined]
                     inherits=inherits, of=of, rules=tuple(rules), statistics=tuple(statistics),
                     unlogged=self.w.boolean(f["unlogged"][1], f"unlogged of {what}") if "unlogged" in f else False,
                     cluster_on=self.cluster_on(f, what),
                     parameters=self.table_parameters(f, what), **self.replica_identity(f, what),
                     **self.table_security(f, what, known))
        check_table_shapes(table, what)
        return self.foreign_table(f, what, table)  # type: ignore[attr-defined]

    def cluster_on(self, f: dict, what: str) -> Optional[str]:
        """`cluster_on:`; Postgres refuses CLUSTER ON a partitioned table's index (its partitions take one each)."""
        if "cluster_on" not in f:
            return None
        if "partition_by" in f:
            raise self.fail(f["cluster_on"][1], f"{what}: a partitioned table cannot be clustered on an index "
                                                "(cluster_on:; Postgres refuses it); give it to its partitions")
        return self.identifier(f["cluster_on"][1], f"cluster_on of {what}")

    def table_parameters(self, f: dict, what: str) -> tuple[str, ...]:
        """`with:`; Postgres refuses storage parameters on a partitioned table (its partitions take them)."""
        if "with" in f and "partition_by" in f:
            raise self.fail(f["with"][1], f"{what}: a partitioned table cannot have storage parameters (with:); "
                                          "give them to its partitions")
        return self.storage_parameters(f, what, heap=True)

    def resolve_tables(self, tables: list[Table], external: tuple[str, ...] = ()) -> list[Table]:
        """Partitions and INHERITS children take their parents' columns; foreign keys must point at declared
        columns, or at a table `external` (external_tables:) names: its columns are the database's."""
        tables = resolve_inherits(tables, self.column_orders())  # type: ignore[attr-defined]
        check_hash_moduli(tables)
        for t in tables:
            if t.inherits:
                _check_columns_known(t)
        by_key = {t.key: t for t in tables}
        done: dict[tuple[str, str], Table] = {}

        def resolved(t: Table, below: frozenset = frozenset()) -> Table:
            """`t` with its columns, its parent's first (a sub-partition takes them from a partition that took
            them from its own parent)."""
            if t.key in done:
                return done[t.key]
            if t.partition_of is not None:
                pkey = (t.partition_of.parent_schema, t.partition_of.parent)
                parent = by_key.get(pkey)
                if parent is None or parent.partition_by is None:
                    raise SchemaFileError(f"table {t.qualified_name} is a partition of {pkey[0]}.{pkey[1]}, which "
                                          "schema.yaml does not declare as a partitioned table (partition_by:)",
                                          t.source)
                if parent.partition_of is not None and pkey not in below:
                    parent = resolved(parent, below | {t.key})
                if not t.columns:
                    # PARTITION OF copies a column's storage and compression, not its statistics or options
                    # and its NOT NULL, named as the parent's
                    t = replace(t, columns=tuple(replace(c, source=t.source, comment=None, renamed_from=None,
                                                         statistics=None, options=(), not_null=None)
                                                 for c in parent.columns))
                    _check_columns_known(t)
                else:
                    t = _with_parent_columns(t, parent)
                _check_own_key(t, parent)
                above, up = [], parent
                while up is not None and up not in above:
                    above.append(up)
                    up = by_key.get((up.partition_of.parent_schema, up.partition_of.parent)) if up.partition_of else None
                check_foreign_partition(t, above)
            done[t.key] = t
            return t

        out = [resolved(t) for t in tables]
        by_key = {t.key: t for t in out}
        for t in out:
            for fk in t.foreign_keys:
                ref = by_key.get((fk.ref_schema, fk.ref_table))
                if ref is None and (fk.ref_extension or joined_reference(fk.ref_schema, fk.ref_table) in external):
                    continue  # an extension's table (document_checks.extension_tables_known) or one external_tables: lists
                if ref is None:
                    raise SchemaFileError(f"foreign key of table {t.qualified_name} references {fk.ref_schema}."
                                          f"{fk.ref_table}, which schema.yaml does not declare (one the database "
                                          "has already: list it under external_tables:)", fk.source)
                missing = [c for c in fk.ref_columns if ref.column(c) is None]
                if missing:
                    raise SchemaFileError(f"foreign key of table {t.qualified_name} references column "
                                          f"'{missing[0]}', which table {ref.qualified_name} does not have", fk.source)
                if ref.unlogged and not t.unlogged and t.partition_of is None and t.foreign is None:
                    raise SchemaFileError(f"foreign key of table {t.qualified_name} references table {ref.qualified_name}, "
                                          "which is unlogged: a logged table's foreign key references logged tables only "
                                          f"(Postgres refuses it); make {t.qualified_name} unlogged too, or "
                                          f"{ref.qualified_name} logged", fk.source)
                if ref.partition_of is None:
                    _check_referenced_key(t, fk, ref)
        check_cloned_triggers(out)
        check_validated_checks(out)
        check_copy_comments(out)
        check_attached_indexes(out)
        return out

    def partition_by(self, f: dict, what: str, known) -> Optional[Partitioning]:
        if "partition_by" not in f:
            return None
        pf = self.w.fields(f["partition_by"][1], f"partition_by of {what}", PARTITION_BY_KEYS)
        strategy = self.choice(pf, "strategy", ("range", "list", "hash"), f"partition_by of {what}")
        key = self.w.text(pf["key"][1], f"partition key of {what}").strip()
        try:
            parse_partition_key(key)
        except ExpressionError as e:
            raise self.fail(pf["key"][1], f"partition key of {what} {e}") from None
        for part in parse_partition_key(key):
            for col in sorted(referenced_columns(part)):
                known(col, pf["key"][1], f"partition key of {what}")
        return Partitioning(strategy, key)  # type: ignore[arg-type]

    def partition_of(self, f: dict, what: str, schema: str) -> Optional[PartitionOf]:
        if "partition_of" not in f:
            return None
        pf = self.w.fields(f["partition_of"][1], f"partition_of of {what}", PARTITION_OF_KEYS)
        parent = self.identifier(pf["parent"][1], f"parent of {what}")
        parent_schema = self.identifier(pf["schema"][1], f"parent schema of {what}") if "schema" in pf else schema
        bound = self.w.string(pf["bound"][1], f"bound of {what}").strip()
        try:
            parse_partition_bound(bound)
        except ExpressionError as e:
            raise self.fail(pf["bound"][1], f"bound of {what} {e}") from None
        return PartitionOf(parent, bound, parent_schema)
