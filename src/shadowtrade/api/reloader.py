"""Reload the lists while serving: a watcher notices a new list version in the warehouse,
builds a new engine beside the old one, then swaps it in (build-then-swap); requests keep being
answered by the old engine meanwhile, and a failed build leaves it in place.

>>> ListWatcher.__name__
'ListWatcher'
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from shadowtrade.screening.engine import EngineHolder, Screener
from shadowtrade.screening.loading import build_screener
from shadowtrade.warehouse import Warehouse
from shadowtrade.warehouse.lists import list_status

log = logging.getLogger(__name__)
Versions = tuple[tuple[str, str], ...]


def loaded_versions(warehouse_path: Path) -> Versions | None:
    """(dataset, sha256) of every loaded list; ``None`` while a writer holds the warehouse."""
    try:
        with Warehouse(warehouse_path, read_only=True) as warehouse:
            return tuple((s.dataset, s.sha256) for s in list_status(warehouse))
    except Exception as err:  # noqa: BLE001 (locked by a writer: try again next round)
        log.info("warehouse busy, will look again: %s", err)
        return None


class ListWatcher:
    """Polls the warehouse every ``interval`` seconds and swaps in a rebuilt engine."""

    def __init__(self, holder: EngineHolder, warehouse_path: Path, interval: float = 30.0,
                 datasets: list[str] | None = None,
                 build: Callable[[Warehouse, list[str] | None], Screener] | None = None
                 ) -> None:
        self.holder, self.path, self.interval = holder, warehouse_path, interval
        self.datasets, self.build = datasets, build or self._rebuild
        self.versions = loaded_versions(warehouse_path)
        self.swaps = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="list-watcher", daemon=True)

    def start(self) -> ListWatcher:
        """Start watching in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (waits for a running check)."""
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def check(self) -> bool:
        """Rebuild and swap when the loaded versions changed; True when it swapped."""
        current = loaded_versions(self.path)
        if current is None or current == self.versions:
            return False
        try:
            with Warehouse(self.path, read_only=True) as warehouse:
                engine = self.build(warehouse, self.datasets)
        except Exception as err:  # noqa: BLE001 (a failed build keeps the engine serving now)
            log.warning("list reload failed, still serving the previous lists: %s", err)
            return False
        self.holder.swap(engine)
        self.versions = current
        self.swaps += 1
        return True

    def _rebuild(self, warehouse: Warehouse, datasets: list[str] | None) -> Screener:
        """A new engine; the names the serving engine prepared are reused, not prepared
        again (a new list version mostly repeats the old names)."""
        known = self.holder.engine.index.prepared_names() if self.holder.ready else None
        return build_screener(warehouse, datasets, known)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()
