"""The ``shadowtrade`` command line: thin commands that parse, call one library function, format.

Each command group lives in its own module and is registered here.
"""

from __future__ import annotations

from shadowtrade.cli.app import app, main
from shadowtrade.cli import data as _data  # noqa: F401  (registers commands)
from shadowtrade.cli import fetch as _fetch  # noqa: F401
from shadowtrade.cli import flows as _flows  # noqa: F401
from shadowtrade.cli import report as _report  # noqa: F401  (created by the reports work)
from shadowtrade.cli import regimes as _regimes  # noqa: F401
from shadowtrade.cli import screening as _screening  # noqa: F401
from shadowtrade.cli import detect as _detect  # noqa: F401
from shadowtrade.cli import brief as _brief  # noqa: F401

__all__ = ["app", "main"]
