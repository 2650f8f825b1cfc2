"""Fixtures shared by the whole suite: the real data in ../shared/data and a loaded warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.screening.engine import Screener
from shadowtrade.screening.loading import build_screener, load_mirror
from shadowtrade.sources.loader import load_file, mirror_files
from shadowtrade.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
TRADE = SHARED_DATA / "trade"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data the tests read (never copied into the repo)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the real data is missing: expected {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def trade_warehouse(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Warehouse:
    """A warehouse with every real trade file of the mirror loaded (read it, don't write)."""
    warehouse = Warehouse(tmp_path_factory.mktemp("trade") / "warehouse.duckdb")
    for path, fmt in mirror_files(shared_data):
        load_file(warehouse, path, fmt)
    yield warehouse
    warehouse.close()


@pytest.fixture()
def empty_warehouse(tmp_path: Path) -> Warehouse:
    """A fresh, empty warehouse for tests that load things."""
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="session")
def full_warehouse(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Warehouse:
    """Every real trade file and sanctions list of the mirror, loaded once per run."""
    warehouse = Warehouse(tmp_path_factory.mktemp("full") / "warehouse.duckdb")
    for path, fmt in mirror_files(shared_data):
        load_file(warehouse, path, fmt)
    load_mirror(warehouse, shared_data)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="session")
def screener(full_warehouse: Warehouse) -> Screener:
    """A screening engine over every loaded list."""
    return build_screener(full_warehouse)
