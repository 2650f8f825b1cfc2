"""Screening a deal's parties against the loaded lists, with what a match means in law.

A match on the UN list binds every state; a match on a national or EU asset-freeze list binds
that jurisdiction's persons and is exposure for everyone else (banks above all). A near match
(a score under the threshold but close) is reputational risk worth a human look.
"""

from __future__ import annotations

from typing import Any, Protocol

from shadowtrade.assess.findings import RiskFinding, Source
from shadowtrade.model.deal import Deal, Party
from shadowtrade.reference.countries import countries, group_members
from shadowtrade.screening.query import ScreenQuery

NEAR_MATCH = 0.55
# list dataset -> (authority, jurisdiction's ISO3 codes or None for every state, blocking?)
_LISTS: dict[str, tuple[str, frozenset[str] | None, bool]] = {
    "un_sc": ("UN", None, True),
    "us_ofac_sdn": ("US", frozenset({"USA"}), True),
    "us_ofac_sdn_derived": ("US", frozenset({"USA"}), True),
    "us_ofac_cons": ("US", frozenset({"USA"}), False),
    "eu_fsf": ("EU", group_members("EU27"), True),
    "gb_hmt": ("UK", frozenset({"GBR"}), True),
    "ca_sema": ("CA", frozenset({"CAN"}), True),
}


class ScreensNames(Protocol):
    """What the assessment needs of a screening engine."""

    def screen(self, query: Any, threshold: float = ..., limit: int = ...,
               datasets: list[str] | None = ...) -> dict[str, Any]: ...


def screen_party(screener: ScreensNames, party: Party, threshold: float) -> list[dict[str, Any]]:
    """The party's best results (matches and near matches)."""
    identifiers = [*party.identifiers, *([party.imo] if party.imo else [])]
    where = [party.country] if party.country and party.schema != "Vessel" else None
    query = ScreenQuery.build([party.name], schema=party.schema, countries=_iso2(where),
                              birth_dates=[party.birth_date] if party.birth_date else None,
                              identifiers=identifiers)
    results = screener.screen(query, threshold=threshold, limit=5)["results"]
    return [r for r in results if r["score"] >= NEAR_MATCH]


def _iso2(codes: list[str] | None) -> list[str] | None:
    if not codes:
        return None
    table = countries()
    return [table[c].iso2 if c in table and table[c].iso2 else c for c in codes]


def party_findings(deal: Deal, screener: ScreensNames | None,
                   threshold: float = 0.7) -> tuple[list[RiskFinding], list[RiskFinding],
                                                    list[dict[str, Any]]]:
    """Legal and reputational findings from screening every party, and the hits shown."""
    legal: list[RiskFinding] = []
    reputational: list[RiskFinding] = []
    shown: list[dict[str, Any]] = []
    if screener is None:
        return legal, reputational, shown
    for party in deal.parties:
        hits = screen_party(screener, party, threshold)
        shown.append({"party": party.name, "role": party.role, "schema": party.schema,
                      "results": hits})
        matches = [hit for hit in hits if hit["match"]]
        if matches:
            legal.append(listed_finding(deal, party, matches))
            reputational.append(RiskFinding(
                kind="screening", level="high",
                text=f"The {party.role}, {party.name}, is a listed party: dealing with it "
                     f"is dealing with a sanctioned {_what(party)}.",
                evidence={"party": party.name, "matches": _brief_hits(matches)},
                sources=_list_sources(matches)))
        elif hits:
            reputational.append(RiskFinding(
                kind="screening", level="medium",
                text=f"The {party.role}, {party.name}, resembles a listed name "
                     f"({hits[0]['caption']}, score {hits[0]['score']:.2f}) without matching "
                     "it: check identifiers before going ahead.",
                evidence={"party": party.name, "near_matches": _brief_hits(hits)},
                sources=_list_sources(hits)))
    return legal, reputational, shown


def listed_finding(deal: Deal, party: Party, matches: list[dict[str, Any]]) -> RiskFinding:
    """How strongly a listed party weighs in law: prohibited when the listing binds a party."""
    authorities, binding = set(), False
    parties_countries = {p.country for p in deal.parties if p.country} | {deal.origin,
                                                                          deal.destination}
    for hit in matches:
        for dataset in hit["datasets"]:
            authority, jurisdiction, blocking = _LISTS.get(dataset, (dataset, frozenset(), False))
            authorities.add(authority)
            if blocking and (jurisdiction is None or jurisdiction & parties_countries):
                binding = True
    names = ", ".join(sorted(authorities))
    text = (f"The {party.role}, {party.name}, matches the {names} sanctions list(s) "
            f"({matches[0]['caption']}, score {matches[0]['score']:.2f}).")
    if binding:
        text += " Its assets are frozen where the deal's parties are bound: no funds or goods " \
                "may be made available to it."
    else:
        text += " The listing binds those lists' jurisdictions: their banks, insurers and " \
                "shippers must not take part."
    return RiskFinding(kind="screening", level="prohibited" if binding else "high", text=text,
                       evidence={"party": party.name, "role": party.role,
                                 "matches": _brief_hits(matches)},
                       sources=_list_sources(matches))


def _what(party: Party) -> str:
    return {"Vessel": "vessel", "Person": "person"}.get(party.schema, "entity")


def _brief_hits(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": h["id"], "caption": h["caption"], "score": round(h["score"], 3),
             "datasets": h["datasets"], "explanation": h.get("explanation")} for h in hits[:3]]


def _list_sources(hits: list[dict[str, Any]]) -> list[Source]:
    datasets = sorted({d for h in hits for d in h["datasets"]})
    return [Source(name=f"sanctions list {d}", reference=d) for d in datasets]

