"""Every real list file parses into the counts its publisher states (SOURCES.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from shadowtrade.sources.lists.canada import read_canada
from shadowtrade.sources.lists.catalog import find_in_mirror, read_list
from shadowtrade.sources.lists.eu import read_eu_derived, read_eu_xml
from shadowtrade.sources.lists.ftm import read_ftm
from shadowtrade.sources.lists.ofac import read_ofac_csv, read_ofac_xml
from shadowtrade.sources.lists.uk import read_conlist, read_uk_derived
from shadowtrade.sources.lists.un import read_un


def test_un_xml_counts_and_a_dprk_record(sanctions_dir: Path) -> None:
    parsed = read_un(sanctions_dir / "un/un_consolidated_2026-02-27.xml")
    assert Counter(e.schema for e in parsed.entities) == {"Person": 730, "Organization": 273}
    assert parsed.published == "2026-02-27" and parsed.rejected == []
    yun = next(e for e in parsed.entities if e.id == "un_sc-KPi.001")
    assert (yun.caption, yun.aliases) == ("YUN HO-JIN", ["Yun Ho-chin"])
    assert yun.properties["birthDate"] == ["1944-10-13"]
    assert yun.properties["nationality"] == ["kp"]
    dprk = [e for e in parsed.entities if e.properties.get("program") == ["DPRK"]]
    assert len(dprk) == 155


def test_ofac_csv_joins_aliases_addresses_and_keeps_alias_only_records(sanctions_dir: Path) -> None:
    folder = sanctions_dir / "ofac"
    parsed = read_ofac_csv(folder / "sdn_2024-05-03.csv", folder / "alt_2026-02.csv",
                           folder / "add_2025-12.csv", folder / "sdn_comments_2025-12.csv")
    kinds = Counter(e.schema for e in parsed.entities)
    assert (kinds["Person"], kinds["Vessel"], kinds["Aircraft"], kinds["Organization"]) == (
        6854, 851, 376, 6884)
    assert kinds["LegalEntity"] == 1623  # alias rows newer than the 2024 sdn.csv
    assert parsed.rejected == []  # the trailing DOS end-of-file byte is not a record
    ebano = next(e for e in parsed.entities if e.id == "us_ofac_sdn-4243")
    assert ebano.properties["imoNumber"] == ["7406784"] and ebano.schema == "Vessel"


def test_ofac_xml_matches_its_record_count(sanctions_dir: Path) -> None:
    parsed = read_ofac_xml(sanctions_dir / "ofac/cons_non_sdn_2025-03-28.xml")
    assert (len(parsed.entities), parsed.published) == (443, "2025-03-28")
    first = parsed.entities[0]
    assert first.caption == "Ismail Abdul Salah HANIYA"
    assert first.aliases == ["Ismail HANIYA", "Ismaeel HANIYYA"]


def test_eu_official_xml_sample(sanctions_dir: Path) -> None:
    parsed = read_eu_xml(sanctions_dir / "eu/eu_fsf_sample_2020-04-15.xml")
    assert (len(parsed.entities), parsed.published) == (7, "2020-04-15")
    first = parsed.entities[0]
    assert first.caption == "Abid Hammadou"
    assert first.properties["birthDate"][0] == "1965-12-12"
    assert first.properties["nationality"] == ["dz"]


def test_eu_derived_csv_keeps_hangul_originals(sanctions_dir: Path) -> None:
    parsed = read_eu_derived(sanctions_dir / "eu/eu_fsf_parsed_2025_derived.csv")
    assert len(parsed.entities) == 5316
    hangul = [e for e in parsed.entities if any("\uac00" <= c <= "\ud7a3"
                                                 for n in e.all_names() for c in n)]
    assert len(hangul) == 84  # rows with a Hangul name or alias (counted with csv + regex)
    kim = next(e for e in parsed.entities if e.caption == "KIM Tong-un")
    assert "김동운" in kim.aliases


def test_uk_conlist_groups_rows_into_entities(sanctions_dir: Path) -> None:
    parsed = read_conlist(sanctions_dir / "uk/ofsi_conlist_sample_2020-04-27.csv")
    assert (len(parsed.entities), parsed.published) == (6, "2020-04-27")
    hojati = next(e for e in parsed.entities if e.id == "gb_hmt-9053")
    assert hojati.caption == "Mohsen HOJATI" and "محسن حجتی" in hojati.aliases
    assert hojati.properties["birthDate"] == ["1955-09-28"]


def test_uk_derived_csv_rejects_the_nameless_row(sanctions_dir: Path) -> None:
    parsed = read_uk_derived(sanctions_dir / "uk/uk_sanctions_parsed_2025_derived.csv")
    assert len(parsed.entities) == 2523
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (388, "record 'da39a3ee5e6b' has no name")]


def test_canada_sema_vessels_carry_imo_numbers(sanctions_dir: Path) -> None:
    parsed = read_canada(sanctions_dir / "canada/canada_sema_2025.xml")
    assert (len(parsed.entities), parsed.published) == (4759, "2025-03-20")
    vessels = [e for e in parsed.entities if e.schema == "Vessel"]
    assert len(vessels) == 109 and all("imoNumber" in v.properties for v in vessels)


def test_ftm_keeps_screenable_schemata_and_counts_the_rest(sanctions_dir: Path) -> None:
    parsed = read_ftm(sanctions_dir / "opensanctions/yente_fixture_zala.ftm.json")
    assert (len(parsed.entities), parsed.skipped) == (17, 74)
    assert all(e.id.startswith("NK-") or e.id for e in parsed.entities)


def test_export_round_trips_through_ftm(sanctions_dir: Path, tmp_path: Path) -> None:
    parsed = read_un(sanctions_dir / "un/un_consolidated_2026-02-27.xml")
    path = tmp_path / "un.ftm.json"
    path.write_text("\n".join(json.dumps(e.to_ftm()) for e in parsed.entities))
    again = read_list([path], "un_sc")
    assert len(again.entities) == 1003
    assert again.entities[0].all_names() == parsed.entities[0].all_names()


def test_mirror_finds_every_list(sanctions_dir: Path) -> None:
    found = {f.dataset: [p.name for p in f.paths] for f in find_in_mirror(sanctions_dir.parent)}
    assert found["un_sc"] == ["un_consolidated_2026-02-27.xml"]
    assert found["us_ofac_sdn"] == ["sdn_2024-05-03.csv", "alt_2026-02.csv", "add_2025-12.csv",
                                    "sdn_comments_2025-12.csv"]
    assert set(found) == {"un_sc", "us_ofac_sdn", "us_ofac_cons", "us_ofac_sdn_derived",
                          "eu_fsf", "gb_hmt", "ca_sema", "yente_fixture_t1",
                          "yente_fixture_zala"}


def test_ofac_derived_csv_has_no_alias_called_none(sanctions_dir: Path) -> None:
    """The derived OFAC file writes 'None' where an entry has no alias (8,018 rows)."""
    from shadowtrade.sources.lists.derived_csv import read_derived_csv

    parsed = read_derived_csv(sanctions_dir / "ofac/sdn_parsed_2025_derived.csv",
                              "us_ofac_sdn_derived", "OFAC")
    assert not [e for e in parsed.entities if "None" in e.all_names()]
    caribbean = next(e for e in parsed.entities if e.caption == "AEROCARIBBEAN AIRLINES")
    assert caribbean.aliases == ["AERO-CARIBBEAN"]
