"""Download the official list files (or copy them from a mirror) into a mirror-shaped folder.

Files land in ``<target>/sanctions/<folder>/<name>``, so ``lists load --mirror <target>`` reads
them. A download goes to a temporary name first and is renamed when complete: an interrupted
download never replaces a good file.

>>> [d for d in planned_downloads(None)][0][1]
'un/consolidated.xml'
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx

from shadowtrade.errors import FetchError, NoDataError
from shadowtrade.sources.lists.catalog import CATALOG

Progress = Callable[[str, int, int | None], None]  # (file, bytes so far, total or None)


def planned_downloads(base_url: str | None,
                      only: list[str] | None = None) -> list[tuple[str, str]]:
    """(URL, relative path) of each file to fetch; ``base_url`` replaces the official hosts.

    Without ``only``, every list in its default form; ``only`` names lists or forms.

    >>> planned_downloads(None, ["us_ofac_sdn_advanced"])[0][1]
    'ofac/SDN_ADVANCED.XML'
    >>> [path for _, path in planned_downloads(None, ["gb_fcdo"])]
    ['uk/UK-Sanctions-List.xml']
    """
    planned = []
    for spec in CATALOG:
        if (only and spec.name not in only) or (not only and not spec.default):
            continue
        for url, relative in spec.downloads:
            planned.append((base_url.rstrip("/") + "/" + relative if base_url else url, relative))
    return planned


def download(url: str, target: Path, on_progress: Progress | None = None,
             timeout: float = 60.0) -> Path:
    """Stream one URL to a file; raises :class:`FetchError` on an HTTP or network error."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code != 200:
                raise FetchError(f"downloading {url} failed: HTTP {response.status_code}")
            total = int(response.headers.get("content-length", 0)) or None
            done = 0
            with open(partial, "wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)
                    done += len(chunk)
                    if on_progress:
                        on_progress(target.name, done, total)
    except httpx.HTTPError as err:
        partial.unlink(missing_ok=True)
        raise FetchError(f"downloading {url} failed: {err}") from None
    except FetchError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target


def fetch_lists(target: Path, base_url: str | None = None, mirror: Path | None = None,
                only: list[str] | None = None, on_progress: Progress | None = None) -> list[Path]:
    """Fetch every catalogued list into ``target``; from ``mirror`` when given (a copy)."""
    if mirror is not None:
        return _copy_from_mirror(mirror, target, only)
    fetched = []
    for url, relative in planned_downloads(base_url, only):
        fetched.append(download(url, target / "sanctions" / relative, on_progress))
    return fetched


def _copy_from_mirror(mirror: Path, target: Path, only: list[str] | None) -> list[Path]:
    from shadowtrade.sources.lists.catalog import find_in_mirror

    copied = []
    for found in find_in_mirror(mirror):
        if only and found.dataset not in only and found.name not in only:
            continue
        for path in found.paths:
            relative = path.relative_to(mirror / "sanctions")
            destination = target / "sanctions" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            copied.append(destination)
    if not copied:
        raise NoDataError(f"no list files found under {mirror / 'sanctions'}")
    return copied
