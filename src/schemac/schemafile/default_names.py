"""An unnamed key whose default name something else holds: Postgres numbers it (ChooseConstraintName /
ChooseRelationName: blocks_creator_id_fkey1) by what the schema held when the key was made, which the model alone
cannot tell, while schemac names an unnamed key by its default (pg.names.default_constraint_name): a later
DROP CONSTRAINT IF EXISTS blocks_creator_id_fkey would drop the constraint holding it. So schema.yaml names one of
them. inspect writes a numbered name as it reads it (schemafile.writer keeps every name not the default), and a real
table holds no name twice, so no inspected file is refused."""

from __future__ import annotations

from schemac.errors import SchemaFileError
from schemac.model import Check, Exclusion, ForeignKey, PrimaryKey, Table, Unique
from schemac.pg.names import default_constraint_name

_KINDS = ((PrimaryKey, "primary key"), (Unique, "unique constraint"), (ForeignKey, "foreign key"),
          (Exclusion, "exclusion constraint"), (Check, "check constraint"))


def _kind(c: object) -> str:
    return next(word for cls, word in _KINDS if isinstance(c, cls))


def check_default_names_free(t: Table, relations: dict[tuple[str, str], str]) -> None:
    """Each unnamed key of `t` gets its default name: no other constraint of `t` holds it (named, or an earlier
    unnamed one's default) nor, for a key with an index (primary key, UNIQUE, EXCLUDE), an index of `t` or a
    relation of its schema (`relations`: (schema, name) -> what it is); else an error at the key's line."""
    keys = t.constraints()
    line = lambda c: f" at line {c.source.line}" if c.source else ""  # noqa: E731
    held = {c.name: f"{_kind(c)} {c.name}{line(c)}" for c in keys if c.name}
    for c in keys:
        if c.name is not None:
            continue
        name = default_constraint_name(t, c)  # type: ignore[arg-type]
        holder = held.get(name)
        if holder is None and not isinstance(c, ForeignKey):
            holder = next((f"index {i.name}{line(i)}" for i in t.indexes if i.name == name), None) \
                or relations.get((t.schema, name))
        if holder is not None:
            raise SchemaFileError(f"unnamed {_kind(c)} ({', '.join(c.columns)}) of table {t.qualified_name}: its "
                                  f"default name {name} is held by {holder}, so Postgres would number it ({name}1) "
                                  "and schemac would take the other for it; name one of them", c.source)
        held[name] = f"unnamed {_kind(c)} ({', '.join(c.columns)}){line(c)}"



def key_indexes(t: Table, named: bool) -> dict[tuple[str, str], str]:
    """The index names of `t`'s named (or unnamed: their default) primary key, UNIQUEs and EXCLUDEs: relations of its
    schema, which an unnamed key of another table cannot take."""
    keys = [c for c in t.indexed_keys() if (c.name is not None) == named]
    return {(t.schema, c.name or default_constraint_name(t, c)):  # type: ignore[arg-type]
            f"{_kind(c)} {c.name or 'unnamed'} of table {t.qualified_name}" for c in keys}
