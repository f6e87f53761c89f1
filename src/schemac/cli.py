"""Thin click commands: wire the stages together and map errors to exit codes (0 ok, 1 drift, 2 error)."""

from __future__ import annotations

import os
import sys
from typing import Callable, Optional

from schemac.commands.loading import loading, may_skip_teardown
from schemac.errors import printable

with loading():  # no cyclic GC while modules load (commands/loading.py)
    import click
    from schemac.commands.check_queries import check_queries
    from schemac.commands.exits import _Group, _end_process
    from schemac.commands.options import DEV_URL_HELP, OUT_HELP, SCHEMA_HELP, timeouts as _timeouts
    from schemac.report.counts import counted


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="schemac")
def main() -> None:
    """schemac: PostgreSQL schema as code.

    Describe tables in schema.yaml, let `schemac generate` write sqlx migrations for every change,
    `schemac apply` (or sqlx) apply them, and `schemac diff` tell CI whether a live database has drifted
    from it.

    Exit status: 0 success (no drift), 1 drift, pending changes or refused, 2 error.
    """


def _generate_options(command: Callable) -> Callable:
    """The options of `generate` that `rebase` passes on to it."""
    for option in reversed((
        click.option("--schema", "schema_path", default="schema.yaml", show_default=True, help=SCHEMA_HELP),
        click.option("--out", "out_dir", default="generated", show_default=True, help=OUT_HELP),
        click.option("--name", help="Migration description for the file name (lower case, digits, _). "
                                    "Default: create_<table> or update_schema."),
        click.option("--message", "-m", help="Comment written at the top of the migration (e.g. a story reference)."),
        click.option("--allow-destructive", is_flag=True,
                     help="Also write changes that can destroy data (drop table, drop column, narrowing type "
                          "change); without it they are refused with exit 1."),
        click.option("--concurrently", is_flag=True,
                     help="Online-safe: new indexes on existing tables get CREATE INDEX CONCURRENTLY, each in its "
                          "own `-- no-transaction` migration; new CHECKs on existing tables are added NOT VALID, "
                          "then validated in a later migration."),
        click.option("--verify/--no-verify", default=False, show_default=True, envvar="SCHEMAC_VERIFY",
                     show_envvar=True,
                     help="Before writing the migration (or printing it, with generate --dry-run), replay "
                          "OUT/migrations and it into a throwaway embedded PostgreSQL 18 (or --dev-url) and diff the "
                          "result with schema.yaml; if the server rejects a statement or a difference remains, write "
                          "nothing and exit 2. SCHEMAC_VERIFY=1 makes it the default. Ignored with generate --check."),
        click.option("--dev-url", help="With --verify (implied): " + DEV_URL_HELP),
    )):
        command = option(command)
    return command


def _verify_wanted(ctx: click.Context, verify: bool, dev_url: Optional[str]) -> bool:
    if dev_url and not verify:
        if ctx.get_parameter_source("verify") is click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("--dev-url is where --verify replays; it cannot go with --no-verify")
        return True
    return verify


def _report_generated(result) -> None:
    """Print what `generate` did (its notices on stderr) and end with its exit status when not 0."""
    for notice in result.notices:  # a warning (a declared query losing its index) or a note (plan.rights) says so itself
        notice = printable(notice)  # a name holding a line break or an escape is printed escaped (one line each)
        click.echo(f"schemac: {notice}" if notice.startswith(("warning: ", "note: ")) else f"schemac: notice: {notice}", err=True)
    if result.status in ("refused", "pending"):
        click.echo(result.message, err=result.status == "refused")
        sys.exit(1)
    if result.status == "unverified":
        click.echo(result.message, err=True, nl=False)
        sys.exit(2)
    click.echo(result.message)
    if result.status == "dry-run":
        click.echo(result.sql, nl=False)


@main.command()
@_generate_options
@click.option("--dry-run", is_flag=True, help="Print the SQL that would be written; write nothing.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if schema.yaml has changes not yet in a migration, else 0 "
                   "(for pre-commit hooks and CI).")
@click.pass_context
def generate(ctx: click.Context, schema_path: str, out_dir: str, name: Optional[str], message: Optional[str],
             dry_run: bool, check: bool, allow_destructive: bool, concurrently: bool, verify: bool,
             dev_url: Optional[str]) -> None:
    """Write a migration for what changed in schema.yaml since the last one.

    schema.yaml is compared with the state recorded by the previous run (OUT/state.json), and only the
    difference is written, as OUT/migrations/<UTC YYYYMMDDHHMMSS>_<name>.sql, ready for
    `sqlx migrate run --source generated/migrations`. Existing migrations are never modified; when
    nothing changed, nothing is written and the exit status is 0 (an edit that changes no object, a
    comment say, is only recorded in OUT/state.json). A change too large for one transaction of a
    stock server (thousands of new tables) is written as several files, <name>, <name>_part_2...,
    applied in order. What schema.yaml's `ignore:` matches and does not declare (made at run time) is
    never created, altered or dropped, even where the last migration made it.

    With --verify, a migration is written only once it is proven: the existing migrations and the new
    one, applied as sqlx would into a throwaway PostgreSQL, must build exactly schema.yaml.

    Exit status: 0 written or nothing to do; 1 refused (destructive without --allow-destructive) or,
    with --check, changes pending; 2 error, or --verify found that the migration does not apply or
    does not build schema.yaml (the statement and the server's message, or the differences, on stderr).
    """
    verify = _verify_wanted(ctx, verify, dev_url)
    if check and name is None:  # the pre-commit hook's case: schema.yaml as recorded, answered from state.json
        with loading():
            from schemac.commands.unchanged import unchanged_check
        quick = unchanged_check(schema_path, out_dir)
        if quick is not None:
            return _report_generated(quick)
    with loading():
        from schemac.commands.generate import generate as run
    result = run(schema_path, out_dir, name=name, message=message, dry_run=dry_run, check=check,
                 allow_destructive=allow_destructive, concurrently=concurrently, verify=verify, dev_url=dev_url)
    _report_generated(result)
    if may_skip_teardown():
        _end_process(0)


@main.command()
@click.option("--schema", "schema_path", default="schema.yaml", show_default=True, help=SCHEMA_HELP)
@click.option("--database-url", envvar="DATABASE_URL", show_envvar=True,
              help="Database to check (postgresql://user:pass@host:port/db). Default: $DATABASE_URL, "
                   "else libpq's PG* variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True,
              help="text: for people (colored on a terminal); json: the stable document of docs/drift-report.md; "
                   "github: workflow-command annotations at schema.yaml lines; sarif: SARIF 2.1.0 for code "
                   "scanning.")
@click.option("--strict", is_flag=True,
              help="Count objects schemac does not manage (aggregates, rules and policies on views...) as drift.")
@click.option("--only", type=click.Choice(["security"]), help="security: report security drift alone (privileges, "
              "grants to PUBLIC, row-level security, policies, owners); the exit status follows it.")
@click.option("--dev-url", help="Offline check only: " + DEV_URL_HELP)
@click.option("--sql", "show_sql", is_flag=True,
              help="Print the DDL that would bring the database to schema.yaml (never run) on stdout, and the "
                   "report on stderr, in any --format; statements that can destroy data are preceded by a "
                   "`-- DESTRUCTIVE: why` line; values added to enums are committed in a transaction of their own first.")
@_timeouts
@click.option("--out", "out_dir", default="generated", show_default=True,
              help="`schemac generate`'s output directory: when OUT/state.json was recorded from this very "
                   "schema.yaml (same SHA-256), its compiled model is used instead of parsing the YAML again.")
def diff(schema_path: str, database_url: Optional[str], fmt: str, strict: bool, only: Optional[str],
         dev_url: Optional[str], show_sql: bool, connect_timeout: int, statement_timeout: int, lock_timeout: int, out_dir: str) -> None:
    """Report drift between a database and schema.yaml.

    With a database (--database-url, DATABASE_URL or PG* variables): reads pg_catalog only, in one
    READ ONLY transaction with statement and lock timeouts; a role that can connect is enough. It
    also compares OUT/migrations with the database's _sqlx_migrations (pending, applied but missing,
    edited after applying, failed). Covers the schemas schema.yaml uses. Objects schema.yaml's `ignore:` matches
    and does not declare (what the application makes at run time) are neither drift nor listed.

    With no database at all: replays OUT/migrations, as sqlx would, into a throwaway embedded
    PostgreSQL (or a scratch database on --dev-url) and compares that, so CI without a database
    catches a schema.yaml changed without a migration and a hand-edited migration.

    Exit status: 0 in sync, 1 drift found, 2 error (bad schema.yaml, cannot connect, timeout).
    """
    with loading():
        from schemac.commands.diff import check_drift, check_drift_offline, no_database_given
    if dev_url or no_database_given(database_url):
        result = check_drift_offline(schema_path, out_dir, dev_url, strict)
    else:
        result = check_drift(schema_path, database_url, connect_timeout=connect_timeout,
                             statement_timeout_ms=statement_timeout * 1000, lock_timeout_ms=lock_timeout * 1000,
                             out_dir=out_dir, strict=strict)
    result = result.only(only) if only else result
    for notice in result.notices:  # (a replay's server warning says so itself)
        notice = printable(notice)
        click.echo(f"schemac: {notice}" if notice.startswith("warning: ") else f"schemac: notice: {notice}", err=True)
    # With --sql, stdout is the script alone (pipe it to a file or psql) and the report goes to stderr.
    click.echo(result.render(fmt), nl=False, color=None if fmt == "text" else False, err=show_sql)
    if show_sql and result.sql_refused:  # (a script Postgres would refuse: none, as `generate` writes none)
        from schemac.errors import SchemacError

        raise SchemacError(f"no --sql script: {result.sql_refused}")
    if show_sql:
        click.echo(result.sql, nl=False)
    _end_process(1 if result.differences else 0)


@main.command()
@click.option("--database-url", envvar="DATABASE_URL", show_envvar=True,
              help="Database to migrate (postgresql://user:pass@host:port/db). Default: $DATABASE_URL, else "
                   "libpq's PG* variables.")
@click.option("--out", "out_dir", default="generated", show_default=True,
              help="`schemac generate`'s output directory: the migrations are OUT/migrations.")
@click.option("--dry-run", is_flag=True,
              help="List the migrations that would be applied, after the same checks; run, lock and create nothing.")
@click.option("--connect-timeout", default=10, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds to wait for the connection.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when the server sent a WARNING while a migration ran (a GRANT or REVOKE it skipped "
                   "because the role applying does not own the object): the files stay applied.")
def apply(database_url: Optional[str], out_dir: str, dry_run: bool, connect_timeout: int, strict: bool) -> None:
    """Apply the pending migrations of OUT/migrations, exactly as `sqlx migrate run` does.

    Files run in version order, each in one transaction (a file starting with `-- no-transaction`
    runs outside any), and each is recorded in _sqlx_migrations (or sqlx.toml's table-name) with the
    row sqlx writes, SHA-384 checksum and all: sqlx and schemac can take over from each other. sqlx's
    advisory lock keeps a second `schemac apply` or sqlx migrator waiting until this one is done.
    Nothing runs when an applied migration was edited or is missing from OUT/migrations, or one is
    marked failed. The first statement that fails stops the run; it is named with the server's
    message, and its file rolled back. A WARNING the server sends while a file runs is printed on
    stderr with the file's name: a GRANT or REVOKE by a role that neither owns the object nor holds the
    grant option does nothing but warn, and leaves the database short of schema.yaml.

    This is the only schemac command that changes a database, and it runs nothing but the files of
    OUT/migrations.

    Exit status: 0 applied (with --strict: and no WARNING), or nothing to apply; 1 refused (nothing
    was run) or, with --strict, applied but the server warned; 2 error (cannot
    connect, a folder sqlx would refuse, a statement failed, a partition the file does not drop that
    its DROP TABLE would take: named, none of the file run; the files before it stay applied).
    """
    from schemac.commands.migrate import apply_pending
    from schemac.migrations.apply import Refused

    def applied(m, ns: int) -> None:
        click.echo(f"Applied {m.filename} ({ns / 1e6:.1f} ms)")

    def waiting(label: str) -> None:
        click.echo(f"schemac: waiting for another migration run on {label} to finish (sqlx's advisory lock)", err=True)

    def warned(line: str) -> None:
        click.echo(f"schemac: {printable(line)}", err=True)

    try:
        result = apply_pending(database_url, out_dir, dry_run=dry_run, connect_timeout=connect_timeout,
                               on_wait=waiting, on_applied=applied, on_warning=warned)
    except Refused as e:
        click.echo("Refusing to apply migrations; nothing was run:", err=True)
        for reason in e.reasons:
            click.echo(f"  {reason}", err=True)
        sys.exit(1)
    for m in result.result.pending:
        click.echo(f"Would apply {m.filename}")
    click.echo(result.summary)
    if strict and result.result.warnings:
        click.echo("schemac: --strict: the server warned while the migrations ran (above); they stay applied", err=True)
        sys.exit(1)


@main.command()
@click.option("--database-url", envvar="DATABASE_URL", show_envvar=True,
              help="Database to read (postgresql://user:pass@host:port/db). Default: $DATABASE_URL, else libpq's "
                   "PG* variables.")
@click.option("--namespace", "-n", "schemas", multiple=True, metavar="NAME",
              help="Postgres schema (namespace) to read, as pg_dump's -n; repeat for several. Default: every user "
                   "schema. (--schema names schema.yaml in generate and diff.)")
@click.option("--schema", "old_schema_flag", multiple=True, hidden=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the YAML to this file instead of stdout.")
@click.option("--force", is_flag=True, help="With --output: replace the file if it exists.")
@click.option("--exclude", "excludes", multiple=True, metavar="[KIND:]PATTERN",
              help="Leave out the objects whose schema-qualified name (as the catalog spells it, case-sensitive) "
                   "matches this glob (public.conv_dpid_seq_*, staging.*; a bare name is a schema: tenant_*), of "
                   "KIND only if given (schema, table, view, sequence, function, type, collation, operator, "
                   "text_search; the database's own, named bare and by KIND only: extension, publication, "
                   "subscription, event_trigger, cast, server, foreign_data_wrapper, user_mapping, e.g. "
                   "server:tenant_*); written as schema.yaml's `ignore:`, so diff leaves them out too. Repeat for "
                   "several.")
@_timeouts
def inspect(database_url: Optional[str], schemas: tuple[str, ...], old_schema_flag: tuple[str, ...],
            output: Optional[str], force: bool, excludes: tuple[str, ...], connect_timeout: int, statement_timeout: int,
            lock_timeout: int) -> None:
    """Write a schema.yaml describing an existing database.

    Reads pg_catalog only, in one READ ONLY transaction (like `schemac diff`). Tables, columns,
    constraints, indexes, triggers, sequences, enums, domains, functions, views, materialized views, extensions
    and partitions become schema.yaml; policies and other objects schemac does not manage are listed in a
    comment at the end. The same database always gives byte-identical output. Objects the application makes at run
    time (per-account sequences, premade partitions, staging tables) are left out with --exclude.
    """
    with loading():
        from schemac.commands.inspect import inspect_database, inspect_notes, warn_verbatim, write_output
    if old_schema_flag:
        raise click.UsageError("inspect names namespaces with -n/--namespace (as pg_dump does); --schema is the "
                               "schema.yaml file of generate and diff")
    from schemac.model.ignores import exclude_option

    try:
        exclude = tuple(dict.fromkeys(exclude_option(x) for x in excludes))
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--exclude") from None
    result = inspect_database(database_url, schemas, connect_timeout, statement_timeout * 1000, lock_timeout * 1000,
                              exclude)
    if output:
        write_output(output, result.yaml, force)
    else:
        click.echo(result.yaml, nl=False)
    s = result.schema
    counts = [counted(len(s.tables), "table"), counted(len(s.sequences), "sequence"), counted(len(s.enums), "enum"),
              counted(len(s.domains), "domain"), counted(len(s.composite_types), "composite type"),
              counted(len(s.range_types), "range type"), counted(len(s.collations), "collation"),
              counted(len(s.functions), "function"), counted(len(s.aggregates), "aggregate"),
              counted(len(s.operators), "operator"),
              counted(len(s.text_search_dictionaries), "text search dictionary", "text search dictionaries"),
              counted(len(s.text_search_configs), "text search configuration"),
              counted(len(s.views), "view"), counted(len(s.extensions), "extension"),
              counted(len(s.publications), "publication"), counted(len(s.event_triggers), "event trigger")] + \
        ([counted(len(s.foreign_servers), "foreign server")] if s.foreign_servers else []) + \
        ([counted(len(s.foreign_data_wrappers), "foreign-data wrapper")] if s.foreign_data_wrappers else [])
    click.echo(f"schemac: read {', '.join(counts)} from {result.label}"
               + (f"; {counted(len(s.unmanaged), 'object')} not managed (listed at the end)" if s.unmanaged else "")
               + (f"; {counted(result.excluded, 'object')} left out by --exclude" if excludes else "")
               + (f"; wrote {output}" if output else ""), err=True)
    for note in inspect_notes(s, result.listed_runs):
        click.echo(printable(note), err=True)
    warn_verbatim(result.yaml, output or "schema.yaml", result.schema)
    if may_skip_teardown():
        _end_process(0)


main.add_command(check_queries)


@main.command("schema-json")
def schema_json() -> None:
    """Print the JSON Schema of schema.yaml.

    Editors using yaml-language-server validate and complete schema.yaml with it: save it
    (`schemac schema-json > schema.json`) and see docs/editor.md.
    """
    from schemac.schemafile.jsonschema import schema_json_text

    click.echo(schema_json_text(), nl=False)


@main.command("rebuild-state")
@click.option("--out", "out_dir", default="generated", show_default=True, help=OUT_HELP)
@click.option("--dev-url", help=DEV_URL_HELP[0].upper() + DEV_URL_HELP[1:])
@click.option("--schema", "schema_path", default="schema.yaml", show_default=True, help=SCHEMA_HELP)
def rebuild_state(out_dir: str, dev_url: Optional[str], schema_path: str) -> None:
    """Record in OUT/state.json the schema the migrations on disk build.

    The migrations of OUT/migrations are replayed, as sqlx would apply them, into a throwaway embedded
    PostgreSQL 18 (or a scratch database on --dev-url) and the result is read back. The way back
    after a bad `schemac generate`: delete its migration (if it was never applied anywhere) or keep
    your edit of it, run this, then `schemac generate` writes what schema.yaml adds to the migrations.
    Each SQL-standard body of --schema the migrations built is recorded with Postgres's print of it there,
    as `generate` records it, for `schemac diff`.

    Exit status: 0 recorded; 2 error (a migration does not apply: nothing is written).
    """
    from schemac.commands.rebuild import rebuild_state as run

    done = run(out_dir, dev_url, schema_path)
    for line in done.warnings:  # (the replay's server warnings: what it recorded lacks what they skipped)
        click.echo(f"schemac: {printable(line)}", err=True)
    state = os.path.join(out_dir, "state.json")
    if done.migration is None:
        click.echo(f"No migration in {os.path.join(out_dir, 'migrations')}: removed {state}; "
                   "the next `schemac generate` starts from an empty database.")
    else:
        click.echo(f"Recorded in {state} the schema the migrations build up to {done.migration} "
                   f"({counted(done.tables, 'table')}; {done.where}). Run `schemac generate` next.")


@main.command()
@click.option("--onto", metavar="REF",
              help="The git branch (or any revision) merged first, whose migrations and state.json stay. Default: "
                   "MERGE_HEAD while a `git merge` is in progress, HEAD while a `git rebase` is.")
@_generate_options
@click.pass_context
def rebase(ctx: click.Context, onto: Optional[str], schema_path: str, out_dir: str, name: Optional[str],
           message: Optional[str], allow_destructive: bool, concurrently: bool, verify: bool,
           dev_url: Optional[str]) -> None:
    """Regenerate this branch's migration on top of another branch's.

    Two branches each edited schema.yaml and generated a migration; merging the second conflicts in
    OUT/state.json. Run this on the branch merged second (during the `git merge` or `git rebase`,
    once schema.yaml is resolved): the migrations REF does not have (this branch's own, written by
    `schemac generate`, never applied anywhere) are deleted, REF's state.json is taken, and
    `schemac generate` writes the branch's change again as one migration after REF's, planned from
    REF's schema (with the dropped migration's name and message unless --name/--message). If no
    migration comes of it (an error, a refusal), everything is put back as it was.

    Exit status: as `schemac generate`: 0 written or nothing to do; 1 refused; 2 error.
    """
    from schemac.commands.rebuild import rebase as run

    verify = _verify_wanted(ctx, verify, dev_url)
    done = run(schema_path, out_dir, onto=onto, name=name, message=message, allow_destructive=allow_destructive,
               concurrently=concurrently, verify=verify, dev_url=dev_url)
    if done.result.status in ("written", "unchanged"):
        for filename in done.dropped:
            click.echo(f"Dropped {os.path.join(out_dir, 'migrations', filename)} (not on {done.ref}).")
        click.echo(f"Took {done.ref}'s {os.path.join(out_dir, 'state.json')}.")
    else:
        click.echo(f"schemac: nothing changed: the dropped migrations and {os.path.join(out_dir, 'state.json')} "
                   "are back as they were", err=True)
    _report_generated(done.result)
