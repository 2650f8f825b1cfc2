"""Name comparison across scripts and transliterations, and the laws every score obeys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shadowtrade.screening.names import compare_names
from shadowtrade.screening.normalise import latin_words, prepare_name, skeleton
from shadowtrade.screening.scripts import detect_script


def score(a: str, b: str) -> float:
    return compare_names(prepare_name(a), prepare_name(b)).score


@pytest.mark.parametrize("a, b, low", [
    ("Vladimir Putin", "Владимир Владимирович Путин", 0.85),
    ("Alexander Lukashenka", "Аляксандр Рыгоравіч Лукашэнка", 0.8),
    ("Belaruskali OAO", "ОАО Беларуськалий", 0.9),
    ("Putin Vladimir", "Vladimir Putin", 1.0),
    ("Muhammad Ali", "Mohammed Ali", 0.9),
    ("JSC ARGUMENT", "JSCARGUMENT", 0.9),
    ("TSANG YUNG YUAN", "Yun Yuan Tsang", 0.9),  # UN KPe list: the nasal -ng/-n confused
])
def test_true_pairs_score_high(a: str, b: str, low: float) -> None:
    assert score(a, b) >= low


@pytest.mark.parametrize("a, b", [
    ("Olga Barynova", "Oleg BARANOV"), ("John Smith", "Jane Smythe Holdings"),
    ("Korea Kwangson Banking Corp", "Korea Daesong Bank"), ("Sberbank", "Gazprombank"),
    ("Kim Jong Un", "Kim Jon Un"),  # Korean syllables: -ng/-n is another syllable (정/전)
])
def test_different_names_score_low(a: str, b: str) -> None:
    assert score(a, b) < 0.7


def test_generic_organisation_words_weigh_little() -> None:
    assert score("Argument LLC", "Argument") >= 0.7
    assert score("Ocean Trading Company LLC", "Sunrise Trading Company LLC") < 0.7


def test_explanation_names_the_aligned_words() -> None:
    result = compare_names(prepare_name("Vladimir Putin"), prepare_name("PUTIN, Vladimir"))
    assert result.detail == ("'vladimir'≈'vladimir' =: 1.00", "'putin'≈'putin' =: 1.00")


def test_scripts_are_detected() -> None:
    assert [detect_script(n) for n in ("김정은", "金正恩", "Путин", "صدام", "Kim")] == [
        "hangul", "han", "cyrillic", "arabic", "latin"]


names = st.text(alphabet=st.sampled_from(list("abcdeghijklmnoprstuy -'") + list("김정은리박")
                                         + list("ПутинЛукашенко") + ["金", "正"]),
                min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(names, names)
def test_scores_are_in_the_unit_interval(a: str, b: str) -> None:
    assert 0.0 <= score(a, b) <= 1.0


@settings(max_examples=100, deadline=None)
@given(names)
def test_a_name_matches_itself(a: str) -> None:
    if latin_words(a):
        assert score(a, a) == 1.0


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_skeleton_is_idempotent_on_its_output(word: str) -> None:
    once = skeleton(word)
    assert isinstance(once, str)
    assert skeleton(skeleton(once)) == skeleton(once) or len(skeleton(once)) <= len(once)
