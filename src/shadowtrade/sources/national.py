"""National statistics offices' imports by partner (Armenia, Kazakhstan, Kyrgyzstan,
Uzbekistan …): ``REPORTER, PARTNER, PRODUCT, FLOW, STAT_PROCEDURE, PERIOD, VALUE_IN_EUR``.

The reporter is the importer; names are resolved to ISO3, partner aggregates (``World``,
``European Union - 27 countries``) kept as ``aggregate`` rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.reference.countries import aggregate_from_name, iso3_from_name
from shadowtrade.sources.flowfile import Batch, FlowFile, assemble, release_from_name
from shadowtrade.sources.tabular import RowChecks, map_codes, read_batches, to_float, to_int

COLUMNS = ("REPORTER", "PARTNER", "PRODUCT", "FLOW", "PERIOD", "VALUE_IN_EUR")


def read_national(path: Path, release: str | None = None) -> FlowFile:
    """Open a national-statistics imports-by-partner CSV."""
    path = Path(path)
    chosen = release or release_from_name(path, "national")
    return FlowFile(path, "national", chosen, _batches(path, chosen))


def _batches(path: Path, release: str) -> Iterator[Batch]:
    for raw in read_batches(path, COLUMNS, "national statistics"):
        yield _convert(RowChecks(raw), release)


def _any_place(name: str) -> str | None:
    return iso3_from_name(name) or aggregate_from_name(name)


def _convert(checks: RowChecks, release: str) -> Batch:
    table = checks.table
    checks.require_number("VALUE_IN_EUR")
    period = pc.utf8_trim_whitespace(table["PERIOD"])
    checks.flag(pc.invert(pc.match_substring_regex(period, r"^Y?\d{4}$")),
                "PERIOD is not a year (Y2021 or 2021)")
    flow = pc.utf8_upper(table["FLOW"])
    imports = pc.equal(flow, "IMPORT")
    checks.flag(pc.invert(pc.or_(imports, pc.equal(flow, "EXPORT"))),
                "FLOW is neither IMPORT nor EXPORT")
    reporter = map_codes(table["REPORTER"], iso3_from_name)
    partner = map_codes(table["PARTNER"], _any_place)
    checks.flag(pc.is_null(reporter), pc.binary_join_element_wise(
        "unknown reporter country '", table["REPORTER"], "'", ""))
    checks.flag(pc.is_null(partner), pc.binary_join_element_wise(
        "unknown partner country '", table["PARTNER"], "'", ""))
    product = pc.utf8_upper(pc.utf8_trim_whitespace(table["PRODUCT"]))
    year = to_int(pc.utf8_slice_codeunits(pc.utf8_ltrim(period, "Y"), 0, 4), pa.int16())
    return assemble(checks, {
        "source": "national", "dataset": "imports-by-partner", "release": release,
        "freq": "A", "year": year, "month": None,
        "exporter": pc.if_else(imports, partner, reporter),
        "importer": pc.if_else(imports, reporter, partner),
        "reporter": reporter,
        "aggregate": pc.is_null(map_codes(table["PARTNER"], iso3_from_name)),
        "hs_revision": pc.if_else(pc.equal(product, "TOTAL"), "TOTAL", "NATIONAL"),
        "hs_code": product, "value": to_float(table["VALUE_IN_EUR"]), "currency": "EUR",
        "quantity": None, "unit": None,
    })
