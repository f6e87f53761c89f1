"""Functions and procedures: overloads are distinct objects."""

from __future__ import annotations

import re
from dataclasses import field

from schemac.model.frozen import frozen
from typing import AbstractSet, Iterable, Literal, Optional

from .grants import Privilege
from .references import joined_reference, split_reference
from .source import Source, _security, _src

_STANDARD_BODY = re.compile(r"\s*(RETURN\b|BEGIN\s+ATOMIC\b)", re.I)


@frozen
class Argument:
    """One parameter of a function or procedure."""

    type: str  # canonical spelling, as format_type prints it
    name: Optional[str] = None
    mode: Literal["in", "out", "inout", "variadic"] = "in"
    default: Optional[str] = None


@frozen
class Function:
    """A function or procedure written in SQL, PL/pgSQL or another procedural language: its body is
    the source text Postgres keeps as given (pg_proc.prosrc); or in C, its body the link symbol and `library`
    the file (pg_proc.probin). Overloads are distinct objects: the identity is (schema, name, the types of the
    input arguments)."""

    name: str
    body: str
    schema: str = "public"
    arguments: tuple[Argument, ...] = ()
    returns: Optional[str] = None  # None for a procedure; "void", "trigger", "SETOF text", "TABLE(a integer)"
    language: str = "sql"
    procedure: bool = False
    volatility: Literal["volatile", "stable", "immutable"] = "volatile"
    strict: bool = False
    security_definer: bool = False
    leakproof: bool = False
    parallel: Literal["unsafe", "restricted", "safe"] = "unsafe"
    cost: Optional[float] = None  # None: Postgres's default (default_cost: 100; 1 for C functions)
    rows: Optional[float] = None  # None: Postgres's default (1000 for a set-returning function)
    config: tuple[str, ...] = ()  # SET name = value, as pg_proc.proconfig stores it: "search_path=public"
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    # The owner's own privileges left out; PUBLIC's EXECUTE is there unless revoked (Postgres's default).
    grants: tuple[Privilege, ...] = _security(())
    owner: Optional[str] = _security(None)  # None: not compared
    library: Optional[str] = None  # a C function's library (`$libdir/postgis-3`); None in any other language
    # SUPPORT: the planner support function (pg_proc.prosupport), bare in pg_catalog and public, else schema.name
    support: Optional[str] = None
    # What a schema the read did not cover holds that depends on it (inspect -n public: a policy on storage.objects
    # calling it, a trigger on auth.users running it, a view of another schema): `policy "p" on storage.objects`,
    # `trigger t on auth.users`, `view api.v`. Not compared: generate refuses to drop it while they stand.
    used_outside: tuple[str, ...] = field(default=(), compare=False)
    # A SQL-standard body is bound at CREATE as a view's query: `binds`, the functions (`schema.name(types)`) it is
    # made calling where the name would take another overload now (compare.view_binds, as View.binds); `older_calls`,
    # the catalog's calls printed qualified (its own or under a path of the function's schema alone: functions.sql's
    # bound_calls), made `binds` where schema.yaml declares other overloads; `aside`, those renamed around its CREATE.
    binds: tuple[str, ...] = ()
    older_calls: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})
    aside: tuple[str, ...] = field(default=(), compare=False, metadata={"recorded": False})
    # The tables (schema, name) whose rows a SQL-standard body reads through the functions it calls (`FROM all_t()
    # all_t(id, c)`, `(all_t()).c` of one returning SETOF t), set by compare.sqlbodies on one dropped and made again
    # around a column change of such a table: Postgres records each column it reads (plan.keys: its refs).
    rows_read: tuple[tuple[str, str], ...] = field(default=(), compare=False, metadata={"recorded": False})
    # A SQL-standard body's print by Postgres (pg_get_function_sqlbody, as the catalog reads it) of this very body,
    # built by `generate` with the views (commands.body_prints) and recorded in state.json: `diff` compares the
    # database's body with it. `printed_by`: the major that built it (None: never built; set without `printed`: the
    # build failed, not tried again for the same body).
    printed: Optional[str] = field(default=None, compare=False)
    printed_by: Optional[int] = field(default=None, compare=False)

    @property
    def standard_body(self) -> bool:
        """A SQL-standard body (`RETURN expr` or `BEGIN ATOMIC ... END`, PostgreSQL 14+): written after the
        header, not as a string. No SQL function's string body can start so (RETURN is no SQL command)."""
        return self.language == "sql" and _STANDARD_BODY.match(self.body) is not None

    @property
    def identity(self) -> tuple[str, ...]:
        """The input argument types: what tells overloads apart (OUT arguments do not)."""
        arguments = self.arguments
        return tuple([a.type for a in arguments if a.mode != "out"]) if arguments else ()  # (asked ~10 times a diff)

    @property
    def signature(self) -> str:
        """name(type, ...) as DROP FUNCTION and reports name it."""
        return f"{self.name}({', '.join(self.identity)})"


def default_cost(language: str) -> float:
    """The COST Postgres gives a function that names none: 1 for compiled code (C, internal), else 100."""
    return 1.0 if language in ("c", "internal") else 100.0


# Trigger functions of Postgres's own (pg_catalog), which a trigger may name without the schema.
BUILTIN_TRIGGER_FUNCTIONS = frozenset({"suppress_redundant_updates_trigger", "tsvector_update_trigger",
                                       "tsvector_update_trigger_column"})


def function_names(functions: Iterable) -> frozenset[tuple[str, str]]:
    """(schema, name) of each of `functions`, made once for runs_a_known_function: a trigger per table
    would otherwise search every function (quadratic at 1,000 of each)."""
    return frozenset((f.schema, f.name) for f in functions)


def runs_a_known_function(function: str, functions: AbstractSet[tuple[str, str]], extensions: Iterable,
                          external: Iterable[str] = ()) -> bool:
    """Whether what a trigger or event trigger runs (`function`: "name" in public, or "schema.name") is
    Postgres's own (pg_catalog), among `functions` (function_names() of schema.yaml's, or of those a database read holds),
    among `external` (schema.yaml's external_functions, as `schema.name`), or may be an extension's among
    `extensions` (one living in that schema; which functions it has is not known here). Otherwise nothing
    would make the function before the migration's CREATE TRIGGER or CREATE EVENT TRIGGER, which then fails."""
    schema, name = split_reference(function, "")
    if schema == "pg_catalog" or (not schema and name in BUILTIN_TRIGGER_FUNCTIONS):
        return True
    schema = schema or "public"
    return (schema, name) in functions or joined_reference(schema, name) in external or \
        any((e.schema or "public") == schema for e in extensions)
