"""``lists fetch``: the download code against a local HTTP server serving ../shared/data."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from shadowtrade.errors import FetchError
from shadowtrade.sources.lists.catalog import find_in_mirror
from shadowtrade.sources.lists.fetch import download, fetch_lists

# The official file names the catalogue downloads, served from the real files of the mirror.
OFFICIAL_NAMES = {
    "/sanctions/un/consolidated.xml": "sanctions/un/un_consolidated_2026-02-27.xml",
    "/sanctions/canada/sema-lmes.xml": "sanctions/canada/canada_sema_2025.xml",
}


class _MirrorHandler(SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        return super().translate_path(OFFICIAL_NAMES.get(path, path))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(sanctions_dir: Path) -> Iterator[str]:
    handler = partial(_MirrorHandler, directory=str(sanctions_dir.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


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
