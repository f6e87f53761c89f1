"""Statements for the schema-level objects: extensions, enums, domains, sequences, functions and
procedures (the planner's table-level statements are in :mod:`schemac.plan.planner`)."""

from __future__ import annotations

from typing import Callable, Optional

from sqlglot import exp

from schemac.compare.changes import DEFINITION_REMADE, ENUM_REBUILT, OWNS_VALUES, Change, set_aside_name
from schemac.compare.cast_types import checks_moved
from schemac.compare.normalize import same_cast_default, same_expression, written_default
from schemac.compare.types import replaceable
from schemac.compare.sequences import unlinked
from schemac.errors import SchemacError
from schemac.model.frozen import replace
from schemac.model import Check, Collation, Domain, Extension, Function, Namespace, TextSearchConfig, TextSearchDictionary
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import parse_expression
from schemac.pg.names import make_object_name, qualified, quote_ident
from schemac.plan.sql_strings import owner_sql
from schemac.plan.unmanaged_users import HELD, set_aside_guard, unmanaged_users_guard
from schemac.plan.member_grant_ddl import member_grant_statements
from schemac.plan.detached_ddl import taken_back
from schemac.plan import ddl, routine_ddl, sequence_ddl
from schemac.plan.aggregate_ddl import aggregate_statements
from schemac.plan.operator_ddl import operator_statements
from schemac.plan.cast_ddl import cast_statements
from schemac.plan.opclass_ddl import operator_class_statements
from schemac.plan.database_ddl import database_setting_statements
from schemac.plan.event_trigger_ddl import event_trigger_statements
from schemac.plan.foreign_server_ddl import foreign_server_statements, foreign_table_statements
from schemac.plan.publication_ddl import publication_statements
from schemac.plan.textsearch_ddl import text_search_statements
from schemac.plan.type_ddl import (add_enum_value, alter_domain, create_enum, created_domain, rename_enum_values,
                                   user_type_statements)
from schemac.plan.unforced_rls import unforced
from schemac.plan.views import bound_aside


# What ALTER ... OWNER TO names the objects of a set_object_owner change.
_OWNED_WORDS = {Collation: "COLLATION", TextSearchDictionary: "TEXT SEARCH DICTIONARY",
                TextSearchConfig: "TEXT SEARCH CONFIGURATION"}


class PlanError(SchemacError):
    """A change Postgres cannot make in place (e.g. removing an enum value)."""


def first_statements(handlers: tuple[Callable[[Change], Optional[list[exp.Expression]]], ...],
                     change: Change) -> Optional[list[exp.Expression]]:
    """The statements of the first handler that knows the change's kind (None: none does)."""
    for handler in handlers:
        statements = handler(change)
        if statements is not None:
            return statements
    return None


# The extensions of PostgreSQL's contrib whose control file says `relocatable = true` (the same from 13 to 18):
# ALTER EXTENSION ... SET SCHEMA moves them. Another one (PostGIS, plpgsql, one this list does not know) is moved by hand.
RELOCATABLE = frozenset({
    "address_standardizer", "address_standardizer_data_us", "amcheck", "autoinc", "bloom", "btree_gin", "btree_gist",
    "citext", "cube", "dblink", "dict_int", "dict_xsyn", "earthdistance", "file_fdw", "fuzzystrmatch", "hstore",
    "insert_username", "intagg", "intarray", "isn", "lo", "ltree", "moddatetime", "pageinspect", "pg_buffercache",
    "pg_freespacemap", "pg_prewarm", "pg_stat_statements", "pg_surgery", "pg_trgm", "pg_visibility", "pg_walinspect",
    "pgcrypto", "pgrowlocks", "pgstattuple", "postgres_fdw", "refint", "seg", "sslinfo", "tablefunc", "tcn",
    "tsm_system_rows", "tsm_system_time", "unaccent", "uuid-ossp"})

# One per family of kinds, each answering None for a change not of its kinds.
_KIND_STATEMENTS = (user_type_statements, aggregate_statements, text_search_statements, publication_statements,
                    event_trigger_statements, operator_statements, cast_statements, operator_class_statements,
                    foreign_server_statements, foreign_table_statements, database_setting_statements)


def object_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements for schema-level objects (extensions, enums, domains, sequences), else None."""
    k, old, new = change.kind, change.old, change.new
    typed = first_statements(_KIND_STATEMENTS, change)
    if k == "remake_foreign_table":  # its drop_table and add_table say it (compare.foreign_servers.FOREIGN_REMADE)
        return []
    if k == "alter_foreign_table":
        raise PlanError(f"table {new.qualified_name}: Postgres cannot change its server, or make a table foreign or "  # type: ignore
                        "not, in place, and its DROP would take along what the migration does not make again (a "
                        "sequence a column owns or calls, partitions, parents or children, its type, a publication's "
                        "membership): drop it (and what reads it) and create it again in two migrations")
    if typed is not None:
        return typed
    if k == "add_extension":
        if old is not None and new.name not in RELOCATABLE:  # type: ignore[union-attr]
            raise PlanError(f"extension {new.name} is installed in schema {old.schema}, schema.yaml wants "  # type: ignore
                            f"{new.schema}, and it may not support SET SCHEMA: move it by hand (ALTER EXTENSION "  # type: ignore
                            "... SET SCHEMA, or drop and create it again)")
        # Its schema may be one schema.yaml does not manage (`inspect -n public` of a database whose extensions
        # live in `extensions`): Postgres refuses WITH SCHEMA a schema that does not exist; IF NOT EXISTS
        # changes nothing where it does (or where the migration makes it first, as it does a managed one).
        schema = [ddl.create_schema(new.schema)] if new.schema not in (None, "public", "pg_catalog") else []  # type: ignore
        if old is not None:  # moved with its objects: the columns of its types follow them
            return schema + [ddl.command("ALTER", "EXTENSION", quote_ident(new.name), "SET SCHEMA",  # type: ignore
                                         quote_ident(new.schema))]  # type: ignore[union-attr]
        return schema + [ddl.create_extension(new)] + taken_back(new, change.takes)  # type: ignore[arg-type]
    if k == "alter_extension":  # another version: its update scripts run (a downgrade has none: Postgres refuses it)
        return [ddl.command("ALTER", "EXTENSION", quote_ident(new.name), "UPDATE TO",  # type: ignore[union-attr]
                            ddl.literal(new.version))]  # type: ignore[union-attr,arg-type]
    if k == "set_extension_grants":
        return member_grant_statements(old, new)  # type: ignore[arg-type]
    if k == "set_object_owner":
        return [ddl.command("ALTER", _OWNED_WORDS[type(new)], qualified(new.schema, new.name), "OWNER TO",  # type: ignore
                            owner_sql(new.owner))]  # type: ignore[union-attr]
    if k == "drop_extension":
        return [ddl.command("DROP", "EXTENSION IF EXISTS", quote_ident(old.name))]  # type: ignore
    if k == "add_enum":
        return [create_enum(new)]  # type: ignore[arg-type]
    if k == "rename_enum_value":  # (`new`: the type as it is after, its renamed_values those it needs)
        return rename_enum_values(new)  # type: ignore[arg-type]
    if k == "add_enum_value":
        out: list[exp.Expression] = []
        # Each new value goes right after its predecessor in schema.yaml (added just before, or already
        # there); a new first value goes before the old first one.
        for i, v in enumerate(new.values):  # type: ignore[union-attr]
            if v in old.values:  # type: ignore[union-attr]
                continue
            after = new.values[i - 1] if i > 0 else None  # type: ignore[union-attr]
            before = None if after is not None or not old.values else old.values[0]  # type: ignore[union-attr]
            out.append(add_enum_value(new, v, before, after))  # type: ignore[arg-type]
        return out
    if k == "alter_enum":  # set the old type aside, create the new one; columns follow (ENUM_REBUILT)
        aside = ddl.command("ALTER", "TYPE", qualified(old.schema, old.name), "RENAME TO",  # type: ignore
                            quote_ident(set_aside_name(old.name)))  # type: ignore[union-attr]
        return [aside, create_enum(new)] + _carried_comment(change)  # type: ignore[arg-type]
    if k == "drop_enum":
        return _guarded(change) + [ddl.command("DROP", "TYPE IF EXISTS", qualified(old.schema, old.name))]  # type: ignore
    if k == "add_domain":
        return created_domain(new) + _not_valid_checks(new) + _domain_check_comments(None, new)  # type: ignore
    if k == "drop_domain":
        return _guarded(change) + [ddl.command("DROP", "DOMAIN IF EXISTS", qualified(old.schema, old.name))]  # type: ignore
    if k == "alter_domain" and change.cause == ENUM_REBUILT:  # over a re-created enum: set aside, created again
        aside = alter_domain(old, "RENAME TO", quote_ident(set_aside_name(old.name)))  # type: ignore
        # Its NOT NULL named (17+ keeps one): the old domain, set aside, still holds <domain>_not_null, and Postgres
        # would choose <domain>_not_null1 for a NOT NULL left unnamed (a name no other major reads: none to 16)
        made = replace(new, not_null_name=_not_null_name(new)) if new.not_null else new  # type: ignore[union-attr]
        return [aside, *created_domain(made), *_not_valid_checks(new)] + _carried_comment(change) + \
            _domain_check_comments(None, new)  # type: ignore
    if k == "alter_domain":
        return _alter_domain(old, new)  # type: ignore[arg-type]
    if k == "add_sequence":
        return [sequence_ddl.create_sequence(new)]  # type: ignore[arg-type]
    if k == "drop_sequence":
        return [ddl.command("DROP", "SEQUENCE IF EXISTS", qualified(old.schema, old.name))]  # type: ignore
    if k == "alter_sequence" and (old.schema, old.name) != (new.schema, new.name):  # type: ignore[union-attr]
        moved = [ddl.command("ALTER", "SEQUENCE", qualified(old.schema, old.name), "SET SCHEMA",  # type: ignore
                             quote_ident(new.schema))] if old.schema != new.schema else []  # type: ignore[union-attr]
        if unlinked(old, new):  # (Postgres: 'cannot move an owned sequence into another schema')  # type: ignore
            moved.insert(0, ddl.command("ALTER", "SEQUENCE", qualified(old.schema, old.name), "OWNED BY NONE"))  # type: ignore
        return moved + ([ddl.command("ALTER", "SEQUENCE", qualified(new.schema, old.name), "RENAME TO",  # type: ignore
                                     quote_ident(new.name))] if old.name != new.name else []) + \
            (sequence_ddl.altered_sequence(old, new)  # type: ignore[arg-type]
             if (old.options, old.unlogged) != (new.options, new.unlogged) else [])  # type: ignore[union-attr]
    if k == "alter_sequence":
        return sequence_ddl.altered_sequence(old, new)  # type: ignore[arg-type]
    if k == "set_sequence_owner":
        return sequence_ddl.owned_as_its_table(new, change.table_def if change.cause == OWNS_VALUES else None) + (unforced(  # (every row's max(): FORCE ROW LEVEL SECURITY lifted)
            change.table_def, [sequence_ddl.sequence_past_the_rows(new)])  # type: ignore[arg-type]
            if change.cause == OWNS_VALUES else [])
    if k == "add_function":  # (a SQL-standard body with binds: the other overloads renamed aside around it)
        return bound_aside(new, [routine_ddl.create_function(new)])  # type: ignore[arg-type]
    if k == "drop_function":
        return [routine_ddl.drop_function(old)]  # type: ignore[arg-type]
    if k == "alter_function":
        if replaceable(old, new):  # type: ignore[arg-type]
            return bound_aside(new, [routine_ddl.create_function(new, replace=True)])  # type: ignore[arg-type]
        # What CREATE OR REPLACE cannot change (the result, a parameter's name, a default removed, a
        # function made a procedure): dropped and created again; its comment with it.
        return [routine_ddl.drop_function(old)] + bound_aside(new, [routine_ddl.create_function(new)]) + \
            type_comment(change)  # type: ignore[arg-type]
    if k == "set_type_comment":
        return type_comment(change, unset=True)
    return None


def _guarded(change: Change) -> list[exp.Expression]:
    """plan.unmanaged_users' guard before the DROP of an enum or domain made again (set aside, or dropped around a
    composite type made again): what schemac does not manage and uses it named in one message, not Postgres's
    'cannot drop type ... because other objects depend on it'. None before a plain DROP."""
    old = change.old
    if change.cause == DEFINITION_REMADE:
        return [unmanaged_users_guard(change.kind[5:], old.schema, old.name, why=HELD)]  # type: ignore[union-attr]
    if change.cause == ENUM_REBUILT:
        return [set_aside_guard(change.kind[5:], old.schema, old.name)]  # type: ignore[union-attr]
    return []


def _carried_comment(change: Change) -> list[exp.Expression]:
    """A type created again keeps its comment; a changed comment is a change of its own (set_type_comment)."""
    return type_comment(change) if change.old.comment == change.new.comment else []  # type: ignore[union-attr]


def type_comment(change: Change, unset: bool = False) -> list[exp.Expression]:
    """COMMENT ON the enum, domain or sequence `change.new` (a type created again carries its comment
    over this way; `unset`: a comment removed is set to NULL)."""
    new = change.new
    if new.comment is None and not unset:  # type: ignore[union-attr]
        return []
    value = ddl.comment_value(new.comment)  # type: ignore[union-attr]
    if isinstance(new, Function):
        what, target = "PROCEDURE" if new.procedure else "FUNCTION", routine_ddl.function_target(new)
    else:
        what = {"Extension": "EXTENSION", "Namespace": "SCHEMA", "Enum": "TYPE", "Domain": "DOMAIN", "Sequence": "SEQUENCE", "IdentitySequence": "SEQUENCE", "CompositeType": "TYPE",
                "RangeType": "TYPE", "Collation": "COLLATION",
                "TextSearchConfig": "TEXT SEARCH CONFIGURATION", "TextSearchDictionary": "TEXT SEARCH DICTIONARY"}[type(new).__name__]
        target = quote_ident(new.name) if isinstance(new, (Extension, Namespace)) else qualified(new.schema, new.name)  # type: ignore
    return [ddl.command("COMMENT", "ON", what, target, "IS", value)]


def _alter_domain(old: Domain, new: Domain) -> list[exp.Expression]:
    if old.type != new.type or old.collation != new.collation:
        raise PlanError(f"domain {new.schema}.{new.name}: its base type and collation cannot change ({old.type} "
                        f"{old.collation or ''} -> {new.type} {new.collation or ''}); create a new domain instead")
    out: list[exp.Expression] = []
    if not same_cast_default(old.default, new.default, new.type):  # (as compare.types: DEFAULT 5.0 is not DEFAULT 5)
        none = written_default(new.default, new.type) is None  # (a bare NULL: none, plan.type_ddl)
        out.append(alter_domain(new, "DROP DEFAULT") if none else
                   alter_domain(new, "SET DEFAULT", parse_expression(new.default).sql(dialect=RENDER)))
    if old.not_null != new.not_null:  # a named one: ADD CONSTRAINT (17+)
        out.append(alter_domain(new, "DROP NOT NULL") if not new.not_null else alter_domain(
            new, "ADD CONSTRAINT", quote_ident(new.not_null_name), "NOT NULL") if new.not_null_name else
            alter_domain(new, "SET NOT NULL"))
    elif new.not_null and old.not_null_name != new.not_null_name:
        out.append(alter_domain(new, "RENAME CONSTRAINT", quote_ident(_not_null_name(old)), "TO",
                                    quote_ident(_not_null_name(new))))
    old_checks = {c.name: c for c in old.checks}
    new_checks = {c.name: c for c in new.checks}
    # (Validated, but declared NOT VALID: only adding it again NOT VALID says so.)
    readded = {n for n, c in new_checks.items() if n in old_checks and c.not_valid and not old_checks[n].not_valid}
    readded |= checks_moved(old, new)  # (casting through other user types: compare.cast_types)
    for name, c in old_checks.items():
        if name not in new_checks or not same_expression(c.expression, new_checks[name].expression) or name in readded:
            out.append(alter_domain(new, "DROP CONSTRAINT", quote_ident(name)))
    for name, c in new_checks.items():
        if name not in old_checks or not same_expression(old_checks[name].expression, c.expression) or name in readded:
            out.append(_add_domain_check(new, c))
        elif old_checks[name].not_valid and not c.not_valid:
            out.append(alter_domain(new, "VALIDATE CONSTRAINT", quote_ident(name)))
    return out + _domain_check_comments(old, new)


def _add_domain_check(d: Domain, c: Check) -> exp.Expression:
    """ALTER DOMAIN ... ADD CONSTRAINT name CHECK (...) [NOT VALID]: NOT VALID is a mark CREATE DOMAIN
    cannot write (the values there are not checked)."""
    return alter_domain(d, "ADD CONSTRAINT", quote_ident(c.name), ddl.check_body(c).sql(dialect=RENDER),
                            *(["NOT VALID"] if c.not_valid else []))


def _not_valid_checks(d: Domain) -> list[exp.Expression]:
    return [_add_domain_check(d, c) for c in d.checks if c.not_valid]


def _domain_check_comments(old: Optional[Domain], new: Domain) -> list[exp.Expression]:
    """COMMENT ON CONSTRAINT ... ON DOMAIN for each check of `new` whose comment its counterpart in `old` (the
    same name and expression: one added or re-added has none) does not have."""
    kept = {c.name: c for c in (old.checks if old is not None else ())}
    out: list[exp.Expression] = []
    for c in new.checks:
        was = kept.get(c.name)
        kept_as_is = was is not None and same_expression(was.expression, c.expression) and not (c.not_valid and not was.not_valid)
        before = was.comment if kept_as_is else None  # (one made NOT VALID is added again: _alter_domain)
        if c.comment != before:
            out.append(ddl.command("COMMENT", "ON CONSTRAINT", quote_ident(c.name), "ON DOMAIN",
                                   qualified(new.schema, new.name), "IS",
                                   ddl.comment_value(c.comment)))
    before = old.not_null_comment if old is not None and old.not_null else None  # (SET NOT NULL makes one bare)
    if new.not_null and new.not_null_comment != before:
        out.append(ddl.command("COMMENT", "ON CONSTRAINT", quote_ident(_not_null_name(new)), "ON DOMAIN",
                               qualified(new.schema, new.name), "IS", ddl.comment_value(new.not_null_comment)))
    return out


def _not_null_name(d: Domain) -> str:
    """The name of a domain's NOT NULL constraint (PostgreSQL 17+): its own, or Postgres's <domain>_not_null."""
    return d.not_null_name or make_object_name(d.name, None, "not_null")
