"""The FCDO UK Sanctions List XML, read from a hand-built sample in the official layout
(fixtures/README.md: no official file is in ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.catalog import read_list
from shadowtrade.sources.lists.uk_fcdo import read_fcdo_xml

from refusals import assert_entities_refused

SAMPLE = Path(__file__).parent / "fixtures" / "UK-Sanctions-List.sample.xml"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_sample_is_read_through_format_detection() -> None:
    parsed = read_list([SAMPLE])
    assert (parsed.dataset, parsed.published, parsed.rejected) == ("gb_fcdo", "2026-09-02", [])
    assert parsed.publisher.startswith("UK Foreign, Commonwealth & Development Office")
    assert [(e.id, e.schema) for e in parsed.entities] == [
        ("gb_fcdo-AFG0001", "Organization"), ("gb_fcdo-DPR0900", "Person"),
        ("gb_fcdo-DPR0901", "Vessel")]


def test_entity_names_script_address_and_regime() -> None:
    exchange = read_fcdo_xml(SAMPLE).entities[0]
    assert exchange.caption == "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE"
    assert exchange.aliases == ["Haji Alim Hawala", "Haji Khairullah Money Exchange",
                                "حاجی خيرالله و حاجی ستار صرافی"]
    props = exchange.properties
    assert props["sourceId"] == ["AFG0001"]
    assert props["program"] == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]
    assert (props["listingDate"], props["modifiedAt"]) == (["2012-06-29"], ["2026-08-04"])
    assert props["address"] == ["Branch Office 2, Khyber Paktunkhwa Province, Peshawar, Pakistan"]
    assert props["country"] == ["pk"]
    assert "summary" not in props  # a statement of reasons of blanks only is no value


def test_individual_birth_date_nationality_passport() -> None:
    ryu = read_fcdo_xml(SAMPLE).entities[1]
    assert (ryu.caption, ryu.aliases, ryu.weak_aliases) == ("RYU JIN", [], [])
    props = ryu.properties
    assert props["birthDate"] == ["1965-08-07"]
    assert props["nationality"] == ["kp"]
    assert props["passportNumber"] == ["563410081"]
    assert props["position"] == ["KOMID Representative in Syria"]
    assert props["listingDate"] == ["2016-03-02"]


def test_ship_imo_number_as_seven_digits_and_flag() -> None:
    ship = read_fcdo_xml(SAMPLE).entities[2]
    assert (ship.caption, ship.properties["imoNumber"], ship.properties["flag"]) == (
        "CHON MA SAN", ["8660313"], ["kp"])


def test_masked_birth_dates_variations_and_weak_aliases(tmp_path: Path) -> None:
    path = _variant(tmp_path, "<DOB>07/08/1965</DOB>",
                    "<DOB>dd/mm/1965</DOB><DOB>dd/08/1966</DOB>")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "</Names>\n    <RegimeName>The Democratic",
        "<Name><Name1>Jin</Name1><Name6>RYU</Name6><NameType>Primary name variation</NameType>"
        "</Name><Name><Name6>Ryu</Name6><NameType>Alias</NameType>"
        "<AliasStrength>Low quality a.k.a</AliasStrength></Name>"
        "</Names>\n    <RegimeName>The Democratic", 1), encoding="utf-8")
    ryu = read_fcdo_xml(path).entities[1]
    assert ryu.properties["birthDate"] == ["1965", "1966-08"]
    assert (ryu.names, ryu.aliases, ryu.weak_aliases) == (["RYU JIN"], ["Jin RYU"], ["Ryu"])


def test_record_without_a_name_is_rejected_and_the_others_kept(tmp_path: Path) -> None:
    path = _variant(tmp_path, "<Name6>CHON MA SAN</Name6>", "<Name6> </Name6>")
    parsed = read_fcdo_xml(path)
    assert [e.properties["sourceId"] for e in parsed.entities] == [["AFG0001"], ["DPR0900"]]
    assert [(r.raw, r.reason) for r in parsed.rejected] == [
        ("DPR0901", "record 'DPR0901' has no name")]


def test_an_invalid_date_is_left_out_with_a_note_and_the_person_kept(tmp_path: Path) -> None:
    # a listed person is screened even when the list misspells a date (as the UN and EU
    # readers do); the entity says what was left out
    path = _variant(tmp_path, "<DOB>07/08/1965</DOB>", "<DOB>31/02/1965</DOB>")
    parsed = read_fcdo_xml(path)
    assert len(parsed.entities) == 3 and parsed.rejected == []
    person = next(e for e in parsed.entities if e.properties["sourceId"] == ["DPR0900"])
    assert "birthDate" not in person.properties
    assert ("left out, unreadable: record 'DPR0900' has an invalid DOB '31/02/1965'; expected "
            "DD/MM/YYYY") in person.properties["notes"]


def test_missing_unique_id_and_unknown_type_are_rejected(tmp_path: Path) -> None:
    path = _variant(tmp_path, "<UniqueID>AFG0001</UniqueID>", "")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "<IndividualEntityShip>Ship</IndividualEntityShip>",
        "<IndividualEntityShip>Aircraft</IndividualEntityShip>"), encoding="utf-8")
    parsed = read_fcdo_xml(path)
    assert [e.caption for e in parsed.entities] == ["RYU JIN"]
    assert [(r.raw, r.reason) for r in parsed.rejected] == [
        ("designation 1", "designation 1 has no UniqueID"),
        ("DPR0901", "record 'DPR0901' has an unknown IndividualEntityShip 'Aircraft'; "
                    "expected Individual, Entity or Ship")]


def test_truncated_file_names_file_and_line(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    cut = tmp_path / "UK-Sanctions-List.xml"
    cut.write_text(text[: text.index("<UniqueID>DPR0901")], encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_list([cut])
    message = str(caught.value)
    assert message.startswith(f"{cut}, line ")
    assert message.endswith("the file may be truncated: download it again")
    assert caught.value.line == text[: text.index("<UniqueID>DPR0901")].count("\n") + 1


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'], ids=["bomb", "external"])
def test_entities_are_refused(tmp_path: Path, doctype: str) -> None:
    path = _variant(tmp_path, '<?xml version="1.0" encoding="utf-8"?>',
                    f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}')
    assert_entities_refused(path)


def test_another_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<Designation><UniqueID>X</UniqueID></Designation>")
    with pytest.raises(DataFileError) as caught:
        read_fcdo_xml(path)
    assert str(caught.value) == (f"{path}: expected a UK Sanctions List <Designations> document, "
                                 "found <Designation>")
