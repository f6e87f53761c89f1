"""Sequences' DDL: CREATE SEQUENCE, ALTER SEQUENCE to exactly the declared options, OWNED BY."""

from __future__ import annotations

import hashlib
from typing import Optional

from sqlglot import exp

from schemac.model import Column, Sequence, SequenceOptions, Table
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident, schema_part
from schemac.pg.names import qualified, quote_ident
from schemac.pg.sequences import filled, nearer_end, restarts
from schemac.pg.types import build_type
from schemac.plan.ddl import command, do_block, literal, number
from schemac.pg.named_refs import named_refs


def sequence_properties(o: SequenceOptions) -> exp.Properties:
    return exp.Properties(expressions=[exp.SequenceProperties(
        start=number(o.start), increment=number(o.increment), minvalue=number(o.min_value), maxvalue=number(o.max_value),
        cache=number(o.cache), options=[exp.Var(this="CYCLE" if o.cycle else "NO CYCLE")])])


def create_sequence(seq: Sequence) -> exp.Create:
    o = seq.options
    create = exp.Create(this=exp.Table(this=ident(seq.name), db=schema_part(seq.schema, seq.name)),
                        kind="SEQUENCE", exists=True,
                        expression=build_type(o.type) if o.type else None, properties=sequence_properties(o))
    if seq.unlogged:
        create.args["properties"].append("expressions", exp.UnloggedProperty())
    return create


def altered_sequence(old: Sequence, new: Sequence) -> list[exp.Command]:
    """ALTER SEQUENCE from `old`'s options to `new`'s, its position first brought into the new bounds; SET LOGGED or
    UNLOGGED where that changes."""
    was, will = filled(old.options, "bigint"), filled(new.options, "bigint")
    persistence = [command("ALTER", "SEQUENCE", qualified(new.schema, new.name), "SET",
                           "UNLOGGED" if new.unlogged else "LOGGED")] if old.unlogged != new.unlogged else []
    if old.options == new.options:
        return persistence
    return into_the_new_range(literal(qualified(new.schema, new.name)), was, will) + \
        [alter_sequence(new, restart=restarts(was, will))] + persistence


def into_the_new_range(sequence: str, was: SequenceOptions, will: SequenceOptions) -> list[exp.Command]:
    """Before an ALTER that narrows a sequence's bounds (`was` and `will` filled in): Postgres rejects the new
    MINVALUE or MAXVALUE where the position (the last value handed out, or a START not used yet) lies outside
    them. The position is moved to the nearest new bound, with its is_called kept, where it lies outside;
    `sequence` is an SQL expression naming it (a literal, or `identity_sequence_sql` for an identity). Where that moves
    it back (past the new MAXVALUE ascending, below the new MINVALUE descending), the sequence stands at its end: its
    next nextval fails, or with CYCLE starts over, handing out values again: the server WARNs, naming where it stood
    (schemac apply prints it; plan.sequence_positions warns at generate)."""
    low, high = int(will.min_value), int(will.max_value)  # type: ignore[arg-type]
    if (low <= was.min_value and high >= was.max_value) or restarts(was, will):  # type: ignore[operator]
        return []
    up = (will.increment or 1) > 0
    end = f"starts over at {low if up else high}, handing out values again" if will.cycle else \
        f"fails (reached {'maximum' if up else 'minimum'} value)"
    said = (f"IF v {'>' if up else '<'} {high if up else low} THEN RAISE WARNING 'sequence % stood at %, past its new "
            f"{'MAXVALUE' if up else 'MINVALUE'} {high if up else low}: moved to it, its next nextval {end}', s, v; "
            "END IF; ") if nearer_end(was, will) else ""
    return [do_block(f"DECLARE s regclass := ({sequence})::regclass; v bigint; c boolean; BEGIN "
                     "EXECUTE pg_catalog.format('SELECT last_value, is_called FROM %s', s) INTO v, c; "
                     f"IF v < {low} OR v > {high} THEN {said}"
                     f"PERFORM pg_catalog.setval(s, GREATEST({low}, LEAST({high}, v)), c); END IF; END;")]


def alter_sequence(seq: Sequence, restart: bool = False) -> exp.Command:
    """ALTER SEQUENCE to exactly these options: unset ones go back to Postgres's defaults. The bounds are
    written out as numbers: with `AS`, Postgres reads NO MAXVALUE of a sequence made descending as the type's
    maximum (AS resets a bound that was the old type's own), not as -1."""
    o, full = seq.options, filled(seq.options, "bigint")
    parts = [f"AS {build_type(o.type or 'bigint').sql(dialect=RENDER)}",  # the type too: bigint when unset
             f"INCREMENT BY {full.increment}", f"MINVALUE {full.min_value}", f"MAXVALUE {full.max_value}",
             f"START WITH {full.start}",  # unset: the default again, not the old value
             f"CACHE {int(o.cache if o.cache is not None else 1)}",
             "CYCLE" if o.cycle else "NO CYCLE", "RESTART" if restart else ""]
    return command("ALTER", "SEQUENCE", qualified(seq.schema, seq.name), *parts)


def sequence_owned_by(seq: Sequence) -> exp.Command:
    owner = "NONE"
    if seq.owned_by:
        table, _, column = seq.owned_by.rpartition(".")
        owner = f"{qualified(seq.schema, table)}.{quote_ident(column)}"
    return command("ALTER", "SEQUENCE", qualified(seq.schema, seq.name), "OWNED BY", owner)


def owned_as_its_table(seq: Sequence, table: Optional[Table]) -> list[exp.Command]:
    """OWNED BY, after ALTER SEQUENCE ... OWNER TO the owner schema.yaml pins on the table that exists already (a
    serial column added to it, an identity made a serial): the migration's role made the sequence, and Postgres
    refuses to link it to another role's table ("sequence must have same owner as table it is linked to")."""
    handed = [command("ALTER", "SEQUENCE", qualified(seq.schema, seq.name), "OWNER TO", quote_ident(table.owner))] \
        if table is not None and table.owner else []
    return handed + [sequence_owned_by(seq)]


def identity_sequence_sql(table: str, column: str) -> str:
    """SQL of the sequence of identity column `column` of `table` (SQL expressions: the table's name as SQL text, the
    column's name as it is), a regclass; NULL where the column has none. Not pg_get_serial_sequence, which returns any
    sequence the column has: an OWNED BY one (pg_depend 'a') where it holds an identity too, whose setval then fails
    ("value 0 is out of bounds") or moves the wrong one. The identity's own is its internal dependency ('i'), as
    catalog/queries/columns.sql reads it; a partition's identity is its parent's sequence (none of its own)."""
    return ("(SELECT idd.objid::pg_catalog.regclass FROM pg_catalog.pg_depend idd JOIN pg_catalog.pg_attribute ida ON "
            "ida.attrelid = idd.refobjid AND ida.attnum = idd.refobjsubid JOIN pg_catalog.pg_sequence ids ON ids.seqrelid "
            "= idd.objid WHERE idd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND idd.refclassid = "
            f"'pg_catalog.pg_class'::pg_catalog.regclass AND idd.refobjid = ({table})::pg_catalog.regclass AND "
            f"idd.deptype = 'i' AND ida.attname = {column})")


def past_the_rows(table: Table, column: Column, handed_out: tuple[str, ...] = ()) -> exp.Command:
    """After ADD GENERATED ... AS IDENTITY on a column that holds values (a serial made an identity, an integer key
    given one): the new sequence starts at START, and the next insert would take a value a row has (duplicate key).
    It is moved past the rows, as pg_dump's setval moves a sequence: nothing happens where no row reaches START.
    `handed_out`: the sequences (qualified names) the column's old default drew from: the identity goes past their
    last value too (kept by `last_handed_out` before the DROP DEFAULT, the sequence may be dropped since), so a
    value handed out before and deleted since is not handed out again."""
    name = qualified(table.schema, table.name)
    o = filled(column.identity.options, column.type)  # type: ignore[union-attr]
    return _setval(identity_sequence_sql(literal(name), literal(column.name)), o, name, column.name,
                   [_kept(s, o) for s in handed_out])


def handed_out_setting(sequence: str) -> str:
    """The transaction's setting that keeps a sequence's last value for `past_the_rows`, or an identity's sequence for
    a DEFAULT (partitioned_identity.numbered_by_parent), under `sequence` (a name of letters and digits, as Postgres
    takes for a placeholder, whatever the key)."""
    return "schemac.handed_out_" + hashlib.md5(sequence.encode()).hexdigest()[:16]


def last_handed_out(sequence: str, key: str = "") -> exp.Command:
    """Before the DROP DEFAULT of a column an identity takes over: the last value its sequence handed out (none
    where it never did), kept in the transaction for `past_the_rows`. `sequence` is its name, or an SQL expression
    naming it under `key` (an identity's, before DROP IDENTITY, for `sequence_past_the_rows`)."""
    seq = f"({sequence})::regclass" if key else f"{literal(sequence)}::regclass"  # (read where the role may read it)
    return command("SELECT", f"pg_catalog.set_config({literal(handed_out_setting(key or sequence))}, COALESCE(CASE "
                             f"WHEN pg_catalog.has_sequence_privilege({seq}, 'SELECT, USAGE') THEN "
                             f"pg_catalog.pg_sequence_last_value({seq})::text END, ''), true)")


def identity_handed_out(table: Table, column: str) -> exp.Command:
    """Before DROP IDENTITY of a column a sequence's default takes over: the identity's last value kept."""
    name = qualified(table.schema, table.name)
    return last_handed_out(identity_sequence_sql(literal(name), literal(column)),
                           f"{name}.{quote_ident(column)}")


def _kept(key: str, o: SequenceOptions) -> str:
    """The value `last_handed_out` kept under `key`, within the bounds `o` (NULL where none was kept)."""
    v = f"NULLIF(pg_catalog.current_setting({literal(handed_out_setting(key))}, true), '')::bigint"
    bound = o.max_value if (o.increment or 1) > 0 else o.min_value  # (LEAST, GREATEST skip a NULL: hence the CASE)
    return f"CASE WHEN {v} IS NOT NULL THEN {'LEAST' if (o.increment or 1) > 0 else 'GREATEST'}({v}, {bound}) END"


def sequence_past_the_rows(seq: Sequence) -> exp.Command:
    """The same for a new sequence owning a column that holds values (an identity made serial again), past what
    that identity handed out too."""
    table, _, column = (seq.owned_by or "").rpartition(".")
    o, name = filled(seq.options, "bigint"), qualified(seq.schema, table)
    return _setval(literal(qualified(seq.schema, seq.name)), o, name, column,
                   [_kept(f"{name}.{quote_ident(column)}", o)])  # an identity's, dropped before (identity_handed_out)


def fed_past_the_rows(table: Table, column: Column, handed_out: tuple[str, ...] = ()) -> list[exp.Command]:
    """After SET DEFAULT nextval() of a new sequence on a column that holds values (compare.sequence_feeds): each
    sequence the default calls moved past the rows as the catalog has it (its START, INCREMENT's sign and bound read
    from pg_sequence), and past the last value of `handed_out`, the sequences the old default drew from (where they
    still stand and the role may read them), and of the identity it replaces (kept by `identity_handed_out` before
    DROP IDENTITY): a value handed out and deleted since is not handed out again. Never
    backwards (a second column it feeds, set first); nothing where neither reaches START."""
    name = qualified(table.schema, table.name)
    col = quote_ident(column.name)
    olds = [f"CASE WHEN pg_catalog.has_sequence_privilege(to_regclass({literal(s)}), 'SELECT, USAGE') THEN "
            f"pg_catalog.pg_sequence_last_value(to_regclass({literal(s)})) END" for s in handed_out]
    olds.append(f"NULLIF(pg_catalog.current_setting({literal(handed_out_setting(f'{name}.{col}'))}, true), '')::bigint")
    far = (f"CASE WHEN q.seqincrement > 0 THEN GREATEST({', '.join([f'max({col})', *olds])}) "
           f"ELSE LEAST({', '.join([f'min({col})', *olds])}) END")
    out = []
    for ref in sorted(named_refs(column.default or "")):
        if ref[0] != "sequence":
            continue
        seq = f"{literal(qualified(ref[1], ref[2]))}::regclass"
        out.append(command("SELECT", f"pg_catalog.setval(q.seqrelid, r.far) FROM pg_catalog.pg_sequence q, "
                                     f"LATERAL (SELECT {far} AS far FROM {name}) r WHERE q.seqrelid = {seq} AND CASE "
                                     "WHEN q.seqincrement > 0 THEN r.far >= q.seqstart AND r.far <= q.seqmax AND r.far > "
                                     "COALESCE(pg_catalog.pg_sequence_last_value(q.seqrelid), r.far - 1) "
                                     "ELSE r.far <= q.seqstart AND r.far >= q.seqmin AND r.far < "
                                     "COALESCE(pg_catalog.pg_sequence_last_value(q.seqrelid), r.far + 1) END"))
    return out


BIGINT_ENDS = (2**63 - 1, -(2**63))  # no column value lies past them: no bound to write


def _setval(sequence: str, o: SequenceOptions, table: str, column: str, also: list[str] = []) -> exp.Command:
    """setval to the rows' furthest value, or further where `also` (positions of old sequences) is; no further than
    the sequence's bound (MAXVALUE, MINVALUE descending), which setval refuses to pass ('value 20000 is out of bounds
    for sequence'), where a row holds a value past it (an identity given a MAXVALUE below the rows), as
    past_attached_rows stops there: the sequence is at its end, and hands out no value below it again."""
    up = (o.increment or 1) > 0
    agg, reaches = ("max", ">=") if up else ("min", "<=")
    far = f"{agg}({quote_ident(column)})"
    if also:
        far = f"{'GREATEST' if up else 'LEAST'}({', '.join([far, *also])})"
    bound = o.max_value if up else o.min_value
    bounded = far if bound in BIGINT_ENDS else f"{'LEAST' if up else 'GREATEST'}({far}, {bound})"
    return command("SELECT", f"pg_catalog.setval({sequence}, {bounded}) FROM {table} HAVING {far} {reaches} {o.start}")
