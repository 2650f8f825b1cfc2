"""Download trade data from the official publishers, or copy it from a local mirror.

Sources: ``baci`` (CEPII's release zip), ``comtrade`` (the UN Comtrade API through the official
``comtradeapicall`` client, with a subscription key), ``eurostat`` (Comext bulk files) and
``atlas`` (Growth Lab files on Harvard Dataverse). Downloads land in
``<target>/trade/<source>/<file>``; copies from a mirror keep their place under the mirror, so
``shadowtrade data load --mirror <target>`` reads either.

A download streams to ``<file>.part`` and is renamed when complete: a file under its real name
is always whole. An interrupted download is resumed from the ``.part`` file where the server
honours HTTP ``Range`` (and restarted where it does not). The SHA-256 of every file is returned
and written beside it as ``<file>.sha256`` (``sha256sum`` format).

>>> [url for url, _ in planned_downloads("baci", FetchOptions())]
['https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS17_V202501.zip']
>>> planned_downloads("baci", FetchOptions(), base_url="http://127.0.0.1:8000/x")[0][0]
'http://127.0.0.1:8000/x/BACI_HS17_V202501.zip'
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from shadowtrade.errors import FetchError, MissingExtraError, NoDataError, UsageError
from shadowtrade.sources.formats import FETCH_SOURCES
from shadowtrade.warehouse.ingest import file_sha256

Progress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)

SOURCES = FETCH_SOURCES
OFFICIAL_BASE_URLS = {
    "baci": "https://www.cepii.fr/DATA_DOWNLOAD/baci/data",
    "eurostat": "https://ec.europa.eu/eurostat/api/dissemination/files",
    "atlas": "https://dataverse.harvard.edu",
}
ATLAS_DATASET = "doi:10.7910/DVN/T4CHWJ"  # Growth Lab, International Trade Data (HS92)
ATLAS_FILES = ("hs92_country_year.csv", "hs92_product_year_4.csv")
MIRROR_PATTERNS = {
    "baci": ("baci_*", "*country_codes*"),
    "comtrade": ("*comtrade*",),
    "eurostat": ("*eurostat*", "*comext*", "relational_view*", "full_v2_*"),
    "atlas": ("atlas_hs92_*", "hs92_country_year*", "hs92_product_year*"),
}
NO_COMTRADE_KEY = (
    "UN Comtrade needs a subscription key: register at https://comtradedeveloper.un.org "
    "(the free 'comtrade - v1' product), then set SHADOWTRADE_COMTRADE_KEY=<key> or pass "
    "--comtrade-key. Without a key, use --mirror DIR with files you already have."
)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch from a source. ``periods``: Comext files (``202352`` = year 2023) or
    Comtrade periods (``2023``, ``202301``); reporter/partner are ISO3 or Comtrade codes."""

    release: str = "V202501"
    revision: str = "HS17"
    periods: tuple[str, ...] = ()
    reporter: str = "CHN"
    partner: str = "RUS"
    flow: str = "M"
    freq: str = "M"
    commodity: str = "TOTAL"
    comtrade_key: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A file now on disk, where it came from, its size and SHA-256."""

    path: Path
    origin: str
    size: int
    sha256: str
    resumed_from: int = 0


class _Interrupted(Exception):
    """A transfer stopped part-way; the ``.part`` file may be resumed."""


# -- what to download ---------------------------------------------------------------------------
def planned_downloads(source: str, options: FetchOptions,
                      base_url: str | None = None) -> list[tuple[str, str]]:
    """(URL, file name) of each file to download for ``baci`` or ``eurostat``.

    >>> planned_downloads("eurostat", FetchOptions(periods=("202352",)))[0][1]
    'full_v2_202352.7z'
    """
    base = (base_url or OFFICIAL_BASE_URLS[source]).rstrip("/")
    if source == "baci":
        name = f"BACI_{options.revision.upper()}_{options.release}.zip"
        return [(f"{base}/{name}", name)]
    if source == "eurostat":
        if not options.periods:
            raise UsageError("Comext bulk files are per period: give --period, e.g. 202352 "
                             "(the year 2023) or 202312 (December 2023)")
        names = [f"full_v2_{period}.7z" for period in options.periods]
        if base_url:
            return [(f"{base}/{name}", name) for name in names]
        return [(f"{base}?file=comext%2FCOMEXT_DATA%2FPRODUCTS%2F{name}", name) for name in names]
    raise UsageError(f"no fixed download list for '{source}'")


def atlas_downloads(base_url: str | None = None, client: httpx.Client | None = None,
                    names: tuple[str, ...] = ATLAS_FILES) -> list[tuple[str, str]]:
    """(URL, file name) of the Atlas files, found in the Dataverse dataset's file listing."""
    base = (base_url or OFFICIAL_BASE_URLS["atlas"]).rstrip("/")
    listing = (f"{base}/api/datasets/:persistentId/versions/:latest/files"
               f"?persistentId={ATLAS_DATASET}")
    try:
        response = (client or httpx).get(listing, timeout=60.0, follow_redirects=True)
    except httpx.HTTPError as err:
        raise FetchError(f"listing the Atlas files at {listing} failed: {err}") from None
    if response.status_code != 200:
        raise FetchError(f"listing the Atlas files at {listing} failed: "
                         f"HTTP {response.status_code}")
    files = {entry["dataFile"]["filename"]: entry["dataFile"]["id"]
             for entry in response.json().get("data", [])}
    missing = [name for name in names if name not in files]
    if missing:
        raise FetchError(f"the Atlas dataset {ATLAS_DATASET} has no file {', '.join(missing)}; "
                         f"it lists: {', '.join(sorted(files)) or 'nothing'}")
    return [(f"{base}/api/access/datafile/{files[name]}", name) for name in names]


# -- downloading ------------------------------------------------------------------------------
def download(url: str, target: Path, on_progress: Progress | None = None, *,
             attempts: int = 3, timeout: float = 60.0) -> Fetched:
    """Stream ``url`` to ``target`` atomically, resuming an earlier ``.part`` where possible.

    Raises :class:`FetchError` on an HTTP error (nothing is written) or when every attempt
    was interrupted (the ``.part`` file stays, and the next call resumes from it).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    resumed_from = partial.stat().st_size if partial.exists() else 0
    problem = ""
    for _ in range(max(1, attempts)):
        try:
            _transfer(url, partial, target.name, on_progress, timeout)
            break
        except _Interrupted as err:
            problem = str(err)
    else:
        kept = partial.stat().st_size if partial.exists() else 0
        raise FetchError(f"downloading {url} was interrupted {attempts} times ({problem}); "
                         f"{kept:,} bytes are kept in {partial}: run the same command again "
                         "to resume")
    return _finish(partial, target, url, resumed_from)


def _transfer(url: str, partial: Path, name: str, on_progress: Progress | None,
              timeout: float) -> None:
    start = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={start}-"} if start else {}
    try:
        with httpx.stream("GET", url, headers=headers, timeout=timeout,
                          follow_redirects=True) as response:
            offset, total = _accept(response, url, start, partial)
            done = offset
            with open(partial, "ab" if offset else "wb") as handle:
                for chunk in response.iter_bytes():  # as it arrives: a cut keeps what came
                    handle.write(chunk)
                    done += len(chunk)
                    if on_progress:
                        on_progress(name, done, total)
    except httpx.HTTPError as err:  # connection lost, incomplete body, timeout
        raise _Interrupted(f"{type(err).__name__}: {err}") from None
    if total is not None and done != total:
        raise _Interrupted(f"received {done:,} of {total:,} bytes")


def _accept(response: httpx.Response, url: str, start: int,
            partial: Path) -> tuple[int, int | None]:
    """Where the body starts in the file, and the file's total size if known."""
    if response.status_code == 416:  # the .part is not a prefix the server knows: start over
        partial.unlink(missing_ok=True)
        raise _Interrupted("the server refused to resume (HTTP 416)")
    if response.status_code not in (200, 206):
        raise FetchError(f"downloading {url} failed: HTTP {response.status_code} "
                         f"{response.reason_phrase}; check the source's release or period, "
                         "or use --mirror DIR with a local copy")
    length = int(response.headers.get("content-length", 0)) or None
    if response.status_code == 206:
        first, total = _content_range(response.headers.get("content-range", ""))
        if first == start:
            return start, total
        partial.unlink(missing_ok=True)
        raise _Interrupted("the server resumed at the wrong place")
    return 0, length


def _content_range(header: str) -> tuple[int | None, int | None]:
    """``bytes 100-199/200`` -> (100, 200).

    >>> _content_range("bytes 100-199/200")
    (100, 200)
    """
    try:
        span, _, total = header.split(" ", 1)[1].partition("/")
        return int(span.split("-")[0]), (None if total == "*" else int(total))
    except (IndexError, ValueError):
        return None, None


def _finish(partial: Path, target: Path, origin: str, resumed_from: int) -> Fetched:
    sha = file_sha256(partial)
    size = partial.stat().st_size
    partial.replace(target)
    target.with_name(target.name + ".sha256").write_text(f"{sha}  {target.name}\n")
    return Fetched(target, origin, size, sha, resumed_from)


# -- mirrors -----------------------------------------------------------------------------------
def mirror_matches(source: str, mirror: Path) -> list[Path]:
    """The files of ``source`` under a mirror directory, by name, in stable order.

    >>> mirror_matches("baci", Path("../shared/data"))[0].name
    'baci_country_codes_V202501.csv'
    """
    if not mirror.is_dir():
        raise UsageError(f"the mirror directory {mirror} does not exist")
    patterns = MIRROR_PATTERNS[source]
    found = [path for path in sorted(mirror.rglob("*")) if path.is_file()
             and not path.name.endswith((".part", ".sha256"))
             and any(fnmatch.fnmatch(path.name.lower(), pattern) for pattern in patterns)]
    return found


def copy_from_mirror(source: str, mirror: Path, target: Path,
                     on_progress: Progress | None = None) -> list[Fetched]:
    """Copy a source's files from a mirror into ``target`` (same relative paths), atomically."""
    copied = []
    for path in mirror_matches(source, mirror):
        destination = target / path.relative_to(mirror)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".part")
        _copy_bytes(path, partial, on_progress)
        copied.append(_finish(partial, destination, str(path), 0))
    if not copied:
        raise NoDataError(f"no {source} files under {mirror} (looked for "
                          f"{', '.join(MIRROR_PATTERNS[source])})")
    return copied


def _copy_bytes(source: Path, partial: Path, on_progress: Progress | None) -> None:
    total, done = source.stat().st_size, 0
    with open(source, "rb") as reader, open(partial, "wb") as writer:
        while block := reader.read(_CHUNK):
            writer.write(block)
            done += len(block)
            if on_progress:
                on_progress(source.name, done, total)


# -- Comtrade ------------------------------------------------------------------------------------
def comtrade_code(code: str) -> str:
    """A Comtrade numeric country code for an ISO3 code (numbers pass through).

    >>> comtrade_code("CHN"), comtrade_code("USA"), comtrade_code("643")
    ('156', '842', '643')
    """
    if code.isdigit():
        return code
    from shadowtrade.reference.countries import countries
    from shadowtrade.reference.packaged import read_yaml

    special = {str(iso3): str(number) for number, iso3 in read_yaml("comtrade_codes.yaml").items()}
    if code.upper() in special:
        return special[code.upper()]
    country = countries().get(code.upper())
    if country is None or country.numeric is None:
        raise UsageError(f"unknown country '{code}': give an ISO3 code (CHN) or a Comtrade "
                         "number (156)")
    return str(country.numeric)


def comtrade_file_name(options: FetchOptions) -> str:
    """``comtrade_156_M_643_M_2023.csv``: reporter, flow, partner, frequency, periods."""
    periods = "-".join(options.periods) if options.periods else "latest"
    return (f"comtrade_{comtrade_code(options.reporter)}_{options.flow}_"
            f"{comtrade_code(options.partner)}_{options.freq}_{periods}.csv")


def fetch_comtrade(target: Path, options: FetchOptions, client: Any = None) -> Fetched:
    """Query the Comtrade API with ``comtradeapicall`` and write the records as CSV.

    ``client`` stands in for the ``comtradeapicall`` module (tests pass a stub).
    """
    if not options.comtrade_key:
        raise FetchError(NO_COMTRADE_KEY)
    if not options.periods:
        raise UsageError("give the Comtrade periods to fetch with --period (2023 or 202301)")
    client = client or _comtradeapicall()
    frame = client.getFinalData(
        options.comtrade_key, typeCode="C", freqCode=options.freq, clCode="HS",
        period=",".join(options.periods), reporterCode=comtrade_code(options.reporter),
        cmdCode=options.commodity, flowCode=options.flow,
        partnerCode=comtrade_code(options.partner), partner2Code=None, customsCode=None,
        motCode=None, maxRecords=100000, format_output="JSON", breakdownMode="classic",
        includeDesc=True,
    )
    if frame is None or len(frame) == 0:
        raise FetchError(f"UN Comtrade returned no records for {comtrade_file_name(options)}: "
                         "check the key, the periods and the codes")
    destination = target / "trade" / "comtrade" / comtrade_file_name(options)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    frame.to_csv(partial, index=False)
    return _finish(partial, destination, "comtradeapicall.getFinalData", 0)


def _comtradeapicall() -> Any:
    try:
        import comtradeapicall
    except ImportError:
        raise MissingExtraError("fetching from UN Comtrade", "fetch") from None
    return comtradeapicall


# -- one entry point --------------------------------------------------------------------------
def fetch(source: str, target: Path, options: FetchOptions | None = None, *,
          base_url: str | None = None, mirror: Path | None = None,
          on_progress: Progress | None = None) -> list[Fetched]:
    """Fetch one source into ``target``: from ``mirror`` when given, else from the publisher
    (or from ``base_url`` standing in for the publisher's host)."""
    if source not in SOURCES:
        raise UsageError(f"unknown source '{source}': use one of {', '.join(SOURCES)}")
    options = options or FetchOptions()
    if mirror is not None:
        return copy_from_mirror(source, mirror, target, on_progress)
    if source == "comtrade":
        return [fetch_comtrade(target, options)]
    folder = target / "trade" / source
    return [download(url, folder / name, on_progress) for url, name in _urls(source, options,
                                                                            base_url)]


def _urls(source: str, options: FetchOptions, base_url: str | None) -> Iterator[tuple[str, str]]:
    if source == "atlas":
        yield from atlas_downloads(base_url)
    else:
        yield from planned_downloads(source, options, base_url)


def describe(fetched: list[Fetched]) -> str:
    """A JSON summary of fetched files (path, origin, size, sha256)."""
    return json.dumps([{"path": str(f.path), "origin": f.origin, "size": f.size,
                        "sha256": f.sha256, "resumed_from": f.resumed_from} for f in fetched],
                      indent=2)
