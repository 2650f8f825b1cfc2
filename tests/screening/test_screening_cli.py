"""The command forms of issue 4 that scripts depend on. Commands run in process (fast);
exit codes and error lines are checked in a real subprocess, as a user runs them."""

from __future__ import annotations

import csv
import re
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from shadowtrade.cli import app
from shadowtrade.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
SANCTIONS = REPO.parent / "shared" / "data" / "sanctions"
UN_2026 = SANCTIONS / "un/un_consolidated_2026-02-27.xml"
UN_2025 = SANCTIONS / "un/un_consolidated_2025-04-19.xml"


def run_process(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHADOWTRADE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "shadowtrade", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def run(home: Path, *args: str) -> Result:
    result = CliRunner().invoke(app, ["--home", str(home), "--quiet", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("home")
    custom = folder / "internal.csv"
    custom.write_text("id,name,schema,aliases,birth_date,country\n"
                      "c1,Kim Jong Un,Person,김정은;Kim Chong-un,1984-01-08,KP\n"
                      "c2,,Person,,,\n", encoding="utf-8")
    for args in (["lists", "load", str(UN_2026)],
                 ["lists", "load", str(custom), "--dataset", "internal"]):
        result = run(folder, *args)
        assert result.exit_code == 0, result.output
    return folder


def test_status_json(home: Path) -> None:
    lists = json.loads(run(home, "lists", "status", "--json").stdout)["lists"]
    assert [(s["dataset"], s["entities"], s["rejected"]) for s in lists] == [
        ("internal", 1, 1), ("un_sc", 1003, 0)]
    assert lists[1]["publisher"] == "United Nations Security Council"
    assert lists[1]["published"] == "2026-02-27" and len(lists[1]["sha256"]) == 64


def test_screen_json(home: Path) -> None:
    result = run(home, "screen", "Ri Che-son", "--schema", "Person", "--dataset", "un_sc",
                 "--limit", "2", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["query"]["names"] == ["Ri Che-son"]
    hit = body["results"][0]
    assert (hit["id"], hit["match"], hit["datasets"]) == ("un_sc-KPi.002", True, ["un_sc"])
    assert 0 <= hit["score"] <= 1 and hit["explanation"]["name"]["detail"]


def test_screen_custom_list_with_qualifiers(home: Path) -> None:
    body = json.loads(run(home, "screen", "金正恩", "--birth-date", "1984-01-08",
                          "--country", "KP", "--json").stdout)
    assert (body["results"][0]["id"], body["results"][0]["score"]) == ("internal-c1", 0.97)


def test_screen_batch_keeps_every_row(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("ref,name\nA,Yun Ho-chin\nB,Jane Nobody\nC,김정은\n", encoding="utf-8")
    hits = tmp_path / "hits.csv"
    result = run(home, "screen", "--input", str(source), "--output", str(hits))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(hits.open(encoding="utf-8")))
    assert [(r["ref"], r["top_id"]) for r in rows] == [
        ("A", "un_sc-KPi.001"), ("B", ""), ("C", "internal-c1")]
    assert re.search(r"screened 3 rows in [0-9.]+ s \([0-9,]+ per second, (compiled|python) "
                     r"scorer\): 2 with hits, 0 errors", result.stderr), result.stderr


def test_compare_json_and_batch(home: Path, tmp_path: Path) -> None:
    single = json.loads(run(home, "compare", "Kim Jong Un", "김정은", "--json").stdout)
    assert set(single) == {"score", "match", "explanation"}
    assert (single["score"], single["match"]) == (0.97, True)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,name2\nYUN HO-JIN,Yun Ho-chin\nKim Jong Un,Kim Jong Il\n",
                     encoding="utf-8")
    scores = tmp_path / "scores.csv"
    assert run(home, "compare", "--input", str(pairs), "--output", str(scores)).exit_code == 0
    rows = list(csv.DictReader(scores.open(encoding="utf-8")))
    assert [(r["score"], r["match"]) for r in rows] == [("0.970", "true"), ("0.333", "false")]


def test_diff_json(home: Path) -> None:
    body = json.loads(run(home, "lists", "diff", str(UN_2025), str(UN_2026), "--json").stdout)
    assert body["counts"] == {"old": 877, "new": 1003, "added": 130, "removed": 4, "changed": 4}


def test_bad_input_keeps_what_is_loaded(home: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
                    "<CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>")
    refused = run_process(home, "lists", "load", str(bomb), "--dataset", "un_sc")
    assert refused.returncode == 3
    assert "the file declares a DTD or entities" in refused.stderr
    with pytest.raises(UsageError) as caught:  # exit code 2 at the console (cli.main)
        run(home, "screen", "")
    assert str(caught.value) == "the name is empty: give a name with at least one letter"
    lists = json.loads(run(home, "lists", "status", "--json").stdout)["lists"]
    assert [s["entities"] for s in lists] == [1, 1003]


def test_export_ftm(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.ftm.json"
    assert run(home, "lists", "export", "--output", str(target)).exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1004 and json.loads(lines[0])["schema"] in ("Person", "Organization")


@pytest.mark.slow
def test_load_the_whole_mirror(tmp_path: Path) -> None:
    result = run(tmp_path, "lists", "load", "--mirror", str(SANCTIONS.parent), "--json")
    assert result.exit_code == 0, result.output
    loaded = {item["dataset"]: item["entities"] for item in json.loads(result.stdout)}
    assert loaded["us_ofac_sdn"] == 16588 and loaded["un_sc"] == 1003
    hit = json.loads(run(tmp_path, "screen", "Kim Chong-un", "--json").stdout)["results"][0]
    assert hit["caption"] in ("KIM, Jong Un", "Jong Un KIM") and hit["match"]


@pytest.mark.slow  # a real server process: about 10 s, more on a busy machine
def test_serve_answers_match_requests(home: Path) -> None:
    import socket
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SHADOWTRADE_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "shadowtrade", "serve", "--port", str(port),
                               "--dataset", "un_sc"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                ready = httpx.get(url + "/readyz", timeout=1)
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read().decode()  # type: ignore
                time.sleep(0.1)
        assert ready.json()["datasets"] == ["un_sc"]
        body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ri Che-son"]}}}}
        answer = httpx.post(url + "/match/un_sc", json=body, timeout=10).json()
        assert answer["responses"]["q"]["results"][0]["id"] == "un_sc-KPi.002"
    finally:
        server.terminate()
        server.wait(timeout=20)
