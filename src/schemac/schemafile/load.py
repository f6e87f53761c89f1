"""schema.yaml -> model, strictly.

Every mistake a reviewer could miss (a typo'd key, a duplicate, a type or expression Postgres would
reject, a constraint naming a column that does not exist) is an error here, with file:line:column.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Callable, Optional

from yaml.nodes import Node

from schemac.errors import SchemaFileError, printable
from schemac.model import Schema, Source, Table
from schemac.pg.collector import GCPause
from schemac.schemafile.aggregates import AggregateReader
from schemac.schemafile.operators import OperatorReader
from schemac.schemafile.opclasses import OperatorClassReader, declared_classes_spelled
from schemac.schemafile.collations import CollationReader
from schemac.schemafile.columns import ColumnReader
from schemac.schemafile.constraints import ConstraintReader
from schemac.schemafile.exclusions import ExclusionReader
from schemac.schemafile.extensions import ExtensionReader
from schemac.schemafile.functions import FunctionReader
from schemac.schemafile.ignore_list import read_ignores
from schemac.schemafile.indexes import IndexReader
from schemac.schemafile.inherits import InheritsReader
from schemac.schemafile.rules import RuleReader
from schemac.schemafile.extended_statistics import StatisticsReader
from schemac.schemafile.queries import QueryReader
from schemac.schemafile.policies import PolicyReader
from schemac.schemafile.publications import PublicationReader
from schemac.schemafile.database_settings import DatabaseReader
from schemac.schemafile.event_triggers import EventTriggerReader
from schemac.schemafile.foreign_servers import ForeignServerReader, check_servers
from schemac.pg.extension_opclasses import spell_extension_classes
from schemac.pg.extension_types import qualify_extension_types
from schemac.schemafile.sequences import SequenceReader
from schemac.schemafile.strict import compose
from schemac.schemafile.tables import TableReader
from schemac.pg.opclasses import default_opclasses_dropped, domain_collations
from schemac.pg.typed_strings import domain_strings_typed, domain_types, strings_typed
from schemac.pg.noop_casts import noop_casts_dropped
from schemac.schemafile.textsearch import TextSearchReader, bare_public_dictionaries
from schemac.schemafile.triggers import TriggerReader
from schemac.schemafile.typed_tables import check_typed_tables
from schemac.schemafile.types import TypeReader
from schemac.schemafile.usertypes import UserTypeReader
from schemac.schemafile.views import ViewReader
from schemac.schemafile.check_binds import checks_bound
from schemac.schemafile.copies import CopyReader
from schemac.schemafile.default_names import check_default_names_free, key_indexes
from schemac.schemafile.document_checks import (declared_once, extension_tables_known, functions_once,
                                                trigger_functions_known, types_known, view_indexes_once)
from schemac.schemafile.bare_calls import check_bare_calls

TOP_KEYS = {"database": False, "extensions": False, "schemas": False, "collations": False, "text_search_dictionaries": False, "text_search_configs": False, "enums": False, "domains": False, "composite_types": False,
            "range_types": False, "sequences": False, "functions": False, "aggregates": False, "operators": False,
            "external_types": False, "external_functions": False, "external_tables": False,
            "default_privileges": False, "publications": False, "event_triggers": False, "casts": False, "operator_families": False, "operator_classes": False, "foreign_servers": False, "foreign_data_wrappers": False, "tables": False, "views": False, "materialized_views": False,
            "queries": False, "ignore": False}


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


def load_file(path: str, composed: Optional[Callable[[Node], None]] = None) -> Schema:
    return load_text(read_schema_text(path), path, composed)


def load_text(text: str, path: str = "schema.yaml", composed: Optional[Callable[[Node], None]] = None) -> Schema:
    """`composed(root)`, when given, is called with the document's node tree before the model is built from it
    (`diff` starts the catalog read on the schemas it names: schemafile.namespaces_hint)."""
    return Loader(path).load(text, composed)


def load_with_digest(text: str, path: str = "schema.yaml") -> tuple[Schema, str]:
    """The model, and the digest state.json records for it: schema.yaml's SHA-256, or, when function
    bodies come from files, a digest of the text and those files (so that no fast path that hashes
    schema.yaml alone takes the record for an edited body file)."""
    loader = Loader(path)
    schema = loader.load(text)
    if not loader.body_files:
        return schema, schema_hash(text)
    h = hashlib.sha256(text.encode("utf-8"))
    for rel, body in sorted(loader.body_files.items()):
        h.update(b"\0" + rel.encode("utf-8") + b"\0" + body.encode("utf-8"))
    return schema, h.hexdigest()


class Loader(TableReader, ColumnReader, ConstraintReader, IndexReader, TriggerReader, TypeReader, SequenceReader,
             ExtensionReader, FunctionReader, ExclusionReader, UserTypeReader, InheritsReader,
             CollationReader, RuleReader, StatisticsReader, QueryReader, ViewReader, PolicyReader, AggregateReader, OperatorReader, OperatorClassReader, PublicationReader, EventTriggerReader, TextSearchReader,
             ForeignServerReader, DatabaseReader, CopyReader):
    """The whole document: one reader per family of object kinds, and the rules across them."""

    def load(self, text: str, composed: Optional[Callable[[Node], None]] = None) -> Schema:
        # The cyclic collector is paused while the file is composed and the model built: they make ~10^5 objects
        # each (no cycles), which stay a while, and each collection their allocation triggered walked them again
        # (a third of the walk's time). What stays goes to the oldest generation (pg.collector.GCPause): the first
        # young collection after a plain gc.enable() walked all of it (~45 ms on `diff`'s slow path at 1,000
        # tables). sqlglot's parse trees that are garbage go with it, to the next full collection.
        self.source_text = text if "#" in text else ""
        with GCPause():
            root = compose(text, self.path)
            if root is None:
                return Schema((), source_file=self.path)
            if composed is not None:
                composed(root)
            schema = self._model(root)
        for line in self.warnings:  # after the whole file read: no warning is given for a file refused
            print(f"schemac: warning: {printable(line)}", file=sys.stderr)
        return schema

    def _model(self, root: Node) -> Schema:
        top = self.w.fields(root, "schema.yaml (top level)", TOP_KEYS)
        namespaces = self.namespaces(top["schemas"][1] if "schemas" in top else None)
        collations = self.collations(top["collations"][1]) if "collations" in top else []
        declared_once(collations, "collation")
        # Before anything names a collation: `x.y` is schema x's collation y where x is one of these.
        self.collation_schemas = frozenset(namespaces["schemas"]) | {c.schema for c in collations}
        tables: list[Table] = []
        seen: dict[tuple[str, str], Node] = {}
        index_names: dict[tuple[str, str], Node] = {}
        casting: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        if "tables" in top:
            for name, key_node, value in self.w.mapping(top["tables"][1], "tables"):
                read = len(self.cast_pairs)
                table = self.table(name, key_node, value)
                if len(self.cast_pairs) > read:  # (its expressions cast a name: maybe a column to its own type)
                    casting[table.key] = tuple(self.cast_pairs[read:])
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
        relations = {k: f"table {k[0]}.{k[1]}" for k in seen} | {k: f"index {k[1]}" for k in index_names}
        for table in tables:
            relations |= key_indexes(table, named=True)
        for table in tables:  # (an unnamed key's default name held: schemafile.default_names)
            check_default_names_free(table, relations)
            relations |= key_indexes(table, named=False)
        # tables the database has that schema.yaml does not declare (a foreign key's auth.users in an -n public project)
        external_tables = self.external_names(top["external_tables"][1], "external_tables", "table", "tables", tables) \
            if "external_tables" in top else ()
        tables = self.resolve_tables(tables, external_tables)
        if casting:  # (a column cast to its own type, `(c)::integer` on an integer c, as Postgres stores it: `c`)
            # (and a partition's or child's parents' columns: a generated one is theirs, as written)
            tables = [noop_casts_dropped(t, casting.get(t.key)) if t.key in casting or t.partition_of or t.inherits
                      else t for t in tables]
        # (after: a key that was a cast, `(e)::text COLLATE "C"`, is the column, whose own collation is none)
        domains = self.domains(top["domains"][1]) if "domains" in top else []
        held = domain_collations(domains)  # (a key `{name: d, collation: C}` of a domain d of collation C: the column)
        tables = [default_opclasses_dropped(t, held) for t in tables]
        types = domain_types(domains)
        tables = [strings_typed(t, types) for t in tables]  # (`b <> 'no'` on a boolean b: `b <> 'no'::boolean`, as stored)
        enums = self.enums(top["enums"][1]) if "enums" in top else []
        domains = [domain_strings_typed(d, types) for d in domains]
        search_configs = self.text_search_configs(top["text_search_configs"][1]) if "text_search_configs" in top else []
        declared_once(search_configs, "text search config")
        dictionaries = self.text_search_dictionaries(top["text_search_dictionaries"][1]) \
            if "text_search_dictionaries" in top else []
        declared_once(dictionaries, "text search dictionary")
        search_configs = bare_public_dictionaries(search_configs, dictionaries)
        composites = self.composite_types(top["composite_types"][1]) if "composite_types" in top else []
        ranges = self.range_types(top["range_types"][1]) if "range_types" in top else []
        check_typed_tables(tables, composites)
        sequences = self.sequences(top["sequences"][1], tables) if "sequences" in top else []
        declared = {(q.schema, q.name) for q in sequences}  # (a serial's sequence schema.yaml declares too: that one)
        sequences += [q for q in self.serial_sequences if (q.schema, q.name) not in declared]
        # Enums, domains, composite and range types are types (one namespace per schema); a sequence is a
        # relation, like a table.
        declared_once([*enums, *domains, *composites, *ranges], "type")
        relations = {t.key: f"table {t.qualified_name}" for t in tables}
        relations.update({(t.schema, i.name): f"index {t.schema}.{i.name}" for t in tables for i in t.indexes})
        declared_once(sequences, "sequence", relations)
        functions = self.functions(top["functions"][1]) if "functions" in top else []
        functions_once(functions)
        external = tuple(self.w.string(n, "external type") for n in
                         self.w.sequence(top["external_types"][1], "external_types")) if "external_types" in top else ()
        extensions = tuple(self.extensions(top["extensions"][1])) if "extensions" in top else ()
        self.schema_extensions_declared(namespaces["namespace_access"], extensions)
        operators = self.operators(top["operators"][1], functions, extensions) if "operators" in top else []
        functions = self.bound_operators(functions, operators)  # (a SQL-standard body's binds of operators)
        tables = checks_bound(tables, functions, operators)  # (a CHECK's binds: schemafile.check_binds)
        views = [*(self.views(top["views"][1], False, functions, extensions, operators) if "views" in top else ()),
                 *(self.views(top["materialized_views"][1], True, functions, extensions, operators)
                   if "materialized_views" in top else ())]
        # A table's or view's row type is a type too (`returns: SETOF places`, a column of a table's type).
        casts = self.casts(top["casts"][1], functions, extensions) if "casts" in top else ()
        families = self.operator_families(top["operator_families"][1], functions, extensions) \
            if "operator_families" in top else ()
        classes = self.operator_classes(top["operator_classes"][1], functions, extensions, families) \
            if "operator_classes" in top else ()
        tables, views = declared_classes_spelled(tables, classes), declared_classes_spelled(views, classes)
        types_known(tables, [*enums, *domains, *composites, *ranges, *tables, *views], domains, functions,
                    extensions, external, composites, ranges, operators, (*casts, *classes, *families))
        outside = self.external_functions(top["external_functions"][1], functions) if "external_functions" in top else ()
        trigger_functions_known([*tables, *views], functions, extensions, outside)
        extension_tables_known(tables, extensions)
        relations.update({(q.schema, q.name): f"sequence {q.schema}.{q.name}" for q in sequences})
        declared_once(views, "view", relations)
        view_indexes_once(views, relations)
        servers = self.foreign_servers(top["foreign_servers"][1]) if "foreign_servers" in top else ()
        check_servers(tables, servers)
        schema = spell_extension_classes(qualify_extension_types(Schema(
            tuple(tables),
            source_file=self.path,
            enums=tuple(enums),
            domains=tuple(domains),
            sequences=tuple(sequences),
            extensions=extensions,
            **namespaces,
            default_privileges=self.default_privileges(top["default_privileges"][1] if "default_privileges" in top else None,
                                                       extensions),
            functions=tuple(functions),
            aggregates=tuple(self.aggregates(top["aggregates"][1]) if "aggregates" in top else ()),
            operators=tuple(operators),
            composite_types=tuple(composites),
            range_types=tuple(ranges),
            collations=tuple(collations),
            text_search_configs=tuple(search_configs),
            text_search_dictionaries=tuple(dictionaries),
            external_types=external,
            external_functions=outside,
            external_tables=external_tables,
            queries=self.declared_queries(top["queries"][1] if "queries" in top else None, tables),
            ignore=read_ignores(self.w, top["ignore"][1]) if "ignore" in top else (),
            views=tuple(views),
            publications=self.publications(top["publications"][1], tables) if "publications" in top else (),
            event_triggers=self.event_triggers(top["event_triggers"][1], functions, extensions, outside) if "event_triggers" in top else (),
            casts=casts,
            operator_classes=classes,
            operator_families=families,
            foreign_servers=servers,
            foreign_data_wrappers=self.foreign_data_wrappers(top["foreign_data_wrappers"][1]) if "foreign_data_wrappers" in top else (),
            database_settings=self.database_settings(top["database"][1]) if "database" in top else (),
            database_grants=self.database_grants(top["database"][1]) if "database" in top else None,
            database_comment=self.database_comment(top["database"][1]) if "database" in top else None,
        )))
        check_bare_calls(schema.tables, schema.views, (*schema.functions, *schema.aggregates), extensions, outside)
        if schema.public_absent and "public" in schema.used_namespaces:
            raise self.fail(self.absent_node, "schema 'public' is declared absent, but schema.yaml puts objects in it "
                                              "(an object without `schema:` is public's)")
        return schema

