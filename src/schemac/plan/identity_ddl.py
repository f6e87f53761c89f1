"""A column's identity changed: ADDed with its sequence moved past the rows, DROPped, or its sequence's options SET
in place (never DROP + ADD, whose new sequence would start over under rows that hold its values)."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Column, SequenceOptions, Table
from schemac.pg.dialect import RENDER
from schemac.pg.names import qualified, quote_ident
from schemac.pg.sequences import filled
from schemac.plan import ddl
from schemac.pg.named_refs import named_refs
from schemac.pg.sequences import restarts
from schemac.plan.sequence_ddl import (identity_handed_out, identity_sequence_sql, into_the_new_range, last_handed_out,
                                      past_the_rows)
from schemac.plan.unforced_rls import unforced


def alter_column(t: Table, column: str, *parts: str) -> exp.Command:
    """ALTER TABLE t ALTER COLUMN c <parts>, for the clauses sqlglot has no node for."""
    return ddl.command("ALTER", "TABLE", qualified(t.schema, t.name), "ALTER COLUMN", quote_ident(column), *parts)


def alter_identity(t: Table, old: Column, new: Column, past_old_parent: bool = False) -> list[exp.Expression]:
    """ALTER COLUMN ... ADD / DROP IDENTITY, or the identity's sequence changed in place. `past_old_parent`: the
    table was a partition detached before (Change.past_old_parent): the new identity goes past its parent's sequence
    too (kept_before_detach)."""
    def alter(*parts: str) -> exp.Command:
        return alter_column(t, new.name, *parts)

    if new.identity is None:  # a sequence taking over: the identity's last value kept first (sequence_ddl)
        return ([identity_handed_out(t, new.name)] if handed_out(t, new) else []) + [alter("DROP IDENTITY IF EXISTS")]
    if old.identity is None:
        cache = ddl.identity_cache(t, new)
        added = ddl.identity_constraint(new.identity, t.schema).sql(dialect=RENDER)
        return [alter("ADD", added)] + ([cache] if cache else []) + unforced(t, [past_the_rows(  # (max() of every row)
            t, new, handed_out(t, old) + ((_detached_key(t, new.name),) if past_old_parent else ()))])
    # Both are identities: change the sequence in place. DROP + ADD IDENTITY would make a new sequence
    # that starts over, and the next insert into a table with rows would collide with an existing id.
    sets = identity_sets(old.identity.options, new.identity.options, new.type)
    if old.identity.always != new.identity.always:
        sets.insert(0, "SET GENERATED " + ("ALWAYS" if new.identity.always else "BY DEFAULT"))
    was, will = filled(old.identity.options, new.type), filled(new.identity.options, new.type)
    sequence = identity_sequence_sql(ddl.literal(qualified(t.schema, t.name)), ddl.literal(new.name))
    return (into_the_new_range(sequence, was, will) + [alter(*sets, *(["RESTART"] if restarts(was, will) else []))]
            if sets else [])


def kept_before_detach(old: Table, new: Table) -> list[exp.Expression]:
    """Before the DETACH of partition `old` (`new` as the desired model has it): the last value of its parent's
    sequence for each column `new` declares an identity on and `old` holds none (an identity the parent gave is left
    out of `old`: compare.inherited_checks), kept for that identity's `past_the_rows` (a row deleted from the partition,
    or in another, may have had a value above the rows it keeps; NULL where the parent's column draws from none)."""
    p, had = old.partition_of, {c.name for c in old.columns if c.identity is None}
    assert p is not None
    parent = ddl.literal(qualified(p.parent_schema, p.parent))
    return [last_handed_out(identity_sequence_sql(parent, _parents_column(parent, c)),
                            _detached_key(new, c.name))
            for c in new.columns if c.identity is not None and (c.name in had or c.renamed_from in had)]


def _parents_column(parent: str, c: Column) -> str:
    """The parent's name of the partition's column `c` as the DETACH finds it: its old name where schema.yaml renames
    it (a RENAME after the DETACH; a hint used before leaves it under its own), NULL where the parent has neither:
    no name that fails the migration."""
    names = [n for n in (c.renamed_from, c.name) if n]
    return (f"(SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = {parent}::regclass AND "
            f"a.attname IN ({', '.join(ddl.literal(n) for n in names)}) AND NOT a.attisdropped "
            f"ORDER BY a.attname = {ddl.literal(names[0])} DESC LIMIT 1)")


def _detached_key(t: Table, column: str) -> str:
    """The transaction setting's key of the parent's sequence position kept for `t`'s column (kept_before_detach)."""
    return f"detached {qualified(t.schema, t.name)}.{quote_ident(column)}"


def handed_out(t: Table, old: Column) -> tuple[str, ...]:
    """The sequences (qualified names) a column's default draws from (nextval('s')): the identity that replaces the
    old one goes past their last value (sequence_ddl.past_the_rows), as a new one does past an identity's."""
    refs = named_refs(old.default) if old.default else set()
    return tuple(sorted(qualified(k[1], k[2]) for k in refs if k[0] == "sequence"))


def identity_sets(old: SequenceOptions, new: SequenceOptions, column_type: str) -> list[str]:
    """SET clauses that turn the options `old` into `new`, compared as Postgres fills them in (a new
    MINVALUE moves the implied START, a negative INCREMENT the implied bounds); RESTART is never implied,
    so the next value stays where the rows have taken it."""
    was, will = filled(old, column_type), filled(new, column_type)
    sets = []
    if will.increment != was.increment:
        sets.append(f"SET INCREMENT BY {will.increment}")
    for key, word in (("min_value", "MINVALUE"), ("max_value", "MAXVALUE")):
        if getattr(will, key) != getattr(was, key):  # NO MAXVALUE: the default for the new increment's sign
            sets.append(f"SET NO {word}" if getattr(new, key) is None else f"SET {word} {getattr(will, key)}")
    if will.start != was.start:
        sets.append(f"SET START WITH {will.start}")
    if will.cache != was.cache:
        sets.append(f"SET CACHE {will.cache}")
    if will.cycle != was.cycle:
        sets.append("SET CYCLE" if will.cycle else "SET NO CYCLE")
    return sets


def kept_before_move(old: Table, new: Table) -> list[exp.Expression]:
    """Before the DETACH of partition `old` that `new` attaches to another parent: the last value of each identity
    sequence of the old parent, kept in the transaction (under the partition's new name and the column's) for
    `past_attached_rows`: a row deleted from the partition may have held a value above the rows it keeps."""
    p, q = old.partition_of, new.partition_of
    if p is None or q is None or (p.parent_schema, p.parent) == (q.parent_schema, q.parent):
        return []
    parent = ddl.literal(qualified(p.parent_schema, p.parent))
    return [ddl.do_block(
        f"DECLARE r record; BEGIN FOR r IN SELECT a.attname, {identity_sequence_sql(parent, 'a.attname')} AS seq "
        f"FROM pg_catalog.pg_attribute a WHERE a.attrelid = {parent}::regclass AND a.attidentity <> '' "
        "AND NOT a.attisdropped LOOP CONTINUE WHEN NOT pg_catalog.has_sequence_privilege(r.seq, 'SELECT, USAGE'); "
        f"PERFORM pg_catalog.set_config({_moved_key(new)}, COALESCE(pg_catalog.pg_sequence_last_value(r.seq)::text, "
        "''), true); END LOOP; END")]


def past_attached_rows(table: Table) -> list[exp.Expression]:
    """After the ATTACH of `table` to a parent with identity columns: each identity's sequence moved past the rows the
    partition brings (and past what its old parent handed out: kept_before_move), never back: the next INSERT into
    the parent would take a value a row of the partition holds (a table attached with rows, a partition moved from
    another parent whose sequence was further)."""
    p = table.partition_of
    assert p is not None
    parent, rel = ddl.literal(qualified(p.parent_schema, p.parent)), ddl.literal(qualified(table.schema, table.name))
    return [ddl.do_block(
        "DECLARE r record; far bigint; BEGIN FOR r IN SELECT a.attname, s.seqrelid::regclass AS seq, s.seqincrement > 0 "
        "AS up, s.seqmin, s.seqmax FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_sequence s ON s.seqrelid = "
        f"{identity_sequence_sql(parent, 'a.attname')} WHERE a.attrelid = {parent}::regclass "
        "AND a.attidentity <> '' AND NOT a.attisdropped LOOP EXECUTE pg_catalog.format('SELECT CASE WHEN $1 THEN "
        "GREATEST(max(%1$I), $2) ELSE LEAST(min(%1$I), $2) END::bigint FROM %2$s', r.attname, "
        f"{rel}::regclass) INTO far USING r.up, NULLIF(pg_catalog.current_setting({_moved_key(table)}, true), '')::bigint; "
        "far := CASE WHEN far IS NULL THEN NULL WHEN r.up THEN LEAST(far, r.seqmax) ELSE GREATEST(far, r.seqmin) END; "
        "IF far IS NOT NULL AND (pg_catalog.pg_sequence_last_value(r.seq) IS NULL OR CASE WHEN r.up THEN far > "
        "pg_catalog.pg_sequence_last_value(r.seq) ELSE far < pg_catalog.pg_sequence_last_value(r.seq) END) "
        "THEN PERFORM pg_catalog.setval(r.seq, far); END IF; END LOOP; END")]


def _moved_key(t: Table) -> str:
    """The SQL of the transaction setting's name that keeps an old parent's position for `t`'s column r.attname."""
    return (f"'schemac.moved_' || pg_catalog.left(pg_catalog.md5({ddl.literal(qualified(t.schema, t.name) + '.')} "
            "|| r.attname), 16)")
