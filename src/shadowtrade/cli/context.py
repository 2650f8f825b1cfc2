"""What a brief needs from the warehouse: flows, a screening engine, the sources' dates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shadowtrade.cli.app import err_console, settings
from shadowtrade.errors import NoDataError
from shadowtrade.reference.countries import countries, resolve_country

if TYPE_CHECKING:  # imported where used: they start slowly
    import ibis.expr.types as ir
    from shadowtrade.assess.findings import Source
    from shadowtrade.screening.engine import Screener
    from shadowtrade.warehouse import Warehouse


@dataclass
class BriefContext:
    """Loaded data for a brief; any part may be missing (the brief then says so)."""

    flows: ir.Table | None = None
    screener: Screener | None = None
    datasets: list[Source] = field(default_factory=list)

    def listed_in(self, code: str) -> list[dict[str, Any]]:
        """Listed entities tied to a country by nationality, country or address country."""
        if self.screener is None:
            return []
        iso3 = resolve_country(code)
        iso2 = countries()[iso3].iso2.lower()
        found = []
        for entry in self.screener.index.entries:
            props = entry.entity.get("properties", {})
            values = {str(v).lower() for key in ("country", "nationality", "citizenship",
                                                 "jurisdiction", "flag")
                      for v in props.get(key, [])}
            if iso2 in values:
                found.append(entry.entity)
        return found


@contextmanager
def open_context(screening: bool = True) -> Iterator[BriefContext]:
    """Open the warehouse read-only and gather what is loaded."""
    from shadowtrade.screening.loading import cached_screener
    from shadowtrade.warehouse import Warehouse

    path = settings().warehouse_path
    if not path.exists():
        err_console.print(f"No warehouse at {path}: the brief uses the rule files only. "
                          "Load data with shadowtrade data load --mirror DIR.")
        yield BriefContext()
        return
    with Warehouse(path, read_only=True) as warehouse:
        context = BriefContext(datasets=_datasets(warehouse))
        if warehouse.sql_rows("SELECT count(*) FROM flows")[0][0]:
            context.flows = warehouse.table("flows")
        if screening:
            try:
                context.screener = cached_screener(warehouse, settings().home / "cache")
            except NoDataError:
                pass
        yield context


def _datasets(warehouse: Warehouse) -> list[Source]:
    from shadowtrade.assess.findings import Source
    from shadowtrade.warehouse.lists import list_status
    from shadowtrade.warehouse.status import flow_status

    sources = [Source(name=f"{row['source']} {row['dataset']}", date=row["release"],
                      reference=f"{row['first_year']}-{row['last_year']}, {row['rows']:,} rows, "
                                f"loaded {str(row['loaded_at'])[:10]}")
               for row in flow_status(warehouse)]
    try:
        lists = list_status(warehouse)
    except Exception:  # noqa: BLE001 - no list tables yet
        lists = []
    for item in lists:
        sources.append(Source(name=f"sanctions list {item.dataset} ({item.publisher})",
                              date=str(item.published), reference=f"{item.entities:,} entities, "
                              f"sha256 {item.sha256[:12]}"))
    return sources
