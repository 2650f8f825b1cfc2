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

from shadowtrade.analysis.findings import DetectorResult, Finding, execute_rows, money, ratio
from shadowtrade.analysis.flows import REVISIONS, revisions_in, side_codes, side_condition
from shadowtrade.analysis.rows import (
    Row, by_score, log_of_value, minus, pivot_years, prefer_rows, ratio_of, sql_median, sum_by,
)
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.reference.countries import WORLD, country_groups, resolve_country
from shadowtrade.reference.groups import get_group
from shadowtrade.warehouse.derived import group_members, partner_year_sums

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

    ``flows``: the flow rows, or the warehouse's sums per partner pair (:func:`pair_sums`: the
    same columns less ``hs_code``, with ``total`` instead), which give the same sums. Only rows
    the sanctioner reported (or a reconciled source) from the sanctioner or one of its members;
    summed per ``source``, ``currency``, ``importer``, ``year`` and the flags the preferences
    need: ``member`` (a member's own row, not a publisher aggregate), ``own`` (the
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
    total = rows.total if "total" in rows.columns else rows.hs_code == "TOTAL"
    by_exporter = rows.group_by(*keys, "exporter", total=total,
                                annual=rows.freq == "A").aggregate(value=rows.value.sum())
    member = (side_condition(by_exporter.exporter, by_exporter.year, params.sanctioner, years)
              & ~by_exporter["aggregate"])
    return by_exporter.group_by(
        *keys, "total", "annual", member=member, own=by_exporter.exporter == params.sanctioner,
    ).aggregate(value=by_exporter.value.sum())


def pair_sums(flows: ir.Table, params: ReroutingParams) -> ir.Table:
    """What :func:`partner_sums` reads: the warehouse's sums per partner pair for ``base`` and
    ``year`` (``warehouse/derived.py``: a few hundred thousand rows instead of every flow row)
    where it keeps them, else ``flows`` itself (Spark, an expression)."""
    cached = partner_year_sums(flows, [params.base, params.year])
    return flows if cached is None else ibis.memtable(cached)


def _pivot(rows: ir.Table, params: ReroutingParams, keys: list[str]) -> ir.Table:
    at = rows.year == params.base
    return rows.group_by(keys).aggregate(
        base_value=ibis.cases((at, rows.value), else_=0.0).sum(),
        year_value=ibis.cases((~at, rows.value), else_=0.0).sum(),
    )


def exports_by_partner(sums: list[Row], params: ReroutingParams, importers: list[str]) -> list[Row]:
    """The sanctioner's exports to several partners in ``base`` and ``year``, from the rows of
    :func:`partner_sums`.

    Follows the rules of :func:`shadowtrade.analysis.flows.corridor_series`: group exporters are
    the sum of members, publisher aggregates left out, ``TOTAL`` and annual rows preferred per
    source and partner. Columns: ``source``, ``currency``, ``country``, ``base_value``,
    ``year_value``, ``growth``.
    """
    rows = [r for r in sums if r["member"] is True and r["importer"] in importers]
    rows = prefer_rows(rows, lambda r: r["total"], ["source", "importer"])
    rows = prefer_rows(rows, lambda r: r["annual"], ["source", "importer"])
    pivot = pivot_years(rows, ["source", "currency", "importer"], params.base, params.year)
    return [{"source": source, "currency": currency, "country": importer, **values,
             "growth": ratio_of(values["year_value"], values["base_value"])}
            for (source, currency, importer), values in pivot.items()]


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


def comparison_growth(sums: list[Row], params: ReroutingParams) -> dict[tuple[Any, ...], Row]:
    """Median growth of the sanctioner's exports to every other partner, per source and
    currency (``comparison_growth``, ``comparison_partners``).

    From the rows of :func:`partner_sums`. Partners need at least ``min_base_value`` of exports
    in the base year; the target and the conduits are left out. The sanctioner's own aggregate
    rows (Eurostat's EU27 annual file) count where they exist, member rows otherwise; ``TOTAL``
    rows where they exist, else the sum of product rows.
    """
    left_out = {WORLD, *country_groups(), params.target, *params.conduits}
    rows = [r for r in sums if (r["member"] is True or r["own"] is True)
            and r["importer"] is not None and r["importer"] not in left_out
            and not r["importer"].startswith("X_")
            and None not in (r["annual"], r["total"], r["aggregate"])]
    keys = ["source", "currency", "importer", "year"]
    # summed per kind of row, then the best kind per partner and year: annual, TOTAL, not an
    # aggregate, in that order of weight
    ranked = sum_by([r | {"_rank": int(r["annual"]) * 4 + int(r["total"]) * 2
                                   + int(not r["aggregate"])} for r in rows], [*keys, "_rank"])
    top: dict[tuple[Any, ...], int] = {}
    for row in ranked:
        key = tuple(row[k] for k in keys)
        top[key] = max(top.get(key, row["_rank"]), row["_rank"])
    totals = [r for r in ranked if r["_rank"] == top[tuple(r[k] for k in keys)]]
    wide = pivot_years(totals, ["source", "currency", "importer"], params.base, params.year)
    growths: dict[tuple[Any, ...], list[Any]] = {}
    for (source, currency, _), values in wide.items():
        if values["base_value"] is not None and values["base_value"] >= params.min_base_value:
            growths.setdefault((source, currency), []).append(
                ratio_of(values["year_value"], values["base_value"]))
    return {key: {"comparison_growth": sql_median(values), "comparison_partners": len(values)}
            for key, values in growths.items()}


def score_rows(sums: list[Row], params: ReroutingParams,
               goods: list[Row] | None = None) -> list[Row]:
    """One row per source and conduit: growth to the conduit, to the target and the scores.

    ``sums``: the rows of :func:`partner_sums`; ``goods``: those of :func:`group_exports` when
    the parameters name a group. Columns: ``source``, ``currency``, ``country``,
    ``base_value``, ``year_value``, ``target_base_value``, ``target_year_value``,
    ``growth_sanctioner_to_target``, ``comparison_growth``, ``comparison_partners``,
    ``growth_sanctioner_to_conduit``, with a group ``restricted_base_value``,
    ``restricted_year_value``, ``restricted_growth``, ``other_growth``,
    ``did_restricted_vs_other``, then ``score`` (log of conduit growth over target growth) and
    ``did_vs_comparison`` (log points); sorted by source, then score (highest first).
    """
    table = exports_by_partner(sums, params, [params.target, *params.conduits])
    targets = {(r["source"], r["currency"]): r for r in table if r["country"] == params.target}
    comparison = comparison_growth(sums, params)
    restricted = {(r["source"], r["currency"], r["country"]): r for r in goods or []}
    rows = []
    for conduit in (r for r in table if r["country"] != params.target):
        key = (conduit["source"], conduit["currency"])
        target = targets.get(key, {}) if None not in key else {}
        compared = comparison.get(key, {}) if None not in key else {}
        row = {**{k: conduit[k] for k in ("source", "currency", "country", "base_value",
                                          "year_value")},
               "target_base_value": target.get("base_value"),
               "target_year_value": target.get("year_value"),
               "growth_sanctioner_to_target": target.get("growth"),
               "comparison_growth": compared.get("comparison_growth"),
               "comparison_partners": compared.get("comparison_partners"),
               "growth_sanctioner_to_conduit": conduit["growth"]}
        if params.group:
            row.update(_with_goods(row, restricted.get((*key, conduit["country"]), {})))
        gc = log_of_value(row["growth_sanctioner_to_conduit"])
        row["score"] = minus(gc, log_of_value(row["growth_sanctioner_to_target"]))
        row["did_vs_comparison"] = minus(gc, log_of_value(row["comparison_growth"]))
        rows.append(row)
    return by_score(rows, then="country")


def _with_goods(row: Row, goods: Row) -> Row:
    """Restricted goods against everything else on the same corridor."""
    base, year = goods.get("base_value"), goods.get("year_value")
    other = ratio_of(minus(row["year_value"], 0.0 if year is None else year),
                     minus(row["base_value"], 0.0 if base is None else base))
    restricted = goods.get("growth")
    return {"restricted_base_value": base, "restricted_year_value": year,
            "restricted_growth": restricted, "other_growth": other,
            "did_restricted_vs_other": minus(log_of_value(restricted), log_of_value(other))}


def detect_rerouting(flows: ir.Table, params: ReroutingParams) -> DetectorResult:
    """Run the re-routing detector; findings are conduits ranked by score.

    >>> # detect_rerouting(flows, ReroutingParams("RUS", "EU27", ("KGZ",), 2021, 2023))
    """
    # the partner sums (one scan of the warehouse's per-pair sums, or of the flows) are a few
    # rows per partner: run them once; the corridors and the comparison with every other
    # partner both read them
    # the rest is arithmetic on those few thousand rows, in Python (compiling it as Ibis
    # expressions cost more than running it)
    sums = execute_rows(partner_sums(pair_sums(flows, params), params), on=flows)
    goods = None
    if params.group:
        goods = execute_rows(group_exports(flows, params, params.group, revisions_in(flows)))
    rows = score_rows(sums, params, goods)
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
