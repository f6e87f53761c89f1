"""Row-level security and policies compared, table by table: ENABLE / FORCE ROW LEVEL SECURITY, and
each policy by name (its conditions by meaning, through the normalizer, as checks are)."""

from __future__ import annotations

from typing import Callable, Optional

from schemac.model.frozen import replace

from schemac.compare.changes import Change
from schemac.compare.column_renames import column_moves, with_column_renames
from schemac.compare.cast_types import casts_moved
from schemac.compare.normalize import same_expression, same_values
from schemac.model import Column, Policy, Table, expression_dropped
from schemac.pg.lazy import lazy
from schemac.pg.types import type_name

comparable_policy_text = lazy("schemac.pg.policies", "comparable_policy_text")
policy_refs = lazy("schemac.pg.policies", "policy_refs")
referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")
qualified_policy_text = lazy("schemac.pg.policies", "qualified_policy_text")
output_renames = lazy("schemac.pg.policies", "output_renames")
column_renamed = lazy("schemac.pg.query_renames", "column_renamed")


def _same(a: Optional[str], b: Optional[str], table: tuple[str, str], columns_of) -> bool:
    if a is None or b is None:
        return a is b
    if " AS " in a.upper() + b.upper() and output_renames(a) != output_renames(b):  # (a column renamed under one)
        return False
    if same_expression(a, b):
        return True
    a, b = (comparable_policy_text(qualified_policy_text(x, *table, columns_of)) for x in (a, b))
    return same_expression(a, b)


def same_policy(a: Policy, b: Policy, table: tuple[str, str] = ("public", ""), columns_of=lambda schema, name: None) -> bool:
    """Postgres prints a condition its own way: column references inside subqueries qualified (resolved
    as Postgres resolves them, with the tables' columns from `columns_of`), names outside the search path
    qualified, a subquery's outputs named: both sides pass through the same rewriting before comparing."""
    return ((a.command, a.permissive, a.roles) == (b.command, b.permissive, b.roles)
            and _same(a.using, b.using, table, columns_of) and _same(a.with_check, b.with_check, table, columns_of)
            and not casts_moved(a.using, b.using) and not casts_moved(a.with_check, b.with_check))


def _retyped(old: Table, new: Table, rebuilt: frozenset = frozenset()) -> set[str]:
    """The columns `new` declares with another type or collation than `old` has them, or of a type the
    migration re-creates (`rebuilt`: an enum, or a domain over one, retyped through text)."""
    was = {c.name: (c.type, c.collation) for c in old.columns}
    return {c.name for c in new.columns
            if was.get(c.name, (c.type, c.collation)) != (c.type, c.collation) or (c.name in was and type_name(c.type) in rebuilt)}


def generation_changed(old: Column, new: Column) -> bool:
    """Whether `new`'s generation expression or kind (STORED, VIRTUAL) is not `old`'s: by meaning, or, where the column
    is retyped too, by text. ALTER TYPE keeps the old expression under an implicit cast to the new type, which
    Postgres prints without it: `st_area(geometry)` where schema.yaml says `st_area(geometry)::numeric` (equal normal
    forms, another catalog than a database made from schema.yaml), so such a column is dropped and added again."""
    if not same_values(old.generated, new.generated) or old.virtual != new.virtual or \
            casts_moved(old.generated, new.generated):  # (`a * 1.0` is not `a * 1.00`)
        return True
    return old.generated != new.generated and (old.type, old.collation) != (new.type, new.collation)


def regenerated_columns(old: Table, new: Table, retyped: set[str]) -> set[str]:
    """The generated columns of `new` the migration drops and adds again (compare.tables, plan.planner): their
    expression or kind (STORED, VIRTUAL) changes, or a plain column becomes generated, or they read a column of
    `retyped`; a STORED one made plain keeps its values (DROP EXPRESSION). Postgres refuses DROP COLUMN under a
    policy that reads it, as ALTER COLUMN TYPE."""
    was = {c.name: c for c in old.columns}
    out = set()
    for c in new.columns:
        o = was.get(c.name)
        if o is None or not (o.generated or c.generated) or expression_dropped(o, c):
            continue
        if generation_changed(o, c) or (o.generated and referenced_columns(o.generated) & retyped):
            out.add(c.name)
    return out


def policy_changes(old: Optional[Table], new: Table, cause: Optional[str] = None,
                   columns_of=lambda schema, name: None, rebuilt: frozenset = frozenset(),
                   again: frozenset = frozenset()) -> list[Change]:
    """set_row_security, add/drop/alter_policy and set_policy_comment that turn `old` (None: a table this
    migration creates, with row-level security off and no policies) into `new`; `again`: its columns dropped and added
    again for another cause (a BEFORE trigger reading NEW's whole row: compare.tails_for_triggers)."""
    out: list[Change] = []

    def ch(kind: str, name: Optional[str], o: object, n: object) -> None:
        out.append(Change(kind, new.schema, new.name, name, o, n, new, cause))

    retyped: set[str] = set()
    if new.policies and old is not None and old.policies:
        old = with_column_renames(old, new)  # (RENAME COLUMN: Postgres's policies read the new name, kept as they are)
        retyped = _retyped(old, new, rebuilt)
        retyped |= regenerated_columns(old, new, retyped) | again  # dropped and added again: as retyped
    rls = (old.row_level_security, old.force_row_level_security) if old is not None else (False, False)
    if rls != (new.row_level_security, new.force_row_level_security):
        ch("set_row_security", None, old, new)
    if not new.policies and (old is None or not old.policies):
        return out
    cur = {p.name: p for p in (old.policies if old is not None else ())}
    des = {p.name: p for p in new.policies}
    for name, p in des.items():
        was = cur.get(name)
        if was is None:
            ch("add_policy", name, None, p)
        elif _over(was, retyped):  # Postgres refuses ALTER COLUMN TYPE under a policy: replaced around it
            # (around a function or operator dropped: compare.readers)
            why = "retype" if same_policy(was, p, new.key, columns_of) else cause  # changed too: reported
            out += [Change(k, new.schema, new.name, name, was, p, new, why)
                    for k in ("drop_policy", "add_policy") + (("set_policy_comment",) if p.comment else ())]
        elif not same_policy(was, p, new.key, columns_of):
            ch("alter_policy", name, was, p)
        if (getattr(was, "comment", None) or None) != (p.comment or None) and (was is not None or p.comment):
            ch("set_policy_comment", name, was, p)
    for name, p in cur.items():
        if name not in des:
            ch("drop_policy", name, p, None)
    return out


def _over(p: Policy, columns: set[str]) -> bool:
    """Whether the policy's conditions name one of `columns` (or a column of that name in a subquery)."""
    return bool(columns) and any(policy_refs(t)[0] & columns for t in (p.using, p.with_check) if t is not None)


def diff_policies(cur_tables: dict, des_tables: dict, rebuilt: frozenset = frozenset(), again: Optional[dict] = None) -> list[Change]:
    """Every table schema.yaml keeps; a new table's changes carry `cause` (reports leave them out: the
    missing table is the difference). `rebuilt`: the types (schema, name) the migration re-creates; `again`: (schema,
    table) -> its generated columns dropped and added again around a trigger (policy_changes)."""
    out: list[Change] = []
    columns_of = columns_in(des_tables)  # (its sets made for the tables a policy names: most have none)
    renames = table_renames(cur_tables, des_tables)
    for key, t in des_tables.items():
        old = cur_tables.get(key)
        if renames and old is not None and old.policies:
            old = others_renamed(old, renames)
        out += policy_changes(old, t, None if old is not None else "new table", columns_of, rebuilt,
                              (again or {}).get(key, frozenset()))
    return out


def columns_in(des_tables: dict) -> Callable[[str, str], Optional[set]]:
    """A table's columns by its key (schema, name), as schema.yaml declares them (None for no table of it), each
    set made once: a policy's subqueries' references resolved (same_policy)."""
    columns: dict[tuple[str, str], set[str]] = {}

    def columns_of(schema: str, name: str) -> Optional[set]:
        t = des_tables.get((schema, name))
        if t is None:
            return None
        if (schema, name) not in columns:
            columns[schema, name] = {c.name for c in t.columns}
        return columns[schema, name]
    return columns_of


def table_renames(cur_tables: dict, des_tables: dict) -> list[tuple[str, str, str, str]]:
    """(schema, table, old, new) of each RENAME COLUMN `renamed_from:` asks for, of a table no other schema has one of
    its name of (Postgres prints it unqualified)."""
    renames = [(*key, a, b) for key, t in des_tables.items() if any(c.renamed_from for c in t.columns)
               and key in cur_tables for a, b in column_moves(cur_tables[key], t)]
    return [r for r in renames if sum(k[1] == r[1] for k in des_tables) == 1]


def others_renamed(t: Table, renames: list[tuple[str, str, str, str]]) -> Table:
    """`t` with its policies' conditions as Postgres prints them after another table's RENAME COLUMNs `renames`
    ((schema, table, old, new) each) that a subquery of theirs reads (`m.a` is `m.c`): kept, not altered. A condition
    whose references pg.query_renames cannot tell apart stays as it was (altered, as before); the table's own renames
    are with_column_renames'."""
    def renamed(text: Optional[str]) -> Optional[str]:
        for schema, table, a, b in renames:
            if text is not None and (schema, table) != t.key and a.lower() in text.lower():
                text = column_renamed(text, schema, table, a, b, True, t.key) or text
        return text
    return replace(t, policies=tuple(replace(p, using=renamed(p.using), with_check=renamed(p.with_check))
                                     for p in t.policies))
