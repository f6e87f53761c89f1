"""Plan: Changes -> sqlglot statements -> the SQL of a migration.

:mod:`planner` turns each Change into statements and renders them; :mod:`ddl` builds the statement
trees for each kind of object; :mod:`hazards` says which changes can destroy data (refused without
--allow-destructive)."""
