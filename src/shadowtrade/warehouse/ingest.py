"""Atomic loads: every file is one transaction, recorded in ``load_log``, its bad rows quarantined.

A file already loaded (same SHA-256) is skipped. A load replaces what the warehouse held for the
same source and dataset: everything of an older release, and, within the same release, the
years the new file covers. A failed load leaves the warehouse exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.model.flows import FLOW_COLUMNS, FLOW_SCHEMA
from shadowtrade.warehouse.core import Warehouse

Batch = tuple[pa.Table, pa.Table]  # (valid flow rows, quarantined rows: line, raw, reason)


@dataclass(frozen=True)
class LoadResult:
    """What one load did."""

    file: str
    source: str
    release: str
    rows: int
    quarantined: int
    replaced: int
    seconds: float
    skipped: bool = False

    @property
    def rows_per_second(self) -> float:
        """Throughput of the load."""
        return self.rows / self.seconds if self.seconds else 0.0


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def already_loaded(warehouse: Warehouse, sha256: str) -> bool:
    """True when a file with this hash is in the load log."""
    rows = warehouse.sql_rows("SELECT 1 FROM load_log WHERE sha256 = ? LIMIT 1", [sha256])
    return bool(rows)


def load_flow_batches(
    warehouse: Warehouse,
    path: Path,
    source: str,
    release: str,
    batches: Iterable[Batch],
    on_rows: Callable[[int], None] | None = None,
) -> LoadResult:
    """Insert a reader's batches as one transaction and record the load.

    ``batches`` may raise part-way (a truncated file): the transaction is rolled back.
    """
    started = time.perf_counter()
    sha = file_sha256(path)
    if already_loaded(warehouse, sha):
        return LoadResult(str(path), source, release, 0, 0, 0, 0.0, skipped=True)
    con = warehouse.con
    load_id = con.execute("SELECT nextval('load_ids')").fetchone()[0]  # type: ignore[index]
    rows = quarantined = 0
    con.begin()
    try:
        for valid, bad in batches:
            if valid.num_rows:
                _insert_flows(warehouse, valid.select(list(FLOW_COLUMNS)).cast(FLOW_SCHEMA), load_id)
                rows += valid.num_rows
            if bad.num_rows:
                _insert_quarantine(warehouse, bad, load_id, str(path))
                quarantined += bad.num_rows
            if on_rows:
                on_rows(valid.num_rows + bad.num_rows)
        replaced = _replace_previous(warehouse, load_id, release)
        seconds = time.perf_counter() - started
        con.execute(
            "INSERT INTO load_log VALUES (?, 'flows', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, str(path), sha, source, release, rows, quarantined, replaced, seconds,
             dt.datetime.now()],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return LoadResult(str(path), source, release, rows, quarantined, replaced, seconds)


def _insert_flows(warehouse: Warehouse, table: pa.Table, load_id: int) -> None:
    """Insert a batch; columns with one value throughout (source, release, currency …) go in
    as parameters rather than as millions of equal strings, which halves the insert's cost."""
    constants = _constant_columns(table)
    varying = [name for name in table.column_names if name not in constants]
    expressions = [f"$c_{name}" if name in constants else f'"{name}"'
                   for name in table.column_names]
    params: dict[str, object] = {f"c_{name}": value for name, value in constants.items()}
    params["load_id"] = load_id
    con = warehouse.con
    con.register("_incoming_flows", table.select(varying))
    try:
        con.execute(f"INSERT INTO flows SELECT {', '.join(expressions)}, $load_id "
                    "FROM _incoming_flows", params)
    finally:
        con.unregister("_incoming_flows")


def _constant_columns(table: pa.Table) -> dict[str, object]:
    """Columns whose every value is the same non-null value, with that value."""
    found: dict[str, object] = {}
    if table.num_rows == 0:
        return found
    for name in table.column_names:
        column = table[name]
        if column.null_count == 0 and pc.count_distinct(column).as_py() == 1:
            found[name] = column[0].as_py()
    return found


def _insert_quarantine(warehouse: Warehouse, bad: pa.Table, load_id: int, file: str) -> None:
    con = warehouse.con
    con.register("_incoming_bad", bad)
    try:
        con.execute(
            "INSERT INTO quarantine SELECT ?, ?, line, raw, reason FROM _incoming_bad",
            [load_id, file],
        )
    finally:
        con.unregister("_incoming_bad")


def _replace_previous(warehouse: Warehouse, load_id: int, release: str) -> int:
    """Delete what this load supersedes; return how many rows went."""
    con = warehouse.con
    scope = """
        SELECT DISTINCT source, dataset, year FROM flows WHERE load_id = $load_id
    """
    older_release = f"""
        DELETE FROM flows f USING (SELECT DISTINCT source, dataset FROM ({scope})) n
        WHERE f.source = n.source AND f.dataset = n.dataset
          AND f.load_id <> $load_id AND f.release <> $release
    """
    same_years = f"""
        DELETE FROM flows f USING ({scope}) n
        WHERE f.source = n.source AND f.dataset = n.dataset AND f.year = n.year
          AND f.load_id <> $load_id AND f.release = $release
    """
    removed = 0
    for statement in (older_release, same_years):
        result = con.execute(statement, {"load_id": load_id, "release": release}).fetchone()
        removed += int(result[0]) if result else 0
    return removed
