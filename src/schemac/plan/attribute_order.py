"""The order of what reads an attribute of a composite type around ALTER TYPE ... DROP / ADD / ALTER ATTRIBUTE.

Postgres records an expression's field selection (`(cc).y`, `t.cc.y`) as a dependency on the attribute (on the
type's relation, at the attribute's number: what a view's `depends` names `("column", schema, type, attribute)`)
and refuses to drop or retype an attribute while one stands. A view names the key by what Postgres recorded
(compare.view_reads.view_refs); an index, a CHECK, a default, a generated column, a trigger's WHEN, a policy, a rule, a
domain, a function's SQL-standard body or argument DEFAULT by the names its texts select (pg.verbatim.
selected_fields: a superset, an attribute of that name of any composite type the migration changes). A RENAME COLUMN of
a table or view gives its row type the new name alike: what selects it of a function's result (`(f(t)).new`) waits
for it. Computed only when a migration changes a composite type's attributes or renames a column: none of it runs
otherwise; but for a reader made again around a column change (a policy, a rule, a standard body: compare.readers,
compare.sqlbodies), which may read the column as a field of a function's row (`FROM all_t() x(id, c)`): ordered around
every retype or drop of a column of that name (retyped_columns).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Iterator, Optional

from schemac.compare.around import attributes_made_removed
from schemac.compare.changes import Change
from schemac.compare.column_renames import net_renames
from schemac.compare.function_rows import ROW_READ_REBUILT
from schemac.compare.readers import READ_REBUILT
from schemac.compare.sqlbodies import COLUMN_REBUILT
from schemac.model.frozen import replace
from schemac.model import Function, View
from schemac.pg.verbatim import selected_fields

# The fields of the model's objects that hold expressions (or lists of them: a rule's actions, extended statistics'
# elements); an index's elements, a table's members, a domain's CHECKs are walked into.
_AROUND_COLUMNS = frozenset((READ_REBUILT, COLUMN_REBUILT, ROW_READ_REBUILT))  # (compare.readers, .sqlbodies, .around)
_TEXTS = frozenset(("default", "generated", "expression", "where", "when", "using", "with_check", "actions",
                    "elements"))


def attribute_keys(changes: list[Change]) -> dict[str, set[tuple]]:
    """attribute name -> the keys ("column", schema, type, attribute) of every attribute of that name that
    `changes` add, drop or retype in a composite type, or that a RENAME COLUMN gives a table's row type (`(f(t)).new`
    of a function returning it is refused before it: "column "new" not found in data type t"), or a view's."""
    out: dict[str, set[tuple]] = {}
    for c in changes:
        if c.kind == "alter_composite_type":
            made, removed = attributes_made_removed(c)
            for key in made | removed:
                out.setdefault(key[3], set()).add(key)
        for key in _renamed_keys(c):
            out.setdefault(key[3], set()).add(key)
    return out


def _renamed_keys(c: Change) -> set[tuple]:
    """The keys ("column", schema, table or view, new name) a RENAME COLUMN makes (plan.dependencies), a view's
    alone or before its query's OR REPLACE."""
    if c.kind == "rename_column" and c.name:
        return {("column", c.schema, c.table, c.name)}
    if c.kind in ("rename_view_column", "alter_view") and c.new is not None:  # (a view's row type: `(f(v.*)).new`;
        # alter_view's RENAME COLUMNs run before its CREATE OR REPLACE)
        return {("column", c.new.schema, c.new.name, name) for name in net_renames(c.column_renames).values()}
    return set()


def texts(obj: object) -> Iterator[str]:
    """The expressions `obj` holds (a table: every member's), as written."""
    if isinstance(obj, Function):
        yield from (a.default for a in obj.arguments if a.default)
        if obj.standard_body:
            yield obj.body
        return
    if isinstance(obj, View) and not obj.depends and obj.definition is None:  # of unknown forms: what Postgres
        # recorded is unknown (compare.view_reads.view_refs), its query's text stands in
        yield obj.query
    if not is_dataclass(obj):
        return
    for f in fields(obj):
        value = getattr(obj, f.name, None)
        if isinstance(value, str):
            if f.name in _TEXTS:
                yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, str):
                    if f.name in _TEXTS:
                        yield item
                else:
                    yield from texts(item)
        elif value is not None and is_dataclass(value) and not isinstance(value, type):
            yield from texts(value)


def reads(obj: Optional[object], keys: dict[str, set[tuple]]) -> set[tuple]:
    """The keys of `keys` (attribute_keys) whose attribute `obj`'s expressions select."""
    if obj is None:
        return set()
    out: set[tuple] = set()
    for text in texts(obj):
        for name in selected_fields(text) & keys.keys():
            out |= keys[name]
    return out


def retyped_columns(changes: list[Change]) -> dict[str, set[tuple]]:
    """column name -> the keys ("column", schema, table, name) of the table columns of that name `changes` retype or
    drop: a reader made again around one (a policy, a rule, a standard body) may read it as a field of a function's
    row, `FROM all_t() x(id, c)`, which names no table: its drop goes before the change and its creation after."""
    out: dict[str, set[tuple]] = {}
    for c in changes:
        if c.kind in ("alter_column_type", "drop_column") and c.name:
            out.setdefault(c.name, set()).add(("column", c.schema, c.table, c.name))
    return out


def with_attributes(changes: list[Change], deps: list) -> list:
    """`deps` (plan.dependencies.Deps of each change) with the attributes' keys: an alter_composite_type makes and
    removes those it adds, drops or retypes; what reads one frees it (its old form) or needs it (its new form). A reader
    made again around a column change reads the columns retyped or dropped alike (retyped_columns)."""
    keys = attribute_keys(changes)
    around = [n for n, c in enumerate(changes) if c.cause in _AROUND_COLUMNS]
    columns = retyped_columns(changes) if around else {}
    if columns:
        deps = list(deps)
        for n in around:
            c, d = changes[n], deps[n]
            old = reads(c.old, columns) if not c.kind.startswith(("add_", "set_")) else set()
            new = reads(c.new, columns) if not c.kind.startswith("drop_") else set()
            deps[n] = replace(d, needs=d.needs | new, frees=d.frees | old)
    if not keys:
        return deps
    # The types altered: what runs before the ALTER TYPE (a domain over one dropping its CHECK first) needs the type
    # as it stands, not as the ALTER makes it.
    altered = {("type", c.schema, c.name) for c in changes if c.kind == "alter_composite_type"}
    renamed = {k for c in changes for k in _renamed_keys(c)}
    out = []
    for c, d in zip(changes, deps):
        if c.kind == "alter_composite_type":
            made, removed = attributes_made_removed(c)
            out.append(replace(d, makes=d.makes | made, removes=d.removes | removed))
            continue
        old = reads(c.old, keys) if not c.kind.startswith(("add_", "set_")) else set()
        new = reads(c.new, keys) if not c.kind.startswith("drop_") else set()
        if c.kind.startswith("rename_"):  # (a RENAME COLUMN makes them; a RENAME TO carries its table's every text,
            old, new = old - renamed, new - renamed  # which waits for none of them)
        if old - new:
            d = replace(d, needs=(d.needs - altered) | new, frees=d.frees | (old - new))
        elif new:
            d = replace(d, needs=d.needs | new)
        out.append(d)
    return out
