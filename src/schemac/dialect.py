"""The sqlglot dialect schemac parses and renders with.

Plain sqlglot Postgres, except that ``now()`` stays ``now()``: sqlglot would turn it into
``CURRENT_TIMESTAMP``, and Postgres then stores a different default than the one the reviewer read.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres


class SchemacPostgres(Postgres):
    class Parser(Postgres.Parser):
        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            "NOW": lambda args: exp.Anonymous(this="now", expressions=args),
        }


DIALECT = SchemacPostgres()
