"""Fixtures of the report tests: corridor results computed once from the real data.

The real files in ``../shared/data`` are loaded by the suite's ``trade_warehouse`` fixture; the
queries run here through the CLI's orchestration functions, as ``report corridor`` runs them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from shadowtrade.analysis.flows import FlowQuery
from shadowtrade.cli.report import gather_corridor, gather_partners
from shadowtrade.reports.corridor import CorridorResults, render_corridor
from shadowtrade.reports.page import SourceNote
from shadowtrade.warehouse import Warehouse

NEIGHBOURS = ["RUS", "ARM", "GEO", "KAZ", "KGZ", "UZB"]


@pytest.fixture(scope="session")
def chn_rus(trade_warehouse: Warehouse) -> CorridorResults:
    """China to Russia, 2017-2023: BACI only, with sections and HS4 movers."""
    return gather_corridor(trade_warehouse, FlowQuery("CHN", "RUS", (2017, 2023)))


@pytest.fixture(scope="session")
def rus_chn(trade_warehouse: Warehouse) -> CorridorResults:
    """Russia to China: BACI and China's own Comtrade reports side by side."""
    return gather_corridor(trade_warehouse, FlowQuery("RUS", "CHN", (2017, 2024)))


@pytest.fixture(scope="session")
def eu_kgz(trade_warehouse: Warehouse) -> CorridorResults:
    """EU27 to Kyrgyzstan: Eurostat (total goods, 2024 partial) and national statistics."""
    return gather_corridor(trade_warehouse, FlowQuery("EU27", "KGZ"))


@pytest.fixture(scope="session")
def eu_neighbours(trade_warehouse: Warehouse) -> tuple[pd.DataFrame, tuple[SourceNote, ...]]:
    """EU27 exports to Russia and its neighbours from Eurostat, 2019-2024."""
    return gather_partners(trade_warehouse, "EU27", NEIGHBOURS, (2019, 2024), "eurostat")


@pytest.fixture(scope="session")
def chn_rus_page(chn_rus: CorridorResults, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The China-Russia corridor report written with PNG charts next to it."""
    return render_corridor(chn_rus, tmp_path_factory.mktemp("corridor") / "corridor.html")
