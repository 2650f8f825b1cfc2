"""One block of a BACI-shaped file to stored rows: a typed read when every row is clean, the exact
row reader's checks when one is not.

The typed read parses ``t``, ``v`` and ``q`` as float64 and keeps ``i``, ``j`` and ``k`` as
dictionary-encoded text *exactly as written*; codes are then mapped through the release's code
lists on the few hundred (or thousand) distinct values of the block, not on its rows. The block is
taken only when every row would be accepted by the row-by-row reader with the same values: each
code is a known spelling, ``t`` and ``v`` are present and finite, ``q`` is finite or absent.
Otherwise (a line with the wrong number of fields, a value that does not parse, ``1_000``, an
unknown code, ``156.0``) the block is read again as text and handed to the source's exact
reader, which quarantines the bad rows with their line and reason and converts the others.

Stored rows have ``exporter``, ``importer`` and ``hs_code`` as dictionary arrays over one
dictionary per load (:class:`CodeTable`), so Parquet writes them without hashing a single row.

>>> table = CodeTable.of({"156": "CHN", "643": "RUS"})
>>> codes = pa.array(["643", "156", "643"]).dictionary_encode()
>>> table.remap(codes).to_pylist()
['RUS', 'CHN', 'RUS']
>>> table.remap(pa.array(["156", "0156"]).dictionary_encode()) is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from shadowtrade.warehouse.blocks import ScanFailed, TableBlock, TextBlock

COLUMNS = ("t", "i", "j", "k", "v", "q")
NULL_MARKERS = ["", "NA", "N/A", "null", "NaN"]  # what the row-by-row reader takes as no value
CODE = pa.dictionary(pa.int32(), pa.string())
STORED_SCHEMA = pa.schema([("year", pa.int16()), ("exporter", CODE), ("importer", CODE),
                           ("hs_code", CODE), ("value", pa.float64()),
                           ("quantity", pa.float64())])
_TYPED = {"t": pa.float64(), "i": CODE, "j": CODE, "k": CODE, "v": pa.float64(),
          "q": pa.float64()}

Malformed = tuple[int | None, str, str]  # file line, raw text, reason
#: The source's exact reader for one block: (the block's rows, every column as the file has it;
#: the line of its first row; lines the CSV parser set aside) -> (flow rows, quarantined rows).
ExactReader = Callable[[pa.Table, int, list[Malformed]], tuple[pa.Table, pa.Table]]


@dataclass(frozen=True)
class CodeTable:
    """Code as written -> stored code, the stored codes forming one sorted dictionary."""

    written: pa.Array  # every accepted spelling
    position: pa.Array  # int32: where its stored code sits in ``values``
    values: pa.Array  # the stored codes, sorted, distinct

    @classmethod
    def of(cls, mapping: dict[str, str]) -> CodeTable:
        """The table of a ``{written: stored}`` mapping."""
        values = sorted(set(mapping.values()))
        where = {value: number for number, value in enumerate(values)}
        return cls(pa.array(list(mapping), pa.string()),
                   pa.array([where[value] for value in mapping.values()], pa.int32()),
                   pa.array(values, pa.string()))

    def remap(self, codes: pa.DictionaryArray) -> pa.DictionaryArray | None:
        """Codes as written, mapped onto :attr:`values`; None when one is not a known spelling."""
        found = pc.index_in(codes.dictionary, self.written)
        if found.null_count or codes.indices.null_count:
            return None
        stored = pc.take(self.position, found)
        return pa.DictionaryArray.from_arrays(pc.take(stored, codes.indices), self.values)

    def encode(self, stored: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
        """Stored codes (text, all in :attr:`values`) as a dictionary array over :attr:`values`."""
        indices = pc.index_in(stored, self.values)
        if isinstance(indices, pa.ChunkedArray):
            indices = indices.combine_chunks()
        return pa.DictionaryArray.from_arrays(indices.cast(pa.int32()), self.values)


@dataclass(frozen=True)
class BlockCodes:
    """What converting a block needs: the code tables, the unit scale and the exact reader."""

    countries: CodeTable
    products: CodeTable
    scale: float
    exact: ExactReader
    header: tuple[str, ...]
    delimiter: str


@dataclass(frozen=True)
class Converted:
    """A block's stored rows (``STORED_SCHEMA``) and its quarantined rows; ``exact`` when the row
    reader's checks ran."""

    rows: pa.Table
    quarantine: pa.Table | None
    exact: bool

    @property
    def years(self) -> set[int]:
        """The years of the stored rows."""
        return set(pc.unique(self.rows["year"]).to_pylist())


def convert_block(block: TextBlock | TableBlock, codes: BlockCodes) -> Converted:
    """Stored rows of one block: fast when every row is clean, else through the exact reader."""
    typed = block.table if isinstance(block, TableBlock) else _read_typed(block, codes)
    try:
        stored = _fast_rows(typed, codes) if typed is not None else None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        stored = None  # a column type the fast path does not know (in a Parquet file)
    if stored is not None:
        return Converted(stored, None, exact=False)
    return _exact_rows(block, codes)


def _read_typed(block: TextBlock, codes: BlockCodes) -> pa.Table | None:
    """The block's six columns typed; None when a line does not parse (a block to read exactly)."""
    try:
        return pacsv.read_csv(
            pa.py_buffer(block.data),
            read_options=_read_options(block, codes),
            # blocks hold no quote character (see blocks.py): the tokenizer need not look for one
            parse_options=pacsv.ParseOptions(delimiter=codes.delimiter, quote_char=False,
                                             double_quote=False),
            convert_options=pacsv.ConvertOptions(
                column_types=_TYPED, include_columns=list(COLUMNS), null_values=NULL_MARKERS,
                strings_can_be_null=False, quoted_strings_can_be_null=False,
                # bytes that are not UTF-8 never spell a known code, so such a block goes to
                # the exact reader, which checks (and refuses) them
                check_utf8=False))
    except pa.ArrowInvalid:
        return None


def _read_options(block: TextBlock, codes: BlockCodes) -> pacsv.ReadOptions:
    return pacsv.ReadOptions(column_names=list(codes.header), use_threads=False,
                             block_size=max(len(block.data) + 1, 1 << 16))


def _fast_rows(table: pa.Table, codes: BlockCodes) -> pa.Table | None:
    """Stored rows when every row is clean (see the module's docstring), else None."""
    year, value, quantity = (_number(table[name]) for name in ("t", "v", "q"))
    if year is None or value is None or quantity is None:
        return None
    if year.null_count or value.null_count or not _all_finite(year, value, quantity):
        return None
    mapped = [_codes(table[name], table_) for name, table_ in
              (("i", codes.countries), ("j", codes.countries), ("k", codes.products))]
    if any(column is None for column in mapped):
        return None
    return pa.Table.from_arrays(
        [pc.cast(year, pa.int16(), safe=False), *mapped, pc.multiply(value, codes.scale),
         pc.multiply(quantity, codes.scale)], schema=STORED_SCHEMA)


def _number(column: pa.ChunkedArray) -> pa.Array | None:
    """A numeric column as float64 (what the row reader computes), None for text."""
    if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        return None
    return pc.cast(column.combine_chunks(), pa.float64())


def _all_finite(*columns: pa.Array) -> bool:
    return all(pc.all(pc.is_finite(column), skip_nulls=True).as_py() is not False
               for column in columns)


def _codes(column: pa.ChunkedArray, table: CodeTable) -> pa.DictionaryArray | None:
    """A code column mapped through ``table``, None when a code is not known as written.

    The row reader reads integer codes as their decimal text, and text codes as written."""
    if pa.types.is_integer(column.type):
        column = pc.cast(column, pa.string())
    elif pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    if pa.types.is_string(column.type):
        column = pc.dictionary_encode(column)
    elif not pa.types.is_dictionary(column.type):
        return None  # floats and the like: the row reader decides
    if isinstance(column, pa.ChunkedArray):
        column = column.unify_dictionaries().combine_chunks() if column.num_chunks != 1 \
            else column.chunk(0)
    return table.remap(column)


def _exact_rows(block: TextBlock | TableBlock, codes: BlockCodes) -> Converted:
    """The row reader's verdict on a block: its accepted rows, stored, and its bad rows."""
    malformed: list[Malformed] = []
    if isinstance(block, TableBlock):
        text = block.table
    else:
        text = _read_text(block, codes, malformed)
    flows, bad = codes.exact(text, block.first_line, malformed)
    rows = pa.Table.from_arrays(
        [flows["year"].cast(pa.int16()), codes.countries.encode(flows["exporter"]),
         codes.countries.encode(flows["importer"]), codes.products.encode(flows["hs_code"]),
         flows["value"].cast(pa.float64()), flows["quantity"].cast(pa.float64())],
        schema=STORED_SCHEMA)
    return Converted(rows, bad, exact=True)


def _read_text(block: TextBlock, codes: BlockCodes, malformed: list[Malformed]) -> pa.Table:
    """The block as the row reader reads a file: every column as text, lines with the wrong
    number of fields set aside with their line."""
    def on_invalid(row: pacsv.InvalidRow) -> str:
        line = None if row.number is None else block.first_line - 1 + row.number
        reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        malformed.append((line, row.text or "", reason))
        return "skip"

    try:
        return pacsv.read_csv(
            pa.py_buffer(block.data),
            read_options=_read_options(block, codes),
            parse_options=pacsv.ParseOptions(delimiter=codes.delimiter,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in codes.header},
                strings_can_be_null=False))
    except pa.ArrowInvalid as err:  # not UTF-8, …: the row reader names it
        raise ScanFailed(f"cannot read the block at line {block.first_line}: {err}") from err
