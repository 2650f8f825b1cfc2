"""What every benchmark records: peak memory while a block runs, and where and when it ran.

    from measure import PeakMemory, machine
    with PeakMemory(children=True) as memory:
        run_the_work()
    print(memory.peak_mb, machine())

The machine is shared (2 cores); its load average goes into every result so that a reader can
tell a quiet run from a busy one. Ratios are only compared within one run.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


class PeakMemory:
    """Samples resident memory in a thread while the block runs.

    ``peak_mb`` is the peak RSS of this process, with ``children=True`` plus every child
    process (a JVM, Python workers); with ``growth=True`` the RSS at start is subtracted, so that
    the figure is what the block itself needed.

    >>> with PeakMemory(growth=True) as memory:
    ...     block = bytearray(50 * 2**20)
    >>> memory.peak_mb >= 0
    True
    """

    def __init__(self, *, children: bool = False, growth: bool = False,
                 interval: float = 0.02) -> None:
        import psutil

        self.process = psutil.Process()
        self.children = children
        self.interval = interval
        self.start = self._rss() if growth else 0
        self.peak = self._rss()
        self.running = False
        self.thread: threading.Thread | None = None

    def _rss(self) -> int:
        total = self.process.memory_info().rss
        if self.children:
            for child in self.process.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except Exception:  # noqa: BLE001 - a worker that just ended
                    pass
        return total

    def __enter__(self) -> PeakMemory:
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self._rss())
            time.sleep(self.interval)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        if self.thread is not None:
            self.thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def peak_mb(self) -> float:
        """Peak resident memory in MiB (growth over the start with ``growth=True``)."""
        return (self.peak - self.start) / 2**20


def commit() -> str:
    """The short hash of the checked-out commit, or ``unknown`` outside git."""
    done = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def machine() -> dict[str, Any]:
    """Cores, RAM, CPU, Python, commit, date and load average at the start of a run.

    >>> sorted(machine())[:3]
    ['commit', 'cores', 'cpu']
    """
    import psutil

    return {
        "commit": commit(),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
