"""Scoring a listed entity against a query: the best name pair, then qualifiers.

Birth date, nationality and schema mismatches lower the score; an identical identifier
(passport, IMO number, registration number) decides the match on its own.

>>> from shadowtrade.screening.index import IndexedEntity, name_keys
>>> from shadowtrade.screening.query import ScreenQuery
>>> entry = IndexedEntity.from_ftm({"id": "x", "schema": "Person", "properties": {
...     "name": ["KIM JONG UN"], "birthDate": ["1984-01-08"]}})
>>> score_entity(ScreenQuery.build(["김정은"]), entry)[0]
0.97
>>> score_entity(ScreenQuery.build(["Kim Jong Un"], birth_dates=["1960"]), entry)[0]
0.75
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from shadowtrade.screening.bounds import Outline, outline_score_bound
from shadowtrade.screening.index import IndexedEntity, name_keys
from shadowtrade.screening.names import NameScore, PairSimilarities, compare_names, \
    pair_similarities, rounded
from shadowtrade.screening.normalise import PreparedName, prepare_name
from shadowtrade.screening.query import ScreenQuery

WEAK_ALIAS_FACTOR: Final = 0.9
NAMES_PER_ENTITY: Final = 3  # listed names compared per entity: those sharing the most index keys
SCHEMA_PENALTY: Final = 0.35
COUNTRY_PENALTY: Final = 0.15
BIRTH_YEAR_PENALTY: Final = 0.25
BIRTH_DAY_PENALTY: Final = 0.1
_FAMILIES: Final = {"Person": "person", "Organization": "org", "Company": "org",
                     "Vessel": "vessel", "Aircraft": "aircraft"}


def schemata_compatible(query: str, candidate: str) -> bool:
    """False when the two schemata cannot describe the same thing (a person and a vessel).

    >>> schemata_compatible("Person", "LegalEntity"), schemata_compatible("Person", "Vessel")
    (True, False)
    """
    if "Thing" in (query, candidate):
        return True
    a, b = _FAMILIES.get(query, "legal"), _FAMILIES.get(candidate, "legal")
    if a == b:
        return True
    return "legal" in (a, b) and {a, b} <= {"legal", "person", "org"}


PreparedQuery = list[tuple[PreparedName, tuple[str, ...]]]  # names, and their index keys


def prepare_query(query: ScreenQuery) -> PreparedQuery:
    """The query's names prepared once, with their index keys (sorted).

    >>> prepare_query(ScreenQuery.build(["Ri Je-son"]))[0][1]
    ('criison', 'kjeson', 'wieson', 'wri', 'wson')
    """
    return [(name, tuple(sorted(name_keys(name))))
            for name in (prepare_name(raw) for raw in query.names)]


def query_similarities(prepared_query: PreparedQuery, entries: list[IndexedEntity],
                       chosen: list[list[Sequence[int]]] | None = None) -> PairSimilarities:
    """The word pairs above zero between a query's names and the names of the entries it
    is about to be scored against, found at once (see ``names.pair_similarities``).

    >>> from shadowtrade.screening.index import IndexedEntity
    >>> entry = IndexedEntity.from_ftm({"id": "x", "schema": "Person",
    ...                                 "properties": {"name": ["RI JE SON"]}})
    >>> query_similarities(prepare_query(ScreenQuery.build(["Ri Che-son"])), [entry])["ri"]
    {'ri': (1.0, '=')}
    """
    query_words = [t for name, _ in prepared_query for v in name.variants for t in v]
    if chosen is None:
        chosen = [names_to_compare(prepared_query, entry) for entry in entries]
    candidate_words = [t for entry, per_name in zip(entries, chosen) for positions in per_name
                       for position in positions
                       for v in entry.names[position].variants for t in v]
    return pair_similarities(query_words, candidate_words)


_ONLY_NAME: Final = range(1)


def compared_names(entry: IndexedEntity, wanted: tuple[str, ...]) -> list[int] | range:
    """The positions of the entry's names a query name with these index keys is compared
    with: the ``NAMES_PER_ENTITY`` sharing the most keys, or all when none shares any.

    >>> from shadowtrade.screening.index import IndexedEntity
    >>> entry = IndexedEntity.from_ftm({"id": "x", "schema": "Person",
    ...                                 "properties": {"name": ["A B"], "alias": ["RI JE SON"]}})
    >>> compared_names(entry, ("wri", "wson")), compared_names(entry, ("wkim",))
    ([1], range(0, 2))
    """
    if len(entry.keys) == 1:
        return _ONLY_NAME  # one name: compared whatever it shares
    shared: list[tuple[int, int]] = []  # (keys shared, position), of the names sharing any
    for position, keys in enumerate(entry.keys):
        count = 0
        for key in wanted:  # a query name has a few keys: cheaper than intersecting sets
            if key in keys:
                count += 1
        if count:
            shared.append((count, position))
    if not shared:
        return range(len(entry.names))
    if len(shared) > 1:
        shared.sort(reverse=True)  # most shared first; of equals, the later name first
    return [position for _, position in shared[:NAMES_PER_ENTITY]]


def names_to_compare(prepared_query: PreparedQuery,
                     entry: IndexedEntity) -> list[Sequence[int]]:
    """For each query name, the positions of the entry's names it is compared with
    (:func:`compared_names`), found once per entry and query.

    >>> from shadowtrade.screening.index import IndexedEntity
    >>> entry = IndexedEntity.from_ftm({"id": "x", "schema": "Person",
    ...                                 "properties": {"name": ["A B"], "alias": ["RI JE SON"]}})
    >>> names_to_compare(prepare_query(ScreenQuery.build(["Ri Che-son"])), entry)
    [[1]]
    """
    return [compared_names(entry, wanted) for _, wanted in prepared_query]


def best_name(query: ScreenQuery, entry: IndexedEntity,
              prepared_query: PreparedQuery | None = None,
              seen: dict[tuple[int, int], NameScore] | None = None,
              known: PairSimilarities | None = None,
              chosen: list[Sequence[int]] | None = None) -> NameScore:
    """The best-scoring pair of a query name and a listed name.

    Only the listed names sharing the most index keys with the query name are compared (when
    some share any): the others cannot score well, and skipping them keeps screening fast.
    ``seen`` holds the pairs one query compared already (by object identity): entries repeat
    names (one foundation listed in four countries), and each pair is compared once.
    ``chosen``: :func:`names_to_compare` of this entry, when the caller has it.
    """
    best: NameScore | None = None
    prepared_query = prepared_query or prepare_query(query)
    if chosen is None:
        chosen = names_to_compare(prepared_query, entry)
    for (prepared, _), positions in zip(prepared_query, chosen):
        for position in positions:
            listed = entry.names[position]
            pair = (id(prepared), id(listed))
            found = seen.get(pair) if seen is not None else None
            if found is None:
                found = compare_names(prepared, listed, known)
                if seen is not None:
                    seen[pair] = found
            if position in entry.weak:
                found = found.with_note(rounded(found.score * WEAK_ALIAS_FACTOR), "weak alias")
            if best is None or found.score > best.score:
                best = found
    return best or NameScore(0.0, "", "", ("no names",))


def entity_score_bound(query: ScreenQuery, entry: IndexedEntity, prepared_query: PreparedQuery,
                       chosen: list[Sequence[int]], known: PairSimilarities,
                       outlines: Sequence[Outline]) -> float:
    """At most the score :func:`score_entity_lazily` gives the entry, found for less (see
    bounds.py): qualifiers and the weak-alias factor only lower a score, an identical
    identifier decides it. ``outlines``: the outlines of the entry's names.

    >>> from shadowtrade.screening.bounds import Outline
    >>> from shadowtrade.screening.index import IndexedEntity
    >>> entry = IndexedEntity.from_ftm({"id": "x", "schema": "Person",
    ...                                 "properties": {"name": ["John Doe"]}})
    >>> prepared = prepare_query(ScreenQuery.build(["John Smith"]))
    >>> chosen = names_to_compare(prepared, entry)
    >>> known = query_similarities(prepared, [entry], [chosen])
    >>> outlines = [Outline.of(name) for name in entry.names]
    >>> round(entity_score_bound(ScreenQuery.build(["John Smith"]), entry, prepared, chosen,
    ...                          known, outlines), 3)
    0.556
    """
    if query.identifiers and not entry.identifiers.isdisjoint(query.identifiers):
        return 1.0
    best = 0.0
    for (prepared, _), positions in zip(prepared_query, chosen):
        if len(positions) == len(entry.names):  # all of them (one name: the most common)
            bound = outline_score_bound(prepared, outlines, entry.names, known)
        else:
            bound = outline_score_bound(prepared, [outlines[p] for p in positions],
                                        [entry.names[p] for p in positions], known)
        if bound > best:
            best = bound
    return best


def _birth_adjustment(query: ScreenQuery, entry: IndexedEntity) -> tuple[float, str] | None:
    if not query.birth_dates or not entry.birth_dates:
        return None
    for asked in query.birth_dates:
        for listed in entry.birth_dates:
            if asked.startswith(listed) or listed.startswith(asked):
                return 0.0, f"birth date {asked} agrees with {listed}"
    years = {d[:4] for d in entry.birth_dates}
    if any(d[:4] in years for d in query.birth_dates):
        return -BIRTH_DAY_PENALTY, f"birth year agrees, day differs ({', '.join(entry.birth_dates)})"
    return -BIRTH_YEAR_PENALTY, f"birth date differs ({', '.join(entry.birth_dates)})"


def _qualifiers(query: ScreenQuery, entry: IndexedEntity) -> list[dict[str, Any]]:
    found = []
    schema = entry.entity.get("schema", "Thing")
    if not schemata_compatible(query.schema, schema):
        found.append({"feature": "schema", "adjustment": -SCHEMA_PENALTY,
                      "detail": f"query is a {query.schema}, candidate a {schema}"})
    birth = _birth_adjustment(query, entry)
    if birth:
        found.append({"feature": "birth_date", "adjustment": birth[0], "detail": birth[1]})
    if query.countries and entry.countries and not set(query.countries) & entry.countries:
        found.append({"feature": "country", "adjustment": -COUNTRY_PENALTY,
                      "detail": f"country {', '.join(query.countries)} not in "
                                f"{', '.join(sorted(entry.countries))}"})
    return found


def score_entity(query: ScreenQuery, entry: IndexedEntity,
                 prepared_query: PreparedQuery | None = None,
                 seen: dict[tuple[int, int], NameScore] | None = None,
                 known: PairSimilarities | None = None) -> tuple[float, dict[str, Any]]:
    """The score in [0, 1] and its explanation (``seen``, ``known``: see :func:`best_name`)."""
    score, explain = score_entity_lazily(query, entry, prepared_query, seen, known)
    return score, explain()


def score_entity_lazily(query: ScreenQuery, entry: IndexedEntity,
                        prepared_query: PreparedQuery | None = None,
                        seen: dict[tuple[int, int], NameScore] | None = None,
                        known: PairSimilarities | None = None,
                        chosen: list[Sequence[int]] | None = None
                        ) -> tuple[float, Callable[[], dict[str, Any]]]:
    """:func:`score_entity` with the explanation left to build when asked (a screen scores
    many candidates and explains the few it returns); ``chosen``: see :func:`best_name`."""
    shared = set(query.identifiers) & entry.identifiers if query.identifiers else None
    if shared:
        ident = sorted(shared)[0]
        return 1.0, lambda: {"identifier": {"score": 1.0,
                                            "detail": f"identifier {ident} is identical"},
                             "qualifiers": []}
    name = best_name(query, entry, prepared_query, seen, known, chosen)
    qualifiers = _qualifiers(query, entry)
    score = name.score + sum(q["adjustment"] for q in qualifiers)
    score = rounded(min(1.0, max(0.0, score)))
    return score, lambda: {"name": name.as_dict(), "qualifiers": qualifiers}
