"""schema.yaml's `ignore:`: objects the database makes at run time (per-account sequences, premade partitions,
staging tables), which schemac neither reports as drift nor plans, nor `inspect` writes."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Optional

from schemac.model.frozen import frozen

from .source import Source, _src

# The kinds an entry may name: each the Schema fields it covers (compare.ignored). Those of a schema are named
# schema-qualified (`public.conv_dpid_seq_*`); a `schema` (a namespace) and the database's own objects, which live in
# no schema, bare (`tenant_*`, a cast as `text AS tmp_pair`, a user mapping as `role@server`): an entry names them
# only by its kinds, so a bare glob without kinds keeps meaning a namespace.
SCHEMA_KINDS = ("table", "view", "sequence", "function", "type", "collation", "operator", "text_search")
DATABASE_KINDS = ("extension", "publication", "subscription", "event_trigger", "cast", "server",
                  "foreign_data_wrapper", "user_mapping")
IGNORE_KINDS = ("schema", *SCHEMA_KINDS, *DATABASE_KINDS)


@frozen
class Ignore:
    """One entry: a glob (fnmatch's `*`, `?`, `[...]`, case-sensitive) over the name as the catalog spells it
    (`schema.name`, a namespace's bare name), for `kinds` (() for every kind)."""

    pattern: str
    kinds: tuple[str, ...] = ()
    source: Optional[Source] = _src()

    def matches(self, kind: str, name: str) -> bool:
        """Whether the object `name` (qualified, or a namespace's or the database's object's own) of `kind` is this
        entry's: one of the database's only by an entry naming its kind."""
        if self.kinds:
            return kind in self.kinds and fnmatchcase(name, self.pattern)
        return kind not in DATABASE_KINDS and fnmatchcase(name, self.pattern)


def ignore_problem(pattern: str, kinds: tuple[str, ...]) -> Optional[str]:
    """Why an entry could match nothing (schema.yaml's error at its line, `inspect --exclude`'s usage error); None if
    it is sound."""
    if not pattern.strip():
        return "an ignore entry's name is empty: write a glob such as public.tmp_*"
    unknown = [k for k in kinds if k not in IGNORE_KINDS]
    if unknown:
        return f"unknown ignore kind '{unknown[0]}'; allowed: {', '.join(IGNORE_KINDS)}"
    if "." not in pattern and kinds and all(k in SCHEMA_KINDS for k in kinds):
        return (f"ignore entry '{pattern}' names no schema-qualified object: write schema.name (e.g. public.{pattern}), "
                "or kinds: [schema] for a namespace, or the database's kind (kinds: [server])")
    if "." in pattern and kinds == ("schema",):
        return f"ignore entry '{pattern}' of kind schema holds a dot: a namespace is named bare (e.g. tenant_*)"
    return None


def exclude_option(text: str) -> Ignore:
    """`inspect --exclude`'s PATTERN, or KIND:PATTERN (`sequence:public.conv_dpid_seq_*`); ValueError says why not."""
    kind, colon, rest = text.partition(":")
    if colon and kind not in IGNORE_KINDS and kind.replace("_", "").isalpha() and kind.islower():
        raise ValueError(f"unknown kind '{kind}' in '{text}'; allowed: {', '.join(IGNORE_KINDS)} (a name holding a "
                         f"colon: write its kind first, schema:{text})")
    pattern, kinds = (rest, (kind,)) if colon and kind in IGNORE_KINDS else (text, ())
    problem = ignore_problem(pattern, kinds)
    if problem:
        raise ValueError(problem)
    return Ignore(pattern, kinds)
