"""A view's call of a function that another overload of its name would take, were the view made again.

Postgres binds a view's call to one function when the view is created (pg_depend of its rule records which), and
keeps it so: an overload of that name added later (ADempiere's `nvl(anyelement, anyelement)` and then an
`nvl(character varying, character varying)`) leaves the view calling the first, and pg_get_viewdef prints the same
text `nvl(name2, name)` as before it came. A fresh build of the new schema binds the call to the better match, the
new overload. So a view whose query is unchanged is built again where a function of a name it calls gains an overload
(`gains_overload`, commands.views) and compared by what it calls as well as by its deparse (`rebound`): with the
same query text, a call bound to another overload of the same name, both still declared, is a change (CREATE OR
REPLACE VIEW binds it again), where the deparse alone read them alike (the migration left it bound to the old one).
Not where the query names the function with its schema (`public.nvl(name2, name)`): Postgres's deparse qualifies a
call the bare name would not resolve to, so a view inspect read so is bound to an older overload than the one a build
binds the name to, which its recorded forms keep (a build of it, which binds the name anew, would not).
"""

from __future__ import annotations

from typing import Optional

from schemac.compare.around import gained_overloads
from schemac.compare.view_binds import (BOUND_KINDS, bound, calls_older, calls_qualified, function_calls,
                                        is_operator, overloads)
from schemac.model import Schema, View


def _bare(v: View, keys) -> set[tuple[str, str]]:
    """Of the (schema, name) `keys`, those view `v`'s query does not call schema-qualified."""
    return {k for k in keys if not calls_qualified(v.query, *k)}


def rebound(old: View, new: View, desired: Schema) -> bool:
    """Both sides' calls known, some name `new` calls (an overload `desired` declares) `old` calls another overload
    of, which `desired` declares too: the same query made now calls another function than the view does."""
    if not old.depends or not new.depends:
        return False
    was, now = function_calls(old, BOUND_KINDS), function_calls(new, BOUND_KINDS)  # (the operators it applies too)
    moved = {k for k, ids in now.items() if k in was and was[k] != ids}
    if not moved:  # (most views: the same calls)
        return False
    declared = overloads((*desired.functions, *desired.operators))
    return any(now[k] <= declared[k] and was[k] <= declared[k] for k in _bare(new, moved))


def gains_overload(recorded_view: View, schema: Schema, recorded: Optional[Schema]) -> bool:
    """A function of a name the recorded view calls has an overload in `schema` that `recorded` lacks, taking as many
    arguments (compare.around.gained_overloads): its recorded forms may bind the call to another function than a
    build of it now does."""
    if recorded is None or not any(d.kind in BOUND_KINDS for d in recorded_view.depends):
        return False
    gained = gained_overloads(recorded, schema) | _gained_operators(recorded, schema)
    return bool(gained) and bool(_bare(recorded_view, {(d.schema, d.name) for d in recorded_view.depends
                                                       if d.kind in BOUND_KINDS and (d.schema, d.name) in gained}))


def _gained_operators(recorded: Schema, schema: Schema) -> set[tuple[str, str]]:
    """(schema, name) of the operators `schema` gives an overload `recorded` lacks beside one it has, both prefix or
    both infix: a view applying the name may bind the newer where it is built again (as a function's, gains_overload)."""
    had: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for o in recorded.operators:
        had.setdefault((o.schema, o.name), set()).add(o.identity)
    return {(o.schema, o.name) for o in schema.operators if (o.schema, o.name) in had
            and o.identity not in had[(o.schema, o.name)]
            and any((i[0] == "NONE") == (o.left is None) for i in had[(o.schema, o.name)])}


def _other_overloads(schema: Schema, key: tuple[str, str], bound: set[tuple[str, ...]]) -> list[str]:
    """The signatures of the overloads of function `key` that `schema` declares beside those of `bound`, taking as many
    arguments as one of them (the call's other candidates)."""
    arities = {len(i) for i in bound}
    return sorted(f"{f.schema}.{f.signature}" for f in (*schema.functions, *schema.operators)
                  if (f.schema, f.name) == key and f.identity not in bound and len(f.identity) in arities)


def _printed(key: tuple[str, str]) -> str:
    """How Postgres prints a call of `key` bound to another overload than the name takes: `s.f(...)`, `OPERATOR(s.op)`."""
    return f"OPERATOR({key[0]}.{key[1]})" if is_operator(key[1]) else f"{key[0]}.{key[1]}(...)"


def _signatures(key: tuple[str, str], identities) -> str:
    return ", ".join(f"{key[0]}.{key[1]}({', '.join(i)})" for i in sorted(identities))


def older_bindings(schema: Schema) -> list[str]:
    """inspect's warning for each view of a database whose call of a function Postgres prints schema-qualified
    (`public.nvl(name2, name)`, read under search_path public; another schema's under a path of it alone,
    view_binds.calls_older: the name alone resolves to another function: the view was made before the overload the
    name takes now) where `schema` declares no function of the name (its schema not read: `inspect -n app`): its
    binding cannot be kept (`binds:` names declared functions, compare.view_binds), so a migration's CREATE VIEW binds
    the call to the overload the name takes where it runs."""
    declared = {(f.schema, f.name) for f in (*schema.functions, *schema.operators)}
    out = []
    for v in schema.views:
        for key, ids in sorted(function_calls(v, BOUND_KINDS).items()):
            if key not in declared and calls_older(v, key):
                where = "" if key[0] == "public" else f"under a search_path of {key[0]} alone "
                out.append(f"{v.what} {v.qualified_name} calls {_signatures(key, ids)}, which Postgres prints "
                           f"{_printed(key)} {where}as the name alone takes another overload now (the view was made "
                           "before it); schema.yaml declares no function of the name, so it cannot record the binding "
                           "(binds:): a migration creating the view binds the call to the overload its name takes "
                           "there, and its rows may read otherwise")
    return out


def older_body_bindings(schema: Schema) -> list[str]:
    """inspect's warning for each function of a database whose SQL-standard body (bound when it is created, as a
    view's query: a quoted body is parsed as it runs, calling what the name takes then) calls a function bound to an
    older overload than the one its name takes (`older_calls`, compare.view_binds) where `schema` declares no function
    of the name (its schema not read: `inspect -n app`): the binding cannot be kept (`binds:`)."""
    declared = {(f.schema, f.name) for f in schema.functions}
    out = []
    for f in schema.functions:
        for entry in f.older_calls:
            if bound(entry)[:2] not in declared:
                out.append(f"function {f.schema}.{f.signature}: its SQL-standard body calls {entry}, bound to another "
                           "overload than the one its name takes now (the body was made before it); schema.yaml "
                           "declares no function of the name, so it cannot record the binding (binds:): a migration "
                           "creating the function binds the call to the overload its name takes there")
    return out


def rebinding_notices(v: View, built: View, schema: Schema) -> list[str]:
    """generate's warning for view `v` of schema.yaml whose query calls a function schema-qualified (as inspect wrote
    a call bound to an older overload than the one its name takes) that the build printed bare (the name took it) while
    `schema` declares other overloads of the name: the database read may have the view bound to another of them."""
    out = []
    for key, ids in sorted(function_calls(built, BOUND_KINDS).items()):
        others = _other_overloads(schema, key, ids)
        if others and calls_qualified(v.query, *key) and built.definition is not None \
                and not calls_qualified(built.definition, *key):
            out.append(f"warning: {v.source or v.qualified_name}: {v.what} {v.qualified_name} calls {_printed(key)} "
                       f"schema-qualified, as Postgres prints a call bound to another overload than the one its name "
                       f"takes (a view made before a newer overload): the migration binds it to "
                       f"{_signatures(key, ids)}, not to {', '.join(others)}; where the database it was read from had it "
                       "bound to another, its rows may read otherwise there (binds: names the overloads to make it "
                       "calling, as inspect writes it)")
    return out
