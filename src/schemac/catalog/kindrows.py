"""Catalog rows -> functions, composite and range types, collations, rules, aggregates, publications and event triggers (catalog.rows puts them in the model);
`canonical` is rows' spelling of a format_type() text."""

from __future__ import annotations

from schemac.model.frozen import made as made_by, replace
import json
import re
from typing import Any, Callable, Optional

from schemac.model import (CAST_CONTEXTS, Cast, ClassFunction, ClassOperator, OperatorClass, OperatorFamily, family_members, Operator, AGGREGATE_FUNCTIONS, STATISTICS_KINDS, Statistics, names_a_column, EVENT_TRIGGER_STATES, PUBLISH_ACTIONS, EventTrigger, ForeignDataWrapper, ForeignServer, ForeignTable, Publication, PublishedTable, Aggregate, Argument, Attribute, Collation, CompositeType, Function, RangeType, Rule, TextSearchConfig,
                           TextSearchDictionary, TextSearchMapping, default_multirange, Column, NotNull)
from schemac.pg import ruledef
from schemac.pg.indexdef import collation_from_sql, top_level_items
from schemac.pg.names import default_not_null_name, joined_reference, quote_ident, reference_part
from schemac.pg.redeparse import deparse_kept, hidden_names_kept
from schemac.pg.node_trees import node_tree
from schemac.pg.param_order import printed_parameters
from schemac.pg.sqllex import tokens
from schemac.model.functions import default_cost
from schemac.compare.view_binds import older_body_calls
from schemac.pg.routines import result_type
from schemac.pg.typetext import named_type
from schemac.pg.searchnames import parse_dictionary_options, search_name


def not_null(row: dict[str, Any]) -> "NotNull | None":
    """columns.sql's not_null_* as the column's NotNull, None for a plain one (and before PostgreSQL 18)."""
    flags = row["not_null_flags"] or ""  # v: NOT VALID, i: NO INHERIT (one field: see catalogrows.row_maker)
    name, not_valid, no_inherit = row["not_null_name"], "v" in flags, "i" in flags
    comment = row.get("not_null_comment")
    return NotNull(name, bool(not_valid), bool(no_inherit), comment) \
        if name is not None or not_valid or no_inherit or comment is not None else None


def not_null_names(table: str, columns: tuple[Column, ...], has_parents: bool = False) -> tuple[Column, ...]:
    """The columns without the NOT NULL names columns.sql could not tell from Postgres's own (past 63 bytes,
    where Postgres clips the table's and the column's names). Not on a child or partition: there columns.sql
    reads an inherited NOT NULL's <table>_<column>_not_null too (the parent's name is what it leaves out)."""
    if has_parents or all(c.not_null is None or c.not_null.name is None for c in columns):
        return columns
    out = []
    for c in columns:
        nn = c.not_null
        if nn is not None and nn.name == default_not_null_name(table, c.name):
            nn = replace(nn, name=None)
            c = replace(c, not_null=nn if nn != NotNull() else None)
        out.append(c)
    return tuple(out)


def composite_type(row: dict[str, Any], canonical: Callable[[str], str]) -> CompositeType:
    return CompositeType(name=row["type_name"], schema=row["schema_name"], comment=row["comment"],
                         attributes=tuple(Attribute(a["name"], canonical(a["type"]), collation_from_sql(a["collation"]), a.get("comment"))
                                          for a in row["attributes"]), used_outside=tuple(row.get("used_outside") or ()))


def range_type(row: dict[str, Any], canonical: Callable[[str], str]) -> RangeType:
    r = RangeType(name=row["type_name"], subtype=canonical(row["subtype"]), schema=row["schema_name"],
                  subtype_opclass=row["subtype_opclass"], collation=collation_from_sql(row["collation"]), canonical=row["canonical"],
                  subtype_diff=row["subtype_diff"], multirange=row["multirange"], comment=row["comment"],
                  multirange_comment=row.get("multirange_comment"), used_outside=tuple(row.get("used_outside") or ()))
    if row.get("multirange_schema") not in (None, r.schema):
        return replace(r, multirange_schema=row["multirange_schema"])
    return replace(r, multirange=None) if r.multirange == default_multirange(r.name) else r


_PROVIDERS = {"c": "libc", "i": "icu", "b": "builtin"}


def collation(row: dict[str, Any]) -> Collation:
    co = row["collation"]
    provider = _PROVIDERS.get(co["collprovider"], co["collprovider"])
    locale, lc_collate, lc_ctype = co.get("colllocale") or co.get("colliculocale"), co["collcollate"], co["collctype"]
    if provider == "libc":
        locale, lc_collate, lc_ctype = (lc_collate, None, None) if lc_collate == lc_ctype else (None, lc_collate, lc_ctype)
    else:
        lc_collate = lc_ctype = None
    return Collation(name=row["collation_name"], schema=row["schema_name"], provider=provider, locale=locale,
                     lc_collate=lc_collate, lc_ctype=lc_ctype, deterministic=co["collisdeterministic"],
                     comment=row["comment"], owner=row["owner"])


def text_search_configs(rows: list[dict[str, Any]]) -> tuple[TextSearchConfig, ...]:
    return tuple(sorted((TextSearchConfig(name=r["config_name"], schema=r["schema_name"], parser=search_name(*r["parser"]),
                                          mappings=tuple(sorted(TextSearchMapping(k, tuple(search_name(*d) for d in v))
                                                                for k, v in r["mappings"].items())),
                                          comment=r["comment"], owner=r["owner"]) for r in rows),
                        key=lambda c: (c.schema, c.name)))


def text_search_dictionaries(rows: list[dict[str, Any]]) -> tuple[TextSearchDictionary, ...]:
    return tuple(sorted((TextSearchDictionary(name=r["dictionary_name"], template=search_name(*r["template"]),
                                              schema=r["schema_name"], options=parse_dictionary_options(r["options"]),
                                              comment=r["comment"], owner=r["owner"]) for r in rows),
                        key=lambda c: (c.schema, c.name)))


def rule(row: dict[str, Any]) -> Rule:
    where, actions = ruledef.parse_ruledef(hidden_names_kept(deparse_kept(row["definition"])))  # type: ignore[arg-type]
    return Rule(name=row["rule_name"], event=ruledef.RULE_EVENTS[row["event"]], instead=row["instead"],  # type: ignore
                where=where, actions=actions, comment=row["comment"], enabled=EVENT_TRIGGER_STATES[row["enabled"]])


_STATISTICS_KINDS = {"d": "ndistinct", "f": "dependencies", "m": "mcv"}


def statistics(d: dict[str, Any], table_schema: str) -> Statistics:
    """One object of tables.sql's `statistics` (its schema only where it is not the table's, as schema.yaml)."""
    kinds = tuple(_STATISTICS_KINDS[k] for k in "dfm" if k in d["kinds"])
    target = d["target"] if d["target"] is not None and d["target"] >= 0 else None
    columns = (x if names_a_column(x) else quote_ident(x) for x in d["columns"])  # ("A b": Postgres takes the
    return Statistics(name=d["name"], elements=(*columns, *(deparse_kept(e) for e in d["expressions"] or ())),  # column)
                      kinds=() if kinds == STATISTICS_KINDS else kinds,
                      schema=d["schema"] if d["schema"] != table_schema else None, target=target,
                      comment=d["comment"], owner=d.get("owner"))


_PARALLEL = {"u": "unsafe", "r": "restricted", "s": "safe"}
_MODIFY = {"r": None, "s": "shareable", "w": "read_write"}
_ORDERED_MODIFY = {"r": "read_only", "s": "shareable", "w": None}  # read_write is an ordered-set one's default


def aggregates(rows: list[dict[str, Any]], acl: Any = None) -> tuple[Aggregate, ...]:
    """aggregates.sql's rows, sorted by (schema, name, input types); with their grants and owners from `acl`
    (catalog.grants.AccessLists) when given."""
    out = (Aggregate(name=r["aggregate_name"], sfunc=r["sfunc"], stype=_type_text(r["stype"]), schema=r["schema_name"],
                     arguments=tuple(map(_type_text, r["arguments"])), variadic=r["variadic"], initcond=r["initcond"],
                     mstype=r["mstype"] and _type_text(r["mstype"]),
                     argument_names=tuple(r["argument_names"]) if any(r["argument_names"] or ()) else (),
                     direct=r["direct"] if r["kind"] != "n" else None, hypothetical=r["kind"] == "h",
                     minitcond=r["minitcond"], sortop=r["sortop"], parallel=_PARALLEL[r["parallel"]],  # type: ignore
                     comment=r["comment"], finalfunc_extra=r["finalfunc_extra"], mfinalfunc_extra=r["mfinalfunc_extra"],
                     finalfunc_modify=(_MODIFY if r["kind"] == "n" else _ORDERED_MODIFY)[r["finalfunc_modify"]],
                     mfinalfunc_modify=(_MODIFY if r["kind"] == "n" else _ORDERED_MODIFY)[r["mfinalfunc_modify"]],
                     sspace=r["sspace"] or None, msspace=r["msspace"] or None,  # type: ignore[arg-type]
                     **{f: r[f] for f in AGGREGATE_FUNCTIONS}) for r in rows)
    if acl is not None:
        out = (acl.secured(a, "proc", r["aggregate_oid"]) for a, r in zip(list(out), rows))
    return tuple(sorted(out, key=lambda a: (a.schema, a.name, a.identity)))


_VOLATILITY = {"v": "volatile", "s": "stable", "i": "immutable"}
_ARG_MODES = {"i": "in", "o": "out", "b": "inout", "v": "variadic"}


def _type_text(type_text: str) -> str:
    """format_type()'s text of a function's, aggregate's, operator's or cast's type, a qualified or quoted name as the
    loader spells it (pg.typetext): 16 and 15 print `json.mood`, a schema 18 quotes (JSON is its keyword), so the
    function was another to diff."""
    named = named_type(type_text)
    return type_text if named is None else named


def _signature_text(text: str) -> str:
    """`schema.f(type, ...)` (an operator class's member) with each type as _type_text spells it."""
    head, paren, rest = text.partition("(")
    if not paren or not rest.endswith(")") or not rest[:-1].strip():
        return text
    return f"{head}({', '.join(_type_text(t.strip()) for t in top_level_items(rest[:-1]))})"


def function(row: dict[str, Any], **access: Any) -> Function:
    """A pg_proc row (functions.sql) as a Function; a RETURNS TABLE's columns (mode t) stay in its result.
    `access`: its grants and owner."""
    arguments = _arguments(row) if row["arguments"] else ()
    returns = None if row["is_procedure"] else result_type(row["result"])
    language = row["language"]
    cost = None if row["cost"] == default_cost(language) else row["cost"]
    rows = None if row["rows"] == 0 or (row["returns_set"] and row["rows"] == 1000) else row["rows"]
    # (made_by: Function(...) would set its 22 fields one by one through object.__setattr__, ~2x the time)
    f = made_by(Function)(
        name=row["function_name"], body=row["body"], schema=row["schema_name"], arguments=arguments, returns=returns,
        language=language, procedure=row["is_procedure"], volatility=_VOLATILITY[row["volatility"]],  # type: ignore[arg-type]
        strict=row["strict"], security_definer=row["security_definer"], leakproof=row["leakproof"],
        parallel=_PARALLEL[row["parallel"]], cost=cost, rows=rows,  # type: ignore[arg-type]
        config=tuple(row["config"] or ()), comment=row["comment"], library=row.get("library"),
        support=row.get("support"), used_outside=tuple(sorted(row.get("used_outside") or ())), **access)
    # a SQL-standard body is Postgres's deparse (pg_get_function_sqlbody), written to parse back to itself
    if not f.standard_body:
        return f
    body = _unnamed_parameters(f.body, row["arguments"], row.get("body_tree"))
    return replace(f, body=hidden_names_kept(deparse_kept(body), top_hidden=True),
                   older_calls=older_body_calls(row["body"], row.get("bound_calls")))


def _unnamed_parameters(body: str, arguments: list[dict[str, Any]], tree: Optional[str]) -> str:
    """A SQL-standard body with each unnamed input argument as $n where Postgres's deparse wrote "" (or `f.""`): a
    function that names some arguments but not that one (f(text, sep text, text)) has proargnames '' for it, which
    ruleutils prints as a zero-length quoted name that no server parses. Which parameter each "" is, the body's parse
    tree tells (pg.param_order); where its print order is not told and the "" are not all one parameter, the body is
    left as it is (inspect warns: catalog.outside.bodies_unnamed)."""
    spots = _empty_names(body)
    if not spots or tree is None:
        return body
    # (ruleutils names parameter n by the n-th of ALL arguments, OUT ones too)
    unnamed = {n for n, a in enumerate(arguments, 1) if a["name"] is None}
    printed = printed_parameters(node_tree(tree))
    order = [n for n in printed or () if n in unnamed]
    if printed is None or len(order) != len(spots):
        ids = {int(n) for n in re.findall(r"\{PARAM :paramkind 0 :paramid (\d+)", tree)} & unnamed
        if len(ids) != 1:
            return body
        order = [ids.pop()] * len(spots)
    for (start, end), n in reversed(list(zip(spots, order))):
        body = f"{body[:start]}${n}{body[end:]}"
    return body


def _empty_names(body: str) -> list[tuple[int, int]]:
    """Where a body's "" names are, each with its qualifier (ruleutils' `f.""` in a query reading a table)."""
    if '""' not in body:
        return []
    toks = tokens(body)
    out = []
    for i, t in enumerate(toks):
        if t.kind == "name" and t.text == '""':
            qualified = i > 1 and toks[i - 1].kind == "." and toks[i - 2].kind in ("word", "name")
            out.append((toks[i - 2].start if qualified else t.start, t.start + 2))
    return out


def _arguments(row: dict[str, Any]) -> tuple[Argument, ...]:
    """A pg_proc row's arguments, but a RETURNS TABLE's columns (mode t), each input with its default."""
    args = [a for a in row["arguments"] if a["mode"] != "t"]
    defaults = top_level_items(row["defaults"]) if row["defaults"] else []
    # pronargdefaults defaults belong to the last input arguments, in order.
    inputs = [n for n, a in enumerate(args) if a["mode"] != "o"]
    with_default = dict(zip(inputs[len(inputs) - len(defaults):], defaults))
    return tuple(Argument(type=_type_text(a["type"]), name=a["name"], mode=_ARG_MODES[a["mode"]],  # type: ignore[arg-type]
                          default=with_default.get(n)) for n, a in enumerate(args))


def publications(rows: list[dict[str, Any]], tables: set[tuple[str, str]]) -> tuple[Publication, ...]:
    """publications.sql's rows, their members limited to `tables`, the (schema, name) of the tables read (not
    an extension's, which schema.yaml cannot declare)."""
    return tuple(Publication(
        name=r["publication_name"], all_tables=r["all_tables"],
        tables=tuple(PublishedTable(s, t, tuple(cols) if cols is not None else None, where)
                     for s, t, cols, where in r["tables"] if (s, t) in tables),
        schemas=tuple(r["schemas"]),
        publish=tuple(a for a in PUBLISH_ACTIONS if r[f"publish_{a}"]), via_partition_root=r["via_partition_root"],
        generated_columns=r["generated_columns"], comment=r["comment"], owner=r["owner"]) for r in rows)


def event_triggers(rows: list[dict[str, Any]]) -> tuple[EventTrigger, ...]:
    return tuple(EventTrigger(
        name=r["trigger_name"], event=r["event"],
        function=reference_part(r["function"][1]) if r["function"][0] == "public" else joined_reference(*r["function"]),
        tags=tuple(sorted(r["tags"] or ())), enabled=EVENT_TRIGGER_STATES[r["enabled"]],  # type: ignore[arg-type]
        comment=r["comment"], owner=r["owner"]) for r in rows)



def foreign_objects(rows: dict[str, list[dict[str, Any]]], acl: Any) -> dict[str, tuple]:
    """foreign_servers.sql's rows, each with its access list and owner (catalog.grants.AccessLists), and
    foreign_data_wrappers.sql's, each with its access list: the Schema's foreign_servers and foreign_data_wrappers."""
    return {"foreign_servers": tuple(acl.secured(ForeignServer(
        name=r["server_name"], wrapper=r["wrapper"], type=r["server_type"], version=r["server_version"],
        options=tuple((k, v) for k, v in r["options"]), comment=r["comment"]), "server", r["server_oid"])
        for r in rows.get("foreign_servers", [])),
        "foreign_data_wrappers": tuple(ForeignDataWrapper(
            r["wrapper_name"], r["handler"], r["validator"], tuple((k, v) for k, v in r["options"]), r["comment"],
            r["owner"], grants=acl.grants("wrapper", r["wrapper_oid"])) for r in rows.get("foreign_data_wrappers", []))}



def pairs(text: Optional[str]) -> tuple[tuple[str, str], ...]:
    """A column's FDW options, as columns.sql writes them (JSON text), as pairs."""
    return tuple((k, v) for k, v in json.loads(text)) if text else ()


def foreign_table(row: dict[str, Any]) -> Optional[ForeignTable]:
    """A tables.sql row's server and options, where it is a foreign table."""
    server = row.get("foreign_server")
    return ForeignTable(server, tuple((k, v) for k, v in row["foreign_options"] or ())) if server else None


def operators(rows: list[dict[str, Any]]) -> tuple[Operator, ...]:
    """operators.sql's rows, sorted by (schema, name, argument types)."""
    out = (Operator(name=r["operator_name"], right=r["right_type"] and _type_text(r["right_type"]), function=r["function"],
                    schema=r["schema_name"], left=r["left_type"] and _type_text(r["left_type"]), commutator=r["commutator"], negator=r["negator"], restrict=r["restrict"],
                    join=r["join"], hashes=r["hashes"], merges=r["merges"], comment=r["comment"],
                    owner=r["owner"]) for r in rows)
    return tuple(sorted(out, key=lambda o: (o.schema, o.name, o.identity)))


def casts(rows: list[dict[str, Any]]) -> tuple[Cast, ...]:
    """casts.sql's rows (sorted by source and target type there)."""
    return tuple(Cast(_type_text(r["source_type"]), _type_text(r["target_type"]), r["function"], r["method"] == "i",
                      CAST_CONTEXTS[r["context"]], r["comment"]) for r in rows)  # type: ignore[arg-type]


def _members(r: dict, own: Callable[[str], Optional[str]]) -> dict:
    """The operators and functions of a class's or family's row, each type through `own`."""
    return {"operators": tuple(ClassOperator(o["strategy"], o["operator"], own(o["left"]), own(o["right"]), o["order_by"])
                               for o in r["operators"]),
            "functions": tuple(ClassFunction(f["number"], _signature_text(f["function"]), own(f["left"]), own(f["right"]))
                               for f in r["functions"])}


def operator_classes(rows: list[dict[str, Any]]) -> tuple[OperatorClass, ...]:
    """operator_classes.sql's rows (sorted there): a member's types left out where they are the class's."""
    return tuple(OperatorClass(
        name=r["class_name"], method=r["method"], type=_type_text(r["type_name"]), schema=r["schema_name"],
        default=r["is_default"], family=r["family"], storage=r["storage"] and _type_text(r["storage"]),
        **_members(r, lambda t, r=r: None if t == r["type_name"] else t and _type_text(t)),
        comment=r["comment"], owner=r["owner"], family_owner=r["family_owner"]) for r in rows)


def operator_families(rows: list[dict[str, Any]]) -> tuple[OperatorFamily, ...]:
    """operator_families.sql's rows (sorted there): each member with both its types."""
    return tuple(OperatorFamily(name=r["family_name"], method=r["method"], schema=r["schema_name"],
                                **family_members(**_members(r, lambda t: t and _type_text(t))), comment=r["comment"], owner=r["owner"]) for r in rows)
