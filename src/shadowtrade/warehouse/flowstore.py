"""Where flow rows live: one Parquet file per load beside the DuckDB file, and a ``flows`` view.

Each load writes its rows to ``<warehouse>.flows/load_<id>.parquet`` (next to
``<warehouse>.duckdb``), keeping only the columns that vary within the load; the columns every
row of the load shares (source, release, currency …) are recorded once in ``flow_files``. The
``flows`` view, rebuilt from ``flow_files`` whenever the warehouse is opened, is a ``UNION ALL``
over the files, each branch projecting its constants as literals: it has the same 17 columns and
types as the table it replaced, DuckDB prunes branches whose constants contradict a filter, and
Parquet min/max statistics skip row groups of other exporters.

A file not listed in ``flow_files`` is invisible; paths are relative to the warehouse's folder,
so a home can be moved or opened read-only.

>>> sql_literal("O'Brien"), sql_literal(None), sql_literal(False), sql_literal(2021)
("'O''Brien'", 'NULL', 'false', '2021')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shadowtrade.warehouse.core import Warehouse

#: The columns of ``flows`` and their DuckDB types, in order (see ``model/flows.py``).
FLOW_TYPES: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"), ("dataset", "VARCHAR"), ("release", "VARCHAR"), ("freq", "VARCHAR"),
    ("year", "SMALLINT"), ("month", "TINYINT"), ("exporter", "VARCHAR"), ("importer", "VARCHAR"),
    ("reporter", "VARCHAR"), ("aggregate", "BOOLEAN"), ("hs_revision", "VARCHAR"),
    ("hs_code", "VARCHAR"), ("value", "DOUBLE"), ("currency", "VARCHAR"), ("quantity", "DOUBLE"),
    ("unit", "VARCHAR"), ("load_id", "INTEGER"),
)
ROW_COLUMNS: tuple[str, ...] = tuple(name for name, _ in FLOW_TYPES if name != "load_id")
#: The codec of every stored flow file (DuckDB's name; pyarrow calls it ``lz4``). Against
#: Snappy, on 77 M synthetic BACI rows: files the same size or smaller (947 MB against 971 MB
#: as DuckDB writes them, 102 MB against 103 MB a year as the BACI loader writes them) and
#: scans 15-35 % cheaper (the unit values' world sums: 2.4-3.0 s against 2.9-3.4 s; a year
#: as the BACI loader writes it: 0.66-0.88 CPU s against 0.74-1.05). Uncompressed would be
#: faster still (2.0-2.4 s) but 1.4-2.5 times the size.
STORED_COMPRESSION = "lz4_raw"
#: The options of DuckDB's ``COPY … TO`` writing a stored flow file.
COPY_OPTIONS = f"(FORMAT parquet, COMPRESSION {STORED_COMPRESSION})"
_TYPES = dict(FLOW_TYPES)


@dataclass
class StoredFile:
    """One Parquet file of flow rows, as ``flow_files`` records it."""

    load_id: int
    path: str  # relative to the warehouse's folder
    source: str
    release: str
    constants: dict[str, Any]
    scope: list[tuple[str, int]] = field(default_factory=list)  # (dataset, year) pairs held
    rows: int = 0

    @property
    def columns(self) -> list[str]:
        """The columns stored in the file (every flow column that is not a constant)."""
        return [name for name in ROW_COLUMNS if name not in self.constants]


def sql_literal(value: Any) -> str:
    """A SQL literal for a value from the data (quotes doubled, never pasted raw)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def store_folder(warehouse: Warehouse) -> Path:
    """The folder holding a warehouse's flow files: ``warehouse.flows`` beside ``warehouse.duckdb``."""
    return warehouse.path.parent / f"{warehouse.path.stem}.flows"


def relative(warehouse: Warehouse, path: Path) -> str:
    """A flow file's path as stored: relative to the warehouse's folder."""
    return Path(path).relative_to(warehouse.path.parent).as_posix()


def absolute(warehouse: Warehouse, path: str) -> Path:
    """A stored flow file's path on this machine."""
    return warehouse.path.parent / path


def branch_sql(root: Path, stored: StoredFile) -> str:
    """The view's branch for one file: its columns, and its constants as typed literals."""
    location = sql_literal(str(root / stored.path))
    parts = []
    for name, kind in FLOW_TYPES:
        if name == "load_id":
            value = sql_literal(stored.load_id)
        elif name in stored.constants:
            value = sql_literal(stored.constants[name])
        else:
            value = f'"{name}"'
        parts.append(f'CAST({value} AS {kind}) AS "{name}"')
    return f"SELECT {', '.join(parts)} FROM read_parquet({location})"


def view_sql(root: Path, files: list[StoredFile]) -> str:
    """The ``flows`` view over every listed file (no file: an empty view of the right types).

    >>> print(view_sql(Path("/h"), [])[:60])
    CREATE OR REPLACE TEMP VIEW flows AS SELECT CAST(NULL AS VAR
    """
    if not files:
        empty = ", ".join(f'CAST(NULL AS {kind}) AS "{name}"' for name, kind in FLOW_TYPES)
        body = f"SELECT {empty} WHERE false"
    else:
        body = "\nUNION ALL ".join(branch_sql(root, stored) for stored in files)
    return f"CREATE OR REPLACE TEMP VIEW flows AS {body}"


def stored_files(warehouse: Warehouse) -> list[StoredFile]:
    """Every file ``flow_files`` lists, in load order."""
    rows = warehouse.sql_rows(
        "SELECT load_id, path, source, release, constants, scope, rows FROM flow_files "
        "ORDER BY load_id, path")
    return [StoredFile(load_id, path, source, release, json.loads(constants),
                       [(d, y) for d, y in json.loads(scope)], rows)
            for load_id, path, source, release, constants, scope, rows in rows]


def has_flow_files(warehouse: Warehouse) -> bool:
    """True when the warehouse keeps its flows in files (a new or migrated warehouse)."""
    return bool(warehouse.sql_rows(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = 'flow_files' AND NOT temporary"))


def create_flows_view(warehouse: Warehouse) -> None:
    """(Re)build the ``flows`` view from ``flow_files``, with paths resolved on this machine."""
    if not has_flow_files(warehouse):
        return  # an old read-only warehouse: its flows table is still a table
    warehouse.con.execute(view_sql(warehouse.path.parent, stored_files(warehouse)))


def record(warehouse: Warehouse, stored: StoredFile) -> None:
    """List a file in ``flow_files`` (inside the caller's transaction)."""
    warehouse.con.execute(
        "INSERT INTO flow_files VALUES (?, ?, ?, ?, ?, ?, ?)",
        [stored.load_id, stored.path, stored.source, stored.release,
         json.dumps(stored.constants), json.dumps(stored.scope), stored.rows])


def file_scope(warehouse: Warehouse, stored: StoredFile) -> list[tuple[str, int]]:
    """The (dataset, year) pairs a file holds, read from the file itself."""
    branch = branch_sql(warehouse.path.parent, stored)
    rows = warehouse.sql_rows(f"SELECT DISTINCT dataset, year FROM ({branch}) ORDER BY ALL")
    return [(dataset, int(year)) for dataset, year in rows]


def remove_orphans(warehouse: Warehouse) -> list[Path]:
    """Delete files in the store that ``flow_files`` does not list (left by a crash)."""
    folder = store_folder(warehouse)
    if not folder.is_dir():
        return []
    listed = {absolute(warehouse, stored.path) for stored in stored_files(warehouse)}
    removed = [path for path in folder.iterdir() if path.is_file() and path not in listed]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
