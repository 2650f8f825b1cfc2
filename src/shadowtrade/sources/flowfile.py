"""What every trade-flow reader returns: the file, its source and release, and its batches."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from shadowtrade.warehouse import FlowPart

from shadowtrade.model.flows import FLOW_SCHEMA
from shadowtrade.sources.tabular import RowChecks, constant

Batch = tuple[pa.Table, pa.Table]


@dataclass
class FlowFile:
    """A trade file opened by a reader; iterating ``batches`` reads and validates it.

    ``parts``, when a reader gives them, are what the warehouse loads instead: per part, a fast
    scan and the row-by-row reader behind it (BACI).
    """

    path: Path
    source: str
    release: str
    batches: Iterator[Batch]
    parts: list[FlowPart] = field(default_factory=list)


def release_from_name(path: Path, default: str) -> str:
    """A release tag found in a file name (``V202501``, ``2026-02-27``), else ``default``.

    >>> release_from_name(Path("BACI_HS17_Y2022_V202501.csv"), "unknown")
    'V202501'
    """
    match = re.search(r"V\d{6}|\d{4}-\d{2}-\d{2}", path.name)
    return match.group(0) if match else default


def assemble(checks: RowChecks, columns: dict[str, pa.Array | object]) -> Batch:
    """Build the flow table of the accepted rows from per-row arrays or constants."""
    keep = checks.accepted_mask()
    count = int(keep.true_count) if hasattr(keep, "true_count") else sum(keep.to_pylist())
    arrays = []
    for name in FLOW_SCHEMA.names:
        value = columns[name]
        type_ = FLOW_SCHEMA.field(name).type
        if isinstance(value, (pa.Array, pa.ChunkedArray)):
            arrays.append(value.filter(keep).cast(type_))
        else:
            arrays.append(constant(value, count, type_))
    return pa.Table.from_arrays(arrays, schema=FLOW_SCHEMA), checks.rejected()
