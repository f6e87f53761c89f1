"""Sequences' DDL: CREATE SEQUENCE, ALTER SEQUENCE to exactly the declared options, OWNED BY."""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Column, Sequence, SequenceOptions, Table
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident
from schemac.pg.names import qualified, quote_ident
from schemac.pg.sequences import filled
from schemac.pg.types import build_type
from schemac.plan.ddl import command, literal, number


def sequence_properties(o: SequenceOptions) -> exp.Properties:
    return exp.Properties(expressions=[exp.SequenceProperties(
        start=number(o.start), increment=number(o.increment), minvalue=number(o.min_value), maxvalue=number(o.max_value),
        cache=number(o.cache), options=[exp.Var(this="CYCLE" if o.cycle else "NO CYCLE")])])


def create_sequence(seq: Sequence) -> exp.Create:
    o = seq.options
    return exp.Create(this=exp.Table(this=ident(seq.name), db=ident(seq.schema) if seq.schema != "public" else None),
                      kind="SEQUENCE", exists=True,
                      expression=build_type(o.type) if o.type else None, properties=sequence_properties(o))


def alter_sequence(seq: Sequence) -> exp.Command:
    """ALTER SEQUENCE to exactly these options: unset ones go back to Postgres's defaults."""
    o = seq.options
    parts = [f"AS {build_type(o.type or 'bigint').sql(dialect=RENDER)}",  # the type too: bigint when unset
             f"INCREMENT BY {int(o.increment if o.increment is not None else 1)}",
             f"MINVALUE {int(o.min_value)}" if o.min_value is not None else "NO MINVALUE",
             f"MAXVALUE {int(o.max_value)}" if o.max_value is not None else "NO MAXVALUE",
             f"START WITH {filled(o, 'bigint').start}",  # unset: the default again, not the old value
             f"CACHE {int(o.cache if o.cache is not None else 1)}",
             "CYCLE" if o.cycle else "NO CYCLE"]
    return command("ALTER", "SEQUENCE", qualified(seq.schema, seq.name), *parts)


def sequence_owned_by(seq: Sequence) -> exp.Command:
    owner = "NONE"
    if seq.owned_by:
        table, _, column = seq.owned_by.rpartition(".")
        owner = f"{qualified(seq.schema, table)}.{quote_ident(column)}"
    return command("ALTER", "SEQUENCE", qualified(seq.schema, seq.name), "OWNED BY", owner)


def past_the_rows(table: Table, column: Column) -> exp.Command:
    """After ADD GENERATED ... AS IDENTITY on a column that holds values (a serial made an identity, an integer key
    given one): the new sequence starts at START, and the next insert would take a value a row has (duplicate key).
    It is moved past the rows, as pg_dump's setval moves a sequence: nothing happens where no row reaches START."""
    name = qualified(table.schema, table.name)
    return _setval(f"pg_catalog.pg_get_serial_sequence({literal(name)}, {literal(column.name)})",
                   filled(column.identity.options, column.type), name, column.name)  # type: ignore[union-attr]


def sequence_past_the_rows(seq: Sequence) -> exp.Command:
    """The same for a new sequence owning a column that holds values (an identity made serial again)."""
    table, _, column = (seq.owned_by or "").rpartition(".")
    return _setval(literal(qualified(seq.schema, seq.name)), filled(seq.options, "bigint"),
                   qualified(seq.schema, table), column)


def _setval(sequence: str, o: SequenceOptions, table: str, column: str) -> exp.Command:
    agg, reaches = ("max", ">=") if (o.increment or 1) > 0 else ("min", "<=")
    col = quote_ident(column)
    return command("SELECT", f"pg_catalog.setval({sequence}, {agg}({col})) FROM {table} HAVING {agg}({col}) {reaches} {o.start}")
