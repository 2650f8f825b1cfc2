"""Origin laundering through processing: a loop of inputs and finished goods with a sanctioned origin.

North Korea's largest export is wigs and false eyelashes (HS 6704) made from Chinese hair
(HS 6703): China ships the input, North Korean workers finish it, and the goods return to China
to be sold as "Made in China" (Reuters, 3 Feb 2024; 38 North, Feb 2020). The detector follows
four legs per year between the ``origin`` and the processing country ``via``:

* ``inputs_to_origin``: input goods from ``via`` to ``origin`` (processing on commission);
* ``inputs_from_origin``: input goods from ``origin`` to ``via``;
* ``finished_from_origin``: finished goods from ``origin`` to ``via``;
* ``finished_exports``: ``via``'s exports of the finished goods to everyone but ``origin``;

and flags years where the loop with the origin has grown ``min_ratio`` times since ``base`` while
``via``'s exports of the finished product grew too.

>>> ProcessingParams("PRK", "CHN", ("6703",), ("6704",), (2019, 2023)).base
2019
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from shadowtrade.analysis.findings import (
    DetectorResult, Finding, execute_rows, money, ratio, years_text,
)
from shadowtrade.errors import NoDataError, UsageError
from shadowtrade.model.codes import normalise_hs_code
from shadowtrade.reference.countries import country_groups, is_group, resolve_country

LEGS = ("inputs_to_origin", "inputs_from_origin", "finished_from_origin", "finished_exports")
CAVEATS = [
    "The pattern is consistent with processing in the origin country; customs data cannot "
    "show that the finished goods exported by the processing country are the same goods.",
    "Processing on commission is often declared under a separate customs regime; where a "
    "publisher leaves such trade out, legs of the loop go missing.",
    "Values are nominal; a unit-value jump of the finished goods (see 'finished_unit_value') "
    "can mean higher prices, different goods, or misdeclared quantities.",
]


@dataclass(frozen=True)
class ProcessingParams:
    """Sanctioned ``origin``, processing country ``via``, input and output HS codes, years."""

    origin: str
    via: str
    input_hs: tuple[str, ...]
    output_hs: tuple[str, ...]
    years: tuple[int, int]
    base: int | None = None
    source: str | None = None
    min_ratio: float = 2.0
    min_export_growth: float = 1.0

    def __post_init__(self) -> None:
        for name in ("origin", "via"):
            code = resolve_country(getattr(self, name))
            if is_group(code):
                raise UsageError(f"--{name} must be one country, not the group '{code}'")
            object.__setattr__(self, name, code)
        if self.origin == self.via:
            raise UsageError(f"origin and processing country are both '{self.origin}'")
        for name in ("input_hs", "output_hs"):
            codes = tuple(normalise_hs_code(c) for c in getattr(self, name))
            if not codes:
                raise UsageError(f"no {name.replace('_', ' ')} codes given, e.g. 6703")
            object.__setattr__(self, name, codes)
        if set(self.input_hs) & set(self.output_hs):
            raise UsageError("input and output HS codes overlap: give different codes")
        first, last = self.years
        base = first if self.base is None else self.base
        if not first <= base < last:
            raise UsageError(f"base year {base} must lie in {first}-{last} before its last year")
        object.__setattr__(self, "base", base)


def _prefix(hs_code: ir.StringColumn, codes: tuple[str, ...]) -> ir.BooleanColumn:
    return ibis.or_(*[hs_code.startswith(code) for code in codes])


def _legs(flows: ir.Table, params: ProcessingParams) -> ir.Table:
    origin, via = params.origin, params.via
    # Every leg is exported by the origin or by ``via``, in the loop's products: plain filters
    # the engine applies while it scans (and skips blocks with), before any per-row CASE.
    rows = flows.filter(flows.year.between(*params.years), flows.exporter.isin([origin, via]),
                        _prefix(flows.hs_code, params.input_hs + params.output_hs))
    rows = rows.filter(~rows["aggregate"] & (rows.hs_code != "TOTAL"))
    if params.source:
        rows = rows.filter(rows.source == params.source)
    inputs, outputs = _prefix(rows.hs_code, params.input_hs), _prefix(rows.hs_code, params.output_hs)
    partners = [origin, "WLD", *country_groups()]
    leg = ibis.cases(
        ((rows.exporter == via) & (rows.importer == origin) & inputs, "inputs_to_origin"),
        ((rows.exporter == origin) & (rows.importer == via) & inputs, "inputs_from_origin"),
        ((rows.exporter == origin) & (rows.importer == via) & outputs, "finished_from_origin"),
        ((rows.exporter == via) & ~rows.importer.isin(partners) & outputs, "finished_exports"),
        else_=ibis.null("string"),
    )
    rows = rows.mutate(leg=leg)
    return rows.filter(rows.leg.notnull())


def processing_table(flows: ir.Table, params: ProcessingParams) -> ir.Table:
    """Per source and year: the four legs, their growth since ``base`` and the loop figures.

    Columns: ``source``, ``currency``, ``year``, one value column per leg,
    ``finished_from_origin_quantity``, ``finished_unit_value`` (per kg), ``loop_value`` (the
    three legs with the origin), ``loop_growth`` and ``export_growth`` (against ``base``) and
    ``origin_share`` (finished goods from the origin over ``via``'s finished exports).
    """
    rows = _legs(flows, params)
    sums = {leg: ibis.cases((rows.leg == leg, rows.value), else_=0.0).sum() for leg in LEGS}
    finished = rows.leg == "finished_from_origin"
    table = rows.group_by(["source", "currency", "year"]).aggregate(
        **sums,
        finished_from_origin_quantity=ibis.cases(
            (finished & (rows.quantity.fill_null(0) > 0), rows.quantity), else_=0.0).sum(),
        finished_value_with_quantity=ibis.cases(
            (finished & (rows.quantity.fill_null(0) > 0), rows.value), else_=0.0).sum(),
    )
    table = table.mutate(loop_value=table.inputs_to_origin + table.inputs_from_origin
                         + table.finished_from_origin)
    at = table.year == params.base
    series = ["source", "currency"]
    table = table.mutate(
        base_loop=ibis.cases((at, table.loop_value)).max().over(group_by=series),
        base_exports=ibis.cases((at, table.finished_exports)).max().over(group_by=series),
    )
    return table.mutate(
        finished_unit_value=ratio(table.finished_value_with_quantity,
                                  table.finished_from_origin_quantity),
        loop_growth=ratio(table.loop_value, table.base_loop),
        export_growth=ratio(table.finished_exports, table.base_exports),
        origin_share=ratio(table.finished_from_origin, table.finished_exports),
    ).drop("finished_value_with_quantity").order_by(["source", "year"])


def detect_processing(flows: ir.Table, params: ProcessingParams) -> DetectorResult:
    """Run the processing-loop detector; findings are years where the loop grew.

    >>> # detect_processing(flows, ProcessingParams("PRK", "CHN", ("6703",), ("6704",), (2019, 2023)))
    """
    rows = _check(execute_rows(processing_table(flows, params)), params)
    findings = sorted(_findings(rows, params), key=lambda f: -f.score)
    parameters = {"origin": params.origin, "via": params.via, "input_hs": list(params.input_hs),
                  "output_hs": list(params.output_hs), "years": params.years,
                  "base": params.base, "source": params.source, "min_ratio": params.min_ratio,
                  "min_export_growth": params.min_export_growth}
    sources = sorted({row["source"] for row in rows})
    return DetectorResult("processing", parameters, findings, rows, sources, CAVEATS)


def _check(rows: list[dict[str, Any]], params: ProcessingParams) -> list[dict[str, Any]]:
    codes = "+".join(params.input_hs + params.output_hs)
    what = f"HS {codes} between {params.origin} and {params.via} in {years_text(*params.years)}"
    if not rows:
        raise NoDataError(f"no trade flows loaded for {what}; load product-level data with "
                          "shadowtrade data load")
    if not any(row["year"] == params.base and row["loop_value"] for row in rows):
        raise NoDataError(f"no trade with {params.origin} in the loop products in the base "
                          f"year {params.base} ({what}): pick a base year with data")
    return rows


def _findings(rows: list[dict[str, Any]], params: ProcessingParams) -> list[Finding]:
    found = []
    for row in rows:
        loop, exports = row["loop_growth"], row["export_growth"]
        if row["year"] <= params.base or not loop or loop < params.min_ratio:
            continue
        if exports is not None and exports < params.min_export_growth:
            continue
        score = math.log(loop) + (math.log(exports) if exports else 0.0)
        found.append(Finding(f"{params.origin}->{params.via} {row['year']}", score,
                             _headline(row, params), row))
    return found


def _headline(row: dict[str, Any], params: ProcessingParams) -> str:
    cur = row["currency"]
    text = (f"Trade between {params.origin} and {params.via} in inputs "
            f"({'+'.join(params.input_hs)}) and finished goods ({'+'.join(params.output_hs)}) "
            f"grew {row['loop_growth']:.1f}x from {params.base} to {row['year']} "
            f"(to {money(row['loop_value'], cur)})")
    if row["export_growth"]:
        text += (f" while {params.via}'s exports of the finished goods grew "
                 f"{row['export_growth']:.2f}x")
    if row["origin_share"]:
        text += f"; goods from {params.origin} equal {row['origin_share']:.0%} of those exports"
    return text + f" [{row['source']}]."
