"""Korean names: Hangul to Revised Romanization and McCune-Reischauer, and a romanisation key
under which RR, McCune-Reischauer and the DPRK's own spellings of one name coincide.

The key folds what the systems disagree on: ch/j, k/g, p/b, t/d, r/l, aspirate apostrophes and
DPRK ``th``/``ph``, ŏ/eo/o and ŭ/eu/u, hyphens, doubled consonants, and the initial-sound rule
(DPRK *Ryong* = ROK *Yong*). Surnames go through a table of their conventional spellings
(Ri/Li/Lee/Yi/Rhee, Pak/Park, Choe/Choi, …).

>>> romanise_hangul("김정은"), romanise_hangul("김정은", system="mr")
('gimjeongeun', 'kimchŏngŭn')
>>> korean_key("Ho-jin") == korean_key("Ho-chin"), korean_key("Che-son") == korean_key("JE-SON")
(True, True)
>>> surname_key("Lee") == surname_key("RI") == surname_key("Yi"), surname_key("Park")
(True, 'bag')
"""

from __future__ import annotations

from typing import Final

import re
import unicodedata
from functools import lru_cache

_RR_INITIAL: Final = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MR_INITIAL: Final = "k kk n t tt r m p pp s ss - ch tch ch' k' t' p' h".split()
_RR_MEDIAL: Final = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_MR_MEDIAL: Final = "a ae ya yae ŏ e yŏ ye o wa wae oe yo u wŏ we wi yu ŭ ŭi i".split()
_FINAL: Final = ("- k k k n n n t l k m l l l p l m p p t t ng t t k t p t").split()
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
COMPOUND_SURNAMES: Final = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방")

# Conventional spellings of common surnames whose key would otherwise differ.
_SURNAME_VARIANTS: Final = {
    "ri": "ri li lee yi i rhee rhie yee lie rhi",
    "bag": "pak park bak bahk paek baek paik pack",
    "joe": "choe choi chwe choy",
    "jong": "jong jeong chong chung jung cheong joung",
    "jon": "jon jeon chon chun jun cheon",
    "o": "o oh",
    "no": "no noh roh ro",
    "yu": "yu yoo ryu rhyu ryoo lyu you",
    "im": "im lim rim yim",
    "yang": "yang ryang",
    "yom": "yom yeom ryom",
    "hyon": "hyon hyun hyeon",
    "so": "so seo suh",
    "an": "an ahn",
    "mun": "mun moon",
    "gim": "kim gim",
}
_SURNAME_OF: Final = {v: key for key, spellings in _SURNAME_VARIANTS.items()
               for v in spellings.split()}
COMMON_SURNAMES: Final = frozenset(_SURNAME_OF) | frozenset(
    "kang gang cho jo han yun yoon jang chang hong hwang song sin shin nam sim shim ku koo gu "
    "cha myong myeong pang bang ji chi thae tae sok seok ko go kil gil chae kwon gwon ju joo "
    "pae bae ha kye sung son won ma do to um om yim wang min pyon pyeon hyon ok chu ra na".split())

_KEY_RULES: Final = [
    (r"[^a-z]", ""), (r"woo", "u"), (r"eo|eu|oo|ou|u", "o"), (r"ee", "i"),
    (r"tch|ch|tj", "j"), (r"sh", "s"), (r"([tpk])h", r"\1"), (r"k", "g"), (r"p", "b"),
    (r"t", "d"), (r"r", "l"), (r"([gdbsjl])\1", r"\1"), (r"oi", "oe"), (r"([aeio])h$", r"\1"),
    (r"^[ln]y", "y"),
]
_KEY_PATTERNS: Final = [(re.compile(p), r) for p, r in _KEY_RULES]


def is_hangul(char: str) -> bool:
    """True for a precomposed Hangul syllable."""
    return _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST


def _syllable_parts(char: str) -> tuple[int, int, int]:
    index = ord(char) - _HANGUL_FIRST
    return index // 588, (index % 588) // 28, index % 28


def romanise_syllable(char: str, system: str = "rr") -> str:
    """One Hangul syllable in Revised Romanization (``rr``) or McCune-Reischauer (``mr``).

    >>> romanise_syllable("렴"), romanise_syllable("렴", "mr")
    ('ryeom', 'ryŏm')
    """
    if not is_hangul(char):
        return char
    initial, medial, final = _syllable_parts(char)
    first = (_RR_INITIAL if system == "rr" else _MR_INITIAL)[initial].replace("-", "")
    vowel = (_RR_MEDIAL if system == "rr" else _MR_MEDIAL)[medial]
    return first + vowel + _FINAL[final].replace("-", "")


def romanise_hangul(text: str, system: str = "rr") -> str:
    """A Hangul string romanised syllable by syllable (other characters kept)."""
    return "".join(romanise_syllable(char, system) for char in text)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if "a" <= c <= "z")


@lru_cache(maxsize=200_000)
def korean_key(text: str) -> str:
    """The romanisation key of a given name or syllable run (see module docstring)."""
    key = _ascii(text)
    for pattern, replacement in _KEY_PATTERNS:
        key = pattern.sub(replacement, key)
    return key


@lru_cache(maxsize=50_000)
def surname_key(token: str) -> str:
    """The key of a surname, through the table of conventional spellings."""
    plain = _ascii(token)
    return korean_key(_SURNAME_OF.get(plain, plain))


def is_common_surname(token: str) -> bool:
    """True when the (romanised) token is a common Korean surname spelling."""
    return _ascii(token) in COMMON_SURNAMES


@lru_cache(maxsize=1)
def syllable_keys() -> frozenset[str]:
    """Keys of every Hangul syllable (RR and MR), to check a token can be Korean."""
    keys = set()
    for code in range(_HANGUL_FIRST, _HANGUL_LAST + 1):
        char = chr(code)
        keys.add(korean_key(romanise_syllable(char, "rr")))
        keys.add(korean_key(romanise_syllable(char, "mr")))
    return frozenset(k for k in keys if k)


@lru_cache(maxsize=100_000)
def segments_as_korean(token: str) -> bool:
    """True when the token's key splits into at most three Korean syllables.

    >>> segments_as_korean("jongun"), segments_as_korean("schwarzenegger")
    (True, False)
    """
    key = korean_key(token)
    keys = syllable_keys()
    reachable = {0: 0}  # position -> fewest syllables to reach it
    for start in range(len(key)):
        if start not in reachable:
            continue
        for end in range(start + 1, min(len(key), start + 5) + 1):
            if key[start:end] in keys:
                reachable[end] = min(reachable.get(end, 9), reachable[start] + 1)
    return bool(key) and reachable.get(len(key), 9) <= 3


def split_hangul_name(text: str) -> tuple[str, str]:
    """Surname and given name of a Hangul name written without a space.

    >>> split_hangul_name("김정은"), split_hangul_name("남궁민수")
    (('김', '정은'), ('남궁', '민수'))
    """
    if len(text) >= 4 and text[:2] in COMPOUND_SURNAMES:
        return text[:2], text[2:]
    return text[:1], text[1:]
