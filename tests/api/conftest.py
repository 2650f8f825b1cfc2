"""A real uvicorn server on 127.0.0.1 and a free port, over the real UN list."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from shadowtrade.api.app import create_app
from shadowtrade.screening.engine import EngineHolder, Screener
from shadowtrade.sources.lists.un import read_un

SANCTIONS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sanctions"
MAX_BODY = 20_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def holder() -> EngineHolder:
    """The swappable engine the server answers from."""
    entities = read_un(SANCTIONS / "un/un_consolidated_2026-02-27.xml").entities
    return EngineHolder(Screener([e.to_ftm() for e in entities]))


@pytest.fixture(scope="session")
def base_url(holder: EngineHolder) -> Iterator[str]:
    """Start uvicorn in a thread; stop it at the end of the session."""
    port = _free_port()
    config = uvicorn.Config(create_app(holder, max_body_bytes=MAX_BODY), host="127.0.0.1",
                            port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def client(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client talking to the running server."""
    with httpx.Client(base_url=base_url, timeout=10) as http:
        yield http
