"""What the warehouse holds: per source and release, periods, rows and quarantined rows."""

from __future__ import annotations

from typing import Any

from shadowtrade.warehouse.core import Warehouse


def flow_status(warehouse: Warehouse) -> list[dict[str, Any]]:
    """One summary row per source, dataset and release of the flows table.

    Each row: source, dataset, release, first and last year, frequency, currency, rows,
    quarantined rows of the loads behind it, files and the time of the latest load.
    """
    sql = """
        WITH held AS (
            SELECT source, dataset, release, min(year) AS first_year, max(year) AS last_year,
                   string_agg(DISTINCT freq, ',') AS freq,
                   string_agg(DISTINCT currency, ',') AS currency,
                   count(*) AS rows, list(DISTINCT load_id) AS loads
            FROM flows GROUP BY ALL
        )
        SELECT h.source, h.dataset, h.release, h.first_year, h.last_year, h.freq, h.currency,
               h.rows,
               (SELECT coalesce(sum(l.quarantined), 0) FROM load_log l
                 WHERE list_contains(h.loads, l.load_id)) AS quarantined,
               (SELECT string_agg(l.file, ', ') FROM load_log l
                 WHERE list_contains(h.loads, l.load_id)) AS files,
               (SELECT max(l.loaded_at) FROM load_log l
                 WHERE list_contains(h.loads, l.load_id)) AS loaded_at
        FROM held h ORDER BY h.source, h.dataset
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
