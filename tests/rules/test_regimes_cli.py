"""The command forms of issue 3 that scripts depend on, run through the console entry point."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from shadowtrade.cli import main
from shadowtrade.sources.loader import load_file
from shadowtrade.warehouse import Warehouse


def run(args: list[str], home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setenv("SHADOWTRADE_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys, "argv", ["shadowtrade", *args])
    code = 0
    try:
        main()
    except SystemExit as stop:
        code = int(stop.code or 0)
    out = capsys.readouterr()
    return code, out.out, " ".join(out.err.split())


@pytest.fixture()
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    return lambda *args: run(list(args), tmp_path, monkeypatch, capsys)


def test_check_json_shape(cli) -> None:
    code, out, _ = cli("regimes", "check", "--exporter", "BLR", "--importer", "PRK", "--hs", "870190",
                       "--date", "2024-06-01", "--value", "2500000", "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"query", "findings", "summary", "notes"}
    assert doc["query"] == {"exporter": "BLR", "importer": "PRK", "hs": "870190",
                            "hs_revision": "HS12", "date": "2024-06-01", "value": 2500000.0}
    first = doc["findings"][0]
    required = {"rule_id", "authority", "target", "status", "legal_ref", "direction", "binds",
                "applies_to_exporter"}
    assert required <= set(first)
    assert (first["authority"], first["status"], first["legal_ref"], first["applies_to_exporter"]) == (
        "UN", "prohibited", "S/RES/2397 (2017) OP7", True)


def test_check_says_no_finding_plainly(cli) -> None:
    code, out, _ = cli("regimes", "check", "--exporter", "DEU", "--importer", "FRA", "--hs", "0101",
                       "--date", "2024-06-01")
    assert code == 0
    assert " ".join(out.split()).startswith("No finding: DEU -> FRA, HS 0101 (HS22), 2024-06-01 is outside every encoded measure")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hs", "87A1"], "Error: invalid HS code '87A1': use 2, 4 or 6 digits, for example 8701 or 870190"),
        (["--exporter", "XYZ"], "Error: unknown country 'XYZ': use an ISO3 code such as PRK, an ISO2 code such as KP, or a group (WLD, EU27, EU, EAEU, CCA3, CENTRAL_ASIA_CAUCASUS, G7)"),
        (["--date", "2024-13-01"], "Error: invalid date '2024-13-01': write YYYY-MM-DD, for example 2024-06-01"),
        (["--hs", "870199"], "Error: HS code '870199' exists in no HS revision (HS92 … HS22): check the code, for example 8701 or 870190"),
        (["--importer", "BLR"], "Error: exporter and importer are both 'BLR': give two countries"),
        (["--exporter", "EU27"], "Error: 'EU27' is a country group: give one country, for example PRK"),
        (["--hs", "870190", "--hs-revision", "HS17"], "Error: HS code '870190' does not exist in HS17: check the code, or give the revision it is written in with --hs-revision (HS92 … HS22)"),
    ],
)
def test_check_bad_input_exits_2(cli, args: list[str], message: str) -> None:
    base = {"--exporter": "BLR", "--importer": "PRK", "--hs": "8701", "--date": "2024-06-01"}
    base.update(dict(zip(args[::2], args[1::2])))
    code, _, err = cli("regimes", "check", *[x for pair in base.items() for x in pair])
    assert (code, err) == (2, message)


def test_rule_folder_with_a_typo_is_reported(cli, rule_dir: Path, VALID: str) -> None:
    (rule_dir / "un_kp.yaml").write_text(VALID.replace("direction: to_target", "directon: to_target", 1))
    code, _, err = cli("regimes", "list", "--rules", str(rule_dir))
    assert code == 3
    assert err == (
        "Error: 2 problems in the rule files: "
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'directon' is not a known key; did you mean 'direction'? "
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'direction' is missing (required)"
    )


def test_list_json_filters_by_target(cli) -> None:
    code, out, _ = cli("regimes", "list", "--target", "PRK", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["count"] == len(doc["rules"]) > 40
    assert {r["target"] for r in doc["rules"]} == {"KP"}


def test_overlap_prk_json_and_html(cli, tmp_path: Path) -> None:
    page = tmp_path / "overlap.html"
    code, out, err = cli("regimes", "overlap", "PRK", "--date", "2024-06-01", "--json", "--out", str(page))
    assert code == 0, err
    doc = json.loads(out)
    row = [r for r in doc["rows"] if r["key"] == "87" and r["direction"] == "to_target"][0]
    assert {a: c["status"] for a, c in row["cells"].items()} == {
        "UN": "prohibited", "US": "prohibited", "EU": "prohibited", "UK": "prohibited", "JP": "prohibited"}
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_overlap_unknown_target_exits_2(cli) -> None:
    code, _, err = cli("regimes", "overlap", "FRA")
    assert (code, err) == (2, "Error: no encoded regime targets 'FR': targets are BY, KP, RU")


def test_exposure_json_on_real_baci(cli, tmp_path: Path, shared_data: Path) -> None:
    with Warehouse(tmp_path / "warehouse.duckdb") as warehouse:
        load_file(warehouse, shared_data / "trade/flows/baci_hs17_chn_rus_2017_2023.parquet")
    code, out, err = cli("regimes", "exposure", "--exporter", "CHN", "--importer", "RUS",
                         "--years", "2021-2023", "--source", "baci", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["query"] == {"exporter": "CHN", "importer": "RUS", "years": [2021, 2023], "source": "baci"}
    assert {(e["year"], e["authority"]) for e in doc["exposure"]} >= {(2023, "EU"), (2022, "US")}
    code, _, err = cli("regimes", "exposure", "--exporter", "CHN", "--importer", "RUS", "--years", "1990-1991")
    assert (code, err) == (4, "Error: no flows CHN -> RUS in 1990-1991: the warehouse holds this corridor for 2017-2023; choose years in that range or load more data")
    code, _, err = cli("regimes", "exposure", "--exporter", "CHN", "--importer", "RUS", "--years", "2023-2021")
    assert (code, err) == (2, "Error: invalid years '2023-2021': the range runs backwards; write 2021-2023")


def test_overlap_csv_by_group_for_russia(cli) -> None:
    code, out, err = cli("regimes", "overlap", "RUS", "--by", "group", "--date", "2024-06-01", "--csv")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "key,label,direction,UN,UN_rules,US,US_rules,EU,EU_rules,UK,UK_rules,JP,JP_rules"
    tier1 = [line for line in lines if line.startswith("chpl_tier_1,") and ",to_target," in line][0]
    assert ",prohibited,EU-RU-CHPL-EXPORT-BAN," in tier1 and ",licence_required,US-RU-CHPL-LICENCE," in tier1


def test_overlap_bad_by_exits_2(cli) -> None:
    code, _, err = cli("regimes", "overlap", "PRK", "--by", "sector")
    assert (code, err) == (2, "Error: invalid --by 'sector': use chapter or group")
