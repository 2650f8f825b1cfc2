"""Comparing two prepared names: an explained score in [0, 1].

Korean readings are compared on their romanisation keys (surname and given name); other names
by aligning their words (exact, same spelling skeleton, same consonants, or within an edit
budget that grows with length). Unmatched query words count fully against the score,
unmatched candidate words (middle names, patronymics) a little; generic organisation words
weigh little either way.

>>> from shadowtrade.screening.normalise import prepare_name as p
>>> compare_names(p("Kim Jong Un"), p("김정은")).score
0.97
>>> compare_names(p("YUN HO-JIN"), p("Yun Ho-chin")).score >= 0.9
True
>>> compare_names(p("Kim Jong Un"), p("Kim Jong Il")).score < 0.7
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from shadowtrade.screening import arabic
from shadowtrade.screening.arabic import arabic_key
from shadowtrade.screening.name_groups import same_group
from shadowtrade.screening.normalise import (PATRONYMIC_WEIGHT, QUALIFIER_WEIGHT, PreparedName,
                                             Token)
from shadowtrade.screening.qualifiers import MINOR_WORDS, initials

EXTRA_QUERY_WEIGHT = 0.8  # an unmatched query word (the query said something the name lacks)
EXTRA_CANDIDATE_WEIGHT = 0.3  # an unmatched listed word (middle names, patronymics)
COUNTRY_CONFLICT_PENALTY = 0.3  # 'Bank of Iran' is not 'Bank of Syria'
ACRONYM_SCORE = 0.85
SURNAME_WEIGHT, GIVEN_WEIGHT = 0.5, 1.0


@dataclass(frozen=True)
class NameScore:
    """The score of one name pair and why."""

    score: float
    query: str
    candidate: str
    detail: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready explanation."""
        return {"score": self.score, "query": self.query, "candidate": self.candidate,
                "detail": list(self.detail)}


def edit_budget(length: int) -> int:
    """How many edits a word of this length may differ by and still count as similar.

    >>> [edit_budget(n) for n in (3, 4, 8, 12)]
    [0, 1, 2, 3]
    """
    return 0 if length <= 3 else 1 if length <= 7 else 2 if length <= 11 else 3


@lru_cache(maxsize=500_000)
def token_similarity(a: Token, b: Token) -> tuple[float, str]:
    """Similarity of two words and the reason (``=``, ``spelling``, ``name group``,
    ``consonants``, ``abbreviation``, ``edits``).

    Within the edit budget the similarity is ``1 - edits / length``; beyond it, words that
    still agree on most letters get partial credit, falling to 0 at half the letters.
    """
    if a.text == b.text:
        return 1.0, "="
    if a.skeleton == b.skeleton:
        return 0.95, "spelling"
    if same_group(a.text, b.text):
        return 0.9, "name group"
    if a.consonants == b.consonants and len(a.consonants) >= 4:
        return 0.85, "consonants"
    if min(len(a.text), len(b.text)) == 1 and a.text[0] == b.text[0]:
        return 0.7, "initial"
    if abs(len(a.text) - len(b.text)) >= 2 and (
            _abbreviates(a.text, b.text) or _abbreviates(b.text, a.text)):
        return 0.8, "abbreviation"
    shorter = min(len(a.skeleton), len(b.skeleton))
    longer = max(len(a.skeleton), len(b.skeleton))
    distance = Levenshtein.distance(a.skeleton, b.skeleton)
    penalty = 1.0 if a.skeleton[:1] == b.skeleton[:1] else 0.85
    similarity = 1 - distance / longer
    if distance <= edit_budget(shorter):
        return round(similarity * penalty, 3), f"{distance} edit(s)"
    if similarity > 0.5 and shorter >= 4:
        return round((similarity - 0.5) * 2 * penalty, 3), f"{distance} edits (partial)"
    return 0.0, ""


def _abbreviates(short: str, long: str) -> bool:
    """'shpg' abbreviates 'shipping': same first letter, no vowel after it, its letters in
    order, much shorter ('min' does not abbreviate 'mingfu')."""
    if len(short) < 3 or len(short) > len(long) - 2 or short[0] != long[0]:
        return False
    if any(char in "aeiouy" for char in short[1:]):
        return False
    letters = iter(long)
    return all(char in letters for char in short)


def _arabic_similarity(a: Token, b: Token) -> tuple[float, str]:
    return arabic.word_similarity(a.key or arabic_key(a.text), b.key or arabic_key(b.text),
                                  min(len(a.text), len(b.text)) <= 3)


Alignment = tuple[float, tuple[Token, ...], tuple[Token, ...], list[tuple[int, int, float, str]]]


def _align(query: tuple[Token, ...], candidate: tuple[Token, ...],
           arabic: bool = False) -> Alignment:
    """Greedy best-first word alignment; the score and the matched pairs (explained later)."""
    pairs = []
    for i, q in enumerate(query):
        for j, c in enumerate(candidate):
            sim, why = token_similarity(q, c)
            if arabic and sim < 0.85:
                sim, why = max((sim, why), _arabic_similarity(q, c))
            if sim > 0:
                pairs.append((sim, i, j, why))
    pairs.sort(key=lambda p: -p[0])
    used_q: set[int] = set()
    used_c: set[int] = set()
    matched = total = 0.0
    matches = []
    for sim, i, j, why in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        weight = max(query[i].weight, candidate[j].weight)
        matched += weight * sim
        total += weight
        matches.append((i, j, sim, why))
    total += sum(EXTRA_QUERY_WEIGHT * q.weight for i, q in enumerate(query) if i not in used_q)
    extra = sum(c.weight for j, c in enumerate(candidate) if j not in used_c)
    score = matched / (total + EXTRA_CANDIDATE_WEIGHT * extra) if total else 0.0
    return score, query, candidate, matches


def _explain(alignment: Alignment) -> list[str]:
    _, query, candidate, matches = alignment
    detail = [f"'{query[i].text}'≈'{candidate[j].text}' {why}: {sim:.2f}"
              for i, j, sim, why in matches]
    matched = {i for i, _, _, _ in matches}
    return detail + [f"'{q.text}' unmatched" for i, q in enumerate(query) if i not in matched]


def _compact(query: PreparedName, candidate: PreparedName) -> tuple[float, list[str]]:
    a, b = query.compact, candidate.compact
    if not a or not b or len(query.variants[0]) == len(candidate.variants[0]):
        return 0.0, []
    distance = Levenshtein.distance(a, b, score_cutoff=len(a) // 10 + 1)
    if distance > len(a) // 10:
        return 0.0, []
    score = 0.95 * (1 - distance / max(len(a), len(b)))
    return score, [f"'{a}'≈'{b}' written together: {score:.2f}"]


def _arabic_compact(query: PreparedName, candidate: PreparedName) -> tuple[float, list[str]]:
    """One side in Arabic script: the two names as single runs of consonants."""
    keys = [name.arabic or arabic_key(" ".join(t.text for t in name.variants[0]
                                                if t.weight > QUALIFIER_WEIGHT))
            for name in (query, candidate)]
    score = arabic.compact_similarity(keys[0], keys[1])
    return score, [f"'{keys[0]}'≈'{keys[1]}' arabic consonants written together: {score:.2f}"]


def _significant(tokens: tuple[Token, ...]) -> list[str]:
    return [t.text for t in tokens if t.weight > QUALIFIER_WEIGHT]


def _acronym(query: PreparedName, candidate: PreparedName) -> tuple[float, list[str]]:
    """One name is an acronym of the other: 'FTB' = 'Foreign Trade Bank (of the DPRK)'."""
    for short, long in ((query, candidate), (candidate, query)):
        words = _significant(short.variants[0])
        expanded = _significant(long.variants[0])
        if len(words) != 1 or not 2 <= len(words[0]) <= 6 or len(expanded) < 2:
            continue
        spelled = (initials(expanded), initials([w for w in expanded if w not in MINOR_WORDS]))
        if words[0] in spelled:
            return ACRONYM_SCORE, [f"'{words[0]}' is the acronym of '{' '.join(expanded)}': "
                                   f"{ACRONYM_SCORE:.2f}"]
    return 0.0, []


def _korean(query: PreparedName, candidate: PreparedName) -> tuple[float, list[str]]:
    best: tuple[float, list[str]] = (0.0, [])
    for q_surname, q_given, q_label in query.korean:
        for c_surname, c_given, c_label in candidate.korean:
            surname = 1.0 if q_surname == c_surname else 0.0
            given = 1.0 if q_given == c_given else 0.0
            score = (SURNAME_WEIGHT * surname + GIVEN_WEIGHT * given) / (
                SURNAME_WEIGHT + GIVEN_WEIGHT)
            if score == 1.0 and query.raw.lower() != candidate.raw.lower():
                score = 0.97  # same name under another romanisation or script
            detail = [f"korean '{q_label}'≈'{c_label}': surname "
                      f"{'same' if surname else 'differs'} ({q_surname}/{c_surname}), given name "
                      f"{'same' if given else 'differs'} ({q_given}/{c_given}): {score:.2f}"]
            if score > best[0] or not best[1]:
                best = (score, detail)
    return best


def _has_patronymic(name: PreparedName) -> bool:
    return any(t.weight == PATRONYMIC_WEIGHT for t in name.variants[0])


def _full_weight(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    return tuple(t._replace(weight=1.0) if t.weight == PATRONYMIC_WEIGHT else t for t in tokens)


def compare_names(query: PreparedName, candidate: PreparedName) -> NameScore:
    """Score two prepared names (the best reading of each), with the alignment that gave it."""
    if query.raw.casefold() == candidate.raw.casefold():
        return NameScore(1.0, query.raw, candidate.raw, ("identical",))
    if query.korean and candidate.korean:
        # Korean syllables are short: one letter apart is another syllable, so no fuzzy
        # fallback on the words here (it would confuse KIM SONG CHOL with KIM TONG CHOL).
        score, detail = _korean(query, candidate)
        return NameScore(round(score, 3), query.raw, candidate.raw, tuple(detail))
    best: Alignment | None = None
    arabic = "arabic" in (query.script, candidate.script)
    both_patronymic = _has_patronymic(query) and _has_patronymic(candidate)
    for q_tokens in query.variants:
        for c_tokens in candidate.variants:
            if both_patronymic:  # two different patronymics are two different people
                q_tokens, c_tokens = _full_weight(q_tokens), _full_weight(c_tokens)
            found = _align(q_tokens, c_tokens, arabic)
            if best is None or found[0] > best[0]:
                best = found
    assert best is not None
    score, detail = best[0], _explain(best)
    for other in (_compact(query, candidate), _acronym(query, candidate)) + (
            (_arabic_compact(query, candidate),) if arabic else ()):
        if other[0] > score:
            score, detail = other
    if query.country and candidate.country and query.country != candidate.country:
        score -= COUNTRY_CONFLICT_PENALTY
        detail = detail + [f"country '{query.country}' differs from '{candidate.country}': "
                           f"-{COUNTRY_CONFLICT_PENALTY:.2f}"]
    return NameScore(round(min(max(score, 0.0), 1.0), 3), query.raw, candidate.raw,
                     tuple(detail))
