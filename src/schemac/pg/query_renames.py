"""A view's deparse (pg_get_viewdef), or a policy's condition, as Postgres prints it after ALTER TABLE ... RENAME
COLUMN of a column it reads: the stored query follows the column, so its references print the new name, and an output column that was the bare column keeps
its name (`n` is printed `m AS n`; `n AS m` is printed `m`); or after ALTER TABLE (VIEW) ... RENAME TO or SET SCHEMA of
a relation it reads (table_renamed). Edited on the text, at the identifiers' places, so the rest stays Postgres's own
spelling, comparable with the desired deparse (compare.view_renames, compare.policies, compare.moves)."""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError

from schemac.pg.catalog_relations import CATALOG_RELATIONS
from schemac.pg.names import format_type_ident


def _folded(i: exp.Identifier) -> str:
    return i.name if i.quoted else i.name.lower()


def enclosing_selects(node: exp.Expression) -> list[exp.Select]:
    """The SELECTs around `node`, innermost first (the scopes a column is resolved in: pg.policies' too)."""
    out = []
    parent = node.parent
    while parent is not None:
        if isinstance(parent, exp.Select):
            out.append(parent)
        parent = parent.parent
    return out


def relations(select: exp.Select) -> list[exp.Expression]:
    """The relations of a SELECT's own FROM and JOINs (a table, a subquery, a function, LATERAL), those of a join
    Postgres prints parenthesised (`FROM (t JOIN u USING (id))`) among them, not its subqueries' own."""
    out: list[exp.Expression] = []
    todo = [select.args.get("from_"), *(select.args.get("joins") or ())]
    while todo:
        node = todo.pop()
        if isinstance(node, (exp.From, exp.Join, exp.Paren)) or isinstance(node, exp.Subquery) \
                and not node.alias and not isinstance(node.this, exp.Query):  # (a parenthesised join)
            todo.append(node.this)
        elif node is not None:
            out.append(node)
        if isinstance(node, (exp.Table, exp.Subquery)):
            todo.extend(node.args.get("joins") or ())
    return out


def _join_inputs(j: exp.Join) -> list[exp.Expression]:
    """The relations a join's USING columns may be of: those of the FROM item it is part of, a parenthesised join
    (`(u JOIN w USING (a))`, as Postgres prints a join beside another relation) or the joins back to the last comma
    (`FROM t, u JOIN w USING (a)`, as schemac's normal form of a deparse writes it)."""
    holder = j.parent
    if isinstance(holder, exp.Table):
        return [holder, *(x.this for x in holder.args.get("joins") or ())]
    if not isinstance(holder, exp.Select):
        return []
    joins = holder.args.get("joins") or []
    out = [j.this]
    for x in reversed(joins[:next(i for i, x in enumerate(joins) if x is j)]):
        out.append(x.this)
        if not any(v for k, v in x.args.items() if k != "this"):  # (a comma: the item starts there)
            return out
    first = holder.args.get("from_")
    return out + ([first.this] if first is not None else [])


def column_renamed(text: str, schema: str, table: str, old: str, new: str, unqualified: bool,
                   owner: Optional[tuple[str, str]] = None) -> Optional[str]:
    """`text` (a deparse) after RENAME COLUMN `old` TO `new` of `schema`.`table`; None where a reference to a column
    `old` cannot be told to be the table's or another's (a USING join of the table on it, a bare name among several relations,
    a CTE of the table's name, text sqlglot cannot read): the caller then compares the deparse as it was.
    `unqualified`: a relation printed without its schema that is named `table` is this one. `owner`: a policy's table,
    which a reference outside any subquery, or qualified by its name where no FROM around names it, is of."""
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    if any(_folded(c.args["alias"].this) == table for c in tree.find_all(exp.CTE) if c.args.get("alias")):
        return None

    def ours(source: exp.Expression) -> bool:
        return isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier) \
            and _folded(source.this) == table and (source.db == schema if source.db else unqualified)

    if any(_folded(i) == old and any(ours(n) for x in _join_inputs(j) for n in (x, *x.find_all(exp.Table)))
           for j in tree.find_all(exp.Join) for i in j.args.get("using") or () if isinstance(i, exp.Identifier)):
        return None  # (a USING join of the table on it: other tables' joins on a column of that name stay)
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
            found = next((s for select in scopes for s in relations(select) if s.alias_or_name == col.table), None)
            if found is None and owner is not None and col.table == owner[1]:
                if owner != (schema, table):
                    continue
            elif found is None:
                return None
            elif not ours(found):
                continue
        else:
            sources = relations(scopes[0])
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


def _printed_schema(schema: str, name: str) -> Optional[str]:
    """The schema pg_get_viewdef prints before a relation's name under the catalog reader's search_path (public):
    none for public's, unless pg_catalog (searched first) holds a relation of that name."""
    return None if schema == "public" and name not in CATALOG_RELATIONS else schema


def _refname(node: exp.Expression) -> Optional[str]:
    """The name a relation of a FROM is referred to by: its alias, else a table's own name."""
    alias = node.args.get("alias")
    if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier):
        return _folded(alias.this)
    if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
        return _folded(node.this)
    return None


def table_renamed(text: str, was: tuple[str, str], now: tuple[str, str],
                  owner: Optional[tuple[str, str]] = None) -> Optional[str]:
    """`text` (a deparse) after ALTER TABLE (or VIEW) `was` (schema, name) RENAME TO or SET SCHEMA, which makes it
    `now`: the stored query holds the relation by OID, so Postgres prints its new name (qualified where public, the
    catalog reader's search_path, does not find it) and, where it has no alias, qualifies the columns by the new name
    (`FROM m3 WHERE m3.x > 0`; an alias, even the old name written as one, stays: `FROM m3 m`). None where that print
    cannot be told (a name of the query's, or the policy's table's, the new or the old name would then be made unique
    against, `m3_1`; a CTE of either name; the relation's row type named; a column qualified by the old name that no
    FROM around holds; text sqlglot cannot read): the caller then compares the deparse as it was. `owner`: a policy's
    table, which a column qualified by its name where no FROM around names it is of."""
    (schema, old), (new_schema, new) = was, now
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    if any(_folded(c.args["alias"].this) in (old, new) for c in tree.find_all(exp.CTE) if c.args.get("alias")):
        return None
    if any(d.this == exp.DataType.Type.USERDEFINED and d.sql(dialect="postgres").rpartition(".")[2]
           == format_type_ident(old) for d in tree.find_all(exp.DataType)):
        return None  # (`m.*::m`: its row type, renamed with it, printed as format_type does: not edited here)
    printed = _printed_schema(schema, old)

    def ours(node: exp.Expression) -> bool:
        if not isinstance(node, exp.Table) or not isinstance(node.this, exp.Identifier) or _folded(node.this) != old:
            return False
        db = node.args.get("db")
        return (_folded(db) if isinstance(db, exp.Identifier) else None) == printed and not node.args.get("catalog")

    tables = [t for t in tree.find_all(exp.Table) if ours(t)]
    if not tables and (owner != was or old == new):
        return text
    bare = [t for t in tables if not isinstance(t.args.get("alias"), exp.TableAlias)]  # (referred to by its name)
    if old != new and (bare or owner == was):
        taken = {_refname(n) for n in tree.find_all(exp.Table, exp.Subquery, exp.Lateral, exp.Unnest)
                 if not any(n is t for t in bare)} | ({owner[1]} if owner is not None and owner != was else set())
        if new in taken or any(r is not None and re.fullmatch(rf"({re.escape(old)}|{re.escape(new)})_\d+", r)
                               for r in taken):
            return None
    db = _printed_schema(new_schema, new)
    spelled = (format_type_ident(db) + "." if db is not None else "") + format_type_ident(new)
    edits: list[tuple[int, int, str]] = []
    for t in tables:
        first = t.args.get("db") if t.args.get("db") is not None else t.this
        if "start" not in first.meta or "end" not in t.this.meta:
            return None
        edits.append((first.meta["start"], t.this.meta["end"] + 1, spelled))
    if old != new:
        for col in tree.find_all(exp.Column):
            qualifier = col.args.get("table")
            if not isinstance(qualifier, exp.Identifier) or _folded(qualifier) != old:
                continue
            found = next((n for select in enclosing_selects(col) for n in relations(select) if _refname(n) == old),
                         None)
            if found is None and owner != was:
                return None
            if found is not None and not any(found is t for t in bare):
                continue  # (another relation's, or the table's under an alias of its old name)
            if "start" not in qualifier.meta:
                return None
            edits.append((qualifier.meta["start"], qualifier.meta["end"] + 1, format_type_ident(new)))
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return text
