"""Engines over the real lists, built once per session (UN + EU derived: names in Latin,
Cyrillic and Hangul)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.screening.engine import Screener
from shadowtrade.sources.lists.eu import read_eu_derived
from shadowtrade.sources.lists.un import read_un

SANCTIONS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sanctions"


@pytest.fixture(scope="session")
def un_entities() -> list[dict]:
    """The UN list (2026-02-27) as FtM dicts."""
    return [e.to_ftm() for e in read_un(SANCTIONS / "un/un_consolidated_2026-02-27.xml").entities]


@pytest.fixture(scope="session")
def engine(un_entities: list[dict]) -> Screener:
    """An engine over the UN list and the EU derived list."""
    eu = read_eu_derived(SANCTIONS / "eu/eu_fsf_parsed_2025_derived.csv").entities
    return Screener(un_entities + [e.to_ftm() for e in eu])
