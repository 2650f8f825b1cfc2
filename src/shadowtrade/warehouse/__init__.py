"""The embedded DuckDB warehouse, its schema and its atomic loads."""

from shadowtrade.warehouse.bulk import BaciScan
from shadowtrade.warehouse.core import Warehouse
from shadowtrade.warehouse.ingest import (
    FlowPart, LoadResult, add_flow_rows, file_sha256, load_flow_batches, load_flow_parts)

__all__ = ["BaciScan", "FlowPart", "LoadResult", "Warehouse", "add_flow_rows", "file_sha256",
           "load_flow_batches", "load_flow_parts"]
