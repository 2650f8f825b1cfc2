"""Sanctions regimes as YAML data: validation and evaluation.

>>> import datetime as dt
>>> result = check_flow(FlowQuery("CHN", "PRK", "271019", dt.date(2019, 6, 1)))
>>> [f.rule.legal_ref.text for f in result.findings if f.status.value == "capped"]
['S/RES/2397 (2017) OP5']
"""

from shadowtrade.rules.evaluate import CheckResult, Finding, FlowQuery, check_flow
from shadowtrade.rules.loader import RuleBook, load_rulebook
from shadowtrade.rules.model import Rule, Status
from shadowtrade.rules.overlap import overlap_table
from shadowtrade.rules.validation import RuleFileError

__all__ = [
    "CheckResult", "Finding", "FlowQuery", "Rule", "RuleBook", "RuleFileError", "Status",
    "check_flow", "load_rulebook", "overlap_table",
]
