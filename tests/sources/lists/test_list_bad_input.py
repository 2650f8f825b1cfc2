"""Bad list files: a clear error naming the file (and line), never a partial read."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.errors import DataFileError
from shadowtrade.screening.loading import load_list_files
from shadowtrade.sources.lists.catalog import read_list
from shadowtrade.sources.lists.custom_csv import read_custom_csv
from shadowtrade.sources.lists.un import read_un
from shadowtrade.warehouse import Warehouse
from shadowtrade.warehouse.lists import list_status, read_list_entities

from refusals import assert_entities_refused

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol2;</FIRST_NAME></INDIVIDUAL>
</INDIVIDUALS></CONSOLIDATED_LIST>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&secret;</FIRST_NAME></INDIVIDUAL>
</INDIVIDUALS></CONSOLIDATED_LIST>"""


def test_truncated_un_file_names_file_and_line(sanctions_dir: Path, tmp_path: Path) -> None:
    text = (sanctions_dir / "un/un_consolidated_2026-02-27.xml").read_text(encoding="utf-8")
    cut = tmp_path / "un_truncated.xml"
    cut.write_text(text[:50_000], encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_un(cut)
    message = str(caught.value)
    assert message.startswith(f"{cut}, line ")
    assert message.endswith("the file may be truncated: download it again")
    assert caught.value.line is not None and caught.value.line > 1000


@pytest.mark.parametrize("content", [BOMB, EXTERNAL], ids=["bomb", "external-entity"])
def test_entities_and_dtds_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(content)
    assert_entities_refused(path)


def test_xml_of_an_unknown_kind(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<catalog><book/></catalog>")
    with pytest.raises(DataFileError) as caught:
        read_list([path])
    assert str(caught.value) == (
        f"{path}: an XML file of no known list format (expected UN CONSOLIDATED_LIST, OFAC "
        "sdnList or advanced Sanctions, EU export, UK Designations or Canada data-set)")


def test_custom_csv_without_a_name_column(tmp_path: Path) -> None:
    path = tmp_path / "internal.csv"
    path.write_text("id,full_name,schema\nc1,Kim Jong Un,Person\n")
    with pytest.raises(DataFileError) as caught:
        read_custom_csv(path)
    assert str(caught.value) == (
        f"{path}, line 1: missing column(s) 'name'; a custom list needs the columns "
        "id,name,schema[,aliases,birth_date,country]")


def test_custom_csv_bad_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "internal.csv"
    long_name = "A" * 10_000
    path.write_text(
        "id,name,schema,aliases,birth_date,country\n"
        "c1,Kim Jong Un,Person,김정은,1984-01-08,KP\n"
        "c2,,Person,,,\n"
        f"c3,{long_name},Person,,,\n"
        "c4,Ri Je Son,Person,,1984-13-45,\n"
        "c5,Pak Pong Ju,Person,,,Atlantis\n"
        "c6,MV Ocean,Boat,,,\n", encoding="utf-8")
    parsed = read_custom_csv(path)
    assert [e.id for e in parsed.entities] == ["internal-c1"]
    assert parsed.entities[0].properties["birthDate"] == ["1984-01-08"]
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (3, "record 'c2' has no name"),
        (4, "record 'c3' has a name of 10000 characters (at most 1000)"),
        (5, "record 'c4' has an invalid birth_date '1984-13-45'; use YYYY, YYYY-MM or "
            "YYYY-MM-DD"),
        (6, "record 'c5' has an unknown country 'Atlantis'"),
        (7, "record 'c6' has unknown schema 'Boat'; expected one of Person, Organization, "
            "Company, LegalEntity, Vessel, Aircraft"),
    ]


def test_missing_file() -> None:
    with pytest.raises(DataFileError) as caught:
        read_list([Path("nowhere/sdn.csv")])
    assert str(caught.value) == "nowhere/sdn.csv: no such file"


def test_csv_of_no_known_layout_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text("ent_num,SDN_Name,SDN_Type\n1,X,individual\n")
    with pytest.raises(DataFileError) as caught:
        read_list([path])
    assert str(caught.value) == (
        f"{path}, line 1: missing column(s) 'id', 'name'; a custom list needs the columns "
        "id,name,schema[,aliases,birth_date,country]")


@pytest.mark.parametrize(("sample", "cut_at", "dataset"), [
    ("UK-Sanctions-List.sample.xml", "<UniqueID>DPR0901", "gb_fcdo"),
    ("SDN_ADVANCED.sample.xml", '<DistinctParty FixedRef="23707">', "us_ofac_sdn"),
], ids=["fcdo", "ofac-advanced"])
def test_a_broken_new_version_leaves_the_loaded_one_in_place(tmp_path: Path, sample: str,
                                                             cut_at: str, dataset: str) -> None:
    good = Path(__file__).parent / "fixtures" / sample
    text = good.read_text(encoding="utf-8")
    broken = tmp_path / good.name
    broken.write_text(text[: text.index(cut_at)], encoding="utf-8")
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        [first] = load_list_files(warehouse, [good])
        with pytest.raises(DataFileError, match="the file may be truncated"):
            load_list_files(warehouse, [broken])
        [kept] = list_status(warehouse)
        entities = read_list_entities(warehouse, [dataset])
    assert (kept.dataset, kept.sha256, kept.entities) == (dataset, first.sha256, first.entities)
    assert len(entities) == first.entities > 0
