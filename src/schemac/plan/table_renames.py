"""A table renamed or moved (`renamed_from:`, compare.moves): ALTER TABLE ... SET SCHEMA and RENAME TO, then the
names Postgres gave its constraints declared without one given again after its new name; and so after a column's
RENAME COLUMN (compare.column_renames) the names it gave after the column's old name."""

from __future__ import annotations

from sqlglot import exp

from typing import Optional

from schemac.compare.changes import Change, Constraint
from schemac.compare.column_renames import default_names_followed, net_renames
from schemac.model import Column, ForeignKey, Table
from schemac.model.frozen import replace
from schemac.pg.idents import ident
from schemac.compare.partition_copies import name_parts
from schemac.pg.childindex import index_column_names
from schemac.pg.names import NAMEDATALEN, constraint_name, default_names_after_rename, default_not_null_name, \
    SWAP_SUFFIX, qualified, quote_ident, scratch_name
from schemac.plan.ddl import command, do_block, literal, table_ref


def renamed_table(old: Table, t: Table) -> list[exp.Expression]:
    """`old` moved to `t`'s schema (its indexes, constraints, owned sequences along), renamed as `t`."""
    moves = [command("ALTER", "TABLE", qualified(old.schema, old.name), "SET SCHEMA", quote_ident(t.schema))
             ] if old.schema != t.schema else []
    if old.name == t.name:
        return moves  # type: ignore[return-value]
    there = replace(old, schema=t.schema)
    return moves + [exp.Alter(this=table_ref(there), kind="TABLE", actions=[exp.AlterRename(this=exp.Table(
        this=ident(t.name)))]), *defaults_renamed(there, t.name, frozenset(t.constraint_names() | {i.name for i in t.indexes}))]


def defaults_renamed(old: Table, name: str, kept: frozenset[str] = frozenset()) -> list[exp.Expression]:
    """After ALTER TABLE old RENAME TO name: the constraints schema.yaml leaves unnamed (a primary key, UNIQUE, EXCLUDE,
    foreign key, and on PostgreSQL 18 a NOT NULL), which keep the names Postgres gave them after the old name
    (orders_pkey), renamed as the new name makes them (purchases_pkey), as a table created under that name has them
    and as every later migration names them (DROP CONSTRAINT purchases_pkey: state.json records them unnamed).
    Each only where the table has it under that name (no NOT NULL constraint before 18; an older rename's kept); a
    partition's copies not those schema.yaml names (`kept`: _copies_renamed)."""
    fks = default_names_after_rename(old, name, old.foreign_keys)
    pairs = default_names_after_rename(old, name, old.indexed_keys()) + fks
    pairs += [(default_not_null_name(old.name, c.name), default_not_null_name(name, c.name)) for c in old.columns
              if not c.nullable and (c.not_null is None or c.not_null.name is None)]
    return _renamed(qualified(old.schema, name), pairs) + (_copies_renamed(old, name, kept) if old.partition_of else []) + \
        (_clones_renamed(qualified(old.schema, name), fks) if old.partition_by else [])


def _clones_renamed(target: str, pairs: list[tuple[str, str]]) -> list[exp.Expression]:
    """A renamed partitioned table's foreign keys renamed (_renamed): their clones in its partitions, at any depth,
    which Postgres gave the parent's name (orders_pid_fkey) and RENAME CONSTRAINT on the parent leaves so, renamed
    after it as PARTITION OF under the new name makes them (purchases_pid_fkey). Only the clones on the same referenced
    table (not those a partitioned referenced table's partitions have) and named as the parent's was."""
    relid = f"{literal(target)}::regclass"
    steps = [f"FOR r IN WITH RECURSIVE k(oid, ref) AS (SELECT oid, confrelid FROM pg_catalog.pg_constraint WHERE "
             f"conrelid = {relid} AND conname = {literal(now)} AND contype = 'f' UNION ALL SELECT c.oid, c.confrelid FROM "
             "pg_catalog.pg_constraint c JOIN k ON c.conparentid = k.oid AND c.confrelid = k.ref) SELECT DISTINCT "
             f"c.conrelid::regclass AS t FROM pg_catalog.pg_constraint c JOIN k ON k.oid = c.oid WHERE c.conrelid <> {relid} "
             f"AND c.conname = {literal(was)} LOOP EXECUTE pg_catalog.format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', "
             f"r.t, {literal(was)}, {literal(now)}); END LOOP;" for was, now in dict(pairs).items() if was != now]
    return [do_block("DECLARE r record; BEGIN " + " ".join(steps) + " END")] if steps else []


def _copies_renamed(old: Table, name: str, kept: frozenset[str]) -> list[exp.Expression]:
    """A renamed partition's copies of its parent's keys and indexes, which Postgres named after the partition
    (orders_2024_pkey, orders_2024_k_idx: pg.childindex) and ALTER TABLE ... RENAME leaves so: named after its new
    name, as PARTITION OF under it names them (and as compare.partition_copies expects them); not one under a name
    the renamed table declares (`kept`: made by a fresh build under it, its parent's index attaching it)."""
    target, prefix = qualified(old.schema, name), old.name + "_"
    own = f"ARRAY[{', '.join(literal(n) for n in sorted(kept))}]::name[]" if kept else "'{}'::name[]"
    cut = len(prefix.encode()) + 1
    new = f"{literal(name + '_')} || substr(r.n, {cut})"
    relid = f"{literal(target)}::regclass"
    return [do_block(
        "DECLARE r record; BEGIN FOR r IN SELECT c.conname AS n FROM pg_catalog.pg_constraint c WHERE c.conrelid = "
        f"{relid} AND c.conparentid <> 0 AND c.contype IN ('p', 'u', 'x') AND left(c.conname, {cut - 1}) = "
        f"{literal(prefix)} AND c.conname <> ALL ({own}) LOOP EXECUTE pg_catalog.format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', {literal(target)}, "
        f"r.n, {new}); END LOOP; FOR r IN SELECT x.relname AS n FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON "
        "x.oid = i.indexrelid JOIN pg_catalog.pg_inherits h ON h.inhrelid = i.indexrelid WHERE i.indrelid = "
        f"{relid} AND left(x.relname, {cut - 1}) = {literal(prefix)} AND x.relname <> ALL ({own}) AND NOT EXISTS (SELECT 1 FROM "
        "pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) LOOP EXECUTE "
        f"pg_catalog.format('ALTER INDEX %I.%I RENAME TO %I', {literal(old.schema)}, r.n, {new}); END LOOP; END")]


def defaults_after_rename(c: Change) -> list[exp.Expression]:
    """column_defaults_renamed after a rename_column change `c`: a table's own, or an INHERITS child's or partition's
    the parent's RENAME COLUMN reached (INHERITED: its own unnamed keys over the column, none inherited, named anew)."""
    return column_defaults_renamed(c.table_def, c.old.name, c.name, c.column_renames, c.new,  # type: ignore
                                   c.renamed_along)


def column_defaults_renamed(t: Table, was: str, now: str, moves: tuple[tuple[str, str], ...],
                            column: Optional[Column] = None, along: tuple = ()) -> list[exp.Expression]:
    """After ALTER TABLE t RENAME COLUMN was TO now: its NOT NULL (18: t_was_not_null) named as it would be over `now`;
    and after the last of the table's RENAME COLUMNs of the migration (`moves`, (old, new) each), the UNIQUEs, EXCLUDEs
    and foreign keys schema.yaml leaves unnamed over any of them (t_a_b_key, t_a_b_fkey, a partitioned table's clones
    of the key too), renamed once from the name Postgres gave them over the old columns to the one over the new
    (t_a2_b2_key), as defaults_renamed does for a table (compare.column_renames keeps them so). `column`: the column as
    schema.yaml has it where `now` is not its name (a cycle's scratch name, plan.name_swaps: its NOT NULL set aside
    with it, the name it gives up free for the column taking it). `along`: Change.renamed_along."""
    pairs = []
    column = column or next((c for c in t.columns if c.name == now), None)
    if column is not None and not column.nullable and (column.not_null is None or column.not_null.name is None):
        pairs.append((default_not_null_name(t.name, was), default_not_null_name(t.name, now)))
    fks: list[tuple[str, str]] = []
    last = bool(moves) and now == moves[-1][1]  # (the table's last RENAME COLUMN of the migration)
    if last:
        keys, fks = default_names_followed(t, moves)
        pairs += keys
    target = qualified(t.schema, t.name)
    copies = _copies_over_renamed(t, moves, dict(along)) if t.partition_by and last else []
    return _renamed(target, pairs + fks) + (_clones_renamed(target, fks) if t.partition_by else []) + copies


def _copies_over_renamed(t: Table, moves: tuple[tuple[str, str], ...], along: dict[str, str]) -> list[exp.Expression]:
    """After a partitioned table's RENAME COLUMNs (`moves`): its partitions' copies, at any depth, of its UNIQUEs,
    EXCLUDEs (17+) and indexes over any of them, which Postgres named over the old columns (c_2024_a_d_key,
    c_2024_b_idx, a second copy over them c_2024_b_idx1: pg.childindex) and RENAME COLUMN leaves so, renamed to the
    names over the new (c_2024_a2_d_key, c_2024_b2_idx1), as a fresh build names them and compare.partition_copies
    expects them. The partition's name is known on the server only: makeObjectName runs there (_OBJECT_NAME). Only a
    copy under such a name, and where the new one is free. A parent index or key the migration renames too (`along`:
    new name -> old) is found under its old name: its own rename reads the new columns, so runs after this block (a
    one's that ran before, under its new name)."""
    olds = {n: o for o, n in net_renames(moves).items()}
    new = set(olds)
    relid = f"{literal(qualified(t.schema, t.name))}::regclass"
    conindid = lambda name: f"(SELECT conindid FROM pg_catalog.pg_constraint WHERE conrelid = {relid} AND conname = " \
        f"{literal(name)})"  # noqa: E731
    regclass = lambda name: f"pg_catalog.to_regclass({literal(qualified(t.schema, name))})"  # noqa: E731
    # (one the migration renames too: under its old name first, then its new one)
    looked_up = lambda by, name: by(name) if name not in along else \
        f"coalesce({by(along[name])}, {by(name)})"  # noqa: E731
    key = lambda c: looked_up(conindid, constraint_name(t, c))  # noqa: E731
    index = lambda i: looked_up(regclass, i.name)  # noqa: E731
    found = [(key(u), [*u.columns, *u.include], [None] * (len(u.columns) + len(u.include)), "key") for u in t.uniques]
    found += [(key(x), *name_parts(x), "excl") for x in t.exclusions]  # type: ignore[arg-type]
    found += [(index(i), *name_parts(i), "idx") for i in t.indexes]
    rows = [(parent, index_column_names([olds.get(c, c) if c else c for c in columns], expressions),
             index_column_names(columns, expressions), label) for parent, columns, expressions, label in found
            if not new.isdisjoint(columns)]
    values = ", ".join(f"({n}, {parent}, {literal(was)}, {literal(now)}, {literal(label)})"
                       for n, (parent, was, now, label) in enumerate(rows) if was != now)
    if not values:
        return []
    return [do_block(
        "DECLARE r record; a text; b text; l text; n1 int; n2 int; names text[]; ci int; cn int; " + _HELD + " BEGIN FOR r "
        "IN WITH RECURSIVE k(o, oid, w, v, l) AS (SELECT c.o, h.inhrelid, c.w, c.v, c.l FROM (VALUES " + values + ") c(o, "
        "parent, w, v, l) JOIN pg_catalog.pg_inherits h ON h.inhparent = c.parent UNION ALL SELECT k.o, i.inhrelid, k.w, "
        "k.v, k.l FROM pg_catalog.pg_inherits i JOIN k ON i.inhparent = k.oid) SELECT k.w, k.v, k.l, x.oid AS x, "
        "x.relname::text AS n, x.relnamespace AS s, p.oid AS t, p.relname::text AS p, c.oid IS NOT NULL AS con FROM k "
        "JOIN pg_catalog.pg_class x ON x.oid = k.oid JOIN pg_catalog.pg_index i ON i.indexrelid = x.oid JOIN "
        "pg_catalog.pg_class p ON p.oid = i.indrelid LEFT JOIN pg_catalog.pg_constraint c ON c.conindid = x.oid AND "
        "c.conrelid = p.oid ORDER BY k.o, x.oid LOOP l := r.l || coalesce(pg_catalog.substring(r.n, '_' || r.l || "
        "'([0-9]*)$'), ''); " + _OBJECT_NAME + " IF r.n = names[1] AND names[1] <> names[2] THEN xs := xs || r.x; ts := "
        "ts || r.t; ss := ss || r.s; cs := cs || r.con; ws := ws || names[1]; vs := vs || names[2]; ok := ok || true; "
        "END IF; END LOOP; " + _MOVABLE + " FOR ci IN 1 .. coalesce(pg_catalog.array_length(xs, 1), 0) LOOP IF ok[ci] "
        "THEN " + _RENAME.format("ws[ci]", "'copy_' || xs[ci] || " + literal(SWAP_SUFFIX)) + " END IF; END LOOP; FOR ci IN "
        "1 .. coalesce(pg_catalog.array_length(xs, 1), 0) LOOP IF ok[ci] THEN IF " + _FREE.format("vs[ci]") + " THEN " +
        _RENAME.format("'copy_' || xs[ci] || " + literal(SWAP_SUFFIX), "vs[ci]") + " ELSE " +
        _RENAME.format("'copy_' || xs[ci] || " + literal(SWAP_SUFFIX), "ws[ci]") + " END IF; END IF; END LOOP; END")]


# The copies _copies_over_renamed renames: each index's OID, its table's, namespace, whether a key's, its name now,
# the one it takes, and whether it is renamed (ok).
_HELD = ("xs oid[] := '{}'; ts oid[] := '{}'; ss oid[] := '{}'; cs boolean[] := '{}'; ws text[] := '{}'; vs text[] := "
         "'{}'; ok boolean[] := '{}';")
# Whether name {0} is free for copy ci: no relation of its namespace, no constraint of its table, holds it.
_FREE = ("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE relnamespace = ss[ci] AND relname = {0}) AND NOT EXISTS "
         "(SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = ts[ci] AND conname = {0})")
# Copy i, a key's or an index, renamed from {0} to {1}.
_RENAME = ("IF cs[ci] THEN EXECUTE pg_catalog.format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', ts[ci]::pg_catalog.regclass, "
           "{0}, {1}); ELSE EXECUTE pg_catalog.format('ALTER INDEX %I.%I RENAME TO %I', (SELECT nspname FROM "
           "pg_catalog.pg_namespace WHERE oid = ss[ci]), {0}, {1}); END IF;")
# The copies left as they are: each whose new name a relation or constraint holds that is not one renamed (then
# set aside first: two copies swapping names, two columns swapping theirs), until none is left so.
_MOVABLE = ("LOOP cn := 0; FOR ci IN 1 .. coalesce(pg_catalog.array_length(xs, 1), 0) LOOP IF ok[ci] AND (EXISTS (SELECT 1 "
            "FROM pg_catalog.pg_class WHERE relnamespace = ss[ci] AND relname = vs[ci] AND NOT EXISTS (SELECT 1 FROM "
            "pg_catalog.generate_subscripts(xs, 1) j WHERE ok[j] AND xs[j] = pg_class.oid)) OR EXISTS (SELECT 1 FROM "
            "pg_catalog.pg_constraint WHERE conrelid = ts[ci] AND conname = vs[ci] AND NOT EXISTS (SELECT 1 FROM "
            "pg_catalog.generate_subscripts(xs, 1) j WHERE ok[j] AND xs[j] = pg_constraint.conindid))) THEN ok[ci] := "
            "false; cn := cn + 1; END IF; END LOOP; EXIT WHEN cn = 0; END LOOP;")


# PL/pgSQL setting names to pg.names.make_object_name(r.p, <columns>, l) over the old columns (r.w) and the new (r.v):
# the longer of the two parts cut a byte at a time until the name fits NAMEDATALEN, each then clipped to whole
# characters.
_OBJECT_NAME = ("names := '{}'; FOREACH b IN ARRAY ARRAY[r.w, r.v] LOOP a := r.p; n1 := pg_catalog.octet_length(a); "
                "n2 := pg_catalog.octet_length(b); WHILE n1 + n2 > " + str(NAMEDATALEN - 3) +
                " - pg_catalog.octet_length(l) LOOP IF n1 > n2 THEN n1 := n1 - 1; ELSE n2 := n2 - 1; END IF; END LOOP; WHILE pg_catalog.octet_length(a) "
                "> n1 LOOP a := pg_catalog.left(a, -1); END LOOP; WHILE pg_catalog.octet_length(b) > n2 LOOP b := "
                "pg_catalog.left(b, -1); END LOOP; names := names || (a || '_' || b || '_' || l); END LOOP;")


def named_renamed(t: Table, old: Constraint, name: str) -> list[exp.Expression]:
    """A named constraint schema.yaml names otherwise, its definition kept (compare.definition_keys.renamed_key):
    RENAME CONSTRAINT (a key's index along; a CHECK in the INHERITS children that inherit it too), and a partitioned
    table's foreign key's clones in its partitions, which Postgres leaves under the old name (_clones_renamed)."""
    target = qualified(t.schema, t.name)
    return [command("ALTER", "TABLE", target, "RENAME CONSTRAINT", quote_ident(old.name), "TO",  # type: ignore[arg-type]
                    quote_ident(name))] + (_clones_renamed(target, [(old.name, name)])  # type: ignore[list-item]
                                           if isinstance(old, ForeignKey) and t.partition_by else [])


def given_default_name(t: Table, old: Constraint, name: str) -> list[exp.Expression]:
    """A constraint of `t` recorded under a name of its own (`old`) which schema.yaml now leaves unnamed, renamed to
    Postgres's name for it (compare.definition_keys.default_name_given), as _renamed does those after a table's
    rename; a partitioned table's foreign key's clones along. A key's index is a relation of the schema: not where
    one holds that name already."""
    target, pairs = qualified(t.schema, t.name), [(old.name, name)]
    free = None if isinstance(old, ForeignKey) else qualified(t.schema, name)
    return _renamed(target, pairs, free) + (  # type: ignore[list-item]
        _clones_renamed(target, pairs) if isinstance(old, ForeignKey) and t.partition_by else [])  # type: ignore


def _renamed(target: str, pairs: list[tuple[str, str]], free: Optional[str] = None) -> list[exp.Expression]:
    """One DO block renaming each constraint of `target` named the first of a pair to the second, where it has one of
    its own: not one it inherits (a partition's, a child's: Postgres refuses), nor a NOT NULL one of its partitions or
    children, at any depth, holds under another name (RENAME CONSTRAINT renames theirs too, and fails on such one: a
    partition attached with a name of its own). Theirs renamed so are what PARTITION OF or INHERITS under the new name
    makes."""
    relid = f"{literal(target)}::regclass"
    below = ("WITH RECURSIVE d(r) AS (SELECT inhrelid FROM pg_catalog.pg_inherits WHERE inhparent = " + relid + " UNION "
             "SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN d ON i.inhparent = d.r) SELECT 1 FROM d WHERE NOT EXISTS "
             "(SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = d.r AND c.conname = {})")
    unused = f" AND pg_catalog.to_regclass({literal(free)}) IS NULL" if free else ""  # (the name a key's index takes)
    moves = {was: now for was, now in dict(pairs).items() if was != now}
    if not set(moves).isdisjoint(moves.values()):  # (names taken from one another: two columns' keys swapping names)
        moves = {**{was: scratch_name(was) for was in moves}, **{scratch_name(was): now for was, now in moves.items()}}
    steps = [f"IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = {relid} AND conname = {literal(was)} "
             f"AND coninhcount = 0 AND (contype <> 'n' OR NOT EXISTS ({below.format(literal(was))}))){unused} THEN ALTER TABLE "
             f"{target} RENAME CONSTRAINT {quote_ident(was)} TO {quote_ident(now)}; END IF;"
             for was, now in moves.items()]
    return [do_block("BEGIN " + " ".join(steps) + " END")] if steps else []
