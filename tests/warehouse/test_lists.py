"""List versions in the warehouse: atomic swap, skip of an unchanged version, provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.warehouse import Warehouse
from shadowtrade.warehouse import lists as stored
from shadowtrade.warehouse.lists import (
    ListVersion, list_status, read_list_entities, store_list_version)


def _entity(number: int, name: str) -> dict:
    return {"id": f"demo-{number}", "schema": "Person", "caption": name,
            "properties": {"name": [name]}, "datasets": ["demo"]}


def _version(sha: str, *names: str, rejected: list | None = None) -> ListVersion:
    return ListVersion("demo", "Demo publisher", "2026-01-01", ("demo.csv",), sha,
                       [_entity(i, n) for i, n in enumerate(names)], rejected or [])


def test_store_then_replace(empty_warehouse: Warehouse) -> None:
    store_list_version(empty_warehouse, _version("a", "Kim Jong Un", "Ri Je Son"))
    status = store_list_version(empty_warehouse, _version("b", "Yun Ho Jin",
                                                          rejected=[(3, "x,,", "no name")]))
    assert (status.entities, status.replaced, status.rejected) == (1, 2, 1)
    assert [e["caption"] for e in read_list_entities(empty_warehouse)] == ["Yun Ho Jin"]
    log = empty_warehouse.sql_rows("SELECT kind, source, rows, quarantined, replaced "
                                   "FROM load_log ORDER BY load_id")
    assert log == [("list", "demo", 2, 0, 0), ("list", "demo", 1, 1, 2)]
    assert empty_warehouse.sql_rows("SELECT line, reason FROM quarantine") == [(3, "no name")]


def test_unchanged_version_is_not_stored_again(empty_warehouse: Warehouse) -> None:
    store_list_version(empty_warehouse, _version("a", "Kim Jong Un"))
    again = store_list_version(empty_warehouse, _version("a", "Kim Jong Un"))
    assert again.skipped_unchanged
    assert empty_warehouse.sql_rows("SELECT count(*) FROM load_log") == [(1,)]


def test_failed_store_keeps_the_previous_version(empty_warehouse: Warehouse,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store_list_version(empty_warehouse, _version("a", "Kim Jong Un"))

    def broken(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(stored, "_quarantine", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store_list_version(empty_warehouse, _version("b", "Somebody Else"))
    assert [e["caption"] for e in read_list_entities(empty_warehouse)] == ["Kim Jong Un"]
    assert [s.sha256 for s in list_status(empty_warehouse)] == ["a"]


def test_unknown_dataset_is_named(empty_warehouse: Warehouse) -> None:
    store_list_version(empty_warehouse, _version("a", "Kim Jong Un"))
    with pytest.raises(Exception) as caught:
        read_list_entities(empty_warehouse, ["un_sc"])
    assert str(caught.value) == "no list 'un_sc' is loaded; loaded lists: demo"


def test_status_survives_reopening(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        store_list_version(warehouse, _version("a", "Kim Jong Un"))
    with Warehouse(tmp_path / "w.duckdb", read_only=True) as warehouse:
        status = list_status(warehouse)
    assert [(s.dataset, s.publisher, s.entities, s.names) for s in status] == [
        ("demo", "Demo publisher", 1, 1)]
