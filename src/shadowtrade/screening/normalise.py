"""Name normalisation: folding to Latin tokens, spelling skeletons, generic tokens weighted down,
name order, and the Korean reading of a name when it has one.

>>> name = prepare_name("KIM, Jong-un")
>>> [t.text for t in name.variants[0]], name.korean
(['jong', 'un', 'kim'], (('gim', 'jongon', 'KIM | Jong-un'),))
>>> prepare_name("ОАО Беларуськалий").variants[0][0].weight
0.2
>>> skeleton("Alexander") == skeleton("Aleksander"), skeleton("Yuriy") == skeleton("Jurij")
(True, True)
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import groupby
from typing import Final, NamedTuple

from shadowtrade.screening.arabic import script_key
from shadowtrade.screening.korean import (
    is_common_surname, korean_key, romanise_hangul, segments_as_korean, split_hangul_name,
    surname_key, syllable_keys)
from shadowtrade.screening.qualifiers import (MINOR_WORDS, bracketed_country, country_qualifier,
                                              initials, is_patronymic)
from shadowtrade.screening.scripts import detect_script, han_to_hangul, han_to_pinyin, to_latin

ORG_FORMS: Final = frozenset(
    "llc ltd limited co company corp corporation inc incorporated jsc ojsc oao ooo zao pao ao "
    "cjsc pjsc tov plc gmbh ag sa sarl srl bv nv llp lp group holding holdings trading "
    "international intl enterprise enterprises industrial industries the of and for "
    "obshchestvo ogranichennoi ogranichennoy otvetstvennostiu otvetstvennostyu aktsionernoe "
    "otkrytoe zakrytoe publichnoe tovarishchestvo joint stock open closed public firm "
    "partnership unitary republican federal state corporation venture".split()) | frozenset(
    # the same words in the languages of the EU's list (company, group, joint-stock, and, of)
    "societe sociedad sociedade societa gesellschaft spolecnost spolocnost spolka tarsasag "
    "selskab selskap bolag yhtio etaireia druzhestvo druzestvo kompanija kompania companhia "
    "compania compagnie grupo groupe gruppo grupa grupul gruppe groep grupp ryhma csoport "
    "skupina akciova akcine akcyjna akciju aktiengesellschaft aktsiaselts des und et".split())
# al also as assimilated (ar-Rahman)
PARTICLES: Final = frozenset("al el ul ur ud ad ar ash az at as bin ibn bint abu abd de da di "
                             "del van von der la le du y".split())
TITLES: Final = frozenset("mr mrs ms miss dr prof sir".split())
# Religious and social honorifics of Arabic, Persian, Pashto and Urdu names (a pilgrim, a
# descendant of the Prophet, a cleric, a Quran reciter), in Latin spellings and as Arabic
# script transliterates (سيد syd, حاجی hajy, ملا mla): one list writes them, another not.
# Kept, since some are also names (Sayed), but weighing little.
HONORIFICS: Final = frozenset("haji hajji hadji alhaj alhajj hajy seyed seyyed sayed sayyed sayyid "
                       "syed syd mullah mulla mla mawlawi maulvi mawlvi molvi mwlwy mawlana "
                       "maulana mwlana sheikh shaikh shaykh sheik qari".split())
HONORIFIC_WEIGHT: Final = 0.3
MAX_TOKENS: Final = 12
ORG_FORM_WEIGHT: Final = 0.2  # LLC, OOO, JSC, Company: what kind of body, not which one
QUALIFIER_WEIGHT: Final = 0.1  # 'of the DPRK': says where, not who
PATRONYMIC_WEIGHT: Final = 0.4  # one list writes the patronymic, another leaves it out

# Applied in order, as plain replacements (str.replace is fast); see skeleton() for the rest.
_SKELETON_BEFORE_J: Final = (
    ("dzh", "Z"), ("dj", "Z"), ("zh", "Z"), ("x", "ks"), ("ph", "f"), ("w", "v"), ("kh", "h"),
    ("ck", "k"), ("q", "k"), ("th", "t"), ("dh", "d"), ("tj", "ch"), ("sj", "sh"), ("tch", "ch"),
    ("sch", "sh"), ("tz", "ts"), ("ts", "C"), ("y", "i"))
_SKELETON_AFTER_J: Final = (("ou", "u"), ("oo", "u"), ("ee", "i"))
_J_BEFORE_VOWEL: Final = re.compile(r"j(?=[aeiou]|$)|(?<=[aeiou])j")
_HARD_C: Final = re.compile(r"c(?![eihC])")  # Concern = Kontsern; ce/ci stay (Centr = Tsentr)
_IOTATED: Final = re.compile(r"(?<=[aeiou])ie")  # Makeyeva = Makeeva (after y became i)
_SPLIT: Final = re.compile(r"[^\w]+|_")
_VOWELS: Final = re.compile(r"[aeiou]")
_DOUBLED: Final = re.compile(r"(.)\1")
_INNER_HYPHEN: Final = re.compile(r"(?<=\w)-(?=\w)")
_BRACKETED: Final = re.compile(r"[(\[]([^)\]]*)[)\]]")
_ALTERNATIVES: Final = re.compile(r"(?<=\w\w)\s*/\s*(?=\w\w)")  # not J/V, I/E
# Belarusian spellings of names Russian spells with e and ov (Piatrouna = Petrovna,
# Valiantsina = Valentina, Novikau = Novikov, Novikava = Novikova), and the unstressed o of
# Ukrainian -enko surnames written a (Lukashenka = Lukashenko, Mishchanka = Mishchenko).
_BELARUSIAN: Final = (
    (re.compile(r"(?<=[bdfghklmnprstvz])i[iy]?a(?=[bdfghklmnprstvz])"), "e"),
    (re.compile(r"(?<=[aeiou])u(?=n[ai]$)"), "v"), (re.compile(r"au$"), "ov"),
    (re.compile(r"(?<=[bdfghklmnprstvz])ava$"), "ova"),
    (re.compile(r"(?<=[cs]h)anka$|enka$"), "enko"))


def _belarusian(word: str) -> str:
    """Belarusian forms of a name in their Russian spelling (see ``_BELARUSIAN``).

    >>> [_belarusian(w) for w in ("piatrouna", "valiantsina", "novikau", "novikava", "maria")]
    ['petrovna', 'valentsina', 'novikov', 'novikova', 'maria']
    >>> [_belarusian(w) for w in ("lukashenka", "mishchanka", "ianka")]
    ['lukashenko', 'mishchenko', 'ianka']
    """
    if "ia" not in word and "u" not in word[-4:] and not word.endswith(("ava", "nka")):
        return word
    for pattern, replacement in _BELARUSIAN:
        word = pattern.sub(replacement, word)
    return word


class Token(NamedTuple):
    """One word of a name in Latin letters, with its spelling keys and weight."""

    text: str
    skeleton: str
    consonants: str
    weight: float
    key: str = ""  # Arabic-script words: the consonant key of the original letters


class PreparedName(NamedTuple):
    """A name ready to compare: alternative token lists, Korean readings (surname key,
    given-name key, label), the country it is qualified with ('of the DPRK': ``kp``) and, for
    Arabic script, the consonant key of the whole name."""

    raw: str
    script: str
    variants: tuple[tuple[Token, ...], ...]
    korean: tuple[tuple[str, str, str], ...]
    compact: str = ""  # the first variant's skeletons joined (finds 'JSCARGUMENT')
    country: str = ""
    arabic: str = ""
    acronym: str = ""  # the one word of a name that may be an acronym ('FTB')
    patronymic: bool = False
    syllables: tuple[str, ...] = ()  # a Latin Korean name's syllables, surname first
    folded: str = ""  # the name as written, case-folded (the same as another: identical)


def _named(raw: str, script: str, variants: tuple[tuple[Token, ...], ...],
           korean: tuple[tuple[str, str, str], ...], country: str = "",
           arabic: str = "") -> PreparedName:
    """The name with the features comparisons need, computed once (at index time)."""
    tokens = [t for t in variants[0] if t.weight > QUALIFIER_WEIGHT] if variants else []
    compact = "".join(t.skeleton for t in tokens)
    acronym = tokens[0].text if len(tokens) == 1 and _may_be_acronym(raw, tokens[0].text) else ""
    patronymic = bool(variants) and any(t.weight == PATRONYMIC_WEIGHT for t in variants[0])
    return PreparedName(raw, script, variants, korean, compact, country, arabic, acronym,
                        patronymic, folded=raw.casefold())


def _may_be_acronym(raw: str, word: str) -> bool:
    """An acronym is 2 to 6 capitals in the name as written, and not a surname ('KIM').

    >>> _may_be_acronym("FTB", "ftb"), _may_be_acronym("KIM", "kim"), _may_be_acronym("Ftb", "ftb")
    (True, False, False)
    """
    return 2 <= len(word) <= 6 and word.upper() in raw and not is_common_surname(word)


def name_initials(name: PreparedName) -> tuple[str, str]:
    """What an acronym of the name would spell: every word's initial, and the initials
    without 'of', 'the', 'and' (country qualifiers left out).

    >>> name_initials(prepare_name("Foreign Trade Bank of the DPRK"))
    ('ftb', 'ftb')
    """
    words = [t.text for t in name.variants[0] if t.weight > QUALIFIER_WEIGHT] \
        if name.variants else []
    return initials(words), initials([w for w in words if w not in MINOR_WORDS])


@lru_cache(maxsize=300_000)
def skeleton(word: str) -> str:
    """A spelling key on which common transliteration variants coincide."""
    key = word.lower()
    for old, new in _SKELETON_BEFORE_J:
        if old in key:
            key = key.replace(old, new)
    key = _belarusian(key)
    if "c" in key:
        key = _HARD_C.sub("k", key)
    if "C" in key:
        key = key.replace("C", "c")
    if "j" in key:
        key = _J_BEFORE_VOWEL.sub("i", key)
    if "ie" in key:
        key = _IOTATED.sub("e", key)
    for old, new in _SKELETON_AFTER_J:
        if old in key:
            key = key.replace(old, new)
    key = "".join(char for char, _ in groupby(key))  # doubled letters once
    key = key.replace("ii", "i")
    if key.endswith("ie"):
        key = key[:-1]
    elif key.endswith("er"):
        key = key[:-2] + "r"
    return key


@lru_cache(maxsize=300_000)
def make_token(word: str) -> Token:
    """A :class:`Token` for one lower-case ASCII word."""
    skel = skeleton(word)
    consonants = skel[:1] + _VOWELS.sub("", skel[1:])
    weight = ORG_FORM_WEIGHT if word in ORG_FORMS else \
        0.5 if (word in PARTICLES or len(word) == 1) else 1.0
    return Token(word, skel, _DOUBLED.sub(r"\1", consonants), weight)


def latin_words(text: str) -> list[str]:
    """Lower-case ASCII words of any-script text (titles dropped).

    >>> latin_words("Dr. Jong-Un KIM")
    ['jong', 'un', 'kim']
    """
    folded = to_latin(text).lower().replace("'", "").replace("\u2019", "").replace("`", "")
    words = [w for w in _SPLIT.split(folded) if w]
    return [w for w in words if w not in TITLES][:MAX_TOKENS]


@lru_cache(maxsize=200_000)
def prepare_name(raw: str) -> PreparedName:
    """Prepare a name of any script for comparison (cached). Names a publisher wrote together
    as 'A / B' are compared as either.

    >>> len(prepare_name("Роман Сергеевич УДАЛОВ / Роман Сергiйович УДАЛОВ").variants)
    2
    """
    text = " ".join(raw.split())
    if "/" in text:
        parts = [p for p in _ALTERNATIVES.split(text) if p.strip()][:3]
        if len(parts) > 1:
            return _alternatives(raw, [prepare_name(p) for p in parts])
    script = detect_script(text)
    if script == "hangul":
        return _prepare_hangul(text)
    if script == "han":
        return _prepare_han(text)
    if script == "arabic":
        return _prepare_arabic(text)
    if "," in text:  # SURNAME, Given
        surname, _, given = text.partition(",")
        words = latin_words(given) + latin_words(surname)
        korean = _korean_latin(latin_words(surname), given, text)
    else:
        words = latin_words(text)
        korean = _korean_from_order(text)
    qualified, country = country_qualifier(words)
    country = country or bracketed_country(text)
    variants = [_tokens(words, _bracketed(text), qualified)]
    if "-" in text:  # Dae-Dong = Daedong: the hyphenated parts also as one word
        joined = latin_words(_INNER_HYPHEN.sub("", text))
        if joined != words:
            variants.append(_tokens(joined, _bracketed(text), country_qualifier(joined)[0]))
    named = _named(raw, script, tuple(variants), korean, country)
    return named._replace(syllables=_syllables(korean)) if korean else named


def _syllables(korean: tuple[tuple[str, str, str], ...]) -> tuple[str, ...]:
    """The syllables of the first Korean reading, when its given name is written syllable by
    syllable ('RI | Song Hyok', 'KIM | Jong-un'; not 'KIM | Jongun').

    >>> _syllables((("li", "songhyog", "RI | Song Hyok"),))
    ('ri', 'song', 'hyok')
    """
    surname, _, given = korean[0][2].partition(" | ")
    parts = latin_words(given)
    if len(parts) < 2 or not all(korean_key(p) in syllable_keys() for p in parts):
        return ()
    return (surname.lower(), *parts)


def _alternatives(raw: str, names: list[PreparedName]) -> PreparedName:
    """One name whose variants are all the alternatives' variants (the first one's other
    features: script, Korean readings, country)."""
    first = names[0]
    variants = tuple(v for name in names for v in name.variants)
    korean = tuple(dict.fromkeys(r for name in names for r in name.korean))
    return first._replace(raw=raw, variants=variants, korean=korean, folded=raw.casefold())


def _bracketed(text: str) -> set[str]:
    """Words in brackets: acronyms and remarks such as '(DCB)' or '[Syria]', weighted down."""
    if "(" not in text and "[" not in text:
        return set()
    return {w for part in _BRACKETED.findall(text) for w in latin_words(part)}


def _tokens(words: list[str], minor: set[str], qualified: int = 0) -> tuple[Token, ...]:
    """Tokens of the words; bracketed words, a trailing country qualifier (its last
    ``qualified`` words) and patronymics (inside a name of three words or more) weigh less."""
    if not minor and not qualified and len(words) < 3:
        return tuple(make_token(word) for word in words)
    tokens = []
    for position, word in enumerate(words):
        token = make_token(word)
        if position >= len(words) - qualified:
            token = token._replace(weight=QUALIFIER_WEIGHT)
        elif word in minor:
            token = token._replace(weight=min(token.weight, 0.3))
        elif 0 < position < len(words) - 1 and is_patronymic(word):
            token = token._replace(weight=PATRONYMIC_WEIGHT)
        tokens.append(token)
    return _honorifics_down(tuple(tokens))


def _honorifics_down(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Honorifics weigh little in a name with two other words at least ('Haji Abdul Basir'
    = 'Abdul Basir'); in a name of fewer ('Haji Sahab', 'Qari Sahab') they are the name.

    >>> [t.weight for t in _tokens(["haji", "abdul", "basir"], set())]
    [0.3, 1.0, 1.0]
    >>> [t.weight for t in _tokens(["haji", "sahab"], set())]
    [1.0, 1.0]
    """
    if not any(t.text in HONORIFICS for t in tokens) or sum(
            1 for t in tokens if t.text not in HONORIFICS and t.weight >= 1.0) < 2:
        return tokens
    return tuple(t._replace(weight=HONORIFIC_WEIGHT) if t.text in HONORIFICS else t
                 for t in tokens)


_ARTICLE: Final = re.compile("(?<![^\\s\\-])\u0627\u0644(?=\\w\\w)")  # ال joined to a word


def _prepare_arabic(text: str) -> PreparedName:
    """Arabic, Persian or Urdu script: words in Latin letters (the joined article ال apart),
    each with the consonant key of its original letters."""
    spaced = _ARTICLE.sub("\u0627\u0644 ", text.replace("\u200c", ""))
    tokens = []
    for word in [w for w in _SPLIT.split(spaced) if w][:MAX_TOKENS]:
        latin = "al" if word == "\u0627\u0644" else "".join(latin_words(word))
        if latin:
            tokens.append(make_token(latin)._replace(key=script_key(word)))
    return _named(text, "arabic", (_honorifics_down(tuple(tokens)),), (),
                  arabic=script_key(text))


def _capital_i(word: str) -> str:
    """A romanised Korean syllable cannot start with l and a consonant: such an 'l' is a
    capital I misread (the two look alike in sans-serif type: OFAC's 'O, ln-chun').

    >>> _capital_i("lnchun"), _capital_i("lyong")
    ('inchun', 'lyong')
    """
    if len(word) > 1 and word[0] == "l" and word[1] not in "aeiouywl":
        return "i" + word[1:]
    return word


def _korean_latin(surname_words: list[str], given: str, label: str) -> tuple[tuple[str, str,
                                                                                   str], ...]:
    if len(surname_words) != 1 or not is_common_surname(surname_words[0]):
        return ()
    given_words = [_capital_i(w) for w in latin_words(given)]
    if not given_words or not all(segments_as_korean(w) for w in given_words):
        return ()
    given_key = korean_key("".join(given_words))
    if len(given_key) > 10:
        return ()
    surname = surname_words[0]
    return ((surname_key(surname), given_key, f"{surname.upper()} | {given.strip()}"),)


def _korean_from_order(text: str) -> tuple[tuple[str, str, str], ...]:
    """Korean readings of a Latin name in either order; an ALL-CAPS word marks the surname."""
    parts = text.split()
    if not 2 <= len(parts) <= 4:
        return ()
    ends = [i for i in (0, len(parts) - 1) if is_common_surname(parts[i])]
    if not ends:
        return ()
    parts = [to_latin(p) for p in parts]
    upper = [i for i, p in enumerate(parts) if p.isupper() and len(p) > 1]
    firsts = upper if len(upper) == 1 and upper[0] in ends else ends
    readings: list[tuple[str, str, str]] = []
    for index in firsts:
        given = [p for i, p in enumerate(parts) if i != index]
        found = _korean_latin(latin_words(parts[index]), " ".join(given), text)
        readings.extend(r for r in found if r not in readings)
    return tuple(readings)


def _prepare_hangul(text: str) -> PreparedName:
    parts = text.split()
    surname, given = (parts[0], "".join(parts[1:])) if len(parts) > 1 and len(parts[0]) <= 2 \
        else split_hangul_name(text.replace(" ", ""))
    rr_surname, rr_given = romanise_hangul(surname), romanise_hangul(given)
    korean = ((surname_key(rr_surname), korean_key(rr_given),
               f"{rr_surname.upper()} | {rr_given}"),) if given else ()
    tokens = tuple(make_token(w) for w in latin_words(f"{rr_surname} {rr_given}"))
    return _named(text, "hangul", (tokens,), korean)


def _prepare_han(text: str) -> PreparedName:
    pinyin = han_to_pinyin(text)
    variants = [tuple(make_token(w) for w in pinyin)]
    if len(pinyin) >= 3:
        variants.append((make_token(pinyin[0]), make_token("".join(pinyin[1:]))))
    korean = _prepare_hangul(han_to_hangul(text)).korean if len(pinyin) <= 4 else ()
    return _named(text, "han", tuple(v for v in variants if v) or ((),), korean)
