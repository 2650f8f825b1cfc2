"""``shadowtrade report corridor`` and ``report partners`` as a user runs them, exit codes included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shadowtrade.cli import main
from shadowtrade.config import Settings
from shadowtrade.sources.loader import load_file, mirror_files
from shadowtrade.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A SHADOWTRADE_HOME whose warehouse holds every real trade file."""
    folder = tmp_path_factory.mktemp("report-home")
    with Warehouse(Settings(home=folder).warehouse_path) as warehouse:
        for path, fmt in mirror_files(shared_data):
            load_file(warehouse, path, fmt)
    return folder


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path,
        *args: str) -> tuple[int, str]:
    """Run the console script's entry point in-process: (exit code, stderr)."""
    monkeypatch.setenv("SHADOWTRADE_HOME", str(home))
    monkeypatch.setattr(sys, "argv", ["shadowtrade", *args])
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, " ".join(capsys.readouterr().err.split())


def test_corridor_command_as_a_user_runs_it(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "corridor.html"
    env = {**os.environ, "SHADOWTRADE_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "shadowtrade", "report", "corridor", "CHN", "RUS",
         "--years", "2017-2023", "--out", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "USD 110.0 bn in 2023" in out.read_text()
    assert {p.name for p in tmp_path.glob("*.png")} == {"corridor_series.png",
                                                        "corridor_composition.png"}


def test_corridor_with_no_data_exits_4_saying_what_to_load(monkeypatch, capsys, home: Path,
                                                           tmp_path: Path) -> None:
    code, err = cli(monkeypatch, capsys, home, "report", "corridor", "PRK", "FRA",
                    "--years", "2019-2023", "--out", str(tmp_path / "x.html"))
    assert code == 4
    assert err == ("Error: no trade flows loaded for PRK to FRA in 2019-2023; load it with: "
                   "shadowtrade data load --mirror ../shared/data (see what is loaded with: "
                   "shadowtrade data status)")
    assert not (tmp_path / "x.html").exists()


def test_no_warehouse_exits_4(monkeypatch, capsys, tmp_path: Path) -> None:
    code, err = cli(monkeypatch, capsys, tmp_path / "empty", "report", "corridor", "CHN", "RUS",
                    "--out", str(tmp_path / "x.html"))
    assert code == 4
    assert err == (f"Error: no warehouse at {tmp_path / 'empty' / 'warehouse.duckdb'}: load it "
                   "with: shadowtrade data load --mirror ../shared/data")


def test_svg_charts_in_place_of_png(monkeypatch, capsys, home: Path, tmp_path: Path) -> None:
    code, err = cli(monkeypatch, capsys, home, "report", "corridor", "RUS", "CHN",
                    "--source", "comtrade", "--svg", "--out", str(tmp_path / "rc.html"))
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".html"] == ["rc_series.svg"]
    assert ("Russia&#39;s exports to China rose from USD 79.6 bn in 2021 to USD 129.9 bn in 2024, "
            "up 63% (UN Comtrade: China&#39;s report).") in (tmp_path / "rc.html").read_text()


def test_png_dir_and_svg_exclude_each_other(monkeypatch, capsys, home: Path,
                                            tmp_path: Path) -> None:
    code, err = cli(monkeypatch, capsys, home, "report", "corridor", "CHN", "RUS", "--svg",
                    "--png-dir", str(tmp_path), "--out", str(tmp_path / "x.html"))
    assert code == 2
    assert err == ("Error: --png-dir and --svg exclude each other: choose PNG files in a folder "
                   "or SVG files next to the page")


def test_unknown_breakdown_is_a_usage_error(monkeypatch, capsys, home: Path,
                                            tmp_path: Path) -> None:
    code, err = cli(monkeypatch, capsys, home, "report", "corridor", "CHN", "RUS", "--by", "hs6",
                    "--out", str(tmp_path / "x.html"))
    assert code == 2
    assert err == "Error: unknown --by 'hs6' for a corridor report: use section or group"


def test_partners_command_writes_page_and_png(monkeypatch, capsys, home: Path,
                                              tmp_path: Path) -> None:
    out = tmp_path / "neighbours.html"
    code, err = cli(monkeypatch, capsys, home, "report", "partners", "EU27",
                    "RUS,ARM,GEO,KAZ,KGZ,UZB", "--source", "eurostat", "--years", "2019-2024",
                    "--title", "EU27 exports to Russia and its neighbours", "--out", str(out))
    assert code == 0, err
    assert f"Wrote {out}" in err
    assert (tmp_path / "neighbours_comparison.png").read_bytes()[:4] == b"\x89PNG"
    html = out.read_text()
    assert "<title>EU27 exports to Russia and its neighbours</title>" in html
    assert "Kyrgyzstan" in html and "EUR 2.73 bn" in html
