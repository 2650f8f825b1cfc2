"""Script detection and transliteration to Latin: Cyrillic (Russian, Belarusian, Ukrainian),
Chinese characters (pinyin, and the Korean Hanja reading), Hangul, and anything else through
``anyascii``.

>>> detect_script("김정은"), detect_script("金正恩"), detect_script("Лукашенко"), detect_script("Kim")
('hangul', 'han', 'cyrillic', 'latin')
>>> to_latin("Лукашенко"), han_to_pinyin("金正恩")
('Lukashenko', ['jin', 'zheng', 'en'])
>>> han_to_hangul("金正恩")
'김정은'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Hanja whose surname reading differs from the reading the dictionary gives first.
HANJA_SURNAMES = {"金": "김", "李": "리", "林": "림", "柳": "류", "劉": "류", "盧": "로",
                  "羅": "라", "呂": "려", "梁": "량", "廉": "렴", "龍": "룡"}


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


_SCRIPT_PATTERNS = {
    "hangul": re.compile("[\uac00-\ud7a3]"), "han": re.compile("[\u3400-\u4dbf\u4e00-\u9fff]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"), "arabic": re.compile("[\u0600-\u06ff]"),
    "latin": re.compile("[A-Za-z\u00c0-\u024f]"),
}


def detect_script(text: str) -> str:
    """The dominant script of a name: hangul, han, cyrillic, arabic, latin or other."""
    if text.isascii():
        return "latin"
    counts = {script: len(pattern.findall(text)) for script, pattern in _SCRIPT_PATTERNS.items()}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else "other"


# Latin letters whose plain ASCII base would lose a sound the other spellings write out
# (Czech, Slovak, Baltic and Polish forms of Slavic names: Pavlovič = Pavlovich).
_DIGRAPHS = str.maketrans({"č": "ch", "Č": "Ch", "š": "sh", "Š": "Sh", "ž": "zh", "Ž": "Zh",
                           "ć": "ch", "Ć": "Ch", "ś": "sh", "Ś": "Sh", "ż": "zh", "Ż": "Zh",
                           "ź": "zh", "Ź": "Zh", "ş": "sh", "Ş": "Sh"})


_UK_BE_LETTERS = frozenset("іїєўґІЇЄЎҐ")
_UK_BE_H = str.maketrans({"г": "h", "Г": "H", "ў": "w", "Ў": "W"})  # ЗУБКОЎ = Zubkow


@lru_cache(maxsize=100_000)
def to_latin(text: str) -> str:
    """Latin letters for any script (ASCII, accents removed; č, š, ž written ch, sh, zh).

    >>> to_latin("Pavlovič"), to_latin("Mašadzev"), to_latin("Сяргей Яўгенавіч")
    ('Pavlovich', 'Mashadzev', 'Syarhey Yawhenavich')
    """
    if text.isascii():  # most names: nothing below would change them
        return text
    if _UK_BE_LETTERS.intersection(text):  # Ukrainian or Belarusian: г is h (Сяргей = Siarhei)
        text = text.translate(_UK_BE_H)
    decomposed = unicodedata.normalize("NFKC", text.translate(_DIGRAPHS))
    return anyascii(decomposed)


@lru_cache(maxsize=20_000)
def han_to_pinyin(text: str) -> list[str]:
    """Mandarin pinyin syllables of the Chinese characters, without tones."""
    from pypinyin import Style, lazy_pinyin

    return [s for s in lazy_pinyin([c for c in text if _is_han(c)], style=Style.NORMAL) if s]


@lru_cache(maxsize=20_000)
def han_to_hangul(text: str) -> str:
    """The Korean (Hanja) reading of Chinese characters; the first one read as a surname."""
    import hanja

    chars = [c for c in text if _is_han(c)]
    if not chars:
        return ""
    first = HANJA_SURNAMES.get(chars[0]) or hanja.translate(chars[0], "substitution")
    return first + hanja.translate("".join(chars[1:]), "substitution")
