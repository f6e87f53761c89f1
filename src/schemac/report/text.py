"""The drift report for people: differences grouped by table, each with its line of schema.yaml."""

from __future__ import annotations

from typing import Sequence

import click

from schemac.errors import printable
from schemac.model import Unmanaged
from schemac.report.describe import Difference
from schemac.report.unmanaged import unmanaged_summary


def difference_lines(diffs: list[Difference]) -> list[str]:
    """Each difference at its line of schema.yaml, under a heading per table (drift and query reports)."""
    out: list[str] = []
    current = None
    for d in diffs:
        group = f"{d.schema}.{d.table}" if d.table else d.schema
        if group != current:
            current = group
            out.append(click.style(printable(group), bold=True))
        where = f"  [{d.file}:{d.line}]" if d.line else ""
        mark = click.style("✗", fg="red") + (click.style(" [security]", fg="red", bold=True) if d.category else "")
        out.append(f"  {mark} {printable(d.message)}{click.style(printable(where), dim=True)}")
    return out


def render_text(diffs: list[Difference], target_label: str, schema_file: str,
                unmanaged: Sequence[Unmanaged] = ()) -> str:
    out = difference_lines(diffs)
    tables = len({(d.schema, d.table) for d in diffs if d.table})
    others = sum(1 for d in diffs if not d.table)  # schemas, types, sequences, extensions, migrations
    where = " and ".join(p for p in (f"{tables} table(s)" if tables else "",
                                     f"{others} other object(s)" if others else "") if p)
    if diffs:
        security = sum(1 for d in diffs if d.category)
        out.append(click.style(f"Drift: {len(diffs)} difference(s) in {where} between {target_label} "
                               f"and {schema_file}" + (f", {security} of them security drift" if security else "") + ".",
                               fg="red", bold=True))
    else:
        out.append(click.style(f"In sync: {target_label} matches {schema_file}.", fg="green"))
    if unmanaged:
        out.append(click.style(unmanaged_summary(unmanaged) + " (--strict counts them as drift)", dim=True))
    return "\n".join(out) + "\n"
