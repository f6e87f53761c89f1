"""What uses a function or an operator dropped and created again, made again around it: one pass for both.

A function whose signature or result changes cannot be replaced in place (compare.types.replaceable), and
an operator changed beyond RESTRICT and JOIN (compare.operators): each is dropped and created. Postgres
refuses DROP FUNCTION and DROP OPERATOR while an index, a CHECK, an EXCLUDE, extended statistics, a default
or a generated column of a table, a trigger's WHEN or a domain's CHECK or DEFAULT uses it, so each of those
is dropped before and created again after, with its comment (`recreated_uses` says what uses either; the
readers, rules and policies, are compare.readers'; views, compare.views'). A partition key that uses one
cannot be made again without the table's rows: the plan refuses it (plan.planner). (A trigger's function
has no arguments to change: a trigger moved to another function is its own change.) Calls are matched by
schema and name, operators by schema and symbol (overloads alike: re-creating one more object than
needed loses nothing). The same holds for an attribute of a composite type dropped or retyped (ALTER TYPE ...
DROP / ALTER ATTRIBUTE) under what selects it (`(cc).y`), matched by the attribute's name (changed_attributes).
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Callable, Iterable, Optional

from schemac.compare.changes import COLLATION_ASIDE, ENUM_REBUILT, GENERATED_REBUILT, MERGED_COPY, Change
from schemac.compare.column_renames import column_moves, net_renames
from schemac.compare.function_rows import ROW_READ_REBUILT, changed_columns, reads_changed_row
from schemac.compare.regenerated_keys import keys_over
from schemac.compare.routine_dependents import FUNCTION_REBUILT, calls, dropped_functions
from schemac.compare.table_triggers import trigger_made_again
from schemac.model import Check, Exclusion, Function, Schema, Table, names_a_column
from schemac.pg.column_storage import has_settings
from schemac.pg.names import constraint_name
from schemac.pg.lazy import lazy

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")
used_operators = lazy("schemac.pg.expressions", "used_operators")
named_types = lazy("schemac.pg.verbatim", "named_types")
selected_fields = lazy("schemac.pg.verbatim", "selected_fields")

OPERATOR_REBUILT = "re-created around an operator dropped and created again"
TYPE_NAMED_REBUILT = "re-created around a type it names, set aside and created again"
ATTRIBUTE_REBUILT = "re-created around an attribute of a composite type it reads, dropped or retyped"
OVERLOAD_REBUILT = "re-created after an overload of a function it calls, which a fresh build would call"

# texts -> why what holds them is made again around this migration's drops (None: it uses none of them).
Uses = Callable[..., Optional[str]]


def dropped_operators(changes: Iterable[Change]) -> set[tuple[str, str]]:
    """(schema, symbol) of the operators `changes` drop, for good or to create them again."""
    return {(c.schema, c.old.name) for c in changes if c.kind == "drop_operator"}  # type: ignore[union-attr]


COMPOSITE_ASIDE = "composite type set aside with its enum"  # (compare.range_holders.composite_set_aside)


def sets_aside(c: Change) -> bool:
    """An enum re-created (values removed or reordered), or a domain or range type over one (ENUM_REBUILT), or a
    composite type held by a column (COMPOSITE_ASIDE), or a used collation changed (COLLATION_ASIDE): its old self
    renamed aside, the new one created, what uses it moved to the new one, the old one dropped at the end."""
    return c.kind == "alter_enum" or (c.kind in ("alter_domain", "alter_range_type") and c.cause == ENUM_REBUILT) \
        or (c.kind == "alter_composite_type" and c.cause == COMPOSITE_ASIDE) or \
        (c.kind == "alter_collation" and c.cause == COLLATION_ASIDE)


def set_aside_types(changes: Iterable[Change]) -> set[tuple[str, str]]:
    """(schema, name) of the enums, domains and range types (their multiranges too) `changes` set aside and create
    again (sets_aside): the old type is dropped at the end, under whatever still names it."""
    return {key for c in changes if sets_aside(c) for key in
            ((c.schema, c.name),) + ((c.old.multirange_key,)  # type: ignore[union-attr]
                                     if c.kind == "alter_range_type" else ())}


def changed_attributes(changes: Iterable[Change]) -> dict[str, set[tuple[str, str]]]:
    """attribute name -> (schema, name) of the composite types whose attribute of that name `changes` drop or
    retype (ALTER TYPE ... DROP / ALTER ATTRIBUTE): Postgres refuses either while an expression reads it (`(cc).y`:
    pg_depend on the type's relation and the attribute's number)."""
    out: dict[str, set[tuple[str, str]]] = {}
    for c in changes:
        if c.kind == "alter_composite_type":
            for _, schema, name, attribute in attributes_made_removed(c)[1]:
                out.setdefault(attribute, set()).add((schema, name))
    return out


def readded_attributes(old, new) -> list[str]:
    """The attributes of composite type `new` dropped and added again where a column holds the type (Postgres refuses
    ALTER ATTRIBUTE ... TYPE then): each retyped one (or given another collation), and every one kept after the first
    (ADD ATTRIBUTE appends: so they keep schema.yaml's order). Their values in every column of the type are lost."""
    olds = {a.name: a for a in old.attributes}
    changed = [n for n, a in enumerate(new.attributes) if a.name in olds
               and (olds[a.name].type, olds[a.name].collation) != (a.type, a.collation)]
    return [a.name for a in new.attributes[changed[0]:] if a.name in olds] if changed else []


def readded(c: Change) -> list[str]:
    """readded_attributes of an alter_composite_type under a column of the type (`table_def`: compare.usertypes), one
    retyped to an enum or domain made again (ENUM_REBUILT: from the set-aside type) too."""
    if c.kind != "alter_composite_type" or c.table_def is None:
        return []
    return readded_attributes(c.old, c.new)


def attributes_made_removed(c: Change) -> tuple[set[tuple], set[tuple]]:
    """The keys ("column", schema, type, attribute) of the attributes an alter_composite_type makes (added,
    retyped, added again: readded) and removes (dropped, retyped, dropped to be added again; a type set aside whole,
    COMPOSITE_ASIDE, removes only those its DROP ATTRIBUTE drops in place)."""
    olds = {a.name: a for a in c.old.attributes}  # type: ignore[union-attr]
    news = {a.name: a for a in c.new.attributes}  # type: ignore[union-attr]
    made, removed = set(), set()
    again = set(readded(c))
    for name in olds.keys() | news.keys():
        was, now = olds.get(name), news.get(name)
        if was is not None and now is not None and (was.type, was.collation) == (now.type, now.collation) \
                and name not in again:
            continue
        key = ("column", c.schema, c.name, name)
        if now is not None:
            made.add(key)
        if was is not None and (now is None or c.cause != COMPOSITE_ASIDE):  # (set aside whole: a kept one, retyped,
            removed.add(key)  # stays on the one set aside, which what reads it leaves before its drop at the end)
    return made, removed


def _arities(f: Function) -> tuple[int, float]:
    """The fewest and the most arguments a call of `f` may pass (its defaults left out, or a VARIADIC's many)."""
    given = [a for a in f.arguments if a.mode != "out"]
    most = float("inf") if any(a.mode == "variadic" for a in given) else len(given)
    return len([a for a in given if a.default is None and a.mode != "variadic"]), most


def gained_overloads(current: Schema, desired: Schema) -> frozenset[tuple[str, str]]:
    """(schema, name) of the functions `desired` gives an overload `current` lacks, beside one `current` has that
    takes as many arguments: Postgres binds a call when it stores an expression, so an index, a CHECK, a default or a
    generated column made before keeps calling the old overload where a fresh build calls the new one, a better
    match (hr(bigint, ...) beside hr(numeric, ...) over a bigint column: its deparse `hr((score)::numeric, ...)`,
    whose promotion cast the normal form drops). What calls the name is made again after the CREATE FUNCTION
    (around_recreated); by name, as calls are matched. (Asked three times a diff, of the same two lists of functions:
    the last answer is kept with those very tuples, and given for them only; the model is immutable.)"""
    last = _gained[0]
    if last is not None and last[0] is current.functions and last[1] is desired.functions:
        return last[2]
    had: dict[tuple[str, str], list[Function]] = {}
    for f in current.functions:
        had.setdefault((f.schema, f.name), []).append(f)
    out = set()
    for f in desired.functions:
        olds = had.get((f.schema, f.name))
        if not olds or f.identity in {o.identity for o in olds}:
            continue  # (most: no overload gained, no arities worked out)
        low, high = _arities(f)
        if any(lo <= high and low <= hi for lo, hi in map(_arities, olds)):
            out.add((f.schema, f.name))
    _gained[0] = (current.functions, desired.functions, frozenset(out))
    return _gained[0][2]


_gained: list[Optional[tuple[tuple, tuple, frozenset]]] = [None]  # gained_overloads' last answer


def recreated_uses(changes: list[Change], gained: frozenset = frozenset(), rows: Optional[dict] = None) -> Optional[Uses]:
    """Whether expressions use a function or an operator `changes` drop, or name a type they set aside and
    create again (a cast, `'admin'::app_role`, in a policy, a CHECK or a trigger's WHEN over no column of it:
    Postgres refuses DROP TYPE under it), or select an attribute of a composite type they drop or retype
    (`(cc).y`: changed_attributes, matched by name), or call a name of `gained` (gained_overloads), or select a column
    they retype or drop of a table's row a function returns (`rows`: compare.function_rows), as the cause of what holds
    them made again around it; None when they change none of those."""
    functions, operators, types = dropped_functions(changes), dropped_operators(changes), set_aside_types(changes)
    attributes = changed_attributes(changes).keys()
    columns = changed_columns(changes) if rows else {}
    if not functions and not operators and not types and not attributes and not gained and not columns:
        return None

    def uses(*texts: Optional[str]) -> Optional[str]:
        if functions and calls(functions, *texts):
            return FUNCTION_REBUILT
        if gained and calls(gained, *texts):
            return OVERLOAD_REBUILT
        if operators and any(t and used_operators(t) & operators for t in texts):
            return OPERATOR_REBUILT
        if types and any(t and named_types(t) & types for t in texts):
            return TYPE_NAMED_REBUILT
        if attributes and any(t and selected_fields(t) & attributes for t in texts):
            return ATTRIBUTE_REBUILT
        if columns and any(t and reads_changed_row(t, columns, rows) for t in texts):  # type: ignore[arg-type]
            return ROW_READ_REBUILT
        return None
    return uses


def split_around_recreated(changes: list[Change]) -> list[Change]:
    """`changes` with a generated column's own change (alter_generated) and a trigger's (alter_trigger) split in two
    where the old expression (or WHEN) uses a function or operator they drop and create again: each is one step,
    which reads the old function and the new one, so it ran after CREATE FUNCTION and Postgres refused the DROP
    under the old. The column is dropped before and added after (its values are derived), the trigger too; with
    the comment, settings and state a new one would take (unless `changes` set them already). A generated column or
    an index renamed (renamed_from) is dropped under its old name and made under its new one instead of the RENAME:
    a DROP under the new name would be ordered before the RENAME that gives it."""
    uses = recreated_uses(changes)
    if uses is None:
        return changes
    had = {(c.kind, c.schema, c.table, c.name) for c in changes}
    # (a generated column renamed is added once, by its own alter_generated where it has one)
    renamed = {(c.schema, c.table, c.name) for c in changes if c.kind == "rename_column" and
               c.old.generated and c.new.generated and uses(c.old.generated)}  # type: ignore[union-attr]
    out: list[Change] = []
    for c in changes:
        old, new = c.old, c.new
        again = (lambda kind: (kind, c.schema, c.table, c.name) not in had)  # noqa: E731
        if c.kind == "rename_index" and (why := uses(old.where, *(e.expression for e in old.elements))):  # type: ignore
            out += [replace(c, kind="drop_index", name=old.name, new=None, cause=why),  # type: ignore[union-attr]
                    replace(c, kind="add_index", old=None, cause=why)]
            if new.comment and again("set_index_comment"):  # type: ignore[union-attr]
                out.append(replace(c, kind="set_index_comment", old=None, cause=why))
            continue
        if c.kind == "rename_column" and (c.schema, c.table, c.name) in renamed:
            out.append(replace(c, kind="drop_column", name=old.name, new=None, cause=GENERATED_REBUILT))  # type: ignore
            if not again("alter_generated"):
                continue  # (added by it)
            c = replace(c, kind="alter_generated")  # added below, as a changed one's is
        if c.kind == "alter_generated" and new.generated and uses(old.generated):  # type: ignore[union-attr]
            out += ([] if (c.schema, c.table, c.name) in renamed else  # (dropped under its old name)
                    [replace(c, kind="drop_column", new=None, cause=GENERATED_REBUILT)]) + \
                [replace(c, kind="add_column", old=None, cause=GENERATED_REBUILT)]
            if new.comment and again("set_column_comment"):  # type: ignore[union-attr]
                out.append(replace(c, kind="set_column_comment", old=None, cause=GENERATED_REBUILT))
            if has_settings(new) and \
                    again("set_column_settings"):  # type: ignore[arg-type]
                out.append(replace(c, kind="set_column_settings", old=None, cause=GENERATED_REBUILT))
        elif c.kind == "alter_trigger" and (why := uses(old.when)):  # type: ignore[union-attr]
            out += [replace(c, kind="drop_trigger", new=None, cause=why),
                    replace(c, kind="add_trigger", old=None, cause=why)]
            if new.enabled != "origin" and again("set_trigger_enabled"):  # type: ignore[union-attr]
                out.append(replace(c, kind="set_trigger_enabled", old=None, cause=why))
            if new.comment and again("set_trigger_comment"):  # type: ignore[union-attr]
                out.append(replace(c, kind="set_trigger_comment", old=None, cause=why))
        else:
            out.append(c)
    return out


def domains_around_recreated(changes: list[Change], current: Schema, desired: Schema) -> list[Change]:
    """`changes` with each domain whose CHECK or DEFAULT uses a function or operator they drop (and create
    again) changed in two steps: those dropped before (Postgres refuses the DROP under them), then the
    domain's desired form after it is created again (any change of the domain itself, planned in one
    `alter_domain`, goes with that second step); so too around a name gaining an overload (gained_overloads)."""
    uses = recreated_uses(changes, gained_overloads(current, desired))
    if uses is None:
        return changes
    des = {(d.schema, d.name): d for d in desired.domains}
    rebuilt = {(c.schema, c.name) for c in changes if c.kind == "alter_domain" and c.cause == ENUM_REBUILT}
    out = changes
    for old in current.domains:
        key = (old.schema, old.name)
        new = des.get(key)
        why = {c.name: uses(c.expression) for c in old.checks}
        calling = {name for name, cause in why.items() if cause}
        default = uses(old.default) if old.default else None  # its DEFAULT using it holds it too
        if new is None or new.type != old.type or key in rebuilt or not (calling or default):
            continue  # dropped, or re-created (its CHECKs go with it), or using none of them
        cause = default or next(why[n] for n in calling)
        out = [c for c in out if not (c.kind == "alter_domain" and (c.schema, c.name) == key)]
        without = replace(old, checks=tuple(c for c in old.checks if c.name not in calling),
                          default=None if default else old.default)
        out.append(Change("alter_domain", old.schema, "", old.name, old, without, None, cause))
        out.append(Change("alter_domain", new.schema, "", new.name, without, new, None, cause))
    return out


def around_recreated(changes: list[Change], cur_tables: dict, des_tables: dict,
                     gained: frozenset = frozenset(), rows: Optional[dict] = None) -> list[Change]:
    """The table objects (of tables kept, or views' stand-ins) dropped before and made again after the
    functions and operators `changes` drop, or the overloads of `gained` (gained_overloads) they make, unless
    `changes` already touch them; so around a column retyped or dropped of a table's row a function of `rows` returns."""
    uses = recreated_uses(changes, gained, rows)
    if uses is None:
        return []
    touched = {(c.kind, c.schema, c.table, c.name) for c in changes}
    touched |= {(c.kind, c.schema, c.table, constraint_name(c.table_def, c.old)) for c in changes  # (an unnamed
                if c.kind == "drop_constraint" and c.name is None and isinstance(c.old, Exclusion) and c.table_def}  # one)
    out: list[Change] = []
    for key, old_t in cur_tables.items():
        new_t = des_tables.get(key)
        if new_t is not None:
            parents = [cur_tables.get((q.schema, q.name)) for q in old_t.inherits]
            p = old_t.partition_of
            up = parents + ([cur_tables.get((p.parent_schema, p.parent))] if p is not None else [])
            out += _table(old_t, new_t, uses, lambda kind, name: (kind, new_t.schema, new_t.name, name) in touched,
                          {c.name for q in parents if q is not None for c in q.checks if not c.no_inherit},
                          {c.name for q in up if q is not None for c in q.columns})
    return out


def _table(old_t: Table, new_t: Table, uses: Uses, touched: Callable[[str, Optional[str]], bool],
           inherited: set, from_parents: set) -> list[Change]:
    """`inherited`: the names of the CHECKs its INHERITS parents pass down (a copy it declares too is merged);
    `from_parents`: the columns a parent has (its DROP and ADD COLUMN carry a generated one down)."""
    out: list[Change] = []

    def ch(kind: str, name: Optional[str], old: object, new: object, cause: str) -> None:
        out.append(Change(kind, new_t.schema, new_t.name, name, old, new, new_t, cause))

    def again(kind: str, name: str, old: object, new, cause: str) -> None:
        """drop_, add_ and the comment of a constraint, index or statistics object."""
        ch(f"drop_{kind}", name, old, new, cause)
        ch(f"add_{kind}", name, old, new, cause)
        if new.comment and not touched(f"set_{kind}_comment", name):
            ch(f"set_{kind}_comment", name, old, new, cause)
        if kind == "statistics" and new.owner is not None and not touched("set_statistics_owner", name):
            ch("set_statistics_owner", name, old, new, cause)  # created again by the migration's role

    # Generated columns that use it are dropped and added again: the indexes and CHECKs over them go with the
    # DROP COLUMN, so they are made again too.
    new_cols = {c.name: c for c in new_t.columns}
    # a column renamed (renamed_from): its default under its new name, one of two swapping names or of a rotation too
    moved = net_renames(column_moves(old_t, new_t))
    regenerated: set[str] = set()
    for col in old_t.columns:
        n = new_cols.get(moved.get(col.name, col.name))
        if n is not None and col.generated and n.generated and n.name != col.name and uses(col.generated):
            regenerated.add(col.name)  # (renamed: split_around_recreated drops and adds it; what is over it goes too)
        if n is None or touched("drop_column", col.name) or touched("alter_generated", col.name):
            continue
        if col.generated and n.generated and n.name == col.name and col.name not in from_parents and \
                uses(col.generated):
            regenerated.add(col.name)
            ch("drop_column", col.name, col, None, GENERATED_REBUILT)
            ch("add_column", col.name, None, n, GENERATED_REBUILT)
            if n.comment:
                ch("set_column_comment", col.name, None, n, GENERATED_REBUILT)
            if has_settings(n) and not touched("set_column_settings", col.name):
                ch("set_column_settings", col.name, None, n, GENERATED_REBUILT)  # (SET STATISTICS 300 ...)
        elif col.default and n.default and not touched("drop_default", n.name) and (why := uses(col.default)):
            ch("drop_default", n.name, col, n, why)  # a SET DEFAULT of its own cannot run before the DROP FUNCTION
            if not touched("set_default", n.name):
                ch("set_default", n.name, col, n, why)

    def over(*texts: Optional[str], columns: Iterable[Optional[str]] = ()) -> Optional[str]:
        return uses(*texts) or (GENERATED_REBUILT if regenerated and (set(columns) & regenerated or any(
            t and referenced_columns(t) & regenerated for t in texts)) else None)

    new_idx = {i.name: i for i in new_t.indexes}
    for i in old_t.indexes:
        n = new_idx.get(i.name)
        if n is not None and not touched("drop_index", i.name) and (why := over(
                i.where, *(e.expression for e in i.elements), columns=[e.column for e in i.elements] + list(i.include))):
            again("index", i.name, i, n, why)
            if new_t.cluster_on == i.name and not touched("set_cluster_on", None):
                ch("set_cluster_on", None, old_t, new_t, why)  # (DROP INDEX took the table's CLUSTER ON mark)
    new_tg = {g.name: g for g in new_t.triggers}
    for g in old_t.triggers:  # a trigger's WHEN calling it: Postgres refuses DROP FUNCTION under it too
        n = new_tg.get(g.name)
        if n is not None and not touched("drop_trigger", g.name) and not touched("alter_trigger", g.name) and \
                (why := over(g.when, columns=g.update_columns)):  # (UPDATE OF or WHEN over a column made again)
            trigger_made_again(ch, g, n, why)
    new_checks = {c.name: c for c in new_t.checks if c.name}
    for c in old_t.checks:
        n = new_checks.get(c.name)  # type: ignore[arg-type]
        if isinstance(n, Check) and not touched("drop_constraint", c.name) and (why := over(c.expression)):
            at = len(out)
            again("constraint", n.name, c, n, why)  # type: ignore[arg-type]
            if c.name in inherited:  # its own copy of a parent's, merged: dropped once the parent's DROP left it its own
                out[at] = replace(out[at], cause=MERGED_COPY)
    new_excl = {constraint_name(new_t, x): x for x in new_t.exclusions}  # (unnamed: by the name Postgres gives it)
    for x in old_t.exclusions:  # its elements' expressions or its WHERE
        n = new_excl.get(name := constraint_name(old_t, x))
        if n is not None and not touched("drop_constraint", name) and (why := over(
                x.where, *(e.expression for e in x.elements), columns=[e.column for e in x.elements] + list(x.include))):
            again("constraint", n.name, x, n, why)  # type: ignore[arg-type]
    if regenerated:  # a PRIMARY KEY, UNIQUE or foreign key on a column dropped and added again goes with the DROP
        out += keys_over(old_t, new_t, regenerated, touched)
    new_stats = {s.label(new_t.schema): s for s in new_t.statistics}
    for s in old_t.statistics:  # extended statistics on an expression
        n = new_stats.get(label := s.label(old_t.schema))
        if n is not None and not touched("drop_statistics", label) and (why := over(
                *(e for e in s.elements if not names_a_column(e)), columns=s.elements)):
            again("statistics", label, s, n, why)
    if old_t.partition_by is not None and new_t.partition_by is not None and not touched("alter_partitioning", None) \
            and (why := uses(f"({old_t.partition_by.key})")):
        ch("alter_partitioning", None, old_t, new_t, why)  # refused by the plan, with why
    return out


def around_functions_moved(changes: list[Change], before: set[tuple[str, str]], current: Schema, desired: Schema,
                           cur_tables: dict, des_tables: dict) -> list[Change]:
    """`changes` with what calls the functions they drop beyond `before` made again around them, as around any
    function dropped and created again (split_around_recreated, around_recreated, domains_around_recreated): a
    later pass moved those functions (compare.sqlbodies, around a column they read or a view dropped or re-created,
    or compare.routine_dependents, around a row type), so Postgres would refuse their DROP under a default, a CHECK,
    an index, a trigger's WHEN or a domain calling them."""
    if not dropped_functions(changes) - before:
        return changes
    changes = split_around_recreated(changes)
    return domains_around_recreated(changes + around_recreated(changes, cur_tables, des_tables), current, desired)

