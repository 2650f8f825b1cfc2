"""Batch screening on several processes writes what one process writes, in the input's order."""

from __future__ import annotations

import csv
import io

from shadowtrade.screening.batch import ScreenOptions, screen_csv
from shadowtrade.screening.engine import Screener


def _names(engine: Screener) -> str:
    captions = [entry.entity["caption"] for entry in engine.index.entries[::61]]
    rows = captions + ["Jane Doe", "", captions[0], "Kim Jong Un"]  # a blank and a repeat
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "note"])
    writer.writerows([name, f"row {number}"] for number, name in enumerate(rows))
    return buffer.getvalue()


def test_two_workers_write_what_one_writes(engine: Screener) -> None:
    text = _names(engine)
    one, two = io.StringIO(), io.StringIO()
    first = screen_csv(engine, io.StringIO(text), one, ScreenOptions())
    second = screen_csv(engine, io.StringIO(text), two, ScreenOptions(workers=2))
    assert first == second
    assert first.rows == text.count("row ") and first.errors == 1
    assert one.getvalue() == two.getvalue()


def test_a_repeated_row_gets_the_same_hits(engine: Screener) -> None:
    out = io.StringIO()
    screen_csv(engine, io.StringIO("name\nRi Che-son\nRi Che-son\n"), out)
    first, second = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert first["hits"] == second["hits"] != ""
