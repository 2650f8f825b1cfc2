"""Upper bounds on scores, found for less than the scores cost: a batch run keeps only the
candidates that reach the threshold, and a candidate whose bound is below it is not scored.

The word alignment of :func:`~shadowtrade.screening.names.compare_names` scores
``matched / (matched weight + 0.8 * unmatched query weight + 0.3 * unmatched listed weight)``
with every word similarity at most 1, so it is at most ``M / (M + U)``, where ``M`` sums the
best weighted similarity each query word could get and ``U`` counts only the words that have no
similar word on the other side at all (they stay unmatched whatever the alignment). A pair of
names scored another way (identical, Korean readings, Chinese readings, Arabic script,
acronyms) gets the bound 1: it is always scored.

>>> from shadowtrade.screening.names import compare_names, pair_similarities
>>> from shadowtrade.screening.normalise import prepare_name
>>> query, listed = prepare_name("John Smith"), prepare_name("John Doe")
>>> known = pair_similarities(query.variants[0], listed.variants[0])
>>> round(name_score_bound(query, listed, known), 3)
0.476
>>> compare_names(query, listed, known).score <= name_score_bound(query, listed, known)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

from shadowtrade.screening.names import (EXTRA_CANDIDATE_WEIGHT, EXTRA_QUERY_WEIGHT,
                                         PairSimilarities, compact_similarity, full_weight)
from shadowtrade.screening.normalise import PreparedName, Token

# scores are rounded to 3 decimals: a bound this far below may round up
ROUNDING_MARGIN: Final = 0.001
Word = tuple[str, float, float]  # a word's text, the most and the least it can weigh


class Outline(NamedTuple):
    """What the bound needs of one listed name (made the first time a batch run bounds its
    entity: ``CandidateIndex.outlines``).

    >>> from shadowtrade.screening.normalise import prepare_name as p
    >>> outline = Outline.of(p("Ivan Petrovich SIDOROV"))
    >>> sorted(outline.words), outline.folded, outline.korean, outline.other_rules
    ([('ivan', 1.0, 1.0), ('petrovich', 1.0, 0.4), ('sidorov', 1.0, 1.0)], 'ivan petrovich sidorov', False, False)
    """

    words: tuple[Word, ...]  # the name's words in every variant (patronymics in full)
    folded: str  # the name as written, case-folded (an identical name scores 1)
    korean: bool  # it has Korean readings (scored on them against a Korean query)
    other_rules: bool  # in Arabic script, Korean syllables or an acronym

    @classmethod
    def of(cls, name: PreparedName) -> Outline:
        """The outline of a prepared name."""
        if len(name.variants) == 1:  # most names: a word repeated in it is harmless
            found = tuple((t.text, full_weight(t.weight), t.weight) for t in name.variants[0])
        else:
            words: dict[str, tuple[float, float]] = {}
            for token in (t for variant in name.variants for t in variant):
                most, least = words.get(token.text, (0.0, 1.0))
                words[token.text] = max(most, full_weight(token.weight)), min(least, token.weight)
            found = tuple((text, most, least) for text, (most, least) in words.items())
        return cls(found, name.folded, bool(name.korean),
                   bool(name.syllables or name.acronym or name.script == "arabic"))


class BoundUse:
    """Whether bounding a query's candidates pays, from the share the bounds skipped lately.

    A bound costs about two fifths of scoring the candidate: it pays when more than that share
    of the candidates are skipped (a file of made-up customer names: 86 %), not when most are
    scored anyway (listed names with typos: 38 % skipped). Every 32nd query, and the first
    ones, are bounded whatever the share, to keep it current (every eighth cost a batch of
    misspelt names 4 % of its instructions). Skipping a bound never changes a result: it only
    costs or saves time.

    >>> use = BoundUse()
    >>> use.record(bounded=300, skipped=30)
    >>> [use.wanted() for _ in range(32)].count(True)
    1
    """

    PAYS = 0.45  # the share of candidates skipped above which bounding pays
    SAMPLE = 32  # every SAMPLE-th query is bounded anyway
    WARM = 200  # candidates bounded before the share decides
    WINDOW = 4000  # the counts are halved beyond this: the share follows the recent queries

    def __init__(self) -> None:
        self.bounded = self.skipped = self.queries = 0

    def wanted(self) -> bool:
        """Whether to bound the next query's candidates."""
        self.queries += 1
        return (self.bounded < self.WARM or self.queries % self.SAMPLE == 0
                or self.skipped > self.PAYS * self.bounded)

    def record(self, bounded: int, skipped: int) -> None:
        """Count one query's bounded and skipped candidates."""
        self.bounded += bounded
        self.skipped += skipped
        if self.bounded > self.WINDOW:
            self.bounded //= 2
            self.skipped //= 2


def _scored_otherwise(query: PreparedName, candidate: PreparedName) -> bool:
    """True when compare_names may score the pair by another rule than the word alignment."""
    return bool(query.folded == candidate.folded
                or (query.korean and candidate.korean) or query.syllables or candidate.syllables
                or query.script == "arabic" or candidate.script == "arabic"
                or query.acronym or candidate.acronym)


def alignment_bound(query: tuple[Token, ...], candidate: Sequence[Word],
                    known: PairSimilarities, listed_extra: bool = True) -> float:
    """At most the alignment score of a query's words against a listed name's ``(text, most,
    least weight)`` words (see the module's docstring). ``listed_extra=False``: the listed words
    left unmatched are not counted, so that ``candidate`` may pool the words of several names
    (the bound then holds for each of them).

    >>> from shadowtrade.screening.normalise import make_token as t
    >>> known = {"kim": {"kim": (1.0, "=")}, "jong": {"jong": (1.0, "=")}}
    >>> words = [("kim", 1.0, 1.0), ("jong", 1.0, 1.0), ("il", 1.0, 1.0)]
    >>> round(alignment_bound((t("kim"), t("jong"), t("un")), words, known), 3)
    0.645
    """
    best: dict[int, float] = {}
    listed_unmatched = 0.0
    for text, c_weight, c_least in candidate:
        row = known.get(text)
        paired = False
        if row:
            for i, q in enumerate(query):
                found = row.get(q.text)
                if found is not None:
                    paired = True
                    q_weight = full_weight(q.weight)
                    value = (q_weight if q_weight > c_weight else c_weight) * found[0]
                    if value > best.get(i, 0.0):
                        best[i] = value
        if not paired and listed_extra:
            listed_unmatched += c_least
    matched = sum(best.values())
    if matched <= 0.0:
        return 0.0
    query_unmatched = sum(q.weight for i, q in enumerate(query) if i not in best)
    return matched / (matched + EXTRA_QUERY_WEIGHT * query_unmatched
                      + EXTRA_CANDIDATE_WEIGHT * listed_unmatched)


def outline_score_bound(query: PreparedName, outlines: Sequence[Outline],
                        compared: Sequence[PreparedName], known: PairSimilarities) -> float:
    """At most the best ``compare_names`` score of the query against any of the ``compared``
    names (whose :class:`Outline` are ``outlines``), in one pass over all their words (looser
    than :func:`name_score_bound` name by name, and cheaper).

    >>> from shadowtrade.screening.names import pair_similarities
    >>> from shadowtrade.screening.normalise import prepare_name as p
    >>> names = [p("John Doe"), p("Jon Dow")]
    >>> known = pair_similarities(p("John Smith").variants[0],
    ...                           [t for n in names for t in n.variants[0]])
    >>> outlines = [Outline.of(n) for n in names]
    >>> round(outline_score_bound(p("John Smith"), outlines, names, known), 3)
    0.556
    """
    if query.syllables or query.acronym or query.script == "arabic":
        return 1.0
    folded = query.folded
    words: list[Word] = []
    for outline in outlines:
        if outline.other_rules or (query.korean and outline.korean) or outline.folded == folded:
            return 1.0
        words += outline.words
    best = 0.0
    if query.compact:
        for candidate in compared:
            compact = compact_similarity(query, candidate)[0]
            if compact > best:
                best = compact
    for q_tokens in query.variants:
        bound = alignment_bound(q_tokens, words, known, listed_extra=False)
        if bound > best:
            best = bound
    return best


def name_score_bound(query: PreparedName, candidate: PreparedName,
                     known: PairSimilarities) -> float:
    """At most ``compare_names(query, candidate, known).score`` (before rounding: see
    :data:`ROUNDING_MARGIN`); ``known`` must hold the pairs of these two names' words."""
    if _scored_otherwise(query, candidate):
        return 1.0
    best = compact_similarity(query, candidate)[0]
    for q_tokens in query.variants:
        for c_tokens in candidate.variants:
            words = [(t.text, full_weight(t.weight), t.weight) for t in c_tokens]
            bound = alignment_bound(q_tokens, words, known)
            if bound > best:
                best = bound
    return best


__all__ = ["ROUNDING_MARGIN", "BoundUse", "Outline", "alignment_bound", "name_score_bound",
           "outline_score_bound"]
