"""Differences between two versions of a list: designations added, removed and changed.

Entities are matched on their id (the publisher's reference number); a changed entity lists
the properties whose values differ.

>>> from shadowtrade.sources.lists.entity import ListEntity
>>> old = [ListEntity.create("x", "1", "Person", ["A"]), ListEntity.create("x", "2", "Person", ["B"])]
>>> new = [ListEntity.create("x", "2", "Person", ["B"], aliases=["Bee"]),
...        ListEntity.create("x", "3", "Person", ["C"])]
>>> d = diff_entities(old, new)
>>> d["added"][0]["id"], d["removed"][0]["id"], d["changed"][0]["fields"]
('x-3', 'x-1', ['alias'])
"""

from __future__ import annotations

from typing import Any

from shadowtrade.sources.lists.entity import ListEntity

_IGNORED = {"notes"}


def _brief(entity: ListEntity) -> dict[str, Any]:
    return {"id": entity.id, "caption": entity.caption, "schema": entity.schema}


def diff_entities(old: list[ListEntity], new: list[ListEntity]) -> dict[str, Any]:
    """Added, removed and changed entities between two versions (JSON-ready)."""
    before = {e.id: e for e in old}
    after = {e.id: e for e in new}
    changed = []
    for entity_id in sorted(before.keys() & after.keys()):
        a = before[entity_id].to_ftm()["properties"]
        b = after[entity_id].to_ftm()["properties"]
        fields = sorted(k for k in (a.keys() | b.keys()) - _IGNORED
                        if sorted(a.get(k, [])) != sorted(b.get(k, [])))
        if fields:
            changes = {k: {"old": a.get(k, []), "new": b.get(k, [])} for k in fields}
            changed.append({**_brief(after[entity_id]), "fields": fields, "changes": changes})
    return {
        "added": [_brief(after[i]) for i in sorted(after.keys() - before.keys())],
        "removed": [_brief(before[i]) for i in sorted(before.keys() - after.keys())],
        "changed": changed,
        "counts": {"old": len(before), "new": len(after),
                   "added": len(after.keys() - before.keys()),
                   "removed": len(before.keys() - after.keys()), "changed": len(changed)},
    }
