"""Where reference files live: this package's YAML and the `atlas-common-data` package's CSVs.

The Growth Lab package ships HS trees, revision conversion weights and country tables; we read
its files directly (importing it would pull in its network clients).

>>> read_yaml("hs_sections.yaml")["XVII"]["chapters"]
[86, 89]
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from shadowtrade.errors import ShadowtradeError

_HERE = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def read_yaml(name: str) -> Any:
    """Read one of this package's reference YAML files."""
    with open(_HERE / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def atlas_data_dir() -> Path:
    """The data folder of the installed ``atlas-common-data`` package."""
    spec = importlib.util.find_spec("atlas_common_data")
    if spec is None or not spec.submodule_search_locations:
        raise ShadowtradeError(
            "the package 'atlas-common-data' is missing: pip install atlas-common-data"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "data"
