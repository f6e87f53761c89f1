"""The order statements run in: a topological order of the changes' dependency graph.

Edges come from plan.dependencies: whatever makes a key runs before whatever needs it; whatever frees
a key runs before whatever removes it; whatever removes a key runs before whatever makes it again
(drop, then re-create). Where the graph leaves a choice, the kinds' order in compare.changes.KINDS
decides (drops before creates, comments last), then the differ's order (schema.yaml's order), so a
plan reads the same from run to run.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from schemac.compare.changes import KINDS, Change
from schemac.plan.implied import plan_deps
from schemac.plan.defaults_after import defaults_after
from schemac.plan.name_swaps import through_scratch
from schemac.plan.not_null_order import loosened_by_retypes
from schemac.plan.owner_moves import detached_first
from schemac.plan.populate import deferred_views, emptied_after, emptied_views, split as split_populated
from schemac.plan.stubs import on_cycles, self_readers, split, stubbed_view

_RANK = {k: n for n, k in enumerate(KINDS)}


def edges(changes: list[Change]) -> dict[int, set[int]]:
    """i -> {j, ...}: change i must run before each change j (indexes into `changes`)."""
    d = plan_deps(changes)
    makers, removers = defaultdict(list), defaultdict(list)
    # ("column", s, t, "*"): every column of t (a `*` or a listless INSERT read it): the tables some change reads so,
    # whose columns' makers and removers alone are listed under it too (at 1,000 new tables, 11,474 columns for none)
    starred = {key[:3] for x in d for key in (*x.needs, *x.frees) if key[0] == "column" and key[3] == "*"}
    for i, x in enumerate(d):
        for key in x.makes:
            makers[key].append(i)
            if starred and key[0] == "column" and key[:3] in starred:
                makers[(*key[:3], "*")].append(i)
        for key in x.removes:
            removers[key].append(i)
            if starred and key[0] == "column" and key[:3] in starred:
                removers[(*key[:3], "*")].append(i)
    out: dict[int, set[int]] = defaultdict(set)
    for i, x in enumerate(d):
        for key in x.needs:
            for m in makers.get(key, ()):
                out[m].add(i)
        for key in x.frees:
            for r in removers.get(key, ()):
                out[i].add(r)
        for key in x.makes:
            for r in removers.get(key, ()):
                if key in x.removes:  # a change that alters a key in place is its own remover
                    continue
                if key in d[r].makes or changes[i].kind == "rename_table" and changes[r].kind in ("drop_column", "drop_table"):
                    out[i].add(r)  # r alters in place what x makes (RENAME COLUMN c TO e, then ALTER COLUMN e TYPE;
                    # RENAME TO u, then DROP COLUMN g of u, as compare.around's; a table renamed aside, then
                    # dropped there: compare.taken_names): it must exist first
                else:
                    out[r].add(i)
    for i in out:
        out[i].discard(i)
    return out


def ordered(changes: list[Change]) -> list[Change]:
    """The changes in an order Postgres accepts. A view created or dropped on a cycle, or reading itself, is
    made of a stub and the rest (plan.stubs); another cycle (two changes each waiting on the other) is
    broken at the change the kinds' order puts first; see `cycles`."""
    changes, order, _ = _planned(changes)
    return [changes[i] for i in order]


def cycles(changes: list[Change]) -> list[Change]:
    """The changes `ordered` had to run before something they wait for: empty when the graph is acyclic (but for
    the views it makes of a stub and the rest)."""
    changes, _, broken = _planned(changes)
    return [changes[i] for i in broken]


def _planned(changes: list[Change]) -> tuple[list[Change], list[int], list[int]]:
    """The changes, views on a cycle (or reading themselves) split (plan.stubs), new materialized views populated
    last split (plan.populate); their order; the cycles broken."""
    changes = through_scratch(changes)  # a swap of two relations' names (plan.name_swaps)
    changes = detached_first(changes)  # a sequence moved off a column the plan drops (plan.owner_moves)
    changes = loosened_by_retypes(changes)  # a NOT NULL its column's retype drops first: not twice (plan.not_null_order)
    emptied = emptied_views(changes)
    if emptied:
        changes = emptied_after(changes, emptied)
    populated_later = deferred_views(changes)
    if populated_later:
        changes = split_populated(defaults_after(changes, populated_later), populated_later)
    after = edges(changes)
    order, broken = _order(changes, after)
    which = self_readers(changes)
    if broken:
        which |= {i for i in on_cycles(after, len(changes)) if stubbed_view(changes[i]) is not None}
    if which:
        changes = split(changes, which)
        order, broken = _order(changes, edges(changes))
    return changes, order, broken


def _order(changes: list[Change], after: dict[int, set[int]]) -> tuple[list[int], list[int]]:
    waiting = [0] * len(changes)
    for targets in after.values():
        for j in targets:
            waiting[j] += 1
    rank = lambda i: (_RANK.get(changes[i].kind, len(_RANK)), i)  # noqa: E731
    ready = [rank(i) for i in range(len(changes)) if waiting[i] == 0]
    heapq.heapify(ready)
    out, broken, done = [], [], [False] * len(changes)
    while len(out) < len(changes):
        if not ready:
            i = min((i for i in range(len(changes)) if not done[i]), key=rank)
            broken.append(i)
            waiting[i] = 0
            heapq.heappush(ready, rank(i))
        _, i = heapq.heappop(ready)
        if done[i]:
            continue
        done[i] = True
        out.append(i)
        for j in after.get(i, ()):
            waiting[j] -= 1
            if waiting[j] == 0 and not done[j]:
                heapq.heappush(ready, rank(j))
    return out, broken
