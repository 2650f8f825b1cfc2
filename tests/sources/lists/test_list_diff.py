"""``lists diff``: what changed between the two real UN list versions."""

from __future__ import annotations

from pathlib import Path

from shadowtrade.sources.lists.diff import diff_entities
from shadowtrade.sources.lists.un import read_un


def test_un_2025_to_2026(sanctions_dir: Path) -> None:
    old = read_un(sanctions_dir / "un/un_consolidated_2025-04-19.xml")
    new = read_un(sanctions_dir / "un/un_consolidated_2026-02-27.xml")
    result = diff_entities(old.entities, new.entities)
    assert result["counts"] == {"old": 877, "new": 1003, "added": 130, "removed": 4,
                                "changed": 4}
    assert result["added"][0] == {"id": "un_sc-HTe.001", "caption": "GRAN GRIF",
                                  "schema": "Organization"}
    assert {"id": "un_sc-IQi.074", "caption": "MUNIR AL QUBAYSI",
            "schema": "Person"} in result["removed"]
    changed = next(c for c in result["changed"] if c["id"] == "un_sc-IQi.085")
    assert changed["fields"] == ["alias"]


def test_identical_versions_have_no_differences(sanctions_dir: Path) -> None:
    parsed = read_un(sanctions_dir / "un/un_consolidated_2026-02-27.xml")
    result = diff_entities(parsed.entities, parsed.entities)
    assert result["counts"]["added"] == result["counts"]["changed"] == 0
