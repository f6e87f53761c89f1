"""schema.yaml -> model, strictly.

Every mistake a reviewer could miss (a typo'd key, a duplicate, a type or expression Postgres would
reject, a constraint naming a column that does not exist) is an error here, with file:line:column.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from typing import Any, Optional

from dataclasses import replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import SchemaFileError
from .ddl import make_object_name
from .expressions import (ExpressionError, parse_expression, parse_partition_bound, parse_partition_key,
                          referenced_columns)
from .model import (FK_ACTIONS, Check, Column, Domain, Enum, Extension, ForeignKey, Identity, Index, IndexElement,
                    PartitionOf, Partitioning, PrimaryKey, Schema, Sequence, SequenceOptions, Source, Table, Unique)
from .sqltypes import TypeSyntaxError, canonical_type
from .yamlstrict import NULL as NULL_TAG
from .yamlstrict import Walker, compose

MAX_IDENTIFIER_BYTES = 63
MAX_TABLE_COLUMNS = 1600  # PostgreSQL's MaxHeapAttributeNumber
MAX_INDEX_COLUMNS = 32  # PostgreSQL's INDEX_MAX_KEYS: key and INCLUDE columns of an index or constraint
# Bidirectional controls reorder what a reviewer sees ("Trojan Source"); line/paragraph separators split lines.
_BIDI_AND_SEPARATORS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def _invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cc" or c in _BIDI_AND_SEPARATORS
INDEX_METHODS = ("btree", "hash", "gin", "gist", "spgist", "brin")

TOP_KEYS = {"extensions": False, "schemas": False, "enums": False, "domains": False, "sequences": False,
            "tables": False}
TABLE_KEYS = {"name": False, "schema": False, "renamed_from": False, "comment": False, "columns": False, "foreign_keys": False,
              "partition_by": False, "partition_of": False, "primary_key": False, "unique": False,
              "checks": False, "indexes": False, "unlogged": False}
COLUMN_KEYS = {"type": True, "renamed_from": False, "identity": False, "generated": False, "check": False, "nullable": False, "default": False, "primary_key": False, "unique": False,
               "comment": False, "collation": False}
PK_KEYS = {"columns": True, "name": False, "deferrable": False, "initially_deferred": False, "comment": False}
UNIQUE_KEYS = {"columns": True, "name": False, "nulls_not_distinct": False, "deferrable": False,
               "initially_deferred": False, "comment": False}
INDEX_KEYS = {"columns": True, "renamed_from": False, "comment": False, "nulls_not_distinct": False, "unique": False, "method": False, "where": False, "include": False}
INDEX_COLUMN_KEYS = {"name": False, "expression": False, "order": False, "nulls": False, "opclass": False}
SEQUENCE_OPTION_KEYS = {"type": False, "start": False, "increment": False, "min_value": False, "max_value": False,
                        "cache": False, "cycle": False}
CHECK_KEYS = {"expression": True, "not_valid": False, "comment": False}
FK_KEYS = {"columns": True, "references": True, "name": False, "on_delete": False, "on_update": False, "match": False,
           "deferrable": False, "initially_deferred": False, "not_valid": False, "comment": False}
FK_REF_KEYS = {"table": True, "columns": True, "schema": False}
PARTITION_BY_KEYS = {"strategy": True, "key": True}
PARTITION_OF_KEYS = {"parent": True, "bound": True, "schema": False}
GENERATED_KEYS = {"expression": True, "stored": False}
ENUM_KEYS = {"values": True, "name": False, "schema": False, "comment": False}
DOMAIN_KEYS = {"type": True, "name": False, "schema": False, "default": False, "not_null": False, "checks": False,
               "comment": False}
SEQUENCE_KEYS = {**SEQUENCE_OPTION_KEYS, "name": False, "schema": False, "owned_by": False, "comment": False}


def read_schema_text(path: str) -> str:
    """Read schema.yaml as text; CRLF is accepted (YAML treats it as a line break)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise SchemaFileError(f"{path}: no such file (pass --schema to use another file)") from None
    except IsADirectoryError:
        raise SchemaFileError(f"{path}: is a directory, not a schema file") from None
    except PermissionError:
        raise SchemaFileError(f"{path}: permission denied") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SchemaFileError(f"not valid UTF-8 (byte {e.start})", Source(path, line, 1)) from None


def schema_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_file(path: str) -> Schema:
    return load_text(read_schema_text(path), path)


def load_text(text: str, path: str = "schema.yaml") -> Schema:
    return _Loader(path).load(text)


class _Loader:
    def __init__(self, path: str):
        self.path = os.fspath(path)
        self.w = Walker(self.path)

    def fail(self, node: Node, message: str) -> SchemaFileError:
        return self.w.fail(node, message)

    def identifier(self, node: Node, what: str) -> str:
        name = self.w.string(node, what)
        if not name:
            raise self.fail(node, f"{what} is empty")
        if "\x00" in name:
            raise self.fail(node, f"{what} contains a NUL character")
        bad = next((c for c in name if _invisible(c)), None)
        if bad is not None:
            raise self.fail(node, f"{what} {name!r} contains the control character U+{ord(bad):04X}; names may not "
                                  "hold line breaks, tabs, terminal escapes or bidirectional overrides")
        size = len(name.encode("utf-8"))
        if size > MAX_IDENTIFIER_BYTES:
            raise self.fail(node, f"{what} '{name[:20]}…' is {size} bytes; Postgres identifiers are at most "
                                  f"{MAX_IDENTIFIER_BYTES} bytes")
        return name

    def expression(self, node: Node, what: str) -> str:
        text = self.w.text(node, what).strip()
        try:
            parse_expression(text)
        except ExpressionError as e:
            raise self.fail(node, f"{what} {e}") from None
        return text

    # -- document ---------------------------------------------------------------------------

    def load(self, text: str) -> Schema:
        root = compose(text, self.path)
        if root is None:
            return Schema((), source_file=self.path)
        top = self.w.fields(root, "schema.yaml (top level)", TOP_KEYS)
        tables: list[Table] = []
        seen: dict[tuple[str, str], Node] = {}
        index_names: dict[tuple[str, str], Node] = {}
        if "tables" in top:
            for name, key_node, value in self.w.mapping(top["tables"][1], "tables"):
                table = self.table(name, key_node, value)
                if table.key in seen:
                    raise self.fail(key_node, f"table {table.qualified_name} is declared twice "
                                              f"(first at line {self.w.src(seen[table.key]).line})")
                seen[table.key] = key_node
                for idx in table.indexes:
                    # Index names share the namespace of relations in a Postgres schema.
                    k = (table.schema, idx.name)
                    if k in index_names or k in seen:
                        raise SchemaFileError(f"index name '{idx.name}' is already used in schema {table.schema}",
                                              idx.source)
                    index_names[k] = key_node
                tables.append(table)
        for (schema, name), node in index_names.items():
            if (schema, name) in seen:
                raise self.fail(node, f"index '{name}' has the same name as table {schema}.{name}")
        tables = self.resolve_tables(tables)
        enums = self.enums(top["enums"][1]) if "enums" in top else []
        domains = self.domains(top["domains"][1]) if "domains" in top else []
        sequences = self.sequences(top["sequences"][1], tables) if "sequences" in top else []
        # Enums and domains are types (one namespace per schema); a sequence is a relation, like a table.
        _declared_once([*enums, *domains], "type")
        relations = {t.key: f"table {t.qualified_name}" for t in tables}
        relations.update({(t.schema, i.name): f"index {t.schema}.{i.name}" for t in tables for i in t.indexes})
        _declared_once(sequences, "sequence", relations)
        return Schema(
            tuple(tables),
            source_file=self.path,
            enums=tuple(enums),
            domains=tuple(domains),
            sequences=tuple(sequences),
            extensions=tuple(self.extensions(top["extensions"][1])) if "extensions" in top else (),
            schemas=tuple(self.identifier(n, "schema name") for n in self.w.sequence(top["schemas"][1], "schemas"))
            if "schemas" in top else (),
        )

    # -- cross-table rules --------------------------------------------------------------------

    def resolve_tables(self, tables: list[Table]) -> list[Table]:
        """Partitions inherit their parent's columns; foreign keys must point at declared columns."""
        by_key = {t.key: t for t in tables}
        out = []
        for t in tables:
            if t.partition_of is not None:
                pkey = (t.partition_of.parent_schema, t.partition_of.parent)
                parent = by_key.get(pkey)
                if parent is None or parent.partition_by is None:
                    raise SchemaFileError(f"table {t.qualified_name} is a partition of {pkey[0]}.{pkey[1]}, which "
                                          "schema.yaml does not declare as a partitioned table (partition_by:)",
                                          t.source)
                if not t.columns:
                    t = replace(t, columns=tuple(replace(c, source=t.source, comment=None, renamed_from=None)
                                                 for c in parent.columns))
                    _check_columns_known(t)
            out.append(t)
        by_key = {t.key: t for t in out}
        for t in out:
            for fk in t.foreign_keys:
                ref = by_key.get((fk.ref_schema, fk.ref_table))
                if ref is None:
                    raise SchemaFileError(f"foreign key of table {t.qualified_name} references {fk.ref_schema}."
                                          f"{fk.ref_table}, which schema.yaml does not declare", fk.source)
                missing = [c for c in fk.ref_columns if ref.column(c) is None]
                if missing:
                    raise SchemaFileError(f"foreign key of table {t.qualified_name} references column "
                                          f"'{missing[0]}', which table {ref.qualified_name} does not have", fk.source)
        return out

    # -- types, sequences, extensions -----------------------------------------------------------

    def enums(self, node: Node) -> list[Enum]:
        out = []
        for name, key, value in self.w.mapping(node, "enums"):
            what = f"enum '{name}'"
            if isinstance(value, SequenceNode):
                f = {"values": (key, value)}
            else:
                f = self.w.fields(value, what, ENUM_KEYS)
            name = self.object_name(f, key, "enum name")
            what = f"enum '{name}'"
            values = [self.w.string(v, f"value of {what}") for v in self.w.sequence(f["values"][1], f"values of {what}")]
            if not values:
                raise self.fail(f["values"][1], f"{what} has no values")
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise self.fail(f["values"][1], f"{what} lists the value {dupes[0]!r} twice")
            too_long = next((v for v in values if len(v.encode()) > MAX_IDENTIFIER_BYTES), None)
            if too_long is not None:
                raise self.fail(f["values"][1], f"value {too_long[:20]!r}… of {what} is longer than 63 bytes")
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(Enum(name, tuple(values), schema, self.opt_string(f, "comment", what), self.w.src(key)))
        return out

    def domains(self, node: Node) -> list[Domain]:
        out = []
        for name, key, value in self.w.mapping(node, "domains"):
            what = f"domain '{name}'"
            f = self.w.fields(value, what, DOMAIN_KEYS)
            name = self.object_name(f, key, "domain name")
            what = f"domain '{name}'"
            type_node = f["type"][1]
            try:
                type_ = canonical_type(self.w.string(type_node, f"type of {what}"))
            except TypeSyntaxError as e:
                raise self.fail(type_node, f"type of {what}: {e}") from None
            default = self.expression(f["default"][1], f"default of {what}") if "default" in f else None
            checks = []
            if "checks" in f:
                for c_name, c_key, c_node in self.w.mapping(f["checks"][1], f"checks of {what}"):
                    c_name = self.identifier(c_key, "check constraint name")

                    def only_value(col: str, at: Node, ctx: str) -> str:
                        if col != "value":
                            raise self.fail(at, f"{ctx} of {what} refers to '{col}'; a domain check can only use VALUE")
                        return col
                    checks.append(self.check(c_name, c_key, c_node, only_value))
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(Domain(name, type_, schema, default, self.opt_bool(f, "not_null", what), tuple(checks),
                              self.opt_string(f, "comment", what), self.w.src(key)))
        return out

    def sequences(self, node: Node, tables: list[Table]) -> list[Sequence]:
        out = []
        for name, key, value in self.w.mapping(node, "sequences"):
            what = f"sequence '{name}'"
            f = self.w.fields(value, what, SEQUENCE_KEYS) if not (isinstance(value, ScalarNode) and
                                                                  value.tag == NULL_TAG) else {}
            name = self.object_name(f, key, "sequence name")
            what = f"sequence '{name}'"
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            owned_by = None
            if "owned_by" in f:
                owned_by = self.w.string(f["owned_by"][1], f"owned_by of {what}")
                table_name, _, col = owned_by.rpartition(".")
                table = next((t for t in tables if t.schema == schema and t.name == table_name), None)
                if table is None or table.column(col) is None:
                    raise self.fail(f["owned_by"][1], f"owned_by of {what} must be table.column of a declared table "
                                                      f"in schema {schema}, not {owned_by!r}")
            out.append(Sequence(name, schema, self.sequence_options(f, what), owned_by,
                                self.opt_string(f, "comment", what), self.w.src(key)))
        return out

    def extensions(self, node: Node) -> list[Extension]:
        out = []
        for item in self.w.sequence(node, "extensions"):
            if isinstance(item, ScalarNode):
                out.append(Extension(self.identifier(item, "extension name"), None, self.w.src(item)))
                continue
            f = self.w.fields(item, "extension", {"name": True, "schema": False})
            schema = self.identifier(f["schema"][1], "extension schema") if "schema" in f else None
            out.append(Extension(self.identifier(f["name"][1], "extension name"), schema, self.w.src(item)))
        names = [e.name for e in out]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise self.fail(node, f"extension {dupes[0]!r} is listed twice")
        return out

    def object_name(self, f: dict, key_node: Node, label: str) -> str:
        """The key names the object, unless a name: key does (two schemas may hold objects of one name,
        and a mapping cannot have the same key twice)."""
        return self.identifier(f["name"][1] if "name" in f else key_node, label)

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
        if "columns" not in f and partition_of is None:
            raise self.fail(node, f"{what} needs the key 'columns'")
        for col_name, col_key, col_node in (self.w.mapping(f["columns"][1], f"columns of {what}") if "columns" in f
                                            else ()):
            column, is_pk, is_unique, check = self.column(col_name, col_key, col_node, what)
            columns.append(column)
            if is_pk:
                pk_columns.append((column.name, col_key))
            if is_unique:
                uniques.append(Unique((column.name,), None, self.w.src(col_key)))
            if check is not None:
                expr, at = check
                for col in sorted(referenced_columns(expr)):
                    if col != column.name:
                        raise self.fail(at, f"the check of column '{column.name}' refers to column '{col}'; "
                                            "put checks over several columns under the table's checks:")
                column_checks.append(Check(make_object_name(name, column.name, "check"), expr, self.w.src(at)))
        if not columns and partition_of is None:
            raise self.fail(f["columns"][1], f"{what} has no columns")
        if len(columns) > MAX_TABLE_COLUMNS:
            raise self.fail(f["columns"][1], f"{what} has {len(columns)} columns; PostgreSQL allows at most "
                                             f"{MAX_TABLE_COLUMNS}")
        names = {c.name for c in columns}

        def known(col: str, at: Node, context: str) -> str:
            if not names and partition_of is not None:
                return col  # a partition taking its parent's columns: checked once they are known
            if col not in names:
                raise self.fail(at, f"{context} names column '{col}', which {what} does not have; "
                                    f"columns: {', '.join(sorted(names))}")
            return col

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
                                     *self.deferral(pkf, f"primary_key of {what}"))
        elif pk_columns:
            primary_key = PrimaryKey(tuple(c for c, _ in pk_columns), None, self.w.src(pk_columns[0][1]))
        if primary_key is not None:
            columns = [c if c.name not in primary_key.columns else _not_null(c) for c in columns]

        if "unique" in f:
            for item in self.w.sequence(f["unique"][1], f"unique of {what}"):
                uf = self.w.fields(item, f"unique constraint of {what}", UNIQUE_KEYS)
                cols = self.column_list(uf["columns"][1], f"unique constraint of {what}", known)
                u_name = self.identifier(uf["name"][1], "constraint name") if "name" in uf else None
                uniques.append(Unique(cols, u_name, self.w.src(item), self.opt_string(uf, "comment", what),
                                      self.opt_bool(uf, "nulls_not_distinct", what),
                                      *self.deferral(uf, f"unique constraint of {what}")))

        seen_keys: dict[tuple[str, ...], str] = {primary_key.columns: "the primary key"} if primary_key else {}
        for u in uniques:
            # CREATE TABLE silently merges a UNIQUE identical to the primary key or to another UNIQUE:
            # declaring it would be drift forever.
            if u.columns in seen_keys:
                raise SchemaFileError(f"unique ({', '.join(u.columns)}) of {what} repeats {seen_keys[u.columns]}; "
                                      "remove it", u.source)
            seen_keys[u.columns] = f"the unique constraint at line {u.source.line}" if u.source else "another unique"

        checks: list[Check] = list(column_checks)
        if "checks" in f:
            for c_name, c_key, c_node in self.w.mapping(f["checks"][1], f"checks of {what}"):
                c_name = self.identifier(c_key, "check constraint name")
                checks.append(self.check(c_name, c_key, c_node, known))

        foreign_keys: list[ForeignKey] = []
        if "foreign_keys" in f:
            for item in self.w.sequence(f["foreign_keys"][1], f"foreign_keys of {what}"):
                foreign_keys.append(self.foreign_key(item, what, schema, known))

        indexes: list[Index] = []
        if "indexes" in f:
            for i_name, i_key, i_node in self.w.mapping(f["indexes"][1], f"indexes of {what}"):
                indexes.append(self.index(i_key, i_node, what, known))

        named: dict[str, Source] = {}
        for c in [primary_key] + uniques + checks + foreign_keys:
            if c is None or c.name is None:
                continue
            if c.name in named:
                raise SchemaFileError(f"{what} uses the constraint name '{c.name}' twice "
                                      f"(first at line {named[c.name].line})", c.source)
            named[c.name] = c.source  # type: ignore[assignment]
        return Table(name=name, schema=schema, columns=tuple(columns), primary_key=primary_key,
                     uniques=tuple(uniques), checks=tuple(checks), indexes=tuple(indexes), comment=comment,
                     source=self.w.src(key_node), renamed_from=self.renamed_from(f, what, name),
                     foreign_keys=tuple(foreign_keys), partition_by=self.partition_by(f, what, known),
                     partition_of=partition_of,
                     unlogged=self.w.boolean(f["unlogged"][1], f"unlogged of {what}") if "unlogged" in f else False)

    def column(self, name: str, key_node: Node, node: Node, table_what: str):
        name = self.identifier(key_node, "column name")
        what = f"column '{name}' of {table_what}"
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            # Shorthand: `name: text`
            fields = {"type": (key_node, node)}
        else:
            fields = self.w.fields(node, what, COLUMN_KEYS)
        type_node = fields["type"][1]
        type_text = self.w.string(type_node, f"type of {what}")
        try:
            type_ = canonical_type(type_text)
        except TypeSyntaxError as e:
            raise self.fail(type_node, f"type of {what}: {e}") from None
        nullable = self.w.boolean(fields["nullable"][1], f"nullable of {what}") if "nullable" in fields else True
        default = None
        if "default" in fields:
            d_node = fields["default"][1]
            default = self.expression(d_node, f"default of {what}")
            cols = referenced_columns(default)
            if cols:
                raise self.fail(d_node, f"default of {what} refers to column '{sorted(cols)[0]}'; a default cannot "
                                        "refer to columns (for a string literal write it in SQL quotes, e.g. "
                                        "\"'text'\")")
        is_pk = self.w.boolean(fields["primary_key"][1], f"primary_key of {what}") if "primary_key" in fields else False
        is_unique = self.w.boolean(fields["unique"][1], f"unique of {what}") if "unique" in fields else False
        if is_pk and "nullable" in fields and nullable:
            raise self.fail(fields["nullable"][0], f"{what} is in the primary key, so it cannot be nullable")
        comment = self.w.string(fields["comment"][1], f"comment of {what}") if "comment" in fields else None
        renamed_from = self.renamed_from(fields, what, name)
        identity = self.identity(fields["identity"][1], what) if "identity" in fields else None
        generated, virtual = None, False
        if "generated" in fields:
            g_node = fields["generated"][1]
            if isinstance(g_node, MappingNode):  # {expression, stored?}: stored: false is VIRTUAL (PostgreSQL 18+)
                g = self.w.fields(g_node, f"generated of {what}", GENERATED_KEYS)
                generated = self.expression(g["expression"][1], f"generated expression of {what}")
                virtual = "stored" in g and not self.w.boolean(g["stored"][1], f"stored of generated of {what}")
            else:
                generated = self.expression(g_node, f"generated of {what}")
        if sum(x is not None for x in (identity, generated, default)) > 1:
            raise self.fail(key_node, f"{what}: default, identity and generated exclude each other; keep one")
        check = None
        if "check" in fields:
            check = (self.expression(fields["check"][1], f"check of {what}"), fields["check"][1])
        collation = self.identifier(fields["collation"][1], f"collation of {what}") if "collation" in fields else None
        column = Column(name, type_, nullable and not is_pk and identity is None, default, comment,
                        self.w.src(key_node), renamed_from, identity, generated,
                        None if collation == "default" else collation, virtual)
        return column, is_pk, is_unique, check

    def identity(self, node: Node, what: str) -> Identity:
        if isinstance(node, ScalarNode):
            kind = self.w.string(node, f"identity of {what}")
            if kind not in ("always", "by_default"):
                raise self.fail(node, f"identity of {what} must be always or by_default (or a mapping with "
                                      "always/by_default and sequence options)")
            return Identity(always=kind == "always")
        f = self.w.fields(node, f"identity of {what}", {"generated": True, **SEQUENCE_OPTION_KEYS})
        kind = self.w.string(f["generated"][1], f"identity generated of {what}")
        if kind not in ("always", "by_default"):
            raise self.fail(f["generated"][1], f"identity generated of {what} must be always or by_default")
        return Identity(kind == "always", self.sequence_options(f, f"identity of {what}"))

    def check(self, name: str, key_node: Node, node: Node, known) -> Check:
        what = f"check '{name}'"
        if isinstance(node, ScalarNode):
            expr, not_valid, comment = self.expression(node, what), False, None
            at = node
        else:
            cf = self.w.fields(node, what, CHECK_KEYS)
            at = cf["expression"][1]
            expr = self.expression(at, what)
            not_valid, comment = self.opt_bool(cf, "not_valid", what), self.opt_string(cf, "comment", what)
        for col in sorted(referenced_columns(expr)):
            known(col, at, what)
        return Check(name, expr, self.w.src(key_node), comment, not_valid)

    def foreign_key(self, node: Node, table_what: str, schema: str, known) -> ForeignKey:
        what = f"foreign key of {table_what}"
        f = self.w.fields(node, what, FK_KEYS)
        cols = self.column_list(f["columns"][1], what, known)
        rf = self.w.fields(f["references"][1], f"references of {what}", FK_REF_KEYS)
        ref_table = self.identifier(rf["table"][1], f"referenced table of {what}")
        ref_schema = self.identifier(rf["schema"][1], f"referenced schema of {what}") if "schema" in rf else schema
        ref_cols = self.column_list(rf["columns"][1], f"references of {what}", lambda c, at, ctx: c)
        if len(ref_cols) != len(cols):
            raise self.fail(rf["columns"][1], f"{what} has {len(cols)} columns but references {len(ref_cols)}")
        name = self.identifier(f["name"][1], "constraint name") if "name" in f else None
        actions = {}
        for key in ("on_delete", "on_update"):
            value = self.choice(f, key, tuple(a.replace(" ", "_") for a in FK_ACTIONS), what) or "no_action"
            actions[key] = value.replace("_", " ")
        match = self.choice(f, "match", ("simple", "full"), what) or "simple"
        return ForeignKey(cols, ref_table, ref_cols, ref_schema, name, actions["on_delete"], actions["on_update"],
                          match == "full", *self.deferral(f, what), self.opt_bool(f, "not_valid", what),
                          self.opt_string(f, "comment", what), self.w.src(node))

    def deferral(self, f: dict, what: str) -> tuple[bool, bool]:
        """(deferrable, initially_deferred) of a constraint."""
        deferrable = self.opt_bool(f, "deferrable", what)
        initially_deferred = self.opt_bool(f, "initially_deferred", what)
        if initially_deferred and not deferrable:
            raise self.fail(f["initially_deferred"][1], f"{what}: initially_deferred needs deferrable: true")
        return deferrable, initially_deferred

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

    def sequence_options(self, f: dict, what: str) -> SequenceOptions:
        ints = {}
        for key in ("start", "increment", "min_value", "max_value", "cache"):
            if key in f:
                n = self.w.scalar(f[key][1], f"{key} of {what}")
                if n.tag != "tag:yaml.org,2002:int":
                    raise self.fail(n, f"{key} of {what} must be an integer, not {n.value!r}")
                try:
                    value = int(n.value.replace("_", ""), 0)
                except ValueError:
                    value = int(n.value.replace("_", ""), 10)
                if not -(2 ** 63) <= value < 2 ** 63:
                    raise self.fail(n, f"{key} of {what} is out of the bigint range")
                ints[key] = value
        if ints.get("increment") == 0:
            raise self.fail(f["increment"][1], f"increment of {what} cannot be 0")
        type_ = None
        if "type" in f:
            type_ = self.choice(f, "type", ("smallint", "integer", "bigint"), what)
        return SequenceOptions(type_, ints.get("start"), ints.get("increment"), ints.get("min_value"),
                               ints.get("max_value"), ints.get("cache"), self.opt_bool(f, "cycle", what))

    def opt_bool(self, f: dict, key: str, what: str) -> bool:
        return self.w.boolean(f[key][1], f"{key} of {what}") if key in f else False

    def opt_string(self, f: dict, key: str, what: str) -> Optional[str]:
        return self.w.string(f[key][1], f"{key} of {what}") if key in f else None

    def column_list(self, node: Node, what: str, known) -> tuple[str, ...]:
        items = self.w.sequence(node, f"columns of {what}")
        if not items:
            raise self.fail(node, f"columns of {what} is empty")
        if len(items) > MAX_INDEX_COLUMNS:
            raise self.fail(node, f"columns of {what} lists {len(items)} columns; PostgreSQL allows at most "
                                  f"{MAX_INDEX_COLUMNS}")
        cols: list[str] = []
        for item in items:
            col = known(self.identifier(item, f"column of {what}"), item, what)
            if col in cols:
                raise self.fail(item, f"{what} lists column '{col}' twice")
            cols.append(col)
        return tuple(cols)

    def index(self, key_node: Node, node: Node, table_what: str, known) -> Index:
        name = self.identifier(key_node, "index name")
        what = f"index '{name}'"
        f = self.w.fields(node, what, INDEX_KEYS)
        elements: list[IndexElement] = []
        items = self.w.sequence(f["columns"][1], f"columns of {what}")
        if not items:
            raise self.fail(f["columns"][1], f"columns of {what} is empty")
        if len(items) > MAX_INDEX_COLUMNS:
            raise self.fail(f["columns"][1], f"columns of {what} lists {len(items)} columns; PostgreSQL allows at "
                                             f"most {MAX_INDEX_COLUMNS}")
        for item in items:
            if isinstance(item, ScalarNode):
                elements.append(IndexElement(column=known(self.identifier(item, f"column of {what}"), item, what)))
                continue
            ef = self.w.fields(item, f"column of {what}", INDEX_COLUMN_KEYS)
            if ("name" in ef) == ("expression" in ef):
                raise self.fail(item, f"each column of {what} needs exactly one of 'name' or 'expression'")
            column = expression = None
            if "name" in ef:
                column = known(self.identifier(ef["name"][1], f"column of {what}"), ef["name"][1], what)
            else:
                expression = self.expression(ef["expression"][1], f"expression of {what}")
                for col in sorted(referenced_columns(expression)):
                    known(col, ef["expression"][1], what)
            order = self.choice(ef, "order", ("asc", "desc"), what) or "asc"
            nulls = self.choice(ef, "nulls", ("first", "last"), what)
            opclass = None
            if "opclass" in ef:
                opclass = self.w.string(ef["opclass"][1], f"opclass of {what}")
                if not all(part and part.replace("_", "").isalnum() for part in opclass.split(".")):
                    raise self.fail(ef["opclass"][1], f"opclass of {what} must be an operator class name like "
                                                      f"text_pattern_ops, not {opclass!r}")
            elements.append(IndexElement(column, expression, order, nulls, opclass))  # type: ignore[arg-type]
        unique = self.w.boolean(f["unique"][1], f"unique of {what}") if "unique" in f else False
        method = self.choice(f, "method", INDEX_METHODS, what) or "btree"
        if method != "btree" and any(e.order == "desc" or e.nulls for e in elements):
            raise self.fail(node, f"{what}: order and nulls apply only to btree indexes, not {method}")
        if unique and method != "btree":
            raise self.fail(node, f"{what}: only btree indexes can be unique")
        where = None
        if "where" in f:
            where = self.expression(f["where"][1], f"where of {what}")
            for col in sorted(referenced_columns(where)):
                known(col, f["where"][1], f"where of {what}")
        include: tuple[str, ...] = ()
        if "include" in f:
            include = self.column_list(f["include"][1], f"include of {what}", known)
        if len(elements) + len(include) > MAX_INDEX_COLUMNS:
            raise self.fail(f["columns"][1], f"{what} has {len(elements) + len(include)} key and INCLUDE columns; "
                                             f"PostgreSQL allows at most {MAX_INDEX_COLUMNS}")
        nulls_not_distinct = self.opt_bool(f, "nulls_not_distinct", what)
        if nulls_not_distinct and not unique:
            raise self.fail(f["nulls_not_distinct"][1], f"{what}: nulls_not_distinct applies to unique indexes only")
        return Index(name, tuple(elements), unique, method, where, include, self.w.src(key_node),
                     self.renamed_from(f, what, name), self.opt_string(f, "comment", what), nulls_not_distinct)

    def renamed_from(self, f: dict, what: str, name: str) -> Optional[str]:
        if "renamed_from" not in f:
            return None
        old = self.identifier(f["renamed_from"][1], f"renamed_from of {what}")
        if old == name:
            raise self.fail(f["renamed_from"][1], f"renamed_from of {what} is its own name")
        return old

    def choice(self, f: dict, key: str, allowed: tuple[str, ...], what: str) -> Optional[str]:
        if key not in f:
            return None
        node = f[key][1]
        value = self.w.string(node, f"{key} of {what}").lower()
        if value not in allowed:
            raise self.fail(node, f"{key} of {what} must be one of {', '.join(allowed)}, not '{value}'")
        return value


def _declared_once(objects: list, kind: str, taken: Optional[dict] = None) -> None:
    """Each (schema, name) once among `objects` (enums and domains share the type namespace), and not
    one that `taken` already holds (a sequence's name is a relation's name)."""
    seen: dict[tuple[str, str], Any] = {}
    for obj in objects:
        key = (obj.schema, obj.name)
        if key in seen:
            first = seen[key].source
            raise SchemaFileError(f"{kind} {obj.schema}.{obj.name} is declared twice (first at line "
                                  f"{first.line if first else '?'})", obj.source)
        if taken and key in taken:
            raise SchemaFileError(f"{kind} {obj.schema}.{obj.name} has the same name as {taken[key]}", obj.source)
        seen[key] = obj


def _check_columns_known(t: Table) -> None:
    """Every column a partition's own constraints and indexes name exists (now that it has columns)."""
    names = {c.name for c in t.columns}
    used: list[tuple[str, Optional[Source]]] = []
    for c in ([t.primary_key] if t.primary_key else []) + list(t.uniques) + list(t.foreign_keys):
        used += [(col, c.source) for col in c.columns]
    for c in t.checks:
        used += [(col, c.source) for col in referenced_columns(c.expression)]
    for i in t.indexes:
        used += [(e.column, i.source) for e in i.elements if e.column]
        used += [(col, i.source) for e in i.elements if e.expression for col in referenced_columns(e.expression)]
        used += [(col, i.source) for col in i.include]
    for col, src in used:
        if col not in names:
            raise SchemaFileError(f"table {t.qualified_name} names column '{col}', which its parent does not have; "
                                  f"columns: {', '.join(sorted(names))}", src)


def _not_null(column: Column) -> Column:
    return replace(column, nullable=False)
