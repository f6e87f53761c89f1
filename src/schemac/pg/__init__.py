"""Postgres's own rules, the layer every stage stands on: the sqlglot dialect schemac parses and
renders with (:mod:`dialect`), names and quoting (:mod:`names`), type spelling (:mod:`types`) and SQL
expressions (:mod:`expressions`); and the cyclic collector's pauses every stage shares (:mod:`collector`). Takes strings, gives sqlglot trees and canonical spellings; knows
nothing of schema.yaml, the catalog or migrations."""
