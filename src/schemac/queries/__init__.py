"""Declared queries (`queries:` of schema.yaml) checked against the schema they were designed for.

`indexes` (which declared indexes the queries use: lost ones, and what `generate` and `diff` say about
them), `values` + `synth` (synthetic rows from the model: types, keys, checks, enums, foreign keys,
`distribution:` hints), `fill` (COPY them into a throwaway database), `explain` (EXPLAIN / EXPLAIN ANALYZE
a query and read its plan), `check` (the findings, as report Differences)."""
