"""Batch screening and batch comparison of CSV files: every input row is kept in the output,
with its hits (or none) or the error that stopped it.

>>> import io
>>> from shadowtrade.screening.engine import Screener
>>> engine = Screener([{"id": "x-1", "schema": "Person", "caption": "RI JE-SON",
...                     "properties": {"name": ["RI JE-SON"]}, "datasets": ["x"]}])
>>> out = io.StringIO()
>>> screen_csv(engine, io.StringIO("name\\nRi Che-son\\n\\n"), out).rows
1
>>> out.getvalue().splitlines()[1].split(",")[:4]
['Ri Che-son', '1', 'x-1', 'RI JE-SON']
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from shadowtrade.errors import DataFileError, ShadowtradeError
from shadowtrade.screening.engine import DEFAULT_THRESHOLD, Screener, check_options, compare
from shadowtrade.screening.query import ScreenQuery

HIT_COLUMNS = ("hit_count", "top_id", "top_caption", "top_score", "top_datasets", "hits", "error")
SCORE_COLUMNS = ("score", "match", "error")


@dataclass(frozen=True)
class ScreenOptions:
    """Options of a batch screening run."""

    name_column: str = "name"
    schema_column: str | None = "schema"
    threshold: float = DEFAULT_THRESHOLD
    limit: int = 5
    datasets: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did."""

    rows: int
    rows_with_hits: int
    errors: int


def _reader(source: IO[str], required: tuple[str, ...], label: str) -> csv.DictReader:
    reader = csv.DictReader(source)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        found = ", ".join(reader.fieldnames or []) or "none"
        raise DataFileError(f"{label} has no column {missing[0]!r} (columns found: {found}); "
                            "name the column with --name-column", path=label, line=1)
    return reader


def screen_csv(engine: Screener, source: IO[str], target: IO[str],
               options: ScreenOptions = ScreenOptions(), label: str = "input",
               on_row: Callable[[], None] | None = None) -> BatchSummary:
    """Screen the name in each row; write the row with ``hit_count``, ``top_*`` and ``hits``."""
    check_options(options.threshold, options.limit)
    reader = _reader(source, (options.name_column,), label)
    writer = csv.DictWriter(target, list(reader.fieldnames or []) + list(HIT_COLUMNS))
    writer.writeheader()
    rows = with_hits = errors = 0
    for row in reader:
        rows += 1
        extra = dict.fromkeys(HIT_COLUMNS, "")
        overflow = _overflow(row)
        try:
            schema = row.get(options.schema_column or "") or None
            query = ScreenQuery.build([row.get(options.name_column) or ""], schema=schema,
                                      birth_dates=_listed(row.get("birth_date")),
                                      countries=_listed(row.get("country")))
            hits = [r for r in engine.screen(query, options.threshold, options.limit,
                                             list(options.datasets) or None)["results"]
                    if r["match"]]
            extra.update(_hit_columns(hits), error=overflow)
            with_hits += bool(hits)
        except ShadowtradeError as err:
            extra.update(hit_count="0", error="; ".join(filter(None, [str(err), overflow])))
            errors += 1
        writer.writerow({**row, **extra})
        if on_row:
            on_row()
    return BatchSummary(rows, with_hits, errors)


def _overflow(row: dict) -> str:
    """Cells beyond the header are kept (joined) in the error column, never dropped."""
    extra = row.pop(None, None)
    if not extra:
        return ""
    return f"the row has {len(extra)} more cell(s) than the header: {'|'.join(extra)}"


def _listed(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def _hit_columns(hits: list[dict]) -> dict[str, str]:
    if not hits:
        return {"hit_count": "0"}
    top = hits[0]
    return {"hit_count": str(len(hits)), "top_id": top["id"], "top_caption": top["caption"],
            "top_score": f"{top['score']:.3f}", "top_datasets": ";".join(top["datasets"]),
            "hits": ";".join(f"{h['id']}:{h['score']:.3f}" for h in hits)}


def compare_csv(source: IO[str], target: IO[str], threshold: float = DEFAULT_THRESHOLD,
                label: str = "input") -> BatchSummary:
    """Compare ``name1`` with ``name2`` in each row (optional ``schema``); add score, match."""
    reader = _reader(source, ("name1", "name2"), label)
    writer = csv.DictWriter(target, list(reader.fieldnames or []) + list(SCORE_COLUMNS))
    writer.writeheader()
    rows = matches = errors = 0
    for row in reader:
        rows += 1
        extra = dict.fromkeys(SCORE_COLUMNS, "")
        overflow = _overflow(row)
        try:
            result = compare(row.get("name1") or "", row.get("name2") or "",
                             row.get("schema") or None, threshold)
            extra.update(score=f"{result['score']:.3f}", match=str(result["match"]).lower(),
                         error=overflow)
            matches += result["match"]
        except ShadowtradeError as err:
            extra.update(error="; ".join(filter(None, [str(err), overflow])))
            errors += 1
        writer.writerow({**row, **extra})
    return BatchSummary(rows, matches, errors)
