"""The rights a migration's statements need beyond owning the schema's objects: said before anyone runs it.

Teams run migrations as the role that owns their tables, not as a superuser. Postgres refuses such a role a few
statements outright (CREATE/ALTER/DROP EVENT TRIGGER and FOREIGN DATA WRAPPER, and COMMENT ON them: their owner
must be a superuser; CREATE OPERATOR CLASS/FAMILY, ALTER OPERATOR FAMILY ADD/DROP, a publication FOR ALL TABLES or of
TABLES IN SCHEMA, SET SESSION AUTHORIZATION, a routine's SUPPORT function), and `ALTER ... OWNER TO r` or `ALTER
DEFAULT PRIVILEGES FOR ROLE r` where it cannot SET ROLE r ("must be able to SET ROLE r", "permission denied to change
default privileges"), and a routine's SET of a setting only a superuser sets (session_replication_role), or of a
custom one (app.mode: a placeholder, which Postgres takes for one, unless the role was granted SET ON PARAMETER
it), and an extension PostgreSQL does not ship trusted (vector, postgis, pg_stat_statements: created, updated, dropped,
moved or commented, a superuser's), or one of its tables that a table inherits or references. Only these certain
cases are named: what else may fail (a trusted extension or another object owned by another role) depends on the
database, not the plan.

Read from the rendered statements' text: each starts with its command's words, and OWNER TO ends the ALTER that gives
an object away (plan.grants, plan.objects, plan.opclass_ddl...). A routine's body is one statement beginning CREATE
[OR REPLACE] FUNCTION, so only its clauses before the body are read (plan.routine_ddl writes them in one order:
LANGUAGE, its attributes, SUPPORT, SECURITY DEFINER, each SET; plan.member_grant_ddl's ALTER FUNCTION: COST, ROWS,
RESET ALL, each SET).

A migration that makes something in pg_temp (plan.range_ddl's function rebuilding a multirange or an array of ranges,
plan.default_rows_ddl's temporary table holding a default partition's rows) needs the database's TEMPORARY privilege:
PUBLIC's by default, but a hardened database revokes it ("permission denied to create temporary tables in database").
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from schemac.model import Table
from schemac.pg.names import qualified

# (the statement's start, how the note names it): Postgres's "must be superuser" / "permission denied to create" ones
_SUPERUSER = (
    (re.compile(r"CREATE EVENT TRIGGER\b"), "CREATE EVENT TRIGGER"),
    (re.compile(r"ALTER EVENT TRIGGER\b"), "ALTER EVENT TRIGGER"),
    (re.compile(r"CREATE FOREIGN DATA WRAPPER\b"), "CREATE FOREIGN DATA WRAPPER"),
    (re.compile(r"ALTER FOREIGN DATA WRAPPER\b"), "ALTER FOREIGN DATA WRAPPER"),
    # (their owner is a superuser: Postgres gives them to no other role; and only the owner drops or comments them)
    (re.compile(r"DROP EVENT TRIGGER\b"), "DROP EVENT TRIGGER"),
    (re.compile(r"DROP FOREIGN DATA WRAPPER\b"), "DROP FOREIGN DATA WRAPPER"),
    (re.compile(r"COMMENT ON EVENT TRIGGER\b"), "COMMENT ON EVENT TRIGGER"),
    (re.compile(r"COMMENT ON FOREIGN DATA WRAPPER\b"), "COMMENT ON FOREIGN DATA WRAPPER"),
    (re.compile(r"CREATE OPERATOR CLASS\b"), "CREATE OPERATOR CLASS"),
    (re.compile(r"CREATE OPERATOR FAMILY\b"), "CREATE OPERATOR FAMILY"),
    (re.compile(r"ALTER OPERATOR FAMILY\b.*\b(?:ADD|DROP)\b", re.S), "ALTER OPERATOR FAMILY ADD/DROP"),
    (re.compile(r"CREATE PUBLICATION\b[^;]*\bFOR ALL TABLES\b"), "CREATE PUBLICATION FOR ALL TABLES"),
    # (created, or, made by the platform already, joined: plan.publication_ddl.made_or_joined's DO block; not a DROP)
    (re.compile(r"(?:DO\b.*?)?CREATE PUBLICATION\b[^;]*\bTABLES IN SCHEMA\b", re.S),
     "CREATE PUBLICATION FOR TABLES IN SCHEMA"),
    (re.compile(r'ALTER PUBLICATION (?:"(?:[^"]|"")+"|\S+) ADD\b[^;]*\bTABLES IN SCHEMA\b'),
     "ALTER PUBLICATION ADD TABLES IN SCHEMA"),
    # (a grant made by another grantor: plan.grants.as_grantor, bare or in the DO block lending it USAGE)
    (re.compile(r"(?:DO\b.*\b)?SET SESSION AUTHORIZATION\b", re.S), "SET SESSION AUTHORIZATION"),
)
# An extension PostgreSQL does not ship trusted (contrib's control files: `trusted = true`, 13 on; the trusted
# procedural languages and their transforms): only a superuser creates or updates it, and owns it, so drops, moves or
# comments it. One of another vendor marked trusted in its control file is named all the same: generate reads no
# server's files.
_TRUSTED = frozenset("""btree_gin btree_gist citext cube dict_int fuzzystrmatch hstore intarray isn lo ltree pg_trgm
pgcrypto plpgsql seg tablefunc tcn tsm_system_rows tsm_system_time unaccent uuid-ossp plperl pltcl bool_plperl
hstore_plperl jsonb_plperl""".split())
_EXTENSION = re.compile(r'(CREATE EXTENSION|ALTER EXTENSION|DROP EXTENSION|COMMENT ON EXTENSION)(?: IF (?:NOT )?EXISTS)? '
                        r'("(?:[^"]|"")+"|[^\s;]+)(?:( UPDATE| SET SCHEMA)\b)?')
# A child's INHERITS or INHERIT, a foreign key's REFERENCES: of a table of such an extension (extension_tables),
# the superuser's, whose owner alone makes a table inherit it and which no role may reference without its owner's grant
_INHERITS = re.compile(r"INHERITS \(([^)]*)\)|\bINHERIT ([^\s;]+)|\bREFERENCES ([^\s(;]+)")
_ROLE = r'("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)'  # as quote_ident prints it (never CURRENT_USER: the runner itself)
# ALTER <kind words> name ... OWNER TO role; and ALTER DEFAULT PRIVILEGES FOR ROLE role ...: "must be able to SET ROLE"
_OWNER_TO = re.compile(r"ALTER ((?:[A-Z]+ )+)\S.*\bOWNER TO " + _ROLE + r";\s*$", re.S)
_FOR_ROLE = re.compile(r"ALTER DEFAULT PRIVILEGES FOR ROLE " + _ROLE)
# ALTER, DROP or COMMENT ON a publication: its owner's (plan.publication_rights.lent_publications)
_PUBLICATION = re.compile(r'(ALTER|DROP|COMMENT ON) PUBLICATION (?:IF EXISTS )?("(?:[^"]|"")+"|[^\s;]+)')


# Words one of those statements holds: a statement without any is not matched at all (at 1,000 new tables, 3,333
# statements read by every pattern twice were ~30 ms of `generate`'s CPU; a substring test is C's).
_WORDS = ("EVENT TRIGGER", "FOREIGN DATA WRAPPER", "OPERATOR", "PUBLICATION", "SESSION AUTHORIZATION", "OWNER TO",
          "DEFAULT PRIVILEGES", "EXTENSION")

# A routine's clauses before its body (plan.routine_ddl, plan.member_grant_ddl), from its LANGUAGE or its signature's
# end; each clause after, SUPPORT's function and SET's setting named.
_ROUTINE_STARTS = ("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", "CREATE PROCEDURE", "CREATE OR REPLACE PROCEDURE",
                   "ALTER FUNCTION", "ALTER PROCEDURE", "ALTER ROUTINE")
_ROUTINE = re.compile(r"(?:CREATE (?:OR REPLACE )?(?:FUNCTION|PROCEDURE)\b.*? LANGUAGE \S+"
                      r"|ALTER (?:FUNCTION|PROCEDURE|ROUTINE)\b.*?\)(?= (?:COST|ROWS|RESET ALL|SET) ))", re.S)
_NAME = r'(?:"(?:[^"]|"")+"|[^\s".=,;]+)'
_VALUE = r"(?:'(?:[^']|'')*'|[^\s',;]+)"
_CLAUSE = re.compile(rf" (?:(?:IMMUTABLE|STABLE|STRICT|LEAKPROOF|RESET ALL|SECURITY DEFINER)\b|(?:PARALLEL|COST|ROWS) \S+"
                     rf"|(?P<support>SUPPORT) {_NAME}(?:\.{_NAME})*|SET (?P<name>{_NAME}(?:\.{_NAME})*) = {_VALUE}(?:, {_VALUE})*)")
# Settings Postgres lets only a superuser, or a role granted SET ON PARAMETER them, set: pg_settings' context
# 'superuser' on 15 to 18. A custom setting (a dotted name) is a placeholder until its module is loaded, which Postgres
# takes for one of them, but PL/pgSQL's own a role sets (plan.preamble loads PL/pgSQL first; variable_conflict is
# a superuser's).
_SUPERUSER_SETTINGS = frozenset("""allow_in_place_tablespaces allow_system_table_mods backtrace_functions commit_delay
compute_query_id deadlock_timeout debug_discard_caches dynamic_library_path event_triggers extension_control_path
extension_destdir ignore_checksum_failure jit_dump_bitcode lc_messages lo_compat_privileges log_duration
log_error_verbosity log_executor_stats log_lock_failures log_lock_waits log_min_duration_sample
log_min_duration_statement log_min_error_statement log_min_messages log_parameter_max_length log_parser_stats
log_planner_stats log_replication_commands log_statement log_statement_sample_rate log_statement_stats log_temp_files
log_transaction_sample_rate max_stack_depth output_plugin_libraries session_preload_libraries session_replication_role
temp_file_limit track_activities track_cost_delay_timing track_counts track_functions track_io_timing
track_wal_io_timing update_process_title wal_compression wal_consistency_checking wal_init_zero wal_recycle
zero_damaged_pages""".split())
# A statement making something in pg_temp, after the comments plan.default_rows_ddl puts before it
_TEMPORARY = re.compile(r"(?:/\*.*?\*/\s*)*CREATE (?:(?:OR REPLACE )?FUNCTION pg_temp\.|TEMP(?:ORARY)? TABLE\b)", re.S)
_TEMPORARY_LABELS = ("CREATE TEMPORARY TABLE", "CREATE FUNCTION pg_temp")
_USER_PLACEHOLDERS = frozenset({"plpgsql.extra_warnings", "plpgsql.extra_errors", "plpgsql.print_strict_params",
                                "plpgsql.check_asserts"})


def extension_tables(tables: Iterable[Table]) -> dict[str, str]:
    """{a table of an extension PostgreSQL does not ship trusted that `tables` inherit or reference, as the statements
    name it (qualified): its extension} (PostGIS's spatial_ref_sys, the TIGER geocoder's tiger.addr)."""
    out = {qualified(p.schema, p.name): p.extension for t in tables for p in t.inherits
           if p.extension is not None and p.extension not in _TRUSTED}
    out.update((qualified(k.ref_schema, k.ref_table), k.ref_extension) for t in tables for k in t.foreign_keys
               if k.ref_extension is not None and k.ref_extension not in _TRUSTED)
    return out


def _unquoted(name: str) -> str:
    """A dotted setting name as Postgres reports it: each part's quotes off (`myapp."select"`: myapp.select)."""
    return ".".join(p[1:-1].replace('""', '"') if p.startswith('"') else p
                    for p in re.findall(r'"(?:[^"]|"")+"|[^.]+', name))


def _routine_needs(text: str) -> tuple[bool, list[str]]:
    """Whether a routine's statement names a SUPPORT function, and the settings its SET clauses set that only a
    superuser or a role granted SET ON PARAMETER may (placeholders among them)."""
    head = _ROUTINE.match(text)
    if head is None:
        return False, []
    support, settings, at = False, [], head.end()
    while (clause := _CLAUSE.match(text, at)) is not None:
        at = clause.end()
        support = support or clause.group("support") is not None
        name = _unquoted(clause.group("name")) if clause.group("name") else ""
        if name.lower() in _SUPERUSER_SETTINGS or ("." in name and name.lower() not in _USER_PLACEHOLDERS):
            settings.append(name)
    return support, settings


# ({what needs a superuser: how many}, {role: {ALTER kind OWNER TO: how many}}, {setting a routine sets: how many},
#  {what is made in pg_temp: how many})
Needed = tuple[dict[str, int], dict[str, dict[str, int]], dict[str, int], dict[str, int]]


# plan.published_fills' first block, and the table it names (its UPDATEs' table: plan.publication_rights' keys)
_FILL_BLOCK = re.compile(r"DO \$[^$]*\$DECLARE r record; way record;.*? AS \(SELECT '((?:[^']|'')+)'::pg_catalog\.regclass")


def needed_rights(statements: Iterable[str], outside: Optional[dict[str, str]] = None,
                  unserved: Optional[dict[str, dict[str, dict[str, int]]]] = None,
                  lent: Optional[dict[str, str]] = None) -> Needed:
    """({what needs a superuser: how many}, {role: {ALTER kind OWNER TO: how many}}, {setting a routine's SET needs
    SET ON PARAMETER for: how many}, {what needs the database's TEMPORARY privilege: how many}), in the statements' order (an extension member's guarded by its object's
    existence read as the statement its block runs: commands.generate.Unit.runs); `outside`: extension_tables';
    `unserved`: plan.publication_rights.refused_fills', for the backfills another role's publication refuses; `lent`:
    its lent_publications', the publications of another owner than their tables' the statements alter."""
    superuser: dict[str, int] = {}
    roles: dict[str, dict[str, int]] = {}
    settings: dict[str, int] = {}
    temporary: dict[str, int] = {}
    for text in statements:
        text = text.lstrip()
        if ("pg_temp." in text or "TEMP" in text) and (made := _TEMPORARY.match(text)) is not None:
            made_in = _TEMPORARY_LABELS[made.group(0).endswith("pg_temp.")]
            temporary[made_in] = temporary.get(made_in, 0) + 1
        if text.startswith(_ROUTINE_STARTS) and (" SET " in text or " SUPPORT " in text):
            support, named = _routine_needs(text)
            if support:
                superuser["CREATE FUNCTION SUPPORT"] = superuser.get("CREATE FUNCTION SUPPORT", 0) + 1
            for name in named:
                settings[name] = settings.get(name, 0) + 1
        if outside and ("INHERIT" in text or "REFERENCES " in text):
            for found in _INHERITS.finditer(text):
                listed, one, referenced = found.groups()
                for name in listed.split(", ") if listed else [one or referenced]:
                    if name in outside:
                        what = f"{'REFERENCES' if referenced else 'INHERIT'} {name} ({outside[name]}'s)"
                        superuser[what] = superuser.get(what, 0) + 1
        if unserved and text.startswith("DO") and (fill := _FILL_BLOCK.match(text)) is not None:
            for role, kinds in unserved.get(fill.group(1).replace("''", "'"), {}).items():
                for kind, n in kinds.items():
                    roles.setdefault(role, {})[kind] = roles.get(role, {}).get(kind, 0) + n
        if not any(word in text for word in _WORDS):
            continue
        label = next((label for pattern, label in _SUPERUSER if pattern.match(text)), None)
        extension = _EXTENSION.match(text) if label is None else None
        if extension is not None:
            name = extension.group(2)
            name = name[1:-1].replace('""', '"') if name.startswith('"') else name
            label = f"{extension.group(1)}{extension.group(3) or ''} {name}" if name not in _TRUSTED else None
        if label is not None:
            superuser[label] = superuser.get(label, 0) + 1
            continue
        if lent and (pub := _PUBLICATION.match(text)) is not None and pub.group(2) in lent and not _OWNER_TO.match(text):
            kinds = roles.setdefault(lent[pub.group(2)], {})
            kinds[f"{pub.group(1)} PUBLICATION"] = kinds.get(f"{pub.group(1)} PUBLICATION", 0) + 1
        owner, lender = _OWNER_TO.match(text), _FOR_ROLE.match(text)
        if owner is not None or lender is not None:
            role = owner.group(2) if owner is not None else lender.group(1)  # type: ignore[union-attr]
            role = role[1:-1].replace('""', '"') if role.startswith('"') else role
            kinds = roles.setdefault(role, {})
            kind = f"ALTER {owner.group(1)}OWNER TO" if owner is not None else "ALTER DEFAULT PRIVILEGES FOR ROLE"
            kinds[kind] = kinds.get(kind, 0) + 1
    return superuser, roles, settings, temporary


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{what} x{n}" if n > 1 else what for what, n in counts.items())


def combined(each: Iterable[Needed]) -> Needed:
    """The rights of several files' statements together, each file's read once (needed_rights): as one pass over all
    of them in order would count them."""
    superuser: dict[str, int] = {}
    roles: dict[str, dict[str, int]] = {}
    settings: dict[str, int] = {}
    temporary: dict[str, int] = {}
    for file_superuser, file_roles, file_settings, file_temporary in each:
        for what, n in file_temporary.items():
            temporary[what] = temporary.get(what, 0) + n
        for what, n in file_superuser.items():
            superuser[what] = superuser.get(what, 0) + n
        for name, n in file_settings.items():
            settings[name] = settings.get(name, 0) + n
        for role, kinds in file_roles.items():
            counted = roles.setdefault(role, {})
            for kind, n in kinds.items():
                counted[kind] = counted.get(kind, 0) + n
    return superuser, roles, settings, temporary


def rights_note(needed: Needed) -> str:
    """One line, "" when the statements need nothing beyond owning what they change (`needed`: needed_rights' answer):
    a superuser for <statements>; and a superuser or a role that can SET ROLE to each role an OWNER TO names (being it
    will do), with its statements; and a superuser or a role granted SET ON PARAMETER each setting a routine sets; and
    the database's TEMPORARY privilege for what it makes in pg_temp."""
    superuser, roles, settings, temporary = needed
    parts = [f"a superuser for {_counted(superuser)}"] if superuser else []
    if roles:
        members = "; ".join(f"{role} ({_counted(kinds)})" for role, kinds in roles.items())
        parts.append(f"a superuser or a role that can SET ROLE to {members}")
    if settings:
        parts.append(f"a superuser or a role granted SET ON PARAMETER {_counted(settings)} (a routine's SET)")
    if temporary:
        parts.append(f"the database's TEMPORARY privilege (PUBLIC's unless revoked, its owner's) for {_counted(temporary)}")
    return f"note: applying this migration needs {'; and '.join(parts)}" if parts else ""
