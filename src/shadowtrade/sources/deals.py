"""Reading a deal file (YAML) and checking every field, naming what is wrong.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "deal.yaml"
>>> _ = path.write_text("route: [BLR, PRK]\\ngoods:\\n  - {hs: '870190'}\\n")
>>> read_deal(path).route
('BLR', 'PRK')
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from shadowtrade.errors import DataFileError, UsageError
from shadowtrade.model.codes import normalise_hs_code
from shadowtrade.model.deal import ROLES, SCHEMAS, Deal, Good, Party, Payment
from shadowtrade.reference.countries import resolve_country

_TOP = {"title", "date", "route", "goods", "parties", "payment", "notes"}
_GOOD = {"hs", "description", "value", "currency", "quantity", "unit"}
_PARTY = {"role", "name", "country", "schema", "imo", "birth_date", "identifiers"}
_PAYMENT = {"currency", "channel", "bank_country"}


class DealProblems:
    """Collects every problem of a deal file so they are reported together."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            listed = "\n  - ".join(self.items)
            raise DataFileError(f"the deal file has {len(self.items)} problem(s):\n  - {listed}",
                                path=str(self.path))


def read_deal(path: Path) -> Deal:
    """Read and check a deal file; every problem is named at once (field and value)."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"no such deal file: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise DataFileError(f"not valid YAML: {err}", path=str(path)) from err
    if not isinstance(raw, dict):
        raise DataFileError("a deal file is a mapping with at least 'route' and 'goods'",
                            path=str(path))
    problems = DealProblems(path)
    _unknown_keys(problems, "deal", raw, _TOP)
    route = _route(problems, raw.get("route"))
    goods = _goods(problems, raw.get("goods"))
    parties = tuple(_party(problems, i, p) for i, p in enumerate(raw.get("parties") or []))
    payment = _payment(problems, raw.get("payment"))
    date = _date(problems, raw.get("date"))
    problems.raise_if_any()
    return Deal(title=str(raw.get("title") or path.stem), date=date, route=route, goods=goods,
                parties=tuple(p for p in parties if p is not None), payment=payment,
                notes=raw.get("notes"), source_file=str(path))


def _unknown_keys(problems: DealProblems, where: str, raw: dict, allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            problems.add(where, f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})")


def _country(problems: DealProblems, where: str, value: Any) -> str | None:
    try:
        return resolve_country(str(value))
    except UsageError as err:
        problems.add(where, str(err))
        return None


def _route(problems: DealProblems, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.add("route", "missing or too short: list the countries from origin to "
                     "destination, for example [BLR, RUS, PRK]")
        return ()
    codes = [_country(problems, f"route[{i}]", value) for i, value in enumerate(raw)]
    return tuple(code for code in codes if code)


def _goods(problems: DealProblems, raw: Any) -> tuple[Good, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add("goods", "missing: list at least one item with its HS code, "
                     "for example - {hs: '870190'}")
        return ()
    goods = []
    for index, item in enumerate(raw):
        where = f"goods[{index}]"
        if not isinstance(item, dict):
            problems.add(where, "each item is a mapping with at least 'hs'")
            continue
        _unknown_keys(problems, where, item, _GOOD)
        try:
            hs = normalise_hs_code(str(item.get("hs", "")))
        except UsageError as err:
            problems.add(where, str(err))
            continue
        goods.append(Good(hs=hs, description=item.get("description"),
                          value=_number(problems, f"{where}.value", item.get("value")),
                          currency=item.get("currency"),
                          quantity=_number(problems, f"{where}.quantity", item.get("quantity")),
                          unit=item.get("unit")))
    return tuple(goods)


def _party(problems: DealProblems, index: int, raw: Any) -> Party | None:
    where = f"parties[{index}]"
    if not isinstance(raw, dict) or not raw.get("name"):
        problems.add(where, "each party is a mapping with at least 'name' and 'role'")
        return None
    _unknown_keys(problems, where, raw, _PARTY)
    role = str(raw.get("role", "other"))
    if role not in ROLES:
        problems.add(f"{where}.role", f"unknown role '{role}' (use one of {', '.join(ROLES)})")
    schema = str(raw.get("schema", "LegalEntity"))
    if schema not in SCHEMAS:
        problems.add(f"{where}.schema", f"unknown schema '{schema}' (use one of {', '.join(SCHEMAS)})")
    country = raw.get("country")
    code = _country(problems, f"{where}.country", country) if country else None
    identifiers = tuple(str(v) for v in (raw.get("identifiers") or []))
    return Party(role=role, name=str(raw["name"]), country=code, schema=schema,
                 imo=str(raw["imo"]) if raw.get("imo") else None,
                 birth_date=str(raw["birth_date"]) if raw.get("birth_date") else None,
                 identifiers=identifiers)


def _payment(problems: DealProblems, raw: Any) -> Payment | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.add("payment", "a mapping such as {currency: USD, channel: wire}")
        return None
    _unknown_keys(problems, "payment", raw, _PAYMENT)
    bank = raw.get("bank_country")
    return Payment(currency=raw.get("currency"), channel=raw.get("channel"),
                   bank_country=_country(problems, "payment.bank_country", bank) if bank else None)


def _date(problems: DealProblems, raw: Any) -> dt.date | None:
    if raw is None or isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        problems.add("date", f"'{raw}' is not a date: write YYYY-MM-DD")
        return None


def _number(problems: DealProblems, where: str, raw: Any) -> float | None:
    if raw is None:
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        problems.add(where, f"'{raw}' is not a number")
        return None
