"""Re-routing: a sanctioning bloc's exports to candidate conduits against its exports to the target.

The "Eurasian roundabout" (Chupilkin, Javorcik and Plekhanov, EBRD WP 2023): after sanctions,
EU exports to Russia fell while exports to Armenia, Kazakhstan and the Kyrgyz Republic jumped.
For each conduit the detector compares growth from ``base`` to ``year`` with growth to the
target, and (difference in differences) with the median growth of the sanctioner's exports to
every other partner it reports. With a product group it also compares restricted goods with
everything else on the same corridor.

Only figures the sanctioner reported itself (or reconciled sources such as BACI) are used: the
conduit's own import statistics belong to the mirror-gap detector.

>>> params = ReroutingParams("RUS", "EU27", ("KGZ", "KAZ"), 2021, 2023)
>>> params.conduits
('KGZ', 'KAZ')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from shadowtrade.analysis.findings import (
    DetectorResult, Finding, execute_rows, left_join, log_of, materialise, money, ratio,
)
from shadowtrade.analysis.flows import REVISIONS, revisions_in, side_codes, side_condition
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.reference.countries import WORLD, country_groups, resolve_country
from shadowtrade.reference.groups import get_group
from shadowtrade.warehouse.derived import group_members

RECONCILED = ("baci", "atlas")
CAVEATS = [
    "Growth is nominal (current prices and exchange rates); a weaker rouble or inflation moves "
    "all corridors, which is why conduits are also compared with all other partners.",
    "A surge to a neighbour is a signal, not proof: local demand, new factories and re-exports "
    "of non-restricted goods also raise it. Check the products and the conduit's exports "
    "to the target before drawing conclusions.",
    "Exports are attributed to the declared destination; goods re-exported from the conduit "
    "appear in the conduit's exports only if it reports them.",
]


@dataclass(frozen=True)
class ReroutingParams:
    """Who sanctions whom, through which conduits, between which years."""

    target: str
    sanctioner: str
    conduits: tuple[str, ...]
    base: int
    year: int
    source: str | None = None
    group: str | None = None
    min_ratio: float = 2.0
    min_excess: float = 1.5
    min_base_value: float = 1e8

    def __post_init__(self) -> None:
        object.__setattr__(self, "target", resolve_country(self.target))
        object.__setattr__(self, "sanctioner", resolve_country(self.sanctioner))
        conduits = tuple(resolve_country(code) for code in self.conduits)
        if not conduits:
            raise UsageError("no conduits given: list candidate countries, e.g. --via ARM,KGZ")
        for code in conduits:
            if code in (self.target, self.sanctioner):
                raise UsageError(f"conduit '{code}' is also the target or the sanctioner")
        object.__setattr__(self, "conduits", conduits)
        if self.base >= self.year:
            raise UsageError(f"base year {self.base} must come before the year {self.year}")
        if self.group:
            get_group(self.group)


def sanctioner_reported(flows: ir.Table, sanctioner: str,
                        years: tuple[int, int] | None = None) -> ir.Table:
    """Rows the sanctioner (or a member) reported, plus reconciled sources (BACI, Atlas).

    ``years``: the range the rows are limited to, for a simpler condition (see
    :func:`shadowtrade.analysis.flows.side_condition`).
    """
    codes = side_codes(sanctioner, years) if years else None
    if codes is not None:
        own = flows.reporter.isin(sorted({*codes, sanctioner}))
    else:
        own = side_condition(flows.reporter, flows.year, sanctioner) | (flows.reporter == sanctioner)
    return flows.filter(own | flows.source.isin(list(RECONCILED)))


def _prefer(table: ir.Table, flag: ir.BooleanValue, by: list[str]) -> ir.Table:
    """Within each ``by`` partition keep only flagged rows when any row there is flagged."""
    marked = table.mutate(_pref=flag.cast("int8"))
    marked = marked.mutate(_best=marked._pref.max().over(group_by=by))
    return marked.filter(marked._pref == marked._best).drop("_pref", "_best")


def partner_sums(flows: ir.Table, params: ReroutingParams) -> ir.Table:
    """One scan: the sanctioner's exports in ``base`` and ``year`` per partner and kind of row.

    Only rows the sanctioner reported (or a reconciled source) from the sanctioner or one of its
    members; summed per ``source``, ``currency``, ``importer``, ``year`` and the flags the
    preferences need: ``member`` (a member's own row, not a publisher aggregate), ``own`` (the
    sanctioner's aggregate row, e.g. Eurostat's EU27), ``aggregate``, ``total`` (a ``TOTAL``
    row) and ``annual``. A few rows per partner: every later step works on this.
    """
    rows = flows.filter(flows.year.isin([params.base, params.year]))
    if params.source:
        rows = rows.filter(rows.source == params.source)
    years = (params.base, params.year)
    codes = side_codes(params.sanctioner, years)
    if codes is not None:  # one IN list: the engine applies it while it scans
        rows = rows.filter(rows.exporter.isin(sorted({*codes, params.sanctioner})))
    else:
        rows = rows.filter(side_condition(rows.exporter, rows.year, params.sanctioner)
                           | (rows.exporter == params.sanctioner))
    rows = sanctioner_reported(rows, params.sanctioner, years)
    # summed per exporter first: the member flags (an IN list over the bloc) are then worked out
    # on a few thousand sums instead of on every row read
    keys = ["source", "currency", "importer", "year", "aggregate"]
    by_exporter = rows.group_by(*keys, "exporter", total=rows.hs_code == "TOTAL",
                                annual=rows.freq == "A").aggregate(value=rows.value.sum())
    member = (side_condition(by_exporter.exporter, by_exporter.year, params.sanctioner, years)
              & ~by_exporter["aggregate"])
    return by_exporter.group_by(
        *keys, "total", "annual", member=member, own=by_exporter.exporter == params.sanctioner,
    ).aggregate(value=by_exporter.value.sum())


def _pivot(rows: ir.Table, params: ReroutingParams, keys: list[str]) -> ir.Table:
    at = rows.year == params.base
    return rows.group_by(keys).aggregate(
        base_value=ibis.cases((at, rows.value), else_=0.0).sum(),
        year_value=ibis.cases((~at, rows.value), else_=0.0).sum(),
    )


def exports_by_partner(sums: ir.Table, params: ReroutingParams, importers: list[str]) -> ir.Table:
    """The sanctioner's exports to several partners in ``base`` and ``year``, from
    :func:`partner_sums`.

    Follows the rules of :func:`shadowtrade.analysis.flows.corridor_series`: group exporters are
    the sum of members, publisher aggregates left out, ``TOTAL`` and annual rows preferred per
    source and partner. Columns: ``source``, ``currency``, ``country``, ``base_value``,
    ``year_value``, ``growth``.
    """
    rows = sums.filter(sums.member & sums.importer.isin(importers))
    keys = ["source", "importer"]
    rows = _prefer(rows, rows.total, keys)
    rows = _prefer(rows, rows.annual, keys)
    table = _pivot(rows, params, ["source", "currency", "importer"]).rename(country="importer")
    return table.mutate(growth=ratio(table.year_value, table.base_value))


def group_exports(flows: ir.Table, params: ReroutingParams, group: str,
                  revisions: tuple[str, ...] = REVISIONS) -> ir.Table:
    """Like :func:`exports_by_partner` for the target and conduits, in one product group only
    (mapped into ``revisions``)."""
    importers = [params.target, *params.conduits]
    rows = flows.filter(flows.year.isin([params.base, params.year]), flows.importer.isin(importers))
    if params.source:
        rows = rows.filter(rows.source == params.source)
    years = (params.base, params.year)
    rows = rows.filter(side_condition(rows.exporter, rows.year, params.sanctioner, years)
                       & ~rows["aggregate"])
    rows = sanctioner_reported(rows, params.sanctioner, years)
    members = ibis.memtable(group_members(flows, [group], list(revisions)))
    rows = rows.join(members, ["hs_revision", "hs_code"], how="inner")
    rows = rows.mutate(value=rows.value * rows.weight)
    rows = _prefer(rows, rows.freq == "A", ["source", "importer"])
    table = _pivot(rows, params, ["source", "currency", "importer"]).rename(country="importer")
    return table.mutate(growth=ratio(table.year_value, table.base_value))


def comparison_growth(sums: ir.Table, params: ReroutingParams) -> ir.Table:
    """Median growth of the sanctioner's exports to every other partner, per source.

    From :func:`partner_sums`. Partners need at least ``min_base_value`` of exports in the
    base year; the target and the conduits are left out. The sanctioner's own aggregate rows
    (Eurostat's EU27 annual file) count where they exist, member rows otherwise; ``TOTAL`` rows
    where they exist, else the sum of product rows.
    """
    groups = [WORLD, *country_groups()]
    rows = sums.filter((sums.member | sums.own)
                       & ~sums.importer.isin(groups + [params.target, *params.conduits])
                       & ~sums.importer.startswith("X_"))
    keys = ["source", "currency", "importer", "year"]
    rank = (rows.annual.cast("int8") * 4 + rows.total.cast("int8") * 2
            + (~rows["aggregate"]).cast("int8"))
    # Sum first, then keep the best-ranked kind of row per partner and year (a window as a
    # column, then the filter, is the form Spark accepts too).
    ranked = rows.group_by([*keys, rank.name("_rank")]).aggregate(value=rows.value.sum())
    ranked = ranked.mutate(_top=ranked._rank.max().over(group_by=keys))
    totals = ranked.filter(ranked._rank == ranked._top).drop("_top", "_rank")
    wide = _pivot(totals, params, ["source", "currency", "importer"])
    wide = wide.filter(wide.base_value >= params.min_base_value)
    growth = ratio(wide.year_value, wide.base_value)
    return wide.group_by(["source", "currency"]).aggregate(
        comparison_growth=growth.median(), comparison_partners=wide.count())


def rerouting_table(flows: ir.Table, params: ReroutingParams) -> ir.Table:
    """One row per source and conduit: growth to the conduit, to the target and the scores.

    Columns: ``source``, ``currency``, ``country``, ``base_value``, ``year_value``,
    ``growth_sanctioner_to_conduit``, ``target_base_value``, ``target_year_value``,
    ``growth_sanctioner_to_target``, ``comparison_growth``, ``comparison_partners``,
    ``did_vs_comparison`` (log points), ``score`` (log of conduit growth over target growth),
    and with a group ``restricted_growth``, ``other_growth``, ``did_restricted_vs_other``.
    ``sums``: :func:`partner_sums` already run (see :func:`detect_rerouting`).
    """
    return _score(partner_sums(flows, params), flows, params)


def _score(sums: ir.Table, flows: ir.Table, params: ReroutingParams,
           revisions: tuple[str, ...] = REVISIONS) -> ir.Table:
    table = exports_by_partner(sums, params, [params.target, *params.conduits])
    target = table.filter(table.country == params.target).select(
        "source", "currency", target_base_value=table.base_value,
        target_year_value=table.year_value, growth_sanctioner_to_target=table.growth)
    conduits = table.filter(table.country != params.target)
    joined = left_join(conduits, target, ["source", "currency"])
    joined = left_join(joined, comparison_growth(sums, params), ["source", "currency"])
    joined = joined.mutate(growth_sanctioner_to_conduit=joined.growth).drop("growth")
    if params.group:
        joined = _with_goods(joined, flows, params, params.group, revisions)
    gc, gt = log_of(joined.growth_sanctioner_to_conduit), log_of(joined.growth_sanctioner_to_target)
    joined = joined.mutate(score=gc - gt, did_vs_comparison=gc - log_of(joined.comparison_growth))
    return joined.order_by([joined.source, ibis.desc(joined.score)])


def _with_goods(joined: ir.Table, flows: ir.Table, params: ReroutingParams,
                group: str, revisions: tuple[str, ...]) -> ir.Table:
    goods = group_exports(flows, params, group, revisions).select(
        "source", "currency", "country", restricted_base_value="base_value",
        restricted_year_value="year_value", restricted_growth="growth")
    joined = left_join(joined, goods, ["source", "currency", "country"])
    other = ratio(joined.year_value - joined.restricted_year_value.fill_null(0),
                  joined.base_value - joined.restricted_base_value.fill_null(0))
    joined = joined.mutate(other_growth=other)
    return joined.mutate(did_restricted_vs_other=log_of(joined.restricted_growth)
                         - log_of(joined.other_growth))


def detect_rerouting(flows: ir.Table, params: ReroutingParams) -> DetectorResult:
    """Run the re-routing detector; findings are conduits ranked by score.

    >>> # detect_rerouting(flows, ReroutingParams("RUS", "EU27", ("KGZ",), 2021, 2023))
    """
    # the partner sums (the one scan of the flows) are a few rows per partner: run them once;
    # the corridors and the comparison with every other partner both read them
    sums = materialise(partner_sums(flows, params), flows)
    revisions = revisions_in(flows) if params.group else REVISIONS
    rows = execute_rows(_score(sums, flows, params, revisions), on=flows)
    rows = _main_source(_check(rows, params), params)
    findings = sorted(_findings(rows, params), key=lambda f: -f.score)
    parameters = {"target": params.target, "sanctioner": params.sanctioner,
                  "conduits": list(params.conduits), "base": params.base, "year": params.year,
                  "source": rows[0]["source"], "group": params.group,
                  "min_ratio": params.min_ratio, "min_excess": params.min_excess}
    return DetectorResult("rerouting", parameters, findings, rows, [rows[0]["source"]], CAVEATS)


def _check(rows: list[dict[str, Any]], params: ReroutingParams) -> list[dict[str, Any]]:
    usable = [r for r in rows if r["target_base_value"] and r["base_value"]]
    if usable and params.group and not any(r.get("restricted_base_value") for r in usable):
        raise NoDataError(
            f"no flows of sector group '{params.group}' from {params.sanctioner} to the conduits "
            f"in {params.base}: the loaded sources hold totals only for these corridors; drop "
            "--group or load product-level data (BACI, Comtrade HS6)")
    if usable:
        return usable
    what = f"{params.sanctioner} exports to {params.target}"
    if not rows or not any(r["target_base_value"] for r in rows):
        raise NoDataError(f"no figures for {what} in the base year {params.base} as reported by "
                          f"{params.sanctioner}: pick a base year with data "
                          "(see shadowtrade data status)")
    raise NoDataError(f"no figures for {params.sanctioner} exports to any of "
                      f"{', '.join(params.conduits)} in the base year {params.base}")


def _main_source(rows: list[dict[str, Any]], params: ReroutingParams) -> list[dict[str, Any]]:
    """Keep the source covering the most conduits (reported rather than reconciled on ties)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["source"]] = counts.get(row["source"], 0) + 1
    best = max(counts, key=lambda s: (counts[s], s not in RECONCILED, s))
    return [r for r in rows if r["source"] == best]


def _findings(rows: list[dict[str, Any]], params: ReroutingParams) -> list[Finding]:
    found = []
    for row in rows:
        gc, gt = row["growth_sanctioner_to_conduit"], row["growth_sanctioner_to_target"]
        if gc is None or gt is None or gc / gt < params.min_ratio:
            continue
        comparison = row["comparison_growth"]
        if comparison and gc / comparison < params.min_excess:
            continue
        found.append(Finding(row["country"], float(row["score"]), _headline(row, params), row))
    return found


def _headline(row: dict[str, Any], params: ReroutingParams) -> str:
    cur = row["currency"]
    text = (f"{params.sanctioner} exports to {row['country']} grew {row['growth_sanctioner_to_conduit']:.1f}x "
            f"from {params.base} to {params.year} ({money(row['base_value'], cur)} to "
            f"{money(row['year_value'], cur)}) while exports to {params.target} moved "
            f"{row['growth_sanctioner_to_target']:.2f}x")
    if row["comparison_growth"]:
        text += (f"; exports to {row['comparison_partners']} other partners grew "
                 f"{row['comparison_growth']:.2f}x (median)")
    return text + f" [{row['source']}]."
