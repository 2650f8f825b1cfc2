"""The warehouse's tables. Flows keep every publisher's report apart (``source``) with its
provenance (``load_id`` into ``load_log``); rows that could not be read go to ``quarantine``."""

from __future__ import annotations

FLOWS_DDL = """
CREATE TABLE IF NOT EXISTS flows (
    source      VARCHAR NOT NULL,
    dataset     VARCHAR NOT NULL,
    release     VARCHAR NOT NULL,
    freq        VARCHAR NOT NULL,
    year        SMALLINT NOT NULL,
    month       TINYINT,
    exporter    VARCHAR NOT NULL,
    importer    VARCHAR NOT NULL,
    reporter    VARCHAR,
    aggregate   BOOLEAN NOT NULL,
    hs_revision VARCHAR NOT NULL,
    hs_code     VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    currency    VARCHAR NOT NULL,
    quantity    DOUBLE,
    unit        VARCHAR,
    load_id     INTEGER NOT NULL
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
    FLOWS_DDL,
    LOAD_LOG_DDL,
    QUARANTINE_DDL,
]
