"""The overlap table and its HTML and CSV reports."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from shadowtrade.errors import UsageError
from shadowtrade.reports.overlap import overlap_csv, render_overlap_html
from shadowtrade.rules.overlap import overlap_table

ON = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def kp() -> dict:
    return overlap_table("KP", on=ON).as_dict()


def cell(table: dict, key: str, direction: str, authority: str) -> dict | None:
    row = [r for r in table["rows"] if r["key"] == key and r["direction"] == direction][0]
    return row["cells"][authority]


def test_chapter_87_to_dprk_is_covered_by_every_authority(kp: dict) -> None:
    for authority in ("UN", "US", "EU", "UK", "JP"):
        found = cell(kp, "87", "to_target", authority)
        assert found is not None and found["status"] == "prohibited", authority
        assert found["partial"] is False
    # The rule reaching the whole chapter comes first; the arms rule (8710, tanks) after it.
    assert cell(kp, "87", "to_target", "UN")["rule_ids"] == ["UN-KP-2397-7-IMPORT-BAN", "UN-KP-1718-8a-ARMS-WMD"]


def test_wigs_chapter_is_debated_for_the_un(kp: dict) -> None:
    un = cell(kp, "67", "from_target", "UN")
    assert un == {"status": "debated", "rule_ids": ["UN-KP-2375-16-TEXTILES"], "partial": True,
                  "other_rule_ids": []}


def test_rice_to_dprk_has_no_un_ban(kp: dict) -> None:
    assert cell(kp, "10", "to_target", "UN")["status"] == "possible"  # the end-use catch-all only
    assert cell(kp, "10", "to_target", "EU") is None


def test_coal_cap_shows_before_the_ban() -> None:
    early = overlap_table("KP", on=dt.date(2017, 3, 1)).as_dict()
    assert cell(early, "27", "from_target", "UN")["status"] == "capped"


def test_groups_for_russia() -> None:
    table = overlap_table("RU", by="group", on=ON).as_dict()
    assert cell(table, "chpl_tier_1", "to_target", "EU")["status"] == "prohibited"
    assert cell(table, "chpl_tier_1", "to_target", "US")["status"] == "licence_required"


def test_bad_target_and_by() -> None:
    with pytest.raises(UsageError) as caught:
        overlap_table("FR", on=ON)
    assert str(caught.value) == "no encoded regime targets 'FR': targets are BY, KP, RU"
    with pytest.raises(UsageError, match="invalid --by 'sector': use chapter or group"):
        overlap_table("KP", by="sector", on=ON)


def test_html_is_self_contained_and_links_every_cell(kp: dict) -> None:
    html = render_overlap_html(kp)
    assert "<script" not in html and "http://" not in html.split("<h2>Rules and citations")[0]
    assert not re.search(r'<(link|img)[^>]+(href|src)="https?://', html)
    anchors = set(re.findall(r'id="(rule-[^"]+)"', html))
    links = set(re.findall(r'href="#(rule-[^"]+)"', html))
    assert links and links <= anchors
    assert 'class="cell s-prohibited"' in html
    assert "binds every UN member state" in html
    assert "S/RES/2397 (2017) OP7" in html


def test_csv_has_a_status_and_rules_column_per_authority(kp: dict) -> None:
    lines = overlap_csv(kp).splitlines()
    assert lines[0] == "key,label,direction,UN,UN_rules,US,US_rules,EU,EU_rules,UK,UK_rules,JP,JP_rules"
    row87 = [line for line in lines if line.startswith("87,") and ",to_target," in line][0]
    assert row87.count("prohibited") == 5
