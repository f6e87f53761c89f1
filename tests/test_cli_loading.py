"""commands.loading: the commands' modules load with the cyclic garbage collector off, and it is back as it
was afterwards (a collector left off would let sqlglot's cyclic trees pile up for the rest of the run)."""
from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from schemac.commands.loading import loading


def test_no_collection_while_loading_and_the_collector_back_as_it_was():
    collections = []

    def seen(phase, info):
        collections.append(phase)

    gc.callbacks.append(seen)
    try:
        assert gc.isenabled()
        with loading():
            assert not gc.isenabled()
            kept = [[object()] for _ in range(20_000)]  # enough allocations to trigger young collections
        assert collections == [] and gc.isenabled() and gc.get_freeze_count() == 0
        with pytest.raises(ImportError):
            with loading():
                import schemac.no_such_module  # noqa: F401
        assert gc.isenabled()
        gc.disable()
        with loading():
            pass
        assert not gc.isenabled()  # off before: stays off
    finally:
        gc.enable()
        gc.callbacks.remove(seen)
    assert len(kept) == 20_000


def test_importing_the_cli_leaves_the_collector_on():
    code = ("import gc, sys; import schemac.cli, schemac.commands.diff; "
            "sys.exit(0 if gc.isenabled() and gc.get_freeze_count() == 0 else 1)")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_inspect_writes_its_file_with_no_cyclic_collection(db_url):
    """commands.inspect keeps the collector paused through the writer too: its short-lived specs (no cycles) made
    it walk the whole model again (at 5,000 tables two full collections, 0.6 s). With a threshold of 1, any
    allocation while it is on collects: none of those may come inside dump_schema."""
    import traceback

    import psycopg

    from schemac.commands.inspect import inspect_database

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', n numeric CHECK (n > 0))")
    in_writer = []

    def seen(phase, info):
        if phase == "start":
            in_writer.append(any(f.name == "dump_schema" for f in traceback.extract_stack()))

    threshold = gc.get_threshold()
    gc.set_threshold(1)
    gc.callbacks.append(seen)
    try:
        written = inspect_database(db_url).yaml
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
    assert "n > (0)::numeric" in written and gc.isenabled()
    assert not any(in_writer), f"{sum(in_writer)} collections while writing"


def test_collection_resumed_and_after_loading_schema_yaml_walks_nothing_kept():
    """What was built while the collector was paused goes to the oldest generation when it resumes (GCPause.resumed,
    as on its way out, and the loader's pause over composing and building the model): otherwise the first young
    collection walks all of it (`diff`'s slow path: the catalog's rows and the record, then the composed nodes
    and the model, ~0.1 s at 1,000 tables). gc.get_objects(0) and (1): what young collections walk."""
    from schemac.pg.collector import GCPause
    from schemac.schemafile.load import load_text

    with GCPause() as pause:
        kept = [[i] for i in range(50_000)]
        with pause.resumed():
            young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
    assert young < 5_000 and len(kept) == 50_000
    text = "tables:\n" + "".join(f"  t{i}:\n    columns:\n      id: {{type: bigint, primary_key: true}}\n"
                                  f"      note: {{type: text, default: \"'x'::text\"}}\n" for i in range(2_000))
    model = load_text(text)
    young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
    assert young < 5_000 and len(model.tables) == 2_000
