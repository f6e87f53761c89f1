"""Views whose query reads the view itself, directly (CREATE OR REPLACE VIEW v AS ... FROM v) or through a function
or type of its row type (a view calling f(v), f taking v's row): no order creates them from their queries alone.
They are made as pg_dump makes them: a stub of their columns first (`CREATE VIEW v AS SELECT NULL::integer AS a,
...`), what needs the view's row type next, then the query (`CREATE OR REPLACE VIEW`); and one dropped is first
emptied to such a stub, so that what its query reads can go before it. Which views: those reading themselves, and
those whose creation or drop the plan's dependency graph finds on a cycle (plan.graph.ordered splits them).

A stub's columns are Postgres's answer for the query (`View.output`); in the throwaway build that computes it
(commands.views), the types schema.yaml gives every column (`columns: {a: {type: integer}}`), which `inspect`
writes for such views."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.view_reads import reads_itself
from schemac.model import View

# The cause of a stub: the view's CREATE VIEW of its columns alone (kind add_view or replace_view), or the CREATE OR
# REPLACE VIEW that empties it before its DROP (kind drop_view).
STUB = "a stub of its columns, its query reading the view itself"
# The cause of the rest: the query, by CREATE OR REPLACE VIEW over the stub; the DROP VIEW of the stub.
STUBBED = "over its stub"

_CREATES = ("add_view", "replace_view")


def stubbed_view(c: Change) -> Optional[View]:
    """The view of a change that may be split into a stub and the rest: a plain view created or dropped, whose
    stub's columns are known."""
    if c.cause in (STUB, STUBBED):
        return None
    v = c.new if c.kind in _CREATES else c.old if c.kind == "drop_view" else None
    if isinstance(v, View) and not v.materialized and v.stub_columns:
        return v
    return None


def self_readers(changes: list[Change]) -> set[int]:
    """The changes creating or dropping a view that reads itself (no cycle of the graph shows it: a change's needs
    leave out what it makes). A view dropped whose name a renamed table takes (Windmill's stand-in view queue, its
    table v2_job_queue renamed back to queue) reads that table under the name (compare.moves.reading_moved names its
    reads as they are after the RENAME TO), not itself: its row type alone tells, and it is dropped, not emptied first."""
    taken = {(c.new.schema, c.new.name) for c in changes if c.kind == "rename_table"}  # type: ignore[union-attr]
    out = set()
    for i, c in enumerate(changes):
        v = stubbed_view(c)
        if v is not None and reads_itself(v, ("type",) if c.kind == "drop_view" and v.key in taken else
                                          ("table", "column", "type")):
            out.add(i)
    return out


def split(changes: list[Change], which: set[int]) -> list[Change]:
    """`changes` with each of `which` made two: its stub (STUB) and the rest (STUBBED)."""
    out: list[Change] = []
    for i, c in enumerate(changes):
        out.extend((replace(c, cause=STUB), replace(c, cause=STUBBED)) if i in which else (c,))
    return out


def on_cycles(after: dict[int, set[int]], count: int) -> set[int]:
    """The nodes of `after` (0..count-1) that lie on a cycle: those of its strongly connected components of more
    than one node (Tarjan's algorithm, without recursion)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    out: set[int] = set()
    for root in range(count):
        if root in index:
            continue
        work = [(root, iter(sorted(after.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            step = next(targets, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(after.get(step, ())))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    x = stack.pop()
                    on_stack.discard(x)
                    component.append(x)
                    if x == node:
                        break
                if len(component) > 1:
                    out.update(component)
    return out
