"""One typed settings object, built at the edge (CLI, API) and passed explicitly.

Library code never reads the environment; only :func:`load_settings` does.

>>> s = Settings(home=Path("/tmp/st-doc"))
>>> s.warehouse_path.name
'warehouse.duckdb'
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Engine = Literal["duckdb", "spark"]


def default_home() -> Path:
    """The per-user data directory used when ``SHADOWTRADE_HOME`` is not set."""
    return Path(platformdirs.user_data_dir("shadowtrade", appauthor=False))


class Settings(BaseSettings):
    """Where shadowtrade keeps its data and which engine it runs analyses on."""

    model_config = SettingsConfigDict(env_prefix="SHADOWTRADE_", frozen=True, extra="ignore")

    home: Path = Field(default_factory=default_home)
    engine: Engine = "duckdb"
    spark_master: str = "local[2]"
    spark_data: str | None = None  # Parquet dataset Spark reads (default HOME/export)
    threads: int | None = None
    memory_limit: str | None = None
    progress: bool = True
    comtrade_key: str | None = None
    fetch_base_url: str | None = None  # a mirror server standing in for the publishers

    @property
    def warehouse_path(self) -> Path:
        """The DuckDB file holding every loaded table."""
        return self.home / "warehouse.duckdb"

    @property
    def downloads_dir(self) -> Path:
        """Where ``data fetch`` keeps the files it downloaded."""
        return self.home / "downloads"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (``None`` values ignored).

    >>> load_settings(home="/tmp/x").home
    PosixPath('/tmp/x')
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)  # type: ignore[arg-type]
