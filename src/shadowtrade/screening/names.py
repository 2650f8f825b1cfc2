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
from operator import itemgetter

from rapidfuzz.distance import Levenshtein

from shadowtrade.screening import arabic
from shadowtrade.screening.arabic import arabic_key
from shadowtrade.screening.hanja_readings import matches_pinyin
from shadowtrade.screening.name_groups import same_group
from shadowtrade.screening.qualifiers import PATRONYMIC_ENDINGS, is_patronymic, patronymic_stem
from shadowtrade.screening.normalise import (PATRONYMIC_WEIGHT, QUALIFIER_WEIGHT, PreparedName,
                                             Token, make_token, name_initials)

EXTRA_QUERY_WEIGHT = 0.8  # an unmatched query word (the query said something the name lacks)
EXTRA_CANDIDATE_WEIGHT = 0.3  # an unmatched listed word (middle names, patronymics)
COUNTRY_CONFLICT_PENALTY = 0.3  # 'Bank of Iran' is not 'Bank of Syria'
ACRONYM_SCORE = 0.85
CHINESE_READING_SCORE = 0.8  # each syllable has several Hanja: a reading, not a spelling
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


def token_similarity(a: Token, b: Token) -> tuple[float, str]:
    """Similarity of two words and the reason (``=``, ``spelling``, ``name group``,
    ``consonants``, ``abbreviation``, ``edits``).

    Within the edit budget the similarity is ``1 - edits / length``; beyond it, words that
    still agree on most letters get partial credit, falling to 0 at half the letters.

    >>> from shadowtrade.screening.normalise import make_token as t
    >>> token_similarity(t("aleksandr"), t("alexander")), token_similarity(t("ho"), t("ha"))
    ((0.95, 'spelling'), (0.0, ''))
    """
    return word_similarity(a.text, b.text)


@lru_cache(maxsize=500_000)
def word_similarity(text_a: str, text_b: str) -> tuple[float, str]:
    """:func:`token_similarity` on two words' texts, cached (strings hash fast)."""
    if text_a == text_b:
        return 1.0, "="
    if not text_a or not text_b:  # a patronymic that is all ending ('Юьевич' -> 'yuevich')
        return 0.0, "empty"
    a, b = make_token(text_a), make_token(text_b)
    if a.skeleton == b.skeleton:
        return 0.95, "spelling"
    if text_a.endswith(PATRONYMIC_ENDINGS) and text_b.endswith(PATRONYMIC_ENDINGS) and \
            is_patronymic(text_a) and is_patronymic(text_b):  # -ovich alike: compare fathers
        father_a, father_b = patronymic_stem(text_a), patronymic_stem(text_b)
        if father_a != text_a and father_b != text_b:  # both have a father's name left
            return word_similarity(father_a, father_b)
    if same_group(a.text, b.text):
        return 0.9, "name group"
    if len(a.skeleton) >= 4 and abs(len(a.skeleton) - len(b.skeleton)) <= 2 and \
            vowel_key(a.skeleton) == vowel_key(b.skeleton):
        return 0.9, "vowels"
    if a.consonants == b.consonants and len(a.consonants) >= 4:
        return 0.85, "consonants"
    if min(len(a.text), len(b.text)) == 1 and a.text[0] == b.text[0]:
        return 0.7, "initial"
    if abs(len(a.text) - len(b.text)) >= 2 and a.text[0] == b.text[0] and (
            _abbreviates(a.text, b.text) or _abbreviates(b.text, a.text)):
        return 0.8, "abbreviation"
    shorter = min(len(a.skeleton), len(b.skeleton))
    longer = max(len(a.skeleton), len(b.skeleton))
    # beyond half the letters nothing scores: let the distance stop counting there
    distance = Levenshtein.distance(a.skeleton, b.skeleton, score_cutoff=longer // 2 + 1)
    penalty = 1.0 if a.skeleton[:1] == b.skeleton[:1] else 0.85
    similarity = 1 - distance / longer
    if distance <= edit_budget(shorter):
        return round(similarity * penalty, 3), f"{distance} edit(s)"
    if similarity > 0.5 and shorter >= 4:
        return round((similarity - 0.5) * 2 * penalty, 3), f"{distance} edits (partial)"
    return 0.0, ""


_VOWEL_FOLD = str.maketrans("eo", "iu")


@lru_cache(maxsize=200_000)
def vowel_key(skeleton: str) -> str:
    """A skeleton with e = i and o = u, the vowels romanisations of Arabic, Persian and Slavic
    names swap most (Saleh = Salih, Hossein = Husein, Wol = Wuol), doubled vowels once.

    >>> vowel_key("saleh") == vowel_key("salih"), vowel_key("hasan") == vowel_key("husein")
    (True, False)
    """
    return skeleton.translate(_VOWEL_FOLD).replace("ii", "i").replace("uu", "u")


def _abbreviates(short: str, long: str) -> bool:
    """'shpg' abbreviates 'shipping': same first letter, no vowel after it, its letters in
    order, much shorter ('min' does not abbreviate 'mingfu')."""
    if len(short) < 3 or len(short) > len(long) - 2 or short[0] != long[0]:
        return False
    if any(char in "aeiouy" for char in short[1:]):
        return False
    letters = iter(long)
    return all(char in letters for char in short)


def _arabic_pair(text_a: str, key_a: str, text_b: str, key_b: str,
                 plain: tuple[float, str]) -> tuple[float, str]:
    """The better of the plain word similarity and the consonant-class one, for a pair in a
    name compared with Arabic script; none when a Latin word's long u (ou, oo, w) is missing
    from the Arabic word (Mahmoud is not محمد)."""
    if bool(key_a) != bool(key_b) and not (
            arabic.long_u_agrees(text_b, text_a) if key_a else
            arabic.long_u_agrees(text_a, text_b)):
        return 0.0, ""
    if plain[0] >= 0.85:
        return plain
    return max(plain, _arabic_similarity(text_a, key_a, text_b, key_b))


@lru_cache(maxsize=200_000)
def _arabic_similarity(text_a: str, key_a: str, text_b: str, key_b: str) -> tuple[float, str]:
    """Word similarity on Arabic consonant keys (a Latin word's key computed from its text;
    a word in Arabic script has its key already)."""
    return arabic.word_similarity(key_a or arabic_key(text_a), key_b or arabic_key(text_b),
                                  min(len(text_a), len(text_b)) <= 3)


Alignment = tuple[float, tuple[Token, ...], tuple[Token, ...], list[tuple[int, int, float, str]]]


def _weights(tokens: tuple[Token, ...], full: bool) -> list[float]:
    return [1.0 if full and t.weight == PATRONYMIC_WEIGHT else t.weight for t in tokens]


def _align(query: tuple[Token, ...], candidate: tuple[Token, ...], arabic: bool = False,
           full: bool = False) -> Alignment:
    """Greedy best-first word alignment; the score and the matched pairs (explained later).
    ``full``: patronymics weigh as much as names (both names have one)."""
    pairs = []
    similarity = word_similarity
    for i, q in enumerate(query):
        text = q.text
        for j, c in enumerate(candidate):
            sim, why = similarity(text, c.text)
            if arabic and sim < 1.0:
                sim, why = _arabic_pair(text, q.key, c.text, c.key, (sim, why))
            if sim > 0:
                pairs.append((sim, i, j, why))
    pairs.sort(key=itemgetter(0), reverse=True)  # stable: ties keep the query's word order
    q_weights, c_weights = _weights(query, full), _weights(candidate, full)
    used_q = [False] * len(query)
    used_c = [False] * len(candidate)
    matched = total = 0.0
    matches = []
    for sim, i, j, why in pairs:
        if used_q[i] or used_c[j]:
            continue
        used_q[i] = used_c[j] = True
        weight = max(q_weights[i], c_weights[j])
        matched += weight * sim
        total += weight
        matches.append((i, j, sim, why))
    total += EXTRA_QUERY_WEIGHT * sum(w for w, used in zip(q_weights, used_q) if not used)
    extra = sum(w for w, used in zip(c_weights, used_c) if not used)
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


def _words_of(name: PreparedName) -> str:
    return " ".join(t.text for t in name.variants[0]) if name.variants else ""


@lru_cache(maxsize=100_000)
def _latin_arabic_key(raw: str) -> str:
    """The Arabic consonant key of a Latin name (qualifiers left out)."""
    from shadowtrade.screening.normalise import prepare_name

    name = prepare_name(raw)
    return arabic_key(" ".join(t.text for t in name.variants[0] if t.weight > QUALIFIER_WEIGHT))


def _arabic_compact(query: PreparedName, candidate: PreparedName) -> tuple[float, list[str]]:
    """One side in Arabic script: the two names as single runs of consonants."""
    if bool(query.arabic) != bool(candidate.arabic):
        latin, script = (candidate, query) if query.arabic else (query, candidate)
        if not arabic.long_u_agrees(_words_of(latin), _words_of(script)):
            return 0.0, []
    keys = [name.arabic or _latin_arabic_key(name.raw) for name in (query, candidate)]
    score = arabic.compact_similarity(keys[0], keys[1])
    return score, [f"'{keys[0]}'≈'{keys[1]}' arabic consonants written together: {score:.2f}"]


def _acronym(query: PreparedName, candidate: PreparedName) -> tuple[float, list[str]]:
    """One name is an acronym of the other: 'FTB' = 'Foreign Trade Bank (of the DPRK)'."""
    for short, long in ((query, candidate), (candidate, query)):
        if short.acronym and len(long.variants[0]) >= 2 and short.acronym in name_initials(long):
            return ACRONYM_SCORE, [f"'{short.acronym}' is the acronym of '{long.raw}': "
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


def _chinese_reading(query: PreparedName, candidate: PreparedName) -> NameScore | None:
    """A Korean name against its Chinese reading in pinyin (RI SONG HYOK = Li Cheng He)."""
    for korean, other in ((query, candidate), (candidate, query)):
        if not korean.syllables or other.script != "latin" or not other.variants:
            continue
        words = [t.text for t in other.variants[0]]
        if matches_pinyin(korean.syllables, words):
            detail = (f"'{' '.join(words)}' is the Chinese reading of the Korean "
                      f"'{' '.join(korean.syllables)}': {CHINESE_READING_SCORE:.2f}",)
            return NameScore(CHINESE_READING_SCORE, query.raw, candidate.raw, detail)
    return None


def compare_names(query: PreparedName, candidate: PreparedName) -> NameScore:
    """Score two prepared names (the best reading of each), with the alignment that gave it."""
    if query.raw.casefold() == candidate.raw.casefold():
        return NameScore(1.0, query.raw, candidate.raw, ("identical",))
    if query.korean and candidate.korean:
        # Korean syllables are short: one letter apart is another syllable, so no fuzzy
        # fallback on the words here (it would confuse KIM SONG CHOL with KIM TONG CHOL).
        score, detail = _korean(query, candidate)
        chinese = _chinese_reading(query, candidate) if score < CHINESE_READING_SCORE else None
        return chinese or NameScore(round(score, 3), query.raw, candidate.raw, tuple(detail))
    if query.syllables or candidate.syllables:
        chinese = _chinese_reading(query, candidate)
        if chinese:
            return chinese
    in_arabic = "arabic" in (query.script, candidate.script)
    whole = _arabic_compact(query, candidate) if in_arabic else (0.0, [])
    if whole[0] >= arabic.COMPACT_FACTOR:  # every consonant agrees: no word alignment beats it
        return NameScore(whole[0], query.raw, candidate.raw, tuple(whole[1]))
    best: Alignment | None = None
    both_patronymic = query.patronymic and candidate.patronymic
    for q_tokens in query.variants:
        for c_tokens in candidate.variants:
            # two different patronymics are two different people: they weigh in full
            found = _align(q_tokens, c_tokens, in_arabic, both_patronymic)
            if best is None or found[0] > best[0]:
                best = found
    assert best is not None
    others = [_compact(query, candidate), whole]
    if query.acronym or candidate.acronym:
        others.append(_acronym(query, candidate))
    score, detail = max(others, key=lambda other: other[0])
    if score <= best[0]:
        score, detail = best[0], _explain(best)
    if query.country and candidate.country and query.country != candidate.country:
        score -= COUNTRY_CONFLICT_PENALTY
        detail = detail + [f"country '{query.country}' differs from '{candidate.country}': "
                           f"-{COUNTRY_CONFLICT_PENALTY:.2f}"]
    return NameScore(round(min(max(score, 0.0), 1.0), 3), query.raw, candidate.raw,
                     tuple(detail))
