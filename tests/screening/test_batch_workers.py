"""Batch screening on several processes writes what one process writes, in the input's order."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shadowtrade.cli import app
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


def test_cli_batch_on_two_workers(tmp_path: Path) -> None:
    listed = tmp_path / "internal.csv"  # two UN DPRK names (KPi.002, KPi.066), made up ids
    listed.write_text("id,name,schema\nc1,RI JE-SON,Person\nc2,YUN HO-JIN,Person\n")
    runner = CliRunner()
    home = ["--home", str(tmp_path / "home"), "--quiet"]
    loaded = runner.invoke(app, [*home, "lists", "load", str(listed), "--dataset", "internal"])
    assert loaded.exit_code == 0, loaded.output
    source = tmp_path / "customers.csv"
    source.write_text("ref,name\nA,Yun Ho-chin\nB,Jane Nobody\nC,Ri Che-son\n")
    hits = tmp_path / "hits.csv"
    result = runner.invoke(app, [*home, "screen", "--input", str(source), "--output", str(hits),
                                 "--workers", "2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(hits.open(encoding="utf-8")))
    assert [(r["ref"], r["top_id"]) for r in rows] == [
        ("A", "internal-c2"), ("B", ""), ("C", "internal-c1")]


def test_a_row_that_breaks_the_engine_keeps_its_place(engine: Screener,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine.matches  # what a batch run asks of the engine

    def broken(query, *args, **kwargs):  # type: ignore[no-untyped-def]
        if query.names == ("Jane Doe",):
            raise IndexError("string index out of range")
        return real(query, *args, **kwargs)

    monkeypatch.setattr(engine, "matches", broken)
    out = io.StringIO()
    summary = screen_csv(engine, io.StringIO("name\nJane Doe\nRi Che-son\n"), out)
    first, second = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert summary.errors == 1 and second["hit_count"] == "1"
    assert first["error"] == ("internal error, please report it: IndexError: string index out "
                              "of range")
