"""Synthetic trade flows with evasion patterns planted at known places and strengths.

Detectors are tested the way record-linkage models are (splink's convergence tests): plant a
pattern in synthetic data, check the detector finds it, and check it stays quiet on the same
data without the pattern. The generator writes rows in the warehouse's ``flows`` schema:

* ``source = "planted"``: every exporter's own report, HS17 six-digit rows with quantities (kg);
* ``source = "planted_mirror"``: the conduits' own import statistics (``TOTAL`` rows, CIF).

Planted patterns (``PlantSpec.plant = True``), all from ``shock`` (default 2022) on:

* **rerouting**: the sanctioner's (EU members') exports to the target fall to ``target_drop``,
  while exports to each planted conduit grow ``conduit_boost`` times (KGZ x8, ARM x3);
* **mirror-gap**: a planted conduit's own statistics record only ``recorded_share`` of the
  additional exports (KGZ: 25 %);
* **unit-values**: the unit value of a few non-controlled codes on the China-Russia corridor
  jumps ``price_jump`` times in the shock year (quantities unchanged) and stays there;
* **surges**: China's exports to Russia of CHPL tier 4.B grow ``surge`` times;
* **processing**: China's exports of HS 6703 to North Korea and North Korea's exports of HS 6704
  to China grow ``loop_boost`` times, and China's exports of HS 6704 to others grow 1.5 times.

>>> data = plant_flows(PlantSpec(products=10, seed=1))
>>> sorted({case.detector for case in data.cases})
['mirror-gap', 'processing', 'rerouting', 'surges', 'unit-values']
>>> plant_flows(PlantSpec(products=10, plant=False)).cases
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from shadowtrade.reference.groups import group_members
from shadowtrade.reference.hs import known_codes

SANCTIONER_MEMBERS = ("DEU", "FRA", "ITA", "POL", "NLD")
CONDUITS = ("ARM", "GEO", "KAZ", "KGZ", "UZB")
OTHERS = ("USA", "GBR", "JPN", "KOR", "IND", "BRA", "TUR", "ARE", "CAN", "AUS", "MEX", "ZAF",
          "EGY", "SAU", "CHE", "NOR", "SGP", "THA", "VNM", "IDN")
EXTRA_EXPORTERS = ("CHN", "USA", "TUR", "KOR")
HAIR_INPUT, HAIR_OUTPUT = ("670300",), ("670411", "670419", "670420", "670490")
SCHEMA = pa.schema([
    ("source", pa.string()), ("dataset", pa.string()), ("release", pa.string()),
    ("freq", pa.string()), ("year", pa.int16()), ("month", pa.int8()), ("exporter", pa.string()),
    ("importer", pa.string()), ("reporter", pa.string()), ("aggregate", pa.bool_()),
    ("hs_revision", pa.string()), ("hs_code", pa.string()), ("value", pa.float64()),
    ("currency", pa.string()), ("quantity", pa.float64()), ("unit", pa.string()),
    ("load_id", pa.int32()),
])
COLUMNS = ["source", "dataset", "release", "freq", "year", "month", "exporter", "importer",
           "reporter", "aggregate", "hs_revision", "hs_code", "value", "currency", "quantity",
           "unit", "load_id"]


@dataclass(frozen=True)
class PlantedCase:
    """One planted pattern: the detector that should find it and the subject it should name."""

    detector: str
    subject: str
    strength: float


@dataclass(frozen=True)
class PlantSpec:
    """What to generate and what to plant; every number is a default the tests rely on."""

    seed: int = 0
    years: tuple[int, int] = (2017, 2023)
    shock: int = 2022
    products: int = 40
    plant: bool = True
    noise: float = 0.03
    target: str = "RUS"
    conduit_boost: tuple[tuple[str, float], ...] = (("KGZ", 8.0), ("ARM", 3.0))
    target_drop: float = 0.4
    recorded_share: tuple[tuple[str, float], ...] = (("KGZ", 0.25),)
    price_jump: float = 2.5
    price_jump_codes: int = 3
    surge: float = 6.0
    loop_boost: float = 5.0


@dataclass
class PlantedData:
    """The generated flows (``flows`` schema) and the list of planted cases."""

    flows: pd.DataFrame
    cases: list[PlantedCase] = field(default_factory=list)
    spec: PlantSpec = field(default_factory=PlantSpec)

    def to_arrow(self) -> pa.Table:
        """The flows as an Arrow table with the warehouse's column types."""
        return pa.Table.from_pandas(self.flows, schema=SCHEMA, preserve_index=False)


def product_codes(count: int, seed: int = 0) -> dict[str, list[str]]:
    """HS17 codes by role: CHPL tiers (mapped whole), hair, and ``count`` ordinary codes."""
    tiers = {}
    for tier in ("chpl_tier_1", "chpl_tier_3b", "chpl_tier_4b"):
        members = group_members(tier, "HS17").to_pandas()
        tiers[tier] = sorted(members[members.weight >= 0.99].hs_code)
    listed = {code for codes in tiers.values() for code in codes} | set(HAIR_INPUT + HAIR_OUTPUT)
    pool = sorted(code for code in known_codes("HS17") if code[:2] < "84" and code not in listed)
    rng = np.random.default_rng(seed)
    ordinary = sorted(rng.choice(pool, size=count, replace=False).tolist())
    return {**tiers, "hair": list(HAIR_INPUT + HAIR_OUTPUT), "ordinary": ordinary}


def _grid(spec: PlantSpec, codes: list[str]) -> pd.DataFrame:
    """Every corridor x product x year with a base value, a trend and a unit value."""
    rng = np.random.default_rng(spec.seed)
    partners = (spec.target, *CONDUITS, *OTHERS, "CHN", "PRK")
    pairs = [(e, i) for e in SANCTIONER_MEMBERS + EXTRA_EXPORTERS for i in partners if e != i]
    pairs.append(("PRK", "CHN"))
    corridors = pd.DataFrame(pairs, columns=["exporter", "importer"])
    corridors["trend"] = rng.normal(0.02, 0.01, len(corridors))
    products = pd.DataFrame({"hs_code": codes, "unit_value": np.exp(rng.uniform(1, 7, len(codes)))})
    years = pd.DataFrame({"year": np.arange(spec.years[0], spec.years[1] + 1)})
    grid = corridors.merge(products, how="cross").merge(years, how="cross")
    base = np.exp(rng.normal(15, 1.0, len(corridors) * len(codes)))
    grid["base"] = np.repeat(base, len(years))
    step = grid.year - spec.years[0]
    grid["value"] = grid.base * (1 + grid.trend) ** step * np.exp(rng.normal(0, spec.noise, len(grid)))
    uv_noise = np.exp(rng.normal(0, spec.noise, len(grid)))
    grid["quantity"] = grid.value / (grid.unit_value * uv_noise)
    return grid.drop(columns=["base", "trend"])


def _plant(grid: pd.DataFrame, spec: PlantSpec, roles: dict[str, list[str]]) -> list[PlantedCase]:
    """Scale values (and quantities) in place where patterns go; return the planted cases."""
    after = grid.year >= spec.shock
    members = grid.exporter.isin(SANCTIONER_MEMBERS)
    cases: list[PlantedCase] = []
    _scale(grid, after & members & (grid.importer == spec.target), spec.target_drop)
    for conduit, boost in spec.conduit_boost:
        _scale(grid, after & members & (grid.importer == conduit), boost)
        cases.append(PlantedCase("rerouting", conduit, boost))
    for conduit, _share in spec.recorded_share:
        for year in range(spec.shock, spec.years[1] + 1):
            cases.append(PlantedCase("mirror-gap", f"EU27->{conduit} {year}", 1 - _share))
    china_russia = (grid.exporter == "CHN") & (grid.importer == spec.target)
    for code in roles["ordinary"][: spec.price_jump_codes]:
        where = after & china_russia & (grid.hs_code == code)
        grid.loc[where, "value"] *= spec.price_jump  # same kilograms, dearer
        cases.append(PlantedCase("unit-values", f"{code} {spec.shock}", spec.price_jump))
    _scale(grid, after & china_russia & grid.hs_code.isin(roles["chpl_tier_4b"]), spec.surge)
    cases.append(PlantedCase("surges", "chpl_tier_4b", spec.surge))
    loop = (((grid.exporter == "CHN") & (grid.importer == "PRK") & grid.hs_code.isin(HAIR_INPUT))
            | ((grid.exporter == "PRK") & grid.hs_code.isin(HAIR_OUTPUT)))
    _scale(grid, after & loop, spec.loop_boost)
    exports = (grid.exporter == "CHN") & (grid.importer != "PRK") & grid.hs_code.isin(HAIR_OUTPUT)
    _scale(grid, after & exports, 1.5)
    for year in range(spec.shock, spec.years[1] + 1):
        cases.append(PlantedCase("processing", f"PRK->CHN {year}", spec.loop_boost))
    return cases


def _scale(grid: pd.DataFrame, where: pd.Series, factor: float) -> None:
    grid.loc[where, ["value", "quantity"]] *= factor


def _mirror(grid: pd.DataFrame, spec: PlantSpec, rng: np.random.Generator) -> pd.DataFrame:
    """The conduits' own import statistics: CIF totals per partner and year."""
    rows = grid[grid.exporter.isin(SANCTIONER_MEMBERS) & grid.importer.isin(CONDUITS)]
    totals = rows.groupby(["exporter", "importer", "year"], as_index=False).value.sum()
    totals["value"] *= 1.05 * np.exp(rng.normal(0, spec.noise / 3, len(totals)))
    if spec.plant:
        for conduit, share in spec.recorded_share:
            _record_part(totals, conduit, share, spec.shock)
    frame = _frame(totals, "planted_mirror", "TOTAL")
    frame["hs_code"] = "TOTAL"
    frame["reporter"] = frame.importer
    frame["quantity"] = np.nan
    frame["unit"] = None
    return frame


def _record_part(totals: pd.DataFrame, conduit: str, share: float, shock: int) -> None:
    """Keep only ``share`` of each partner's increase over the last pre-shock year."""
    mine = totals.importer == conduit
    before = totals[mine & (totals.year == shock - 1)].set_index("exporter").value
    for index in totals.index[mine & (totals.year >= shock)]:
        level = before[totals.at[index, "exporter"]]
        totals.at[index, "value"] = level + share * (totals.at[index, "value"] - level)


def _frame(table: pd.DataFrame, source: str, revision: str) -> pd.DataFrame:
    frame = table.reindex(columns=COLUMNS).copy()
    frame["source"], frame["dataset"], frame["release"] = source, "synthetic", "planted-v1"
    frame["freq"], frame["month"], frame["aggregate"] = "A", None, False
    frame["hs_revision"], frame["currency"], frame["unit"], frame["load_id"] = (
        revision, "USD", "kg", 0)
    return frame


def plant_flows(spec: PlantSpec = PlantSpec()) -> PlantedData:
    """Generate synthetic flows and plant the patterns of ``spec`` (none when ``plant=False``)."""
    roles = product_codes(spec.products, spec.seed)
    codes = sorted({code for group in roles.values() for code in group})
    grid = _grid(spec, codes)
    cases = _plant(grid, spec, roles) if spec.plant else []
    grid = grid[~((grid.exporter == "PRK") & ~grid.hs_code.isin(HAIR_INPUT + HAIR_OUTPUT))]
    own = _frame(grid, "planted", "HS17")
    own["reporter"] = own.exporter
    mirror = _mirror(grid, spec, np.random.default_rng(spec.seed + 1))
    flows = pd.concat([own, mirror], ignore_index=True)
    flows["year"] = flows.year.astype("int16")
    flows["month"] = flows.month.astype("Int8")
    flows["value"] = flows.value.round(0)
    return PlantedData(flows=flows, cases=cases, spec=spec)
