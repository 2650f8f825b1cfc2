"""Comparing results of the two engines: same rows, same order, floats within tolerance."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

REL, ABS = 1e-9, 1e-6


def _null(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def assert_same(duck: Any, spark: Any, where: str = "result") -> None:
    """Recursive equality of JSON-like results; numbers within floating-point tolerance."""
    if _null(duck) or _null(spark):
        assert _null(duck) and _null(spark), f"{where}: {duck!r} (DuckDB) != {spark!r} (Spark)"
    elif isinstance(duck, dict):
        assert isinstance(spark, dict) and duck.keys() == spark.keys(), \
            f"{where}: keys {sorted(duck)} != {sorted(spark)}"
        for key in duck:
            assert_same(duck[key], spark[key], f"{where}.{key}")
    elif isinstance(duck, (list, tuple)):
        assert isinstance(spark, (list, tuple)) and len(duck) == len(spark), \
            f"{where}: {len(duck)} rows (DuckDB) != {len(spark)} (Spark)"
        for i, (a, b) in enumerate(zip(duck, spark, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(duck, (int, float)) and not isinstance(duck, bool):
        assert isinstance(spark, (int, float)) and not isinstance(spark, bool), \
            f"{where}: {duck!r} (DuckDB) != {spark!r} (Spark)"
        assert math.isclose(float(duck), float(spark), rel_tol=REL, abs_tol=ABS), \
            f"{where}: {duck!r} (DuckDB) != {spark!r} (Spark)"
    else:
        assert duck == spark, f"{where}: {duck!r} (DuckDB) != {spark!r} (Spark)"


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A result frame as plain records (numpy scalars as Python numbers)."""
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]
