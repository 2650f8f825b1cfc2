"""Atomic loads: every file is one transaction, recorded in ``load_log``, its bad rows quarantined.

A file already loaded (same SHA-256) is skipped. A load replaces what the warehouse held for the
same source and dataset: everything of an older release, and, within the same release, the
years the new file covers. A failed load leaves the warehouse exactly as it was: its Parquet
files are deleted and ``flow_files`` (which alone makes a file visible) is rolled back.

Rows are stored as Parquet, one file per load and part (see ``flowstore.py``): BACI-shaped files
through the parallel block reader (``bulk.py``), every other reader's Arrow batches through
pyarrow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from shadowtrade.model.flows import FLOW_COLUMNS, FLOW_SCHEMA
from shadowtrade.warehouse import flowstore
from shadowtrade.warehouse.bulk import BaciScan, ScanFailed, scan_to_parquet
from shadowtrade.warehouse.core import Warehouse
from shadowtrade.warehouse.flowstore import StoredFile, sql_literal

Batch = tuple[pa.Table, pa.Table]  # (valid flow rows, quarantined rows: line, raw, reason)
#: Columns that may be kept out of the rows as one value per file; the rest are always stored.
CONSTANT_CANDIDATES = ("source", "dataset", "release", "freq", "year", "month", "reporter",
                       "aggregate", "hs_revision", "currency", "unit")


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


@dataclass(frozen=True)
class FlowPart:
    """One part of a file (a zip member, or the whole file).

    ``batches`` is the row-by-row reader. ``scan``, when the part is BACI-shaped, prepares it
    for the fast path, which quarantines bad rows itself; the row-by-row reader still runs when
    the scan cannot read the file, and then names the error.
    """

    batches: Callable[[], Iterable[Batch]]
    scan: Callable[[], BaciScan] | None = None


@dataclass
class _Load:
    """The state of one load in progress: what to undo on failure, delete after commit."""

    warehouse: Warehouse
    load_id: int
    file: str
    source: str
    release: str
    rows: int = 0
    quarantined: int = 0
    stored: list[StoredFile] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)
    obsolete: list[Path] = field(default_factory=list)

    def new_path(self, stem: str) -> Path:
        folder = flowstore.store_folder(self.warehouse)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.parquet"
        self.created.append(path)
        return path


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
    """Store a reader's batches as one load and record it.

    ``batches`` may raise part-way (a truncated file): nothing of the load remains.
    """
    return load_flow_parts(warehouse, path, source, release, [FlowPart(lambda: batches)], on_rows)


def load_flow_parts(
    warehouse: Warehouse,
    path: Path,
    source: str,
    release: str,
    parts: list[FlowPart],
    on_rows: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load a file's parts as one transaction (skipped when the same file was loaded before)."""
    started = time.perf_counter()
    sha, scans = _hash_while_preparing(path, parts)
    if already_loaded(warehouse, sha):
        return LoadResult(str(path), source, release, 0, 0, 0, 0.0, skipped=True)
    load = _Load(warehouse, _next_load_id(warehouse), str(path), source, release)
    con = warehouse.con
    try:
        # Scans run before the transaction: one that fails (a truncated gzip) leaves it
        # untouched for the row-by-row reader, which then names the problem.
        scanned = [_scan(load, scan, number) for number, scan in enumerate(scans)]
        con.begin()
    except BaseException:
        _delete(load.created)
        raise
    try:
        for number, (part, found) in enumerate(zip(parts, scanned, strict=True)):
            _load_part(load, part, found, number, on_rows)
        replaced = _supersede(load)
        seconds = time.perf_counter() - started
        con.execute(
            "INSERT INTO load_log VALUES (?, 'flows', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load.load_id, str(path), sha, source, release, load.rows, load.quarantined,
             replaced, seconds, dt.datetime.now()])
        flowstore.create_flows_view(warehouse)
        con.commit()
    except BaseException:
        _undo(load)
        raise
    _delete(load.obsolete)
    return LoadResult(str(path), source, release, load.rows, load.quarantined, replaced, seconds)


def add_flow_rows(
    warehouse: Warehouse,
    rows: pa.Table | str,
    *,
    label: str = "rows",
    replace: bool = False,
) -> int:
    """Add flow rows from an Arrow table or a SQL ``SELECT`` with the ``flows`` columns.

    For callers that build rows themselves (tests, benchmarks, derived data): the rows become one
    load, recorded in ``load_log`` under ``label``; ``load_id`` in the input, if any, is replaced
    by the new load's. Nothing older is replaced unless ``replace`` (then the usual rules apply:
    older releases, and the same release's years, of the same source and dataset).
    Returns the load id.

    >>> import tempfile, pathlib
    >>> from shadowtrade.warehouse.core import Warehouse
    >>> wh = Warehouse(pathlib.Path(tempfile.mkdtemp()) / "w.duckdb")
    >>> select = ("SELECT 'baci' AS source, 'HS17' AS dataset, 'V1' AS release, 'A' AS freq, "
    ...           "2021 AS year, NULL AS month, 'CHN' AS exporter, 'RUS' AS importer, "
    ...           "'BACI' AS reporter, false AS aggregate, 'HS17' AS hs_revision, "
    ...           "'870323' AS hs_code, 5.0 AS value, 'USD' AS currency, NULL AS quantity, "
    ...           "NULL AS unit")
    >>> load_id = add_flow_rows(wh, select)
    >>> wh.sql_rows("SELECT exporter, value, load_id = ? FROM flows", [load_id])
    [('CHN', 5.0, True)]
    """
    started = time.perf_counter()
    load_id = _next_load_id(warehouse)
    con = warehouse.con
    name = f"_incoming_rows_{load_id}"
    if isinstance(rows, pa.Table):
        con.register(name, rows)
        select = f"SELECT * FROM {name}"
    else:
        select = rows
    try:
        source, release = _one_value(warehouse, select, "source"), _one_value(warehouse, select, "release")
        load = _Load(warehouse, load_id, label, source, release)
        con.begin()
        try:
            load.rows += _store_select(load, select, "rows")
            replaced = _supersede(load) if replace else 0
            con.execute(
                "INSERT INTO load_log VALUES (?, 'flows', ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                [load_id, label, f"rows:{load_id}:{time.time_ns()}", source, release, load.rows,
                 replaced, time.perf_counter() - started, dt.datetime.now()])
            flowstore.create_flows_view(warehouse)
            con.commit()
        except BaseException:
            _undo(load)
            raise
    finally:
        if isinstance(rows, pa.Table):
            con.unregister(name)
    _delete(load.obsolete)
    return load_id


def _one_value(warehouse: Warehouse, select: str, column: str) -> str:
    values = warehouse.sql_rows(f'SELECT DISTINCT "{column}" FROM ({select}) ORDER BY 1')
    return ",".join(str(value) for (value,) in values) or "none"


def _next_load_id(warehouse: Warehouse) -> int:
    return int(warehouse.sql_rows("SELECT nextval('load_ids')")[0][0])


@dataclass(frozen=True)
class Scanned:
    """A fast scan's file, rows, quarantined rows and constants."""

    target: Path
    rows: int
    years: list[int]
    quarantine: pa.Table
    constants: dict[str, Any]


def _hash_while_preparing(path: Path, parts: list[FlowPart]) -> tuple[str, list[BaciScan | None]]:
    """The file's SHA-256, computed in a thread while the parts' scans are prepared (reading
    the header, building the code lists take about as long as hashing a large file)."""
    with ThreadPoolExecutor(1, thread_name_prefix="shadowtrade-hash") as hashing:
        digest = hashing.submit(file_sha256, path)
        scans = [part.scan() if part.scan else None for part in parts]
        return digest.result(), scans


def _scan(load: _Load, scan: BaciScan | None, number: int) -> Scanned | None:
    """Run the fast scan of a part; None when there is none, or it cannot read the file."""
    if scan is None:
        return None
    target = load.new_path(f"load_{load.load_id}_{number}")
    try:
        outcome = scan_to_parquet(scan, target)
    except (ScanFailed, pa.ArrowException):
        _delete([target])  # the row-by-row reader will say why
        return None
    return Scanned(target, outcome.rows, outcome.years, outcome.quarantine, dict(scan.constants))


def _load_part(load: _Load, part: FlowPart, scanned: Scanned | None, number: int,
               on_rows: Callable[[int], None] | None) -> None:
    """Store one part: the scan's file and quarantined rows, else the row-by-row reader's."""
    if scanned is None:
        _load_batches(load, part.batches(), number, on_rows)
        return
    if scanned.rows:
        dataset = scanned.constants.get("dataset")
        scope = [(dataset, year) for year in scanned.years] if dataset else None
        _register(load, scanned.target, scanned.constants, scanned.rows, scope)
        load.rows += scanned.rows
    else:
        _delete([scanned.target])
    if scanned.quarantine.num_rows:
        _insert_quarantine(load.warehouse, scanned.quarantine, load.load_id, load.file)
        load.quarantined += scanned.quarantine.num_rows
    if on_rows:
        on_rows(scanned.rows + scanned.quarantine.num_rows)


def _load_batches(load: _Load, batches: Iterable[Batch], number: int,
                  on_rows: Callable[[int], None] | None) -> None:
    staging = load.new_path(f"staging_{load.load_id}_{number}")
    writer = pq.ParquetWriter(staging, FLOW_SCHEMA)
    try:
        for valid, bad in batches:
            if valid.num_rows:
                writer.write_table(valid.select(list(FLOW_COLUMNS)).cast(FLOW_SCHEMA))
                load.rows += valid.num_rows
            if bad.num_rows:
                _insert_quarantine(load.warehouse, bad, load.load_id, load.file)
                load.quarantined += bad.num_rows
            if on_rows:
                on_rows(valid.num_rows + bad.num_rows)
    finally:
        writer.close()
    location = sql_literal(str(staging))
    _store_select(load, f"SELECT * FROM read_parquet({location})", str(number))
    _delete([staging])


def _store_select(load: _Load, select: str, suffix: str) -> int:
    """Write the rows of ``select`` (the flow columns) to a new file, constants kept apart;
    return how many rows it holds."""
    constants, count = _constants(load.warehouse, select)
    if count == 0:
        return 0
    target = load.new_path(f"load_{load.load_id}_{suffix}")
    varying = [name for name in flowstore.ROW_COLUMNS if name not in constants]
    types = dict(flowstore.FLOW_TYPES)
    columns = ", ".join(f'CAST("{name}" AS {types[name]}) AS "{name}"' for name in varying)
    load.warehouse.con.execute(f"COPY (SELECT {columns} FROM ({select})) TO "
                               f"{sql_literal(str(target))} {flowstore.COPY_OPTIONS}")
    _register(load, target, constants, count)
    return count


def _constants(warehouse: Warehouse, select: str) -> tuple[dict[str, Any], int]:
    """The candidate columns holding one value (or only nulls) on every row, and the row count."""
    parts = ["count(*)"]
    for name in CONSTANT_CANDIDATES:
        parts += [f'count(DISTINCT "{name}")', f'count("{name}")', f'min("{name}")']
    row = warehouse.sql_rows(f"SELECT {', '.join(parts)} FROM ({select})")[0]
    total, found = int(row[0]), {}
    for index, name in enumerate(CONSTANT_CANDIDATES):
        distinct, present, value = row[1 + 3 * index: 4 + 3 * index]
        if present == 0 or (distinct == 1 and present == total):
            found[name] = value
    return (found, total) if total else ({}, 0)


def _register(load: _Load, target: Path, constants: dict[str, Any], rows: int,
              scope: list[tuple[str, int]] | None = None) -> None:
    """List a new file of the load; its (dataset, year) pairs are read from it unless known."""
    stored = StoredFile(load.load_id, flowstore.relative(load.warehouse, target), load.source,
                        load.release, constants, [], rows)
    stored.scope = scope if scope is not None else flowstore.file_scope(load.warehouse, stored)
    flowstore.record(load.warehouse, stored)
    load.stored.append(stored)


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


def _supersede(load: _Load) -> int:
    """Remove what this load replaces; return how many rows went."""
    removed = 0
    if not load.stored:
        return 0
    new_pairs = {pair for stored in load.stored for pair in stored.scope}
    datasets = {dataset for dataset, _ in new_pairs}
    for old in flowstore.stored_files(load.warehouse):
        if old.load_id == load.load_id or old.source != load.source:
            continue
        drop = {(d, y) for d, y in old.scope
                if d in datasets and (old.release != load.release or (d, y) in new_pairs)}
        if drop:
            removed += _drop_from(load, old, drop)
    return removed


def _drop_from(load: _Load, old: StoredFile, drop: set[tuple[str, int]]) -> int:
    """Remove some (dataset, year) pairs from an old file: unlist it, or rewrite the rest."""
    con = load.warehouse.con
    con.execute("DELETE FROM flow_files WHERE load_id = ? AND path = ?", [old.load_id, old.path])
    load.obsolete.append(flowstore.absolute(load.warehouse, old.path))
    keep = [pair for pair in old.scope if pair not in drop]
    if not keep:
        return old.rows
    target = load.new_path(f"load_{old.load_id}_after_{load.load_id}_{len(load.created)}")
    wanted = " OR ".join(f"(dataset = {sql_literal(d)} AND year = {int(y)})" for d, y in keep)
    columns = ", ".join(f'"{name}"' for name in old.columns)
    branch = flowstore.branch_sql(load.warehouse.path.parent, old)
    result = con.execute(f"COPY (SELECT {columns} FROM ({branch}) WHERE {wanted}) TO "
                         f"{sql_literal(str(target))} {flowstore.COPY_OPTIONS}").fetchone()
    rows = int(result[0]) if result else 0
    rest = StoredFile(old.load_id, flowstore.relative(load.warehouse, target), old.source,
                      old.release, old.constants, keep, rows)
    flowstore.record(load.warehouse, rest)
    return old.rows - rows


def _undo(load: _Load) -> None:
    try:
        load.warehouse.con.rollback()
    finally:
        _delete(load.created)
        flowstore.create_flows_view(load.warehouse)


def _delete(paths: Iterable[Path]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def migrate_flows_table(warehouse: Warehouse) -> int:
    """Move the rows of a ``flows`` table (warehouses written before flow files) into files,
    one per load, in one transaction; return the rows moved."""
    old = warehouse.sql_rows("SELECT 1 FROM duckdb_tables() WHERE table_name = 'flows' "
                             "AND schema_name = 'main' AND NOT temporary")
    if not old:
        return 0
    con, moved = warehouse.con, 0
    loads = warehouse.sql_rows("SELECT load_id, min(source), min(release) FROM main.flows "
                               "GROUP BY load_id ORDER BY load_id")
    con.begin()
    done: list[_Load] = []
    try:
        for load_id, source, release in loads:
            load = _Load(warehouse, int(load_id), "migrated", source, release)
            done.append(load)
            moved += _store_select(load, f"SELECT * FROM main.flows WHERE load_id = {int(load_id)}",
                                   "0")
        con.execute("DROP TABLE main.flows")
        con.commit()
    except BaseException:
        con.rollback()
        _delete(path for load in done for path in load.created)
        raise
    return moved
