"""``lists fetch``: the download code against a local HTTP server serving ../shared/data."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shadowtrade.cli import app
from shadowtrade.errors import FetchError
from shadowtrade.sources.lists.catalog import find_in_mirror
from shadowtrade.sources.lists.fetch import download, fetch_lists, planned_downloads

# The official file names the catalogue downloads, served from the real files of the mirror.
OFFICIAL_NAMES = {
    "/sanctions/un/consolidated.xml": "sanctions/un/un_consolidated_2026-02-27.xml",
    "/sanctions/canada/sema-lmes.xml": "sanctions/canada/canada_sema_2025.xml",
}


class _RenamingHandler(SimpleHTTPRequestHandler):
    """Serves ``directory``, an official path answered by the file ``names`` gives for it."""

    def __init__(self, *args: object, names: dict[str, str], fallback: str | None,
                 **kwargs: object) -> None:
        self.names, self.fallback = names, fallback
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        return super().translate_path(self.names.get(path, self.fallback or path))

    def log_message(self, *args: object) -> None:
        pass


def _serve(directory: Path, names: dict[str, str], fallback: str | None = None) -> Iterator[str]:
    """A real HTTP server on loopback for the duration of a fixture; yields its base URL."""
    handler = partial(_RenamingHandler, directory=str(directory), names=names, fallback=fallback)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(sanctions_dir: Path) -> Iterator[str]:
    yield from _serve(sanctions_dir.parent, OFFICIAL_NAMES)


def test_fetch_downloads_into_a_loadable_mirror(server: str, tmp_path: Path,
                                                sanctions_dir: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    fetched = fetch_lists(tmp_path, base_url=server + "/sanctions", only=["un_sc", "ca_sema"],
                          on_progress=lambda *args: seen.append(args))
    assert [p.relative_to(tmp_path).as_posix() for p in fetched] == [
        "sanctions/un/consolidated.xml", "sanctions/canada/sema-lmes.xml"]
    original = sanctions_dir / "un/un_consolidated_2026-02-27.xml"
    assert fetched[0].read_bytes() == original.read_bytes()
    assert seen[-1][1] == seen[-1][2]  # the progress reached the announced length
    found = {f.dataset: f.paths for f in find_in_mirror(tmp_path)}
    assert found["un_sc"] == (fetched[0],)


def test_http_error_leaves_no_partial_file(server: str, tmp_path: Path) -> None:
    target = tmp_path / "sanctions/ofac/SDN.CSV"
    with pytest.raises(FetchError) as caught:
        download(server + "/sanctions/ofac/SDN.CSV", target)
    assert str(caught.value) == f"downloading {server}/sanctions/ofac/SDN.CSV failed: HTTP 404"
    assert list(tmp_path.rglob("*")) == [tmp_path / "sanctions", tmp_path / "sanctions/ofac"]


def test_copy_from_mirror(tmp_path: Path, sanctions_dir: Path) -> None:
    copied = fetch_lists(tmp_path, mirror=sanctions_dir.parent, only=["un_sc"])
    assert [p.name for p in copied] == ["un_consolidated_2026-02-27.xml"]


# The official names of the two formats no mirror holds, served from the hand-built samples.
SAMPLES = Path(__file__).parent / "fixtures"
SAMPLE_NAMES = {
    "/sanctions/uk/UK-Sanctions-List.xml": "/UK-Sanctions-List.sample.xml",
    "/sanctions/ofac/SDN_ADVANCED.XML": "/SDN_ADVANCED.sample.xml",
}


@pytest.fixture(scope="module")
def sample_server() -> Iterator[str]:
    yield from _serve(SAMPLES, SAMPLE_NAMES, fallback="/missing")


def test_default_fetch_plans_fcdo_but_not_the_advanced_ofac_xml() -> None:
    planned = dict((path, url) for url, path in planned_downloads(None))
    assert planned["uk/UK-Sanctions-List.xml"] == (
        "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml")
    assert "ofac/SDN_ADVANCED.XML" not in planned and "ofac/SDN.CSV" in planned
    assert planned_downloads(None, ["us_ofac_sdn_advanced"]) == [(
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
        "SDN_ADVANCED.XML", "ofac/SDN_ADVANCED.XML")]


def test_fetch_fcdo_and_advanced_ofac_into_a_loadable_mirror(sample_server: str,
                                                             tmp_path: Path) -> None:
    fetched = fetch_lists(tmp_path, base_url=sample_server + "/sanctions",
                          only=["gb_fcdo", "us_ofac_sdn_advanced"])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in fetched) == [
        "sanctions/ofac/SDN_ADVANCED.XML", "sanctions/uk/UK-Sanctions-List.xml"]
    found = {f.dataset: f for f in find_in_mirror(tmp_path)}
    assert set(found) == {"gb_fcdo", "us_ofac_sdn"}
    assert found["us_ofac_sdn"].name == "us_ofac_sdn_advanced"
    assert [len(found[d].read().entities) for d in ("gb_fcdo", "us_ofac_sdn")] == [3, 5]


def test_mirror_prefers_the_advanced_xml_to_the_csv_files(tmp_path: Path,
                                                          sanctions_dir: Path) -> None:
    ofac = tmp_path / "sanctions" / "ofac"
    ofac.mkdir(parents=True)
    (ofac / "sdn_2024-05-03.csv").write_bytes(
        (sanctions_dir / "ofac/sdn_2024-05-03.csv").read_bytes()[:2000])
    assert [f.paths[0].name for f in find_in_mirror(tmp_path)] == ["sdn_2024-05-03.csv"]
    (ofac / "SDN_ADVANCED.XML").write_bytes((SAMPLES / "SDN_ADVANCED.sample.xml").read_bytes())
    assert [(f.dataset, f.paths[0].name) for f in find_in_mirror(tmp_path)] == [
        ("us_ofac_sdn", "SDN_ADVANCED.XML")]
    copied = fetch_lists(tmp_path / "copy", mirror=tmp_path, only=["us_ofac_sdn_advanced"])
    assert [p.name for p in copied] == ["SDN_ADVANCED.XML"]


def test_cli_fetch_only_the_advanced_form_then_load(sample_server: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--home", str(tmp_path), "--quiet", "lists", "fetch",
                                 "--base-url", sample_server + "/sanctions",
                                 "--only", "us_ofac_sdn_advanced", "--load"])
    assert result.exit_code == 0, result.output
    assert "us_ofac_sdn: 5 entities" in result.output
    status = runner.invoke(app, ["--home", str(tmp_path), "lists", "status", "--json"])
    lists = json.loads(status.stdout)["lists"]
    assert [(s["dataset"], s["published"], s["entities"]) for s in lists] == [
        ("us_ofac_sdn", "2024-05-03", 5)]
