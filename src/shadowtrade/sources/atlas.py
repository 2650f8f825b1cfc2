"""Harvard Growth Lab Atlas (International Trade Data, HS92): country totals per year and
world totals per HS4 product, in USD, mirror-reconciled by the Growth Lab.

Country totals become two rows per country and year: exports to the world (``WLD``) and imports
from it, marked ``aggregate`` since one side is the world.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.reference.countries import countries
from shadowtrade.sources.flowfile import Batch, FlowFile, assemble, release_from_name
from shadowtrade.sources.tabular import RowChecks, read_batches, to_float, to_int

COUNTRY_COLUMNS = ("country_iso3_code", "year", "export_value", "import_value")
PRODUCT_COLUMNS = ("product_hs92_code", "year", "export_value")


def read_atlas(path: Path, release: str | None = None, kind: str = "country_year") -> FlowFile:
    """Open an Atlas country-year or product-year file (CSV or Parquet)."""
    path = Path(path)
    chosen = release or release_from_name(path, "hs92")
    batches = _country_batches(path, chosen) if kind == "country_year" else _product_batches(path, chosen)
    return FlowFile(path, "atlas", chosen, batches)


def _country_batches(path: Path, release: str) -> Iterator[Batch]:
    known = pa.array(list(countries()))
    for raw in read_batches(path, COUNTRY_COLUMNS, "Atlas country-year"):
        for direction in ("export", "import"):
            checks = RowChecks(raw)
            for column in ("year", "export_value", "import_value"):
                checks.require_number(column)
            iso3 = pc.cast(raw.table["country_iso3_code"], pa.string())
            checks.flag(pc.invert(pc.is_in(iso3, known)), pc.binary_join_element_wise(
                "unknown country '", pc.fill_null(iso3, ""), "'", ""))
            exports = direction == "export"
            batch = assemble(checks, {
                "source": "atlas", "dataset": "hs92_country_year", "release": release,
                "freq": "A", "year": to_int(raw.table["year"], pa.int16()),
                "month": None,
                "exporter": iso3 if exports else "WLD", "importer": "WLD" if exports else iso3,
                "reporter": "ATLAS", "aggregate": True, "hs_revision": "TOTAL",
                "hs_code": "TOTAL", "value": to_float(raw.table[f"{direction}_value"]),
                "currency": "USD", "quantity": None, "unit": None,
            })
            # a bad row is quarantined once, not once per direction
            yield batch if exports else (batch[0], batch[1].slice(0, 0))


def _product_batches(path: Path, release: str) -> Iterator[Batch]:
    for raw in read_batches(path, PRODUCT_COLUMNS, "Atlas product-year"):
        checks = RowChecks(raw)
        checks.require_number("year")
        checks.require_number("export_value")
        code = pc.cast(raw.table["product_hs92_code"], pa.string())
        checks.flag(pc.invert(pc.match_substring_regex(code, r"^\d{4}$")),
                    "product_hs92_code is not a 4-digit HS92 heading")
        yield assemble(checks, {
            "source": "atlas", "dataset": "hs92_product_year_4", "release": release,
            "freq": "A", "year": to_int(raw.table["year"], pa.int16()), "month": None,
            "exporter": "WLD", "importer": "WLD", "reporter": "ATLAS", "aggregate": True,
            "hs_revision": "HS92", "hs_code": code,
            "value": to_float(raw.table["export_value"]), "currency": "USD",
            "quantity": None, "unit": None,
        })
