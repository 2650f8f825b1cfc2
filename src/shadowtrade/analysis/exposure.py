"""Exposure of a trade corridor: the value of its trade under each status, per year and authority.

The flows table is joined to the rules' code-level coverage (:mod:`shadowtrade.rules.coverage`)
on HS revision, HS code and year: one Ibis join and one aggregation, no Python per flow row, so
the same expression runs on DuckDB or Spark.

>>> import ibis, pyarrow as pa
>>> flows = ibis.memtable(pa.table({
...     "source": ["baci"], "exporter": ["CHN"], "importer": ["RUS"], "year": [2023],
...     "aggregate": [False], "hs_revision": ["HS17"], "hs_code": ["854231"],
...     "value": [1e6], "currency": ["USD"]}))
>>> report = corridor_exposure(flows, "CHN", "RUS", (2023, 2023))
>>> [(r["authority"], r["status"], r["value"]) for r in report["exposure"]][:2]
[('US', 'licence_required', 999950.58), ('US', 'possible', 49.42)]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.reference.countries import is_group, iso3_from_iso2
from shadowtrade.rules.coverage import coverage_table
from shadowtrade.rules.evaluate import binds, binds_country, flow_direction
from shadowtrade.rules.loader import RuleBook, load_rulebook
from shadowtrade.rules.model import AUTHORITIES, Rule, Status

_ORDER = {a: i for i, a in enumerate(AUTHORITIES)}


def corridor_flows(
    flows: ir.Table, exporter: str, importer: str, years: tuple[int, int], source: str | None
) -> ir.Table:
    """Country-level rows of one corridor and period (aggregate rows left out)."""
    expr = flows.filter(
        flows.exporter == exporter,
        flows.importer == importer,
        flows.year.between(years[0], years[1]),
        ~flows["aggregate"],
    )
    return expr if source is None else expr.filter(expr.source == source)


def exposure_expr(flows: ir.Table, coverage: ir.Table) -> ir.Table:
    """Value per year, authority and status: ``flows`` joined to ``coverage`` (pure, lazy).

    Columns ``year, target, direction, authority, status, status_rank, rule_ids, value, rows,
    max_days``. A code split between statuses counts each part once, by its share.
    """
    joined = flows.join(
        coverage,
        [
            flows.hs_revision == coverage.hs_revision,
            flows.hs_code == coverage.hs_code,
            flows.year == coverage.year,
        ],
    ).select(
        year=flows.year,
        target=coverage.target,
        direction=coverage.direction,
        authority=coverage.authority,
        status=coverage.status,
        status_rank=coverage.status_rank,
        rule_ids=coverage.rule_ids,
        part_value=flows.value * coverage.share,
        days=coverage.days_in_force,
    )
    keys = ["year", "target", "direction", "authority", "status", "status_rank", "rule_ids"]
    return joined.group_by(keys).aggregate(
        value=joined.part_value.sum(), rows=joined.count(), max_days=joined.days.max()
    )


def totals_expr(flows: ir.Table) -> ir.Table:
    """Value, rows and currency per source, HS revision and year, and the value without an HS6
    code to judge (one query tells which sources hold the corridor and what it totals)."""
    unjudged = flows.hs_code.length() != 6
    return flows.group_by(["source", "hs_revision", "year"]).aggregate(
        value=flows.value.sum(),
        rows=flows.count(),
        currency=flows.currency.max(),
        unjudged_value=unjudged.ifelse(flows.value, 0.0).sum(),
    )


def corridor_exposure(
    flows: ir.Table,
    exporter: str,
    importer: str,
    years: tuple[int, int],
    source: str | None = None,
    book: RuleBook | None = None,
) -> dict[str, Any]:
    """Run the exposure of one corridor and return the document of ``regimes exposure --json``.

    Raises NoDataError when the warehouse holds no flow of the corridor in those years, and
    UsageError when several sources hold it and none was chosen (their sums would double count).
    """
    book = book or load_rulebook()
    _check_countries(exporter, importer)
    corridor = corridor_flows(flows, exporter, importer, years, source)
    held = totals_expr(corridor).to_pyarrow().to_pylist()
    source = _settle_source(flows, sorted({h["source"] for h in held}), exporter, importer, years, source)
    held = [h for h in held if h["source"] == source]
    corridor = corridor.filter(corridor.source == source)
    revisions = tuple(sorted({h["hs_revision"] for h in held} - {"TOTAL"}))
    coverage = _coverage(revisions, years, exporter, importer, book)
    rows = exposure_expr(corridor, ibis.memtable(coverage)).to_pyarrow()
    return _document(exporter, importer, years, source, rows, _yearly(held), book)


def _yearly(held: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Totals per year from the per-revision rows of one source."""
    years: dict[int, dict[str, Any]] = {}
    for row in held:
        into = years.setdefault(
            row["year"], {"year": row["year"], "value": 0.0, "rows": 0, "unjudged_value": 0.0, "currency": set()}
        )
        into["value"] += row["value"]
        into["rows"] += row["rows"]
        into["unjudged_value"] += row["unjudged_value"]
        into["currency"].add(row["currency"])
    return [years[y] for y in sorted(years)]


_COVERAGE_CACHE: dict[tuple[object, ...], pa.Table] = {}


def _coverage(
    revisions: tuple[str, ...], years: tuple[int, int], exporter: str, importer: str, book: RuleBook
) -> pa.Table:
    """The rules' code-level coverage for this corridor; kept for the packaged (immutable) rules."""
    key = (revisions, years, exporter, importer)
    packaged = book is load_rulebook()
    if packaged and key in _COVERAGE_CACHE:
        return _COVERAGE_CACHE[key]
    scopes = [(t, flow_direction(exporter, importer, t)) for t in book.targets()]
    table = coverage_table(revisions, years, scopes, book, _rule_filter(exporter, importer, years))
    if packaged:
        _COVERAGE_CACHE[key] = table
    return table


def _check_countries(exporter: str, importer: str) -> None:
    for code in (exporter, importer):
        if is_group(code):
            raise UsageError(
                f"exposure needs one exporter and one importer country, not the group '{code}'"
            )
    if exporter == importer:
        raise UsageError(f"exporter and importer are both '{exporter}': give two countries")


def _settle_source(
    flows: ir.Table, held: list[str], exporter: str, importer: str, years: tuple[int, int],
    source: str | None,
) -> str:
    if not held:
        raise NoDataError(_no_data_message(flows, exporter, importer, years, source))
    if source is None and len(held) > 1:
        raise UsageError(
            f"flows {exporter} -> {importer} come from several sources ({', '.join(held)}): "
            "choose one with --source, their sums would double count"
        )
    return source or held[0]


def _no_data_message(
    flows: ir.Table, exporter: str, importer: str, years: tuple[int, int], source: str | None
) -> str:
    everything = corridor_flows(flows, exporter, importer, (0, 9999), source)
    span = everything.aggregate(first=everything.year.min(), last=everything.year.max()).to_pyarrow()
    first, last = span.column(0)[0].as_py(), span.column(1)[0].as_py()
    asked = f"{years[0]}-{years[1]}" if years[0] != years[1] else str(years[0])
    via = f" from source '{source}'" if source else ""
    if first is None:
        return (
            f"no flows {exporter} -> {importer}{via} in the warehouse: load them first "
            "(shadowtrade data load)"
        )
    return (
        f"no flows {exporter} -> {importer}{via} in {asked}: the warehouse holds this corridor "
        f"for {first}-{last}; choose years in that range or load more data"
    )


def _rule_filter(exporter: str, importer: str, years: tuple[int, int]) -> Any:
    middle = dt.date(years[1], 7, 1)

    def keep(rule: Rule) -> bool:
        if rule.direction == "via_third_country":
            return binds(rule, exporter, middle)
        if rule.scope_kind == "tariff":
            return binds(rule, importer, middle)
        return True

    return keep


def _document(
    exporter: str, importer: str, years: tuple[int, int], source: str | None,
    rows: pa.Table, totals: list[dict[str, Any]], book: RuleBook,
) -> dict[str, Any]:
    total_by_year = {r["year"]: r for r in totals}
    entries = []
    for row in _merge_rule_sets(rows.to_pylist()):
        total = total_by_year[row["year"]]["value"] or 0.0
        entries.append(_entry(row, total, exporter, book))
    currencies = set().union(*(r["currency"] for r in totals))
    return {
        "query": {"exporter": exporter, "importer": importer, "years": list(years), "source": source},
        "currency": currencies.pop() if len(currencies) == 1 else sorted(currencies),
        "totals": [
            {"year": r["year"], "value": round(r["value"], 2), "rows": r["rows"],
             "unjudged_value": round(r["unjudged_value"], 2)}
            for r in totals
        ],
        "exposure": entries,
        "summary": _summary(exporter, importer, years, entries),
        "notes": _notes(),
    }


def _merge_rule_sets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per year, authority, direction and status, with the union of its rule ids."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = (row["year"], row["target"], row["direction"], row["authority"], row["status"])
        ids = set(row["rule_ids"].split(","))
        if key in merged:
            into = merged[key]
            into["value"] += row["value"]
            into["rows"] += row["rows"]
            into["max_days"] = max(into["max_days"], row["max_days"])
            into["rule_ids"] |= ids
        else:
            merged[key] = {**row, "rule_ids": ids}
    return sorted(
        merged.values(), key=lambda r: (r["year"], _ORDER[r["authority"]], -r["status_rank"])
    )


def _entry(row: dict[str, Any], total: float, exporter: str, book: RuleBook) -> dict[str, Any]:
    regime = next(r for r in book.regimes if r.authority == row["authority"] and _iso3(r.target) == row["target"])
    return {
        "year": row["year"],
        "authority": row["authority"],
        "target": regime.target,
        "direction": row["direction"],
        "status": row["status"],
        "value": round(row["value"], 2),
        "share_of_trade": round(row["value"] / total, 6) if total else None,
        "rows": row["rows"],
        "part_year": row["max_days"] < 365,
        "binds_exporter": binds_country(regime.binds, exporter, dt.date(row["year"], 7, 1)),
        "rule_ids": sorted(row["rule_ids"]),
    }


def _iso3(iso2: str) -> str:
    return iso3_from_iso2(iso2) or iso2


def _summary(exporter: str, importer: str, years: tuple[int, int], entries: list[dict[str, Any]]) -> str:
    """One plain sentence: nothing, or the largest prohibited (else strongest) share."""
    period = f"{years[0]}-{years[1]}" if years[0] != years[1] else str(years[0])
    if not entries:
        return f"No finding: no encoded measure reaches the trade {exporter} -> {importer} in {period}."
    top = max(entries, key=lambda e: (_RANK[e["status"]], e["share_of_trade"] or 0.0))
    share = f"{top['share_of_trade']:.1%}" if top["share_of_trade"] is not None else "n/a"
    return (
        f"{exporter} -> {importer}, {period}: the strongest status is {top['status']} "
        f"({top['authority']}), up to {share} of a year's trade ({top['year']})."
    )


_RANK = {status.value: status.rank for status in Status}


def _notes() -> list[str]:
    return [
        "Values are the corridor's trade (source units, whole currency) whose HS code falls under "
        "each status; per year and authority a code's value is counted once, under its strongest "
        "status (a code that maps only partly is split by the concordance weights).",
        "A status counts for a year when any of its rules was in force on any day of it; "
        "part_year marks statuses in force for less than the whole year.",
        "HS prefixes are screening proxies unless the instrument names HS codes; capped and "
        "possible statuses do not mean a breach. Not legal advice.",
    ]
