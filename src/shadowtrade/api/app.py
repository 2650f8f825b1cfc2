"""The FastAPI application factory.

>>> from shadowtrade.screening.engine import Screener
>>> app = create_app(Screener([]))
>>> sorted(p for p in app.app.openapi()["paths"] if p.startswith("/match"))
['/match/{dataset}']
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shadowtrade.api.errors import install_error_handlers
from shadowtrade.api.limits import BodySizeLimit
from shadowtrade.api.routes import router
from shadowtrade.screening.engine import EngineHolder, Screener

MAX_BODY_BYTES = 1_000_000


def create_app(engine: Screener | EngineHolder | None = None,
               max_body_bytes: int = MAX_BODY_BYTES) -> Any:
    """A screening API over an engine (or a holder whose engine can be swapped later).

    Returns the ASGI app wrapped in the body-size limit; the FastAPI app is ``.app``.
    """
    api = FastAPI(title="shadowtrade screening API",
                  description="Sanctions screening with yente's protocol: POST /match/{dataset},"
                              " GET /search/{dataset}, GET /entities/{id}.",
                  version="1")
    api.state.engines = engine if isinstance(engine, EngineHolder) else EngineHolder(engine)
    api.include_router(router)
    install_error_handlers(api)
    return _Limited(api, max_body_bytes)


def create_app_from_settings() -> Any:
    """The app ``shadowtrade serve`` runs (a uvicorn factory): settings from the environment
    (this is an edge), the engine from the warehouse's loaded lists, cached in HOME/cache.
    ``SHADOWTRADE_SERVE_DATASETS`` (comma-separated) limits the lists served; every
    ``SHADOWTRADE_RELOAD_SECONDS`` (30) a watcher rebuilds and swaps in newly loaded lists."""
    import os

    from shadowtrade.api.reloader import ListWatcher
    from shadowtrade.config import load_settings
    from shadowtrade.screening.loading import cached_screener
    from shadowtrade.warehouse import Warehouse

    settings = load_settings()
    datasets = [d for d in os.environ.get("SHADOWTRADE_SERVE_DATASETS", "").split(",") if d]
    with Warehouse(settings.warehouse_path, read_only=True) as warehouse:
        engine = cached_screener(warehouse, settings.home / "cache", datasets or None)
    holder = EngineHolder(engine)
    interval = float(os.environ.get("SHADOWTRADE_RELOAD_SECONDS", "30"))
    ListWatcher(holder, settings.warehouse_path, interval, datasets or None).start()
    return create_app(holder)


class _Limited(BodySizeLimit):
    """The FastAPI app behind the body limit, still reachable as ``.routes`` and ``.state``."""

    @property
    def routes(self) -> Any:
        return self.app.routes

    @property
    def state(self) -> Any:
        return self.app.state
