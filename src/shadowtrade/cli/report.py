"""``shadowtrade report …``: HTML reports (the corridor report's command is added here)."""

from __future__ import annotations

import typer

from shadowtrade.cli.app import app

report_app = typer.Typer(help="Write self-contained HTML reports.", no_args_is_help=True)
app.add_typer(report_app, name="report")
