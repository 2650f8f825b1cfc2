"""The cached engine: read back when the lists and the code are those it was built from,
rebuilt when its file is broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.screening import index, loading
from shadowtrade.screening.query import ScreenQuery
from shadowtrade.warehouse.core import Warehouse


@pytest.fixture()
def warehouse(tmp_path: Path) -> Warehouse:
    listed = tmp_path / "internal.csv"  # two UN DPRK names (KPi.002, KPi.066), made up ids
    listed.write_text("id,name,schema\nc1,RI JE-SON,Person\nc2,YUN HO-JIN,Person\n")
    found = Warehouse(tmp_path / "w.duckdb")
    loading.load_list_files(found, [listed], dataset="internal")
    return found


def test_the_second_engine_comes_from_the_cache(warehouse: Warehouse, tmp_path: Path) -> None:
    first = loading.cached_screener(warehouse, tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("screening-*.pickle")
    second = loading.cached_screener(warehouse, tmp_path / "cache")
    assert second is not first
    assert second.screen(ScreenQuery.build(["Yun Ho-chin"])) == first.screen(
        ScreenQuery.build(["Yun Ho-chin"]))
    assert list((tmp_path / "cache").iterdir()) == [cached]


def test_a_broken_cache_is_rebuilt(warehouse: Warehouse, tmp_path: Path) -> None:
    loading.cached_screener(warehouse, tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("screening-*.pickle")
    cached.write_bytes(cached.read_bytes()[:100])
    assert loading.read_cached(cached) is None
    engine = loading.cached_screener(warehouse, tmp_path / "cache")
    assert engine.entity_count == 2
    assert loading.read_cached(cached) is not None


def test_other_code_does_not_read_the_cache(warehouse: Warehouse, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    loading.cached_screener(warehouse, tmp_path / "cache")
    (before,) = (tmp_path / "cache").glob("screening-*.pickle")
    monkeypatch.setattr(loading, "code_fingerprint", lambda: "another version")
    loading.cached_screener(warehouse, tmp_path / "cache")
    (after,) = (tmp_path / "cache").glob("screening-*.pickle")  # the old one is replaced
    assert after.name != before.name


def test_a_new_list_version_prepares_only_its_new_names(
        warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loading.cached_screener(warehouse, tmp_path / "cache")
    updated = tmp_path / "internal.csv"
    updated.write_text(updated.read_text() + "c3,PAK TO-CHUN,Person\n")  # UN KPi.048
    loading.load_list_files(warehouse, [updated], dataset="internal")
    prepared: list[str] = []
    real = index._prepared
    monkeypatch.setattr(index, "_prepared", lambda raw: prepared.append(raw) or real(raw))
    engine = loading.cached_screener(warehouse, tmp_path / "cache")
    assert prepared == ["PAK TO-CHUN"]
    assert engine.screen(ScreenQuery.build(["Pak To Chun"]))["results"][0]["id"] == "internal-c3"
