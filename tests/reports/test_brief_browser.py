"""Every brief renders in headless Chromium without console errors, with its chart, and its
PDF converts to pages (issue 6). Chromium and poppler come from Debian (make test installs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from shadowtrade.assess.country import brief_corridor, brief_country
from shadowtrade.assess.deal import assess_deal
from shadowtrade.assess.findings import Assessment
from shadowtrade.reports.brief import write_brief
from shadowtrade.sources.deals import read_deal

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def briefs(full_warehouse, screener) -> dict[str, Assessment]:
    flows = full_warehouse.table("flows")
    made = {path.stem: assess_deal(read_deal(path), flows, screener)
            for path in sorted(EXAMPLES.glob("*.yaml"))}
    made["country-prk"] = brief_country("PRK", flows)
    made["corridor-blr-prk"] = brief_corridor("BLR", "PRK", flows)
    return made


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def test_each_brief_renders_with_its_chart_and_no_console_errors(
    briefs: dict[str, Assessment], browser, tmp_path: Path
) -> None:
    for name, assessment in briefs.items():
        html = tmp_path / f"{name}.html"
        write_brief(assessment, html_path=html)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(html.as_uri())
        shot = tmp_path / f"{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        verdict = page.locator(".verdict").inner_text()
        charts = page.locator(".chart svg").count()
        page.close()
        assert errors == [], f"{name}: {errors}"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert assessment.headline in verdict
        if assessment.trade:
            assert charts == 1, f"{name}: the trade chart is missing"


def test_the_pages_need_no_network(briefs: dict[str, Assessment], tmp_path: Path) -> None:
    html = tmp_path / "brief.html"
    write_brief(briefs["belarus-tractors-to-dprk"], html_path=html)
    text = html.read_text()
    assert "<script src" not in text and "<link " not in text and "@import" not in text


def test_the_pdf_converts_to_pages(briefs: dict[str, Assessment], tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed (make test installs it)")
    pdf = tmp_path / "brief.pdf"
    write_brief(briefs["eu-cnc-machines-to-kyrgyzstan"], pdf_path=pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pages)
