"""Views and materialized views: the query (inline, or a .sql file beside schema.yaml), options,
comments of the view and its columns; a view's triggers and rules; a materialized view's indexes, extended statistics
and WITH NO DATA."""

from __future__ import annotations

from typing import Optional, Sequence

from yaml.nodes import Node, ScalarNode

from schemac.compare.view_binds import binding, bound, is_operator, written
from schemac.model import View, ViewColumn
from schemac.model.functions import function_names
from schemac.model.references import call_parts, split_operator
from schemac.pg.column_storage import COMPRESSIONS, STORAGES
from schemac.pg.reloptions import pg_boolean
from schemac.pg.loaded import ExpressionError, check_expression, is_verbatim
from schemac.pg.types import TypeSyntaxError, canonical_type
from schemac.pg.views import QueryError, view_query
from schemac.schemafile.column_settings import statistics_target
from schemac.schemafile.storage import StorageReader

VIEW_KEYS = {"name": False, "schema": False, "query": False, "query_file": False, "comment": False, "columns": False,
             "security_barrier": False, "security_invoker": False, "check_option": False, "grants": False,
             "owner": False, "triggers": False, "rules": False, "renamed_from": False, "used_outside": False, "binds": False}
MATERIALIZED_VIEW_KEYS = {"name": False, "schema": False, "query": False, "query_file": False, "comment": False,
                          "columns": False, "with_data": False, "indexes": False, "grants": False, "owner": False,
                          "with": False, "renamed_from": False, "statistics": False, "cluster_on": False,
                          "used_outside": False, "binds": False}
VIEW_COLUMN_KEYS = {"comment": False, "default": False, "statistics_target": False, "storage": False, "type": False,
                    "collation": False, "compression": False}


class ViewReader(StorageReader):
    """Reads the top-level `views:` and `materialized_views:` (index() is IndexReader's, body_file()
    FunctionReader's, beside it in the Loader)."""

    def view_default(self, cf: dict, col: str, what: str) -> str:
        """A column's default: an SQL expression, checked at load."""
        node, where = cf["default"][1], f"default of column '{col}' of {what}"
        text = self.w.text(node, where)
        try:
            check_expression(text)
        except ExpressionError as e:
            raise self.fail(node, f"{where} {e}") from None
        if is_verbatim(text):
            self.kept_verbatim(node, where)  # type: ignore[attr-defined]
        return text

    def view_column_type(self, node: Node, where: str, materialized: bool) -> str:
        """A view column's type: what the stub of a view reading itself is made of (plan.stubs)."""
        if materialized:
            raise self.fail(node, f"{where}: only a view's column has one (the stub of a view whose query reads it)")
        try:
            return canonical_type(self.w.string(node, where))
        except TypeSyntaxError as e:
            raise self.fail(node, f"{where}: {e}") from None

    def view_flag(self, f: dict, key: str, what: str) -> tuple[Optional[bool], Optional[str]]:
        """security_barrier / security_invoker: true or false, or a string as Postgres spells a boolean ('on', 'yes',
        '1'...), which reloptions keep as written: (its value, that spelling or None)."""
        if key not in f:
            return None, None
        node = f[key][1]
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            value = pg_boolean(node.value)
            if value is None:
                raise self.fail(node, f"{key} of {what} must be true or false (or a spelling of one Postgres reads: "
                                      f"'on', 'off', 'yes', 'no', '1', '0'), not {node.value!r}")
            return value, node.value
        return self.w.boolean(node, f"{key} of {what}"), None

    def _cluster_on(self, f: dict, indexes: tuple, what: str) -> Optional[str]:
        """`cluster_on`: one of the materialized view's `indexes` (ALTER ... CLUSTER ON needs it made first)."""
        if "cluster_on" not in f:
            return None
        name = self.identifier(f["cluster_on"][1], f"cluster_on of {what}")  # type: ignore[attr-defined]
        if name not in {i.name for i in indexes}:
            raise self.fail(f["cluster_on"][1], f"cluster_on of {what}: '{name}' is none of its indexes")  # type: ignore
        return name

    def _binds(self, f: dict, what: str, functions: Sequence, extensions: tuple,
               operators: Sequence = ()) -> tuple[str, ...]:
        """`binds`: the functions (`schema.name(types)`, as a cast's function) and operators (`schema.op(left, right)`)
        the view is made calling where a build after every function would call another overload of the name
        (compare.view_binds)."""
        if "binds" not in f:
            return ()
        names = function_names(functions)
        out = []
        for item in self.w.sequence(f["binds"][1], f"binds of {what}"):
            text = self.w.string(item, f"binds of {what}").strip()
            head = call_parts(text)[0]
            if is_operator(split_operator(head)[1]):
                out.append(self._operator_bound(item, text, what, operators))
                continue
            out.append(binding(*bound(self.function_with_types(item, f"binds of {what}", functions,  # type: ignore
                                                               names, extensions, "view"))))
        return tuple(sorted(set(out)))

    def _operator_bound(self, node: Node, text: str, what: str, operators: Sequence) -> str:
        """An operator of `binds`, `op(left, right)` or `schema.op(left, right)` (NONE for a prefix operator's left),
        one schema.yaml declares: its entry (view_binds.binding)."""
        try:
            schema, name, types = written(text)
        except TypeSyntaxError as e:
            raise self.fail(node, f"operator of binds of {what}: {e}") from None  # type: ignore[attr-defined]
        if not any((o.schema, o.name, o.identity) == (schema, name, types) for o in operators):
            raise self.fail(node, f"operator of binds of {what}: schema.yaml declares no "  # type: ignore[attr-defined]
                                  f"{schema}.{name}({', '.join(types)})")
        return binding(schema, name, types)

    def views(self, node: Node, materialized: bool, functions: Sequence = (), extensions: tuple = (),
              operators: Sequence = ()) -> list[View]:
        top = "materialized_views" if materialized else "views"
        out = []
        for key, key_node, value in self.w.mapping(node, top):
            kind = "materialized view" if materialized else "view"
            f = self.w.fields(value, f"{kind} '{key}'", MATERIALIZED_VIEW_KEYS if materialized else VIEW_KEYS)
            name = self.object_name(f, key_node, f"{kind} name")
            what = f"{kind} '{key}'"
            if ("query" in f) == ("query_file" in f):
                raise self.fail(value, f"{what} needs exactly one of 'query' and 'query_file'")
            at = f["query"][1] if "query" in f else f["query_file"][1]
            text = self.w.text(at, f"query of {what}") if "query" in f else self.body_file(at, what, "query_file")
            try:
                query = view_query(text)
            except QueryError as e:
                raise self.fail(at, f"query of {what} {e}") from None
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            columns = []
            for col, col_key, col_node in (self.w.mapping(f["columns"][1], f"columns of {what}") if "columns" in f
                                           else ()):
                self.identifier(col_key, f"column name of {what}")
                default = stats = type_ = collation = storage = compression = None
                if isinstance(col_node, ScalarNode):  # shorthand: just the comment
                    comment = self.w.string(col_node, f"comment of column '{col}' of {what}")
                else:
                    cf = self.w.fields(col_node, f"column '{col}' of {what}", VIEW_COLUMN_KEYS)
                    if not cf:
                        raise self.fail(col_node, f"column '{col}' of {what} needs a comment, a default, a "
                                                  "statistics_target, a storage or a type")
                    if "type" in cf:
                        type_ = self.view_column_type(cf["type"][1], f"type of column '{col}' of {what}", materialized)
                    if "collation" in cf:  # the stub's COLLATE: beside its type only
                        if type_ is None:
                            raise self.fail(cf["collation"][1], f"collation of column '{col}' of {what} needs its type "
                                                                "(they make the stub of a view whose query reads it)")
                        collation = self.collation(cf["collation"][1], f"collation of column '{col}' of {what}")
                    if "statistics_target" in cf:  # ALTER MATERIALIZED VIEW ... SET STATISTICS: a view has none
                        where = f"statistics_target of column '{col}' of {what}"
                        if not materialized:
                            raise self.fail(cf["statistics_target"][1], f"{where}: only a materialized view's column "
                                                                        "has one")
                        stats = statistics_target(self, cf["statistics_target"][1], where)
                    if "storage" in cf and not materialized:  # ALTER MATERIALIZED VIEW ... SET STORAGE
                        raise self.fail(cf["storage"][1], f"storage of column '{col}' of {what}: only a materialized "
                                                          "view's column has one")
                    storage = self.choice(cf, "storage", STORAGES, f"column '{col}' of {what}")
                    if "compression" in cf and not materialized:  # ALTER MATERIALIZED VIEW ... SET COMPRESSION
                        raise self.fail(cf["compression"][1], f"compression of column '{col}' of {what}: only a "
                                                              "materialized view's column has one")
                    compression = self.choice(cf, "compression", COMPRESSIONS + ("default",), f"column '{col}' of {what}")
                    if materialized and "default" in cf:
                        raise self.fail(col_node, f"column '{col}' of {what}: a materialized view's column has no "
                                                  "default (nothing is inserted through it)")
                    comment = self.w.string(cf["comment"][1], f"comment of column '{col}' of {what}") \
                        if "comment" in cf else None
                    default = self.view_default(cf, col, what) if "default" in cf else None
                columns.append(ViewColumn(col, type_, comment=comment, default=default, statistics=stats,
                                          collation=collation, storage=storage,
                                          compression=None if compression == "default" else compression))
            indexes = tuple(self.index(k, v, what, lambda col, _node, _what: col)
                            for _, k, v in (self.w.mapping(f["indexes"][1], f"indexes of {what}") if "indexes" in f
                                            else ()))
            stats = tuple(self.statistics(k, v, what, lambda col, _node, _what: col)  # type: ignore[attr-defined]
                          for _, k, v in (self.w.mapping(f["statistics"][1], f"statistics of {what}")
                                          if "statistics" in f else ()))
            triggers = tuple(self.trigger(k, v, what, lambda col, _node, _what: col, on_view=True)  # type: ignore[attr-defined]
                             for _, k, v in (self.w.mapping(f["triggers"][1], f"triggers of {what}") if "triggers" in f
                                             else ()))
            rules = tuple(self.rule(k, v, what, view=True)  # type: ignore[attr-defined]
                          for _, k, v in (self.w.mapping(f["rules"][1], f"rules of {what}") if "rules" in f else ()))
            check = self.choice(f, "check_option", ("local", "cascaded"), what)
            (barrier, barrier_text), (invoker, invoker_text) = (self.view_flag(f, k, what)
                                                                for k in ("security_barrier", "security_invoker"))
            out.append(View(name, query, schema, materialized, barrier, invoker, check,  # type: ignore[arg-type]
                            self.w.boolean(f["with_data"][1], f"with_data of {what}") if "with_data" in f else True,
                            indexes, self.opt_string(f, "comment", what), tuple(columns), self.w.src(key_node),
                            grants=self.grants(f, what, "table", _any_column),  # type: ignore[attr-defined]
                            owner=self.owner(f, what), triggers=triggers, rules=rules,
                            parameters=self.storage_parameters(f, what, heap=True),  # type: ignore[attr-defined]
                            renamed_from=self.moved_from(f, what, schema, name), statistics=stats,
                            spelled=tuple(f"{k}={t}" for k, t in (("security_barrier", barrier_text),
                                                                  ("security_invoker", invoker_text)) if t is not None),
                            cluster_on=self._cluster_on(f, indexes, what),
                            used_outside=self.used_outside(f, what),  # type: ignore[attr-defined]
                            binds=self._binds(f, what, functions, extensions, operators)))
        return out


def _any_column(column: str, node: Node, what: str) -> None:
    """A view's columns are Postgres's answer for its query, unknown at load: GRANT names them as written."""
