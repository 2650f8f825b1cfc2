"""The fast BACI path (parallel blocks) against the exact row-by-row reader: the same rows, the
same quarantined lines and reasons, and a bad line costs only its own block (issue 2, load
speed)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shadowtrade.errors import DataFileError
from shadowtrade.sources.baci import read_baci
from shadowtrade.sources.loader import load_file
from shadowtrade.warehouse import Warehouse, blocks, load_flow_batches
from shadowtrade.warehouse.bulk import scan_to_parquet

from baci_files import HEADER, baci_file

GOOD = "2022,156,643,870323,12.5,3.25\n"

#: Spellings of each column the two readers must judge alike: accepted with the same value, or
#: quarantined with the same reason.
VARIANTS = {
    "t": ["2022", " 2022", "2022.0", "2022.7", "+2022", "0x7e6", "2_022", "", "NA", "2e3", "inf"],
    "i": ["156", " 156", "156.0", "0156", "+156", "0x9c", "156.7", "1_56", "", "999", "15 6"],
    "j": ["643", "643.00", "0643", "6_43", "NA"],
    "k": ["870323", "10121", "010121", "0010121", " 870323", "870323.0", "8703_23", "870399",
          "", "271000"],
    "v": ["12.5", "1_000", "1e3", ".5", "5.", "+5", " 5", "0x10", "inf", "-inf", "nan", "NaN",
          "1e400", "", "NA", "N/A", "null", "1,5", "12a", "-0"],
    "q": ["3.25", "1_000", "", "NA", "N/A", "null", "NaN", "nan", "inf", " ", "1e400", "0x1",
          "2.5e-3"],
}



def variant_lines() -> list[str]:
    """One line per spelling, the other fields clean."""
    lines = []
    for position, column in enumerate("tijkvq"):
        for spelling in VARIANTS[column]:
            fields = GOOD.strip().split(",")
            fields[position] = spelling
            lines.append(",".join(fields) + "\n")
    return lines


def stored(warehouse: Warehouse) -> tuple[list[tuple], list[tuple]]:
    rows = warehouse.sql_rows("SELECT * EXCLUDE (load_id) FROM flows ORDER BY ALL")
    bad = warehouse.sql_rows("SELECT line, raw, reason FROM quarantine ORDER BY line")
    return rows, bad


def row_by_row(tmp_path: Path, path: Path) -> tuple[list[tuple], list[tuple]]:
    """What the exact reader alone stores for ``path``."""
    flow_file = read_baci(path)
    with Warehouse(tmp_path / "exact" / "warehouse.duckdb") as warehouse:
        load_flow_batches(warehouse, path, "baci", flow_file.release, flow_file.batches)
        return stored(warehouse)


@pytest.mark.parametrize("block_bytes", [40, 1 << 20])
def test_fast_and_exact_readers_agree_on_every_spelling(
    empty_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    block_bytes: int,
) -> None:
    """With one-line blocks, any spelling the fast path wrongly took would show; with one big
    block, the exact reader handles the whole file."""
    monkeypatch.setattr(blocks, "BLOCK_BYTES", block_bytes)
    body = HEADER + "".join(line for variant in variant_lines() for line in (GOOD, variant))
    path = baci_file(tmp_path / "in", body)
    load_file(empty_warehouse, path)
    fast = stored(empty_warehouse)
    assert fast == row_by_row(tmp_path, path)
    assert len(fast[1]) > 30 and len(fast[0]) > 100  # both kinds are there to compare


def test_numbers_with_underscores_are_refused(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    path = baci_file(tmp_path, HEADER + GOOD + "2022,156,643,870323,1_000,2\n" + GOOD)
    result = load_file(empty_warehouse, path)
    assert (result.rows, result.quarantined) == (2, 1)
    assert empty_warehouse.sql_rows("SELECT line, reason FROM quarantine") == [
        (3, "field 'v' is not a number: '1_000'")]


def test_a_bad_line_sends_only_its_block_to_the_exact_reader(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 300)  # some ten lines a block
    lines = [GOOD] * 200
    lines[150] = "2022,156,643,870323,oops,1\n"
    path = baci_file(tmp_path, HEADER + "".join(lines))
    scan = read_baci(path).parts[0].scan()
    outcome = scan_to_parquet(scan, tmp_path / "out.parquet")
    assert outcome.blocks > 15 and outcome.exact_blocks == 1
    assert (outcome.rows, outcome.years) == (199, [2022])
    assert outcome.quarantine.to_pylist() == [
        {"line": 152, "raw": "2022,156,643,870323,oops,1", "reason": "field 'v' is not a number: 'oops'"}]
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 199


def test_lines_with_missing_fields_keep_their_line_across_blocks(
    empty_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 100)
    lines = [GOOD] * 30
    lines[4], lines[21] = "2022,156\n", "2022,156,643,870323,1,2,3\n"
    path = baci_file(tmp_path, HEADER + "".join(lines))
    result = load_file(empty_warehouse, path)
    assert (result.rows, result.quarantined) == (28, 2)
    assert empty_warehouse.sql_rows("SELECT line, raw, reason FROM quarantine ORDER BY line") == [
        (6, "2022,156", "expected 6 fields, found 2"),
        (23, "2022,156,643,870323,1,2,3", "expected 6 fields, found 7")]


def test_a_gzip_with_a_bad_line_is_read_in_blocks(empty_warehouse: Warehouse, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64)
    text = HEADER + GOOD * 20 + "2022,156,643,870399,1,1\n" + GOOD * 5
    path = baci_file(tmp_path, "", "BACI_HS17_Y2022_V202501.csv.gz")
    path.write_bytes(gzip.compress(text.encode()))
    result = load_file(empty_warehouse, path)
    assert (result.rows, result.quarantined) == (25, 1)
    assert empty_warehouse.sql_rows("SELECT line, reason FROM quarantine") == [
        (22, "unknown HS17 code in 'k': '870399'")]


def test_a_quoted_file_is_read_row_by_row_with_the_same_result(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    path = baci_file(tmp_path, HEADER + GOOD + '2022,"156",643,870323,"7.5",1\n')
    result = load_file(empty_warehouse, path)
    assert (result.rows, result.quarantined) == (2, 0)
    assert empty_warehouse.sql_rows("SELECT value FROM flows ORDER BY value") == [
        (7500.0,), (12500.0,)]


def test_parquet_input_agrees_with_the_exact_reader(empty_warehouse: Warehouse,
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "in"
    baci_file(folder, "")
    path = folder / "BACI_HS17_Y2022_V202501.parquet"
    pq.write_table(pa.table({
        "t": pa.array([2022, 2022, 2022, 2022], pa.int16()),
        "i": pa.array([156, 156, 999, 842], pa.int32()),
        "j": pa.array([643, 643, 643, 156], pa.int32()),
        "k": ["870323", "10121", "870323", "870399"],
        "v": [1.5, 2.0, 3.0, None], "q": [None, 1.0, 2.0, 3.0]}), path)
    load_file(empty_warehouse, path)
    fast = stored(empty_warehouse)
    assert fast == row_by_row(tmp_path, path)
    assert [reason for _, _, reason in fast[1]] == [
        "unknown BACI country code in 'i': '999'", "field 'v' is empty"]


def test_bytes_that_are_not_utf8_are_refused_as_before(empty_warehouse: Warehouse,
                                                       tmp_path: Path) -> None:
    path = baci_file(tmp_path, "")
    path.write_bytes((HEADER + GOOD).encode() + b"2022,15\xff6,643,870323,1,1\n")
    with pytest.raises(DataFileError) as err:
        load_file(empty_warehouse, path)
    assert "truncated or corrupt" in str(err.value) and "UTF8" in str(err.value)
    assert empty_warehouse.sql_rows("SELECT count(*) FROM load_log") == [(0,)]


@pytest.mark.parametrize("packed", [False, True])
def test_blocks_smaller_than_a_line_and_no_final_line_end(
    empty_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packed: bool
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 5)
    text = HEADER + GOOD * 3 + "2022,156,643,870323,bad,1\n" + GOOD.strip()
    path = baci_file(tmp_path, text)
    if packed:
        path = path.with_suffix(".csv.gz")
        path.write_bytes(gzip.compress(text.encode()))
    result = load_file(empty_warehouse, path)
    assert (result.rows, result.quarantined) == (4, 1)
    assert empty_warehouse.sql_rows("SELECT line, reason FROM quarantine") == [
        (5, "field 'v' is not a number: 'bad'")]


def test_parquet_codes_of_an_unusual_type_agree_with_the_exact_reader(
    empty_warehouse: Warehouse, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    baci_file(folder, "")
    path = folder / "BACI_HS17_Y2022_V202501.parquet"
    pq.write_table(pa.table({
        "t": pa.array(["2022", "2022"]),
        "i": pa.array([156, 999], pa.int32()).dictionary_encode(),
        "j": pa.array([643.0, 643.0]),
        "k": pa.array([870323, 10121], pa.int64()),
        "v": pa.array(["1.5", "2"]), "q": [None, 1.0]}), path)
    load_file(empty_warehouse, path)
    fast = stored(empty_warehouse)
    assert fast == row_by_row(tmp_path, path)
    assert len(fast[0]) + len(fast[1]) == 2
