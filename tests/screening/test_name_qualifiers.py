"""Name features added for the quality scorecard: Arabic script against Latin, country
qualifiers and acronyms in organisation names, patronymics, Belarusian and Czech spellings,
DPRK romanisation slips. Pairs are real listed names (UN, EU, OFAC, UK, Canada lists in
../shared/data/sanctions) unless marked synthetic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shadowtrade.screening.arabic import arabic_key, script_key
from shadowtrade.screening.names import compare_names
from shadowtrade.screening.normalise import prepare_name
from shadowtrade.screening.qualifiers import country_qualifier


def score(a: str, b: str) -> float:
    return compare_names(prepare_name(a), prepare_name(b)).score


@pytest.mark.parametrize("latin, arabic", [
    ("Hossein Shariatmadari", "حسین شریعتمداری"),
    ("Mohsen Ghomi", "محسن قمی"),
    ("ABDUL RAUF KHADEM", "عبدالروف خادم"),
    ("ABD AL-KHALIQ AL-HOUTHI", "عبدالخالق الحوثي"),
    ("HIDAYATULLAH", "هدايت الله"),
    ("Taha TAHA", "طه طه"),
    ("Yousef ISMAIL", "يوسف إسماعيل"),
])
def test_arabic_script_meets_its_latin_spelling(latin: str, arabic: str) -> None:
    assert score(latin, arabic) >= 0.8


@pytest.mark.parametrize("latin, arabic", [
    ("Mohammad Ali", "محمد حسن"), ("Omar Khalil", "يوسف إسماعيل"),  # synthetic
    ("Mahmoud Ali", "محمد علي"),  # the same consonants, but Mahmoud writes a long u (و)
])
def test_other_arabic_names_stay_apart(latin: str, arabic: str) -> None:
    assert score(latin, arabic) < 0.7


def test_arabic_keys_agree_across_scripts() -> None:
    assert arabic_key("Fatemeh") == script_key("فاطمه") == "FTM"
    assert arabic_key("Reza") == script_key("رضا")  # Persian z for ض


def test_country_qualifier_is_a_small_penalty() -> None:
    # The known miss: UN writes FOREIGN TRADE BANK (FTB).
    assert score("Foreign Trade Bank of the DPRK", "FOREIGN TRADE BANK (FTB)") >= 0.85
    assert score("Foreign Trade Bank of the DPRK", "Foreign Trade Bank of North Korea") >= 0.95


def test_conflicting_country_qualifiers_do_not_match() -> None:  # synthetic
    assert score("Foreign Trade Bank of the DPRK", "Foreign Trade Bank of Iran") < 0.7


def test_a_country_that_is_the_name_is_not_a_qualifier() -> None:
    assert country_qualifier(["bank", "of", "iran"]) == (0, "")
    assert score("Bank of Iran", "Bank of Syria") < 0.7  # synthetic


def test_acronyms_stand_for_the_name() -> None:
    assert score("FTB", "Foreign Trade Bank of the DPRK") >= 0.8
    assert score("FTB", "First Texas Bancorp of the DPRK") >= 0.8  # same letters: a match
    assert score("FTB", "Foreign Trade") < 0.7


def test_a_surname_or_a_lower_case_word_is_not_an_acronym() -> None:  # synthetic
    assert score("KIM", "Korea International Machinery") < 0.7
    assert score("Ftb", "Foreign Trade Bank") < 0.7


def test_a_missing_patronymic_weighs_little_but_a_different_one_counts() -> None:
    assert score("Eduard Anatolievič LYSENKO", "Едуард Лисенко") >= 0.8
    assert score("Dmitriy Vladimirovich BULGAKOV", "Dmitry Vitalievich BULGAKOV") < 0.7
    assert score("LUKIN, Sergey Anatolyevich", "LUKIN, Sergey Nikolaevich") < 0.7


@pytest.mark.parametrize("a, b", [
    ("Valiantsina Piatrouna NOVIKAVA", "Valentina Petrovna Novikova"),
    ("Pjotr Pavlovič Serkov", "Пётр Павлович СЕРКОВ"),
    ("Concern Avtomatika", "Концерн Автоматика"),
    ("Siarhei BUDREVICH", "Сяргей БУДРЭВIЧ"),
    ("SEYED JABER SAFDARI", "Syed Jaber Safdari"),
    ("IYAD NAZMI SALIH KHALIL", "Eyad Nazmi Saleh Khalil"),
])
def test_slavic_and_arabic_respellings(a: str, b: str) -> None:
    assert score(a, b) >= 0.7


@pytest.mark.parametrize("a, b", [
    ("O, In Chun", "O, ln-chun"),  # OFAC: a capital I printed as l
    ("KOREA INTERNATIONAL CHEMICAL JOINT VENTURE COMPANY",
     "Choson International Chemicals Joint Operation Company"),
    ("KOREAN COMMITTEE FOR SPACE TECHNOLOGY", "DPRK Committee for Space Technology"),
])
def test_dprk_spellings(a: str, b: str) -> None:
    assert score(a, b) >= 0.7


@pytest.mark.parametrize("a, b", [
    ("KIM SONG CHOL", "KIM TONG CHOL"), ("RI JONG CHOL", "RI JONG HO"),
    ("Hassan Ali", "Hussein Ali"), ("Amir Khan", "Omar Khan"),  # synthetic
])
def test_one_syllable_or_vowel_apart_is_another_person(a: str, b: str) -> None:
    assert score(a, b) < 0.7


arabic_names = st.text(alphabet=st.sampled_from(list("محمدعليحسنبوسفاطهرضقی الخ")),
                       min_size=1, max_size=30)
latin_names = st.text(alphabet=st.sampled_from(list("abdehiklmnoqrstuyz -'")), min_size=1,
                      max_size=30)


@settings(max_examples=100, deadline=None)
@given(latin_names, arabic_names)
def test_arabic_scores_are_in_the_unit_interval(a: str, b: str) -> None:
    assert 0.0 <= score(a, b) <= 1.0


@pytest.mark.parametrize("korean, chinese", [
    ("RI SONG HYOK", "Li Cheng He"),  # UN list: the same entry's alias
    ("KIM JONG UN", "Jin Zheng En"),  # 金正恩 (synthetic pair, real reading)
])
def test_a_korean_name_meets_its_chinese_reading(korean: str, chinese: str) -> None:
    assert score(korean, chinese) >= 0.8
    assert score(chinese, korean) >= 0.8


@pytest.mark.parametrize("korean, chinese", [
    ("KIM JONG UN", "Jin Zheng Ri"), ("RI SONG HYOK", "Li Cheng Hua"),
    ("PAK CHOL", "Pu Zhe"),  # two syllables: too little to tell a reading from chance
])
def test_other_chinese_names_are_not_readings(korean: str, chinese: str) -> None:  # synthetic
    assert score(korean, chinese) < 0.7


def test_a_patronymic_that_is_all_ending_does_not_break_the_comparison() -> None:
    """'Юьевич' (a typo for Юрьевич) leaves no father's name once -evich is cut: the words are
    compared whole instead of raising IndexError."""
    from shadowtrade.screening.names import compare_names
    from shadowtrade.screening.normalise import prepare_name

    query = prepare_name("Александр Юьевич СПИРИДОНОВ")
    assert compare_names(query, prepare_name("Aleksandr Yurevich SPIRIDONOV")).score >= 0.9
    assert compare_names(query, prepare_name("Aleksandr Nikolaevich SPIRIDONOV")).score < 0.9
