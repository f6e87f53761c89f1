"""User-defined aggregates (CREATE AGGREGATE): overloads are distinct objects."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Callable, Literal, Optional

from .grants import Privilege
from .source import Source, _security, _src

Modify = Literal["read_only", "shareable", "read_write"]
# The optional support functions of an aggregate, in CREATE AGGREGATE's order (model field = option name).
AGGREGATE_FUNCTIONS = ("finalfunc", "combinefunc", "serialfunc", "deserialfunc", "msfunc", "minvfunc", "mfinalfunc")


@frozen
class Aggregate:
    """An aggregate: ordinary (aggkind 'n'), ordered-set (`WITHIN GROUP`, 'o': `direct` is set) or
    hypothetical-set ('h', `hypothetical` too). Function names are `name` or `schema.name`, bare in pg_catalog and public (as range
    types name theirs); types in format_type's spelling; `initcond` and `minitcond` are the text
    Postgres keeps (pg_aggregate.agginitval). The identity is (schema, name, input types)."""

    name: str
    sfunc: str
    stype: str
    schema: str = "public"
    arguments: tuple[str, ...] = ()  # input types; () is `name(*)`
    variadic: bool = False  # the last input is VARIADIC (`vsum(VARIADIC integer[])` takes any number of integers)
    # The inputs' names (proargnames: documentation only, `least_agg(VARIADIC items anyarray)`), "" for an unnamed
    # one; () when none is named.
    argument_names: tuple[str, ...] = ()
    # Ordered-set aggregates: how many of `arguments` are direct (before ORDER BY; aggnumdirectargs); None for an
    # ordinary one. All of them when the last is VARIADIC on both sides (`VARIADIC "any" ORDER BY VARIADIC "any"`).
    direct: Optional[int] = None
    hypothetical: bool = False  # HYPOTHETICAL (aggkind 'h': rank-like, ordered-set too)
    finalfunc: Optional[str] = None
    initcond: Optional[str] = None
    combinefunc: Optional[str] = None
    serialfunc: Optional[str] = None
    deserialfunc: Optional[str] = None
    msfunc: Optional[str] = None  # moving-aggregate mode (window frames): msfunc, minvfunc, mstype together
    minvfunc: Optional[str] = None
    mstype: Optional[str] = None
    mfinalfunc: Optional[str] = None
    minitcond: Optional[str] = None
    sortop: Optional[str] = None  # an operator name (MIN/MAX-like aggregates): `>`, `schema.>`
    parallel: Literal["unsafe", "restricted", "safe"] = "unsafe"
    finalfunc_extra: bool = False  # FINALFUNC_EXTRA: the final function takes the inputs too (as NULLs)
    # None: Postgres's default, read_only for ordinary aggregates, read_write for ordered-set ones
    finalfunc_modify: Optional[Modify] = None
    mfinalfunc_extra: bool = False
    mfinalfunc_modify: Optional[Modify] = None
    sspace: Optional[int] = None  # SSPACE, MSSPACE: the state's average size in bytes (None: Postgres's estimate)
    msspace: Optional[int] = None
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # EXECUTE (proacl), as a function's: PUBLIC's by default
    owner: Optional[str] = _security(None)  # None: not compared

    @property
    def identity(self) -> tuple[str, ...]:
        """The input types: what tells overloads apart (as a function's, so views' dependencies match)."""
        return self.arguments

    @property
    def signature(self) -> str:
        """name(type, ...) as DROP AGGREGATE and reports name it; name(*) without inputs."""
        return f"{self.name}({', '.join(self.arguments) or '*'})"

    def declared_arguments(self, spell: Callable[[str], str] = str, quote: Callable[[str], str] = str) -> str:
        """The inputs as CREATE AGGREGATE declares them (each type through `spell`, preceded by its name through
        `quote` where it has one): VARIADIC on the last, and `direct ORDER BY aggregated` for an ordered-set one (as
        pg_get_function_arguments writes them); `*` for none."""
        names = self.argument_names or ("",) * len(self.arguments)
        types = [f"{quote(n)} {spell(t)}" if n else spell(t) for n, t in zip(names, self.arguments)]
        if self.variadic:
            types[-1] = f"VARIADIC {types[-1]}"
        if self.direct is None:
            return ", ".join(types) or "*"
        aggregated = types[self.direct:] or types[-1:]  # VARIADIC on both sides: Postgres keeps it once
        return " ".join([", ".join(types[:self.direct]), "ORDER BY", ", ".join(aggregated)]).strip()

    def functions(self) -> tuple[str, ...]:
        """The support functions it names: sfunc first."""
        named = (getattr(self, f) for f in AGGREGATE_FUNCTIONS)
        return (self.sfunc, *(f for f in named if f))
