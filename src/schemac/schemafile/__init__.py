"""The YAML face: schema.yaml <-> the model.

Takes a schema file, gives a :class:`schemac.model.Schema` (:mod:`load`, strict: every mistake is an
error with file:line:column, read by :mod:`strict`); one reader module per family of object kinds
(:mod:`tables`, :mod:`columns`, :mod:`constraints`, :mod:`indexes`, :mod:`types`, :mod:`sequences`,
:mod:`extensions`). The other way, :mod:`writer` turns a model into schema.yaml text (what
`schemac inspect` prints), and :mod:`jsonschema` ships the JSON Schema of the file for editors."""
