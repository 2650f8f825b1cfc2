"""Fixtures for rule-file tests: a folder holding one small valid rule file to break on purpose.

The rule below copies UN-KP-2397-7-IMPORT-BAN and UN-KP-2397-5-REFINED-CAP from the packaged
un_kp.yaml (facts: S/RES/2397 (2017) OP5 and OP7).
"""

from __future__ import annotations

from pathlib import Path

import pytest

VALID = """\
regime:
  id: UN-KP
  authority: UN
  target: KP
  title: UN 1718 regime (test copy)
  binds: un_member_states
  instruments: [{ref: "S/RES/2397 (2017)", url: "https://undocs.org/S/RES/2397(2017)"}]
rules:
  - id: UN-KP-2397-7-IMPORT-BAN
    legal_ref: {instrument: "S/RES/2397 (2017)", provision: OP7, url: "https://undocs.org/S/RES/2397(2017)"}
    measure_type: prohibition
    direction: to_target
    hs: {revision: any, include: ["84", "85", "87"]}
    effective: {from: 2017-12-22}
    confidence: verified_secondary
  - id: UN-KP-2397-5-REFINED-CAP
    legal_ref: {instrument: "S/RES/2397 (2017)", provision: OP5, url: "https://undocs.org/S/RES/2397(2017)"}
    measure_type: cap
    direction: to_target
    hs: {revision: any, include: ["2710"]}
    effective: {from: 2017-12-22}
    confidence: verified_secondary
"""


@pytest.fixture
def rule_dir(tmp_path: Path) -> Path:
    """A folder with a valid ``un_kp.yaml``; tests edit it."""
    (tmp_path / "un_kp.yaml").write_text(VALID, encoding="utf-8")
    return tmp_path


@pytest.fixture(name="VALID")
def valid_text() -> str:
    """The text of the valid fixture rule file."""
    return VALID
