"""The planted-signal generator, and the scorecard of every detector on planted data.

Recall = planted cases found / planted cases; false-positive rate = findings that were not
planted / candidates that were not planted. Both are printed (``pytest -s``) and asserted.
"""

from __future__ import annotations

import duckdb
import ibis
import ibis.expr.types as ir
import pytest

from shadowtrade.analysis.mirror_gap import MirrorGapParams, detect_mirror_gap
from shadowtrade.analysis.processing import ProcessingParams, detect_processing
from shadowtrade.analysis.rerouting import ReroutingParams, detect_rerouting
from shadowtrade.analysis.surges import SurgeParams, detect_surges
from shadowtrade.analysis.unit_value import UnitValueParams, detect_unit_values
from shadowtrade.sources.planted import CONDUITS, COLUMNS, PlantedData, PlantSpec, plant_flows

CHAPTERS = tuple(f"{chapter:02d}" for chapter in range(1, 84))


def as_table(data: PlantedData) -> ir.Table:
    con = duckdb.connect()
    con.register("incoming", data.to_arrow())
    con.execute("CREATE TABLE flows AS SELECT * FROM incoming")
    return ibis.duckdb.from_connection(con).table("flows")


def test_same_seed_same_flows() -> None:
    first, second = plant_flows(PlantSpec(products=5, seed=3)), plant_flows(PlantSpec(products=5, seed=3))
    assert first.flows.equals(second.flows)
    assert not first.flows.equals(plant_flows(PlantSpec(products=5, seed=4)).flows)


def test_rows_follow_the_flows_schema() -> None:
    data = plant_flows(PlantSpec(products=5))
    assert list(data.flows.columns) == COLUMNS
    table = data.to_arrow()
    assert table.schema.field("hs_code").type == "string"
    assert set(data.flows.source) == {"planted", "planted_mirror"}
    assert (data.flows.value > 0).all()
    own = data.flows[data.flows.source == "planted"]
    assert own.hs_code.str.len().eq(6).all() and (own.quantity > 0).all()


def test_planted_strengths_are_in_the_data() -> None:
    spec = PlantSpec(products=5)
    on, off = plant_flows(spec).flows, plant_flows(PlantSpec(products=5, plant=False)).flows
    def total(flows, exporter_in, importer, year):  # type: ignore[no-untyped-def]
        rows = flows[(flows.source == "planted") & flows.exporter.isin(exporter_in)
                     & (flows.importer == importer) & (flows.year == year)]
        return rows.value.sum()
    members = ("DEU", "FRA", "ITA", "POL", "NLD")
    assert total(on, members, "KGZ", 2023) / total(off, members, "KGZ", 2023) == pytest.approx(8.0, rel=0.01)
    assert total(on, members, "RUS", 2023) / total(off, members, "RUS", 2023) == pytest.approx(0.4, rel=0.01)
    assert total(on, members, "KGZ", 2021) == total(off, members, "KGZ", 2021)


def findings_by_detector(flows: ir.Table) -> dict[str, tuple[set[str], int]]:
    """Every detector's flagged subjects and number of candidates on one data set."""
    out: dict[str, tuple[set[str], int]] = {}
    result = detect_rerouting(flows, ReroutingParams("RUS", "EU27", CONDUITS, 2021, 2023))
    out["rerouting"] = ({f.subject for f in result.findings}, len(result.rows))
    found, candidates = set(), 0
    for conduit in CONDUITS:
        result = detect_mirror_gap(flows, MirrorGapParams("EU27", conduit, (2019, 2023), base=2021))
        found |= {f.subject for f in result.findings}
        candidates += sum(1 for row in result.rows if row["year"] > 2021)
    out["mirror-gap"] = (found, candidates)
    result = detect_unit_values(flows, UnitValueParams("CHN", "RUS", (2017, 2023),
                                                       prefixes=CHAPTERS, by="hs6"))
    out["unit-values"] = ({f.subject for f in result.findings}, len(result.rows))
    result = detect_surges(flows, SurgeParams("CHN", "RUS", "chpl", 2021, 2023))
    out["surges"] = ({f.subject for f in result.findings}, len(result.rows))
    result = detect_processing(flows, ProcessingParams("PRK", "CHN", ("6703",), ("6704",),
                                                       (2017, 2023), base=2021))
    out["processing"] = ({f.subject for f in result.findings},
                         sum(1 for row in result.rows if row["year"] > 2021))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12])
def test_scorecard_recall_and_false_positives(seed: int) -> None:
    planted = plant_flows(PlantSpec(seed=seed))
    quiet = plant_flows(PlantSpec(seed=seed, plant=False))
    with_pattern, without = findings_by_detector(as_table(planted)), findings_by_detector(as_table(quiet))
    for detector, (found, candidates) in with_pattern.items():
        truth = {case.subject for case in planted.cases if case.detector == detector}
        recall = len(found & truth) / len(truth)
        negatives = max(candidates - len(truth), 1)
        fp_rate = len(found - truth) / negatives
        quiet_found, quiet_candidates = without[detector]
        quiet_fp = len(quiet_found) / max(quiet_candidates, 1)
        print(f"seed {seed} {detector:12s} recall {recall:.2f} fp-rate {fp_rate:.3f} "
              f"quiet fp-rate {quiet_fp:.3f} ({candidates} candidates)")
        assert recall == 1.0, (detector, truth - found)
        assert fp_rate <= 0.01 and quiet_fp <= 0.01, (detector, found - truth, quiet_found)
