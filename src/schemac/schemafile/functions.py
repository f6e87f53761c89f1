"""Functions and procedures: signature, result, language, body (inline, or a .sql file beside
schema.yaml), volatility, strictness, security, parallel safety, cost, rows, SET options."""

from __future__ import annotations

import math
import os
import re

from yaml.nodes import Node

from schemac.compare.view_binds import binding, bound, is_operator
from schemac.model import Function
from schemac.model.frozen import replace
from schemac.model.functions import default_cost, function_names
from schemac.model.references import call_parts, split_operator
from schemac.pg.loaded import ExpressionError, check_expression, is_verbatim, referenced_columns
from schemac.pg.routines import implied_result, parse_arguments, result_type
from schemac.pg.settings import config_entry
from schemac.pg.types import TypeSyntaxError
from schemac.schemafile.fields import FieldReader, plain_reference

FUNCTION_KEYS = {"name": False, "schema": False, "procedure": False, "arguments": False, "returns": False,
                 "language": False, "body": False, "body_file": False, "volatility": False, "strict": False,
                 "security_definer": False, "leakproof": False, "parallel": False, "cost": False, "rows": False,
                 "set": False, "comment": False, "grants": False, "owner": False, "library": False,
                 "support": False, "used_outside": False, "binds": False}
_SETTING = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")  # Postgres spells some in mixed case: TimeZone, DateStyle
_ONLY_FUNCTIONS = ("volatility", "strict", "leakproof", "parallel", "cost", "rows", "returns", "support")


class FunctionReader(FieldReader):
    """Reads the top-level `functions:`."""

    def __init__(self, path: str):
        super().__init__(path)
        self.body_files: dict[str, str] = {}  # relative path -> text of each body_file read (load_with_digest)

    def external_functions(self, node: Node, functions: list[Function]) -> tuple[str, ...]:
        """`external_functions:`: functions the database has that schema.yaml does not declare (a trigger's
        function in a schema it does not cover), `name` (in public) or `schema.name`, each once; as `schema.name`."""
        return self.external_names(node, "external_functions", "function", "functions", functions, ", without arguments")

    def functions(self, node: Node) -> list[Function]:
        out, pending = [], []
        for key, key_node, value in self.w.mapping(node, "functions"):
            f = self.w.fields(value, f"function '{key}'", FUNCTION_KEYS)
            name = self.object_name(f, key_node, "function name")
            procedure = self.opt_bool(f, "procedure", f"function '{key}'")
            what = f"{'procedure' if procedure else 'function'} '{key}'"
            if procedure:
                for k in _ONLY_FUNCTIONS:
                    if k in f:
                        raise self.fail(f[k][0], f"{what}: a procedure has no {k}")
            arguments = ()
            if "arguments" in f:
                at = f["arguments"][1]
                try:
                    arguments = parse_arguments(self.w.text(at, f"arguments of {what}"))
                except (TypeSyntaxError, ValueError) as e:
                    raise self.fail(at, f"arguments of {what}: {e}") from None
                for a in arguments:
                    if a.default is not None:
                        try:
                            check_expression(a.default)
                        except ExpressionError as e:
                            raise self.fail(at, f"default {a.default!r} in arguments of {what} {e}") from None
                        if is_verbatim(a.default):
                            self.kept_verbatim(at, f"default {a.default!r} in arguments of {what}")  # type: ignore[attr-defined]
                        elif referenced_columns(a.default):
                            raise self.fail(at, f"arguments of {what}: a default cannot refer to columns "
                                                f"({a.default})")
            returns = None
            if "returns" in f:
                try:
                    returns = result_type(self.w.string(f["returns"][1], f"returns of {what}"))
                except TypeSyntaxError as e:
                    raise self.fail(f["returns"][1], f"returns of {what}: {e}") from None
            elif not procedure:
                returns = implied_result(arguments)
                if returns is None:
                    raise self.fail(value, f"{what} needs the key 'returns' (or OUT arguments)")
            if ("body" in f) == ("body_file" in f):
                raise self.fail(value, f"{what} needs exactly one of 'body' and 'body_file'")
            body = self.w.text(f["body"][1], f"body of {what}") if "body" in f else \
                self.body_file(f["body_file"][1], what)
            language = self.identifier(f["language"][1], f"language of {what}").lower() if "language" in f else "sql"
            library = self.library(f, language, what)
            cost, rows = self.positive(f, "cost", what), self.positive(f, "rows", what)
            # Postgres's defaults written out (COST 100, 1 for C; ROWS 1000 of a set-returning function) are what
            # the catalog reader takes for none: held as none, they are not a difference from the database.
            cost = None if cost == default_cost(language) else cost
            rows = None if rows == 1000 and returns is not None and returns.startswith(("SETOF ", "TABLE(")) else rows
            config = self.set_clauses(f, what)
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            out.append(Function(
                name, body, schema, arguments, returns, language, procedure,
                self.choice(f, "volatility", ("volatile", "stable", "immutable"), what) or "volatile",  # type: ignore
                self.opt_bool(f, "strict", what), self.opt_bool(f, "security_definer", what),
                self.opt_bool(f, "leakproof", what),
                self.choice(f, "parallel", ("unsafe", "restricted", "safe"), what) or "unsafe",  # type: ignore
                cost, rows, config, self.opt_string(f, "comment", what), self.w.src(key_node),
                self.grants(f, what, "function"), self.owner(f, what), library,  # type: ignore[attr-defined]
                self.support(f, what), self.used_outside(f, what)))
            if "binds" in f:
                pending.append((len(out) - 1, f["binds"][1], what))
        return self._function_binds(out, pending)

    def _function_binds(self, functions: list[Function], pending: list) -> list[Function]:
        """`binds` of a SQL-standard body (compare.view_binds, as a view's): the functions, `schema.name(types)` as a
        cast's function, each one schema.yaml declares, it is made calling where the name would take another."""
        names = function_names(functions)
        self.operator_binds = []  # (an operator's entries: read once operators are, bound_operators)
        for i, node, what in pending:
            items = self.w.sequence(node, f"binds of {what}")
            applied = [n for n in items if is_operator(split_operator(call_parts(
                self.w.string(n, f"binds of {what}").strip())[0])[1])]
            binds = {binding(*bound(self.function_with_types(item, f"binds of {what}", functions, names, (),  # type: ignore
                                                             "function"))) for item in items if item not in applied}
            functions[i] = replace(functions[i], binds=tuple(sorted(binds)))
            self.operator_binds += [(i, n, what) for n in applied]
        return functions

    def bound_operators(self, functions: list[Function], operators: list) -> list[Function]:
        """`functions` with the operators of their `binds` (`schema.op(left, right)`, each one schema.yaml declares under
        `operators:`, which are read after functions: their FUNCTION is one)."""
        for i, node, what in getattr(self, "operator_binds", ()):
            entry = self._operator_bound(node, self.w.string(node, f"binds of {what}").strip(), what,  # type: ignore
                                         operators)
            functions[i] = replace(functions[i], binds=tuple(sorted({*functions[i].binds, entry})))
        return functions

    def used_outside(self, f: dict, what: str) -> tuple[str, ...]:
        """`used_outside`: what a schema schema.yaml does not cover holds that depends on the function (`policy "p"
        on storage.objects`, as inspect writes them): generate refuses to drop it while they stand."""
        if "used_outside" not in f:
            return ()
        items = [self.w.string(n, f"used_outside of {what}") for n in self.w.sequence(f["used_outside"][1],
                                                                                      f"used_outside of {what}")]
        return tuple(sorted(set(items)))

    def support(self, f: dict, what: str):
        """`support`: the planner support function (SUPPORT), `name` (pg_catalog's or public's) or `schema.name`."""
        if "support" not in f:
            return None
        text = self.w.string(f["support"][1], f"support of {what}")
        spelled = plain_reference(text)
        if spelled is None:
            raise self.fail(f["support"][1], f"support of {what}: '{text}' is not a function's name "
                                             "(`name` or `schema.name`)")
        return spelled

    def library(self, f: dict, language: str, what: str):
        """A C function's `library` (pg_proc.probin, `$libdir/postgis-3`; its body is the link symbol): required
        for C, refused elsewhere (an internal function's body names one of Postgres's own C functions, and no
        library: `language: internal`, `body: pg_num_nonnulls`)."""
        if language == "c" and "library" not in f:
            raise self.fail(f["language"][1], f"{what}: a C function needs 'library' (the file of its compiled "
                                              "code, `$libdir/name`), its body being the link symbol")
        if language != "c" and "library" in f:
            raise self.fail(f["library"][0], f"{what}: 'library' is for a C function (language: c), not {language}")
        return self.w.string(f["library"][1], f"library of {what}") if "library" in f else None

    def body_file(self, node: Node, what: str, key: str = "body_file") -> str:
        """The text of a .sql file named relative to schema.yaml (an editor's SQL support for long bodies;
        `key`: body_file of a function, query_file of a view)."""
        rel = self.w.string(node, f"{key} of {what}")
        if os.path.isabs(rel) or not rel.endswith(".sql"):
            raise self.fail(node, f"{key} of {what} must be a relative path to a .sql file, not {rel!r}")
        path = os.path.join(os.path.dirname(os.path.abspath(self.path)), rel)
        try:
            with open(path, encoding="utf-8") as fh:
                body = fh.read()
            self.body_files[rel] = body
            return body
        except FileNotFoundError:
            raise self.fail(node, f"{key} of {what}: {rel} does not exist (next to {os.path.basename(self.path)})") \
                from None
        except (OSError, UnicodeDecodeError) as e:
            raise self.fail(node, f"{key} of {what}: cannot read {rel} ({type(e).__name__})") from None

    def set_clauses(self, f: dict, what: str) -> tuple[str, ...]:
        """A routine's `set:` (setting -> value) as pg_proc.proconfig keeps it, "name=value" each."""
        out = []
        for setting, s_key, s_value in (self.w.mapping(f["set"][1], f"set of {what}") if "set" in f else ()):
            if not _SETTING.fullmatch(setting):
                raise self.fail(s_key, f"set of {what}: '{setting}' is not a setting name")
            out.append(config_entry(setting, self.w.text(s_value, f"{setting} in set of {what}")))
        return tuple(out)

    def positive(self, f: dict, key: str, what: str):
        if key not in f:
            return None
        n = self.w.scalar(f[key][1], f"{key} of {what}")
        try:
            value = float(n.value)
        except ValueError:
            raise self.fail(n, f"{key} of {what} must be a number, not {n.value!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise self.fail(n, f"{key} of {what} must be a positive number")
        return value
