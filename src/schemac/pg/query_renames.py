"""A view's deparse (pg_get_viewdef), or a policy's condition, as Postgres prints it after ALTER TABLE ... RENAME
COLUMN of a column it reads: the stored query follows the column, so its references print the new name, and an output column that was the bare column keeps
its name (`n` is printed `m AS n`; `n AS m` is printed `m`). Edited on the text, at the identifiers' places, so the
rest stays Postgres's own spelling, comparable with the desired deparse (compare.view_renames, compare.policies)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError

from schemac.pg.names import format_type_ident
from schemac.pg.policies import enclosing_selects


def _folded(i: exp.Identifier) -> str:
    return i.name if i.quoted else i.name.lower()


def _sources(select: exp.Select) -> list[exp.Expression]:
    """The relations of a SELECT's own FROM and JOINs."""
    first = select.args.get("from_")
    return ([first.this] if first is not None else []) + [j.this for j in select.args.get("joins") or ()]


def column_renamed(text: str, schema: str, table: str, old: str, new: str, unqualified: bool,
                   owner: Optional[tuple[str, str]] = None) -> Optional[str]:
    """`text` (a deparse) after RENAME COLUMN `old` TO `new` of `schema`.`table`; None where a reference to a column
    `old` cannot be told to be the table's or another's (a USING join on it, a bare name among several relations,
    a CTE of the table's name, text sqlglot cannot read): the caller then compares the deparse as it was.
    `unqualified`: a relation printed without its schema that is named `table` is this one. `owner`: a policy's table,
    which a reference outside any subquery, or qualified by its name where no FROM around names it, is of."""
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    if any(_folded(c.args["alias"].this) == table for c in tree.find_all(exp.CTE) if c.args.get("alias")):
        return None
    if any(_folded(i) == old for j in tree.find_all(exp.Join) for i in j.args.get("using") or ()
           if isinstance(i, exp.Identifier)):
        return None

    def ours(source: exp.Expression) -> bool:
        return isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier) \
            and _folded(source.this) == table and (source.db == schema if source.db else unqualified)

    edits: list[tuple[int, int, str]] = []
    for col in tree.find_all(exp.Column):
        name = col.this
        if not isinstance(name, exp.Identifier) or _folded(name) != old:
            continue
        scopes = enclosing_selects(col)
        if "start" not in name.meta or not scopes and owner is None:
            return None
        if not scopes:
            if owner != (schema, table):
                continue
        elif col.table:
            found = next((s for select in scopes for s in _sources(select) if s.alias_or_name == col.table), None)
            if found is None and owner is not None and col.table == owner[1]:
                if owner != (schema, table):
                    continue
            elif found is None:
                return None
            elif not ours(found):
                continue
        else:
            sources = _sources(scopes[0])
            if len(sources) != 1:
                return None
            if not ours(sources[0]):
                continue
        start, end = name.meta["start"], name.meta["end"] + 1
        spelled = format_type_ident(new)
        parent = col.parent
        if isinstance(parent, exp.Select) and col.arg_key == "expressions":
            spelled += f" AS {format_type_ident(old)}"  # (the output column keeps its name)
        elif isinstance(parent, exp.Alias) and isinstance(parent.parent, exp.Select) \
                and _folded(parent.args["alias"]) == new and "end" in parent.args["alias"].meta:
            end = parent.args["alias"].meta["end"] + 1  # (`n AS m` is now the bare column `m`)
        edits.append((start, end, spelled))
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return text
