"""Rules and policies created again around a change of another relation they read, or around a function or
an operator they use, dropped and created again: every reader kind in one pass.

Postgres resolves a rule's actions and a policy's conditions when they are created and records what they
read (pg_depend), as it does for a view's query: it refuses to drop a view, or to drop or change the type of
a column, that one reads, and to drop a function or an operator one uses. So each rule or policy reading a
relation that a change drops (a view re-created too) or changes a column of (a table's row read through a function
returning it too, `FROM all_t() x`: compare.function_rows), or using a function or operator
a change drops (compare.around says which), is dropped before and created again after (plan.keys gives them
the relations' columns, the functions and the operators as refs, which orders the two steps). Which columns
it reads is not told apart: one more than needed loses nothing. A rule of a view re-created comes back with
its view (compare.views); a rule of a table whose own column it may read (NEW.c in its WHERE) is dropped or
retyped goes the same way; a policy over a column of its own table retyped is already replaced around it
(compare.policies). A rule or policy changed anyway goes the same way, in two steps instead of in place, and
is still reported as changed (its add carries the old one, without a cause)."""

from __future__ import annotations

from typing import Iterable, Optional

from schemac.compare.around import gained_overloads, recreated_uses
from schemac.compare.changes import GENERATED_REBUILT, Change
from schemac.compare.moves import views_moved
from schemac.compare.policies import _over as policy_over
from schemac.compare.routine_dependents import FUNCTION_REBUILT, dropped_functions
from schemac.compare.function_rows import function_rows, rows_through
from schemac.compare.views import stand_in
from schemac.model import Policy, Rule, Schema, Table, View
from schemac.pg.lazy import lazy

statement_refs = lazy("schemac.pg.sqlbody", "statement_refs")
policy_refs = lazy("schemac.pg.policies", "policy_refs")

READ_REBUILT = "re-created around a change of a relation it reads"
_UNDER = ("alter_column_type", "drop_column", "alter_generated", "drop_table", "drop_view")


def rule_relations(r: Rule) -> frozenset[tuple[str, ...]]:
    """(schema, name) of the relations a rule's actions name (`public` when unqualified)."""
    return frozenset(x for a in r.actions for x in statement_refs(a)[0])


def policy_relations(p: Policy) -> frozenset[tuple[str, ...]]:
    """(schema, name) of the relations a policy's conditions name (`public` when unqualified)."""
    return frozenset(x for text in (p.using, p.with_check) if text is not None for x in policy_refs(text)[1])


def _called(obj: Rule | Policy) -> set[tuple[str, str]]:
    """(schema, name) of the functions a rule's actions or a policy's conditions call."""
    if isinstance(obj, Rule):
        return {f for a in obj.actions for f in statement_refs(a)[1]}
    return {f for text in (obj.using, obj.with_check) if text is not None for f in policy_refs(text)[2]}


def _texts(obj: Rule | Policy) -> tuple[Optional[str], ...]:
    return (obj.where, *obj.actions) if isinstance(obj, Rule) else (obj.using, obj.with_check)


def readers_around(changes: list[Change], current: Schema, desired: Schema,
                   renamed: Optional[dict[tuple[str, str], tuple[str, str]]] = None) -> list[Change]:
    """`changes` with each rule and policy that reads a relation changed under it, or uses a function or an
    operator dropped, or a name gaining an overload (around.gained_overloads), dropped before and created again after
    (see the module's docstring). `renamed`: the tables the migration renames, (schema, old name) -> (schema, new
    name): a reader of another table names one by its old name (its text is as the database printed it before the
    RENAME), while the changes under it name it by its new one."""
    under = {(c.schema, c.table or c.name) for c in changes if c.kind in _UNDER}
    # A renamed table's policies read the views renamed by their new names (compare.moves.policies_over_renamed_views),
    # a view dropped to be made again by its old one: both read it (else left over the DROP VIEW: 'cannot drop view')
    under |= {new for old, new in views_moved(current, desired).items() if old in under}
    renamed = renamed or {}
    anew = set(renamed.values())  # (a renamed table's own readers: compare.differ gave them their new names already)

    rows = function_rows(current)

    def read(obj: Rule | Policy, owner: tuple[str, str]) -> frozenset:
        rels = rule_relations(obj) | {owner} if isinstance(obj, Rule) else policy_relations(obj)
        rels |= rows_through(_called(obj), rows)  # (a table's row read through a function: `FROM all_t() x(id, c)`)
        return rels if owner in anew else frozenset(renamed.get(r, r) for r in rels)
    uses = recreated_uses(changes, gained_overloads(current, desired))
    functions = dropped_functions(changes)  # a rule's actions are statements: their calls read as such
    regenerated: dict[tuple[str, str], set[str]] = {}  # generated columns dropped and added around a function
    for c in changes:  # (compare.around; those compare.tables drops, compare.policies moved their policies around)
        if c.kind == "drop_column" and c.cause == GENERATED_REBUILT:
            regenerated.setdefault((c.schema, c.table), set()).add(c.name)  # type: ignore[arg-type]

    def why(obj: Rule | Policy, owner: tuple[str, str]) -> Optional[str]:
        # A rule reads its own table's columns too (NEW.c, OLD.c: pg_depend holds them, and ALTER ... TYPE refuses)
        if read(obj, owner) & under:
            return READ_REBUILT
        if isinstance(obj, Policy) and owner in regenerated and policy_over(obj, regenerated[owner]):
            return GENERATED_REBUILT  # (a policy over its own table's column: Postgres refuses the DROP COLUMN)
        if isinstance(obj, Rule) and functions and any(statement_refs(a)[1] & functions for a in obj.actions):
            return FUNCTION_REBUILT
        return uses(*_texts(obj)) if uses is not None else None

    if not under and uses is None:
        return changes
    gone = {(c.schema, c.table or c.name) for c in changes if c.kind in ("drop_table", "drop_view")}
    handled = {(c.kind, c.schema, c.table, c.name) for c in changes}
    targets = {**{t.key: t for t in desired.tables}, **{(v.schema, v.name): v for v in desired.views}}
    moved: list[tuple[str, Table | View, Rule | Policy, Rule | Policy, str]] = []  # (kind, owner, old, new, cause)
    for owner in (*current.tables, *current.views):
        key = (owner.schema, owner.name)
        if key in gone or key not in targets:
            continue
        for kind, objects in (("rule", owner.rules), ("policy", getattr(owner, "policies", ()))):
            for obj in objects:
                new = _named(getattr(targets[key], "policies" if kind == "policy" else "rules", ()), obj.name)
                if new is not None and ("drop_" + kind, *key, obj.name) not in handled and (cause := why(obj, key)):
                    moved.append((kind, owner, obj, new, cause))
    if not moved:
        return changes
    again = {(kind, o.schema, o.name, obj.name) for kind, o, obj, _, _ in moved}

    def replaced(c: Change) -> bool:
        return c.kind in ("alter_rule", "set_rule_comment", "alter_policy", "set_policy_comment") and \
            ("rule" if "rule" in c.kind else "policy", c.schema, c.table, c.name) in again
    out = [c for c in changes if not replaced(c)]
    edits = {(c.kind.split("_")[0], c.schema, c.table, c.name) for c in changes if replaced(c)}
    for kind, owner, old, new, cause in moved:
        target, key = _relation(targets[(owner.schema, owner.name)]), (owner.schema, owner.name, old.name)
        edited = ("alter", *key) in edits  # reported as changed by its add, as compare.policies does
        out.append(Change("drop_" + kind, *key, old, new if edited else None, _relation(owner), cause))
        out.append(Change("add_" + kind, *key, old if edited else None, new, target, None if edited else cause))
        if ("set", *key) in edits:
            out.append(Change(f"set_{kind}_comment", *key, old, new, target))
        elif new.comment:
            out.append(Change(f"set_{kind}_comment", *key, None, new, target, cause))
    return out


def _named(objects: Iterable, name: str) -> Optional[object]:
    return next((x for x in objects if x.name == name), None)


def _relation(owner: Table | View) -> Table:
    """The table the DDL names (a view's stand-in, as compare.views diffs a view's rules)."""
    return owner if isinstance(owner, Table) else stand_in(owner, False)
