"""The drift report as GitHub Actions workflow commands: one ::error annotation per difference, at its
line of schema.yaml, and a summary."""

from __future__ import annotations

from typing import Optional, Sequence

from schemac.errors import printable
from schemac.model import Unmanaged
from schemac.report.describe import Difference
from schemac.report.unmanaged import unmanaged_summary


def _gh_escape(text: str, prop: bool = False) -> str:
    """A workflow command's value: a name's line break or escape printed escaped as the text report does
    (errors.printable), then what GitHub reads specially (%, and : , in a property) encoded."""
    text = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(diffs: list[Difference], schema_file: str, unmanaged: Sequence[Unmanaged] = (),
                  title: str = "schemac drift", summary: Optional[str] = None) -> str:
    """`title` heads each annotation; `summary`, the closing line (another report's words: check-queries)."""
    lines = []
    for d in diffs:
        props = [f"file={_gh_escape(d.file or schema_file, True)}"]
        if d.line:
            props.append(f"line={d.line}")
        label = "schemac security drift" if d.category else title
        props.append(f"title={_gh_escape(label + ': ' + d.kind, True)}")
        lines.append(f"::error {','.join(props)}::{_gh_escape(d.path + ': ' + d.message)}")
    summary_line = f"{len(diffs)} difference(s) between the database and {schema_file}" if diffs else \
        f"database matches {schema_file}"
    summary = summary or summary_line
    lines.append(("::notice::" if not diffs else "::error::") + _gh_escape("schemac: " + summary))
    if unmanaged:
        lines.append("::notice::" + _gh_escape("schemac: " + unmanaged_summary(unmanaged)))
    return "\n".join(lines) + "\n"
