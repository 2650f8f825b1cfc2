"""CLI commands of this area (filled in by its issue's work)."""

from __future__ import annotations
