"""Load rule files into a :class:`RuleBook`, validating every file first and reporting all problems.

>>> book = load_rulebook()
>>> book.get("UN-KP-2397-7-IMPORT-BAN").legal_ref.text
'S/RES/2397 (2017) OP7'
>>> sorted({r.target for r in book.rules})
['BY', 'KP', 'RU']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from shadowtrade.errors import NotFoundError, UsageError
from shadowtrade.reference.hs import known_codes
from shadowtrade.rules import validation as v
from shadowtrade.rules.conflicts import find_contradictions
from shadowtrade.rules.model import (
    AUTHORITIES,
    BINDS,
    CONFIDENCE,
    DATE_PRECISION,
    DIRECTIONS,
    HS_REVISIONS,
    MEASURE_TYPES,
    ORIGINS,
    SCOPE_KINDS,
    Effective,
    HsScope,
    Interpretation,
    LegalRef,
    Regime,
    Rule,
)

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class RuleBook:
    """Every loaded rule, in file order, with lookups by id and target."""

    rules: tuple[Rule, ...]
    regimes: tuple[Regime, ...]

    def get(self, rule_id: str) -> Rule:
        """A rule by id, or NotFoundError naming it."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise NotFoundError(f"no rule '{rule_id}': see 'shadowtrade regimes list'")

    def for_target(self, target: str | None) -> tuple[Rule, ...]:
        """Rules on one target (ISO2), or all rules for None."""
        return tuple(r for r in self.rules if target is None or r.target == target)

    def targets(self) -> list[str]:
        """The ISO2 targets that have rules."""
        return sorted({r.target for r in self.regimes})


def load_rulebook(folder: Path | None = None) -> RuleBook:
    """Load and validate every ``*.yaml`` rule file of a folder (the packaged rules by default).

    Raises :class:`~shadowtrade.rules.validation.RuleFileError` listing every problem found.
    """
    if folder is None:
        return _packaged_rulebook()
    return _load(Path(folder))


@lru_cache(maxsize=1)
def _packaged_rulebook() -> RuleBook:
    return _load(DATA_DIR)


def _load(folder: Path) -> RuleBook:
    if not folder.is_dir():
        raise UsageError(f"rule folder '{folder}' does not exist: give a folder of *.yaml rule files")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise UsageError(f"rule folder '{folder}' holds no *.yaml rule files")
    problems: list[v.Problem] = []
    regimes: list[Regime] = []
    rules: list[Rule] = []
    for path in files:
        found_regime, found_rules, found_problems = _read_file(path)
        problems.extend(found_problems)
        if found_regime is not None:
            regimes.append(found_regime)
        rules.extend(found_rules)
    unreadable = any(p.key == "(file)" for p in problems)
    # With a file that cannot be parsed its ids are unknown: pointers into it would all look
    # dangling, so only the parse error is reported for them.
    problems.extend(_check_references(rules, _raw_ids(files), check_pointers=not unreadable))
    rules = _expand_inherited(rules)
    problems.extend(find_contradictions(rules))
    if problems:
        raise v.RuleFileError(problems)
    return RuleBook(tuple(rules), tuple(regimes))


def _read_file(path: Path) -> tuple[Regime | None, list[Rule], list[v.Problem]]:
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        return None, [], [v.Problem(name, None, "(file)", f"cannot be read as YAML{line}: {err}")]
    problems = v.check_keys(data, *v.FILE_KEYS, name, None, "")
    if problems and not isinstance(data, dict):
        return None, [], problems
    regime, regime_problems = _build_regime(data.get("regime"), path)
    problems.extend(regime_problems)
    rules: list[Rule] = []
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        return regime, [], problems + [v.Problem(name, None, "rules", "must be a list of rules")]
    for index, raw in enumerate(raw_rules):
        rule, rule_problems = _build_rule(raw, regime, name, index)
        problems.extend(rule_problems)
        if rule is not None:
            rules.append(rule)
    return regime, rules, problems


def _build_regime(raw: Any, path: Path) -> tuple[Regime | None, list[v.Problem]]:
    name = path.name
    problems = v.check_keys(raw, *v.REGIME_KEYS, name, None, "regime")
    if not isinstance(raw, dict):
        return None, problems
    problems += v.check_choice(raw.get("authority"), AUTHORITIES, name, None, "regime.authority")
    problems += v.check_choice(raw.get("binds"), list(BINDS), name, None, "regime.binds")
    expected = f"{raw.get('authority', '')}_{raw.get('target', '')}.yaml".lower()
    if name != expected:
        problems.append(
            v.Problem(name, None, "regime.target", f"does not match the file name: rename the file {expected}")
        )
    if problems:
        return None, problems
    instruments = tuple(dict(i) for i in raw.get("instruments") or [])
    regime = Regime(
        raw["id"], raw["authority"], raw["target"], raw["title"], raw["binds"], instruments,
        name, str(raw.get("notes") or ""),
    )
    return regime, []


def _build_rule(
    raw: Any, regime: Regime | None, file: str, index: int
) -> tuple[Rule | None, list[v.Problem]]:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    rid = str(rule_id) if rule_id else f"#{index + 1}"
    problems = v.check_keys(raw, *v.RULE_KEYS, file, rid, "")
    if not isinstance(raw, dict):
        return None, problems
    problems += _check_enums(raw, file, rid)
    problems += v.check_keys(raw.get("legal_ref"), *v.LEGAL_REF_KEYS, file, rid, "legal_ref")
    hs, hs_problems = _build_hs(raw.get("hs"), file, rid)
    effective, eff_problems = _build_effective(raw.get("effective"), file, rid)
    problems += hs_problems + eff_problems + _check_details(raw, file, rid)
    if problems or regime is None or hs is None or effective is None:
        return None, problems
    return _assemble_rule(raw, regime, hs, effective), []


def _check_enums(raw: dict[str, Any], file: str, rid: str) -> list[v.Problem]:
    problems = []
    for key, choices in (
        ("measure_type", MEASURE_TYPES),
        ("direction", DIRECTIONS),
        ("confidence", CONFIDENCE),
    ):
        if key in raw:
            problems += v.check_choice(raw[key], choices, file, rid, key)
    problems += v.check_choice(raw.get("scope_kind", "commodity"), SCOPE_KINDS, file, rid, "scope_kind")
    problems += v.check_choice(raw.get("origin", "any"), ORIGINS, file, rid, "origin")
    return problems


def _build_hs(raw: Any, file: str, rid: str) -> tuple[HsScope | None, list[v.Problem]]:
    problems = v.check_keys(raw, *v.HS_KEYS, file, rid, "hs")
    if not isinstance(raw, dict):
        return None, problems
    revision = raw.get("revision")
    problems += v.check_choice(revision, HS_REVISIONS, file, rid, "hs.revision")
    known = _known(revision)
    for key in ("include", "exclude", "possible"):
        if key in raw:
            problems += v.check_prefixes(raw[key], file, rid, f"hs.{key}", known)
    if not any(raw.get(k) for k in ("include", "possible", "all", "inherit")):
        problems.append(
            v.Problem(file, rid, "hs", "names no codes: give include, possible, all: true or inherit: implements")
        )
    if "inherit" in raw and raw["inherit"] != "implements":
        problems.append(v.Problem(file, rid, "hs.inherit", f"has '{raw['inherit']}': the only value is 'implements'"))
    if problems:
        return None, problems
    scope = HsScope(
        str(revision),
        tuple(raw.get("include") or ()),
        tuple(raw.get("exclude") or ()),
        tuple(raw.get("possible") or ()),
        bool(raw.get("all")),
        raw.get("nomenclature"),
        bool(raw.get("in_text")),
    )
    return scope, []


def _known(revision: Any) -> frozenset[str] | None:
    if revision == "any":
        return known_codes("HS17") | known_codes("HS22") | known_codes("HS92")
    if revision in HS_REVISIONS:
        return known_codes(revision)
    return None


def _build_effective(raw: Any, file: str, rid: str) -> tuple[Effective | None, list[v.Problem]]:
    problems = v.check_keys(raw, *v.EFFECTIVE_KEYS, file, rid, "effective")
    if not isinstance(raw, dict):
        return None, problems
    for key in ("from", "to", "wind_down_until"):
        problems += v.check_date(raw.get(key), file, rid, f"effective.{key}")
    precision = raw.get("date_precision", "exact")
    problems += v.check_choice(precision, DATE_PRECISION, file, rid, "effective.date_precision")
    if raw.get("from") is None and precision != "unknown":
        problems.append(
            v.Problem(file, rid, "effective.from", "is missing: give the date, or date_precision: unknown")
        )
    start, end = raw.get("from"), raw.get("to")
    if not problems and start and end and end <= start:
        problems.append(v.Problem(file, rid, "effective.to", f"({end}) is not after effective.from ({start})"))
    if problems:
        return None, problems
    return Effective(
        start, end, raw.get("wind_down_until"), raw.get("superseded_by"), precision, raw.get("note")
    ), []


def _check_details(raw: dict[str, Any], file: str, rid: str) -> list[v.Problem]:
    problems: list[v.Problem] = []
    for index, cap in enumerate(raw.get("caps") or []):
        problems += v.check_keys(cap, *v.CAP_KEYS, file, rid, f"caps[{index}]")
    if "value_threshold" in raw:
        problems += v.check_keys(raw["value_threshold"], *v.THRESHOLD_KEYS, file, rid, "value_threshold")
    for index, exc in enumerate(raw.get("exceptions") or []):
        problems += v.check_keys(exc, *v.EXCEPTION_KEYS, file, rid, f"exceptions[{index}]")
    for index, item in enumerate(raw.get("interpretations") or []):
        key = f"interpretations[{index}]"
        problems += v.check_keys(item, *v.INTERPRETATION_KEYS, file, rid, key)
        if isinstance(item, dict) and "status" in item:
            problems += v.check_choice(item["status"], v.INTERPRETATION_STATUSES, file, rid, f"{key}.status")
        if isinstance(item, dict) and "hs" in item:
            hs = item["hs"] if isinstance(item["hs"], list) else [item["hs"]]
            problems += v.check_prefixes(hs, file, rid, f"{key}.hs", None)
    return problems


def _assemble_rule(raw: dict[str, Any], regime: Regime, hs: HsScope, effective: Effective) -> Rule:
    ref = raw["legal_ref"]
    interpretations = tuple(
        Interpretation(
            tuple(i["hs"] if isinstance(i["hs"], list) else [i["hs"]]),
            str(i["reading"]), str(i["status"]), str(i.get("note") or ""),
        )
        for i in raw.get("interpretations") or []
    )
    return Rule(
        id=str(raw["id"]),
        regime=regime,
        legal_ref=LegalRef(ref["instrument"], str(ref["provision"]), ref["url"], tuple(ref.get("amended_by") or ())),
        measure_type=raw["measure_type"],
        scope_kind=raw.get("scope_kind", "commodity"),
        direction=raw["direction"],
        origin=raw.get("origin", "any"),
        hs=hs,
        effective=effective,
        confidence=raw["confidence"],
        description=str(raw.get("description") or ""),
        implements=tuple(raw.get("implements") or ()),
        overrides=tuple(raw.get("overrides") or ()),
        caps=tuple(raw.get("caps") or ()),
        value_threshold=raw.get("value_threshold"),
        exceptions=tuple(raw.get("exceptions") or ()),
        interpretations=interpretations,
        notes=str(raw.get("notes") or ""),
    )


def _raw_ids(files: list[Path]) -> set[str]:
    """Every rule id written in the files, valid rule or not (so one bad rule does not cascade)."""
    ids: set[str] = set()
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        rules = data.get("rules") if isinstance(data, dict) else None
        ids.update(str(r["id"]) for r in rules or [] if isinstance(r, dict) and "id" in r)
    return ids


def _check_references(rules: list[Rule], known_ids: set[str], check_pointers: bool = True) -> list[v.Problem]:
    """Duplicate ids, and supersession/implements/overrides that point at no rule."""
    problems = []
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            problems.append(
                v.Problem(rule.regime.file, rule.id, "id", f"is used twice (also in {seen[rule.id]}): ids must be unique")
            )
        seen[rule.id] = rule.regime.file
    for rule in rules if check_pointers else []:
        pointers = [("effective.superseded_by", rule.effective.superseded_by)]
        pointers += [("implements", x) for x in rule.implements]
        pointers += [("overrides", x) for x in rule.overrides]
        for key, target in pointers:
            if target and target not in known_ids:
                problems.append(v.Problem(rule.regime.file, rule.id, key, f"names '{target}', which is no rule id"))
    return problems


def _expand_inherited(rules: list[Rule]) -> list[Rule]:
    """Replace each ``hs: {inherit: implements}`` rule by one rule per measure it transposes.

    The copy keeps the transposing authority, legal reference and dates (starting no earlier than
    its own), and takes HS scope, direction and measure type from the implemented rule.
    """
    by_id = {r.id: r for r in rules}
    result: list[Rule] = []
    for rule in rules:
        if not (rule.hs.include == () and rule.hs.possible == () and not rule.hs.all and rule.implements):
            result.append(rule)
            continue
        sources = [by_id[i] for i in rule.implements if i in by_id]
        result.extend(_inherit_one(rule, source) for source in sources if _overlaps(rule, source))
    return result


def _overlaps(rule: Rule, source: Rule) -> bool:
    start = rule.effective.start or dt.date.min
    return source.effective.end is None or source.effective.end > start


def _inherit_one(rule: Rule, source: Rule) -> Rule:
    own = rule.effective
    start = max(d for d in (own.start, source.effective.start) if d) if own.start else source.effective.start
    effective = replace(own, start=start, end=source.effective.end, superseded_by=None)
    ref = replace(rule.legal_ref, provision=f"{rule.legal_ref.provision} (transposing {source.legal_ref.text})")
    return replace(
        rule,
        id=f"{rule.id}[{source.id}]",
        legal_ref=ref,
        measure_type=source.measure_type,
        scope_kind=source.scope_kind,
        direction=source.direction,
        hs=replace(source.hs, nomenclature=rule.hs.nomenclature),
        effective=effective,
        caps=source.caps,
        value_threshold=source.value_threshold,
        interpretations=source.interpretations,
        derived_from=source.id,
    )
