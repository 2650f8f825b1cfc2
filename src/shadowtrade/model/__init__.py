"""Domain vocabulary shared by every layer: codes, periods and the flow record layout.

The flow layout (``FLOW_COLUMNS``, ``FLOW_SCHEMA``) is an Arrow schema: it is imported on first
use, so that code needing only the codes does not load pyarrow.

>>> from shadowtrade.model import FLOW_COLUMNS
>>> "exporter" in FLOW_COLUMNS
True
"""

from typing import Any

from shadowtrade.model.codes import normalise_hs_code, parse_years

__all__ = ["FLOW_COLUMNS", "FLOW_SCHEMA", "normalise_hs_code", "parse_years"]


def __getattr__(name: str) -> Any:
    if name in ("FLOW_COLUMNS", "FLOW_SCHEMA"):
        from shadowtrade.model import flows

        return getattr(flows, name)
    raise AttributeError(f"module 'shadowtrade.model' has no attribute {name!r}")
