"""A view's deparse (pg_get_viewdef), or a policy's condition, as Postgres prints it after ALTER TABLE (or VIEW) ...
RENAME TO or SET SCHEMA of a relation it reads: the stored query holds the relation by OID, so it prints the new
name, the names ruleutils gives the relations anew (pg.refnames: `m3` is `m4`, `m3_1` made unique beside an outer
`m3` is `m4_1` or gone), the columns qualified by them, and the row type's new name (`::m4`). Edited on the text at
the identifiers' places, so the rest stays Postgres's own spelling (compare.moves)."""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError

from schemac.pg.catalog_relations import CATALOG_RELATIONS
from schemac.pg.names import format_type_ident
from schemac.pg.refnames import ctes_in_scope, enclosing_selects, folded, items, unique_names

Key = tuple[str, str]


def _printed_schema(schema: str, name: str) -> Optional[str]:
    """The schema pg_get_viewdef prints before a relation's name under the catalog reader's search_path (public):
    none for public's, unless pg_catalog (searched first) holds a relation of that name."""
    return None if schema == "public" and name not in CATALOG_RELATIONS else schema


def _alias(node: exp.Expression) -> Optional[exp.Identifier]:
    alias = node.args.get("alias")
    if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier):
        return alias.this
    return None


def _own(node: exp.Expression) -> Optional[str]:
    """A table's (or a CTE's reference's) own name, as printed."""
    return folded(node.this) if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier) else None


def table_renamed(text: str, was: Key, now: Key, owner: Optional[Key] = None,
                  written: Optional[tuple[str, ...]] = None) -> Optional[str]:
    """`text` (a deparse) after ALTER TABLE (or VIEW) `was` (schema, name) RENAME TO or SET SCHEMA, which makes it
    `now`. None where that print cannot be told (an alias that Postgres may have made unique, `m3_1`, where `written`,
    the aliases the stored query holds as written (the catalog's), does not say; a name the printed text does not give
    as this reckoning of Postgres's would; a column qualified by the old name that no FROM around holds; text sqlglot
    cannot read): the caller then compares the deparse as it was. `owner`: a policy's table, the name around the
    whole condition (a column qualified by it where no FROM around holds that name is its)."""
    (schema, old), (new_schema, new) = was, now
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    printed = _printed_schema(schema, old)

    def ours(node: exp.Expression) -> bool:
        if _own(node) != old or node.args.get("catalog"):
            return False
        db = node.args.get("db")
        if isinstance(db, exp.Identifier):
            return folded(db) == schema
        return printed is None and old not in ctes_in_scope(node, True)

    # (an UPDATE's or DELETE's own level first: its target, FROM's and USING's relations, named as a SELECT's are)
    levels = ([tree] if isinstance(tree, (exp.Update, exp.Delete)) else []) + list(tree.find_all(exp.Select))
    nodes = [n for select in levels for n in items(select)]
    mine = {id(n) for n in nodes if ours(n)}
    if isinstance(tree, (exp.Update, exp.Delete)) and _namesake(tree, mine, old, new):
        return None
    rowtypes = [d for d in tree.find_all(exp.DataType) if _rowtype(d, schema, old, printed)]
    if not mine and not rowtypes and (owner != was or old == new):
        return text
    user: dict[int, bool] = {}  # id -> its alias written (else Postgres's)
    made = re.compile(rf"({re.escape(old)}|{re.escape(new)})(_\d+)+")
    for n in nodes:
        a = _alias(n)
        if a is None:
            user[id(n)] = False
        elif old == new or not made.fullmatch(folded(a)):
            user[id(n)] = True
        elif id(n) not in mine or written is None or not folded(a).startswith(old + "_"):
            if id(n) in mine and folded(a).startswith(new + "_"):
                user[id(n)] = True  # (one of the new name's: written so, Postgres makes the old name's)
                continue
            if id(n) not in mine and written is not None and _held(nodes, folded(a), written) == (True, True):
                user[id(n)] = True  # (another relation's alias written so, `bins lots_1`: kept as written)
                continue
            return None  # (another relation's name made unique against the old or new name: not told)
        else:
            some, every = _held(nodes, folded(a), written)
            if some and not every:
                return None
            user[id(n)] = some

    def base(name_now: str):
        def of(n: exp.Expression) -> Optional[str]:
            a = _alias(n)
            if a is not None and user[id(n)]:
                return folded(a)
            if id(n) in mine:
                return name_now
            return _own(n) if a is None else folded(a)
        return of

    was_root = owner[1] if owner is not None else None
    now_root = new if owner == was else was_root
    before = unique_names(levels, base(old), (was_root,) if was_root else ())
    after = unique_names(levels, base(new), (now_root,) if now_root else ()) if old != new else before
    for n in nodes:  # (the text as printed must be what this reckoning gives, else it does not know the shape)
        a = _alias(n)
        shown = folded(a) if a is not None else _own(n)
        if shown is not None and before.get(id(n)) != shown:
            return None
    edits: list[tuple[int, int, str]] = []
    for n in nodes:
        if id(n) in mine:
            first = n.args.get("db") if n.args.get("db") is not None else n.this
            if "start" not in first.meta or "end" not in n.this.meta:
                return None
            db = new_schema if new in ctes_in_scope(n, True) else _printed_schema(new_schema, new)
            spelled = (format_type_ident(db) + "." if db is not None else "") + format_type_ident(new)
            edits.append((first.meta["start"], n.this.meta["end"] + 1, spelled))
        if not _alias_edit(n, id(n) in mine, user[id(n)], before.get(id(n)), after.get(id(n)), new, edits):
            return None
    for col in tree.find_all(exp.Column):
        q = col.args.get("table")
        if not isinstance(q, exp.Identifier) or col.args.get("db") is not None:
            continue
        name, to = folded(q), None
        for select in enclosing_selects(col, True):
            found = next((n for n in items(select) if before.get(id(n)) == name), None)
            if found is not None:
                to = after.get(id(found))
                break
        else:
            if name == was_root:
                to = now_root
            elif name == old:
                return None
        if to is not None and to != name:
            if "start" not in q.meta:
                return None
            edits.append((q.meta["start"], q.meta["end"] + 1, format_type_ident(to)))
    for d in rowtypes:
        spots = [i for i in d.find_all(exp.Identifier)]
        if not spots or any("start" not in i.meta for i in spots):
            return None
        db = _printed_schema(new_schema, new)
        edits.append((spots[0].meta["start"], spots[-1].meta["end"] + 1,
                      (format_type_ident(db) + "." if db is not None else "") + format_type_ident(new)))
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return text


def _held(nodes: list, alias: str, written: tuple[str, ...]) -> tuple[bool, bool]:
    """Whether some, and whether every, relation of the text printed under `alias` holds it as written (the stored
    query's own, `written`)."""
    times = sum(1 for m in nodes if _alias(m) is not None and folded(_alias(m)) == alias)  # type: ignore[arg-type]
    held = written.count(alias)
    return held > 0, held >= times


def _rowtype(d: exp.DataType, schema: str, old: str, printed: Optional[str]) -> bool:
    """Whether `d` names the row type of table `schema`.`old` as format_type prints it."""
    if d.this != exp.DataType.Type.USERDEFINED:
        return False
    spelled = d.sql(dialect="postgres")
    qualified = (format_type_ident(printed) + "." if printed is not None else "") + format_type_ident(old)
    return spelled == qualified or printed is None and spelled == f"{format_type_ident(schema)}.{format_type_ident(old)}"


def _alias_edit(n: exp.Expression, ours: bool, written: bool, before: Optional[str], after: Optional[str],
                new: str, edits: list[tuple[int, int, str]]) -> bool:
    """The edit of `n`'s printed alias where its name changes (`before` -> `after`): Postgres prints a table's name
    made unique as its alias, and none where its name is its own again. False where it cannot be placed."""
    if before == after or written:
        return True
    a = _alias(n)
    own = new if ours else _own(n)
    shown = after if after != own or not isinstance(n, exp.Table) else None
    if a is None:
        if shown is None:
            return True
        if "end" not in n.this.meta:
            return False
        at = n.this.meta["end"] + 1
        edits.append((at, at, " " + format_type_ident(shown)))
        return True
    if "start" not in a.meta:
        return False
    if shown is not None:
        edits.append((a.meta["start"], a.meta["end"] + 1, format_type_ident(shown)))
    elif n.args["alias"].columns:
        return False  # (a column list kept after a name gone: not told)
    else:
        if "end" not in n.this.meta:
            return False
        edits.append((n.this.meta["end"] + 1, a.meta["end"] + 1, ""))
    return True


def statement_moved(text: str, was: Key, now: Key) -> Optional[str]:
    """A statement (a SQL-standard body's, a rule's action) after ALTER TABLE (or VIEW) `was` SET SCHEMA or RENAME TO
    `now`: its queries' relations (table_renamed), then its INSERT's, UPDATE's or DELETE's target (target_moved); None
    where either is not told."""
    after = table_renamed(text, was, now)
    return None if after is None else target_moved(after, was, now)


def target_moved(text: str, was: Key, now: Key) -> Optional[str]:
    """A statement (`text`, deparsed) after ALTER TABLE `was` SET SCHEMA (and RENAME TO) `now`: an INSERT's, UPDATE's
    or DELETE's target that is that table printed as Postgres prints it then (its queries: table_renamed), and the
    columns qualified by its name where it has no alias (its FROM's, USING's, subqueries' and CTEs' too: ruleutils names
    the target by its name then, and no other relation is named anew where none holds either name). None where that is
    not told (a table renamed under a statement reading another relation, alias or CTE of its old or new name, or one
    made unique against them, `features_1`), or sqlglot cannot read the text."""
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    if not isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
        return text
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    if not isinstance(target, exp.Table) or _own(target) != was[1] or target.args.get("catalog"):
        return text
    db = target.args.get("db")
    if (folded(db) != was[0]) if isinstance(db, exp.Identifier) else _printed_schema(*was) is not None:
        return text  # (another table of that name)
    first = db if isinstance(db, exp.Identifier) else target.this
    if "start" not in first.meta or "end" not in target.this.meta:
        return None
    schema = _printed_schema(*now)
    edits = [(first.meta["start"], target.this.meta["end"] + 1,
              (format_type_ident(schema) + "." if schema is not None else "") + format_type_ident(now[1]))]
    if was[1] != now[1] and _alias(target) is None:
        if _named_alike(tree, {id(target)}, was[1], now[1]):
            return None  # (ruleutils may name it or them anew, `flags_1`: not told)
        for col in tree.find_all(exp.Column):
            q = col.args.get("table")
            if isinstance(q, exp.Identifier) and folded(q) == was[1]:
                if "start" not in q.meta:
                    return None
                edits.append((q.meta["start"], q.meta["end"] + 1, format_type_ident(now[1])))
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return text


def _named_alike(tree: exp.Expression, skip: set[int], old: str, new: str) -> bool:
    """Whether a relation of `tree` other than those of `skip` (ids) is printed under `old` or `new`, or a name made
    unique against one (`old_1`): a table's own name, or any alias (a table's, a subquery's, a function's, a CTE's)."""
    made = re.compile(rf"({re.escape(old)}|{re.escape(new)})(_\d+)*")
    names = [folded(a.this) for a in tree.find_all(exp.TableAlias) if isinstance(a.this, exp.Identifier)]
    names += [t.name if not isinstance(t.this, exp.Identifier) else folded(t.this)
              for t in tree.find_all(exp.Table) if id(t) not in skip]
    return any(made.fullmatch(n) for n in names)


def _namesake(tree: exp.Expression, mine: set[int], old: str, new: str) -> bool:
    """Whether an UPDATE's or DELETE's statement (`tree`) reading the table renamed or moved (`mine`, its relations
    that are it) holds a CTE, or (renamed) another relation or alias, of its old or new name: Postgres renames one of
    them (`flags_1`), or names its target unqualified beside such a CTE (generate_relation_name of no namespaces),
    which this does not tell."""
    if not mine:
        return False
    ctes = {folded(c.args["alias"].this) for c in tree.find_all(exp.CTE) if isinstance(c.args.get("alias"), exp.TableAlias)}
    return bool(ctes & {old, new}) or old != new and _named_alike(tree, mine, old, new)
