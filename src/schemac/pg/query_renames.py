"""A view's deparse (pg_get_viewdef), or a policy's condition, as Postgres prints it after ALTER TABLE ... RENAME
COLUMN of a column it reads: the stored query follows the column, so its references print the new name, and an output column that was the bare column keeps
its name (`n` is printed `m AS n`; `n AS m` is printed `m`) (a relation renamed: pg.relation_renames). Edited on the text, at the identifiers' places, so the rest stays Postgres's own
spelling, comparable with the desired deparse (compare.view_renames, compare.policies, compare.moves)."""

from __future__ import annotations

from typing import Optional

from sqlglot import Dialect, exp, parse_one
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from schemac.pg.names import format_type_ident
from schemac.pg.refnames import enclosing_selects, folded as _folded, items  # noqa: F401  (pg.policies' too)


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
                   owner: Optional[tuple[str, str]] = None,
                   columns: Optional[tuple[str, ...]] = None) -> Optional[str]:
    """`text` (a deparse) after RENAME COLUMN `old` TO `new` of `schema`.`table`; None where a reference to a column
    `old` cannot be told to be the table's or another's (a bare name among several relations, a CTE of the table's
    name, a USING join of the table on it where `columns` is not known, text sqlglot cannot read): the caller then
    compares the deparse as it was. `unqualified`: a relation printed without its schema that is named `table` is
    this one. `owner`: a policy's table, which a reference outside any subquery, or qualified by its name where no
    FROM around names it, is of. `columns`: the table's columns after the migration, in their order: a USING join
    of the table on the column still names it `old`, so Postgres prints the table with its columns' names after its
    name (`m3 m3(x, y)`, `m3 a(x, y)`) and its references to it as they were."""
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    if any(_folded(c.args["alias"].this) == table for c in tree.find_all(exp.CTE) if c.args.get("alias")):
        return None

    def ours(source: exp.Expression) -> bool:
        return isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier) \
            and _folded(source.this) == table and (source.db == schema if source.db else unqualified)

    joined = [n for j in tree.find_all(exp.Join) for i in j.args.get("using") or ()
              if isinstance(i, exp.Identifier) and _folded(i) == old
              for x in _join_inputs(j) for n in (x, *x.find_all(exp.Table)) if ours(n)]
    edits: list[tuple[int, int, str]] = []
    if joined and (columns is None or old in columns or new not in columns):
        return None  # (a USING join of the table on it: other tables' joins on a column of that name stay)
    for n in {id(n): n for n in joined}.values():
        alias = n.args.get("alias")
        named = alias.this if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier) else None
        if named is not None and alias.columns or "end" not in (named or n.this).meta:
            return None
        listed = "(" + ", ".join(format_type_ident(old if c == new else c) for c in columns) + ")"  # type: ignore
        edits.append((n.this.meta["end"] + 1, n.this.meta["end"] + 1, " " + format_type_ident(_folded(n.this)) + listed)
                     if named is None else (named.meta["end"] + 1, named.meta["end"] + 1, listed))
    forced = {id(n) for n in joined}
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
            found = next((s for select in scopes for s in items(select) if s.alias_or_name == col.table), None)
            if found is None and owner is not None and col.table == owner[1]:
                if owner != (schema, table):
                    continue
            elif found is None:
                return None
            elif not ours(found) or id(found) in forced:
                continue
        else:
            sources = items(scopes[0])
            if len(sources) != 1:
                return None
            if not ours(sources[0]) or id(sources[0]) in forced:
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


def outputs_renamed(text: str, moves: dict[int, tuple[str, str]]) -> Optional[str]:
    """A view's deparse after ALTER VIEW ... RENAME COLUMN of its output columns (`moves`: position -> (old, new)):
    pg_get_viewdef names each output column after the view's own column, `expr AS new`, but a column read under that
    very name bare (`s.new`); in a set operation (UNION, INTERSECT, EXCEPT, nested or parenthesised) every branch's
    SELECT so; a bare VALUES list (the view's names were column1, column2...: Postgres printed it bare) as the SELECT
    it then prints (values_renamed). None where a SELECT's list does not hold the column at that place (a `*`, text
    sqlglot cannot read): compared as it was."""
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    leaves = set_leaves(tree)
    values = [q for q in leaves if _bare_values(q) is not None]
    edits = values_renamed(text, [_bare_values(q) for q in values], moves,  # type: ignore[misc]
                           not isinstance(tree, exp.Values)) if values else []
    selects = [q for q in leaves if all(q is not v for v in values)]
    if edits is None or not all(isinstance(q, exp.Select) for q in selects) \
            or any(isinstance(e, exp.Star) for s in selects for e in s.expressions):
        return None
    for select, (at, (old, new)) in ((s, m) for s in selects for m in moves.items()):
        if at >= len(select.expressions):
            return None
        item = select.expressions[at]
        alias = item.args.get("alias") if isinstance(item, exp.Alias) else None
        if isinstance(alias, exp.Identifier):
            if _folded(alias) != old or "end" not in alias.meta:
                return None
            read = item.this.this if isinstance(item.this, exp.Column) else None
            if isinstance(read, exp.Identifier) and _folded(read) == new and "end" in read.meta:
                edits.append((read.meta["end"] + 1, alias.meta["end"] + 1, ""))  # (`s.new AS old`: now `s.new`)
            else:
                edits.append((alias.meta["start"], alias.meta["end"] + 1, format_type_ident(new)))
        elif isinstance(item, exp.Column) and isinstance(item.this, exp.Identifier) and _folded(item.this) == old \
                and "end" in item.this.meta:
            edits.append((item.this.meta["end"] + 1, item.this.meta["end"] + 1, f" AS {format_type_ident(new)}"))
        else:
            return None
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return _bare_again(text) or text


def _bare_again(text: str) -> Optional[str]:
    """`text` (a view's deparse, its columns renamed) as Postgres prints it where each SELECT of it reads a VALUES
    list's column1, column2... in order under those very names (the view's columns renamed back to Postgres's own):
    each such list bare again, `VALUES (...)`; None where it is not so."""
    try:
        leaves = set_leaves(parse_one(text, read="postgres"))
    except (SqlglotError, ValueError):
        return None
    for q in leaves:
        src = q.args.get("from_") if isinstance(q, exp.Select) else None
        if src is None or not isinstance(src.this, exp.Values) or src.this.alias != "*VALUES*" \
                or any(v for k, v in q.args.items() if k not in ("expressions", "from_")):
            return None
        for at, e in enumerate(q.expressions, 1):
            read = e.this if isinstance(e, exp.Alias) and e.alias == f"column{at}" else e
            if not isinstance(read, exp.Column) or read.name != f"column{at}" or read.table not in ("", "*VALUES*"):
                return None
    tokens = Dialect.get_or_raise("postgres").tokenize(text)
    edits, select = [], None
    for i, tok in enumerate(tokens):
        if tok.token_type == TokenType.SELECT:
            select = tok.start
        elif tok.token_type == TokenType.VALUES and select is not None and i and tokens[i - 1].token_type == TokenType.L_PAREN:
            depth, j = 1, i
            while depth and j + 1 < len(tokens):
                j += 1
                depth += (tokens[j].token_type == TokenType.L_PAREN) - (tokens[j].token_type == TokenType.R_PAREN)
            if depth or j + 1 >= len(tokens) or tokens[j + 1].text != "*VALUES*":
                return None
            edits.append((select, tokens[j + 1].end + 1, text[tok.start:tokens[j - 1].end + 1]))
            select = None
    if len(edits) != len(leaves):
        return None
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return text


def _bare_values(q: exp.Expression) -> Optional[exp.Values]:
    """The VALUES list a set operation's leaf (or the query) is where Postgres printed it bare: sqlglot reads a bare
    leaf of a set operation as `SELECT * FROM (VALUES ...) AS _values` (a `*` pg_get_viewdef never prints)."""
    if isinstance(q, exp.Values):
        return q
    source = q.args.get("from_") if isinstance(q, exp.Select) else None
    if source is not None and isinstance(source.this, exp.Values) and source.this.alias == "_values" \
            and [type(e) for e in q.expressions] == [exp.Star] \
            and not any(v for k, v in q.args.items() if k not in ("expressions", "from_")):
        return source.this
    return None


def values_renamed(text: str, lists: list[exp.Values], moves: dict[int, tuple[str, str]], qualified: bool
                   ) -> Optional[list[tuple[int, int, str]]]:
    """The edits (start, end, text) that make each bare VALUES list of `text` (`lists`, left to right: one view's, so
    its columns were named column1, column2...) the SELECT Postgres prints after the view's columns are renamed
    (`moves`): `SELECT "*VALUES*".column1 AS n, "*VALUES*".column2 FROM (VALUES ...) "*VALUES*"` in a set operation
    (`qualified`), `SELECT column1 AS n, column2 FROM ...` the whole query (16+'s print; 15 qualifies the columns
    there, compared alike: pg.views.sole_relation_unqualified). None where the lists are not found so in the text
    (one under ORDER BY or LIMIT), or a name moved was not columnN."""
    tokens = Dialect.get_or_raise("postgres").tokenize(text)
    spans = []
    for i, tok in enumerate(tokens):
        before = next((t for t in reversed(tokens[:i]) if t.token_type != TokenType.L_PAREN), None)
        if tok.token_type != TokenType.VALUES or before is not None and before.token_type not in _LEAF_AFTER:
            continue
        depth, end = 0, i
        for j in range(i + 1, len(tokens)):
            kind = tokens[j].token_type
            depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
            if depth < 0 or depth == 0 and (kind in _LEAF_AFTER or kind == TokenType.SEMICOLON):
                break
            if depth == 0 and kind in _QUERY_TAIL:
                return None
            end = j
        spans.append((tok.start, tokens[end].end + 1))
    if len(spans) != len(lists) or any(not v.expressions for v in lists):
        return None
    width = len(lists[0].expressions[0].expressions)
    if any(at >= width or old != f"column{at + 1}" for at, (old, _) in moves.items()):
        return None
    names = [moves[at][1] if at in moves else f"column{at + 1}" for at in range(width)]
    prefix = '"*VALUES*".' if qualified else ""
    listed = ", ".join(f"{prefix}column{at}" + ("" if name == f"column{at}" else f" AS {format_type_ident(name)}")
                       for at, name in enumerate(names, 1))
    return [(start, end, f"SELECT {listed} FROM ({text[start:end]}) \"*VALUES*\"") for start, end in spans]


# The tokens after which a set operation's leaf starts (and before which one ends), and those that end a query.
_LEAF_AFTER = frozenset((TokenType.UNION, TokenType.INTERSECT, TokenType.EXCEPT, TokenType.ALL, TokenType.DISTINCT))
_QUERY_TAIL = frozenset((TokenType.ORDER_BY, TokenType.LIMIT, TokenType.OFFSET, TokenType.FETCH))


def set_leaves(node: exp.Expression) -> list[exp.Expression]:
    """The SELECTs (or other queries) of a set operation, left to right; a query that is none: itself."""
    if isinstance(node, exp.Subquery):
        return set_leaves(node.unnest())
    if isinstance(node, exp.SetOperation):
        return set_leaves(node.this) + set_leaves(node.expression)
    return [node]


def rule_refs_renamed(text: str, old: str, new: str) -> Optional[str]:
    """A rule's condition or action (`text`) after RENAME COLUMN `old` TO `new` of the rule's own relation: Postgres
    prints its NEW.old and OLD.old as NEW.new and OLD.new (the stored tree names the column by number). None where
    sqlglot cannot read it."""
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    return _columns_renamed(tree, text, old, new, ("new", "old"))


def action_renamed(text: str, schema: str, table: str, old: str, new: str, owner: tuple[str, str],
                   columns: Optional[tuple[str, ...]] = None) -> Optional[str]:
    """A rule's action (`text`, pg_get_ruledef's statement) after RENAME COLUMN `old` TO `new` of `schema`.`table`:
    an INSERT into that table names the new column in its column list; NEW and OLD are the rule's relation, `owner`'s
    (the table: their references renamed, rule_refs_renamed). Another statement: as column_renamed edits a query
    (None where it cannot tell; `columns`, the table's after the migration, as column_renamed's)."""
    if owner == (schema, table):
        text = rule_refs_renamed(text, old, new)  # type: ignore[assignment]
        if text is None:
            return None
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    if isinstance(tree, (exp.Update, exp.Delete)) and not any(tree.args.get(k) for k in ("from_", "using", "with_")) \
            and next(tree.find_all(exp.Select, exp.Subquery), None) is None:
        return _one_target_renamed(tree, text, schema, table, old, new)
    if not isinstance(tree, exp.Insert):
        return column_renamed(text, schema, table, old, new, schema == "public", None, columns)
    target = tree.this
    relation = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(relation, exp.Table) or not isinstance(relation.this, exp.Identifier):
        return None
    if _folded(relation.this) != table or (relation.db or "public") != schema:
        return column_renamed(text, schema, table, old, new, schema == "public", None, columns)
    if any(_folded(c.this) == old and c.table.lower() not in ("new", "old")
           for c in tree.expression.find_all(exp.Column)):
        return None  # (the column read in the rows inserted: not told here)
    conflict = _conflict_names(tree.args.get("conflict"), relation, old)
    if conflict is None:
        return None
    return _spelled(text, [i for i in (target.expressions if isinstance(target, exp.Schema) else ())
                           if isinstance(i, exp.Identifier) and _folded(i) == old] + conflict, new)


def _conflict_names(conflict: Optional[exp.Expression], relation: exp.Table, old: str) -> Optional[list]:
    """The identifiers of an INSERT's ON CONFLICT clause that are its target's column `old`: bare in the conflict
    target (its index elements and predicate) and on the left of DO UPDATE's SET; qualified by the target's name (or
    alias) or EXCLUDED elsewhere (bare there, a name is not a column: Postgres refuses one both hold as ambiguous).
    None where it holds a subquery (its own names: not told)."""
    if conflict is None:
        return []
    if next(conflict.find_all(exp.Select, exp.Subquery), None) is not None:
        return None
    alias = relation.args.get("alias")
    named = _folded(alias.this) if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier) \
        else _folded(relation.this)
    bare = [n for n in list(conflict.args.get("conflict_keys") or ()) + [conflict.args.get("index_predicate")]
            + [e.this for e in conflict.expressions if isinstance(e, exp.EQ)] if n is not None]
    ids = [c.this for n in bare for c in n.find_all(exp.Column) if c.args.get("table") is None]
    ids += [c.this for c in conflict.find_all(exp.Column) if isinstance(c.args.get("table"), exp.Identifier)
            and _folded(c.args["table"]) in (named, "excluded")]
    return list({id(i): i for i in ids if isinstance(i, exp.Identifier) and _folded(i) == old}.values())


def _one_target_renamed(tree: exp.Expression, text: str, schema: str, table: str, old: str, new: str) -> Optional[str]:
    """An UPDATE or DELETE reading no relation but its target and NEW and OLD (no FROM, USING, WITH nor subquery),
    after RENAME COLUMN `old` of `schema`.`table`: where the target is that table, its columns `old` (bare, or
    qualified by its name or alias) print `new`; else it reads none of the table's (NEW and OLD: rule_refs_renamed)."""
    target = tree.this
    if not isinstance(target, exp.Table) or not isinstance(target.this, exp.Identifier):
        return None
    if _folded(target.this) != table or (target.db or "public") != schema:
        return text
    alias = target.args.get("alias")
    named = alias.this if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier) else target.this
    return _columns_renamed(tree, text, old, new, (None, _folded(named)))


def _columns_renamed(tree: exp.Expression, text: str, old: str, new: str, qualifiers: tuple) -> Optional[str]:
    """`text` (`tree`'s) with its columns `old` qualified by one of `qualifiers` (None: bare) spelled `new`."""
    def qualifier(c: exp.Column) -> Optional[str]:
        q = c.args.get("table")
        return None if q is None else _folded(q) if isinstance(q, exp.Identifier) else ""
    return _spelled(text, [c.this for c in tree.find_all(exp.Column) if isinstance(c.this, exp.Identifier)
                           and _folded(c.this) == old and qualifier(c) in qualifiers], new)


def _spelled(text: str, names: list[exp.Identifier], new: str) -> Optional[str]:
    """`text` with each of `names` (identifiers read from it) spelled `new`; None where one has no place in it."""
    if any("start" not in i.meta for i in names):
        return None
    for i in sorted(names, key=lambda i: i.meta["start"], reverse=True):
        text = text[:i.meta["start"]] + format_type_ident(new) + text[i.meta["end"] + 1:]
    return text
