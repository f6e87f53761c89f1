"""A view bound to an older overload of a function than the one its call's name takes now, kept so (`View.binds`).

Postgres binds a view's call when the view is made, and keeps it: a view made before a newer overload that its call's
name would take now (ADempiere/metasfresh's `nvl(anyelement, anyelement)`, then `nvl(character varying, character
varying)`) calls the older, and pg_get_viewdef prints the call schema-qualified (`public.nvl(name2, name)`: under the
catalog reader's search_path, public, the name alone takes the newer). A build of its query after every function binds
the newer one, and its rows read otherwise. So the catalog gives such a view `binds` (`bound_older`): the overloads its
rewrite rule depends on (pg_depend's) of each function of `public` its deparse calls qualified, where `public` declares
other overloads of the name; schema.yaml keeps them (`binds:`), compare.views compares them (a binding changed is a
change), and a view with binds is made (by a migration, `diff --sql`, the throwaway build of views) with the other
overloads of those names renamed aside around its CREATE (`set_aside`, plan.views), so it calls the bound ones
whichever exist then. A call of another schema's function prints qualified under public whatever it is bound to: the
catalog deparses such a view again under a path of that schema alone (`older_calls`), where it prints bare the calls
the name takes. A function's SQL-standard body is bound at CREATE alike (`Function.binds`: older_body_calls,
functions_with_binds, with_aside); a quoted body is parsed as it runs, calling what the name takes then. An operator
is bound alike (`public.??(anyelement, anyelement)`, printed `OPERATOR(public.??)`): its entries are told by their name,
an operator's symbol (`is_operator`), and plan.views moves the others aside (SET SCHEMA: ALTER OPERATOR cannot rename).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Optional

from schemac.model import Function, View
from schemac.model.frozen import replace
from schemac.model.references import call_parts, joined_reference, split_operator, split_reference
from schemac.pg.indexdef import top_level_items
from schemac.pg.keywords import PLAIN_NAME
from schemac.pg.names import quoted
from schemac.pg.types import canonical_type

Key = tuple[str, str]


def function_calls(v: View, kinds: tuple[str, ...] = ("function",)) -> dict[Key, set[tuple[str, ...]]]:
    """The functions view `v` calls by (schema, name): the input types of each overload (pg_depend's); with `kinds`
    ("function", "operator"), the operators it applies too (their argument types, NONE for a prefix one's left)."""
    out: dict[Key, set[tuple[str, ...]]] = defaultdict(set)
    for d in v.depends:
        if d.kind in kinds:
            out[(d.schema, d.name)].add(tuple(t for t in (d.type or "").split(", ") if t))
    return out


BOUND_KINDS = ("function", "operator")  # what a view binds by OID at CREATE, by name and argument types
_OPERATOR = re.compile(r"[-+*/<>=~!@#%^&|`?]+")  # an operator's symbol (a function so named is written quoted)


def is_operator(name: str) -> bool:
    """The name of an entry of `binds` is an operator's symbol: `public.??(anyelement, anyelement)`."""
    return _OPERATOR.fullmatch(name) is not None


def _ident(n: str) -> str:
    """A pattern of name `n` as a query may spell it: quoted, or bare in any letter case where it needs no quotes."""
    spelled = re.escape(quoted(n))
    return f"(?:{spelled}|(?i:{re.escape(n)}))" if PLAIN_NAME.fullmatch(n) else spelled


def calls_qualified(query: str, schema: str, name: str) -> bool:
    """`query` calls `schema.name(` so written; of an operator, applies `OPERATOR(schema.name)` (how Postgres prints
    one its name and argument types would not find)."""
    if is_operator(name):
        return re.search(rf'(?i:OPERATOR)\s*\(\s*{_ident(schema)}\s*\.\s*{re.escape(name)}\s*\)', query) is not None
    return re.search(rf'(?<![\w$."]){_ident(schema)}\s*\.\s*{_ident(name)}\s*\(', query) is not None


def binding(schema: str, name: str, identity: Iterable[str]) -> str:
    """`schema.name(types)`: an entry of `binds`, as schema.yaml writes it."""
    return f"{joined_reference(schema, name)}({', '.join(identity)})"


def bound(entry: str) -> tuple[str, str, tuple[str, ...]]:
    """(schema, name, input types) of an entry of `binds` (binding's inverse)."""
    head, args = call_parts(entry)
    return (*split_reference(head), tuple(top_level_items(args[1:-1])))


def written(entry: str, default: str = "public") -> tuple[str, str, tuple[str, ...]]:
    """(schema, name, input types) of an entry of `binds` as schema.yaml may write it: a bare name `default`'s, the
    types in any spelling (canonical_type's), an operator's missing left `NONE` (a prefix one); raises
    TypeSyntaxError."""
    head, args = call_parts(entry)
    schema, name = split_operator(head, default)
    if not is_operator(name):
        schema, name = split_reference(head, default)
    return schema, name, tuple("NONE" if x.upper() == "NONE" and is_operator(name) else canonical_type(x)
                               for x in top_level_items(args[1:-1]))


def overloads(functions: Iterable) -> dict[Key, set[tuple[str, ...]]]:
    """The input types of each overload of `functions` (or operators: their argument types) by (schema, name)."""
    out: dict[Key, set[tuple[str, ...]]] = defaultdict(set)
    for f in functions:
        out[(f.schema, f.name)].add(f.identity)
    return out


def calls_older(v: View, key: Key) -> bool:
    """View `v` (the catalog's) calls function `key` bound to another overload than the one its name takes: a call of
    public's printed qualified in its query (deparsed under search_path public), another schema's so printed under a
    path of that schema alone (`older_calls`, views.sql's own_path_deparses)."""
    return key in v.older_calls or (key[0] == "public" and calls_qualified(v.query, *key))


def bound_older(v: View, declared: dict[Key, set[tuple[str, ...]]]) -> tuple[str, ...]:
    """The catalog's `binds` of view `v`: of each function it calls bound to an older overload (calls_older) beside
    other overloads `declared` (overloads()) holds, the ones it calls."""
    out = []
    for key, ids in function_calls(v, BOUND_KINDS).items():
        if declared.get(key, set()) - ids and calls_older(v, key):
            out += [binding(*key, i) for i in ids]
    return tuple(sorted(out))


def with_binds(views: list[View], functions: Iterable[Function], operators: Iterable = ()) -> list[View]:
    """`views` (read from a database) with their `binds`, of its functions' and `operators`' overloads; most views have
    none and are the same objects."""
    declared: Optional[dict] = None
    out = []
    for v in views:
        if v.older_calls or (any(d.kind in BOUND_KINDS and d.schema == "public" for d in v.depends)
                             and "public." in v.query):
            declared = overloads((*functions, *operators)) if declared is None else declared
            binds = bound_older(v, declared)
            if binds:
                v = replace(v, binds=binds)
        out.append(v)
    return out


def older_body_calls(body: str, bound_calls: Optional[list]) -> tuple[str, ...]:
    """Of a SQL-standard body (`body`, deparsed under search_path public), the calls bound to another overload than
    the name takes (functions.sql's bound_calls: [schema, name, input types, the body deparsed under a path of that
    schema alone, or None of public's]): printed qualified there."""
    return tuple(sorted({binding(s, n, tuple(t for t in (types or "").split(", ") if t))
                         for s, n, types, own in bound_calls or () if calls_qualified(own or body, s, n)}))


def functions_with_binds(functions: list[Function], operators: Iterable = ()) -> list[Function]:
    """`functions` (read from a database) with their `binds`: of the calls of each SQL-standard body bound to an
    older overload (`older_calls`), those of a name with other overloads declared (functions', `operators`')."""
    if not any(f.older_calls for f in functions):
        return functions
    declared = overloads((*functions, *operators))
    out = []
    for f in functions:
        binds = declared_binds(f.older_calls, declared)
        out.append(replace(f, binds=binds) if binds else f)
    return out


def declared_binds(older_calls: Iterable[str], declared: dict[Key, set[tuple[str, ...]]]) -> tuple[str, ...]:
    """Of `older_calls` (entries of calls bound to another overload than the name takes), those of a name `declared`
    (overloads()) holds other overloads of: the `binds` schema.yaml keeps."""
    return tuple(e for e in older_calls if declared.get(bound(e)[:2], set()) - {bound(e)[2]})


def same_binding(old: View, new: View) -> bool:
    """Each overload either side `binds` is called by both: named in its binds, or, where Postgres's answer for its
    query is known, among the functions its rule depends on (a view made before the newer overload came, which binds
    nothing where it was read, calls what one binding the older does)."""
    if old.binds == new.binds:
        return True
    calls_old, calls_new = _called(old), _called(new)
    return all((b in calls_old) == (b in calls_new) for b in {*old.binds, *new.binds})


def _called(v: View) -> set[str]:
    return {*v.binds, *(binding(*key, i) for key, ids in function_calls(v, BOUND_KINDS).items() for i in ids)}


def set_aside(v, functions: Iterable) -> tuple[str, ...]:
    """The overloads of `functions` (and operators) of the names `v.binds` names beside those it binds, which its
    CREATE must not see (renamed or moved aside around it: plan.views)."""
    if not v.binds:
        return ()
    kept: dict[Key, set[tuple[str, ...]]] = defaultdict(set)
    for entry in v.binds:
        schema, name, identity = bound(entry)
        kept[(schema, name)].add(identity)
    return tuple(sorted(binding(f.schema, f.name, f.identity) for f in functions
                        if (f.schema, f.name) in kept and f.identity not in kept[(f.schema, f.name)]))


def views_set_aside(views: Iterable[View], functions: tuple[Function, ...], operators: tuple = ()) -> dict[Key, View]:
    """`views` by key, each with binds given the overloads (functions', operators') set aside around its CREATE
    (`View.aside`)."""
    return {v.key: replace(v, aside=set_aside(v, (*functions, *operators))) if v.binds else v for v in views}


def with_aside(f: Function, functions: Iterable[Function], operators: Iterable = ()) -> Function:
    """Function `f` of schema.yaml given the overloads renamed (operators moved) aside around its CREATE (`aside`:
    set_aside's, itself left out, which its CREATE makes)."""
    if not f.binds:
        return f
    own = binding(f.schema, f.name, f.identity)
    return replace(f, aside=tuple(a for a in set_aside(f, (*functions, *operators)) if a != own))  # type: ignore
