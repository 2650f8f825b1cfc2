"""The CLI reference (docs/cli.md), generated from the commands themselves so it cannot drift.

>>> "## shadowtrade flows" in render_cli_reference()
True
"""

from __future__ import annotations

from typing import Any

import typer

from shadowtrade.cli.app import app


def render_cli_reference() -> str:
    """Markdown: one section per command with its help text and options."""
    root = typer.main.get_command(app)
    lines = ["# Command-line reference", "",
             "Generated from the code by `python -m shadowtrade.cli.reference`; a test checks "
             "that this file is current.", ""]
    for path, command in _walk(root, ["shadowtrade"]):
        lines.extend(_section(path, command))
    return "\n".join(lines).rstrip() + "\n"


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found: list[tuple[list[str], Any]] = []
    if hasattr(command, "commands"):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name], [*path, name]))
    else:
        found.append((path, command))
    return found


def _section(path: list[str], command: Any) -> list[str]:
    usage = " ".join(path)
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [p for p in command.params if p.param_type_name == "option"]
    lines = [f"## {usage}", "", (command.help or "").strip().split("\n")[0], ""]
    signature = usage + "".join(f" {a.name.upper()}" for a in arguments) + " [OPTIONS]"
    lines += ["```", signature, "```", ""]
    for option in options:
        if option.name == "help":
            continue
        flags = ", ".join(f"`{o}`" for o in option.opts)
        lines.append(f"- {flags}: {(option.help or '').strip()}")
    lines.append("")
    return lines


if __name__ == "__main__":  # pragma: no cover
    print(render_cli_reference(), end="")
