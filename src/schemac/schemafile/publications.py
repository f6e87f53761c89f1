"""Publications a database declares (`publications:`): FOR ALL TABLES, or tables (each with its column
list and row filter) and schemas; what is published; owner and comment. Every table a publication names
must be one schema.yaml declares: a migration could not add another."""

from __future__ import annotations

from typing import Optional

from yaml.nodes import Node, ScalarNode

from schemac.model import PUBLISH_ACTIONS, Publication, PublishedTable, Table
from schemac.pg.loaded import checked_columns
from schemac.schemafile.grants import GrantReader
from schemac.schemafile.typewriter import Flow, FlowList, drop_empty

PUBLICATION_KEYS = {"all_tables": False, "tables": False, "tables_in_schema": False, "publish": False,
                    "via_partition_root": False, "publish_generated_columns": False, "owner": False, "comment": False,
                    "renamed_from": False}
PUBLISHED_TABLE_KEYS = {"table": True, "schema": False, "columns": False, "where": False}


class PublicationReader(GrantReader):
    """Reads the top-level `publications:`."""

    def publications(self, node: Node, tables: list[Table]) -> tuple[Publication, ...]:
        by_key = {t.key: t for t in tables}
        out = []
        for name, key, value in self.w.mapping(node, "publications"):
            name = self.identifier(key, "publication name")
            what = f"publication '{name}'"
            f = self.w.fields(value, what, PUBLICATION_KEYS)
            members = [self._member(item, what, by_key) for item in self.w.sequence(f["tables"][1], f"tables of {what}")] \
                if "tables" in f else []
            seen: dict[tuple[str, str], PublishedTable] = {}
            for m in members:
                if m.key in seen:
                    raise self.fail(f["tables"][1], f"{what} lists table {m.schema}.{m.name} twice")
                seen[m.key] = m
            schemas = [self.identifier(n, f"schema of {what}")
                       for n in self.w.sequence(f["tables_in_schema"][1], f"tables_in_schema of {what}")] \
                if "tables_in_schema" in f else []
            if len(set(schemas)) != len(schemas):
                raise self.fail(f["tables_in_schema"][1], f"{what} lists a schema twice")
            all_tables = self.opt_bool(f, "all_tables", what)
            if all_tables and (members or schemas):
                raise self.fail(f["all_tables"][1], f"{what}: all_tables publishes every table; leave out tables "
                                                    "and tables_in_schema")
            out.append(Publication(name, all_tables, tuple(sorted(members, key=lambda m: m.key)), tuple(sorted(schemas)),
                                   self._publish(f, what), self.opt_bool(f, "via_partition_root", what),
                                   self.opt_bool(f, "publish_generated_columns", what),
                                   self.opt_string(f, "comment", what), self.owner(f, what),
                                   self.renamed_from(f, what, name), self.w.src(key)))
        return tuple(out)

    def _publish(self, f: dict, what: str) -> tuple[str, ...]:
        if "publish" not in f:
            return PUBLISH_ACTIONS
        chosen = []
        for item in self.w.sequence(f["publish"][1], f"publish of {what}"):
            action = self.w.string(item, f"publish of {what}").lower()
            if action not in PUBLISH_ACTIONS:
                raise self.fail(item, f"publish of {what} lists '{action}'; each is one of {', '.join(PUBLISH_ACTIONS)}")
            chosen.append(action)
        return tuple(a for a in PUBLISH_ACTIONS if a in chosen)

    def _member(self, item: Node, what: str, tables: dict) -> PublishedTable:
        """`schema.table` (or `table`, in public), or {table, schema?, columns?, where?}."""
        if isinstance(item, ScalarNode):
            text = self.w.string(item, f"table of {what}")
            schema, _, name = text.rpartition(".")
            f: dict = {}
        else:
            f = self.w.fields(item, f"table of {what}", PUBLISHED_TABLE_KEYS)
            name = self.identifier(f["table"][1], f"table of {what}")
            schema = self.identifier(f["schema"][1], f"schema of a table of {what}") if "schema" in f else ""
        t: Optional[Table] = tables.get((schema or "public", name))
        if t is None:
            raise self.fail(item, f"{what} names table {schema or 'public'}.{name}, which schema.yaml does not declare")
        here = f"table {t.qualified_name} of {what}"
        names = {c.name for c in t.columns}

        def known(col: str, at: Node, context: str) -> str:
            if col not in names:
                raise self.fail(at, f"{context} names column '{col}', which {t.qualified_name} does not have")
            return col

        columns = None
        if "columns" in f:  # (no 32-column limit, unlike an index's)
            columns = tuple(known(self.identifier(c, f"column of {here}"), c, f"columns of {here}")
                            for c in self.w.sequence(f["columns"][1], f"columns of {here}"))
            if not columns or len(set(columns)) != len(columns):
                raise self.fail(f["columns"][1], f"columns of {here} must list each column once, and at least one")
            columns = tuple(c.name for c in t.columns if c.name in columns)  # in the table's order, as the catalog
        where = None
        if "where" in f:
            where = self.expression(f["where"][1], f"where of {here}")
            for col in sorted(checked_columns(where)):
                known(col, f["where"][1], f"where of {here}")
        return PublishedTable(t.schema, t.name, columns, where, self.w.src(item))


def _written_member(m: PublishedTable) -> object:
    if m.columns is None and m.where is None and "." not in m.schema + m.name:
        return m.name if m.schema == "public" else f"{m.schema}.{m.name}"
    spec = {"table": m.name, "schema": m.schema if m.schema != "public" else None,
            "columns": FlowList(m.columns) if m.columns is not None else None, "where": m.where}
    return Flow(drop_empty(spec))


def written_publications(publications: tuple[Publication, ...]) -> dict:
    """`publications:` as inspect writes it (defaults left out), or nothing."""
    out = {}
    for p in publications:
        members = [_written_member(m) for m in p.tables]
        spec = drop_empty({
            "all_tables": p.all_tables or None,
            "tables": (FlowList(members) if all(isinstance(m, str) for m in members) else members) or None,
            "tables_in_schema": FlowList(p.schemas) or None})
        if p.publish != PUBLISH_ACTIONS:
            spec["publish"] = FlowList(p.publish)  # [] too: publish = '' (nothing)
        out[p.name] = {**spec, **drop_empty({
            "via_partition_root": p.via_partition_root or None, "publish_generated_columns": p.generated_columns or None,
            "owner": p.owner, "comment": p.comment})}
    return {"publications": out} if out else {}
