"""Extensions, by name and optionally the schema they live in."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from schemac.model import Extension
from schemac.schemafile.fields import FieldReader


EXTENSION_KEYS = {"name": True, "schema": False, "comment": False}


class ExtensionReader(FieldReader):
    """Reads the top-level `extensions:` list."""

    def extensions(self, node: Node) -> list[Extension]:
        out = []
        for item in self.w.sequence(node, "extensions"):
            if isinstance(item, ScalarNode):
                out.append(Extension(self.identifier(item, "extension name"), None, self.w.src(item)))
                continue
            f = self.w.fields(item, "extension", EXTENSION_KEYS)
            schema = self.identifier(f["schema"][1], "extension schema") if "schema" in f else None
            out.append(Extension(self.identifier(f["name"][1], "extension name"), schema, self.w.src(item),
                                 self.opt_string(f, "comment", "extension")))
        names = [e.name for e in out]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise self.fail(node, f"extension {dupes[0]!r} is listed twice")
        return out
