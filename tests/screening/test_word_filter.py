"""The pair test of word_filter.py must let through every word pair the scorer's rules score
above zero: checked on every pair of a sample of the UN list's words and their misspellings
(a rule added to ``names._word_pair`` without a key here fails this test)."""

from __future__ import annotations

import random

from shadowtrade.screening.names import (clear_word_cache, pair_similarities, word_features,
                                         word_similarity)
from shadowtrade.screening.normalise import make_token, prepare_name
from shadowtrade.screening.word_filter import WordFeatures


def _misspelt(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    respelt = word.replace("g", "h").replace("kh", "ch") if rng.random() < 0.3 else word
    if respelt != word or rng.random() < 0.2:
        return respelt + ("ova" if rng.random() < 0.3 else "")
    return word[:i] + rng.choice(["", word[i + 1], "e", "y", "kh"]) + word[i + 1:]


def _sample_words(un_entities: list[dict], count: int) -> list[str]:
    rng = random.Random(3)
    words = sorted({t.text for e in un_entities
                    for raw in e["properties"].get("name", []) + e["properties"].get("alias", [])
                    for variant in prepare_name(raw).variants for t in variant})
    sample = rng.sample(words, count)
    return sorted(set(sample + [_misspelt(w, rng) for w in sample[: count // 2]]
                      + ["j", "k", "shpg", "shipping", "ovich", "ivanovich", "petrovich"]
                      # the transliteration rules' own examples (h = g, ch = kh, -ova)
                      + "vach vakh chodorkovskij khodorkovsky heorhievich georgievich oleh oleg "
                        "kozhemjakova kozhemyako kuznecovova kuznietsova hanna ganna ".split()))


def test_every_pair_scoring_above_zero_passes_the_test(un_entities: list[dict]) -> None:
    words = _sample_words(un_entities, 260)
    tokens = [make_token(w) for w in words]
    possible = WordFeatures(word_features).may_score(tokens, tokens)
    scoring = {(i, j) for i, a in enumerate(words) for j, b in enumerate(words)
               if word_similarity(a, b)[0] > 0}
    assert len(scoring) > len(words) * 2  # more than the identical pairs: a real sample
    missed = [(words[i], words[j]) for i, j in scoring - possible]
    assert not missed, f"pairs scoring above zero that the filter drops: {missed[:10]}"
    assert len(possible) < len(words) ** 2 / 4  # and it does filter


def test_pair_similarities_equal_the_pairwise_scores() -> None:
    clear_word_cache()
    query = [make_token(w) for w in "kim jong un aleksandr".split()]
    listed = [make_token(w) for w in "kim jung eun alexander hassan k".split()]
    found = pair_similarities(query, listed)
    expected = {c.text: {q.text: word_similarity(q.text, c.text) for q in query
                         if word_similarity(q.text, c.text)[0] > 0} for c in listed}
    assert found == {k: v for k, v in expected.items() if v}
