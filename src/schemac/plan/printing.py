"""The generator render_sql prints statements with: pg.dialect's RENDER, remembering the text of types; and
what a CREATE TABLE prints around its column list (around_columns).

A schema spells a few dozen types over thousands of columns, and sqlglot's printing of one (three
`is_type` checks, each building the types it compares with) was a third of `generate`'s printing. So
a type's text is remembered per shape: the whole subtree (classes, every argument, recursively), when
it holds only nodes whose printing reads nothing but their arguments (DataType, DataTypeParam, Literal:
no identifiers, whose quoting depends on the generator's settings) and no comments. Two trees of one
shape print alike by a generator of the same class, dialect and settings, which the key holds too.
The statements stay sqlglot trees: only the printing of a subtree equal to one printed before is reused.

(A subclass of the generator, not of the dialect: the dialect's module is part of the fingerprint of
the normal forms state.json records, which this does not change.)
"""

from __future__ import annotations

from dataclasses import fields
from typing import Callable, Optional

from sqlglot import exp
from sqlglot.generator import Generator

from schemac.pg.dialect import RENDER, SchemacRender
from schemac.pg.syntax import Printed
from schemac.plan.trees import release

_SHAPED = (exp.DataType, exp.DataTypeParam, exp.Literal)
_LEAF_VALUES = (str, int, bool, exp.DType)
_TYPE_TEXTS: dict[tuple, str] = {}


def shape(node: exp.Expression) -> Optional[tuple]:
    """The node's whole subtree as a hashable value; None if it holds anything but _SHAPED nodes and
    plain values, or a comment."""
    if node.comments or type(node) not in _SHAPED:
        return None
    out: list = [type(node)]
    for key, value in node.args.items():
        if isinstance(value, exp.Expression):
            value = shape(value)
            if value is None:
                return None
        elif type(value) is list:
            items = []
            for item in value:
                item = shape(item) if isinstance(item, exp.Expression) else item
                if item is None or not (type(item) is tuple or type(item) in _LEAF_VALUES):
                    return None
                items.append(item)
            value = tuple(items)
        elif value is not None and type(value) not in _LEAF_VALUES:
            return None
        out.append((key, value))
    return tuple(out)


class Printer(SchemacRender.Generator):
    def datatype_sql(self, expression: exp.DataType) -> str:
        form = shape(expression)
        if form is None:
            return super().datatype_sql(expression)
        key = (type(self), type(self.dialect), self.pretty, form)
        text = _TYPE_TEXTS.get(key)
        if text is None:
            before = len(self.unsupported_messages)
            text = super().datatype_sql(expression)
            if len(self.unsupported_messages) == before:  # a warning is given each time: not remembered
                _TYPE_TEXTS[key] = text
        return text


def printer() -> Printer:
    """A generator as `.sql(dialect=RENDER)` makes one, remembering types."""
    return Printer(dialect=RENDER)


def printed_once(key: tuple, build: Callable[[], exp.Expression], holder: Callable[[exp.Expression], exp.Expression],
                 keys: int = 0) -> exp.Expression:
    """build()'s tree as a Printed of its text, printed once per `key` (which holds everything build reads) inside
    holder(tree): the node the statement holds it in, whose kind its printing may read. A statement repeats what
    a schema repeats (an index's keys and WHERE, a UNIQUE, a CHECK's body) over thousands of tables. A tree whose
    printing warns (each time it is printed) stays a tree. `keys`: as Printed's (the PRIMARY KEY and UNIQUE it holds)."""
    text = _PRINTED.get(key)
    if text is None:
        tree, generator = build(), printer()
        around = holder(tree)
        text = generator.sql(tree)
        release(around)
        if generator.unsupported_messages:
            return build()
        _PRINTED[key] = text
    return Printed(this=text, keys=keys) if keys else Printed(this=text)


_PRINTED: dict[tuple, str] = {}


def unsourced(c: object, *left_out: str) -> tuple:
    """A key of printed_once for a model object: its type and every field but where it was declared (and left_out)."""
    names = _FIELDS.get((type(c), left_out)) or _FIELDS.setdefault((type(c), left_out), tuple(
        f.name for f in fields(c) if f.name not in ("source", *left_out)))  # type: ignore[arg-type]
    return (type(c), *(getattr(c, name) for name in names))


_FIELDS: dict[tuple, tuple[str, ...]] = {}


def item_text(item: exp.Expression, printer: Generator) -> str:
    """printer.generate(item, copy=False): for a subtree printed before (a Printed without comments, printed
    flat), its text as generate() returns it (RENDER's transform gives `this`, stripped), without generate()'s
    pass per item (preprocessing, its state reset, the dispatch): 11,474 columns of 1,000 tables."""
    if type(item) is Printed and not item.comments and not printer.pretty:
        return item.this.strip()
    return printer.generate(item, copy=False)


_COLUMN_LIST = "schemac_column_list_placeholder"


def around_columns(create: exp.Create, printer: Generator) -> tuple[str, str]:
    """What sqlglot prints before and after a CREATE TABLE's column list (`CREATE UNLOGGED TABLE t`,
    ` PARTITION BY ...`), found by printing the statement with a placeholder for the columns; for a plain
    table (no properties: most), by printing only its name (tests/test_printing.py holds the two equal)."""
    if set(create.args) <= _PLAIN_CREATE and not create.args.get("properties") and create.args.get("exists"):
        return f"CREATE TABLE IF NOT EXISTS {printer.generate(create.this.this, copy=False)}", ""
    return around_columns_printed(create, printer)


_PLAIN_CREATE = {"this", "kind", "exists", "properties", "expression"}  # expression: None (no AS query)


def around_columns_printed(create: exp.Create, printer: Generator) -> tuple[str, str]:
    """_around_columns, by printing the statement with a placeholder for its columns."""
    columns = create.this.args.get("expressions")
    placeholder = exp.ColumnDef(this=exp.Identifier(this=_COLUMN_LIST))
    create.this.set("expressions", [placeholder])
    try:
        head, _, tail = printer.generate(create, copy=False).partition(f" ({_COLUMN_LIST})")
    finally:
        create.this.set("expressions", columns)
        release(placeholder)  # it pointed at the table's tree: a cycle that kept all of it for the collector
    return head, tail
