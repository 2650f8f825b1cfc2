"""Load trade files into the warehouse: a reader's batches go into one atomic load each.

Readers never write; this module hands what they yield to the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from shadowtrade.sources.catalog import discover, open_flow_file
from shadowtrade.warehouse import LoadResult, Warehouse, load_flow_batches, load_flow_parts

Progress = Callable[[int], None]


def load_file(
    warehouse: Warehouse,
    path: Path,
    fmt: str | None = None,
    release: str | None = None,
    on_rows: Progress | None = None,
) -> LoadResult:
    """Read one trade file and load it atomically.

    >>> import tempfile, pathlib
    >>> wh = Warehouse(pathlib.Path(tempfile.mkdtemp()) / "w.duckdb")
    >>> r = load_file(wh, pathlib.Path("../shared/data/trade/flows/baci_hs17_chn_rus_2017_2023.parquet"))
    >>> r.rows, r.quarantined, r.release
    (43494, 0, 'V202501')
    >>> load_file(wh, pathlib.Path("../shared/data/trade/flows/baci_hs17_chn_rus_2017_2023.parquet")).skipped
    True
    """
    flow_file = open_flow_file(path, fmt, release)
    if flow_file.parts:
        return load_flow_parts(warehouse, flow_file.path, flow_file.source, flow_file.release,
                               flow_file.parts, on_rows)
    return load_flow_batches(
        warehouse, flow_file.path, flow_file.source, flow_file.release, flow_file.batches, on_rows
    )


def mirror_files(mirror: Path) -> list[tuple[Path, str]]:
    """The trade files a mirror directory holds, with their formats."""
    return list(discover(mirror))
