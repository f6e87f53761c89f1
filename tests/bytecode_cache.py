"""One bytecode cache for a whole test run, outside the source tree.

Where PYTHONDONTWRITEBYTECODE is set (these machines' shells and CI), every interpreter a run starts (the
pytest-xdist workers, each `python -c` and `schemac` a test spawns) compiled schemac's editable sources again
(~0.35 s of CPU an interpreter) and every worker rewrote every test module's asserts again (pytest never caches
them then). The run's first process instead compiles schemac once into a PYTHONPYCACHEPREFIX of its own (a
temporary directory, removed when the run ends) and exports it with bytecode writing on, before pytest-xdist
starts its workers: they and every process they start inherit it, and what they compile (the rewritten test
modules) lands there too, never in the repository. A prefix is the only place Python then looks for bytecode, so
the bytecode pip and the interpreter's installation already hold (standard library, site-packages) is linked
into it, not compiled again.
"""

from __future__ import annotations

import atexit
import compileall
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Optional

_TAIL = f".{sys.implementation.cache_tag}.pyc"
_given: dict = {}  # the variables start() changed, as they were
_PREFIX = "schemac-pycache-"  # the cache's name: start()'s, not one the run was given


def _link_installed(prefix: str, roots: list[str], own: str) -> None:
    """Each `__pycache__/NAME.TAG.pyc` under `roots` as `prefix/<its source's directory>/NAME.TAG.pyc`, where
    the interpreter looks under a prefix (importlib.util.cache_from_source): a symbolic link, so an installed
    module's bytecode is read as it is without the prefix. A stale one is rewritten by the interpreter as a file
    of the prefix (os.replace of the link), the installed one untouched. Not `own`'s: compiled below."""
    for root in roots:
        for folder, dirs, files in os.walk(root):
            # the standard library's tests, and a site-packages not on sys.path
            skip = ("test", "site-packages") if folder == root else ()
            dirs[:] = [d for d in dirs if d not in skip and os.path.join(folder, d) != own]
            if os.path.basename(folder) != "__pycache__":
                continue
            dirs.clear()
            target = os.path.join(prefix, os.path.dirname(folder).lstrip(os.sep))
            made = False
            for name in files:
                if name.endswith(_TAIL) and name.count(".") == 2:  # not the optimized (.opt-1) ones
                    if not made:
                        os.makedirs(target, exist_ok=True)
                        made = True
                    try:
                        os.symlink(os.path.join(folder, name), os.path.join(target, name))
                    except FileExistsError:  # a folder on sys.path twice (or inside another)
                        pass


def start() -> Optional[str]:
    """The run's cache (its directory, in pytest's temporary root), made and exported by the run's first process;
    None where bytecode is written anyway, a prefix is given already, or this is a pytest-xdist worker (it inherits
    the controller's)."""
    import schemac

    package_dir, temproot = os.path.dirname(schemac.__file__), os.environ.get("PYTEST_DEBUG_TEMPROOT")
    if (not sys.dont_write_bytecode or os.environ.get("PYTHONPYCACHEPREFIX")
            or os.environ.get("PYTEST_XDIST_WORKER")):
        return None
    prefix = tempfile.mkdtemp(prefix=_PREFIX, dir=temproot)
    atexit.register(shutil.rmtree, prefix, True)  # also where pytest ends before its unconfigure (a usage error)
    own = os.path.abspath(package_dir)
    _link_installed(prefix, [os.path.abspath(p) for p in dict.fromkeys(sys.path) if p and os.path.isdir(p)], own)
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    _given["PYTHONDONTWRITEBYTECODE"] = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.pycache_prefix, sys.dont_write_bytecode = prefix, False  # as if this process had started with them
    compileall.compile_dir(own, quiet=1)
    return prefix


def rewrite_tests(config, prefix: Optional[str], folder: str) -> None:
    """The test modules of `folder` the run names (its arguments: files, or the folder itself) and its conftest.py,
    their asserts rewritten once into the cache (pytest's own functions, the pyc its import reads: keyed by the
    source's hash), for the pytest-xdist workers that each import every one of them next (~3.5 s of CPU a worker for
    the whole folder): here conftest.py, which a worker imports before its configure, and in each worker its share
    of the test modules (worker_share), which the other workers then read. The whole folder rewritten here, before
    the workers started, was ~6 s of one core while the other waited (the run's wall). Only where there is a cache
    and workers to use it (not `-n 0`, nor --collect-only)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is not None:
        given = os.environ.get("PYTHONPYCACHEPREFIX", "")
        if os.path.basename(given).startswith(_PREFIX) and not sys.dont_write_bytecode:  # start()'s, inherited
            _rewrite_into(config, folder, worker_share(worker, os.environ.get("PYTEST_XDIST_WORKER_COUNT")))
        return
    if prefix is None or getattr(config.option, "dist", "no") == "no" or config.option.collectonly:
        return
    _rewrite_into(config, folder, None)


def worker_share(worker: str, count: Optional[str]) -> Optional[Callable[[list[Path]], list[Path]]]:
    """Of the test modules, those worker `gwN` of `count` rewrites: the largest first to the worker with the fewest
    bytes so far (the workers start at once and their shares take about as long), then in the order collection
    imports them, so that each worker's share is in the cache by the time the other's collection reaches it."""
    try:
        index, workers = int(worker[2:]), int(count or "")
    except ValueError:
        return None

    def share(files: list[Path]) -> list[Path]:
        loads, mine = [0] * workers, []
        for f in sorted(files, key=lambda f: (-f.stat().st_size, f.name)):
            least = loads.index(min(loads))
            loads[least] += f.stat().st_size
            if least == index:
                mine.append(f)
        return sorted(mine)

    return share


def _rewrite_into(config, folder: str, share: Optional[Callable[[list[Path]], list[Path]]]) -> None:
    """The test modules `share` picks (None: conftest.py alone) rewritten into the cache; where pytest's private
    functions changed, nothing (each worker then rewrites what it imports)."""
    try:
        from _pytest.assertion import rewrite

        here = Path(folder).resolve()
        named = [(config.invocation_params.dir / arg.split("::", 1)[0]).resolve() for arg in config.args]
        files = [f for f in here.glob("test_*.py") if f in named or any(p == here or p in here.parents for p in named)]
        state = config.stash[rewrite.assertstate_key]
        for fn in share(files) if share is not None else [here / "conftest.py"]:
            cache = rewrite.get_cache_dir(fn)
            pyc = cache / (fn.name[:-3] + rewrite.PYC_TAIL)
            if share is not None and rewrite._read_pyc(fn, pyc, lambda *_: None) is not None:
                continue  # (another worker's, there already)
            source_hash, code = rewrite._rewrite_test(fn, config)
            os.makedirs(cache, exist_ok=True)
            rewrite._write_pyc(state, code, source_hash, pyc)
    except (ImportError, AttributeError, TypeError, ValueError):
        pass


def stop(prefix: Optional[str]) -> None:
    """The cache removed, and the variables as they were, once the run's processes have ended."""
    if prefix is None:
        return
    os.environ.pop("PYTHONPYCACHEPREFIX", None)
    if _given.get("PYTHONDONTWRITEBYTECODE") is not None:
        os.environ["PYTHONDONTWRITEBYTECODE"] = _given["PYTHONDONTWRITEBYTECODE"]
    sys.pycache_prefix, sys.dont_write_bytecode = None, True
    shutil.rmtree(prefix, ignore_errors=True)
