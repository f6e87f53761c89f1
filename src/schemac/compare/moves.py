"""Tables schema.yaml renames or moves to another schema (`renamed_from: name` or `schema.name`): ALTER TABLE ...
SET SCHEMA and RENAME, and the current model as Postgres has it after them.

Postgres moves a table's indexes, constraints, row type and the sequences it owns (serial, identity) along with
it, and every other object holds the table by OID: another table's foreign key, a view, a policy keep pointing
at it under its new name. The current model is brought there too, so that the diff does not drop and create
again what followed the table by itself (a sequence dropped and made again would hand out values its rows hold).
"""

from __future__ import annotations

import re

from schemac.model.frozen import replace
from typing import Callable, Container, Optional, TypeVar, Union

from schemac.compare.changes import Change
from schemac.compare.taken_names import aside_name, taken_keys
from schemac.model import Column, NotNull, Parent, Schema, Sequence, Table, View
from schemac.model.sequences import identity_sequence_name
from schemac.pg.lazy import lazy
from schemac.pg.names import default_constraint_name, default_not_null_name, quote_ident, regclass_literal

policy_table_renamed = lazy("schemac.pg.policies", "policy_table_renamed")
table_renamed = lazy("schemac.pg.relation_renames", "table_renamed")
statement_moved = lazy("schemac.pg.relation_renames", "statement_moved")
aliases_written = lazy("schemac.pg.refnames", "aliases_written")
verbatim_renamed = lazy("schemac.pg.verbatim", "renamed")

Key = tuple[str, str]
T = TypeVar("T", Table, View)


def old_key(t: Union[Table, Sequence, View], keys: Container[Key]) -> Optional[Key]:
    """The (schema, name) `t.renamed_from` names among `keys` (the other model's tables or sequences): a name of its
    own schema first (a name may hold a dot), then `schema.name` (moved here); None when neither is there."""
    if not t.renamed_from:
        return None
    schema, dot, name = t.renamed_from.rpartition(".")
    candidates = [(t.schema, t.renamed_from)] + ([(schema, name)] if dot and schema else [])
    return next((k for k in candidates if k != (t.schema, t.name) and k in keys), None)


def as_current(changes: list[Change]) -> Callable[[str, str], Key]:
    """A change's table as `current` holds it: a table renamed or moved (`renamed_from`) is there under its old key,
    while its changes (its columns dropped, retyped, added) name the new one."""
    was = {(c.schema, c.table): (c.old.schema, c.old.name) for c in changes
           if c.kind == "rename_table" and isinstance(c.old, Table)}
    return lambda schema, table: was.get((schema, table), (schema, table))


def renamed_tables(current: Schema, cur_tables: dict[Key, Table],
                   des_tables: dict[Key, Table]) -> tuple[list[Change], Schema]:
    """A rename_table for each table `current` has under the old key `renamed_from` names (and neither the new
    key nor schema.yaml the old one). `cur_tables` is updated to the tables as Postgres has them after: renamed
    or moved, and the foreign keys of every table re-pointed at them; the Schema returned has the sequences a
    moved table owns in its new schema."""
    changes = []
    moved: dict[Key, Key] = {}
    renames = _chained(cur_tables, des_tables)
    for key in taken_keys(renames, cur_tables):  # (a name a table schema.yaml drops holds: that one set aside first)
        held = cur_tables.pop(key)
        aside = replace(held, name=aside_name(held, current, des_tables))
        changes.append(Change("rename_table", aside.schema, aside.name, None, held, aside, aside))
        cur_tables[aside.key] = aside
        moved[key] = aside.key
    for key, was in renames:
        t = des_tables[key]
        old = _names_kept(cur_tables.pop(was), t)
        changes.append(Change("rename_table", t.schema, t.name, None, old, t, t))
        # (its extended statistics stay in their schema: Postgres does not move them)
        statistics = tuple(replace(s, schema=s.schema or old.schema) for s in old.statistics)
        # (the constraints named after the old name are renamed by the migration: plan.table_renames.defaults_renamed)
        kept = sequences_named(old)
        cur_tables[key] = _whole_rows_renamed(replace(kept, schema=t.schema, name=t.name, statistics=statistics),
                                              old.name)
        moved[was] = key
    origin = {key: was for was, key in moved.items()}
    for key, table in cur_tables.items() if moved else ():  # (most diffs: none walked for the keys of none moved)
        cur_tables[key] = rules_moved(_policies_after(_repointed(table, moved), origin.get(key, key), moved), moved)
    if not moved:
        return changes, current
    if current.views:
        current = replace(current, views=tuple(rules_moved(reading_moved(v, moved), moved) for v in current.views))
    schemas = {was: key for was, key in moved.items() if was[0] != key[0]}
    return changes, _sequences_moved(current, cur_tables, schemas) if schemas else current


def chained_renames(current: Schema, desired: Schema) -> list[tuple[Key, Key]]:
    """The table renames the migration makes, (new key, old key), in their order (compare.sequences pairs the sequences
    they own so)."""
    return _chained({t.key: t for t in current.tables}, {t.key: t for t in desired.tables})


def _chained(cur_tables: dict[Key, Table], des_tables: dict[Key, Table]) -> list[tuple[Key, Key]]:
    """The renames to make, (new key, old key), each after the one freeing its new name: a table renamed to a name
    that `current` holds only where that one is renamed away too, in a chain (a -> b, b -> c: b -> c first), or
    where schema.yaml drops that one (compare.taken_names: renamed aside first, dropped after). One from
    a name schema.yaml gives a new table too is made where its new name is free (Discourse's TableDropper: a renamed
    aside, a new a made; once made, `current` holds the new name and the hint rests). Not a cycle (a -> b, b -> a):
    after it the names alone look as before, so the hints could not be told from done (the tables' columns then
    differ: refused as destructive, as before). The sequences a chain's tables own follow them (compare.sequences, compare.identities.identity_sequences_named)."""
    pending = {key: was for key, t in des_tables.items()
               if t.renamed_from and (was := old_key(t, cur_tables)) is not None}  # (most tables: no old_key call)
    freed = set(pending.values())
    pending = {key: was for key, was in pending.items()
               if (key not in cur_tables or key in freed or was not in des_tables)  # (a name a dropped table holds:
               and (was not in des_tables or was in pending or key not in cur_tables)}  # renamed_tables sets it aside)
    return ordered_renames(pending, set(cur_tables) - set(taken_keys(list(pending.items()), cur_tables)))


def ordered_renames(pending: dict, held: set, scratch: Optional[Callable] = None, taken: Container = ()) -> list:
    """(new name, old name) of `pending`'s renames (new -> old) in an order they can run, each once no name of `held`
    (what the object holds before them) is its new one. A cycle (a -> b, b -> a) ends it where there is no `scratch`;
    else its first is renamed to scratch(old) first, and from there once its name is freed, unless that name is held
    or `taken`: then the cycle is none."""
    pending, held, order = dict(pending), set(held), []
    while pending:
        ready = [(new, was) for new, was in pending.items() if new not in held]
        if not ready:  # a cycle
            new, was = next(iter(pending.items()))
            if scratch is None or scratch(was) in held or scratch(was) in taken:
                break
            ready, pending[new] = [(scratch(was), was)], scratch(was)
        for new, was in ready:
            order.append((new, was))
            held = (held - {was}) | {new}
            pending.pop(new, None)
    return order


def rename_cycles(step: dict[str, str]) -> list[list[tuple[str, str]]]:
    """The cycles of renames `step` (old -> new; each name renamed once) makes, each (old, new) from its first old
    name in `step`'s order: a swap (a -> b, b -> a) or a rotation, which ordered_renames makes through a scratch name
    (columns, publications: a database records no hint, so a cycle made cannot be told from one to make)."""
    out, seen = [], set()
    for start in step:
        path, at = [], start
        while at in step and at not in seen and at not in path:
            path.append(at)
            at = step[at]
        if at == start and path:
            seen.update(path)
            out.append([(a, step[a]) for a in path])
    return out


def chain_moves(names: set[str], hints: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The renames (old, new) of `hints` that can run on an object holding `names`, in an order they run: each from a
    name held then to one not held, in the hints' order, passes repeated while one frees a name another takes (a
    chain: `number <- id, id <- token`, whichever comes first). A hint whose old name is gone (made by an earlier
    migration), or whose new name stays held, is none. Columns' (column_renames) and attributes' (attribute_renames)."""
    names, pending, moves = set(names), list(hints), []
    while ready := [(old, new) for old, new in pending if old in names and new not in names]:
        old, new = ready[0]
        moves.append((old, new))
        names = (names - {old}) | {new}
        pending.remove((old, new))
    return moves


def sequences_named(old: Table) -> Table:
    """`old` with each identity's sequence named as Postgres keeps it through the rename (`a_n_seq`, where the record
    leaves it to Postgres): compare.identities.identity_sequences_named renames it to the new table's (a chain's from
    its end), as a fresh build names it; one moved to another schema there, after the move (the rename names the
    table it is owned by: plan.dependencies' _MOVED)."""
    if not any(c.identity is not None and not c.identity.sequence_name for c in old.columns):
        return old
    return replace(old, columns=tuple(
        replace(c, identity=replace(c.identity, sequence_name=identity_sequence_name(old.name, c.name)))
        if c.identity is not None and not c.identity.sequence_name else c for c in old.columns))


def _names_kept(old: Table, t: Table) -> Table:
    """`old` with each key, foreign key, EXCLUDE and NOT NULL declared without a name named as Postgres named it after
    the old table, where schema.yaml gives `t`'s that very name (inspect pins it so: Django's AlterModelTable leaves
    zerver_realmalias_pkey on zerver_realmdomain): kept as it is, not renamed after the new name by
    plan.table_renames and then dropped and added again under the old one (a rebuild of the key's index)."""
    if old.name == t.name:
        return old
    given = t.constraint_names(checks=False)
    kept = lambda c: replace(c, name=name) \
        if not c.name and (name := default_constraint_name(old, c)) in given else c  # noqa: E731
    nulls = {c.name: c.not_null.name for c in t.columns if c.not_null is not None and c.not_null.name}
    columns = tuple(replace(c, not_null=replace(c.not_null or NotNull(), name=nulls[c.name]))
                    if not c.nullable and (c.not_null is None or not c.not_null.name)
                    and nulls.get(c.name) == default_not_null_name(old.name, c.name) else c for c in old.columns)
    return replace(old, columns=columns, primary_key=kept(old.primary_key) if old.primary_key else None,
                   uniques=tuple(map(kept, old.uniques)), foreign_keys=tuple(map(kept, old.foreign_keys)),
                   exclusions=tuple(map(kept, old.exclusions)))


def written_only(v: View) -> bool:
    """A view known by its query as written only (no deparse, nothing read of what it reads: one reading an extension
    the throwaway server lacks, PostGIS): the renames are applied to that query (pg.query_renames, pg.relation_renames
    tell which relations and columns it reads)."""
    return v.definition is None and not v.depends and v.query is not None


def reading_moved(v: View, moved: dict[Key, Key]) -> View:
    """`v` with what it reads named as pg_depend names it after the relations `moved` (old key -> new) were renamed
    or moved: the rebuilds and the order around a column dropped under it follow; and its deparse as Postgres prints
    it after (query_moved). A view known by its query as written only has that query renamed alike (a relation named
    unqualified is the migration's search_path's, public's), else it was dropped and made again for nothing."""
    if written_only(v):
        return _written_moved(v, moved)
    if not any(d.kind in ("relation", "column") and (d.schema, d.name) in moved for d in v.depends):
        return v
    return query_moved(replace(v, depends=tuple(
        replace(d, schema=moved[k][0], name=moved[k][1]) if d.kind in ("relation", "column")
        and (k := (d.schema, d.name)) in moved else d for d in v.depends)), moved, v)


def query_moved(v: View, moved: dict[Key, Key], was: Optional[View] = None) -> View:
    """`v` (`was` before its reads were named anew) with its deparse as Postgres prints it after the relations `moved`
    (old key -> new) it reads were renamed or moved (pg.query_renames.table_renamed; as it was where that cannot be
    told), so that the rename alone neither replaces it nor makes it again. What it reads stays: a view renamed and
    dropped to be made again is dropped under its old name, after its readers (compare.views). One known by its query
    as written only (state.json's, PostGIS's) has that query renamed alike, else it was made again for nothing."""
    if written_only(v):
        return _written_moved(v, moved)
    read = {(d.schema, d.name) for d in (was or v).depends if d.kind in ("relation", "column")}
    text = v.definition
    # (the aliases it holds as written, which Postgres's own made unique (`m3_1`) are not: the catalog's, else
    # those of schema.yaml's query that state.json records)
    written = v.written_aliases if v.written_aliases is not None else aliases_written(v.query, v.definition)
    for old, key in moved.items():  # (in the migration's order: a chain's b -> c before a -> b)
        if old in read and text is not None:
            text = table_renamed(text, old, key, written=written)
            read.add(key)
    if text is None or text == v.definition:
        return v
    return replace(v, definition=text, query=text if v.query == v.definition else v.query)


def _written_moved(v: View, moved: dict[Key, Key]) -> View:
    """`v`, known by its query as written only, with that query naming the relations `moved` (old key -> new) anew (a
    relation named unqualified is the migration's search_path's, public's); as it was where that cannot be told."""
    text: Optional[str] = v.query
    for old, key in moved.items():  # (in the migration's order)
        text = table_renamed(text, old, key) if text is not None else None
    return v if text is None else replace(v, query=text)


def views_moved(current: Schema, desired: Schema) -> dict[Key, Key]:
    """The views and materialized views schema.yaml renames or moves (`renamed_from`): old key -> new, in schema.yaml's
    order, each old view to the first that names it (compare.views renames them; what reads them follows), where
    the new name is free: one schema.yaml gives a new view too is made after the rename frees it."""
    if not any(v.renamed_from for v in desired.views):  # (most diffs)
        return {}
    keys = {v.key for v in current.views}
    moved: dict[Key, Key] = {}
    for v in desired.views:
        was = old_key(v, keys) if v.renamed_from and v.key not in keys else None
        if was is not None:  # (`was` may be a new view's of schema.yaml: made once this rename frees its name)
            keys.discard(was)
            keys.add(v.key)
            moved[was] = v.key
    return moved


def policies_over_renamed_views(current: Schema, desired: Schema, cur_tables: dict[Key, Table]) -> None:
    """`cur_tables` with their policies' conditions and rules' actions as Postgres prints them after the views and
    materialized views schema.yaml renames or moves (`renamed_from`, compare.views' ALTER VIEW ... RENAME TO, SET
    SCHEMA) that a subquery of theirs reads: kept, not altered nor replaced."""
    moved = views_moved(current, desired)
    for key, t in cur_tables.items() if moved else ():  # (most diffs: none)
        if t.policies or t.rules:
            cur_tables[key] = rules_moved(_policies_after(t, key, moved), moved)


def rules_moved(o: T, moved: dict[Key, Key]) -> T:
    """`o` (a table or view) with its rules' actions as Postgres prints them after the relations `moved` (old key ->
    new, in the migration's order) were renamed or moved: it holds them by OID, so a query's FROM and an INSERT's,
    UPDATE's or DELETE's target print the new name (pg.relation_renames.statement_moved); before, each rule reading
    one was replaced (CREATE OR REPLACE RULE) for nothing. An action that cannot be told stays as it was (replaced,
    as before)."""
    def action(text: str) -> str:
        for was, now in moved.items():
            after = statement_moved(text, was, now) if was[1].lower() in text.lower() else text
            text = after if after is not None else text
        return text
    rules = tuple(replace(r, actions=tuple(map(action, r.actions))) for r in o.rules)
    return o if rules == o.rules else replace(o, rules=rules)  # type: ignore[return-value]


def _whole_rows_renamed(t: Table, was: str) -> Table:
    """`t`, renamed from `was`, with its CHECKs', indexes' and EXCLUDEs' references qualified by its name (its whole
    row, `(f(src.*)).a`) as Postgres prints them after the RENAME TO: by the new name (else made again for nothing)."""
    if was == t.name:
        return t
    text = lambda e: verbatim_renamed(e, was, quote_ident(t.name), qualifier=True) if e and was in e else e  # noqa: E731
    index = lambda i: replace(i, where=text(i.where), elements=tuple(  # noqa: E731
        replace(e, expression=text(e.expression)) if e.expression else e for e in i.elements))
    return replace(t, checks=tuple(replace(c, expression=text(c.expression)) for c in t.checks),
                   indexes=tuple(map(index, t.indexes)), exclusions=tuple(map(index, t.exclusions)))


def _policies_after(t: Table, was: Key, moved: dict[Key, Key]) -> Table:
    """`t` (`was` before the renames) with its policies' conditions as Postgres prints them after the relations
    `moved` were renamed or moved: a subquery's FROM naming one, and the columns qualified by its name (the policy's
    own table's, `m.a = t.a`, too). A condition pg.query_renames cannot tell apart stays as it was (altered, as
    before), but for its own table's name, taken anew wherever it qualifies a column (as before)."""
    if not t.policies:
        return t

    def renamed(text: Optional[str], written: Optional[tuple[str, ...]]) -> Optional[str]:
        owner = was
        for old, key in moved.items():
            if text is None:
                return None
            if old[1].lower() in text.lower():
                after = table_renamed(text, old, key, owner, written=written)
                if after is None and old == owner and old[1] != key[1]:
                    after = policy_table_renamed(text, old[1], key[1])
                text = after if after is not None else text
            owner = key if owner == old else owner
        return text

    policies = tuple(replace(p, using=renamed(p.using, p.written_aliases), with_check=renamed(p.with_check, p.written_aliases))
                     for p in t.policies)
    return t if policies == t.policies else replace(t, policies=policies)


def _repointed(t: Table, moved: dict[Key, Key]) -> Table:
    """`t` with its foreign keys, partition parent and INHERITS parents naming the tables moved where they are now."""
    fks = tuple(replace(fk, ref_schema=moved[k][0], ref_table=moved[k][1]) if (k := (fk.ref_schema, fk.ref_table))
                in moved else fk for fk in t.foreign_keys)
    p = t.partition_of
    to = moved.get((p.parent_schema, p.parent)) if p is not None else None
    parents = tuple(Parent(moved[k][1], moved[k][0]) if (k := (q.schema, q.name)) in moved else q for q in t.inherits)
    if fks == t.foreign_keys and to is None and parents == t.inherits:
        return t
    return replace(t, foreign_keys=fks, inherits=parents,
                   partition_of=replace(p, parent_schema=to[0], parent=to[1]) if to is not None else p)


def _sequences_moved(current: Schema, cur_tables: dict[Key, Table], moved: dict[Key, Key]) -> Schema:
    """`current` with the sequences the moved tables own in their new schemas (OWNED BY still names the table
    by its old name, as compare.sequences reads it), and the defaults calling them (nextval('archive.t_id_seq'))
    as pg_get_expr prints them after the move."""
    sequences: list[Sequence] = []
    literals: dict[str, str] = {}
    for q in current.sequences:
        to = moved.get((q.schema, q.owned_by.rpartition(".")[0])) if q.owned_by else None
        if to is not None:
            literals[regclass_literal(q.schema, q.name)] = regclass_literal(to[0], q.name)
            q = replace(q, schema=to[0])
        sequences.append(q)
    if not literals:
        return current
    nextval_renamed(cur_tables, literals)
    return replace(current, sequences=tuple(sequences))


def nextval_renamed(cur_tables: dict[Key, Table], literals: dict[str, str]) -> None:
    """`cur_tables` with the defaults calling nextval() of a sequence the migration renames or moves (`literals`: its
    `'s.old'::regclass` -> the new one) as pg_get_expr prints them after (the default holds the sequence's OID)."""
    calls = re.compile("|".join(re.escape(f"nextval({was})") for was in literals))  # (at once: a chain's a -> b, b -> c)

    def default(c: Column) -> Column:
        text = c.default
        if text is None or "nextval(" not in text:
            return c
        text = calls.sub(lambda m: f"nextval({literals[m.group(0)[8:-1]]})", text)
        return c if text == c.default else replace(c, default=text)

    for key, table in cur_tables.items():
        columns = tuple(default(c) for c in table.columns)
        if columns != table.columns:
            cur_tables[key] = replace(table, columns=columns)


def tables_renamed(current: Schema, renames: list[Change], cur_tables: dict) -> Schema:
    """`current` with the tables the migration renames under their new names (cur_tables': their policies' subqueries
    naming them anew): compare.readers drops a reader after the RENAME TO, so on the name it has then (a renamed
    table's policy over another table's column retyped was left standing, under its new name unseen: 'cannot alter
    type of a column used in a policy definition')."""
    if not renames:
        return current
    new = [cur_tables[c.schema, c.table] for c in renames if (c.schema, c.table) in cur_tables]
    left = {(c.old.schema, c.old.name) for c in renames} | {t.key for t in new}
    return replace(current, tables=tuple(t for t in current.tables if t.key not in left) + tuple(new))
