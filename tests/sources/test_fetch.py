"""Downloads against a real HTTP server on 127.0.0.1 serving ../shared/data (never the internet).

The server is ``http.server`` in a thread. It can honour ``Range`` (to resume), cut a response
short (an interrupted download) and answer a Dataverse-style file listing for the Atlas files.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from shadowtrade.errors import FetchError, NoDataError, UsageError
from shadowtrade.sources.fetch import (
    NO_COMTRADE_KEY,
    FetchOptions,
    atlas_downloads,
    copy_from_mirror,
    download,
    fetch,
    fetch_comtrade,
)
from shadowtrade.sources.loader import load_file
from shadowtrade.sources.synthetic_baci import SyntheticSpec, write_release
from shadowtrade.warehouse import Warehouse

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
FLOWS = "trade/flows"
PARQUET = f"{FLOWS}/baci_hs17_chn_rus_2017_2023.parquet"
COMTRADE_CSV = f"{FLOWS}/comtrade_chn_imports_from_rus_monthly_2017_2024.csv"
ATLAS_IDS = {"hs92_country_year.csv": f"{FLOWS}/atlas_hs92_country_year_1988_2024.parquet",
             "hs92_product_year_4.csv": f"{FLOWS}/atlas_hs92_world_product_year_hs4_1988_2024.parquet"}


@dataclass
class ServerState:
    """How the test server behaves, changed by each test."""

    ranges: bool = True  # honour Range requests
    cut_after: int | None = None  # send only this many bytes of a body, then hang up
    seen_ranges: list[str] = field(default_factory=list)
    extra: Path | None = None  # served under /extra/ (files a test generated)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from ../shared/data, with Range, cut-offs and a Dataverse listing."""

    state: ServerState

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.startswith("/api/datasets/"):
            return self._send(200, json.dumps({"data": [
                {"dataFile": {"filename": name, "id": index}}
                for index, name in enumerate(ATLAS_IDS)]}).encode(), {})
        relative = self.path.lstrip("/")
        if relative.startswith("api/access/datafile/"):
            relative = list(ATLAS_IDS.values())[int(relative.rsplit("/", 1)[1])]
        path = SHARED / relative
        if relative.startswith("extra/") and self.state.extra is not None:
            path = self.state.extra / relative.removeprefix("extra/")
        if not path.is_file() or ".." in relative:
            return self._send(404, b"not found", {})
        body = path.read_bytes()
        start = self._range_start()
        if start is not None:
            self.state.seen_ranges.append(self.headers["Range"])
            if start >= len(body):
                return self._send(416, b"", {})
            headers = {"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"}
            return self._send(206, body[start:], headers)
        self._send(200, body, {})

    def _range_start(self) -> int | None:
        header = self.headers.get("Range")
        if not header or not self.state.ranges:
            return None
        return int(header.removeprefix("bytes=").split("-")[0])

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        cut = self.state.cut_after
        self.wfile.write(body if cut is None else body[:cut])
        if cut is not None:
            self.close_connection = True


@pytest.fixture()
def server() -> Iterator[tuple[str, ServerState]]:
    """A live HTTP server on 127.0.0.1 (a free port) and the state steering it."""
    state = ServerState()
    handler = type("BoundHandler", (Handler,), {"state": state})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    httpd.shutdown()
    httpd.server_close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_download_gives_the_same_bytes_and_records_the_hash(server, tmp_path: Path) -> None:
    base, _ = server
    seen: list[tuple[int, int | None]] = []
    got = download(f"{base}/{PARQUET}", tmp_path / "b.parquet",
                   lambda _name, done, total: seen.append((done, total)))
    assert got.path.read_bytes() == (SHARED / PARQUET).read_bytes()
    assert got.sha256 == sha256(SHARED / PARQUET) and got.size == (SHARED / PARQUET).stat().st_size
    assert (tmp_path / "b.parquet.sha256").read_text() == f"{got.sha256}  b.parquet\n"
    assert seen[-1] == (got.size, got.size)
    assert not (tmp_path / "b.parquet.part").exists()


def test_interrupted_download_leaves_no_file_then_resumes(server, tmp_path: Path) -> None:
    base, state = server
    target = tmp_path / "b.parquet"
    state.cut_after = 100_000
    with pytest.raises(FetchError, match="interrupted 2 times .* run the same command again"):
        download(f"{base}/{PARQUET}", target, attempts=2)
    assert not target.exists()
    assert (tmp_path / "b.parquet.part").stat().st_size == 200_000  # 100 kB per attempt
    state.cut_after = None
    got = download(f"{base}/{PARQUET}", target)
    assert state.seen_ranges == ["bytes=100000-", "bytes=200000-"]
    assert got.resumed_from == 200_000
    assert got.sha256 == sha256(SHARED / PARQUET)
    assert target.read_bytes() == (SHARED / PARQUET).read_bytes()


def test_resume_retries_within_one_call(server, tmp_path: Path) -> None:
    """Each attempt gets 100 kB more: the download completes by resuming repeatedly."""
    base, state = server
    state.cut_after = 100_000
    size = (SHARED / PARQUET).stat().st_size
    got = download(f"{base}/{PARQUET}", tmp_path / "b.parquet", attempts=size // 100_000 + 2)
    assert got.sha256 == sha256(SHARED / PARQUET)
    assert len(state.seen_ranges) == size // 100_000


def test_server_without_range_restarts_from_zero(server, tmp_path: Path) -> None:
    base, state = server
    (tmp_path / "b.parquet.part").write_bytes(b"stale bytes from another try")
    state.ranges = False
    got = download(f"{base}/{PARQUET}", tmp_path / "b.parquet")
    assert got.sha256 == sha256(SHARED / PARQUET)


def test_404_is_a_clear_error_and_writes_nothing(server, tmp_path: Path) -> None:
    base, _ = server
    with pytest.raises(FetchError) as caught:
        download(f"{base}/trade/flows/BACI_HS17_V209901.zip", tmp_path / "x.zip")
    assert str(caught.value) == (
        f"downloading {base}/trade/flows/BACI_HS17_V209901.zip failed: HTTP 404 Not Found; "
        "check the source's release or period, or use --mirror DIR with a local copy")
    assert list(tmp_path.iterdir()) == []


def test_unreachable_host_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="interrupted 1 times"):
        download("http://127.0.0.1:9/none.zip", tmp_path / "x.zip", attempts=1, timeout=2)
    assert not (tmp_path / "x.zip").exists()


def test_fetch_baci_release_zip_from_a_stand_in_host_and_load_it(server, tmp_path: Path) -> None:
    base, state = server
    state.extra = tmp_path / "publisher"  # a tiny synthetic release in CEPII's zip layout
    write_release(state.extra, SyntheticSpec(years=(2023,), scale=0.0002, zipped=True))
    (fetched,) = fetch("baci", tmp_path / "out", FetchOptions(release="V202501"),
                       base_url=f"{base}/extra")
    assert fetched.path == tmp_path / "out/trade/baci/BACI_HS17_V202501.zip"
    assert fetched.sha256 == sha256(state.extra / "BACI_HS17_V202501.zip")
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        result = load_file(warehouse, fetched.path)
    assert result.quarantined == 0 and result.rows > 1000
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch("baci", tmp_path / "out", FetchOptions(release="V209901"), base_url=f"{base}/extra")
    assert not (tmp_path / "out/trade/baci/BACI_HS17_V209901.zip").exists()


def test_fetch_atlas_resolves_dataverse_listing_and_loads(server, tmp_path: Path) -> None:
    base, _ = server
    fetched = fetch("atlas", tmp_path, base_url=base)
    assert [f.path.name for f in fetched] == ["hs92_country_year.csv", "hs92_product_year_4.csv"]
    assert fetched[0].sha256 == sha256(SHARED / ATLAS_IDS["hs92_country_year.csv"])
    assert fetched[0].path.parent == tmp_path / "trade" / "atlas"
    assert atlas_downloads(base)[1][0] == f"{base}/api/access/datafile/1"


def test_mirror_copy_keeps_layout_and_loads(tmp_path: Path) -> None:
    copied = copy_from_mirror("baci", SHARED, tmp_path)
    names = [f.path.relative_to(tmp_path).as_posix() for f in copied]
    assert names == ["trade/countries/baci_country_codes_V202501.csv", PARQUET]
    assert copied[1].sha256 == sha256(SHARED / PARQUET)
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        result = load_file(warehouse, tmp_path / PARQUET)
    assert (result.rows, result.quarantined) == (43_494, 0)


def test_mirror_without_the_source_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoDataError, match="no comtrade files under"):
        fetch("comtrade", tmp_path / "out", mirror=tmp_path / "empty")


def test_comtrade_without_a_key_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        fetch("comtrade", tmp_path, FetchOptions(periods=("2023",)))
    assert str(caught.value) == NO_COMTRADE_KEY
    assert "https://comtradedeveloper.un.org" in NO_COMTRADE_KEY
    assert "SHADOWTRADE_COMTRADE_KEY" in NO_COMTRADE_KEY


class StubComtrade:
    """Stands in for ``comtradeapicall``: answers with the real API records in ../shared/data."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def getFinalData(self, key: str, **query: object) -> pd.DataFrame:  # noqa: N802
        self.calls.append({"key": key, **query})
        return pd.read_csv(SHARED / COMTRADE_CSV, dtype=str)


def test_comtrade_records_are_written_as_a_loadable_csv(tmp_path: Path) -> None:
    stub = StubComtrade()
    options = FetchOptions(periods=("2023",), comtrade_key="k")
    got = fetch_comtrade(tmp_path, options, client=stub)
    assert got.path == tmp_path / "trade/comtrade/comtrade_156_M_643_M_2023.csv"
    call = stub.calls[0]
    assert (call["key"], call["reporterCode"], call["partnerCode"], call["flowCode"],
            call["period"]) == ("k", "156", "643", "M", "2023")
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        result = load_file(warehouse, got.path)
        total = warehouse.sql_rows("SELECT sum(value) FROM flows WHERE year = 2023")[0][0]
    assert (result.rows, result.quarantined) == (96, 0)
    assert round(total / 1e9, 1) == 128.9


def test_unknown_source_and_missing_period_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown source 'wits'"):
        fetch("wits", tmp_path)
    with pytest.raises(UsageError, match="give --period"):
        fetch("eurostat", tmp_path)


def test_cli_fetch_from_mirror(tmp_path: Path) -> None:
    from shadowtrade.cli import app
    import shadowtrade.cli.fetch  # noqa: F401  (registers the command until cli/__init__ does)

    result = CliRunner().invoke(app, ["--home", str(tmp_path), "data", "fetch", "atlas",
                                      "--mirror", str(SHARED), "--json"])
    assert result.exit_code == 0, result.output
    paths = [Path(item["path"]).name for item in json.loads(result.stdout)]
    assert sorted(paths) == ["atlas_hs92_country_year_1988_2024.parquet",
                             "atlas_hs92_data_dictionary.csv",
                             "atlas_hs92_world_product_year_hs4_1988_2024.parquet"]
    assert (tmp_path / "downloads" / ATLAS_IDS["hs92_country_year.csv"]).exists()
