"""Indexes: key columns and expressions with collation, order, nulls and opclass; method, predicate,
INCLUDE, storage parameters."""

from __future__ import annotations

from schemac.model.frozen import replace

from yaml.nodes import Node, ScalarNode

from schemac.errors import SchemaFileError
from schemac.model import Index, IndexElement, Table
from schemac.model.collnames import from_yaml
from schemac.pg.loaded import checked_columns, collated_key, index_element_words, plain_column
from schemac.schemafile.fields import MAX_INDEX_COLUMNS, plain_reference
from schemac.schemafile.column_settings import statistics_target
from schemac.schemafile.storage import StorageReader

INDEX_METHODS = ("btree", "hash", "gin", "gist", "spgist", "brin")  # Postgres's own; what they allow is checked
INDEX_KEYS = {"columns": True, "renamed_from": False, "comment": False, "nulls_not_distinct": False, "unique": False,
              "method": False, "where": False, "include": False, "with": False, "attached_to": False,
              "beside_copy": False}
INDEX_COLUMN_KEYS = {"name": False, "expression": False, "collation": False, "order": False, "nulls": False,
                     "opclass": False, "opclass_options": False}
INDEX_KEY_KEYS = {**INDEX_COLUMN_KEYS, "statistics_target": False}  # an index's, not an EXCLUDE constraint's


class IndexReader(StorageReader):
    """Reads one index of a table."""

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
            ef = self.w.fields(item, f"column of {what}", INDEX_KEY_KEYS)
            element = IndexElement(*self.index_element(item, ef, what, known))  # type: ignore[arg-type]
            if "statistics_target" in ef:  # ALTER INDEX ... ALTER COLUMN n SET STATISTICS: an expression's only
                if element.expression is None:
                    raise self.fail(ef["statistics_target"][1], f"statistics_target of {what}: Postgres sets one on an "
                                                                "expression key only (a column's is the table column's)")
                element = replace(element, statistics=statistics_target(self, ef["statistics_target"][1],
                                                                        f"statistics_target of {what}"))
            elements.append(element)
        unique = self.w.boolean(f["unique"][1], f"unique of {what}") if "unique" in f else False
        method = self.method(f, what)
        if method in INDEX_METHODS[1:] and any(e.order == "desc" or e.nulls for e in elements):
            raise self.fail(node, f"{what}: order and nulls apply only to btree indexes, not {method}")
        if unique and method in INDEX_METHODS[1:]:
            raise self.fail(node, f"{what}: only btree indexes can be unique")
        where, include = self.where_and_include(f, "columns", len(elements), what, known)
        if include and method in ("hash", "gin", "brin"):  # (Postgres's own methods without amcaninclude)
            raise self.fail(f["include"][1], f"{what}: a {method} index has no include columns (Postgres refuses them)")
        if len(elements) > 1 and method in ("hash", "spgist"):  # (without amcanmulticol)
            raise self.fail(node, f"{what}: a {method} index has one key column (Postgres refuses more)")
        nulls_not_distinct = self.opt_bool(f, "nulls_not_distinct", what)
        if nulls_not_distinct and not unique:
            raise self.fail(f["nulls_not_distinct"][1], f"{what}: nulls_not_distinct applies to unique indexes only")
        return Index(name, tuple(elements), unique, method, where, include, self.w.src(key_node),
                     self.renamed_from(f, what, name), self.opt_string(f, "comment", what), nulls_not_distinct,
                     parameters=self.storage_parameters(f, what),
                     attached_to=self.identifier(f["attached_to"][1], f"attached_to of {what}") if "attached_to" in f else None,
                     beside_copy=self.opt_bool(f, "beside_copy", what))

    def method(self, f: dict, what: str) -> str:
        """The index's access method: one of Postgres's own in any letter case, else another's name as the catalog
        keeps it (an extension's, bloom or pgvector's hnsw, or one CREATE ACCESS METHOD made: schemac does not
        manage those, and Postgres says at CREATE INDEX what such a method allows)."""
        if "method" not in f:
            return "btree"
        name = self.identifier(f["method"][1], f"method of {what}")
        return name.lower() if name.lower() in INDEX_METHODS else name

    def index_element(self, item: Node, ef: dict, what: str, known) -> tuple:
        """(column, expression, order, nulls, opclass, collation, opclass_options) of one key of an index or
        EXCLUDE constraint, from its fields `ef`."""
        if ("name" in ef) == ("expression" in ef):
            raise self.fail(item, f"each column of {what} needs exactly one of 'name' or 'expression'")
        column = expression = collated = None
        if "expression" in ef:
            ef = self.written_after(ef, what)
        if "name" in ef:
            column = known(self.identifier(ef["name"][1], f"column of {what}"), ef["name"][1], what)
        else:
            expression = self.expression(ef["expression"][1], f"expression of {what}")
            for col in sorted(checked_columns(expression)):
                known(col, ef["expression"][1], what)
            if collated_key(expression) is not None:  # `(d COLLATE "C")`: the key `d` of collation "C", as Postgres
                expression, collated = collated_key(expression)  # keeps it; an explicit `collation:` wins
            if plain_column(expression) is not None:  # `(id)`: the column, as Postgres keeps it
                column, expression = plain_column(expression), None
        order = self.choice(ef, "order", ("asc", "desc"), what) or "asc"
        nulls = self.choice(ef, "nulls", ("first", "last"), what)
        opclass = None
        if "opclass" in ef:
            opclass = self.w.string(ef["opclass"][1], f"opclass of {what}")
            spelled = plain_reference(opclass)  # (any characters of a quoted name: a schema "My Ops"; a dot quoted)
            if spelled is None:
                raise self.fail(ef["opclass"][1], f"opclass of {what} must be an operator class name like "
                                                  f"text_pattern_ops or schema.name (schema.\"name.with.dots\"), "
                                                  f"not {opclass!r}")
            opclass = spelled  # ("ops".abs_ops is ops.abs_ops)
            if opclass.startswith("pg_catalog."):  # as the catalog spells the built-in ones
                opclass = opclass[len("pg_catalog."):]
        collation = self.collation(ef["collation"][1], f"collation of {what}") if "collation" in ef else \
            from_yaml(collated, self.collation_schemas) if collated is not None else None
        options = self.storage_parameters(ef, f"opclass of {what}", key="opclass_options")
        if options and opclass is None:
            raise self.fail(ef["opclass_options"][1], f"opclass_options of {what} need the opclass they are for "
                                                      "(gist_trgm_ops (siglen = 32): name it under opclass)")
        return column, expression, order, nulls, opclass, collation, options

    def written_after(self, ef: dict, what: str) -> dict:
        """`ef` with the words written after a key's expression (`lower(s) text_pattern_ops DESC`: its opclass, order
        and nulls, pg.expressions.index_element_words) as those fields; one also given as a field is refused."""
        node = ef["expression"][1]
        split = index_element_words(self.w.text(node, f"expression of {what}"))
        if split is None:
            return ef
        head, words = split
        ef = {**ef, "expression": (ef["expression"][0], ScalarNode(node.tag, head, node.start_mark, node.end_mark))}
        for key, word in words.items():
            if key in ef:
                raise self.fail(node, f"expression of {what} ends with {word!r}, and the key gives {key} too: "
                                      "write it once")
            ef[key] = (ef["expression"][0], ScalarNode("tag:yaml.org,2002:str", word, node.start_mark, node.end_mark))
        return ef

    def where_and_include(self, f: dict, keys: str, key_count: int, what: str, known) -> tuple:
        """(WHERE predicate or None, INCLUDE columns) of an index or EXCLUDE constraint with `key_count`
        keys under `keys`."""
        where = None
        if "where" in f:
            where = self.expression(f["where"][1], f"where of {what}")
            for col in sorted(checked_columns(where)):
                known(col, f["where"][1], f"where of {what}")
        include = self.opt_columns(f, "include", what, known)
        if key_count + len(include) > MAX_INDEX_COLUMNS:
            raise self.fail(f[keys][1], f"{what} has {key_count + len(include)} key and INCLUDE columns; "
                                        f"PostgreSQL allows at most {MAX_INDEX_COLUMNS}")
        return where, include


def check_attached_indexes(tables: list[Table]) -> None:
    """An index's attached_to names an index of the same definition on the table it is a partition of."""
    from schemac.compare.tables import index_signature

    by_key = {t.key: t for t in tables}
    from schemac.compare.definition_keys import attach_key

    for t in tables:
        for u in t.uniques:
            if u.beside_copy:
                _check_beside(t, u, by_key, lambda up: up.unique_keys(), "UNIQUE", "a key")
        for i in t.indexes:
            if i.beside_copy:
                _check_beside(t, i, by_key, lambda up: up.indexes, "index", "an index")
            if i.attached_to is None:
                continue
            p = by_key.get((t.partition_of.parent_schema, t.partition_of.parent)) if t.partition_of is not None else None
            twin = next((j for j in p.indexes if j.name == i.attached_to), None) if p is not None else None
            if twin is None or index_signature(twin) != index_signature(i):
                raise SchemaFileError(f"index {i.name} of table {t.qualified_name}: attached_to names "
                                      f"'{i.attached_to}', which is no index of the same definition on the table it "
                                      "is a partition of", i.source)


def _check_beside(t: Table, i, by_key: dict, held, kind: str, one: str) -> None:
    """beside_copy: the index (UNIQUE) of a partition, attached to nothing, beside Postgres's copy of one of that
    definition one of the tables it is a partition of declares (its parent's own copy may be left out). Of that
    definition as Postgres attaches (compare.definition_keys.attach_key, as inspect's beside_parents): not storage
    parameters, operator class options or deferrability, which its copy takes from the parent's."""
    from schemac.compare.definition_keys import attach_key

    if getattr(i, "attached_to", None) is not None:
        raise SchemaFileError(f"index {i.name} of table {t.qualified_name}: beside_copy and attached_to say opposite "
                              "things (attached to an index of its parent, or beside the copy of one)", i.source)
    up, seen = t, set()
    while up.partition_of is not None and up.key not in seen:
        seen.add(up.key)
        up = by_key.get((up.partition_of.parent_schema, up.partition_of.parent))
        if up is None:
            break
        if any(attach_key(j) == attach_key(i) for j in held(up)):
            return
    raise SchemaFileError(f"{kind} {i.name or ', '.join(i.columns)} of table {t.qualified_name}: beside_copy, but no "
                          f"table it is a partition of has {one} of its definition to copy beside it", i.source)
