"""User-defined aggregates (`aggregates:`): input types, state function and type, the optional final,
combine, serial, moving-aggregate functions, initial conditions, sort operator, parallel safety; and
how `inspect` writes one back."""

from __future__ import annotations

import re
from typing import Optional

from yaml.nodes import Node

from schemac.model import AGGREGATE_FUNCTIONS, Aggregate
from schemac.pg.indexdef import top_level_items
from schemac.pg.names import quote_ident
from schemac.pg.routines import parse_argument, routine_type
from schemac.pg.types import TypeSyntaxError
from schemac.schemafile.exclusions import canonical_operator
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.usertypes import UserTypeReader

AGGREGATE_KEYS = {"name": False, "schema": False, "arguments": False, "sfunc": True, "stype": True,
                  **{f: False for f in AGGREGATE_FUNCTIONS}, "initcond": False, "mstype": False,
                  "minitcond": False, "sortop": False, "parallel": False, "comment": False,
                  "finalfunc_extra": False, "finalfunc_modify": False, "mfinalfunc_extra": False,
                  "mfinalfunc_modify": False, "sspace": False, "msspace": False, "hypothetical": False, "grants": False,
                  "owner": False}
_MOVING = ("msfunc", "minvfunc", "mstype")
_ORDER_BY = re.compile(r"(?i)(?:^|\s)order\s+by(?:\s|$)")


class AggregateReader(FieldReader):
    """Reads the top-level `aggregates:`."""

    def _type(self, node: Node, what: str) -> str:
        try:
            return routine_type(self.w.string(node, what))
        except TypeSyntaxError as e:
            raise self.fail(node, f"{what}: {e}") from None

    def aggregates(self, node: Node) -> list[Aggregate]:
        out: list[Aggregate] = []
        seen: dict[tuple, int] = {}
        for key, key_node, value in self.w.mapping(node, "aggregates"):
            f = self.w.fields(value, f"aggregate '{key}'", AGGREGATE_KEYS)
            name = self.object_name(f, key_node, "aggregate name")
            what = f"aggregate '{key}'"
            arguments: tuple[str, ...] = ()
            names: tuple[str, ...] = ()
            variadic, direct = False, None
            if "arguments" in f:
                arguments, names, variadic, direct = self._arguments(f["arguments"][1], what)
            hypothetical = self.opt_bool(f, "hypothetical", what)
            if hypothetical and direct is None:
                raise self.fail(f["hypothetical"][0], f"{what}: hypothetical needs ORDER BY in its arguments "
                                                      "(a hypothetical-set aggregate is ordered-set)")
            functions = {k: self._function(f, k, what) for k in ("sfunc", *AGGREGATE_FUNCTIONS)}
            moving = [k for k in _MOVING if k in f]
            if moving and len(moving) != len(_MOVING):
                raise self.fail(value, f"{what}: msfunc, minvfunc and mstype go together (moving-aggregate mode)")
            for k in ("mfinalfunc", "minitcond"):
                if k in f and not moving:
                    raise self.fail(f[k][0], f"{what}: {k} needs msfunc, minvfunc and mstype")
            sortop = None
            if "sortop" in f:
                sortop = self.w.string(f["sortop"][1], f"sortop of {what}").strip()
                try:
                    sortop = canonical_operator(sortop)  # (bare in pg_catalog and public)
                except ValueError:
                    raise self.fail(f["sortop"][1], f"sortop of {what} must be an operator name such as '>', "
                                                    f"not {sortop!r}") from None
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            agg = Aggregate(
                name, functions.pop("sfunc"), self._type(f["stype"][1], f"stype of {what}"), schema, arguments,  # type: ignore
                variadic=variadic, direct=direct, hypothetical=hypothetical, argument_names=names,
                initcond=self.w.text(f["initcond"][1], f"initcond of {what}") if "initcond" in f else None,
                mstype=self._type(f["mstype"][1], f"mstype of {what}") if "mstype" in f else None,
                minitcond=self.w.text(f["minitcond"][1], f"minitcond of {what}") if "minitcond" in f else None,
                sortop=sortop, comment=self.opt_string(f, "comment", what), source=self.w.src(key_node),
                parallel=self.choice(f, "parallel", ("unsafe", "restricted", "safe"), what) or "unsafe",  # type: ignore
                **self._final_options(f, what, direct is not None),
                **functions, grants=self.grants(f, what, "function"), owner=self.owner(f, what))  # type: ignore[attr-defined]
            self.overload_once(seen, agg, key_node, "aggregate")
            out.append(agg)
        return out

    def _arguments(self, at: Node, what: str) -> tuple[tuple[str, ...], tuple[str, ...], bool, Optional[int]]:
        """`arguments`: the input types, their names (() when none has one), whether the last is VARIADIC, and how
        many are direct (before ORDER BY: an ordered-set aggregate; None for an ordinary one). VARIADIC on both
        sides of ORDER BY is kept once."""
        text = self.w.string(at, f"arguments of {what}").strip()
        parts = _ORDER_BY.split(f" {text}")
        if len(parts) > 2:
            raise self.fail(at, f"arguments of {what}: ORDER BY only once")
        lists = [[] if p.strip() in ("", "*") else [self._argument(at, i, what) for i in top_level_items(p.strip())]
                 for p in parts]
        if len(lists) == 2 and not lists[1]:
            raise self.fail(at, f"arguments of {what}: ORDER BY needs the aggregated inputs after it")
        direct = None
        if len(lists) == 2:
            before, after = lists
            if before and before[-1][1] and after != [before[-1]]:
                raise self.fail(at, f"arguments of {what}: a VARIADIC direct input goes with the same VARIADIC "
                                    "aggregated one alone (VARIADIC \"any\" ORDER BY VARIADIC \"any\")")
            lists, direct = ([before] if before and before[-1][1] else lists), len(before)
        parsed = [a for part in lists for a in part]
        if any(v for _, v, _ in parsed[:-1]):
            raise self.fail(at, f"arguments of {what}: only the last one can be VARIADIC")
        names = tuple(n for _, _, n in parsed) if any(n for _, _, n in parsed) else ()
        return tuple(t for t, _, _ in parsed), names, bool(parsed and parsed[-1][1]), direct

    def _argument(self, node: Node, item: str, what: str) -> tuple[str, bool, str]:
        """One input: `[VARIADIC] [name] type`: its type, whether it is VARIADIC, and its name ("" without one:
        only types tell overloads apart, the name is kept as Postgres keeps it, proargnames)."""
        try:
            a = parse_argument(item)
        except (TypeSyntaxError, ValueError) as e:
            raise self.fail(node, f"arguments of {what}: {e}") from None
        if a.mode not in ("in", "variadic") or a.default is not None:
            raise self.fail(node, f"arguments of {what}: '{item}': only input types, the last one VARIADIC or not, "
                                  "are managed")
        return a.type, a.mode == "variadic", a.name or ""

    def _final_options(self, f: dict, what: str, ordered: bool) -> dict:
        """FINALFUNC_EXTRA and _MODIFY (Postgres's default, read_only, or read_write for an `ordered`-set aggregate,
        is None), SSPACE, and their moving-mode twins."""
        out: dict = {}
        for prefix in ("", "m"):
            for key in (f"{prefix}finalfunc_extra", f"{prefix}finalfunc_modify"):
                if key in f and f"{prefix}finalfunc" not in f:
                    raise self.fail(f[key][0], f"{what}: {key} needs {prefix}finalfunc")
            out[f"{prefix}finalfunc_extra"] = self.opt_bool(f, f"{prefix}finalfunc_extra", what)
            modify = self.choice(f, f"{prefix}finalfunc_modify", ("read_only", "shareable", "read_write"), what)
            default = "read_write" if ordered else "read_only"
            out[f"{prefix}finalfunc_modify"] = None if modify == default else modify
            space = f"{prefix}sspace"
            if space in f:
                n = self.w.scalar(f[space][1], f"{space} of {what}")
                if not n.value.isdigit() or not 0 < int(n.value) < 2**31:
                    raise self.fail(n, f"{space} of {what} must be a positive integer (bytes), not {n.value!r}")
                out[space] = int(n.value)
        return out

    def _function(self, f: dict, key: str, what: str) -> Optional[str]:
        """public.name kept as written: the catalog reader's spelling of a public function that pg_catalog's of the
        same name and inputs hides (catalog/queries/aggregates.sql)."""
        return UserTypeReader._qualified_name(self, f, key, what, ("pg_catalog",))  # type: ignore[arg-type]


def aggregate_spec(a: Aggregate) -> dict:
    """An aggregate as schema.yaml writes it: what differs from CREATE AGGREGATE's defaults."""
    spec: dict = {"schema": a.schema} if a.schema != "public" else {}
    spec["arguments"] = a.declared_arguments(quote=quote_ident)
    spec.update({"sfunc": a.sfunc, "stype": a.stype})
    if a.hypothetical:
        spec["hypothetical"] = True
    for key in (*AGGREGATE_FUNCTIONS, "initcond", "mstype", "minitcond", "sortop", "comment"):
        if getattr(a, key) is not None:
            spec[key] = getattr(a, key)
    if a.parallel != "unsafe":
        spec["parallel"] = a.parallel
    for key in ("finalfunc_extra", "finalfunc_modify", "mfinalfunc_extra", "mfinalfunc_modify", "sspace", "msspace"):
        if getattr(a, key):
            spec[key] = getattr(a, key)
    return spec
