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

from shadowtrade.screening.name_groups import same_group
from shadowtrade.screening.normalise import PreparedName, Token

EXTRA_QUERY_WEIGHT = 0.8  # an unmatched query word (the query said something the name lacks)
EXTRA_CANDIDATE_WEIGHT = 0.3  # an unmatched listed word (middle names, patronymics)
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


@lru_cache(maxsize=200_000)
def arabic_key(word: str) -> str:
    """Consonants of a word, as Arabic script writes them (short vowels, and w/y that may be
    long vowels, dropped; v=w, z=d, doubled letters once).

    >>> arabic_key("mohammad") == arabic_key("mhmd"), arabic_key("mousavi") == arabic_key("mwswy")
    (True, True)
    """
    key = re.sub(r"[aeiouwyv']", "", word.lower().replace("z", "d").replace("th", "t"))
    return re.sub(r"(.)\1", r"\1", key)


def _arabic_similarity(a: Token, b: Token) -> tuple[float, str]:
    key_a, key_b = arabic_key(a.text), arabic_key(b.text)
    if key_a and key_a == key_b and (len(key_a) >= 2 or len(a.text) <= 3):
        return 0.85, "arabic consonants"
    return 0.0, ""


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
    for q_tokens in query.variants:
        for c_tokens in candidate.variants:
            found = _align(q_tokens, c_tokens, arabic)
            if best is None or found[0] > best[0]:
                best = found
    assert best is not None
    compact = _compact(query, candidate)
    if compact[0] > best[0]:
        return NameScore(round(min(compact[0], 1.0), 3), query.raw, candidate.raw,
                         tuple(compact[1]))
    return NameScore(round(min(best[0], 1.0), 3), query.raw, candidate.raw,
                     tuple(_explain(best)))
