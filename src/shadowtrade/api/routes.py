"""The yente-compatible routes: ``POST /match/{dataset}``, ``GET /search/{dataset}``,
``GET /entities/{id}``, ``GET /algorithms``, ``/healthz`` and ``/readyz``.

The dataset ``default`` (or ``sanctions``) means every loaded list.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from shadowtrade.api.models import MatchRequest, check_batch, to_screen_query
from shadowtrade.errors import ShadowtradeError
from shadowtrade.screening.engine import DEFAULT_LIMIT, DEFAULT_THRESHOLD, EngineHolder, Screener
from shadowtrade.screening.query import ScreenQuery

ALL_DATASETS = ("default", "sanctions", "all")
router = APIRouter()


def _holder(request: Request) -> EngineHolder:
    return request.app.state.engines  # type: ignore[no-any-return]


def _datasets(engine: Screener, dataset: str) -> list[str] | None:
    return None if dataset in ALL_DATASETS else [dataset]


def _yente_result(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "referents": [], "target": True, "explanations": result["explanation"]}


@router.post("/match/{dataset}", tags=["matching"])
def match(dataset: str, body: MatchRequest, request: Request,
          limit: int = Query(DEFAULT_LIMIT, ge=1, le=500),
          threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0)) -> dict[str, Any]:
    """Match each query entity against the lists; results carry score, match, explanation."""
    check_batch(body)
    engine = _holder(request).engine
    queries = {key: to_screen_query(query) for key, query in body.queries.items()}
    responses = {}
    for key, query in queries.items():
        found = engine.screen(query, threshold, limit, _datasets(engine, dataset))
        results = [_yente_result(r) for r in found["results"]]
        responses[key] = {"status": 200, "results": results,
                          "total": {"value": len(results), "relation": "eq"},
                          "query": body.queries[key].model_dump(by_alias=True)}
    return {"responses": responses, "limit": limit}


@router.get("/search/{dataset}", tags=["matching"])
def search(dataset: str, request: Request, q: str = Query(..., description="Name to look up"),
           schema: str = Query("Thing"), limit: int = Query(10, ge=1, le=500)) -> dict[str, Any]:
    """Look a name up; every candidate is returned with its score (no threshold)."""
    engine = _holder(request).engine
    found = engine.screen(ScreenQuery.build([q], schema=schema), 0.0, limit,
                          _datasets(engine, dataset))
    results = [_yente_result(r) for r in found["results"]]
    return {"results": results, "total": {"value": len(results), "relation": "eq"},
            "limit": limit, "offset": 0}


@router.get("/entities/{entity_id}", tags=["data"])
def entity(entity_id: str, request: Request) -> dict[str, Any]:
    """One listed entity by id, as FollowTheMoney JSON."""
    return _holder(request).engine.entity(entity_id)


@router.get("/algorithms", tags=["matching"])
def algorithms() -> dict[str, Any]:
    """The scoring algorithm this server uses."""
    return {"algorithms": [{"name": "shadowtrade-v1", "description": "Transliteration-aware "
                            "name alignment (Korean RR/MR/DPRK keys, Hanja, pinyin, Cyrillic) "
                            "with birth date, country, schema qualifiers and identifiers."}],
            "default": "shadowtrade-v1", "best": "shadowtrade-v1"}


@router.get("/healthz", tags=["system"])
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", tags=["system"])
def readyz(request: Request) -> dict[str, Any]:
    """Ready once the index is built (503 before)."""
    engine = _holder(request).engine
    return {"status": "ready", "entities": engine.entity_count, "datasets": engine.datasets}


__all__ = ["router", "ShadowtradeError"]
