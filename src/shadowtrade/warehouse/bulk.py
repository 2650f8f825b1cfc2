"""The fast path for BACI-shaped files: DuckDB's own CSV (or Parquet) reader straight to Parquet.

One scan reads ``t, i, j, k, v, q`` with explicit types, maps country and product codes with
joins against the release's code lists, converts units and writes the per-load Parquet file.
Lines the reader cannot parse (a missing field, a value that is not a number) are set aside by
DuckDB (``store_rejects``); rows whose codes are unknown come out with an empty exporter,
importer or HS code. Either kind is counted from the reject table and the file's statistics at
no extra cost when there are none; when there are some, the caller reloads the file through the
row-by-row reader, which names each bad row's line and reason (see ``ingest.py``).

Codes are joined as text, exactly as written (``'156'``, ``'010121'``): DuckDB would read
``156.7`` as the integer 157 and ``0x9c`` as 156, where the row-by-row reader calls both
unknown. A code written another way (``' 156'``, ``'156.0'``) does not match, so the file goes
to the row-by-row reader, which accepts it: the fast path never accepts a row that reader would
refuse. Values are read as DOUBLE; infinities and NaN count as bad rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from shadowtrade.warehouse.flowstore import sql_literal

if TYPE_CHECKING:
    from shadowtrade.warehouse.core import Warehouse

NULL_MARKERS = ("", "NA", "N/A", "null", "NaN")  # what the row-by-row reader takes as no value
_TYPES = {"t": "DOUBLE", "i": "VARCHAR", "j": "VARCHAR", "k": "VARCHAR", "v": "DOUBLE",
          "q": "DOUBLE"}
#: Columns that must not be empty in a written row: an empty one marks a bad row.
REQUIRED = ("year", "exporter", "importer", "hs_code", "value")


@dataclass(frozen=True)
class BaciScan:
    """A BACI-shaped file to load in one DuckDB scan.

    ``countries`` maps a country code as written to ISO3, ``products`` a product code as written
    to its six-digit HS code; ``scale`` multiplies values and quantities (thousand USD to USD,
    tonnes to kg).
    """

    path: Path  # CSV (plain or .gz) or Parquet
    countries: dict[str, str]
    products: dict[str, str]
    header: tuple[str, ...] = ("t", "i", "j", "k", "v", "q")
    delimiter: str = ","
    scale: float = 1000.0
    constants: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScanOutcome:
    """What one scan wrote: rows in the file, and how many lines or rows were bad."""

    rows: int
    rejected_lines: int
    bad_rows: int

    @property
    def clean(self) -> bool:
        """True when every line of the input became a good row."""
        return self.rejected_lines == 0 and self.bad_rows == 0


def scan_to_parquet(warehouse: Warehouse, scan: BaciScan, target: Path, tag: str) -> ScanOutcome:
    """Read ``scan`` once and write its rows to ``target``; count bad lines and rows."""
    con = warehouse.con
    names = {"countries": f"_countries_{tag}", "importers": f"_importers_{tag}",
             "products": f"_products_{tag}", "rejects": f"_rejects_{tag}",
             "scans": f"_reject_scans_{tag}"}
    con.register(names["countries"], _lookup(scan.countries, enum=False))
    con.register(names["importers"], _lookup(scan.countries, enum=True))
    con.register(names["products"], _lookup(scan.products, enum=True))
    try:
        result = con.execute(f"COPY ({_select(scan, names)}) TO {sql_literal(str(target))} "
                             "(FORMAT parquet)").fetchone()
        rows = int(result[0]) if result else 0
        rejected = _rejected_lines(warehouse, scan, names)
    finally:
        for key in ("countries", "importers", "products"):
            con.unregister(names[key])
        for key in ("rejects", "scans"):
            con.execute(f"DROP TABLE IF EXISTS {names[key]}")
    return ScanOutcome(rows, rejected, _bad_rows(warehouse, target) if rows else 0)


def _lookup(mapping: dict[str, str], enum: bool) -> pa.Table:
    """Code as written -> code to store; an ENUM (Arrow dictionary) is cheaper to write, but its
    Parquet statistics span the whole dictionary, so the exporter (which queries filter on and
    row groups are pruned by) stays text."""
    codes = pa.array(list(mapping), pa.string())
    values = pa.array(list(mapping.values()), pa.string())
    return pa.table({"code": codes, "value": values.dictionary_encode() if enum else values})


def _source(scan: BaciScan, names: dict[str, str]) -> str:
    location = sql_literal(str(scan.path))
    if scan.path.suffix == ".parquet":
        casts = ", ".join(f"TRY_CAST({c} AS {kind}) AS {c}" for c, kind in _TYPES.items())
        return f"(SELECT {casts} FROM read_parquet({location}))"
    columns = ", ".join(f"{sql_literal(name)}: {sql_literal(_TYPES.get(name, 'VARCHAR'))}"
                        for name in scan.header)
    nulls = ", ".join(sql_literal(marker) for marker in NULL_MARKERS)
    return (f"read_csv({location}, header = true, auto_detect = false, "
            f"delim = {sql_literal(scan.delimiter)}, quote = '\"', escape = '\"', "
            f"nullstr = [{nulls}], columns = {{{columns}}}, store_rejects = true, "
            f"rejects_table = {sql_literal(names['rejects'])}, "
            f"rejects_scan = {sql_literal(names['scans'])})")


def _select(scan: BaciScan, names: dict[str, str]) -> str:
    scale = repr(float(scan.scale))
    return f"""
        SELECT TRY_CAST(trunc(r.t) AS SMALLINT) AS "year", e.value AS exporter,
               m.value AS importer, h.value AS hs_code,
               CASE WHEN isfinite(r.v) AND (r.q IS NULL OR isfinite(r.q))
                    THEN r.v * {scale} END AS "value",
               r.q * {scale} AS quantity
        FROM {_source(scan, names)} r
        LEFT JOIN {names['countries']} e ON e.code = r.i
        LEFT JOIN {names['importers']} m ON m.code = r.j
        LEFT JOIN {names['products']} h ON h.code = r.k"""


def _rejected_lines(warehouse: Warehouse, scan: BaciScan, names: dict[str, str]) -> int:
    if scan.path.suffix == ".parquet":
        return 0
    found = warehouse.sql_rows(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = ? AND temporary", [names["rejects"]])
    if not found:
        return 0
    return int(warehouse.sql_rows(
        f"SELECT count(DISTINCT line) FROM {names['rejects']}")[0][0])


def _bad_rows(warehouse: Warehouse, target: Path) -> int:
    """Rows with an empty required column: free from the file's statistics when there are none."""
    location = sql_literal(str(target))
    wanted = ", ".join(sql_literal(name) for name in REQUIRED)
    nulls = warehouse.sql_rows(
        f"SELECT coalesce(sum(stats_null_count), 0), count(*) FILTER (stats_null_count IS NULL) "
        f"FROM parquet_metadata({location}) WHERE path_in_schema IN ({wanted})")[0]
    if int(nulls[0]) == 0 and int(nulls[1]) == 0:
        return 0
    condition = " OR ".join(f'"{name}" IS NULL' for name in REQUIRED)
    return int(warehouse.sql_rows(
        f"SELECT count(*) FROM read_parquet({location}) WHERE {condition}")[0][0])
