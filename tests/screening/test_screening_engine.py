"""The engine over real lists: matches across scripts, qualifiers, identifiers, bad queries,
batch CSV runs."""

from __future__ import annotations

import csv
import io

import pytest

from shadowtrade.errors import DataFileError, NotFoundError, UsageError
from shadowtrade.screening.batch import ScreenOptions, compare_csv, screen_csv
from shadowtrade.screening.engine import Screener, compare
from shadowtrade.screening.query import ScreenQuery


def top(engine: Screener, *names: str, **facts: object) -> dict:
    return engine.screen(ScreenQuery.build(list(names), **facts))["results"][0]  # type: ignore


def score_of(engine: Screener, entity_id: str, *names: str, **facts: object) -> float:
    results = engine.screen(ScreenQuery.build(list(names), **facts), limit=50)["results"]  # type: ignore
    return next(r["score"] for r in results if r["id"] == entity_id)


def test_hangul_query_finds_the_latin_entry(engine: Screener) -> None:
    results = engine.screen(ScreenQuery.build(["윤호진"]))["results"]  # UN: YUN HO-JIN, no Hangul
    hit = next(r for r in results if r["id"] == "un_sc-KPi.001")
    assert (hit["score"], hit["match"]) == (0.97, True)
    assert hit["explanation"]["name"]["detail"][0].startswith("korean 'YUN | hojin'≈'YUN |")


def test_dprk_variant_finds_the_un_entry(engine: Screener) -> None:
    hit = top(engine, "Yun Ho-chin", schema="Person")
    assert hit["id"] == "un_sc-KPi.001" and hit["score"] == 1.0


def test_cyrillic_query_finds_the_latin_entry(engine: Screener) -> None:
    hit = top(engine, "Лукашенко Александр Григорьевич")
    assert "LUKASHENKA" in hit["caption"].upper() or "LUKASHENKO" in hit["caption"].upper()
    assert hit["match"]


def test_result_shape(engine: Screener) -> None:
    result = engine.screen(ScreenQuery.build(["Ri Che-son"]), limit=2)
    assert set(result) == {"query", "results"}
    assert set(result["results"][0]) == {"id", "caption", "schema", "score", "match", "datasets",
                                         "properties", "explanation"}
    assert len(result["results"]) <= 2


def test_birth_date_country_and_schema_lower_the_score(engine: Screener) -> None:
    un_id = "un_sc-KPi.001"
    plain = score_of(engine, un_id, "YUN HO-JIN")
    assert plain == 1.0
    assert score_of(engine, un_id, "YUN HO-JIN", birth_dates=["1944-10-13"]) == plain
    assert score_of(engine, un_id, "YUN HO-JIN", birth_dates=["1944-01-01"]) == 0.9
    assert score_of(engine, un_id, "YUN HO-JIN", birth_dates=["1960"]) == 0.75
    assert score_of(engine, un_id, "YUN HO-JIN", countries=["RU"]) == 0.85
    vessel = engine.screen(ScreenQuery.build(["YUN HO-JIN"], schema="Vessel"))["results"][0]
    assert vessel["score"] == 0.65 and not vessel["match"]


def test_identifier_decides(engine: Screener, un_entities: list[dict]) -> None:
    listed = next(e for e in un_entities if e["properties"].get("passportNumber"))
    number = listed["properties"]["passportNumber"][0]
    hit = top(engine, "Completely Different Name", identifiers=[number])
    assert (hit["id"], hit["score"]) == (listed["id"], 1.0)
    assert hit["explanation"]["identifier"]["detail"].startswith("identifier ")


def test_unknown_dataset(engine: Screener) -> None:
    with pytest.raises(NotFoundError) as caught:
        engine.screen(ScreenQuery.build(["Kim"]), datasets=["xx"])
    assert str(caught.value).startswith("no list 'xx' is loaded; loaded lists: ")


@pytest.mark.parametrize("build, message", [
    (lambda: ScreenQuery.build([""]), "the name is empty: give a name with at least one letter"),
    (lambda: ScreenQuery.build(["A" * 10_000]),
     "the name is 10000 characters long; at most 1000 are allowed"),
    (lambda: ScreenQuery.build(["Kim"], birth_dates=["1984-13-45"]),
     "invalid birth date '1984-13-45': use YYYY, YYYY-MM or YYYY-MM-DD"),
    (lambda: ScreenQuery.build(["Kim"], countries=["Atlantis"]),
     "unknown country 'Atlantis': use an ISO code such as KP or RU"),
    (lambda: ScreenQuery.build(["Kim"], schema="Boat"),
     "unknown schema 'Boat'; use one of Person, Organization, Company, LegalEntity, Vessel, "
     "Aircraft, Thing"),
    (lambda: ScreenQuery.build(["..."]), "the name '...' has no letters or digits"),
    (lambda: compare("Kim", "Kim", threshold=1.5), "the threshold 1.5 is not between 0 and 1"),
])
def test_bad_queries_are_refused_with_what_to_fix(build, message: str) -> None:  # type: ignore
    with pytest.raises(UsageError) as caught:
        build()
    assert str(caught.value) == message


def test_batch_keeps_every_row(engine: Screener) -> None:
    source = io.StringIO("customer,name,schema\n1,Yun Ho-chin,Person\n2,Jane Nobody,Person\n"
                         "3,,Person\n4,김동운,\n")
    target = io.StringIO()
    summary = screen_csv(engine, source, target, ScreenOptions())
    rows = list(csv.DictReader(io.StringIO(target.getvalue())))
    assert (summary.rows, summary.rows_with_hits, summary.errors) == (4, 2, 1)
    assert [r["customer"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["hit_count"] != "0" for r in rows] == [True, False, False, True]
    assert rows[0]["top_id"] == "un_sc-KPi.001"
    assert rows[2]["error"] == "the name is empty: give a name with at least one letter"


def test_batch_without_the_name_column(engine: Screener) -> None:
    with pytest.raises(DataFileError) as caught:
        screen_csv(engine, io.StringIO("full_name\nKim\n"), io.StringIO(), label="customers.csv")
    assert str(caught.value) == (
        "customers.csv, line 1: customers.csv has no column 'name' (columns found: full_name); "
        "name the column with --name-column")


def test_compare_batch_scores_every_pair() -> None:
    target = io.StringIO()
    summary = compare_csv(io.StringIO("name1,name2,schema\nKim Jong Un,김정은,Person\n"
                                      "Kim Jong Un,Kim Jong Il,Person\n,x,\n"), target)
    rows = list(csv.DictReader(io.StringIO(target.getvalue())))
    assert [(r["score"], r["match"]) for r in rows] == [("0.970", "true"), ("0.333", "false"),
                                                         ("", "")]
    assert summary.errors == 1


def test_batch_keeps_cells_beyond_the_header(engine: Screener) -> None:
    target = io.StringIO()
    screen_csv(engine, io.StringIO("name\nKIM, Tong-un\n"), target)
    row = next(csv.DictReader(io.StringIO(target.getvalue())))
    assert row["name"] == "KIM"
    assert row["error"] == "the row has 1 more cell(s) than the header:  Tong-un"
