"""Rules expanded to a code-level table, for joining against trade data without a loop per row.

For each HS6 code of a data revision, each year and each authority, the table says which share
of the code's trade falls under each status. Rules written in another revision reach the code
through the concordance weights; a code split between statuses is allocated strongest first, so
the shares of one code, year and authority never add up to more than 1.

>>> table = coverage_table(["HS17"], (2023, 2023), [("RU", "to_target")])
>>> row = table.filter(pc.equal(table["hs_code"], "854231")).to_pylist()
>>> sorted((r["authority"], r["status"]) for r in row if r["share"] > 0.99)
[('EU', 'prohibited'), ('JP', 'prohibited'), ('UK', 'prohibited'), ('US', 'licence_required')]
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.reference.countries import iso3_from_iso2
from shadowtrade.reference.hs import concordance, known_codes
from shadowtrade.rules.loader import RuleBook, load_rulebook
from shadowtrade.rules.model import Rule, Status

COVERAGE_SCHEMA = pa.schema(
    [
        ("hs_revision", pa.string()),
        ("hs_code", pa.string()),
        ("year", pa.int16()),
        ("target", pa.string()),
        ("direction", pa.string()),
        ("authority", pa.string()),
        ("status", pa.string()),
        ("status_rank", pa.int8()),
        ("share", pa.float64()),
        ("rule_ids", pa.string()),
        ("days_in_force", pa.int16()),
    ]
)
_RANK = {s.value: s.rank for s in Status}


def coverage_table(
    revisions: Iterable[str],
    years: tuple[int, int],
    scopes: Iterable[tuple[str, str]],
    book: RuleBook | None = None,
    rule_filter: object = None,
) -> pa.Table:
    """Code-level coverage for data ``revisions``, inclusive ``years`` and (target, direction) scopes.

    ``rule_filter`` is an optional callable ``Rule -> bool`` (for example: only rules that bind
    the exporter, for re-export clauses).
    """
    book = book or load_rulebook()
    frames = []
    for target, direction in scopes:
        rules = [
            r for r in book.for_target(target)
            if r.evaluates_flows and r.applies_in(direction)
            and (rule_filter is None or rule_filter(r))  # type: ignore[operator]
        ]
        for revision in revisions:
            codes = rule_code_shares(rules, revision)
            if codes.empty:
                continue
            frames.append(_by_year(codes, rules, years, iso3_from_iso2(target) or target, direction, revision))
    if not frames:
        return COVERAGE_SCHEMA.empty_table()
    table = _allocate(pd.concat(frames, ignore_index=True))
    return pa.Table.from_pandas(table, schema=COVERAGE_SCHEMA, preserve_index=False)


def rule_code_shares(rules: list[Rule], revision: str) -> pd.DataFrame:
    """Columns ``rule_id, hs_code, status, share``: how each rule reaches each code of ``revision``."""
    parts = [_one_rule_codes(rule, revision) for rule in rules]
    if not parts:
        return pd.DataFrame(columns=["rule_id", "hs_code", "status", "share"])
    return pd.concat(parts, ignore_index=True)


# Rules are immutable once loaded: their code table is kept per rule object and revision (the
# rule is stored beside it so its id() cannot be reused while the entry lives).
_RULE_CODES: dict[tuple[int, str], tuple[Rule, pd.DataFrame]] = {}


def _one_rule_codes(rule: Rule, revision: str) -> pd.DataFrame:
    key = (id(rule), revision)
    if key in _RULE_CODES and _RULE_CODES[key][0] is rule:
        return _RULE_CODES[key][1]
    own = rule.hs.revision in ("any", revision) or rule.hs.all
    space = _codes(revision if own else rule.hs.revision)
    frame = pd.DataFrame({"hs_code": space, "status": code_statuses(rule, space)})
    frame = frame[frame["status"] != ""]
    if own:
        frame = frame.assign(share=1.0)
    else:
        frame = _map_back(frame, revision, rule.hs.revision)
    frame = frame.assign(rule_id=rule.id)
    _RULE_CODES[key] = (rule, frame)
    return frame


@lru_cache(maxsize=8)
def _codes(revision: str) -> np.ndarray:
    return np.array(sorted(known_codes(revision)))


def code_statuses(rule: Rule, codes: np.ndarray) -> np.ndarray:
    """The status (or ``""``) a rule gives each six-digit code written in its own revision.

    Vectorised form of :func:`shadowtrade.rules.matching.match_code` plus ``status_of``.
    """
    out = np.full(len(codes), "", dtype=object)
    if rule.hs.all:
        out[:] = (Status.POSSIBLE if rule.scope_kind == "context" else rule.status).value
        return out
    inc = _longest_len(codes, [p for p in rule.hs.include if len(p) <= 6])
    exc = _longest_len(codes, list(rule.hs.exclude))
    covered = (inc > 0) & (inc > exc)
    narrower = np.isin(codes, [p[:6] for p in rule.hs.include if len(p) > 6]) & (exc == 0)
    possible = (_longest_len(codes, [p[:6] for p in rule.hs.possible]) > 0) & (exc == 0)
    debated = _longest_len(
        codes, [p for i in rule.interpretations if i.status == "debated" for p in i.hs]
    ) > 0
    full = Status.POSSIBLE if rule.scope_kind == "context" else rule.status
    out[possible | narrower] = Status.POSSIBLE.value
    out[debated & (covered | possible | narrower | (inc == 0))] = Status.DEBATED.value
    out[covered & ~debated] = full.value
    return out


def _longest_len(codes: np.ndarray, prefixes: list[str]) -> np.ndarray:
    best = np.zeros(len(codes), dtype=np.int8)
    as_str = codes.astype(str)
    for prefix in prefixes:
        hit = np.char.startswith(as_str, prefix)
        best = np.where(hit & (len(prefix) > best), len(prefix), best)
    return best


@lru_cache(maxsize=8)
def _weights(data_revision: str, rule_revision: str) -> pd.DataFrame:
    # Chained concordances can lose weight where an intermediate revision lacks a code (HS92
    # 271000 keeps 24 % on its way to HS22); renormalise so each source code sums to 1.
    frame = concordance(data_revision, rule_revision).to_pandas()
    frame["weight"] = frame["weight"] / frame.groupby("source")["weight"].transform("sum")
    return frame


def _map_back(frame: pd.DataFrame, data_revision: str, rule_revision: str) -> pd.DataFrame:
    weights = _weights(data_revision, rule_revision)
    merged = weights.merge(frame, left_on="target", right_on="hs_code")
    summed = merged.groupby(["source", "status"], as_index=False)["weight"].sum()
    return summed.rename(columns={"source": "hs_code", "weight": "share"})


def _by_year(
    codes: pd.DataFrame, rules: list[Rule], years: tuple[int, int], target: str, direction: str, revision: str
) -> pd.DataFrame:
    by_id = {r.id: r for r in rules}
    rows = []
    for year in range(years[0], years[1] + 1):
        days = {rid: by_id[rid].effective.days_in_year(year) for rid in codes["rule_id"].unique()}
        live = [rid for rid, d in days.items() if d > 0]
        part = codes[codes["rule_id"].isin(live)]
        rows.append(part.assign(year=year, days_in_force=part["rule_id"].map(days)))
    frame = pd.concat(rows, ignore_index=True)
    frame["authority"] = frame["rule_id"].map(lambda rid: by_id[rid].authority)
    return frame.assign(hs_revision=revision, target=target, direction=direction)


def _joined_ids(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Comma-joined rule ids per group of a frame sorted by ``keys`` (in group order, no Python
    call per group)."""
    starts = np.flatnonzero(frame.groupby(keys, sort=False).cumcount().to_numpy() == 0)
    joined = np.add.reduceat((frame["rule_id"] + ",").to_numpy(dtype=object), starts)
    return np.array([s[:-1] for s in joined], dtype=object)


def _allocate(frame: pd.DataFrame) -> pd.DataFrame:
    """Collapse rules to statuses per code, year and authority; allocate shares strongest first."""
    keys = ["hs_revision", "hs_code", "year", "target", "direction", "authority"]
    frame = frame.sort_values([*keys, "status", "rule_id"], ignore_index=True)
    grouped = frame.groupby([*keys, "status"], as_index=False, sort=False).agg(
        share=("share", "max"), days_in_force=("days_in_force", "max")
    )
    grouped["rule_ids"] = _joined_ids(frame, [*keys, "status"])
    grouped["status_rank"] = grouped["status"].map(_RANK).astype("int8")
    grouped = grouped.sort_values([*keys, "status_rank"], ascending=[True] * len(keys) + [False])
    reached = grouped.groupby(keys)["share"].cummax().clip(upper=1.0)
    grouped["share"] = reached - reached.groupby([grouped[k] for k in keys]).shift(fill_value=0.0)
    grouped = grouped[grouped["share"] > 1e-12]
    grouped["year"] = grouped["year"].astype("int16")
    grouped["days_in_force"] = grouped["days_in_force"].astype("int16")
    return grouped[COVERAGE_SCHEMA.names]
