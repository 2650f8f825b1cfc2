"""The yente protocol over HTTP against a running server: match, search, entities, health,
OpenAPI, and every error as a 4xx JSON body."""

from __future__ import annotations

import httpx

from shadowtrade.api.errors import status_for
from shadowtrade.errors import (DataFileError, FetchError, MissingExtraError, NoDataError,
                                NotFoundError, UsageError)
from shadowtrade.screening.engine import EngineHolder, EngineNotReady, Screener


def match(client: httpx.Client, queries: dict, dataset: str = "default", **params: object):
    return client.post(f"/match/{dataset}", json={"queries": queries}, params=params)


def test_match_korean_and_dprk_variants(client: httpx.Client) -> None:
    response = match(client, {
        "q1": {"schema": "Person", "properties": {"name": ["윤호진"], "nationality": ["kp"]}},
        "q2": {"schema": "Person", "properties": {"name": ["Ri Che-son"]}},
    }, limit=3)
    assert response.status_code == 200
    body = response.json()
    assert body["limit"] == 3 and set(body["responses"]) == {"q1", "q2"}
    first = body["responses"]["q1"]["results"][0]
    assert (first["id"], first["match"], first["score"]) == ("un_sc-KPi.001", True, 0.97)
    assert {"id", "caption", "schema", "properties", "datasets", "score", "match",
            "explanations", "target"} <= set(first)
    assert body["responses"]["q2"]["results"][0]["id"] == "un_sc-KPi.002"
    q2 = body["responses"]["q2"]
    assert q2["total"] == {"value": len(q2["results"]), "relation": "eq"}


def test_match_threshold_and_dataset(client: httpx.Client) -> None:
    query = {"q": {"schema": "Person", "properties": {"name": ["Ri Che-son"]}}}
    strict = match(client, query, dataset="un_sc", threshold=0.99).json()
    assert [r["match"] for r in strict["responses"]["q"]["results"]][:1] == [True]
    missing = match(client, query, dataset="us_ofac_sdn")
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "detail": "no list 'us_ofac_sdn' is loaded; "
                                                      "loaded lists: un_sc"}


def test_search_and_entity(client: httpx.Client) -> None:
    found = client.get("/search/default", params={"q": "Yun Ho-chin", "limit": 2}).json()
    assert found["results"][0]["id"] == "un_sc-KPi.001"
    entity = client.get("/entities/un_sc-KPi.001").json()
    assert entity["properties"]["alias"] == ["Yun Ho-chin"]
    missing = client.get("/entities/nope")
    assert (missing.status_code, missing.json()["detail"]) == (
        404, "no listed entity has the id 'nope'")


def test_health_ready_and_openapi(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert (ready["status"], ready["entities"], ready["datasets"]) == ("ready", 1003, ["un_sc"])
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/match/{dataset}", "/search/{dataset}", "/entities/{entity_id}"} <= set(paths)


def test_bad_requests_get_4xx_json(client: httpx.Client) -> None:
    empty = match(client, {"q": {"schema": "Person", "properties": {"name": [""]}}})
    assert (empty.status_code, empty.json()) == (
        400, {"status": 400, "detail": "the name is empty: give a name with at least one letter"})
    long = match(client, {"q": {"properties": {"name": ["A" * 10_000]}}})
    assert long.status_code == 400
    assert long.json()["detail"] == "the name is 10000 characters long; at most 1000 are allowed"
    date = match(client, {"q": {"properties": {"name": ["Kim"], "birthDate": ["1984-02-30"]}}})
    assert date.json()["detail"] == ("invalid birth date '1984-02-30': use YYYY, YYYY-MM or "
                                     "YYYY-MM-DD")
    nameless = match(client, {"q": {"properties": {"birthDate": ["1984"]}}})
    assert nameless.json()["detail"] == "the query has no 'name' property: give at least one name"
    assert match(client, {}).json()["detail"].startswith("the request has no queries")
    too_many = match(client, {f"q{i}": {"properties": {"name": ["Kim"]}} for i in range(101)})
    assert too_many.json()["detail"] == "101 queries in one request; at most 100"
    malformed = client.post("/match/default", content=b"{not json",
                            headers={"content-type": "application/json"})
    assert malformed.status_code == 422 and malformed.json()["status"] == 422
    bad_limit = match(client, {"q": {"properties": {"name": ["Kim"]}}}, limit=0)
    assert bad_limit.status_code == 422


def test_oversized_body_is_refused(client: httpx.Client) -> None:
    big = {"q": {"properties": {"name": ["Kim"], "notes": ["x" * 30_000]}}}
    response = match(client, big)
    assert response.status_code == 413
    assert response.json()["detail"].endswith(
        "bytes) is over the limit of 20000 bytes; send fewer or smaller queries")

    def chunks():  # no content-length: the limit still holds
        yield b'{"queries": {"q": {"properties": {"name": ["' + b"x" * 30_000 + b'"]}}}}'
    streamed = client.post("/match/default", content=chunks(),
                           headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_swapping_the_engine_is_atomic_for_requests(client: httpx.Client,
                                                    holder: EngineHolder) -> None:
    previous = holder.engine
    holder.swap(Screener([{"id": "x-1", "schema": "Person", "caption": "NEW PERSON",
                           "properties": {"name": ["NEW PERSON"]}, "datasets": ["x"]}]))
    try:
        assert client.get("/readyz").json()["datasets"] == ["x"]
    finally:
        holder.swap(previous)
    assert client.get("/readyz").json()["datasets"] == ["un_sc"]


def test_every_error_class_has_its_status() -> None:
    assert [status_for(e) for e in (UsageError("x"), DataFileError("x"), NotFoundError("x"),
                                    NoDataError("x"), MissingExtraError("f", "e"),
                                    FetchError("x"), EngineNotReady("x"), ValueError("x"))] == [
        400, 422, 404, 404, 501, 502, 503, 500]


def test_not_ready_is_503() -> None:
    from fastapi.testclient import TestClient

    from shadowtrade.api.app import create_app

    with TestClient(create_app(EngineHolder(None))) as local:
        response = local.get("/readyz")
    assert (response.status_code, response.json()["detail"]) == (
        503, "the screening index is not built yet; retry shortly")
