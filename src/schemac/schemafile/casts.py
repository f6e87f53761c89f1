"""User-defined casts (`casts:`): source and target types, how the value converts (a function, WITHOUT
FUNCTION, WITH INOUT), in which contexts Postgres applies it, comment; and how `inspect` writes one back."""

from __future__ import annotations

from yaml.nodes import Node

from schemac.model import CAST_CONTEXTS, Cast, Extension, Function
from schemac.pg.indexdef import top_level_items
from schemac.model.functions import function_names, runs_a_known_function
from schemac.pg.routines import routine_type
from schemac.pg.types import TypeSyntaxError
from schemac.schemafile.event_triggers import no_such_function
from schemac.pg.names import call_parts, split_reference
from schemac.schemafile.fields import FieldReader, plain_reference
from schemac.schemafile.typewriter import Flow, drop_empty

CAST_KEYS = {"source": True, "target": True, "function": False, "without_function": False, "inout": False,
             "context": False, "comment": False}
# What Postgres requires of a cast function's second and third arguments (a length coercion's typmod, explicit).
_EXTRA_ARGUMENTS = ("integer", "boolean")


def _bare(type_text: str) -> str:
    """A type as the catalog reader spells it: bare in public (its search path)."""
    return type_text[len("public."):] if type_text.startswith("public.") else type_text


class CastReader(FieldReader):
    """Reads the top-level `casts:`."""

    def casts(self, node: Node, functions: list[Function], extensions: tuple[Extension, ...]) -> tuple[Cast, ...]:
        out: list[Cast] = []
        seen: dict[tuple[str, str], int] = {}
        names = function_names(functions)
        for item in self.w.sequence(node, "casts"):
            f = self.w.fields(item, "a cast", CAST_KEYS)
            source_type = self._cast_type(f["source"][1], "source of a cast")
            target_type = self._cast_type(f["target"][1], "target of a cast")
            what = f"cast ({source_type} AS {target_type})"
            ways = [k for k in ("function", "without_function", "inout") if k in f and
                    (k == "function" or self.w.boolean(f[k][1], f"{k} of {what}"))]
            if len(ways) != 1:
                raise self.fail(item, f"{what} takes one of function:, without_function: true or inout: true"
                                      + (f", not {' and '.join(ways)}" if ways else ""))
            function = self._cast_function(f["function"][1], what, functions, names, extensions) if "function" in f else None
            context = self.choice(f, "context", tuple(CAST_CONTEXTS.values()), what) or "explicit"
            cast = Cast(source_type, target_type, function, "inout" in ways, context,  # type: ignore[arg-type]
                        self.opt_string(f, "comment", what), self.w.src(item))
            if cast.identity in seen:
                raise self.fail(item, f"{what} is declared twice (first at line {seen[cast.identity]})")
            seen[cast.identity] = item.start_mark.line + 1
            out.append(cast)
        return tuple(out)

    def _cast_type(self, node: Node, what: str) -> str:
        try:
            return _bare(routine_type(self.w.string(node, what)))
        except TypeSyntaxError as e:
            raise self.fail(node, f"{what}: {e}") from None

    def _cast_function(self, node: Node, what: str, functions: list[Function], names: frozenset,
                  extensions: tuple[Extension, ...]) -> str:
        """`name(types)` or `schema.name(types)` (function_with_types), the types canonical: a function schema.yaml
        declares with these argument types, or one of Postgres's or an extension's."""
        def arity(types: list[str]) -> None:
            if not 1 <= len(types) <= 3 or tuple(types[1:]) != _EXTRA_ARGUMENTS[:len(types) - 1]:
                raise self.fail(node, f"function of {what} must take one argument (then integer, then boolean), "
                                      f"not ({', '.join(types)})")
        return self.function_with_types(node, what, functions, names, extensions, "cast", arity)

    def function_with_types(self, node: Node, what: str, functions: list[Function], names: frozenset,
                            extensions: tuple[Extension, ...], kind: str, check=None) -> str:
        """A function named with its argument types (a cast's, an operator class's support function), as
        `name(types)` or `schema.name(types)`, a `public.name` kept as written (one pg_catalog's of the same name
        and inputs hides needs it; compare takes it for the bare one: model.references.as_read); `check(types)`
        may refuse the types."""
        text = self.w.string(node, f"function of {what}").strip()
        head, args = call_parts(text)
        spelled = plain_reference(head.strip())
        if not args or not args.endswith(")") or spelled is None:
            raise self.fail(node, f"function of {what} must name a function with its argument types, "
                                  f"`name(type)` or `schema.name(type)` (schema.\"name.with.dots\"(type)), not {text!r}")
        head = spelled  # (public.name as written)
        types = []
        for t in top_level_items(args[1:-1]):
            try:
                types.append(_bare(routine_type(t)))
            except TypeSyntaxError as e:
                raise self.fail(node, f"function of {what}: {e}") from None
        if check is not None:
            check(types)
        declared = [x for x in functions if (x.schema, x.name) == split_reference(head)]
        if declared and not any(tuple(_bare(t) for t in x.identity) == tuple(types) for x in declared):
            raise self.fail(node, f"function of {what}: schema.yaml declares no {head}({', '.join(types)}) "
                                  f"(functions: has {', '.join(x.signature for x in declared)})")
        if not runs_a_known_function(head, names, extensions):
            raise self.fail(node, no_such_function(f"function of {what}", head, kind))
        return f"{head}({', '.join(types)})"


def written_casts(casts: tuple[Cast, ...]) -> dict:
    """`casts:` as inspect writes it (one line each, defaults left out), or nothing."""
    out = [Flow(drop_empty({"source": c.source_type, "target": c.target_type, "function": c.function,
                            "without_function": True if c.function is None and not c.inout else None,
                            "inout": True if c.inout else None,
                            "context": c.context if c.context != "explicit" else None, "comment": c.comment}))
           for c in casts]
    return {"casts": out} if out else {}

