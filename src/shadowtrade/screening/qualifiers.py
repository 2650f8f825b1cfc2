"""Parts of a name that qualify it rather than name it: a country ("Foreign Trade Bank *of the
DPRK*", "Military Intelligence Directorate *[Syria]*"), a patronymic, and acronyms that stand
for the name ("FTB" for Foreign Trade Bank).

>>> country_qualifier(["foreign", "trade", "bank", "of", "the", "dprk"])
(3, 'kp')
>>> country_qualifier(["bank", "of", "china", "trading"])
(0, '')
>>> initials(["foreign", "trade", "bank", "of", "the", "dprk"])
'ftbotd'
>>> is_patronymic("anatolievich"), is_patronymic("ivanova")
(True, False)
"""

from __future__ import annotations

from typing import Final

import re
from functools import lru_cache

# Common names the country tables lack, as lower-case words (apostrophes removed).
_EXTRA_COUNTRIES: Final = {
    "kp": ("dprk", "north korea", "korea dprk", "democratic peoples republic of korea"),
    "kr": ("south korea", "republic of korea"),
    "ru": ("russia", "russian federation"), "ir": ("iran", "islamic republic of iran"),
    "sy": ("syria", "syrian arab republic"), "by": ("belarus", "republic of belarus"),
    "ua": ("ukraine", "crimea", "republic of crimea"), "cn": ("china", "prc"),
    "gb": ("uk", "united kingdom", "great britain"), "us": ("usa", "united states"),
    "ve": ("venezuela",), "su": ("ussr", "soviet union"),
}
PATRONYMIC_ENDINGS: Final = ("ovich", "evich", "avich", "ovitch", "evitch", "ovitj", "evitj",
                              "ovych", "ovna", "evna", "avna", "ievna", "ivna", "ichna")
_WORD: Final = re.compile(r"[a-z0-9]+")
_END_BRACKET: Final = re.compile(r"[\[(]([^\])]+)[\])]\s*$")
MINOR_WORDS: Final = frozenset(("of", "the", "and", "for", "in"))


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower().replace("'", "")))


@lru_cache(maxsize=1)
def country_phrases() -> dict[tuple[str, ...], str]:
    """Country names as word tuples (official, common and short names, 'Korea, Republic of'
    turned around), each to its lower-case ISO code."""
    import pycountry

    phrases: dict[tuple[str, ...], str] = {}
    for country in pycountry.countries:
        code = country.alpha_2.lower()
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            if ", " in value:  # "Korea, Democratic People's Republic of"
                head, _, tail = value.partition(", ")
                phrases.setdefault(_words(f"{tail} {head}"), code)
                phrases.setdefault(_words(head), code)
            phrases.setdefault(_words(value), code)
    for code, names in _EXTRA_COUNTRIES.items():
        for name in names:
            phrases[_words(name)] = code
    return phrases


def country_qualifier(words: list[str]) -> tuple[int, str]:
    """How many trailing words say 'of (the) COUNTRY', and the country's code (0 and '' when
    the name does not end so). The name must keep at least two words of its own."""
    if "of" not in words:
        return 0, ""
    phrases = country_phrases()
    for start in range(2, len(words) - 1):
        if words[start] != "of":
            continue
        tail = words[start + 1:]
        if tail[:1] == ["the"]:
            tail = tail[1:]
        code = phrases.get(tuple(tail))
        if code:
            return len(words) - start, code
    return 0, ""


def bracketed_country(text: str) -> str:
    """The code of a country named alone in brackets at the end ('Directorate [Syria]').

    >>> bracketed_country("Military Intelligence Directorate [Syria]")
    'sy'
    """
    if not text.rstrip().endswith((")", "]")):
        return ""
    found = _END_BRACKET.search(text)
    return country_phrases().get(_words(found.group(1)), "") if found else ""


def initials(words: list[str]) -> str:
    """The first letters of the words, as an acronym spells them."""
    return "".join(word[0] for word in words if word)


def is_patronymic(word: str) -> bool:
    """True for a Slavic patronymic (-ovich, -evna, …) in any common transliteration."""
    return len(word) > 6 and word.endswith(PATRONYMIC_ENDINGS)


def patronymic_stem(word: str) -> str:
    """The father's name in a patronymic (its ending, the linking vowels and a soft sign's j
    cut off: Swedish Jurjevitj = Russian Yurevich).

    >>> patronymic_stem("anatolyevich"), patronymic_stem("nikolaevna"), patronymic_stem("jurjevitj")
    ('anatol', 'nikol', 'jur')
    >>> patronymic_stem("yuevich")  # nothing but vowels before the ending: keep the word
    'yuevich'
    """
    for ending in PATRONYMIC_ENDINGS:
        if word.endswith(ending):
            return word[:-len(ending)].rstrip("aeiouyj") or word
    return word
