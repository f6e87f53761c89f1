"""Declared queries (`queries:`, per table or at the top level) and the `distribution:` hint of a column.

A query is read strictly like everything else: its SQL must parse as one PostgreSQL statement, its
`$n` parameters and its `params:` must match, and every table it names (and every column a param is
drawn from) must be declared. The indexes it `uses:` are not checked here: one schema.yaml no longer
declares is what `check-queries` and `generate` report (a lost index), not a mistake in the file.
"""

from __future__ import annotations

from typing import Optional

from yaml.nodes import MappingNode, Node, ScalarNode

from schemac.model import Distribution, Query, QueryParam, Table
from schemac.schemafile.fields import FieldReader

QUERY_KEYS = {"sql": True, "params": False, "uses": False, "no_seq_scan_over": False, "p95_ms": False,
              "p50_ms": False, "rows": False}
PARAM_KEYS = {"column": True}
DISTRIBUTION_KEYS = {"distinct": False, "values": False, "weights": False, "null_fraction": False}
MAX_ROWS = 1_000_000_000
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"


class QueryReader(FieldReader):
    """Reads `queries:` mappings (a table's are kept until every table is known) and `distribution:`."""

    def stash_queries(self, table: tuple[str, str], node: Node) -> None:
        """A table's `queries:`, read by :meth:`declared_queries` once every table is known."""
        self.__dict__.setdefault("_query_nodes", []).append((table, node))

    def declared_queries(self, top: Optional[Node], tables: list[Table]) -> tuple[Query, ...]:
        by_key = {t.key: t for t in tables}
        nodes = [*self.__dict__.get("_query_nodes", ()), *([(None, top)] if top is not None else [])]
        out: list[Query] = []
        seen: dict[str, Query] = {}
        for table, node in nodes:
            where = f"queries of table {table[0]}.{table[1]}" if table else "queries"
            for name, key_node, value in self.w.mapping(node, where):
                q = self.query(key_node, value, by_key[table] if table else None, by_key)
                if name in seen:
                    first = seen[name].source
                    raise self.fail(key_node, f"query '{name}' is declared twice (first at line "
                                              f"{first.line if first else '?'}); query names are schema-wide")
                seen[name] = q
                out.append(q)
        return tuple(out)

    def query(self, key_node: Node, node: Node, table: Optional[Table], tables: dict) -> Query:
        name = self.identifier(key_node, "query name")
        what = f"query '{name}'"
        f = self.w.fields(node, what, QUERY_KEYS)
        sql_node = f["sql"][1]
        text = self.w.string(sql_node, f"sql of {what}").strip().rstrip(";").strip()
        import sqlglot  # (at the first query: a schema without queries loads without sqlglot)
        from sqlglot import exp
        from sqlglot.errors import SqlglotError

        from schemac.pg.dialect import DIALECT

        try:
            parsed = sqlglot.parse(text, read=DIALECT)
        except SqlglotError as e:
            raise self.fail(sql_node, f"sql of {what} does not parse: {str(e).splitlines()[0]}") from None
        if len(parsed) != 1 or parsed[0] is None:
            raise self.fail(sql_node, f"sql of {what} must be one statement")
        tree = parsed[0]
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        used: list[str] = []
        for t in tree.find_all(exp.Table):
            if not t.name or (not t.db and t.name in ctes):
                continue
            schema = t.db or (table.schema if table is not None and t.name == table.name else "public")
            if (schema, t.name) not in tables:
                raise self.fail(sql_node, f"sql of {what} reads table {schema}.{t.name}, which schema.yaml does not "
                                          "declare")
            if f"{schema}.{t.name}" not in used:
                used.append(f"{schema}.{t.name}")
        numbers = sorted({int(p.this.this) for p in tree.find_all(exp.Parameter)
                          if isinstance(p.this, exp.Literal) and not p.this.is_string})
        params = tuple(self.param(item, what, table, tables)
                       for item in self.w.sequence(f["params"][1], f"params of {what}")) if "params" in f else ()
        if numbers != list(range(1, len(params) + 1)):
            at = f["params"][1] if "params" in f else sql_node
            raise self.fail(at, f"{what} has {len(params)} param(s) but its sql uses "
                                f"{', '.join(f'${n}' for n in numbers) or 'none'}; give one value per $1, $2...")
        uses = tuple(self.identifier(n, f"index of uses of {what}") for n in
                     self.w.sequence(f["uses"][1], f"uses of {what}")) if "uses" in f else ()
        rows = self.count(f, "rows", what, 1)
        p95, p50 = (self.positive_number(f[k][1], f"{k} of {what}") if k in f else None for k in ("p95_ms", "p50_ms"))
        for key in ("p95_ms", "p50_ms"):
            if key in f and rows is None:
                raise self.fail(f[key][0], f"{what}: a latency budget is at a stated size: give rows: too")
        return Query(name, text, params, tuple(used), uses, self.count(f, "no_seq_scan_over", what, 0), p95, rows,
                     table.qualified_name if table is not None else None,
                     any(isinstance(n, (exp.Insert, exp.Update, exp.Delete, exp.Merge)) for n in tree.walk()), p50,
                     self.w.src(key_node))

    def param(self, node: Node, what: str, table: Optional[Table], tables: dict) -> QueryParam:
        if isinstance(node, MappingNode):
            f = self.w.fields(node, f"param of {what}", PARAM_KEYS)
            col_node = f["column"][1]
            parts = self.w.string(col_node, f"column of param of {what}").split(".")
            if len(parts) == 1 and table is not None:
                parts = [table.schema, table.name, *parts]
            elif len(parts) == 2:
                parts = ["public", *parts]
            if len(parts) != 3 or not all(parts):
                raise self.fail(col_node, f"column of param of {what} must be table.column (or column, for a query "
                                          "of a table)")
            t = tables.get((parts[0], parts[1]))
            if t is None or t.column(parts[2]) is None:
                raise self.fail(col_node, f"param of {what} is drawn from column {'.'.join(parts)}, which schema.yaml "
                                          "does not declare")
            return QueryParam(None, ".".join(parts))
        n = self.w.scalar(node, f"param of {what}")
        return QueryParam(None if n.tag == _NULL else n.value)

    def count(self, f: dict, key: str, what: str, least: int) -> Optional[int]:
        if key not in f:
            return None
        n = self.w.scalar(f[key][1], f"{key} of {what}")
        value = int(n.value.replace("_", "")) if n.tag == _INT and n.value.replace("_", "").isdigit() else None
        if value is None or not least <= value <= MAX_ROWS:
            raise self.fail(n, f"{key} of {what} must be a whole number of rows from {least} to {MAX_ROWS:,}, not "
                               f"{n.value!r}")
        return value

    def positive_number(self, node: Node, what: str) -> float:
        n = self.w.scalar(node, what)
        try:
            value = float(n.value.replace("_", "")) if n.tag in (_INT, _FLOAT) else -1.0
        except ValueError:
            value = -1.0
        if not 0 < value < float("inf"):
            raise self.fail(n, f"{what} must be a positive number, not {n.value!r}")
        return value

    def distribution(self, node: Node, what: str, nullable: bool) -> Distribution:
        what = f"distribution of {what}"
        f = self.w.fields(node, what, DISTRIBUTION_KEYS)
        if "distinct" in f and "values" in f:
            raise self.fail(f["values"][0], f"{what}: distinct and values exclude each other")
        distinct = self.count(f, "distinct", what, 1)
        values = tuple(self.w.text(v, f"value of {what}") for v in self.w.sequence(f["values"][1], f"values of {what}")) \
            if "values" in f else ()
        if "values" in f and not values:
            raise self.fail(f["values"][1], f"values of {what} is empty")
        weights: tuple[float, ...] = ()
        if "weights" in f:
            if not values:
                raise self.fail(f["weights"][0], f"{what}: weights go with values")
            items = self.w.sequence(f["weights"][1], f"weights of {what}")
            weights = tuple(self.positive_number(w, f"weight of {what}") for w in items)
            if len(weights) != len(values):
                raise self.fail(f["weights"][1], f"{what} has {len(values)} values and {len(weights)} weights")
        null_fraction = None
        if "null_fraction" in f:
            n = f["null_fraction"][1]
            if not nullable:
                raise self.fail(f["null_fraction"][0], f"{what}: the column is NOT NULL")
            null_fraction = self.positive_number(n, f"null_fraction of {what}")
            if not isinstance(n, ScalarNode) or null_fraction >= 1:
                raise self.fail(n, f"null_fraction of {what} must be between 0 and 1")
        return Distribution(distinct, values, weights, null_fraction)
