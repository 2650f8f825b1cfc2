"""The warehouse's cache of per-product world sums (``warehouse/derived.py``) and the
unit-value detector reading it: same rows as without it, invalidated by any load, usable from
a read-only open."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from shadowtrade.analysis import unit_value
from shadowtrade.analysis.unit_value import UnitValueParams, detect_unit_values
from shadowtrade.reference.groups import groups_members, sector_groups
from shadowtrade.sources.planted import PlantedData
from shadowtrade.warehouse import Warehouse
from shadowtrade.warehouse.derived import SUMS_STEM, derived_folder, product_year_sums
from shadowtrade.warehouse.ingest import add_flow_rows

PARAMS = UnitValueParams("CHN", "RUS", (2017, 2023), group="chpl", by="hs6")


def same_rows(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> bool:
    """Equal row by row, floats to 1e-9."""
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        if a.keys() != b.keys():
            return False
        for key, value in a.items():
            other = b[key]
            if isinstance(value, float) and isinstance(other, float):
                if not math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif value != other:
                return False
    return True


def sums_files(database: Path) -> list[Path]:
    return sorted(derived_folder(database).glob(f"{SUMS_STEM}_*.parquet"))


@pytest.fixture
def planted_home(tmp_path: Path, planted: PlantedData) -> Path:
    """A warehouse holding the planted flows as one load (its own files, its own cache)."""
    database = tmp_path / "warehouse.duckdb"
    with Warehouse(database) as warehouse:
        add_flow_rows(warehouse, planted.to_arrow(), label="planted")
    return database


def test_cached_world_sums_give_the_rows_computed_from_the_flows(
        planted_home: Path, planted: PlantedData, as_flows: Callable[[pa.Table], ir.Table],
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = detect_unit_values(as_flows(planted.to_arrow()), PARAMS)  # no cache there

    def no_scan(*args: Any) -> None:
        raise AssertionError("the world's sums were computed from the flows, not the cache")

    monkeypatch.setattr(unit_value, "world_sums", no_scan)
    with Warehouse(planted_home, read_only=True) as warehouse:
        first = detect_unit_values(warehouse.table("flows"), PARAMS)  # builds the cache
        assert len(sums_files(planted_home)) == 1
        later = detect_unit_values(warehouse.table("flows"), PARAMS)  # reads it
    assert any(row["world_corridors"] for row in expected.rows)
    assert same_rows(first.rows, expected.rows)
    assert same_rows(later.rows, expected.rows)
    assert [f.subject for f in later.findings] == [f.subject for f in expected.findings]


def test_a_new_load_makes_a_new_summary(planted_home: Path, planted: PlantedData) -> None:
    with Warehouse(planted_home, read_only=True) as warehouse:
        before = detect_unit_values(warehouse.table("flows"), PARAMS)
    old = sums_files(planted_home)
    row = next(r for r in before.rows if r["unit_value"] and r["world_corridors"] is not None)
    # one more corridor trading that product in that year, from a new exporter
    extra = planted.to_arrow().slice(0, 1).to_pylist()[0] | {
        "exporter": "ZZA", "importer": "ZZB", "reporter": "ZZA", "year": row["year"],
        "hs_revision": "HS17", "hs_code": row["key"], "quantity": 10.0, "value": 100.0}
    with Warehouse(planted_home) as warehouse:
        add_flow_rows(warehouse, pa.Table.from_pylist([extra], planted.to_arrow().schema))
    with Warehouse(planted_home, read_only=True) as warehouse:
        after = detect_unit_values(warehouse.table("flows"), PARAMS)
    again = {(r["key"], r["year"]): r for r in after.rows}[(row["key"], row["year"])]
    assert again["world_corridors"] == row["world_corridors"] + 1
    assert sums_files(planted_home) and sums_files(planted_home) != old  # the old one is gone


def test_only_a_warehouse_table_has_a_cache(
        planted: PlantedData, as_flows: Callable[[pa.Table], ir.Table]) -> None:
    codes = pa.table({"hs_revision": ["HS17"], "hs_code": ["854231"]})
    flows = as_flows(planted.to_arrow())
    assert product_year_sums(flows, codes) is None  # an in-memory database
    assert product_year_sums(flows.filter(flows.year > 2000), codes) is None  # an expression


def test_the_cache_is_filled_per_product(planted_home: Path) -> None:
    with Warehouse(planted_home, read_only=True) as warehouse:
        flows = warehouse.table("flows")
        one = product_year_sums(flows, pa.table({"hs_revision": ["HS17"],
                                                 "hs_code": ["854231"]}))
        both = product_year_sums(flows, pa.table({"hs_revision": ["HS17", "HS17"],
                                                  "hs_code": ["854231", "847130"]}))
        exact = warehouse.sql_rows(
            "SELECT year, count(DISTINCT (exporter, importer)) FROM flows WHERE "
            "hs_code = '854231' AND NOT aggregate GROUP BY year ORDER BY year")
    assert exact and one is not None and both is not None
    assert set(both["hs_code"].to_pylist()) <= {"854231", "847130"}
    counted = sorted(zip(one["year"].to_pylist(), one["corridors"].to_pylist(), strict=True))
    assert counted == [(year, count) for year, count in exact]


#: Rows that test the exact corridor count: 100 importers (two blocks of 64 bits), a missing
#: exporter or importer, duplicate rows, two sources and two HS revisions sharing a code, rows
#: without quantity, a publisher aggregate and TOTAL rows.
ODD_ROWS = """
    SELECT CASE WHEN s = 1 THEN 'baci' ELSE 'other' END AS source, 'HS17' AS dataset,
           'V1' AS release, 'A' AS freq, 2020 + y AS year, NULL AS month,
           CASE WHEN e = 0 THEN NULL ELSE 'E' || e END AS exporter,
           CASE WHEN i = 99 THEN NULL ELSE 'I' || i END AS importer, 'E' || e AS reporter,
           e = 5 AND i = 3 AS aggregate, CASE WHEN s = 2 AND i % 2 = 0 THEN 'HS22' ELSE 'HS17'
           END AS hs_revision, CASE WHEN i = 98 THEN 'TOTAL' WHEN (e + i) % 3 = 0 THEN '854231'
           ELSE '847130' END AS hs_code, 10.0 * e + i AS value, 'USD' AS currency,
           CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN 0.0 ELSE 1.0 + i END AS quantity,
           'kg' AS unit
    FROM range(1, 3) a(s), range(0, 2) b(y), range(0, 6) c(e), range(0, 100) d(i),
         range(0, 2) r(copy)
    WHERE copy = 0 OR (e + i) % 5 = 0"""
#: The same sums the way they read: every distinct key of a product and year, counted.
NAIVE_SUMS = """
    WITH rows AS (SELECT * FROM flows WHERE NOT aggregate AND hs_code <> 'TOTAL'
                  AND (hs_revision, hs_code) IN (('HS17', '854231'), ('HS22', '854231'),
                                                 ('HS17', '847130')))
    SELECT s.*, c.corridors FROM (
        SELECT source, currency, freq, year, hs_revision, hs_code,
               sum(CASE WHEN coalesce(quantity, 0) > 0 THEN value ELSE 0.0 END),
               sum(CASE WHEN coalesce(quantity, 0) > 0 THEN quantity ELSE 0.0 END)
        FROM rows GROUP BY ALL) s
    JOIN (SELECT source, currency, freq, year, hs_revision, hs_code, count(*) AS corridors
          FROM (SELECT DISTINCT source, currency, freq, year, hs_revision, hs_code, exporter,
                                importer FROM rows) GROUP BY ALL) c
    USING (source, currency, freq, year, hs_revision, hs_code) ORDER BY ALL"""


@pytest.mark.parametrize("loaded", [True, False], ids=["after data load", "without its sums"])
def test_the_corridor_counts_are_exact(tmp_path: Path, loaded: bool,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Missing partners count as one more corridor, duplicate rows as none, on both sides of
    the 64 importers that share one integer of bits; whether the importers are numbered from
    the partner sums ``data load`` keeps (the flows' importers then never scanned) or from
    the flows."""
    from shadowtrade.warehouse import derived

    with Warehouse(tmp_path / "warehouse.duckdb") as warehouse:
        add_flow_rows(warehouse, ODD_ROWS)
        if loaded:
            derived.build_summaries(warehouse)
            monkeypatch.setattr(derived, "IMPORTERS_SQL", "SELECT error('scanned') AS importer")
        codes = pa.table({"hs_revision": ["HS17", "HS22", "HS17", "HS17"],
                          "hs_code": ["854231", "854231", "847130", "TOTAL"]})
        sums = product_year_sums(warehouse.table("flows"), codes)
        expected = warehouse.sql_rows(NAIVE_SUMS)
        settings = warehouse.sql_rows("SELECT current_setting('disabled_optimizers')")
    assert sums is not None and len(expected) == 10  # (HS22, 847130) is not asked for
    assert sorted(tuple(row.values()) for row in sums.to_pylist()) == expected
    assert settings == [("",)]  # the query's settings were put back


def test_the_cache_is_filled_per_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run computes only the years it asks for; a later run adds only the years missing, and
    the file then holds what one run over every year gives."""
    from shadowtrade.warehouse import derived

    asked: list[list[tuple[str, str, int]]] = []
    compute = derived._compute_products
    monkeypatch.setattr(derived, "_compute_products",
                        lambda con, items, *where: asked.append(items)
                        or compute(con, items, *where))
    codes = pa.table({"hs_revision": ["HS17", "HS22", "HS17"],
                      "hs_code": ["854231", "854231", "847130"]})
    with Warehouse(tmp_path / "warehouse.duckdb") as warehouse:
        add_flow_rows(warehouse, ODD_ROWS)
        flows = warehouse.table("flows")
        first = product_year_sums(flows, codes, (2021, 2030))
        every = product_year_sums(flows, codes)
        again = product_year_sums(flows, codes, (2020, 2021))
        expected = warehouse.sql_rows(NAIVE_SUMS)
    assert first is not None and every is not None and again is not None
    assert set(first["year"].to_pylist()) == {2021}
    assert [{y for _, _, y in items} for items in asked] == [{2021}, {2020}]
    assert sorted(tuple(row.values()) for row in every.to_pylist()) == expected
    assert sorted(tuple(row.values()) for row in again.to_pylist()) == expected


def test_rerouting_reads_the_partner_sums_and_gives_the_rows_of_the_flows(
        planted_home: Path, planted: PlantedData, as_flows: Callable[[pa.Table], ir.Table],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting
    from shadowtrade.warehouse import derived

    params = ReroutingParams("RUS", "EU27", ("ARM", "GEO", "KAZ", "KGZ", "UZB"), 2021, 2023)
    expected = detect_rerouting(as_flows(planted.to_arrow()), params)  # no cache there
    with Warehouse(planted_home, read_only=True) as warehouse:
        first = detect_rerouting(warehouse.table("flows"), params)  # computes 2021 and 2023

        def no_scan(*args: Any) -> None:
            raise AssertionError("the partner sums were computed again, not read")

        monkeypatch.setattr(derived, "_compute_pairs", no_scan)
        later = detect_rerouting(warehouse.table("flows"), params)
        assert derived.partner_year_sums(warehouse.table("flows"), [2021, 2023]) is not None
    assert any(row["growth_sanctioner_to_conduit"] for row in expected.rows)
    assert same_rows(first.rows, expected.rows) and same_rows(later.rows, expected.rows)
    assert [f.headline for f in later.findings] == [f.headline for f in expected.findings]


def test_the_revisions_recorded_are_those_of_the_rows(
        tmp_path: Path, planted_home: Path, planted: PlantedData) -> None:
    """A warehouse's HS revisions as its stored files record them (what a detector maps its
    groups into, read without a scan) are those a scan of the rows finds; where a file mixes
    revisions, they are scanned."""
    from shadowtrade.analysis.flows import revisions_in
    from shadowtrade.warehouse.derived import revisions_held

    rows = planted.to_arrow()
    with Warehouse(tmp_path / "apart" / "warehouse.duckdb") as warehouse:
        for revision in ("HS17", "TOTAL"):  # one file each: the revision is a file constant
            add_flow_rows(warehouse, rows.filter(pc.equal(rows["hs_revision"], revision)),
                          label=revision)
        held = revisions_held(warehouse.table("flows"))
        scanned = warehouse.sql_rows("SELECT DISTINCT hs_revision FROM flows")
        found = revisions_in(warehouse.table("flows"))
    with Warehouse(planted_home, read_only=True) as warehouse:  # one file of both
        mixed = revisions_held(warehouse.table("flows"))
        found_mixed = revisions_in(warehouse.table("flows"))
    assert held == {revision for (revision,) in scanned} == {"HS17", "TOTAL"}
    assert found == found_mixed == ("HS17",) and mixed is None


def test_build_summaries_covers_every_year(planted_home: Path) -> None:
    from shadowtrade.warehouse.derived import build_summaries, partner_year_sums

    with Warehouse(planted_home, read_only=True) as warehouse:
        built = build_summaries(warehouse)
        flows = warehouse.table("flows")
        years = sorted({int(y) for (y,) in warehouse.sql_rows("SELECT DISTINCT year FROM flows")})
        sums = partner_year_sums(flows, years)
        exact = warehouse.sql_rows("SELECT sum(value) FROM flows")[0][0]
    assert sums is not None and built == {"partner_year_sums": sums.num_rows,
                                          "group_members": len(sector_groups())}
    assert math.isclose(sum(v for v in sums["value"].to_pylist() if v), exact, rel_tol=1e-12)


def test_a_load_maps_every_group_so_a_first_run_maps_none(
        planted_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After ``build_summaries`` (``data load``), a detector's groups are read from the cache
    folder, the same table the mapping gives, never mapped again."""
    from shadowtrade.warehouse import derived

    with Warehouse(planted_home, read_only=True) as warehouse:
        derived.build_summaries(warehouse)

        def no_mapping(*args: Any) -> None:
            raise AssertionError("a group was mapped again")

        monkeypatch.setattr(derived, "groups_members", no_mapping)
        kept = derived.group_members(warehouse.table("flows"), ["chpl", "chpl_tier_1"], ["HS17"])
        first = detect_unit_values(warehouse.table("flows"), PARAMS)
    monkeypatch.undo()
    assert kept.equals(groups_members(["chpl", "chpl_tier_1"], ["HS17"]))
    assert first.rows


@pytest.mark.parametrize("params", [
    UnitValueParams("CHN", "RUS", (2017, 2023), group="chpl", by="group"),
    UnitValueParams("CHN", "RUS", (2019, 2023), group="chpl_tier_1", by="hs4"),
    UnitValueParams("PRK", "CHN", (2017, 2023), prefixes=("6704", "6703"), by="hs4"),
], ids=["group", "hs4", "prefixes"])
def test_world_sums_of_groups_and_headings_are_kept(
        params: UnitValueParams, planted_home: Path, planted: PlantedData,
        as_flows: Callable[[pa.Table], ir.Table], monkeypatch: pytest.MonkeyPatch) -> None:
    """``--by group``, ``--by hs4`` and HS prefixes: the world reference is computed once and
    kept (``selection_sums``); later runs read it and give the rows computed from the flows."""
    expected = detect_unit_values(as_flows(planted.to_arrow()), params)  # no cache there
    with Warehouse(planted_home, read_only=True) as warehouse:
        first = detect_unit_values(warehouse.table("flows"), params)

        def no_scan(*args: Any) -> None:
            raise AssertionError("the world's sums were computed from the flows, not the cache")

        monkeypatch.setattr(unit_value, "world_sums", no_scan)
        later = detect_unit_values(warehouse.table("flows"), params)
    assert any(row["world_corridors"] for row in expected.rows)
    assert same_rows(first.rows, expected.rows)
    assert same_rows(later.rows, expected.rows)
