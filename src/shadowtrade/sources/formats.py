"""The trade-file formats ``shadowtrade data load --format`` accepts and the publishers
``shadowtrade data fetch`` downloads from (a module of its own, so that the command line lists
them without importing the readers and the HTTP client).

>>> "baci" in FORMATS, "national" in FETCH_SOURCES
(True, False)
"""

FORMATS: tuple[str, ...] = ("baci", "comtrade", "eurostat", "national", "atlas")
FETCH_SOURCES: tuple[str, ...] = ("baci", "comtrade", "eurostat", "atlas")
