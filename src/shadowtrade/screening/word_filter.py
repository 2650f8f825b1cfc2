"""Which word pairs of one query can score above zero, found without testing every pair.

Most pairs of a query word and a listed word share nothing (``kim`` and ``hassan``), and asking
:func:`~shadowtrade.screening.names.word_similarity` about each costs microseconds of Python.
The rules that score a pair above zero are of two kinds:

- a shared key: the same spelling skeleton, consonant key, vowel key or given-name group, both
  patronymics of a father's name, or the same first letter when one word is an initial or may be
  an abbreviation. Each word gets its keys once; a candidate word is kept when its keys meet the
  query's (one set operation);
- edits: skeletons of three letters or more, less than half their length apart (two edits
  more when a word has an h or -ova, which the transliteration rules rewrite), found for all
  pairs at once with rapidfuzz's distance matrix.

Only the pairs found go on to the exact similarity. The test lets through every pair the rules
of ``names._word_pair`` can score above zero (``tests/screening/test_word_filter.py`` holds it to
that over the real lists' words); it may let through some that score zero.

>>> from shadowtrade.screening.names import word_features
>>> from shadowtrade.screening.normalise import make_token
>>> words = WordFeatures(word_features)
>>> tokens = lambda text: [make_token(w) for w in text.split()]
>>> sorted(words.may_score(tokens("kim jong un"), tokens("kim jung hassan j")))
[(0, 0), (1, 1), (1, 3)]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

EDITABLE: Final = 3  # skeletons shorter than this are compared on keys only
SPARE_EDITS: Final = 2  # edits allowed beyond half the longer word (see _edited)
Keys = tuple[str, ...]  # a word's distinct keys: a kind letter and a value (see WordFeatures._add)
# a word's keys as a query word and as a candidate word, its skeleton, and the edits it may
# differ by beyond half the longer word (see _edited)
Features = tuple[Keys, Keys, str, int]


_VOWEL: Final = re.compile("[aeiouy]")


def _is_short(text: str) -> bool:
    """An initial, or a word that may abbreviate another (three letters or more, no vowel
    after the first: 'shpg').

    >>> _is_short("k"), _is_short("shpg"), _is_short("kim"), _is_short("ky")
    (True, True, False, False)
    """
    return len(text) == 1 or (len(text) >= 3 and _VOWEL.search(text, 1) is None)


class WordFeatures:
    """The keys of every word met, as a query word and as a candidate word, and its skeleton.

    ``describe`` gives a word's features (``skeleton``, ``consonants``, ``vowels``, ``father``,
    ``group``) from its token: :func:`shadowtrade.screening.names.word_features`, passed in by
    the scorer (this module does not import it).
    """

    def __init__(self, describe: Callable[[Any], Any]) -> None:
        self._describe = describe
        self._words: dict[str, Features] = {}

    def __len__(self) -> int:
        return len(self._words)

    def _add(self, token: Any) -> Features:
        text = token.text
        word = self._describe(token)
        # keys are strings (a kind letter, then the value): their hashes are cached, where a
        # tuple's is computed at every set operation
        shared = ["s" + word.skeleton, "v" + word.vowels]
        if len(word.consonants) >= 4:
            shared.append("c" + word.consonants)
        if word.group >= 0:
            shared.append(f"g{word.group}")
        if word.father:
            shared.append("p")
        first = text[:1]
        # a short query word meets every candidate word of its first letter, and back
        short = _is_short(text)
        as_query = [*shared, "C" + first] + (["Q" + first] if short else [])
        as_candidate = [*shared, "Q" + first] + (["C" + first] if short else [])
        # tuples: only iterated, and a tuple iterates faster than a set
        found = self._words[text] = (tuple(dict.fromkeys(as_query)),
                                     tuple(dict.fromkeys(as_candidate)), word.skeleton,
                                     spare_edits(text))
        return found

    def learn(self, tokens: Iterable[Any]) -> int:
        """Give every word not met yet its keys now (an index's words, before the queries
        that would otherwise do it one by one); how many were new.

        >>> from shadowtrade.screening.names import word_features
        >>> from shadowtrade.screening.normalise import make_token
        >>> WordFeatures(word_features).learn([make_token("kim"), make_token("kim")])
        1
        """
        words, before = self._words, len(self._words)
        for token in tokens:
            if token.text not in words:
                self._add(token)
        return len(words) - before

    def may_score(self, query: Sequence[Any], candidate: Sequence[Any]) -> set[tuple[int, int]]:
        """The (query word, candidate word) positions of the pairs whose word similarity may
        be above zero (the others certainly score zero), for two lists of tokens (``text``,
        ``skeleton``, ``consonants``)."""
        words = self._words
        q_features = [words.get(t.text) or self._add(t) for t in query]
        c_features = [words.get(t.text) or self._add(t) for t in candidate]
        holders: dict[str, list[int]] = {}  # query key -> the query words holding it
        for i, (keys, _, _, _) in enumerate(q_features):
            for key in keys:
                holders.setdefault(key, []).append(i)
        found: set[tuple[int, int]] = set()
        for j, (_, keys, _, _) in enumerate(c_features):
            for key in keys:
                held = holders.get(key)
                if held is not None:
                    for i in held:
                        found.add((i, j))
        found.update(_edited(q_features, c_features))
        return found


def rewritable(text: str) -> bool:
    """Whether the transliteration rules (h = g, ch = kh, -ova) may rewrite the word before
    comparing it: it has an h or an -ova (the scorer tries them only on such pairs).

    >>> rewritable("oleh"), rewritable("kuznecovova"), rewritable("ivanov")
    (True, True, False)
    """
    return "h" in text or "ova" in text


def spare_edits(text: str) -> int:
    """The edits a word may differ by beyond half the longer word and still score: two for a
    :func:`rewritable` word, none for the others.

    >>> spare_edits("oleh"), spare_edits("ivanov")
    (2, 0)
    """
    return SPARE_EDITS if rewritable(text) else 0


def _edited(q_features: list[Features], c_features: list[Features]) -> list[tuple[int, int]]:
    """Pairs of skeletons of three letters or more, less than half the longer one apart,
    with :func:`spare_edits` more when either word has them: one distance matrix for all
    pairs, read as lists (a few dozen pairs: array operations would cost more than the loop).

    >>> f = lambda skeleton, spare=0: ((), (), skeleton, spare)
    >>> _edited([f("kim"), f("hasan", 2)], [f("kin"), f("hassan"), f("ri"), f("muhammad")])
    [(0, 0), (1, 0), (1, 1), (1, 3)]
    >>> _edited([f("hasan")], [f("kin"), f("hassan"), f("muhammad")])
    [(0, 1)]
    """
    q_long = [(i, f[2], f[3]) for i, f in enumerate(q_features) if len(f[2]) >= EDITABLE]
    c_long = [(j, f[2], f[3]) for j, f in enumerate(c_features) if len(f[2]) >= EDITABLE]
    if not q_long or not c_long:
        return []
    distances: list[list[int]] = cdist(
        [s for _, s, _ in q_long], [s for _, s, _ in c_long], scorer=Levenshtein.distance,
        workers=1).tolist()
    found: list[tuple[int, int]] = []
    for (i, q_skeleton, q_spare), row in zip(q_long, distances):
        q_length = len(q_skeleton)
        for column, distance in enumerate(row):
            j, c_skeleton, c_spare = c_long[column]
            c_length = len(c_skeleton)
            longer = q_length if q_length > c_length else c_length
            if 2 * distance < longer + 2 * (q_spare if q_spare > c_spare else c_spare):
                found.append((i, j))
    return found


__all__ = ["WordFeatures"]
