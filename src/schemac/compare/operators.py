"""Operators compared: overloads keyed by (schema, symbol, left, right).

RESTRICT and JOIN change in place (ALTER OPERATOR ... SET, every supported major). Anything else (the
function, COMMUTATOR, NEGATOR, HASHES, MERGES: ALTER sets those only from PostgreSQL 17, and only where
unset) is a DROP and a CREATE; the owner (no privileges: operators have none) is compared where schema.yaml
pins it: `drop_operator` (cause OPERATOR_REBUILT) then `add_operator` (reported as
changed). Postgres refuses DROP OPERATOR under what uses it: that is made again around it as around a
function re-created (compare.around; views: compare.views, their `depends` name the operator; rules and
policies: compare.readers). An operator whose function this migration drops or re-creates goes the same way.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.aggregates import diff_overloads
from schemac.compare.changes import Change
from schemac.compare.around import OPERATOR_REBUILT
from schemac.compare.given_back import given_back, owners_by_default
from schemac.compare.routine_dependents import FUNCTION_REBUILT, dropped_functions
from schemac.model.references import as_read
from schemac.model import Operator, Schema
from schemac.model.operators import ALTERABLE


def in_place(old: Operator, new: Operator) -> bool:
    """Whether ALTER OPERATOR ... SET makes `new` of `old` (only RESTRICT and JOIN differ)."""
    return replace(old, comment=None, **{k: None for k in ALTERABLE}) == replace(new, comment=None,
                                                                                  **{k: None for k in ALTERABLE})


def links(o: Operator) -> set[tuple]:
    """The (schema, symbol, (left, right)) of each operator `o` names COMMUTATOR (its arguments swapped) or
    NEGATOR (its own)."""
    out = set()
    if o.commutator:
        out.add((*o.operator_key(o.commutator), (o.right, o.left or "NONE")))
    if o.negator:
        out.add((*o.operator_key(o.negator), o.identity))
    return out


def diff_operators(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """add_, drop_, alter_operator and comments (set_type_comment), with the operators dropped and created
    again around the functions `changes` drop."""
    gone = dropped_functions(changes)
    funcs = {(o.schema, o.signature): o.function for o in current.operators}
    read = tuple(replace(o, function=as_read(o.function, funcs.get((o.schema, o.signature)))) for o in desired.operators)
    cur = {(o.schema, o.name, o.identity): o for o in current.operators}
    des = {(o.schema, o.name, o.identity): o for o in read}

    def rebuild(old: Operator, new: Operator) -> Optional[str]:
        if (new.schema, new.name, new.identity) in linked_anew:
            return OPERATOR_REBUILT
        return FUNCTION_REBUILT if old.function_key() in gone else None if in_place(old, new) else OPERATOR_REBUILT

    def made(o: Operator) -> bool:  # created by this migration, new or again
        old = cur.get((o.schema, o.name, o.identity))
        return old is None or old.function_key() in gone or not in_place(old, o)
    # An operator a created one names COMMUTATOR or NEGATOR, which does not name it back: Postgres would give it the
    # link (it exists); dropped first and created after over the shell, it keeps none (plan.operator_links).
    linked_anew = {t for o in read if made(o) for t in links(o)
                   if t in des and t in cur and (o.schema, o.name, o.identity) not in links(des[t])}
    out = diff_overloads("operator", current.operators, read, rebuild)
    return out + orphaned_shells(current, read, out) + owner_changes(current, desired, out)


# The cause of a shell operator's DROP: the COMMUTATOR or NEGATOR Postgres made as a shell for an operator this
# migration drops, which nothing names any more.
SHELL_LEFT = "a shell operator the COMMUTATOR or NEGATOR of an operator dropped here had made, named by none any more"


def orphaned_shells(current: Schema, desired: tuple[Operator, ...], changes: list[Change]) -> list[Change]:
    """drop_shell_operator of each operator that an operator `changes` drop names COMMUTATOR or NEGATOR, which is none
    of the current model's (a shell, oprcode 0: `+ (timestamptz, numeric) COMMUTATOR = OPERATOR(-)` made
    `-(numeric, timestamptz)`; DROP OPERATOR leaves it, a fresh build has none) and no operator of `desired` names
    nor is. The model holds no shell (inspect lists them unmanaged): the DDL drops it only where it is one."""
    kept = {(o.schema, o.name, o.identity) for o in (*desired, *current.operators)} | {t for o in desired for t in links(o)}
    out: dict[tuple, Change] = {}
    for c in changes:
        for schema, name, (left, right) in links(c.old) - kept if c.kind == "drop_operator" else ():  # type: ignore
            shell = Operator(name, right, "", schema, None if left == "NONE" else left)
            out.setdefault((schema, shell.signature),
                           Change("drop_shell_operator", schema, "", shell.signature, shell, None, None, SHELL_LEFT))
    return list(out.values())


def owner_changes(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """set_operator_owner where schema.yaml pins another owner than the operator has (one `changes` create,
    or create again, has the migration's role: its owner is set after), or pins none on one another role owns
    (compare.given_back)."""
    made = {(c.schema, c.name) for c in changes if c.kind == "add_operator"}
    cur = {(o.schema, o.signature): o for o in current.operators}
    out: list[Change] = []
    back = owners_by_default(current)
    for o in desired.operators:
        old = None if (o.schema, o.signature) in made else cur.get((o.schema, o.signature))
        if o.owner is not None and o.owner != (old.owner if old is not None else None) or given_back(old, o, back):
            out.append(Change("set_operator_owner", o.schema, "", o.signature, old, o))
    return out


def operator_text(o: Operator) -> str:
    """One line for reports: OPERATOR op(left, right) (FUNCTION = f, ...), what is set."""
    options = [f"{k.upper()} = {getattr(o, k)}" for k in ("function", "commutator", "negator", "restrict", "join")
               if getattr(o, k) is not None]
    options += [k.upper() for k in ("hashes", "merges") if getattr(o, k)]
    return f"OPERATOR {o.signature} ({', '.join(options)})"
