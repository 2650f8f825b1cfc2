"""Missing imports: what the exporter says it shipped against what the importer says arrived.

Exports are valued FOB and imports CIF, so imports should be a little *higher* than the mirror
exports. When an exporter reports a jump in shipments that the importer never records, the goods
went somewhere else (the EBRD's second "Eurasian roundabout" test, CEPR DP20097, 2025): this
detector measures the share of an increase in exports that never shows up as imports.

The CIF/FOB allowance is distance-based where no better figure exists: ``2 % + 0.8 %`` per
1,000 km of population-weighted distance (CEPII GeoDist ``distw``, shipped by
``atlas-common-data``), capped at 10 %; a group's distance is the median over its members.

>>> round(cif_fob_margin("EU27", "KGZ"), 4)
0.0566
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ibis
import ibis.expr.types as ir

from shadowtrade.analysis.findings import (
    DetectorResult, Finding, execute_rows, money, ratio, years_text,
)
from shadowtrade.analysis.flows import By, FlowQuery, corridor_series, side_codes, side_condition
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.reference.countries import WORLD, group_members, is_group, resolve_country
from shadowtrade.reference.groups import get_group
from shadowtrade.reference.packaged import atlas_data_dir

MARGIN_FLOOR, MARGIN_PER_1000_KM, MARGIN_CAP = 0.02, 0.008, 0.10
CAVEATS = [
    "Exports are FOB and imports CIF: a CIF/FOB allowance is removed from the importer's figure "
    "before the gap is measured; the raw share is given beside it.",
    "Partner attribution differs: exporters record the country of destination, importers the "
    "country of origin or consignment, so goods trans-shipped through a third country can "
    "appear as a gap without being diverted.",
    "National statistics converted to EUR by their publisher or a third party: the exchange "
    "rates are not always documented.",
]


@dataclass(frozen=True)
class MirrorGapParams:
    """A mirror-gap question: ``exporter`` to ``importer`` over ``years`` against ``base``.

    >>> MirrorGapParams("eu27", "kg", (2019, 2023), base=2021).importer
    'KGZ'
    """

    exporter: str
    importer: str
    years: tuple[int, int]
    base: int | None = None
    margin: float | None = None
    group: str | None = None
    threshold: float = 0.25
    min_increase: float = 0.2

    def __post_init__(self) -> None:
        object.__setattr__(self, "exporter", resolve_country(self.exporter))
        object.__setattr__(self, "importer", resolve_country(self.importer))
        first, last = self.years
        if first > last:
            raise UsageError(f"years {first}-{last} run backwards: write {last}-{first}")
        if self.base is None:
            object.__setattr__(self, "base", first)
        elif not first <= self.base <= last:
            raise UsageError(f"base year {self.base} is outside the years {first}-{last}: "
                             f"pick a base between them")
        if self.margin is not None and not 0 <= self.margin < 1:
            raise UsageError(f"CIF/FOB margin {self.margin} must be a share between 0 and 1, "
                             "for example 0.05")
        if self.group:
            get_group(self.group)


@lru_cache(maxsize=1)
def _distances() -> dict[tuple[str, str], float]:
    path = atlas_data_dir() / "static" / "geo_dist.csv"
    with open(path, encoding="utf-8") as handle:
        return {(row["exporter"], row["importer"]): float(row["distw"])
                for row in csv.DictReader(handle) if row["distw"]}


def _members(code: str) -> frozenset[str]:
    return group_members(code) if is_group(code) and code != "WLD" else frozenset([code])


def cif_fob_margin(exporter: str, importer: str) -> float:
    """The CIF/FOB allowance for a corridor from its distance (see the module docstring)."""
    pairs = _distances()
    found = [pairs[(a, b)] for a in _members(exporter) for b in _members(importer)
             if (a, b) in pairs]
    if not found:
        return 0.05  # the median CIF/FOB ratio in Gaulier & Zignago (2010) is about 5 %
    km = statistics.median(found)
    return min(MARGIN_CAP, MARGIN_FLOOR + MARGIN_PER_1000_KM * km / 1000)


def reported_by(flows: ir.Table, code: str, years: tuple[int, int] | None = None) -> ir.Table:
    """The rows a country (or a member of a group) reported itself (``years``: see
    :func:`shadowtrade.analysis.flows.side_condition`)."""
    return flows.filter(side_condition(flows.reporter, flows.year, code, years))


SUM_KEYS = ["source", "year", "month", "freq", "exporter", "importer", "reporter", "aggregate",
            "hs_revision", "hs_code", "currency", "unit"]


def corridor_rows(flows: ir.Table, params: MirrorGapParams) -> ir.Table:
    """One scan for both sides: the corridor's rows either side reported, summed per kind of row.

    Keeps the columns :func:`shadowtrade.analysis.flows.corridor_series` reads (``value`` and
    ``quantity`` summed over the rest), so that each side's series runs on this small table.
    """
    years = params.years
    rows = flows.filter(flows.year.between(*years))
    for side, code in (("exporter", params.exporter), ("importer", params.importer)):
        if code != WORLD:
            rows = rows.filter(side_condition(rows[side], rows.year, code, years))
    exp_codes, imp_codes = side_codes(params.exporter, years), side_codes(params.importer, years)
    if exp_codes is not None and imp_codes is not None:
        rows = rows.filter(rows.reporter.isin(sorted({*exp_codes, *imp_codes})))
    else:
        rows = rows.filter(side_condition(rows.reporter, rows.year, params.exporter, years)
                           | side_condition(rows.reporter, rows.year, params.importer, years))
    return rows.group_by(SUM_KEYS).aggregate(value=rows.value.sum(),
                                             quantity=rows.quantity.sum())


def _side(flows: ir.Table, params: MirrorGapParams, reporter: str, side: str) -> ir.Table:
    by: By = "group" if params.group else "total"
    query = FlowQuery(params.exporter, params.importer, years=params.years, by=by,
                      groups=(params.group,) if params.group else None)
    series = corridor_series(reported_by(flows, reporter, params.years), query)
    series = series.group_by(["year", "source", "currency"]).aggregate(value=series.value.sum())
    return series.select("year", "currency", **{f"{side}_source": series.source,
                                                 f"{side}_reported": series.value})


def mirror_gap_table(flows: ir.Table, params: MirrorGapParams, margin: float) -> ir.Table:
    """Per year and pair of sources: both reports, the gap and the unrecorded share of growth.

    Columns: ``year``, ``exporter_source``, ``importer_source``, ``currency``,
    ``exporter_reported``, ``importer_reported``, ``importer_reported_fob``, ``gap``,
    ``gap_fob``, ``gap_share``, ``increase_exporter``, ``increase_importer``,
    ``unrecorded_share_of_increase`` (raw) and ``unrecorded_share_of_increase_fob``.
    """
    rows = corridor_rows(flows, params)
    exported = _side(rows, params, params.exporter, "exporter")
    imported = _side(rows, params, params.importer, "importer")
    joined = exported.join(imported, ["year", "currency"], how="inner")
    pair = ["exporter_source", "importer_source", "currency"]
    base = joined.year == params.base
    joined = joined.mutate(
        importer_reported_fob=joined.importer_reported / (1 + margin),
        base_exporter=ibis.cases((base, joined.exporter_reported)).max().over(group_by=pair),
        base_importer=ibis.cases((base, joined.importer_reported)).max().over(group_by=pair),
    )
    joined = joined.mutate(
        gap=joined.exporter_reported - joined.importer_reported,
        gap_fob=joined.exporter_reported - joined.importer_reported_fob,
        increase_exporter=joined.exporter_reported - joined.base_exporter,
        increase_importer=joined.importer_reported - joined.base_importer,
    )
    unrecorded = 1 - ratio(joined.increase_importer, joined.increase_exporter)
    return joined.mutate(
        gap_share=ratio(joined.gap_fob, joined.exporter_reported),
        unrecorded_share_of_increase=unrecorded,
        unrecorded_share_of_increase_fob=1 - ratio(joined.increase_importer / (1 + margin),
                                                   joined.increase_exporter),
    ).order_by(["exporter_source", "importer_source", "year"])


def detect_mirror_gap(flows: ir.Table, params: MirrorGapParams) -> DetectorResult:
    """Run the mirror-gap detector and rank the years whose increase went unrecorded.

    >>> # detect_mirror_gap(flows, MirrorGapParams("EU27", "KGZ", (2019, 2023), base=2021))
    """
    margin = params.margin if params.margin is not None else cif_fob_margin(
        params.exporter, params.importer)
    rows = execute_rows(mirror_gap_table(flows, params, margin))
    _check(rows, params, flows)
    findings = sorted(_findings(rows, params), key=lambda f: -f.score)
    sources = sorted({r["exporter_source"] for r in rows} | {r["importer_source"] for r in rows})
    parameters = {"exporter": params.exporter, "importer": params.importer,
                  "years": params.years, "base": params.base, "group": params.group,
                  "cif_fob_margin": round(margin, 4),
                  "margin_basis": "given" if params.margin is not None else "distance",
                  "threshold": params.threshold, "min_increase": params.min_increase}
    return DetectorResult("mirror-gap", parameters, findings, rows, sources, CAVEATS)


def _check(rows: list[dict[str, Any]], params: MirrorGapParams, flows: ir.Table) -> None:
    what = f"{params.exporter} to {params.importer} in {years_text(*params.years)}"
    if params.group:
        what = f"sector group '{params.group}' from {what}"
    if not rows:
        raise NoDataError(
            f"no year where both {params.exporter} and {params.importer} report trade in the same "
            f"currency for {what}: a mirror check needs the exporter's own statistics and the "
            "importer's own statistics (see shadowtrade data status)")
    if not any(row["year"] == params.base for row in rows):
        have = sorted({row["year"] for row in rows})
        raise NoDataError(f"no mirror figures for the base year {params.base} for {what}: both "
                          f"sides report only {', '.join(map(str, have))}; pick one of those "
                          "as --base")


def _findings(rows: list[dict[str, Any]], params: MirrorGapParams) -> list[Finding]:
    found = []
    for row in rows:
        share = row["unrecorded_share_of_increase_fob"]
        if row["year"] <= params.base or share is None:
            continue
        if row["increase_exporter"] < params.min_increase * row["base_exporter"]:
            continue  # too small an increase for its split to mean anything
        if share < params.threshold:
            continue
        cur = row["currency"]
        headline = (
            f"Of the {money(row['increase_exporter'], cur)} additional exports "
            f"{params.exporter} reported to {params.importer} in {row['year']} against "
            f"{params.base}, {params.importer} recorded {money(row['increase_importer'], cur)} "
            f"more imports: about {share:.0%} never appear in its statistics "
            f"({row['unrecorded_share_of_increase']:.0%} before the CIF/FOB allowance).")
        if share > 1:
            headline += (f" {params.importer} records fewer imports than in {params.base}: check "
                         "its figure for that year before relying on this one.")
        figures = {key: row[key] for key in (
            "year", "exporter_source", "importer_source", "currency", "exporter_reported",
            "importer_reported", "importer_reported_fob", "base_exporter", "base_importer",
            "increase_exporter", "increase_importer", "gap", "gap_fob",
            "unrecorded_share_of_increase", "unrecorded_share_of_increase_fob")}
        figures["unrecorded_value"] = row["increase_exporter"] - row["increase_importer"]
        figures["suspect"] = share > 1
        # a share above 1 means the importer's figure fell: rank it as a plain 100 %, not above
        found.append(Finding(f"{params.exporter}->{params.importer} {row['year']}",
                             float(min(share, 1.0)), headline, figures))
    return found
