"""Compile the project once before `make test` starts its processes side by side.

Two caches, each written by the first process that misses it, which on a clean clone is every
process at once (the checks, both suites' pytest-xdist workers):

- Python's bytecode of the project (`__pycache__/*.pyc`), as `compileall` writes it;
- pytest's assertion-rewritten test modules and conftests (`*-pytest-<version>.pyc` beside
  them). pytest rewrites every test module it imports; each worker collects the whole suite,
  so without this every worker parses and rewrites the ~200 test modules again (~4 s of CPU
  each).

The rewritten files are written as pytest's own import hook writes them, through its
functions; should a pytest release change them, this step is skipped (the workers then
rewrite as before) instead of failing the run.

Usage: python tests/precompile.py [ROOT]
"""

from __future__ import annotations

import compileall
import os
import sys
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SOURCES = ("balai", "config", "tests", "conftest.py")


def _test_modules(root: Path) -> list[Path]:
    """The modules pytest rewrites here: `python_files` (test_*.py) and the conftests."""
    found = [root / "conftest.py"]
    for top in ("balai", "tests"):
        for path in (root / top).rglob("*.py"):
            if path.name.startswith("test_") or path.name == "conftest.py":
                found.append(path)
    return [p for p in found if p.is_file()]


def _rewrite(path: Path) -> bool:
    import importlib.util

    from _pytest.assertion import rewrite

    pyc = rewrite.get_cache_dir(path) / (path.name[:-3] + rewrite.PYC_TAIL)
    try:
        header = pyc.read_bytes()[:16]
    except OSError:
        header = b""
    # pytest's header: the magic number, "checked hash" flags, the source's hash.
    if header[:4] == importlib.util.MAGIC_NUMBER and header[8:16] == importlib.util.source_hash(
        path.read_bytes()
    ):
        return False
    # No config: the only setting read while rewriting is enable_assertion_pass_hook (unset here).
    source_hash, code = rewrite._rewrite_test(path, None)  # type: ignore[arg-type]
    if not rewrite.try_makedirs(pyc.parent):
        return False
    state = types.SimpleNamespace(trace=lambda _msg: None)
    return rewrite._write_pyc(state, code, source_hash, pyc)  # type: ignore[arg-type]


def main(root: Path) -> int:
    for name in SOURCES:
        target = root / name
        if target.is_dir():
            compileall.compile_dir(target, quiet=1, workers=0)
        elif target.is_file():
            compileall.compile_file(target, quiet=1)
    try:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            written = sum(pool.map(_rewrite, _test_modules(root), chunksize=8))
    except Exception as exc:  # an optimisation only: never the reason a run fails
        sys.stderr.write(f"precompile: pytest's rewritten modules not written ({exc!r})\n")
        return 0
    if written:
        sys.stdout.write(f"precompile: {written} test modules rewritten for pytest\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
