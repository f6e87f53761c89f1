"""Compare two models: (current, desired) -> the list of Changes, a pure function.

:mod:`differ` is the entry point; :mod:`tables` and :mod:`types` compare each family of object kinds;
:mod:`changes` defines a Change; :mod:`normalize` gives SQL expressions one normal form, so that
spelling is never reported as a difference."""
