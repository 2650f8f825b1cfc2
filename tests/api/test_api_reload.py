"""Lists reloaded while serving: the watcher builds a new engine, then swaps it in."""

from __future__ import annotations

from pathlib import Path

from shadowtrade.api.reloader import ListWatcher
from shadowtrade.screening.engine import EngineHolder, Screener
from shadowtrade.screening.query import ScreenQuery
from shadowtrade.warehouse import Warehouse
from shadowtrade.warehouse.lists import ListVersion, read_list_entities, store_list_version


def _version(sha: str, name: str) -> ListVersion:
    return ListVersion("demo", "Demo", None, ("demo.csv",), sha, [
        {"id": "demo-1", "schema": "Person", "caption": name, "properties": {"name": [name]},
         "datasets": ["demo"]}])


def _caption(holder: EngineHolder, name: str) -> str:
    return holder.engine.screen(ScreenQuery.build([name]))["results"][0]["caption"]


def test_new_version_is_swapped_in_and_a_failed_build_keeps_the_old(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as warehouse:
        store_list_version(warehouse, _version("a", "RI JE-SON"))
        holder = EngineHolder(Screener(read_list_entities(warehouse)))
    watcher = ListWatcher(holder, path, interval=3600)
    assert not watcher.check()  # nothing changed
    with Warehouse(path) as warehouse:
        store_list_version(warehouse, _version("b", "YUN HO-JIN"))
    assert watcher.check() and watcher.swaps == 1
    assert _caption(holder, "Yun Ho-chin") == "YUN HO-JIN"

    def broken(*_: object) -> Screener:
        from shadowtrade.errors import NoDataError

        raise NoDataError("no sanctions list is loaded")

    watcher.build = broken
    with Warehouse(path) as warehouse:
        store_list_version(warehouse, _version("c", "PAK PONG JU"))
    assert not watcher.check()
    assert _caption(holder, "Yun Ho-chin") == "YUN HO-JIN"  # still the previous engine


def test_a_writer_holding_the_warehouse_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as warehouse:
        store_list_version(warehouse, _version("a", "RI JE-SON"))
        holder = EngineHolder(Screener(read_list_entities(warehouse)))
        watcher = ListWatcher(holder, path, interval=3600)
        store_list_version(warehouse, _version("b", "YUN HO-JIN"))
        # the writer's connection is still open: the watcher waits, the old engine serves
        assert watcher.check() is False and watcher.swaps == 0
        assert _caption(holder, "Ri Che-son") == "RI JE-SON"
    assert watcher.check() is True and watcher.swaps == 1
    assert _caption(holder, "Yun Ho-chin") == "YUN HO-JIN"
