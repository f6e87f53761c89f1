"""The sqlglot dialect schemac parses and renders with.

Plain sqlglot Postgres, except that ``now()`` stays ``now()``: sqlglot would turn it into
``CURRENT_TIMESTAMP``, and Postgres then stores a different default than the one the reviewer read;
and that a generated column that is not persisted renders as PostgreSQL 18's ``VIRTUAL`` (sqlglot
writes ``STORED`` for every generated column).
"""

from __future__ import annotations

import logging

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres


def _generated(self: Postgres.Generator, e: exp.ComputedColumnConstraint) -> str:
    return f"GENERATED ALWAYS AS ({self.sql(e, 'this')}) {'STORED' if e.args.get('persisted') else 'VIRTUAL'}"


class SchemacPostgres(Postgres):
    class Parser(Postgres.Parser):
        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            "NOW": lambda args: exp.Anonymous(this="now", expressions=args),
        }

    class Generator(Postgres.Generator):
        TRANSFORMS = {**Postgres.Generator.TRANSFORMS, exp.ComputedColumnConstraint: _generated}


DIALECT = SchemacPostgres()

# sqlglot logs "Unsupported ALTER COLUMN syntax" for `ALTER COLUMN c SET NOT NULL`, which it nevertheless
# renders correctly (its own parser builds the same tree). Our output is verified by round trips on real
# servers instead; keep its warnings out of users' terminals.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
