"""Enums, domains, composite and range types schema.yaml moves to another schema or renames (`renamed_from:
schema.name` or `name`): ALTER TYPE (DOMAIN) ... SET SCHEMA, RENAME TO, never DROP + CREATE; and the current model
as Postgres has it after them.

Postgres holds a type by OID: the columns, domains, attributes, range subtypes, function and aggregate signatures,
operators, casts and views naming it follow it, and the catalog then prints it under its new name (format_type,
`'x'::archive.mood` in pg_get_expr and pg_get_viewdef). Every such name of the current model is rewritten so, so that
the diff drops and creates nothing again around the move (a function's identity, which names its arguments' types,
moves with it). A range type's multirange type and constructor functions stay where they were (Postgres moves only
the range itself): the migration moves them too (plan.type_ddl), so that the database is as a new one would be."""

from __future__ import annotations

import re
from schemac.model.frozen import replace
from typing import Any, Optional

from schemac.compare.changes import Change
from schemac.compare.model_walk import rewritten
from schemac.compare.moves import old_key
from schemac.model import Dependency, Enum, ForeignServer, OperatorClass, RangeType, Schema, Trigger
from schemac.model.types import default_multirange
from schemac.pg.names import format_type_ident

Key = tuple[str, str]
_FIELDS = (("enum", "enums"), ("domain", "domains"), ("composite_type", "composite_types"),
           ("range_type", "range_types"))
# Fields holding a type's name (a column's type, a signature's, a cast's...), and those holding SQL text where the
# catalog prints a type as a cast (`'happy'::mood`).
_TYPES = frozenset(("type", "returns", "subtype", "stype", "mstype", "left", "right", "source_type", "target_type",
                    "of", "arguments", "function"))
_EXPRESSIONS = frozenset(("default", "expression", "generated", "where", "when", "using", "with_check", "definition",
                          "query", "actions"))  # (a rule's actions: pg_get_ruledef prints `'a'::feeling` after the move)


_NOT_TYPES = frozenset((("arguments", Trigger), ("type", ForeignServer)))


def spelled(key: Key) -> str:
    """A type's name as format_type prints it, the catalog reader's search_path being public."""
    schema, name = key
    return format_type_ident(name) if schema == "public" else f"{format_type_ident(schema)}.{format_type_ident(name)}"


def moved_types(current: Schema, desired: Schema) -> tuple[list[Change], Schema]:
    """A rename_type for each type `current` has under the old key `renamed_from` names (and not the new key; a
    new type schema.yaml makes under the old name is made after the rename frees it), and for each range type whose multirange schema.yaml names or places otherwise
    (Postgres renames and moves a multirange and its constructors in place: ALTER TYPE, ALTER FUNCTION, on 15, 16
    and 18), and `current` as Postgres has it after them."""
    changes: list[Change] = []
    moved: dict[Key, Key] = {}
    calls: dict[Key, Key] = {}  # a range's constructors (its multirange's in its schema), renamed with it
    for kind, field in _FIELDS:
        ranges = field == "range_types" and bool(desired.range_types)  # (a multirange renamed in place: below)
        if not ranges and not any(t.renamed_from for t in getattr(desired, field)):
            continue
        cur = {(t.schema, t.name): t for t in getattr(current, field)}
        des = {(t.schema, t.name): t for t in getattr(desired, field)}
        for key, t in des.items():
            was = old_key(t, cur) if t.renamed_from and key not in cur else None  # type: ignore[arg-type]
            if was is None and ranges and key in cur and cur[key].multirange_key != t.multirange_key:  # type: ignore
                was = key  # its multirange renamed or moved, the range kept: ALTER TYPE and FUNCTION, as below
            elif was is None:  # (`was` may be a new type's of schema.yaml: made once this rename frees its name)
                continue
            changes.append(Change("rename_type", t.schema, "", t.name, cur[was], t))
            moved[was] = key
            if isinstance(t, RangeType):  # its multirange type: moved and renamed by the migration too
                moved[cur[was].multirange_key] = t.multirange_key
                calls |= {was: key, (was[0], cur[was].multirange_name): (key[0], t.multirange_name)}
    return changes, _labels_renamed(_renamed(current, moved, calls) if moved else current, desired)


def label_renames(current: Enum, desired: Optional[Enum]) -> dict[str, str]:
    """The labels (old -> new) of `desired`'s `renamed_values` the migration renames: `current` holds the old label
    and not the new one (else the hint is spent, or another label holds the name)."""
    return {old: new for new, old in (desired.renamed_values if desired is not None else ())
            if old in current.values and new not in current.values}


def _labels_renamed(current: Schema, desired: Schema) -> Schema:
    """`current` with the enum labels schema.yaml's `renamed_values` rename (ALTER TYPE ... RENAME VALUE) renamed
    where an expression casts them (`'happy'::mood`, as pg_get_expr and pg_get_viewdef print a label, held by its OID):
    the CHECKs, defaults, indexes and views naming one follow it, nothing is made again around it."""
    if not any(e.renamed_values for e in desired.enums):
        return current
    cur, casts, labels = {(e.schema, e.name): e for e in current.enums}, [], {}
    for d in desired.enums:
        e = cur.get((d.schema, d.name))
        for old, new in label_renames(e, d).items() if e is not None else ():
            t = spelled((d.schema, d.name))
            casts.append((re.compile(re.escape(_quoted(old) + "::" + t) + r'(?![\w."$])'), _quoted(new) + "::" + t))
            labels.setdefault(t, {})[old] = new
    return _bounds_renamed(_walk(current, [], casts, {}), labels) if casts else current


_VALUES = r"((?:'(?:[^']|'')*'|[^'])*?)"  # (a bound's values: a label may hold a parenthesis or a comma)
_LIST = re.compile(r"^(\s*FOR\s+VALUES\s+IN\s*\()" + _VALUES + r"(\)\s*)$", re.I | re.S)
_RANGE = re.compile(r"^(\s*FOR\s+VALUES\s+FROM\s*\()" + _VALUES + r"(\)\s*TO\s*\()" + _VALUES + r"(\)\s*)$", re.I | re.S)
_LABEL = re.compile(r"'(?:[^']|'')*'")
_ITEM = re.compile(r"(?:'(?:[^']|'')*'|[^,'])+")


def _bounds_renamed(current: Schema, labels: dict[str, dict[str, str]]) -> Schema:
    """`current` with the list and range partitions' bounds as Postgres prints them after ALTER TYPE ... RENAME VALUE
    (`labels`: the enum as spelled -> old label -> new) of a key column of that enum: it holds each label by OID and
    prints it without a cast, `FOR VALUES IN ('joyful')`; else the partition was detached and attached again."""
    tables = {(t.schema, t.name): t for t in current.tables}
    out = []
    for t in current.tables:
        parent = tables.get((t.partition_of.parent_schema, t.partition_of.parent)) if t.partition_of else None
        key = parent.partition_by if parent is not None else None
        if key is None or key.strategy == "hash":
            out.append(t)
            continue
        columns = [parent.column(_unquoted(k)) for k in _split(key.key)]  # type: ignore[union-attr]
        renames = [labels.get(c.type, {}) if c is not None else {} for c in columns]
        bound = _bound_renamed(t.partition_of.bound, renames) if any(renames) else None  # type: ignore[union-attr]
        out.append(replace(t, partition_of=replace(t.partition_of, bound=bound)) if bound else t)
    return replace(current, tables=tuple(out))


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') and name.endswith('"') else name


def _bound_renamed(bound: str, renames: list[dict[str, str]]) -> Optional[str]:
    """A list or range bound with the labels `renames` renames (for each key column: old -> new) renamed at their
    places; None where it names none, or is not one of those (DEFAULT)."""
    def values(text: str) -> Optional[str]:  # (a range's: one per key column)
        items = [i.strip() for i in _ITEM.findall(text)]
        if len(items) != len(renames):
            return None
        return ", ".join(_LABEL.sub(lambda x: _label_renamed(x.group(0), r), i) for i, r in zip(items, renames))

    listed, ranged = _LIST.match(bound), _RANGE.match(bound)
    if listed is not None and len(renames) == 1:
        now = listed.group(1) + _LABEL.sub(lambda x: _label_renamed(x.group(0), renames[0]), listed.group(2)) + \
            listed.group(3)
    elif ranged is not None and (low := values(ranged.group(2))) is not None \
            and (high := values(ranged.group(4))) is not None:
        now = ranged.group(1) + low + ranged.group(3) + high + ranged.group(5)
    else:
        return None
    return now if now != bound else None


def _label_renamed(quoted: str, renames: dict[str, str]) -> str:
    label = quoted[1:-1].replace("''", "'")
    return _quoted(renames[label]) if label in renames else quoted


def _quoted(label: str) -> str:
    return "'" + label.replace("'", "''") + "'"


def row_types_moved(current: Schema, cur_tables: dict[Key, Any], renames: list[Change]) -> Schema:
    """`current`, and `cur_tables` in place, with every name of the row type of a table `renames` rename or move
    (compare.moves.renamed_tables) as the catalog prints it after: Postgres holds the row type by OID, so a function
    `RETURNS SETOF app.jobs`, an argument of it or a cast `::app.jobs` follows the table, and is not dropped and
    created again (its CREATE, naming the new name, would run before the RENAME: "type does not exist")."""
    moved = {(c.old.schema, c.old.name): (c.schema, c.table) for c in renames if c.kind == "rename_table"}  # type: ignore
    if not moved:
        return current
    rules, casts = _rules(moved)
    for key, table in cur_tables.items():
        cur_tables[key] = _walk(table, rules, casts, moved)
    return _walk(current, rules, casts, moved)


def view_row_types_moved(current: Schema, changes: list[Change]) -> Optional[Schema]:
    """`current` with every name of the row type of a view `changes` rename or move (rename_view: not one re-created)
    as the catalog prints it after, where a function's signature names one: Postgres holds it by OID, so `RETURNS SETOF
    v` and an argument of type v follow the ALTER VIEW. None where no signature names one (the diff stands). The views
    renamed are known only once the functions are compared (a view is re-created around a function dropped), so
    compare.differ compares again with this model: a function it drops and creates again no longer."""
    moved = {(c.old.schema, c.old.name): (c.new.schema, c.new.name) for c in changes  # type: ignore[union-attr]
             if c.kind == "rename_view"}
    if not moved:
        return None
    rules, casts = _rules(moved)
    signatures = [_walk((f.arguments, f.returns), rules, casts, moved, "type") for f in current.functions]
    if all(a is (f.arguments, f.returns) or a == (f.arguments, f.returns)
           for a, f in zip(signatures, current.functions)):
        return None
    return _walk(current, rules, casts, moved)


def _rules(moved: dict[Key, Key]) -> tuple[list, list]:
    """The patterns renaming each moved type where it is named as a type, and where it is cast to."""
    rules = [(re.compile(r'(?<![\w."$])' + re.escape(spelled(was)) + r'(?=(?:\[\d*\])*(?:$|[,)\s]))'), spelled(now))
             for was, now in moved.items()]
    casts = [(re.compile(r'::' + re.escape(spelled(was)) + r'(?![\w."$])'), "::" + spelled(now))
             for was, now in moved.items()]
    return rules, casts


def _renamed(current: Schema, moved: dict[Key, Key], calls: dict[Key, Key]) -> Schema:
    """`current` with the types `moved` (old key -> new) where they are now, and every name of them so (the range
    constructors `calls` renames where an expression calls them: `span(a, b)` follows ALTER FUNCTION, prop48b)."""
    rules, casts = _rules(moved)
    casts += [(re.compile(r'(?<![\w."$])' + re.escape(spelled(was)) + r'(?=\()'), spelled(now))
              for was, now in calls.items() if was != now]
    fields: dict[str, Any] = {}
    for _, field in _FIELDS:
        fields[field] = tuple(_moved_type(t, moved) for t in getattr(current, field))
    current = replace(current, **fields)
    return _walk(current, rules, casts, moved)


def _moved_type(t: Any, moved: dict[Key, Key]) -> Any:
    now = moved.get((t.schema, t.name))
    if now is None:
        return t
    if isinstance(t, RangeType):  # its constructors and multirange: moved and renamed by the migration too
        m_now = moved[t.multirange_key]
        names = {t.name: now[1], t.multirange_name: m_now[1]}  # its constructors all in the range's schema
        elsewhere = m_now[0] != now[0]
        t = replace(t, multirange=None if m_now[1] == default_multirange(now[1]) and not elsewhere else m_now[1],
                    multirange_schema=m_now[0] if elsewhere else None,
                    constructors=tuple(replace(c, schema=now[0], name=names.get(c.name, c.name), range=now[1])
                                       for c in t.constructors))
    return replace(t, schema=now[0], name=now[1])


def _types(text: str, rules: list) -> str:
    """A type's name (or names: a signature's, `TABLE(a t, ...)`) with the moved types' new names."""
    if text.startswith("TABLE(") and text.endswith(")"):  # a column's name is no type: only what follows it
        parts = _split(text[len("TABLE("):-1])
        return "TABLE(" + ", ".join(_column(p, rules) for p in parts) + ")"
    for pattern, now in rules:
        text = pattern.sub(now, text)
    return text


def _column(part: str, rules: list) -> str:
    m = re.match(r'("(?:[^"]|"")*"|\S+)(\s+)(.*)$', part, re.S)
    return part if m is None else m.group(1) + m.group(2) + _types(m.group(3), rules)


def _split(text: str) -> list[str]:
    out, depth, part, quoted = [], 0, "", False
    for ch in text:
        quoted ^= ch == '"'
        if not quoted:
            depth += ch in "(["
            depth -= ch in ")]"
        if ch == "," and depth == 0 and not quoted:
            out.append(part.strip())
            part = ""
        else:
            part += ch
    return out + ([part.strip()] if part.strip() else [])


def _walk(obj: Any, rules: list, casts: list, moved: dict[Key, Key], field: Optional[str] = None) -> Any:
    """`obj` (a model object, a tuple of them, or a field's value) with every name of a moved type renamed."""
    return rewritten(obj, lambda value, name: _renamed_in(value, name, rules, casts, moved), _not_types, field)


def _not_types(obj: Any, name: str) -> bool:
    """A trigger's string arguments, a server's type, a column's storage (an operator class's is a type)."""
    return (name, type(obj)) in _NOT_TYPES or (name == "storage" and not isinstance(obj, OperatorClass))


def _renamed_in(value: Any, name: Optional[str], rules: list, casts: list, moved: dict[Key, Key]) -> Any:
    """A string of field `name`, or a view's dependency, with every name of a moved type renamed (a SQL-standard body
    is stored parsed: Postgres prints it with the new names, `'a'::feeling`)."""
    if isinstance(value, Dependency):
        return _dependency(value, rules, moved)
    field = name if name in _TYPES | _EXPRESSIONS | {"storage"} else "expression" if name == "body" else None
    if field == "function":  # `name(types)` (a cast's function), or a name alone
        head, paren, tail = value.partition("(")
        return head + paren + _types(tail, rules) if paren else value
    if field in _TYPES:
        return _types(value, rules)
    if field in _EXPRESSIONS:
        for pattern, now in casts:
            value = pattern.sub(now, value)
    return value


def _dependency(d: Dependency, rules: list, moved: dict[Key, Key]) -> Dependency:
    """What a view reads, as pg_depend names it after the move: a type by its new key, a column's type, a function's
    input types and result."""
    if d.kind == "type" and (d.schema, d.name) in moved:
        return replace(d, schema=moved[(d.schema, d.name)][0], name=moved[(d.schema, d.name)][1])
    if d.type is None and d.kind != "function":
        return d
    out = replace(d, type=_types(d.type, rules)) if d.type else d
    if d.kind == "function" and d.column:
        out = replace(out, column=_types(d.column, rules))
    return out if out != d else d
