"""The warehouse's tables. Flows keep every publisher's report apart (``source``) with its
provenance (``load_id`` into ``load_log``); rows that could not be read go to ``quarantine``.

Flow rows themselves are Parquet files listed in ``flow_files`` and read through the ``flows``
view (``flowstore.py``), which has the columns of ``model/flows.py`` plus ``load_id``."""

from __future__ import annotations

FLOW_FILES_DDL = """
CREATE TABLE IF NOT EXISTS flow_files (
    load_id   INTEGER NOT NULL,
    path      VARCHAR NOT NULL,            -- Parquet file, relative to the warehouse's folder
    source    VARCHAR NOT NULL,
    release   VARCHAR NOT NULL,
    constants VARCHAR NOT NULL,            -- JSON: the columns every row shares, with the value
    scope     VARCHAR NOT NULL,            -- JSON: the [dataset, year] pairs the file holds
    rows      BIGINT NOT NULL
)
"""

LOAD_LOG_DDL = """
CREATE TABLE IF NOT EXISTS load_log (
    load_id     INTEGER PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- flows | list
    file        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    release     VARCHAR NOT NULL,
    rows        BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    replaced    BIGINT NOT NULL,
    seconds     DOUBLE NOT NULL,
    loaded_at   TIMESTAMP NOT NULL
)
"""

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS quarantine (
    load_id INTEGER NOT NULL,
    file    VARCHAR NOT NULL,
    line    BIGINT,
    raw     VARCHAR,
    reason  VARCHAR NOT NULL
)
"""

ALL_DDL = [
    "CREATE SEQUENCE IF NOT EXISTS load_ids START 1",
    FLOW_FILES_DDL,
    LOAD_LOG_DDL,
    QUARANTINE_DDL,
]
