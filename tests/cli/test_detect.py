"""The detector commands of issue 5, run as a user runs them (a subprocess per command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shadowtrade.sources.loader import load_file, mirror_files
from shadowtrade.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHADOWTRADE_HOME": str(home), "COLUMNS": "200"}
    command = [sys.executable, "-m", "shadowtrade", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder whose warehouse holds every real trade file."""
    folder = tmp_path_factory.mktemp("home")
    with Warehouse(folder / "warehouse.duckdb") as warehouse:
        for path, fmt in mirror_files(SHARED_DATA):
            load_file(warehouse, path, fmt)
    return folder


def test_rerouting_json(home: Path) -> None:
    result = run(home, "detect", "rerouting", "--target", "RUS", "--sanctioner", "EU27",
                 "--via", "ARM,GEO,KAZ,KGZ,UZB", "--base", "2021", "--year", "2023", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["detector"] == "rerouting"
    assert document["parameters"]["conduits"] == ["ARM", "GEO", "KAZ", "KGZ", "UZB"]
    first = document["findings"][0]
    assert first["subject"] == "KGZ"
    assert round(first["figures"]["growth_sanctioner_to_conduit"], 1) == 10.4
    assert round(first["figures"]["growth_sanctioner_to_target"], 2) == 0.43


@pytest.mark.slow
def test_rerouting_table(home: Path) -> None:
    result = run(home, "detect", "rerouting", "--target", "RUS", "--via", "KGZ,KAZ",
                 "--base", "2021", "--year", "2023")
    assert result.returncode == 0, result.stderr
    assert "KGZ" in result.stdout and "10.4x" in result.stdout and "[eurostat]" in result.stdout


def test_mirror_gap_json(home: Path) -> None:
    result = run(home, "detect", "mirror-gap", "--exporter", "EU27", "--importer", "KGZ",
                 "--years", "2019-2023", "--base", "2021", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["year"]: row for row in json.loads(result.stdout)["rows"]}
    for key in ("exporter_reported", "importer_reported", "gap", "unrecorded_share_of_increase"):
        assert key in rows[2023]
    assert round(rows[2023]["unrecorded_share_of_increase"], 2) == 0.73


def test_unit_values_and_surges_json(home: Path) -> None:
    result = run(home, "detect", "unit-values", "--exporter", "CHN", "--importer", "RUS",
                 "--group", "chpl_tier_1", "--years", "2019-2023", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"][0]["subject"] == "chpl_tier_1 2022"
    result = run(home, "detect", "surges", "--exporter", "CHN", "--importer", "RUS",
                 "--group", "chpl", "--base", "2021", "--year", "2023", "--json")
    assert result.returncode == 0, result.stderr
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["subject"] == "chpl_tier_4b" and round(finding["figures"]["ratio"], 1) == 9.8


def test_processing_without_data_is_a_clear_error(home: Path) -> None:
    result = run(home, "detect", "processing", "--origin", "PRK", "--via", "CHN",
                 "--input-hs", "6703", "--output-hs", "6704", "--years", "2019-2023")
    assert result.returncode == 4
    assert "no trade with PRK in the loop products in the base year 2019" in result.stderr


@pytest.mark.parametrize(("args", "code", "message"), [
    (("rerouting", "--target", "RUS", "--via", "KGZ,XYZ", "--base", "2021", "--year", "2023"),
     2, "unknown country 'XYZ'"),
    (("surges", "--exporter", "CHN", "--importer", "RUS", "--group", "nope", "--base", "2021",
      "--year", "2023"), 2, "unknown sector group 'nope'"),
    (("surges", "--exporter", "EU27", "--importer", "KGZ", "--base", "2021", "--year", "2023"),
     4, "no flows of sector group 'chpl' from EU27 to KGZ"),
    (("rerouting", "--target", "RUS", "--via", "KGZ", "--base", "2005", "--year", "2006"),
     4, "no figures for EU27 exports to RUS in the base year 2005"),
])
def test_bad_input_exits_with_a_message(home: Path, args: tuple, code: int, message: str) -> None:
    result = run(home, "detect", *args)
    assert result.returncode == code, result.stderr
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_report_detectors_writes_a_page(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.html"
    result = run(home, "report", "detectors", "--target", "RUS", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Evasion signals: Russian Federation (RUS)" in html
    assert html.count("<svg") >= 5
    assert "could not run: no year where both EU27 and GEO report trade" in html
    assert "Wrote" in result.stderr
