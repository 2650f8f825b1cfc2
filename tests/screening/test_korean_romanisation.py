"""Korean: Hangul romanisation, the RR / McCune-Reischauer / DPRK key, and precision."""

from __future__ import annotations

import re

import pytest
from rapidfuzz import fuzz

from shadowtrade.screening.korean import korean_key, romanise_hangul, surname_key
from shadowtrade.screening.names import compare_names
from shadowtrade.screening.normalise import prepare_name


def score(a: str, b: str) -> float:
    return compare_names(prepare_name(a), prepare_name(b)).score


@pytest.mark.parametrize("hangul, rr, mr", [
    ("김정은", "gimjeongeun", "kimchŏngŭn"),
    ("리제선", "rijeseon", "richesŏn"),
    ("박봉주", "bakbongju", "pakpongchu"),
])
def test_romanisation_systems(hangul: str, rr: str, mr: str) -> None:
    assert (romanise_hangul(hangul), romanise_hangul(hangul, "mr")) == (rr, mr)


@pytest.mark.parametrize("a, b", [
    ("Ho-jin", "Ho-chin"), ("JE-SON", "Che-son"), ("Chŏng-ŭn", "Jeong-eun"),
    ("Thae Yong", "Tae Yong"), ("Ryong", "Yong"), ("Kwang", "Gwang"), ("Il U", "Il Woo"),
])
def test_romanisation_variants_share_a_key(a: str, b: str) -> None:
    assert korean_key(a) == korean_key(b)


def test_surname_spellings() -> None:
    assert len({surname_key(s) for s in ("Ri", "Li", "Lee", "Yi", "Rhee", "I")}) == 1
    assert surname_key("Pak") == surname_key("Park")
    assert surname_key("Choe") == surname_key("Choi")
    assert surname_key("Kim") != surname_key("Ri")


@pytest.mark.parametrize("a, b", [
    ("Kim Jong Un", "김정은"), ("Kim Jong Un", "金正恩"), ("YUN HO-JIN", "Yun Ho-chin"),
    ("RI JE-SON", "Ri Che-son"), ("KIM Tong-un", "김동운"), ("CHON Chi Bu", "전지부"),
    ("RYOM Yong", "렴영"), ("Jong-gak KIM", "KIM Jong Gak"), ("Kim Chong-un", "KIM, Jong Un"),
    ("Pak Pong Ju", "Park Bong-ju"), ("Choe Ryong Hae", "Choi Yong-hae"),
])
def test_the_same_korean_name_matches(a: str, b: str) -> None:
    assert score(a, b) >= 0.9


@pytest.mark.parametrize("a, b", [
    ("Kim Jong Un", "Kim Jong Il"), ("Kim Yong Chol", "Kim Yong Chun"),
    ("Kim Jong Un", "Kim Jong Won"), ("Ri Je Son", "Ri Je Sun Ho"), ("Pak Pong Ju", "Pak Yong Ju"),
    ("Kim Jong Un", "Kim"),
])
def test_different_people_sharing_a_surname_do_not_match(a: str, b: str) -> None:
    assert score(a, b) < 0.7


def test_un_dprk_people_sharing_a_surname_never_match(un_entities: list[dict]) -> None:
    people = [e for e in un_entities if e["properties"].get("program") == ["DPRK"]
              and e["schema"] == "Person"]
    pairs = [(a, b) for i, a in enumerate(people) for b in people[i + 1:]
             if a["caption"].split()[0] == b["caption"].split()[0]]
    assert len(pairs) == 246
    false = [(a["caption"], b["caption"]) for a, b in pairs if score(a["caption"],
                                                                     b["caption"]) >= 0.7]
    assert false == []


def test_un_dprk_romanisation_variants_match(un_entities: list[dict]) -> None:
    """Aliases of UN DPRK people that are respellings of the primary name: same number of
    name parts and a plain rapidfuzz ratio of at least 70 (a yardstick independent of ours)."""
    variants = []
    for entity in un_entities:
        if entity["properties"].get("program") != ["DPRK"] or entity["schema"] != "Person":
            continue
        primary = entity["caption"]
        for alias in entity["properties"].get("alias", []):
            parts = lambda n: n.replace("-", " ").split()  # noqa: E731
            plain = [re.sub(r"[^a-z]", "", n.lower()) for n in (primary, alias)]
            if len(parts(alias)) == len(parts(primary)) and fuzz.ratio(*plain) >= 70:
                variants.append((primary, alias))
    matched = [pair for pair in variants if score(*pair) >= 0.7]
    assert len(variants) >= 40
    assert len(matched) / len(variants) >= 0.9
