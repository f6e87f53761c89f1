"""The README's promises stay true: its schema.yaml example loads, its commands exist."""

from __future__ import annotations

import os
import re

from schemac.schemafile.load import load_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()


def test_reference_example_loads():
    block = README.split("## schema.yaml reference", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    schema = load_text(block, "README.md")
    (t,) = schema.tables
    assert t.name == "test_integration_correlations"
    assert [i.name for i in t.indexes] == ["idx_correlation_score"]


def test_every_reference_example_loads():
    section = README.split("## schema.yaml reference", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.+?)```", section, re.S)
    assert len(blocks) >= 2
    for block in blocks:
        assert load_text(block, "README.md").tables


def test_ci_runs_the_readme_test_command():
    ci = open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8").read()
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert commands[1] in ci
    assert "schemac generate" in commands[0]
