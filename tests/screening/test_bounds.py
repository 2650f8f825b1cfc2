"""The score bounds of bounds.py must never be below the score (a batch run skips the candidates
whose bound is below the threshold): checked on real listed names against perturbed queries,
and batch screening with the bounds must find exactly the matches a full screen finds."""

from __future__ import annotations

import random

import pytest

from shadowtrade.screening.bounds import Outline, name_score_bound, outline_score_bound
from shadowtrade.screening.engine import Screener
from shadowtrade.screening.names import compare_names, pair_similarities
from shadowtrade.screening.normalise import prepare_name
from shadowtrade.screening.query import ScreenQuery

FIRST = "john maria ahmed olga peter anna ivan li wei kim ri pak".split()
LAST = "smith ivanov hassan chen kim ri jong song chol petrov".split()


def _queries(entities: list[dict], count: int, seed: int) -> list[str]:
    """Listed names with a letter dropped or the words turned round, and made-up names
    built of common words (they share words with many listed names, and match few)."""
    rng = random.Random(seed)
    names = [n for e in entities for k in ("name", "alias") for n in e["properties"].get(k, [])]
    queries = []
    for _ in range(count):
        words = rng.choice(names).split()
        if rng.random() < 0.3:
            queries.append(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        elif rng.random() < 0.5 and len(words) > 1:
            queries.append(" ".join(words[1:] + words[:1]))
        else:
            w = rng.randrange(len(words))
            if len(words[w]) > 3:
                words[w] = words[w][:1] + words[w][2:]
            queries.append(" ".join(words))
    return queries


def test_the_bound_is_never_below_the_score(un_entities: list[dict]) -> None:
    rng = random.Random(5)
    listed = [n for e in un_entities for n in e["properties"].get("name", [])
              + e["properties"].get("alias", [])]
    checked = 0
    for query_text in _queries(un_entities, 400, seed=11):
        query = prepare_name(query_text)
        candidates = [prepare_name(n) for n in rng.sample(listed, 5)] + [prepare_name(
            rng.choice(listed))]
        words = [t for c in candidates for v in c.variants for t in v]
        known = pair_similarities([t for v in query.variants for t in v], words)
        pooled = outline_score_bound(query, [Outline.of(c) for c in candidates], candidates,
                                     known)
        for candidate in candidates:
            score = compare_names(query, candidate, known).score
            bound = name_score_bound(query, candidate, known)
            assert score <= round(bound, 3) + 1e-9, (query_text, candidate.raw, score, bound)
            assert bound <= pooled + 1e-9, (query_text, candidate.raw, bound, pooled)
            checked += 1
    assert checked == 2400


def test_matches_only_finds_the_matches_a_full_screen_finds(
        engine: Screener, un_entities: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.bound_use, "PAYS", -1.0)  # bound every query, paying or not
    matched = 0
    for text in _queries(un_entities, 300, seed=12):
        query = ScreenQuery.build([text])
        full = [(r["id"], r["score"]) for r in engine.screen(query, 0.7, 5)["results"]
                if r["match"]]
        fast = engine.screen(query, 0.7, 5, matches_only=True)["results"]
        assert [(r["id"], r["score"]) for r in fast] == full, text
        assert all(r["explanation"] is None for r in fast)
        matched += bool(full)
    assert matched > 150  # most perturbed listed names are still found
