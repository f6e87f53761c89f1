"""A sequence that owns the same column under another name: renamed, never dropped and made again.

A dropped sequence takes its position along: one made again hands out 1, 2, ... to a table whose rows hold
those values already. Postgres keeps a sequence's name when its table is renamed (orders_id_seq, owned by
purchases.id), while a `serial` column of schema.yaml names it after the table (purchases_id_seq); and a
sequence schema.yaml renames keeps owning its column."""

from __future__ import annotations

from typing import Callable

from schemac.model.frozen import replace

from schemac.compare.moves import chained_renames, nextval_renamed, old_key
from schemac.model import Schema, Sequence, Table
from schemac.pg.names import regclass_literal


def renamed_sequences(current: Schema, desired: Schema) -> list[tuple[Sequence, Sequence]]:
    """(current, desired) pairs of sequences of one schema, each name only on its side, owning the same column
    (a table or column schema.yaml renames: under its old name in the catalog)."""
    cur_keys = {(q.schema, q.name) for q in current.sequences}
    des_keys = {(q.schema, q.name) for q in desired.sequences}
    hinted = _hinted(current, desired, cur_keys) if any(q.renamed_from for q in desired.sequences) else []
    if hinted:  # the others among the rest
        taken = {id(x) for pair in hinted for x in pair}
        rest = renamed_sequences(replace(current, sequences=tuple(q for q in current.sequences if id(q) not in taken)),
                                 replace(desired, sequences=tuple(q for q in desired.sequences if id(q) not in taken)))
        return hinted + rest
    renames = dict(chained_renames(current, desired)) if any(t.renamed_from for t in desired.tables) else {}
    # A chain of table renames (b from a, c from b): b's b_id_seq goes with it to c, a's a_id_seq takes its name.
    held = _held_by_another(current, desired, renames) if renames else set()
    cur_keys -= held
    gone: dict[tuple[str, str], list[Sequence]] = {}
    for q in current.sequences:
        if ((q.schema, q.name) not in des_keys or (q.schema, q.name) in held) and q.owned_by:
            gone.setdefault((q.schema, q.owned_by), []).append(q)
    if not gone:  # (every `diff` in sync: no walk of the tables' columns)
        return []
    owner_then = _owners_then(desired, renames)
    pairs = []
    for q in desired.sequences:
        if (q.schema, q.name) in cur_keys or not q.owned_by:
            continue
        was = owner_then(q)
        for owner in (was, q.owned_by if was != q.owned_by else None):  # (its table's old name first: a chain's)
            found = gone.get((q.schema, owner)) if owner else None
            if found and len(found) == 1:
                pairs.append((found.pop(), q))
                break
    return pairs


def owners_moved(current: Schema, desired: Schema,
                 pairs: list[tuple[Sequence, Sequence]]) -> list[tuple[Sequence, Sequence]]:
    """The pairs of `pairs` (renamed_sequences') that schema.yaml renames (`renamed_from`) and whose OWNED BY it moves
    to another column, its table's or another's, or to none: the column it names under the names `current` has
    (a table or column renamed too) is not the one the sequence is owned by (nor is none where it is)."""
    hinted = [(o, n) for o, n in pairs if n.renamed_from and (o.owned_by != n.owned_by or unlinked(o, n))]
    if not hinted:
        return []
    renames = dict(chained_renames(current, desired)) if any(t.renamed_from for t in desired.tables) else {}
    owner_then = _owners_then(desired, renames)
    return [(o, n) for o, n in hinted if o.owned_by != (owner_then(n) if n.owned_by else None) or unlinked(o, n)]


def unlinked(old: Sequence, new: Sequence) -> bool:
    """Whether a sequence `old` a column owns moves to another schema on its own (OWNED BY NONE first: its owner,
    once the move is made, is given again, a column of its new schema)."""
    return bool(old.owned_by) and old.schema != new.schema


def _owners_then(desired: Schema, renames: dict) -> Callable[[Sequence], str]:
    """A desired sequence's OWNED BY (`table.column`) as the current names spell it: its table and column renamed
    (`renames`: chained_renames', new key -> old; a table moved: its sequences moved with it) under their old names."""
    old_names = {key: was[1] for key, was in renames.items()}
    old_columns = {(t.schema, t.name, c.name): c.renamed_from for t in desired.tables for c in t.columns if c.renamed_from}

    def then(q: Sequence) -> str:
        table, _, column = (q.owned_by or "").rpartition(".")
        return f"{old_names.get((q.schema, table)) or table}.{old_columns.get((q.schema, table, column)) or column}"
    return then


def defaults_follow_sequences(current: Schema, desired: Schema, cur_tables: dict[tuple[str, str], Table]) -> None:
    """`cur_tables`' defaults calling nextval() of a sequence the migration renames (renamed_sequences: a serial's
    `t_id_seq` renamed `t2_id_seq` after its table or column) read as Postgres prints them after the ALTER SEQUENCE
    ... RENAME: the default follows the sequence's OID, so no SET DEFAULT (and setval past the rows) is written."""
    literals = {regclass_literal(o.schema, o.name): regclass_literal(n.schema, n.name)
                for o, n in renamed_sequences(current, desired) if (o.schema, o.name) != (n.schema, n.name)}
    if literals:
        nextval_renamed(cur_tables, literals)


def _hinted(current: Schema, desired: Schema, cur_keys: set) -> list[tuple[Sequence, Sequence]]:
    """The sequences schema.yaml renames or moves (`renamed_from`), found under the old name and not the new one. One
    a column owns moves with its table where that table moves (ALTER TABLE ... SET SCHEMA takes it along): not paired
    so; one moved off its column to another schema is (OWNED BY NONE before SET SCHEMA, which Postgres refuses on an
    owned sequence: plan.objects), else it was dropped and made again, its position lost."""
    by_key = {(q.schema, q.name): q for q in current.sequences}
    carried: set = set()
    if any(t.renamed_from for t in desired.tables):
        carried = {old for new, old in chained_renames(current, desired) if new[0] != old[0]}
    pairs = []
    for q in desired.sequences:
        was = old_key(q, by_key) if q.renamed_from and (q.schema, q.name) not in cur_keys else None
        if was is None or (by_key[was].owned_by and was[0] != q.schema and  # (`was` may be a new one's: made after)
                           (was[0], by_key[was].owned_by.rpartition(".")[0]) in carried):
            continue
        pairs.append((by_key[was], q))
    return pairs


def _held_by_another(current: Schema, desired: Schema, renames: dict) -> set[tuple[str, str]]:
    """The current sequences whose name schema.yaml gives another table's sequence: owned by a table renamed away in a
    chain (b_id_seq of b, renamed to c, while a renamed to b owns b_id_seq in schema.yaml): not the same sequence."""
    # (a table moved along the chain: its sequences in its new schema, their OWNED BY naming it by its old name)
    away = {(key[0], was[1]) for key, was in renames.items()}
    owners = {(q.schema, q.name): q.owned_by for q in desired.sequences if q.owned_by}
    out = set()
    for q in current.sequences:
        table = q.owned_by.rpartition(".")[0] if q.owned_by else None
        will = owners.get((q.schema, q.name))
        if table is not None and will is not None and (q.schema, table) in away and \
                renames.get((q.schema, will.rpartition(".")[0]), ("", ""))[1] != table:
            out.add((q.schema, q.name))
    return out
