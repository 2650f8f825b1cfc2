"""Derived summaries of the flows, cached as Parquet beside the warehouse (``<name>.derived/``).

Two summaries:

* per partner pair and year (:func:`partner_year_sums`, for the re-routing detector): ``value``
  summed per ``source``, ``currency``, ``freq``, ``year``, ``exporter``, ``importer``,
  ``reporter``, ``aggregate`` and ``total`` (``hs_code = 'TOTAL'``), 393 k rows for 77 M flow
  rows; built for every year at the end of ``shadowtrade data load`` (:func:`build_summaries`,
  one scan), else filled per year as runs ask (the file lists the years it covers);
* per product and year (:func:`product_year_sums`, for the unit-value detector, below);
* any other summary a caller names (:func:`selection_sums`: the unit values' world reference
  for a whole group, HS4 headings or HS prefixes), computed on first use.

The unit-value detector compares a corridor's price with the same product on every *other*
corridor, and says on how many: an exact count of the distinct (exporter, importer) pairs per
product and year over every flow row, the dearest part of a run at BACI scale (one scan of the
flows; the pairs are counted as bits per product, year, exporter and block of 64 importers, see
:data:`PRODUCT_SQL`). Those world sums do not depend on the corridor asked about, so they are
kept here per product and year:

* one file, ``product_year_sums_<fingerprint>.parquet``: per ``source``, ``currency``, ``freq``,
  ``year``, ``hs_revision`` and ``hs_code`` (rows neither publisher aggregates nor ``TOTAL``),
  ``value_with_quantity`` and ``quantity`` (rows with a positive quantity only) and
  ``corridors`` (distinct exporter-importer pairs);
* filled per product and year as detectors ask for them: a run computes only the codes and
  years (of those the loaded files hold) no earlier run has (the file's metadata lists the
  ``(hs_revision, hs_code, year)`` it covers, with or without rows), so the first run for a
  product group pays for the scan of its years and later runs, for any corridor, read the file
  (a run asking for other years scans only those);
* keyed by the *fingerprint* of the exact set of loaded flow files (load id, path, rows, size
  and modification time of each): any load, replacement or removal gives a new fingerprint, so
  a summary of other data is never read (and is deleted at the next write);
* written to a temporary file and renamed into place, so a reader sees the old file or the new
  one, never half of one; a warehouse opened read-only can use it and add to it (the folder is
  separate from the DuckDB file). Where the folder cannot be written, the sums are computed and
  used without being kept.

Only a DuckDB warehouse's own ``flows`` table has a cache; for anything else (Spark, an
expression) :func:`product_year_sums` and :func:`partner_year_sums` return None and the caller
computes from the flows.

The same folder keeps the HS codes of each sector group mapped into each HS revision of the
flows (:func:`group_members`, ``group_members_<key>.parquet``, all of them built at ``data
load``): mapping a group into HS2017 reads the 27 MB HS2017-to-HS2022 conversion weights, half
a second, for a table of a few hundred rows. Its key is what the mapping is made of: the
group's definition, the revision, the conversion weight files (name, size, modification time)
and the shadowtrade version.

>>> import tempfile, pathlib, pyarrow as pa
>>> from shadowtrade.warehouse.core import Warehouse
>>> from shadowtrade.warehouse.ingest import add_flow_rows
>>> home = pathlib.Path(tempfile.mkdtemp())
>>> wh = Warehouse(home / "warehouse.duckdb")
>>> _ = add_flow_rows(wh, "SELECT 'baci' AS source, 'HS17' AS dataset, 'V1' AS release, "
...     "'A' AS freq, 2021 AS year, NULL AS month, e AS exporter, 'RUS' AS importer, e AS reporter, "
...     "false AS aggregate, 'HS17' AS hs_revision, '854231' AS hs_code, 10.0 AS value, "
...     "'USD' AS currency, 2.0 AS quantity, 'kg' AS unit FROM (VALUES ('CHN'), ('KOR')) t(e)")
>>> codes = pa.table({"hs_revision": ["HS17"], "hs_code": ["854231"]})
>>> sums = product_year_sums(wh.table("flows"), codes)
>>> sums.select(["hs_code", "value_with_quantity", "quantity", "corridors"]).to_pylist()
[{'hs_code': '854231', 'value_with_quantity': 20.0, 'quantity': 4.0, 'corridors': 2}]
>>> [p.name.split("_")[0] for p in derived_folder(wh.path).iterdir()]
['product']
>>> pairs = partner_year_sums(wh.table("flows"), [2021])
>>> sorted(pairs.select(["exporter", "value", "total"]).to_pylist(), key=str)[0]
{'exporter': 'CHN', 'value': 10.0, 'total': False}
>>> build_summaries(wh)
{'partner_year_sums': 2, 'group_members': 19}
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shadowtrade.reference.groups import get_group, groups_members, sector_groups
from shadowtrade.reference.hs import REVISIONS as HS_REVISIONS
from shadowtrade.reference.packaged import atlas_data_dir
from shadowtrade.warehouse.flowstore import sql_literal

#: Bump when the summary's columns or rules change: files of another version are not read.
SUMMARY_VERSION = 3
SUMS_STEM = "product_year_sums"
PAIRS_STEM = "partner_year_sums"
SELECTION_STEM = "selection_sums"
LABEL_KEY = b"shadowtrade.label"
MEMBERS_STEM = "group_members"
COVERED_KEY = b"shadowtrade.covered"
ALL = "*"  # the covered list of a summary built for every product or year
FINGERPRINT_KEY = b"shadowtrade.fingerprint"
SUMS_SCHEMA = pa.schema([
    ("source", pa.string()), ("currency", pa.string()), ("freq", pa.string()),
    ("year", pa.int16()), ("hs_revision", pa.string()), ("hs_code", pa.string()),
    ("value_with_quantity", pa.float64()), ("quantity", pa.float64()), ("corridors", pa.int64()),
])
PAIRS_SCHEMA = pa.schema([
    ("source", pa.string()), ("currency", pa.string()), ("freq", pa.string()),
    ("year", pa.int16()), ("exporter", pa.string()), ("importer", pa.string()),
    ("reporter", pa.string()), ("aggregate", pa.bool_()), ("total", pa.bool_()),
    ("value", pa.float64()),
])
#: The publishers' constant columns (source, currency, frequency) each HS revision comes with.
PUBLISHERS_SQL = """
    SELECT DISTINCT source, currency, freq, hs_revision FROM flows
    WHERE hs_revision IN ({revisions}) ORDER BY ALL"""
#: Per product and year, for the flows of one publisher setting and HS revision
#: (``{publisher}``, a filter on source, currency, frequency and revision, which leaves out
#: whole stored files where those columns are constants) that are not publisher aggregates:
#: the value and quantity of rows with a positive quantity, and the distinct corridors
#: (exporter-importer pairs), counted exactly without a hash group per corridor (7.2 M for
#: CHPL's 534 codes of 77 M rows, as many as rows: the dearest part of the query). The codes
#: asked for are numbered (``{codes}``: ``hs_code``, ``code``), and a product is
#: ``code * {span} + year - {first}``, so one join on the code alone narrows the rows and
#: numbers them. The importers are numbered too (``{importers}``: ``importer``, ``number``,
#: every importer of the data, see :func:`_importer_numbers`), and each product, exporter and
#: block of 64 importer numbers keeps its importers as the bits of one integer (``bit_or``),
#: 1.9 M groups; the corridors are the bits set. A missing exporter or importer counts as one
#: more, as in a ``GROUP BY``. The sums are added in the same groups. One pass, nothing
#: materialised. On CHPL's codes of 77 M rows (LZ4 files, flowstore.py), 2 threads, seven
#: alternating runs: median 2.13 s (4.2 CPU s) against 2.28 s (4.5 CPU s) when the importers
#: were numbered from the rows themselves (which kept the joined rows in memory to read them
#: twice); 3.1-4.0 s earlier, when each row was joined on all six columns of its product and
#: year, and 7.8-8.9 CPU s, 1.5 GB, with a ``DISTINCT`` over (product, year, exporter,
#: importer) beside a separate sums aggregate.
PRODUCT_SQL = """
    WITH cells AS (
        SELECT c.code * {span} + (f.year - {first}) AS product,
               sum(CASE WHEN coalesce(f.quantity, 0) > 0 THEN f.value ELSE 0.0 END) AS value,
               sum(CASE WHEN coalesce(f.quantity, 0) > 0 THEN f.quantity ELSE 0.0 END)
                   AS quantity,
               bit_or(1::UBIGINT << (i.number % 64)::UBIGINT) AS importers
        FROM flows f JOIN {codes} c ON f.hs_code = c.hs_code
             JOIN {importers} i ON f.importer IS NOT DISTINCT FROM i.importer
        WHERE {publisher} AND NOT f.aggregate AND f.year BETWEEN {first} AND {last}
        GROUP BY product, f.exporter, i.number // 64)
    SELECT product, sum(value) AS value_with_quantity, sum(quantity) AS quantity,
           sum(bit_count(importers::HUGEINT)) AS corridors
    FROM cells GROUP BY product"""
#: Every importer of one publisher setting's flows (when the load's partner sums are missing).
IMPORTERS_SQL = "SELECT DISTINCT importer FROM flows f WHERE {publisher}"
#: Set on the connection for :data:`PRODUCT_SQL` only (then restored): the join on the codes
#: would otherwise push a min-max filter on the code into the Parquet scan, a string
#: comparison per flow row that costs more than it saves (the codes are spread over the range).
PRODUCT_SETTINGS = {"disabled_optimizers": "join_filter_pushdown"}
#: Per partner pair, reporter and year: every flow row's value, TOTAL rows apart.
PAIRS_SQL = """
    SELECT source, currency, freq, year, exporter, importer, reporter, aggregate,
           hs_code = 'TOTAL' AS total, sum(value) AS value
    FROM flows {where}
    GROUP BY ALL"""


def derived_folder(database: Path) -> Path:
    """The cache folder of a warehouse: ``warehouse.derived`` beside ``warehouse.duckdb``.

    >>> derived_folder(Path("/h/warehouse.duckdb")).as_posix()
    '/h/warehouse.derived'
    """
    return database.parent / f"{database.stem}.derived"


def warehouse_of(flows: ir.Table) -> tuple[duckdb.DuckDBPyConnection, Path] | None:
    """The DuckDB connection and database file behind ``flows`` when it is a warehouse's own
    ``flows`` table (not an expression over it, not Spark, not an in-memory database)."""
    op = flows.op()
    if not isinstance(op, ops.DatabaseTable) or op.name != "flows":
        return None
    backend = flows.get_backend()
    if backend.name != "duckdb":
        return None
    con = backend.con
    found = con.execute("SELECT path FROM duckdb_databases() "
                        "WHERE database_name = current_database()").fetchall()
    if not found or not found[0][0]:
        return None
    return con, Path(found[0][0])


def _has_flow_files(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has a ``flow_files`` table (an older one kept its flows in a table)."""
    return bool(con.execute("SELECT 1 FROM duckdb_tables() "
                            "WHERE table_name = 'flow_files' AND NOT temporary").fetchall())


def fingerprint(con: duckdb.DuckDBPyConnection, database: Path) -> str | None:
    """A digest of the exact set of loaded flow files (None for a warehouse without files).

    Load id, relative path and rows as ``flow_files`` lists them, and each file's size and
    modification time: a new load, a replacement or a rewritten file changes it.
    """
    if not _has_flow_files(con):
        return None
    files = con.execute("SELECT load_id, path, rows FROM flow_files ORDER BY load_id, path")
    parts: list[Any] = [SUMMARY_VERSION]
    for load_id, path, rows in files.fetchall():
        try:
            stat = (database.parent / path).stat()
        except OSError:
            return None  # a listed file is missing: no cache for a warehouse in that state
        parts.append([load_id, path, rows, stat.st_size, stat.st_mtime_ns])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def product_year_sums(flows: ir.Table, codes: pa.Table,
                      years: tuple[int, int] | None = None) -> pa.Table | None:
    """The world's sums per product and year for the ``(hs_revision, hs_code)`` pairs in
    ``codes`` and the years from ``years[0]`` to ``years[1]`` (every year of the data when
    None), read from the cache and completed from the flows where needed.

    Columns of :data:`SUMS_SCHEMA`. None when ``flows`` has no cache (see the module notes).
    """
    found = _summary_of(flows)
    if found is None:
        return None
    con, database, key = found
    held = [y for y in _years_held(con) if years is None or years[0] <= y <= years[1]]
    pairs = set(zip(codes["hs_revision"].to_pylist(), codes["hs_code"].to_pylist(), strict=True))
    wanted = {(r, c, y) for r, c in pairs for y in held}
    cached = _completed(database, key, SUMS_STEM, SUMS_SCHEMA, wanted, tuple,
                        lambda missing: _compute_products(con, missing, database, key))
    ordered = sorted(wanted)
    inside = pa.table({"hs_revision": pa.array([r for r, _, _ in ordered], pa.string()),
                       "hs_code": pa.array([c for _, c, _ in ordered], pa.string()),
                       "year": pa.array([y for _, _, y in ordered], pa.int16())})
    return cached.join(inside, ["hs_revision", "hs_code", "year"], join_type="inner").select(
        SUMS_SCHEMA.names)


def _years_held(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years of the loaded flow files, as ``flow_files`` records them (each file's scope,
    the (dataset, year) pairs it holds; it decides what a new load replaces)."""
    years: set[int] = set()
    for (scope,) in con.execute("SELECT scope FROM flow_files").fetchall():
        years.update(int(year) for _, year in json.loads(scope))
    return sorted(years)


def partner_year_sums(flows: ir.Table, years: list[int]) -> pa.Table | None:
    """The flows' values per partner pair, reporter and year (columns of :data:`PAIRS_SCHEMA`)
    for ``years``, read from the cache and completed from the flows where needed.

    None when ``flows`` has no cache (see the module notes): the caller computes from the flows.
    """
    found = _summary_of(flows)
    if found is None:
        return None
    con, database, key = found
    cached = _completed(database, key, PAIRS_STEM, PAIRS_SCHEMA, set(years), int,
                        lambda missing: _compute_pairs(con, missing))
    return cached.filter(pc.is_in(cached["year"], pa.array(years, pa.int16())))


def selection_sums(flows: ir.Table, label: str,
                   compute: Callable[[], ir.Table]) -> pa.Table | None:
    """A caller's summary of ``flows`` that depends on nothing but the data and ``label``: read
    from ``selection_sums_<digest of label>_<fingerprint>.parquet``, else ``compute()`` (an
    expression over ``flows``) run once on its engine and kept.

    For sums no per-product file can give (the unit values of a whole group or of HS4
    headings: their corridors are distinct pairs across several codes). ``label`` must name
    everything the expression depends on besides the flows. None when ``flows`` has no cache.
    """
    found = _summary_of(flows)
    if found is None:
        return None
    _, database, key = found
    digest = hashlib.sha256(label.encode()).hexdigest()[:16]
    path = derived_folder(database) / f"{SELECTION_STEM}_{digest}_{key}.parquet"
    try:
        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        if meta.get(FINGERPRINT_KEY) == key.encode() and meta.get(LABEL_KEY) == label.encode():
            return table.replace_schema_metadata(None)
    except (OSError, pa.ArrowInvalid):
        pass
    table = flows.get_backend().to_pyarrow(compute())
    meta = {FINGERPRINT_KEY: key.encode(), LABEL_KEY: label.encode()}
    if _replace(path, table.replace_schema_metadata(meta)):
        for other in path.parent.glob(f"{SELECTION_STEM}_{digest}_*.parquet"):
            if other != path:
                other.unlink(missing_ok=True)
    return table


def build_summaries(warehouse: Any) -> dict[str, int]:
    """Build the per-pair sums of every year of ``warehouse`` (a
    :class:`~shadowtrade.warehouse.core.Warehouse`), as ``shadowtrade data load`` does after
    loading (one scan: 3-5 s for 77 M rows), and map every sector group into the loaded HS
    revisions (:func:`build_group_members`, about a second); returns the rows and tables
    written (nothing for a warehouse without flow files).

    The per-product sums are not built here: a run builds the codes it asks for (CHPL's 534
    codes of 77 M rows: about 2.1 s, under 1 GB). Built for the codes of all 19 sector groups
    at load time they took 43 CPU s and 4 GB when the corridors were one hash group each (not
    measured since :data:`PRODUCT_SQL` counts them as bits).
    """
    con, database = warehouse.con, Path(warehouse.path)
    key = fingerprint(con, database)
    if key is None:
        return {}
    pairs = _compute_pairs(con, None)
    _write(_summary_path(database, PAIRS_STEM, key), key, pairs, ALL, PAIRS_STEM)
    return {PAIRS_STEM: pairs.num_rows, MEMBERS_STEM: build_group_members(con, database)}


def _summary_of(flows: ir.Table) -> tuple[duckdb.DuckDBPyConnection, Path, str] | None:
    """The connection, database file and fingerprint behind a warehouse's own ``flows``."""
    found = warehouse_of(flows)
    if found is None:
        return None
    con, database = found
    key = fingerprint(con, database)
    return None if key is None else (con, database, key)


def group_members(flows: ir.Table, names: list[str], revisions: list[str]) -> pa.Table:
    """:func:`shadowtrade.reference.groups.groups_members`, each group and revision kept in the
    cache folder of the warehouse whose ``flows`` the expression ``flows`` reads (computed and
    not kept otherwise)."""
    tables = {op for op in flows.op().find(ops.DatabaseTable) if op.name == "flows"}
    found = warehouse_of(tables.pop().to_expr()) if len(tables) == 1 else None
    if found is None or not names or not revisions:
        return groups_members(names, revisions)
    folder = derived_folder(found[1])
    return pa.concat_tables([_kept_members(folder, name, revision)
                             for revision in revisions for name in names])


def build_group_members(con: duckdb.DuckDBPyConnection, database: Path) -> int:
    """Keep every sector group mapped into every HS revision of the loaded flows (as
    ``shadowtrade data load`` does): a detector's first run then reads a few hundred rows
    instead of mapping its group (the HS2017-to-HS2022 weights alone take half a second).
    Returns how many (group, revision) tables are kept.

    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE flows AS SELECT 'HS17' AS hs_revision")
    >>> folder = Path(tempfile.mkdtemp())
    >>> build_group_members(con, folder / "warehouse.duckdb") == len(sector_groups())
    True
    """
    present = {row[0] for row in con.execute("SELECT DISTINCT hs_revision FROM flows").fetchall()}
    folder = derived_folder(database)
    kept = 0
    for revision in (r for r in HS_REVISIONS if r in present):
        for name in sorted(sector_groups()):
            _kept_members(folder, name, revision)
            kept += 1
    return kept


def _kept_members(folder: Path, name: str, revision: str) -> pa.Table:
    """One group's members in one revision (``groups_members`` columns), from the cache folder
    when there, else mapped and kept."""
    path = folder / f"{MEMBERS_STEM}_{_members_key([name], [revision])}.parquet"
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid):
        pass
    table = groups_members([name], [revision])
    _replace(path, table)
    return table


def _members_key(names: list[str], revisions: list[str]) -> str:
    """A digest of what a group mapping is made of (see the module notes)."""
    weights = atlas_data_dir() / "conversion_weights"
    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in weights.iterdir())
    groups = [repr(get_group(name)) for name in names]
    parts = [version("shadowtrade"), names, revisions, groups, files]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def _completed(database: Path, key: str, stem: str, schema: pa.Schema, wanted: set[Any],
               decode: Callable[[Any], Any], compute: Callable[[list[Any]], pa.Table]
               ) -> pa.Table:
    """The summary file ``<stem>_<key>.parquet`` with every item of ``wanted`` (product codes,
    years) in it: the items it does not cover yet are computed (``compute(missing)``) and added,
    and the file rewritten. ``decode`` turns an item of the file's covered list (JSON) back into
    one of ``wanted``."""
    path = _summary_path(database, stem, key)
    cached, covered = _read(path, key, schema)
    done = wanted if covered == ALL else {decode(item) for item in covered or []}
    missing = sorted(wanted - done)
    if missing:
        fresh = compute(missing)
        cached = pa.concat_tables([cached, fresh]) if cached.num_rows else fresh
        _write(path, key, cached, sorted(done | set(missing)), stem)
    return cached


def _summary_path(database: Path, stem: str, key: str) -> Path:
    """The file of one summary (``stem``) of the data with fingerprint ``key``.

    >>> _summary_path(Path("/h/warehouse.duckdb"), "partner_year_sums", "k").as_posix()
    '/h/warehouse.derived/partner_year_sums_k.parquet'
    """
    return derived_folder(database) / f"{stem}_{key}.parquet"


def _read(path: Path, key: str, schema: pa.Schema) -> tuple[pa.Table, Any]:
    """A summary and what it covers (its metadata's list, or :data:`ALL`); an empty table and
    None when there is no usable file."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid):
        return schema.empty_table(), None
    covered = _covered(table.schema.metadata, key)
    if covered is None:
        return schema.empty_table(), None
    return table.replace_schema_metadata(None).cast(schema), covered


def _covered(meta: dict[bytes, bytes] | None, key: str) -> Any:
    """What a summary file covers (its metadata's list, or :data:`ALL`); None when the file is
    of other data (another fingerprint) or does not say."""
    meta = meta or {}
    if meta.get(FINGERPRINT_KEY, b"").decode() != key or COVERED_KEY not in meta:
        return None
    return json.loads(meta[COVERED_KEY])


def _compute_products(con: duckdb.DuckDBPyConnection, items: list[tuple[str, str, int]],
                      database: Path, key: str) -> pa.Table:
    """:data:`PRODUCT_SQL` for the ``(hs_revision, hs_code, year)`` triples ``items``: one scan
    of the years' span per publisher setting of each revision asked for (usually one)."""
    first, last = min(int(y) for _, _, y in items), max(int(y) for _, _, y in items)
    wanted = {(r, c, int(y)) for r, c, y in items if c != "TOTAL"}
    revisions = sorted({r for r, _, _ in wanted})
    if not revisions:
        return SUMS_SCHEMA.empty_table()
    pairs = _summary_path(database, PAIRS_STEM, key)
    tables = [_publisher_sums(con, publisher, wanted, first, last, pairs, key)
              for publisher in _publishers(con, revisions)]
    return pa.concat_tables(tables) if tables else SUMS_SCHEMA.empty_table()


def _importer_numbers(con: duckdb.DuckDBPyConnection, pairs: Path, key: str,
                      publisher: str) -> pa.Table:
    """Every importer of the flows numbered from 0 (``importer``, ``number``; a missing
    importer is one more): read from the partner sums ``data load`` keeps (``pairs``, every
    importer of every year, of any publisher: more than one publisher's, which only leaves
    numbers unused), else from one scan of the ``publisher``'s importers (0.13 s for 77 M
    rows).

    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE flows AS SELECT * FROM (VALUES ('RUS'), (NULL), ('RUS')) "
    ...                 "t(importer)")
    >>> sorted(_importer_numbers(con, Path("absent.parquet"), "k", "true").to_pylist(),
    ...        key=lambda row: row["number"])
    [{'importer': 'RUS', 'number': 0}, {'importer': None, 'number': 1}]
    """
    found = _covered_column(pairs, key, "importer")
    if found is None:
        found = con.execute(IMPORTERS_SQL.format(publisher=publisher)).to_arrow_table()[0]
    importers = pc.unique(found.combine_chunks())
    return pa.table({"importer": importers.cast(pa.string()),
                     "number": pa.array(range(len(importers)), pa.int32())})


def _covered_column(path: Path, key: str, column: str) -> pa.Array | None:
    """One column of a summary file built for everything (``data load``'s partner sums) of
    the data with fingerprint ``key``; None when there is no such file."""
    try:
        if _covered(pq.read_schema(path).metadata, key) != ALL:
            return None
        return pq.read_table(path, columns=[column])[column]
    except (OSError, pa.ArrowInvalid, ValueError):
        return None


def _publishers(con: duckdb.DuckDBPyConnection,
                revisions: list[str]) -> list[tuple[Any, ...]]:
    """The ``(source, currency, freq, hs_revision)`` of the flows in ``revisions``: from
    ``flow_files`` when every stored file records all four as constants (no scan), else
    :data:`PUBLISHERS_SQL` (a scan of those columns: 0.1 s for 77 M rows).

    >>> con = duckdb.connect()
    >>> constants = json.dumps({"source": "baci", "currency": "USD", "freq": "A",
    ...                         "hs_revision": "HS17", "unit": "kg"})
    >>> _ = con.execute("CREATE TABLE flow_files AS SELECT ? AS constants", [constants])
    >>> _publishers(con, ["HS17"]), _publishers(con, ["HS22"])
    ([('baci', 'USD', 'A', 'HS17')], [])
    """
    found = recorded_constants(con, ("source", "currency", "freq", "hs_revision"))
    if found is not None:
        return sorted((p for p in found if p[3] in revisions), key=repr)
    listed = ", ".join(sql_literal(r) for r in revisions)
    return con.execute(PUBLISHERS_SQL.format(revisions=listed)).fetchall()


def recorded_constants(con: duckdb.DuckDBPyConnection,
                       columns: tuple[str, ...]) -> set[tuple[Any, ...]] | None:
    """The distinct values of ``columns`` over the stored flow files, read from what
    ``flow_files`` records of each (its constant columns) without a scan; None when a file does
    not record them all (a column that varies within it), or when there are no stored files to
    ask (an older warehouse's flows in a table).

    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE flow_files AS SELECT * FROM (VALUES (?), (?)) t(constants)",
    ...                 ['{"hs_revision": "HS17"}', '{"source": "baci"}'])
    >>> recorded_constants(con, ("hs_revision",)) is None  # the second file's varies
    True
    >>> _ = con.execute("DELETE FROM flow_files WHERE constants LIKE '%source%'")
    >>> recorded_constants(con, ("hs_revision",))
    {('HS17',)}
    >>> recorded_constants(duckdb.connect(), ("hs_revision",)) is None  # no flow_files
    True
    """
    if not _has_flow_files(con):
        return None
    recorded = [json.loads(text) for (text,) in
                con.execute("SELECT constants FROM flow_files").fetchall()]
    if not recorded or not all(all(column in constants for column in columns)
                               for constants in recorded):
        return None
    return {tuple(constants[column] for column in columns) for constants in recorded}


def revisions_held(flows: ir.Table) -> set[str] | None:
    """The HS revisions of a warehouse's own ``flows``, as its stored files record them (no
    scan); None for anything else, or files that do not record their revision."""
    found = warehouse_of(flows)
    if found is None:
        return None
    held = recorded_constants(found[0], ("hs_revision",))
    return None if held is None else {revision for (revision,) in held}


def _publisher_sums(con: duckdb.DuckDBPyConnection, publisher: tuple[Any, ...],
                    wanted: set[tuple[str, str, int]], first: int, last: int,
                    pairs: Path, key: str) -> pa.Table:
    """:data:`PRODUCT_SQL` for one ``(source, currency, freq, hs_revision)``: the rows of the
    ``wanted`` triples of its revision, columns of :data:`SUMS_SCHEMA` (``pairs``: the
    partner sums file whose importers are numbered, see :func:`_importer_numbers`)."""
    source, currency, freq, revision = publisher
    codes = sorted({c for r, c, _ in wanted if r == revision})
    span = last - first + 1
    where = " AND ".join(f"f.{column} IS NOT DISTINCT FROM {sql_literal(value)}"
                         for column, value in zip(("source", "currency", "freq", "hs_revision"),
                                                  publisher, strict=True))
    name, numbered = f"_derived_codes_{os.getpid()}", f"_derived_importers_{os.getpid()}"
    con.register(name, pa.table({"hs_code": pa.array(codes, pa.string()),
                                 "code": pa.array(range(len(codes)), pa.int32())}))
    con.register(numbered, _importer_numbers(con, pairs, key, where))
    try:
        with _settings(con, PRODUCT_SETTINGS):
            found = con.execute(PRODUCT_SQL.format(
                codes=name, importers=numbered, span=span, first=first, last=last,
                publisher=where)).fetchall()
    finally:
        con.unregister(name)
        con.unregister(numbered)
    rows = [(codes[product // span], first + product % span, value, quantity, corridors)
            for product, value, quantity, corridors in found]
    rows = [row for row in sorted(rows) if (revision, row[0], row[1]) in wanted]
    return pa.table({
        "source": pa.array([source] * len(rows), pa.string()),
        "currency": pa.array([currency] * len(rows), pa.string()),
        "freq": pa.array([freq] * len(rows), pa.string()),
        "year": pa.array([row[1] for row in rows], pa.int16()),
        "hs_revision": pa.array([revision] * len(rows), pa.string()),
        "hs_code": pa.array([row[0] for row in rows], pa.string()),
        "value_with_quantity": pa.array([row[2] for row in rows], pa.float64()),
        "quantity": pa.array([row[3] for row in rows], pa.float64()),
        "corridors": pa.array([row[4] for row in rows], pa.int64())}, schema=SUMS_SCHEMA)


@contextmanager
def _settings(con: duckdb.DuckDBPyConnection, settings: dict[str, str]) -> Iterator[None]:
    """DuckDB ``settings`` on ``con`` for the block, each put back as it was afterwards.

    >>> con = duckdb.connect()
    >>> with _settings(con, {"disabled_optimizers": "join_filter_pushdown"}):
    ...     con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0]
    'join_filter_pushdown'
    >>> con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0]
    ''
    """
    before = {name: con.execute("SELECT current_setting(?)", [name]).fetchall()[0][0]
              for name in settings}
    for name, value in settings.items():
        con.execute(f"SET {name} = ?", [value])
    try:
        yield
    finally:
        for name, value in before.items():
            con.execute(f"SET {name} = ?", [value])


def _compute_pairs(con: duckdb.DuckDBPyConnection, years: list[int] | None) -> pa.Table:
    """:data:`PAIRS_SQL` for ``years`` (every year when None): one scan."""
    where = "" if years is None else f"WHERE year IN ({', '.join(str(int(y)) for y in years)})"
    return con.execute(PAIRS_SQL.format(where=where)).to_arrow_table().cast(PAIRS_SCHEMA)


def _write(path: Path, key: str, table: pa.Table, covered: Any, stem: str) -> None:
    """Replace a summary's file atomically; remove that summary's files of other data."""
    meta = {FINGERPRINT_KEY: key.encode(), COVERED_KEY: json.dumps(covered).encode()}
    if not _replace(path, table.replace_schema_metadata(meta)):
        return
    for other in path.parent.glob(f"{stem}_*.parquet"):
        if other != path:
            other.unlink(missing_ok=True)


def _replace(path: Path, table: pa.Table) -> bool:
    """Write ``table`` to a temporary file beside ``path`` and rename it into place; False
    (nothing written) where the folder cannot be written: the caller uses what it computed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}_",
                                             suffix=".tmp")
        os.close(handle)
        try:
            pq.write_table(table, temporary)
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the warehouse's files are not
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
