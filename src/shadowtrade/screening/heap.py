"""Keeping Python's cyclic garbage collector off the screening index.

An index over every list is a few million small objects (prepared names, tokens, key sets)
that live as long as the engine. Building or unpickling it with the collector on makes the
collector scan the growing heap again and again (a quarter of the build time); once built, each
full collection scans it again (0.7 s, a pause in the middle of a request). So the index is
built with the collector paused, and then moved to the permanent generation with
:func:`gc.freeze`, which the collector never scans. Reference counting still frees an old index
when a new one replaces it (the index holds no reference cycles).

>>> import gc
>>> with collector_paused():
...     gc.isenabled()
False
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(freeze: bool = True) -> Iterator[None]:
    """Run the block with the cyclic collector off; afterwards, with ``freeze``, put every
    object alive (the new index among them) out of the collector's reach, then restore the
    collector's previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
