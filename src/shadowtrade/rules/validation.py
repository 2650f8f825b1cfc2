"""Checks on raw rule files: every problem is collected, none stops the others being found.

A problem names the file, the rule id and the key, says what is wrong and how to fix it:

>>> problems = check_keys({"efective": {}}, {"effective"}, set(), "un_kp.yaml", "UN-KP-X", "")
>>> print(problems[0])
un_kp.yaml: rule UN-KP-X: key 'efective' is not a known key; did you mean 'effective'?
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

from shadowtrade.errors import DataFileError

KeySpec = tuple[set[str], set[str]]

FILE_KEYS: KeySpec = ({"regime", "rules"}, set())
REGIME_KEYS: KeySpec = ({"id", "authority", "target", "title", "binds", "instruments"}, {"notes"})
RULE_KEYS: KeySpec = (
    {"id", "legal_ref", "measure_type", "direction", "hs", "effective", "confidence"},
    {
        "scope_kind", "origin", "description", "implements", "overrides", "caps",
        "value_threshold", "exceptions", "interpretations", "notes",
    },
)
LEGAL_REF_KEYS: KeySpec = ({"instrument", "provision", "url"}, {"amended_by"})
HS_KEYS: KeySpec = (
    {"revision"},
    {"include", "exclude", "possible", "all", "inherit", "nomenclature", "in_text"},
)
EFFECTIVE_KEYS: KeySpec = (set(), {"from", "to", "wind_down_until", "superseded_by", "date_precision", "note"})
CAP_KEYS: KeySpec = (
    set(),
    {
        "quantity", "unit", "value_usd", "alt_quantity", "alt_unit", "rule", "period", "start",
        "aggregate", "note", "price_usd_per_bbl", "applies_to",
    },
)
THRESHOLD_KEYS: KeySpec = ({"currency", "amount", "basis"}, {"applies_to", "note"})
EXCEPTION_KEYS: KeySpec = ({"code", "text"}, set())
INTERPRETATION_KEYS: KeySpec = ({"hs", "reading", "status"}, {"note"})
INTERPRETATION_STATUSES = ("covered", "not_covered", "debated")

_PREFIX = re.compile(r"^\d{2}(\d{2}){0,3}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a rule file."""

    file: str
    rule_id: str | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: " + (f"rule {self.rule_id}: " if self.rule_id else "")
        return f"{where}key '{self.key}' {self.message}"


class RuleFileError(DataFileError):
    """Rule files that failed validation; the message lists every problem found.

    >>> print(RuleFileError([Problem("eu_ru.yaml", "EU-RU-X", "hs.include", "has 'A1'")]))
    1 problem in the rule files:
      eu_ru.yaml: rule EU-RU-X: key 'hs.include' has 'A1'
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} {noun} in the rule files:\n{lines}")


def check_keys(
    data: Any,
    required: set[str],
    optional: set[str],
    file: str,
    rule_id: str | None,
    path: str,
) -> list[Problem]:
    """Unknown keys (with the nearest known one) and missing required keys of a mapping.

    ``None`` (a missing section) gives no problem here: its parent reports it as missing.
    """
    if data is None and path:
        return []
    if not isinstance(data, dict):
        return [Problem(file, rule_id, path or "(top)", "must be a mapping of keys to values")]
    known = required | optional
    problems = []
    for key in data:
        if key not in known:
            near = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; known keys: {', '.join(sorted(known))}"
            problems.append(Problem(file, rule_id, _join(path, key), f"is not a known key{hint}"))
    for key in sorted(required - set(data)):
        problems.append(Problem(file, rule_id, _join(path, key), "is missing (required)"))
    return problems


def check_choice(
    value: Any, choices: tuple[str, ...] | list[str], file: str, rule_id: str | None, key: str
) -> list[Problem]:
    """A value that must be one of a few words."""
    if value in choices:
        return []
    return [Problem(file, rule_id, key, f"has '{value}': use one of {', '.join(choices)}")]


def check_prefixes(
    values: Any, file: str, rule_id: str | None, key: str, known: frozenset[str] | None
) -> list[Problem]:
    """HS prefixes: quoted digit strings of 2, 4, 6 or 8 digits that exist in the nomenclature."""
    if not isinstance(values, list):
        return [Problem(file, rule_id, key, "must be a list of quoted HS prefixes, e.g. ['8701']")]
    problems = []
    for value in values:
        if not isinstance(value, str):
            problems.append(
                Problem(file, rule_id, key, f"has {value!r}, a number: quote HS prefixes ('0{value}' or '{value}')")
            )
        elif not _PREFIX.match(value):
            problems.append(
                Problem(file, rule_id, key, f"has '{value}', not an HS prefix: use 2, 4, 6 or 8 digits, e.g. '8701'")
            )
        elif value[:2] == "77" or not 1 <= int(value[:2]) <= 97:
            problems.append(Problem(file, rule_id, key, f"has '{value}': HS chapter {value[:2]} does not exist"))
        elif known is not None and len(value) <= 6 and not any(c.startswith(value) for c in known):
            problems.append(
                Problem(file, rule_id, key, f"has '{value}', which is no code of the rule's HS revision")
            )
    return problems


def check_date(value: Any, file: str, rule_id: str | None, key: str) -> list[Problem]:
    """A YAML date (``2017-12-22``), or nothing."""
    if value is None or isinstance(value, dt.date):
        return []
    return [Problem(file, rule_id, key, f"has '{value}', not a date: write YYYY-MM-DD, e.g. 2017-12-22")]


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)
