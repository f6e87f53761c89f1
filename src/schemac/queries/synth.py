"""Synthetic rows generated from the model, for `check-queries` offline: every value a pure function of
(table, column, row number), so a foreign key can name its parent's row j and a query's param can draw a
value that exists, without keeping the rows.

- A key (primary key, UNIQUE, a unique index on columns): its columns split the row number in mixed radix,
  the columns with few values (an enum, a CHECK list, a `distribution:`) taking the low digits, one with
  room for the rest the quotient; the row numbers are first permuted ((a*i + c) mod n), so the physical
  order tells the planner nothing a real table would not.
- A foreign key column: the referenced column's value at a parent row (chosen the same way, so a unique
  foreign key is one-to-one); a multi-column foreign key takes all its columns from one parent row.
- Any other column: a uniformly drawn value of its domain (values.py), NULL at `null_fraction`.
- Identity and generated columns, and columns whose default calls nextval(), are left to the server.
"""

from __future__ import annotations

import random
import math
import zlib
from dataclasses import dataclass
from typing import Callable, Optional

from schemac.model import Schema, Table
from schemac.queries.values import Bounds, Domain, GenerationError, check_bounds, column_domain

Value = Callable[[int], Optional[str]]
CHUNK_ROWS = 20_000  # rows per COPY write, and per random stream
Chunk = Callable[[int, int], list]  # rows [start, stop) -> their values, NULL as \\N


def _salt(*names: str) -> int:
    return zlib.crc32(".".join(names).encode("utf-8")) * 0x100000001


def _permutation(n: int, salt: int) -> Callable[[int], int]:
    """A bijection of [0, n): i -> (a*i + c) mod n with a prime to n."""
    if n <= 2:
        return lambda i: i
    a = (salt % n) | 1
    while math.gcd(a, n) != 1:
        a += 2
    c = (salt >> 20) % n
    return lambda i: (a * i + c) % n


@dataclass
class TablePlan:
    """What COPY writes for one table: the columns it sets, each a function of a chunk of row numbers;
    `at` holds the columns whose value at any row is known (keys, identities: what a foreign key or a
    param can point at)."""

    table: Table
    rows: int
    columns: list[str]
    chunks: dict[str, Chunk]  # called with start a multiple of CHUNK_ROWS: the rows' random draws are per chunk
    at: dict[str, Value]
    _seen: tuple = (None, [])  # the chunk `sample` computed last

    def chunk(self, start: int, stop: int) -> str:
        """Rows [start, stop) in COPY's text format."""
        cols = [self.chunks[c](start, stop) for c in self.columns]
        return "\n".join(map("\t".join, zip(*cols))) + "\n"

    def sample(self, column: str, rng: random.Random) -> Optional[str]:
        """The column's value in a random row (None for NULL; as COPY reads it)."""
        row = rng.randrange(self.rows)
        if column in self.at:
            return self.at[column](row)
        start = row - row % CHUNK_ROWS
        if self._seen[0] != (column, start):
            self._seen = ((column, start), self.chunks[column](start, min(start + CHUNK_ROWS, self.rows)))
        value = self._seen[1][row - start]
        return None if value == "\\N" else value


class Planner:
    """Plans every table of a schema at the sizes given (tables not given: `default_rows`)."""

    def __init__(self, schema: Schema, sizes: dict[str, int], default_rows: int = 1000):
        self.schema = schema
        self.default_rows = default_rows
        self.sizes = _one_to_one(schema, sizes, default_rows)
        self.enums = {(e.name if e.schema == "public" else f"{e.schema}.{e.name}"): e.values for e in schema.enums}
        self.domains = {(d.name if d.schema == "public" else f"{d.schema}.{d.name}"): (d.type, d.checks)
                        for d in schema.domains}
        self.plans: dict[str, TablePlan] = {}

    def order(self) -> list[Table]:
        """Tables parents first (foreign keys); partitions are filled through their parent."""
        tables = {t.qualified_name: t for t in self.schema.tables if t.partition_of is None}
        done: list[Table] = []
        seen: set[str] = set()

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in seen:
                return
            if name in path:
                raise GenerationError(f"the foreign keys of {' -> '.join(path + (name,))} form a cycle; "
                                      "check-queries cannot fill them")
            t = tables[name]
            for fk in t.foreign_keys:
                parent = f"{fk.ref_schema}.{fk.ref_table}"
                if parent != name and parent in tables:
                    visit(parent, path + (name,))
            seen.add(name)
            done.append(t)

        for name in tables:
            visit(name, ())
        return done

    def plan_all(self) -> list[TablePlan]:
        return [self.plan(t) for t in self.order()]

    def plan(self, t: Table) -> TablePlan:
        try:
            plan = self._plan(t)
        except GenerationError as e:  # at the column's (or the table's) line of schema.yaml
            raise GenerationError(f"table {t.qualified_name}: {e.message}", e.source or t.source) from None
        self.plans[t.qualified_name] = plan
        return plan

    def _plan(self, t: Table) -> TablePlan:
        n = self.sizes.get(t.qualified_name, self.default_rows)
        bounds = check_bounds(t.checks)
        server_set = {c.name for c in t.columns if c.identity is not None or c.generated is not None
                      or (c.default is not None and "nextval(" in c.default.lower())}
        at: dict[str, Value] = {}
        for c in t.columns:
            if c.name in server_set and c.generated is None:  # COPY numbers them in order, from the start
                o = c.identity.options if c.identity is not None else None
                start, step = (o.start or 1, o.increment or 1) if o is not None else (1, 1)
                at[c.name] = (lambda s, d: lambda i: str(s + i * d))(start, step)
        domains: dict[str, Domain] = {}
        groups: dict[str, tuple] = {}
        for fk in t.foreign_keys:
            parent = self.plans.get(f"{fk.ref_schema}.{fk.ref_table}")
            if parent is None or parent.table is t:
                raise GenerationError(f"foreign key ({', '.join(fk.columns)}) references {fk.ref_schema}.{fk.ref_table}, "
                                      "which is filled after it (a self-reference)")
            missing = [r for r in fk.ref_columns if r not in parent.at]
            if missing:
                raise GenerationError(f"foreign key ({', '.join(fk.columns)}) references {', '.join(missing)}, whose "
                                      "values are not known row by row")
            if len(fk.columns) == 1:
                domains[fk.columns[0]] = Domain(parent.rows, parent.at[fk.ref_columns[0]])
            else:
                groups.update({c: (parent, r, fk.columns) for c, r in zip(fk.columns, fk.ref_columns)})
        for c in t.columns:
            if c.name not in server_set and c.name not in domains and c.name not in groups:
                try:
                    domains[c.name] = column_domain(c, bounds.get(c.name) or Bounds(), self.enums, self.domains)
                except GenerationError as e:
                    raise GenerationError(f"column {c.name}: {e.message}", c.source) from None
        perm = _permutation(n, _salt(t.qualified_name))
        perms = _Permuted(perm)
        keyed: dict[str, Chunk] = {}
        for key in _keys(t):
            if any(c in at and _unique_in(c, at, domains) for c in key):
                continue
            free = sorted((c for c in key if c not in at and c in domains), key=lambda c: domains[c].size)
            if not free:
                raise GenerationError(f"cannot make the key ({', '.join(key)}) unique: its columns are set otherwise")
            last, divisor = free[-1], 1
            for c in free[:-1]:  # the columns with fewer values than rows: the low digits
                size = domains[c].size
                if size >= n:
                    continue
                at[c] = (lambda dom, div, sz: lambda i: dom.value(perm(i) // div % sz))(domains[c], divisor, size)
                keyed[c] = perms.digit(domains[c].value, divisor, size)
                divisor *= size
            if n > divisor * domains[last].size:
                raise GenerationError(f"the key ({', '.join(key)}) has room for {divisor * domains[last].size:,} "
                                      f"distinct rows, fewer than the {n:,} asked for")
            at[last] = (lambda dom, div: lambda i: dom.value(perm(i) // div))(domains[last], divisor)
            keyed[last] = perms.digit(domains[last].value, divisor, None)
            domains[last] = Domain(n, at[last])  # unique now: what makes a later key unique too
        chunks: dict[str, Chunk] = {c: keyed.get(c) or _addressed(f) for c, f in at.items()}
        salt = _salt(t.qualified_name)
        for c in t.columns:
            name = c.name
            if name in chunks or name in server_set:
                continue
            if name in groups:
                parent, ref, group = groups[name]
                chunks[name] = _from_parent(parent, ref, _salt(t.qualified_name, *group))
                continue
            dom = domains[name]
            chunks[name] = _drawn(dom, min(dom.size, max(n, 1)), c.distribution, salt ^ _salt(t.qualified_name, name))
        return TablePlan(t, n, [c.name for c in t.columns if c.name not in server_set], chunks, at)


def _unique_in(column: str, at: dict, domains: dict[str, Domain]) -> bool:
    """A column already unique over the rows: a server-numbered one, or the quotient of a key."""
    return column not in domains or domains[column].value is at[column]


class _Permuted:
    """The permuted row numbers of the chunk being written, computed once for all the key columns."""

    def __init__(self, perm: Callable[[int], int]):
        self.perm = perm
        self.last: tuple = (None, [])

    def rows(self, start: int, stop: int) -> list[int]:
        if self.last[0] != (start, stop):
            self.last = ((start, stop), list(map(self.perm, range(start, stop))))
        return self.last[1]

    def digit(self, value: Callable[[int], str], div: int, size: Optional[int]) -> Chunk:
        """A key column's chunk: value(p // div % size) (no modulo for the quotient) of each permuted row p."""
        if size is None:
            return lambda start, stop: list(map(value, [p // div for p in self.rows(start, stop)] if div > 1
                                                else self.rows(start, stop)))
        return lambda start, stop: list(map(value, [p // div % size for p in self.rows(start, stop)]))


def _addressed(f: Value) -> Chunk:
    return lambda start, stop: [f(i) for i in range(start, stop)]


def _chunk_rng(salt: int, start: int) -> random.Random:
    return random.Random(salt * 1_000_003 + start)


def _from_parent(parent: "TablePlan", ref: str, salt: int) -> Chunk:
    """One column of a multi-column foreign key: every column of it draws the same parent rows."""
    f = parent.at[ref]

    def chunk(start: int, stop: int) -> list:
        r = _chunk_rng(salt, start).random
        return [f(int(r() * parent.rows)) for _ in range(stop - start)]
    return chunk


def _drawn(dom: Domain, size: int, dist, salt: int) -> Chunk:
    """Values drawn uniformly from dom's first `size` (or by the distribution's weights), NULL at its
    fraction."""
    weights = list(dist.weights) if dist is not None and dist.weights else None
    null = (dist.null_fraction or 0.0) if dist is not None else 0.0
    value = dom.value
    small = [value(k) for k in range(size)] if size <= 100_000 else None
    parts = dom.drawn(size) if small is None else None

    def chunk(start: int, stop: int) -> list:
        rng = _chunk_rng(salt, start)
        m = stop - start
        if small is not None:
            out = rng.choices(small, weights=weights, k=m)
        elif parts is not None:
            out = list(map(str.__add__, rng.choices(parts[0], k=m), rng.choices(parts[1], k=m)))
        else:
            r = rng.random
            out = [value(int(r() * size)) for _ in range(m)]
        if null:
            r = rng.random
            out = [v if r() >= null else "\\N" for v in out]
        return out

    return chunk


def _keys(t: Table) -> list[tuple[str, ...]]:
    """The column lists that must be unique: primary key, UNIQUE constraints, unique indexes on plain
    columns without a predicate; shortest first."""
    keys = [t.primary_key.columns] if t.primary_key is not None else []
    keys += [u.columns for u in t.uniques]
    keys += [tuple(e.column for e in i.elements) for i in t.indexes  # type: ignore[misc]
             if i.unique and i.where is None and all(e.column is not None for e in i.elements)]
    return sorted(keys, key=len)


def _one_to_one(schema: Schema, sizes: dict[str, int], default_rows: int) -> dict[str, int]:
    """The sizes, each parent of a unique foreign key (one-to-one) at least as large as its child."""
    out = dict(sizes)
    changed = True
    while changed:
        changed = False
        for t in schema.tables:
            for fk in t.foreign_keys:
                parent = f"{fk.ref_schema}.{fk.ref_table}"
                need = out.get(t.qualified_name, default_rows)
                if parent != t.qualified_name and set(fk.columns) in [set(k) for k in _keys(t)] \
                        and out.get(parent, default_rows) < need:
                    out[parent] = need
                    changed = True
    return out
