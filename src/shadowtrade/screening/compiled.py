"""The compiled scorer: the screening modules that ``make compile`` builds to C with mypyc
(the same source; batches about 1.5 times as fast), and the guard that keeps an outdated build
from running.

The build (``SHADOWTRADE_COMPILE=1``, see setup.py) writes the extension modules beside the
sources and a manifest of the digests of the sources it compiled. Python imports an extension
module in preference to its source, so when a source no longer matches the manifest (edited or
checked out after the build) :func:`guard` makes Python import that module from its source, with
a warning: results always come from the code as it is written. Without a build, nothing here
does anything.

This module uses only the standard library: setup.py runs it before the package is installed.

>>> [path.as_posix() for path in source_paths("src")][:2]
['src/shadowtrade/screening/names.py', 'src/shadowtrade/screening/word_filter.py']
>>> scorer_build() in ("compiled", "python")
True
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "shadowtrade.screening"
#: The compiled modules: the scorer's inner loops (names, word pairs, bounds, the ranking
#: loop). Not the engine and its index: they are pickled (the engine cache), which mypyc's
#: classes do not support as plain ones do.
MODULES = ("names", "word_filter", "scoring", "bounds", "normalise", "korean", "qualifiers",
           "ranking", "query", "shared_keys")
GROUP = f"{PACKAGE}.compiled_scorer"  # the shared library: compiled_scorer__mypyc.<suffix>
MANIFEST = "compiled_sources.json"
_HERE = Path(__file__).resolve().parent


def source_paths(root: str | Path) -> list[Path]:
    """The sources of the compiled modules under a source root (``src``)."""
    folder = Path(root, *PACKAGE.split("."))
    return [folder / f"{module}.py" for module in MODULES]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(root: str | Path) -> Path:
    """Record the digests of the sources about to be compiled (setup.py, before the build)."""
    paths = source_paths(root)
    manifest = paths[0].parent / MANIFEST
    manifest.write_text(json.dumps({p.stem: _digest(p) for p in paths}, indent=1) + "\n",
                        encoding="utf-8")
    return manifest


def remove_manifest(root: str | Path) -> None:
    """Forget a build that failed: its extension modules, if any are left, count as outdated."""
    source_paths(root)[0].parent.joinpath(MANIFEST).unlink(missing_ok=True)


def outdated(folder: Path = _HERE) -> list[str]:
    """The compiled modules whose extension file is present but whose source has changed
    since the build (or whose build recorded no digests).

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "names.py").write_text("x = 1")
    >>> _ = (folder / ("names" + importlib.machinery.EXTENSION_SUFFIXES[0])).write_bytes(b"")
    >>> outdated(folder)
    ['names']
    """
    built = [m for m in MODULES if _extension(folder, m) is not None]
    if not built:
        return []
    try:
        digests = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        digests = {}
    return [m for m in built if not (folder / f"{m}.py").is_file()
            or digests.get(m) != _digest(folder / f"{m}.py")]


def _extension(folder: Path, module: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if (path := folder / f"{module}{suffix}").is_file():
            return path
    return None


class _SourceFirst(importlib.machinery.PathFinder):
    """Finds the named modules from their ``.py`` source, never their extension module."""

    def __init__(self, names: Sequence[str], folder: Path) -> None:
        self.names, self.folder = set(names), folder

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def, override]
        if fullname not in self.names:
            return None
        module = fullname.rsplit(".", 1)[1]
        return importlib.util.spec_from_file_location(fullname, self.folder / f"{module}.py")


def guard(folder: Path = _HERE) -> None:
    """Run outdated compiled modules from their source (with a warning saying how to rebuild).

    Every compiled module is run from source when any is outdated: they call each other
    natively, and a mix of old and new code would be neither.
    """
    if not outdated(folder):
        return
    if any(f"{PACKAGE}.{m}" in sys.modules for m in MODULES):
        return  # already imported (a re-import of the package): too late to redirect
    warnings.warn(f"the compiled scorer in {folder} is older than its source; the Python "
                  "source runs instead (slower). Rebuild it with `make compile`, or remove it "
                  "with `make clean-compiled`.", RuntimeWarning, stacklevel=2)
    sys.meta_path.insert(0, _SourceFirst([f"{PACKAGE}.{m}" for m in MODULES], folder))


def scorer_build() -> str:
    """``compiled`` when the scorer runs compiled, else ``python`` (benchmarks record it)."""
    from shadowtrade.screening import names  # noqa: PLC0415 (after the guard has run)
    return "compiled" if Path(names.__file__ or "").suffix in (".so", ".pyd") else "python"


__all__ = ["MODULES", "guard", "outdated", "scorer_build", "source_paths", "write_manifest"]
