"""An unquoted expression that YAML cut at ` #` (a comment to YAML, an operator to Postgres: #>>, #>, #-, #): the loader
warns, naming the file, line and column and what it read, and does not warn for an ordinary trailing comment
(schemafile.comment_trap)."""

from __future__ import annotations

import pytest

from schemac.schemafile.load import load_text

CUT = """\
tables:
  t:
    columns:
      j: jsonb
      b: integer
      f:
        type: integer
        default: 5 # 3
    checks:
      k1: j #>> '{a,b}' <> ''
      k2: j #- '{a}' IS NOT NULL AND b > 0
    indexes:
      i:
        columns: [b]
        where: j #> '{a}' IS NOT NULL
    policies:
      p:
        command: select
        using: j #>> '{o}' = current_user
"""

ORDINARY = """\
tables:
  t:
    columns:
      j: jsonb
      a: {type: integer, default: 0}  # counter start
      b:
        type: integer
        default: 0  # counter start
      c:
        type: integer
        default: 1  # (unused)
      d:
        type: integer
        default: 2 # 3 retries
      e:
        type: integer
        default: 4  #----
      g:
        type: integer
        default: 7  #cents
    checks:
      k1: "j #>> '{a,b}' <> ''"
      k2: b > 0 # positive
      k3: |
        j #>> '{a}' <> ''
      k4: b > 0  # 'b' must be positive
"""


# (a file without its last line break is composed by PyYAML's own composer, not from libyaml's events)
@pytest.mark.parametrize("ending", ["\n", ""], ids=["libyaml", "pure-python"])
def test_an_expression_cut_by_a_comment_is_warned_at_its_line(capsys, ending):
    schema = load_text(CUT.rstrip("\n") + ending, "schema.yaml")
    table = schema.tables[0]
    assert [c.expression for c in table.checks] == ["j", "j"]  # what YAML gives: the warning is the point
    warned = [line for line in capsys.readouterr().err.splitlines() if "as a comment" in line]
    assert warned == [
        "schemac: warning: schema.yaml:8:18: default of column 'f' of table 't' ends at '5': YAML read the rest of the "
        "line, '# 3', as a comment (` #` starts one); quote the expression",
        "schemac: warning: schema.yaml:10:11: check 'k1' ends at 'j': YAML read the rest of the line, "
        "\"#>> '{a,b}' <> ''\", as a comment (` #` starts one); quote the expression",
        "schemac: warning: schema.yaml:11:11: check 'k2' ends at 'j': YAML read the rest of the line, "
        "\"#- '{a}' IS NOT NULL AND b > 0\", as a comment (` #` starts one); quote the expression",
        "schemac: warning: schema.yaml:15:16: where of index 'i' ends at 'j': YAML read the rest of the line, "
        "\"#> '{a}' IS NOT NULL\", as a comment (` #` starts one); quote the expression",
        "schemac: warning: schema.yaml:19:16: using of policy 'p' of table 't' ends at 'j': YAML read the rest of the "
        "line, \"#>> '{o}' = current_user\", as a comment (` #` starts one); quote the expression",
    ], warned


def test_ordinary_trailing_comments_and_quoted_expressions_are_not_warned(capsys):
    schema = load_text(ORDINARY, "schema.yaml")
    assert "as a comment" not in capsys.readouterr().err
    assert [c.expression for c in schema.tables[0].checks][0] == "j #>> '{a,b}' <> ''"
