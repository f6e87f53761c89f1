"""The commands users run, each wiring the stages together (``schemac.cli`` parses their options):

- :mod:`generate`: schema.yaml + recorded state -> compare -> plan -> a new migration file;
- :mod:`diff`: a live (or replayed) database's catalog vs schema.yaml -> compare -> report;
- :mod:`inspect`: a live database's catalog -> schema.yaml text;
- :mod:`migrate`: `schemac apply`, the pending migrations -> a live database, as `sqlx migrate run`;
- :mod:`rebuild`: `rebuild-state` (the replayed migrations -> state.json) and `rebase` (a branch's
  migration generated again after another branch's)."""
