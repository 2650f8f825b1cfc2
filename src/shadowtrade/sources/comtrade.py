"""UN Comtrade API records (CSV or the API's JSON), the 47-column v1 schema.

A record is what the reporter declared: for imports (``M``) the partner is the exporter. Values
are ``primaryValue`` in USD (CIF for imports, FOB for exports); weights ``netWgt`` in kg.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.errors import DataFileError
from shadowtrade.reference.countries import iso3_from_comtrade
from shadowtrade.reference.hs import REVISIONS
from shadowtrade.sources.flowfile import Batch, FlowFile, assemble, release_from_name
from shadowtrade.sources.tabular import RawBatch, RowChecks, map_codes, read_batches, to_float, to_int

COLUMNS = ("freqCode", "refYear", "refMonth", "reporterCode", "flowCode", "partnerCode",
           "classificationCode", "cmdCode", "primaryValue", "netWgt")
_FLOWS = ("M", "X", "RM", "RX")
_REVISION_BY_CODE = {code: name for name, code in REVISIONS.items()}


def read_comtrade(path: Path, release: str | None = None) -> FlowFile:
    """Open a Comtrade CSV (API or bulk layout) or an API JSON response (``{"data": [...]}``)."""
    path = Path(path)
    chosen = release or release_from_name(path, "api")
    return FlowFile(path, "comtrade", chosen, _batches(path, chosen))


def _batches(path: Path, release: str) -> Iterator[Batch]:
    raws = _json_batches(path) if path.suffix == ".json" else read_batches(path, COLUMNS, "Comtrade")
    for raw in raws:
        yield _convert(RowChecks(raw), release)


def _json_batches(path: Path) -> Iterator[RawBatch]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataFileError(f"not valid JSON: {err}", path=str(path)) from err
    records = document.get("data") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise DataFileError("expected a Comtrade API response with a 'data' list", path=str(path))
    text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in records]
    table = pa.Table.from_pylist(text) if text else pa.table({c: pa.array([], pa.string()) for c in COLUMNS})
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise DataFileError(f"not a Comtrade response: missing field(s) {', '.join(missing)}",
                            path=str(path))
    yield RawBatch(table, 1, path)


def _convert(checks: RowChecks, release: str) -> Batch:
    table = checks.table
    for column in ("refYear", "primaryValue"):
        checks.require_number(column)
    checks.require_number("netWgt", nullable=True)
    flow = pc.utf8_upper(pc.utf8_trim_whitespace(table["flowCode"]))
    checks.flag(pc.invert(pc.is_in(flow, pa.array(_FLOWS))), "flowCode is not M, X, RM or RX")
    reporter = map_codes(table["reporterCode"], iso3_from_comtrade)
    partner = map_codes(table["partnerCode"], iso3_from_comtrade)
    checks.flag(pc.is_null(reporter), "unknown reporterCode")
    checks.flag(pc.is_null(partner), "unknown partnerCode")
    imports = pc.is_in(flow, pa.array(["M", "RM"]))
    command = pc.utf8_trim_whitespace(table["cmdCode"])
    total = pc.equal(command, "TOTAL")
    revision = map_codes(table["classificationCode"], lambda c: _REVISION_BY_CODE.get(c.strip()))
    checks.flag(pc.and_(pc.invert(total), pc.is_null(revision)), "unknown classificationCode")
    monthly = pc.equal(table["freqCode"], "M")
    weight = to_float(table["netWgt"])
    dataset = pc.binary_join_element_wise("reporter-", pc.fill_null(reporter, "?"), "-", flow, "")
    return assemble(checks, {
        "source": "comtrade", "dataset": dataset, "release": release,
        "freq": pc.if_else(monthly, "M", "A"),
        "year": to_int(table["refYear"], pa.int16()),
        "month": pc.if_else(monthly, to_int(table["refMonth"], pa.int8()),
                            pa.scalar(None, pa.int8())),
        "exporter": pc.if_else(imports, partner, reporter),
        "importer": pc.if_else(imports, reporter, partner),
        "reporter": reporter, "aggregate": pc.equal(partner, "WLD"),
        "hs_revision": pc.if_else(total, "TOTAL", revision),
        "hs_code": command, "value": to_float(table["primaryValue"]), "currency": "USD",
        "quantity": pc.if_else(pc.greater(pc.fill_null(weight, 0), 0), weight,
                               pa.scalar(None, pa.float64())),
        "unit": "kg",
    })
