"""Sanctions list versions in the warehouse: one current version per dataset, swapped atomically.

Storing a version deletes the dataset's previous entities and inserts the new ones in one
transaction, with its ``load_log`` row (kind ``list``) and its rejected records in
``quarantine``; a failure leaves the previous version in place.

>>> import tempfile, pathlib
>>> from shadowtrade.warehouse.core import Warehouse
>>> wh = Warehouse(pathlib.Path(tempfile.mkdtemp()) / "w.duckdb")
>>> v = ListVersion("demo", "Me", "2026-01-01", ("a.csv",), "abc",
...                 [{"id": "demo-1", "schema": "Person", "caption": "A",
...                   "properties": {"name": ["A"]}, "datasets": ["demo"]}])
>>> store_list_version(wh, v).entities
1
>>> [s.dataset for s in list_status(wh)]
['demo']
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from shadowtrade.errors import NotFoundError
from shadowtrade.warehouse.core import Warehouse

LIST_DDL = [
    """CREATE TABLE IF NOT EXISTS list_entities (
        dataset VARCHAR NOT NULL, id VARCHAR NOT NULL, schema VARCHAR NOT NULL,
        caption VARCHAR NOT NULL, entity VARCHAR NOT NULL, load_id INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS list_versions (
        dataset VARCHAR PRIMARY KEY, load_id INTEGER NOT NULL, publisher VARCHAR NOT NULL,
        published VARCHAR, files VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
        entities BIGINT NOT NULL, names BIGINT NOT NULL, rejected BIGINT NOT NULL,
        skipped BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL)""",
]


@dataclass(frozen=True)
class ListVersion:
    """One version of one list, as FtM entity dicts, ready to store."""

    dataset: str
    publisher: str
    published: str | None
    files: tuple[str, ...]
    sha256: str
    entities: list[dict[str, Any]]
    rejected: list[tuple[int | None, str, str]] = field(default_factory=list)
    skipped: int = 0


@dataclass(frozen=True)
class ListStatus:
    """What the warehouse holds for one list."""

    dataset: str
    publisher: str
    published: str | None
    entities: int
    names: int
    rejected: int
    files: list[str]
    sha256: str
    load_id: int
    loaded_at: str
    replaced: int = 0
    skipped_unchanged: bool = False


def ensure_list_tables(warehouse: Warehouse) -> None:
    """Create the list tables when missing (idempotent)."""
    for ddl in LIST_DDL:
        warehouse.con.execute(ddl)


def _name_count(entity: dict[str, Any]) -> int:
    props = entity.get("properties", {})
    return sum(len(props.get(key, [])) for key in ("name", "alias", "weakAlias"))


def store_list_version(warehouse: Warehouse, version: ListVersion) -> ListStatus:
    """Replace the dataset's current version by this one, atomically.

    A version whose hash equals the current one is not stored again.
    """
    ensure_list_tables(warehouse)
    current = {s.dataset: s for s in list_status(warehouse)}.get(version.dataset)
    if current is not None and current.sha256 == version.sha256:
        return ListStatus(**{**current.__dict__, "skipped_unchanged": True})
    started = time.perf_counter()
    con = warehouse.con
    load_id = con.execute("SELECT nextval('load_ids')").fetchone()[0]  # type: ignore[index]
    table = pa.table({
        "dataset": [version.dataset] * len(version.entities),
        "id": [e["id"] for e in version.entities],
        "schema": [e["schema"] for e in version.entities],
        "caption": [e.get("caption") or e["properties"]["name"][0] for e in version.entities],
        "entity": [json.dumps(e, ensure_ascii=False) for e in version.entities],
    })
    names = sum(_name_count(e) for e in version.entities)
    now = dt.datetime.now()
    con.begin()
    try:
        replaced = _swap_entities(warehouse, version.dataset, table, load_id)
        _quarantine(warehouse, version, load_id)
        con.execute("DELETE FROM list_versions WHERE dataset = ?", [version.dataset])
        con.execute("INSERT INTO list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [version.dataset, load_id, version.publisher, version.published,
                     json.dumps(list(version.files)), version.sha256, len(version.entities),
                     names, len(version.rejected), version.skipped, now])
        con.execute("INSERT INTO load_log VALUES (?, 'list', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, ";".join(version.files), version.sha256, version.dataset,
                     version.published or "", len(version.entities), len(version.rejected),
                     replaced, time.perf_counter() - started, now])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return ListStatus(version.dataset, version.publisher, version.published,
                      len(version.entities), names, len(version.rejected), list(version.files),
                      version.sha256, load_id, str(now), replaced)


def _swap_entities(warehouse: Warehouse, dataset: str, table: pa.Table, load_id: int) -> int:
    con = warehouse.con
    old = con.execute("SELECT count(*) FROM list_entities WHERE dataset = ?", [dataset])
    replaced = int(old.fetchone()[0])  # type: ignore[index]
    con.execute("DELETE FROM list_entities WHERE dataset = ?", [dataset])
    con.register("_incoming_entities", table)
    try:
        con.execute("INSERT INTO list_entities SELECT dataset, id, schema, caption, entity, ? "
                    "FROM _incoming_entities", [load_id])
    finally:
        con.unregister("_incoming_entities")
    return replaced


def _quarantine(warehouse: Warehouse, version: ListVersion, load_id: int) -> None:
    for line, raw, reason in version.rejected:
        warehouse.con.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?)",
                              [load_id, version.files[0], line, raw[:2000], reason])


def list_status(warehouse: Warehouse) -> list[ListStatus]:
    """The current version of every stored list, by dataset name."""
    if not warehouse.has_table("list_versions"):
        return []
    rows = warehouse.sql_rows(
        "SELECT dataset, publisher, published, entities, names, rejected, files, sha256, "
        "load_id, loaded_at FROM list_versions ORDER BY dataset")
    return [ListStatus(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8],
                       str(r[9])) for r in rows]


def read_list_entities(warehouse: Warehouse,
                       datasets: list[str] | None = None) -> list[dict[str, Any]]:
    """Every stored entity (as FtM dicts), optionally of some datasets only."""
    if not warehouse.has_table("list_entities"):
        return []
    if datasets:
        known = {s.dataset for s in list_status(warehouse)}
        unknown = [d for d in datasets if d not in known]
        if unknown:
            raise NotFoundError(f"no list {unknown[0]!r} is loaded; loaded lists: "
                                f"{', '.join(sorted(known)) or 'none'}")
        rows = warehouse.sql_rows("SELECT entity FROM list_entities WHERE list_contains(?, "
                                  "dataset) ORDER BY dataset, id", [datasets])
    else:
        rows = warehouse.sql_rows("SELECT entity FROM list_entities ORDER BY dataset, id")
    return [json.loads(row[0]) for row in rows]
