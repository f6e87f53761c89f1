"""Report drift: Changes -> Differences -> text, JSON, GitHub annotations or SARIF.

:mod:`describe` says what each Change means seen from a live database (missing, unexpected,
changed) and where schema.yaml declares it; one module per output format renders them."""
