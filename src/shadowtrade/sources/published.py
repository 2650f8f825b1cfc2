"""Figures published by the press with their citations, as rows of the ``flows`` schema.

Where no dataset holds a corridor (China-North Korea by HS code), a detector can still be checked
against the figures journalists published from customs statistics. Each figure keeps its
citation; rows carry ``source = "published"`` so they never mix with a statistical source.

>>> rows = published_figures()
>>> [(r["year"], r["value"], r["quantity_kg"]) for r in rows]
[(2019, 31100000, 1829000), (2023, 167000000, 1680000)]
>>> round(167e6 / 1.68e6)
99
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

from shadowtrade.sources.planted import COLUMNS, SCHEMA

DATA = Path(__file__).parent / "data"
HAIR = "published_dprk_hair.yaml"


@lru_cache(maxsize=None)
def read_published(name: str = HAIR) -> dict[str, Any]:
    """The whole fixture file: metadata, figures and totals with citations."""
    with open(DATA / name, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def published_figures(name: str = HAIR) -> list[dict[str, Any]]:
    """The yearly figures of a fixture, each with ``year``, ``value``, ``quantity_kg``, ``citation``."""
    return list(read_published(name)["figures"])


def published_flows(name: str = HAIR) -> pa.Table:
    """The fixture's figures as ``flows`` rows (``source = "published"``, annual, kg)."""
    meta = read_published(name)
    rows = []
    for figure in meta["figures"]:
        rows.append({
            "source": "published", "dataset": meta["dataset"], "release": meta["release"],
            "freq": "A", "year": figure["year"], "month": None, "exporter": meta["exporter"],
            "importer": meta["importer"], "reporter": meta["reporter"], "aggregate": False,
            "hs_revision": "HS4", "hs_code": meta["hs_code"], "value": float(figure["value"]),
            "currency": meta["currency"], "quantity": float(figure["quantity_kg"]), "unit": "kg",
            "load_id": 0,
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False)
