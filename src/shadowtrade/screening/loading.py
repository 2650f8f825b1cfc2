"""Loading lists into the warehouse and building a screening engine from what is loaded.

>>> import tempfile, pathlib
>>> from shadowtrade.warehouse.core import Warehouse
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "internal.csv").write_text("id,name,schema\\nc1,RI JE-SON,Person\\n")
>>> wh = Warehouse(folder / "w.duckdb")
>>> [s.entities for s in load_list_files(wh, [folder / "internal.csv"], dataset="internal")]
[1]
>>> build_screener(wh).screen(ScreenQuery.build(["Ri Che-son"]))["results"][0]["match"]
True
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from shadowtrade.errors import NoDataError
from shadowtrade.screening.compiled import scorer_build
from shadowtrade.screening.engine import Screener
from shadowtrade.screening.heap import collector_paused
from shadowtrade.screening.index import Prepared
from shadowtrade.screening.query import ScreenQuery
from shadowtrade.sources.lists.catalog import FoundList, find_in_mirror
from shadowtrade.sources.lists.parsed import ParsedList
from shadowtrade.warehouse.core import Warehouse
from shadowtrade.warehouse.ingest import file_sha256
from shadowtrade.warehouse.lists import (
    ListStatus, ListVersion, list_status, read_list_entities, store_list_version)

__all__ = ["ScreenQuery", "build_screener", "cached_screener", "load_list_files", "load_mirror", "export_ftm"]


def _version(parsed: ParsedList, paths: tuple[Path, ...]) -> ListVersion:
    digest = hashlib.sha256("".join(file_sha256(p) for p in paths).encode()).hexdigest()
    return ListVersion(parsed.dataset, parsed.publisher, parsed.published,
                       tuple(str(p) for p in paths), digest,
                       [e.to_ftm() for e in parsed.entities],
                       [(r.line, r.raw, r.reason) for r in parsed.rejected], parsed.skipped)


def load_mirror(warehouse: Warehouse, mirror: Path, only: list[str] | None = None,
                on_list: Callable[[str], None] | None = None) -> list[ListStatus]:
    """Load every list found under ``<mirror>/sanctions``; each list is its own transaction,
    read completely before the warehouse is touched."""
    found = [f for f in find_in_mirror(mirror) if not only or f.dataset in only]
    if not found:
        raise NoDataError(f"no list files found under {mirror / 'sanctions'}")
    return [_load_found(warehouse, item, on_list) for item in found]


def _load_found(warehouse: Warehouse, item: FoundList,
                on_list: Callable[[str], None] | None) -> ListStatus:
    if on_list:
        on_list(item.dataset)
    return store_list_version(warehouse, _version(item.read(), item.paths))


def load_list_files(warehouse: Warehouse, paths: list[Path],
                    dataset: str | None = None) -> list[ListStatus]:
    """Load one list from its file(s) (format detected); ``dataset`` names it."""
    found = FoundList(dataset or "", tuple(paths))
    return [store_list_version(warehouse, _version(found.read(), found.paths))]


def build_screener(warehouse: Warehouse, datasets: list[str] | None = None,
                   known: Mapping[str, Prepared] | None = None) -> Screener:
    """An engine over the loaded lists (all, or some datasets); names in ``known`` (from
    an engine built by the same code) are not prepared again."""
    entities = read_list_entities(warehouse, datasets)
    if not entities:
        raise NoDataError("no sanctions list is loaded: run 'shadowtrade lists load --mirror "
                          "DIR' or 'shadowtrade lists fetch --load' first")
    return Screener(entities, known)


def cached_screener(warehouse: Warehouse, cache_dir: Path,
                    datasets: list[str] | None = None) -> Screener:
    """Like :func:`build_screener`, but keeps the built engine in ``cache_dir`` (keyed by the
    loaded list versions and the screening code) so the next command starts in a fraction of
    the build time. After a list update, the names of the engine cached before are reused:
    only new names are prepared.

    The cache is written by this program into the user's own data folder and read back only
    when its key matches the loaded versions; a broken cache file is rebuilt.
    """
    versions = [(s.dataset, s.sha256, s.load_id) for s in list_status(warehouse)]
    key = hashlib.sha256(json.dumps([versions, sorted(datasets or [])]).encode()).hexdigest()
    path = cache_dir / f"screening-{code_fingerprint()}-{key[:20]}.pickle"
    engine = read_cached(path)
    if engine is not None:
        return engine
    engine = build_screener(warehouse, datasets, _known_names(cache_dir))
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("screening-*.pickle"):
        old.unlink(missing_ok=True)
    write_cached(engine, path)
    return engine


def _known_names(cache_dir: Path) -> dict[str, Prepared] | None:
    """The prepared names of the engine cached by this code for other list versions."""
    for path in sorted(cache_dir.glob(f"screening-{code_fingerprint()}-*.pickle"),
                       key=lambda p: p.stat().st_mtime, reverse=True):
        previous = read_cached(path)
        if previous is not None:
            return previous.index.prepared_names()
    return None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the screening code and of its build (compiled or Python: their engines'
    classes pickle differently): a cached engine prepared its names with the code that made
    it, so other code (an upgrade, a new spelling rule) must not read it.

    >>> len(code_fingerprint())
    16
    """
    digest = hashlib.sha256(scorer_build().encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:16]


def read_cached(path: Path) -> Screener | None:
    """The engine pickled at ``path``, or None when there is none or it cannot be read.

    Unpickling millions of small objects with the garbage collector on takes 3 times as long
    (see heap.py).
    """
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as handle, collector_paused():
            engine = pickle.load(handle)  # noqa: S301 (our own file, see cached_screener)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        return None
    return engine if isinstance(engine, Screener) else None


def write_cached(engine: Screener, path: Path) -> None:
    """Pickle ``engine`` to ``path`` (written aside, then renamed: never half a file)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    with open(partial, "wb") as handle, collector_paused(freeze=False):
        pickle.dump(engine, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def export_ftm(warehouse: Warehouse, datasets: list[str] | None = None) -> Iterator[str]:
    """The loaded entities as FollowTheMoney JSON lines."""
    for entity in read_list_entities(warehouse, datasets):
        yield json.dumps(entity, ensure_ascii=False)


def status(warehouse: Warehouse) -> list[ListStatus]:
    """The loaded lists."""
    return list_status(warehouse)
