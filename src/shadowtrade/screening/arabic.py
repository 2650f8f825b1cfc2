"""Arabic-script names against their Latin spellings: a consonant key on which both meet.

Arabic script writes consonants and long vowels; Latin spellings add short vowels and disagree
on how to write the consonants (q/gh/k/g for ق غ ك گ, kh/h for خ ح ه, th/s for ث س ص, and
d/z/dh for د ذ ز ظ ض, which Persian names write ``z``: Reza = رضا). The key keeps one letter per
consonant class and drops vowels and the letters that may be vowels (alif, w, y, v, ayn and
hamza). Arabic script is keyed letter by letter (:func:`script_key`), Latin letters by
:func:`arabic_key`; a final H (ta marbuta, a silent h) is dropped on both sides.

>>> arabic_key("Ghomi") == script_key("قمی"), arabic_key("Shariatmadari") == script_key("شریعتمداری")
(True, True)
>>> arabic_key("abdul rauf") == script_key("عبدالروف"), arabic_key("Taha") == script_key("طه")
(True, True)
>>> arabic_key("Fatemeh"), script_key("فاطمه")
('FTM', 'FTM')
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

# Latin: letter pairs first (kh before k and h), then single letters; '' drops the letter.
_PAIRS = {"kh": "H", "gh": "K", "sh": "X", "ch": "X", "th": "S", "dh": "D", "zh": "D",
          "ph": "F", "dj": "J", "ou": "", "oo": "", "ee": ""}
_SINGLE = {"b": "B", "p": "B", "t": "T", "s": "S", "c": "K", "j": "J", "g": "K", "k": "K",
           "q": "K", "h": "H", "d": "D", "z": "D", "r": "R", "f": "F", "l": "L", "m": "M",
           "n": "N", "x": "KS"}
_TOKEN = re.compile("|".join(_PAIRS) + "|.")
_CLASSES = {"B": "بپ", "T": "تطٹ", "S": "ثسص", "J": "ج", "X": "چش", "H": "حخهھہۀ",
            "D": "دڈذزظضژ", "R": "رڑ", "F": "ف", "K": "قكکگغ", "L": "ل", "M": "م", "N": "نں"}
_SCRIPT = {letter: cls for cls, letters in _CLASSES.items() for letter in letters}
_DOUBLED = re.compile(r"(.)\1+")
COMPACT_FACTOR = 0.92  # a name matched only as one run of consonants is a little less sure


def _finish(key: str) -> str:
    key = _DOUBLED.sub(r"\1", key)
    return key[:-1] if len(key) > 1 and key.endswith("H") else key


@lru_cache(maxsize=200_000)
def arabic_key(text: str) -> str:
    """The consonant-class key of a Latin word or name (spaces and signs ignored)."""
    return _finish("".join(_PAIRS[m] if m in _PAIRS else _SINGLE.get(m, "")
                           for m in _TOKEN.findall(text.lower())))


@lru_cache(maxsize=100_000)
def script_key(text: str) -> str:
    """The consonant-class key of an Arabic-script word or name (Arabic, Persian, Urdu)."""
    return _finish("".join(_SCRIPT.get(char, "") for char in text))


# A long u written ou or oo in a word's last syllable (Mahmoud, Daoud, Masoud: the ū of the
# fuʿūl and mafʿūl patterns, which Arabic writes with و). French spellings write every u as
# ou, short ones too (Moustafa مصطفى, Mounir منير, Bouthaina بثينة): those say nothing.
_FINAL_LONG_U = re.compile(r"(?:ou|oo)[^aeiouy\W]*\b")
_W_RUN = re.compile("w+")


@lru_cache(maxsize=200_000)
def long_u_agrees(latin: str, transliterated: str) -> bool:
    """False when the Latin spelling writes a long u (ou or oo in a word's last syllable, or
    w) that the Arabic script lacks (و, transliterated w): Mahmoud is not محمد, whose
    consonants it shares; Moustafa is مصطفى (the French ou of a short u).

    >>> long_u_agrees("mahmoud", "mhmd"), long_u_agrees("mahmoud", "mhmwd")
    (False, True)
    >>> long_u_agrees("rauf", "rwf"), long_u_agrees("moustfa", "mstfa"), long_u_agrees("mushawweh", "mshwh")
    (True, True, True)
    """
    lowered = latin.lower()  # a doubled ww is one و with a shadda (Mushawweh = مشوح)
    wanted = len(_FINAL_LONG_U.findall(lowered)) + len(_W_RUN.findall(lowered))
    return wanted <= transliterated.count("w")


def word_similarity(key_a: str, key_b: str, short: bool) -> tuple[float, str]:
    """Similarity of two words given their consonant keys (``short``: a word of at most
    three letters, whose key may be a single consonant).

    >>> word_similarity(arabic_key("murad"), script_key("مراد"), False)
    (0.85, 'arabic consonants')
    >>> word_similarity(arabic_key("ismaeel"), script_key("اسماعیل"), False)[0]
    0.85
    """
    if not key_a or not key_b:
        return 0.0, ""
    if key_a == key_b and (len(key_a) >= 2 or short):
        return 0.85, "arabic consonants"
    if min(len(key_a), len(key_b)) >= 4 and Levenshtein.distance(key_a, key_b) == 1:
        return 0.7, "arabic consonants, 1 edit"
    return 0.0, ""


def compact_similarity(key_a: str, key_b: str) -> float:
    """Similarity of two whole names as single runs of consonant classes, which finds names
    that Arabic writes joined or split otherwise (عبدالروف = Abdul Rauf, ولی جان = Walijan).

    >>> compact_similarity(arabic_key("abd al-khaliq"), script_key("عبدالخالق"))
    0.92
    >>> compact_similarity(arabic_key("mohammad ali"), script_key("محمد حسن"))
    0.0
    """
    shorter = min(len(key_a), len(key_b))
    if shorter < 4:
        return 0.0
    budget = shorter // 5
    distance = Levenshtein.distance(key_a, key_b, score_cutoff=budget)
    if distance > budget:
        return 0.0
    return round(COMPACT_FACTOR * (1 - distance / max(len(key_a), len(key_b))), 3)
