"""Build the labelled name pairs of the screening scorecard from the real lists.

Positives (the same entity's names):
- ``alias``: a listed name and a Latin alias of the same entry that is a respelling of it (see
  :func:`respells`: the same number of words, whose first letters fall in the same sound
  classes; no matcher's score takes part);
- ``cross_script``: a Latin name and the same entry's Cyrillic, Hangul, Chinese or Arabic
  original;
- ``dprk_variant``: a DPRK person's own Latin spelling variants (UN, EU, OFAC; the same
  respelling test). DPRK organisations, vessels and the UK entries (whose derived file does not
  say reliably which entries are people) are ``alias`` pairs.
Negatives:
- ``hard_negative``: two different entries of the same list sharing their first or last word
  (and not sharing their full name);
- ``dprk_same_surname``: UN DPRK people sharing a surname;
- ``clean_negative``: synthetic people and companies, each paired with its nearest listed name
  by plain rapidfuzz (so the pair is not trivially different).

Run: ``python benchmarks/screening_quality/labelled_set.py`` writes ``pairs.csv`` beside it.
"""

from __future__ import annotations

import csv
import random
import re
import sys
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


def positives(lists: dict[str, list[ListEntity]], rng: random.Random) -> list[dict]:
    """Alias, cross-script and DPRK-variant pairs."""
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


def build() -> list[dict]:
    """The whole labelled set, deterministic for a given seed and data."""
    lists = load_lists()
    # one random stream per part, so that a change to one part's rule resamples no other part
    rows = (positives(lists, random.Random(f"{SEED}-positives"))
            + hard_negatives(lists, random.Random(f"{SEED}-hard"))
            + dprk_same_surname(lists)
            + clean_negatives(lists, random.Random(f"{SEED}-clean")))
    for number, row in enumerate(rows, start=1):
        row["pair_id"] = f"p{number:05d}"
    return rows


def main() -> None:
    rows = build()
    with open(HERE / "pairs.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} pairs to {HERE / 'pairs.csv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
