"""The sqlglot dialect schemac parses and renders with.

Plain sqlglot Postgres, except that ``now()`` stays ``now()``: sqlglot would turn it into
``CURRENT_TIMESTAMP``, and Postgres then stores a different default than the one the reviewer read.
"""

from __future__ import annotations

import logging

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres


class SchemacPostgres(Postgres):
    class Parser(Postgres.Parser):
        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            "NOW": lambda args: exp.Anonymous(this="now", expressions=args),
        }


DIALECT = SchemacPostgres()

# sqlglot logs "Unsupported ALTER COLUMN syntax" for `ALTER COLUMN c SET NOT NULL`, which it nevertheless
# renders correctly (its own parser builds the same tree). Our output is verified by round trips on real
# servers instead; keep its warnings out of users' terminals.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
