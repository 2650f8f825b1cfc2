"""Eurostat Comext, relational view: one row per reporter (EU member or aggregate), partner,
flow, product and period, value in EUR.

Aggregate reporters (``EU27_2020``, ``EA20`` …) are kept with ``aggregate = true`` and never
summed with member states; shadowtrade's ``EU27`` is always the sum of the 27 members.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.reference.countries import aggregate_from_name, iso3_from_eurostat, iso3_from_name
from shadowtrade.sources.flowfile import Batch, FlowFile, assemble, release_from_name
from shadowtrade.sources.tabular import RowChecks, map_codes, read_batches, to_float, to_int

COLUMNS = ("freq", "period", "reporter_code", "partner", "flow", "product", "value_eur")
_AGGREGATE_REPORTERS = {
    "EU27_2020": "EU27",
    "EU_CHANGING_COMPOSITION": "EU",
    "EA20": "EA20",
    "EA_CHANGING_COMPOSITION": "EA",
    "EU28": "EU28",
}


def read_eurostat(path: Path, release: str | None = None) -> FlowFile:
    """Open a Comext relational-view CSV (plain or gzip)."""
    path = Path(path)
    chosen = release or release_from_name(path, "comext")
    return FlowFile(path, "eurostat", chosen, _batches(path, chosen))


def _batches(path: Path, release: str) -> Iterator[Batch]:
    for raw in read_batches(path, COLUMNS, "Eurostat Comext"):
        yield _convert(RowChecks(raw), release)


def _reporter(code: str) -> str | None:
    return _AGGREGATE_REPORTERS.get(code) or iso3_from_eurostat(code)


def _partner(name: str) -> str | None:
    return iso3_from_name(name) or aggregate_from_name(name)


def _convert(checks: RowChecks, release: str) -> Batch:
    table = checks.table
    checks.require_number("value_eur")
    period = pc.utf8_trim_whitespace(table["period"])
    checks.flag(pc.invert(pc.match_substring_regex(period, r"^\d{4}(-\d{2})?$")),
                "period is not YYYY or YYYY-MM")
    flow = pc.utf8_upper(table["flow"])
    exports = pc.is_in(flow, pa.array(["EXPORT", "EXPORTATION", "EXPORTS"]))
    imports = pc.is_in(flow, pa.array(["IMPORT", "IMPORTATION", "IMPORTS"]))
    checks.flag(pc.invert(pc.or_(exports, imports)), "flow is neither EXPORT nor IMPORT")
    reporter = map_codes(table["reporter_code"], _reporter)
    partner = map_codes(table["partner"], _partner)
    checks.flag(pc.is_null(reporter), _quoted("unknown reporter_code ", table["reporter_code"]))
    checks.flag(pc.is_null(partner), _quoted("unknown partner country ", table["partner"]))
    aggregate = pc.or_(
        pc.is_in(table["reporter_code"], pa.array(list(_AGGREGATE_REPORTERS))),
        pc.is_null(map_codes(table["partner"], iso3_from_name)),
    )
    monthly = pc.equal(pc.utf8_length(period), 7)
    product = pc.utf8_upper(pc.utf8_trim_whitespace(table["product"]))
    total = pc.equal(product, "TOTAL")
    return assemble(checks, {
        "source": "eurostat", "dataset": "comext", "release": release,
        "freq": pc.if_else(monthly, "M", "A"),
        "year": to_int(pc.utf8_slice_codeunits(period, 0, 4), pa.int16()),
        "month": pc.if_else(monthly, to_int(pc.utf8_slice_codeunits(period, 5, 7), pa.int8()), pa.scalar(None, pa.int8())),
        "exporter": pc.if_else(exports, reporter, partner),
        "importer": pc.if_else(exports, partner, reporter),
        "reporter": reporter, "aggregate": aggregate,
        "hs_revision": pc.if_else(total, "TOTAL", "CN"), "hs_code": product,
        "value": to_float(table["value_eur"]), "currency": "EUR",
        "quantity": None, "unit": None,
    })


def _quoted(prefix: str, values: pa.ChunkedArray) -> pa.Array:
    return pc.binary_join_element_wise(prefix + "'", pc.fill_null(values, ""), "'", "")
