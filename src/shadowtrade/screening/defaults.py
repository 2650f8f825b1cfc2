"""The screening defaults the command line shows (a module of its own, so that ``shadowtrade
--help`` does not import the scorer and its tables).

>>> DEFAULT_THRESHOLD, DEFAULT_LIMIT
(0.7, 5)
"""

DEFAULT_THRESHOLD = 0.7
DEFAULT_LIMIT = 5
