"""Domain vocabulary shared by every layer: codes, periods and the flow record layout."""

from shadowtrade.model.codes import normalise_hs_code, parse_years
from shadowtrade.model.flows import FLOW_COLUMNS, FLOW_SCHEMA

__all__ = ["FLOW_COLUMNS", "FLOW_SCHEMA", "normalise_hs_code", "parse_years"]
