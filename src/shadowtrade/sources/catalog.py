"""Which reader understands a file: by ``--format``, or by its name and header.

>>> import pathlib
>>> detect_format(pathlib.Path("../shared/data/trade/flows/baci_hs17_chn_rus_2017_2023.parquet"))
'baci'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.parquet as pq

from shadowtrade.errors import DataFileError, UsageError
from shadowtrade.sources import atlas, baci, comtrade, eurostat, national
from shadowtrade.sources.flowfile import FlowFile
from shadowtrade.sources.formats import FORMATS
from shadowtrade.sources.tabular import sniff_header

_SIGNATURES: list[tuple[str, tuple[str, ...]]] = [
    ("baci", baci.COLUMNS),
    ("comtrade", comtrade.COLUMNS),
    ("eurostat", eurostat.COLUMNS),
    ("national", national.COLUMNS),
    ("atlas", atlas.COUNTRY_COLUMNS),
    ("atlas", atlas.PRODUCT_COLUMNS),
]
_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".zip", ".json", ".txt", ".tsv")


def _columns(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return list(pq.ParquetFile(path).schema_arrow.names)
    if path.suffix == ".zip":
        return list(baci.COLUMNS) if "baci" in path.name.lower() else []
    if path.suffix == ".json":
        return list(comtrade.COLUMNS) if "comtrade" in path.name.lower() else []
    return sniff_header(path)[0]


def detect_format(path: Path) -> str | None:
    """The format whose required columns the file has, or None."""
    try:
        header = set(_columns(path))
    except (DataFileError, OSError, UnicodeDecodeError):
        return None
    for name, required in _SIGNATURES:
        if set(required) <= header:
            return name
    return None


def open_flow_file(path: Path, fmt: str | None = None, release: str | None = None) -> FlowFile:
    """Open a trade file with the reader for ``fmt`` (detected when not given)."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    chosen = fmt or detect_format(path)
    if chosen is None:
        raise DataFileError(
            "not a known trade format: give --format baci|comtrade|eurostat|national|atlas, "
            "or check the header line and delimiter",
            path=str(path),
            line=1,
        )
    if chosen not in FORMATS:
        raise UsageError(f"unknown format '{chosen}': use one of {', '.join(FORMATS)}")
    return _READERS[chosen](path, release)


def _read_atlas(path: Path, release: str | None) -> FlowFile:
    kind = "country_year" if "country_iso3_code" in _columns(path) else "product_year"
    return atlas.read_atlas(path, release, kind)


_READERS: dict[str, Callable[[Path, str | None], FlowFile]] = {
    "baci": baci.read_baci,
    "comtrade": comtrade.read_comtrade,
    "eurostat": eurostat.read_eurostat,
    "national": national.read_national,
    "atlas": _read_atlas,
}


def discover(mirror: Path) -> Iterator[tuple[Path, str]]:
    """Every trade file under a mirror directory that a reader understands, in stable order."""
    if not mirror.is_dir():
        raise UsageError(f"the mirror directory {mirror} does not exist")
    for path in sorted(mirror.rglob("*")):
        if path.is_file() and path.name.lower().endswith(_SUFFIXES):
            fmt = detect_format(path)
            if fmt is not None:
                yield path, fmt
