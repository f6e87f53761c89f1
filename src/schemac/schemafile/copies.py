"""`inherited_constraints:` and `row_type_comment:` of a table: the comments Postgres keeps on objects a table has
without declaring them. A partition or INHERITS child has copies of its parents' CHECKs (conislocal false), a
partition clones of its parent's foreign keys (conparentid), and on PostgreSQL 18 copies of their NOT NULLs: each a
pg_constraint row of the child, under the parent's name, that COMMENT ON CONSTRAINT name ON child comments alone
(declaring it on the child instead would make it the child's own). A table's row type (COMMENT ON TYPE table) has a
comment of its own too."""

from __future__ import annotations

from typing import Any

from yaml.nodes import ScalarNode

from schemac.errors import SchemaFileError
from schemac.model import Table
from schemac.pg.copies import copies_of
from schemac.schemafile.fields import FieldReader

COPY_KEYS = {"comment": True}  # inherited_constraints: {name: {comment}}


class CopyReader(FieldReader):
    """Reads a table's `inherited_constraints:` and `row_type_comment:`."""

    def copies(self, f: dict, what: str, inheriting: bool) -> dict[str, Any]:
        """Table fields: copy_comments (name, comment) sorted by name, and row_type_comment."""
        out: list[tuple[str, str]] = []
        if "inherited_constraints" in f:
            node = f["inherited_constraints"][1]
            if not inheriting:
                raise self.fail(node, f"{what}: inherited_constraints are a partition's or an INHERITS child's (its "
                                      "copies of its parents' CHECKs, foreign keys and NOT NULLs)")
            for name, key_node, value_node in self.w.mapping(node, f"inherited_constraints of {what}"):
                name = self.identifier(key_node, "constraint name")
                if isinstance(value_node, ScalarNode):
                    raise self.fail(value_node, f"inherited constraint '{name}' of {what} must be a mapping "
                                                "({comment: ...})")
                g = self.w.fields(value_node, f"inherited constraint '{name}' of {what}", COPY_KEYS)
                out.append((name, self.w.string(g["comment"][1], f"comment of inherited constraint '{name}' of {what}")))
        return {"copy_comments": tuple(sorted(out)), "row_type_comment": self.opt_string(f, "row_type_comment", what)}


def check_copy_comments(tables: list[Table]) -> None:
    """Each name under a table's inherited_constraints is a copy it has of a parent's constraint, not one of its own."""
    by_key = {t.key: t for t in tables}
    for t in tables:
        if not t.copy_comments:
            continue
        names = copies_of(t, by_key)
        for name, _ in t.copy_comments:
            if name not in names:
                raise SchemaFileError(f"inherited_constraints of table {t.qualified_name} name '{name}', which is no "
                                      "CHECK, NOT NULL or (of a partition) foreign key of a table it inherits from, "
                                      "that it does not declare itself", t.source)
