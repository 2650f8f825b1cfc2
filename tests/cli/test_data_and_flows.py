"""The exact command forms of issue 2 that scripts depend on, run as a user would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHADOWTRADE_HOME": str(home)}
    command = [sys.executable, "-m", "shadowtrade", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    folder = tmp_path_factory.mktemp("home")
    result = run(folder, "data", "load", "--mirror", str(shared_data))
    assert result.returncode == 0, result.stderr
    return folder


def test_load_reports_each_file(home: Path, shared_data: Path) -> None:
    again = run(home, "data", "load", "--mirror", str(shared_data), "--json")
    assert again.returncode == 0, again.stderr
    results = json.loads(again.stdout)
    assert len(results) == 6 and all(item["skipped"] for item in results)


def test_status_json_lists_sources_releases_and_quarantine(home: Path) -> None:
    result = run(home, "data", "status", "--json")
    status = json.loads(result.stdout)
    baci = [row for row in status["flows"] if row["source"] == "baci"][0]
    assert (baci["release"], baci["first_year"], baci["last_year"], baci["rows"]) == (
        "V202501", 2017, 2023, 43494)
    assert status["quarantine"][0]["rows"] == 35


def test_flows_json_has_the_documented_fields(home: Path) -> None:
    result = run(home, "flows", "--exporter", "CHN", "--importer", "RUS", "--years", "2017-2023",
                 "--source", "baci", "--by", "hs2", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {"year", "exporter", "importer", "value", "currency", "source", "hs"} <= set(rows[0])
    total_2023 = sum(row["value"] for row in rows if row["year"] == 2023)
    assert round(total_2023 / 1e9, 1) == 110.0


def test_flows_by_month_uses_period(home: Path) -> None:
    result = run(home, "flows", "--exporter", "RUS", "--importer", "CHN", "--years", "2024",
                 "--freq", "month", "--json")
    rows = json.loads(result.stdout)
    assert [row["period"] for row in rows][:2] == ["2024-01", "2024-02"]


def test_flows_csv(home: Path) -> None:
    result = run(home, "flows", "--exporter", "EU27", "--importer", "KGZ", "--years", "2023",
                 "--csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("year,exporter,importer,source,value,currency")
    assert any(line.startswith("2023,EU27,KGZ,eurostat,2733762750.0,EUR") for line in lines)


def test_unknown_country_is_a_usage_error(home: Path) -> None:
    result = run(home, "flows", "--exporter", "XYZ", "--importer", "RUS")
    assert result.returncode == 2
    assert "unknown country 'XYZ'" in result.stderr


def test_a_corridor_without_data_says_what_to_do(home: Path) -> None:
    result = run(home, "flows", "--exporter", "PRK", "--importer", "RUS", "--years", "2021")
    assert result.returncode == 4
    assert "no trade flows loaded for PRK to RUS in 2021" in result.stderr


def test_a_bad_file_exits_with_a_clear_message(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("hello,world\n1,2\n")
    result = run(home, "data", "load", str(bad))
    assert result.returncode == 3
    assert f"{bad}, line 1: not a known trade format" in result.stderr


def test_a_missing_option_is_a_usage_error(home: Path) -> None:
    result = run(home, "flows", "--exporter", "CHN")
    assert result.returncode == 2
    assert "Missing option '--importer'" in result.stderr
    assert "Traceback" not in result.stderr


def test_load_builds_the_detectors_partner_sums(home: Path) -> None:
    """``data load`` ends by writing the per-pair sums re-routing reads (``warehouse/derived.py``),
    for the files it loaded."""
    from shadowtrade.warehouse import Warehouse
    from shadowtrade.warehouse.derived import PAIRS_STEM, derived_folder, fingerprint

    database = home / "warehouse.duckdb"
    written = sorted(derived_folder(database).glob(f"{PAIRS_STEM}_*.parquet"))
    with Warehouse(database, read_only=True) as warehouse:
        key = fingerprint(warehouse.con, database)
    assert [path.name for path in written] == [f"{PAIRS_STEM}_{key}.parquet"]


def test_help_imports_no_engine(home: Path) -> None:
    """``shadowtrade --help`` and a command's own help load none of the heavy libraries: they
    are imported by the commands that use them."""
    probe = ("import runpy, sys\n"
             "sys.argv = ['shadowtrade', *sys.argv[1:]]\n"
             "try:\n"
             "    runpy.run_module('shadowtrade', run_name='__main__')\n"
             "except SystemExit:\n"
             "    pass\n"
             "heavy = ('ibis', 'pandas', 'pyarrow', 'duckdb', 'altair', 'numpy', 'httpx',\n"
             "         'pyspark', 'fastapi', 'sqlglot')\n"
             "print('loaded:', *sorted(name for name in heavy if name in sys.modules))\n")
    for args in (["--help"], ["detect", "rerouting", "--help"], ["data", "--help"]):
        done = subprocess.run([sys.executable, "-c", probe, *args], cwd=REPO,
                              env={**os.environ, "SHADOWTRADE_HOME": str(home)},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Usage" in done.stdout
        assert done.stdout.strip().splitlines()[-1] == "loaded:", args


def test_fetch_and_load_builds_the_partner_sums(tmp_path: Path, shared_data: Path) -> None:
    """``data fetch --load`` ends as ``data load`` does: with the detectors' per-pair sums."""
    from shadowtrade.warehouse.derived import PAIRS_STEM, derived_folder

    result = run(tmp_path, "data", "fetch", "baci", "--mirror", str(shared_data),
                 "--out", str(tmp_path / "downloads"), "--load")
    assert result.returncode == 0, result.stderr
    assert "summary for the detectors" in result.stderr
    assert len(list(derived_folder(tmp_path / "warehouse.duckdb").glob(f"{PAIRS_STEM}_*"))) == 1
