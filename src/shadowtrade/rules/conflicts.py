"""Contradictory overlapping rules: the same authority, target, codes, direction and days, but
different statuses, with nothing in the files saying which one wins.

>>> find_contradictions([])
[]
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations

from shadowtrade.rules.model import Rule
from shadowtrade.rules.validation import Problem


def find_contradictions(rules: list[Rule]) -> list[Problem]:
    """One problem per pair of commodity rules of one regime that contradict each other.

    Pairs are exempt when one supersedes or overrides the other, or their dates do not overlap.
    """
    problems = []
    commodity = [r for r in rules if r.scope_kind == "commodity" and r.hs.include]
    for first, second in combinations(commodity, 2):
        if _contradict(first, second):
            problems.append(_problem(first, second))
    return problems


def _contradict(a: Rule, b: Rule) -> bool:
    if a.regime.id != b.regime.id or a.status == b.status:
        return False
    if _settled(a, b) or not _same_direction(a, b) or not _dates_overlap(a, b):
        return False
    return shared_prefix(a, b) is not None


def _settled(a: Rule, b: Rule) -> bool:
    return (
        a.effective.superseded_by == b.id
        or b.effective.superseded_by == a.id
        or b.id in a.overrides
        or a.id in b.overrides
    )


def _same_direction(a: Rule, b: Rule) -> bool:
    # A services measure (the oil price cap) governs other conduct than a goods ban on the same
    # codes, so the two do not contradict.
    if "services_for_third_country_trade" in (a.direction, b.direction):
        return a.direction == b.direction
    return any(a.applies_in(d) and b.applies_in(d) for d in ("to_target", "from_target")) or (
        a.direction == b.direction
    )


def _dates_overlap(a: Rule, b: Rule) -> bool:
    a_start, b_start = a.effective.start or dt.date.min, b.effective.start or dt.date.min
    a_end, b_end = a.effective.end or dt.date.max, b.effective.end or dt.date.max
    return a_start < b_end and b_start < a_end


def shared_prefix(a: Rule, b: Rule) -> str | None:
    """The longer of two included prefixes that overlap, unless one rule excludes it."""
    for p in a.hs.include:
        for q in b.hs.include:
            longer = p if len(p) >= len(q) else q
            if (p.startswith(q) or q.startswith(p)) and not _excluded(longer, a, b):
                return longer
    return None


def _excluded(code: str, *rules: Rule) -> bool:
    return any(code.startswith(e) for r in rules for e in r.hs.exclude)


def _problem(a: Rule, b: Rule) -> Problem:
    code = shared_prefix(a, b)
    message = (
        f"contradicts rule {b.id} ({b.regime.file}): both include HS {code} for "
        f"{a.direction}/{b.direction} on overlapping dates with different statuses "
        f"({a.status.value} vs {b.status.value}); end one rule where the other starts "
        f"(effective.to, superseded_by), exclude the code, or add 'overrides: [{b.id}]'"
    )
    return Problem(a.regime.file, a.id, "hs.include", message)
