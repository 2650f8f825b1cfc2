"""The fast path for BACI-shaped files: pyarrow's CSV reader on every core, straight to Parquet.

The file is cut into blocks of whole lines (``blocks.py``); threads convert blocks in parallel
(``blockrows.py``: a typed read, codes mapped through the release's code lists, units
converted) while this thread writes the converted blocks, in file order, to the load's one
Parquet file. A block holding a bad line goes, alone, through the source's exact row reader,
which quarantines each bad row with its file line and reason exactly as a row-by-row load does;
the other blocks stay on the fast path. Only a file the fast path cannot read at all (cut short,
quoted fields, columns missing) raises :class:`ScanFailed`, and the caller reads it row by row.

The Parquet file is written by pyarrow: LZ4, row groups of 122,880 rows (DuckDB's own, so
Parquet statistics on ``exporter`` still skip row groups of other exporters), codes as
dictionary pages written straight from the load's dictionary, and byte-stream-split values.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from shadowtrade.model.flows import QUARANTINE_SCHEMA
from shadowtrade.warehouse.blockrows import (
    COLUMNS, STORED_SCHEMA, BlockCodes, CodeTable, Converted, ExactReader, convert_block)
from shadowtrade.warehouse import blocks as blocking
from shadowtrade.warehouse.blocks import (
    ScanFailed, TableBlock, TextBlock, csv_blocks, mapped_blocks, parquet_blocks)

ROW_GROUP_ROWS = 122_880
#: Blocks handed to the threads beyond one each, so that none waits for the next block while
#: this thread writes (or waits for the CPU on a busy machine).
BLOCKS_AHEAD = 1
#: How the stored file is written (see the module's docstring).
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "lz4",  # LZ4_RAW, as every stored flow file (flowstore.STORED_COMPRESSION)
    "use_dictionary": ["year", "exporter", "importer", "hs_code"],
    "column_encoding": {"value": "BYTE_STREAM_SPLIT", "quantity": "BYTE_STREAM_SPLIT"},
    # min/max where they skip row groups (the file is in exporter, importer order); those of
    # HS codes and values span nearly every row group and cost a third of the writing time
    "write_statistics": ["year", "exporter", "importer"],
    "store_schema": False,  # readers see text codes, not Arrow dictionaries
}

__all__ = ["BaciScan", "ScanFailed", "ScanOutcome", "scan_to_parquet"]


@dataclass(frozen=True)
class BaciScan:
    """A BACI-shaped file (or zip member) to load on the fast path.

    ``countries`` maps a country code as written to ISO3, ``products`` a product code as written
    to its six-digit HS code; ``scale`` multiplies values and quantities (thousand USD to USD,
    tonnes to kg). ``open_stream`` opens CSV bytes that must be decompressed (gzip, a zip
    member); without it ``path`` is read directly (a plain CSV file, mapped into memory, or a
    Parquet file). ``exact`` is the source's row reader for one block (see
    :data:`~shadowtrade.warehouse.blockrows.ExactReader`).
    """

    path: Path
    countries: dict[str, str]
    products: dict[str, str]
    exact: ExactReader
    open_stream: Callable[[], BinaryIO] | None = None
    header: tuple[str, ...] = COLUMNS
    delimiter: str = ","
    scale: float = 1000.0
    constants: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScanOutcome:
    """What one scan wrote: rows stored, their years, the quarantined rows, and how many blocks
    of how many went through the exact reader."""

    rows: int
    years: list[int]
    quarantine: pa.Table
    blocks: int
    exact_blocks: int


def scan_to_parquet(scan: BaciScan, target: Path, workers: int | None = None) -> ScanOutcome:
    """Read ``scan`` once, in parallel blocks, and write its good rows to ``target``.

    Raises :class:`ScanFailed` when the file must be read row by row instead.
    """
    codes = BlockCodes(CodeTable.of(scan.countries), CodeTable.of(scan.products),
                       float(scan.scale), scan.exact, scan.header, scan.delimiter)
    threads = workers or min(4, os.cpu_count() or 1)
    writer = _RowGroupWriter(target)
    bad: list[pa.Table] = []
    years: set[int] = set()
    blocks = exact = 0
    try:
        with ThreadPoolExecutor(threads, thread_name_prefix="shadowtrade-load") as pool:
            for done in _in_order(pool, _blocks(scan), codes, threads + BLOCKS_AHEAD):
                writer.add(done.rows)
                years |= done.years
                blocks += 1
                if done.exact:
                    exact += 1
                    bad.append(done.quarantine)
    finally:
        writer.close()
    quarantine = pa.concat_tables(bad) if bad else QUARANTINE_SCHEMA.empty_table()
    return ScanOutcome(writer.rows, sorted(years), quarantine, blocks, exact)


def _blocks(scan: BaciScan) -> Iterator[TextBlock | TableBlock]:
    if scan.open_stream is not None:
        return _stream_blocks(scan.open_stream)
    if scan.path.suffix == ".parquet":
        return parquet_blocks(scan.path, COLUMNS)
    return mapped_blocks(scan.path, blocking.BLOCK_BYTES)


def _stream_blocks(open_stream: Callable[[], BinaryIO]) -> Iterator[TextBlock]:
    try:
        stream = open_stream()
    except OSError as err:
        raise ScanFailed(f"cannot open the file: {err}") from err
    with stream:
        yield from csv_blocks(stream, blocking.BLOCK_BYTES)


def _in_order(pool: ThreadPoolExecutor, blocks: Iterator[TextBlock | TableBlock],
              codes: BlockCodes, ahead: int) -> Iterator[Converted]:
    """Converted blocks in file order, at most ``ahead`` in flight (memory stays bounded)."""
    pending: deque[Future[Converted]] = deque()
    try:
        for block in blocks:
            pending.append(pool.submit(convert_block, block, codes))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


class _RowGroupWriter:
    """Appends tables to one Parquet file in row groups of exactly :data:`ROW_GROUP_ROWS`
    (the last one shorter), whatever the size of the blocks."""

    def __init__(self, target: Path) -> None:
        self.writer = pq.ParquetWriter(target, STORED_SCHEMA, **PARQUET_OPTIONS)
        self.waiting: list[pa.Table] = []
        self.waiting_rows = 0
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.waiting.append(table)
        self.waiting_rows += table.num_rows
        self.rows += table.num_rows
        if self.waiting_rows >= ROW_GROUP_ROWS:
            whole = pa.concat_tables(self.waiting)
            cut = whole.num_rows - whole.num_rows % ROW_GROUP_ROWS
            self._write(whole.slice(0, cut))
            rest = whole.slice(cut)
            self.waiting, self.waiting_rows = [rest], rest.num_rows

    def _write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.writer.write_table(table, row_group_size=ROW_GROUP_ROWS)

    def close(self) -> None:
        try:
            if self.waiting_rows:
                self._write(pa.concat_tables(self.waiting))
            self.waiting = []
        finally:
            self.writer.close()
