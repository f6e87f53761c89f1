"""The sqlglot dialects schemac parses and renders with.

:data:`DIALECT` parses schema.yaml's SQL and prints the normal forms the differ compares: plain sqlglot
Postgres, except that ``now()`` stays ``now()`` (sqlglot would turn it into ``CURRENT_TIMESTAMP``, and
Postgres then stores a different default than the one the reviewer read) and that a generated column
that is not persisted renders as PostgreSQL 18's ``VIRTUAL`` (sqlglot writes ``STORED`` for every
generated column).

:data:`RENDER` writes migrations: the same, with function names in lower case (``gen_random_uuid()``,
``now()``, ``lower(pattern)``), as reviewers write them and as Postgres itself deparses them; keywords
and type names stay upper case. Migrations written before it (upper-case function names) are never
rewritten: sqlx checksums every applied file.
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


class SchemacRender(SchemacPostgres):
    NORMALIZE_FUNCTIONS = "lower"

    class Generator(SchemacPostgres.Generator):
        # sqlglot spells this one out in upper case, past the function-name normalization.
        TRANSFORMS = {**SchemacPostgres.Generator.TRANSFORMS, exp.Uuid: lambda *_: "gen_random_uuid()"}


DIALECT = SchemacPostgres()
RENDER = SchemacRender()

# sqlglot logs "Unsupported ALTER COLUMN syntax" for `ALTER COLUMN c SET NOT NULL`, which it nevertheless
# renders correctly (its own parser builds the same tree). Our output is verified by round trips on real
# servers instead; keep its warnings out of users' terminals.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
