"""What an assessment is made of: findings with a level, text, evidence and sources.

>>> risk = Risk("legal", [RiskFinding("regime", "high", "t", {}, [])])
>>> risk.level
'high'
>>> strongest(["low", "prohibited", "medium"])
'prohibited'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

LEVELS = ("low", "medium", "high", "prohibited")


def strongest(levels: list[str]) -> str:
    """The strongest of several levels (``low`` when there are none)."""
    return max(levels, key=LEVELS.index, default="low")


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: a legal instrument, a list or a dataset, with its date."""

    name: str
    reference: str | None = None
    url: str | None = None
    date: str | None = None


@dataclass
class RiskFinding:
    """One claim: its kind, how much it weighs, plain-language text, evidence and sources."""

    kind: str  # regime | screening | detector | route | payment | trade
    level: str
    text: str
    evidence: dict[str, Any]
    sources: list[Source]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind, "level": self.level, "text": self.text,
                "evidence": self.evidence, "sources": [asdict(s) for s in self.sources]}


@dataclass
class Risk:
    """One of the three risks and the findings behind it."""

    name: str
    findings: list[RiskFinding] = field(default_factory=list)

    @property
    def level(self) -> str:
        """The strongest level among the findings (low when none)."""
        return strongest([f.level for f in self.findings])

    def sorted(self) -> list[RiskFinding]:
        """Findings strongest first."""
        return sorted(self.findings, key=lambda f: -LEVELS.index(f.level))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"level": self.level, "findings": [f.as_dict() for f in self.sorted()]}


@dataclass
class Assessment:
    """A brief: the verdict, the three risks and the material a reader needs to check them."""

    subject: str  # deal | country | corridor
    title: str
    verdict: str
    headline: str
    legal: Risk
    financial: Risk
    reputational: Risk
    facts: dict[str, Any] = field(default_factory=dict)
    trade: list[dict[str, Any]] = field(default_factory=list)
    overlap: dict[str, Any] | None = None
    screening: list[dict[str, Any]] = field(default_factory=list)
    detectors: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[Source] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    generated: str = field(default_factory=lambda: dt.datetime.now().strftime("%Y-%m-%d %H:%M"))

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` document."""
        return {
            "subject": self.subject, "title": self.title, "verdict": self.verdict,
            "headline": self.headline, "legal": self.legal.as_dict(),
            "financial": self.financial.as_dict(), "reputational": self.reputational.as_dict(),
            "facts": self.facts, "trade": self.trade, "overlap": self.overlap,
            "screening": self.screening, "detectors": self.detectors,
            "datasets": [asdict(s) for s in self.datasets], "caveats": self.caveats,
            "generated": self.generated,
        }


def verdict_of(legal: Risk, financial: Risk, reputational: Risk) -> str:
    """``prohibited`` when a legal finding prohibits; else the strongest of the three levels."""
    if legal.level == "prohibited":
        return "prohibited"
    levels = [legal.level, financial.level, reputational.level]
    return strongest([level if level != "prohibited" else "high" for level in levels])
