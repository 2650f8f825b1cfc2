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
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter
from typing import Final, NamedTuple

from rapidfuzz.distance import Levenshtein

from shadowtrade.screening import arabic
from shadowtrade.screening.arabic import arabic_key
from shadowtrade.screening.hanja_readings import matches_pinyin
from shadowtrade.screening.name_groups import group_of
from shadowtrade.screening.qualifiers import is_patronymic, patronymic_stem
from shadowtrade.screening.word_filter import WordFeatures, rewritable
from shadowtrade.screening.normalise import (PATRONYMIC_WEIGHT, QUALIFIER_WEIGHT, PreparedName,
                                             Token, make_token, name_initials, skeleton)

EXTRA_QUERY_WEIGHT: Final = 0.8  # an unmatched query word (the query said something the name lacks)
EXTRA_CANDIDATE_WEIGHT: Final = 0.3  # an unmatched listed word (middle names, patronymics)
COUNTRY_CONFLICT_PENALTY: Final = 0.3  # 'Bank of Iran' is not 'Bank of Syria'
ACRONYM_SCORE: Final = 0.85
FINAL_NG_SCORE: Final = 0.8  # YUNG = YUN: the nasal confused, the syllable otherwise the same
CHINESE_READING_SCORE: Final = 0.8  # each syllable has several Hanja: a reading, not a spelling
PINYIN_SCORE: Final = 0.95  # the characters' own pinyin, syllables written together or apart
SURNAME_WEIGHT, GIVEN_WEIGHT = 0.5, 1.0


ROUNDED_RANGE: Final = 1e6  # beyond it (never a score), rounded() leaves the work to round()


def rounded(value: float) -> float:
    """``round(value, 3)``, the same float, without the decimal conversion ``round`` makes
    (a screen rounds thousands of scores): ``value * 1000`` is off the exact product by far less
    than a millionth, so unless it lies that close to a halfway point it rounds to the same
    integer, and dividing that by 1000 gives the float nearest to it, as ``round`` does.

    >>> rounded(0.97251), rounded(2 / 3), rounded(0.0), rounded(1.0)
    (0.973, 0.667, 0.0, 1.0)
    >>> all(rounded(x) == round(x, 3) for x in (0.0005, 0.0015, 0.1235, 0.8125, -0.4, 1e7))
    True
    """
    scaled = value * 1000.0
    if 0.0 <= scaled < ROUNDED_RANGE:
        whole = int(scaled + 0.5)
        if scaled + 0.5 - whole > 1e-6:  # clear of a halfway point
            return whole / 1000.0
    return round(value, 3)


class NameScore:
    """The score of one name pair and why (the why put into words only when asked: a screen
    compares many names and explains a few).

    >>> NameScore(0.9, "a", "b", lambda: ("because",)).as_dict()["detail"]
    ['because']
    """

    __slots__ = ("score", "query", "candidate", "_detail")

    def __init__(self, score: float, query: str, candidate: str,
                 detail: tuple[str, ...] | Callable[[], tuple[str, ...]]) -> None:
        self.score, self.query, self.candidate = score, query, candidate
        self._detail = detail

    @property
    def detail(self) -> tuple[str, ...]:
        """The explanation, one line per feature."""
        if callable(self._detail):
            self._detail = self._detail()
        return self._detail

    def with_note(self, score: float, note: str) -> NameScore:
        """The same pair with another score and one more line of explanation."""
        return NameScore(score, self.query, self.candidate, lambda: (*self.detail, note))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready explanation."""
        return {"score": self.score, "query": self.query, "candidate": self.candidate,
                "detail": list(self.detail)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameScore) and (self.score, self.query, self.candidate,
                                                 self.detail) == (other.score, other.query,
                                                                  other.candidate, other.detail)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"NameScore(score={self.score!r}, query={self.query!r}, "
                f"candidate={self.candidate!r}, detail={self.detail!r})")


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


class _Word(NamedTuple):
    """What :func:`word_similarity` needs of one word, computed once per distinct word."""

    skeleton: str
    consonants: str
    vowels: str  # :func:`vowel_key` of the skeleton
    father: str  # a patronymic's father's name ('' for other words)
    group: int  # the given-name group (-1: none)


_WORDS: Final[dict[str, _Word]] = {}


def _word(text: str) -> _Word:
    """The features of one word, kept in a plain dict (a listed word is compared many times).

    >>> _word("aleksandrovich").father, _word("aleksandrovich").consonants
    ('aleksandr', 'alksndrvch')
    """
    found = _WORDS.get(text)
    return found if found is not None else word_features(make_token(text))


# word_similarity's cache: one dict per first word, keyed by the second (a lookup on one
# string whose hash is cached, several times cheaper than an lru_cache on the pair)
_ROWS: Final[dict[str, dict[str, tuple[float, str]]]] = {}
MAX_CACHED_PAIRS: Final = 2_000_000
_cached_pairs: Final = [0]


def word_features(token: Token) -> _Word:
    """:func:`_word` of a token, from the spelling keys it carries (not computed again).

    >>> word_features(make_token("aleksandrovich")) == _word("aleksandrovich")
    True
    """
    found = _WORDS.get(token.text)
    if found is None:
        text = token.text
        father = patronymic_stem(text) if is_patronymic(text) else ""
        found = _WORDS[text] = _Word(token.skeleton, token.consonants, vowel_key(token.skeleton),
                                     "" if father == text else father, group_of(text))
    return found


_FEATURES: Final = [WordFeatures(word_features)]


def learn_words(tokens: Iterable[Token]) -> int:
    """Compute the features of every word not met yet (see ``WordFeatures.learn``)."""
    return _FEATURES[0].learn(tokens)


def clear_word_cache() -> None:
    """Forget every word pair's similarity (and every word's features)."""
    _ROWS.clear()
    _WORDS.clear()
    _FEATURES[0] = WordFeatures(word_features)
    _cached_pairs[0] = 0


# For one query: candidate word -> query word -> similarity, for the pairs above zero only.
PairSimilarities = dict[str, dict[str, tuple[float, str]]]


def pair_similarities(query_words: Iterable[Token],
                      candidate_words: Iterable[Token]) -> PairSimilarities:
    """The similarity of every pair of a query word and a candidate word that scores above
    zero, all pairs tested at once (see word_filter.py); :func:`compare_names` takes it to
    skip the pairs that score nothing.

    >>> words = lambda text: [make_token(w) for w in text.split()]
    >>> sorted(pair_similarities(words("kim jong un"), words("kim jung hassan")).items())
    [('jung', {'jong': (0.9, 'vowels')}), ('kim', {'kim': (1.0, '=')})]
    """
    query = list({t.text: t for t in query_words}.values())
    candidate = list({t.text: t for t in candidate_words}.values())
    if not query or not candidate:
        return {}
    q_texts, c_texts = [t.text for t in query], [t.text for t in candidate]
    found: PairSimilarities = {}
    rows = _ROWS
    for i, j in _FEATURES[0].may_score(query, candidate):
        text_a, text_b = q_texts[i], c_texts[j]
        row = rows.get(text_a) or _row(text_a)
        similarity = row.get(text_b) or _remember(row, text_a, text_b)  # word_similarity
        if similarity[0] > 0:
            found.setdefault(text_b, {})[text_a] = similarity
    return found


def _row(text: str) -> dict[str, tuple[float, str]]:
    """The cached similarities of one word to the words it met."""
    row = _ROWS.get(text)
    if row is None:
        row = _ROWS[text] = {}
    return row


def _remember(row: dict[str, tuple[float, str]], text_a: str, text_b: str
              ) -> tuple[float, str]:
    """Compute and cache one pair (the cache is emptied when it holds too many)."""
    found = row[text_b] = _word_pair(text_a, text_b)
    _cached_pairs[0] += 1
    if _cached_pairs[0] > MAX_CACHED_PAIRS:
        clear_word_cache()
    return found


def word_similarity(text_a: str, text_b: str) -> tuple[float, str]:
    """:func:`token_similarity` on two words' texts, cached.

    >>> word_similarity("hossein", "husein"), word_similarity("kim", "pak")
    ((0.9, 'name group'), (0.0, ''))
    """
    row = _row(text_a)
    found = row.get(text_b)
    return _remember(row, text_a, text_b) if found is None else found


def _word_pair(text_a: str, text_b: str) -> tuple[float, str]:
    """:func:`word_similarity` without the cache."""
    if text_a == text_b:
        return 1.0, "="
    if not text_a or not text_b:  # a patronymic that is all ending ('Юьевич' -> 'yuevich')
        return 0.0, "empty"
    a, b = _word(text_a), _word(text_b)
    skel_a, skel_b = a.skeleton, b.skeleton
    if skel_a == skel_b:
        return 0.95, "spelling"
    if a.father and b.father:  # -ovich alike, both with a father's name left: compare fathers
        fathers = word_similarity(a.father, b.father)
        if fathers[0] < 0.9 and _father_group(a.father) >= 0 and \
                _father_group(a.father) == _father_group(b.father):
            return 0.9, "name group"
        return fathers
    if a.group >= 0 and a.group == b.group:
        return 0.9, "name group"
    len_a, len_b = len(skel_a), len(skel_b)
    if len_a >= 4 and -2 <= len_a - len_b <= 2 and a.vowels == b.vowels:
        return 0.9, "vowels"
    if a.consonants == b.consonants and len(a.consonants) >= 4:
        return 0.85, "consonants"
    if _final_ng(text_a, text_b, skel_a, skel_b):
        return FINAL_NG_SCORE, "final n/ng"
    spelled = _spelled_similarity(text_a, text_b, skel_a, skel_b)
    if spelled[0] >= 0.85 or len_a < 3 or len_b < 3 or not -3 <= len_a - len_b <= 3:
        return spelled
    if rewritable(text_a) or rewritable(text_b):  # the word filter's spare edits rely on it
        return max(spelled, _transliterated(text_a, text_b))
    return spelled


def _final_ng(text_a: str, text_b: str, skel_a: str, skel_b: str) -> bool:
    """One syllable written with a final -n, the other with -ng (YUNG/YUN, CHENG/CHEN): the
    romanisations of Chinese and Korean names, and the lists' copies of them, confuse the two
    nasals (a reading, not a spelling: partial credit). Skeletons of three letters or more
    (the word filter's edit test finds these pairs).

    >>> _final_ng("yung", "yun", "iung", "iun"), _final_ng("ang", "an", "ang", "an")
    (True, False)
    """
    if len(skel_a) < 3 or len(skel_b) < 3:
        return False
    longer, shorter = (text_a, text_b) if len(text_a) > len(text_b) else (text_b, text_a)
    return longer.endswith("ng") and longer[:-1] == shorter


def _transliterated(text_a: str, text_b: str) -> tuple[float, str]:
    """The rules for one letter or ending that transliterations of one language write
    differently: Czech -ová, Ukrainian h for g, German ch for kh (for two words of about the
    same length that the spelling rules found different)."""
    best = (0.0, "")
    if text_a.endswith("ova") or text_b.endswith("ova"):
        best = _czech_feminine(text_a, text_b)
    if "h" in text_a and "g" in text_b and "h" not in text_b \
            or "h" in text_b and "g" in text_a and "h" not in text_a:
        best = max(best, _h_for_g(text_a, text_b))
    if ("ch" in text_a) != ("ch" in text_b) and ("kh" in text_a or "kh" in text_b):
        best = max(best, _ch_for_kh(text_a, text_b))
    return best


_CH: Final = re.compile(r"(?<![ts])ch")  # not the tch, sch of ч and ш


def _ch_for_kh(text_a: str, text_b: str) -> tuple[float, str]:
    """German, Czech, Polish and Swedish transliterations write х as ch where English writes
    kh (Chodorkovskij = Khodorkovsky, Vachajevitj = Vakhaevich): one word with ch, the other
    with kh.

    >>> _ch_for_kh("chodorkovskij", "khodorkovsky"), _ch_for_kh("vach", "vakh")
    ((0.85, 'ch = kh'), (0.85, 'ch = kh'))
    >>> _ch_for_kh("chernov", "khrenov")
    (0.0, '')
    """
    return _rewritten_similarity(_CH.sub("kh", text_a), _CH.sub("kh", text_b), text_a, text_b,
                                 "ch = kh")


def _rewritten_similarity(new_a: str, new_b: str, text_a: str, text_b: str,
                          why: str) -> tuple[float, str]:
    """The similarity (at most 0.85, and none below 0.8) of two words after a rewriting rule
    changed at least one of them.

    >>> _rewritten_similarity("oleg", "oleg", "oleh", "oleg", "h = g")
    (0.85, 'h = g')
    """
    if new_a == text_a and new_b == text_b:
        return 0.0, ""
    skel_a, skel_b = skeleton(new_a), skeleton(new_b)
    similarity = 0.95 if skel_a == skel_b else \
        _spelled_similarity(new_a, new_b, skel_a, skel_b)[0]
    return (min(similarity, 0.85), why) if similarity >= 0.8 else (0.0, "")


_H_FOR_G: Final = re.compile(r"(?<![cdgkpstz])h")  # not the h of kh, sh, ch, zh, th, ph, gh, dh


def _h_for_g(text_a: str, text_b: str) -> tuple[float, str]:
    """Ukrainian and Belarusian Г is an h where Russian's is a g: Heorhievich = Georgievich,
    Ievhen = Evgen, Buhrov = Bugrov (one word with such an h, the other with none).

    >>> _h_for_g("heorhievich", "georgievich"), _h_for_g("hasan", "gusev")
    ((0.85, 'h = g (Ukrainian, Belarusian)'), (0.0, ''))
    """
    return _rewritten_similarity(_H_FOR_G.sub("g", text_a), _H_FOR_G.sub("g", text_b), text_a,
                                 text_b, "h = g (Ukrainian, Belarusian)")


def _father_group(stem: str) -> int:
    """The given-name group of a patronymic's father, whose name the patronymic cuts short
    (Nikol-aevich, Mikal-aevich: Nikolai, Mikalai; Serge-evich: Sergei).

    >>> _father_group("nikol") == _father_group("mikal") >= 0, _father_group("zzz")
    (True, -1)
    """
    for ending in ("", "i", "ai", "ei", "y", "ii", "iy", "ij"):
        group = group_of(stem + ending)
        if group >= 0:
            return group
    return -1


def _czech_feminine(text_a: str, text_b: str) -> tuple[float, str]:
    """Czech and Slovak add -ová to a woman's surname, in place of its last vowel
    (Кожемяко = Kožemjaková) or after a Russian -ova (Кузнецова = Kuznecovová): the stem
    before -ová against the other word without its last vowel, of about the same length.
    Stems of five letters at least ('Petrova' is not 'Petra').

    >>> _czech_feminine("kozhemjakova", "kozhemyako"), _czech_feminine("kuznecovova", "kuznietsova")
    ((0.85, 'feminine -ova'), (0.778, 'feminine -ova'))
    >>> _czech_feminine("petrova", "petra"), _czech_feminine("kozhemjakova", "kozhemjakin")
    ((0.0, ''), (0.0, ''))
    """
    for czech, other in ((text_a, text_b), (text_b, text_a)):
        stem = czech[:-3]
        if not czech.endswith("ova") or len(stem) < 5:
            continue
        other_stem = other[:-1] if other[-1] in "aeiouy" else other
        if other_stem == czech or abs(
                len(_word(stem).skeleton) - len(_word(other_stem).skeleton)) > 1:
            continue
        similarity = word_similarity(stem, other_stem)[0]
        if similarity >= 0.75:  # Czech c is ts (Kuznecov), which the skeleton reads as k
            return min(similarity, 0.85), "feminine -ova"
    return 0.0, ""


def _spelled_similarity(text_a: str, text_b: str, skel_a: str, skel_b: str
                        ) -> tuple[float, str]:
    """The last rules of :func:`word_similarity`: an initial, an abbreviation, then edits.

    >>> _spelled_similarity("kim", "kimura", "kim", "kimura"), _spelled_similarity("ho", "ha", "h", "ha")
    ((0.0, ''), (0.0, ''))
    """
    if text_a[0] == text_b[0]:
        if len(text_a) == 1 or len(text_b) == 1:
            return 0.7, "initial"
        if abs(len(text_a) - len(text_b)) >= 2 and (
                _abbreviates(text_a, text_b) or _abbreviates(text_b, text_a)):
            return 0.8, "abbreviation"
    shorter, longer = (len(skel_a), len(skel_b)) if len(skel_a) <= len(skel_b) else \
        (len(skel_b), len(skel_a))
    if shorter <= 3:  # no edit allowed, and different skeletons: nothing scores
        return 0.0, ""
    # the distance is at least the difference in length: often enough to know nothing scores
    if longer - shorter > edit_budget(shorter) and 2 * (longer - shorter) >= longer:
        return 0.0, ""
    # beyond half the letters nothing scores: let the distance stop counting there
    distance = Levenshtein.distance(skel_a, skel_b, score_cutoff=longer // 2 + 1)
    penalty = 1.0 if skel_a[0] == skel_b[0] else 0.85
    similarity = 1 - distance / longer
    if distance <= edit_budget(shorter):
        return rounded(similarity * penalty), _EDITS[distance]
    if similarity > 0.5:
        return rounded((similarity - 0.5) * 2 * penalty), f"{distance} edits (partial)"
    return 0.0, ""


_EDITS: Final = tuple(f"{n} edit(s)" for n in range(4))
_VOWEL_FOLD: Final = str.maketrans("eo", "iu")


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


def full_weight(weight: float) -> float:
    """A word's weight when both names have a patronymic: the patronymic's in full.

    >>> full_weight(PATRONYMIC_WEIGHT), full_weight(0.2)
    (1.0, 0.2)
    """
    return 1.0 if weight == PATRONYMIC_WEIGHT else weight


def _weights(tokens: tuple[Token, ...], full: bool) -> list[float | None]:
    """The words' weights (:func:`full_weight` when ``full``); the aligner sets a word's to
    None once the word is matched."""
    if full:
        return [full_weight(t.weight) for t in tokens]
    return [t[3] for t in tokens]  # Token.weight by position: the innermost loop


def _similar_pairs(query: tuple[Token, ...], candidate: tuple[Token, ...]
                   ) -> list[tuple[float, int, int, str]]:
    """Every pair of a query word and a candidate word with a positive similarity (this
    loop is the scorer's innermost: hence one cache row per query word, no calls on a hit)."""
    pairs = []
    texts = [c.text for c in candidate]
    rows = _ROWS
    for i, q in enumerate(query):
        text = q.text
        row = rows.get(text)
        if row is None:
            row = _row(text)
        for j, other in enumerate(texts):
            found = row.get(other)
            if found is None:
                found = _remember(row, text, other)
            if found[0] > 0:
                pairs.append((found[0], i, j, found[1]))
    return pairs


def _known_pairs(query: tuple[Token, ...], candidate: tuple[Token, ...],
                 known: PairSimilarities) -> list[tuple[float, int, int, str]]:
    """:func:`_similar_pairs` from the similarities found for the whole query, in the same
    order (ties in the query's then the candidate's word order)."""
    rows = [(j, row) for j, other in enumerate(candidate) if (row := known.get(other.text))]
    pairs = []
    if rows:
        for i, q in enumerate(query):
            text = q.text
            for j, row in rows:
                found = row.get(text)
                if found is not None:
                    pairs.append((found[0], i, j, found[1]))
    return pairs


def _similar_arabic_pairs(query: tuple[Token, ...], candidate: tuple[Token, ...]
                          ) -> list[tuple[float, int, int, str]]:
    """:func:`_similar_pairs` for a name compared with Arabic script."""
    pairs = []
    for i, q in enumerate(query):
        for j, c in enumerate(candidate):
            sim, why = word_similarity(q.text, c.text)
            if sim < 1.0:
                sim, why = _arabic_pair(q.text, q.key, c.text, c.key, (sim, why))
            if sim > 0:
                pairs.append((sim, i, j, why))
    return pairs


def _align(query: tuple[Token, ...], candidate: tuple[Token, ...], arabic: bool = False,
           full: bool = False, known: PairSimilarities | None = None) -> Alignment:
    """Greedy best-first word alignment; the score and the matched pairs (explained later).
    ``full``: patronymics weigh as much as names (both names have one); ``known``: the
    query's word pairs above zero (:func:`pair_similarities`), when the caller has them."""
    if arabic:
        pairs = _similar_arabic_pairs(query, candidate)
    elif known is not None:
        pairs = _known_pairs(query, candidate, known)
    else:
        pairs = _similar_pairs(query, candidate)
    if not pairs:  # nothing matched: the score is 0 whatever the weights
        return 0.0, query, candidate, []
    if len(pairs) > 1:
        pairs.sort(key=_SIMILARITY, reverse=True)  # stable: ties keep the query's word order
    q_weights, c_weights = _weights(query, full), _weights(candidate, full)
    matched = total = 0.0
    matches = []
    for sim, i, j, why in pairs:
        q_weight, c_weight = q_weights[i], c_weights[j]
        if q_weight is None or c_weight is None:  # one of the two words is matched already
            continue
        q_weights[i] = c_weights[j] = None
        weight = q_weight if q_weight > c_weight else c_weight
        matched += weight * sim
        total += weight
        matches.append((i, j, sim, why))
    total += EXTRA_QUERY_WEIGHT * _unmatched(q_weights)
    extra = _unmatched(c_weights)
    score = matched / (total + EXTRA_CANDIDATE_WEIGHT * extra) if total else 0.0
    return score, query, candidate, matches


_SIMILARITY: Final = itemgetter(0)


def _unmatched(weights: list[float | None]) -> float:
    """The summed weights of the words left unmatched (None: matched), added in order."""
    found = 0.0
    for weight in weights:
        if weight is not None:
            found += weight
    return found


def _explain(alignment: Alignment) -> list[str]:
    _, query, candidate, matches = alignment
    detail = [f"'{query[i].text}'≈'{candidate[j].text}' {why}: {sim:.2f}"
              for i, j, sim, why in matches]
    matched = {i for i, _, _, _ in matches}
    return detail + [f"'{q.text}' unmatched" for i, q in enumerate(query) if i not in matched]


def compact_similarity(query: PreparedName, candidate: PreparedName) -> tuple[float, list[str]]:
    """The two names' skeletons each written as one word, when their word counts differ:
    'JSC ARGUMENT' against 'JSCARGUMENT' (0 otherwise, or when more than a tenth apart)."""
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


def _same_pinyin(query: PreparedName, candidate: PreparedName) -> NameScore | None:
    """A name in Chinese characters against its own pinyin, the given name written as one
    word or syllable by syllable, the surname first or last (王明山 = Mingshan WANG): found
    here because both names also have a Korean reading, which would otherwise decide.

    >>> from shadowtrade.screening.normalise import prepare_name as p
    >>> _same_pinyin(p("Mingshan WANG"), p("王明山")).score, _same_pinyin(p("Minghan WANG"), p("王明山"))
    (0.95, None)
    """
    for han, other in ((query, candidate), (candidate, query)):
        if han.script != "han" or other.script != "latin":
            continue
        readings = {tuple(sorted(t.text for t in variant)) for variant in han.variants}
        for variant in other.variants:
            if len(variant) >= 2 and tuple(sorted(t.text for t in variant)) in readings:
                detail = (f"'{' '.join(t.text for t in variant)}' is the pinyin of "
                          f"'{han.raw}': {PINYIN_SCORE:.2f}",)
                return NameScore(PINYIN_SCORE, query.raw, candidate.raw, detail)
    return None


def _chinese_reading(query: PreparedName, candidate: PreparedName) -> NameScore | None:
    """A Korean name against its Chinese reading in pinyin (RI SONG HYOK = Li Cheng He), or a
    name in Chinese characters against its pinyin (:func:`_same_pinyin`)."""
    if "han" in (query.script, candidate.script):
        same = _same_pinyin(query, candidate)
        if same:
            return same
    for korean, other in ((query, candidate), (candidate, query)):
        if not korean.syllables or other.script != "latin" or not other.variants:
            continue
        words = [t.text for t in other.variants[0]]
        if matches_pinyin(korean.syllables, words):
            detail = (f"'{' '.join(words)}' is the Chinese reading of the Korean "
                      f"'{' '.join(korean.syllables)}': {CHINESE_READING_SCORE:.2f}",)
            return NameScore(CHINESE_READING_SCORE, query.raw, candidate.raw, detail)
    return None


def compare_names(query: PreparedName, candidate: PreparedName,
                  known: PairSimilarities | None = None) -> NameScore:
    """Score two prepared names (the best reading of each), with the alignment that gave it.

    ``known``: :func:`pair_similarities` of the query's words and (at least) these candidate
    words, when a screen compares one query with many names."""
    if query.folded == candidate.folded:
        return NameScore(1.0, query.raw, candidate.raw, ("identical",))
    if query.korean and candidate.korean:
        # Korean syllables are short: one letter apart is another syllable, so no fuzzy
        # fallback on the words here (it would confuse KIM SONG CHOL with KIM TONG CHOL).
        score, detail = _korean(query, candidate)
        chinese = _chinese_reading(query, candidate) if score < CHINESE_READING_SCORE else None
        return chinese or NameScore(rounded(score), query.raw, candidate.raw, tuple(detail))
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
            found = _align(q_tokens, c_tokens, in_arabic, both_patronymic, known)
            if best is None or found[0] > best[0]:
                best = found
    assert best is not None
    score, detail = compact_similarity(query, candidate)
    if whole[0] > score:  # the first of equal scores is kept
        score, detail = whole
    if query.acronym or candidate.acronym:
        acronym = _acronym(query, candidate)
        if acronym[0] > score:
            score, detail = acronym
    alignment = best if score <= best[0] else None
    if alignment is not None:
        score = best[0]
    conflict = bool(query.country and candidate.country and query.country != candidate.country)
    if conflict:
        score -= COUNTRY_CONFLICT_PENALTY

    def explain() -> tuple[str, ...]:
        lines = _explain(alignment) if alignment is not None else detail
        if conflict:
            lines = lines + [f"country '{query.country}' differs from '{candidate.country}': "
                             f"-{COUNTRY_CONFLICT_PENALTY:.2f}"]
        return tuple(lines)

    return NameScore(rounded(min(max(score, 0.0), 1.0)), query.raw, candidate.raw, explain)
