"""generate's warning for a key added over the rows a table already holds.

A PRIMARY KEY, UNIQUE, EXCLUDE or unique index added to a table the migration does not create is built over its rows:
the ADD CONSTRAINT (or CREATE UNIQUE INDEX, CONCURRENTLY too, which leaves it INVALID) fails where two of them hold the
same key (conflict, for an EXCLUDE; a key WITHOUT OVERLAPS, 18's, refuses an empty period too). So does a unique index
added to a materialized view (which REFRESH ... CONCURRENTLY needs) that the migration keeps, or makes populated over a
table it keeps: new, or made again (not one reading no row of the database: composite types, sequences, tables it
creates; a function it calls whose body names one holding rows reads them), or populates (kept WITH NO DATA before; one
left so holds no row). generate never sees the rows, so it says so (plan.hazards.row_failures), naming the query that
finds them (over the view's new query where it makes the view), as it does for a key replacing a partial unique index
(plan.partial_keys, said first). A key the rows already keep is not said: one the table had (kept, or dropped by the
migration) refusing two rows the new one refuses (over some of its columns, an EXCLUDE over some of its elements),
without a predicate or under one whose top-level ANDs the new one's holds (no NULLS NOT DISTINCT it lacks), or a key
over a column the migration adds numbered (an identity, a serial's nextval, a random uuid) or without a default. A key
made again around another change (its `cause`) held before. (A CHECK added over rows fails likewise on a row it refuses,
unwarned: Postgres's message names the check, whose negation finds the row.)"""

from __future__ import annotations

from typing import AbstractSet, Optional, Union

from schemac.compare.changes import Change
from schemac.compare.moves import old_key
from schemac.compare.views import NEW_MATERIALIZED, RESTORED
from schemac.model.collnames import collate_sql
from schemac.model.constraints import UNIQUE_KEY_TYPES, Exclusion, Index, PrimaryKey, Unique
from schemac.model.schema import Schema
from schemac.model.tables import Table
from schemac.model.views import View
from schemac.pg.lazy import lazy
from schemac.pg.sqllex import names_in
from schemac.plan.partial_keys import plain_columns
from schemac.plan.populate import emptied_views as emptied
from schemac.pg.names import constraint_name, qualified, quote_ident

conjuncts = lazy("schemac.pg.expressions", "conjuncts")  # (sqlglot only where a predicate is compared)

operator_sql = lazy("schemac.plan.exclusion_ddl", "operator_sql")  # (OPERATOR(schema.op) as the DDL writes it)

Key = Union[PrimaryKey, Unique, Index, Exclusion]
# A column added with one of these fills each row with a value of its own.
_NUMBERING = ("nextval(", "gen_random_uuid(", "uuid_generate_v4(", "uuidv4(", "uuidv7(")


def new_key_warning(change: Change, made: AbstractSet, changes: list[Change],
                    models: Optional[tuple[Schema, Schema]] = None) -> Optional[str]:
    """The warning for `change`, if it adds a key (a PRIMARY KEY, UNIQUE, EXCLUDE or unique index) to a table not in
    `made` (the (schema, table) the migration creates), or to a materialized view kept or made populated over rows
    (_populated; `models`, the current and desired ones, tell the relations holding none), that no key the table had
    proves its rows keep."""
    new, t = change.new, change.table_def
    if not isinstance(t, Table) or t.foreign is not None or (change.schema, change.table) in made:
        return None
    query = _populated(change, made, changes, models)
    if change.cause is not None and query is None:
        return None
    was, will = _kept_view(change, models)
    if was is not None and will is not None and not was.with_data:  # (unpopulated: it holds no row)
        if not will.with_data:
            return None
        query = will.query  # (populated by its REFRESH, after the index: the rows the index meets are its query's)
    if change.kind == "add_constraint" and isinstance(new, (*UNIQUE_KEY_TYPES, Exclusion)):
        kind = "primary key" if isinstance(new, PrimaryKey) else "exclusion constraint" \
            if isinstance(new, Exclusion) else "key"
        what, key = f"{kind} {constraint_name(t, new)}", new
    elif change.kind == "add_index" and isinstance(new, Index) and new.unique:
        what, key = f"unique index {new.name}", new
    else:
        return None
    here = (change.schema, change.table)
    ours = [c for c in changes if (c.schema, c.table) == here]
    if _numbered(key, ours) or any(_proves(old, key) for old in _had(t, ours)):
        return None
    # (a materialized view's stand-in table has no columns: compare.views.stand_in)
    holder, mend = ("table", "make them differ, or delete them") if t.columns else \
        ("materialized view", "change its query, or the rows it reads")
    source = f"({query}) AS {quote_ident(change.table)}" if query else qualified(change.schema, change.table)
    found = conflicts_query(source, key) if isinstance(key, Exclusion) or getattr(key, "without_overlaps", False) \
        else duplicates_query(change.schema, change.table, key, source)
    same = "two of them hold the same key over overlapping periods, or one an empty period" \
        if getattr(key, "without_overlaps", False) else "two of them conflict under it" \
        if isinstance(key, Exclusion) else "two of them hold the same key"
    return (f"warning: {change.source or change.path}: {what} of {change.schema}.{change.table} is added over the rows "
            f"the {holder} holds: the migration fails where {same} (find them with `{found}`, and {mend}, first)")


def duplicates_query(schema: str, table: str, key: Key, source: Optional[str] = None) -> str:
    """The SELECT of the keys two rows or more of schema.table (or `source`) hold, which `key` refuses (not those
    holding a NULL, distinct unless NULLS NOT DISTINCT; only the rows its predicate reads)."""
    parts = [quote_ident(c) for c in key.columns] if not isinstance(key, Index) else [
        quote_ident(e.column) if e.column is not None else f"({e.expression})" for e in key.elements]
    where = [f"({key.where})"] if isinstance(key, Index) and key.where else []
    if not isinstance(key, PrimaryKey) and not getattr(key, "nulls_not_distinct", False):
        where += [f"{p} IS NOT NULL" for p in parts]
    filtered = f" WHERE {' AND '.join(where)}" if where else ""
    listed = ", ".join(parts)
    return (f"SELECT {listed}, count(*) FROM {source or qualified(schema, table)}{filtered} GROUP BY {listed} "
            "HAVING count(*) > 1")


def conflicts_query(source: str, key: Key) -> str:
    """The SELECT of the pairs of rows of `source` an EXCLUDE (or a key WITHOUT OVERLAPS: its last column's period
    overlapping where the others are equal) refuses: each row's ctid and key; a key WITHOUT OVERLAPS refuses a row
    holding an empty period too, listed without a second row. Only the rows its predicate reads; an element under its
    own COLLATE."""
    if isinstance(key, Exclusion):
        pairs = [((quote_ident(e.column) if e.column is not None else f"({e.expression})")
                  + (f" COLLATE {collate_sql(e.collation)}" if e.collation else ""), operator_sql(e.operator))
                 for e in key.elements]  # (an element of its own collation compared under it: a nondeterministic one)
    else:
        pairs = [(quote_ident(c), "=") for c in key.columns[:-1]] + [(quote_ident(key.columns[-1]), "&&")]
    keys = [f"k{i}" for i in range(1, len(pairs) + 1)]
    where = f" WHERE ({key.where})" if getattr(key, "where", None) else ""
    made = ", ".join(f"{p} AS {k}" for (p, _), k in zip(pairs, keys))
    met = " AND ".join(f"x.{k} {op} y.{k}" for (_, op), k in zip(pairs, keys))
    shown = ", ".join(["x.ctid", *(f"x.{k}" for k in keys), "y.ctid", *(f"y.{k}" for k in keys)])
    joined = f"k x JOIN k y ON (x.tableoid, x.ctid) < (y.tableoid, y.ctid) AND {met}"
    if isinstance(key, Exclusion):
        return f"WITH k AS (SELECT tableoid, ctid, {made} FROM {source}{where}) SELECT {shown} FROM {joined}"
    return (f"WITH k AS (SELECT tableoid, ctid, {made} FROM {source}) SELECT {shown} FROM "
            f"{joined.replace(' JOIN', ' LEFT JOIN', 1)} WHERE y.ctid IS NOT NULL OR isempty(x.{keys[-1]})")


def _populated(change: Change, made: AbstractSet, changes: list[Change],
               models: Optional[tuple[Schema, Schema]] = None) -> Optional[str]:
    """The query of the materialized view a new index of `change` is made on with it (compare.views.NEW_MATERIALIZED),
    or on its CREATE again (RESTORED) where it had no unique index of that definition, where it is made populated
    over a relation holding rows: one the migration keeps (a table, a sequence's one row), or a view reading one; not
    a composite type (its relation is a row type), nor a table the migration creates."""
    if change.cause not in (NEW_MATERIALIZED, RESTORED):
        return None
    views = {v.key: v for v in (models[1].views if models else ()) if not v.materialized}  # (kept ones read as theirs)
    views.update({(c.schema, c.name): c.new for c in changes if c.kind in ("add_view", "replace_view")})
    here = (change.schema, change.table)
    if change.cause == RESTORED and any(_proves(i, change.new) for c in changes  # type: ignore[arg-type]
                                        if c.kind == "drop_view" and (c.schema, c.name) == here
                                        for i in c.old.indexes):  # type: ignore[union-attr]
        return None
    # (a new view reading only new tables, or such views, reads no row; nor a composite type's relation, nor a
    # sequence's (one row: nextval('s') numbers the rows))
    empty = set(made) | {(c.schema, c.name) for c in changes if c.kind in ("add_composite_type", "add_sequence")} | {
        (x.schema, x.name) for m in models or () for x in (*m.composite_types, *m.sequences)}
    relations = {(x.schema, x.name) for m in models or () for x in (*m.tables, *m.views)}
    named = [((f.schema, f.name), names_in(f.body)) for f in (models[1].functions if models else ())
             if f.library is None]  # (a C function's body is its link symbol)
    while True:
        reading = _reading(named, {n for k, n in relations if k not in empty})
        more = {k for k, v in views.items() if k not in empty and all(  # type: ignore[union-attr]
            (d.schema, d.name) in empty if d.kind in ("relation", "column") else (d.schema, d.name) not in reading
            for d in v.depends if d.kind in ("relation", "column", "function"))}  # type: ignore[union-attr]
        if not more:
            break
        empty |= more
    v = views.get(here)
    # (one left unpopulated is made populated where a populated one the migration makes reads it, emptied after its
    # readers: plan.populate.emptied_views; its indexes are built over its rows)
    filled = v is not None and (v.with_data or here in {(changes[i].schema, changes[i].name) for i in emptied(changes)})
    return v.query if filled and here not in empty else None  # type: ignore[union-attr]


def _reading(named: list, holders: set[str]) -> set[tuple[str, str]]:
    """The (schema, name) of the functions (`named`: each with the names its body holds, pg.sqllex.names_in: a name in a
    string too, which dynamic SQL may run; None where it cannot read it) whose bodies may read a row of a relation named
    one of `holders`, directly or through another such function. A query calling one reads rows pg_depend does not
    record."""
    out: set[tuple[str, str]] = set()
    while True:
        read = holders | {n for _, n in out}
        found = {k for k, names in named if k not in out and (names is None or names & read)}
        if not found:
            return out
        out |= found


def _kept_view(change: Change, models: Optional[tuple[Schema, Schema]]) -> tuple[Optional[View], Optional[View]]:
    """The current and desired materialized view a kept one's new index (`change`, of no cause) is made on (current: under
    its old name where renamed, compare.moves.old_key); Nones."""
    if models is None or change.cause is not None or change.kind != "add_index":
        return None, None
    views = [{v.key: v for v in m.views if v.materialized} for m in models]
    will = views[1].get((change.schema, change.table))
    old = old_key(will, views[0]) if will is not None else None
    return views[0].get(old or (change.schema, change.table)), will


def _had(t: Table, ours: list[Change]) -> list[Key]:
    """The keys the table held before the migration: those of `t` (the desired table) it does not add, and those it
    drops."""
    added = [c.new for c in ours if c.kind in ("add_index", "add_constraint")]
    kept = [k for k in (*t.indexed_keys(), *t.indexes) if k not in added]
    return kept + [c.old for c in ours if c.kind in ("drop_index", "drop_constraint")  # type: ignore[misc]
                   and isinstance(c.old, (*UNIQUE_KEY_TYPES, Exclusion, Index))]


def _plain(key: Key) -> Optional[frozenset]:
    """The key's columns, None where one is an expression."""
    if not isinstance(key, Index):
        return frozenset(key.columns)
    columns = plain_columns(key)
    return None if columns is None else frozenset(columns)


def _conditions(key: Key, every: bool) -> Optional[frozenset]:
    """What two rows `key` refuses hold, as (column, operator) pairs (a plain key: `=` on each column; WITHOUT
    OVERLAPS: `&&` on the last); `every`: None where one element is no plain column (an EXCLUDE's, one of its own
    operator class or collation too), else those that are."""
    if isinstance(key, Exclusion):
        plain = [e for e in key.elements if e.column is not None and not e.opclass and not e.collation]
        return None if every and len(plain) < len(key.elements) else frozenset((e.column, e.operator) for e in plain)
    columns = _plain(key) if every or not isinstance(key, Index) else frozenset(
        e.column for e in key.elements if e.column is not None)
    if columns is None:
        return None
    if getattr(key, "without_overlaps", False):
        return frozenset((c, "=") for c in key.columns[:-1]) | {(key.columns[-1], "&&")}
    return frozenset((c, "=") for c in columns)


def _proves(old: Key, new: Key) -> bool:
    """Whether rows that `old` keeps apart are so under `new`: what two rows `old` refuses among what `new` refuses
    (_conditions), reading every row `new` reads (no predicate, or top-level ANDs `new`'s holds), NULLs as `new` counts
    them, and a period WITHOUT OVERLAPS that `new` refuses empty refused so."""
    if isinstance(old, Index) and not old.unique:
        return False
    have, want = _conditions(old, True), _conditions(new, False)
    if have is None or want is None or not have <= want:
        return False
    if getattr(new, "without_overlaps", False) and not (
            getattr(old, "without_overlaps", False) and old.columns[-1] == new.columns[-1]):  # type: ignore[union-attr]
        return False
    if getattr(new, "nulls_not_distinct", False) and \
            not getattr(old, "nulls_not_distinct", isinstance(old, PrimaryKey)):  # (a PRIMARY KEY holds no NULL)
        return False
    before, after = getattr(old, "where", None), getattr(new, "where", None)
    if before is None or before == after:
        return True
    try:
        return after is not None and conjuncts(before) <= conjuncts(after)
    except ValueError:
        return False


def _numbered(key: Key, ours: list[Change]) -> bool:
    """Whether a column of `key` is added by the migration numbering each row (an identity, or a default giving each its
    own value), or without a default: NULL in every row, which a key counts distinct (NULLS NOT DISTINCT aside), and a
    NOT NULL one fails at its ADD COLUMN, warned of already (plan.hazards.row_failures)."""
    columns = _plain(key) or frozenset()
    apart = not getattr(key, "nulls_not_distinct", False)
    return any(c.kind == "add_column" and c.name in columns and (c.new.identity is not None or any(  # type: ignore
        n in (c.new.default or "").lower() for n in _NUMBERING) or apart and c.new.default is None  # type: ignore
        and not c.new.generated) for c in ours)  # type: ignore[union-attr]
