"""OFAC SDN_ADVANCED.XML, read from a hand-built sample in the official layout
(fixtures/README.md: no official file is in ../shared/data), and checked against the real
legacy CSV files for the same parties."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.catalog import read_list
from shadowtrade.sources.lists.ofac import read_ofac_csv
from shadowtrade.sources.lists.ofac_advanced import read_ofac_advanced

from refusals import assert_entities_refused

SAMPLE = Path(__file__).parent / "fixtures" / "SDN_ADVANCED.sample.xml"
RYU_DOB = """<From>
                  <Year>1965</Year>
                  <Month>8</Month>
                  <Day>7</Day>
                </From>"""


def _variant(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(text, encoding="utf-8")
    return path


def _by_ref(path: Path) -> dict[str, object]:
    return {e.properties["sourceId"][0]: e for e in read_ofac_advanced(path).entities}


def test_sample_is_read_through_format_detection() -> None:
    parsed = read_list([SAMPLE])
    assert (parsed.dataset, parsed.published, parsed.rejected) == ("us_ofac_sdn", "2024-05-03",
                                                                    [])
    assert [(e.id, e.schema) for e in parsed.entities] == [
        ("us_ofac_sdn-306", "Organization"), ("us_ofac_sdn-2674", "Person"),
        ("us_ofac_sdn-17616", "Person"), ("us_ofac_sdn-23707", "Organization"),
        ("us_ofac_sdn-23729", "Vessel")]


def test_person_names_features_documents_and_programme() -> None:
    ryu = read_ofac_advanced(SAMPLE).entities[2]
    assert ryu.caption == "RYU, Jin"
    props = ryu.properties
    assert props["birthDate"] == ["1965-08-07"]
    assert props["nationality"] == ["kp"]  # Nationality Country → Location → Country ISO2
    assert props["passportNumber"] == ["563410081"]
    assert props["position"] == ["KOMID official in Syria"]
    assert (props["program"], props["listingDate"]) == (["DPRK2"], ["2016-03-02"])


def test_alias_quality_and_location() -> None:
    bank = read_ofac_advanced(SAMPLE).entities[0]
    assert (bank.names, bank.aliases, bank.weak_aliases) == (
        ["BANCO NACIONAL DE CUBA"], ["NATIONAL BANK OF CUBA"], ["BNC"])
    assert bank.properties["address"] == ["Zweierstrasse 35, Zurich, CH-8022, Switzerland"]
    assert bank.properties["country"] == ["ch"]


def test_vessel_imo_flag_and_link() -> None:
    ship = read_ofac_advanced(SAMPLE).entities[4]
    props = ship.properties
    assert (ship.caption, props["imoNumber"], props["flag"]) == ("CHON MA SAN", ["8660313"],
                                                                 ["kp"])
    assert props["notes"] == ["Associate Of: KOREA ACHIM SHIPPING CO (23707)"]
    owner = read_ofac_advanced(SAMPLE).entities[3]
    assert owner.properties["imoNumber"] == ["5936312"]  # a company's IMO number


def test_latin_script_name_is_the_caption_other_scripts_are_aliases(tmp_path: Path) -> None:
    arabic = ('<DocumentedName ID="9670" FixedRef="2674" DocNameStatusID="2"><DocumentedNamePart>'
              '<NamePartValue NamePartGroupID="2674" ScriptID="160" ScriptStatusID="1" '
              'Acronym="false">عباس</NamePartValue></DocumentedNamePart></DocumentedName>\n'
              '            <DocumentedName ID="9674"')
    path = _variant(tmp_path, ('<DocumentedName ID="9674"', arabic),
                    ('<Script ID="215" ScriptCode="Latn">Latin</Script>',
                     '<Script ID="215" ScriptCode="Latn">Latin</Script>'
                     '<Script ID="160" ScriptCode="Arab">Arabic</Script>'))
    abbas = _by_ref(path)["2674"]
    assert (abbas.names, abbas.aliases) == (["ABBAS, Abu"], ["عباس", "ZAYDAN, Muhammad"])


def test_agrees_with_the_real_legacy_csv(sanctions_dir: Path) -> None:
    """The sample's parties read as the same names, dates and numbers as OFAC's own CSV files
    (2024) give for the same ent_num."""
    folder = sanctions_dir / "ofac"
    legacy = {e.properties["sourceId"][0]: e for e in read_ofac_csv(
        folder / "sdn_2024-05-03.csv", folder / "alt_2026-02.csv",
        folder / "add_2025-12.csv").entities}
    for ref, entity in _by_ref(SAMPLE).items():
        old = legacy[ref]
        assert (entity.schema, entity.caption, entity.aliases) == (old.schema, old.caption,
                                                                    old.aliases), ref
        for prop in ("birthDate", "program", "passportNumber", "imoNumber", "nationality",
                     "flag"):
            assert entity.properties.get(prop) == old.properties.get(prop), (ref, prop)
        assert set(entity.properties.get("country", [])) <= set(old.properties.get("country",
                                                                                    []))


@pytest.mark.parametrize(("period", "expected"), [
    (((1961, 1, 1), (1961, 12, 31)), ["1961"]),
    (((1958, 1, 1), (1960, 12, 31)), ["1958", "1959", "1960"]),
    (((1965, 8, 1), (1965, 8, 31)), ["1965-08"]),
    (((1940, 1, 1), (1960, 12, 31)), ["1940-01-01", "1960-12-31"]),
], ids=["year", "years", "month", "long-range"])
def test_birth_date_periods(tmp_path: Path, period: tuple, expected: list[str]) -> None:
    (y1, m1, d1), (y2, m2, d2) = period
    start = (f"<From><Year>{y1}</Year><Month>{m1}</Month><Day>{d1}</Day></From>"
             f"<To><Year>{y1}</Year><Month>{m1}</Month><Day>{d1}</Day></To>")
    end = (f"<From><Year>{y2}</Year><Month>{m2}</Month><Day>{d2}</Day></From>"
           f"<To><Year>{y2}</Year><Month>{m2}</Month><Day>{d2}</Day></To>")
    text = SAMPLE.read_text(encoding="utf-8")
    ryu_start = text.index("<Start", text.index('FixedRef="17616"'))
    ryu_end = text.index("</DatePeriod>", ryu_start)
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(text[:ryu_start] + f"<Start>{start}</Start><End>{end}</End>" +
                    text[ryu_end:], encoding="utf-8")
    assert _by_ref(path)["17616"].properties["birthDate"] == expected


def test_an_invalid_birth_date_is_left_out_with_a_note_and_the_party_kept(
        tmp_path: Path) -> None:
    path = _variant(tmp_path, (RYU_DOB, RYU_DOB.replace("<Day>7</Day>", "<Day>32</Day>")))
    parsed = read_ofac_advanced(path)
    assert len(parsed.entities) == 5 and parsed.rejected == []
    party = _by_ref(path)["17616"]
    assert "birthDate" not in party.properties
    assert ("left out, unreadable: record '17616' has an invalid Birthdate 1965-8-32"
            in party.properties["notes"])


def test_an_invalid_entry_date_is_left_out_with_a_note_and_the_party_kept(
        tmp_path: Path) -> None:
    path = _variant(tmp_path, ("<Year>2016</Year>\n          <Month>3</Month>",
                               "<Year>2016</Year>\n          <Month>13</Month>"))
    parsed = read_ofac_advanced(path)
    assert parsed.rejected == []
    party = _by_ref(path)["17616"]
    assert party.properties["program"] and "listingDate" not in party.properties
    assert ("left out, unreadable: record '17616' has an invalid EntryEvent date 2016-13-2"
            in party.properties["notes"])


def test_party_without_a_name_is_rejected_with_its_entry(tmp_path: Path) -> None:
    path = _variant(tmp_path, (">CHON MA SAN<", "> <"))
    parsed = read_ofac_advanced(path)
    assert len(parsed.entities) == 4
    assert [(r.raw, r.reason) for r in parsed.rejected] == [
        ("23729", "record '23729' has no name")]  # its sanctions entry adds no second reason


def test_sanctions_entry_of_no_party_is_rejected(tmp_path: Path) -> None:
    path = _variant(tmp_path, ('<SanctionsEntry ID="306" ProfileID="306"',
                               '<SanctionsEntry ID="306" ProfileID="999306"'))
    parsed = read_ofac_advanced(path)
    assert "program" not in parsed.entities[0].properties
    assert [(r.raw, r.reason) for r in parsed.rejected] == [
        ("SanctionsEntry 306", "refers to profile '999306', which the file does not hold")]


def test_unknown_party_type_is_rejected(tmp_path: Path) -> None:
    path = _variant(tmp_path, ('<Profile ID="23729" PartySubTypeID="1">',
                               '<Profile ID="23729" PartySubTypeID="9">'))
    rejected = read_ofac_advanced(path).rejected
    assert rejected[0].reason == ("record '23729' has an unknown party type '' "
                                  "(PartySubTypeID '9')")


def test_truncated_file_names_file_and_line(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    head = text[: text.index('<DistinctParty FixedRef="23707">')]
    cut = tmp_path / "SDN_ADVANCED.XML"
    cut.write_text(head, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_list([cut])
    assert str(caught.value).startswith(f"{cut}, line ")
    assert str(caught.value).endswith("the file may be truncated: download it again")
    assert caught.value.line == head.count("\n") + 1


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE S [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE S [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'], ids=["bomb", "external"])
def test_entities_are_refused(tmp_path: Path, doctype: str) -> None:
    path = _variant(tmp_path, ('<?xml version="1.0" standalone="yes"?>',
                               f'<?xml version="1.0" standalone="yes"?>\n{doctype}'))
    assert_entities_refused(path)


def test_records_before_the_reference_values_are_refused(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    refs = text[text.index("  <ReferenceValueSets>"):text.index("  <Locations>")]
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(text.replace(refs, "").replace("</Sanctions>", refs + "</Sanctions>"),
                    encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_ofac_advanced(path)
    assert str(caught.value) == (
        f"{path}: the records come before <ReferenceValueSets>, which OFAC files always open "
        "with; the file is not an OFAC advanced XML")
