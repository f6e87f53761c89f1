"""Views and materialized views over a column renamed (`renamed_from:`): as Postgres has them after the RENAME COLUMN,
which rewrites their stored query (pg_get_viewdef then prints the new name), for compare.views to compare with the
desired ones. Without it a materialized view whose query the rename alone explains was dropped and made again (its
rows computed again, its indexes, comments and grants given back), a view replaced for nothing. So too a table's
policies and rules over a view's columns compare.views renames (members_after_view_renames)."""

from __future__ import annotations

from schemac.model.frozen import replace

from typing import Callable, Optional

from schemac.compare.attribute_readers import fields_followed, row_fields_followed
from schemac.compare.changes import Change
from schemac.compare.column_renames import _rename_in_table, column_moves, net_renames, with_column_renames
from schemac.compare.moves import as_current, written_only
from schemac.compare.policies import columns_in, others_renamed, same_policy, table_renames
from schemac.compare.rules import same_rule
from schemac.model import Column, Policy, Rule, Schema, Table, View
from schemac.pg.lazy import lazy
from schemac.pg.names import scratch_name

Renames = list[tuple[str, str, str, str]]  # (schema, relation, old column, new column), in the migration's order
# A view's output columns as its query names them, in the current schema (False) or the desired one (True)
Names = Callable[[View, bool], Optional[list[str]]]

column_renamed = lazy("schemac.pg.query_renames", "column_renamed")
outputs_renamed = lazy("schemac.pg.query_renames", "outputs_renamed")
action_renamed = lazy("schemac.pg.query_renames", "action_renamed")
rule_refs_renamed = lazy("schemac.pg.query_renames", "rule_refs_renamed")


def views_after_column_renames(cur: dict, others: list[Change], current: Optional[Schema] = None) -> None:
    """`cur` (key -> current view) with each view reading a column a rename_column of `others` renames as it is after
    it: its deparse (where pg.query_renames can tell each reference apart; else as it was) and what it reads.
    `current`: its tables, whose columns a USING join on a renamed column prints (_columns_after)."""
    renames, seen = [], set()
    for c in others:  # (a table's in the order they run: a cycle's through its scratch name, as column_renames has it)
        if c.kind == "rename_column" and isinstance(c.old, Column) and c.name and (c.schema, c.table) not in seen:
            renames += [(c.schema, c.table, a, b) for a, b in c.column_renames or ((c.old.name, c.name),)]
            seen |= {(c.schema, c.table)} if c.column_renames else set()
    if not renames:  # (most diffs)
        return
    columns = _columns_after(current, others) if current is not None else {}
    moved = tables_moved(others)  # (a view already names them anew, the model's tables not yet: compare.views)
    fields = row_fields_followed(current, net_by_relation(renames), moved) if current is not None else lambda v: v
    for key, v in cur.items():
        if written_only(v) or any(d.kind == "column" and (d.schema, d.name, d.column) == r[:3] for d in v.depends
                             for r in renames):  # (its fields of a renamed table's row type first: `(f(t.*)).old`)
            cur[key] = _renamed(fields(v), renames, columns)
    for key, v in cur.items():  # (its rules' actions as Postgres prints them after: `INSERT INTO t (new, ...)`)
        if v.rules:
            cur[key] = replace(v, rules=tuple(rule_renamed(r, renames, (v.schema, v.name)) for r in v.rules))


def tables_moved(changes: list[Change]) -> dict[tuple[str, str], tuple[str, str]]:
    """Each table `changes` rename or move (rename_table): old key -> new."""
    return {(c.old.schema, c.old.name): (c.schema, c.table) for c in changes if c.kind == "rename_table" and c.old}


def net_by_relation(renames: list[tuple[str, str, str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """Each table's (or view's) column names before the renames -> after them (through a cycle's scratch name too)."""
    moves: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, old, new in renames:
        moves.setdefault((schema, table), []).append((old, new))
    return {key: net_renames(m) for key, m in moves.items()}


def readers_after_column_renames(current: Schema, cur_tables: dict, des_tables: dict, tables: list[Change]) -> Schema:
    """`cur_tables` (key -> current table, updated) with their rules' actions after the RENAME COLUMNs of other tables
    that schema.yaml's `renamed_from:` asks for (rule_renamed): a rule inserting into such a table kept, not replaced;
    and with `current`'s functions and domains, what selects fields of those tables' row types (`(f(t.*)).old`) as
    Postgres prints it after them (attribute_readers.fields_followed): each kept. `tables`: the rename_table changes,
    whose old names a body still names."""
    renames = hinted_renames(cur_tables, des_tables)
    if not renames:  # (most diffs)
        return current
    for key, t in cur_tables.items():
        if t.rules:
            cur_tables[key] = replace(t, rules=tuple(rule_renamed(r, renames, key) for r in t.rules))
    after = fields_followed(replace(current, tables=tuple(cur_tables.values())), net_by_relation(renames),
                            tables_moved(tables))
    cur_tables.update((t.key, t) for t in after.tables)
    return replace(current, functions=after.functions, domains=after.domains)


def hinted_renames(cur_tables: dict, des_tables: dict) -> list[tuple[str, str, str, str]]:
    """(schema, table, old, new) of each RENAME COLUMN schema.yaml's `renamed_from:` asks for, each table's in the order
    they run (column_moves)."""
    return [(*key, a, b) for key, t in des_tables.items() if key in cur_tables and any(c.renamed_from for c in t.columns)
            for a, b in column_moves(cur_tables[key], t)]


def rule_renamed(r: Rule, renames: list[tuple[str, str, str, str]], owner: tuple[str, str]) -> Rule:
    """`r` (a rule on `owner`) with its actions after the renames of the columns they name, in the migration's order,
    and its condition after those of `owner`'s own (NEW.old, OLD.old); an action or condition pg.query_renames cannot
    tell as it was (then replaced, as before)."""
    actions = []
    for text in r.actions:
        after: Optional[str] = text
        for schema, table, old, new in renames:
            after = action_renamed(after, schema, table, old, new, owner) if after is not None else None
        actions.append(after if after is not None else text)
    own = tuple((old, new) for schema, table, old, new in renames if (schema, table) == owner)
    where = _own_refs_renamed(r.where, own) if r.where and own else r.where
    return replace(r, actions=tuple(actions), where=where) if (tuple(actions), where) != (r.actions, r.where) else r


# A table's changes after which its columns' order (attnum) is not told here: a generated column's new expression, which
# PostgreSQL 17+ sets in place and an older one by DROP and ADD COLUMN, at the end; a table made again.
_UNTOLD_ORDER = frozenset(("alter_generated", "add_table", "drop_table", "alter_partitioning", "set_of", "drop_of"))


def _columns_after(current: Schema, others: list[Change]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The columns of each table whose columns are renamed as Postgres holds them after the migration (attnum order):
    the current model's, renamed, those dropped gone, those added at the end in the order the migration adds them,
    whatever order schema.yaml declares them in (not compared). Left out where that order is not told: a change of
    _UNTOLD_ORDER on the table, or two columns added of which one is generated (the plan may add it after one
    declared after it, which it reads)."""
    was = as_current(others)
    tables = {t.key: t for t in current.tables}
    mine: dict[tuple[str, str], list[Change]] = {}
    for c in others:
        mine.setdefault((c.schema, c.table), []).append(c)
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for c in others:
        if c.kind != "rename_column" or c.table_def is None or (c.schema, c.table) in out:
            continue
        t = tables.get(was(c.schema, c.table))
        changes = mine[(c.schema, c.table)]
        added = [x.new.name for x in changes if x.kind == "add_column"]  # type: ignore[union-attr]
        if t is None or any(x.kind in _UNTOLD_ORDER for x in changes) or len(added) > 1 and any(
                x.kind == "add_column" and x.new.generated for x in changes):  # type: ignore[union-attr]
            continue
        names = tuple(col.name for col in t.columns)
        for a, b in c.column_renames:  # (in the migration's order: a chain's b -> c before a -> b)
            names = tuple(b if n == a else n for n in names)
        dropped = {x.old.name for x in changes if x.kind == "drop_column"}  # type: ignore[union-attr]
        out[(c.schema, c.table)] = tuple(n for n in names if n not in dropped) + tuple(added)
    return out


def _renamed(v: View, renames: list[tuple[str, str, str, str]],
             columns: dict[tuple[str, str], tuple[str, ...]], held: tuple[str, str] = ("", "")) -> View:
    """`v` after the renames of the columns it reads, in the migration's order. `held`: the key its `depends` names
    the relation by where it is not the one the renames name (a view renamed by `renamed_from:`: what reads it names
    it as it was, its deparse by its new name)."""
    # (written_only: its query as written, renamed alike, as Postgres prints it after the RENAME COLUMN; else it was
    # replaced for nothing. A relation it names unqualified is the migration's search_path's, public's)
    written = written_only(v)
    text, depends = v.query if written else v.definition, v.depends
    for schema, table, old, new in renames:
        key = held if held[1] else (schema, table)
        read = lambda d: d.kind == "column" and (d.schema, d.name, d.column) == (*key, old)  # noqa: E731
        if not written and not any(map(read, depends)):
            continue
        # (a relation of that name printed unqualified is this one unless the view reads another of its name)
        alone = schema == "public" if written else \
            not any(d.name == table and d.schema != schema for d in depends if d.kind in ("relation", "column"))
        text = column_renamed(text, schema, table, old, new, alone, None, columns.get((schema, table))) \
            if text is not None else None
        depends = tuple(replace(d, column=new) if read(d) else d for d in depends)
    if text is None:
        return replace(v, depends=depends)
    if written:
        return replace(v, query=text, depends=depends)
    return replace(v, definition=text, query=text if v.query == v.definition else v.query, depends=depends)


def views_after_output_renames(cur: dict, des: dict, same: Callable[[View, View], bool],
                               moved: Optional[dict[tuple, tuple]] = None,
                               names: Optional[Names] = None, replacing: bool = False,
                               current: Optional[Schema] = None) -> dict[tuple, tuple]:
    """key -> the RENAME COLUMNs (old, new), in the order they can run, of each view of `cur` whose columns schema.yaml
    names otherwise where renaming them alone makes it `des`'s (`same`), or, `replacing`, a plain view whose columns
    (as many, of the same types) the renames and then CREATE OR REPLACE VIEW make `des`'s (a column of a table renamed
    under `SELECT * FROM f()` of a function returning the table's row type: Postgres keeps the old name in the
    function's column list, `f() f(id, "Phone")`, which no RENAME COLUMN changes; probe53b): `cur` then holds it as it is after them
    (Postgres prints `expr AS new`, a column named after the new name bare: pg.query_renames.outputs_renamed), and the
    views reading those columns as they print them then (`v.new AS old`), which may be kept or renamed in turn. Else
    (a column renamed under a view whose output column follows it: `SELECT s.report` -> `SELECT s.polrep_id`) the view
    was dropped and made again: a materialized view's rows computed again, grants and dependents made again.
    `moved`: the views `renamed_from:` renames (old key -> new), whose readers' `depends` name them as they were.
    `names(view, desired)`: a view's output columns from its query where Postgres's are unknown (one known by its query
    as written only: PostGIS, which the throwaway server lacks), asked only of a view whose query differs. `current`:
    the schema read, whose functions' result types tell a reader's `(f(v.*)).old` of the view's row type, which
    Postgres prints `(f(v.*)).new AS old` (attribute_readers.row_fields_followed)."""
    found: dict[tuple, tuple] = {}
    was = {new: old for old, new in (moved or {}).items()}  # (a view renamed: its readers' depends name the old key)
    grown = True
    while grown:
        grown = False
        for key, new in des.items():
            old = cur.get(key)
            moves = _output_moves(old, new, names, same) if old is not None and key not in found else None
            after = _outputs_after(old, moves, names) if moves else None  # type: ignore[arg-type]
            if after is None or not (same(after, new) or replacing and _replaceable(old, new)):  # type: ignore[arg-type]
                continue
            cur[key], found[key], grown = after, moves, True
            renames = [(old.schema, old.name, a, b) for a, b in moves]  # type: ignore[union-attr, misc]
            held = was.get(key, key)
            fields = row_fields_followed(current, {held: net_renames(moves)}, moved) if current is not None \
                else lambda v: v
            for k, v in cur.items():  # (its readers as Postgres prints them after: `v.new AS old`; one known by its
                # query as written only, which names no column it reads, renamed where its text names the view's)
                if k != key and written_only(v) or any(
                        d.kind == "column" and (d.schema, d.name, d.column) == (*held, a) for d in v.depends
                        for a, _ in moves):
                    cur[k] = _renamed(fields(v), renames, {}, held)
    return found


def _replaceable(old: View, new: View) -> bool:
    """Whether renames then CREATE OR REPLACE VIEW may make `old` `new` (views_after_output_renames' `replacing`): plain
    views both known by their deparse, whose columns _output_moves matched by name and type; not one known by its query
    as written only, whose unnamed columns (`(SELECT max(x) ...)`) a guess would rename to '' (test_view_forms)."""
    return not (old.materialized or new.materialized) and old.definition is not None and new.definition is not None


def _output_moves(old: View, new: View, names: Optional[Names] = None,
                  same: Optional[Callable[[View, View], bool]] = None) -> Optional[tuple[tuple[str, str], ...]]:
    """The RENAME COLUMNs (old, new) that give `old`'s columns `new`'s names, where both deparses and their columns
    are known, as many and of the same types (or, a side known by its query as written only, as many columns as
    `names` reads in the two queries, which differ by `same`), in an order in which none takes a name another still
    holds (a name passed on along a chain; on a cycle, two names swapped, one set aside under a scratch name first,
    as plan.name_swaps does with relations); None where there is none, or the scratch name is a column's."""
    if old.output and new.output and old.definition is not None and new.definition is not None:
        if len(old.output) != len(new.output) or any(a.type != b.type for a, b in zip(old.output, new.output)):
            return None
        olds, news = [c.name for c in old.output], [c.name for c in new.output]
    elif names is None or same is None or not (written_only(old) or written_only(new)) or same(old, new):
        return None
    else:
        olds, news = _known_names(old, False, names), _known_names(new, True, names)
        if olds is None or news is None or len(olds) != len(news):
            return None
    pending = {a: b for a, b in zip(olds, news) if a != b}
    out: list[tuple[str, str]] = []
    while pending:
        ready = [a for a, b in pending.items() if b not in pending]
        if not ready:  # (a cycle: its first name set aside; the one taking it is then ready, the aside one last)
            first = next(iter(pending))
            aside = scratch_name(first)
            if any(c.name == aside for c in (*old.output, *new.output)):
                return None
            out.append((first, aside))
            pending[aside] = pending.pop(first)
            continue
        out += [(a, pending.pop(a)) for a in ready]
    return tuple(out) or None


def _known_names(v: View, desired: bool, names: Names) -> Optional[list[str]]:
    """A view's output columns: Postgres's where known, else `names`' reading of its query."""
    return [c.name for c in v.output] if v.output else names(v, desired)


def _outputs_after(v: View, moves: tuple[tuple[str, str], ...], named: Optional[Names] = None) -> Optional[View]:
    """`v` after ALTER [MATERIALIZED] VIEW ... RENAME COLUMN of each of `moves`: its deparse, columns, column grants,
    its rules' NEW and OLD (own_rules_renamed), and a materialized view's indexes and statistics (by attnum: they
    follow); None where the deparse cannot be told."""
    names = net_renames(moves)
    written = written_only(v)  # (its query as written, renamed alike: its columns' places as `named` reads them)
    columns = _known_names(v, False, named) if written and named is not None else [c.name for c in v.output]
    source = v.query if written else v.definition
    text = outputs_renamed(source, {i: (c, names[c]) for i, c in enumerate(columns) if c in names}) \
        if columns and source is not None else None
    if text is None:
        return None
    col = lambda c: replace(c, name=names.get(c.name, c.name))  # noqa: E731
    members = Table(name=v.name, schema=v.schema, indexes=v.indexes, statistics=v.statistics, triggers=v.triggers)
    for a, b in moves:
        members = _rename_in_table(members, a, b)
    return replace(v, definition=None if written else text,
                   query=text if written or v.query == v.definition else v.query,
                   output=tuple(map(col, v.output)), columns=tuple(map(col, v.columns)),
                   grants=tuple(replace(p, column=names.get(p.column, p.column)) if p.column else p for p in v.grants),
                   indexes=members.indexes, statistics=members.statistics, triggers=members.triggers,
                   rules=tuple(own_rules_renamed(r, moves) for r in v.rules))


def own_rules_renamed(r: Rule, moves: tuple[tuple[str, str], ...]) -> Rule:
    """`r` after RENAME COLUMN of each of `moves` (in their order) of its own relation: its actions and condition
    name them through NEW and OLD, which Postgres prints by their new names (pg.query_renames.rule_refs_renamed); a
    text it cannot read as it was (the rule then replaced)."""
    return replace(r, actions=tuple(_own_refs_renamed(a, moves) for a in r.actions),
                   where=_own_refs_renamed(r.where, moves) if r.where else r.where)


def _own_refs_renamed(text: str, moves: tuple[tuple[str, str], ...]) -> str:
    """A rule's action or condition after RENAME COLUMN of each of `moves` of its own relation (NEW.a, OLD.a); as it
    was where it cannot be read."""
    out: Optional[str] = text
    for a, b in moves:
        out = rule_refs_renamed(out, a, b) if out is not None else None
    return out if out is not None else text


def members_after_view_renames(changes: list[Change], views: list[Change], cur_tables: dict, des_tables: dict,
                               desired: Schema) -> list[Change]:
    """`changes` with the alter_policy and alter_rule of each table's policy or rule that, read as Postgres prints it
    after the views' RENAME COLUMNs (`views`: compare.views' changes, ALTER [MATERIALIZED] VIEW ... RENAME COLUMN alone
    or before an OR REPLACE), is schema.yaml's left out, and one added for each it leaves otherwise. A policy's
    subquery and a rule's action hold the view's column by its number, as a view's query does, and print its new name
    (`v.b = note` once a -> b; `v.b AS a` in a subquery's output), but their changes are made before compare.views
    renames the views: without this one schema.yaml writes as the renames leave it was altered for nothing, and one
    schema.yaml leaves naming a column the renames give another (two columns swapping names) was kept, silently
    reading the other column (a policy then another condition). An added one runs after the renames (plan.keys orders
    a policy and a rule after what makes the columns they name); so does one whose references are not told after
    them, altered as schema.yaml says. One dropped and made again, or added, is left as it is."""
    renames = [(c.schema, c.name, a, b) for c in views if c.kind in ("rename_view_column", "alter_view")
               for a, b in c.column_renames]
    if not renames or not any(t.policies or t.rules for t in cur_tables.values()):  # (most diffs)
        return changes
    altered = {(c.kind, c.schema, c.table, c.name): n for n, c in enumerate(changes) if c.kind in ("alter_policy", "alter_rule")}
    remade = {(c.kind.partition("_")[2], c.schema, c.table, c.name) for c in changes
              if c.kind in ("drop_policy", "add_policy", "drop_rule", "add_rule")}
    names = [t.name for t in desired.tables] + [v.name for v in desired.views]
    tables, columns_of = table_renames(cur_tables, des_tables), columns_in(des_tables)
    out, dropped = list(changes), set()
    for key, t in des_tables.items():
        old = cur_tables.get(key)
        if old is None or not (old.policies and t.policies or old.rules and t.rules):
            continue
        policies = with_column_renames(others_renamed(old, tables) if tables else old, t).policies if t.policies else ()
        kinds: tuple[tuple[str, tuple, tuple, Callable, Callable], ...] = (
            ("policy", policies, t.policies, lambda p: _policy_after(p, renames, names, key),
             lambda a, b: same_policy(a, b, key, columns_of)),
            ("rule", old.rules, t.rules, lambda r: _rule_after(r, renames, key), same_rule))
        for kind, olds, news, after_of, same in kinds:
            was = {m.name: m for m in olds}
            for m in news:
                q = was.get(m.name)
                if q is None or (kind, *key, m.name) in remade:
                    continue
                after = after_of(q)
                if after == q:  # (it reads none of the columns renamed)
                    continue
                n = altered.get((f"alter_{kind}", *key, m.name))
                if n is not None:
                    if after is not None and same(after, m):
                        dropped.add(n)
                elif after is None or not same(after, m):
                    out.append(Change(f"alter_{kind}", t.schema, t.name, m.name, q, m, t))
    return [c for n, c in enumerate(out) if n not in dropped]


def _policy_after(p: Policy, renames: Renames, names: list[str], owner: tuple[str, str]) -> Optional[Policy]:
    """`p` with its conditions after the RENAME COLUMNs `renames` of views, in their order (a view printed unqualified
    is the one renamed where no other table or view of schema.yaml holds its name); None where a reference is not
    told."""
    def renamed(text: Optional[str]) -> Optional[str]:
        for schema, view, a, b in renames:
            if text is not None and a.lower() in text.lower() and view.lower() in text.lower():
                text = column_renamed(text, schema, view, a, b, names.count(view) == 1, owner)
        return text
    using, check = renamed(p.using), renamed(p.with_check)
    if (using is None) != (p.using is None) or (check is None) != (p.with_check is None):
        return None
    return replace(p, using=using, with_check=check)


def _rule_after(r: Rule, renames: Renames, owner: tuple[str, str]) -> Optional[Rule]:
    """`r` (a rule of the table `owner`) with its actions after the RENAME COLUMNs `renames` of views, in their order
    (pg.query_renames.action_renamed: an INSERT into the view names the new column in its list); its WHERE reads no
    other relation. None where a reference is not told."""
    actions = []
    for text in r.actions:
        for schema, view, a, b in renames:
            if text is not None and a.lower() in text.lower() and view.lower() in text.lower():
                text = action_renamed(text, schema, view, a, b, owner)
        if text is None:
            return None
        actions.append(text)
    return replace(r, actions=tuple(actions))
