"""Errors at the HTTP edge: one handler table turns every error into a JSON body and status.

>>> status_for(NotFoundError("x")), status_for(UsageError("x")), status_for(ValueError("x"))
(404, 400, 500)
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shadowtrade.errors import NotFoundError, ShadowtradeError, UsageError

__all__ = ["install_error_handlers", "status_for", "NotFoundError", "UsageError"]


def status_for(error: Exception) -> int:
    """The HTTP status of an error: the class's own ``http_status`` (read from the instance's
    class, so subclasses get theirs), else 500."""
    if isinstance(error, ShadowtradeError):
        return type(error).http_status
    return 500


def error_body(status: int, detail: object) -> JSONResponse:
    """The JSON error document: ``{"status": …, "detail": …}``."""
    return JSONResponse({"status": status, "detail": detail}, status_code=status)


async def _shadowtrade_error(_: Request, error: Exception) -> JSONResponse:
    return error_body(status_for(error), str(error))


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
    return error_body(422, "; ".join(problems))


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return error_body(error.status_code, error.detail)


HANDLERS = {
    ShadowtradeError: _shadowtrade_error,
    RequestValidationError: _validation_error,
    StarletteHTTPException: _http_error,
}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handler table on an app."""
    for error_class, handler in HANDLERS.items():
        app.add_exception_handler(error_class, handler)
