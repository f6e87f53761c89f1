"""Statements for publications: CREATE PUBLICATION ... FOR ALL TABLES | FOR TABLE ONLY t (columns) WHERE
(filter), TABLES IN SCHEMA s ... WITH (...); ALTER PUBLICATION ADD/DROP for members that change (a member
whose column list or filter changes is dropped and added again), SET (...) for options, OWNER TO, RENAME
TO; COMMENT ON PUBLICATION. Every table is named ONLY: the catalog lists an inheritance child that is a
member on its own. sqlglot parses these only as Commands: they are assembled from names quoted by
pg.names and the filter rendered by sqlglot."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.publications import same_member
from schemac.model import PUBLISH_ACTIONS, Publication, PublishedTable
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.names import qualified, quote_ident
from schemac.plan.ddl import command, comment_value, do_block, literal
from schemac.plan.sql_strings import owner_sql


def _member(m: PublishedTable, whole: bool = True) -> str:
    """TABLE ONLY t [(columns)] [WHERE (filter)]; `whole` False: the name alone (DROP takes no more)."""
    text = f"TABLE ONLY {qualified(m.schema, m.name)}"
    if whole and m.columns is not None:
        text += f" ({', '.join(map(quote_ident, m.columns))})"
    if whole and m.where is not None:
        text += f" WHERE ({parse_expression(m.where).sql(dialect=RENDER)})"
    return text


def _options(p: Publication, generated: bool) -> list[str]:
    """publish, publish_via_partition_root, and (PostgreSQL 18) publish_generated_columns when `generated`."""
    out = [f"publish = {literal(', '.join(p.publish))}", f"publish_via_partition_root = {str(p.via_partition_root).lower()}"]
    return out + ([f"publish_generated_columns = {'stored' if p.generated_columns else 'none'}"] if generated else [])


def create_publication(p: Publication) -> exp.Command:
    objects = [_member(m) for m in p.tables] + [f"TABLES IN SCHEMA {quote_ident(s)}" for s in p.schemas]
    target = "FOR ALL TABLES" if p.all_tables else ("FOR " + ", ".join(objects) if objects else "")
    defaults = p.publish == PUBLISH_ACTIONS and not p.via_partition_root and not p.generated_columns
    options = "" if defaults else f"WITH ({', '.join(_options(p, p.generated_columns))})"
    return command("CREATE", "PUBLICATION", quote_ident(p.name), target, options)


def made_or_joined(p: Publication) -> exp.Expression:
    """CREATE PUBLICATION where the database has none of that name, else ALTER PUBLICATION ... ADD of each member
    it lacks and SET of the options: a publication the platform made before the first migration (Supabase's
    supabase_realtime, holding its own realtime.messages), which an -n public project's tables join, as CREATE
    TABLE IF NOT EXISTS leaves a table there; members of schemas not read are left alone. FOR ALL TABLES has no ADD:
    created as it is."""
    if p.all_tables:
        return create_publication(p)
    name = quote_ident(p.name)
    mine = f"(SELECT oid FROM pg_catalog.pg_publication WHERE pubname = {literal(p.name)})"
    lacks = "\n    IF NOT EXISTS (SELECT FROM pg_catalog.pg_publication_{} WHERE {} = {} AND {} = {}) THEN\n      " \
            "ALTER PUBLICATION {} ADD {};\n    END IF;"
    joins = [lacks.format("rel", "prpubid", mine, "prrelid", f"{literal(qualified(m.schema, m.name))}::regclass", name,
                          _member(m)) for m in p.tables]
    joins += [lacks.format("namespace", "pnpubid", mine, "pnnspid", f"{literal(quote_ident(s))}::regnamespace", name,
                           f"TABLES IN SCHEMA {quote_ident(s)}") for s in p.schemas]
    joins.append(f"\n    ALTER PUBLICATION {name} SET ({', '.join(_options(p, p.generated_columns))});")
    made = create_publication(p).sql(dialect=RENDER)
    return do_block(f"\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = {literal(p.name)}) "
                    f"THEN\n    {made};\n  ELSE{''.join(joins)}\n  END IF;\nEND\n")


def alter_publication(old: Publication, new: Publication) -> list[exp.Expression]:
    name = quote_ident(new.name)
    if old.all_tables != new.all_tables:
        return [command("DROP", "PUBLICATION IF EXISTS", name), create_publication(new)]
    kept = {m.key: m for m in new.tables}
    dropped = [m for m in old.tables if m.key not in kept or not same_member(m, kept[m.key])]
    had = {m.key: m for m in old.tables}
    added = [m for m in new.tables if m.key not in had or not same_member(had[m.key], m)]
    out: list[exp.Expression] = []
    gone = [_member(m, False) for m in dropped] + [f"TABLES IN SCHEMA {quote_ident(s)}" for s in old.schemas
                                                   if s not in new.schemas]
    if gone:
        out.append(command("ALTER", "PUBLICATION", name, "DROP", ", ".join(gone)))
    more = [_member(m) for m in added] + [f"TABLES IN SCHEMA {quote_ident(s)}" for s in new.schemas if s not in old.schemas]
    if more:
        out.append(command("ALTER", "PUBLICATION", name, "ADD", ", ".join(more)))
    if (old.publish, old.via_partition_root, old.generated_columns) != \
            (new.publish, new.via_partition_root, new.generated_columns):
        generated = old.generated_columns or new.generated_columns
        out.append(command("ALTER", "PUBLICATION", name, f"SET ({', '.join(_options(new, generated))})"))
    return out


def publication_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a publication change, else None."""
    k, old, new = change.kind, change.old, change.new
    if k == "add_publication":
        return [made_or_joined(new)]  # type: ignore[arg-type]
    if k == "drop_publication":
        return [command("DROP", "PUBLICATION IF EXISTS", quote_ident(old.name))]  # type: ignore[union-attr]
    if k == "alter_publication":
        return alter_publication(old, new)  # type: ignore[arg-type]
    if k == "rename_publication":
        return [command("ALTER", "PUBLICATION", quote_ident(old.name), "RENAME TO", quote_ident(new.name))]  # type: ignore
    return owned_statements(change, "publication", "PUBLICATION")


def owned_statements(change: Change, kind: str, keyword: str) -> Optional[list[exp.Expression]]:
    """set_<kind>_owner (ALTER <keyword> name OWNER TO role), set_<kind>_comment (COMMENT ON), else None."""
    new = change.new
    if change.kind == f"set_{kind}_owner":
        return [command("ALTER", keyword, quote_ident(new.name), "OWNER TO", owner_sql(new.owner))]  # type: ignore
    if change.kind == f"set_{kind}_comment":
        return [command("COMMENT", "ON", keyword, quote_ident(new.name), "IS",  # type: ignore[union-attr]
                        comment_value(new.comment))]  # type: ignore[union-attr]
    return None
