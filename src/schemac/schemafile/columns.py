"""Columns: type, nullability, default, identity, generated expression, collation, comment."""

from __future__ import annotations

from schemac.model.frozen import replace

from typing import Optional

from yaml.nodes import MappingNode, Node, ScalarNode

from schemac.model import Column, Identity, NotNull, Sequence, SequenceOptions
from schemac.pg.loaded import checked_columns
from schemac.pg.names import make_object_name, regclass_literal
from schemac.pg.types import TypeSyntaxError, canonical_type
from schemac.pg.sequences import serial_base, without_defaults
from schemac.schemafile.column_settings import SETTING_KEYS, ColumnSettingsReader
from schemac.schemafile.fields import SEQUENCE_OPTION_KEYS
from schemac.pg.noop_casts import named_casts
from schemac.schemafile.walker import _MAPPINGS, _SCALARS

IDENTITY_KEYS = {"generated": True, **SEQUENCE_OPTION_KEYS, "grants": False, "sequence_name": False,
                 "comment": False}  # its sequence's
COLUMN_KEYS = {"type": True, "renamed_from": False, "identity": False, "generated": False, "check": False, "nullable": False, "default": False, "primary_key": False, "unique": False,
               "comment": False, "collation": False, "using": False, "distribution": False, "not_null": False,
               "foreign_options": False, "binds": False, **SETTING_KEYS}
# A serial column's default until its table names its sequence (TableReader.table): no SQL text can be this one.
SERIAL_DEFAULT = "\0serial"
NOT_NULL_KEYS = {"name": False, "not_valid": False, "no_inherit": False, "comment": False}
GENERATED_KEYS = {"expression": True, "stored": False}


class ColumnReader(ColumnSettingsReader):
    """Reads one column of a table, with its identity or generated expression."""

    def __init__(self, path: str):
        super().__init__(path)
        # A column written as text alone (a mapping of scalars, or the type) -> what reading it gave: the
        # nodes it visited, the column (at its first place), primary key, unique. A schema repeats a few
        # column definitions table after table (id, created_at...), and what reading one gives is a
        # function of its text and tags (its table's name is only in error messages, which are not kept).
        self._columns: dict[tuple, tuple[int, Column, bool, bool]] = {}
        self.serial_sequences: list[Sequence] = []  # the sequences of serial columns (serial_column), in order

    def column(self, name: str, key_node: Node, node: Node, table_what: str, owner: Optional[str] = None):
        key = _column_key(key_node, node)
        if key is not None:
            known = self._columns.get(key)
            if known is not None and self.w._budget >= known[0]:  # (the reading would stay within the budget)
                self.w._budget -= known[0]
                return with_fields(known[1], source=self.w.src(key_node)), known[2], known[3], None
        budget, warned = self.w._budget, len(self.warnings)
        column, is_pk, is_unique, check = self._column(key_node, node, table_what, owner)  # (cached: no grants)
        # (a warning is given at each line; a generated expression's cast of a name is its table's: load's `casting`)
        if key is not None and check is None and len(self.warnings) == warned and \
                (column.generated is None or not named_casts(column.generated)):
            self._columns[key] = (budget - self.w._budget, column, is_pk, is_unique)
        return column, is_pk, is_unique, check

    def _column(self, key_node: Node, node: Node, table_what: str, owner: Optional[str] = None):
        name = self.identifier(key_node, "column name")
        what = f"column '{name}' of {table_what}"
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            # Shorthand: `name: text`
            fields = {"type": (key_node, node)}
        else:
            fields = self.w.fields(node, what, COLUMN_KEYS)
        type_node = fields["type"][1]
        type_text = self.w.string(type_node, f"type of {what}")
        serial = serial_base(type_text)
        try:
            type_ = serial or canonical_type(type_text)
        except TypeSyntaxError as e:
            raise self.fail(type_node, f"type of {what}: {e}") from None
        if serial is not None:
            for key in ("default", "identity", "generated", "nullable"):
                if key in fields and (key != "nullable" or self.w.boolean(fields[key][1], f"nullable of {what}")):
                    raise self.fail(fields[key][0], f"{what}: {type_text.strip()} makes the column NOT NULL with the "
                                                    f"default nextval() of its sequence, so it takes no "
                                                    f"{'nullable: true' if key == 'nullable' else key}; declare it "
                                                    f"as {serial}")
        nullable = self.w.boolean(fields["nullable"][1], f"nullable of {what}") if "nullable" in fields else True
        default = None
        if "default" in fields:
            d_node = fields["default"][1]
            default = self.expression(d_node, f"default of {what}")
            cols = checked_columns(default)
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
        identity = self.identity(fields["identity"][1], what, owner) if "identity" in fields else None
        if identity is not None:  # options spelled as Postgres's defaults read as the catalog gives them
            identity = replace(identity, options=without_defaults(identity.options, type_))
        generated, virtual = None, False
        if "generated" in fields:
            g_node = fields["generated"][1]
            if isinstance(g_node, MappingNode):  # {expression, stored?}: stored: false is VIRTUAL (PostgreSQL 18+)
                g = self.w.fields(g_node, f"generated of {what}", GENERATED_KEYS)
                generated = self.expression(g["expression"][1], f"generated expression of {what}")
                virtual = "stored" in g and not self.w.boolean(g["stored"][1], f"stored of generated of {what}")
            else:
                generated = self.expression(g_node, f"generated of {what}")
        if serial is not None:
            default, nullable = SERIAL_DEFAULT, False  # nextval() of <table>_<column>_seq: the table names it
        if sum(x is not None for x in (identity, generated, default)) > 1:
            raise self.fail(key_node, f"{what}: default, identity and generated exclude each other; keep one")
        check = None
        if "check" in fields:
            check = (self.expression(fields["check"][1], f"check of {what}"), fields["check"][1])
        collation = self.collation(fields["collation"][1], f"collation of {what}") if "collation" in fields else None
        using = self.expression(fields["using"][1], f"using of {what}") if "using" in fields else None
        column = Column(name, type_, nullable and not is_pk and identity is None, default, comment,
                        self.w.src(key_node), renamed_from, identity, generated,
                        None if collation == "default" else collation, virtual, using,
                        self.distribution(fields["distribution"][1], what, nullable and not is_pk)  # type: ignore[attr-defined]
                        if "distribution" in fields else None)
        if "not_null" in fields:
            column = with_fields(column, nullable=False, not_null=self.not_null(fields, what, identity is not None))
        settings = self.column_settings(fields, what, type_)
        if settings:
            column = with_fields(column, **settings)
        if "binds" in fields:  # (as written: schemafile.check_binds resolves them once functions and operators are read)
            if default is None:
                raise self.fail(fields["binds"][0], f"{what}: binds is a default's (the overloads it is made calling)")
            column = with_fields(column, binds=tuple(self.w.string(n, f"binds of {what}").strip()
                                                     for n in self.w.sequence(fields["binds"][1], f"binds of {what}")))
        if "foreign_options" in fields:  # a foreign table's (TableReader refuses them on another table)
            column = with_fields(column, fdw_options=self.fdw_options(fields["foreign_options"][1], what))  # type: ignore
        return column, is_pk, is_unique, check

    def not_null(self, fields: dict, what: str, identity: bool) -> "NotNull | None":
        """`not_null: {name?, not_valid?, no_inherit?, comment?}`: the column's NOT NULL constraint (PostgreSQL 18+), which
        makes it NOT NULL; None when it says nothing a bare NOT NULL does not. `identity`: an identity column,
        whose NOT NULL Postgres makes validated with it (a primary key's: schemafile.tables)."""
        key, node = fields["not_null"]
        f = self.w.fields(node, f"not_null of {what}", NOT_NULL_KEYS)
        if "nullable" in fields and self.w.boolean(fields["nullable"][1], f"nullable of {what}"):
            raise self.fail(key, f"{what}: not_null makes it NOT NULL; nullable: true says otherwise")
        name = self.identifier(f["name"][1], f"name of not_null of {what}") if "name" in f else None
        nn = NotNull(name, self.opt_bool(f, "not_valid", f"not_null of {what}"),
                     self.opt_bool(f, "no_inherit", f"not_null of {what}"),
                     self.opt_string(f, "comment", f"not_null of {what}"))  # type: ignore[attr-defined]
        if nn.not_valid and identity:
            raise self.fail(f["not_valid"][0], f"{what} is an identity column, whose NOT NULL Postgres makes "
                                               "validated: not_null cannot be not_valid")
        return None if nn == NotNull() else nn

    def identity(self, node: Node, what: str, owner: Optional[str] = None) -> Identity:
        if isinstance(node, ScalarNode):
            kind = _identity_kind(self.w.string(node, f"identity of {what}"))
            if kind not in ("always", "by_default"):
                raise self.fail(node, f"identity of {what} must be always or by_default (or a mapping with "
                                      "always/by_default and sequence options)")
            return Identity(always=kind == "always")
        f = self.w.fields(node, f"identity of {what}", IDENTITY_KEYS)
        kind = _identity_kind(self.w.string(f["generated"][1], f"identity generated of {what}"))
        if kind not in ("always", "by_default"):
            raise self.fail(f["generated"][1], f"identity generated of {what} must be always or by_default")
        # its owner is the table's (`its_owner: []` is the owner's own list, REVOKE ALL ... FROM it)
        grants = self.grants(f, f"identity of {what}", "sequence", owner=owner) if "grants" in f else ()  # type: ignore[attr-defined]
        name = self.identifier(f["sequence_name"][1], f"sequence_name of {what}") if "sequence_name" in f else None  # type: ignore[attr-defined]
        return Identity(kind == "always", self.sequence_options(f, f"identity of {what}"), grants, name,
                        self.opt_string(f, "comment", f"identity of {what}"))  # type: ignore[attr-defined]


def _identity_kind(written: str) -> str:
    """`ALWAYS`, `By Default`: Postgres's GENERATED ALWAYS / BY DEFAULT in any letter case, with a space or an
    _ between the words, read as the lower-case name inspect writes."""
    return written.lower().replace(" ", "_")


def _column_key(key_node: Node, node: Node):
    """The text and tags of a column written as text alone, or None (a mapping or list inside)."""
    if type(node) in _SCALARS:
        return key_node.tag, key_node.value, node.tag, node.value
    if type(node) not in _MAPPINGS:
        return None
    key = [key_node.tag, key_node.value, node.tag]
    for k, v in node.value:
        if type(k) not in _SCALARS or type(v) not in _SCALARS:
            return None
        key += (k.tag, k.value, v.tag, v.value)
    return tuple(key)


def with_fields(column: Column, **changes) -> Column:
    """dataclasses.replace(column, **changes) in a fraction of its time (it was a tenth of the walk): the
    fields copied, Column's __init__ only stores them."""
    new = object.__new__(Column)
    new.__dict__.update(column.__dict__)
    new.__dict__.update(changes)
    return new


def serial_column(column: Column, schema: str, table: str) -> tuple[Column, Sequence]:
    """A serial column as CREATE TABLE makes it, and the sequence it makes: <table>_<column>_seq (as Postgres
    names it, clipped by its rule), of the column's type, owned by the column, its default nextval() of it,
    written as the catalog gives it (inspect writes the three so)."""
    name = make_object_name(table, column.name, "seq")
    default = f"nextval({regclass_literal(schema, name)})"
    options = without_defaults(SequenceOptions(type=column.type), "bigint")
    return with_fields(column, default=default), Sequence(name, schema, options, f"{table}.{column.name}",
                                                           source=column.source)
