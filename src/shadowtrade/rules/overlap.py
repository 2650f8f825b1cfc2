"""The table of overlapping restrictions: HS chapters (or sector groups) down, authorities across.

Each cell holds the strongest status any in-force rule of that authority gives to some code of
the row, the rules behind it, and whether it reaches the whole row or only part of it.

>>> import datetime as dt
>>> table = overlap_table("KP", on=dt.date(2024, 6, 1))
>>> row = table.row("87", "to_target")
>>> sorted(a for a, cell in row.cells.items() if cell.status.value == "prohibited")
['EU', 'JP', 'UK', 'UN', 'US']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from shadowtrade.errors import NotFoundError, UsageError
from shadowtrade.reference.groups import sector_groups
from shadowtrade.reference.hs import describe, section_table
from shadowtrade.rules.loader import RuleBook, load_rulebook
from shadowtrade.rules.model import AUTHORITIES, BINDS, FLOW_DIRECTIONS, Rule, Status

BY_CHOICES = ("chapter", "group")


@dataclass(frozen=True)
class Reach:
    """How one rule reaches one row: its status there, and whether the whole row."""

    rule: Rule
    status: Status
    whole: bool


@dataclass
class Cell:
    """The strongest status of one authority on one row, and the rules behind it.

    ``rule_ids`` lists rules reaching the whole row first.
    """

    status: Status
    rule_ids: list[str]
    partial: bool
    other_rule_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON form of the cell."""
        return {
            "status": self.status.value,
            "rule_ids": self.rule_ids,
            "partial": self.partial,
            "other_rule_ids": self.other_rule_ids,
        }


@dataclass
class OverlapRow:
    """One HS chapter or sector group in one direction."""

    key: str
    label: str
    direction: str
    cells: dict[str, Cell]

    def as_dict(self) -> dict[str, Any]:
        """JSON form: key, label, direction and one entry per authority (null when none)."""
        return {
            "key": self.key,
            "label": self.label,
            "direction": self.direction,
            "cells": {a: (self.cells[a].as_dict() if a in self.cells else None) for a in AUTHORITIES},
        }


@dataclass
class OverlapTable:
    """Rows for one target on one date."""

    target: str
    by: str
    on: dt.date
    rows: list[OverlapRow]
    rules: dict[str, Rule]
    binds: dict[str, str] = field(default_factory=dict)

    def row(self, key: str, direction: str) -> OverlapRow:
        """One row by key and direction."""
        for row in self.rows:
            if row.key == key and row.direction == direction:
                return row
        raise NotFoundError(f"no overlap row '{key}' {direction} for {self.target}")

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of ``regimes overlap --json``."""
        return {
            "target": self.target,
            "by": self.by,
            "date": self.on.isoformat(),
            "authorities": list(AUTHORITIES),
            "binds": self.binds,
            "statuses": [s.value for s in Status],
            "rows": [r.as_dict() for r in self.rows],
            "rules": {rid: _rule_summary(rule) for rid, rule in self.rules.items()},
            "notes": [
                "Rows are HS chapters (HS2022 headings for labels) or sector groups; a cell is the "
                "strongest status any in-force rule of the authority gives to some code of the row.",
                "'partial' means the rule reaches only part of the row; HS prefixes are screening "
                "proxies unless the rule says the instrument names them (hs_proxy false).",
            ],
        }


def _rule_summary(rule: Rule) -> dict[str, Any]:
    return {
        "authority": rule.authority,
        "legal_ref": rule.legal_ref.text,
        "url": rule.legal_ref.url,
        "measure_type": rule.measure_type,
        "direction": rule.direction,
        "confidence": rule.confidence,
        "hs_proxy": not (rule.hs.in_text or rule.hs.all),
        "effective_from": rule.effective.start.isoformat() if rule.effective.start else None,
        "description": rule.description,
    }


def overlap_table(
    target: str, by: str = "chapter", on: dt.date | None = None, book: RuleBook | None = None
) -> OverlapTable:
    """The overlap table of one target (ISO2) on a date (today by default)."""
    if by not in BY_CHOICES:
        raise UsageError(f"invalid --by '{by}': use chapter or group")
    book = book or load_rulebook()
    if target not in book.targets():
        raise UsageError(
            f"no encoded regime targets '{target}': targets are {', '.join(book.targets())}"
        )
    on = on or dt.date.today()
    rules = [r for r in book.for_target(target) if r.evaluates_flows and r.effective.in_force(on)]
    rows_spec = _chapters() if by == "chapter" else _groups()
    rows: list[OverlapRow] = []
    used: dict[str, Rule] = {}
    for direction in _directions(rules):
        for key, label, prefixes in rows_spec:
            reaches = [x for r in rules if r.applies_in(direction) for x in _reach(r, prefixes)]
            if reaches:
                rows.append(OverlapRow(key, label, direction, _cells(reaches)))
                used.update({x.rule.id: x.rule for x in reaches})
    binds = {r.authority: BINDS[r.binds] for r in book.regimes if r.target == target}
    return OverlapTable(target, by, on, rows, used, binds)


def _directions(rules: list[Rule]) -> list[str]:
    present = [d for d in FLOW_DIRECTIONS if any(r.applies_in(d) for r in rules)]
    return present


def _chapters() -> list[tuple[str, str, tuple[str, ...]]]:
    chapters = section_table()["chapter"].to_pylist()
    return [(c, describe(c), (c,)) for c in chapters if c != "77"]


def _groups() -> list[tuple[str, str, tuple[str, ...]]]:
    return [(g.name, g.label, g.prefixes) for g in sector_groups().values()]


def _reach(rule: Rule, prefixes: tuple[str, ...]) -> list[Reach]:
    """How a rule reaches a row given by HS prefixes (a chapter, or a group's prefixes)."""
    if rule.hs.all:
        status = Status.POSSIBLE if rule.scope_kind == "context" else rule.status
        return [Reach(rule, status, True)]
    status = Status.POSSIBLE if rule.scope_kind == "context" else rule.status
    whole = all(any(g.startswith(p) for p in rule.hs.include) for g in prefixes)
    some = any(_related(p, g) for p in rule.hs.include for g in prefixes)
    if whole or some:
        return [Reach(rule, status, whole)]
    for item in rule.interpretations:
        if item.status == "debated" and any(_related(p, g) for p in item.hs for g in prefixes):
            return [Reach(rule, Status.DEBATED, False)]
    if any(_related(p, g) for p in rule.hs.possible for g in prefixes):
        return [Reach(rule, Status.POSSIBLE, False)]
    return []


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _cells(reaches: list[Reach]) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for authority in AUTHORITIES:
        mine = [x for x in reaches if x.rule.authority == authority]
        if not mine:
            continue
        top = max(x.status.rank for x in mine)
        strongest = sorted(
            (x for x in mine if x.status.rank == top), key=lambda x: (not x.whole, x.rule.id)
        )
        cells[authority] = Cell(
            strongest[0].status,
            list(dict.fromkeys(x.rule.id for x in strongest)),
            partial=not any(x.whole for x in strongest),
            other_rule_ids=sorted({x.rule.id for x in mine} - {x.rule.id for x in strongest}),
        )
    return cells
