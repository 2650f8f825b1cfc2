"""Cutting a BACI-shaped file into blocks that convert independently, on every core.

A CSV file is cut at line ends into blocks of about :data:`BLOCK_BYTES`, each knowing the file
line of its first row, so a bad line is named exactly whichever thread reads it. A plain file is
mapped into memory and its blocks are views of it (nothing copied); a compressed stream (gzip, a
zip member) is read block by block. A Parquet file is read in record batches, each knowing its
first row.

>>> import io
>>> stream = io.BytesIO(b"t,v\\n2021,1\\n2021,2\\n2021,3\\n")
>>> [(bytes(b.data), b.first_line) for b in csv_blocks(stream, block_bytes=12)]
[(b'2021,1\\n', 2), (b'2021,2\\n2021,3\\n', 3)]
"""

from __future__ import annotations

import mmap
from collections import deque
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

#: About 8 MB of CSV (some 230,000 BACI rows) per block: enough to keep a core busy, small
#: enough that the few blocks in flight stay far below the file's size in memory.
BLOCK_BYTES = 8 << 20
#: Rows per Parquet record batch read from a Parquet input.
PARQUET_BATCH_ROWS = 1 << 19
#: Blocks of a mapped file kept in memory behind the one being handed out (more than are ever
#: in flight); the pages of earlier ones are released.
KEEP_MAPPED = 4
_NEWLINE = ord("\n")


class ScanFailed(Exception):
    """The fast path cannot read this file (cut short, quoted fields, columns missing …);
    the row-by-row reader then reads it and names the problem."""


@dataclass(frozen=True)
class TextBlock:
    """Whole lines of a CSV file (no header) and the file line of the first one."""

    data: bytes | memoryview
    first_line: int


@dataclass(frozen=True)
class TableBlock:
    """A record batch of a Parquet file and the number (from 1) of its first row."""

    table: pa.Table
    first_line: int


def line_count(data: bytes | memoryview) -> int:
    """The number of line ends in ``data`` (numpy: no copy, and other threads keep running).

    >>> line_count(b"a\\nb\\nc")
    2
    """
    return int(np.count_nonzero(np.frombuffer(data, np.uint8) == _NEWLINE))


def mapped_blocks(path: Path, block_bytes: int = BLOCK_BYTES) -> Iterator[TextBlock]:
    """Blocks of whole lines after the header line of a plain file, as views of its mapping."""
    try:
        with open(path, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as err:  # ValueError: an empty file cannot be mapped
        raise ScanFailed(f"cannot map the file: {err}") from err
    view = memoryview(mapped)
    ends: deque[int] = deque()
    try:
        start, line, size, released = mapped.find(b"\n") + 1, 2, len(mapped), 0
        while 0 < start < size:
            end = _line_end(mapped, start, min(start + block_bytes, size))
            if mapped.find(b'"', start, end) >= 0:
                raise ScanFailed("quoted fields: read row by row")
            block = view[start:end]
            yield TextBlock(block, line)
            line += line_count(block)
            start = end
            ends.append(end)
            if len(ends) > KEEP_MAPPED:
                released = _release(mapped, released, ends.popleft())
    finally:
        _unmap(view, mapped)


def _release(mapped: mmap.mmap, start: int, end: int) -> int:
    """Drop the pages of blocks converted long ago from this process's memory (they stay in
    the page cache; were one read again, it would simply be read again from there)."""
    end -= end % mmap.PAGESIZE
    if end > start and hasattr(mmap, "MADV_DONTNEED"):
        mapped.madvise(mmap.MADV_DONTNEED, start, end - start)
    return max(start, end)


def _line_end(mapped: mmap.mmap, start: int, end: int) -> int:
    """Where a block from ``start`` ends: after the last line end before ``end`` (or after the
    first one past it, for a line longer than a block), or at the end of the file."""
    size = len(mapped)
    if end >= size:
        return size
    cut = mapped.rfind(b"\n", start, end) + 1
    if cut:
        return cut
    cut = mapped.find(b"\n", end) + 1
    return cut or size


def _unmap(view: memoryview, mapped: mmap.mmap) -> None:
    try:
        view.release()
        mapped.close()
    except BufferError:
        pass  # a block is still referenced: the mapping goes when it does


def csv_blocks(stream: BinaryIO, block_bytes: int = BLOCK_BYTES) -> Iterator[TextBlock]:
    """Blocks of whole lines after the header line of a stream (a gzip file, a zip member)."""
    try:
        stream.readline()  # the header, already read by the caller
        line, rest = 2, b""
        while chunk := stream.read(block_bytes):
            data = rest + chunk if rest else chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a block: keep reading
                rest = data
                continue
            if data.find(b'"', 0, cut) >= 0:
                raise ScanFailed("quoted fields: read row by row")
            block, rest = memoryview(data)[:cut], data[cut:]
            yield TextBlock(block, line)
            line += line_count(block)
        if rest:
            if b'"' in rest:
                raise ScanFailed("quoted fields: read row by row")
            yield TextBlock(rest, line)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as err:
        raise ScanFailed(f"cannot read the file: {err}") from err


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
