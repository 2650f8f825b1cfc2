"""The screening engine: an index over the loaded lists, answering screen and compare requests.

An engine is immutable once built: reloading lists builds a new engine and swaps it in, so a
running server never sees half an index.

>>> engine = Screener([{"id": "un_sc-KPi.002", "schema": "Person", "caption": "RI JE-SON",
...                     "properties": {"name": ["RI JE-SON"]}, "datasets": ["un_sc"]}])
>>> result = engine.screen(ScreenQuery.build(["Ri Che-son"]))
>>> result["results"][0]["id"], result["results"][0]["match"]
('un_sc-KPi.002', True)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from shadowtrade.errors import NotFoundError, ShadowtradeError, UsageError
from shadowtrade.screening.bounds import BoundUse
from shadowtrade.screening.defaults import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from shadowtrade.screening.heap import collector_paused
from shadowtrade.screening.index import CandidateIndex, Prepared
from shadowtrade.screening.names import compare_names, learn_words
from shadowtrade.screening.normalise import prepare_name
from shadowtrade.screening.query import ScreenQuery
from shadowtrade.screening.ranking import best_scored
from shadowtrade.screening.scoring import schemata_compatible

MAX_LIMIT = 500


def check_options(threshold: float, limit: int) -> None:
    """Refuse a threshold outside [0, 1] or a limit outside [1, 500]."""
    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"the threshold {threshold} is not between 0 and 1")
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"the limit {limit} is not between 1 and {MAX_LIMIT}")


class Screener:
    """Screens queries against a fixed set of listed entities (FtM dicts)."""

    def __init__(self, entities: list[dict[str, Any]],
                 known: Mapping[str, Prepared] | None = None) -> None:
        started = time.perf_counter()
        with collector_paused():  # see heap.py: a quarter faster, no collector pauses after
            self.index = CandidateIndex(entities, known)
        self.datasets = sorted({d for e in entities for d in e.get("datasets", [])})
        self.bound_use = BoundUse()  # whether batch runs' score bounds pay, lately
        self.build_seconds = time.perf_counter() - started

    @property
    def entity_count(self) -> int:
        """How many entities the engine screens against."""
        return len(self.index.entries)

    def screen(self, query: ScreenQuery, threshold: float = DEFAULT_THRESHOLD,
               limit: int = DEFAULT_LIMIT, datasets: list[str] | None = None,
               matches_only: bool = False) -> dict[str, Any]:
        """The best matches of a query, highest score first, in the ``screen --json`` shape.

        ``matches_only`` (batch runs): only the results scoring at least ``threshold``, and
        without explanations (``explanation`` is None); a candidate whose score bound is below
        the threshold is not scored (see bounds.py), so this is faster.
        """
        only = self._checked(threshold, limit, datasets)
        scored = self._scored(query, limit, only, threshold if matches_only else 0.0)
        results = [_result(entity, score, threshold, explanation)
                   for score, entity, explanation in scored
                   if not matches_only or score >= threshold]
        return {"query": {"names": list(query.names), "schema": query.schema,
                          "birth_dates": list(query.birth_dates),
                          "countries": list(query.countries),
                          "identifiers": list(query.identifiers)},
                "results": results}

    def matches(self, query: ScreenQuery, threshold: float = DEFAULT_THRESHOLD,
                limit: int = DEFAULT_LIMIT, datasets: list[str] | None = None
                ) -> list[tuple[float, dict[str, Any]]]:
        """``screen(..., matches_only=True)`` as (score, entity) pairs, best first: what a batch
        run writes, without building the JSON shape for every row.

        >>> engine = Screener([{"id": "x-1", "schema": "Person", "caption": "RI JE-SON",
        ...                     "properties": {"name": ["RI JE-SON"]}, "datasets": ["x"]}])
        >>> [(score, entity["id"]) for score, entity in engine.matches(
        ...     ScreenQuery.build(["Ri Che-son"]))]
        [(0.97, 'x-1')]
        """
        only = self._checked(threshold, limit, datasets)
        return [(score, entity) for score, entity, _ in
                self._scored(query, limit, only, threshold) if score >= threshold]

    def _checked(self, threshold: float, limit: int, datasets: list[str] | None) -> set[str]:
        """The datasets asked for, after refusing a bad threshold, limit or unknown list."""
        check_options(threshold, limit)
        if datasets:
            unknown = [d for d in datasets if d not in self.datasets]
            if unknown:
                raise NotFoundError(f"no list {unknown[0]!r} is loaded; loaded lists: "
                                    f"{', '.join(self.datasets) or 'none'}")
        return set(datasets or ())

    def _scored(self, query: ScreenQuery, limit: int, only: set[str], floor: float = 0.0
                ) -> list[tuple[float, dict[str, Any], dict[str, Any] | None]]:
        """The ``limit`` best candidates (score, entity, explanation): see
        :func:`~shadowtrade.screening.ranking.best_scored`."""
        return best_scored(self.index, self.bound_use, query, limit, only, floor)

    def learn_words(self) -> int:
        """Compute the word features of every listed name now (0.7 s for the 110,000 names of
        every list), so that queries do not pay for them the first time they meet a word; how
        many words were new. They live as long as the process: like the index, they are put
        out of the garbage collector's reach (heap.py)."""
        with collector_paused():
            return learn_words(token for entry in self.index.entries for name in entry.names
                               for variant in name.variants for token in variant)

    def entity(self, entity_id: str) -> dict[str, Any]:
        """One listed entity by id."""
        entry = self.index.by_id.get(entity_id)
        if entry is None:
            raise NotFoundError(f"no listed entity has the id {entity_id!r}")
        return entry.entity


WARM_UP_NAMES = ("김정은", "金正恩", "Paek Ch'ang-Ho", "Ri Che-son", "Лукашенко", "محمد حسن",
                 "Aleksandr Yurievich SPIRIDONOV", "JSC Argument")
_warm: list[bool] = []


def warm_up(engine: Screener) -> None:
    """Screen a few names of every script once per process, so that the tables read lazily
    (pinyin, Hanja readings, Korean syllables) are loaded before a server's first request,
    not by it (0.3 s). A name that fails here is left to fail, and be reported, when asked.
    """
    if _warm or not engine.index.entries:
        return
    _warm.append(True)
    for name in WARM_UP_NAMES:
        try:
            engine.screen(ScreenQuery.build([name]))
        except Exception:  # noqa: BLE001, S112 (warming up only)
            continue


class EngineHolder:
    """The engine a server uses now; :meth:`swap` replaces it in one assignment, so requests
    see either the old index or the new one, never a half-built one.

    >>> holder = EngineHolder(None)
    >>> holder.ready
    False
    """

    def __init__(self, engine: Screener | None) -> None:
        if engine is not None:
            warm_up(engine)
            engine.learn_words()
        self._engine = engine

    @property
    def ready(self) -> bool:
        """True once an engine is in place."""
        return self._engine is not None

    @property
    def engine(self) -> Screener:
        """The current engine; raises :class:`NoDataError` (HTTP 503 at the API) before one
        is built."""
        if self._engine is None:
            raise EngineNotReady("the screening index is not built yet; retry shortly")
        return self._engine

    def swap(self, engine: Screener) -> None:
        """Put a fully built engine in place of the current one (its words learnt first)."""
        warm_up(engine)
        engine.learn_words()
        self._engine = engine


class EngineNotReady(ShadowtradeError):
    """No engine is built yet."""

    http_status = 503


def _result(entity: dict[str, Any], score: float, threshold: float,
            explanation: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": entity["id"], "caption": entity.get("caption"), "schema": entity["schema"],
            "score": score, "match": score >= threshold, "datasets": entity.get("datasets", []),
            "properties": entity.get("properties", {}), "explanation": explanation}


def compare(name1: str, name2: str, schema: str | None = None,
            threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Score two names against each other (``compare --json`` shape).

    >>> compare("Kim Jong Un", "김정은")["match"]
    True
    """
    check_options(threshold, 1)
    first = ScreenQuery.build([name1], schema=schema)
    second = ScreenQuery.build([name2], schema=schema)
    result = compare_names(prepare_name(first.names[0]), prepare_name(second.names[0]))
    score = result.score
    if not schemata_compatible(first.schema, second.schema):
        score = 0.0
    return {"score": score, "match": score >= threshold, "explanation": result.as_dict()}


__all__ = ["EngineHolder", "EngineNotReady", "Screener", "ScreenQuery", "compare",
           "check_options"]
