"""The overlap report: the overlap table as one self-contained HTML page (no scripts, no network).

>>> html = render_overlap_html({"target": "KP", "by": "chapter", "date": "2024-06-01",
...     "authorities": ["UN"], "statuses": ["prohibited"], "notes": [], "rules": {},
...     "rows": []})
>>> "<title>Trade restrictions on North Korea" in html
True
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from shadowtrade.reference.countries import country_name, iso3_from_iso2

TEMPLATES = Path(__file__).parent / "templates"
DIRECTION_LABELS = {
    "to_target": "Goods going to {name}",
    "from_target": "Goods coming from {name}",
    "via_third_country": "Goods between third countries (re-export clauses)",
}


def render_overlap_html(table: dict[str, Any]) -> str:
    """Render the JSON form of an overlap table (``OverlapTable.as_dict()``) as HTML."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]))
    name = country_name(iso3_from_iso2(table["target"]) or table["target"])
    sections = []
    for direction in DIRECTION_LABELS:
        rows = [r for r in table["rows"] if r["direction"] == direction]
        if rows:
            sections.append((direction, rows))
    return env.get_template("overlap.html.j2").render(
        title=f"Trade restrictions on {name} ({table['target']})",
        by=table["by"],
        date=table["date"],
        authorities=table["authorities"],
        binds=table.get("binds", {}),
        statuses=table["statuses"],
        sections=sections,
        direction_labels={k: v.format(name=name) for k, v in DIRECTION_LABELS.items()},
        rules=sorted(table["rules"].items()),
        anchors={rid: anchor(rid) for rid in table["rules"]},
        notes=table["notes"],
        generated=dt.date.today().isoformat(),
    )


def anchor(rule_id: str) -> str:
    """An HTML id for a rule id.

    >>> anchor("UK-KP-TRADE[UN-KP-2397-7-IMPORT-BAN]")
    'rule-UK-KP-TRADE-UN-KP-2397-7-IMPORT-BAN'
    """
    return "rule-" + re.sub(r"[^A-Za-z0-9_-]+", "-", rule_id).strip("-")


def overlap_csv(table: dict[str, Any]) -> str:
    """The overlap table as CSV: key, label, direction, then status and rule ids per authority."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    authorities = table["authorities"]
    writer.writerow(["key", "label", "direction", *[c for a in authorities for c in (a, f"{a}_rules")]])
    for row in table["rows"]:
        cells = []
        for a in authorities:
            cell = row["cells"][a]
            status = "" if cell is None else cell["status"] + (" (part)" if cell["partial"] else "")
            cells += [status, "" if cell is None else " ".join(cell["rule_ids"])]
        writer.writerow([row["key"], row["label"], row["direction"], *cells])
    return out.getvalue()
