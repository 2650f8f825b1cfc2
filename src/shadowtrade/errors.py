"""The exception hierarchy.

Every error shadowtrade raises on purpose derives from :class:`ShadowtradeError`; errors caused by
what a user typed or supplied also derive from :class:`ValueError`. The CLI turns them into one
clean line and an exit code; the API turns them into an HTTP status through one handler table.

>>> try:
...     raise UsageError("unknown country 'XYZ'")
... except ValueError as err:
...     print(err)
unknown country 'XYZ'
"""

from __future__ import annotations


class ShadowtradeError(Exception):
    """Base class of every shadowtrade error."""

    exit_code = 1
    http_status = 500


class UsageError(ShadowtradeError, ValueError):
    """The user asked for something malformed: an unknown code, a bad year range, a bad flag."""

    exit_code = 2
    http_status = 400


class DataFileError(ShadowtradeError, ValueError):
    """An input file cannot be read as the format it claims to be.

    Carries the file and, where known, the line, so the message can point at it.
    """

    exit_code = 3
    http_status = 422

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}" + (f", line {line}" if line is not None else "") + ": "
        super().__init__(where + message)


class NoDataError(ShadowtradeError):
    """A query matched nothing that is loaded; the message says what to load."""

    exit_code = 4
    http_status = 404


class NotFoundError(ShadowtradeError):
    """A named thing (entity, rule, list) does not exist."""

    exit_code = 4
    http_status = 404


class MissingExtraError(ShadowtradeError, ImportError):
    """An optional dependency is not installed; the message names the extra."""

    exit_code = 5
    http_status = 501

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the optional extra '{extra}': pip install 'shadowtrade[{extra}]'"
        )


class FetchError(ShadowtradeError):
    """A download from an official publisher failed."""

    exit_code = 6
    http_status = 502
