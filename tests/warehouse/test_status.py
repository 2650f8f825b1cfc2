"""``data status`` answers from what ``flow_files`` and ``load_log`` record, without reading the
flow files, and says exactly what a scan of every row says (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from shadowtrade.sources.loader import load_file
from shadowtrade.warehouse import Warehouse, add_flow_rows
from shadowtrade.warehouse.flowstore import stored_files
from shadowtrade.warehouse.status import flow_status, flow_status_by_scan

CODES = ("country_code,country_name,country_iso2,country_iso3\n"
         "156,China,CN,CHN\n643,Russian Federation,RU,RUS\n")


def baci_file(folder: Path, year: int, release: str = "V202501") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "country_codes_V202501.csv").write_text(CODES)
    path = folder / f"BACI_HS17_Y{year}_{release}.csv"
    path.write_text(f"t,i,j,k,v,q\n{year},156,643,870323,1.5,2\n{year},156,643,870323,x,2\n"
                    f"{year},643,156,010121,2,NA\n{year},156,643,010121,{release[1:]},1\n")
    return path


def flow(source: str, year: int, freq: str = "A", currency: str = "EUR") -> dict[str, object]:
    return {"source": source, "dataset": "imports", "release": "2026-01-01", "freq": freq,
            "year": year, "month": None, "exporter": "DEU", "importer": "KGZ",
            "reporter": "KGZ", "aggregate": False, "hs_revision": "TOTAL", "hs_code": "TOTAL",
            "value": 1.0, "currency": currency, "quantity": None, "unit": None}


def test_the_real_warehouse_summary_matches_a_full_scan(trade_warehouse: Warehouse) -> None:
    summary = flow_status(trade_warehouse)
    assert summary == flow_status_by_scan(trade_warehouse)
    assert {row["source"] for row in summary} == {"atlas", "baci", "comtrade", "eurostat",
                                                  "national"}


def test_mixed_loads_replaced_years_and_releases_match_a_full_scan(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    load_file(empty_warehouse, baci_file(tmp_path / "a", 2021))
    load_file(empty_warehouse, baci_file(tmp_path / "b", 2022))
    load_file(empty_warehouse, baci_file(tmp_path / "c", 2022, "V202601"))  # replaces both
    mixed = [flow("national", 2020), flow("national", 2021, "M"), flow("mirror", 2021, "A", "USD")]
    add_flow_rows(empty_warehouse, pa.Table.from_pylist(mixed), label="mixed")  # one file
    add_flow_rows(empty_warehouse, pa.Table.from_pylist([flow("national", 2019)]), label="more")
    summary = flow_status(empty_warehouse)
    assert summary == flow_status_by_scan(empty_warehouse)
    assert [(r["source"], r["release"], r["first_year"], r["last_year"], r["freq"],
             r["currency"], r["rows"], r["quarantined"], r["files"]) for r in summary] == [
        ("baci", "V202601", 2022, 2022, "A", "USD", 3, 1, str(tmp_path / "c" /
                                                               "BACI_HS17_Y2022_V202601.csv")),
        ("mirror", "2026-01-01", 2021, 2021, "A", "USD", 1, 0, "mixed"),
        ("national", "2026-01-01", 2019, 2021, "A,M", "EUR", 3, 0, "mixed, more")]


def test_the_summary_does_not_read_the_flow_files(empty_warehouse: Warehouse,
                                                  tmp_path: Path) -> None:
    load_file(empty_warehouse, baci_file(tmp_path, 2021))
    before = flow_status(empty_warehouse)
    for stored in stored_files(empty_warehouse):
        (empty_warehouse.path.parent / stored.path).write_bytes(b"not Parquet any more")
    assert flow_status(empty_warehouse) == before
    assert (before[0]["rows"], before[0]["quarantined"], before[0]["first_year"]) == (3, 1, 2021)
