"""Korean names as Chinese writes them: each syllable of a Korean name stands for a Hanja,
which Chinese documents (customs records, company registers, court papers) spell in pinyin. RI
SONG HYOK (李成赫) is *Li Cheng He* there.

A romanised syllable is mapped to the Hangul syllables it can spell (by the romanisation key
of :mod:`korean`, with the initial-sound rule: Ri = I), each Hangul syllable to the pinyin of
its Hanja in KS X 1001 (the 4,888 Hanja of everyday Korean use, names included), and two names
agree when every syllable's reading set holds the other name's word in the same place.

>>> matches_pinyin(("ri", "song", "hyok"), ["li", "cheng", "he"])
True
>>> matches_pinyin(("ri", "song", "hyok"), ["li", "cheng", "hua"])
False
>>> sorted(readings("kim", surname=True)), sorted(readings("hyok"))
(['jin'], ['ge', 'he', 'yi'])
"""

from __future__ import annotations

import re
from functools import lru_cache

from shadowtrade.screening.korean import (
    _HANGUL_FIRST, _HANGUL_LAST, korean_key, romanise_syllable, surname_key)
from shadowtrade.screening.scripts import HANJA_SURNAMES


@lru_cache(maxsize=1)
def _pinyin_of_hangul() -> dict[str, frozenset[str]]:
    """Hangul syllable → pinyin (without tones) of its KS X 1001 Hanja."""
    from hanja.table import hanja_table
    from pypinyin import Style, lazy_pinyin

    found: dict[str, set[str]] = {}
    pairs = list(hanja_table.items()) + list(HANJA_SURNAMES.items())
    for char, syllable in pairs:
        if not "\u4e00" <= char <= "\u9fff":
            continue
        try:
            char.encode("euc_kr")
        except UnicodeEncodeError:
            continue
        found.setdefault(syllable, set()).add(lazy_pinyin(char, style=Style.NORMAL)[0])
    found["박"].add("piao")  # 朴 read as a surname
    return {syllable: frozenset(values) for syllable, values in found.items()}


@lru_cache(maxsize=1)
def _hangul_by_key() -> dict[str, frozenset[str]]:
    """Romanisation key → the Hangul syllables it can spell (RR and McCune-Reischauer)."""
    found: dict[str, set[str]] = {}
    for code in range(_HANGUL_FIRST, _HANGUL_LAST + 1):
        char = chr(code)
        for system in ("rr", "mr"):
            found.setdefault(korean_key(romanise_syllable(char, system)), set()).add(char)
    return {key: frozenset(chars) for key, chars in found.items()}


@lru_cache(maxsize=20_000)
def readings(syllable: str, surname: bool = False) -> frozenset[str]:
    """The pinyin a romanised Korean syllable may be read as (empty when it is not one)."""
    key = surname_key(syllable) if surname else korean_key(syllable)
    keys = {key}
    if key[:1] in ("l", "n") and key[1:2] in ("i", "y"):  # initial-sound rule: Ri = I
        keys.add(key[1:])
    by_key, pinyin = _hangul_by_key(), _pinyin_of_hangul()
    return frozenset(p for k in keys for char in by_key.get(k, ()) for p in pinyin.get(char, ()))


_PINYIN = re.compile(r"(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(iang|iong|uang|ueng|ang|eng|ing|ong|"
                     r"ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|in|iu|ua|uo|ui|un|ue|ve|lv|"
                     r"a|o|e|i|u|v)")


def is_pinyin(word: str) -> bool:
    """True when the word is shaped like a pinyin syllable (a cheap test before the tables).

    >>> is_pinyin("cheng"), is_pinyin("zhuang"), is_pinyin("chol"), is_pinyin("hyok")
    (True, True, False, False)
    """
    return _PINYIN.fullmatch(word) is not None


def warm() -> None:
    """Build the reading tables now (about a second; they are otherwise built at the first
    name that looks like pinyin)."""
    _pinyin_of_hangul()
    _hangul_by_key()


def matches_pinyin(syllables: tuple[str, ...], words: list[str]) -> bool:
    """True when ``words`` (surname first or last) spell the Korean ``syllables`` (surname
    first) in pinyin, one word per syllable."""
    if len(words) != len(syllables) or len(words) < 2 or not all(map(is_pinyin, words)):
        return False
    surname, given = syllables[0], syllables[1:]
    for order in (words, words[1:] + words[:1]):
        if order[0] in readings(surname, surname=True) and all(
                word in readings(syllable) for syllable, word in zip(given, order[1:])):
            return True
    return False
