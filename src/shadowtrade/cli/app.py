"""The root Typer application, global options and the edge where errors become exit codes."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from shadowtrade.config import Settings, load_settings
from shadowtrade.errors import ShadowtradeError

app = typer.Typer(
    name="shadowtrade",
    help="Trade-and-sanctions intelligence: mirror trade flows, sanctions regimes as data, "
    "evasion detectors, screening and plain-language briefs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)


@dataclass
class State:
    """Options given before the command, shared by every command."""

    home: Path | None = None
    engine: str | None = None
    spark_master: str | None = None
    quiet: bool = False

    def settings(self) -> Settings:
        """Settings from the environment with these options on top."""
        return load_settings(home=self.home, engine=self.engine, spark_master=self.spark_master)


STATE = State()


@app.callback()
def _root(
    home: Path = typer.Option(
        None, "--home", help="Data directory (default: $SHADOWTRADE_HOME or a per-user folder)."
    ),
    engine: str = typer.Option(
        None, "--engine", help="Analysis engine: duckdb (default) or spark ($SHADOWTRADE_ENGINE)."
    ),
    spark_master: str = typer.Option(
        None, "--spark-master", help="Spark master URL, e.g. local[2] or spark://HOST:7077."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    STATE.home, STATE.engine, STATE.spark_master, STATE.quiet = home, engine, spark_master, quiet


def settings() -> Settings:
    """The settings for the running command."""
    return STATE.settings()


def print_json(payload: Any) -> None:
    """Print a JSON document to standard output (dates and decimals as strings)."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def main() -> None:
    """Entry point of the console script: errors become one line on stderr and an exit code."""
    try:
        code = app(standalone_mode=False)
    except ShadowtradeError as err:
        # escape(): "[spark]" in "pip install shadowtrade[spark]" is text, not rich markup
        err_console.print(f"[bold red]Error:[/] {escape(str(err))}", highlight=False,
                          soft_wrap=True)
        raise SystemExit(err.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("Aborted.")
        raise SystemExit(130) from None
    except Exception as err:
        if _is_usage_error(err):  # Typer's (vendored Click) usage errors
            err.show()  # type: ignore[attr-defined]
            raise SystemExit(err.exit_code) from None  # type: ignore[attr-defined]
        if type(err).__name__ == "Abort":
            err_console.print("Aborted.")
            raise SystemExit(130) from None
        raise
    raise SystemExit(code if isinstance(code, int) else 0)


def _is_usage_error(err: BaseException) -> bool:
    return hasattr(err, "show") and isinstance(getattr(err, "exit_code", None), int)
