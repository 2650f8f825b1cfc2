"""Documentation that cannot drift: the CLI reference is generated from the commands."""

from __future__ import annotations

from pathlib import Path

from shadowtrade.cli.reference import render_cli_reference

REPO = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render_cli_reference(), (
        "docs/cli.md is out of date: run .venv/bin/python -m shadowtrade.cli.reference > docs/cli.md"
    )


def test_readme_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == [
        "make demo", "make test"]
