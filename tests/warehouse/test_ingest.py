"""Atomic loads, re-loads, release replacement and every kind of bad input (issue 2)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from shadowtrade.errors import DataFileError
from shadowtrade.sources.loader import load_file
from shadowtrade.warehouse import Warehouse

HEADER = "t,i,j,k,v,q\n"
GOOD_ROWS = "2022,156,643,870323,1000.5,20.0\n2022,156,643,010121,2.0,NA\n"


def baci_file(folder: Path, body: str, name: str = "BACI_HS17_Y2022_V202501.csv") -> Path:
    """A small BACI file with the release's country codes beside it, as in the real zip."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = folder / "country_codes_V202501.csv"
    if not codes.exists():
        codes.write_text("country_code,country_name,country_iso2,country_iso3\n"
                         "156,China,CN,CHN\n643,Russian Federation,RU,RUS\n842,USA,US,USA\n")
    path = folder / name
    path.write_text(body)
    return path


def counts(warehouse: Warehouse) -> tuple[int, int, int]:
    row = warehouse.sql_rows(
        "SELECT (SELECT count(*) FROM flows), (SELECT count(*) FROM quarantine),"
        " (SELECT count(*) FROM load_log)")[0]
    return int(row[0]), int(row[1]), int(row[2])


def test_a_load_converts_units_and_is_logged(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    result = load_file(empty_warehouse, baci_file(tmp_path, HEADER + GOOD_ROWS))
    assert (result.rows, result.quarantined, result.release) == (2, 0, "V202501")
    row = empty_warehouse.sql_rows(
        "SELECT exporter, importer, value, quantity, unit FROM flows WHERE hs_code = '870323'")[0]
    assert row == ("CHN", "RUS", 1000500.0, 20000.0, "kg")
    assert counts(empty_warehouse) == (2, 0, 1)


def test_reloading_the_same_file_is_a_no_op(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    path = baci_file(tmp_path, HEADER + GOOD_ROWS)
    load_file(empty_warehouse, path)
    again = load_file(empty_warehouse, path)
    assert again.skipped
    assert counts(empty_warehouse) == (2, 0, 1)


def test_a_new_release_replaces_the_old_one(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    load_file(empty_warehouse, baci_file(tmp_path / "old", HEADER + GOOD_ROWS))
    newer = baci_file(tmp_path / "new", HEADER + "2022,156,643,870323,5.0,1.0\n",
                      name="BACI_HS17_Y2022_V202601.csv")
    result = load_file(empty_warehouse, newer)
    assert result.replaced == 2
    releases = empty_warehouse.sql_rows("SELECT DISTINCT release FROM flows")
    assert releases == [("V202601",)]


def test_another_year_of_the_same_release_adds_up(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    load_file(empty_warehouse, baci_file(tmp_path, HEADER + GOOD_ROWS))
    load_file(empty_warehouse, baci_file(tmp_path, HEADER + GOOD_ROWS.replace("2022", "2023"),
                                         name="BACI_HS17_Y2023_V202501.csv"))
    assert counts(empty_warehouse)[0] == 4


def test_bad_values_go_to_quarantine_with_line_and_reason(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    body = HEADER + GOOD_ROWS + "2022,156,643,870323,abc,1\n2022,999,643,870323,1,1\n" \
        "2022,156,643,870399,1,1\n2022,156,643\n2022,156,643,870323,x,1\n"
    result = load_file(empty_warehouse, baci_file(tmp_path, body))
    assert (result.rows, result.quarantined) == (2, 5)
    rows = empty_warehouse.sql_rows("SELECT line, reason FROM quarantine ORDER BY line")
    assert rows == [
        (4, "field 'v' is not a number: 'abc'"),
        (5, "unknown BACI country code in 'i': '999'"),
        (6, "unknown HS17 code in 'k': '870399'"),
        (7, "expected 6 fields, found 3"),
        (8, "field 'v' is not a number: 'x'"),
    ]


def test_wrong_delimiter_names_the_file_and_the_fix(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    path = baci_file(tmp_path, (HEADER + GOOD_ROWS).replace(",", " "))
    with pytest.raises(DataFileError) as err:
        load_file(empty_warehouse, path, "baci")
    assert str(err.value) == (
        f"{path}, line 1: not a BACI file: missing column(s) t, i, j, k, v, q (found: "
        "t i j k v q). Check the file's format (--format) and its delimiter."
    )
    assert counts(empty_warehouse) == (0, 0, 0)


def test_rows_in_another_delimiter_than_the_header_are_quarantined(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    path = baci_file(tmp_path, HEADER + GOOD_ROWS.replace(",", ";"))
    result = load_file(empty_warehouse, path)
    assert (result.rows, result.quarantined) == (0, 2)
    reasons = empty_warehouse.sql_rows("SELECT DISTINCT reason FROM quarantine")
    assert reasons == [("expected 6 fields, found 1",)]


def test_a_file_of_the_wrong_format_is_refused(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("name,comment\nKim,hello\n")
    with pytest.raises(DataFileError) as err:
        load_file(empty_warehouse, path)
    assert str(err.value) == (
        f"{path}, line 1: not a known trade format: give --format "
        "baci|comtrade|eurostat|national|atlas, or check the header line and delimiter"
    )


def test_a_truncated_gzip_leaves_the_warehouse_as_it_was(
    empty_warehouse: Warehouse, tmp_path: Path, shared_data: Path
) -> None:
    load_file(empty_warehouse, baci_file(tmp_path, HEADER + GOOD_ROWS))
    before = counts(empty_warehouse)
    original = shared_data / "trade/flows/eurostat_eu_trade_with_russia_neighbours_2019_2024.csv.gz"
    truncated = tmp_path / "eurostat_truncated.csv.gz"
    data = original.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError) as err:
        load_file(empty_warehouse, truncated, "eurostat")
    assert "truncated or corrupt" in str(err.value) and str(truncated) in str(err.value)
    assert counts(empty_warehouse) == before


def test_a_csv_cut_mid_row_quarantines_the_last_line(
    empty_warehouse: Warehouse, tmp_path: Path, shared_data: Path
) -> None:
    original = shared_data / "trade/flows/national_stats_imports_by_partner_arm_kaz_kgz_uzb_2019_2023.csv"
    text = original.read_text()
    cut = tmp_path / "national_cut.csv"
    cut.write_text(text[: text.rindex("\n", 0, len(text) - 10) + 12])
    result = load_file(empty_warehouse, cut, "national")
    assert result.quarantined == 1
    reason = empty_warehouse.sql_rows("SELECT reason FROM quarantine")[0][0]
    assert reason.startswith("expected 7 fields")


def test_unknown_partner_countries_are_quarantined_by_name(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    path = tmp_path / "national.csv"
    path.write_text("REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
                    "Kyrgyzstan,Germany,TOTAL,IMPORT,NORMAL,Y2023,100\n"
                    "Kyrgyzstan,Atlantis,TOTAL,IMPORT,NORMAL,Y2023,5\n")
    result = load_file(empty_warehouse, path)
    assert (result.rows, result.quarantined) == (1, 1)
    assert empty_warehouse.sql_rows("SELECT line, reason FROM quarantine") == [
        (3, "unknown partner country 'Atlantis'")
    ]


def test_the_real_files_load_without_losing_rows(trade_warehouse: Warehouse) -> None:
    rows = dict(trade_warehouse.sql_rows(
        "SELECT source, sum(rows + quarantined) FROM load_log GROUP BY source"))
    assert rows["baci"] == 43_494
    assert rows["comtrade"] == 96
    assert rows["eurostat"] == 17_470
    assert rows["national"] == 2_873
    # Atlas country totals become two rows (exports, imports) per country and year
    assert rows["atlas"] == 2 * 7_876 + 43_502


def test_every_bad_row_is_counted(trade_warehouse: Warehouse) -> None:
    quarantined = trade_warehouse.sql_rows(
        "SELECT count(*) FROM quarantine WHERE file LIKE '%world_product%'")[0][0]
    assert quarantined == 35  # Atlas code XXXX (unallocated trade), 1988-2022
