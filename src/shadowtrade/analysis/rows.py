"""SQL's rules on a few thousand Python rows: what detectors do after their one scan.

A detector's scan of the flows is an Ibis expression (DuckDB or Spark); its result is a few
thousand sums. The steps after it (preferences between kinds of rows, pivots, ratios, medians)
run here, in plain Python, the same whichever engine scanned: compiling them as Ibis expressions
cost more than running them. The functions keep SQL's null semantics so that results are those
of the expressions they replace: ``sum`` leaves nulls out, a ratio over a non-positive
denominator is null, a row whose preference flag is unknown is dropped.

>>> sql_sum([1.0, None, 2.0]), sql_sum([None]), ratio_of(3.0, 0.0), log_of_value(None)
(3.0, None, None, None)
>>> rows = [{"source": "a", "freq": "A", "v": 1}, {"source": "a", "freq": "M", "v": 2},
...         {"source": "b", "freq": "M", "v": 3}]
>>> [r["v"] for r in prefer_rows(rows, lambda r: flag(r["freq"], "A"), ["source"])]
[1, 3]
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from typing import Any

Row = dict[str, Any]


def sql_sum(values: Iterable[Any]) -> Any:
    """SQL's ``sum``: nulls left out, null when nothing is left."""
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def sql_median(values: Iterable[Any]) -> float | None:
    """SQL's ``median`` (interpolated between the two middle values): nulls left out.

    >>> sql_median([4.0, 1.0, None, 2.0, 3.0])
    2.5
    """
    present = [value for value in values if value is not None]
    return float(statistics.median(present)) if present else None


def ratio_of(numerator: Any, denominator: Any) -> float | None:
    """:func:`shadowtrade.analysis.findings.ratio` on values: null unless the denominator is
    positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return float(numerator / denominator)


def log_of_value(value: Any) -> float | None:
    """:func:`shadowtrade.analysis.findings.log_of` on a value: null unless positive."""
    return math.log(value) if value is not None and value > 0 else None


def minus(left: Any, right: Any) -> float | None:
    """``left - right``, null when either is."""
    return None if left is None or right is None else left - right


def flag(value: Any, wanted: Any) -> bool | None:
    """``value == wanted`` with SQL's null: unknown when ``value`` is null."""
    return None if value is None else value == wanted


def prefer_rows(rows: list[Row], marked: Callable[[Row], Any], by: list[str]) -> list[Row]:
    """Within each ``by`` partition, only the rows ``marked`` flags where any is flagged.

    A row whose flag is unknown (None) is dropped, as SQL's ``flag = max(flag) over (...)``
    drops it.
    """
    marks = [marked(row) for row in rows]
    if marks and None not in marks and len(set(marks)) == 1:
        return list(rows)  # one kind of row throughout: nothing to choose
    keys = [tuple(row[k] for k in by) for row in rows]
    best: dict[tuple[Any, ...], int] = {}
    for key, mark in zip(keys, marks, strict=True):
        if mark is not None:
            best[key] = max(best.get(key, 0), int(mark))
    return [row for row, key, mark in zip(rows, keys, marks, strict=True)
            if mark is not None and int(mark) == best.get(key)]


def pivot_years(rows: Iterable[Row], keys: list[str], base: int, year: int,
                columns: tuple[str, ...] = ("value",)) -> dict[tuple[Any, ...], Row]:
    """Per ``keys``: ``base_<column>`` and ``year_<column>`` (SQL ``sum(CASE WHEN year = base
    THEN column ELSE 0.0 END)`` and the same for ``year``); rows of other years are left out.

    >>> pivot_years([{"k": "x", "year": 2021, "value": 2.0}, {"k": "x", "year": 2023,
    ...              "value": 5.0}], ["k"], 2021, 2023)
    {('x',): {'base_value': 2.0, 'year_value': 5.0}}
    """
    parts: dict[tuple[Any, ...], dict[str, list[Any]]] = {}
    for row in rows:
        if row["year"] not in (base, year):
            continue
        at = row["year"] == base
        entry = parts.setdefault(tuple(row[k] for k in keys), {})
        for column in columns:
            entry.setdefault(f"base_{column}", []).append(row[column] if at else 0.0)
            entry.setdefault(f"year_{column}", []).append(0.0 if at else row[column])
    return {key: {name: sql_sum(values) for name, values in entry.items()}
            for key, entry in parts.items()}


def sum_by(rows: Iterable[Row], keys: list[str],
           columns: tuple[str, ...] = ("value",)) -> list[Row]:
    """SQL ``GROUP BY keys`` with ``sum`` of ``columns``, in order of first appearance."""
    groups: dict[tuple[Any, ...], dict[str, list[Any]]] = {}
    for row in rows:
        entry = groups.setdefault(tuple(row[k] for k in keys), {c: [] for c in columns})
        for column in columns:
            entry[column].append(row[column])
    return [{**dict(zip(keys, key, strict=True)),
             **{column: sql_sum(values) for column, values in entry.items()}}
            for key, entry in groups.items()]


def by_score(rows: list[Row], score: str = "score", then: str | None = None) -> list[Row]:
    """Sorted by ``source``, then ``score`` (highest first, nulls last), then ``then``."""
    return sorted(rows, key=lambda r: (r["source"], r[score] is None, -(r[score] or 0.0),
                                       "" if then is None else str(r[then])))
