"""The embedded DuckDB warehouse: the only place that opens a database connection.

>>> import tempfile, pathlib
>>> with Warehouse(pathlib.Path(tempfile.mkdtemp()) / "w.duckdb") as wh:
...     wh.table("flows").count().execute()
0
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir

from shadowtrade.errors import ShadowtradeError
from shadowtrade.warehouse.schema import ALL_DDL


class Warehouse:
    """A DuckDB file holding list entities, provenance and quarantine, and the Parquet files of
    the flows beside it (``<name>.flows/``), read through the ``flows`` view."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only and self.path.exists()
        config: dict[str, Any] = {}
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=self.read_only, config=config)
        except (duckdb.IOException, duckdb.ConnectionException) as err:
            raise ShadowtradeError(
                f"cannot open the warehouse {self.path}: {err}. Is another shadowtrade "
                "command writing to it? Wait for it, or point --home elsewhere."
            ) from err
        self.con.execute("SET enable_progress_bar = false")  # output belongs to the CLI
        if not self.read_only:
            for ddl in ALL_DDL:
                self.con.execute(ddl)
        self._ibis: Any = None
        self._prepare_flows()

    def _prepare_flows(self) -> None:
        """Build the ``flows`` view over the flow files (after moving an old ``flows`` table to
        files, and deleting files a crashed load left, when opened for writing)."""
        from shadowtrade.warehouse import flowstore, ingest  # they build on this class

        if not self.read_only:
            ingest.migrate_flows_table(self)
            flowstore.remove_orphans(self)
        flowstore.create_flows_view(self)

    # -- context management -------------------------------------------------------------
    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        try:
            self.con.close()
        except duckdb.Error:
            pass

    # -- queries --------------------------------------------------------------------------
    @property
    def backend(self) -> Any:
        """The Ibis backend over this connection."""
        if self._ibis is None:
            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table(self, name: str) -> ir.Table:
        """An Ibis expression over one warehouse table."""
        return self.backend.table(name)

    def has_table(self, name: str) -> bool:
        """True when the table exists."""
        return name in self.backend.list_tables()

    def sql_rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a parameterised statement and return its rows (warehouse-internal SQL only)."""
        return self.con.execute(sql, params or []).fetchall()
