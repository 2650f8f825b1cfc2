"""Rule files are validated at load, and every problem is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.rules.loader import load_rulebook
from shadowtrade.rules.validation import RuleFileError



def write(folder: Path, text: str, name: str = "un_kp.yaml") -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(folder)
    return [str(p) for p in caught.value.problems]


def test_packaged_rules_load_and_cover_every_target() -> None:
    book = load_rulebook()
    assert book.targets() == ["BY", "KP", "RU"]
    files = sorted({r.regime.file for r in book.rules})
    assert files == sorted(
        f"{a}_{t}.yaml"
        for a, t in [("un", "kp"), ("us", "kp"), ("eu", "kp"), ("uk", "kp"), ("jp", "kp"),
                     ("eu", "by"), ("us", "by"), ("uk", "by"),
                     ("eu", "ru"), ("us", "ru"), ("uk", "ru"), ("jp", "ru")]
    )


def test_valid_fixture_loads(rule_dir: Path) -> None:
    assert [r.id for r in load_rulebook(rule_dir).rules] == [
        "UN-KP-2397-7-IMPORT-BAN", "UN-KP-2397-5-REFINED-CAP"
    ]


def test_typo_in_a_key_names_file_rule_key_and_the_fix(rule_dir: Path, VALID: str) -> None:
    write(rule_dir, VALID.replace("    effective: {from: 2017-12-22}\n    confidence: verified_secondary\n  - id: UN-KP-2397-5",
                                  "    efective: {from: 2017-12-22}\n    confidence: verified_secondary\n  - id: UN-KP-2397-5"))
    assert problems_of(rule_dir) == [
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'efective' is not a known key; did you mean 'effective'?",
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'effective' is missing (required)",
    ]


def test_every_problem_is_reported_at_once(rule_dir: Path, VALID: str) -> None:
    text = VALID.replace('include: ["84", "85", "87"]', 'include: ["84", "87A1", 85]')
    text = text.replace("measure_type: cap", "measure_type: capped")
    text = text.replace("confidence: verified_secondary\n", "confidence: sure\n", 1)
    assert problems_of(write(rule_dir, text)) == [
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'confidence' has 'sure': use one of verified_primary, verified_secondary, recollection",
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'hs.include' has '87A1', not an HS prefix: use 2, 4, 6 or 8 digits, e.g. '8701'",
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'hs.include' has 85, a number: quote HS prefixes ('085' or '85')",
        "un_kp.yaml: rule UN-KP-2397-5-REFINED-CAP: key 'measure_type' has 'capped': use one of prohibition, cap, licence_requirement, price_cap, contract_clause, due_diligence, tariff, blocking_secondary",
    ]


def test_contradictory_overlapping_rule_is_named(rule_dir: Path, VALID: str) -> None:
    text = VALID + """\
  - id: UN-KP-TEST-DIESEL-BAN
    legal_ref: {instrument: "S/RES/9999 (2030)", provision: OP1, url: "https://example.org"}
    measure_type: prohibition
    direction: to_target
    hs: {revision: any, include: ["271019"]}
    effective: {from: 2019-01-01}
    confidence: recollection
"""
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(write(rule_dir, text))
    assert str(caught.value) == (
        "1 problem in the rule files:\n"
        "  un_kp.yaml: rule UN-KP-2397-5-REFINED-CAP: key 'hs.include' contradicts rule "
        "UN-KP-TEST-DIESEL-BAN (un_kp.yaml): both include HS 271019 for to_target/to_target on "
        "overlapping dates with different statuses (capped vs prohibited); end one rule where the "
        "other starts (effective.to, superseded_by), exclude the code, or add "
        "'overrides: [UN-KP-TEST-DIESEL-BAN]'"
    )
    assert caught.value.exit_code == 3


def test_contradiction_is_settled_by_overrides_or_dates(rule_dir: Path, VALID: str) -> None:
    extra = """\
  - id: UN-KP-TEST-DIESEL-BAN
    legal_ref: {instrument: "S/RES/9999 (2030)", provision: OP1, url: "https://example.org"}
    measure_type: prohibition
    direction: to_target
    overrides: [UN-KP-2397-5-REFINED-CAP]
    hs: {revision: any, include: ["271019"]}
    effective: {from: 2019-01-01}
    confidence: recollection
"""
    assert len(load_rulebook(write(rule_dir, VALID + extra)).rules) == 3
    dated = extra.replace("    overrides: [UN-KP-2397-5-REFINED-CAP]\n", "").replace(
        "{from: 2019-01-01}", "{from: 2010-01-01, to: 2017-12-22}"
    )
    assert len(load_rulebook(write(rule_dir, VALID + dated)).rules) == 3


def test_dangling_supersession_and_bad_dates(rule_dir: Path, VALID: str) -> None:
    text = VALID.replace(
        "effective: {from: 2017-12-22}\n    confidence: verified_secondary\n  - id: UN-KP-2397-5",
        "effective: {from: 2017-12-22, to: 2016-01-01, superseded_by: UN-KP-NOPE}\n"
        "    confidence: verified_secondary\n  - id: UN-KP-2397-5",
    )
    assert problems_of(write(rule_dir, text)) == [
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'effective.to' (2016-01-01) is not after effective.from (2017-12-22)",
    ]


def test_file_name_must_match_authority_and_target(rule_dir: Path) -> None:
    (rule_dir / "un_kp.yaml").rename(rule_dir / "un_dprk.yaml")
    assert problems_of(rule_dir) == [
        "un_dprk.yaml: key 'regime.target' does not match the file name: rename the file un_kp.yaml"
    ]


def test_unreadable_yaml_names_the_line(rule_dir: Path) -> None:
    write(rule_dir, "regime: [\n")
    found = problems_of(rule_dir)
    assert len(found) == 1 and found[0].startswith("un_kp.yaml: key '(file)' cannot be read as YAML at line")


def test_hs_prefix_that_is_no_code(rule_dir: Path, VALID: str) -> None:
    write(rule_dir, VALID.replace('include: ["2710"]', 'include: ["270999", "7701"]'))
    assert problems_of(rule_dir) == [
        "un_kp.yaml: rule UN-KP-2397-5-REFINED-CAP: key 'hs.include' has '270999', which is no code of the rule's HS revision",
        "un_kp.yaml: rule UN-KP-2397-5-REFINED-CAP: key 'hs.include' has '7701': HS chapter 77 does not exist",
    ]


def test_typo_and_contradiction_are_reported_together(rule_dir: Path, VALID: str) -> None:
    text = VALID.replace("confidence: verified_secondary\n", "confidance: verified_secondary\n", 1) + """\
  - id: UN-KP-TEST-DIESEL-BAN
    legal_ref: {instrument: "S/RES/9999 (2030)", provision: OP1, url: "https://example.org"}
    measure_type: prohibition
    direction: to_target
    hs: {revision: any, include: ["271019"]}
    effective: {from: 2019-01-01}
    confidence: recollection
"""
    found = problems_of(write(rule_dir, text))
    assert found[:2] == [
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'confidance' is not a known key; did you mean 'confidence'?",
        "un_kp.yaml: rule UN-KP-2397-7-IMPORT-BAN: key 'confidence' is missing (required)",
    ]
    assert len(found) == 3 and "contradicts rule UN-KP-TEST-DIESEL-BAN" in found[2]


def test_unreadable_file_does_not_cascade_into_dangling_references(rule_dir: Path) -> None:
    write(rule_dir, "regime: [\n")
    write(rule_dir, """\
regime: {id: EU-KP, authority: EU, target: KP, title: t, binds: eu_persons_territory, instruments: []}
rules:
  - id: EU-KP-OP7
    legal_ref: {instrument: "Reg (EU) 2017/1509", provision: Art 16i, url: "http://data.europa.eu/eli/reg/2017/1509/oj"}
    implements: [UN-KP-2397-7-IMPORT-BAN]
    measure_type: prohibition
    direction: to_target
    hs: {revision: any, include: ["87"]}
    effective: {from: 2018-02-27}
    confidence: recollection
""", name="eu_kp.yaml")
    found = problems_of(rule_dir)
    assert len(found) == 1 and found[0].startswith("un_kp.yaml: key '(file)' cannot be read as YAML")
