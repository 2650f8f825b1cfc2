"""Build the labelled name pairs of the screening scorecard from the real lists.

Positives (the same entity's names):
- ``alias``: a listed name and a Latin alias of the same entry that is a respelling of it (see
  :func:`respells`: the same number of words, whose first letters fall in the same sound
  classes; no matcher's score takes part);
- ``cross_script``: a Latin name and the same entry's Cyrillic, Hangul, Chinese or Arabic
  original that it transliterates (see :func:`respells_across`: translations and other
  names left out, no matcher's score taking part);
- ``dprk_variant``: a DPRK person's own Latin spelling variants (UN, EU, OFAC; the same
  respelling test). DPRK organisations, vessels and the UK entries (whose derived file does not
  say reliably which entries are people) are ``alias`` pairs.
Negatives:
- ``hard_negative``: two different entries of the same list sharing their first or last word
  (and not sharing their full name);
- ``dprk_same_surname``: UN DPRK people sharing a surname;
- ``clean_negative``: synthetic people and companies, each paired with its nearest listed name
  by plain rapidfuzz (so the pair is not trivially different).

Run: ``python benchmarks/screening_quality/labelled_set.py`` writes ``pairs.csv`` beside it;
``--no-cross-script-test --output pairs_full.csv`` writes the set without the cross-script
respelling test (every original-script name kept), to compare the two.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import unicodedata
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, process, utils

from shadowtrade.screening.scripts import detect_script
from shadowtrade.sources.lists.canada import read_canada
from shadowtrade.sources.lists.entity import ListEntity
from shadowtrade.sources.lists.eu import read_eu_derived
from shadowtrade.sources.lists.ofac import read_ofac_csv
from shadowtrade.sources.lists.uk import read_uk_derived
from shadowtrade.sources.lists.un import read_un

HERE = Path(__file__).resolve().parent
SANCTIONS = HERE.parents[1].parent / "shared" / "data" / "sanctions"
SEED = 20261123
PER_SLICE = 300
FIELDS = ("pair_id", "kind", "label", "list", "schema", "script", "name1", "name2")

FIRST = ("John Maria Ahmed Olga Peter Anna Carlos Fatima Ivan Elena Michael Sofia Wei Li Hiroshi "
         "Yuki Omar Laura David Irina Pierre Chloe Hans Greta Raj Priya Sung Min").split()
LAST = ("Smith Garcia Muller Rossi Novak Petrova Johnson Tanaka Chen Wang Brown Lefebvre Silva "
        "Kowalski Jensen Andersen Costa Murphy Dubois Schneider Okafor Mensah Haddad Karim").split()
ORG_WORDS = ("Blue Harbor Northern Star Green Valley Summit Pioneer Atlas Horizon Coastal Delta "
             "Crescent Liberty Royal Golden Silver Eagle Maple Cedar Orion").split()
ORG_FORMS = ("Trading LLC", "Logistics Ltd", "Shipping Co.", "Holdings GmbH", "Industries SA",
             "Bank PLC", "OOO", "JSC", "Consulting Inc.")


def _plain(name: str) -> str:
    return utils.default_process(anyascii(name))


def _words(name: str) -> list[str]:
    return _plain(name.replace("-", " ")).split()


# First-letter sound classes: Soundex's consonant groups, with the vowels, the glides y, w, h
# and l, r, n in one class (Korean's initial-sound rule: Ri = Li = Yi = I, Ryong = Nyong =
# Yong; Rhee; initial vowels written with or without h).
_SOUND_CLASSES = {**dict.fromkeys("aeiouyhwlrn", "V"), **dict.fromkeys("bfpv", "P"),
                  **dict.fromkeys("cgjkqsxz", "K"), **dict.fromkeys("dt", "T"), "m": "M"}


def respells(a: str, b: str) -> bool:
    """True when ``b`` can be a respelling of ``a``: different once folded to plain ASCII, the
    same number of words (hyphens split words, two at least), and words that pair up one to
    one (in any order) on the sound class of their first letter. A deliberately coarse test
    that uses no matcher: it keeps romanisation variants (Cho Yon Chun / Jo Yon Jun, Lee / Ri)
    and leaves out second names (Kim Song Chol / Kim Hak Song). One-word names give it a
    single letter to judge by, too little (the UK file splits names into one-word aliases:
    ARIF / Abdallah), so they are left out."""
    words_a, words_b = _words(a), _words(b)
    if len(words_a) != len(words_b) or len(words_a) < 2 or _plain(a) == _plain(b):
        return False
    return sorted(_SOUND_CLASSES.get(w[0], w[0]) for w in words_a) == sorted(
        _SOUND_CLASSES.get(w[0], w[0]) for w in words_b)


# --- the cross-script respelling test (no matcher's score takes part) -------------------------
# The first letter of a word in the original script, as the sound classes above (several when
# the standard transliterations disagree: Persian و is v, Arabic w; ث is th or s; Ukrainian Г
# is h, Russian g; Х is kh or h; Ц is ts or c).
_SCRIPT_CLASSES = {
    **dict.fromkeys("اأإآٱعءئؤيىیوهحةۀہھلرن", "V"), **dict.fromkeys("بپف", "P"),
    **dict.fromkeys("تطد", "T"), **dict.fromkeys("جچژزسشصقكکگغ", "K"), "م": "M",
    **dict.fromkeys("ثذضظ", "TK"), "خ": "KV", "و": "VP",
    **dict.fromkeys("аеёэиіїйыюяуўоєлрн", "V"), **dict.fromkeys("бпф", "P"), "в": "PV",
    **dict.fromkeys("дт", "T"), **dict.fromkeys("жзкгґсшщ", "K"), "г": "KV", "х": "KV",
    "ц": "TK", "ч": "KT", "м": "M"}
# Latin letters that standard transliterations use for more than one class: j is y in the
# Czech, Polish and German systems (Jurij = Юрий) and ж in the French one; w is в (Wladimir)
_LATIN_CLASSES = {"j": "KV", "w": "VP"}
# The article, 'son of', 'father of', 'servant of', and the second halves of compounds that
# one side writes joined and the other apart (عبد الله = Abdullah, سيف الدين = Saifuddin)
_ARABIC_PARTICLES = frozenset("ال عبد بن ابن بنت ابو أبو ابي آل له دين".split())
_LATIN_PARTICLES = frozenset("al el ul ur ud ad as ash at ar an az ad din deen uddin bin ben ibn "
                             "bint abu abou abd abdul abdel abdol abdal allah ullah ollah".split())
_SLAVIC_PATRONYMIC = re.compile(r"(vich|vych|vitj|vitch|vitsch|vic|wicz|vna|una|ich|ichna|ych)$")
_ABDULLAH = re.compile(r"abd[aeiou]?ll?ah?")  # عبد الله, written as one word
_LANGUAGE_LABEL = re.compile(r"^\s*[A-Z][a-z]+:\s*")  # 'Russian: Андрей …' in the UK file
_APOSTROPHES = re.compile("['’‘ʼ`´]")
_CYRILLIC_PATRONYMIC = re.compile(r"(вич|віч|вна|ўна|ич|іч|ична|чна|ыч)$")
_ARTICLE = re.compile("(?<![^\\s\\-])\u0627\u0644(?=\\w\\w)")  # ال joined to a word
_VOWEL_GROUP = re.compile(r"[aeiou]+|[yw](?![aeiou])")


_LATIN_ONSET = re.compile(r"shch|tsch|sch|dzh|dj|tch|[cszkgtdp]h|ts|tz|.")
_LATIN_SKIP = frozenset("aeiouyw'`")
_SCRIPT_SKIP = frozenset("аеёэиіїйыюяуўоєьъ'ʼاأإآٱعءئؤويیىة")


def _latin_class(letters: str) -> str:
    if letters.startswith("dj"):  # French dj for ج (Djamel)
        letters = letters[1:]
    if letters in ("ts", "tz"):  # Ц: Ts, C or Z
        return "TK"
    return _LATIN_CLASSES.get(letters[0], _SOUND_CLASSES.get(letters[0], letters[0]))


def _latin_key(word: str, script: str = "") -> tuple[str, str]:
    """The classes of a Latin word's first letter and of the next consonant (a digraph such
    as kh, sh, ts counted as one; against Cyrillic a j inside a word is the й that Cyrillic
    words skip: Ejbatov = ЭЙБАТОВ)."""
    sounds = _LATIN_ONSET.findall(word)
    skip = _LATIN_SKIP | {"j"} if script == "cyrillic" else _LATIN_SKIP
    following = next((s for s in sounds[1:] if s[0] not in skip), "")
    return _latin_class(sounds[0]), _latin_class(following) if following else "-"


def _script_key(word: str) -> tuple[str, str]:
    """:func:`_latin_key` for a word in Cyrillic or Arabic script."""
    word = word.lower()
    following = next((c for c in word[1:] if c not in _SCRIPT_SKIP), "")
    return (_script_letter(word[0]), _script_letter(following) if following else "-")


def _script_letter(char: str) -> str:
    """A letter's class (a Latin letter inside a Cyrillic word, as in 'Mихаил', its own)."""
    return _SCRIPT_CLASSES.get(char) or _SOUND_CLASSES.get(char, "?")


def _pair_up(keys_a: list[tuple[str, str]], keys_b: list[tuple[str, str]]) -> bool:
    """True when the words pair up one to one, each pair sharing the sound class of its first
    letter and of its next consonant."""
    if len(keys_a) != len(keys_b):
        return False
    if not keys_a:
        return True
    (first, second), rest = keys_a[0], keys_a[1:]
    return any(set(first) & set(other[0]) and set(second) & set(other[1])
               and _pair_up(rest, keys_b[:i] + keys_b[i + 1:]) for i, other in enumerate(keys_b))


def _script_words(original: str) -> list[str]:
    plain = "".join(c for c in unicodedata.normalize("NFD", original)
                    if not unicodedata.combining(c))  # Мари́я: stress marks
    return [w for w in re.split(r"[^\w]+|_", _ARTICLE.sub("\u0627\u0644 ", plain)) if w]


def _syllables(latin: str) -> int:
    """Vowel groups of a Latin name (y and w count as vowels only before a consonant)."""
    return sum(len(_VOWEL_GROUP.findall(word)) for word in _words(latin))


def respells_across(original: str, latin: str, script: str) -> bool:
    """True when ``latin`` can be a transliteration of ``original`` (Cyrillic, Arabic, Hangul
    or Chinese characters), by the first-letter sound classes of :func:`respells`:

    - Cyrillic and Arabic script: the same number of words (two at least), pairing up one to
      one on their first letters' classes, with patronymics left out on both sides (one list
      writes them, another not: Янина Валерьевна КОЖЕМЯКО / Janina Kožemjaková) and, for
      Arabic, the article and the particles (ال, عبد, بن, ابو / al, abdul, bin, abu);
    - Hangul and Chinese characters, one syllable each: as many vowel groups in the Latin
      name as characters, and the first character's class on the first or last Latin word
      (the surname, written first or last).

    It keeps spellings (КОЖЕМЯКО / Kozhemyako, جمال مصطفى / DJAMEL MOUSTFA, 김정은 / Kim Jong
    Un) and leaves out translations and other names (Главное разведывательное управление / The
    Main Directorate …, 조선국제전람사 / Korea International Exhibition Corporation, Igor
    STRELKOV / Игорь ГИРКИН)."""
    latin_words = _words(_APOSTROPHES.sub("", latin))
    original = _LANGUAGE_LABEL.sub("", original)
    if not latin_words:
        return False
    if script in ("hangul", "han"):
        characters = [c for c in original if c.isalpha()]
        initial = _SOUND_CLASSES.get(_plain(anyascii(characters[0]))[:1], "?") if characters \
            else "?"
        return (len(latin_words) >= 2 and _syllables(latin) == len(characters)
                and any(initial in _latin_key(w)[0] for w in (latin_words[0], latin_words[-1])))
    if "/" in original or " and " in original:  # 'Мария ПИРОГОВА / Марiя ПIРОГОВА': either
        return any(respells_across(part, latin, script)
                   for part in re.split(r"/| and ", original))
    words = _script_words(original)
    if len(words) < 2 or len(latin_words) < 2:
        return False
    if script == "arabic":
        words = [w for w in words if w not in _ARABIC_PARTICLES]
        latin_words = [w for w in latin_words
                       if w not in _LATIN_PARTICLES and not _ABDULLAH.fullmatch(w)]
    else:
        # a patronymic is never first (Иванов Иван Иванович, Ivan Ivanovich IVANOV)
        words = [w for i, w in enumerate(words)
                 if not (i and len(words) > 2 and _CYRILLIC_PATRONYMIC.search(w.lower()))]
        latin_words = [w for i, w in enumerate(latin_words)
                       if not (i and len(latin_words) > 2 and _SLAVIC_PATRONYMIC.search(w))]
    return bool(words) and _pair_up([_script_key(w) for w in words],
                                    [_latin_key(w, script) for w in latin_words])


def load_lists() -> dict[str, list[ListEntity]]:
    """The real lists the scorecard samples from."""
    ofac = SANCTIONS / "ofac"
    return {
        "un_sc": read_un(SANCTIONS / "un/un_consolidated_2026-02-27.xml").entities,
        "us_ofac_sdn": read_ofac_csv(ofac / "sdn_2024-05-03.csv", ofac / "alt_2026-02.csv").entities,
        "eu_fsf": read_eu_derived(SANCTIONS / "eu/eu_fsf_parsed_2025_derived.csv").entities,
        "gb_hmt": read_uk_derived(SANCTIONS / "uk/uk_sanctions_parsed_2025_derived.csv").entities,
        "ca_sema": read_canada(SANCTIONS / "canada/canada_sema_2025.xml").entities,
    }


def _is_dprk(entity: ListEntity) -> bool:
    return "DPRK" in entity.properties.get("program", []) or "kp" in entity.properties.get(
        "nationality", [])


def positives(lists: dict[str, list[ListEntity]], rng: random.Random,
              cross_script_test: bool = True) -> list[dict]:
    """Alias, cross-script and DPRK-variant pairs (``cross_script_test``: cross-script pairs
    only when :func:`respells_across`; without it, every original-script name, as the set
    was built before 2026-11-23 evening)."""
    buckets: dict[tuple[str, str], list[dict]] = {}
    for list_name, entities in lists.items():
        for entity in entities:
            latin = [n for n in entity.all_names() if detect_script(n) == "latin"]
            if not latin:
                continue
            primary = latin[0]
            dprk = _is_dprk(entity) or any(detect_script(n) == "hangul"
                                           for n in entity.all_names())
            for alias in entity.names + entity.aliases:
                if alias == primary:
                    continue
                script = detect_script(alias)
                if script == "latin":
                    if not respells(primary, alias):
                        continue
                    kind = "dprk_variant" if dprk and entity.schema == "Person" else "alias"
                elif script in ("cyrillic", "hangul", "han", "arabic"):
                    if cross_script_test and not respells_across(alias, primary, script):
                        continue
                    kind = "cross_script"
                else:
                    continue
                buckets.setdefault((kind, f"{list_name}:{script}"), []).append(
                    {"kind": kind, "label": 1, "list": list_name, "schema": entity.schema,
                     "script": script, "name1": primary, "name2": alias})
    return _sample(buckets, rng)


def _sample(buckets: dict[tuple[str, str], list[dict]], rng: random.Random) -> list[dict]:
    chosen = []
    for key in sorted(buckets):
        rows = buckets[key]
        rng.shuffle(rows)
        chosen.extend(rows[:PER_SLICE])
    return chosen


def hard_negatives(lists: dict[str, list[ListEntity]], rng: random.Random) -> list[dict]:
    """Different entries of one list sharing a first or last word."""
    buckets: dict[tuple[str, str], list[dict]] = {}
    for list_name, entities in lists.items():
        by_word: dict[str, list[ListEntity]] = {}
        for entity in entities:
            words = _words(entity.caption)
            if len(words) >= 2 and detect_script(entity.caption) == "latin":
                for word in {words[0], words[-1]}:
                    if len(word) >= 3:
                        by_word.setdefault(word, []).append(entity)
        for word, group in sorted(by_word.items()):
            if len(group) < 2 or len(group) > 40:
                continue
            a, b = rng.sample(group, 2)
            if a.schema != b.schema or _names_overlap(a, b) or _likely_same(a.caption, b.caption):
                continue
            if list_name == "un_sc" and _is_dprk(a) and _is_dprk(b):
                continue  # all of these are in dprk_same_surname
            kind = "hard_negative"
            buckets.setdefault((kind, list_name), []).append(
                {"kind": kind, "label": 0, "list": list_name, "schema": a.schema,
                 "script": "latin", "name1": a.caption, "name2": b.caption})
    return _sample(buckets, rng)


def dprk_same_surname(lists: dict[str, list[ListEntity]]) -> list[dict]:
    """Every pair of UN DPRK people whose listed names start with the same surname."""
    people = [e for e in lists["un_sc"] if _is_dprk(e) and e.schema == "Person"]
    rows = []
    for i, a in enumerate(people):
        for b in people[i + 1:]:
            if _words(a.caption)[0] == _words(b.caption)[0] and not _names_overlap(a, b):
                rows.append({"kind": "dprk_same_surname", "label": 0, "list": "un_sc",
                             "schema": "Person", "script": "latin", "name1": a.caption,
                             "name2": b.caption})
    return rows


def _likely_same(a: str, b: str) -> bool:
    """Names so close (one's words inside the other's, or a plain ratio of 90+) that the two
    entries may be one party listed twice: not a clean negative either way, so left out."""
    words_a, words_b = set(_words(a)), set(_words(b))
    return words_a <= words_b or words_b <= words_a or fuzz.token_sort_ratio(
        _plain(a), _plain(b)) >= 90


def _names_overlap(a: ListEntity, b: ListEntity) -> bool:
    """True when the two entries share a name (likely the same party listed twice)."""
    return bool({_plain(n) for n in a.all_names()} & {_plain(n) for n in b.all_names()})


def clean_negatives(lists: dict[str, list[ListEntity]], rng: random.Random,
                    count: int = 400) -> list[dict]:
    """Synthetic people and companies against their nearest listed name."""
    listed = [e.caption for entities in lists.values() for e in entities]
    plain_listed = [_plain(n) for n in listed]
    known = set(plain_listed)
    rows = []
    while len(rows) < count:
        person = rng.random() < 0.6
        name = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" if person else
                f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {rng.choice(ORG_FORMS)}")
        if _plain(name) in known:
            continue
        nearest = process.extractOne(_plain(name), plain_listed, scorer=fuzz.token_sort_ratio)
        if nearest is None or nearest[1] >= 95:
            continue
        rows.append({"kind": "clean_negative", "label": 0, "list": "synthetic",
                     "schema": "Person" if person else "Company", "script": "latin",
                     "name1": name, "name2": listed[nearest[2]]})
    return rows


def build(cross_script_test: bool = True) -> list[dict]:
    """The whole labelled set, deterministic for a given seed and data."""
    lists = load_lists()
    # one random stream per part, so that a change to one part's rule resamples no other part
    rows = (positives(lists, random.Random(f"{SEED}-positives"), cross_script_test)
            + hard_negatives(lists, random.Random(f"{SEED}-hard"))
            + dprk_same_surname(lists)
            + clean_negatives(lists, random.Random(f"{SEED}-clean")))
    for number, row in enumerate(rows, start=1):
        row["pair_id"] = f"p{number:05d}"
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-cross-script-test", action="store_true",
                        help="keep every cross-script name (the set before the test)")
    parser.add_argument("--output", type=Path, default=HERE / "pairs.csv")
    args = parser.parse_args(argv)
    rows = build(cross_script_test=not args.no_cross_script_test)
    with open(args.output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} pairs to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
