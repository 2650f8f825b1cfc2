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
>>> out = io.StringIO()
>>> rows = io.StringIO("name\\nJane Doe\\nRi Che-son\\n")
>>> screen_csv(engine, rows, out, ScreenOptions(workers=2))
BatchSummary(rows=2, rows_with_hits=1, errors=0)
>>> [line.split(",")[:2] for line in out.getvalue().splitlines()[1:]]
[['Jane Doe', '0'], ['Ri Che-son', '1']]
"""

from __future__ import annotations

import csv
import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import IO

from shadowtrade.errors import DataFileError, ShadowtradeError
from shadowtrade.screening.engine import DEFAULT_THRESHOLD, Screener, check_options, compare
from shadowtrade.screening.heap import collector_paused
from shadowtrade.screening.query import ScreenQuery

CHUNK_ROWS = 64  # rows sent to a worker process at a time
REPEATS_KEPT = 10_000  # screened rows remembered, so a repeated row is screened once
COLLECT_EVERY = 5_000  # rows between two runs of the (otherwise paused) cyclic collector
HIT_COLUMNS = ("hit_count", "top_id", "top_caption", "top_score", "top_datasets", "hits", "error")
SCORE_COLUMNS = ("score", "match", "error")


@dataclass(frozen=True)
class ScreenOptions:
    """Options of a batch screening run (``workers``: processes screening rows)."""

    name_column: str = "name"
    schema_column: str | None = "schema"
    threshold: float = DEFAULT_THRESHOLD
    limit: int = 5
    datasets: tuple[str, ...] = ()
    workers: int = 1


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
    """Screen the name in each row; write the row with ``hit_count``, ``top_*`` and ``hits``.

    Rows are written in the input's order, also when ``options.workers`` processes screen them.
    """
    check_options(options.threshold, options.limit)
    reader = _reader(source, (options.name_column,), label)
    columns = list(reader.fieldnames or []) + list(HIT_COLUMNS)
    writer = csv.writer(target)  # rows as lists: DictWriter checks every row's keys again
    writer.writerow(columns)
    overflows: deque[str] = deque()

    def rows() -> Iterator[dict[str, str | None]]:
        for row in reader:
            overflows.append(_overflow(row))
            yield row

    rows_seen = with_hits = errors = 0
    for row, extra in screened_rows(engine, rows(), options):
        overflow = overflows.popleft()
        rows_seen += 1
        errors += bool(extra["error"])
        with_hits += extra["hit_count"] not in ("", "0")
        if overflow:
            extra["error"] = "; ".join(filter(None, [extra["error"], overflow]))
        merged = {**row, **extra}
        writer.writerow([merged.get(column, "") for column in columns])
        if on_row:
            on_row()
    return BatchSummary(rows_seen, with_hits, errors)


def screen_row(engine: Screener, row: Mapping[str, str | None],
               options: ScreenOptions) -> dict[str, str]:
    """The hit columns of one row; a row that cannot be screened gets ``hit_count`` 0 and
    the reason in ``error``."""
    extra = dict.fromkeys(HIT_COLUMNS, "")
    try:
        query = ScreenQuery.build([row.get(options.name_column) or ""],
                                  schema=row.get(options.schema_column or "") or None,
                                  birth_dates=_listed(row.get("birth_date")),
                                  countries=_listed(row.get("country")))
        hits = engine.matches(query, options.threshold, options.limit,
                              list(options.datasets) or None)
        extra.update(_hit_columns(hits))
    except ShadowtradeError as err:
        extra.update(hit_count="0", error=str(err))
    except Exception as err:  # noqa: BLE001 (a bug on one row must not lose the whole batch)
        extra.update(hit_count="0", error=f"internal error, please report it: "
                                          f"{type(err).__name__}: {err}")
    return extra


Row = Mapping[str, "str | None"]


def screened_rows(engine: Screener, rows: Iterator[Row],
                  options: ScreenOptions) -> Iterator[tuple[Row, dict[str, str]]]:
    """Each row with its hit columns, in the input's order; on ``options.workers`` processes
    when more than one (forked: they share the engine's memory), rows repeated in the input
    screened once.
    """
    if options.workers <= 1:
        return _screened_here(engine, rows, options)
    return _screened_in_pool(engine, rows, options)


def _row_key(row: Row, options: ScreenOptions) -> tuple[str | None, ...]:
    return (row.get(options.name_column), row.get(options.schema_column or ""),
            row.get("birth_date"), row.get("country"))


def _screened_here(engine: Screener, rows: Iterator[Row],
                   options: ScreenOptions) -> Iterator[tuple[Row, dict[str, str]]]:
    """Screening makes no reference cycles, so the cyclic collector, which would otherwise
    scan the young objects every few hundred allocations (2 % of a batch's time, for nothing
    found), is paused, and run on the young objects every ``COLLECT_EVERY`` rows instead."""
    seen: dict[tuple[str | None, ...], dict[str, str]] = {}
    with collector_paused(freeze=False):
        for count, row in enumerate(rows, 1):
            key = _row_key(row, options)
            extra = seen.get(key)
            if extra is None:
                if len(seen) >= REPEATS_KEPT:
                    seen.clear()
                extra = seen[key] = screen_row(engine, row, options)
            if count % COLLECT_EVERY == 0:
                gc.collect(0)
            yield row, dict(extra)


_POOL_ENGINE: list[Screener] = []  # the engine a forked worker process screens with


def _screen_chunk(task: tuple[list[Row], ScreenOptions]) -> list[dict[str, str]]:
    rows, options = task
    return [extra for _, extra in _screened_here(_POOL_ENGINE[0], iter(rows), options)]


def _screened_in_pool(engine: Screener, rows: Iterator[Row],
                      options: ScreenOptions) -> Iterator[tuple[Row, dict[str, str]]]:
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from _screened_here(engine, rows, options)  # pickling the engine: not worth it
        return
    engine.learn_words()  # once, before the fork: the workers share the words' features
    _POOL_ENGINE[:] = [engine]
    try:
        with multiprocessing.get_context("fork").Pool(options.workers) as pool:
            while window := [chunk for chunk in (list(islice(rows, CHUNK_ROWS)) for _ in
                                                 range(options.workers * 8)) if chunk]:
                done = pool.map(_screen_chunk, [(chunk, options) for chunk in window])
                for chunk, extras in zip(window, done):
                    yield from zip(chunk, extras)
    finally:
        _POOL_ENGINE.clear()


def _overflow(row: dict) -> str:
    """Cells beyond the header are kept (joined) in the error column, never dropped."""
    extra = row.pop(None, None)
    if not extra:
        return ""
    return f"the row has {len(extra)} more cell(s) than the header: {'|'.join(extra)}"


def _listed(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


_SCORE_TEXTS: dict[float, str] = {}  # scores have three decimals: at most 1,001 of them


def _score_text(score: float) -> str:
    """A score with three decimals, formatted once per distinct score.

    >>> _score_text(0.95), _score_text(1.0)
    ('0.950', '1.000')
    """
    text = _SCORE_TEXTS.get(score)
    if text is None:
        text = f"{score:.3f}"
        if len(_SCORE_TEXTS) < 10_000:  # a bound, should a score ever have more decimals
            _SCORE_TEXTS[score] = text
    return text


def _hit_columns(hits: list[tuple[float, dict]]) -> dict[str, str]:
    """The hit columns of (score, entity) pairs, best first."""
    if not hits:
        return {"hit_count": "0"}
    score, top = hits[0]
    return {"hit_count": str(len(hits)), "top_id": top["id"], "top_caption": top.get("caption"),
            "top_score": _score_text(score),
            "top_datasets": ";".join(top.get("datasets", [])),
            "hits": ";".join([f"{entity['id']}:{_score_text(score)}" for score, entity in hits])}


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
