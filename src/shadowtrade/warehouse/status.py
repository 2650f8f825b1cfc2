"""What the warehouse holds: per source and release, periods, rows and quarantined rows.

The summary comes from what ``flow_files`` records of each file (its constants, its
(dataset, year) pairs and its row count), so it is instant on a warehouse of any size. Only a
file whose source, dataset, release, frequency or currency varies from row to row (rows added
together from several sources) is read, and then only that file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shadowtrade.warehouse import flowstore
from shadowtrade.warehouse.core import Warehouse
from shadowtrade.warehouse.flowstore import StoredFile

#: Columns that, kept as constants of a file, let its summary come from ``flow_files`` alone.
_SUMMARISED = ("source", "dataset", "release", "freq", "currency")


@dataclass
class _Held:
    """What the files of one source, dataset and release hold together."""

    first_year: int | None = None
    last_year: int | None = None
    freq: set[str] = field(default_factory=set)
    currency: set[str] = field(default_factory=set)
    rows: int = 0
    loads: set[int] = field(default_factory=set)

    def add(self, first: int | None, last: int | None, freq: set[str], currency: set[str],
            rows: int, load_id: int) -> None:
        if first is not None:
            self.first_year = first if self.first_year is None else min(self.first_year, first)
        if last is not None:
            self.last_year = last if self.last_year is None else max(self.last_year, last)
        self.freq |= freq
        self.currency |= currency
        self.rows += rows
        self.loads.add(load_id)


def flow_status(warehouse: Warehouse) -> list[dict[str, Any]]:
    """One summary row per source, dataset and release of the flows.

    Each row: source, dataset, release, first and last year, frequency, currency, rows,
    quarantined rows of the loads behind it, files and the time of the latest load.

    >>> import tempfile, pathlib
    >>> from shadowtrade.warehouse.ingest import add_flow_rows
    >>> wh = Warehouse(pathlib.Path(tempfile.mkdtemp()) / "w.duckdb")
    >>> flow_status(wh)
    []
    >>> _ = add_flow_rows(wh, "SELECT 'baci' AS source, 'HS17' AS dataset, 'V1' AS release, "
    ...     "'A' AS freq, 2021 AS year, NULL AS month, 'CHN' AS exporter, 'RUS' AS importer, "
    ...     "'BACI' AS reporter, false AS aggregate, 'HS17' AS hs_revision, '870323' AS hs_code, "
    ...     "5.0 AS value, 'USD' AS currency, NULL AS quantity, NULL AS unit", label="demo")
    >>> [(r["source"], r["first_year"], r["rows"], r["files"]) for r in flow_status(wh)]
    [('baci', 2021, 1, 'demo')]
    """
    if not flowstore.has_flow_files(warehouse):
        return flow_status_by_scan(warehouse)  # an old read-only warehouse: flows is a table
    held: dict[tuple[str, str, str], _Held] = {}
    for stored in flowstore.stored_files(warehouse):
        for key, first, last, freq, currency, rows in _file_summary(warehouse, stored):
            held.setdefault(key, _Held()).add(first, last, freq, currency, rows, stored.load_id)
    logged = _load_log(warehouse)
    return [_row(key, held[key], logged) for key in sorted(held, key=_order)]


def _order(key: tuple[str, str, str]) -> tuple[str, str, str]:
    return tuple("" if part is None else str(part) for part in key)  # type: ignore[return-value]


Summary = tuple[tuple[str, str, str], int | None, int | None, set[str], set[str], int]


def _file_summary(warehouse: Warehouse, stored: StoredFile) -> list[Summary]:
    """(group, first year, last year, frequencies, currencies, rows) per group a file holds."""
    constants = stored.constants
    if all(name in constants for name in _SUMMARISED):
        years = [year for _, year in stored.scope]
        key = (constants["source"], constants["dataset"], constants["release"])
        return [(key, min(years, default=None), max(years, default=None),
                 {constants["freq"]} - {None}, {constants["currency"]} - {None}, stored.rows)]
    branch = flowstore.branch_sql(warehouse.path.parent, stored)
    rows = warehouse.sql_rows(
        f"SELECT source, dataset, release, min(year), max(year), list(DISTINCT freq), "
        f"list(DISTINCT currency), count(*) FROM ({branch}) GROUP BY ALL")
    return [((source, dataset, release), first, last, set(freq) - {None},
             set(currency) - {None}, int(count))
            for source, dataset, release, first, last, freq, currency, count in rows]


def _load_log(warehouse: Warehouse) -> dict[int, tuple[str, int, Any]]:
    """load id -> (file, quarantined rows, loaded at)."""
    rows = warehouse.sql_rows("SELECT load_id, file, quarantined, loaded_at FROM load_log")
    return {int(load_id): (file, int(bad), at) for load_id, file, bad, at in rows}


def _row(key: tuple[str, str, str], held: _Held, logged: dict[int, tuple[str, int, Any]]
         ) -> dict[str, Any]:
    loads = [logged[load_id] for load_id in sorted(held.loads) if load_id in logged]
    return {
        "source": key[0], "dataset": key[1], "release": key[2],
        "first_year": held.first_year, "last_year": held.last_year,
        "freq": ",".join(sorted(held.freq)) or None,
        "currency": ",".join(sorted(held.currency)) or None,
        "rows": held.rows,
        "quarantined": sum(bad for _, bad, _ in loads),
        "files": ", ".join(file for file, _, _ in loads) or None,
        "loaded_at": max((at for _, _, at in loads), default=None),
    }


def flow_status_by_scan(warehouse: Warehouse) -> list[dict[str, Any]]:
    """:func:`flow_status` computed by reading every row of ``flows`` (old warehouses, and the
    reference the metadata-based summary is tested against)."""
    sql = """
        WITH held AS (
            SELECT source, dataset, release, min(year) AS first_year, max(year) AS last_year,
                   string_agg(DISTINCT freq, ',' ORDER BY freq) AS freq,
                   string_agg(DISTINCT currency, ',' ORDER BY currency) AS currency,
                   count(*) AS rows, list(DISTINCT load_id) AS loads
            FROM flows GROUP BY ALL
        )
        SELECT h.source, h.dataset, h.release, h.first_year, h.last_year, h.freq, h.currency,
               h.rows,
               (SELECT coalesce(sum(l.quarantined), 0) FROM load_log l
                 WHERE list_contains(h.loads, l.load_id)) AS quarantined,
               (SELECT string_agg(l.file, ', ' ORDER BY l.load_id) FROM load_log l
                 WHERE list_contains(h.loads, l.load_id)) AS files,
               (SELECT max(l.loaded_at) FROM load_log l
                 WHERE list_contains(h.loads, l.load_id)) AS loaded_at
        FROM held h ORDER BY h.source, h.dataset, h.release
    """
    cursor = warehouse.con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def quarantine_summary(warehouse: Warehouse, limit: int = 20) -> list[dict[str, Any]]:
    """The most common quarantine reasons with a count and one example line each."""
    sql = """
        SELECT reason, count(*) AS rows, min(file) AS file, min(line) AS first_line
        FROM quarantine GROUP BY reason ORDER BY rows DESC LIMIT ?
    """
    cursor = warehouse.con.execute(sql, [limit])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
