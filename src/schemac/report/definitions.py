"""A model object in one line of SQL-ish text (`describe`): the expected and actual values of a drift report's
differences (report.describe)."""

from __future__ import annotations

import hashlib
from typing import Optional
from schemac.compare.aggregates import aggregate_text
from schemac.compare.operators import operator_text
from schemac.compare.opclasses import operator_class_text, operator_family_text
from schemac.model import (Aggregate, Operator, OperatorClass, OperatorFamily, Check, collate_sql, Collation, Column, CompositeType,
                           deferral, Domain, Enum, Exclusion, Extension, ForeignKey, Function, Identity, Index, key_mark,
                           marked_columns, not_enforced, nullability, Partitioning, PartitionOf, PrimaryKey, RangeType, Rule,
                           SequenceOptions, STATISTICS_KINDS, Statistics, Table, TextSearchConfig, TextSearchDictionary, Trigger,
                           Unique, Sequence as SequenceObject)
from schemac.pg.routines import arguments_text, comparable_body
from schemac.report.security import SECURITY


def _sequence_options(o: SequenceOptions) -> list[str]:
    """The options that differ from Postgres's defaults, as CREATE SEQUENCE and an identity spell them."""
    return [f"{k} {v}" for k, v in (("AS", o.type), ("START WITH", o.start), ("INCREMENT BY", o.increment),
                                    ("MINVALUE", o.min_value), ("MAXVALUE", o.max_value), ("CACHE", o.cache))
            if v is not None] + (["CYCLE"] if o.cycle else [])


_ENABLED_WORDS = {"origin": "enabled", "disabled": "disabled", "replica": "enabled for replicas only",
                  "always": "enabled always (replicas too)"}


def _included(columns: tuple[str, ...]) -> str:
    return f" INCLUDE ({', '.join(columns)})" if columns else ""


def _clauses(words: tuple[str, ...]) -> str:
    return "".join(f" {w}" for w in words)


def _key(e) -> str:
    """One key of an index or EXCLUDE constraint, as SQL writes it."""
    k = e.column if e.column is not None else f"({e.expression})"
    if e.collation:
        k += f' COLLATE {collate_sql(e.collation)}'
    if e.opclass:
        k += f" {e.opclass}" + (f"({', '.join(e.opclass_options)})" if e.opclass_options else "")
    if e.order == "desc":
        k += " DESC"
    if e.nulls:
        k += f" NULLS {e.nulls.upper()}"
    return k


def describe(obj: object) -> Optional[str]:
    """A one-line SQL-ish description of a model object, for expected/actual."""
    if obj is None:
        return None
    if isinstance(obj, Column):
        parts = [obj.type_text, nullability(obj)]
        if obj.default is not None:
            parts.append(f"DEFAULT {obj.default}")
        return " ".join(parts)
    if isinstance(obj, PrimaryKey):
        return f"PRIMARY KEY ({marked_columns(obj.columns, key_mark(obj))})" + _included(obj.include) + _clauses(deferral(obj))
    if isinstance(obj, Unique):
        return (f"UNIQUE{' NULLS NOT DISTINCT' if obj.nulls_not_distinct else ''} ({marked_columns(obj.columns, key_mark(obj))})"
                + _included(obj.include) + _clauses(deferral(obj))
                + (f" (copy of the parent's {obj.attached_to})" if obj.attached_to else ""))
    if isinstance(obj, Check):
        return f"CHECK ({obj.expression})" + (" NO INHERIT" if obj.no_inherit else "") + \
            (" NOT VALID" if obj.not_valid else "") + not_enforced(obj) + calling(obj)
    if isinstance(obj, Exclusion):
        keys = ", ".join(f"{_key(e)} WITH {e.operator}" for e in obj.elements)
        return (f"EXCLUDE USING {obj.method} ({keys})" + _included(obj.include) +
                (f" WHERE ({obj.where})" if obj.where else "") + _clauses(deferral(obj)))
    if isinstance(obj, Index):
        keys = [_key(e) for e in obj.elements]
        s = f"{'UNIQUE ' if obj.unique else ''}INDEX USING {obj.method} ({', '.join(keys)})"
        s += _included(obj.include)
        if obj.parameters:
            s += f" WITH ({', '.join(obj.parameters)})"
        if obj.where:
            s += f" WHERE {obj.where}"
        return s
    if isinstance(obj, Table):
        return f"TABLE {obj.qualified_name}"
    if isinstance(obj, ForeignKey):
        s = f"FOREIGN KEY ({marked_columns(obj.columns, key_mark(obj))}) REFERENCES {obj.ref_schema}.{obj.ref_table} " \
            f"({marked_columns(obj.ref_columns, key_mark(obj))})"
        for label, value in (("ON DELETE", obj.on_delete), ("ON UPDATE", obj.on_update)):
            if value != "no action":
                s += f" {label} {value.upper()}"
                if label == "ON DELETE" and obj.on_delete_columns:
                    s += f" ({', '.join(obj.on_delete_columns)})"
        if obj.match_full:
            s += " MATCH FULL"
        return s + _clauses(deferral(obj)) + (" NOT VALID" if obj.not_valid else "") + not_enforced(obj)
    if isinstance(obj, Enum):
        return f"ENUM ({', '.join(repr(v) for v in obj.values)})"
    if isinstance(obj, Domain):
        s = f"DOMAIN AS {obj.type}" + (f" DEFAULT {obj.default}" if obj.default else "") + \
            (" NOT NULL" if obj.not_null else "")
        return s + "".join(f" CONSTRAINT {c.name} CHECK ({c.expression})" for c in obj.checks)
    if isinstance(obj, Statistics):
        return f"STATISTICS ({', '.join(obj.kinds or STATISTICS_KINDS)}) ON {', '.join(obj.elements)}" + _target(obj)
    if isinstance(obj, Rule):
        actions = "NOTHING" if not obj.actions else obj.actions[0] if len(obj.actions) == 1 else \
            f"({'; '.join(obj.actions)})"
        return (f"RULE ON {obj.event.upper()}" + (f" WHERE {obj.where}" if obj.where else "") +
                f" DO {'INSTEAD' if obj.instead else 'ALSO'} {actions}")
    if isinstance(obj, Collation):
        options = [f"provider = {obj.provider}"] + [f"{k} = {v}" for k, v in (
            ("locale", obj.locale), ("lc_collate", obj.lc_collate), ("lc_ctype", obj.lc_ctype)) if v is not None]
        return f"COLLATION ({', '.join(options + ([] if obj.deterministic else ['deterministic = false']))})"
    if isinstance(obj, TextSearchDictionary):
        return f"TEXT SEARCH DICTIONARY (TEMPLATE = {obj.template}" + "".join(f", {o}" for o in obj.options) + ")"
    if isinstance(obj, TextSearchConfig):
        return f"TEXT SEARCH CONFIGURATION (PARSER = {obj.parser}) " + \
            ", ".join(f"{m.token}: {' '.join(m.dictionaries)}" for m in obj.mappings)
    if isinstance(obj, CompositeType):
        return "TYPE AS (" + ", ".join(f"{a.name} {a.type}" + (f' COLLATE {collate_sql(a.collation)}' if a.collation else "")
                                       for a in obj.attributes) + ")"
    if isinstance(obj, RangeType):
        options = [f"SUBTYPE = {obj.subtype}"] + [f"{k} = {v}" for k, v in (
            ("SUBTYPE_OPCLASS", obj.subtype_opclass), ("COLLATION", obj.collation), ("CANONICAL", obj.canonical),
            ("SUBTYPE_DIFF", obj.subtype_diff), ("MULTIRANGE_TYPE_NAME", obj.multirange_written)) if v]
        return f"TYPE AS RANGE ({', '.join(options)})"
    if isinstance(obj, SequenceObject):
        return " ".join(["SEQUENCE", *_sequence_options(obj.options)] +
                        ([f"OWNED BY {obj.owned_by}"] if obj.owned_by else []))
    if isinstance(obj, Extension):
        return f"EXTENSION {obj.name}" + (f" SCHEMA {obj.schema}" if obj.schema else "") + (f" VERSION '{obj.version}'" if obj.version else "")
    if isinstance(obj, Trigger):
        events = " OR ".join(("UPDATE OF " + ", ".join(obj.update_columns)) if e == "update" and obj.update_columns
                             else e.upper() for e in obj.events)
        words = [f"{'CONSTRAINT ' if obj.constraint else ''}TRIGGER {obj.timing.upper()} {events}", *deferral(obj),
                 f"FOR EACH {'ROW' if obj.for_each_row else 'STATEMENT'}"]
        words += [f"REFERENCING {side} TABLE AS {n}" for side, n in (("OLD", obj.old_table), ("NEW", obj.new_table))
                  if n]
        words += [f"WHEN ({obj.when})"] if obj.when else []
        return " ".join(words + [f"EXECUTE FUNCTION {obj.function}({', '.join(repr(a) for a in obj.arguments)})"])
    if isinstance(obj, (Aggregate, Operator, OperatorClass, OperatorFamily)):
        return {Aggregate: aggregate_text, Operator: operator_text, OperatorFamily: operator_family_text, OperatorClass: operator_class_text}[type(obj)](obj)  # type: ignore
    if isinstance(obj, Function):
        head = f"{'PROCEDURE' if obj.procedure else 'FUNCTION'} {obj.name}({arguments_text(obj.arguments)})"
        words = [head] + ([f"RETURNS {obj.returns}"] if obj.returns else []) + [f"LANGUAGE {obj.language}"]
        words += [w for w in (obj.volatility.upper() if obj.volatility != "volatile" else "",
                              "STRICT" if obj.strict else "", "SECURITY DEFINER" if obj.security_definer else "",
                              "LEAKPROOF" if obj.leakproof else "",
                              f"PARALLEL {obj.parallel.upper()}" if obj.parallel != "unsafe" else "",
                              f"COST {obj.cost:g}" if obj.cost is not None else "",
                              f"ROWS {obj.rows:g}" if obj.rows is not None else "") if w]
        words += [f"SET {c}" for c in obj.config] + ([f"AS '{obj.library}', '{obj.body}'"] if obj.library else [])
        # The body is too long for a line: its digest tells two bodies apart.
        words.append(f"body sha256:{hashlib.sha256(comparable_body(obj).encode()).hexdigest()[:12]}")
        return " ".join(words)
    if isinstance(obj, Identity):
        opts = _sequence_options(obj.options)
        return f"GENERATED {'ALWAYS' if obj.always else 'BY DEFAULT'} AS IDENTITY" + \
            (f" ({' '.join(opts)})" if opts else "")
    if isinstance(obj, Partitioning):
        return f"PARTITION BY {obj.strategy.upper()} ({obj.key})"
    if isinstance(obj, PartitionOf):
        return f"PARTITION OF {obj.parent_schema}.{obj.parent} {obj.bound}"
    return str(obj)


def _target(s: Statistics) -> str:
    return f" SET STATISTICS {s.target}" if s.target is not None else ""


def calling(obj) -> str:
    """` (calling public.nvl(anyelement, anyelement))` of a CHECK or a default bound to older overloads (`binds`:
    compare.expression_binds), as a view's report says it: the text alone reads the same either way."""
    return f" (calling {', '.join(obj.binds)})" if obj.binds else ""
