"""Paths to the real list files in ../shared/data/sanctions (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

SANCTIONS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "sanctions"


@pytest.fixture(scope="session")
def sanctions_dir() -> Path:
    """The folder of real sanctions list files."""
    if not SANCTIONS.is_dir():
        pytest.fail(f"the real list files are missing: expected {SANCTIONS}")
    return SANCTIONS
