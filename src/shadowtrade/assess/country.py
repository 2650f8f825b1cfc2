"""Briefs on a country or a corridor: which measures cover its trade, how its trade moves,
who on the lists is tied to it, and what the detectors see.

>>> brief = brief_country("PRK")
>>> brief.verdict
'prohibited'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis.expr.types as ir

from shadowtrade.analysis.flows import FlowQuery, corridor_series
from shadowtrade.assess.findings import (
    Assessment, Risk, RiskFinding, Source, strongest, verdict_of,
)
from shadowtrade.errors import UsageError
from shadowtrade.reference.countries import country_name, countries, resolve_country
from shadowtrade.reference.hs import section_table
from shadowtrade.rules.loader import load_rulebook
from shadowtrade.rules.overlap import OverlapTable, overlap_table

CHAPTERS = len(section_table()) - 1  # chapter 77 is reserved
_DIRECTION_TEXT = {"to_target": "exports to", "from_target": "imports from"}


def target_iso2(iso3: str) -> str:
    """The ISO2 code regimes use for a target, or a clear error for an unencoded one."""
    country = countries().get(iso3)
    iso2 = country.iso2 if country else ""
    targets = load_rulebook().targets()
    if iso2 not in targets:
        names = ", ".join(sorted(targets))
        raise UsageError(f"no sanctions regime is encoded for {country_name(iso3)} ({iso3}): "
                         f"encoded targets are {names}")
    return iso2


def sector_findings(table: OverlapTable, direction: str | None = None) -> list[RiskFinding]:
    """One finding per authority and direction: how many chapters it prohibits or restricts."""
    findings = []
    target = country_name(resolve_country(table.target))
    for flow_direction in ("to_target", "from_target"):
        if direction and flow_direction != direction:
            continue
        rows = [r for r in table.rows if r.direction == flow_direction]
        for authority in ("UN", "US", "EU", "UK", "JP"):
            cells = [(r, r.cells[authority]) for r in rows if authority in r.cells]
            banned = [r for r, c in cells if c.status.value == "prohibited"]
            if not cells:
                continue
            level = _sector_level(authority, bool(banned))
            rule_ids = sorted({rid for _, c in cells for rid in c.rule_ids})
            examples = ", ".join(f"{r.key} {_short(r.label)}" for r in banned[:4])
            text = (f"{authority} measures prohibit {len(banned)} of the {CHAPTERS} HS chapters of "
                    f"{_DIRECTION_TEXT[flow_direction]} {target} in whole or part"
                    + (f" (for example {examples})" if banned else "")
                    + f", and reach {len(cells)} chapters in all.")
            findings.append(RiskFinding(
                kind="regime", level=level, text=text,
                evidence={"authority": authority, "direction": flow_direction,
                          "chapters_prohibited": [r.key for r in banned],
                          "chapters_reached": len(cells), "rule_ids": rule_ids},
                sources=[_rule_source(table, rid) for rid in rule_ids[:6]]))
    return findings


def _short(label: str) -> str:
    """A chapter's label cut at its first clause: 'Fish and crustaceans'."""
    for mark in (";", ","):
        head = label.split(mark)[0].strip()
        if len(head) >= 8:
            label = head
    return label[:40].lower()


def _sector_level(authority: str, banned: bool) -> str:
    if banned:
        return "prohibited" if authority == "UN" else "high"
    return "medium"


def _rule_source(table: OverlapTable, rule_id: str) -> Source:
    rule = table.rules[rule_id]
    return Source(rule.legal_ref.text, rule_id, rule.legal_ref.url,
                  rule.effective.start.isoformat() if rule.effective.start else None)


def secondary_findings(iso2: str) -> list[RiskFinding]:
    """Secondary sanctions against a target's trading partners (financial risk)."""
    found = []
    for rule in load_rulebook().for_target(iso2):
        if rule.measure_type == "blocking_secondary":
            found.append(RiskFinding(
                kind="regime", level="high",
                text=f"Secondary sanctions: {rule.legal_ref.text} reaches foreign banks and "
                     "companies that trade with or finance "
                     f"{country_name(resolve_country(iso2))}, wherever they are.",
                evidence={"rule_id": rule.id}, sources=[Source(rule.legal_ref.text, rule.id,
                                                               rule.legal_ref.url)]))
    return found


def trade_of(flows: ir.Table | None, iso3: str, years: tuple[int, int]) -> list[dict[str, Any]]:
    """A country's exports to and imports from the world, every source that has them."""
    if flows is None:
        return []
    rows: list[dict[str, Any]] = []
    for exporter, importer in ((iso3, "WLD"), ("WLD", iso3)):
        frame = corridor_series(flows, FlowQuery(exporter, importer, years)).execute()
        rows.extend(frame.to_dict(orient="records"))
    return rows


def brief_country(iso3: str, flows: ir.Table | None = None, on: dt.date | None = None,
                  datasets: list[Source] | None = None,
                  listed: list[dict[str, Any]] | None = None) -> Assessment:
    """The country brief: its sanctions coverage, its trade, its listed entities."""
    iso3 = resolve_country(iso3)
    iso2 = target_iso2(iso3)
    table = overlap_table(iso2, "group", on)
    chapters = overlap_table(iso2, "chapter", on)
    legal = Risk("legal", sector_findings(chapters))
    financial = Risk("financial", secondary_findings(iso2))
    reputational = Risk("reputational", _listed_findings(iso3, listed or []))
    trade = trade_of(flows, iso3, (2015, 2024))
    verdict = verdict_of(legal, financial, reputational)
    name = country_name(iso3)
    caveats = ["Mirror statistics: what partners report of their trade with "
               f"{name}; smuggling, ship-to-ship transfers and unreported trade are not in them."]
    if not trade:
        caveats.append(f"No loaded trade data covers {name}'s trade with the world.")
    return Assessment(
        subject="country", title=f"Country brief: {name}", verdict=verdict,
        headline=_country_headline(name, legal, verdict), legal=legal, financial=financial,
        reputational=reputational, facts={"country": iso3, "target": iso2},
        trade=trade, overlap=table.as_dict(), datasets=datasets or [], caveats=caveats)


def _listed_findings(iso3: str, listed: list[dict[str, Any]]) -> list[RiskFinding]:
    if not listed:
        return []
    by_list: dict[str, int] = {}
    for entity in listed:
        for dataset in entity.get("datasets", []):
            by_list[dataset] = by_list.get(dataset, 0) + 1
    summary = ", ".join(f"{count:,} on {dataset}" for dataset, count in sorted(by_list.items()))
    return [RiskFinding(
        kind="screening", level="high",
        text=f"{len(listed):,} listed people, companies and vessels are tied to "
             f"{country_name(iso3)} by nationality, address or registration ({summary}): any "
             "counterparty there needs screening.",
        evidence={"entities": len(listed), "by_list": by_list},
        sources=[Source(f"sanctions list {d}", d) for d in sorted(by_list)])]


def _country_headline(name: str, legal: Risk, verdict: str) -> str:
    un = {f.evidence["direction"]: len(f.evidence["chapters_prohibited"])
          for f in legal.findings if f.evidence.get("authority") == "UN"}
    if verdict == "prohibited":
        return (f"UN measures binding every state prohibit, in whole or part, "
                f"{un.get('to_target', 0)} of the {CHAPTERS} HS chapters of exports to {name} "
                f"and {un.get('from_target', 0)} of its exports; national measures go further.")
    return f"{name}: {verdict} risk; {len(legal.findings)} sanctions findings."


def brief_corridor(exporter: str, importer: str, flows: ir.Table | None = None,
                   on: dt.date | None = None,
                   datasets: list[Source] | None = None) -> Assessment:
    """The corridor brief: which measures cover trade from ``exporter`` to ``importer``."""
    exporter, importer = resolve_country(exporter), resolve_country(importer)
    legal = Risk("legal")
    financial = Risk("financial")
    overlap = None
    for side, direction in ((importer, "to_target"), (exporter, "from_target")):
        try:
            iso2 = target_iso2(side)
        except UsageError:
            continue
        table = overlap_table(iso2, "chapter", on)
        legal.findings.extend(sector_findings(table, direction))
        financial.findings.extend(secondary_findings(iso2))
        overlap = overlap or overlap_table(iso2, "group", on).as_dict()
    if not legal.findings:
        raise UsageError(f"neither {exporter} nor {importer} is the target of an encoded "
                         "regime: use 'regimes check' for single flows")
    trade: list[dict[str, Any]] = []
    caveats: list[str] = []
    if flows is not None:
        trade = corridor_series(flows, FlowQuery(exporter, importer, (2015, 2024))).execute() \
            .to_dict(orient="records")
    if not trade:
        caveats.append(f"No loaded trade data covers {country_name(exporter)} to "
                       f"{country_name(importer)}: the data cannot show how much trade takes "
                       "place. Partners' mirror statistics (UN Comtrade, BACI) are the usual "
                       "source; load them for this corridor.")
    reputational = Risk("reputational")
    verdict = verdict_of(legal, financial, reputational)
    top = strongest([f.level for f in legal.findings])
    headline = (f"{country_name(exporter)} to {country_name(importer)}: {top} — "
                f"{legal.sorted()[0].text}")
    return Assessment(
        subject="corridor", title=f"Corridor brief: {country_name(exporter)} to "
        f"{country_name(importer)}", verdict=verdict, headline=headline, legal=legal,
        financial=financial, reputational=reputational,
        facts={"exporter": exporter, "importer": importer}, trade=trade, overlap=overlap,
        datasets=datasets or [], caveats=caveats)
