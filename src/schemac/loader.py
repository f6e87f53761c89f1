"""schema.yaml -> model, strictly.

Every mistake a reviewer could miss (a typo'd key, a duplicate, a type or expression Postgres would
reject, a constraint naming a column that does not exist) is an error here, with file:line:column.
"""

from __future__ import annotations

import hashlib
import os
from typing import Optional

from yaml.nodes import Node, ScalarNode

from .errors import SchemaFileError
from .expressions import ExpressionError, parse_expression, referenced_columns
from .model import Check, Column, Index, IndexElement, PrimaryKey, Schema, Source, Table, Unique
from .sqltypes import TypeSyntaxError, canonical_type
from .yamlstrict import Walker, compose

MAX_IDENTIFIER_BYTES = 63
INDEX_METHODS = ("btree", "hash", "gin", "gist", "spgist", "brin")

TOP_KEYS = {"tables": False}
TABLE_KEYS = {"schema": False, "renamed_from": False, "comment": False, "columns": True, "primary_key": False, "unique": False,
              "checks": False, "indexes": False}
COLUMN_KEYS = {"type": True, "renamed_from": False, "nullable": False, "default": False, "primary_key": False, "unique": False,
               "comment": False}
PK_KEYS = {"columns": True, "name": False}
UNIQUE_KEYS = {"columns": True, "name": False}
INDEX_KEYS = {"columns": True, "renamed_from": False, "unique": False, "method": False, "where": False, "include": False}
INDEX_COLUMN_KEYS = {"name": False, "expression": False, "order": False, "nulls": False}


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
        return Schema(tuple(tables), source_file=self.path)

    def table(self, name: str, key_node: Node, node: Node) -> Table:
        name = self.identifier(key_node, "table name")
        what = f"table '{name}'"
        f = self.w.fields(node, what, TABLE_KEYS)
        schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
        comment = self.w.string(f["comment"][1], f"comment of {what}") if "comment" in f else None

        columns: list[Column] = []
        pk_columns: list[tuple[str, Node]] = []
        uniques: list[Unique] = []
        for col_name, col_key, col_node in self.w.mapping(f["columns"][1], f"columns of {what}"):
            column, is_pk, is_unique = self.column(col_name, col_key, col_node, what)
            columns.append(column)
            if is_pk:
                pk_columns.append((column.name, col_key))
            if is_unique:
                uniques.append(Unique((column.name,), None, self.w.src(col_key)))
        if not columns:
            raise self.fail(f["columns"][1], f"{what} has no columns")
        names = {c.name for c in columns}

        def known(col: str, at: Node, context: str) -> str:
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
            primary_key = PrimaryKey(cols, pk_name, self.w.src(pk_key))
        elif pk_columns:
            primary_key = PrimaryKey(tuple(c for c, _ in pk_columns), None, self.w.src(pk_columns[0][1]))
        if primary_key is not None:
            columns = [c if c.name not in primary_key.columns else _not_null(c) for c in columns]

        if "unique" in f:
            for item in self.w.sequence(f["unique"][1], f"unique of {what}"):
                uf = self.w.fields(item, f"unique constraint of {what}", UNIQUE_KEYS)
                cols = self.column_list(uf["columns"][1], f"unique constraint of {what}", known)
                u_name = self.identifier(uf["name"][1], "constraint name") if "name" in uf else None
                uniques.append(Unique(cols, u_name, self.w.src(item)))

        seen_keys: dict[tuple[str, ...], str] = {primary_key.columns: "the primary key"} if primary_key else {}
        for u in uniques:
            # CREATE TABLE silently merges a UNIQUE identical to the primary key or to another UNIQUE:
            # declaring it would be drift forever.
            if u.columns in seen_keys:
                raise SchemaFileError(f"unique ({', '.join(u.columns)}) of {what} repeats {seen_keys[u.columns]}; "
                                      "remove it", u.source)
            seen_keys[u.columns] = f"the unique constraint at line {u.source.line}" if u.source else "another unique"

        checks: list[Check] = []
        if "checks" in f:
            for c_name, c_key, c_node in self.w.mapping(f["checks"][1], f"checks of {what}"):
                c_name = self.identifier(c_key, "check constraint name")
                expr = self.expression(c_node, f"check '{c_name}'")
                for col in sorted(referenced_columns(expr)):
                    known(col, c_node, f"check '{c_name}'")
                checks.append(Check(c_name, expr, self.w.src(c_key)))

        indexes: list[Index] = []
        if "indexes" in f:
            for i_name, i_key, i_node in self.w.mapping(f["indexes"][1], f"indexes of {what}"):
                indexes.append(self.index(i_key, i_node, what, known))

        named: dict[str, Source] = {}
        for c in [primary_key] + uniques + checks:
            if c is None or c.name is None:
                continue
            if c.name in named:
                raise SchemaFileError(f"{what} uses the constraint name '{c.name}' twice "
                                      f"(first at line {named[c.name].line})", c.source)
            named[c.name] = c.source  # type: ignore[assignment]
        return Table(name=name, schema=schema, columns=tuple(columns), primary_key=primary_key,
                     uniques=tuple(uniques), checks=tuple(checks), indexes=tuple(indexes), comment=comment,
                     source=self.w.src(key_node), renamed_from=self.renamed_from(f, what, name))

    def column(self, name: str, key_node: Node, node: Node, table_what: str) -> tuple[Column, bool, bool]:
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
        return (Column(name, type_, nullable and not is_pk, default, comment, self.w.src(key_node), renamed_from),
                is_pk, is_unique)

    def column_list(self, node: Node, what: str, known) -> tuple[str, ...]:
        items = self.w.sequence(node, f"columns of {what}")
        if not items:
            raise self.fail(node, f"columns of {what} is empty")
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
            elements.append(IndexElement(column, expression, order, nulls))  # type: ignore[arg-type]
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
        return Index(name, tuple(elements), unique, method, where, include, self.w.src(key_node),
                     self.renamed_from(f, what, name))

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


def _not_null(column: Column) -> Column:
    from dataclasses import replace

    return replace(column, nullable=False)
