"""Once enough candidates score 1.0, those that cannot enter the results are not scored, and
the results are those of scoring every candidate."""

from __future__ import annotations

import pytest

from shadowtrade.screening import ranking as ranking_module
from shadowtrade.screening.compiled import scorer_build
from shadowtrade.screening.engine import Screener
from shadowtrade.screening.query import ScreenQuery


def _foundation(number: int) -> dict:
    # one foundation listed by several publishers and branches (as AL-AQSA FOUNDATION is)
    return {"id": f"x-{number:02d}", "schema": "Organization", "caption": "AL-AQSA FOUNDATION",
            "properties": {"name": ["AL-AQSA FOUNDATION"]}, "datasets": ["x"]}


@pytest.mark.skipif(scorer_build() == "compiled",
                    reason="compiled code calls the scorer directly, not through the module")
def test_candidates_past_enough_perfect_scores_are_not_scored(
        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Screener([_foundation(n) for n in (9, 3, 7, 1, 8, 2, 6, 4, 5)])
    calls: list[str] = []
    real = ranking_module.score_entity_lazily

    def counted(query, entry, *args):  # type: ignore[no-untyped-def]
        calls.append(entry.entity["id"])
        return real(query, entry, *args)

    monkeypatch.setattr(ranking_module, "score_entity_lazily", counted)
    found = engine.screen(ScreenQuery.build(["Al-Aqsa Foundation"]), limit=3)["results"]
    assert [(r["id"], r["score"]) for r in found] == [("x-01", 1.0), ("x-02", 1.0), ("x-03", 1.0)]
    assert len(calls) < 9
