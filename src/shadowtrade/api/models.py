"""Request bodies of the yente protocol (FollowTheMoney-style queries).

>>> q = EntityQuery(schema="Person", properties={"name": ["Kim Jong Un"], "nationality": ["kp"]})
>>> to_screen_query(q).countries
('kp',)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shadowtrade.errors import UsageError
from shadowtrade.screening.query import ScreenQuery

MAX_BATCH = 100
_IDENTIFIERS = ("passportNumber", "idNumber", "imoNumber", "registrationNumber", "taxNumber",
                "innCode", "ogrnCode", "mmsi", "leiCode", "swiftBic")


class EntityQuery(BaseModel):
    """One entity to match: a schema and FtM properties (name, birthDate, nationality, …)."""

    schema_: str = Field("Thing", alias="schema")
    properties: dict[str, list[Any]] = Field(default_factory=dict)

    model_config = {"populate_by_name": True}


class MatchRequest(BaseModel):
    """``POST /match/{dataset}``: queries keyed by the client's own ids."""

    queries: dict[str, EntityQuery]
    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)


def to_screen_query(query: EntityQuery) -> ScreenQuery:
    """Translate FtM properties into a validated :class:`ScreenQuery`."""
    props = query.properties
    names = [str(n) for key in ("name", "alias", "firstName", "lastName") for n in
             props.get(key, [])]
    if key_list := [k for k in ("firstName", "lastName") if k in props]:
        if len(key_list) == 2 and not props.get("name"):
            names = [" ".join(str(v) for k in ("firstName", "lastName") for v in props[k])]
    identifiers = [str(v) for key in _IDENTIFIERS for v in props.get(key, [])]
    if not names and not identifiers:
        raise UsageError("the query has no 'name' property: give at least one name")
    return ScreenQuery.build(names, query.schema_, [str(v) for v in props.get("birthDate", [])],
                             [str(v) for key in ("nationality", "country", "citizenship", "flag")
                              for v in props.get(key, [])], identifiers)


def check_batch(request: MatchRequest) -> None:
    """Refuse an empty batch or one over :data:`MAX_BATCH` queries."""
    if not request.queries:
        raise UsageError("the request has no queries: send {\"queries\": {\"q1\": {…}}}")
    if len(request.queries) > MAX_BATCH:
        raise UsageError(f"{len(request.queries)} queries in one request; at most {MAX_BATCH}")
