"""Does a rule reach an HS code? Prefix matching, interpretations, and HS-revision mapping.

A code is *covered* when it starts with an included prefix and no longer excluded prefix; a code
broader than an included prefix (``2710`` against CN8 ``27101231``) is covered only in part; a
code under a ``possible`` prefix or a debated interpretation is never covered.

>>> from shadowtrade.rules.loader import load_rulebook
>>> rule = load_rulebook().get("UN-KP-2375-16-TEXTILES")
>>> match_code(rule, "611020").kind, match_code(rule, "670490").kind
('covered', 'debated')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from shadowtrade.reference.hs import concordance
from shadowtrade.rules.model import Interpretation, Rule, Status


@dataclass(frozen=True)
class HsMatch:
    """How a rule reaches one code: ``covered``, ``possible`` or ``debated``.

    ``share`` is the part of the code's trade that maps into the rule's scope (below 1 when the
    code is broader than the rule, or when an HS-revision mapping splits it).
    """

    kind: str
    prefix: str
    share: float = 1.0
    interpretation: Interpretation | None = None
    mapping: str | None = None

    @property
    def partial(self) -> bool:
        """True when only part of the code's trade falls in scope."""
        return self.share < 1.0 - 1e-9


def match_code(rule: Rule, code: str) -> HsMatch | None:
    """Match a code written in the rule's own revision (no mapping)."""
    if rule.hs.all:
        return HsMatch("covered", "all")
    debated = _debated(rule, code)
    include = _longest(code, rule.hs.include)
    exclude = _longest(code, rule.hs.exclude)
    if include and (not exclude or len(include) > len(exclude)):
        return HsMatch("debated", include, interpretation=debated) if debated else HsMatch("covered", include)
    narrower = [p for p in rule.hs.include if p.startswith(code) and p != code]
    if narrower and not exclude:
        return HsMatch("covered", narrower[0], share=0.0)
    if debated:
        return HsMatch("debated", debated.hs[0], interpretation=debated)
    possible = _longest(code, rule.hs.possible) or next(
        (p for p in rule.hs.possible if p.startswith(code)), None
    )
    return HsMatch("possible", possible) if possible and not exclude else None


def _longest(code: str, prefixes: tuple[str, ...]) -> str | None:
    hits = [p for p in prefixes if code.startswith(p)]
    return max(hits, key=len) if hits else None


def _debated(rule: Rule, code: str) -> Interpretation | None:
    for item in rule.interpretations:
        if item.status == "debated" and any(code.startswith(p) for p in item.hs):
            return item
    return None


def match_in_revision(rule: Rule, code: str, revision: str) -> HsMatch | None:
    """Match a code of ``revision`` (HS17, HS92 …) against a rule written in another revision.

    Six-digit codes are mapped with the concordance: the share of the code's trade whose mapped
    codes the rule covers decides (all of it: covered; part: covered in part, reported as
    possible). Shorter codes and ``any``-revision rules are matched as written.
    """
    target_rev = rule.hs.revision
    if target_rev in ("any", revision) or len(code) != 6 or rule.hs.all:
        return match_code(rule, code)
    weights = concordance_of(revision, target_rev).get(code)
    if not weights:
        return match_code(rule, code)
    return _combine(rule, weights, f"{revision}->{target_rev}")


def _combine(rule: Rule, weights: tuple[tuple[str, float], ...], mapping: str) -> HsMatch | None:
    covered = 0.0
    best: HsMatch | None = None
    for target, weight in weights:
        found = match_code(rule, target)
        if found is None:
            continue
        if found.kind == "covered":
            covered += weight * found.share
        if best is None or _kind_rank(found) > _kind_rank(best):
            best = found
    if best is None:
        return None
    if best.kind == "covered":
        return HsMatch("covered", best.prefix, share=min(1.0, covered), mapping=mapping)
    return HsMatch(best.kind, best.prefix, share=1.0, interpretation=best.interpretation, mapping=mapping)


def _kind_rank(found: HsMatch) -> int:
    return {"covered": 3, "debated": 2, "possible": 1}[found.kind]


@lru_cache(maxsize=16)
def concordance_of(source: str, target: str) -> dict[str, tuple[tuple[str, float], ...]]:
    """``{source code: ((target code, weight), ...)}`` between two revisions.

    Weights are renormalised to sum to 1 per source code: chained concordances can lose weight
    where an intermediate revision lacks a code.

    >>> round(sum(w for _, w in concordance_of("HS92", "HS22")["271000"]), 6)
    1.0
    """
    table = concordance(source, target)
    result: dict[str, list[tuple[str, float]]] = {}
    for src, dst, weight in zip(
        table["source"].to_pylist(), table["target"].to_pylist(), table["weight"].to_pylist(), strict=True
    ):
        result.setdefault(src, []).append((dst, weight))
    return {k: tuple((d, w / sum(x for _, x in v)) for d, w in v) for k, v in result.items()}


def status_of(rule: Rule, found: HsMatch) -> Status:
    """The status a match gives: the rule's own when covered, ``possible`` or ``debated`` otherwise.

    A code broader than every included prefix (HS6 data against a CN8 list) and end-use
    catch-alls (``scope_kind: context``) never say more than ``possible``. A partial revision
    mapping keeps the rule's status; its ``share`` says how much of the code is in scope.
    """
    if found.kind == "debated":
        return Status.DEBATED
    if found.kind == "possible" or found.share == 0.0 or rule.scope_kind == "context":
        return Status.POSSIBLE
    return rule.status
