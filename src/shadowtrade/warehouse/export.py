"""Exporting the warehouse as a Parquet dataset partitioned by source and year (what Spark
and other engines read).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> from shadowtrade.warehouse.core import Warehouse
>>> wh = Warehouse(folder / "w.duckdb")
>>> export_parquet(wh, folder / "out")["flows"]
0
"""

from __future__ import annotations

import shutil
from pathlib import Path

from shadowtrade.errors import UsageError
from shadowtrade.warehouse.core import Warehouse

SCHEMA_VERSION = "1"


def export_parquet(warehouse: Warehouse, out: Path, overwrite: bool = False) -> dict[str, int]:
    """Write ``flows`` (partitioned by source and year), ``load_log`` and ``quarantine``.

    The export is written to a temporary folder and moved into place, so a reader never sees
    half of it. Returns the rows written per table.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise UsageError(f"{out} exists and is not empty: choose another --out or add --overwrite")
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    counts = {}
    try:
        flows_dir = str(staging / "flows").replace("'", "''")
        warehouse.con.execute(
            f"COPY (SELECT * FROM flows) TO '{flows_dir}' "
            "(FORMAT PARQUET, PARTITION_BY (source, year), COMPRESSION ZSTD)")
        counts["flows"] = warehouse.sql_rows("SELECT count(*) FROM flows")[0][0]
        for table in ("load_log", "quarantine"):
            target = str(staging / f"{table}.parquet").replace("'", "''")
            warehouse.con.execute(f"COPY {table} TO '{target}' (FORMAT PARQUET)")
            counts[table] = warehouse.sql_rows(f"SELECT count(*) FROM {table}")[0][0]
        (staging / "SCHEMA_VERSION").write_text(SCHEMA_VERSION + "\n")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return counts
