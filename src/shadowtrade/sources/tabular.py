"""Reading delimited and Parquet files in Arrow batches, with line numbers and vectorised checks.

Every reader in this package builds on :func:`read_batches` (all columns as text, so that a bad
value is quarantined instead of failing the file) and :class:`RowChecks` (collects, per row, the
first reason it is unusable).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = path.write_text("a,b\\n1,x\\n2,3\\n")
>>> batch = next(read_batches(path, required=("a", "b")))
>>> checks = RowChecks(batch)
>>> checks.require_number("b")
>>> [r["reason"] for r in checks.rejected().to_pylist()]
["field 'b' is not a number: 'x'"]
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from shadowtrade.errors import DataFileError
from shadowtrade.model.flows import QUARANTINE_SCHEMA

_NUMBER = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"
_BLOCK = 16 << 20


@dataclass
class RawBatch:
    """A batch of rows as text, the file line of its first row, and rows the parser rejected."""

    table: pa.Table
    first_line: int
    path: Path
    malformed: list[tuple[int | None, str, str]] = field(default_factory=list)

    def lines(self) -> pa.Array:
        """The file line number of every row (rows the parser rejected take up lines too)."""
        skipped = {number for number, _, _ in self.malformed if number is not None}
        if not skipped:
            return pa.array(np.arange(self.first_line, self.first_line + self.table.num_rows))
        lines, line = [], self.first_line
        while len(lines) < self.table.num_rows:
            if line not in skipped:
                lines.append(line)
            line += 1
        return pa.array(lines, pa.int64())


def open_text(path: Path, member: str | None = None) -> io.BufferedIOBase:
    """Open a plain, gzip or zip file as a binary stream (for zips, one member)."""
    if path.suffix == ".zip":
        archive = zipfile.ZipFile(path)
        return archive.open(member or _only_csv_member(archive, path))  # type: ignore[return-value]
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _only_csv_member(archive: zipfile.ZipFile, path: Path) -> str:
    members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    if len(members) != 1:
        raise DataFileError(
            f"the zip holds {len(members)} CSV files; name the one to read", path=str(path)
        )
    return members[0]


def sniff_header(path: Path, member: str | None = None) -> tuple[list[str], str]:
    """The header's column names and the delimiter (comma, semicolon, tab or bar)."""
    try:
        with open_text(path, member) as handle:
            first = handle.readline().decode("utf-8-sig").rstrip("\r\n")
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise DataFileError(f"cannot read the file: {err}", path=str(path)) from err
    if not first:
        raise DataFileError("the file is empty: expected a header line", path=str(path), line=1)
    delimiter = max([",", ";", "\t", "|"], key=first.count)
    return [name.strip().strip('"') for name in first.split(delimiter)], delimiter


def check_columns(path: Path, header: list[str], required: tuple[str, ...], fmt: str) -> None:
    """Raise a clear error when required columns are missing from the header."""
    missing = [name for name in required if name not in header]
    if missing:
        shown = ", ".join(header[:8]) + (" …" if len(header) > 8 else "")
        raise DataFileError(
            f"not a {fmt} file: missing column(s) {', '.join(missing)} (found: {shown}). "
            f"Check the file's format (--format) and its delimiter.",
            path=str(path),
            line=1,
        )


def read_batches(
    path: Path,
    required: tuple[str, ...],
    fmt: str = "CSV",
    member: str | None = None,
    skip_lines: int = 0,
) -> Iterator[RawBatch]:
    """Yield a file's rows in batches, every column as text (Parquet columns keep their type)."""
    if path.suffix == ".parquet":
        yield from _parquet_batches(path, required, fmt)
        return
    header, delimiter = sniff_header(path, member)
    check_columns(path, header, required, fmt)
    malformed: list[tuple[int | None, str, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        malformed.append((row.number, row.text or "", reason))
        return "skip"

    reader = _open_csv(path, member, header, delimiter, skip_lines, on_invalid)
    line = 2 + skip_lines
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, OSError, EOFError, zlib_error()) as err:
            raise DataFileError(
                f"the file is truncated or corrupt after line {line - 1} ({err}); "
                "download it again",
                path=str(path),
            ) from err
        table = pa.Table.from_batches([batch])
        yield RawBatch(table, line, path, list(malformed))
        line += table.num_rows + len(malformed)
        malformed.clear()
    if malformed:  # rejected rows after the last batch (or a file of nothing but them)
        empty = pa.table({name: pa.array([], pa.string()) for name in header})
        yield RawBatch(empty, line, path, list(malformed))


def zlib_error() -> type[Exception]:
    """The zlib error class (truncated gzip streams raise it)."""
    import zlib

    return zlib.error


def _open_csv(
    path: Path,
    member: str | None,
    header: list[str],
    delimiter: str,
    skip_lines: int,
    on_invalid: Callable[[pacsv.InvalidRow], str],
) -> pacsv.CSVStreamingReader:
    stream = open_text(path, member)
    try:
        return pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                column_names=header, skip_rows=1 + skip_lines, block_size=_BLOCK,
                use_threads=False,  # keeps the line numbers of rejected rows
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError, EOFError, zlib_error()) as err:
        raise DataFileError(
            f"the file is truncated or corrupt ({err}); download it again", path=str(path)
        ) from err


def _parquet_batches(path: Path, required: tuple[str, ...], fmt: str) -> Iterator[RawBatch]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise DataFileError(f"not a readable Parquet file: {err}", path=str(path)) from err
    check_columns(path, parquet.schema_arrow.names, required, fmt)
    row = 1
    try:
        for batch in parquet.iter_batches(batch_size=1 << 20):
            table = pa.Table.from_batches([batch])
            yield RawBatch(table, row, path)
            row += table.num_rows
    except (pa.ArrowInvalid, OSError) as err:
        raise DataFileError(
            f"the Parquet file is truncated or corrupt after row {row} ({err})", path=str(path)
        ) from err


class RowChecks:
    """Collects, for each row of a batch, the first reason it cannot be loaded."""

    def __init__(self, batch: RawBatch) -> None:
        self.batch = batch
        self.table = batch.table
        self.reason: pa.Array = pa.nulls(self.table.num_rows, pa.string())

    def flag(self, bad: pa.Array, reasons: pa.Array | str | Callable[[], pa.Array]) -> None:
        """Mark rows where ``bad`` is true with a reason (kept if a row already has one).

        ``reasons`` may be a function building the per-row reasons: it is called only when
        some row is flagged, so clean batches never build millions of reason strings.
        """
        bad = pc.fill_null(bad, True)
        fresh = pc.and_(bad, pc.is_null(self.reason))
        if not pc.any(fresh).as_py():
            return
        if callable(reasons):
            reasons = reasons()
        if isinstance(reasons, str):
            reasons = pa.scalar(reasons)
        self.reason = pc.if_else(fresh, reasons, self.reason)

    def require_number(self, column: str, *, nullable: bool = False) -> None:
        """Flag rows whose value is not a number (or empty, unless ``nullable``)."""
        values = self.table[column]
        if _is_text(values) and parse_plain_numbers(values, nullable) is not None:
            return  # every value is a plain number (or, if nullable, an NA marker)
        if _is_text(values):
            blank = pc.equal(pc.utf8_trim_whitespace(values), "")
            na = pc.or_(blank, pc.is_in(values, pa.array(["NA", "N/A", "null", "NaN"])))
            numeric = pc.match_substring_regex(values, _NUMBER)
            ok = pc.or_(numeric, na) if nullable else numeric
            self.flag(pc.invert(ok), lambda: pc.binary_join_element_wise(
                f"field '{column}' is not a number: ",
                pc.binary_join_element_wise("'", values, "'", ""), ""))
        elif not nullable:
            self.flag(pc.is_null(values), f"field '{column}' is empty")

    def require_known(self, column: str, known: pa.Array, what: str) -> None:
        """Flag rows whose value is not in ``known``."""
        values = self.table[column]
        self.flag(
            pc.invert(pc.is_in(values, known)),
            lambda: pc.binary_join_element_wise(
                f"unknown {what} ",
                pc.binary_join_element_wise("'", pc.cast(values, pa.string()), "'", ""), ""),
        )

    def accepted_mask(self) -> pa.Array:
        """True for rows with no reason against them."""
        return pc.is_null(self.reason)

    def accepted(self) -> pa.Table:
        """The rows with no reason against them."""
        return self.table.filter(self.accepted_mask())

    def rejected(self) -> pa.Table:
        """Rejected rows (value checks and parser rejections) as line, raw text, reason."""
        mask = pc.is_valid(self.reason)
        if not pc.any(mask).as_py() and not self.batch.malformed:
            return QUARANTINE_SCHEMA.empty_table()
        lines = self.batch.lines().filter(mask)
        raw = _raw_text(self.table.filter(mask))
        reasons = self.reason.filter(mask)
        table = pa.table({"line": lines, "raw": raw, "reason": reasons}, schema=QUARANTINE_SCHEMA)
        if self.batch.malformed:
            numbers, texts, why = zip(*self.batch.malformed, strict=True)
            extra = pa.table(
                {"line": list(numbers), "raw": list(texts), "reason": list(why)},
                schema=QUARANTINE_SCHEMA,
            )
            table = pa.concat_tables([table, extra])
        return table


def _raw_text(table: pa.Table) -> pa.Array:
    if table.num_rows == 0:
        return pa.array([], pa.string())
    columns = [pc.fill_null(pc.cast(col, pa.string()), "") for col in table.columns]
    return pc.binary_join_element_wise(*columns, ",")


def to_float(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Cast text (or numbers) to float64; blanks, NA and anything not a number become null.

    Rows whose text is not a number were flagged by :class:`RowChecks` and are dropped later;
    here they only must not break the cast.
    """
    if _is_text(values):
        fast = parse_plain_numbers(values, nullable=True)
        if fast is not None:
            return fast
        numeric = pc.match_substring_regex(values, _NUMBER)
        kept = pc.if_else(numeric, pc.utf8_trim_whitespace(values), pa.scalar(None, pa.string()))
        return pc.cast(kept, pa.float64())
    return pc.cast(values, pa.float64())


_NA_MARKERS = pa.array(["", "NA", "N/A", "null", "NaN"])


def _is_text(values: pa.ChunkedArray | pa.Array) -> bool:
    return pa.types.is_string(values.type) or pa.types.is_large_string(values.type)


def parse_plain_numbers(values: pa.ChunkedArray | pa.Array, nullable: bool) -> pa.Array | None:
    """Float64 of a text column when every value is a plain number, else None.

    The fast path of :meth:`RowChecks.require_number` and :func:`to_float`: Arrow's strict cast
    either parses the whole column or fails, and only then do the (slow) per-row regular
    expressions run. NA markers become null when ``nullable``; NaN and infinities, which the
    regular expression rejects, send the column to the slow path, so results are identical.

    >>> parse_plain_numbers(pa.array(["1", "2.5", "NA"]), nullable=True).to_pylist()
    [1.0, 2.5, None]
    >>> parse_plain_numbers(pa.array(["1", "NA"]), nullable=False) is None
    True
    """
    if values.null_count:
        return None
    if nullable:
        values = pc.if_else(pc.is_in(values, _NA_MARKERS), pa.scalar(None, values.type), values)
    try:
        parsed = pc.cast(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # some value is not a plain number: the caller checks row by row
    if pc.any(pc.is_nan(parsed)).as_py() or pc.any(pc.is_inf(parsed)).as_py():
        return None
    return parsed


def to_int(values: pa.ChunkedArray | pa.Array, type_: pa.DataType) -> pa.Array:
    """Cast text or numbers to an integer type; what is not a number becomes null.

    >>> to_int(pa.array(["2021", "", "x", "7"]), pa.int16()).to_pylist()
    [2021, None, None, 7]
    """
    return pc.cast(to_float(values), type_, safe=False)


def map_codes(
    values: pa.ChunkedArray | pa.Array, lookup: Callable[[str], str | None]
) -> pa.Array:
    """Map each distinct value through ``lookup`` once (null when unknown), vectorised."""
    text = pc.cast(values, pa.string())
    distinct = pc.unique(text)
    mapped = pa.array([lookup(v) if v is not None else None for v in distinct.to_pylist()],
                      pa.string())
    return pc.take(mapped, pc.index_in(text, distinct))


def constant(value: object, length: int, type_: pa.DataType) -> pa.Array:
    """An array repeating one value (cheap: built with ``repeat``)."""
    return pa.repeat(pa.scalar(value, type_), length)
