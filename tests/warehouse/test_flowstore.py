"""Flow rows as one Parquet file per load: the fast BACI path, atomicity, replacement, a moved or
read-only home, and old warehouses whose flows were a table (issue 2, load speed)."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from shadowtrade.errors import DataFileError
from shadowtrade.sources.loader import load_file
from shadowtrade.warehouse import Warehouse, add_flow_rows
from shadowtrade.warehouse import ingest
from shadowtrade.warehouse.flowstore import store_folder

from baci_files import CODES, HEADER, baci_file




def rows_of(year: int, count: int) -> str:
    """``count`` good BACI rows of one year (China to Russia or the USA, real HS17 codes)."""
    codes = ("870323", "010121", "271000", "854231")
    return "".join(f"{year},156,{643 if n % 2 else 842},{codes[n % 4]},{n + 1}.5,{n}\n"
                   for n in range(count))


def files(warehouse: Warehouse) -> list[tuple[int, str, int]]:
    return warehouse.sql_rows("SELECT load_id, path, rows FROM flow_files ORDER BY ALL")


def parquet_on_disk(warehouse: Warehouse) -> list[str]:
    folder = store_folder(warehouse)
    return sorted(p.name for p in folder.glob("*")) if folder.is_dir() else []


def test_a_clean_baci_csv_is_one_narrow_parquet_file(empty_warehouse: Warehouse,
                                                     tmp_path: Path) -> None:
    result = load_file(empty_warehouse, baci_file(tmp_path, HEADER + rows_of(2022, 40)))
    assert (result.rows, result.quarantined) == (40, 0)
    assert files(empty_warehouse) == [(1, "warehouse.flows/load_1_0.parquet", 40)]
    columns = empty_warehouse.sql_rows(
        "SELECT name FROM parquet_schema(?) WHERE num_children IS NULL",  # not the root
        [str(store_folder(empty_warehouse) / "load_1_0.parquet")])
    assert [c for (c,) in columns] == ["year", "exporter", "importer", "hs_code", "value",
                                      "quantity"]
    first = empty_warehouse.sql_rows("SELECT * FROM flows WHERE value = 1500")[0]
    assert first == ("baci", "HS17", "V202501", "A", 2022, None, "CHN", "USA", "BACI", False,
                     "HS17", "870323", 1500.0, "USD", 0.0, "kg", 1)
    described = empty_warehouse.sql_rows("SELECT column_name, column_type FROM (DESCRIBE flows)")
    assert [t for _, t in described] == [
        "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "SMALLINT", "TINYINT", "VARCHAR", "VARCHAR",
        "VARCHAR", "BOOLEAN", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR", "DOUBLE", "VARCHAR",
        "INTEGER"]


def test_a_bad_line_among_good_ones_is_quarantined_with_its_line(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    body = HEADER + rows_of(2022, 30) + "2022,156,643,870323,12a,1\n" + rows_of(2022, 9)
    result = load_file(empty_warehouse, baci_file(tmp_path, body))
    assert (result.rows, result.quarantined) == (39, 1)
    assert empty_warehouse.sql_rows("SELECT line, raw, reason FROM quarantine") == [
        (32, "2022,156,643,870323,12a,1", "field 'v' is not a number: '12a'")]
    assert empty_warehouse.sql_rows("SELECT count(*) FROM flows") == [(39,)]


@pytest.mark.parametrize("code, reason", [
    ("156.7", "unknown BACI country code in 'i': '156.7'"),  # DuckDB alone would read 157
    ("0x9c", "field 'i' is not a number: '0x9c'"),  # ... and this as 156
])
def test_codes_duckdb_would_misread_are_refused(empty_warehouse: Warehouse, tmp_path: Path,
                                              code: str, reason: str) -> None:
    body = HEADER + rows_of(2022, 3) + f"2022,{code},643,870323,1,1\n"
    result = load_file(empty_warehouse, baci_file(tmp_path, body))
    assert (result.rows, result.quarantined) == (3, 1)
    assert empty_warehouse.sql_rows("SELECT line, reason FROM quarantine") == [(5, reason)]


def test_gzip_and_zip_take_the_fast_path(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    plain = baci_file(tmp_path / "gz", HEADER + rows_of(2021, 10), "BACI_HS17_Y2021_V202501.csv")
    packed = plain.with_suffix(".csv.gz")
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    assert load_file(empty_warehouse, packed).rows == 10
    archive = tmp_path / "zip" / "BACI_HS17_V202501.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("BACI_HS17_Y2022_V202501.csv", HEADER + rows_of(2022, 5))
        out.writestr("BACI_HS17_Y2023_V202501.csv", HEADER + rows_of(2023, 7))
        out.writestr("country_codes_V202501.csv", CODES)
    result = load_file(empty_warehouse, archive)
    assert (result.rows, result.quarantined) == (12, 0)
    assert [(p, r) for _, p, r in files(empty_warehouse)] == [
        ("warehouse.flows/load_1_0.parquet", 10), ("warehouse.flows/load_2_0.parquet", 5),
        ("warehouse.flows/load_2_1.parquet", 7)]
    assert empty_warehouse.sql_rows("SELECT year, count(*) FROM flows GROUP BY ALL ORDER BY 1") \
        == [(2021, 10), (2022, 5), (2023, 7)]


def test_a_truncated_baci_gzip_leaves_no_file_behind(empty_warehouse: Warehouse,
                                                     tmp_path: Path) -> None:
    load_file(empty_warehouse, baci_file(tmp_path / "ok", HEADER + rows_of(2022, 5)))
    before = (files(empty_warehouse), parquet_on_disk(empty_warehouse))
    whole = gzip.compress((HEADER + rows_of(2021, 20_000)).encode())
    cut = baci_file(tmp_path / "cut", "", "BACI_HS17_Y2021_V202501.csv.gz")
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataFileError) as err:
        load_file(empty_warehouse, cut)
    assert "truncated or corrupt" in str(err.value) and str(cut) in str(err.value)
    assert (files(empty_warehouse), parquet_on_disk(empty_warehouse)) == before


def test_a_load_failing_at_commit_leaves_no_file_behind(
    empty_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_file(empty_warehouse, baci_file(tmp_path / "old", HEADER + rows_of(2022, 5)))
    before = (files(empty_warehouse), parquet_on_disk(empty_warehouse))

    def broken(*_: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest, "_supersede", broken)
    newer = baci_file(tmp_path / "new", HEADER + rows_of(2022, 8), "BACI_HS17_Y2022_V202601.csv")
    with pytest.raises(RuntimeError, match="disk full"):
        load_file(empty_warehouse, newer)
    assert (files(empty_warehouse), parquet_on_disk(empty_warehouse)) == before
    assert empty_warehouse.sql_rows("SELECT count(*), max(release) FROM flows") == [(5, "V202501")]


def test_a_new_release_replaces_the_old_files(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    load_file(empty_warehouse, baci_file(tmp_path / "a", HEADER + rows_of(2021, 4),
                                         "BACI_HS17_Y2021_V202501.csv"))
    load_file(empty_warehouse, baci_file(tmp_path / "b", HEADER + rows_of(2022, 6)))
    result = load_file(empty_warehouse, baci_file(tmp_path / "c", HEADER + rows_of(2022, 3),
                                                  "BACI_HS17_Y2022_V202601.csv"))
    assert result.replaced == 10
    assert files(empty_warehouse) == [(3, "warehouse.flows/load_3_0.parquet", 3)]
    assert parquet_on_disk(empty_warehouse) == ["load_3_0.parquet"]


def test_the_same_release_replaces_only_the_years_it_covers(empty_warehouse: Warehouse) -> None:
    two_years = pa.Table.from_pylist([flow(2021, 1.0), flow(2022, 2.0), flow(2022, 3.0)])
    add_flow_rows(empty_warehouse, two_years)
    result = add_flow_rows(empty_warehouse, pa.Table.from_pylist([flow(2022, 9.0)]), replace=True)
    assert empty_warehouse.sql_rows("SELECT year, value FROM flows ORDER BY ALL") == [
        (2021, 1.0), (2022, 9.0)]
    assert empty_warehouse.sql_rows("SELECT replaced FROM load_log WHERE load_id = ?",
                                    [result]) == [(2,)]
    assert [r for _, _, r in files(empty_warehouse)] == [1, 1]  # the old file, rewritten
    assert len(parquet_on_disk(empty_warehouse)) == 2


def test_rows_of_several_sources_keep_their_source(empty_warehouse: Warehouse) -> None:
    mixed = pa.Table.from_pylist([flow(2021, 1.0), {**flow(2021, 2.0), "source": "mirror"}])
    add_flow_rows(empty_warehouse, mixed)
    assert empty_warehouse.sql_rows("SELECT source, value FROM flows ORDER BY value") == [
        ("national", 1.0), ("mirror", 2.0)]


def flow(year: int, value: float) -> dict[str, object]:
    return {"source": "national", "dataset": "imports", "release": "2026-01-01", "freq": "A",
            "year": year, "month": None, "exporter": "DEU", "importer": "KGZ",
            "reporter": "KGZ", "aggregate": False, "hs_revision": "TOTAL", "hs_code": "TOTAL",
            "value": value, "currency": "EUR", "quantity": None, "unit": None}


def test_a_moved_home_opens_read_only(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "home" / "warehouse.duckdb") as warehouse:
        load_file(warehouse, baci_file(tmp_path / "in", HEADER + rows_of(2022, 7)))
    shutil.move(tmp_path / "home", tmp_path / "moved")
    with Warehouse(tmp_path / "moved" / "warehouse.duckdb", read_only=True) as warehouse:
        assert warehouse.table("flows").count().execute() == 7
        assert warehouse.has_table("flows")


def test_stray_files_are_removed_on_the_next_write_open(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path) as warehouse:
        load_file(warehouse, baci_file(tmp_path / "in", HEADER + rows_of(2022, 3)))
        stray = store_folder(warehouse) / "load_9_0.parquet"
    stray.write_bytes(b"left by a crash")
    with Warehouse(path, read_only=True):
        assert stray.exists()  # a reader never deletes
    with Warehouse(path) as warehouse:
        assert not stray.exists()
        assert warehouse.sql_rows("SELECT count(*) FROM flows") == [(3,)]


def test_an_old_flows_table_moves_to_files(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE flows AS SELECT 'baci' AS source, 'HS17' AS dataset, "
                    "'V1' AS release, 'A' AS freq, 2021::SMALLINT AS year, NULL::TINYINT AS month,"
                    " 'CHN' AS exporter, 'RUS' AS importer, 'BACI' AS reporter, "
                    "false AS aggregate, 'HS17' AS hs_revision, '870323' AS hs_code, "
                    "5.0::DOUBLE AS value, 'USD' AS currency, NULL::DOUBLE AS quantity, "
                    "'kg' AS unit, 4 AS load_id")
    with Warehouse(path) as warehouse:
        assert warehouse.sql_rows("SELECT exporter, value, load_id FROM flows") == [
            ("CHN", 5.0, 4)]
        assert files(warehouse) == [(4, "warehouse.flows/load_4_0.parquet", 1)]
