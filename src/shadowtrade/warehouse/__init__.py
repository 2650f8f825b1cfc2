"""The embedded DuckDB warehouse, its schema and its atomic loads."""

from shadowtrade.warehouse.core import Warehouse
from shadowtrade.warehouse.ingest import LoadResult, file_sha256, load_flow_batches

__all__ = ["LoadResult", "Warehouse", "file_sha256", "load_flow_batches"]
