"""The transactions a migration's statements are committed in (an enum's new values first, an extension's own
objects' settings last: one file each for `generate`) and the script `diff --sql` prints of them, each transaction
its own BEGIN ... COMMIT, with what may destroy data marked."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.changes import Change
from schemac.errors import printable
from schemac.plan.graph import ordered
from schemac.plan.hazards import destructive_reason, enums_holding_values
from schemac.plan.planner import render_sql, statements_for
from schemac.plan.preamble import preamble
from schemac.plan.session_pin import pins_needed, retypes_in_session


def marked_script(changes: list[Change]) -> str:
    """render_sql(plan(changes)) but the search_path a migration file pins (plan/preamble.py: SET LOCAL does nothing
    outside a transaction, which a script run by hand is not in), with each change's statements that can destroy data
    preceded by `-- DESTRUCTIVE: why`: whoever runs `diff --sql` by hand has no --allow-destructive to stop them.
    (render_sql joins paragraphs with a blank line, so joining the changes' scripts with one gives the same text.)
    Where `generate` writes several files (transactions_apart), the script commits each part in turn: each part is its
    own BEGIN ... COMMIT, so the script runs by `psql -f` and `psql -1 -f` (which only warns of the transaction
    already, or no longer, in progress) alike. So is a script whose constants, or retypes, the session's zone and
    styles read (the SET LOCALs a migration file sets first, plan.session_pin): a person's psql under PGTZ=Asia/Tokyo
    stored another instant than `diff` then reads. Every script pins a migration's search_path (plan.preamble): under
    `search_path = other, public` its new tables went to `other`, a text retyped regclass took `other`'s relation."""
    parts = [(p, s) for p, s in map(_marked, (part for _, part in transactions_apart(changes))) if s]
    if not parts:
        return ""
    return "\n".join([TRANSACTIONS_APART if len(parts) > 1 else PINNED_IN_TRANSACTION]
                     + ["\n".join(["BEGIN;\n", *(["".join(pins)] if pins else []), script, "COMMIT;\n"])
                        for pins, script in parts])


def transactions_apart(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    """`changes` as the transactions they are committed in, in order, each with the suffix of its migration file's
    name ('' for the one of the rest): the values added to enums first, as Postgres refuses a new value's use in the
    transaction that added it ('unsafe use of new value': as a default, in a CHECK, an index predicate or a row); the
    settings and comments made on the own objects of an extension the same changes create last, as inspect tells them
    from the extension script's own by the transaction that made them (catalog/queries/extensions.sql)."""
    made = {c.name for c in changes if c.kind == "add_extension" and c.old is None}
    members = [c for c in changes if c.kind == "set_extension_grants" and c.name in made
               and (c.new.settings or c.new.comments)]  # type: ignore[union-attr]
    rest = [c for c in changes if c not in members] if members else changes
    # (a value added AFTER a renamed one)
    values = [c for c in rest if c.kind in ("rename_enum_value", "add_enum_value")]
    if any(c.kind == "add_enum_value" for c in values) and len(values) < len(rest):
        rest = [c for c in rest if c.kind not in ("rename_enum_value", "add_enum_value")]
        values = _named_before_renames(values, rest)
    else:
        values = []
    return [part for part in (("_enum_values", values), ("", rest), ("_extension_members", members)) if part[1]]


def _named_before_renames(values: list[Change], rest: list[Change]) -> list[Change]:
    """The values' enums as named before the rest's rename_type (renamed_from: ALTER TYPE ... RENAME TO, SET SCHEMA)
    runs: their file is committed first, while the type still has its old name (ADD VALUE on the new one: 'type does
    not exist')."""
    was = {(c.new.schema, c.new.name): c.old for c in rest if c.kind == "rename_type"}  # type: ignore[union-attr]
    out = []
    for c in values:
        o = was.get((c.new.schema, c.new.name))  # type: ignore[union-attr]
        out.append(c if o is None else replace(c, schema=o.schema, name=o.name,  # type: ignore[union-attr]
                                               old=replace(c.old, schema=o.schema, name=o.name),  # type: ignore
                                               new=replace(c.new, schema=o.schema, name=o.name)))  # type: ignore
    return out


PINNED_IN_TRANSACTION = ("-- One transaction, committed by the script: the SET LOCALs that name its objects, read "
                         "its constants or convert its retyped columns' rows as `diff` reads them last only until it "
                         "ends.\n")
TRANSACTIONS_APART = ("-- Transactions one after another, each committed by the script, with psql -1 too: a value "
                      "added to an enum cannot be used before it is committed, and the settings and comments of an "
                      "extension's own objects are told from its script's by the transaction that made them.\n")


def _marked(changes: list[Change]) -> tuple[tuple[str, ...], str]:
    """marked_script of changes Postgres takes in one transaction, and the SET LOCALs it needs first
    (session_pin.pins_needed)."""
    scripts = []
    held = enums_holding_values(changes)
    for c in ordered(changes):
        statements = statements_for(c)
        if statements:
            reason = destructive_reason(c, held)
            # (a name holding a line break would end the comment and start SQL: printed escaped)
            scripts.append((f"-- DESTRUCTIVE: {printable(reason)}\n" if reason else "") + render_sql(statements))
    head = preamble(changes)  # (the search_path first: marked_script runs each part in a transaction of its own)
    return pins_needed(scripts, retypes_in_session(changes)), \
        "\n".join(([render_sql(head)] if head and scripts else []) + scripts)
