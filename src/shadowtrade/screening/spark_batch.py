"""Batch screening on Apache Spark: a Parquet file of names in, the same file with hits out.

The screening engine is built once on the driver and broadcast; each partition of names is
scored with ``mapInPandas`` by the same code as the local CSV batch (:mod:`.batch`), so the
output columns and values are those of ``shadowtrade screen --input names.csv`` (text columns
``hit_count``, ``top_id``, ``top_caption``, ``top_score``, ``top_datasets``, ``hits``, ``error``)
added to every input column. Every input row is kept.

>>> import pandas as pd
>>> from shadowtrade.screening.engine import Screener
>>> engine = Screener([{"id": "x-1", "schema": "Person", "caption": "RI JE-SON",
...                     "properties": {"name": ["RI JE-SON"]}, "datasets": ["x"]}])
>>> out = screen_frame(engine, pd.DataFrame({"name": ["Ri Che-son", "Jane Doe"]}))
>>> out[["name", "hit_count", "top_id"]].values.tolist()
[['Ri Che-son', '1', 'x-1'], ['Jane Doe', '0', '']]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pandas as pd

from shadowtrade.errors import DataFileError, MissingExtraError
from shadowtrade.screening.batch import HIT_COLUMNS, BatchSummary, ScreenOptions, screened_rows
from shadowtrade.screening.engine import Screener, check_options


def screen_frame(engine: Screener, frame: pd.DataFrame,
                 options: ScreenOptions = ScreenOptions()) -> pd.DataFrame:
    """Screen the name in each row of ``frame``; the rows with the hit columns added."""
    columns = [options.name_column, options.schema_column or "", "birth_date", "country"]
    rows = [{c: _text(row.get(c)) for c in columns}
            for row in frame.to_dict(orient="records")]
    here = replace(options, workers=1)  # Spark spreads the partitions over the cores
    extras = [extra for _, extra in screened_rows(engine, iter(rows), here)]
    added = pd.DataFrame(extras, columns=list(HIT_COLUMNS), index=frame.index, dtype=object)
    return pd.concat([frame, added], axis=1)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def screen_parquet(session: Any, engine: Screener, source: str, target: str,
                   options: ScreenOptions = ScreenOptions()) -> BatchSummary:
    """Screen the Parquet file (or folder, or URI) ``source`` on ``session``; write ``target``.

    The engine is broadcast once; names are spread over at least one partition per core and
    scored per partition, the output keeping the input's order. Returns what the run did,
    counted from the written output.
    """
    check_options(options.threshold, options.limit)
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import functions as F
        from pyspark.sql.types import LongType, StringType, StructField, StructType
    except ImportError:
        raise MissingExtraError("--engine spark", "spark") from None
    try:
        names = session.read.parquet(source)
    except PySparkException as err:
        raise DataFileError(f"cannot read it as Parquet: {str(err).splitlines()[0]}",
                            path=source) from None
    if options.name_column not in names.columns:
        found = ", ".join(names.columns) or "none"
        raise DataFileError(f"{source} has no column {options.name_column!r} (columns found: "
                            f"{found}); name the column with --name-column", path=source)
    clash = [c for c in HIT_COLUMNS if c in names.columns]
    if clash:
        raise DataFileError(f"{source} already has a column {clash[0]!r}: rename it, it would "
                            "be overwritten by the results", path=source)
    schema = StructType(names.schema.fields + [StructField("_row", LongType())]
                        + [StructField(c, StringType()) for c in HIT_COLUMNS])
    # Spread the names over every core (a small file is one partition), keeping their order.
    parts = max(names.rdd.getNumPartitions(), session.sparkContext.defaultParallelism)
    names = (names.withColumn("_row", F.monotonically_increasing_id())
             .repartitionByRange(parts, "_row").sortWithinPartitions("_row"))
    shared = session.sparkContext.broadcast(engine)

    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        local = shared.value  # unpickled once per Python worker
        for frame in batches:
            yield screen_frame(local, frame, options)

    names.mapInPandas(score, schema).drop("_row").write.mode("overwrite").parquet(target)
    shared.unpersist()
    counts = session.read.parquet(target).agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum((F.col("hit_count") != "0").cast("int")).alias("hits"),
        F.sum((F.col("error") != "").cast("int")).alias("errors"),
    ).collect()[0]
    return BatchSummary(counts["rows"], counts["hits"] or 0, counts["errors"] or 0)
