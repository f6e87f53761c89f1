"""INHERITS: a table's parents, and the columns they give it (Postgres's MergeAttributes: the parents'
columns first, in order, one per name; then the table's own; a column the table declares again keeps
its place and takes the table's definition). A child's `column_order:` overrides that order (a table
made first and joined to its parents by ALTER TABLE ... INHERIT keeps its own): the columns it names
first, in its order, then the others in the order above (where a column added to a parent later lands)."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from yaml import MappingNode

from schemac.errors import SchemaFileError
from schemac.model import Column, Parent, Source, Table
from schemac.model.tables import inherited_column
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.typewriter import Flow

PARENT_KEYS = {"table": True, "extension": True}


class InheritsReader(FieldReader):
    """Reads a table's `inherits:` list: `parent` (in the table's schema) or `schema.parent`, or an extension's table
    `{table: tiger.addr, extension: postgis_tiger_geocoder}` (the child then lists every column it has)."""

    def inherits(self, f: dict, what: str, schema: str) -> tuple[Parent, ...]:
        if "inherits" not in f:
            return ()
        out: list[Parent] = []
        for item in self.w.sequence(f["inherits"][1], f"inherits of {what}"):
            extension = None
            if isinstance(item, MappingNode):
                pf = self.w.fields(item, f"parent of {what}", PARENT_KEYS)
                extension = self.identifier(pf["extension"][1], f"extension of parent of {what}")
                item = pf["table"][1]
            text = self.identifier(item, f"parent of {what}")
            parent_schema, _, name = text.rpartition(".")
            parent = Parent(name, parent_schema or schema, extension)
            if any((p.schema, p.name) == (parent.schema, parent.name) for p in out):
                raise self.fail(item, f"{what} inherits from {text} twice")
            out.append(parent)
        if not out:
            raise self.fail(f["inherits"][1], f"inherits of {what} is empty")
        return tuple(out)

    def column_order(self, f: dict, what: str, key: tuple[str, str], inherits: tuple[Parent, ...]) -> None:
        """Reads `column_order:` (the child's columns, its parents' among them, in their order), kept for
        resolve_inherits, which knows the parents' columns."""
        if "column_order" in f:
            node = f["column_order"][1]
            if not inherits:
                raise self.fail(node, f"column_order of {what}: only a table with inherits takes it (a table's own "
                                      "columns come in the order columns: lists them)")
            names: list[tuple[str, Source]] = []
            for item in self.w.sequence(node, f"column_order of {what}"):
                name = self.identifier(item, f"column of column_order of {what}")
                if any(name == n for n, _ in names):
                    raise self.fail(item, f"column_order of {what} lists column '{name}' twice")
                names.append((name, self.w.src(item)))
            if not names:
                raise self.fail(node, f"column_order of {what} is empty")
            self.__dict__.setdefault("_column_orders", {})[key] = tuple(names)
        if "inherited_only" in f:
            if not inherits:
                raise self.fail(f["inherited_only"][1], f"inherited_only of {what}: only a table with inherits takes "
                                                        "it (the columns it has from its parents only)")
            only: list[tuple[str, Source]] = []
            for item in self.w.sequence(f["inherited_only"][1], f"inherited_only of {what}"):
                name = self.identifier(item, f"column of inherited_only of {what}")
                if any(name == n for n, _ in only):
                    raise self.fail(item, f"inherited_only of {what} lists column '{name}' twice")
                only.append((name, self.w.src(item)))
            self.__dict__.setdefault("_inherited_only", {})[key] = tuple(only)

    def validated_checks(self, f: dict, what: str, inheriting: bool) -> tuple[str, ...]:
        """`validated_checks: [name]` of a partition or INHERITS child: the CHECKs it inherits that are validated
        on it while NOT VALID on its parent (check_validated_checks holds each to that)."""
        if "validated_checks" not in f:
            return ()
        node = f["validated_checks"][1]
        if not inheriting:
            raise self.fail(node, f"{what}: validated_checks are a partition's or an INHERITS child's (the CHECKs "
                                  "it inherits that are validated on it while NOT VALID on its parent)")
        names = [self.identifier(item, f"check of validated_checks of {what}")
                 for item in self.w.sequence(node, f"validated_checks of {what}")]
        if len(set(names)) != len(names):
            raise self.fail(node, f"validated_checks of {what} lists a check twice")
        return tuple(sorted(names))

    def column_orders(self) -> dict:
        """The `column_order:` of each table that has one (by key): the names with where each is written; and
        under ("inherited_only", key) the `inherited_only:` names of those that have one."""
        only = {("inherited_only", k): v for k, v in self.__dict__.get("_inherited_only", {}).items()}
        return {**self.__dict__.get("_column_orders", {}), **only}


def parent_spec(p: Parent, schema: str) -> object:
    """A parent as `inherits:` lists it: its name (qualified outside the child's schema); an extension's as a mapping."""
    name = p.name if p.schema == schema else f"{p.schema}.{p.name}"
    return name if p.extension is None else Flow({"table": name, "extension": p.extension})


def merged_columns(t: Table, parents: list[Table]) -> tuple[Column, ...]:
    """The columns of `t` once its parents' are merged in."""
    merged: dict[str, Column] = {}
    for p in parents:
        for c in p.columns:
            merged.setdefault(c.name, inherited_column(c, t.source))
    for c in t.columns:
        was = merged.get(c.name)
        merged[c.name] = c if was is None else replace(
            c, nullable=c.nullable and was.nullable, default=c.default if c.default is not None else was.default)
    return tuple(merged.values())


def _ordered(t: Table, columns: tuple[Column, ...], order: tuple) -> tuple[Column, ...]:
    """`columns` in `t`'s column_order: those it names first, then the others as they come."""
    by_name = {c.name: c for c in columns}
    for name, at in order:
        if name not in by_name:
            raise SchemaFileError(f"column_order of table {t.qualified_name} names column '{name}', which neither "
                                  f"it nor its parents have; columns: {', '.join(sorted(by_name))}", at)
    named = [n for n, _ in order]
    return tuple([by_name[n] for n in named] + [c for c in columns if c.name not in named])


def _inherited_only(t: Table, parents: list[Table], names: tuple) -> tuple[str, ...]:
    """`inherited_only:` of `t`: each a column of its parents' (and in its parents' order of its own); under an
    extension's table, which schema.yaml does not declare, a column `t` lists."""
    given = {c.name for p in parents for c in p.columns}
    if any(p.extension is not None for p in t.inherits):
        given |= {c.name for c in t.columns}
    for name, at in names:
        if name not in given:
            raise SchemaFileError(f"inherited_only of table {t.qualified_name} names column '{name}', which its "
                                  f"parents do not have; theirs: {', '.join(sorted(given))}", at)
    return tuple(n for n, _ in names)


def resolve_inherits(tables: list[Table], orders: Optional[dict] = None) -> list[Table]:
    """Every table with `inherits` given its parents' columns (parents before children, so a grandchild
    gets its grandparent's too), in its `column_order` where `orders` (by key) gives one. A parent must be
    declared, and not be partitioned."""
    by_key = {t.key: t for t in tables}
    done: dict[tuple[str, str], Table] = {}

    def resolve(t: Table, path: tuple) -> Table:
        if t.key in done:
            return done[t.key]
        parents = []
        for p in t.inherits:
            if p.extension is not None:
                continue  # the extension's table: the child lists its columns (document_checks.extension_tables_known)
            parent: Optional[Table] = by_key.get((p.schema, p.name))
            if parent is None or parent.partition_by is not None or parent.partition_of is not None:
                raise SchemaFileError(f"table {t.qualified_name} inherits from {p.schema}.{p.name}, which schema.yaml "
                                      "does not declare as a table (partitioned tables and partitions cannot be "
                                      "inherited from)", t.source)
            if parent.key in path:
                raise SchemaFileError(f"table {t.qualified_name} inherits from itself (through "
                                      f"{p.schema}.{p.name})", t.source)
            parents.append(resolve(parent, path + (t.key,)))
        out = replace(t, columns=merged_columns(t, parents)) if parents else t
        if t.key in (orders or {}):
            out = replace(out, columns=_ordered(t, out.columns, orders[t.key]))  # type: ignore[index]
        if t.inherits and (t.key in (orders or {}) or ("inherited_only", t.key) in (orders or {})):
            out = replace(out, inherited_only=_inherited_only(t, parents, (orders or {}).get(("inherited_only", t.key), ())))
        done[t.key] = out
        return out

    return [resolve(t, ()) for t in tables]


def own_columns(t: Table, tables: dict, reordered: bool = False) -> tuple[Column, ...]:
    """What `inspect` writes of a child's columns (`tables`: by key): all but those it has exactly as its
    parents give them, which merged_columns() puts back, and but those it declares again (attislocal: CREATE
    TABLE ... INHERITS declaring them keeps them so) where it is not `reordered` (column_order: inherited_only). A column with no default where its parent has one
    (ALTER TABLE child ALTER ... DROP DEFAULT) is written `default: 'NULL'`: merged, it would take the
    parent's; CREATE TABLE ... (c type DEFAULT NULL) INHERITS stores none."""
    given: dict[str, Column] = {}
    for p in t.inherits:
        for c in getattr(tables.get((p.schema, p.name)), "columns", ()):
            given.setdefault(c.name, inherited_column(c, None))
    local = set() if reordered else {c.name for c in t.columns if c.name not in t.inherited_only}
    own = (c for c in t.columns if given.get(c.name) != replace(c, source=None) or c.name in local)
    return tuple(replace(c, default="NULL") if c.name in given and c.default is None and c.identity is None
                 and c.generated is None and given[c.name].default is not None else c for c in own)


def check_validated_checks(tables: list[Table]) -> None:
    """Each name under a table's validated_checks is a NOT VALID CHECK (not NO INHERIT) of a table above it."""
    by_key = {t.key: t for t in tables}

    def ancestors(t: Table, seen: set) -> list[Table]:
        keys = [(p.schema, p.name) for p in t.inherits]
        if t.partition_of is not None:
            keys.append((t.partition_of.parent_schema, t.partition_of.parent))
        out = []
        for k in keys:
            if k in by_key and k not in seen:
                seen.add(k)
                out += [by_key[k]] + ancestors(by_key[k], seen)
        return out

    for t in tables:
        if not t.validated_checks:
            continue
        not_valid = {c.name for a in ancestors(t, set()) for c in a.checks if c.not_valid and not c.no_inherit}
        for name in t.validated_checks:
            if name not in not_valid:
                raise SchemaFileError(f"validated_checks of table {t.qualified_name} name '{name}', which is no "
                                      "NOT VALID CHECK (not_valid: true) of a table it inherits from", t.source)
