"""An INHERITS child's CHECKs across a change of its parents.

Postgres passes a parent's CHECKs (all but NO INHERIT ones) down to its children under the parent's
constraint names, and merges a child's own CHECK of the same name and definition into the inherited
one. So, for the differ:

- a CHECK a child has from a parent it keeps (or joins) is the parent's, not the child's: it is left out
  on both sides (a child's own one merged with it stays merged; neither side lists it as the child's);
- `ALTER TABLE child INHERIT parent` needs the child to hold each of those CHECKs already: the ones it
  lacks are added just before (cause FOR_INHERIT), and merge into the inherited ones;
- `ALTER TABLE child NO INHERIT parent` leaves them on the child as its own: they count as the child's
  from then on, so one schema.yaml drops is dropped after the NO INHERIT (cause AFTER_NO_INHERIT); a copy of a
  parent's NOT VALID CHECK that is validated on the child (validated_checks) is left validated, so one schema.yaml
  declares NOT VALID is added again so.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import NUMBERED_BY_PARENT, Change
from schemac.compare.normalize import normal_form, same_values
from schemac.compare.partitioning import partition_of_key
from schemac.model import Check, Table
from schemac.pg.names import constraint_name

FOR_INHERIT = "needed by the INHERIT that follows"
AFTER_NO_INHERIT = "left on the table by NO INHERIT"


def _inheritable(parent: Optional[Table]) -> list[Check]:
    return [c for c in parent.checks if not c.no_inherit] if parent is not None else []


def _named_like(c: Check, parents: list[Check]) -> bool:
    """Whether `c` is (or merges into) one of the parents' CHECKs: the same name and definition."""
    return c.name is not None and any(p.name == c.name and normal_form(p.expression) == normal_form(c.expression)
                                      for p in parents)


def _name_of(p: Check, current_parent: Optional[Table]) -> Optional[str]:
    """The name Postgres gave the parent's CHECK: schema.yaml's, else the current parent's of that definition."""
    if p.name is not None or current_parent is None:
        return p.name
    form = normal_form(p.expression)
    return next((c.name for c in current_parent.checks if normal_form(c.expression) == form), None)


def across_parents(cur: Table, des: Table, cur_tables: dict, des_tables: dict) -> tuple[Table, Table, list[Change], set]:
    """(cur, des) to diff, with the CHECKs of the parents `des` keeps or joins left out and those of the
    parents it leaves counted as its own; the CHECKs to add before each INHERIT; and the names of the
    CHECKs NO INHERIT leaves on the child."""
    if not cur.inherits and not des.inherits:
        return cur, des, [], set()
    kept_or_joined = [c for q in des.inherits for c in _inheritable(des_tables.get((q.schema, q.name)))]
    kept_or_joined += [c for q in des.inherits if q in cur.inherits
                       for c in _inheritable(cur_tables.get((q.schema, q.name)))]
    left = [c for q in cur.inherits if q not in des.inherits
            for c in _inheritable(cur_tables.get((q.schema, q.name)))]
    own = {c.name for c in cur.checks}
    left = [replace(c, not_valid=False) if c.not_valid and c.name in cur.validated_checks else c
            for c in left if c.name not in own]  # (a copy validated on the child stays so: validated_checks)
    cur_checks = [c for c in cur.checks if not _named_like(c, kept_or_joined)] + left
    des_checks = [c for c in des.checks if not _named_like(c, kept_or_joined)]
    before: list[Change] = []
    for q in des.inherits:
        if q in cur.inherits:
            continue
        parent = des_tables.get((q.schema, q.name))
        for p in _inheritable(parent):
            name = _name_of(p, cur_tables.get((q.schema, q.name)))
            if name is not None and name not in own:
                check = replace(p, name=name, comment=None, not_valid=False)
                before.append(Change("add_constraint", des.schema, des.name, name, None, check, des, FOR_INHERIT))
                own.add(name)
    return (replace(cur, checks=tuple(cur_checks)), replace(des, checks=tuple(des_checks)), before,
            {c.name for c in left})


def after_no_inherit(changes: list[Change], left: set) -> list[Change]:
    """The child's changes, those of the CHECKs NO INHERIT leaves on it run after it."""
    if not left:
        return changes
    return [replace(c, cause=AFTER_NO_INHERIT) if c.kind in ("drop_constraint", "add_constraint", "set_constraint_comment")
            and c.name in left and c.cause is None else c for c in changes]


def reordered_partition(t: Table, parent: Optional[Table]) -> bool:
    """Whether `t`, a partition, orders its columns otherwise than its parent (a table attached with its own
    order, as pg_dump and inspect keep it), or computes a generated column by an expression of its own (a table
    attached with it: PostgreSQL's generated.sql): PARTITION
    OF would give it the parent's order and the parent's expressions."""
    if t.partition_of is None or parent is None:
        return False
    mine, theirs = [c.name for c in t.columns], [c.name for c in parent.columns]
    if mine != theirs and sorted(mine) == sorted(theirs):
        return True
    expressions = {c.name: c.generated for c in parent.columns if c.generated is not None}
    return any(c.generated is not None and c.name in expressions and not same_values(c.generated, expressions[c.name])
               for c in t.columns)


def attached_partition(made: Table, parent: Table) -> tuple[Table, list[Change], Table]:
    """A new partition that keeps its own column order is made as it was: CREATE TABLE on its own, and ATTACH
    PARTITION among the changes that complete it. ATTACH needs the table to hold the parent's CHECKs (under their
    names: they merge into the inherited ones), added just before it (cause FOR_INHERIT). Returned: the table
    that CREATE TABLE and ATTACH make, the CHECKs, and the table CREATE TABLE makes: without the parent's identity
    columns' identity, which ATTACH refuses on the table and gives it (PostgreSQL 17+: one sequence, the parent's)."""
    copies = _copies(made, [(parent, c) for c in _inheritable(parent)])
    made = replace(made, partition_of=None)
    shared = {c.name for c in parent.columns if c.identity is not None}
    created = replace(made, columns=tuple(replace(c, identity=None) if c.name in shared else c for c in made.columns)) \
        if any(c.identity is not None and c.name in shared for c in made.columns) else made
    return made, copies, created


def _copies(made: Table, checks: list[tuple[Table, Check]]) -> list[Change]:
    """The parents' CHECKs (each with the table that declares it) the new table `made` must hold before its
    ATTACH or INHERIT, those it does not declare itself under their names (cause FOR_INHERIT)."""
    out: dict[str, Change] = {}
    own = {c.name for c in made.checks}
    for parent, c in checks:
        name = constraint_name(parent, c)
        if name not in own and name not in out:
            out[name] = Change("add_constraint", made.schema, made.name, name, None,
                               replace(c, name=name, comment=None, not_valid=False), made, FOR_INHERIT)
    return list(out.values())


def default_column_order(t: Table, parents: list[Table]) -> list[str]:
    """The order CREATE TABLE ... INHERITS gives `t`'s columns (Postgres's MergeAttributes): the parents'
    first, in order, one per name, then the table's others in its order."""
    names = list(dict.fromkeys(c.name for p in parents for c in p.columns))
    given = set(names)
    return names + [c.name for c in t.columns if c.name not in given]


def reordered_child(t: Table, tables: dict) -> bool:
    """Whether `t`, an INHERITS child, orders its columns otherwise than CREATE TABLE ... INHERITS would (a table
    made first and joined to its parents by ALTER TABLE ... INHERIT, as inspect writes it: column_order)."""
    parents = [tables.get((q.schema, q.name)) for q in t.inherits]
    if not parents or None in parents or t.partition_of is not None:
        return False
    return [c.name for c in t.columns] != default_column_order(t, parents)  # type: ignore[arg-type]


def scratch_made(t: Table) -> bool:
    """Whether a child in an order of its own is made through a scratch parent (plan.inherit_ddl): where it has
    columns from its parents only, or CHECKs (inherited_child)."""
    return bool(t.inherited_only) or t.checks_inherited


def _ancestors_checks(parent: Table, tables: dict, seen: frozenset = frozenset()) -> list[tuple[Table, Check]]:
    """The CHECKs a child of `parent` gets from it: its own (but NO INHERIT ones) and those it has from its own
    parents (schema.yaml lists a table's own only)."""
    out = [(parent, c) for c in _inheritable(parent)]
    for q in parent.inherits:
        up = tables.get((q.schema, q.name))
        if up is not None and up.key not in seen:
            out += _ancestors_checks(up, tables, seen | {parent.key})
    return out


def inherited_child(made: Table, tables: dict, current: Optional[dict] = None) -> tuple[Table, list[Change]]:
    """A new INHERITS child that keeps its own column order is made as it was: CREATE TABLE on its own with
    every column in that order (the returned table: NOT NULLs and generated columns as its parents', which
    INHERIT requires), then ALTER TABLE ... INHERIT each parent in turn (among the changes that complete it),
    after the parents' CHECKs it lacks (cause FOR_INHERIT), which INHERIT requires too. Those CHECKs schema.yaml
    does not list under its checks it has from its parents only (conislocal false, as inspect writes a child's: the
    ones it declared too are listed): it is made through a scratch parent holding them (checks_inherited). A CHECK
    an existing parent (in `current`) gains in the same migration is none of them: its ADD CONSTRAINT, after the
    INHERIT, reaches the child."""
    checks = [pc for q in made.inherits for pc in _ancestors_checks(tables[(q.schema, q.name)], tables)
              if _held_now(*pc, current or {})]
    columns = tuple(replace(c, not_null=replace(c.not_null, from_parent=False)) if c.not_null is not None else c
                    for c in made.columns)  # (declared NOT NULL: INHERIT requires it)
    made = replace(made, inherits=(), joins=made.inherits, columns=columns)
    copies = _copies(made, checks)
    if copies and not made.checks_inherited:
        made = replace(made, checks_inherited=True)
        copies = _copies(made, checks)
    return made, copies


def _held_now(parent: Table, c: Check, current: dict) -> bool:
    """Whether `parent`'s CHECK `c` is there before the migration (or `parent` is new: made with it)."""
    was = current.get(parent.key)
    return was is None or constraint_name(parent, c) in {constraint_name(was, x) for x in was.checks}


def identities_given_by_attach(cur: Table, des: Table, cur_tables: dict, des_tables: dict) -> tuple[Table, Table]:
    """(cur, des) to diff a table that is attached as a partition (`cur` was not, or was detached: of another parent,
    or under another bound): without the identity of the columns whose identity is the parent's (PostgreSQL 17+ gives a
    partition its parent's, one sequence). ATTACH gives the table that identity and refuses a table that has one of
    its own ("table being attached contains an identity column"): dropped before it, never added (a column the
    parent gains is added to the detached table without it). DETACH drops what the old parent gave (`cur` without
    it too), a partition detached to a table of its own included: 17+ drops the identity (before 17 the column held
    none), so one the table declares is added after the DETACH, not altered ("... is not an identity column")."""
    p, q = des.partition_of, cur.partition_of
    if q is None and p is None or partition_of_key(cur) == partition_of_key(des):
        return cur, des
    if p is not None:
        des = _without_identities(des, des_tables.get((p.parent_schema, p.parent)))
    return (_without_identities(cur, cur_tables.get((q.parent_schema, q.parent))) if q is not None else cur), des


def numbered_by_parents_identity(changes: list[Change], cur: Table, des: Table, des_tables: dict) -> list[Change]:
    """`changes` of a table attached as a partition (as identities_given_by_attach says), where it gains, while
    detached, a column its new parent holds as an identity: added NOT NULL without one, it is given the values of the
    rows it holds from the identity's sequence (cause NUMBERED_BY_PARENT), as the parent's ADD COLUMN gives its own
    partitions' rows; a plain ADD COLUMN ... NOT NULL fails on the first row ("contains null values")."""
    p = des.partition_of
    if p is None or partition_of_key(cur) == partition_of_key(des):
        return changes
    parent = des_tables.get((p.parent_schema, p.parent))
    shared = {c.name for c in parent.columns if c.identity is not None} if parent is not None else set()
    return [replace(c, cause=NUMBERED_BY_PARENT) if c.kind == "add_column" and c.cause is None and c.name in shared
            and not c.new.nullable and c.new.default is None else c for c in changes]  # type: ignore[union-attr]


def past_the_old_parent(changes: list[Change], cur: Table, des: Table) -> list[Change]:
    """`changes` of a partition detached from its parent (as identities_given_by_attach says), whose own identity is
    added after the DETACH: its rows' values came from the parent's sequence, which handed out more (rows deleted,
    or in other partitions): the new identity goes past it (past_old_parent), not only past the rows."""
    if cur.partition_of is None or partition_of_key(cur) == partition_of_key(des):
        return changes
    return [replace(c, past_old_parent=True) if c.kind == "alter_identity" and c.old.identity is None  # type: ignore
            else c for c in changes]


def _without_identities(t: Table, parent: Optional[Table]) -> Table:
    """`t` without the identity of the columns whose identity is `parent`'s."""
    shared = {c.name for c in parent.columns if c.identity is not None} if parent is not None else set()
    if not any(c.identity is not None and c.name in shared for c in t.columns):
        return t
    return replace(t, columns=tuple(replace(c, identity=None) if c.name in shared else c for c in t.columns))


def checks_for_attach(cur: Table, des: Table, cur_tables: dict, des_tables: dict) -> list[Change]:
    """An existing table attached as a partition (`des`; `cur` was none of that parent's): ATTACH refuses it
    without the parent's CHECKs it has then ("child table is missing constraint"), added just before (cause
    FOR_INHERIT; they merge into the inherited ones). Those the parent gains in the same migration are added after
    the ATTACH and reach it; a parent created in it has all of its own already."""
    p, q = des.partition_of, cur.partition_of
    if p is None or partition_of_key(cur) == partition_of_key(des) or \
            (q is not None and (q.parent_schema, q.parent) == (p.parent_schema, p.parent)):
        return []  # (another bound of the same parent: DETACH left the CHECKs on it, as its own)
    parent, was = des_tables.get((p.parent_schema, p.parent)), cur_tables.get((p.parent_schema, p.parent))
    present = None if was is None else {constraint_name(was, c) for c in was.checks}
    own = {c.name for c in cur.checks}
    return [Change("add_constraint", des.schema, des.name, name, None, replace(c, name=name, comment=None, not_valid=False),
                   des, FOR_INHERIT)
            for c in _inheritable(parent) for name in [constraint_name(parent, c)]  # type: ignore[arg-type]
            if (present is None or name in present) and name not in own]
