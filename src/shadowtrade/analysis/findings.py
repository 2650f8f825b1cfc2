"""What every evasion detector hands back: ranked findings with the figures behind them.

A detector builds an Ibis expression (nothing runs), the caller executes it, and the rows become a
:class:`DetectorResult`: the parameters it ran with, the findings ranked by strength, every
candidate row (flagged or not) and the caveats a careful reader needs. ``as_dict()`` is the
``--json`` form.

>>> result = DetectorResult("surges", {"base": 2021}, [Finding("chpl_tier_4b", 2.28,
...     "CNC machine tools x9.8", {"ratio": 9.8})], rows=[], sources=["baci"])
>>> result.as_dict()["findings"][0]["subject"]
'chpl_tier_4b'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.errors import NoDataError


@dataclass(frozen=True)
class Finding:
    """One thing a detector flags: who or what, how strong, one plain sentence and the figures."""

    subject: str
    score: float
    headline: str
    figures: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"subject": self.subject, "score": plain(self.score), "headline": self.headline,
                "figures": {key: plain(value) for key, value in self.figures.items()}}


@dataclass(frozen=True)
class DetectorResult:
    """A detector's answer: parameters, ranked findings, every candidate row, sources, caveats."""

    detector: str
    parameters: dict[str, Any]
    findings: list[Finding]
    rows: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        return {
            "detector": self.detector,
            "parameters": {key: plain(value) for key, value in self.parameters.items()},
            "findings": [finding.as_dict() for finding in self.findings],
            "rows": [{key: plain(value) for key, value in row.items()} for row in self.rows],
            "sources": list(self.sources),
            "caveats": list(self.caveats),
        }


def plain(value: Any) -> Any:
    """A JSON-ready scalar: NaN and NA become None, numpy scalars Python numbers.

    >>> plain(float("nan")) is None
    True
    >>> plain((2021, 2023))
    [2021, 2023]
    """
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator``, null (never infinite) when the denominator is not positive."""
    return ibis.cases((denominator > 0, numerator / denominator), else_=ibis.null("float64"))


def log_of(value: ir.NumericValue) -> ir.FloatingValue:
    """Natural log, null for zero, negative or missing values."""
    return ibis.cases((value > 0, value.ln()), else_=ibis.null("float64"))


def execute_rows(expr: ir.Table, on: ir.Table | None = None) -> list[dict[str, Any]]:
    """Run an expression and return its rows as dicts of plain Python values.

    ``on``: a table whose engine runs it, for an expression built only on in-memory tables
    (see :func:`materialise`); without it, the engine of the expression's own tables.
    """
    table = on.get_backend().to_pyarrow(expr) if on is not None else expr.to_pyarrow()
    return arrow_rows(table)


def arrow_rows(table: pa.Table) -> list[dict[str, Any]]:
    """An Arrow table's rows as dicts of plain Python values: :func:`plain` applied column by
    column (NaN and infinities become None), not value by value.

    >>> arrow_rows(pa.table({"a": [1.0, float("nan")], "b": ["x", None]}))
    [{'a': 1.0, 'b': 'x'}, {'a': None, 'b': None}]
    """
    columns = []
    for column in table.columns:
        if pa.types.is_floating(column.type):
            bad = pc.or_(pc.is_nan(column), pc.is_inf(column))
            column = pc.if_else(bad, pa.scalar(None, column.type), column)
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pylist()


def materialise(expr: ir.Table, flows: ir.Table) -> ir.Table:
    """Run a *small* intermediate result once, on the engine of ``flows``, as a new table.

    Later steps that read it several times (windows, self-joins, unions) then work on a few
    thousand rows instead of re-running the plan that scanned the flows. The result is an
    in-memory table registered on the same engine (DuckDB or Spark), so what follows still
    runs there.

    >>> small = ibis.memtable({"year": [2021, 2022], "value": [1.0, 2.0]})
    >>> materialise(small.filter(small.year > 2021), small).to_pyarrow().num_rows
    1
    """
    return ibis.memtable(flows.get_backend().to_pyarrow(expr))


def require_rows(rows: list[dict[str, Any]], what: str, hint: str) -> list[dict[str, Any]]:
    """The rows, or a :class:`NoDataError` naming what was asked for and what to try."""
    if not rows:
        raise NoDataError(f"no trade flows loaded for {what}; {hint}")
    return rows


def years_text(first: int, last: int) -> str:
    """``2021`` or ``2019-2023``.

    >>> years_text(2019, 2023)
    '2019-2023'
    """
    return str(first) if first == last else f"{first}-{last}"


def money(value: float | None, currency: str) -> str:
    """A value for a sentence: ``EUR 2.47 bn``, ``USD 802.7 m``, ``USD 17.0/kg`` is not this.

    >>> money(2.4715e9, "EUR")
    'EUR 2.47 bn'
    >>> money(31.1e6, "USD")
    'USD 31.1 m'
    """
    if value is None:
        return "n/a"
    size = abs(value)
    if size >= 1e9:
        return f"{currency} {value / 1e9:,.2f} bn"
    if size >= 1e6:
        return f"{currency} {value / 1e6:,.1f} m"
    if size >= 1e3:
        return f"{currency} {value / 1e3:,.1f} k"
    return f"{currency} {value:,.0f}"


def left_join(left: ir.Table, right: ir.Table, keys: list[str]) -> ir.Table:
    """``left`` with ``right``'s other columns added on ``keys`` (no ``_right`` duplicates)."""
    renamed = right.rename({f"_key_{key}": key for key in keys})
    predicates = [left[key] == renamed[f"_key_{key}"] for key in keys]
    joined = left.left_join(renamed, predicates)
    return joined.select([c for c in joined.columns if not c.startswith("_key_")])
