"""The examples in the docstrings of the regimes modules run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "shadowtrade.rules", "shadowtrade.rules.model", "shadowtrade.rules.validation", "shadowtrade.rules.loader",
    "shadowtrade.rules.conflicts", "shadowtrade.rules.matching", "shadowtrade.rules.explain",
    "shadowtrade.rules.evaluate", "shadowtrade.rules.overlap", "shadowtrade.rules.coverage",
    "shadowtrade.analysis.exposure", "shadowtrade.reports.overlap",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name in {"shadowtrade.rules.conflicts"}
