"""A partition's own index, primary key or UNIQUE (catalog/partition_indexes.py), which its parent's may hold.

An index attached to the parent's cannot be dropped while the parent's stands. When schema.yaml no longer
lists it but the parent keeps its index, the partition must keep a copy under the name Postgres gives
one (which inspect leaves out): the index is renamed to it. Whether it is attached is known only on the
server, so the statement asks there: a DO block renames it when pg_inherits holds it, else drops it (IF
EXISTS: the parent's DROP, ordered first by plan/dependencies.py, may have taken it along).

A primary key or UNIQUE goes the same way, and one more: the parent's may be declared in its CREATE TABLE
(or stand already), so a partition created or attached under it holds Postgres's copy before the
partition's own key could be made. Adding the key renames that copy when there is one (its constraint
and index: RENAME CONSTRAINT does both), else adds the key, which the parent's ADD then attaches: so the
partition's key and its parent's need no order between them (the parent's ADD, run first, made the copy).

Also a partition attached to its parent and detached from it (ATTACH / DETACH PARTITION).
"""

from __future__ import annotations

from typing import Union

from sqlglot import exp

from schemac.compare.tables import constraint_key
from schemac.model import Column, Exclusion, Index, PrimaryKey, Table, Unique, UNIQUE_KEY_TYPES
from schemac.pg.childindex import child_index_name, child_key_name, is_child_index_name
from schemac.pg.dialect import RENDER
from schemac.pg.names import constraint_name, qualified, quote_ident
from schemac.pg.expressions import referenced_columns
from schemac.pg.partition_texts import parse_partition_bound
from schemac.pg.beside_copies import beside_copy
from schemac.plan.ddl import add_constraint, command, create_index, do_block, literal, storage_clause


def copy_settings(t: Table, index: Index) -> list[exp.Expression]:
    """After CREATE INDEX IF NOT EXISTS of a partition's index under the name Postgres gives its copy of the parent's
    (a copy with settings of its own, catalog/partition_indexes.py): that copy may stand already, with its parent's
    storage parameters, which the CREATE left alone. They are reset, then the index's own set."""
    if t.partition_of is None or beside_copy(t, index) or not is_child_index_name(  # (one beside the copy: its own)
            index.name, t.name, [e.column for e in index.elements] + list(index.include),
            [e.expression for e in index.elements] + [None] * len(index.include)):
        return []
    name = qualified(t.schema, index.name)
    reset = literal(f"ALTER INDEX {name.replace('%', '%%')} RESET (%s)")
    return [do_block("DECLARE opts text; BEGIN SELECT pg_catalog.string_agg(pg_catalog.quote_ident(pg_catalog.split_part("
                     "o, '=', 1)), ', ') INTO opts FROM pg_catalog.pg_class c, pg_catalog.unnest(c.reloptions) AS o WHERE "
                     f"c.oid = pg_catalog.to_regclass({literal(name)}); IF opts IS NOT NULL THEN EXECUTE "
                     f"pg_catalog.format({reset}, opts); END IF; END")] + \
        ([command("ALTER", "INDEX", name, storage_clause(index.parameters, "SET"))] if index.parameters else [])


def add_partition_index(t: Table, index: Index, copy_of: tuple) -> list[exp.Expression]:
    """CREATE INDEX of a partition's own index, or ALTER INDEX ... RENAME of the index the partition holds attached
    (at any depth) to `copy_of` (schema, name: an ancestor's index of its definition, compare.partition_copies.
    copies_renamed), Postgres's copy of it: a second index beside it would be one more than a fresh build holds."""
    table, parent = qualified(t.schema, t.name), qualified(*copy_of)
    find = ("SELECT c.relname INTO copy FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid "
            f"WHERE x.indrelid = pg_catalog.to_regclass({literal(table)}) AND EXISTS (WITH RECURSIVE up(oid) AS ("
            "SELECT inhparent FROM pg_catalog.pg_inherits WHERE inhrelid = x.indexrelid UNION ALL SELECT i.inhparent "
            "FROM pg_catalog.pg_inherits i JOIN up ON i.inhrelid = up.oid) SELECT 1 FROM up WHERE up.oid = pg_catalog."
            f"to_regclass({literal(parent)})) LIMIT 1;")
    rename = f"pg_catalog.format('ALTER INDEX %I.%I RENAME TO %I', {literal(t.schema)}, copy, {literal(index.name)})"
    create = create_index(t, index).sql(dialect=RENDER)
    # Its name held by another partition's copy (Postgres numbered the two for each other's names, made in another
    # order: catalog.partition_indexes): the two names swapped, that one moved aside first.
    held = f"pg_catalog.to_regclass({literal(qualified(t.schema, index.name))})"
    aside = (f"other := {held}; IF other IS NOT NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = "
             f"other) THEN EXECUTE pg_catalog.format('ALTER INDEX %s RENAME TO %I', other, 'schemac_' || other::oid); "
             "ELSE other := NULL; END IF;")
    back = ("IF other IS NOT NULL THEN EXECUTE pg_catalog.format('ALTER INDEX %I.%I RENAME TO %I', "
            f"{literal(t.schema)}, 'schemac_' || other::oid, copy); END IF;")
    return [do_block(f"DECLARE copy name; other regclass; BEGIN {find} IF copy IS NULL THEN {create}; ELSIF copy <> "
                     f"{literal(index.name)} THEN {aside} EXECUTE {rename}; {back} END IF; END")]


def drop_partition_index(t: Table, index: Index) -> list[exp.Expression]:
    """A partition's index (renamed to its copy's name while attached, else dropped), or a partitioned table's
    (_drop_parent_index)."""
    if t.partition_of is None:
        return _drop_parent_index(t, index)
    name = qualified(t.schema, index.name)
    keep_as = child_index_name(t.name, [e.column for e in index.elements] + list(index.include),
                               [e.expression for e in index.elements] + [None] * len(index.include))
    rename = f"ALTER INDEX {name} RENAME TO {quote_ident(keep_as)};" if keep_as != index.name else "NULL;"  # (its name
    # already: an orphan partition's, attached again)
    return [do_block(f"BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = pg_catalog.to_regclass("
                f"{literal(name)})) THEN {rename} ELSE DROP INDEX IF EXISTS {name}; END IF; END")]


# The partitions' own primary keys and UNIQUEs whose indexes a partitioned table's index holds (at any depth).
_HELD_KEYS = ("SELECT pg_catalog.array_agg(pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::"
              "pg_catalog.regclass, c.conname, pg_catalog.pg_get_constraintdef(c.oid)) ORDER BY c.oid), pg_catalog."
              "array_agg(c.conindid) INTO keys, held FROM pg_catalog.pg_constraint c WHERE c.conparentid = 0 AND "
              "c.contype IN ('p', 'u') AND c.conindid IN (WITH RECURSIVE below(oid) AS (SELECT inhrelid FROM "
              "pg_catalog.pg_inherits WHERE inhparent = pg_catalog.to_regclass({name}) UNION ALL SELECT i.inhrelid "
              "FROM pg_catalog.pg_inherits i JOIN below b ON i.inhparent = b.oid) SELECT oid FROM below);")


_REFS = ("SELECT pg_catalog.array_agg(pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::pg_catalog."
         "regclass, conname, pg_catalog.pg_get_constraintdef(oid)) ORDER BY oid) INTO refs FROM pg_catalog."
         "pg_constraint WHERE contype = 'f' AND conparentid = 0 AND conindid = ANY (held);")


def _dropped_keeping_keys(name: str) -> str:
    """PL/pgSQL (variables keys, held, refs, s) dropping the partitioned index `name` (an SQL text expression) with
    the partitions' own keys it holds (CASCADE), then making the keys again, and the foreign keys on them; refused
    where a foreign key stands on the index itself, which would have no key left."""
    refused = literal("a partitioned table's index holds its partitions' keys, and a foreign key references it: "
                      "drop the foreign key first")
    return (f"{_HELD_KEYS.format(name=name)} IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE contype = 'f' "
            f"AND conparentid = 0 AND conindid = pg_catalog.to_regclass({name})) THEN RAISE EXCEPTION {refused}; "
            f"END IF; {_REFS} EXECUTE 'DROP INDEX ' || {name} || ' CASCADE'; FOREACH s IN ARRAY keys || refs LOOP "
            "EXECUTE s; END LOOP;")


def _drop_parent_index(t: Table, index: Index) -> list[exp.Expression]:
    """DROP INDEX of a partitioned table's index. A UNIQUE one may hold the indexes of its partitions' own keys
    (pg_dump's shape: ON ONLY, the partition's ADD CONSTRAINT, ATTACH PARTITION), under which Postgres refuses the
    DROP and cannot detach them: it is dropped with them and they are made again (_dropped_keeping_keys; a key the
    partition gives up is dropped after, by its own change)."""
    name = qualified(t.schema, index.name)
    if not index.unique:
        return [command("DROP", "INDEX IF EXISTS", name)]
    held = _HELD_KEYS.format(name=literal(name))
    return [do_block(f"DECLARE keys text[]; held oid[]; refs text[]; s text; BEGIN {held} IF keys IS NULL THEN "
                     f"DROP INDEX IF EXISTS {name}; RETURN; END IF; {_dropped_keeping_keys(literal(name))} END")]


Key = Union[PrimaryKey, Unique]


def is_partition_key(t: object, c: object) -> bool:
    """Whether `c` is a primary key or UNIQUE of a partition (which its parent's may hold)."""
    return getattr(t, "partition_of", None) is not None and isinstance(c, UNIQUE_KEY_TYPES)


def _key_columns(key: Key) -> list[str]:
    return list(key.columns) + list(key.include)


def add_partition_key(t: Table, key: Key) -> list[exp.Expression]:
    """ALTER TABLE ... ADD CONSTRAINT, or RENAME CONSTRAINT of the copy of the parent's key the partition
    holds: a key of its kind, attached, on the same columns (keys, then INCLUDE's, as its index lists them) and NULLS
    [NOT] DISTINCT as it is (a copy of another parent's UNIQUE of its columns stands beside one NOT DISTINCT); a key
    of the partition's own beside that copy (pg.beside_copies) is added, the copy kept, unless the copy holds its
    name (the copy's own taken by a relation elsewhere: as CREATE INDEX IF NOT EXISTS of an index beside one)."""
    table, name = qualified(t.schema, t.name), constraint_name(t, key)
    if beside_copy(t, key):
        return [do_block(f"BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog."
                         f"to_regclass({literal(table)}) AND conname = {literal(name)}) THEN "
                         f"{add_constraint(t, key).sql(dialect=RENDER)}; END IF; END")]
    columns = "ARRAY[" + ", ".join(literal(c) for c in _key_columns(key)) + "]::text[]"
    # (the copy of the parent's UNIQUE attached_to names, where the parent holds two of the definition: one each)
    whose = "" if not isinstance(key, Unique) or key.attached_to is None else \
        ("AND c.conparentid = (SELECT p.oid FROM pg_catalog.pg_constraint p JOIN pg_catalog.pg_inherits h ON "
         f"h.inhparent = p.conrelid WHERE h.inhrelid = pg_catalog.to_regclass({literal(table)}) AND p.conname = "
         f"{literal(key.attached_to)}) ")
    find = ("SELECT c.conname INTO copy FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_index i ON i.indexrelid = "
            f"c.conindid WHERE c.conrelid = pg_catalog.to_regclass({literal(table)}) AND c.conparentid <> 0 AND "
            f"c.contype = {literal('p' if isinstance(key, PrimaryKey) else 'u')} {whose}AND i.indnullsnotdistinct = "
            f"{'true' if isinstance(key, Unique) and key.nulls_not_distinct else 'false'} AND ARRAY(SELECT a.attname::text "
            "FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) JOIN pg_catalog.pg_attribute a ON "
            f"a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord) = {columns} LIMIT 1;")
    statement = literal(f"ALTER TABLE {table.replace('%', '%%')} RENAME CONSTRAINT %I TO %I")
    rename = f"pg_catalog.format({statement}, copy, {literal(name)})"
    return [do_block(f"DECLARE copy name; BEGIN {find} IF copy IS NULL THEN "
                f"{add_constraint(t, key).sql(dialect=RENDER)}; ELSIF copy <> {literal(name)} THEN "
                f"EXECUTE {rename}; END IF; END")]


def rename_constraint(t: Table, name: str, to: str) -> exp.Command:
    return command("ALTER", "TABLE", qualified(t.schema, t.name), "RENAME CONSTRAINT", quote_ident(name), "TO",
                   quote_ident(to))


def drop_partition_key(t: Table, key: Key) -> list[exp.Expression]:
    """ALTER TABLE ... DROP CONSTRAINT IF EXISTS, or, while the parent's key holds it, RENAME CONSTRAINT to
    the name Postgres gives its copy."""
    table, name = qualified(t.schema, t.name), constraint_name(t, key)
    keep_as = child_key_name(t.name, isinstance(key, PrimaryKey), _key_columns(key))
    rename = rename_constraint(t, name, keep_as).sql(dialect=RENDER) + ";" if keep_as != name else "NULL;"
    if isinstance(key, Unique) and key.attached_to is not None:  # (one of two copies: the name Postgres gives it)
        rename = _renamed_to_a_free_name(t, name, key)
    drop = f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {quote_ident(name)};"
    # Its index held by the parent's plain index (pg_dump's shape), Postgres refuses the DROP: the parent's index is
    # dropped keeping the keys (this one too, now its own alone), this one dropped, the parent's index made again,
    # which gives the partition Postgres's copy.
    held = ("SELECT i.inhparent::pg_catalog.regclass::text INTO parent FROM pg_catalog.pg_constraint c JOIN pg_catalog."
            f"pg_inherits i ON i.inhrelid = c.conindid WHERE c.conrelid = pg_catalog.to_regclass({literal(table)}) AND "
            f"c.conname = {literal(name)} AND c.conparentid = 0;")
    again = ("made := pg_catalog.regexp_replace(pg_catalog.pg_get_indexdef(pg_catalog.to_regclass(parent)), ' ON ONLY ', "
             "' ON '); note := pg_catalog.obj_description(pg_catalog.to_regclass(parent), 'pg_class');")
    comment = "IF note IS NOT NULL THEN EXECUTE pg_catalog.format('COMMENT ON INDEX %s IS %L', parent, note); END IF;"
    return [do_block(f"DECLARE parent text; made text; note text; keys text[]; held oid[]; refs text[]; s text; BEGIN "
                     f"{held} IF parent IS NOT NULL THEN {again} {_dropped_keeping_keys('parent')} {drop} EXECUTE made; "
                     f"{comment} RETURN; END IF; IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
                     f"pg_catalog.to_regclass({literal(table)}) AND conname = {literal(name)} AND conparentid <> 0) THEN "
                     f"{rename} ELSE {drop} END IF; END")]


def _renamed_to_a_free_name(t: Table, name: str, key: Unique) -> str:
    """PL/pgSQL renaming the copy `name` (attached_to one of two UNIQUEs of its parent) to the name Postgres would give
    it now: `<partition>_<columns>_key`, or that taken (by the other copy), the first of `..._key1`, `..._key2`... free in
    the schema (ChooseRelationName's way)."""
    names = [child_index_name(t.name, _key_columns(key), [None] * len(_key_columns(key)), f"key{n or ''}")
             for n in range(10)]
    free = ("SELECT u.x INTO free FROM unnest(ARRAY[" + ", ".join(literal(n) for n in names) + "]::text[]) WITH "
            "ORDINALITY AS u(x, n) WHERE u.x = " + literal(name) + " OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class r "
            "WHERE r.relnamespace = (SELECT s.relnamespace FROM pg_catalog.pg_class s WHERE s.oid = pg_catalog.to_regclass("
            f"{literal(qualified(t.schema, t.name))})) AND r.relname = u.x) "
            "ORDER BY u.n LIMIT 1;")
    statement = literal(f"ALTER TABLE {qualified(t.schema, t.name).replace('%', '%%')} RENAME CONSTRAINT %I TO %I")
    return (f"DECLARE free text; BEGIN {free} IF free IS DISTINCT FROM {literal(name)} THEN EXECUTE pg_catalog.format("
            f"{statement}, {literal(name)}, free); END IF; END;")


def renamed_after_leaving(t: Table, old: Column, new: Column) -> exp.Command:
    """After NO INHERIT or DETACH, a NOT NULL the table inherited carries its parent's constraint's name (PostgreSQL
    18): renamed as `new` names it (compare.not_nulls) where the table holds it under that name. The catalog
    said nothing of an inherited one, and one the table had declared too has a name of its own: the statement
    asks the server (and does nothing before 18, which has no such constraint)."""
    name, to = old.not_null.name, new.not_null.name  # type: ignore[union-attr]
    table = qualified(t.schema, t.name)
    return do_block(f"BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass("
               f"{literal(table)}) AND contype = 'n' AND conname = {literal(name)}) THEN "  # type: ignore[arg-type]
               f"{rename_constraint(t, name, to).sql(dialect=RENDER)}; END IF; END")  # type: ignore[arg-type]


def attach_partition(table: Table) -> exp.Command:
    p = table.partition_of
    assert p is not None
    return command("ALTER", "TABLE", qualified(p.parent_schema, p.parent), "ATTACH PARTITION",
                   qualified(table.schema, table.name), parse_partition_bound(p.bound))


def copies_named(table: Table, adopted: tuple = ()) -> list[exp.Expression]:
    """Before DETACH of `table`, its copies of the parent's indexes (attached_to: compare.partition_copies) get the names
    the model gives them, which its drops after the DETACH go by: Postgres numbered a second copy on the same columns
    (t3_k_idx1) in the order it made them, not by the parent's indexes' names; and those its new parent takes over
    (`adopted`: (the parent's index, name)) the names a new build gives them. A copy holding a name wanted by another
    is given the other's (a swap)."""
    p = table.partition_of
    wanted = [(qualified(p.parent_schema, i.attached_to), i.name) for i in table.indexes if i.attached_to is not None] \
        + [(qualified(p.parent_schema, parent), name) for parent, name in adopted] if p is not None else []
    if not wanted:
        return []
    rel = literal(qualified(table.schema, table.name))
    values = ", ".join(f"({literal(parent)}, {literal(name)})" for parent, name in wanted)
    rename = "EXECUTE pg_catalog.format('ALTER INDEX %s RENAME TO %I', "
    return [do_block(
        "DECLARE r record; was name; held regclass; BEGIN FOR r IN SELECT i.inhrelid AS copy, x.target FROM (VALUES "
        f"{values}) x(parent, target) JOIN pg_catalog.pg_inherits i ON i.inhparent = pg_catalog.to_regclass(x.parent) "
        f"JOIN pg_catalog.pg_index k ON k.indexrelid = i.inhrelid WHERE k.indrelid = pg_catalog.to_regclass({rel}) LOOP "
        "SELECT c.relname INTO was FROM pg_catalog.pg_class c WHERE c.oid = r.copy; CONTINUE WHEN was = r.target; "
        "SELECT c.oid INTO held FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index k ON k.indexrelid = c.oid WHERE "
        f"c.relname = r.target AND k.indrelid = pg_catalog.to_regclass({rel}); "
        f"IF held IS NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = r.target AND c.relnamespace "
        f"= (SELECT relnamespace FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass({rel}))) THEN CONTINUE; "
        f"END IF; {rename}r.copy::pg_catalog.regclass, 'schemac_copy_' || r.copy); IF held IS NOT NULL THEN "
        f"{rename}held, was); END IF; {rename}r.copy::pg_catalog.regclass, r.target); END LOOP; END")]


def detach_partition(table: Table) -> exp.Command:
    p = table.partition_of
    assert p is not None
    return command("ALTER", "TABLE", qualified(p.parent_schema, p.parent), "DETACH PARTITION",
                   qualified(table.schema, table.name))


def copies_uncommented(t: Table, column: str) -> list[exp.Expression]:
    """After ALTER COLUMN ... TYPE of partitioned `t`, which rebuilds every index reading `column` and its partitions'
    copies (a PRIMARY KEY's, UNIQUE's or EXCLUDE's too): before PostgreSQL 17 each copy is rebuilt with its parent
    index's comment (COMMENT ON INDEX of the parent carried down), which schema.yaml does not give it (a copy with a
    comment is listed as the partition's own index or key, catalog/partition_indexes.py). A DO block takes the comments
    off the copies of each such index, and off their constraints (a copy keeps none of its own through the rebuild on
    any major: own_comments_again gives those back)."""
    if t.partition_by is None:
        return []
    out: list[exp.Expression] = []
    for name in _rebuilt_parents(t, column):
        tree = f"pg_catalog.pg_partition_tree(pg_catalog.to_regclass({literal(qualified(t.schema, name))}))"
        out.append(do_block(
            f"DECLARE i regclass; c record; BEGIN FOR i IN SELECT p.relid FROM {tree} p WHERE p.level > 0 LOOP "
            "IF pg_catalog.obj_description(i, 'pg_class') IS NOT NULL THEN "
            "EXECUTE pg_catalog.format('COMMENT ON INDEX %s IS NULL', i); END IF; "
            "FOR c IN SELECT k.conname, k.conrelid::regclass AS rel FROM pg_catalog.pg_constraint k WHERE k.conindid = i "
            "AND k.contype IN ('p', 'u', 'x') AND pg_catalog.obj_description(k.oid, 'pg_constraint') IS NOT NULL LOOP "
            "EXECUTE pg_catalog.format('COMMENT ON CONSTRAINT %I ON %s IS NULL', c.conname, c.rel); END LOOP; "
            "END LOOP; END"))
    return out


def copy_names_kept(t: Table, column: str) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """(before, after) ALTER COLUMN ... TYPE of partitioned `t`: the rebuild makes each partition's copy of an index
    reading `column` (a key's too) again under Postgres's default name, where the partition's had one of its own (an
    index or key attached with its name: ATTACH PARTITION, ALTER INDEX ... ATTACH PARTITION). Before, each copy's
    name is kept in a setting of the transaction, by its parent index and table; after, the new copy gets it back
    (RENAME CONSTRAINT of a key's, which renames its index too; ALTER INDEX of another)."""
    parents = _rebuilt_parents(t, column) if t.partition_by is not None else []
    if not parents:
        return [], []
    copies = (f"(VALUES {', '.join(f'({literal(qualified(t.schema, n))})' for n in parents)}) x(parent) CROSS JOIN "
              "LATERAL pg_catalog.pg_partition_tree(pg_catalog.to_regclass(x.parent)) p JOIN pg_catalog.pg_index i ON "
              "i.indexrelid = p.relid JOIN pg_catalog.pg_class c ON c.oid = p.relid LEFT JOIN pg_catalog.pg_constraint k "
              "ON k.conindid = p.relid AND k.contype IN ('p', 'u', 'x') WHERE p.level > 0")
    before = do_block(
        "BEGIN PERFORM pg_catalog.set_config('schemac.copy_names', COALESCE((SELECT pg_catalog.json_agg("
        "pg_catalog.json_build_array(x.parent, i.indrelid, c.relname, k.conname)) FROM " + copies + ")::text, '[]'), "
        "true); END")
    after = do_block(
        "DECLARE e json; c record; BEGIN FOR e IN SELECT * FROM pg_catalog.json_array_elements(pg_catalog.current_setting("
        "'schemac.copy_names')::json) LOOP FOR c IN SELECT r.relname, n.nspname, k.conname FROM "
        "pg_catalog.pg_partition_tree(pg_catalog.to_regclass(e->>0)) p JOIN pg_catalog.pg_index i ON i.indexrelid = "
        "p.relid JOIN pg_catalog.pg_class r ON r.oid = p.relid JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace "
        "LEFT JOIN pg_catalog.pg_constraint k ON k.conindid = p.relid AND k.contype IN ('p', 'u', 'x') "
        "WHERE p.level > 0 AND i.indrelid = (e->>1)::oid AND r.relname <> e->>2 LOOP "
        "IF c.conname IS NOT NULL AND e->>3 IS NOT NULL THEN EXECUTE pg_catalog.format("
        "'ALTER TABLE %s RENAME CONSTRAINT %I TO %I', (e->>1)::oid::regclass, c.conname, e->>3); "
        "ELSE EXECUTE pg_catalog.format('ALTER INDEX %I.%I RENAME TO %I', c.nspname, c.relname, e->>2); END IF; "
        "END LOOP; END LOOP; END")
    return [before], [after]


def own_comments_again(t: Table, column: str) -> list[exp.Expression]:
    """Partition `t`'s share of its parent's ALTER COLUMN ... TYPE (which runs no statement of its own): the comments
    of its indexes reading `column`, and of its keys' (PRIMARY KEY, UNIQUE, EXCLUDE: of the constraint and of its
    index), which the rebuild takes from the copies of its parent's on every major (COMMENT ON again: the same text
    on an object of its own, which keeps its comment)."""
    if t.partition_of is None:
        return []
    on_index = [(i.name, i.comment) for i in t.indexes if i.comment is not None and index_reads(i, column)]
    keys = [(constraint_name(t, k), k) for k in _keys(t, column)]
    on_index += [(name, k.index_comment) for name, k in keys if k.index_comment is not None]
    return [command("COMMENT", "ON INDEX", qualified(t.schema, name), "IS", literal(text)) for name, text in on_index] + \
        [command("COMMENT", "ON CONSTRAINT", quote_ident(name), "ON", qualified(t.schema, t.name), "IS", literal(k.comment))
         for name, k in keys if k.comment is not None]


def _rebuilt_parents(t: Table, column: str) -> list[str]:
    """The names of `t`'s indexes, and of its keys' (as their index is named), that ALTER COLUMN `column` TYPE rebuilds."""
    return [i.name for i in t.indexes if index_reads(i, column)] + [constraint_name(t, k) for k in _keys(t, column)]


def _keys(t: Table, column: str) -> list[Union[PrimaryKey, Unique, Exclusion]]:
    """`t`'s PRIMARY KEY, UNIQUEs and EXCLUDE constraints whose index reads `column`."""
    return [k for k in t.indexed_keys() if column in k.include or
            (column in k.columns if not isinstance(k, Exclusion) else index_reads(k, column))]


def index_reads(i: Union[Index, Exclusion], column: str, include: bool = True) -> bool:
    """Whether index (or EXCLUDE constraint) `i` reads `column` (a key, INCLUDE unless `include` is False, an expression,
    its WHERE): ALTER COLUMN ... TYPE rebuilds it."""
    read = {e.column for e in i.elements if e.column} | (set(i.include) if include else set())
    for text in [e.expression for e in i.elements if e.expression] + ([i.where] if i.where else []):
        try:
            read |= set(referenced_columns(f"({text})"))
        except ValueError:
            return True  # (unread: taken as reading it)
    return column in read
