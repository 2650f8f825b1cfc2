"""Trade queries and evasion detectors as Ibis expressions: they run on DuckDB or Spark."""
