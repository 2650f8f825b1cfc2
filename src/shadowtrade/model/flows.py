"""The layout of one trade-flow record, as every reader yields it and the warehouse stores it.

Values are in whole currency units (never thousands); quantities in the unit named beside them
(``kg`` for BACI, converted from tonnes). ``exporter`` and ``importer`` are ISO3 codes, or a group
code (``EU27``, ``WLD``) on rows a publisher itself aggregated, which carry ``aggregate = true`` and
are never summed with country rows.

>>> FLOW_COLUMNS[:3]
('source', 'dataset', 'release')
"""

from __future__ import annotations

import pyarrow as pa

FLOW_SCHEMA = pa.schema(
    [
        ("source", pa.string()),  # baci | comtrade | eurostat | national | atlas
        ("dataset", pa.string()),  # a source's sub-collection, e.g. HS17 or reporter-156-M
        ("release", pa.string()),  # the publisher's vintage, e.g. V202501
        ("freq", pa.string()),  # A (annual) or M (monthly)
        ("year", pa.int16()),
        ("month", pa.int8()),  # null for annual rows
        ("exporter", pa.string()),
        ("importer", pa.string()),
        ("reporter", pa.string()),  # who declared it: ISO3, or BACI for reconciled flows
        ("aggregate", pa.bool_()),  # one side is a group a publisher aggregated
        ("hs_revision", pa.string()),  # HS92 … HS22, or TOTAL
        ("hs_code", pa.string()),  # 6 digits as text, or TOTAL
        ("value", pa.float64()),
        ("currency", pa.string()),
        ("quantity", pa.float64()),
        ("unit", pa.string()),
    ]
)

FLOW_COLUMNS: tuple[str, ...] = tuple(FLOW_SCHEMA.names)

QUARANTINE_SCHEMA = pa.schema(
    [("line", pa.int64()), ("raw", pa.string()), ("reason", pa.string())]
)
