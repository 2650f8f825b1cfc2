"""Cutting a BACI-shaped file into blocks that convert independently, on every core.

A CSV stream (plain, gzip or a zip member) is cut at line ends into blocks of about
:data:`BLOCK_BYTES`, each knowing the file line of its first row, so a bad line is named exactly
whichever thread reads it. A Parquet file is read in record batches, each knowing its first row.

>>> import io
>>> stream = io.BytesIO(b"t,v\\n2021,1\\n2021,2\\n2021,3\\n")
>>> [(b.data, b.first_line) for b in csv_blocks(stream, block_bytes=12)]
[(b'2021,1\\n', 2), (b'2021,2\\n2021,3\\n', 3)]
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

#: About 8 MB of CSV (some 230,000 BACI rows) per block: enough to keep a core busy, small
#: enough that the few blocks in flight stay far below the file's size in memory.
BLOCK_BYTES = 8 << 20
#: Rows per Parquet record batch read from a Parquet input.
PARQUET_BATCH_ROWS = 1 << 19


class ScanFailed(Exception):
    """The fast path cannot read this file (cut short, quoted fields, columns missing …);
    the row-by-row reader then reads it and names the problem."""


@dataclass(frozen=True)
class TextBlock:
    """Whole lines of a CSV file (no header) and the file line of the first one."""

    data: bytes
    first_line: int


@dataclass(frozen=True)
class TableBlock:
    """A record batch of a Parquet file and the number (from 1) of its first row."""

    table: pa.Table
    first_line: int


def csv_blocks(stream: BinaryIO, block_bytes: int = BLOCK_BYTES) -> Iterator[TextBlock]:
    """Blocks of whole lines after the header line; a quote character ends the fast path
    (a quoted field may hold a line break, which would shift every later line number)."""
    try:
        stream.readline()  # the header, already read by the caller
        line, rest = 2, b""
        while chunk := stream.read(block_bytes):
            data = rest + chunk if rest else chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a block: keep reading
                rest = data
                continue
            block, rest = (data, b"") if cut == len(data) else (data[:cut], data[cut:])
            yield _checked(block, line)
            line += block.count(b"\n")
        if rest:
            yield _checked(rest, line)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as err:
        raise ScanFailed(f"cannot read the file: {err}") from err


def _checked(data: bytes, first_line: int) -> TextBlock:
    if b'"' in data:
        raise ScanFailed("quoted fields: read row by row")
    return TextBlock(data, first_line)


def parquet_blocks(path: Path, required: tuple[str, ...]) -> Iterator[TableBlock]:
    """Record batches of a Parquet file, every column kept (a quarantined row shows them all)."""
    try:
        parquet = pq.ParquetFile(path)
        if any(name not in parquet.schema_arrow.names for name in required):
            raise ScanFailed("columns missing")
        row = 1
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            yield TableBlock(pa.Table.from_batches([batch]), row)
            row += batch.num_rows
    except (pa.ArrowException, OSError) as err:
        raise ScanFailed(f"cannot read the Parquet file: {err}") from err
