"""Readers for sanctions lists: one module per official format, all yielding :class:`ListEntity`.

>>> from shadowtrade.sources.lists import ListEntity
>>> ListEntity.create("demo", "1", "Person", ["Kim Jong Un"]).id
'demo-1'
"""

from shadowtrade.sources.lists.entity import ListEntity, ListRecordError, parse_date

__all__ = ["ListEntity", "ListRecordError", "parse_date"]
